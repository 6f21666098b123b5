package core_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/store/testdb"
)

// fieldCo is a small directory for dispatch tests: two providers, engineers in two
// regions.
type fieldCo struct {
	svc              *core.Service
	clk              *testdb.Clock
	admin            core.Actor
	acme, north      core.Provider
	ann, bob, cai    core.Engineer // acme, East
	dan              core.Engineer // north, North
	dispatcher, desk core.Actor
}

func newFieldCo(t *testing.T, svc *core.Service, clk *testdb.Clock) *fieldCo {
	t.Helper()
	f := &fieldCo{svc: svc, clk: clk, admin: testdb.Admin(t, svc)}
	var err error
	if f.acme, err = svc.AddProvider(f.admin, "Acme Field Services", "T-ACME"); err != nil {
		t.Fatal(err)
	}
	if f.north, err = svc.AddProvider(f.admin, "北方维保", "T-NORTH"); err != nil {
		t.Fatal(err)
	}
	eng := func(name, region string, p core.Provider) core.Engineer {
		e, err := svc.AddEngineer(f.admin, core.NewEngineer{Name: name, Region: region, ProviderID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	f.ann, f.bob, f.cai = eng("Ann", "East", f.acme), eng("Bob", "East", f.acme), eng("蔡工", "East", f.acme)
	f.dan = eng("Dan", "North", f.north)
	f.dispatcher = mustUser(t, svc, f.admin, "dora", core.RoleDispatcher)
	f.desk = mustUser(t, svc, f.admin, "carl", core.RoleCallCenter)
	return f
}

func (f *fieldCo) rule(t *testing.T, name, when string, policy core.PoolPolicy, engs ...core.Engineer) core.Rule {
	t.Helper()
	var ids []core.ID
	for _, e := range engs {
		ids = append(ids, e.ID)
	}
	r, err := f.svc.AddRule(f.dispatcher, core.NewRule{Kind: core.RuleDispatch, Name: name, When: when, Engineers: ids, Policy: policy})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (f *fieldCo) create(t *testing.T, in core.NewWorkOrder) core.WorkOrder {
	t.Helper()
	f.clk.Advance(time.Minute)
	w, err := f.svc.CreateWorkOrder(f.desk, in)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestAutoDispatchFillsRWO2 (R-DISP-1, R-WO-2): a matching rule assigns at once on
// creation; every dispatch field is set exactly, assign_user stays empty.
func TestAutoDispatchFillsRWO2(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	r := f.rule(t, "north", `region == "North"`, core.PolicyFixed, f.dan)
	w := f.create(t, core.NewWorkOrder{Subject: "暖气不热", Region: "North"})

	if w.Status != core.StatusAssigned || w.Node != core.NodeService {
		t.Fatalf("status %s node %s, want assigned at service", w.Status, w.Node)
	}
	if w.AssignUser != "" || w.AssignWay != core.AssignAuto || w.AssignTime == nil || !w.AssignTime.Equal(clk.T) {
		t.Errorf("assign_user %q assign_way__c %q assign_time__c %v", w.AssignUser, w.AssignWay, w.AssignTime)
	}
	if w.FieldPartner != f.north.ID || w.FieldFwssf != f.north.ID || w.FieldOutDealUser != f.dan.ID ||
		w.FieldDownstreamOuterTenantName != "北方维保" || w.FieldDownstreamOuterTenantID != "T-NORTH" {
		t.Errorf("dispatch fields: partner %d fwssf %d engineer %d tenant %q/%q", w.FieldPartner, w.FieldFwssf, w.FieldOutDealUser, w.FieldDownstreamOuterTenantName, w.FieldDownstreamOuterTenantID)
	}
	last := w.History[len(w.History)-1]
	if last.Kind != core.EventAssigned || !strings.Contains(last.Detail, "north") || !strings.Contains(last.Detail, fmt.Sprintf("rule #%d", r.ID)) {
		t.Errorf("history should name the rule: %+v", last)
	}
	tasks, err := svc.EngineerTasks(f.dan.ID)
	if err != nil || len(tasks) != 1 || tasks[0].Number != w.Number {
		t.Errorf("Dan's inbox (R-DISP-5): %v %v", tasks, err)
	}
}

// TestManualAssignmentFillsRWO2 (R-DISP-2, R-WO-2): no rule matches → manual queue
// with the reason; a dispatcher assigns by hand; re-assignment keeps the previous
// assignment in history.
func TestManualAssignmentFillsRWO2(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	f.rule(t, "north", `region == "North"`, core.PolicyFixed, f.dan)
	w := f.create(t, core.NewWorkOrder{Subject: "Chiller alarm", Region: "East"})
	if w.Status != core.StatusNew || w.Node != core.NodeDispatch {
		t.Fatalf("status %s node %s, want the manual queue", w.Status, w.Node)
	}
	last := w.History[len(w.History)-1]
	if last.Kind != core.EventDispatch || !strings.Contains(last.Detail, `region == "North" is false (region is "East")`) {
		t.Fatalf("the history should say why no rule matched: %+v", last)
	}

	clk.Advance(time.Hour)
	got, err := svc.AssignWorkOrder(f.dispatcher, w.Number, w.Version, f.bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.AssignUser != "dora" || got.AssignWay != core.AssignManual || got.AssignTime == nil || !got.AssignTime.Equal(clk.T) ||
		got.FieldPartner != f.acme.ID || got.FieldFwssf != f.acme.ID || got.FieldOutDealUser != f.bob.ID ||
		got.FieldDownstreamOuterTenantName != "Acme Field Services" || got.FieldDownstreamOuterTenantID != "T-ACME" ||
		got.Status != core.StatusAssigned || got.Node != core.NodeService {
		t.Fatalf("manual assignment fields: %+v", got)
	}

	clk.Advance(time.Hour)
	again, err := svc.AssignWorkOrder(f.admin, w.Number, got.Version, f.dan.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.FieldOutDealUser != f.dan.ID || again.FieldDownstreamOuterTenantID != "T-NORTH" || again.AssignUser != "admin" {
		t.Errorf("re-assignment: %+v", again)
	}
	prev := again.History[len(again.History)-1].Detail
	if !strings.Contains(prev, "previously Bob") || !strings.Contains(prev, "Acme Field Services") {
		t.Errorf("re-assignment should keep the previous one in history: %q", prev)
	}
	if _, err := svc.AssignWorkOrder(f.admin, w.Number, 0, f.dan.ID); err == nil || !strings.Contains(err.Error(), "already assigned to Dan") {
		t.Errorf("assigning to the same engineer again: %v", err)
	}
}

// TestDispatchOffForRecordType (R-DISP-3): with the dispatch node's automatic rules
// switched off for a record type, its work orders wait for a dispatcher.
func TestDispatchOffForRecordType(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	f.rule(t, "all", `true`, core.PolicyFixed, f.ann)
	if err := svc.SetAutoDispatch(f.admin, "installation", false); err != nil {
		t.Fatal(err)
	}
	inst := f.create(t, core.NewWorkOrder{Subject: "New oven", RecordType: "Installation"})
	rep := f.create(t, core.NewWorkOrder{Subject: "Oven broken", RecordType: "Repair"})
	if inst.Status != core.StatusNew || !strings.Contains(inst.History[len(inst.History)-1].Detail, "switched off for Installation") {
		t.Errorf("installation: %s %+v", inst.Status, inst.History)
	}
	if rep.Status != core.StatusAssigned {
		t.Errorf("repair should still be dispatched automatically: %s", rep.Status)
	}
	if res, err := svc.RunDispatch(f.dispatcher); err != nil || res.Assigned != 0 || res.Manual != 1 {
		t.Errorf("dispatch run: %+v %v", res, err)
	}
	if err := svc.SetAutoDispatch(f.dispatcher, "Repair", false); !errors.Is(err, core.ErrForbidden) {
		t.Errorf("a dispatcher switched the node: %v", err)
	}
}

// TestRoundRobinSurvivesRestart: the next-up pointer is stored, so a round-robin
// pool continues where it was after the database is reopened.
func TestRoundRobinSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rr.db")
	st, svc, clk := testdb.OpenAt(t, path)
	f := newFieldCo(t, svc, clk)
	r := f.rule(t, "east pool", `region == "East"`, core.PolicyRoundRobin, f.ann, f.bob, f.cai)
	var got []core.ID
	for range 2 {
		got = append(got, f.create(t, core.NewWorkOrder{Subject: "x", Region: "East"}).FieldOutDealUser)
	}
	st.Close()

	_, svc2, clk2 := testdb.OpenAt(t, path)
	clk2.T = clk.T
	f.svc, f.clk = svc2, clk2
	rs, _ := svc2.Rules(core.RuleDispatch)
	if rs[0].ID != r.ID || rs[0].NextUp() != f.cai.ID {
		t.Fatalf("after reopening, next up is %d, want 蔡工 (%d)", rs[0].NextUp(), f.cai.ID)
	}
	for range 2 {
		got = append(got, f.create(t, core.NewWorkOrder{Subject: "x", Region: "East"}).FieldOutDealUser)
	}
	want := []core.ID{f.ann.ID, f.bob.ID, f.cai.ID, f.ann.ID}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("round robin gave %v, want %v", got, want)
		}
	}
}

// TestLeastLoaded: the pool member with the fewest open work orders gets the next.
func TestLeastLoaded(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	// Give Ann two open work orders and Bob one by hand.
	for _, e := range []core.Engineer{f.ann, f.ann, f.bob} {
		w := f.create(t, core.NewWorkOrder{Subject: "by hand"})
		if _, err := svc.AssignWorkOrder(f.dispatcher, w.Number, 0, e.ID); err != nil {
			t.Fatal(err)
		}
	}
	f.rule(t, "least", `true`, core.PolicyLeastLoaded, f.ann, f.bob, f.cai)
	var got []string
	for range 4 {
		w := f.create(t, core.NewWorkOrder{Subject: "auto"})
		got = append(got, w.EngineerName)
	}
	// 蔡工 (0) → 蔡工 (1) ties Bob (1): pool order picks Bob → then 蔡工 (2 vs Ann 2, Bob 2: Ann first).
	want := []string{"蔡工", "Bob", "蔡工", "Ann"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("least loaded picked %v, want %v", got, want)
	}
}

// TestTwoDispatchersOneWorkOrder: both assign from the same view at once; exactly
// one wins and the other is told who took it.
func TestTwoDispatchersOneWorkOrder(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	eve := mustUser(t, svc, f.admin, "eve", core.RoleDispatcher)
	for round := 0; round < 20; round++ {
		w := f.create(t, core.NewWorkOrder{Subject: "race"})
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, who := range []core.Actor{f.dispatcher, eve} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = svc.AssignWorkOrder(who, w.Number, w.Version, []core.ID{f.ann.ID, f.dan.ID}[i])
			}()
		}
		wg.Wait()
		won := 0
		for i, err := range errs {
			if err == nil {
				won++
				continue
			}
			var ce *core.ConflictError
			if !errors.As(err, &ce) || !errors.Is(err, core.ErrConflict) {
				t.Fatalf("loser got %v, want a conflict", err)
			}
			winner := []string{"eve", "dora"}[i]
			if !strings.Contains(err.Error(), winner) {
				t.Errorf("the loser should be told %s took it: %v", winner, err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d dispatchers won", round, won)
		}
	}
}

// TestOnlyDispatchersAndAdmins (R-ROLE-1): others cannot assign or change rules,
// and are told why.
func TestOnlyDispatchersAndAdmins(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	w := f.create(t, core.NewWorkOrder{Subject: "x"})
	checks := map[string]error{}
	_, checks["assign"] = svc.AssignWorkOrder(f.desk, w.Number, 0, f.ann.ID)
	_, checks["add rule"] = svc.AddRule(f.desk, core.NewRule{Name: "x", When: "true", Engineers: []core.ID{f.ann.ID}})
	_, checks["run"] = svc.RunDispatch(f.desk)
	for what, err := range checks {
		if !errors.Is(err, core.ErrForbidden) || !strings.Contains(err.Error(), "dispatcher") {
			t.Errorf("%s by call-center: %v", what, err)
		}
	}
}

// TestRuleValidationAndOrder: bad rules are refused whole; move re-numbers.
func TestRuleValidationAndOrder(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	_, err := svc.AddRule(f.dispatcher, core.NewRule{Name: "mixed", When: `regoin == "x"`, Engineers: []core.ID{f.ann.ID, f.dan.ID}})
	for _, want := range []string{"unknown name regoin", "another provider"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
	a := f.rule(t, "a", "true", "", f.ann)
	b := f.rule(t, "b", "true", "", f.bob)
	c := f.rule(t, "c", "true", "", f.cai)
	rs, err := svc.MoveRule(f.dispatcher, c.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, r := range rs {
		order = append(order, r.Name)
	}
	if strings.Join(order, "") != "cab" {
		t.Fatalf("order %v", order)
	}
	if _, err := svc.MoveRule(f.dispatcher, a.ID, 9); err == nil || !strings.Contains(err.Error(), "use 1 to 3") {
		t.Errorf("move out of range: %v", err)
	}
	w := f.create(t, core.NewWorkOrder{Subject: "who"})
	if w.FieldOutDealUser != f.cai.ID {
		t.Errorf("after the move the first rule is c: got engineer %d", w.FieldOutDealUser)
	}
	_ = b
}

// TestRunDispatchAfterRuleChange: work orders waiting in the manual queue are
// dispatched when a rule that matches them appears; the same verdict is not
// written to history twice.
func TestRunDispatchAfterRuleChange(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	f.rule(t, "north", `region == "North"`, core.PolicyFixed, f.dan)
	var waiting []core.WorkOrder
	for i := 0; i < 5; i++ {
		waiting = append(waiting, f.create(t, core.NewWorkOrder{Subject: "wait", Region: []string{"East", "South"}[i%2]}))
	}
	res, err := svc.RunDispatch(f.dispatcher)
	if err != nil || res.Manual != 5 || res.Assigned != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	w, _ := svc.WorkOrder(waiting[0].Number)
	if len(w.History) != len(waiting[0].History) {
		t.Errorf("an unchanged verdict was written again: %d events, was %d", len(w.History), len(waiting[0].History))
	}
	props, err := svc.WhatIfDispatch(0)
	if err != nil || len(props) != 5 || props[0].Reason == "" {
		t.Fatalf("what-if: %+v %v", props, err)
	}
	f.rule(t, "east", `region == "East"`, core.PolicyFixed, f.ann)
	props, _ = svc.WhatIfDispatch(0)
	if props[0].EngineerName != "Ann" || props[1].Reason == "" {
		t.Errorf("what-if after the new rule: %+v", props)
	}
	if w, _ := svc.WorkOrder(waiting[0].Number); w.Status != core.StatusNew {
		t.Fatal("what-if wrote something")
	}
	res, err = svc.RunDispatch(f.dispatcher)
	if err != nil || res.Assigned != 3 || res.Manual != 2 {
		t.Fatalf("%+v %v", res, err)
	}
}

// TestDispatchCacheSeesOtherWriters (issue 19): a service keeps what dispatch
// reads decoded between transactions; a rule changed, an engineer disabled or
// a record type switched off through another service on the same store (as
// another process or server would) is seen by its very next create, and a
// round-robin pointer moved by one is continued by the other.
func TestDispatchCacheSeesOtherWriters(t *testing.T) {
	st, a, clk := testdb.Open(t)
	f := newFieldCo(t, a, clk)
	b := core.NewService(st, core.WithClock(clk.Now))
	r := f.rule(t, "East", `region == "East"`, core.PolicyRoundRobin, f.ann, f.bob)
	create := func(svc *core.Service) core.WorkOrder {
		t.Helper()
		w, err := svc.CreateWorkOrder(f.admin, core.NewWorkOrder{Subject: "x", Region: "East"})
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	if w := create(a); w.FieldOutDealUser != f.ann.ID { // a decodes and keeps the rules
		t.Fatalf("first create went to %d, want Ann", w.FieldOutDealUser)
	}
	if w := create(b); w.FieldOutDealUser != f.bob.ID { // b continues the pointer a moved
		t.Fatalf("b's create went to %d, want Bob", w.FieldOutDealUser)
	}
	// b changes the rule's pool: a's next create follows it.
	fixed := core.PolicyFixed
	if _, err := b.UpdateRule(f.admin, r.ID, core.RulePatch{Engineers: []core.ID{f.cai.ID}, Policy: &fixed}); err != nil {
		t.Fatal(err)
	}
	if w := create(a); w.FieldOutDealUser != f.cai.ID {
		t.Fatalf("after b changed the rule, a's create went to %d, want 蔡工", w.FieldOutDealUser)
	}
	// b disables that engineer: a's next create waits instead.
	if _, err := b.SetEngineerDisabled(f.admin, f.cai.ID, true); err != nil {
		t.Fatal(err)
	}
	if w := create(a); w.FieldOutDealUser != 0 {
		t.Fatalf("after b disabled 蔡工, a's create went to %d", w.FieldOutDealUser)
	}
	if _, err := b.SetEngineerDisabled(f.admin, f.cai.ID, false); err != nil {
		t.Fatal(err)
	}
	// b switches automatic dispatch off for Repair: a's next create waits.
	if err := b.SetAutoDispatch(f.admin, "Repair", false); err != nil {
		t.Fatal(err)
	}
	if w := create(a); w.FieldOutDealUser != 0 {
		t.Fatalf("with automatic dispatch off, a's create went to %d", w.FieldOutDealUser)
	}
}

// TestWhatIfDraftRules (issue 20.9): a dispatcher tries an edited rule and a
// new one against the waiting work orders before saving: each work order
// with where it goes now and with the draft; nothing is written; a draft rule
// that would not save is refused with its number.
func TestWhatIfDraftRules(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	north := f.rule(t, "north", `region == "North"`, core.PolicyFixed, f.dan)
	var waiting []core.WorkOrder
	for _, region := range []string{"East", "South", "East"} {
		waiting = append(waiting, f.create(t, core.NewWorkOrder{Subject: "wait", Region: region}))
	}
	rules, err := svc.Rules(core.RuleDispatch)
	if err != nil {
		t.Fatal(err)
	}
	draft := append(rules, core.Rule{Name: "east (draft)", When: `region == "East"`, Engineers: []core.ID{f.ann.ID, f.bob.ID}, Policy: core.PolicyRoundRobin, Enabled: true})
	ds, err := svc.WhatIfDraft(0, draft)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 3 || !ds[0].Changed || ds[0].Now.EngineerID != 0 || ds[0].Draft.EngineerName != "Ann" || ds[0].Draft.RuleName != "east (draft)" ||
		ds[1].Changed || !ds[2].Changed || ds[2].Draft.EngineerName != "Bob" {
		t.Fatalf("draft proposals: %+v", ds)
	}
	if w, _ := svc.WorkOrder(waiting[0].Number); w.Status != core.StatusNew {
		t.Fatal("a draft what-if wrote something")
	}
	if rs, _ := svc.Rules(core.RuleDispatch); len(rs) != 1 || rs[0].ID != north.ID {
		t.Fatalf("a draft what-if saved rules: %+v", rs)
	}
	bad := []core.Rule{{Name: "broken", When: `region ==`, Engineers: []core.ID{f.ann.ID}, Enabled: true}}
	if _, err := svc.WhatIfDraft(0, bad); err == nil || !strings.Contains(err.Error(), `draft rule 1 ("broken")`) {
		t.Fatalf("a broken draft: %v", err)
	}
	mixed := []core.Rule{{Name: "two providers", When: "true", Engineers: []core.ID{f.ann.ID, f.dan.ID}, Enabled: true}}
	if _, err := svc.WhatIfDraft(0, mixed); err == nil {
		t.Fatal("a pool of two providers was tried")
	}
}

// hookStore runs before once, just before the first write transaction.
type hookStore struct {
	core.Store
	before func()
}

func (h *hookStore) Update(fn func(core.Tx) error) error {
	if b := h.before; b != nil {
		h.before = nil
		b()
	}
	return h.Store.Update(fn)
}

// TestRunDispatchSeesChangesSinceItsSnapshot (issue 19): a dispatch run reads
// its work orders ahead from a snapshot; one assigned by hand and one edited
// after that snapshot, before the run writes, are taken as they are now — the
// first is left with its engineer, the second is matched on its new subject.
func TestRunDispatchSeesChangesSinceItsSnapshot(t *testing.T) {
	st, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	f.rule(t, "call Dan", `subject == "call Dan"`, core.PolicyFixed, f.dan)
	var waiting []core.WorkOrder
	for range 3 {
		waiting = append(waiting, f.create(t, core.NewWorkOrder{Subject: "wait", Region: "East"}))
	}
	hooked := &hookStore{Store: st}
	run := core.NewService(hooked, core.WithClock(clk.Now))
	hooked.before = func() {
		if _, err := svc.AssignWorkOrder(f.dispatcher, waiting[0].Number, waiting[0].Version, f.bob.ID); err != nil {
			t.Fatal(err)
		}
		subject := "call Dan"
		if _, err := svc.UpdateWorkOrder(f.dispatcher, waiting[1].Number, waiting[1].Version, core.WorkOrderPatch{Subject: &subject}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := run.RunDispatch(f.dispatcher)
	if err != nil {
		t.Fatal(err)
	}
	if hooked.before != nil {
		t.Fatal("the run never wrote")
	}
	if res.Assigned != 1 || res.Manual != 1 {
		t.Errorf("run: %+v, want 1 assigned (the edited one) and 1 manual", res)
	}
	if w, _ := svc.WorkOrder(waiting[0].Number); w.FieldOutDealUser != f.bob.ID || w.AssignWay != core.AssignManual {
		t.Errorf("the work order assigned by hand meanwhile: engineer %d, way %q", w.FieldOutDealUser, w.AssignWay)
	}
	if w, _ := svc.WorkOrder(waiting[1].Number); w.FieldOutDealUser != f.dan.ID || w.Subject != "call Dan" {
		t.Errorf("the work order edited meanwhile: engineer %d, subject %q", w.FieldOutDealUser, w.Subject)
	}
}

// TestRunDispatchSeesRulesChangedSinceItsSnapshot (issue 19): the run matches
// a batch against the rules as its snapshot had them; a rule added (by
// another process) before the batch is written changes the dispatch
// generation, and the batch is matched again against the rules as they are.
func TestRunDispatchSeesRulesChangedSinceItsSnapshot(t *testing.T) {
	st, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	f.rule(t, "call Dan", `subject == "call Dan"`, core.PolicyFixed, f.dan)
	w := f.create(t, core.NewWorkOrder{Subject: "wait", Region: "East"})
	hooked := &hookStore{Store: st}
	run := core.NewService(hooked, core.WithClock(clk.Now))
	hooked.before = func() { f.rule(t, "East to Bob", `region == "East"`, core.PolicyFixed, f.bob) }
	res, err := run.RunDispatch(f.dispatcher)
	if err != nil {
		t.Fatal(err)
	}
	if hooked.before != nil {
		t.Fatal("the run never wrote")
	}
	if got, _ := svc.WorkOrder(w.Number); res.Assigned != 1 || got.FieldOutDealUser != f.bob.ID {
		t.Errorf("run: %+v, engineer %d: want the rule added after the snapshot to assign it to Bob (%d)", res, got.FieldOutDealUser, f.bob.ID)
	}
}

// TestRunDispatchInBatchesDecidesAsInOne (issue 19): a run in many small
// transactions — each batch read and matched on another goroutine while the
// one before is written — gives every work order the engineer a run in one
// transaction gives it, over least-loaded, round-robin and fixed pools and
// the manual queue.
func TestRunDispatchInBatchesDecidesAsInOne(t *testing.T) {
	run := func(batch int) (core.DispatchResult, map[string]core.ID) {
		st, svc, clk := testdb.Open(t)
		f := newFieldCo(t, svc, clk)
		regions := []string{"East", "North", "West", "East"}
		prios := []core.Priority{core.PriorityUrgent, core.PriorityNormal, core.PriorityLow}
		var numbers []string
		for i := range 61 {
			subject := fmt.Sprint("job ", i)
			if i%9 == 4 {
				subject = "call Dan"
			}
			numbers = append(numbers, f.create(t, core.NewWorkOrder{Subject: subject, Region: regions[i%len(regions)], Priority: prios[i%len(prios)]}).Number)
		}
		f.rule(t, "call Dan", `subject == "call Dan"`, core.PolicyFixed, f.dan)
		f.rule(t, "urgent", `priority == "urgent" && region != "West"`, core.PolicyRoundRobin, f.cai, f.ann, f.bob)
		f.rule(t, "East", `region == "East"`, core.PolicyLeastLoaded, f.ann, f.bob, f.cai)
		defer core.SetDispatchBatch(batch)()
		res, err := svc.RunDispatch(f.dispatcher)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]core.ID{}
		for _, n := range numbers {
			w, err := svc.WorkOrder(n)
			if err != nil {
				t.Fatal(err)
			}
			got[n] = w.FieldOutDealUser
		}
		_ = st
		return res, got
	}
	oneRes, one := run(2000)
	manyRes, many := run(7)
	if oneRes != manyRes || oneRes.Assigned < 30 || oneRes.Manual < 10 {
		t.Errorf("in one transaction %+v, in batches of 7 %+v", oneRes, manyRes)
	}
	for n, e := range one {
		if many[n] != e {
			t.Errorf("%s: engineer %d in one transaction, %d in batches of 7", n, e, many[n])
		}
	}
}
