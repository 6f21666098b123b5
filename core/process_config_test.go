package core_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/store/testdb"
)

// TestProcessValidate (R-FLOW-1): a process lists each node at most once,
// dispatch first, service only after dispatch; settings belong to their node.
func TestProcessValidate(t *testing.T) {
	n := func(node core.Node) core.ProcessNode { return core.ProcessNode{Node: node} }
	cases := []struct {
		name  string
		nodes []core.ProcessNode
		want  string // "" = valid; else a fragment of the error
	}{
		{"default", core.DefaultProcessNodes(), ""},
		{"end written out", []core.ProcessNode{n(core.NodeDispatch), n(core.NodeService), n(core.NodeEnd)}, ""},
		{"task only", []core.ProcessNode{n(core.NodeTerminalTask)}, ""},
		{"empty", nil, "no nodes"},
		{"unknown", []core.ProcessNode{n("survey")}, "not a process node"},
		{"twice", []core.ProcessNode{n(core.NodeDispatch), n(core.NodeService), n(core.NodeService)}, "listed twice"},
		{"dispatch late", []core.ProcessNode{n(core.NodeTerminalTask), n(core.NodeDispatch)}, "must come first"},
		{"service alone", []core.ProcessNode{n(core.NodeService)}, "needs the dispatch node"},
		{"terminated listed", []core.ProcessNode{n(core.NodeDispatch), n(core.NodeTerminated)}, "not a process node"},
		{"timeout too short", []core.ProcessNode{n(core.NodeDispatch), {Node: core.NodeService, Timeout: core.Duration(time.Second)}}, "out of range"},
		{"dispatch timeout", []core.ProcessNode{{Node: core.NodeDispatch, Timeout: core.Duration(time.Hour)}}, "cannot time out"},
		{"task settings elsewhere", []core.ProcessNode{n(core.NodeDispatch), {Node: core.NodeService, Task: core.DefaultTaskSettings()}}, "belong to the terminal-task node"},
		{"bad edit field", []core.ProcessNode{{Node: core.NodeTerminalTask, Task: &core.TaskSettings{Methods: []core.InviteMethod{"link"}, EditFields: []string{"status"}}}}, "cannot be edited"},
		{"no methods", []core.ProcessNode{{Node: core.NodeTerminalTask, Task: &core.TaskSettings{Mode: core.TaskInvite}}}, "at least one invitation method"},
		{"bad object", []core.ProcessNode{{Node: core.NodeTerminalTask, Task: &core.TaskSettings{Methods: []core.InviteMethod{"link"}, Create: &core.CreateObject{Object: "pay ment!"}}}}, "cannot create"},
		{"post-action without event", []core.ProcessNode{n(core.NodeDispatch), {Node: core.NodeService, PostActions: []core.PostAction{{Kind: core.PostSMS}}}}, "needs the event"},
		{"post-action unknown variable", []core.ProcessNode{n(core.NodeDispatch), {Node: core.NodeService, PostActions: []core.PostAction{{Kind: core.PostSMS,
			Notice: core.NoticeAction{Event: core.NoticeCompleted, Templates: map[core.NoticeChannel]core.Template{core.NoticeSMS: {Body: "Hi #Nope#"}}}}}}}, "Nope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := core.Process{RecordType: "repair", Nodes: c.nodes}
			err := p.Validate()
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("valid process refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("error %v, want it to mention %q", err, c.want)
			}
			if c.want == "" && p.RecordType != "Repair" {
				t.Errorf("record type not normalised: %q", p.RecordType)
			}
		})
	}
}

// TestDurationText: timeouts read and write as people type them.
func TestDurationText(t *testing.T) {
	for in, want := range map[string]string{"90m": "1h30m", "48h": "2d", "3d": "3d", "1d12h": "1d12h", "": "", "45s": "45s"} {
		d, err := core.ParseDuration(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDuration(%q) = %v (%q), %v; want %q", in, time.Duration(d), d.String(), err, want)
		}
	}
	for _, bad := range []string{"soon", "-1h", "xd", "3d-1h"} {
		if _, err := core.ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) accepted", bad)
		}
	}
}

// TestConfiguredProcessOrder (R-FLOW-1, R-DISP-3): a record type without a
// service node goes from dispatch straight to the terminal task; one without a
// dispatch node starts at its first node and meets no dispatch rules.
func TestConfiguredProcessOrder(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	f.rule(t, "everything", `true`, core.PolicyFixed, f.ann)
	if _, err := svc.SetProcess(f.admin, core.Process{RecordType: "Installation", Nodes: []core.ProcessNode{{Node: core.NodeDispatch}, {Node: core.NodeTerminalTask}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetProcess(f.admin, core.Process{RecordType: "Inspection", Nodes: []core.ProcessNode{{Node: core.NodeTerminalTask}, {Node: core.NodeEvaluation}}}); err != nil {
		t.Fatal(err)
	}
	w := f.create(t, core.NewWorkOrder{Subject: "Install", RecordType: "Installation"})
	if w.Node != core.NodeTerminalTask || w.FieldOutDealUser != f.ann.ID || w.Status != core.StatusInProgress {
		t.Fatalf("auto-dispatched installation at %s/%s, engineer %d", w.Node, w.Status, w.FieldOutDealUser)
	}
	w, err := svc.AdvanceWorkOrder(f.dispatcher, w.Number, 0, "")
	if err != nil || w.Node != core.NodeEnd || w.Status != core.StatusCompleted {
		t.Fatalf("after the terminal task: %s %s %v", w.Node, w.Status, err)
	}
	x := f.create(t, core.NewWorkOrder{Subject: "Check", RecordType: "Inspection"})
	if x.Node != core.NodeTerminalTask || x.FieldOutDealUser != 0 {
		t.Fatalf("inspection starts at %s with engineer %d; want the terminal task, no dispatch", x.Node, x.FieldOutDealUser)
	}
	if !strings.Contains(x.History[0].Detail, "at the terminal-task node") {
		t.Errorf("created event: %q", x.History[0].Detail)
	}
	// Re-assigning later leaves the node where it is.
	if x, err = svc.AssignWorkOrder(f.dispatcher, x.Number, 0, f.bob.ID); err != nil || x.Node != core.NodeTerminalTask {
		t.Fatalf("re-assignment moved the node: %s %v", x.Node, err)
	}
	// A node removed while a work order sits at it: the work order moves to the
	// next listed node after it in the usual order.
	r := f.create(t, core.NewWorkOrder{Subject: "Repair", RecordType: "Repair"})
	for r.Node != core.NodeEvaluation {
		if r, err = svc.AdvanceWorkOrder(f.dispatcher, r.Number, 0, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.SetProcess(f.admin, core.Process{RecordType: "Repair", Nodes: []core.ProcessNode{{Node: core.NodeDispatch}, {Node: core.NodeService}, {Node: core.NodeFollowUp}}}); err != nil {
		t.Fatal(err)
	}
	// (the follow-up plug-in is off, so the follow-up node passes on to the end, R-FU-1)
	if r, err = svc.AdvanceWorkOrder(f.dispatcher, r.Number, 0, ""); err != nil || r.Node != core.NodeEnd || !hasKind(r.History, core.EventFollowUpSkipped) {
		t.Fatalf("from a removed node: %s %v", r.Node, err)
	}
	if _, err := svc.SetProcess(f.dispatcher, core.Process{RecordType: "Repair", Nodes: core.DefaultProcessNodes()}); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("a dispatcher changed the process: %v", err)
	}
}

// TestTimerFiresAfterRestart (R-FLOW-3): a node timeout is stored with the work
// order; after the database is closed and opened again by a new process, the
// timer fires and the node completes with only a status change and a history
// event — no post-actions.
func TestTimerFiresAfterRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sb.db")
	st, svc, clk := testdb.OpenAt(t, path)
	f := newFieldCo(t, svc, clk)
	p := core.Process{RecordType: "Repair", Nodes: []core.ProcessNode{
		{Node: core.NodeDispatch},
		{Node: core.NodeService, Timeout: core.Duration(2 * time.Hour), PostActions: []core.PostAction{{Kind: core.PostNotify,
			Notice: core.NoticeAction{Event: core.NoticeCompleted, Recipients: []core.RecipientSpec{{Kind: core.RecipientExplicit, Address: "13800138000"}}, Channels: []core.NoticeChannel{core.NoticeSMS}}}}},
		{Node: core.NodeEvaluation},
	}}
	if _, err := svc.SetProcess(f.admin, p); err != nil {
		t.Fatal(err)
	}
	w := f.create(t, core.NewWorkOrder{Subject: "Boiler"})
	w, err := svc.AssignWorkOrder(f.dispatcher, w.Number, 0, f.ann.ID)
	if err != nil || w.NodeDueAt == nil || !w.NodeDueAt.Equal(clk.T.Add(2*time.Hour)) {
		t.Fatalf("assigned: due %v, %v", w.NodeDueAt, err)
	}
	if ts, _ := svc.PendingTimers(0); len(ts) != 1 || ts[0].Number != w.Number || ts[0].Node != core.NodeService {
		t.Fatalf("pending timers %+v", ts)
	}
	clk.Advance(time.Hour)
	if n, err := svc.FireDueTimers(); n != 0 || err != nil {
		t.Fatalf("fired early: %d %v", n, err)
	}
	then := clk.T
	st.Close()

	_, svc2, clk2 := testdb.OpenAt(t, path)
	clk2.T = then.Add(90 * time.Minute)
	if n, err := svc2.FireDueTimers(); n != 1 || err != nil {
		t.Fatalf("after restart fired %d, %v", n, err)
	}
	got, _ := svc2.WorkOrder(w.Number)
	last := got.History[len(got.History)-1]
	if got.Node != core.NodeEvaluation || got.NodeDueAt != nil || last.Kind != core.EventTimeout || !strings.Contains(last.Detail, "timed out after 2h") {
		t.Fatalf("after the timeout: %s, due %v, last event %+v", got.Node, got.NodeDueAt, last)
	}
	if ms, _ := svc2.OutboxFor(w.Number); hasEvent(ms, core.NoticeCompleted) {
		t.Errorf("a timeout ran the node's post-actions")
	}
	if ts, _ := svc2.PendingTimers(0); len(ts) != 0 {
		t.Errorf("timers left: %+v", ts)
	}
	if n, _ := svc2.FireDueTimers(); n != 0 {
		t.Errorf("fired twice")
	}
}

func hasEvent(ms []core.Message, ev core.NoticeEvent) bool {
	for _, m := range ms {
		if m.Event == ev {
			return true
		}
	}
	return false
}

// TestTimerDroppedWhenNodeCompletes: completing the node by hand (or
// terminating) removes its timer, so it never fires on a later node.
func TestTimerDroppedWhenNodeCompletes(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	nodes := core.DefaultProcessNodes()
	nodes[1].Timeout = core.Duration(time.Hour)
	if _, err := svc.SetProcess(f.admin, core.Process{RecordType: "Repair", Nodes: nodes}); err != nil {
		t.Fatal(err)
	}
	a := f.create(t, core.NewWorkOrder{Subject: "a"})
	b := f.create(t, core.NewWorkOrder{Subject: "b"})
	for _, w := range []core.WorkOrder{a, b} {
		if _, err := svc.AssignWorkOrder(f.dispatcher, w.Number, 0, f.ann.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.AdvanceWorkOrder(f.dispatcher, a.Number, 0, "done early"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.TerminateWorkOrder(f.dispatcher, b.Number, 0, "duplicate"); err != nil {
		t.Fatal(err)
	}
	if ts, _ := svc.PendingTimers(0); len(ts) != 0 {
		t.Fatalf("timers left: %+v", ts)
	}
	clk.Advance(2 * time.Hour)
	if n, _ := svc.FireDueTimers(); n != 0 {
		t.Fatalf("%d stale timers fired", n)
	}
}

// TestPostActionsRunOnCompletion (R-FLOW-2, R-NOTE-2): an external notification
// and an SMS notification attached to the service node are queued when the
// engineer completes it, with the action's own template and recipient.
func TestPostActionsRunOnCompletion(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	on := true
	for _, ch := range []core.NoticeChannel{core.NoticeSMS, core.NoticeEmail} {
		if _, err := svc.SetChannelConfig(f.admin, ch, &on, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.AddSMSCredits(f.admin, 10); err != nil {
		t.Fatal(err)
	}
	nodes := core.DefaultProcessNodes()
	nodes[1].PostActions = []core.PostAction{
		{Kind: core.PostSMS, Notice: core.NoticeAction{Event: core.NoticeCompleted,
			Recipients: []core.RecipientSpec{{Kind: core.RecipientExplicit, Address: "13800138000"}},
			Templates:  map[core.NoticeChannel]core.Template{core.NoticeSMS: {Body: "#Engineer# finished #WorkOrderNumber#"}}}},
		{Kind: core.PostNotify, Notice: core.NoticeAction{Event: core.NoticeServiceReport, Channels: []core.NoticeChannel{core.NoticeEmail},
			Recipients: []core.RecipientSpec{{Kind: core.RecipientExplicit, Address: "boss@example.com"}}}},
	}
	if _, err := svc.SetProcess(f.admin, core.Process{RecordType: "Repair", Nodes: nodes}); err != nil {
		t.Fatal(err)
	}
	w := f.create(t, core.NewWorkOrder{Subject: "Pump"})
	if _, err := svc.AssignWorkOrder(f.dispatcher, w.Number, 0, f.ann.ID); err != nil {
		t.Fatal(err)
	}
	if ms, _ := svc.OutboxFor(w.Number); hasEvent(ms, core.NoticeCompleted) {
		t.Fatal("post-action ran before the node completed")
	}
	if _, err := svc.AdvanceWorkOrder(f.dispatcher, w.Number, 0, ""); err != nil {
		t.Fatal(err)
	}
	ms, _ := svc.OutboxFor(w.Number)
	var sms, mail *core.Message
	for i := range ms {
		switch {
		case ms[i].Event == core.NoticeCompleted && ms[i].Channel == core.NoticeSMS:
			sms = &ms[i]
		case ms[i].Event == core.NoticeServiceReport && ms[i].Channel == core.NoticeEmail && ms[i].Recipient.Address == "boss@example.com":
			mail = &ms[i]
		}
	}
	if sms == nil || sms.Content.Text != "Ann finished "+w.Number || sms.Recipient.Address != "13800138000" {
		t.Fatalf("SMS post-action: %+v", sms)
	}
	if mail == nil || mail.Recipient.Address != "boss@example.com" {
		t.Fatalf("external-notification post-action: %+v", mail)
	}
}

// TestTerminalTaskSettings (R-TASK-1..3): the customer sees and may change only
// the listed fields, may register a device, and the work order moves on; a bad
// value changes nothing.
func TestTerminalTaskSettings(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	nodes := core.DefaultProcessNodes()
	nodes[2].Task = &core.TaskSettings{Mode: core.TaskInvite, Methods: []core.InviteMethod{core.InviteLink},
		EditFields: []string{"phone", "address"}, Create: &core.CreateObject{Object: "device", Fields: []string{"model"}}}
	if _, err := svc.SetProcess(admin, core.Process{RecordType: "Repair", Nodes: nodes}); err != nil {
		t.Fatal(err)
	}
	w := testdb.AtTaskNode(t, svc, core.NewWorkOrder{Subject: "Fridge", Phone: "13800138000", Address: "Old St 1"})
	inv, err := svc.InviteAccount(admin, w.Number, core.InviteLink, 0)
	if err != nil {
		t.Fatal(err)
	}
	v, err := svc.OpenTask(inv.Token)
	if err != nil || len(v.Fields) != 2 || v.Fields[0].Key != "phone" || v.Fields[1].Value != "Old St 1" || v.Object != "device" || len(v.ObjectFields) != 2 {
		t.Fatalf("task view %+v, %v", v, err)
	}
	bad := core.TaskInput{Nonce: core.NewToken(), Fields: map[string]string{"phone": "call me", "address": "New Rd 9"}}
	if _, err := svc.CompleteTask(inv.Token, bad); !core.IsValidation(err) {
		t.Fatalf("bad phone accepted: %v", err)
	}
	sneaky := core.TaskInput{Nonce: core.NewToken(), Fields: map[string]string{"subject": "free repair"}}
	if _, err := svc.CompleteTask(inv.Token, sneaky); !core.IsValidation(err) {
		t.Fatalf("a field the node does not open was accepted: %v", err)
	}
	if got, _ := svc.WorkOrder(w.Number); got.Version != w.Version || got.Address != "Old St 1" {
		t.Fatalf("a refused task changed the work order: %+v", got)
	}
	good := core.TaskInput{Nonce: core.NewToken(), Comment: "ok", Fields: map[string]string{"phone": "139 0000 1111", "address": "New Rd 9"},
		Object: map[string]string{"code": "frz-7", "model": "Haier"}}
	if _, err := svc.CompleteTask(inv.Token, good); err != nil {
		t.Fatal(err)
	}
	got, _ := svc.WorkOrder(w.Number)
	if got.Phone != "13900001111" || got.Address != "New Rd 9" || got.Node != core.NodeEvaluation {
		t.Fatalf("after the task: %+v", got)
	}
	if d, err := svc.Devices(); err != nil || len(d) != 1 || d[0].Code != "FRZ-7" || d[0].Model != "Haier" {
		t.Fatalf("device created: %+v %v", d, err)
	}
	last := got.History[len(got.History)-1]
	if !strings.Contains(last.Detail, `address "Old St 1" → "New Rd 9"`) || !strings.Contains(last.Detail, "created device FRZ-7") {
		t.Errorf("history: %q", last.Detail)
	}
	if st, _ := svc.Invitations(w.Number); len(st) != 1 || st[0].State != "used" {
		t.Errorf("invitation status %+v", st)
	}
}

// TestTaskOnBehalfAndTimeout (R-TASK-1 act on their behalf, R-TASK-4): staff
// fill the task in the console; a task left alone times out with no data.
func TestTaskOnBehalfAndTimeout(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	nodes := core.DefaultProcessNodes()
	nodes[2].Task = &core.TaskSettings{Mode: core.TaskOnBehalf, EditFields: []string{"description"}}
	nodes[2].Timeout = core.Duration(24 * time.Hour)
	if _, err := svc.SetProcess(admin, core.Process{RecordType: "Repair", Nodes: nodes}); err != nil {
		t.Fatal(err)
	}
	a := testdb.AtTaskNode(t, svc, core.NewWorkOrder{Subject: "A", Description: "before"})
	if _, err := svc.InviteAccount(admin, a.Number, core.InviteLink, 0); !core.IsValidation(err) || !strings.Contains(err.Error(), "behalf") {
		t.Fatalf("invited on an on-behalf task: %v", err)
	}
	got, err := svc.CompleteTaskOnBehalf(admin, a.Number, a.Version, core.TaskInput{Fields: map[string]string{"description": "customer says: after"}})
	if err != nil || got.Description != "customer says: after" || got.Node != core.NodeEvaluation {
		t.Fatalf("on behalf: %+v %v", got, err)
	}
	if !strings.Contains(got.History[len(got.History)-1].By, "on the customer's behalf") {
		t.Errorf("by %q", got.History[len(got.History)-1].By)
	}
	b := testdb.AtTaskNode(t, svc, core.NewWorkOrder{Subject: "B", Description: "untouched"})
	clk.Advance(25 * time.Hour)
	if n, err := svc.FireDueTimers(); n != 1 || err != nil {
		t.Fatalf("fired %d %v", n, err)
	}
	got, _ = svc.WorkOrder(b.Number)
	if got.Node != core.NodeEvaluation || got.Description != "untouched" || got.History[len(got.History)-1].Kind != core.EventTimeout {
		t.Fatalf("timed-out task: %+v", got)
	}
}

// TestAutoInvitation (R-TASK-2): reaching a terminal-task node with automatic
// invitation queues the invitation by email with a working task link; manual
// invitations by a method the node does not offer are refused.
func TestAutoInvitation(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	on := true
	if _, err := svc.SetChannelConfig(admin, core.NoticeEmail, &on, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddTerminalUser(admin, core.NewTerminalUser{Name: "Li", Email: "li@example.com"}); err != nil {
		t.Fatal(err)
	}
	nodes := core.DefaultProcessNodes()
	nodes[2].Task = &core.TaskSettings{Mode: core.TaskInvite, Methods: []core.InviteMethod{core.InviteLink, core.InviteEmail}, AutoInvite: true}
	if _, err := svc.SetProcess(admin, core.Process{RecordType: "Repair", Nodes: nodes}); err != nil {
		t.Fatal(err)
	}
	w := testdb.AtTaskNode(t, svc, core.NewWorkOrder{Subject: "Door", Email: "li@example.com"})
	ms, _ := svc.OutboxFor(w.Number)
	var inv *core.Message
	for i := range ms {
		if ms[i].Event == core.NoticeTaskInvitation {
			inv = &ms[i]
		}
	}
	if inv == nil || inv.Channel != core.NoticeEmail || inv.Recipient.Address != "li@example.com" {
		t.Fatalf("automatic invitation: %+v", ms)
	}
	i := strings.Index(inv.Content.HTML, core.TaskPathPrefix)
	if i < 0 {
		t.Fatalf("no task link in %q", inv.Content.HTML)
	}
	tok := inv.Content.HTML[i+len(core.TaskPathPrefix) : i+len(core.TaskPathPrefix)+26]
	if v, err := svc.OpenTask(tok); err != nil || v.Number != w.Number {
		t.Fatalf("the emailed link does not open the task: %v", err)
	}
	if _, err := svc.InviteAccount(admin, w.Number, core.InviteSMS, 0); !core.IsValidation(err) || !strings.Contains(err.Error(), "not one of this node's methods") {
		t.Fatalf("SMS invitation on an email/link node: %v", err)
	}
	// A manual second invitation by email is queued again, not de-duplicated away.
	again, err := svc.InviteAccount(admin, w.Number, core.InviteEmail, 0)
	if err != nil || len(again.Messages) != 1 || again.Messages[0].ID == inv.ID {
		t.Fatalf("second invitation: %+v %v", again, err)
	}
}

// TestProcessFileRoundTrip: export, edit, import; a bad file changes nothing
// and says where the problem is.
func TestProcessFileRoundTrip(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	data, err := svc.ExportProcesses()
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), `"node": "follow-up"`, `"node": "follow-up", "timeout": "3d"`, 1)
	if _, err := svc.ImportProcesses(admin, []byte(edited)); err != nil {
		t.Fatal(err)
	}
	p, _ := svc.Process("repair")
	if fu, ok := p.Find(core.NodeFollowUp); !ok || time.Duration(fu.Timeout) != 72*time.Hour {
		t.Fatalf("imported follow-up node %+v", fu)
	}
	before, _ := svc.ExportProcesses()
	for _, bad := range []struct{ file, want string }{
		{`{"processes": [`, "line 1"},
		{`{"processes": [{"record_type": "Repair", "nodes": [{"node": "dispatch", "colour": "red"}]}]}`, "colour"},
		{`{"processes": [{"record_type": "Repair", "nodes": [{"node": "dispatch"}]}, {"record_type": "Boat", "nodes": [{"node": "dispatch"}]}]}`, "Boat"},
		{`{"processes": [{"record_type": "Repair", "nodes": [{"node": "service", "timeout": "soon"}]}]}`, "soon"},
		{`{}`, "no processes"},
	} {
		if _, err := svc.ImportProcesses(admin, []byte(bad.file)); !core.IsValidation(err) || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("import %s: %v (want %q)", bad.file, err, bad.want)
		}
	}
	if after, _ := svc.ExportProcesses(); string(after) != string(before) {
		t.Fatal("a refused import changed the processes")
	}
}

// TestInvitationStatesFollowTheLink (issue 20.7): after the terminal-task
// node timed out, an invitation is listed as closed — what its link answers —
// not as open until it expires; used and expired ones say so.
func TestInvitationStatesFollowTheLink(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	nodes := core.DefaultProcessNodes()
	nodes[2].Task = &core.TaskSettings{Mode: core.TaskInvite, Methods: []core.InviteMethod{core.InviteLink}, EditFields: []string{"description"}}
	nodes[2].Timeout = core.Duration(24 * time.Hour)
	if _, err := svc.SetProcess(admin, core.Process{RecordType: "Repair", Nodes: nodes}); err != nil {
		t.Fatal(err)
	}
	w := testdb.AtTaskNode(t, svc, core.NewWorkOrder{Subject: "A"})
	inv, err := svc.InviteByLink(admin, w.Number, 0)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := svc.Invitations(w.Number)
	if len(st) != 1 || st[0].State != "open" {
		t.Fatalf("before: %+v", st)
	}
	clk.Advance(25 * time.Hour)
	if n, err := svc.FireDueTimers(); n != 1 || err != nil {
		t.Fatalf("fired %d %v", n, err)
	}
	st, _ = svc.Invitations(w.Number)
	if len(st) != 1 || st[0].State != "closed" || !strings.Contains(st[0].Why, "left the terminal-task node") {
		t.Fatalf("after the timeout: %+v", st)
	}
	if _, err := svc.OpenTask(inv.URL[strings.LastIndex(inv.URL, "/")+1:]); !errors.Is(err, core.ErrLinkUnusable) {
		t.Fatalf("the link still opens: %v", err)
	}
}
