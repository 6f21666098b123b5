package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mattn/go-runewidth"
)

// writeJSON prints v as indented JSON, without HTML escaping (so "<", "&" and "→"
// stay readable).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table prints rows in columns aligned by display width, so that Chinese names
// (two cells per character) line up with Latin ones.
type table struct {
	head []string
	max  []int // per column, the widest a cell may be (0: no limit); longer cells end in "…"
	rows [][]string
	// fitTo, when positive, is the width of the screen: column flex then gets what
	// the other columns leave, but never less than 16 cells.
	fitTo, flex int
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer) error {
	all := append([][]string{t.head}, t.rows...)
	width := make([]int, len(t.head))
	measure := func(flex bool) {
		for _, r := range all {
			for i := range r {
				if (i == t.flex) == flex {
					r[i] = t.fit(i, cell(r[i]))
					width[i] = max(width[i], runewidth.StringWidth(r[i]))
				}
			}
		}
	}
	measure(false)
	if t.fitTo > 0 {
		used := 2 * (len(width) - 1)
		for i, w := range width {
			if i != t.flex {
				used += w
			}
		}
		for len(t.max) <= t.flex {
			t.max = append(t.max, 0)
		}
		t.max[t.flex] = max(16, t.fitTo-used)
	}
	measure(true)
	var b strings.Builder
	for _, r := range all {
		b.Reset()
		for i, c := range r {
			if i == len(r)-1 {
				b.WriteString(c)
				break
			}
			b.WriteString(runewidth.FillRight(c, width[i]))
			b.WriteString("  ")
		}
		if _, err := fmt.Fprintln(w, strings.TrimRight(b.String(), " ")); err != nil {
			return err
		}
	}
	return nil
}

func (t *table) fit(col int, s string) string {
	if col < len(t.max) && t.max[col] > 0 && runewidth.StringWidth(s) > t.max[col] {
		return runewidth.Truncate(s, t.max[col], "…")
	}
	return s
}

// cell makes a value safe for one table cell: no line breaks or control characters.
func cell(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// dash shows "-" for an empty value.
func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

// when formats a time for people, in the local zone.
func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}

// whenp is when for optional times.
func whenp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return when(*t)
}

// thousands writes n with thousands separators: 100000 → "100,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// nonNil makes an empty list print as [] rather than null.
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
