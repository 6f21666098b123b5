package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/core"
)

// toTaskNode assigns work order number to a test engineer (created on first use)
// and completes the service node, so it waits at the terminal-task node.
func toTaskNode(t *testing.T, d *db, number string) {
	t.Helper()
	var eng struct {
		ID int `json:"id"`
	}
	if r := d.run("engineer", "list", "--json"); r.code == 0 && strings.Contains(r.stdout, `"id"`) {
		var es []struct {
			ID int `json:"id"`
		}
		if json.Unmarshal([]byte(r.stdout), &es) == nil && len(es) > 0 {
			eng.ID = es[0].ID
		}
	}
	if eng.ID == 0 {
		var p struct {
			ID int `json:"id"`
		}
		d.okJSON(&p, "provider", "add", "--name", "Acme", "--tenant-id", "T-ACME")
		d.okJSON(&eng, "engineer", "add", "--name", "Ann", "--provider", itoa(p.ID))
	}
	d.ok("dispatch", "assign", number, "--engineer", itoa(eng.ID))
	d.ok("wo", "advance", number)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestProcessCLI (R-FLOW-1, R-TASK-1, R-TASK-2, R-APP-3): export the processes,
// change the terminal-task node in the file, import it; a bad file changes
// nothing; the task is shown and filled on the customer's behalf; invitations
// follow the node's methods.
func TestProcessCLI(t *testing.T) {
	d := newDB(t)
	file := filepath.Join(t.TempDir(), "processes.json")
	d.ok("process", "export", file)
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var pf core.ProcessFile
	if err := json.Unmarshal(raw, &pf); err != nil || len(pf.Processes) != 4 || pf.Processes[0].RecordType != "Repair" {
		t.Fatalf("export: %v\n%s", err, raw)
	}
	pf.Processes[0].Nodes[2].Task = &core.TaskSettings{Mode: core.TaskOnBehalf, EditFields: []string{"phone"}}
	edited, _ := json.MarshalIndent(pf, "", "  ")
	if err := os.WriteFile(file, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	if out := d.ok("process", "import", file); !strings.Contains(out, "Repair, Installation, Maintenance, Inspection") {
		t.Fatalf("import: %s", out)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	_ = os.WriteFile(bad, []byte(`{"processes":[{"record_type":"Repair","nodes":[{"node":"service"}]}]}`), 0o644)
	r := d.run("process", "import", bad)
	if r.code != 1 || !strings.Contains(r.stderr, "needs the dispatch node") {
		t.Fatalf("bad import: %d %q", r.code, r.stderr)
	}
	show := d.ok("process", "show", "repair")
	if !strings.Contains(show, "3. terminal-task") || !strings.Contains(show, "customer edits phone") || !strings.Contains(show, "6. end") {
		t.Fatalf("process show:\n%s", show)
	}

	d.ok("wo", "create", "--subject", "Fridge", "--phone", "13800138000")
	toTaskNode(t, d, "1")
	if out := d.ok("wo", "task", "1", "--show"); !strings.Contains(out, `--field phone="13800138000"`) {
		t.Fatalf("task --show:\n%s", out)
	}
	r = d.run("invite", "1", "--via", "link")
	if r.code != 1 || !strings.Contains(r.stderr, "behalf") {
		t.Fatalf("invite on an on-behalf task: %d %q", r.code, r.stderr)
	}
	r = d.run("wo", "task", "1", "--field", "phone=call me")
	if r.code != 1 || !strings.Contains(strings.ToLower(r.stderr), "phone") {
		t.Fatalf("bad phone: %d %q", r.code, r.stderr)
	}
	r = d.run("wo", "task", "1", "--field", "subject=free")
	if r.code != 1 || !strings.Contains(r.stderr, "cannot be changed on this task") {
		t.Fatalf("closed field: %d %q", r.code, r.stderr)
	}
	out := d.ok("wo", "task", "1", "--field", "phone=139 0000 1111", "--comment", "by phone")
	if !strings.Contains(out, "now at the evaluation node") {
		t.Fatalf("wo task: %s", out)
	}
	var w struct {
		Phone   string `json:"phone"`
		History []struct {
			By     string `json:"by"`
			Detail string `json:"detail"`
		} `json:"history"`
	}
	d.okJSON(&w, "wo", "show", "1", "--json")
	last := w.History[len(w.History)-1]
	if w.Phone != "13900001111" || !strings.Contains(last.By, "behalf") || !strings.Contains(last.Detail, "by phone") {
		t.Fatalf("after wo task: %+v", w)
	}
	var timers []any
	d.okJSON(&timers, "timers", "--json")
	if len(timers) != 0 {
		t.Fatalf("timers %+v", timers)
	}
}

// TestReportCSATAlias (issue 6 item 6): `report csat` is the CSAT report the
// issue names, the same as `evaluation report`.
func TestReportCSATAlias(t *testing.T) {
	d := newDB(t)
	d.ok("demo", "--no-ui", "--work-orders", "200", "--seed", "3")
	a := d.ok("report", "csat", "--by", "provider", "--json")
	b := d.ok("evaluation", "report", "--by", "provider", "--json")
	if a != b || !strings.Contains(a, `"satisfied_pct"`) {
		t.Fatalf("report csat:\n%s\nevaluation report:\n%s", a, b)
	}
}
