package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/core"
)

// followUpDB is a database with three follow-up agents in team East (lead
// amy), a dispatcher, the plug-in on and the Repair process dispatch →
// service → follow-up (rotation among East).
func followUpDB(t *testing.T) *db {
	t.Helper()
	d := newDB(t)
	for _, u := range []string{"amy", "bob", "cai"} {
		d.ok("user", "add", "--login", u, "--name", strings.ToUpper(u), "--role", "follow-up")
	}
	d.ok("user", "add", "--login", "dora", "--name", "Dora", "--role", "dispatcher")
	d.ok("followup", "enable")
	d.ok("followup", "team", "add", "--name", "East", "--members", "amy,bob,cai", "--lead", "amy")
	pf := filepath.Join(t.TempDir(), "p.json")
	os.WriteFile(pf, []byte(`{"processes": [{"record_type": "Repair", "nodes": [{"node": "dispatch"}, {"node": "service"},
		{"node": "follow-up", "followup": {"mode": "standard", "type": "Standard", "people": {"team": "East"}}}]}]}`), 0o644)
	d.ok("process", "import", pf)
	d.ok("contact", "add", "--name", "王芳", "--phone", "138 0013 8000", "--account", "上海浦东仓储")
	return d
}

// TestFollowUpCLI (R-FU-1..5, R-APP-3): the CLI twins — enable, queue (JSON),
// record with the form's fields, callback, rotate, absent, reassign, rules of
// kind followup — and the role gate: a dispatcher is refused the queue with
// exit status 1 and the reason.
func TestFollowUpCLI(t *testing.T) {
	d := followUpDB(t)
	for i := 1; i <= 3; i++ {
		d.ok("wo", "create", "--subject", "Freezer not cooling", "--contact", "1")
		toTaskNode(t, d, itoa(i))
	}
	var q core.FollowUpQueue
	d.okJSON(&q, "--as", "amy", "followup", "queue", "--json")
	if q.Total != 1 || q.Tasks[0].Number != "WO-000001" || q.Tasks[0].Agent != "amy" || q.Tasks[0].Phone != "13800138000" {
		t.Fatalf("amy's queue: %+v", q)
	}
	d.okJSON(&q, "--as", "amy", "followup", "queue", "--all", "--json")
	if q.Total != 3 || q.Tasks[1].Agent != "bob" || q.Tasks[2].Agent != "cai" {
		t.Fatalf("lead's view of every queue: %+v", q)
	}
	d.okJSON(&q, "--as", "amy", "followup", "queue", "--all", "--offset", "1", "--limit", "1", "--json")
	if q.Total != 3 || q.Offset != 1 || len(q.Tasks) != 1 || q.Tasks[0].Agent != "bob" {
		t.Fatalf("a page of every queue: %+v", q)
	}
	if r := d.run("--as", "amy", "followup", "queue", "--offset", "-1"); r.code != 2 || !strings.Contains(r.stderr, "--offset and --limit take a number") {
		t.Fatalf("a negative offset: exit %d %q", r.code, r.stderr)
	}
	if r := d.run("followup", "queue", "--agent", "ghost"); r.code != 1 || !strings.Contains(r.stderr, `There is no user "ghost"`) {
		t.Fatalf("the queue of a user who does not exist: exit %d %q", r.code, r.stderr)
	}
	r := d.run("--as", "dora", "followup", "queue")
	if r.code != 1 || !strings.Contains(r.stderr, "ask an admin for the follow-up role") {
		t.Fatalf("dispatcher: exit %d %q", r.code, r.stderr)
	}
	if r := d.run("--as", "bob", "followup", "queue", "--agent", "amy"); r.code != 1 || !strings.Contains(r.stderr, "not a team lead") {
		t.Fatalf("bob looking at amy's queue: exit %d %q", r.code, r.stderr)
	}

	// Reached: the form's fields become a Service Evaluation record.
	out := d.ok("--as", "amy", "followup", "record", "1", "--outcome", "reached", "--field", "overall=5", "--field", "comment=很满意")
	if !strings.Contains(out, "evaluation 1 saved for WO-000001") {
		t.Fatalf("record: %s", out)
	}
	var st core.EvaluationStatus
	d.okJSON(&st, "evaluation", "list", "1", "--json")
	if len(st.Evaluations) != 1 || st.Evaluations[0].Via != "follow-up" || st.Evaluations[0].Score != 5 || st.Evaluations[0].By != "amy" {
		t.Fatalf("evaluation: %+v", st)
	}
	var w core.WorkOrder
	d.okJSON(&w, "wo", "show", "1", "--json")
	if w.Node != core.NodeEnd {
		t.Fatalf("the follow-up node did not complete: %s", w.Node)
	}
	if r := d.run("--as", "bob", "followup", "record", "2", "--outcome", "reached", "--field", "overall=9"); r.code != 1 || !strings.Contains(r.stderr, "from 1 to 5") {
		t.Fatalf("bad rating: %d %q", r.code, r.stderr)
	}
	if r := d.run("--as", "bob", "followup", "record", "2", "--outcome", "maybe"); r.code != 1 || !strings.Contains(r.stderr, "unknown") {
		t.Fatalf("bad outcome: %d %q", r.code, r.stderr)
	}
	out = d.ok("--as", "bob", "followup", "record", "2", "--outcome", "callback", "--at", "+3h")
	if !strings.Contains(out, "comes back at") {
		t.Fatalf("callback: %s", out)
	}
	var tasks []core.FollowUpTask
	d.okJSON(&tasks, "followup", "tasks", "2", "--json")
	if len(tasks) != 1 || tasks[0].NotBefore == nil || tasks[0].Attempts[0].Outcome != core.OutcomeCallback {
		t.Fatalf("tasks of WO-000002: %+v", tasks)
	}
	if r := d.run("--as", "bob", "followup", "next"); r.code != 1 || !strings.Contains(r.stderr, "No call is due") {
		t.Fatalf("next while the callback waits: %d %q", r.code, r.stderr)
	}
	// Reassign (the lead), absence, rotation.
	d.ok("--as", "amy", "followup", "reassign", "3", "--to", "bob")
	if r := d.run("--as", "cai", "followup", "reassign", "2", "--to", "cai"); r.code != 1 || !strings.Contains(r.stderr, "not a team lead") {
		t.Fatalf("cai reassigning: %d %q", r.code, r.stderr)
	}
	d.ok("followup", "rotate", "--team", "East", "--next", "cai")
	d.ok("followup", "absent", "cai")
	d.ok("wo", "create", "--subject", "Door stuck", "--contact", "1")
	toTaskNode(t, d, "4")
	d.okJSON(&tasks, "followup", "tasks", "4", "--json")
	if len(tasks) != 1 || tasks[0].Agent != "amy" {
		t.Fatalf("absent cai not skipped: %+v", tasks)
	}
	var state followUpState
	d.okJSON(&state, "followup", "show", "--json")
	if !state.Config.Enabled || len(state.Teams) != 1 || state.Teams[0].NextUp() != "bob" || len(state.Absences) != 1 {
		t.Fatalf("show: %+v", state)
	}
	if r := d.run("--as", "dora", "followup", "rotate", "--team", "East", "--next", "amy"); r.code != 1 {
		t.Fatalf("dispatcher rotated: %d", r.code)
	}
	// Follow-up rules share the rule commands.
	d.ok("rule", "add", "--kind", "followup", "--name", "Installs", "--when", `record_type == "Installation"`, "--type", "Detailed", "--staff", "bob")
	if out := d.ok("rule", "list", "--kind", "followup"); !strings.Contains(out, "Installs") || !strings.Contains(out, "Detailed") || !strings.Contains(out, "bob") {
		t.Fatalf("rule list: %s", out)
	}
	if r := d.run("rule", "add", "--kind", "followup", "--name", "x", "--when", "true"); r.code != 2 {
		t.Fatalf("a follow-up rule without people: %d %q", r.code, r.stderr)
	}
	// The dialer: a hostile template is refused; a real command runs.
	if r := d.run("followup", "dialer", "set", "--command", "sh -c 'call {phone}'"); r.code != 1 || !strings.Contains(r.stderr, "shell") {
		t.Fatalf("shell dialer: %d %q", r.code, r.stderr)
	}
	d.ok("followup", "dialer", "set", "--command", "/bin/echo dial {phone}")
	if out := d.ok("--as", "bob", "followup", "call", "3"); !strings.Contains(out, "Calling 13800138000 for task 3 (command: ran /bin/echo)") {
		t.Fatalf("call: %s", out)
	}
	// Off: the next work order passes the node.
	d.ok("followup", "disable")
	d.ok("wo", "create", "--subject", "Leak", "--contact", "1")
	toTaskNode(t, d, "5")
	d.okJSON(&w, "wo", "show", "5", "--json")
	if w.Node != core.NodeEnd || !strings.Contains(w.History[len(w.History)-2].Detail+w.History[len(w.History)-1].Detail, "plug-in is off") {
		t.Fatalf("with the plug-in off: %s %+v", w.Node, w.History[len(w.History)-1])
	}
}
