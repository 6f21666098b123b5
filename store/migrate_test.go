package store

import (
	"path/filepath"
	"testing"

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
	// Turn the file back into schema 1.
	err = st.db.Update(func(t *bolt.Tx) error {
		if err := t.DeleteBucket(bucketWOByStatusNode); err != nil {
			return err
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
