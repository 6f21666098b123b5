package storetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"switchboard/core"
)

// The engine at real size (issue 19): what stores keep so that dispatch,
// search and the API stay fast — engineer load counters, the dispatch
// generation, round-robin pointers kept apart, search — must always agree
// with the records, also after transactions that rolled back.

var errRollback = errors.New("roll back")

// recountLoads counts every engineer's open work orders from the records.
func recountLoads(t *testing.T, tx core.Tx) map[core.ID]int {
	t.Helper()
	n, err := tx.CountWorkOrders()
	if err != nil {
		t.Fatal(err)
	}
	out := map[core.ID]int{}
	for id := 1; id <= n; id++ {
		w, err := tx.WorkOrder(core.ID(id))
		if err != nil {
			t.Fatal(err)
		}
		if w.FieldOutDealUser != 0 && w.Status.Open() {
			out[w.FieldOutDealUser]++
		}
	}
	return out
}

// testEngineLoad: after a random run of creates, assignments, reassignments,
// completions, terminations and reopenings — some in transactions that roll
// back — every engineer's EngineerLoad equals a full recount, and inside a
// transaction it counts every change made so far in it.
func testEngineLoad(t *testing.T, st core.Store) {
	rng := rand.New(rand.NewPCG(19, 17))
	engineers := []core.ID{3, 5, 8, 13}
	statuses := []core.Status{core.StatusNew, core.StatusAssigned, core.StatusInProgress, core.StatusCompleted, core.StatusTerminated}
	var wos []*core.WorkOrder
	for round := range 60 {
		rollback := round%7 == 3
		var changed []*core.WorkOrder
		err := st.Update(func(tx core.Tx) error {
			changed = changed[:0]
			created := 0
			for range 1 + rng.IntN(8) {
				var w core.WorkOrder
				if len(wos) == 0 || rng.IntN(4) == 0 {
					created++
					w = *newWO(len(wos)+created, core.StatusNew, core.NodeDispatch)
				} else {
					w = *wos[rng.IntN(len(wos))]
				}
				switch rng.IntN(4) {
				case 0: // assign or reassign
					w.FieldOutDealUser = engineers[rng.IntN(len(engineers))]
					w.Status = core.StatusAssigned
				case 1: // move on or end
					w.Status = statuses[rng.IntN(len(statuses))]
				case 2: // unassign
					w.FieldOutDealUser = 0
				}
				w.Version++
				if err := tx.PutWorkOrder(&w); err != nil {
					return err
				}
				changed = append(changed, &w)
				// Inside the transaction, every change is counted at once
				// (a dispatch run reads loads between its assignments).
				cur := map[core.ID]*core.WorkOrder{}
				for _, o := range wos {
					cur[o.ID] = o
				}
				for _, o := range changed {
					cur[o.ID] = o
				}
				want := map[core.ID]int{}
				for _, o := range cur {
					if o.FieldOutDealUser != 0 && o.Status.Open() {
						want[o.FieldOutDealUser]++
					}
				}
				for _, e := range engineers {
					if got, err := tx.EngineerLoad(e); err != nil || got != want[e] {
						return fmt.Errorf("inside the transaction, after putting %s: engineer %d has load %d (%v), want %d", w.Number, e, got, err, want[e])
					}
				}
			}
			if rollback {
				return errRollback
			}
			return nil
		})
		if rollback {
			if !errors.Is(err, errRollback) {
				t.Fatalf("round %d: %v", round, err)
			}
		} else if err != nil {
			t.Fatalf("round %d: %v", round, err)
		} else {
			for _, w := range changed {
				if int(w.ID) > len(wos) {
					wos = append(wos, w)
				} else {
					wos[w.ID-1] = w
				}
			}
		}
		view(t, st, func(tx core.Tx) error {
			want := recountLoads(t, tx)
			for _, e := range engineers {
				got, err := tx.EngineerLoad(e)
				if err != nil {
					return err
				}
				if got != want[e] {
					t.Fatalf("round %d (rolled back %v): engineer %d has load %d, a recount says %d", round, rollback, e, got, want[e])
				}
			}
			return nil
		})
	}
}

// testDispatchGeneration: the generation changes with every change dispatch
// reads (rules, engineers, providers, dispatch settings) and with nothing
// else, and not for a transaction that rolled back; a round-robin pointer
// moves without changing it and shows in Rule and Rules until the rule is
// put whole again.
func testDispatchGeneration(t *testing.T, st core.Store) {
	gen := func() uint64 {
		var g uint64
		view(t, st, func(tx core.Tx) error {
			var err error
			g, err = tx.DispatchGeneration()
			return err
		})
		return g
	}
	rule := &core.Rule{Kind: core.RuleDispatch, Name: "East", When: "true", Enabled: true, Policy: core.PolicyRoundRobin, Engineers: []core.ID{1, 2, 3}}
	for _, c := range []struct {
		name    string
		changes bool
		fn      func(tx core.Tx) error
	}{
		// (Rules of other kinds first: the dispatch rule below keeps the id its
		// rolled-back put gave it, which the next new rule would take again.)
		{"put a mail rule", true, func(tx core.Tx) error {
			return tx.PutRule(&core.Rule{Kind: core.RuleMail, Name: "M", When: "true", Enabled: true})
		}},
		{"put a follow-up rule", true, func(tx core.Tx) error {
			return tx.PutRule(&core.Rule{Kind: core.RuleFollowUp, Name: "F", When: "true", Enabled: true})
		}},
		{"put a rule", true, func(tx core.Tx) error { return tx.PutRule(rule) }},
		{"put an engineer", true, func(tx core.Tx) error { return tx.PutEngineer(&core.Engineer{Name: "A", ProviderID: 1}) }},
		{"put a provider", true, func(tx core.Tx) error { return tx.PutProvider(&core.Provider{Name: "P", TenantID: "T"}) }},
		{"put a dispatch setting", true, func(tx core.Tx) error {
			return tx.PutSetting(core.DispatchSettingPrefix+"auto.Repair", []byte("off"))
		}},
		{"move a pointer", false, func(tx core.Tx) error { return tx.PutRulePointer(rule.ID, 2) }},
		{"put a work order", false, func(tx core.Tx) error { return tx.PutWorkOrder(newWO(1, core.StatusNew, core.NodeDispatch)) }},
		{"put another setting", false, func(tx core.Tx) error { return tx.PutSetting("portal.something", []byte("x")) }},
	} {
		before := gen()
		if err := st.Update(func(tx core.Tx) error {
			if err := c.fn(tx); err != nil {
				return err
			}
			return errRollback
		}); !errors.Is(err, errRollback) {
			t.Fatalf("%s: %v", c.name, err)
		}
		if gen() != before {
			t.Errorf("%s in a transaction that rolled back changed the generation", c.name)
		}
		update(t, st, c.fn)
		if changed := gen() != before; changed != c.changes {
			t.Errorf("%s: generation changed = %v, want %v", c.name, changed, c.changes)
		}
	}
	view(t, st, func(tx core.Tx) error {
		r, err := tx.Rule(rule.ID)
		if err != nil || r.Next != 2 {
			t.Errorf("Rule after the pointer moved: next %d, %v", r.Next, err)
		}
		rs, err := tx.Rules(core.RuleDispatch)
		if err != nil || len(rs) != 1 || rs[0].Next != 2 {
			t.Errorf("Rules after the pointer moved: %+v, %v", rs, err)
		}
		ps, err := tx.RulePointers()
		if err != nil || ps[rule.ID] != 2 {
			t.Errorf("RulePointers: %v %v", ps, err)
		}
		if n, ok, err := tx.RulePointer(rule.ID); err != nil || !ok || n != 2 {
			t.Errorf("RulePointer: %d %v %v, want 2 true", n, ok, err)
		}
		if n, ok, err := tx.RulePointer(rule.ID + 1000); err != nil || ok {
			t.Errorf("RulePointer of a rule whose pointer never moved: %d %v %v, want none", n, ok, err)
		}
		return nil
	})
	// Inside the transaction that moves it, the pointer reads as moved.
	update(t, st, func(tx core.Tx) error {
		if err := tx.PutRulePointer(rule.ID, 1); err != nil {
			return err
		}
		if n, ok, err := tx.RulePointer(rule.ID); err != nil || !ok || n != 1 {
			t.Errorf("RulePointer inside the transaction that moved it: %d %v %v, want 1 true", n, ok, err)
		}
		return tx.PutRulePointer(rule.ID, 2)
	})
	// Put whole (an admin's edit, which read the rule with its pointer), the
	// rule carries the pointer and the pointer is no longer kept apart.
	update(t, st, func(tx core.Tx) error {
		r, err := tx.Rule(rule.ID)
		if err != nil {
			return err
		}
		r.Name = "East (edited)"
		return tx.PutRule(&r)
	})
	view(t, st, func(tx core.Tx) error {
		r, _ := tx.Rule(rule.ID)
		ps, _ := tx.RulePointers()
		_, ok, _ := tx.RulePointer(rule.ID)
		if r.Next != 2 || len(ps) != 0 || ok {
			t.Errorf("after a whole put: next %d, pointers apart %v (RulePointer says %v)", r.Next, ps, ok)
		}
		return nil
	})
	before := gen()
	update(t, st, func(tx core.Tx) error { return tx.DeleteRule(rule.ID) })
	if gen() == before {
		t.Error("deleting a rule left the generation as it was")
	}
}

// testSearch: after random creates and changes of subjects, phones and
// engineers — some rolled back — a text search (newest or oldest first, with
// and without status filters, with offsets) returns exactly the work orders a
// plain comparison of their rows finds, in order.
func testSearch(t *testing.T, st core.Store) {
	rng := rand.New(rand.NewPCG(7, 11))
	words := []string{"Boiler", "电梯", "冷库", "pump", "Compressor", "门"}
	var wos []core.WorkOrder
	for round := range 40 {
		rollback := round%6 == 5
		var changed []core.WorkOrder
		err := st.Update(func(tx core.Tx) error {
			changed = changed[:0]
			created := 0
			for range 1 + rng.IntN(10) {
				var w core.WorkOrder
				if len(wos) == 0 || rng.IntN(3) == 0 {
					created++
					w = *newWO(len(wos)+created, core.StatusNew, core.NodeDispatch)
				} else {
					w = wos[rng.IntN(len(wos))]
				}
				w.Subject = words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))] + fmt.Sprint(rng.IntN(9))
				w.Phone = fmt.Sprintf("1380013%04d", rng.IntN(30))
				if rng.IntN(3) == 0 {
					w.EngineerName = strings.Repeat("李师傅", 1+rng.IntN(4)) // longer than the room left after a text
					w.Status = core.StatusAssigned
				}
				w.Version++
				if err := tx.PutWorkOrder(&w); err != nil {
					return err
				}
				changed = append(changed, w)
			}
			if rollback {
				return errRollback
			}
			return nil
		})
		if rollback != errors.Is(err, errRollback) || (!rollback && err != nil) {
			t.Fatalf("round %d: %v", round, err)
		}
		if !rollback {
			for _, w := range changed {
				if int(w.ID) > len(wos) {
					wos = append(wos, w)
				} else {
					wos[w.ID-1] = w
				}
			}
		}
		view(t, st, func(tx core.Tx) error {
			for _, text := range []string{"boiler", "电梯", "冷库 ", "PUMP", "13800130012", "李师傅李师傅", "o", "nothing at all"} {
				for _, q := range []core.WorkOrderQuery{
					{Text: text, Limit: 5}, {Text: text, Asc: true, Offset: 2, Limit: 4},
					{Text: text, Status: core.StatusAssigned}, {Text: text, Sort: core.SortSubject, Limit: 3},
				} {
					got, err := tx.QueryWorkOrders(q)
					if err != nil {
						return err
					}
					var want []core.WorkOrderRow
					for _, w := range wos {
						r := w.Row()
						if q.Matches(&r, q.SearchNeedle()) {
							want = append(want, r)
						}
					}
					slices.SortStableFunc(want, func(a, b core.WorkOrderRow) int { return q.Compare(q.Key(&a), q.Key(&b)) })
					if got.Total != len(want) {
						t.Fatalf("round %d, %+v: %d found, a plain comparison finds %d", round, q, got.Total, len(want))
					}
					lo := min(q.Offset, len(want))
					hi := len(want)
					if q.Limit > 0 {
						hi = min(lo+q.Limit, hi)
					}
					if !slices.Equal(ids(got.Rows), ids(want[lo:hi])) {
						t.Fatalf("round %d, %+v: rows %v, want %v", round, q, ids(got.Rows), ids(want[lo:hi]))
					}
				}
			}
			return nil
		})
	}
	// WorkOrderIDs: the ones at a status and node, oldest first.
	view(t, st, func(tx core.Tx) error {
		got, err := tx.WorkOrderIDs(core.StatusNew, core.NodeDispatch)
		if err != nil {
			return err
		}
		var want []core.ID
		for _, w := range wos {
			if w.Status == core.StatusNew && w.Node == core.NodeDispatch {
				want = append(want, w.ID)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("WorkOrderIDs: %v, want %v", got, want)
		}
		return nil
	})
}
