package main

import (
	"strings"
	"testing"
)

// TestConsoleDisablePresetEndToEnd (issue 4): in the real console under tmux an
// admin opens the notifications (5), moves to "Work order submitted" × Email,
// switches it off with space and quits; a work order created afterwards queues no
// email, while one created before did. Without tmux it fails under CI=true.
func TestConsoleDisablePresetEndToEnd(t *testing.T) {
	needTmux(t)
	d := newDB(t)
	// Port 1 refuses connections: the console's outbox worker tries and waits.
	d.ok("notify", "channel", "set", "email", "--enable", "host=127.0.0.1", "port=1", "from=service@example.com")
	d.ok("wo", "create", "--subject", "before", "--email", "maria@acme.example")
	var before []map[string]any
	d.okJSON(&before, "notify", "outbox", "--wo", "WO-000001", "--json")
	if len(before) != 1 || before[0]["channel"] != "email" || before[0]["event"] != "submitted" {
		t.Fatalf("the control work order queued %v", before)
	}

	s := startTmux(t, d.home, binary, "--db", d.path)
	s.waitFor("WO-000001")
	s.keys("5")
	s.waitFor("preset matrix")
	// WeChat → Mini program → SMS → Email, one key at a time (keys typed in one
	// burst arrive as one "lll").
	s.keys("l")
	s.waitFor("Work order submitted · Mini program")
	s.keys("Right")
	s.waitFor("Work order submitted · SMS")
	s.keys("l")
	scr := s.waitFor("Work order submitted · Email")
	if !strings.Contains(scr, "[x] on") {
		t.Fatalf("the matrix shows no enabled preset:\n%s", scr)
	}
	s.keys("Space")
	scr = s.waitFor("Work order submitted on Email is off.")
	if !strings.Contains(scr, "[ ] off") {
		t.Errorf("the cell did not turn off:\n%s", scr)
	}
	s.keys("6")
	s.waitFor("every message and its outcome")
	// The rows load after the title shows: wait for the control message itself.
	s.waitFor("WO-000001")
	s.keys("q")
	s.waitFor("switchboard exited 0")

	d.ok("wo", "create", "--subject", "after", "--email", "maria@acme.example")
	var after []map[string]any
	d.okJSON(&after, "notify", "outbox", "--wo", "WO-000002", "--json")
	if len(after) != 0 {
		t.Fatalf("a disabled preset still queued %v", after)
	}
	var presets []map[string]any
	d.okJSON(&presets, "notify", "presets", "--json")
	for _, p := range presets {
		if p["event"] == "submitted" && p["channel"] == "email" && p["enabled"] != false {
			t.Errorf("presets --json says submitted/email is %v", p["enabled"])
		}
	}
	var ctl []map[string]any
	d.okJSON(&ctl, "notify", "outbox", "--wo", "WO-000001", "--json")
	if len(ctl) != 1 || ctl[0]["state"] == "sent" {
		t.Errorf("the control message should still be waiting for the unreachable server: %v", ctl)
	}
}
