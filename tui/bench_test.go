package tui

import (
	"io"
	"syscall"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"switchboard/store/testdb"
	"switchboard/tui/common"
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

// BenchmarkConsoleRefresh100k measures what one open console costs the server
// when a work order changes elsewhere on a database of 100,000 work orders:
// the change notice, the page the list reads again, and the redraw, at 120×30
// in true colour. BenchmarkAttachedConsoles in cmd/switchboard runs fifty of
// these behind real sockets.
func BenchmarkConsoleRefresh100k(b *testing.B) {
	_, svc, clk := testdb.Filled100k(b)
	admin := testdb.Admin(b, svc)
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	m := New(svc, admin, Options{DBPath: "bench.db", Now: clk.Now, Renderer: r}).(*Model)
	b.Cleanup(m.Close)
	h := &harness{t: b, m: m, msgs: make(chan tea.Msg, 1024)}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 30})
	h.run(m.Init())
	h.waitView("of 100,000")
	// The list reads its page off the update loop: wait for it (wall time is
	// mostly that wait), and report the CPU the refresh took.
	cpu := func() time.Duration {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	b.ReportAllocs()
	start := cpu()
	for b.Loop() {
		h.send(common.WorkOrdersChangedMsg{Numbers: map[string]bool{"WO-000001": true}})
		h.settle(10 * time.Millisecond)
		_ = m.View()
	}
	b.ReportMetric(float64((cpu()-start).Microseconds())/1000/float64(b.N), "cpu-ms/refresh")
}
