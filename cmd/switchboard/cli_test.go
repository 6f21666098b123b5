package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/store"
)

// specKeys are the work-order JSON keys fixed by SPEC §11.
var specKeys = strings.Fields(`number subject description record_type priority status node channel
	account_id contact_id phone email region device_code out_owner created_by created_at version
	assign_user assign_way__c assign_time__c field_partner__c field_fwssf__c field_outDealUser__c
	field_downstreamOuterTenantName__c field_downstreamOuterTenantId__c history`)

// TestRoundTrip (R-APP-3, R-WO-4): people and work orders made with the CLI come
// back from wo list and wo show with the SPEC's keys and the right owner.
func TestRoundTrip(t *testing.T) {
	d := newDB(t)
	var c map[string]any
	d.okJSON(&c, "contact", "add", "--name", "王伟", "--phone", "138 0013 8000", "--account", "上海华东制冷设备有限公司", "--terminal-user")
	if c["id"] == nil || c["terminal_user_id"] == nil || c["account_id"] == nil {
		t.Fatalf("contact add printed %v; want id, terminal_user_id and account_id", c)
	}
	var tu map[string]any
	d.okJSON(&tu, "terminal-user", "add", "--name", "Mary Smith", "--email", "mary@northwind.example.com")
	if tu["id"] == nil {
		t.Fatalf("terminal-user add printed %v; want an id", tu)
	}
	var plain map[string]any
	d.okJSON(&plain, "contact", "add", "--name", "Mary S.", "--email", "MARY@northwind.example.com")
	if plain["terminal_user_id"] != nil {
		t.Fatalf("a contact without --terminal-user got terminal user %v", plain["terminal_user_id"])
	}

	var w1, w2 map[string]any
	d.okJSON(&w1, "wo", "create", "--subject", "冷库压缩机无法启动", "--contact", jsonID(c["id"]), "--priority", "high", "--type", "repair", "--device", "SHZL-0001")
	d.okJSON(&w2, "wo", "create", "--subject", "Ice machine leaking", "--contact", jsonID(plain["id"]), "--channel", "call-center", "--region", "North")
	for _, k := range specKeys {
		if _, ok := w1[k]; !ok {
			t.Errorf("wo create JSON has no %q", k)
		}
	}
	if w1["number"] != "WO-000001" || w2["number"] != "WO-000002" {
		t.Fatalf("numbers %v, %v; want WO-000001, WO-000002", w1["number"], w2["number"])
	}
	if w1["out_owner"] != c["terminal_user_id"] || w1["record_type"] != "Repair" || w1["priority"] != "high" {
		t.Errorf("WO-000001: out_owner %v (want %v), record_type %v, priority %v", w1["out_owner"], c["terminal_user_id"], w1["record_type"], w1["priority"])
	}
	if w2["out_owner"] != tu["id"] || !strings.Contains(w2["out_owner_rule"].(string), "case 4") {
		t.Errorf("WO-000002: out_owner %v by %q; want terminal user %v by email (case 4)", w2["out_owner"], w2["out_owner_rule"], tu["id"])
	}

	if got := d.numbers(); strings.Join(got, " ") != "WO-000002 WO-000001" {
		t.Fatalf("wo list --json numbers %v; want newest first", got)
	}
	var shown map[string]any
	d.okJSON(&shown, "wo", "show", "1", "--json")
	for _, k := range specKeys {
		if _, ok := shown[k]; !ok {
			t.Errorf("wo show --json has no %q", k)
		}
	}
	hist, _ := shown["history"].([]any)
	if len(hist) < 2 {
		t.Fatalf("history %v; want created and owner events", shown["history"])
	}
	for _, e := range hist {
		ev := e.(map[string]any)
		for _, k := range []string{"at", "by", "channel", "kind", "detail"} {
			if _, ok := ev[k]; !ok {
				t.Errorf("history event %v has no %q", ev, k)
			}
		}
	}
	if shown["subject"] != "冷库压缩机无法启动" || shown["device_code"] != "SHZL-0001" || shown["created_by"] != "admin" {
		t.Errorf("wo show: %v", shown)
	}

	// The human forms work too, and the table lines up Chinese text.
	out := d.ok("wo", "show", "WO-000001")
	for _, want := range []string{"WO-000001  冷库压缩机无法启动", "上海华东制冷设备有限公司", "History (3)", "R-WO-4 case 2", "manual queue"} {
		if !strings.Contains(out, want) {
			t.Errorf("wo show lacks %q:\n%s", want, out)
		}
	}
	table := d.ok("wo", "list")
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if len(lines) != 4 || !strings.HasSuffix(lines[3], "2 work orders") {
		t.Fatalf("wo list:\n%s", table)
	}
	col := displayCol(lines[0], "CREATED")
	for _, l := range lines[1:3] {
		// the line ends in the creation time, "2006-01-02 15:04"
		if got := widthOf(l[:len(l)-16]); got != col {
			t.Errorf("CREATED column misaligned (%d vs %d):\n%s", got, col, table)
		}
	}
}

// TestInvalidInputWritesNothing (R-CLI): bad input is one sentence on stderr, exit
// status 1, and the database is unchanged.
func TestInvalidInputWritesNothing(t *testing.T) {
	d := newDB(t)
	d.ok("wo", "create", "--subject", "A good one")
	cases := map[string][]string{
		"empty subject":                        {"wo", "create", "--subject", "  "},
		"bad phone":                            {"wo", "create", "--subject", "x", "--phone", "12ab"},
		"bad email":                            {"wo", "create", "--subject", "x", "--email", "nobody"},
		"unknown contact":                      {"wo", "create", "--subject", "x", "--contact", "99"},
		"bad contact id":                       {"wo", "create", "--subject", "x", "--contact", "abc"},
		"bad priority":                         {"wo", "create", "--subject", "x", "--priority", "asap"},
		"bad type":                             {"wo", "create", "--subject", "x", "--type", "Demolition"},
		"bad channel":                          {"wo", "create", "--subject", "x", "--channel", "web"},
		"several wrongs":                       {"wo", "create", "--subject", "", "--priority", "asap", "--phone", "1"},
		"unknown user":                         {"--as", "nobody", "wo", "create", "--subject", "x"},
		"no such wo":                           {"wo", "show", "WO-000042"},
		"bad number":                           {"wo", "show", "forty-two"},
		"bad status":                           {"wo", "list", "--status", "open"},
		"bad sort":                             {"wo", "list", "--sort", "colour"},
		"terminal user without phone or email": {"terminal-user", "add", "--name", "X"},
		"bad role":                             {"user", "add", "--login", "bob", "--name", "Bob", "--role", "boss"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			r := d.run(args...)
			if r.code != 1 {
				t.Fatalf("exit %d, want 1; stderr: %s", r.code, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "switchboard: ") || len(lines[0]) < 30 {
				t.Errorf("stderr %q: want one clear sentence", r.stderr)
			}
		})
	}
	if got := d.numbers(); len(got) != 1 {
		t.Fatalf("after bad input the database has %v; want only the first work order", got)
	}
	// A forbidden action is refused the same way.
	d.ok("user", "add", "--login", "amy", "--name", "Amy Lee", "--role", "follow-up")
	r := d.run("--as", "amy", "wo", "create", "--subject", "x")
	if r.code != 1 || !strings.Contains(r.stderr, "may not create work orders") {
		t.Fatalf("follow-up agent creating a work order: exit %d, %q", r.code, r.stderr)
	}
}

// TestUsageErrors: mistakes in calling a command exit 2 with a line and a pointer to help.
func TestUsageErrors(t *testing.T) {
	d := newDB(t)
	cases := map[string][]string{
		"unknown flag":     {"wo", "list", "--colour"},
		"missing required": {"wo", "create", "--priority", "high"},
		"missing argument": {"wo", "show"},
		"extra argument":   {"wo", "show", "1", "2"},
		"unknown command":  {"frobnicate"},
		"unknown sub":      {"wo", "frobnicate"},
		"bare group":       {"wo"},
		"bad int":          {"wo", "list", "--limit", "many"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			r := d.run(args...)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2; stderr: %s", r.code, r.stderr)
			}
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if len(lines) != 2 || !strings.HasPrefix(lines[0], "switchboard: ") || !strings.HasPrefix(lines[1], "see 'switchboard") {
				t.Errorf("stderr %q: want one line and a pointer to --help", r.stderr)
			}
		})
	}
	if r := d.run("wo", "create", "--help"); r.code != 0 || !strings.Contains(r.stdout, "--subject") {
		t.Errorf("wo create --help: exit %d\n%s", r.code, r.stdout)
	}
	if r := d.run("--version"); r.code != 0 || !strings.Contains(r.stdout, "switchboard") {
		t.Errorf("--version: exit %d %q", r.code, r.stdout)
	}
}

// TestLockedDatabase: a database open in another process gives the "in use"
// sentence and exit status 1, quickly.
func TestLockedDatabase(t *testing.T) {
	d := newDB(t)
	d.ok("wo", "create", "--subject", "first")
	st, err := store.Open(d.path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r := d.run("wo", "list")
	if r.code != 1 || !strings.Contains(r.stderr, "is in use by another switchboard process") || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("exit %d, stderr %q; want the in-use sentence and exit 1", r.code, r.stderr)
	}
}

// TestBackup: the copy opens on its own and has the same work orders; the live
// database cannot be the target.
func TestBackup(t *testing.T) {
	d := newDB(t)
	d.ok("demo", "--no-ui", "--work-orders", "50", "--seed", "3")
	file := filepath.Join(d.home, "copy.db")
	out := d.ok("backup", file)
	if !strings.Contains(out, "50 work orders") {
		t.Errorf("backup said %q", out)
	}
	if _, err := os.Stat(file + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("backup left %s.tmp behind", file)
	}
	copyDB := &db{t: t, home: d.home, path: file}
	if a, b := strings.Join(d.numbers(), " "), strings.Join(copyDB.numbers(), " "); a != b || a == "" {
		t.Fatalf("backup has %q, live database %q", b, a)
	}
	if r := d.run("backup", d.path); r.code != 1 || !strings.Contains(r.stderr, "live database") {
		t.Fatalf("backup onto the live database: exit %d, %q", r.code, r.stderr)
	}
}

// TestDemoReproducible: the same seed and time give byte-identical work orders.
func TestDemoReproducible(t *testing.T) {
	a, b := newDB(t), newDB(t)
	args := []string{"demo", "--no-ui", "--seed", "7", "--work-orders", "300", "--now", "2026-11-02T09:30:00Z"}
	if out := a.ok(args...); !strings.HasPrefix(out, "demo: ") || !strings.Contains(out, "300 work orders") {
		t.Fatalf("demo printed %q", out)
	}
	b.ok(args...)
	la, lb := a.ok("wo", "list", "--json"), b.ok("wo", "list", "--json")
	if la != lb {
		t.Fatal("two demos with seed 7 list different work orders")
	}
	var rows []json.RawMessage
	if err := json.Unmarshal([]byte(la), &rows); err != nil || len(rows) != 300 {
		t.Fatalf("wo list --json: %d rows, %v", len(rows), err)
	}
	if a.ok("wo", "show", "300", "--json") != b.ok("wo", "show", "300", "--json") {
		t.Fatal("WO-000300 differs between the two demos")
	}
	// A second demo into the same named database is refused, and changes nothing.
	r := a.run(args...)
	if r.code != 1 || !strings.Contains(r.stderr, "already has data") {
		t.Fatalf("second demo: exit %d, %q", r.code, r.stderr)
	}
	if a.ok("wo", "list", "--json") != la {
		t.Fatal("the refused demo changed the database")
	}
}

// TestDemoDefaultDatabase: without --db the demo fills the empty default database,
// and once that has data, a separate demo.db that is made afresh each time.
func TestDemoDefaultDatabase(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, "data", "switchboard")
	r := sb(t, home, "demo", "--no-ui", "--work-orders", "20")
	if r.code != 0 || !strings.Contains(r.stdout, filepath.Join(dir, "switchboard.db")) {
		t.Fatalf("first demo: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for range 2 {
		r = sb(t, home, "demo", "--no-ui", "--work-orders", "30")
		if r.code != 0 || !strings.Contains(r.stdout, filepath.Join(dir, "demo.db")) || !strings.Contains(r.stderr, "already has data") {
			t.Fatalf("next demo: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	}
	demo := &db{t: t, home: home, path: filepath.Join(dir, "demo.db")}
	if n := len(demo.numbers()); n != 30 {
		t.Fatalf("demo.db has %d work orders after two runs of 30; want 30 (made afresh)", n)
	}
	if n := len((&db{t: t, home: home, path: filepath.Join(dir, "switchboard.db")}).numbers()); n != 20 {
		t.Fatalf("the default database has %d work orders; want the first demo's 20", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "switchboard.log")); err != nil {
		t.Errorf("no log next to the database: %v", err)
	}
	// Plain commands without --db use the default database.
	if r := sb(t, home, "wo", "show", "20"); r.code != 0 {
		t.Fatalf("wo show 20 on the default database: %d %s", r.code, r.stderr)
	}
}

func jsonID(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// displayCol is the display column at which sub first occurs in line.
func displayCol(line, sub string) int {
	i := strings.Index(line, sub)
	if i < 0 {
		return -1
	}
	return widthOf(line[:i])
}

// TestEnvironment: SWITCHBOARD_DB and SWITCHBOARD_USER stand in for --db and --as,
// and the flags win over them.
func TestEnvironment(t *testing.T) {
	d := newDB(t)
	d.ok("user", "add", "--login", "amy", "--name", "Amy Lee", "--role", "call-center")
	env := []string{"SWITCHBOARD_DB=" + d.path, "SWITCHBOARD_USER=amy"}
	r := sbEnv(t, d.home, env, "wo", "create", "--subject", "Ice machine leaking", "--channel", "call-center")
	if r.code != 0 || !strings.Contains(r.stdout, `"created_by": "amy"`) {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = sbEnv(t, d.home, env, "--as", "admin", "wo", "create", "--subject", "Second")
	if r.code != 0 || !strings.Contains(r.stdout, `"created_by": "admin"`) {
		t.Fatalf("--as over SWITCHBOARD_USER: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	other := filepath.Join(d.home, "other.db")
	if r := sbEnv(t, d.home, env, "--db", other, "--as", "admin", "wo", "list", "--json"); r.code != 1 || !strings.Contains(r.stderr, "There is no database at "+other) {
		t.Fatalf("--db over SWITCHBOARD_DB: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
	sb(t, d.home, "--db", other, "init")
	if r := sbEnv(t, d.home, env, "--db", other, "--as", "admin", "wo", "list", "--json"); r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("--db over SWITCHBOARD_DB: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
	if got := d.numbers(); len(got) != 2 {
		t.Fatalf("SWITCHBOARD_DB database has %v", got)
	}
}

// TestDemoAsDemoUser: `demo --as LOGIN` fills the database as its owner and only
// then acts as LOGIN, a user the demo itself makes (before, it failed at once
// with "There is no user").
func TestDemoAsDemoUser(t *testing.T) {
	d := newDB(t)
	d.ok("demo", "--no-ui", "--work-orders", "20", "--seed", "3", "--as", "zhao.min")
	if out := d.ok("followup", "queue", "--as", "zhao.min", "--json"); !strings.Contains(out, `"tasks"`) {
		t.Fatalf("zhao.min's queue after the demo: %s", out)
	}
}

// TestMistypedDatabaseIsRefused: a command given a --db path (or
// SWITCHBOARD_DB) where there is no database says so and makes nothing —
// before, a typo made a new empty database that answered "No work orders
// match" and took the writes meant for the real one. `init` makes one (and
// leaves one that is there); then the same commands work.
func TestMistypedDatabaseIsRefused(t *testing.T) {
	home := t.TempDir()
	typo := filepath.Join(home, "compnay.db")
	for _, r := range []result{
		sb(t, home, "--db", typo, "wo", "list"),
		sb(t, home, "--db", typo, "wo", "create", "--subject", "meant for the real database"),
		sb(t, home, "--db", typo, "rule", "list", "--json"),
		sb(t, home, "--db", typo, "backup", filepath.Join(home, "copy.db")),
		sbEnv(t, home, []string{"SWITCHBOARD_DB=" + typo}, "wo", "show", "WO-000001"),
	} {
		if r.code != 1 || !strings.Contains(r.stderr, "There is no database at "+typo) || !strings.Contains(r.stderr, "switchboard --db "+typo+" init") {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
	}
	if entries, _ := os.ReadDir(home); len(entries) != 0 {
		t.Fatalf("refused commands left %v behind", entries)
	}
	if r := sb(t, home, "--db", typo, "init"); r.code != 0 || !strings.Contains(r.stdout, "Made a new, empty database at "+typo) {
		t.Fatalf("init: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := sb(t, home, "--db", typo, "wo", "create", "--subject", "now it is there"); r.code != 0 {
		t.Fatalf("create after init: exit %d %q", r.code, r.stderr)
	}
	if r := sb(t, home, "--db", typo, "init"); r.code != 0 || !strings.Contains(r.stdout, "already: left as it is") {
		t.Fatalf("init again: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := sb(t, home, "--db", typo, "wo", "list", "--json"); r.code != 0 || !strings.Contains(r.stdout, "now it is there") {
		t.Fatalf("the work order made after init is gone: exit %d %q", r.code, r.stdout)
	}
}
