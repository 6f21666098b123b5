package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// BenchmarkRootKeyView measures what the root adds around a screen on a key press:
// routing, header, footer and the generated help, at 120×30 in true colour. The
// list's own cost over 100,000 work orders is BenchmarkListUpdateView100k in
// tui/workorders.
func BenchmarkRootKeyView(b *testing.B) {
	f := newFixture(b)
	h := newHarness(b, f, f.admin, 120, 30)
	h.waitView("1 of 12\n")
	m := h.m
	lipgloss.SetColorProfile(termenv.TrueColor)
	b.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })
	down, up := tea.KeyMsg{Type: tea.KeyDown}, tea.KeyMsg{Type: tea.KeyUp}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := down
		if i%2 == 1 {
			k = up
		}
		i++
		m.Update(k)
		_ = m.View()
	}
}
