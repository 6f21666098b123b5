package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// TestGoldenDispatchBoard: the manual queue oldest first with priority, due time
// (one overdue) and why each waits; one work order selected; the full reason of
// the row under the cursor at the bottom.
func TestGoldenDispatchBoard(t *testing.T) {
	f := newDispatchFixture(t)
	tm := startProgram(t, f.fixture)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("2")})
	waitOutput(t, tm, "OVERDUE")
	tm.Send(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")})
	waitOutput(t, tm, "1 selected")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

// TestGoldenDispatchBoardPicker: the picker's engineer step for one work order,
// with each engineer's region and open load.
func TestGoldenDispatchBoardPicker(t *testing.T) {
	f := newDispatchFixture(t)
	tm := startProgram(t, f.fixture)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("2")})
	waitOutput(t, tm, "why WO-000003 waits")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("a")})
	waitOutput(t, tm, "Choose the service provider")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitOutput(t, tm, "Choose the engineer of")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

// TestGoldenRules: the rules in priority order, and rule 2 tested on WO-000008
// part by part.
func TestGoldenRules(t *testing.T) {
	f := newDispatchFixture(t)
	tm := startProgram(t, f.fixture)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("3")})
	waitOutput(t, tm, "Catch-all (off)")
	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	waitOutput(t, tm, `rule "East installations" (id 2)`)
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("t")})
	tm.Type("8")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitOutput(t, tm, "on WO-000008")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

// TestGoldenRuleForm: a new rule whose condition has a typo, shown with the
// position and reason beside the field as it is typed.
func TestGoldenRuleForm(t *testing.T) {
	f := newDispatchFixture(t)
	tm := startProgram(t, f.fixture)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("3")})
	waitOutput(t, tm, "Catch-all (off)")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("n")})
	waitOutput(t, tm, "New dispatch rule")
	tm.Type("West repairs")
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tm.Type(`record_type == "Repair" && regoin == "West"`)
	waitOutput(t, tm, "unknown name regoin")
	// Leave the text fields (to the engineers) so q quits.
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tm.Send(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")})
	waitOutput(t, tm, "[1]")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}
