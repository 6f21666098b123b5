package store_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"switchboard/core"
	"switchboard/store"
)

// TestIndexesFollowEveryChange (issue 19): the demo company's history
// (creates, dispatch, completion, evaluations, follow-ups), then random edits,
// assignments and reassignments, then API creates from many goroutines at
// once (grouped into shared transactions, each dispatched by a least-loaded
// rule as it is created) and a dispatch run leave every work order's row,
// search text, index entries and its engineer's load counter as the work
// order itself says (store.IndexesAgree) — what search and lists find is
// what the work order says.
func TestIndexesFollowEveryChange(t *testing.T) {
	st, svc, admin := demoCompany(t, 400, 19)
	if err := store.IndexesAgree(st); err != nil {
		t.Fatal("after the demo: ", err)
	}
	d, err := svc.Directory()
	if err != nil || len(d.Engineers) < 2 {
		t.Fatalf("directory: %v", err)
	}
	r := rand.New(rand.NewPCG(19, 3))
	changed := 0
	for i := range 300 {
		w, err := svc.WorkOrder(core.FormatNumber(uint64(1 + r.IntN(400))))
		if err != nil {
			t.Fatal(err)
		}
		eng := d.Engineers[r.IntN(len(d.Engineers))]
		switch i % 3 {
		case 0:
			subject, phone, region := fmt.Sprintf("冷柜 edit %d", i), fmt.Sprintf("139%08d", i), []string{"East", "North", "华北"}[i%3]
			_, err = svc.UpdateWorkOrder(admin, w.Number, w.Version, core.WorkOrderPatch{Subject: &subject, Phone: &phone, Region: &region})
		case 1:
			_, err = svc.AssignWorkOrder(admin, w.Number, w.Version, eng.ID)
		case 2:
			_, err = svc.ReassignWorkOrder(admin, w.Number, w.Version, eng.ID)
		}
		if err == nil {
			changed++
		}
	}
	if changed < 100 {
		t.Fatalf("only %d of 300 changes went through: the check checks little", changed)
	}
	if err := store.IndexesAgree(st); err != nil {
		t.Fatal("after the changes: ", err)
	}

	key, _, err := svc.AddAPIKey(admin, "erp")
	if err != nil {
		t.Fatal(err)
	}
	var pool []core.ID
	for _, e := range d.Engineers[:3] {
		if e.ProviderID == d.Engineers[0].ProviderID {
			pool = append(pool, e.ID)
		}
	}
	if _, err := svc.AddRule(admin, core.NewRule{Kind: core.RuleDispatch, Name: "Atlantis", When: `region == "Atlantis"`, Engineers: pool, Policy: core.PolicyLeastLoaded}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for g := range 20 {
		wg.Go(func() {
			for i := range 10 {
				region := []string{"Atlantis", "Nowhere"}[i%2] // half wait for the run below
				_, err := svc.APICreateWorkOrder(key, core.APIRequest{IdempotencyKey: fmt.Sprintf("k-%d-%d", g, i), Fingerprint: "f"},
					core.NewWorkOrder{Subject: fmt.Sprintf("ERP %d/%d", g, i), Region: region, Phone: "13900000000"})
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := store.IndexesAgree(st); err != nil {
		t.Fatal("after the API creates: ", err)
	}
	if _, err := svc.AddRule(admin, core.NewRule{Kind: core.RuleDispatch, Name: "Nowhere", When: `region == "Nowhere"`, Engineers: pool, Policy: core.PolicyRoundRobin}); err != nil {
		t.Fatal(err)
	}
	res, err := svc.RunDispatch(admin)
	if err != nil || res.Assigned < 100 {
		t.Fatalf("dispatch run: %+v %v, want the 100 waiting API creates assigned", res, err)
	}
	if err := store.IndexesAgree(st); err != nil {
		t.Fatal("after the dispatch run: ", err)
	}
}
