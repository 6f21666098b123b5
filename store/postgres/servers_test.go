package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/store/postgres"
	"switchboard/store/postgres/pgtest"
)

// servers opens n stores on one database, each with its service, as n
// switchboard servers would.
func servers(t *testing.T, n int, opts ...core.Option) ([]*core.Service, core.Actor) {
	t.Helper()
	dsn := pgtest.DB(t)
	var svcs []*core.Service
	for range n {
		st, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		svc := core.NewService(st, opts...)
		if err := svc.Bootstrap(); err != nil {
			t.Fatal(err)
		}
		svcs = append(svcs, svc)
	}
	admin, err := svcs[0].Login(core.BuiltinAdmin)
	if err != nil {
		t.Fatal(err)
	}
	return svcs, admin
}

// TestChangesReachOtherServers (issue 21): a work order created through one
// server reaches the subscribers (consoles) of another through LISTEN/NOTIFY,
// and a server does not hear its own changes twice.
func TestChangesReachOtherServers(t *testing.T) {
	svcs, admin := servers(t, 2)
	other, stop := svcs[1].Subscribe()
	defer stop()
	own, stopOwn := svcs[0].Subscribe()
	defer stopOwn()
	time.Sleep(200 * time.Millisecond) // the second server's LISTEN is up
	w, err := svcs[0].CreateWorkOrder(admin, core.NewWorkOrder{Subject: "冷柜不制冷 via server 1"})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.After(10 * time.Second)
	for seen := false; !seen; {
		select {
		case c := <-other:
			seen = c.Kind == "work-order" && c.Number == w.Number
		case <-deadline:
			t.Fatalf("server 2's console never heard of %s", w.Number)
		}
	}
	// Server 1's console heard it once, from its own publish.
	time.Sleep(300 * time.Millisecond)
	n := 0
	for len(own) > 0 {
		if c := <-own; c.Number == w.Number {
			n++
		}
	}
	if n != 1 {
		t.Errorf("server 1's console heard %s %d times, want once", w.Number, n)
	}
}

// TestOneAssignmentWinsAcrossServers (issue 21): eight assignments of one
// work order at one version, through three servers at once: exactly one wins,
// the others are told who changed it.
func TestOneAssignmentWinsAcrossServers(t *testing.T) {
	svcs, admin := servers(t, 3)
	p, err := svcs[0].AddProvider(admin, "FixIt", "T-1")
	if err != nil {
		t.Fatal(err)
	}
	var engs []core.ID
	for _, name := range []string{"A", "B"} {
		e, err := svcs[0].AddEngineer(admin, core.NewEngineer{Name: name, ProviderID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		engs = append(engs, e.ID)
	}
	w, err := svcs[1].CreateWorkOrder(admin, core.NewWorkOrder{Subject: "race"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = svcs[i%3].AssignWorkOrder(admin, w.Number, w.Version, engs[i%2])
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		var conflict *core.ConflictError
		switch {
		case err == nil:
			wins++
		case !errors.As(err, &conflict):
			t.Errorf("a losing assignment failed with %v, not a conflict", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d assignments won, want exactly 1: %v", wins, errs)
	}
	got, err := svcs[2].WorkOrder(w.Number)
	if err != nil || got.Version != w.Version+1 {
		t.Fatalf("after the race: %+v %v", got, err)
	}
}

// TestTimersFireOnceAcrossServers (issue 21): work orders wait at a node
// with a one-minute timeout; when it has passed, three servers fire due
// timers at the same moment: each node completes once (one timeout event a
// work order), none twice and none not at all.
func TestTimersFireOnceAcrossServers(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	svcs, admin := servers(t, 3, core.WithClock(clock))
	p, err := svcs[0].AddProvider(admin, "FixIt", "T-1")
	if err != nil {
		t.Fatal(err)
	}
	e, err := svcs[0].AddEngineer(admin, core.NewEngineer{Name: "A", ProviderID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	proc, err := svcs[0].Process("Repair")
	if err != nil {
		t.Fatal(err)
	}
	for i := range proc.Nodes {
		if proc.Nodes[i].Node == core.NodeService {
			proc.Nodes[i].Timeout = core.Duration(time.Minute)
		}
	}
	data, _ := json.Marshal(core.ProcessFile{Processes: []core.Process{proc}})
	if _, err := svcs[0].ImportProcesses(admin, data); err != nil {
		t.Fatal(err)
	}
	const n = 30
	var numbers []string
	for i := range n {
		w, err := svcs[i%3].CreateWorkOrder(admin, core.NewWorkOrder{Subject: fmt.Sprintf("timer %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svcs[(i+1)%3].AssignWorkOrder(admin, w.Number, w.Version, e.ID); err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, w.Number)
	}
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	var wg sync.WaitGroup
	fired := make([]int, 3)
	for i := range svcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if fired[i], err = svcs[i].FireDueTimers(); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if total := fired[0] + fired[1] + fired[2]; total != n {
		t.Errorf("the servers fired %v timers, %d in all; want %d", fired, total, n)
	}
	for _, num := range numbers {
		w, err := svcs[0].WorkOrder(num)
		if err != nil {
			t.Fatal(err)
		}
		timeouts := 0
		for _, ev := range w.History {
			if ev.Kind == core.EventTimeout {
				timeouts++
			}
		}
		if timeouts != 1 || w.Node == core.NodeService {
			t.Errorf("%s: %d timeout events, at the %s node", num, timeouts, w.Node)
		}
	}
}
