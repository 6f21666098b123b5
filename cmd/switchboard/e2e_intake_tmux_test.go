package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConsoleIntakeEndToEnd (R-IN-5, R-IN-6): the real console polls its
// Maildir; a broken message dropped there appears in section 8's quarantine
// while the console is open, is taken in with F, and an API key is made from
// the keyboard — all checked with the CLI once the console has quit.
func TestConsoleIntakeEndToEnd(t *testing.T) {
	needTmux(t)
	d := newDB(t)
	md := filepath.Join(d.home, "Maildir")
	for _, sub := range []string{"new", "cur", "tmp"} {
		if err := os.MkdirAll(filepath.Join(md, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	d.ok("mail", "settings", "--maildir", md, "--poll", "1s")
	s := startTmux(t, d.home, binary, "--db", d.path, "--listen", freeAddr(t))
	s.waitFor("sort newest first") // the list is up (the header may shorten "Work orders")
	s.keys("9")
	s.waitFor("[Quarantine (0)]")

	if err := os.WriteFile(filepath.Join(md, "new", "1762000001.M1.host"), corpus(t, "17-broken-base64.eml"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.waitFor("Chiller noise")
	s.keys("Enter")
	s.waitFor("Raw message")
	s.keys("F")
	s.waitFor("The quarantine is empty")

	s.keys("BTab")
	s.keys("BTab")
	s.waitFor("[API keys")
	s.keys("n")
	s.waitFor("integration name:")
	s.text("Warehouse")
	s.keys("Enter")
	scr := s.waitFor("shown only now")
	key := ""
	for _, l := range strings.Split(scr, "\n") {
		if f := strings.TrimSpace(l); strings.HasPrefix(f, "sbk_") {
			key = f
		}
	}
	if key == "" {
		t.Fatalf("no key on the screen:\n%s", scr)
	}
	s.keys("j")
	s.waitFor("active")
	s.keys("q")
	s.waitFor("switchboard exited 0")

	var rows []map[string]any
	d.okJSON(&rows, "wo", "list", "--json")
	if len(rows) != 1 || rows[0]["subject"] != "Chiller noise" || rows[0]["channel"] != "email" {
		t.Fatalf("the released message should be a work order: %v", rows)
	}
	var log []map[string]any
	d.okJSON(&log, "mail", "log", "--json")
	if len(log) != 1 || log[0]["outcome"] != "released" {
		t.Fatalf("mail log: %v", log)
	}
	var keys []map[string]any
	d.okJSON(&keys, "apikey", "list", "--json")
	if len(keys) != 1 || keys[0]["name"] != "Warehouse" || !strings.HasPrefix(key, keys[0]["prefix"].(string)) {
		t.Fatalf("apikey list: %v (screen showed %s)", keys, key)
	}
}
