package store_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/store"
	"switchboard/store/storetest"
)

func openTemp(t *testing.T) *store.Bolt {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestConformance runs the storetest suite on a bbolt file in t.TempDir().
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store { return openTemp(t) })
}

func TestLockedDatabaseSaysWho(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sb.db")
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// A second handle in this process contends for the same flock.
	_, err = store.Open(path, store.Options{LockTimeout: 50e6})
	var le *store.LockedError
	if !errors.As(err, &le) || !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second open: %v", err)
	}
	if le.PID != os.Getpid() || !strings.Contains(err.Error(), "in use by") || !strings.Contains(err.Error(), path) {
		t.Fatalf("message: %v", err)
	}
}

func TestSchemaVersionAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sb.db")
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := st.SchemaVersion()
	if v != store.SchemaVersionCurrent || v < 1 {
		t.Fatalf("schema version %d", v)
	}
	st.Close()
	st, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if errs := st.Check(); len(errs) > 0 {
		t.Fatal(errs)
	}
}

func TestBackupOpens(t *testing.T) {
	st := openTemp(t)
	defer st.Close()
	svc := core.NewService(st)
	if err := svc.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	admin, _ := svc.Login(core.BuiltinAdmin)
	if _, err := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "backed up"}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := svc.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(copyPath, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	cp, err := store.Open(copyPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	w, err := core.NewService(cp).WorkOrder("1")
	if err != nil || w.Subject != "backed up" || len(w.History) == 0 {
		t.Fatalf("backup copy: %+v %v", w, err)
	}
}
