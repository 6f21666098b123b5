// Package recordtext looks for text in a record as the stores keep it: the
// service's JSON.
package recordtext

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MayMention reports whether the JSON record raw can hold a string that
// contains text, case-insensitively. A text with a character that JSON writes
// escaped (quotes, backslashes, <, >, &, controls, U+2028/9, U+FFFD) cannot be
// looked for in the raw bytes, so it always may.
func MayMention(raw []byte, text string) bool {
	text = strings.ToLower(strings.TrimSpace(text))
	if text == "" {
		return true
	}
	caseless := true
	for _, r := range text {
		if r < 0x20 || r == '"' || r == '\\' || r == '<' || r == '>' || r == '&' || r == '\u2028' || r == '\u2029' || r == utf8.RuneError {
			return true
		}
		caseless = caseless && unicode.SimpleFold(r) == r
	}
	if caseless {
		// Digits, CJK, punctuation: no other rune lowers to them, so the
		// record holds them as they are (a phone number, a Chinese name).
		return bytes.Contains(raw, []byte(text))
	}
	return bytes.Contains(bytes.ToLower(raw), []byte(text))
}
