package main

import (
	"strings"
	"testing"
)

// TestEmbedCLI (R-IN-7, issue 20.2): an admin names the sites that may frame
// the smart form, sees them, and clears them; a path is refused with a sentence.
func TestEmbedCLI(t *testing.T) {
	d := newDB(t)
	if out := d.ok("embed"); !strings.Contains(out, "No site may frame") {
		t.Fatalf("empty: %s", out)
	}
	d.ok("embed", "https://www.example.com", "shop.example.com")
	var origins []string
	d.okJSON(&origins, "embed", "--json")
	if len(origins) != 2 || origins[1] != "https://shop.example.com" {
		t.Fatalf("origins %v", origins)
	}
	if r := d.run("embed", "https://www.example.com/page"); r.code != 1 || !strings.Contains(r.stderr, "no path") {
		t.Fatalf("a path: %d %s", r.code, r.stderr)
	}
	d.ok("embed", "--clear")
	d.okJSON(&origins, "embed", "--json")
	if len(origins) != 0 {
		t.Fatalf("after --clear: %v", origins)
	}
}

// TestRoleTypesCLI (issue 20.10): an admin limits a role's record types; a
// user of that role is refused another type with a sentence naming the
// allowed ones; --all lifts it.
func TestRoleTypesCLI(t *testing.T) {
	d := newDB(t)
	d.ok("user", "add", "--login", "cc", "--name", "CC", "--role", "call-center")
	d.ok("role", "types", "call-center", "--types", "Repair,Inspection")
	if out := d.ok("role", "types"); !strings.Contains(out, "Repair, Inspection") || !strings.Contains(out, "every type (always)") {
		t.Fatalf("role types:\n%s", out)
	}
	if r := d.run("--as", "cc", "wo", "create", "--subject", "x", "--type", "Installation"); r.code != 1 || !strings.Contains(r.stderr, "Repair, Inspection") {
		t.Fatalf("cc created an Installation: %d %s", r.code, r.stderr)
	}
	d.ok("--as", "cc", "wo", "create", "--subject", "x", "--type", "Inspection")
	if r := d.run("role", "types", "admin", "--types", "Repair"); r.code != 1 {
		t.Fatalf("admin restricted: %d", r.code)
	}
	d.ok("role", "types", "call-center", "--all")
	d.ok("--as", "cc", "wo", "create", "--subject", "x", "--type", "Installation")
}

// TestCallAccountCLI (issue 20.11): an admin binds agents to their own call
// accounts; one account is one agent's; a hostile one is refused.
func TestCallAccountCLI(t *testing.T) {
	d := newDB(t)
	d.ok("user", "add", "--login", "amy", "--name", "Amy", "--role", "follow-up")
	d.ok("user", "add", "--login", "bo", "--name", "Bo", "--role", "follow-up")
	var u struct {
		CallAccount string `json:"call_account"`
	}
	d.okJSON(&u, "user", "call-account", "amy", "8001")
	if u.CallAccount != "8001" {
		t.Fatalf("bound %+v", u)
	}
	if r := d.run("user", "call-account", "bo", "8001"); r.code != 1 || !strings.Contains(r.stderr, "amy's already") {
		t.Fatalf("a shared account: %d %s", r.code, r.stderr)
	}
	if r := d.run("user", "call-account", "bo", "8002; rm -rf /"); r.code != 1 || !strings.Contains(r.stderr, "letters, digits") {
		t.Fatalf("a hostile account: %d %s", r.code, r.stderr)
	}
	u.CallAccount = ""
	var raw map[string]any
	d.okJSON(&raw, "user", "call-account", "amy", "")
	if raw["call_account"] != nil {
		t.Fatalf("unbound %+v", raw)
	}
}
