package common

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

func testCommon() *Common {
	km := DefaultKeyMap()
	th, _ := ThemeByName("dark")
	return &Common{Keys: &km, Styles: NewStyles(lipgloss.DefaultRenderer(), th)}
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// TestListNavigationAndFilter: the shared list moves, pages, filters as you
// type (enter keeps, esc clears), and draws only the visible rows.
func TestListNavigationAndFilter(t *testing.T) {
	c := testCommon()
	var rows Filtered[string]
	all := make([]string, 100)
	for i := range all {
		all[i] = fmt.Sprintf("row %03d %s", i, []string{"north", "south", "东区"}[i%3])
	}
	rows.Set(all, func(s string) string { return s })
	l := NewList(c, []Column{{Title: "name", Weight: 1, Min: 10}})
	l.SetSize(40, 12) // title, header, 10 rows
	l.SetLen(rows.Len())
	view := func() string {
		return l.View("Rows", "", func(i int) Row { return Row{Cells: []string{rows.At(i)}} })
	}
	if v := view(); strings.Count(v, "\n") != 11 || !strings.Contains(v, "> row 000") || strings.Contains(v, "row 010") {
		t.Fatalf("first screen:\n%s", v)
	}
	if _, ev := l.Update(tea.KeyMsg{Type: tea.KeyPgDown}); !ev.Has(ListMoved) || l.Cursor() != 10 || l.Top() != 10 {
		t.Fatalf("page down: cursor %d top %d", l.Cursor(), l.Top())
	}
	l.Update(runes("G"))
	if l.Cursor() != 99 || !strings.Contains(view(), "100 of 100") {
		t.Fatalf("G: cursor %d\n%s", l.Cursor(), view())
	}
	// Filter: "/" opens the field, typing applies at once (no debounce).
	if cmd, ev := l.Update(runes("/")); !ev.Has(ListHandled) || !l.Filtering() || cmd == nil {
		t.Fatal("/ should open the filter field")
	}
	var ev ListEvent
	for _, r := range "东区" {
		_, ev = l.Update(runes(string(r)))
	}
	if !ev.Has(ListFilterChanged) || l.Filter() != "东区" {
		t.Fatalf("typing should change the filter: %q %v", l.Filter(), ev)
	}
	rows.Apply(l.Filter())
	l.SetLen(rows.Len())
	if rows.Len() != 33 || l.Cursor() != 0 || !strings.Contains(view(), "filter") && !strings.Contains(view(), "/东区") {
		t.Fatalf("filtered %d rows:\n%s", rows.Len(), view())
	}
	// q while filtering is typed, not a command: the list takes it.
	if _, ev := l.Update(runes("q")); !ev.Has(ListHandled) {
		t.Fatal("q while filtering must be typed into the filter")
	}
	l.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	l.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if l.Filtering() || l.Filter() != "东区" || !strings.Contains(view(), "filter 东区") {
		t.Fatalf("enter keeps the filter and gives the keyboard back:\n%s", view())
	}
	// esc clears it.
	if _, ev := l.Update(tea.KeyMsg{Type: tea.KeyEsc}); !ev.Has(ListFilterChanged) || l.Filter() != "" {
		t.Fatal("esc should clear the filter")
	}
	rows.Apply("")
	l.SetLen(rows.Len())
	// Nothing matching says how to get out of it.
	l.SetFilter("nothing-like-this")
	rows.Apply(l.Filter())
	l.SetLen(rows.Len())
	if v := view(); !strings.Contains(v, "esc clears the filter") {
		t.Fatalf("an empty filter result should say how to clear it:\n%s", v)
	}
}

// TestListMouse: the wheel scrolls, a click selects, a second click on the
// selected row activates it.
func TestListMouse(t *testing.T) {
	c := testCommon()
	l := NewList(c, []Column{{Title: "n", Weight: 1, Min: 5}})
	l.Y = 3
	l.SetSize(30, 10)
	l.SetLen(50)
	l.Update(tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	if l.Cursor() != 3 || l.Top() != 3 {
		t.Fatalf("wheel: cursor %d top %d", l.Cursor(), l.Top())
	}
	// Row 5 of the window is on line Y + title + header + 5.
	_, ev := l.Update(tea.MouseMsg{Button: tea.MouseButtonLeft, Action: tea.MouseActionPress, Y: 3 + 2 + 5})
	if !ev.Has(ListMoved) || l.Cursor() != 8 {
		t.Fatalf("click: cursor %d, event %v", l.Cursor(), ev)
	}
	if _, ev := l.Update(tea.MouseMsg{Button: tea.MouseButtonLeft, Action: tea.MouseActionPress, Y: 3 + 2 + 5}); !ev.Has(ListActivated) {
		t.Fatal("a click on the selected row should activate it")
	}
	if _, ev := l.Update(tea.MouseMsg{Button: tea.MouseButtonLeft, Action: tea.MouseActionPress, Y: 1}); ev != 0 {
		t.Fatal("a click above the rows is not the list's")
	}
}
