package core

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzNormalizePhone: never panics; accepted numbers are canonical (normalizing
// again is a no-op) and contain only digits after an optional leading +.
func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"13800138000", "+86 138 0013 8000", "0086-1", "(021) 6234.5678", "+", "", "１３８", "+44 20 7946 0000\u00a0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := NormalizePhone(s)
		if err != nil {
			if !IsValidation(err) {
				t.Fatalf("non-validation error %v", err)
			}
			return
		}
		if p == "" {
			if strings.TrimSpace(s) != "" {
				t.Fatalf("%q normalized to empty", s)
			}
			return
		}
		if strings.Trim(strings.TrimPrefix(p, "+"), "0123456789") != "" {
			t.Fatalf("%q → %q has non-digits", s, p)
		}
		if again, err := NormalizePhone(p); err != nil || again != p {
			t.Fatalf("not idempotent: %q → %q → %q (%v)", s, p, again, err)
		}
	})
}

// FuzzNormalizeEmail: never panics; results are lower case and stable.
func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"a@b.cn", "Ann <a@b.cn>", "@", "a@b", "\"x y\"@b.cn", "李@例子.中国"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := NormalizeEmail(s)
		if err != nil {
			if !IsValidation(err) {
				t.Fatalf("non-validation error %v", err)
			}
			return
		}
		if e != strings.ToLower(e) || !utf8.ValidString(e) {
			t.Fatalf("%q → %q", s, e)
		}
		if again, err := NormalizeEmail(e); err != nil || again != e {
			t.Fatalf("not idempotent: %q → %q → %q (%v)", s, e, again, err)
		}
	})
}

// FuzzParseNumber: never panics; accepted numbers round-trip through FormatNumber.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"WO-000123", "wo-1", "7", "WO-", "WO-18446744073709551615", "-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNumber(s)
		if err != nil {
			return
		}
		back, err := ParseNumber(FormatNumber(n))
		if err != nil || back != n {
			t.Fatalf("%q → %d → %q → %d (%v)", s, n, FormatNumber(n), back, err)
		}
	})
}

// FuzzQueryMatches: text matching never panics on arbitrary rows and needles.
func FuzzQueryMatches(f *testing.F) {
	f.Add("Boiler 电梯", "boil")
	f.Add("ÀÉÎ", "àé")
	f.Fuzz(func(t *testing.T, subject, text string) {
		r := WorkOrderRow{Subject: subject, Number: "WO-000001"}
		needle := strings.ToLower(strings.TrimSpace(text))
		got := WorkOrderQuery{Text: text}.Matches(&r, needle)
		// Stored text is valid UTF-8 (validation refuses anything else).
		if needle != "" && utf8.ValidString(subject) && utf8.ValidString(text) && strings.Contains(strings.ToLower(subject), needle) && !got {
			t.Fatalf("%q should match %q", subject, text)
		}
	})
}
