package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/store/postgres"
	"switchboard/store/postgres/pgtest"
)

// servers opens n stores on one database, each with its service, as n
// switchboard servers would.
func servers(t *testing.T, n int) ([]*core.Service, core.Actor) {
	t.Helper()
	dsn := pgtest.DB(t)
	var svcs []*core.Service
	for range n {
		st, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		svc := core.NewService(st)
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
