package core

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"time"
)

// LinkPurpose says what a customer link may be used for. A token presented on a
// page of another purpose is refused like an unknown one.
type LinkPurpose string

// Link purposes.
const (
	// PurposeTerminalTask opens a terminal-user task on one work order (R-TASK-3).
	PurposeTerminalTask LinkPurpose = "terminal-task"
	// PurposeDevice opens the submission form with a device prefilled (R-IN-4).
	PurposeDevice LinkPurpose = "device"
	// PurposeReceipt shows the receipt of one web submission; its token is the
	// submission's form nonce, so a double submit finds the first receipt.
	PurposeReceipt LinkPurpose = "receipt"
	// PurposeStatus shows a work order's status, read-only, from a notification.
	PurposeStatus LinkPurpose = "status"
	// PurposeEvaluation opens a work order's evaluation page (R-EVAL-2..4): the
	// engineer's QR code (multi-use) or a personal invitation (single use,
	// editable until it expires).
	PurposeEvaluation LinkPurpose = "evaluation"
	// PurposeEvaluationReceipt shows the receipt of one evaluation; its token is
	// the form's nonce, like PurposeReceipt.
	PurposeEvaluationReceipt LinkPurpose = "evaluation-receipt"
	// PurposeSession is a customer signed in with a verified phone (R-IN-8):
	// their work orders, until it expires or they sign out.
	PurposeSession LinkPurpose = "customer-session"
)

// Link is what the store keeps about a customer link: never the token itself,
// only its SHA-256 (Hash), what it is for and how long and how often it works.
type Link struct {
	Hash       []byte      `json:"-"`
	Purpose    LinkPurpose `json:"purpose"`
	WorkOrder  ID          `json:"work_order,omitempty"`
	DeviceCode string      `json:"device_code,omitempty"`
	// ExpiresAt is nil for links that never expire (device stickers).
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// MultiUse links accept many submissions; single-use links stop after one.
	MultiUse  bool       `json:"multi_use"`
	Uses      int        `json:"uses"`
	UsedAt    *time.Time `json:"used_at,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	CreatedBy string     `json:"created_by"`
	// Evaluation is the evaluation an evaluation receipt shows.
	Evaluation ID `json:"evaluation,omitempty"`
	// Phone is a customer session's verified phone.
	Phone string `json:"phone,omitempty"`
}

// ErrLinkUnusable is returned for every token that cannot be used — unknown,
// expired, used up or meant for another page. Pages show one friendly message for
// all of them, so a visitor learns nothing about whether a token ever existed;
// the wrapped reason is for the log only.
var ErrLinkUnusable = errors.New("link unusable")

// LinkError carries the reason a link was refused, for the log.
type LinkError struct{ Reason string }

func (e *LinkError) Error() string { return "link unusable: " + e.Reason }

// Unwrap makes errors.Is(err, ErrLinkUnusable) true.
func (e *LinkError) Unwrap() error { return ErrLinkUnusable }

func unusable(reason string) error { return &LinkError{Reason: reason} }

// Usable reports why l cannot be used for purpose at now, or nil when it can.
func (l *Link) Usable(purpose LinkPurpose, now time.Time) error {
	switch {
	case l.Purpose != purpose:
		return unusable("wrong purpose " + string(l.Purpose) + " for " + string(purpose))
	case l.ExpiresAt != nil && !now.Before(*l.ExpiresAt):
		return unusable("expired")
	case !l.MultiUse && l.Uses > 0:
		return unusable("already used")
	}
	return nil
}

// Token lengths: crypto/rand.Text gives 26 base32 characters (130 bits); device
// tokens are 32 characters (160 bits of HMAC). Anything outside is not a token.
const (
	minTokenLen = 26
	maxTokenLen = 64
)

// NewToken returns a fresh random link token (130 bits, base32).
func NewToken() string { return rand.Text() }

// HashToken is the SHA-256 of a token: the only form the store keeps.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// ParseToken checks that s looks like a token (26–64 characters of the base32
// alphabet A–Z, 2–7) and returns its hash. Links pasted from mail often arrive in
// lower case, so lower-case letters are accepted and upper-cased.
func ParseToken(s string) (token string, hash []byte, ok bool) {
	if len(s) < minTokenLen || len(s) > maxTokenLen {
		return "", nil, false
	}
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'A' && c <= 'Z', c >= '2' && c <= '7':
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		default:
			return "", nil, false
		}
	}
	token = string(b)
	return token, HashToken(token), true
}

// DeviceToken derives a device sticker's token from the database's link secret and
// the device code, so that the same sticker can be printed again without storing
// the token: only its hash is in the link index.
func DeviceToken(secret []byte, code string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("device\x00" + code))
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(m.Sum(nil)[:20])
}

// Paths of the customer pages a link opens; the web listener serves them and the
// CLI and console build URLs from them.
const (
	TaskPathPrefix    = "/task/"
	DevicePathPrefix  = "/d/"
	ReceiptPathPrefix = "/r/"
	StatusPathPrefix  = "/s/"
	// EvaluationPathPrefix opens an evaluation page; EvaluationReceiptPathPrefix
	// its receipt.
	EvaluationPathPrefix        = "/e/"
	EvaluationReceiptPathPrefix = "/er/"
)

// LinkURL joins the listener's public URL and a page path.
func LinkURL(publicURL, prefix, token string) string {
	for len(publicURL) > 0 && publicURL[len(publicURL)-1] == '/' {
		publicURL = publicURL[:len(publicURL)-1]
	}
	return publicURL + prefix + token
}
