package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestConsoleRulesReorderEndToEnd is issue 3's end-to-end test of the rules
// screen (R-DISP-6): two dispatch rules are added with the CLI, the real console
// runs under tmux, the Rules section (key 3) re-orders them from the keyboard —
// K and shift+↑ — and, once the console has quit, `rule list --json` shows the
// new order.
func TestConsoleRulesReorderEndToEnd(t *testing.T) {
	needTmux(t)
	d := newDB(t)
	d.ok("demo", "--no-ui", "--work-orders", "60", "--now", "2026-11-02T09:30:00Z")

	var engineers []struct {
		ID   uint64 `json:"id"`
		Name string `json:"name"`
	}
	d.okJSON(&engineers, "engineer", "list", "--json")
	if len(engineers) < 2 {
		t.Fatalf("the demo should have engineers, got %v", engineers)
	}
	type rule struct {
		ID       uint64 `json:"id"`
		Name     string `json:"name"`
		Priority int    `json:"priority"`
	}
	var first, second rule
	d.okJSON(&first, "rule", "add", "--kind", "dispatch", "--name", "E2E first", "--when", `region == "East" && priority == "urgent"`,
		"--engineer", fmt.Sprint(engineers[0].ID))
	d.okJSON(&second, "rule", "add", "--kind", "dispatch", "--name", "E2E second", "--when", `subject contains "E2E"`,
		"--engineer", fmt.Sprint(engineers[1].ID))
	var before []rule
	d.okJSON(&before, "rule", "list", "--kind", "dispatch", "--json")
	n := len(before)
	if n < 2 || before[n-2].ID != first.ID || before[n-1].ID != second.ID {
		t.Fatalf("the two rules should be last, in the order added: %+v", before)
	}

	s := startTmux(t, d.home, binary, "--db", d.path)
	s.waitFor("sort newest first") // the list is up (the header may shorten "Work orders")
	s.keys("3")
	s.waitFor("Dispatch rules")
	s.waitFor("E2E second")
	// The cursor starts on the first rule; G goes to the last, the second new one.
	s.keys("G")
	s.waitFor(fmt.Sprintf(`rule "E2E second" (id %d)`, second.ID))
	// K moves it above the first new one …
	s.keys("K")
	s.waitFor(fmt.Sprintf(`Moved rule "E2E second" (id %d) to priority %d.`, second.ID, n-1))
	// … and shift+↑, pressed without waiting, all the way to the top.
	for range n - 2 {
		s.keys("S-Up")
	}
	scr := s.waitFor(fmt.Sprintf(`Moved rule "E2E second" (id %d) to priority 1.`, second.ID))
	if l := lineWith(scr, "E2E second"); !strings.HasPrefix(l, ">   1 ") {
		t.Errorf("the moved rule should be first, under the cursor:\n%s", scr)
	}
	s.keys("q")
	s.waitFor("switchboard exited 0")

	var after []rule
	d.okJSON(&after, "rule", "list", "--kind", "dispatch", "--json")
	var ids []uint64
	for i, r := range after {
		ids = append(ids, r.ID)
		if r.Priority != i+1 {
			t.Errorf("rule %d at position %d has priority %d", r.ID, i+1, r.Priority)
		}
	}
	want := []uint64{second.ID}
	for _, r := range before[:n-1] {
		want = append(want, r.ID)
	}
	if !slices.Equal(ids, want) {
		t.Fatalf("rule order after the console: %v, want %v (E2E second first, the rest in their old order)", ids, want)
	}
}

// lineWith returns the first line of screen containing s.
func lineWith(screen, s string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}
