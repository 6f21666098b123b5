package core

import (
	"fmt"
	"strconv"
	"strings"
)

// ID identifies a stored record within its kind. Zero means "none"; in JSON it is null.
type ID uint64

// MarshalJSON writes zero as null and anything else as a number.
func (id ID) MarshalJSON() ([]byte, error) {
	if id == 0 {
		return []byte("null"), nil
	}
	return strconv.AppendUint(nil, uint64(id), 10), nil
}

// UnmarshalJSON accepts null, a number, or a number in a string.
func (id *ID) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		*id = 0
		return nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return fmt.Errorf("id %s is not a number", b)
	}
	*id = ID(n)
	return nil
}

// ParseID reads an ID typed by a person ("12"); field names the input in the error.
func ParseID(field, s string) (ID, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 {
		return 0, Invalid(field, "%s %q is not an id: ids are positive whole numbers, as printed by the command that created the record.", field, s)
	}
	return ID(n), nil
}

// NumberPrefix starts every human work-order number.
const NumberPrefix = "WO-"

// FormatNumber renders a work-order sequence number as WO-000123.
func FormatNumber(n uint64) string {
	return fmt.Sprintf("%s%06d", NumberPrefix, n)
}

// ParseNumber accepts "WO-000123", "wo-123" or "123" and returns 123.
func ParseNumber(s string) (uint64, error) {
	t := strings.TrimSpace(s)
	if len(t) >= len(NumberPrefix) && strings.EqualFold(t[:len(NumberPrefix)], NumberPrefix) {
		t = t[len(NumberPrefix):]
	}
	n, err := strconv.ParseUint(t, 10, 64)
	if err != nil || n == 0 {
		return 0, Invalid("number", "%q is not a work-order number: use the form WO-000123 (or just 123).", s)
	}
	return n, nil
}
