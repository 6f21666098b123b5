package tui

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// Golden tests run the console in a real Bubble Tea program (teatest) at 120×30 on
// the fixture's fixed dataset and clock, and compare the final screen with
// testdata/<test>.golden. Regenerate with: go test ./tui/ -run Golden -update
//
// The final View is compared rather than the raw output stream: the stream's
// cursor movements depend on how renders interleave with timers, the screen does not.

const goldenW, goldenH = 120, 30

func startProgram(t *testing.T, f *fixture) *teatest.TestModel {
	t.Helper()
	m := New(f.svc, f.admin, f.options())
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(goldenW, goldenH))
	t.Cleanup(func() { _ = tm.Quit() })
	return tm
}

func waitOutput(t *testing.T, tm *teatest.TestModel, s string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func finalView(t *testing.T, tm *teatest.TestModel) []byte {
	t.Helper()
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	return []byte(fm.View())
}

func TestGoldenWorkOrderList(t *testing.T) {
	f := newFixture(t)
	tm := startProgram(t, f)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	waitOutput(t, tm, "3 of 12")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

func TestGoldenWorkOrderDetail(t *testing.T) {
	f := newFixture(t)
	tm := startProgram(t, f)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("G")})
	tm.Send(tea.KeyMsg{Type: tea.KeyUp})
	waitOutput(t, tm, "11 of 12")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitOutput(t, tm, "Summary")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

func TestGoldenWorkOrderDetailHistory(t *testing.T) {
	f := newFixture(t)
	tm := startProgram(t, f)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("G")})
	tm.Send(tea.KeyMsg{Type: tea.KeyUp})
	waitOutput(t, tm, "11 of 12")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitOutput(t, tm, "Summary")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("G")})
	waitOutput(t, tm, "History (3)")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

func TestGoldenNewWorkOrder(t *testing.T) {
	f := newFixture(t)
	tm := startProgram(t, f)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("n")})
	waitOutput(t, tm, "New work order")
	tm.Type("13800138000")
	waitOutput(t, tm, "terminal user linked")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	waitOutput(t, tm, "Nothing was saved")
	// Leave the text fields so q quits.
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	waitOutput(t, tm, "←/→ choose")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}
