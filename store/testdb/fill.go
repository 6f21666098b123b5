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
	filledPath string
	filledErr  error
)

// Filled100k returns a fresh copy, in tb's temp dir, of a database holding
// 100,000 work orders over statuses, nodes, regions and callers (built once per
// test binary, without fsync, then copied), opened with durable writes.
func Filled100k(tb testing.TB) (*store.Bolt, *core.Service, *Clock) {
	tb.Helper()
	filledOnce.Do(func() {
		dir, err := os.MkdirTemp("", "switchboard-100k")
		if err != nil {
			filledErr = err
			return
		}
		filledPath = filepath.Join(dir, "100k.db")
		filledErr = fill(filledPath, 100_000)
	})
	if filledErr != nil {
		tb.Fatal(filledErr)
	}
	path := filepath.Join(tb.TempDir(), "switchboard.db")
	if err := CopyFile(filledPath, path); err != nil {
		tb.Fatal(err)
	}
	return OpenAt(tb, path)
}

var (
	demoOnce sync.Once
	demoPath string
	demoErr  error
)

// Demo100k returns a fresh copy, in tb's temp dir, of the demo company with
// 100,000 work orders (seed 1, taken at Epoch): engineers with hundreds of
// open work orders each, the demo's dispatch rules (rule 1, "East urgent
// repairs", is least-loaded over four engineers), history, evaluations. It is
// built once per test binary without fsync, then copied; opened durable.
func Demo100k(tb testing.TB) (*store.Bolt, *core.Service, *Clock) {
	tb.Helper()
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "switchboard-demo100k")
		if err != nil {
			demoErr = err
			return
		}
		demoPath = filepath.Join(dir, "demo.db")
		st, err := store.Open(demoPath, store.Options{NoSync: true})
		if err != nil {
			demoErr = err
			return
		}
		defer st.Close()
		svc := core.NewService(st, core.WithClock(func() time.Time { return Epoch }))
		if demoErr = svc.Bootstrap(); demoErr != nil {
			return
		}
		admin, err := svc.Login(core.BuiltinAdmin)
		if err != nil {
			demoErr = err
			return
		}
		_, demoErr = demo.Generate(svc, admin, demo.Options{WorkOrders: 100_000, Seed: 1, Now: Epoch})
	})
	if demoErr != nil {
		tb.Fatal(demoErr)
	}
	path := filepath.Join(tb.TempDir(), "switchboard.db")
	if err := CopyFile(demoPath, path); err != nil {
		tb.Fatal(err)
	}
	return OpenAt(tb, path)
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

// CopyFile copies a database file (taken while nothing writes it), owner-only.
func CopyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
