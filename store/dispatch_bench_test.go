package store_test

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/store"
	"switchboard/store/testdb"
)

var (
	dispatchOnce sync.Once
	dispatchPath string
	dispatchErr  error
)

// dispatch100k builds (once) a database with 100,000 work orders waiting at the
// dispatch node, 500 dispatch rules (testdb.BenchRules) and one engineer.
func dispatch100k(b *testing.B) string {
	dispatchOnce.Do(func() {
		dir, err := mkdirTemp()
		if err != nil {
			dispatchErr = err
			return
		}
		dispatchPath = filepath.Join(dir, "dispatch.db")
		_ = os.Remove(dispatchPath)
		st, err := store.Open(dispatchPath, store.Options{NoSync: true})
		if err != nil {
			dispatchErr = err
			return
		}
		defer st.Close()
		svc := core.NewService(st)
		if dispatchErr = svc.Bootstrap(); dispatchErr != nil {
			return
		}
		admin, _ := svc.Login(core.BuiltinAdmin)
		p, err := svc.AddProvider(admin, "Bench Provider", "T-BENCH")
		if err != nil {
			dispatchErr = err
			return
		}
		e, err := svc.AddEngineer(admin, core.NewEngineer{Name: "Bench Engineer", ProviderID: p.ID})
		if err != nil {
			dispatchErr = err
			return
		}
		for lo := 0; lo < benchSize; lo += 5000 {
			items := make([]core.ImportedWorkOrder, 0, 5000)
			for i := lo; i < lo+5000; i++ {
				items = append(items, core.ImportedWorkOrder{NewWorkOrder: testdb.BenchWorkOrder(i), Status: core.StatusNew, Node: core.NodeDispatch})
			}
			if _, dispatchErr = svc.ImportWorkOrders(admin, items); dispatchErr != nil {
				return
			}
		}
		// Rules last, so that importing does not dispatch.
		for _, nr := range testdb.BenchRules(e.ID) {
			if _, dispatchErr = svc.AddRule(admin, nr); dispatchErr != nil {
				return
			}
		}
	})
	if dispatchErr != nil {
		b.Fatal(dispatchErr)
	}
	return dispatchPath
}

// BenchmarkDispatchRun100kWith500Rules is `switchboard dispatch run` over 100,000
// waiting work orders against 500 rules, writes included (fsynced, batched 2,000
// work orders a transaction). Each iteration starts from a fresh copy. Its
// anchor, measured in the same run, is bbolt by itself writing the identical
// key/value changes (the difference between the files before and after the
// run) in the same number of fsynced transactions: x-raw is the run's time as
// a multiple of that — run before each run and after it, raw-s is their mean
// and raw-drift-% how far the after moved from the before (the disk drifts).
// steal-% is the share of the machine's CPU time the hypervisor took
// elsewhere meanwhile.
func BenchmarkDispatchRun100kWith500Rules(b *testing.B) {
	src := dispatch100k(b)
	// `switchboard dispatch run` runs with GOGC=400 unless GOGC is set
	// (throughputGC in cmd/switchboard); so do the run and its anchor here.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	// dispatch runs `dispatch run` on a fresh copy of src in dir, the
	// benchmark's timer running for it alone when timed: its time, and the
	// key/value changes it made.
	dispatch := func(dir string, timed bool) (time.Duration, []testdb.Change) {
		dst := filepath.Join(dir, "run.db")
		if err := testdb.CopyFile(src, dst); err != nil {
			b.Fatal(err)
		}
		st, err := store.Open(dst, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		svc := core.NewService(st)
		admin, _ := svc.Login(core.BuiltinAdmin)
		if timed {
			b.StartTimer()
		}
		t0 := time.Now()
		res, err := svc.RunDispatch(admin)
		d := time.Since(t0)
		if timed {
			b.StopTimer()
		}
		if err != nil {
			b.Fatal(err)
		}
		if res.Assigned+res.Manual != benchSize || res.Assigned < benchSize*8/10 {
			b.Fatalf("dispatch run: %+v", res)
		}
		b.ReportMetric(float64(res.Assigned), "assigned")
		b.ReportMetric(float64(res.Manual), "manual")
		st.Close()
		changes, err := testdb.Changes(src, dst)
		if err != nil {
			b.Fatal(err)
		}
		return d, changes
	}
	// anchor times bbolt writing changes by itself on a fresh copy of src.
	anchor := func(dir string, changes []testdb.Change) time.Duration {
		again := filepath.Join(dir, "raw.db")
		if err := testdb.CopyFile(src, again); err != nil {
			b.Fatal(err)
		}
		d, err := testdb.Replay(again, changes, (benchSize+1999)/2000)
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
	// The anchor runs before each run and after it (the disk's speed drifts
	// within a minute); before the first, with the changes of a run made
	// untimed for that. x-raw is to the mean of the two.
	b.StopTimer()
	_, prev := dispatch(b.TempDir(), false)
	b.StartTimer()
	var run, before, after time.Duration
	cpu := testdb.ReadCPUTimes()
	for b.Loop() {
		b.StopTimer()
		before += anchor(b.TempDir(), prev)
		dir := b.TempDir()
		d, changes := dispatch(dir, true)
		run += d
		after += anchor(dir, changes)
		prev = changes
		b.StartTimer()
	}
	raw := (before + after) / 2
	b.ReportMetric(raw.Seconds()/float64(b.N), "raw-s")
	b.ReportMetric(100*(after.Seconds()-before.Seconds())/before.Seconds(), "raw-drift-%")
	b.ReportMetric(run.Seconds()/raw.Seconds(), "x-raw")
	b.ReportMetric(100*testdb.ReadCPUTimes().StolenSince(cpu), "steal-%")
}
