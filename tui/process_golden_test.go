package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"switchboard/core"
)

// processFixture is the golden fixture with the Repair process configured: a
// timeout and a post-action on the service node, and a terminal task that
// invites by SMS and email automatically, processed by amy, letting the
// customer edit phone and address and register a device.
func processFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	p, err := f.svc.Process("Repair")
	if err != nil {
		t.Fatal(err)
	}
	p.Nodes[1].Timeout = core.Duration(48 * time.Hour)
	p.Nodes[1].PostActions = []core.PostAction{{Kind: core.PostNotify, Notice: core.NoticeAction{Event: core.NoticeServiceReport,
		Recipients: []core.RecipientSpec{{Kind: core.RecipientOwner}, {Kind: core.RecipientExplicit, Address: "13800138000"}}}}}
	p.Nodes[2].Timeout = core.Duration(72 * time.Hour)
	p.Nodes[2].Task = &core.TaskSettings{Mode: core.TaskInvite, Processor: "amy", EditFields: []string{"phone", "address"},
		Create: &core.CreateObject{Object: "device", Fields: []string{"code", "model"}}, Methods: []core.InviteMethod{core.InviteSMS, core.InviteEmail}, AutoInvite: true}
	p.Nodes[2].PostActions = []core.PostAction{{Kind: core.PostSMS, Notice: core.NoticeAction{Event: core.NoticeCompleted}}}
	if _, err := f.svc.SetProcess(f.admin, p); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestGoldenProcess (R-FLOW-1): key 8 opens the process screen on Repair; j j
// selects the terminal-task node, whose settings show in the panel.
func TestGoldenProcess(t *testing.T) {
	f := processFixture(t)
	tm := startProgram(t, f)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("8")})
	waitOutput(t, tm, "Record type")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")})
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")})
	waitOutput(t, tm, "node 3 of 5: terminal-task")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

// TestGoldenProcessNodeForm (R-TASK-1, R-TASK-2, R-FLOW-2): enter opens the
// terminal-task node's settings; tab moves to the mode.
func TestGoldenProcessNodeForm(t *testing.T) {
	f := processFixture(t)
	tm := startProgram(t, f)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("8")})
	waitOutput(t, tm, "Record type")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")})
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")})
	waitOutput(t, tm, "node 3 of 5: terminal-task")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitOutput(t, tm, "Terminal task")
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	waitOutput(t, tm, "the customer gets a link")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

// TestProcessScreenLive (R-FLOW-1): a process changed elsewhere (here straight
// through the service, as the CLI's process import does) shows on the open
// process screen through the change broker.
func TestProcessScreenLive(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 120, 40)
	h.key("8")
	h.waitView("Processes", "terminal-task", "invite by link")
	p, err := f.svc.Process("Repair")
	if err != nil {
		t.Fatal(err)
	}
	p.Nodes[1].Timeout = core.Duration(3 * 24 * time.Hour)
	if _, err := f.svc.SetProcess(f.admin, p); err != nil {
		t.Fatal(err)
	}
	v := h.waitView("times out after 3d")
	if !strings.Contains(v, "[8 Process]") {
		t.Errorf("the Process tab should be active:\n%s", v)
	}
}
