package core

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizePhone returns the canonical form of a phone number typed by a person, so
// that "+86 138-0013-8000", "0086 13800138000" and "13800138000" are the same number.
// Separators (space, dash, dot, parentheses) are dropped; a Chinese country prefix
// (+86 or 0086) is removed; other international numbers keep their leading "+".
// Empty input gives "" and no error. Anything else that is not 5–15 digits is refused.
func NormalizePhone(s string) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", nil
	}
	var b strings.Builder
	for i, r := range t {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return "", Invalid("phone", "Phone %q has %q in it: use digits only, optionally starting with +, e.g. 138 0013 8000 or +44 20 7946 0000.", s, string(r))
		}
	}
	p := b.String()
	switch {
	case strings.HasPrefix(p, "+86"):
		p = p[3:]
	case strings.HasPrefix(p, "0086"):
		p = p[4:]
	}
	digits := strings.TrimPrefix(p, "+")
	if len(digits) < 5 || len(digits) > 15 {
		return "", Invalid("phone", "Phone %q has %d digits: a phone number has 5 to 15 digits.", s, len(digits))
	}
	return p, nil
}

// NormalizeEmail returns the lower-cased bare address, or a validation error.
func NormalizeEmail(s string) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(t)
	if err != nil || a.Address != t || !strings.Contains(a.Address[strings.LastIndexByte(a.Address, '@')+1:], ".") {
		return "", Invalid("email", "Email %q is not an address: write it as name@example.com.", s)
	}
	return strings.ToLower(a.Address), nil
}

// Invisible reports whether r changes how text around it is shown without
// being seen itself: the bidirectional controls (U+202A–U+202E, U+2066–U+2069,
// U+200E, U+200F, U+061C: "refund ‮eulav" reads backwards) and the zero-width
// characters (U+200B–U+200D, U+2060, U+180E, U+FEFF). Text from outside loses
// them, as it loses terminal escapes.
func Invisible(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	case r >= 0x200B && r <= 0x200D, r == 0x2060, r == 0x180E, r == 0xFEFF:
		return true
	}
	return false
}

// StripInvisible is s without its Invisible characters.
func StripInvisible(s string) string {
	if strings.IndexFunc(s, Invisible) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if Invisible(r) {
			return -1
		}
		return r
	}, s)
}

// cleanText trims s and refuses control characters and overlong values;
// bidirectional controls and zero-width characters are dropped (Invisible).
// field names the input in the message; required refuses empty text.
func cleanText(field, label, s string, required bool, max int) (string, *ValidationError) {
	t := strings.TrimSpace(StripInvisible(s))
	if t == "" {
		if required {
			return "", Invalid(field, "%s is required.", label)
		}
		return "", nil
	}
	if !utf8.ValidString(t) {
		return "", Invalid(field, "%s is not valid UTF-8 text.", label)
	}
	for _, r := range t {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return "", Invalid(field, "%s contains a control character; remove it.", label)
		}
	}
	if n := utf8.RuneCountInString(t); n > max {
		return "", Invalid(field, "%s is %d characters long; the limit is %d.", label, n, max)
	}
	return t, nil
}

// oneLine refuses line breaks in single-line fields such as names and subjects.
func oneLine(field, label, s string, required bool, max int) (string, *ValidationError) {
	t, verr := cleanText(field, label, s, required, max)
	if verr != nil {
		return "", verr
	}
	if strings.ContainsAny(t, "\n\t") {
		return "", Invalid(field, "%s must be a single line.", label)
	}
	return t, nil
}
