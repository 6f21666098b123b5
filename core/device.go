package core

import (
	"strings"
	"time"
)

// Device is a customer's asset with a printed code (R-IN-4): scanning its sticker
// opens the submission form with the device prefilled.
type Device struct {
	Code        string    `json:"code"`
	Model       string    `json:"model"`
	AccountID   ID        `json:"account_id"`
	AccountName string    `json:"account_name"`
	Location    string    `json:"location"`
	CreatedAt   time.Time `json:"created_at"`
	CreatedBy   string    `json:"created_by"`
}

// NormalizeDeviceCode upper-cases a device code and checks it is 1–64 letters,
// digits, dots, dashes or underscores, so it prints cleanly on a sticker.
func NormalizeDeviceCode(s string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(s))
	if c == "" {
		return "", Invalid("code", "A device needs a code, e.g. FRZ-0042.")
	}
	if len(c) > 64 {
		return "", Invalid("code", "Device code %q is %d characters long; the limit is 64.", s, len(c))
	}
	for _, r := range c {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return "", Invalid("code", "Device code %q has %q in it: use letters, digits, dot, dash or underscore.", s, string(r))
		}
	}
	return c, nil
}
