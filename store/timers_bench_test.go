package store_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/store"
	"switchboard/store/testdb"
)

// BenchmarkFireTimers (R-FLOW-3): work orders of a process that starts at a
// terminal-task node with a 1h timeout, on a database that already holds 100,000
// work orders; after the hour every timer fires, each in its own fsynced
// transaction that moves the work order on. ns/op is per timer fired.
func BenchmarkFireTimers(b *testing.B) {
	src := bench100k(b)
	path := filepath.Join(b.TempDir(), "t.db")
	if err := testdb.CopyFile(src, path); err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	svc := core.NewService(st, core.WithClock(func() time.Time { return now }))
	admin, _ := svc.Login(core.BuiltinAdmin)
	if _, err := svc.SetProcess(admin, core.Process{RecordType: "Inspection", Nodes: []core.ProcessNode{
		{Node: core.NodeTerminalTask, Timeout: core.Duration(time.Hour)}, {Node: core.NodeEvaluation}}}); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		if _, err := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: fmt.Sprint("check ", i), RecordType: "Inspection"}); err != nil {
			b.Fatal(err)
		}
	}
	now = now.Add(2 * time.Hour)
	b.ResetTimer()
	n, err := svc.FireDueTimers()
	if err != nil || n != b.N {
		b.Fatalf("fired %d of %d: %v", n, b.N, err)
	}
}
