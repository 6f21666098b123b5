package tui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/core/qrcode/qrtest"
	"switchboard/store/testdb"
	"switchboard/tui/common"
	"switchboard/tui/detail"
)

// openDetail opens the detail screen of number in the harness.
func (h *harness) openDetail(number string) {
	h.t.Helper()
	h.send(common.NavigateMsg{Kind: common.Push, To: common.DetailScreen, Number: number})
	h.waitView(number, "Summary")
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
	h.waitFooter("Nothing was saved: correct the fields marked below.")
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

// TestDetailEvaluationsAttachmentsFollowUp (issue 17, the console twins of
// `evaluation list`, `wo attachment` and `followup start`): the detail shows
// the evaluations received; a saves a mail's attachment where the person is
// (a picker when there are several, a hostile path cut to its base name); S
// opens the follow-up task of a work order imported at that node.
func TestDetailEvaluationsAttachmentsFollowUp(t *testing.T) {
	f := newFixture(t)
	qr, err := f.svc.EvaluationQR(f.admin, evalNumber)
	if err != nil {
		t.Fatal(err)
	}
	tok := qr.URL[strings.LastIndex(qr.URL, "/")+1:]
	if _, err := f.svc.SubmitEvaluation(tok, core.EvaluationInput{Nonce: core.NewToken(), Answers: map[string][]string{"overall": {"4"}}}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, f, f.admin, 120, 60)
	h.openDetail(evalNumber)
	h.waitView("Evaluations (1)", "4/5 ★", "via qr")

	f.withMail(t, "07-attachments.eml")
	log, err := f.svc.MailLog(core.MailQuery{Limit: 1})
	if err != nil || len(log) != 1 || log[0].Number == "" {
		t.Fatalf("mail log: %+v %v", log, err)
	}
	number := log[0].Number
	atts, err := f.svc.Attachments(number)
	if err != nil || len(atts) < 2 {
		t.Fatalf("attachments: %+v %v", atts, err)
	}
	h.openDetail(number)
	h.waitView(fmt.Sprintf("Attachments (%d)", len(atts)), "a saves one where you are")
	h.key("a")
	h.waitView("Save which attachment of " + number)
	h.key("down")
	h.key("enter")
	h.waitView(fmt.Sprintf("Save attachment #%d as", atts[1].ID), atts[1].Filename)
	h.key("enter")
	h.waitView(fmt.Sprintf("Saved attachment #%d of %s:", atts[1].ID, number))
	got, err := os.ReadFile(filepath.Join(f.files.dir, atts[1].Filename))
	_, want, _ := f.svc.AttachmentData(number, atts[1].ID)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("saved attachment: %d bytes (%v), want %d", len(got), err, len(want))
	}
	for in, want := range map[string]string{"../../.profile": ".profile", `..\evil.exe`: "evil.exe", "a\x1b[2Jb": "a_[2Jb", "..": "attachment"} {
		if got := detail.SafeName(in); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}

	if _, err := f.svc.SetFollowUpEnabled(f.admin, true); err != nil {
		t.Fatal(err)
	}
	f.user(t, "fiona", core.RoleFollowUp)
	nodes := []core.ProcessNode{{Node: core.NodeDispatch}, {Node: core.NodeService}, {Node: core.NodeFollowUp, FollowUp: &core.FollowUpSettings{Type: "Standard", People: core.FollowUpPeople{Staff: []string{"fiona"}}}}}
	if _, err := f.svc.SetProcess(f.admin, core.Process{RecordType: "Repair", Nodes: nodes}); err != nil {
		t.Fatal(err)
	}
	rep, err := f.svc.ImportWorkOrdersCSV(f.admin, strings.NewReader("subject,record_type,status,node\nBoiler check,Repair,in-progress,follow-up\n"), false)
	if err != nil || rep.First == "" {
		t.Fatalf("import: %+v %v", rep, err)
	}
	h.openDetail(rep.First)
	h.waitView("S start follow-up calls")
	h.key("S")
	h.waitView("Follow-up calls started for " + rep.First + ": task")
	h.waitView("in fiona's queue")
	h.key("S")
	h.waitView("already has an open follow-up task")
}
