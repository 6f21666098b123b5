package common

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"switchboard/core"
)

// Width is the number of terminal cells s occupies: a Chinese character takes two,
// escape sequences none. Every layout decision uses it, never len or rune counts.
func Width(s string) int {
	// Fast path: printable ASCII is one cell a byte. Lists measure every cell of
	// every visible row on every key press, and most cells are ASCII.
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return lipgloss.Width(s)
		}
	}
	return len(s)
}

// Clean makes a value from the store safe to place in one cell of a line: control
// characters (tabs, line breaks, escapes someone typed into a subject) become spaces,
// so they can neither break the layout nor drive the terminal.
func Clean(s string) string {
	clean := true
	for _, r := range s {
		if unicode.IsControl(r) || core.Invisible(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r):
			return ' '
		case core.Invisible(r):
			return -1 // bidi controls and zero-width characters: never drawn
		}
		return r
	}, s)
}

// Truncate shortens s to at most w cells, ending with "…" when it had to cut.
// A wide character that would straddle the limit is dropped whole.
func Truncate(s string, w int) string {
	s, _ = truncate(s, w)
	return s
}

// truncate is Truncate that also returns the width of the result.
func truncate(s string, w int) (string, int) {
	if w <= 0 {
		return "", 0
	}
	n := Width(s)
	if n <= w {
		return s, n
	}
	s = ansi.Truncate(s, w, "…")
	return s, Width(s)
}

// Fit truncates or pads s with spaces to exactly w cells.
func Fit(s string, w int) string {
	s, n := truncate(s, w)
	if n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// FitRight is Fit with the padding on the left, for numbers.
func FitRight(s string, w int) string {
	s, n := truncate(s, w)
	if n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return s
}

// Wrap breaks s into lines of at most w cells, at spaces where it can and inside
// long words (or CJK runs, which have no spaces) where it must.
func Wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		para = Clean(para)
		if para == "" {
			out = append(out, "")
			continue
		}
		out = append(out, strings.Split(ansi.Wrap(para, w, ""), "\n")...)
	}
	return out
}

// Age renders how long ago t was, relative to now, in the list's compact form:
// "now", "42m", "5h", "3d", "2y".
func Age(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case t.IsZero():
		return ""
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 24*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	case d < 365*24*time.Hour:
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	return strconv.Itoa(int(d/(365*24*time.Hour))) + "y"
}

// TimeLayout is how the console writes a point in time.
const TimeLayout = "2006-01-02 15:04"

// FormatTime writes t in loc, or "—" for the zero time.
func FormatTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(loc).Format(TimeLayout)
}

// Thousands writes n with thousands separators: 100000 → "100,000".
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// OrDash returns s, or "—" when s is empty, so an empty field reads as empty
// rather than as a missing line.
func OrDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// IDText writes a record id, or "—" for none.
func IDText[T ~uint64](id T) string {
	if id == 0 {
		return "—"
	}
	return fmt.Sprint(uint64(id))
}

// ViewTabs draws a screen's views as tabs, the active one bracketed (it reads
// without colour too), with counts where the width allows (count < 0: none).
func ViewTabs(st *Styles, titles []string, counts []int, active, width int) string {
	var head string
	for _, withCounts := range []bool{true, false} {
		tabs := make([]string, len(titles))
		for i, t := range titles {
			if withCounts && i < len(counts) && counts[i] >= 0 {
				t = fmt.Sprintf("%s (%s)", t, Thousands(counts[i]))
			}
			if i == active {
				tabs[i] = st.ActiveTab.Render("[" + t + "]")
			} else {
				tabs[i] = st.Tab.Render(" " + t + " ")
			}
		}
		head = strings.Join(tabs, " ")
		if Width(head) <= width {
			break
		}
	}
	return Truncate(head, width)
}
