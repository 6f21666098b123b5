package main

import (
	"slices"
	"strings"
	"testing"
)

// TestConsoleProcessEndToEnd is issue 5's end-to-end test of the process screen
// (R-FLOW-1, R-FLOW-3): the real console runs under tmux; key 8 opens the
// Process section; a refused move says core's sentence and changes nothing;
// K moves the evaluation node above the terminal task; enter opens the service
// node's settings, where a wrong timeout is flagged as typed and a right one is
// saved with ctrl+s. Once the console has quit, `process show --json` has both.
func TestConsoleProcessEndToEnd(t *testing.T) {
	needTmux(t)
	d := newDB(t)
	d.ok("demo", "--no-ui", "--work-orders", "30", "--now", "2026-11-02T09:30:00Z")

	s := startTmux(t, d.home, binary, "--db", d.path, "--listen", "127.0.0.1:0")
	s.waitFor("sort newest first") // the list is up (the header may shorten "Work orders")
	s.keys("8")
	s.waitFor("Record type")
	s.waitFor("node 1 of 5: dispatch")

	// The service node cannot go above dispatch: core says why, nothing moves.
	s.keys("j")
	s.waitFor("node 2 of 5: service")
	s.keys("K")
	s.waitFor("Repair: The dispatch node must come first")
	if l := lineWith(s.screen(), "  2  service"); !strings.Contains(l, "> ") {
		t.Errorf("service should still be second, under the cursor:\n%s", s.screen())
	}

	// Evaluation (4th) moves above the terminal task. (One key per wait: runes
	// typed together reach the console as one key press "jj".)
	s.keys("j")
	s.waitFor("node 3 of 5: terminal-task")
	s.keys("j")
	s.waitFor("node 4 of 5: evaluation")
	s.keys("K")
	scr := s.waitFor("Moved the evaluation node up in the Repair process: dispatch → service → evaluation → terminal-task → follow-up → end.")
	if l := lineWith(scr, "  3  evaluation"); !strings.Contains(l, "> ") {
		t.Errorf("evaluation should be third, under the cursor:\n%s", scr)
	}

	// The service node's timeout: "2x" is refused as typed, "2d" saves.
	s.keys("k")
	s.waitFor("node 2 of 5: service")
	s.keys("Enter")
	s.waitFor("Repair process · node 2 of 5: service")
	s.text("2x")
	s.waitFor(`Timeout "2x" is not a duration`)
	s.keys("BSpace")
	s.text("d")
	s.waitFor("✓ 2d after a work order arrives")
	s.keys("C-s")
	scr = s.waitFor("Saved the service node of the Repair process: times out after 2d")
	if l := lineWith(scr, "  2  service"); !strings.Contains(l, "times out after 2d") {
		t.Errorf("the list should show the new timeout:\n%s", scr)
	}
	s.keys("q")
	s.waitFor("switchboard exited 0")

	var pf struct {
		Processes []struct {
			RecordType string `json:"record_type"`
			Nodes      []struct {
				Node    string `json:"node"`
				Timeout string `json:"timeout"`
			} `json:"nodes"`
		} `json:"processes"`
	}
	d.okJSON(&pf, "process", "show", "Repair", "--json")
	if len(pf.Processes) != 1 || pf.Processes[0].RecordType != "Repair" {
		t.Fatalf("process show Repair --json: %+v", pf)
	}
	var order []string
	timeouts := map[string]string{}
	for _, n := range pf.Processes[0].Nodes {
		order = append(order, n.Node)
		timeouts[n.Node] = n.Timeout
	}
	if want := []string{"dispatch", "service", "evaluation", "terminal-task", "follow-up"}; !slices.Equal(order, want) {
		t.Errorf("stored order %v, want %v", order, want)
	}
	if timeouts["service"] != "2d" {
		t.Errorf("service timeout %q, want 2d (all: %v)", timeouts["service"], timeouts)
	}
	for n, to := range timeouts {
		if n != "service" && to != "" {
			t.Errorf("%s got a timeout %q it was never given", n, to)
		}
	}
}
