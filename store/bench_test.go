package store_test

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/store"
)

const benchSize = 100_000

var (
	benchOnce sync.Once
	benchPath string
	benchErr  error
)

// bench100k builds (once per test binary run) a database of 100,000 work orders
// spread over statuses, nodes, accounts and engineers, and returns its path.
func bench100k(b *testing.B) string {
	benchOnce.Do(func() {
		dir, err := mkdirTemp()
		if err != nil {
			benchErr = err
			return
		}
		benchPath = filepath.Join(dir, "bench.db")
		st, err := store.Open(benchPath, store.Options{NoSync: true})
		if err != nil {
			benchErr = err
			return
		}
		defer st.Close()
		svc := core.NewService(st)
		if benchErr = svc.Bootstrap(); benchErr != nil {
			return
		}
		admin, _ := svc.Login(core.BuiltinAdmin)
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		statuses := []core.Status{core.StatusNew, core.StatusAssigned, core.StatusInProgress, core.StatusCompleted, core.StatusTerminated}
		nodes := []core.Node{core.NodeDispatch, core.NodeService, core.NodeEvaluation, core.NodeEnd, core.NodeTerminated}
		subjects := []string{"Compressor noise in cold room", "电梯门无法关闭", "Boiler pressure drops overnight", "空调不制冷", "Replace HVAC filter", "Water leak under unit"}
		for lo := 0; lo < benchSize; lo += 5000 {
			items := make([]core.ImportedWorkOrder, 0, 5000)
			for i := lo; i < lo+5000; i++ {
				items = append(items, core.ImportedWorkOrder{
					NewWorkOrder: core.NewWorkOrder{Subject: fmt.Sprintf("%s #%d", subjects[i%len(subjects)], i), Phone: fmt.Sprintf("138%08d", i%50000), Region: []string{"East", "North", "South"}[i%3]},
					CreatedAt:    start.Add(time.Duration(i) * time.Minute),
					Status:       statuses[i%5], Node: nodes[i%5],
				})
			}
			if _, benchErr = svc.ImportWorkOrders(admin, items); benchErr != nil {
				return
			}
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath
}

func mkdirTemp() (string, error) {
	d := filepath.Join(testTempRoot, "switchboard-bench")
	return d, mkdirAll(d)
}

func openBench(b *testing.B) *core.Service {
	path := bench100k(b)
	st, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return core.NewService(st)
}

// BenchmarkCreateWorkOrder: one writer, one fsynced transaction per work order.
func BenchmarkCreateWorkOrder(b *testing.B) {
	st, err := store.Open(filepath.Join(b.TempDir(), "c.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := core.NewService(st)
	_ = svc.Bootstrap()
	admin, _ := svc.Login(core.BuiltinAdmin)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "bench", Phone: "13800138000"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListPage50Of100k: the console's first page, newest first, and a
// filtered page from the status index.
func BenchmarkListPage50Of100k(b *testing.B) {
	svc := openBench(b)
	for _, q := range []struct {
		name string
		q    core.WorkOrderQuery
	}{
		{"newest", core.WorkOrderQuery{Limit: 50}},
		{"status", core.WorkOrderQuery{Status: core.StatusAssigned, Limit: 50}},
		{"status+node+offset", core.WorkOrderQuery{Status: core.StatusNew, Node: core.NodeDispatch, Offset: 10000, Limit: 50}},
		{"deep-offset", core.WorkOrderQuery{Offset: 90000, Limit: 50}},
		{"sorted-priority", core.WorkOrderQuery{Sort: core.SortPriority, Limit: 50}},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				p, err := svc.ListWorkOrders(q.q)
				if err != nil || len(p.Rows) != 50 {
					b.Fatalf("%d rows, %v", len(p.Rows), err)
				}
			}
		})
	}
}

// BenchmarkSearch100k: search as you type over 100,000 work orders.
func BenchmarkSearch100k(b *testing.B) {
	svc := openBench(b)
	for _, text := range []string{"boiler", "电梯", "13800012345", "no such thing"} {
		b.Run(text, func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.ListWorkOrders(core.WorkOrderQuery{Text: text, Limit: 50}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
