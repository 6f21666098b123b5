package demo_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/core/demo"
	"switchboard/store/testdb"
)

// generate makes a demo company of n work orders in a fresh database.
func generate(t *testing.T, n int, seed int64) (*core.Service, demo.Summary) {
	t.Helper()
	_, svc, clk := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	sum, err := demo.Generate(svc, admin, demo.Options{WorkOrders: n, Seed: seed, Now: clk.T, BatchSize: 97})
	if err != nil {
		t.Fatal(err)
	}
	return svc, sum
}

// TestOwnerOutcomes (R-WO-4): a small demo already shows every way an external owner
// is found — terminal-user submission, linked contact, phone match, email match,
// guest — and work orders left without one.
func TestOwnerOutcomes(t *testing.T) {
	svc, sum := generate(t, 400, 1)
	t.Logf("%v; owner cases %v; %d without owner", sum, sum.OwnerCase, sum.NoOwner)
	if sum.WorkOrders != 400 {
		t.Fatalf("made %d work orders, want 400", sum.WorkOrders)
	}
	for c := 1; c <= 5; c++ {
		if sum.OwnerCase[c] == 0 {
			t.Errorf("no work order resolved by R-WO-4 case %d; cases: %v", c, sum.OwnerCase)
		}
	}
	if sum.NoOwner == 0 {
		t.Errorf("every work order has an owner; the demo should also show some without")
	}
	if sum.Accounts < 15 || sum.Accounts > 30 || sum.Providers < 3 || sum.Providers > 5 {
		t.Errorf("summary %v: want 15–30 accounts and 3–5 providers", sum)
	}

	// Check the cases against the stored records, not only the summary.
	page, err := svc.ListWorkOrders(core.WorkOrderQuery{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, row := range page.Rows {
		w, err := svc.WorkOrder(row.Number)
		if err != nil {
			t.Fatal(err)
		}
		c := demo.OwnerCase(w.OutOwnerRule)
		seen[c] = true
		switch c {
		case 1:
			if w.OutOwner == 0 || w.CreatedBy != "terminal user "+tuName(t, svc, w.OutOwner) {
				t.Errorf("%s: case 1 owner %d but created by %q", w.Number, w.OutOwner, w.CreatedBy)
			}
		case 2:
			ct, err := svc.Contact(w.ContactID)
			if err != nil || ct.TerminalUserID != w.OutOwner || w.OutOwner == 0 {
				t.Errorf("%s: case 2 owner %d, contact %d links %d", w.Number, w.OutOwner, w.ContactID, ct.TerminalUserID)
			}
		case 5:
			if w.OutOwner != 0 || w.CreatedBy != "guest" {
				t.Errorf("%s: guest submission has owner %d, created by %q", w.Number, w.OutOwner, w.CreatedBy)
			}
		}
		checkLifecycle(t, w, time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC))
	}
	if len(seen) < 6 {
		t.Errorf("stored work orders show owner cases %v; want 0–5", seen)
	}
}

func tuName(t *testing.T, svc *core.Service, id core.ID) string {
	tu, err := svc.TerminalUser(id)
	if err != nil {
		t.Fatal(err)
	}
	return tu.Name
}

// checkLifecycle: status, node, dispatch fields and history agree with each other.
func checkLifecycle(t *testing.T, w core.WorkOrder, now time.Time) {
	t.Helper()
	wantNode := map[core.Status][]core.Node{
		core.StatusNew:        {core.NodeDispatch},
		core.StatusAssigned:   {core.NodeService},
		core.StatusInProgress: {core.NodeTerminalTask, core.NodeEvaluation, core.NodeFollowUp},
		core.StatusCompleted:  {core.NodeEnd},
		core.StatusTerminated: {core.NodeTerminated},
	}[w.Status]
	if !slices.Contains(wantNode, w.Node) {
		t.Errorf("%s: status %s at node %s", w.Number, w.Status, w.Node)
	}
	assigned := w.Status == core.StatusAssigned || w.Status == core.StatusInProgress || w.Status == core.StatusCompleted
	if assigned && (w.FieldOutDealUser == 0 || w.FieldPartner == 0 || w.AssignTime == nil || w.AssignWay == "" || w.FieldDownstreamOuterTenantID == "") {
		t.Errorf("%s: %s but dispatch fields are incomplete: %+v", w.Number, w.Status, w)
	}
	if w.AssignWay == core.AssignAuto && w.AssignUser != "" || w.AssignWay == core.AssignManual && w.AssignUser == "" {
		t.Errorf("%s: assign_way %s with assign_user %q", w.Number, w.AssignWay, w.AssignUser)
	}
	if len(w.History) < 2 || w.History[0].Kind != core.EventCreated {
		t.Fatalf("%s: history %+v", w.Number, w.History)
	}
	for i, e := range w.History {
		if e.At.After(now) || e.At.Before(w.CreatedAt) || i > 0 && e.At.Before(w.History[i-1].At) {
			t.Errorf("%s: event %d at %s out of order (created %s, now %s)", w.Number, i, e.At, w.CreatedAt, now)
		}
	}
	if w.CreatedAt.Before(now.Add(-demo.History)) {
		t.Errorf("%s: created %s, more than 90 days before %s", w.Number, w.CreatedAt, now)
	}
}

// TestReproducible: the same seed and time give the same company, to the byte.
func TestReproducible(t *testing.T) {
	dump := func(seed int64) []byte {
		svc, _ := generate(t, 150, seed)
		page, err := svc.ListWorkOrders(core.WorkOrderQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var all []core.WorkOrder
		for _, r := range page.Rows {
			w, err := svc.WorkOrder(r.Number)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, w)
		}
		b, err := json.Marshal(all)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b, c := dump(7), dump(7), dump(8)
	if string(a) != string(b) {
		t.Fatal("two demos with seed 7 differ")
	}
	if string(a) == string(c) {
		t.Fatal("seeds 7 and 8 made the same demo")
	}
}

// TestStatusesAndChannels: the demo covers every status, node, priority, record
// type and the main channels.
func TestStatusesAndChannels(t *testing.T) {
	svc, sum := generate(t, 600, 3)
	for _, s := range core.AllStatuses {
		if sum.ByStatus[s] == 0 {
			t.Errorf("no work order is %s: %v", s, sum.ByStatus)
		}
	}
	page, err := svc.ListWorkOrders(core.WorkOrderQuery{})
	if err != nil {
		t.Fatal(err)
	}
	nodes, prios, types, chans := map[core.Node]bool{}, map[core.Priority]bool{}, map[string]bool{}, map[core.Channel]bool{}
	for _, r := range page.Rows {
		nodes[r.Node], prios[r.Priority], types[r.RecordType], chans[r.Channel] = true, true, true, true
	}
	if len(nodes) != len(core.AllNodes) || len(prios) != len(core.AllPriorities) || len(types) != len(core.DefaultRecordTypes) {
		t.Errorf("nodes %v, priorities %v, types %v", nodes, prios, types)
	}
	for _, c := range []core.Channel{core.ChannelInternal, core.ChannelCallCenter, core.ChannelWeb, core.ChannelEmail, core.ChannelDeviceCode} {
		if !chans[c] {
			t.Errorf("no work order came in by %s", c)
		}
	}
}

// TestRefusesNonAdmin: only an admin may fill a database.
func TestRefusesNonAdmin(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	_, err := demo.Generate(svc, core.Actor{Kind: core.SubmitterGuest}, demo.Options{WorkOrders: 1})
	if err == nil {
		t.Fatal("a guest generated the demo")
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		_, svc, clk := testdb.Open(b)
		if _, err := demo.Generate(svc, testdb.Admin(b, svc), demo.Options{WorkOrders: 10_000, Seed: 1, Now: clk.T}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDemoEvaluations (R-EVAL-1): the demo's evaluations are Service Evaluation
// records, so the CSAT report shows the company's engineers with different
// averages.
func TestDemoEvaluations(t *testing.T) {
	svc, sum := generate(t, 600, 3)
	if sum.Evaluations == 0 {
		t.Fatal("the demo made no evaluations")
	}
	rep, err := svc.CSATReport(core.CSATQuery{By: core.CSATByEngineer})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total.Count != sum.Evaluations || len(rep.Groups) < 3 {
		t.Fatalf("report %d rated in %d groups; demo made %d", rep.Total.Count, len(rep.Groups), sum.Evaluations)
	}
	if rep.Groups[0].Average == rep.Groups[len(rep.Groups)-1].Average {
		t.Errorf("every engineer rated alike: %+v", rep.Groups)
	}
}

// TestDemoFollowUp (R-FU-1, R-FU-4): the demo switches the follow-up plug-in on
// and leaves a few calls in the follow-up staff's queues, shared by rotation.
func TestDemoFollowUp(t *testing.T) {
	svc, sum := generate(t, 300, 7)
	if sum.FollowUpTasks == 0 || sum.FollowUpTasks > demo.DemoFollowUpTasks {
		t.Fatalf("%d follow-up tasks", sum.FollowUpTasks)
	}
	cfg, err := svc.FollowUpConfig()
	if err != nil || !cfg.Enabled {
		t.Fatalf("plug-in: %+v %v", cfg, err)
	}
	admin, _ := svc.Login(core.BuiltinAdmin)
	q, err := svc.FollowUpQueue(admin, core.QueueQuery{All: true})
	if err != nil || q.Total != sum.FollowUpTasks {
		t.Fatalf("queues: %d tasks, %v; want %d", q.Total, err, sum.FollowUpTasks)
	}
	agents := map[string]bool{}
	tried := map[core.Outcome]int{}
	for _, x := range q.Tasks {
		agents[x.Agent] = true
		for _, a := range x.Attempts {
			tried[a.Outcome]++
		}
	}
	if q.Waiting != 2 || tried[core.OutcomeNoAnswer] != 1 || tried[core.OutcomeCallback] != 1 {
		t.Errorf("the demo queue should hold one no-answer retry and one callback: %d waiting, attempts %v", q.Waiting, tried)
	}
	if sum.FollowUpTasks > 1 && len(agents) < 2 {
		t.Fatalf("rotation gave every task to %v", agents)
	}
}
