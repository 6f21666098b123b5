package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/core"
)

// TestFollowUpConsoleEndToEnd (R-FU-2, R-FU-5, issue 7): the real binary under
// tmux, as follow-up agent amy with three tasks: the Follow-up section's next
// call dials through the configured command (a real process that leaves a
// file named after the number), the first customer is reached and rated in
// the follow-up form, the second does not answer, the third asks to be called
// back; after the console quits the CLI finds the records in the store.
func TestFollowUpConsoleEndToEnd(t *testing.T) {
	needTmux(t)
	d := newDB(t)
	d.ok("user", "add", "--login", "amy", "--name", "Amy Lee", "--role", "follow-up")
	d.ok("followup", "enable")
	calls := t.TempDir()
	d.ok("followup", "dialer", "set", "--command", "/usr/bin/touch "+filepath.Join(calls, "called-{phone}"))
	pf := filepath.Join(t.TempDir(), "p.json")
	os.WriteFile(pf, []byte(`{"processes": [{"record_type": "Repair", "nodes": [{"node": "dispatch"}, {"node": "service"},
		{"node": "follow-up", "followup": {"type": "Standard", "people": {"staff": ["amy"]}}}]}]}`), 0o644)
	d.ok("process", "import", pf)
	d.ok("contact", "add", "--name", "王芳", "--phone", "13800138000", "--account", "上海浦东仓储")
	d.ok("contact", "add", "--name", "Maria Schmidt", "--phone", "+44 20 7946 0000", "--account", "Acme Facilities")
	for i, c := range []string{"1", "2", "1"} {
		d.ok("wo", "create", "--subject", []string{"Freezer not cooling", "Boiler pressure drops", "Door stuck"}[i], "--contact", c)
		toTaskNode(t, d, itoa(i+1))
	}

	s := startTmux(t, d.home, binary, "--db", d.path, "--as", "amy")
	s.waitFor("WO-000003")
	s.keys("<") // Follow-up is the last section a follow-up agent sees
	s.waitForAll("Follow-up call queue", "3 task(s)")

	// 1: reached, rated 4 with a comment.
	s.keys("n")
	s.waitForAll("Call 王芳", "Dialled 13800138000")
	s.keys("r")
	s.waitFor("Follow-up form (Standard)")
	s.keys("4")
	s.waitFor("4/5")
	s.keys("Tab")
	s.text("Fixed the same day")
	s.keys("C-s")
	s.waitFor("WO-000001: reached; evaluation 1 saved.")

	// 2: no answer.
	s.waitFor("2 task(s)")
	s.keys("n")
	s.waitForAll("Call Maria Schmidt", "Dialled +442079460000")
	s.keys("a")
	s.waitFor("WO-000002: no-answer (attempt 1 of 3)")

	// 3: call back in two hours.
	s.keys("n")
	s.waitFor("Call 王芳")
	s.waitFor("Door stuck")
	s.keys("c")
	s.waitFor("Call back at:")
	s.text("+2h")
	s.keys("Enter")
	s.waitFor("WO-000003: call back at")
	s.keys("n")
	s.waitFor("No call is due in amy's queue now.")
	s.keys("q")
	s.waitFor("switchboard exited 0")

	var st core.EvaluationStatus
	d.okJSON(&st, "evaluation", "list", "1", "--json")
	if len(st.Evaluations) != 1 || st.Evaluations[0].Score != 4 || st.Evaluations[0].Via != core.EvalViaFollowUp || st.Evaluations[0].By != "amy" ||
		st.Evaluations[0].Answers[1].Text != "Fixed the same day" {
		t.Fatalf("evaluation of WO-000001: %+v", st)
	}
	want := map[string]struct {
		status  core.FollowUpStatus
		outcome core.Outcome
	}{"1": {core.FollowUpDone, core.OutcomeReached}, "2": {core.FollowUpOpen, core.OutcomeNoAnswer}, "3": {core.FollowUpOpen, core.OutcomeCallback}}
	for n, w := range want {
		var ts []core.FollowUpTask
		d.okJSON(&ts, "followup", "tasks", n, "--json")
		if len(ts) != 1 || ts[0].Status != w.status || len(ts[0].Attempts) != 1 || ts[0].Attempts[0].Outcome != w.outcome || ts[0].Attempts[0].By != "amy" {
			t.Fatalf("tasks of WO-00000%s: %+v", n, ts)
		}
	}
	var wo core.WorkOrder
	d.okJSON(&wo, "wo", "show", "1", "--json")
	if wo.Node != core.NodeEnd || !strings.Contains(wo.History[len(wo.History)-3].Detail+wo.History[len(wo.History)-2].Detail+wo.History[len(wo.History)-1].Detail, "reached") {
		t.Fatalf("WO-000001 after the call: %s %+v", wo.Node, wo.History[len(wo.History)-3:])
	}
	for _, p := range []string{"13800138000", "+442079460000"} {
		if _, err := os.Stat(filepath.Join(calls, "called-"+p)); err != nil {
			t.Errorf("the dial command did not run for %s: %v", p, err)
		}
	}
}
