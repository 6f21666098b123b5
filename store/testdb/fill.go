package testdb

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/core/demo"
	"switchboard/store"
)

var (
	filledOnce sync.Once
	filled     *os.File
	filledErr  error
)

// Filled100k returns a fresh copy, in tb's temp dir, of a database holding
// 100,000 work orders over statuses, nodes, regions and callers (built once per
// test binary, without fsync, then copied), opened with durable writes.
func Filled100k(tb testing.TB) (*store.Bolt, *core.Service, *Clock) {
	tb.Helper()
	filledOnce.Do(func() {
		filled, filledErr = built("switchboard-100k", func(path string) error { return fill(path, 100_000) })
	})
	if filledErr != nil {
		tb.Fatal(filledErr)
	}
	path := filepath.Join(tb.TempDir(), "switchboard.db")
	if err := copyOpen(filled, path); err != nil {
		tb.Fatal(err)
	}
	return OpenAt(tb, path)
}

var (
	demoOnce sync.Once
	demoDB   *os.File
	demoErr  error
)

// Demo100k returns a fresh copy, in tb's temp dir, of the demo company with
// 100,000 work orders (seed 1, taken at Epoch): engineers with hundreds of
// open work orders each, the demo's dispatch rules (rule 1, "East urgent
// repairs", is least-loaded over four engineers), history, evaluations. It is
// built once per test binary without fsync, then copied; opened durable.
func Demo100k(tb testing.TB) (*store.Bolt, *core.Service, *Clock) {
	tb.Helper()
	demoOnce.Do(func() { demoDB, demoErr = built("switchboard-demo100k", buildDemo100k) })
	if demoErr != nil {
		tb.Fatal(demoErr)
	}
	path := filepath.Join(tb.TempDir(), "switchboard.db")
	if err := copyOpen(demoDB, path); err != nil {
		tb.Fatal(err)
	}
	return OpenAt(tb, path)
}

func buildDemo100k(path string) error {
	st, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		return err
	}
	defer st.Close()
	svc := core.NewService(st, core.WithClock(func() time.Time { return Epoch }))
	if err := svc.Bootstrap(); err != nil {
		return err
	}
	admin, err := svc.Login(core.BuiltinAdmin)
	if err != nil {
		return err
	}
	_, err = demo.Generate(svc, admin, demo.Options{WorkOrders: 100_000, Seed: 1, Now: Epoch})
	return err
}

// built builds a database with build in a temporary directory and returns
// it open, its directory already removed: the file lives as long as the test
// binary holds it and no longer, however the binary ends (each benchmark
// binary left 400 MB behind in the temporary directory before).
func built(name string, build func(path string) error) (*os.File, error) {
	dir, err := os.MkdirTemp("", name)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "db")
	if err := build(path); err != nil {
		return nil, err
	}
	return os.Open(path)
}

// copyOpen copies the open database file src to a new file at to, synced.
func copyOpen(src *os.File, to string) error {
	fi, err := src.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, io.NewSectionReader(src, 0, fi.Size())); err != nil {
		out.Close()
		return err
	}
	return syncClose(out)
}

// SyncFile writes a file's pages to the disk.
func SyncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	return syncClose(f)
}

// syncClose writes a copy's pages to the disk before closing it. A
// benchmark times a run on the copy: unsynced, the run's first fsync wrote
// the whole copy (400 MB for the demo) and that was timed — in the run and
// in its anchor alike, which pulled their ratio towards 1 and added a second
// or more to each.
func syncClose(f *os.File) error {
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func fill(path string, n int) error {
	st, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		return err
	}
	defer st.Close()
	svc := core.NewService(st)
	if err := svc.Bootstrap(); err != nil {
		return err
	}
	admin, err := svc.Login(core.BuiltinAdmin)
	if err != nil {
		return err
	}
	start := Epoch.AddDate(0, 0, -90)
	statuses := []core.Status{core.StatusNew, core.StatusAssigned, core.StatusInProgress, core.StatusCompleted, core.StatusTerminated}
	nodes := []core.Node{core.NodeDispatch, core.NodeService, core.NodeEvaluation, core.NodeEnd, core.NodeTerminated}
	subjects := []string{"Compressor noise in cold room", "电梯门无法关闭", "Boiler pressure drops overnight", "空调不制冷", "Replace HVAC filter", "Water leak under unit"}
	for lo := 0; lo < n; lo += 5000 {
		items := make([]core.ImportedWorkOrder, 0, 5000)
		for i := lo; i < min(n, lo+5000); i++ {
			items = append(items, core.ImportedWorkOrder{
				NewWorkOrder: core.NewWorkOrder{Subject: fmt.Sprintf("%s #%d", subjects[i%len(subjects)], i), Phone: fmt.Sprintf("138%08d", i%50000), Region: []string{"East", "North", "South"}[i%3]},
				CreatedAt:    start.Add(time.Duration(i) * time.Minute),
				Status:       statuses[i%5], Node: nodes[i%5],
			})
		}
		if _, err := svc.ImportWorkOrders(admin, items); err != nil {
			return err
		}
	}
	return nil
}

// CopyFile copies a database file (taken while nothing writes it), owner-only,
// synced to the disk.
func CopyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	return copyOpen(in, to)
}
