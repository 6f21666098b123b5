package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestDispatchCLI drives issue 3's CLI twins (SPEC §11): provider add, engineer add,
// rule add|list|move|test, dispatch run|assign, and checks every R-WO-2 field in
// `wo show --json` for automatic and manual assignment.
func TestDispatchCLI(t *testing.T) {
	d := newDB(t)
	d.ok("user", "add", "--login", "dora", "--name", "Dora", "--role", "dispatcher")
	d.ok("user", "add", "--login", "carl", "--name", "Carl", "--role", "call-center")
	var p map[string]any
	d.okJSON(&p, "provider", "add", "--name", "北方维保", "--tenant-id", "T-NORTH")
	var ann, bob map[string]any
	d.okJSON(&ann, "engineer", "add", "--name", "Ann", "--provider", jsonID(p["id"]), "--region", "North")
	d.okJSON(&bob, "engineer", "add", "--name", "Bob", "--provider", jsonID(p["id"]), "--region", "North")

	// A bad condition: exit 1, one sentence with the position, nothing saved.
	r := d.run("rule", "add", "--kind", "dispatch", "--name", "typo", "--when", `regoin == "North"`, "--engineer", jsonID(ann["id"]))
	if r.code != 1 || !strings.Contains(r.stderr, "1:1") || !strings.Contains(r.stderr, "unknown name regoin") || strings.Count(strings.TrimSpace(r.stderr), "\n") > 1 {
		t.Fatalf("bad condition: exit %d, stderr %q", r.code, r.stderr)
	}
	r = d.run("rule", "add", "--kind", "dispatch", "--name", "wrong type", "--when", `priority == 3`, "--engineer", jsonID(ann["id"]))
	if r.code != 1 || !strings.Contains(r.stderr, "mismatched types") {
		t.Fatalf("wrong type: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := d.run("--as", "carl", "rule", "add", "--name", "x", "--when", "true", "--engineer", jsonID(ann["id"])); r.code != 1 || !strings.Contains(r.stderr, "dispatcher") {
		t.Fatalf("call-center adding a rule: exit %d, stderr %q", r.code, r.stderr)
	}
	var none []any
	d.okJSON(&none, "rule", "list", "--kind", "dispatch", "--json")
	if len(none) != 0 {
		t.Fatalf("refused rules were saved: %v", none)
	}

	var r1, r2 map[string]any
	d.okJSON(&r1, "--as", "dora", "rule", "add", "--kind", "dispatch", "--name", "urgent north", "--when", `region == "North" && priority == "urgent"`, "--engineer", jsonID(bob["id"]))
	d.okJSON(&r2, "--as", "dora", "rule", "add", "--kind", "dispatch", "--name", "north", "--when", `region == "North"`, "--engineer", jsonID(ann["id"])+","+jsonID(bob["id"]), "--policy", "round-robin")
	if r1["priority"] != float64(1) || r2["priority"] != float64(2) || r1["id"] == nil {
		t.Fatalf("rule add: %v %v", r1, r2)
	}

	// Automatic: the first matching rule in priority order assigns on creation.
	var auto map[string]any
	d.okJSON(&auto, "--as", "carl", "wo", "create", "--subject", "冷库温度报警", "--region", "North", "--priority", "urgent")
	d.okJSON(&auto, "wo", "show", auto["number"].(string), "--json")
	wantFields(t, "automatic", auto, map[string]any{
		"status": "assigned", "node": "service", "assign_user": "", "assign_way__c": "auto",
		"field_partner__c": p["id"], "field_fwssf__c": p["id"], "field_outDealUser__c": bob["id"],
		"field_downstreamOuterTenantName__c": "北方维保", "field_downstreamOuterTenantId__c": "T-NORTH",
	})
	if auto["assign_time__c"] == nil {
		t.Error("automatic: assign_time__c is not set")
	}

	// Re-order: "north" first; the same kind of work order now goes to its pool.
	var moved []map[string]any
	d.okJSON(&moved, "--as", "dora", "rule", "move", jsonID(r2["id"]), "--to", "1", "--json")
	var listed []map[string]any
	d.okJSON(&listed, "rule", "list", "--kind", "dispatch", "--json")
	if len(listed) != 2 || listed[0]["name"] != "north" || listed[1]["name"] != "urgent north" || listed[0]["priority"] != float64(1) {
		t.Fatalf("after move: %v", listed)
	}
	var second map[string]any
	d.okJSON(&second, "wo", "create", "--subject", "Ice machine down", "--region", "North", "--priority", "urgent")
	if second["field_outDealUser__c"] != ann["id"] {
		t.Errorf("after the move the round-robin pool should take it (Ann first), got %v", second["field_outDealUser__c"])
	}

	// Manual: no rule matches a South work order; the history says why.
	var manual map[string]any
	d.okJSON(&manual, "wo", "create", "--subject", "Boiler noise", "--region", "South")
	num := manual["number"].(string)
	out := d.ok("rule", "test", jsonID(r1["id"]), num)
	if !strings.Contains(out, "does not match") || !strings.Contains(out, `region is "South"`) {
		t.Errorf("rule test: %q", out)
	}
	var run map[string]int
	d.okJSON(&run, "--as", "dora", "dispatch", "run", "--json")
	if run["assigned"] != 0 || run["manual"] != 1 {
		t.Errorf("dispatch run: %v", run)
	}
	d.okJSON(&manual, "wo", "show", num, "--json")
	hist, _ := json.Marshal(manual["history"])
	if !strings.Contains(string(hist), "no automatic dispatch rule matched (2 tried)") {
		t.Errorf("the history should say why it waits: %s", hist)
	}
	if r := d.run("--as", "carl", "dispatch", "assign", num, "--engineer", jsonID(ann["id"])); r.code != 1 || !strings.Contains(r.stderr, "dispatcher") {
		t.Fatalf("call-center assigning: exit %d, stderr %q", r.code, r.stderr)
	}
	stale := manual["version"].(float64)
	d.ok("--as", "dora", "dispatch", "assign", num, "--engineer", jsonID(ann["id"]), "--version", jsonID(stale))
	d.okJSON(&manual, "wo", "show", num, "--json")
	wantFields(t, "manual", manual, map[string]any{
		"status": "assigned", "node": "service", "assign_user": "dora", "assign_way__c": "manual",
		"field_partner__c": p["id"], "field_fwssf__c": p["id"], "field_outDealUser__c": ann["id"],
		"field_downstreamOuterTenantName__c": "北方维保", "field_downstreamOuterTenantId__c": "T-NORTH",
	})
	// A second dispatcher working from the old version is told who took it.
	r = d.run("dispatch", "assign", num, "--engineer", jsonID(bob["id"]), "--version", jsonID(stale))
	if r.code != 1 || !strings.Contains(r.stderr, "dora") {
		t.Fatalf("stale assignment: exit %d, stderr %q", r.code, r.stderr)
	}
	var tasks []map[string]any
	d.okJSON(&tasks, "dispatch", "tasks", jsonID(ann["id"]), "--json")
	if len(tasks) != 2 || tasks[0]["number"] != num {
		t.Errorf("Ann's inbox: %v", tasks)
	}
}

func wantFields(t *testing.T, what string, got map[string]any, want map[string]any) {
	t.Helper()
	for k, v := range want {
		g := got[k]
		if g == nil {
			g = ""
		}
		if g != v {
			t.Errorf("%s: %s is %v, want %v", what, k, got[k], v)
		}
	}
}

// TestLifecycleCLI: wo advance walks the default process to the end; wo terminate
// needs a reason; closed work orders refuse both.
func TestLifecycleCLI(t *testing.T) {
	d := newDB(t)
	var p, e, w map[string]any
	d.okJSON(&p, "provider", "add", "--name", "Acme", "--tenant-id", "T-1")
	d.okJSON(&e, "engineer", "add", "--name", "Ann", "--provider", jsonID(p["id"]))
	d.okJSON(&w, "wo", "create", "--subject", "Fridge")
	num := w["number"].(string)
	if r := d.run("wo", "advance", num); r.code != 1 || !strings.Contains(r.stderr, "dispatch assign") {
		t.Fatalf("advance at dispatch: exit %d %q", r.code, r.stderr)
	}
	d.ok("dispatch", "assign", num, "--engineer", jsonID(e["id"]))
	want := []string{"terminal-task in-progress", "evaluation in-progress", "end completed"} // follow-up: its plug-in is off (R-FU-1)
	for i, st := range want {
		d.okJSON(&w, "wo", "advance", num, "--note", "step", "--json")
		if got := w["node"].(string) + " " + w["status"].(string); got != st {
			t.Fatalf("advance %d: %s, want %s", i+1, got, st)
		}
	}
	if r := d.run("wo", "advance", num); r.code != 1 || !strings.Contains(r.stderr, "completed") {
		t.Fatalf("advance a completed work order: exit %d %q", r.code, r.stderr)
	}
	d.okJSON(&w, "wo", "create", "--subject", "Duplicate")
	num = w["number"].(string)
	if r := d.run("wo", "terminate", num, "--reason", "  "); r.code != 1 {
		t.Fatalf("terminate without a reason: exit %d %q", r.code, r.stderr)
	}
	d.okJSON(&w, "wo", "terminate", num, "--reason", "duplicate of WO-000001", "--json")
	if w["status"] != "terminated" || w["node"] != "terminated" {
		t.Fatalf("terminate: %v %v", w["status"], w["node"])
	}
	hist, _ := json.Marshal(w["history"])
	if !strings.Contains(string(hist), "terminated at the dispatch node: duplicate of WO-000001") {
		t.Errorf("history: %s", hist)
	}
	if r := d.run("wo", "terminate", num, "--reason", "again"); r.code != 1 || !strings.Contains(r.stderr, "already terminated") {
		t.Fatalf("terminate twice: exit %d %q", r.code, r.stderr)
	}
}

// TestConcurrentAssignOneWins (issue 18, item 4): eight `dispatch assign` of
// one work order at once, through the server as dispatchers' commands go:
// exactly one exits 0, the seven others exit 1 saying who took it, and the
// history has one assignment. --reassign then takes it on purpose, recorded
// as a reassignment.
func TestConcurrentAssignOneWins(t *testing.T) {
	d := newDB(t)
	d.ok("provider", "add", "--name", "Acme", "--tenant-id", "T-1")
	for _, n := range []string{"A", "B", "C", "D"} {
		d.ok("engineer", "add", "--name", n, "--provider", "1")
	}
	d.ok("wo", "create", "--subject", "contested")
	d.ok("server", "start", "--listen", "127.0.0.1:0")
	var wg sync.WaitGroup
	results := make([]result, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = d.run("dispatch", "assign", "1", "--engineer", fmt.Sprint(1+i%4))
		}()
	}
	wg.Wait()
	won := 0
	for _, r := range results {
		switch {
		case r.code == 0:
			won++
		case r.code == 1 && strings.Contains(r.stderr, "WO-000001 was taken by admin at") && strings.Contains(r.stderr, "--reassign"):
		case r.code == 1 && strings.Contains(r.stderr, "is already assigned to"):
		default:
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
	}
	if won != 1 {
		t.Fatalf("%d of 8 concurrent assignments won, want exactly 1", won)
	}
	var w map[string]any
	d.okJSON(&w, "wo", "show", "1", "--json")
	assigned := 0
	for _, e := range w["history"].([]any) {
		if e.(map[string]any)["kind"] == "assigned" {
			assigned++
		}
	}
	if assigned != 1 {
		t.Fatalf("%d assignments in the history, want 1", assigned)
	}
	other := "1"
	if w["field_outDealUser__c"].(float64) == 1 {
		other = "2"
	}
	out := d.ok("dispatch", "assign", "1", "--engineer", other, "--reassign")
	if !strings.Contains(out, "assigned to") {
		t.Fatalf("reassign: %q", out)
	}
	d.okJSON(&w, "wo", "show", "1", "--json")
	h := w["history"].([]any)
	if last := h[len(h)-1].(map[string]any)["detail"].(string); !strings.Contains(last, "reassigned by hand; previously") {
		t.Fatalf("the reassignment is not recorded as one: %q", last)
	}
}
