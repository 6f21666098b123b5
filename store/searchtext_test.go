package store_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"switchboard/core"
	"switchboard/core/demo"
	"switchboard/store"
	"switchboard/store/testdb"
)

// TestSearchTextFollowsEveryChange (issue 19): the demo company's history
// (creates, dispatch, completion, evaluations, follow-ups) and then random
// edits, assignments and reassignments leave every work order's stored search
// text equal to its row's — what search finds is what the row says.
func TestSearchTextFollowsEveryChange(t *testing.T) {
	st, svc, clk := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	if _, err := demo.Generate(svc, admin, demo.Options{WorkOrders: 400, Seed: 19, Now: clk.T}); err != nil {
		t.Fatal(err)
	}
	if err := store.SearchTextsAgree(st); err != nil {
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
	if err := store.SearchTextsAgree(st); err != nil {
		t.Fatal("after the changes: ", err)
	}
}
