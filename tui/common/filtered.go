package common

import "strings"

// Filtered holds a list's rows in memory and which of them the filter keeps:
// a row is kept when every word of the filter is in its text, ignoring case.
// The text of each row is folded once, when the rows are set, so a keystroke
// only compares strings.
type Filtered[T any] struct {
	all    []T
	folded []string
	keep   []int
	query  string
}

// Set replaces the rows; text says what a row is found by. The filter in
// effect applies to the new rows.
func (f *Filtered[T]) Set(rows []T, text func(T) string) {
	f.all = rows
	f.folded = make([]string, len(rows))
	for i, r := range rows {
		f.folded[i] = strings.ToLower(text(r))
	}
	f.Apply(f.query)
}

// Apply keeps the rows that match query ("" keeps all).
func (f *Filtered[T]) Apply(query string) {
	f.query = query
	words := strings.Fields(strings.ToLower(query))
	f.keep = f.keep[:0]
	for i, t := range f.folded {
		if matchesAll(t, words) {
			f.keep = append(f.keep, i)
		}
	}
}

// MatchText reports whether text has every word of query in it, ignoring
// case: the rule Filtered applies, for lists filtered elsewhere.
func MatchText(text, query string) bool {
	return matchesAll(strings.ToLower(text), strings.Fields(strings.ToLower(query)))
}

func matchesAll(t string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(t, w) {
			return false
		}
	}
	return true
}

// Len is the number of rows kept.
func (f *Filtered[T]) Len() int { return len(f.keep) }

// At is the i-th row kept.
func (f *Filtered[T]) At(i int) T { return f.all[f.keep[i]] }

// Ref is a pointer to the i-th row kept, or nil when i is out of range.
func (f *Filtered[T]) Ref(i int) *T {
	if i < 0 || i >= len(f.keep) {
		return nil
	}
	return &f.all[f.keep[i]]
}

// All is every row, kept or not.
func (f *Filtered[T]) All() []T { return f.all }

// Index finds the first kept row for which match is true: its position
// among the kept rows, or -1.
func (f *Filtered[T]) Index(match func(T) bool) int {
	for i, j := range f.keep {
		if match(f.all[j]) {
			return i
		}
	}
	return -1
}
