package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// TestKeysInOneBurst: keys typed faster than the console reads them (a burst in
// one SSH packet) arrive as one message of several runes. ":theme light" then
// enter switches the theme, as typed slowly; it used to be no key at all — the
// list took the letters, space paged down, and enter opened a work order. A
// paste stays one message (into the palette's input, whole).
func TestKeysInOneBurst(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 80, 24)
	h.waitView("1 of 12")
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(":theme")})
	h.send(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("light")})
	h.key("enter")
	v := h.waitView("Theme light.")
	if h.m.theme != "light" {
		t.Fatalf("theme %q after the burst, want light:\n%s", h.m.theme, v)
	}
	if strings.Contains(v, "Summary") {
		t.Fatalf("the burst opened a work order:\n%s", v)
	}
	h.key(":")
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("theme dark"), Paste: true})
	h.waitView("> theme dark")
}
