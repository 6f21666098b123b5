package store

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"switchboard/core"
)

// TestMigrationBackfillsStatusNodeIndex opens a database as schema 1 left it (no
// status/node index) and checks that migration 2 builds the index from the rows
// and bumps schema_version, in one step.
func TestMigrationBackfillsStatusNodeIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	st, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc := core.NewService(st)
	_ = svc.Bootstrap()
	admin, _ := svc.Login(core.BuiltinAdmin)
	for _, s := range []string{"a", "b", "c"} {
		if _, err := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: s}); err != nil {
			t.Fatal(err)
		}
	}
	// Turn the file back into schema 1 (which also had the status-only and
	// node-only indexes, dropped since).
	err = st.db.Update(func(t *bolt.Tx) error {
		if err := t.DeleteBucket(bucketWOByStatusNode); err != nil {
			return err
		}
		for _, name := range []string{"wo_by_status", "wo_by_node"} {
			if _, err := t.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		return t.Bucket(bucketMeta).Put(keySchemaVersion, []byte("1"))
	})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	st, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if v, _ := st.SchemaVersion(); v != SchemaVersionCurrent {
		t.Fatalf("schema %d after migration, want %d", v, SchemaVersionCurrent)
	}
	p, err := core.NewService(st).ListWorkOrders(core.WorkOrderQuery{Status: core.StatusNew, Node: core.NodeDispatch})
	if err != nil || p.Total != 3 {
		t.Fatalf("status+node after backfill: %+v %v", p, err)
	}
	if p, err := core.NewService(st).ListWorkOrders(core.WorkOrderQuery{Status: core.StatusNew}); err != nil || p.Total != 3 {
		t.Fatalf("status alone after backfill: %+v %v", p, err)
	}
	_ = st.db.View(func(tx *bolt.Tx) error {
		for _, name := range []string{"wo_by_status", "wo_by_node"} {
			if tx.Bucket([]byte(name)) != nil {
				t.Errorf("bucket %s is still there after migrating", name)
			}
		}
		return nil
	})
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	st, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_ = st.db.Update(func(t *bolt.Tx) error { return t.Bucket(bucketMeta).Put(keySchemaVersion, []byte("99")) })
	st.Close()
	if _, err := Open(path, Options{}); err == nil {
		t.Fatal("opened a database from the future")
	}
}

// TestMigrationFollowUpHoldTimes: a database whose follow-up queue index has
// no hold times (as schema 10 wrote it) gets them from the tasks, so counting
// a queue from its index stays right.
func TestMigrationFollowUpHoldTimes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	st, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	held := t0.Add(2 * time.Hour)
	tasks := []*core.FollowUpTask{
		{WorkOrderID: 1, Agent: "amy", Status: core.FollowUpOpen, DueAt: t0, NotBefore: &held},
		{WorkOrderID: 2, Agent: "amy", Status: core.FollowUpOpen, DueAt: t0.Add(time.Hour)},
	}
	err = st.Update(func(tx core.Tx) error {
		for _, f := range tasks {
			if err := tx.PutFollowUpTask(f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.db.Update(func(t *bolt.Tx) error {
		for _, name := range [][]byte{bucketFollowUpQueue, bucketFollowUpDue} {
			b := t.Bucket(name)
			var keys [][]byte
			_ = b.ForEach(func(k, _ []byte) error { keys = append(keys, k); return nil })
			for _, k := range keys {
				if err := b.Put(k, nil); err != nil {
					return err
				}
			}
		}
		at := slices.IndexFunc(migrations, func(m migration) bool { return strings.HasPrefix(m.name, "follow-up queue index entries") })
		return t.Bucket(bucketMeta).Put(keySchemaVersion, []byte(strconv.Itoa(at)))
	})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	st, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, all := range []bool{false, true} {
		var got []core.FollowUpQueueEntry
		err = st.View(func(tx core.Tx) error {
			return tx.ScanFollowUpQueue("amy", all, func(e core.FollowUpQueueEntry) bool {
				got = append(got, e)
				return true
			})
		})
		if err != nil || len(got) != 2 {
			t.Fatalf("queue after migration (all %v): %+v %v", all, got, err)
		}
		if got[0].ID != tasks[0].ID || got[0].NotBefore == nil || !got[0].NotBefore.Equal(held) || got[1].NotBefore != nil {
			t.Fatalf("hold times after migration (all %v): %+v", all, got)
		}
	}
}

// TestMigrationIndexesOpenIDs (issue 19): a database from before the WeChat
// openid index (schema 14) gets it built from its terminal users.
func TestMigrationIndexesOpenIDs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	st, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	users := []core.TerminalUser{{Name: "A", WeChatOpenID: "oA"}, {Name: "B", MiniProgramOpenID: "mB"}, {Name: "C"}}
	err = st.Update(func(tx core.Tx) error {
		for i := range users {
			if err := tx.PutTerminalUser(&users[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	st = migrateAgain(t, st, func(t *bolt.Tx) error {
		if err := t.DeleteBucket(bucketTerminalByOpenID); err != nil {
			return err
		}
		return t.Bucket(bucketMeta).Put(keySchemaVersion, []byte("14"))
	})
	defer st.Close()
	_ = st.View(func(tx core.Tx) error {
		for openid, want := range map[string]core.ID{"oA": users[0].ID, "mB": users[1].ID} {
			if got, err := tx.TerminalUsersByOpenID(openid); err != nil || len(got) != 1 || got[0].ID != want {
				t.Errorf("%s after migration: %+v %v, want terminal user %d", openid, got, err, want)
			}
		}
		return nil
	})
}

// TestMigrationIndexesOwners: schema 16 gives every row its external owner
// and indexes work orders by it, for a database whose rows (version 3) and
// indexes predate both.
func TestMigrationIndexesOwners(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	st, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ws []*core.WorkOrder
	err = st.Update(func(tx core.Tx) error {
		for i, owner := range []core.ID{3, 0, 3, 4} {
			w := &core.WorkOrder{Number: core.FormatNumber(uint64(i + 1)), Subject: "s", Status: core.StatusNew, Node: core.NodeDispatch, OutOwner: owner, Version: 1}
			if err := tx.PutWorkOrder(w); err != nil {
				return err
			}
			ws = append(ws, w)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Back to schema 15: no index, rows of version 3 (no owner at the end).
	st = migrateAgain(t, st, func(t *bolt.Tx) error {
		if err := t.DeleteBucket(bucketWOByOwner); err != nil {
			return err
		}
		rows := t.Bucket(bucketWORows)
		for _, w := range ws {
			r := w.Row()
			r.OwnerID = 0
			v3 := encodeRow(r)
			v3 = v3[:len(v3)-1] // the owner's uvarint, 0: one byte
			v3[0] = 3
			if err := rows.Put(itob(w.ID), v3); err != nil {
				return err
			}
		}
		return t.Bucket(bucketMeta).Put(keySchemaVersion, []byte("15"))
	})
	defer st.Close()
	_ = st.View(func(tx core.Tx) error {
		for owner, want := range map[core.ID][]core.ID{3: {ws[2].ID, ws[0].ID}, 4: {ws[3].ID}} {
			if got, err := tx.WorkOrdersOwnedBy(owner, 0); err != nil || !slices.Equal(got, want) {
				t.Errorf("owner %d after migration: %v %v, want %v", owner, got, err, want)
			}
		}
		return nil
	})
	if err := IndexesAgree(st); err != nil {
		t.Error(err)
	}
}

// migrateAgain takes st's file back by hand with undo (to an older schema),
// reopens it — which runs the migrations from there — and checks that it is
// at the current schema again.
func migrateAgain(t *testing.T, st *Bolt, undo func(*bolt.Tx) error) *Bolt {
	t.Helper()
	if err := st.db.Update(undo); err != nil {
		t.Fatal(err)
	}
	path := st.Path()
	st.Close()
	st, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := st.SchemaVersion(); v != SchemaVersionCurrent {
		st.Close()
		t.Fatalf("schema %d after migration, want %d", v, SchemaVersionCurrent)
	}
	return st
}
