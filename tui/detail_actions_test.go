package tui

import (
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/core/qrcode/qrtest"
	"switchboard/store/testdb"
	"switchboard/tui/common"
)

// openDetail opens the detail screen of number in the harness.
func (h *harness) openDetail(number string) {
	h.t.Helper()
	h.send(common.NavigateMsg{Kind: common.Push, To: common.DetailScreen, Number: number})
	h.waitView(number, "History")
}

// TestDetailInviteShowsScannableLink (R-TASK-2 manual invitation, issue 5 item
// 4): at the terminal-task node "i" offers the node's methods; inviting by link
// shows the link with a QR code that scans back to exactly that link, and the
// invitation appears as open on the work order.
func TestDetailInviteShowsScannableLink(t *testing.T) {
	f := newFixture(t)
	w := testdb.AtTaskNode(t, f.svc, core.NewWorkOrder{Subject: "Confirm visit time"})
	h := newHarness(t, f, f.admin, 120, 60)
	h.openDetail(w.Number)
	h.waitView("none yet: press i to invite")
	h.key("i")
	h.waitView("Invite account", "Link (shown here with its QR code)")
	h.key("enter")
	v := h.waitView("Invitation to "+w.Number+" by link", "/task/")
	i := strings.Index(v, "http")
	link := strings.Fields(v[i:])[0]
	got, err := qrtest.FromScreen(v)
	if err != nil || got != link {
		t.Fatalf("the QR on screen decodes to %q (%v), want %q\n%s", got, err, link, v)
	}
	tok := link[strings.Index(link, core.TaskPathPrefix)+len(core.TaskPathPrefix):]
	if tv, err := f.svc.OpenTask(tok); err != nil || tv.Number != w.Number {
		t.Fatalf("the shown link does not open the task: %v", err)
	}
	h.key("esc")
	h.waitView("Terminal-task invitations", "open, expires")
}

// TestDetailTaskOnBehalfAndComplete (R-TASK-1 act on their behalf): "t" opens
// the task form with only the fields the node opens; a bad value is shown under
// its field and nothing moves; a good one completes the task. "c" then completes
// the next node with a note.
func TestDetailTaskOnBehalfAndComplete(t *testing.T) {
	f := newFixture(t)
	nodes := core.DefaultProcessNodes()
	nodes[2].Task = &core.TaskSettings{Mode: core.TaskOnBehalf, EditFields: []string{"phone"}}
	if _, err := f.svc.SetProcess(f.admin, core.Process{RecordType: "Repair", Nodes: nodes}); err != nil {
		t.Fatal(err)
	}
	w := testdb.AtTaskNode(t, f.svc, core.NewWorkOrder{Subject: "Check phone", Phone: "13800138000"})
	h := newHarness(t, f, f.admin, 120, 50)
	h.openDetail(w.Number)
	h.key("i")
	h.waitView("done on the customer's behalf")
	h.key("t")
	h.waitView("Terminal task on the customer's behalf", "Phone", "13800138000")
	h.send(keyMsg("ctrl+u"))
	h.typeText("call me")
	h.key("ctrl+s")
	h.waitView(`Phone "call me" has`) // the field's own error under it
	h.waitFooter(`Phone "call me" has`)
	if got, _ := f.svc.WorkOrder(w.Number); got.Node != core.NodeTerminalTask {
		t.Fatalf("a refused task moved the work order to %s", got.Node)
	}
	h.send(keyMsg("ctrl+u"))
	h.typeText("13900001111")
	h.key("ctrl+s")
	// The footer can land before the detail has reloaded: wait for both.
	h.waitView("now at the evaluation node", "· evaluation ·")
	got, _ := f.svc.WorkOrder(w.Number)
	if got.Phone != "13900001111" || got.Node != core.NodeEvaluation {
		t.Fatalf("after the task: %s %s", got.Phone, got.Node)
	}
	h.key("c")
	h.waitView("Complete the evaluation node of " + w.Number)
	h.typeText("customer happy")
	h.key("enter")
	h.waitView("now at the end node") // the follow-up plug-in is off: that node passes (R-FU-1)
	got, _ = f.svc.WorkOrder(w.Number)
	noted := false
	for _, e := range got.History {
		noted = noted || strings.Contains(e.Detail, "customer happy")
	}
	if !noted {
		t.Fatalf("note not in history: %+v", got.History)
	}
}
