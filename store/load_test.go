package store_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"switchboard/core"
	"switchboard/core/demo"
	"switchboard/store"
	"switchboard/store/testdb"
)

// TestLoadInChunks (`migrate --to FILE`): Load commits every few puts (in one
// transaction, 100,000 work orders took 80 s: bbolt splits nodes only at a
// commit) and the copy is still the whole database — every work order with its
// history and tasks, the people, rows, search texts, indexes and load counters
// as the work orders say (store.IndexesAgree) — even with a commit every 7
// puts, which falls inside every kind of record.
func TestLoadInChunks(t *testing.T) {
	src, _, _ := demoCompany(t, 300, 7)
	defer store.SetLoadChunk(store.SetLoadChunk(7))
	dst, err := store.Open(filepath.Join(t.TempDir(), "copy.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if err := dst.Load(src.CopyTo); err != nil {
		t.Fatal(err)
	}
	if err := store.IndexesAgree(dst); err != nil {
		t.Fatal(err)
	}
	if err := dst.Load(src.CopyTo); err != store.ErrNotEmpty {
		t.Fatalf("a second Load into the copy: %v, want ErrNotEmpty", err)
	}
	type whole struct {
		W     core.WorkOrder
		H     []core.Event
		Tasks []core.Task
		Users []core.TerminalUser
		Count int
	}
	read := func(st core.Store, id core.ID) (out whole) {
		t.Helper()
		err := st.View(func(tx core.Tx) error {
			var err error
			if out.W, err = tx.WorkOrder(id); err != nil {
				return err
			}
			if out.H, err = tx.Events(id); err != nil {
				return err
			}
			if out.W.FieldOutDealUser != 0 {
				if out.Tasks, err = tx.Tasks(out.W.FieldOutDealUser); err != nil {
					return err
				}
			}
			if out.W.Phone != "" {
				if out.Users, err = tx.TerminalUsersByPhone(out.W.Phone); err != nil {
					return err
				}
			}
			out.Count, err = tx.CountWorkOrders()
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for id := core.ID(1); id <= 300; id++ {
		if a, b := read(src, id), read(dst, id); !reflect.DeepEqual(a, b) {
			t.Fatalf("work order %d differs in the copy:\n%+v\n%+v", id, a, b)
		}
	}
}

// demoCompany is a database with the demo company of n work orders.
func demoCompany(t *testing.T, n int, seed int64) (*store.Bolt, *core.Service, core.Actor) {
	t.Helper()
	st, svc, clk := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	if _, err := demo.Generate(svc, admin, demo.Options{WorkOrders: n, Seed: seed, Now: clk.T}); err != nil {
		t.Fatal(err)
	}
	return st, svc, admin
}

// TestHoldIsBounded: a transaction function that creates more work orders than
// the store holds (it writes what it holds past 8,192 of them: an import of
// 50,000 held them all) still reads every one of them back inside it — by id,
// number, status and node, with its history — and leaves rows, indexes and
// counters as the work orders say.
func TestHoldIsBounded(t *testing.T) {
	st, _, _ := testdb.Open(t)
	const n = 9000
	var ids []core.ID
	err := st.Update(func(tx core.Tx) error {
		for i := 1; i <= n; i++ {
			w := &core.WorkOrder{Number: core.FormatNumber(uint64(i)), Subject: "s", Status: core.StatusNew, Node: core.NodeDispatch, Version: 1}
			if err := tx.PutWorkOrder(w); err != nil {
				return err
			}
			if err := tx.AppendEvent(w.ID, core.Event{Kind: core.EventCreated, Detail: w.Number}); err != nil {
				return err
			}
			ids = append(ids, w.ID)
		}
		for _, i := range []int{0, 1, n / 2, n - 1} {
			w, err := tx.WorkOrderByNumber(core.FormatNumber(uint64(i + 1)))
			if err != nil || w.ID != ids[i] {
				t.Errorf("work order %d by number inside: %v %v", i+1, w.ID, err)
			}
			h, err := tx.Events(ids[i])
			if err != nil || len(h) != 1 || h[0].Detail != w.Number {
				t.Errorf("history of %s inside: %+v %v", w.Number, h, err)
			}
		}
		page, err := tx.QueryWorkOrders(core.WorkOrderQuery{Status: core.StatusNew, Node: core.NodeDispatch, Limit: 1})
		if err != nil || page.Total != n {
			t.Errorf("new at dispatch inside: %d %v, want %d", page.Total, err, n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.IndexesAgree(st); err != nil {
		t.Fatal(err)
	}
}
