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

// fuCo is a company with three follow-up agents (amy, bob, cai), the
// follow-up plug-in on, and a Repair/Maintenance process of dispatch →
// service → follow-up.
type fuCo struct {
	*evalCo
	amy, bob, cai core.Actor
}

func newFuCo(t *testing.T) *fuCo {
	t.Helper()
	f := &fuCo{evalCo: newEvalCo(t)}
	f.amy = mustUser(t, f.svc, f.admin, "amy", core.RoleFollowUp)
	f.bob = mustUser(t, f.svc, f.admin, "bob", core.RoleFollowUp)
	f.cai = mustUser(t, f.svc, f.admin, "cai", core.RoleFollowUp)
	if _, err := f.svc.SetFollowUpEnabled(f.admin, true); err != nil {
		t.Fatal(err)
	}
	return f
}

// setFollowUp configures the follow-up node of the Repair and Maintenance processes.
func (f *fuCo) setFollowUp(t *testing.T, fs *core.FollowUpSettings) {
	t.Helper()
	for _, rt := range []string{"Repair", "Maintenance"} {
		nodes := []core.ProcessNode{{Node: core.NodeDispatch}, {Node: core.NodeService}, {Node: core.NodeFollowUp, FollowUp: fs}}
		if _, err := f.svc.SetProcess(f.admin, core.Process{RecordType: rt, Nodes: nodes}); err != nil {
			t.Fatal(err)
		}
	}
}

// atFollowUp brings a new work order through dispatch and service.
func (f *fuCo) atFollowUp(t *testing.T, in core.NewWorkOrder) core.WorkOrder {
	t.Helper()
	return f.atEvaluation(t, in) // completes service (and terminal-task) nodes
}

func (f *fuCo) tasks(t *testing.T, w core.WorkOrder) []core.FollowUpTask {
	t.Helper()
	ts, err := f.svc.FollowUpTasksFor(w.Number)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func (f *fuCo) team(t *testing.T, name, lead string, members ...string) {
	t.Helper()
	if _, err := f.svc.SaveFollowUpTeam(f.admin, core.FollowUpTeam{Name: name, Lead: lead, Members: members}); err != nil {
		t.Fatal(err)
	}
}

// TestFollowUpPluginOff (R-FU-1): off by default — the node does not run, the
// work order passes it and the history says why; only admins switch it on.
func TestFollowUpPluginOff(t *testing.T) {
	f := &fuCo{evalCo: newEvalCo(t)}
	cfg, err := f.svc.FollowUpConfig()
	if err != nil || cfg.Enabled {
		t.Fatalf("a new database has the plug-in on: %+v %v", cfg, err)
	}
	f.setFollowUp(t, nil)
	w := f.atFollowUp(t, core.NewWorkOrder{})
	if w.Node != core.NodeEnd || w.Status != core.StatusCompleted {
		t.Fatalf("with the plug-in off the work order is at %s/%s, want end/completed", w.Node, w.Status)
	}
	last := w.History[len(w.History)-1]
	found := false
	for _, e := range w.History {
		found = found || (e.Kind == core.EventFollowUpSkipped && strings.Contains(e.Detail, "the follow-up plug-in is off"))
	}
	if !found {
		t.Fatalf("history does not say the node did not run: %+v", last)
	}
	if ts := f.tasks(t, w); len(ts) != 0 {
		t.Fatalf("tasks made while off: %+v", ts)
	}
	if _, err := f.svc.SetFollowUpEnabled(f.dispatcher, true); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("a dispatcher switched the plug-in on: %v", err)
	}
	if cfg, err := f.svc.SetFollowUpEnabled(f.admin, true); err != nil || !cfg.Enabled {
		t.Fatalf("admin enable: %+v %v", cfg, err)
	}
	w = f.atFollowUp(t, core.NewWorkOrder{})
	if w.Node != core.NodeFollowUp {
		t.Fatalf("with the plug-in on the work order is at %s, want follow-up", w.Node)
	}
}

// TestFollowUpStandardVsRules (R-FU-3): the standard node gives every work
// order the same form and people; rule-based follow-up takes the first
// matching rule's form and people, and passes the node when none matches.
func TestFollowUpStandardVsRules(t *testing.T) {
	f := newFuCo(t)
	f.setFollowUp(t, &core.FollowUpSettings{Mode: core.FollowUpStandard, Type: "Detailed", People: core.FollowUpPeople{Staff: []string{"bob", "amy"}}})
	for _, rt := range []string{"Repair", "Maintenance"} {
		w := f.atFollowUp(t, core.NewWorkOrder{RecordType: rt})
		ts := f.tasks(t, w)
		if len(ts) != 1 || ts[0].Agent != "bob" || ts[0].Type != "Detailed" || ts[0].Phone != "13800138000" || ts[0].Status != core.FollowUpOpen {
			t.Fatalf("standard %s: %+v", rt, ts)
		}
		if !ts[0].DueAt.Equal(f.svc.Now().Add(24 * time.Hour)) {
			t.Errorf("due %s, want the 24h SLA after %s", ts[0].DueAt, f.svc.Now())
		}
	}

	f.team(t, "East", "amy", "amy", "cai")
	if _, err := f.svc.AddRule(f.admin, core.NewRule{Kind: core.RuleFollowUp, Name: "Maintenance to Bob", When: `record_type == "Maintenance"`, EvalType: "Detailed", FollowUpStaff: []string{"bob"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AddRule(f.admin, core.NewRule{Kind: core.RuleFollowUp, Name: "Priority high to East", When: `priority == "high"`, EvalType: "Standard", FollowUpTeam: "East"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AddRule(f.dispatcher, core.NewRule{Kind: core.RuleFollowUp, Name: "by a dispatcher", When: "true", FollowUpTeam: "East"}); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("a dispatcher added a follow-up rule (configuration, admins only): %v", err)
	}
	if _, err := f.svc.AddRule(f.admin, core.NewRule{Kind: core.RuleFollowUp, Name: "nobody", When: "true"}); err == nil || !strings.Contains(err.Error(), "needs people") {
		t.Fatalf("a rule without people: %v", err)
	}
	f.setFollowUp(t, &core.FollowUpSettings{Mode: core.FollowUpRules})
	m := f.atFollowUp(t, core.NewWorkOrder{RecordType: "Maintenance", Priority: core.PriorityHigh})
	if ts := f.tasks(t, m); len(ts) != 1 || ts[0].Agent != "bob" || ts[0].Type != "Detailed" || ts[0].RuleName != "Maintenance to Bob" {
		t.Fatalf("rule 1 (first in priority) should win: %+v", ts)
	}
	r := f.atFollowUp(t, core.NewWorkOrder{RecordType: "Repair", Priority: core.PriorityHigh})
	if ts := f.tasks(t, r); len(ts) != 1 || ts[0].Agent != "amy" || ts[0].Team != "East" || ts[0].Type != "Standard" {
		t.Fatalf("rule 2 by rotation: %+v", ts)
	}
	low := f.atFollowUp(t, core.NewWorkOrder{RecordType: "Repair", Priority: core.PriorityLow})
	if low.Node != core.NodeEnd || len(f.tasks(t, low)) != 0 || !strings.Contains(low.History[len(low.History)-2].Detail+low.History[len(low.History)-1].Detail, "no follow-up rule matched") {
		t.Fatalf("unmatched: node %s, history %+v", low.Node, low.History[len(low.History)-2:])
	}
}

// TestFollowUpRotationAcrossRestarts (R-FU-4): a team shares tasks in order;
// the pointer is stored (it survives closing and reopening the database), an
// admin moves it, and absent staff are skipped.
func TestFollowUpRotationAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "switchboard.db")
	st, svc, clk := testdb.OpenAt(t, path)
	f := &fuCo{evalCo: &evalCo{fieldCo: newFieldCo(t, svc, clk)}}
	c, err := svc.AddContact(f.admin, core.NewContact{Name: "王芳", Phone: "13800138000", AccountName: "上海浦东仓储"})
	if err != nil {
		t.Fatal(err)
	}
	f.contact = c
	for _, l := range []string{"amy", "bob", "cai"} {
		mustUser(t, svc, f.admin, l, core.RoleFollowUp)
	}
	if _, err := svc.SetFollowUpEnabled(f.admin, true); err != nil {
		t.Fatal(err)
	}
	f.team(t, "East", "", "amy", "bob", "cai")
	f.setFollowUp(t, &core.FollowUpSettings{People: core.FollowUpPeople{Team: "East"}})
	agentOf := func() string {
		w := f.atFollowUp(t, core.NewWorkOrder{})
		ts := f.tasks(t, w)
		if len(ts) != 1 {
			t.Fatalf("tasks: %+v", ts)
		}
		return ts[0].Agent
	}
	got := []string{agentOf(), agentOf()}

	// Restart: close the database and open it again with a new service.
	st.Close()
	st2, svc2, clk2 := testdb.OpenAt(t, path)
	_ = st2
	clk2.T = clk.T
	f.svc, f.clk = svc2, clk2
	f.fieldCo.svc, f.fieldCo.clk = svc2, clk2
	if f.dispatcher, err = svc2.Login("dora"); err != nil {
		t.Fatal(err)
	}
	if f.desk, err = svc2.Login("carl"); err != nil {
		t.Fatal(err)
	}
	teams, _ := svc2.FollowUpTeams()
	if len(teams) != 1 || teams[0].NextUp() != "cai" {
		t.Fatalf("after the restart the pointer is at %+v, want cai", teams)
	}
	got = append(got, agentOf(), agentOf())
	if strings.Join(got, ",") != "amy,bob,cai,amy" {
		t.Fatalf("rotation %v, want amy,bob,cai,amy", got)
	}

	// An admin moves the pointer; a dispatcher cannot.
	if _, err := svc2.RotateFollowUpTeam(f.dispatcher, "East", "cai"); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("dispatcher rotated: %v", err)
	}
	if _, err := svc2.RotateFollowUpTeam(f.admin, "East", "zed"); err == nil || !strings.Contains(err.Error(), "not a member") {
		t.Fatalf("rotate to a stranger: %v", err)
	}
	if tm, err := svc2.RotateFollowUpTeam(f.admin, "east", "cai"); err != nil || tm.NextUp() != "cai" {
		t.Fatalf("rotate: %+v %v", tm, err)
	}
	// cai is absent: skipped, and the history says so.
	if err := svc2.SetAbsent(f.admin, "cai", true); err != nil {
		t.Fatal(err)
	}
	w := f.atFollowUp(t, core.NewWorkOrder{})
	if ts := f.tasks(t, w); ts[0].Agent != "amy" {
		t.Fatalf("absent cai not skipped: %+v", ts[0])
	}
	if h := w.History[len(w.History)-1].Detail; !strings.Contains(h, "skipped cai") {
		t.Errorf("history does not name the skipped agent: %s", h)
	}
	if err := svc2.SetAbsent(f.admin, "cai", false); err != nil {
		t.Fatal(err)
	}
	if a := agentOf(); a != "bob" {
		t.Fatalf("after amy comes bob, got %s", a)
	}
	if a := agentOf(); a != "cai" {
		t.Fatalf("cai is back, got %s", a)
	}
	// Named staff skip the absent too; everyone absent leaves the task unassigned.
	for _, l := range []string{"amy", "bob", "cai"} {
		if err := svc2.SetAbsent(f.admin, l, true); err != nil {
			t.Fatal(err)
		}
	}
	w = f.atFollowUp(t, core.NewWorkOrder{})
	if ts := f.tasks(t, w); ts[0].Agent != "" || !strings.Contains(w.History[len(w.History)-1].Detail, "unassigned") {
		t.Fatalf("everyone absent: %+v / %s", ts[0], w.History[len(w.History)-1].Detail)
	}
}

// TestFollowUpOutcomes (R-FU-5, issue item 5): no answer and busy bring the
// task back after the retry delay until the attempt limit closes it; a
// callback comes back at its time (fake clock) and does not count; reached
// saves the form as a Service Evaluation record (R-FU-2) and completes the
// node; wrong number closes the task.
func TestFollowUpOutcomes(t *testing.T) {
	f := newFuCo(t)
	f.setFollowUp(t, &core.FollowUpSettings{Type: "Standard", People: core.FollowUpPeople{Staff: []string{"amy"}}})
	w := f.atFollowUp(t, core.NewWorkOrder{})
	task := f.tasks(t, w)[0]
	next := func() (core.FollowUpTask, error) { return f.svc.NextFollowUpCall(f.amy, "") }
	if n, err := next(); err != nil || n.ID != task.ID {
		t.Fatalf("next call: %+v %v", n, err)
	}
	rec := func(o core.Outcome, at *time.Time, answers map[string][]string) (core.FollowUpTask, error) {
		return f.svc.RecordFollowUpCall(f.amy, task.ID, core.CallResult{Outcome: o, At: at, Answers: answers})
	}
	// No answer: back in 2h.
	t1, err := rec(core.OutcomeNoAnswer, nil, nil)
	if err != nil || t1.Status != core.FollowUpOpen || t1.NotBefore == nil || !t1.NotBefore.Equal(f.svc.Now().Add(2*time.Hour)) {
		t.Fatalf("no answer: %+v %v", t1, err)
	}
	if _, err := next(); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("a retry is offered before its time: %v", err)
	}
	if _, err := rec(core.OutcomeBusy, nil, nil); err == nil || !strings.Contains(err.Error(), "held until") {
		t.Fatalf("recording before the retry time: %v", err)
	}
	// A callback before the limit: at 15:00, not counted.
	f.clk.Advance(2 * time.Hour)
	if n, err := next(); err != nil || n.ID != task.ID {
		t.Fatalf("retry not offered after 2h: %v", err)
	}
	past := f.svc.Now().Add(-time.Minute)
	if _, err := rec(core.OutcomeCallback, &past, nil); err == nil {
		t.Fatal("a callback in the past was accepted")
	}
	if _, err := rec(core.OutcomeCallback, nil, nil); err == nil || !strings.Contains(err.Error(), "agreed time") {
		t.Fatalf("a callback without a time: %v", err)
	}
	cb := f.svc.Now().Add(3 * time.Hour)
	t2, err := rec(core.OutcomeCallback, &cb, nil)
	if err != nil || !t2.DueAt.Equal(cb) || t2.Failed() != 1 || len(t2.Attempts) != 2 {
		t.Fatalf("callback: %+v %v", t2, err)
	}
	f.clk.Advance(3*time.Hour - time.Second)
	if _, err := next(); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("callback offered a second early: %v", err)
	}
	q, _ := f.svc.FollowUpQueue(f.amy, core.QueueQuery{})
	if q.Total != 1 || q.Waiting != 1 || q.Overdue != 0 {
		t.Fatalf("queue while waiting: %+v", q)
	}
	f.clk.Advance(time.Second)
	if n, err := next(); err != nil || n.ID != task.ID {
		t.Fatalf("callback not offered at its time: %v", err)
	}
	f.clk.Advance(time.Minute)
	if q, _ := f.svc.FollowUpQueue(f.amy, core.QueueQuery{}); q.Overdue != 1 {
		t.Fatalf("a callback a minute late is not overdue: %+v", q)
	}
	// Busy (2 of 3), then no answer (3 of 3): closed unreached; the node completes.
	if _, err := rec(core.OutcomeBusy, nil, nil); err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(2 * time.Hour)
	t3, err := rec(core.OutcomeNoAnswer, nil, nil)
	if err != nil || t3.Status != core.FollowUpClosed || t3.Failed() != 3 {
		t.Fatalf("attempt limit: %+v %v", t3, err)
	}
	if _, err := rec(core.OutcomeReached, nil, map[string][]string{"overall": {"5"}}); err == nil {
		t.Fatal("a closed task took another call")
	}
	w, _ = f.svc.WorkOrder(w.Number)
	if w.Node != core.NodeEnd || !strings.Contains(w.History[len(w.History)-1].Detail+w.History[len(w.History)-2].Detail, "0 of 1 follow-up task(s) reached") {
		t.Fatalf("node not completed after the limit: %s %+v", w.Node, w.History[len(w.History)-1])
	}

	// Reached: the form is checked against the layout, then saved as an evaluation.
	w2 := f.atFollowUp(t, core.NewWorkOrder{})
	task = f.tasks(t, w2)[0]
	if _, err := rec(core.OutcomeReached, nil, map[string][]string{"overall": {"7"}}); err == nil || !strings.Contains(err.Error(), "from 1 to 5") {
		t.Fatalf("a 7 on a 5-star scale: %v", err)
	}
	if _, err := rec(core.OutcomeReached, nil, map[string][]string{"overall": {"4"}, "colour": {"red"}}); err == nil || !strings.Contains(err.Error(), "no field") {
		t.Fatalf("an unknown field: %v", err)
	}
	if _, err := f.svc.RecordFollowUpCall(f.bob, task.ID, core.CallResult{Outcome: core.OutcomeNoAnswer}); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("bob recorded amy's call: %v", err)
	}
	t4, err := rec(core.OutcomeReached, nil, map[string][]string{"overall": {"4"}, "comment": {"Quick and friendly"}})
	if err != nil || t4.Status != core.FollowUpDone || t4.EvaluationID == 0 {
		t.Fatalf("reached: %+v %v", t4, err)
	}
	st, err := f.svc.Evaluations(w2.Number)
	if err != nil || len(st.Evaluations) != 1 {
		t.Fatalf("evaluations: %+v %v", st, err)
	}
	e := st.Evaluations[0]
	if e.ID != t4.EvaluationID || e.Via != core.EvalViaFollowUp || e.By != "amy" || e.Score != 4 || e.Scale != 5 || e.Type != "Standard" || e.EngineerName != "Ann" {
		t.Fatalf("evaluation record: %+v", e)
	}
	if w2, _ = f.svc.WorkOrder(w2.Number); w2.Node != core.NodeEnd {
		t.Fatalf("reached did not complete the node: %s", w2.Node)
	}

	// Wrong number: closed at once.
	w3 := f.atFollowUp(t, core.NewWorkOrder{})
	task = f.tasks(t, w3)[0]
	if t5, err := rec(core.OutcomeWrongNumber, nil, nil); err != nil || t5.Status != core.FollowUpClosed || t5.Outcome != core.OutcomeWrongNumber {
		t.Fatalf("wrong number: %+v %v", t5, err)
	}
	if q, _ := f.svc.FollowUpQueue(f.amy, core.QueueQuery{}); q.Total != 0 {
		t.Fatalf("closed tasks still queued: %+v", q)
	}
}

// TestFollowUpQueueOrderAndRoles (R-FU-5, R-ROLE-1): the queue is in due-time
// order, overdue first and counted; a dispatcher cannot open it; an agent sees
// only their own; a team lead sees everyone's and reassigns.
func TestFollowUpQueueOrderAndRoles(t *testing.T) {
	f := newFuCo(t)
	f.team(t, "East", "bob", "amy", "bob")
	f.setFollowUp(t, &core.FollowUpSettings{People: core.FollowUpPeople{Team: "East"}})
	var ws []core.WorkOrder
	for i := 0; i < 4; i++ { // amy, bob, amy, bob; an hour apart
		ws = append(ws, f.atFollowUp(t, core.NewWorkOrder{}))
		f.clk.Advance(time.Hour)
	}
	f.clk.Advance(21 * time.Hour) // the first two are past their 24h SLA
	q, err := f.svc.FollowUpQueue(f.amy, core.QueueQuery{})
	if err != nil || q.Total != 2 || q.Overdue != 1 || q.Tasks[0].Number != ws[0].Number || q.Tasks[1].Number != ws[2].Number {
		t.Fatalf("amy's queue: %+v %v", q, err)
	}
	if _, err := f.svc.FollowUpQueue(f.dispatcher, core.QueueQuery{}); !errors.Is(err, core.ErrForbidden) || !strings.Contains(err.Error(), "ask an admin for the follow-up role") {
		t.Fatalf("dispatcher opened the queue: %v", err)
	}
	if _, err := f.svc.NextFollowUpCall(f.dispatcher, ""); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("dispatcher took a call: %v", err)
	}
	if _, err := f.svc.FollowUpQueue(f.amy, core.QueueQuery{All: true}); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("amy (not a lead) saw all queues: %v", err)
	}
	all, err := f.svc.FollowUpQueue(f.bob, core.QueueQuery{All: true})
	if err != nil || all.Total != 4 || all.Overdue != 2 || !all.Lead {
		t.Fatalf("lead's view: %+v %v", all, err)
	}
	for i := 1; i < len(all.Tasks); i++ {
		if all.Tasks[i].DueAt.Before(all.Tasks[i-1].DueAt) {
			t.Fatalf("not in due order: %+v", all.Tasks)
		}
	}
	if fq, _ := f.svc.FollowUpQueue(f.bob, core.QueueQuery{All: true, Filter: ws[3].Number}); fq.Total != 1 || fq.Tasks[0].Number != ws[3].Number {
		t.Fatalf("filter: %+v", fq)
	}
	page, err := f.svc.FollowUpQueue(f.bob, core.QueueQuery{All: true, Offset: 1, Limit: 2})
	if err != nil || page.Total != 4 || page.Overdue != 2 || page.Offset != 1 || len(page.Tasks) != 2 ||
		page.Tasks[0].ID != all.Tasks[1].ID || page.Tasks[1].ID != all.Tasks[2].ID {
		t.Fatalf("a page of every queue: %+v %v", page, err)
	}
	if past, _ := f.svc.FollowUpQueue(f.bob, core.QueueQuery{All: true, Offset: 9, Limit: 2}); past.Total != 4 || len(past.Tasks) != 0 {
		t.Fatalf("a page past the end: %+v", past)
	}
	if aq, err := f.svc.FollowUpQueue(f.bob, core.QueueQuery{Agent: "amy"}); err != nil || aq.Total != 2 || aq.Agent != "amy" {
		t.Fatalf("the lead's look at amy's queue: %+v %v", aq, err)
	}
	if _, err := f.svc.FollowUpQueue(f.bob, core.QueueQuery{Agent: "nobody"}); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("the queue of a user who does not exist: %v", err)
	}
	task := q.Tasks[0]
	if _, err := f.svc.ReassignFollowUp(f.amy, task.ID, "cai"); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("amy reassigned: %v", err)
	}
	if _, err := f.svc.ReassignFollowUp(f.bob, task.ID, "dora"); err == nil || !strings.Contains(err.Error(), "not a follow-up agent") {
		t.Fatalf("reassigned to a dispatcher: %v", err)
	}
	if rt, err := f.svc.ReassignFollowUp(f.bob, task.ID, "cai"); err != nil || rt.Agent != "cai" {
		t.Fatalf("reassign: %+v %v", rt, err)
	}
	if q, _ := f.svc.FollowUpQueue(f.cai, core.QueueQuery{}); q.Total != 1 || q.Overdue != 1 {
		t.Fatalf("cai's queue after the reassignment: %+v", q)
	}
	w, _ := f.svc.WorkOrder(task.Number)
	if h := w.History[len(w.History)-1]; h.By != "bob" || !strings.Contains(h.Detail, "reassigned: amy → cai") {
		t.Fatalf("history: %+v", h)
	}
}

// TestFollowUpSettingsChecked: the node's and the plug-in's settings are
// checked before they are saved.
func TestFollowUpSettingsChecked(t *testing.T) {
	f := newFuCo(t)
	bad := []*core.FollowUpSettings{
		{Type: "Nope"},
		{People: core.FollowUpPeople{Staff: []string{"dora"}}},
		{People: core.FollowUpPeople{Team: "Ghost"}},
		{Mode: "rules", Type: "Standard"},
		{Mode: "sometimes"},
	}
	for _, fs := range bad {
		nodes := []core.ProcessNode{{Node: core.NodeDispatch}, {Node: core.NodeFollowUp, FollowUp: fs}}
		if _, err := f.svc.SetProcess(f.admin, core.Process{RecordType: "Repair", Nodes: nodes}); err == nil {
			t.Errorf("accepted %+v", fs)
		}
	}
	for _, cmd := range []string{"", "sh -c 'call {phone}'", "{phone}", "linphonec -c call", "linphonec 'call {phone}"} {
		if _, err := f.svc.SetFollowUpConfig(f.admin, core.FollowUpPatch{Dialer: &core.DialerConfig{Command: cmd + " "}}); err == nil && cmd != "" {
			t.Errorf("dial command %q accepted", cmd)
		}
	}
	if _, err := f.svc.SetFollowUpConfig(f.admin, core.FollowUpPatch{Dialer: &core.DialerConfig{Webhook: "ftp://x"}}); err == nil {
		t.Error("ftp webhook accepted")
	}
	c, err := f.svc.SetFollowUpConfig(f.admin, core.FollowUpPatch{Dialer: &core.DialerConfig{Command: `linphonec -c "call {phone}"`}})
	if err != nil || c.Dialer.Command != `linphonec -c "call {phone}"` {
		t.Fatalf("good command: %+v %v", c, err)
	}
	if _, err := f.svc.SetFollowUpConfig(f.amy, core.FollowUpPatch{}); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("agent changed settings: %v", err)
	}
}

// TestParseCallbackTime (R-FU-5): the callback times an agent types.
func TestParseCallbackTime(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 11, 2, 14, 0, 0, 0, loc)
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, loc) }
	cases := map[string]time.Time{
		"+2h":                  now.Add(2 * time.Hour),
		"+1d":                  now.Add(24 * time.Hour),
		"15:00":                at(2, 15, 0),
		"9:30":                 at(3, 9, 30), // passed today: tomorrow
		"tomorrow 9:30":        at(3, 9, 30),
		"Tomorrow 16:45":       at(3, 16, 45),
		"2026-11-05 08:00":     at(5, 8, 0),
		"2026-11-05T08:00":     at(5, 8, 0),
		"2026-11-05T00:00:00Z": time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC),
	}
	for in, want := range cases {
		got, err := core.ParseCallbackTime(in, now, loc)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseCallbackTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "tomorrow", "tomorrow 25:00", "soon", "+", "+-2h", "15", "2026-13-01 10:00"} {
		if got, err := core.ParseCallbackTime(bad, now, loc); err == nil {
			t.Errorf("ParseCallbackTime(%q) = %v, want an error", bad, got)
		} else if !strings.Contains(err.Error(), "is not a time") {
			t.Errorf("ParseCallbackTime(%q): %v", bad, err)
		}
	}
}

// TestSplitCommand: the template splits like shell words, without a shell.
func TestSplitCommand(t *testing.T) {
	cases := map[string][]string{
		`linphonec -c "call {phone}"`:   {"linphonec", "-c", "call {phone}"},
		`a 'b  c' d\ e "x\"y"`:          {"a", "b  c", "d e", `x"y`},
		`  softphone   --dial={phone} `: {"softphone", "--dial={phone}"},
		`a $(rm -rf /) ; b | c`:         {"a", "$(rm", "-rf", "/)", ";", "b", "|", "c"},
		`a ""`:                          {"a", ""},
	}
	for in, want := range cases {
		got, err := core.SplitCommand(in)
		if err != nil || strings.Join(got, "\x00") != strings.Join(want, "\x00") || len(got) != len(want) {
			t.Errorf("SplitCommand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	argv, err := core.DialArgv(`linphonec -c "call {phone}"`, "+86 (138) 0013-8000")
	if err != nil || len(argv) != 3 || argv[2] != "call +8613800138000" {
		t.Fatalf("DialArgv: %q %v", argv, err)
	}
	for _, bad := range []string{"138; rm -rf /", "$(reboot)", "138\n139", "12", "１３８００１３８０００", "138 0013 8000'", "1+2"} {
		if _, err := core.DialArgv(`x {phone}`, bad); err == nil {
			t.Errorf("phone %q dialled", bad)
		}
	}
}

// FuzzDialerTemplate (R-FU-5): whatever the phone field holds, a call's argv
// has exactly the template's words, the program is the template's, and the
// phone lands only where {phone} was, as digits and a leading +: it can never
// add an argument, reach a shell, or smuggle a quote or metacharacter.
func FuzzDialerTemplate(f *testing.F) {
	for _, s := range []string{"13800138000", "+44 20 7946 0000", "138; rm -rf /", "$(id)", "`id`", "a b", "'\"", "\x00", "138\n", "(010) 1234-5678", "+", "--help", "-c sh"} {
		f.Add(s, 0)
	}
	templates := []string{
		`linphonec -c "call {phone}"`,
		`softphone --number={phone} --quiet`,
		`dial '{phone}' {phone}`,
		`/usr/bin/callto sip:{phone}@pbx.example.com`,
	}
	f.Fuzz(func(t *testing.T, phone string, which int) {
		tmpl := templates[(which%len(templates)+len(templates))%len(templates)]
		words, err := core.SplitCommand(tmpl)
		if err != nil {
			t.Fatal(err)
		}
		argv, err := core.DialArgv(tmpl, phone)
		if err != nil {
			return // refused with a sentence: nothing runs
		}
		p, err := core.DialablePhone(phone)
		if err != nil {
			t.Fatalf("DialArgv accepted %q that DialablePhone refuses: %v", phone, err)
		}
		for i, r := range p {
			if !(r >= '0' && r <= '9' || r == '+' && i == 0) {
				t.Fatalf("dialled %q holds %q", p, r)
			}
		}
		if len(argv) != len(words) || argv[0] != words[0] {
			t.Fatalf("phone %q changed the command: %q from %q", phone, argv, words)
		}
		for i := range words {
			if want := strings.ReplaceAll(words[i], core.PhoneToken, p); argv[i] != want && i > 0 {
				t.Fatalf("argument %d is %q, want %q", i, argv[i], want)
			}
		}
	})
}

// TestFollowUpTasksCloseWhenTheNodeEnds (issue 17): a work order completed at
// the follow-up node by hand (`c` in the console, `wo advance`) or terminated
// leaves no open task behind in anybody's call queue; the task and the history
// say why.
func TestFollowUpTasksCloseWhenTheNodeEnds(t *testing.T) {
	f := newFuCo(t)
	f.setFollowUp(t, &core.FollowUpSettings{Mode: core.FollowUpStandard, Type: "Detailed", People: core.FollowUpPeople{Staff: []string{"amy"}}})
	queue := func() int {
		t.Helper()
		q, err := f.svc.FollowUpQueue(f.amy, core.QueueQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return q.Total
	}
	done := f.atFollowUp(t, core.NewWorkOrder{})
	gone := f.atFollowUp(t, core.NewWorkOrder{})
	if n := queue(); n != 2 {
		t.Fatalf("amy's queue holds %d tasks, want 2", n)
	}
	w, err := f.svc.AdvanceWorkOrder(f.admin, done.Number, 0, "customer called us, all fine")
	if err != nil || w.Node != core.NodeEnd {
		t.Fatalf("advance at the follow-up node: %v %s", err, w.Node)
	}
	if _, err := f.svc.TerminateWorkOrder(f.admin, gone.Number, 0, "duplicate"); err != nil {
		t.Fatal(err)
	}
	if n := queue(); n != 0 {
		t.Fatalf("amy's queue still holds %d tasks of work orders that left the node", n)
	}
	for _, c := range []struct {
		w   core.WorkOrder
		why string
	}{{done, "left the follow-up node (→ end)"}, {gone, "terminated"}} {
		ts := f.tasks(t, c.w)
		if len(ts) != 1 || ts[0].Status != core.FollowUpClosed || !strings.Contains(ts[0].ClosedWhy, c.why) {
			t.Fatalf("%s: tasks %+v, want one closed because %q", c.w.Number, ts, c.why)
		}
		w, err := f.svc.WorkOrder(c.w.Number)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range w.History {
			found = found || strings.Contains(e.Detail, "closed uncalled")
		}
		if !found {
			t.Errorf("%s: the history does not say the task closed: %+v", c.w.Number, w.History)
		}
	}
}

// TestCustomerNamedByTheirTerminalUser (issue 17): a work order whose customer
// is known only as its external owner (a terminal user found by phone, R-WO-4
// case 3) names them on the engineer's QR screen and in the follow-up queue,
// not "—".
func TestCustomerNamedByTheirTerminalUser(t *testing.T) {
	f := newFuCo(t)
	if _, err := f.svc.AddTerminalUser(f.admin, core.NewTerminalUser{Name: "刘洋", Phone: "13911112222"}); err != nil {
		t.Fatal(err)
	}
	f.setEvaluation(t, nil, 0) // the default: a QR code
	w := f.atEvaluation(t, core.NewWorkOrder{Phone: "13911112222"})
	if w.OutOwner == 0 || w.ContactName != "" {
		t.Fatalf("fixture: want an owner and no contact, have %+v", w)
	}
	qr, err := f.svc.EvaluationQR(f.admin, w.Number)
	if err != nil || qr.Customer != "刘洋" {
		t.Fatalf("QR screen customer %q (%v), want 刘洋", qr.Customer, err)
	}
	f.setFollowUp(t, &core.FollowUpSettings{Mode: core.FollowUpStandard, Type: "Detailed", People: core.FollowUpPeople{Staff: []string{"amy"}}})
	w2 := f.atFollowUp(t, core.NewWorkOrder{Phone: "13911112222", RecordType: "Maintenance"})
	if ts := f.tasks(t, w2); len(ts) != 1 || ts[0].Customer != "刘洋" || ts[0].Phone != "13911112222" {
		t.Fatalf("follow-up task %+v, want customer 刘洋", ts)
	}
}

// TestStartFollowUp (R-FU-1, `followup start` and S on the detail screen): a
// work order that waits at the follow-up node without a task — brought in by a
// CSV import at that node — gets one when an admin or lead starts it; it is
// refused while a task is open, for an agent, for a work order elsewhere, and
// with the plug-in off.
func TestStartFollowUp(t *testing.T) {
	f := newFuCo(t)
	f.setFollowUp(t, &core.FollowUpSettings{Type: "Standard", People: core.FollowUpPeople{Staff: []string{"amy"}}})
	rep, err := f.svc.ImportWorkOrdersCSV(f.admin, strings.NewReader("subject,record_type,status,node\nBoiler check,Repair,in-progress,follow-up\n"), false)
	if err != nil || len(rep.Problems) != 0 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	w, err := f.svc.WorkOrder(rep.First)
	if err != nil {
		t.Fatal(err)
	}
	if w.Node != core.NodeFollowUp || len(f.tasks(t, w)) != 0 {
		t.Fatalf("imported: %s, tasks %+v", w.Node, f.tasks(t, w))
	}
	if _, err := f.svc.StartFollowUp(f.amy, w.Number); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("an agent started follow-up calls: %v", err)
	}
	ts, err := f.svc.StartFollowUp(f.admin, w.Number)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].Status != core.FollowUpOpen || ts[0].Agent != "amy" {
		t.Fatalf("start made: %+v", ts)
	}
	if _, err := f.svc.StartFollowUp(f.admin, w.Number); err == nil || !strings.Contains(err.Error(), "already has an open follow-up task") {
		t.Fatalf("start with a task open: %v", err)
	}
	other := f.atFollowUp(t, core.NewWorkOrder{})
	if _, err := f.svc.RecordFollowUpCall(f.amy, f.tasks(t, other)[0].ID, core.CallResult{Outcome: core.OutcomeWrongNumber}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.StartFollowUp(f.admin, other.Number); err == nil || !strings.Contains(err.Error(), "not waiting at the follow-up node") {
		t.Fatalf("start after the node completed: %v", err)
	}
	if _, err := f.svc.SetFollowUpEnabled(f.admin, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.StartFollowUp(f.admin, w.Number); err == nil || !strings.Contains(err.Error(), "plug-in is off") {
		t.Fatalf("start with the plug-in off: %v", err)
	}
}

// TestFollowUpButtonsAreTheCompanys (seed 002 §6.2, issue 20.11): the
// follow-up node's button labels travel with each task it makes; a label
// longer than a button is refused.
func TestFollowUpButtonsAreTheCompanys(t *testing.T) {
	f := newFuCo(t)
	f.setFollowUp(t, &core.FollowUpSettings{Mode: core.FollowUpStandard, People: core.FollowUpPeople{Staff: []string{"amy"}},
		Buttons: core.FollowUpButtons{Reached: "接通了", NoAnswer: "无人接听"}})
	w := f.atFollowUp(t, core.NewWorkOrder{Subject: "s", Phone: "13800138000"})
	ts := f.tasks(t, w)
	if len(ts) != 1 || ts[0].Buttons.Reached != "接通了" || ts[0].Buttons.NoAnswer != "无人接听" || ts[0].Buttons.Busy != "" {
		t.Fatalf("tasks %+v", ts)
	}
	nodes := core.DefaultProcessNodes()
	for i := range nodes {
		if nodes[i].Node == core.NodeFollowUp {
			nodes[i].FollowUp = &core.FollowUpSettings{Mode: core.FollowUpStandard, Buttons: core.FollowUpButtons{Busy: strings.Repeat("very busy ", 10)}}
		}
	}
	if _, err := f.svc.SetProcess(f.admin, core.Process{RecordType: "Repair", Nodes: nodes}); err == nil || !strings.Contains(err.Error(), "busy button") {
		t.Fatalf("a long label: %v", err)
	}
}
