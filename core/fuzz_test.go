package core

import (
	"errors"
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

// FuzzRuleCondition: compiling any text never panics; a bad condition is a
// *ValidationError on "when"; a compiled one matches and explains any work order
// without panicking, and its prefilters never change the verdict.
func FuzzRuleCondition(f *testing.F) {
	for _, s := range []string{
		`record_type == "Repair" && region in ["East", "North"]`, `priority == "urgent" || age_hours > 48`,
		`subject contains "电梯" and not (region == "West")`, `regoin == "x"`, `priority == 3`, `(`, `"East" == region`,
		`region in ["East", 1]`, `let x = 1; x > 0`, `subject matches "^[A-Z]"`, `len(subject) > 10 && channel != "web"`,
	} {
		f.Add(s, "East", "Repair", "urgent", "客梯电梯异响", 5)
	}
	f.Fuzz(func(t *testing.T, src, region, recordType, priority, subject string, age int) {
		c, err := CompileCondition(src)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != "when" || ve.Message == "" {
				t.Fatalf("%q: want a *ValidationError on when, got %T %v", src, err, err)
			}
			return
		}
		env := RuleEnv{Region: region, RecordType: recordType, Priority: priority, Subject: subject, AgeHours: age}
		got, gerr := c.Match(&env)
		plain := &Condition{Source: c.Source, prog: c.prog}
		want, werr := plain.Match(&env)
		if gerr == nil && werr == nil && got != want {
			t.Fatalf("%q on %+v: prefilters say %v, the expression %v", src, env, got, want)
		}
		if !got {
			_ = c.Explain(&env)
		}
	})
}

// FuzzReadCSV: any file gives rows or located problems, never a panic, and every
// row has the header's width.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{"subject,priority\nA,high\n", "\ufeffsubject\n\"a,b\n", "x,y\n1,2\n", "subject,subject\n", "", "subject\n\"unterminated", "Subject,PRIORITY\r\nA,low\r\n,\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		file, probs := readCSV(strings.NewReader(s), WorkOrderCSVColumns, "subject")
		if file == nil {
			if len(probs) == 0 {
				t.Fatal("no file and no problems")
			}
			return
		}
		for i, row := range file.rows {
			if len(row) != len(file.cols) || file.line[i] < 2 {
				t.Fatalf("row %d: %d cells for %d columns, line %d", i, len(row), len(file.cols), file.line[i])
			}
		}
	})
}

// FuzzNormalizeCode (R-IN-8, issue 18.3): whatever a customer types or
// pastes in the code field becomes ASCII digits only, at most 64 of them,
// and normalising twice changes nothing.
func FuzzNormalizeCode(f *testing.F) {
	for _, s := range []string{"123456", " 123 456 ", "１２３４５６", "12-34-56", "", "abc", "\x00\xff", "٣٤٥"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := NormalizeCode(s)
		if len(c) > 64 || strings.Trim(c, "0123456789") != "" {
			t.Fatalf("NormalizeCode(%q) = %q", s, c)
		}
		if NormalizeCode(c) != c {
			t.Fatalf("not idempotent on %q", s)
		}
	})
}
