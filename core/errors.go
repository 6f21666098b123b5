package core

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotFound is returned (wrapped) when a record does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned (wrapped in *ConflictError) when a command was built from a
// stale view of a work order that somebody else changed in the meantime.
var ErrConflict = errors.New("conflict")

// ErrForbidden is returned (wrapped) when the acting user's roles do not allow a command.
var ErrForbidden = errors.New("forbidden")

// ValidationError says which field of a command is wrong and what to do about it.
// Message is a sentence a person can act on.
type ValidationError struct {
	Field   string
	Message string
}

func (e *ValidationError) Error() string { return e.Message }

// Invalid builds a *ValidationError for field with a formatted message.
func Invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// ValidationErrors collects several field errors of one command, in field order.
type ValidationErrors []*ValidationError

func (v ValidationErrors) Error() string {
	msgs := make([]string, len(v))
	for i, e := range v {
		msgs[i] = e.Message
	}
	return strings.Join(msgs, " ")
}

// For returns the message for field, or "".
func (v ValidationErrors) For(field string) string {
	for _, e := range v {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Err returns v as an error, or nil when it is empty.
func (v ValidationErrors) Err() error {
	if len(v) == 0 {
		return nil
	}
	return v
}

// FieldErrors extracts per-field messages from err (a *ValidationError or
// ValidationErrors); it returns nil for other errors.
func FieldErrors(err error) map[string]string {
	var many ValidationErrors
	if errors.As(err, &many) {
		m := make(map[string]string, len(many))
		for _, e := range many {
			m[e.Field] = e.Message
		}
		return m
	}
	var one *ValidationError
	if errors.As(err, &one) {
		return map[string]string{one.Field: one.Message}
	}
	return nil
}

// IsValidation reports whether err is bad input from the caller.
func IsValidation(err error) bool {
	return FieldErrors(err) != nil
}

// ConflictError tells who changed a work order since the caller read it.
type ConflictError struct {
	Number  string
	Have    uint64 // the version the caller read
	Current uint64 // the version in the store
	By      string // who made the latest change
	What    string // what that change was
	Kind    string // the history event's kind (EventAssigned: somebody took it)
	At      string // when, formatted
	// Hint, when set, replaces "after you opened it; reload it and try
	// again" (a caller who read no version: what to do instead).
	Hint string
}

func (e *ConflictError) Error() string {
	if e.Hint != "" {
		return e.Summary() + "; " + e.Hint
	}
	return e.Summary() + " after you opened it; reload it and try again"
}

// Summary says who took (assigned) or changed the work order, when and what:
// "WO-000003 was taken by dora at 10:04:05 (manual assignment to Ann …)".
func (e *ConflictError) Summary() string {
	return fmt.Sprintf("%s (%s)", e.Who(), e.What)
}

// Who is the first half of Summary: "WO-000003 was taken by dora at 10:04:05".
func (e *ConflictError) Who() string {
	verb := "changed"
	if e.Kind == EventAssigned {
		verb = "taken"
	}
	return fmt.Sprintf("%s was %s by %s at %s", e.Number, verb, e.By, e.At)
}

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// sentinelError is a sentence for a person that still matches a sentinel with errors.Is.
type sentinelError struct {
	msg      string
	sentinel error
}

func (e *sentinelError) Error() string { return e.msg }
func (e *sentinelError) Unwrap() error { return e.sentinel }

// NotFoundf returns an error matching ErrNotFound whose text is the formatted sentence.
func NotFoundf(format string, args ...any) error {
	return &sentinelError{msg: fmt.Sprintf(format, args...), sentinel: ErrNotFound}
}

func forbidden(format string, args ...any) error {
	return &sentinelError{msg: fmt.Sprintf(format, args...), sentinel: ErrForbidden}
}
