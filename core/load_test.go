package core_test

import (
	"testing"

	"switchboard/core"
)

// TestLoadMove (issue 19): which engineer's load a change moves — both stores
// keep their counters by it.
func TestLoadMove(t *testing.T) {
	const a, b = core.ID(1), core.ID(2)
	for _, c := range []struct {
		oe       core.ID
		os       core.Status
		ne       core.ID
		ns       core.Status
		from, to core.ID
	}{
		{0, "", a, core.StatusAssigned, 0, a},                      // assigned on create
		{a, core.StatusAssigned, a, core.StatusInProgress, 0, 0},   // still open
		{a, core.StatusInProgress, a, core.StatusCompleted, a, 0},  // completed
		{a, core.StatusAssigned, b, core.StatusAssigned, a, b},     // reassigned
		{a, core.StatusTerminated, b, core.StatusTerminated, 0, 0}, // closed either way
		{a, core.StatusCompleted, a, core.StatusAssigned, 0, a},    // reopened
		{0, core.StatusNew, 0, core.StatusNew, 0, 0},               // nobody
		{a, core.StatusAssigned, 0, core.StatusNew, a, 0},          // taken back
	} {
		if from, to := core.LoadMove(c.oe, c.os, c.ne, c.ns); from != c.from || to != c.to {
			t.Errorf("%d %s → %d %s: from %d to %d, want %d %d", c.oe, c.os, c.ne, c.ns, from, to, c.from, c.to)
		}
	}
}
