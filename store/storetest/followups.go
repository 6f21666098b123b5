package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"switchboard/core"
)

// testFollowUpQueue (R-FU-5): the queue index lists open tasks by agent (and
// for everyone) in due order with their hold times, follows a task when its
// agent, due time or hold change, and drops it when it closes; the mention
// prefilter never hides a task that matches.
func testFollowUpQueue(t *testing.T, st core.Store) {
	held := t0.Add(3 * time.Hour)
	tasks := []*core.FollowUpTask{
		{WorkOrderID: 1, Number: "WO-000001", Customer: "王芳 · 上海浦东仓储", Phone: "13800138000", Agent: "amy", DueAt: t0.Add(2 * time.Hour)},
		{WorkOrderID: 2, Number: "WO-000002", Customer: "Maria Schmidt · A&B Facilities", Phone: "+44 20 7946 0000", Agent: "amy", DueAt: t0.Add(time.Hour), NotBefore: &held},
		{WorkOrderID: 3, Number: "WO-000003", Customer: "Bob <Ltd>", Subject: `Door "stuck"`, Agent: "bob", DueAt: t0},
	}
	update(t, st, func(tx core.Tx) error {
		for _, f := range tasks {
			f.Status = core.FollowUpOpen
			if err := tx.PutFollowUpTask(f); err != nil {
				return err
			}
		}
		return nil
	})
	scan := func(agent string, all bool) []core.FollowUpQueueEntry {
		t.Helper()
		var out []core.FollowUpQueueEntry
		view(t, st, func(tx core.Tx) error {
			return tx.ScanFollowUpQueue(agent, all, func(e core.FollowUpQueueEntry) bool {
				out = append(out, e)
				return true
			})
		})
		return out
	}
	ids := func(es []core.FollowUpQueueEntry) []core.ID {
		out := make([]core.ID, len(es))
		for i, e := range es {
			out[i] = e.ID
		}
		return out
	}
	amy := scan("amy", false)
	if got := ids(amy); !slices.Equal(got, []core.ID{tasks[1].ID, tasks[0].ID}) {
		t.Fatalf("amy's queue %v, want due order %d, %d", got, tasks[1].ID, tasks[0].ID)
	}
	if e := amy[0]; !e.DueAt.Equal(tasks[1].DueAt) || e.NotBefore == nil || !e.NotBefore.Equal(held) || e.Ready(t0) || !e.Ready(held) {
		t.Fatalf("held entry %+v", e)
	}
	if e := amy[1]; !e.DueAt.Equal(tasks[0].DueAt) || e.NotBefore != nil || !e.Ready(t0) {
		t.Fatalf("plain entry %+v", e)
	}
	if got := ids(scan("", true)); !slices.Equal(got, []core.ID{tasks[2].ID, tasks[1].ID, tasks[0].ID}) {
		t.Fatalf("every queue %v", got)
	}
	if got := scan("am", false); len(got) != 0 {
		t.Fatalf("a login prefix reached amy's queue: %v", got)
	}

	// Released from its hold, moved to bob; then closed.
	update(t, st, func(tx core.Tx) error {
		tasks[1].NotBefore, tasks[1].Agent = nil, "bob"
		return tx.PutFollowUpTask(tasks[1])
	})
	if got := scan("bob", false); len(got) != 2 || got[1].ID != tasks[1].ID || got[1].NotBefore != nil {
		t.Fatalf("bob's queue after the move %+v", got)
	}
	if got := ids(scan("amy", false)); !slices.Equal(got, []core.ID{tasks[0].ID}) {
		t.Fatalf("amy's queue after the move %v", got)
	}
	update(t, st, func(tx core.Tx) error {
		tasks[2].Status = core.FollowUpDone
		return tx.PutFollowUpTask(tasks[2])
	})
	if got := ids(scan("", true)); !slices.Equal(got, []core.ID{tasks[1].ID, tasks[0].ID}) {
		t.Fatalf("every queue after closing %d: %v", tasks[2].ID, got)
	}

	// The prefilter: whatever it skips cannot match.
	view(t, st, func(tx core.Tx) error {
		for _, f := range tasks {
			for _, text := range []string{"", "wo-00000", "王芳", "MARIA", "a&b", "<ltd>", `"stuck"`, "7946 0000", "nobody", "浦东", "\u2028"} {
				got, ok, err := tx.FollowUpTaskMentioning(f.ID, text)
				if err != nil {
					return err
				}
				if ok && got.ID != f.ID {
					t.Errorf("task %d read as %d", f.ID, got.ID)
				}
				if !ok && f.Matches(text) {
					t.Errorf("task %d (%s) matches %q but the prefilter skipped it", f.ID, f.Customer, text)
				}
			}
			if _, ok, _ := tx.FollowUpTaskMentioning(f.ID, "no such words"); ok {
				t.Errorf("task %d may mention words it does not hold", f.ID)
			}
		}
		if _, _, err := tx.FollowUpTaskMentioning(999, "x"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("a missing task: %v", err)
		}
		return nil
	})
}
