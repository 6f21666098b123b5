// Package testdb gives tests outside the store package (core, tui, cmd) a real
// service on a real bbolt file in a temporary directory — no in-memory fakes.
package testdb

import (
	"path/filepath"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/store"
)

// Clock is a settable clock for deterministic tests.
type Clock struct{ T time.Time }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return c.T }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.T = c.T.Add(d) }

// Epoch is the fixed time test clocks start at.
var Epoch = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

// Open opens a fresh bbolt database in t.TempDir() and returns the store and a
// bootstrapped service whose clock starts at Epoch. Both are closed at cleanup.
func Open(tb testing.TB) (*store.Bolt, *core.Service, *Clock) {
	tb.Helper()
	return OpenAt(tb, filepath.Join(tb.TempDir(), "switchboard.db"))
}

// OpenAt is Open on a given path.
func OpenAt(tb testing.TB, path string) (*store.Bolt, *core.Service, *Clock) {
	tb.Helper()
	st, err := store.Open(path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	clk := &Clock{T: Epoch}
	svc := core.NewService(st, core.WithClock(clk.Now))
	if err := svc.Bootstrap(); err != nil {
		tb.Fatal(err)
	}
	return st, svc, clk
}

// Admin returns the built-in admin actor.
func Admin(tb testing.TB, svc *core.Service) core.Actor {
	tb.Helper()
	a, err := svc.Login(core.BuiltinAdmin)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// AtTaskNode creates a work order and brings it to the terminal-task node of the
// default process: assigned by hand to a test engineer (created on first use),
// then the service node completed.
func AtTaskNode(tb testing.TB, svc *core.Service, in core.NewWorkOrder) core.WorkOrder {
	tb.Helper()
	admin := Admin(tb, svc)
	w, err := svc.CreateWorkOrder(admin, in)
	if err != nil {
		tb.Fatal(err)
	}
	eng := testEngineer(tb, svc, admin)
	if w, err = svc.AssignWorkOrder(admin, w.Number, 0, eng); err != nil {
		tb.Fatal(err)
	}
	for w.Node != core.NodeTerminalTask {
		if w, err = svc.AdvanceWorkOrder(admin, w.Number, 0, ""); err != nil {
			tb.Fatalf("advancing %s to the terminal-task node: %v", w.Number, err)
		}
	}
	return w
}

func testEngineer(tb testing.TB, svc *core.Service, admin core.Actor) core.ID {
	tb.Helper()
	d, err := svc.Directory()
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range d.Providers {
		if p.TenantID == "T-TEST" {
			for _, e := range d.Engineers {
				if e.ProviderID == p.ID {
					return e.ID
				}
			}
		}
	}
	p, err := svc.AddProvider(admin, "Test Service Co", "T-TEST")
	if err != nil {
		tb.Fatal(err)
	}
	e, err := svc.AddEngineer(admin, core.NewEngineer{Name: "Test Engineer", ProviderID: p.ID})
	if err != nil {
		tb.Fatal(err)
	}
	return e.ID
}
