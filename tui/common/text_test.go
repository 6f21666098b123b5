package common

import (
	"testing"
	"time"
)

func TestFitByDisplayWidth(t *testing.T) {
	for _, c := range []struct {
		in   string
		w    int
		want string
	}{
		{"abc", 5, "abc  "},
		{"abcdef", 4, "abc…"},
		{"张伟", 6, "张伟  "},
		{"空调不制冷", 6, "空调… "}, // "空调不" would be 6 cells plus the ellipsis: cut earlier, pad
		{"空调不制冷", 7, "空调不…"},
		{"a\tb\nc", 6, "a b c "},
		{"", 3, "   "},
		{"x", 0, ""},
	} {
		got := Fit(Clean(c.in), c.w)
		if got != c.want || Width(got) != c.w {
			t.Errorf("Fit(%q, %d) = %q (width %d), want %q", c.in, c.w, got, Width(got), c.want)
		}
	}
	if got := FitRight("3d", 4); got != "  3d" {
		t.Errorf("FitRight = %q", got)
	}
}

func TestWidthFastPathAgrees(t *testing.T) {
	if Width("plain ascii") != 11 || Width("") != 0 {
		t.Error("ASCII is one cell a byte")
	}
	if Width("张伟") != 4 || Width("\x1b[1mbold\x1b[0m") != 4 || Width("café") != 4 {
		t.Error("Width must count cells, not bytes or runes, and skip escape sequences")
	}
}

func TestAge(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		10 * time.Second:     "now",
		42 * time.Minute:     "42m",
		5 * time.Hour:        "5h",
		3 * 24 * time.Hour:   "3d",
		800 * 24 * time.Hour: "2y",
	} {
		if got := Age(now, now.Add(-d)); got != want {
			t.Errorf("Age(%s) = %q, want %q", d, got, want)
		}
	}
	if Age(now, time.Time{}) != "" {
		t.Error("zero time has no age")
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 100000: "100,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestWrapCJK(t *testing.T) {
	lines := Wrap("空调不制冷需要上门检查", 8)
	for _, l := range lines {
		if Width(l) > 8 {
			t.Errorf("line %q is %d cells", l, Width(l))
		}
	}
	if len(lines) < 2 {
		t.Errorf("should wrap: %q", lines)
	}
}

func TestShortDispatchReason(t *testing.T) {
	for in, want := range map[string]string{
		`no automatic dispatch rule matched (3 tried): #1 East: region == "East" is false (region is "West"); #2 Urgent: priority == "urgent" is false (priority is "low"); #3 Off: disabled`: `none of 3 rules: region is "West", priority is "low"`,
		`no automatic dispatch rule matched (2 tried): #1 A: disabled; #2 B: has no engineers`:                                                                                                "none of 2 rules matched",
		"no automatic dispatch rules are configured: waiting in the manual queue":                                                                                                             "no rules configured",
		"automatic dispatch is switched off for Repair work orders (R-DISP-3): waiting in the manual queue":                                                                                   "automatic dispatch is switched off for Repair work orders (R-DISP-3): waiting in the manual queue",
		"": "",
	} {
		if got := ShortDispatchReason(in); got != want {
			t.Errorf("ShortDispatchReason(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCleanDropsInvisible (issue 18, item 9): values from before the input
// dropped them are drawn without bidirectional controls and zero-width
// characters.
func TestCleanDropsInvisible(t *testing.T) {
	if got := Clean("refund \u202Eeulav\u202C\u200B!"); got != "refund eulav!" {
		t.Fatalf("Clean = %q", got)
	}
}
