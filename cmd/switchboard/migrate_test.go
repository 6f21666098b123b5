package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/store/postgres/pgtest"
)

// TestMigrateToPostgres (issue 21): a demo company in a bbolt file is copied
// into an empty PostgreSQL database and checked; the same commands then show
// the same work orders, history and reports from either; numbering goes on
// after the copied numbers; a second copy into the now full database is
// refused with a sentence; and the PostgreSQL database copied back into a new
// file shows the same again.
func TestMigrateToPostgres(t *testing.T) {
	home := t.TempDir()
	file := filepath.Join(home, "company.db")
	dsn := pgtest.DB(t)
	sb := func(db string, args ...string) result {
		r := sbEnv(t, home, nil, append([]string{"--db", db}, args...)...)
		if r.code != 0 {
			t.Fatalf("switchboard %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
		return r
	}
	sb(file, "demo", "--work-orders", "400", "--no-ui", "--now", "2026-11-02T09:30:00Z")
	r := sb(file, "migrate", "--to", dsn)
	if !strings.Contains(r.stdout, "400 work orders") || !strings.Contains(r.stdout, "are identical") {
		t.Fatalf("migrate said %q", r.stdout)
	}
	for _, args := range [][]string{
		{"wo", "list", "--json", "--sort", "priority"},
		{"wo", "list", "--json", "--search", "电梯"},
		{"wo", "show", "WO-000123", "--json"},
		{"wo", "show", "WO-000400", "--json"},
		{"rule", "list", "--json"},
		{"user", "list", "--json"},
		{"evaluation", "report", "--json"},
	} {
		if a, b := sb(file, args...).stdout, sb(dsn, args...).stdout; a != b {
			t.Errorf("%s differs between the file and PostgreSQL:\n%.400s\n---\n%.400s", strings.Join(args, " "), a, b)
		}
	}
	if r := sb(dsn, "wo", "create", "--subject", "after the move"); !strings.Contains(r.stdout, "WO-000401") {
		t.Errorf("the next work order after the copy: %s", r.stdout)
	}
	r = sbEnv(t, home, nil, "--db", file, "migrate", "--to", dsn)
	if r.code != 1 || !strings.Contains(r.stderr, "already has users or work orders") {
		t.Errorf("a second copy: exit %d %q", r.code, r.stderr)
	}
	back := filepath.Join(home, "back.db")
	if r := sb(dsn, "migrate", "--to", back); !strings.Contains(r.stdout, "401 work orders") {
		t.Fatalf("migrate back said %q", r.stdout)
	}
	for _, args := range [][]string{{"wo", "list", "--json", "--sort", "priority"}, {"wo", "show", "WO-000401", "--json"}, {"evaluation", "report", "--json"}} {
		if a, b := sb(back, args...).stdout, sb(dsn, args...).stdout; a != b {
			t.Errorf("%s differs between PostgreSQL and the file copied back", strings.Join(args, " "))
		}
	}
	if r := sbEnv(t, home, nil, "--db", dsn, "migrate", "--to", back); r.code != 1 || !strings.Contains(r.stderr, "exists") {
		t.Errorf("copying over an existing file: exit %d %q", r.code, r.stderr)
	}
	// The copy is made in FILE.partial (Load commits as it goes) and renamed
	// once checked: nothing of it is left beside the file, and one left by a
	// copy that stopped halfway is named, not opened or overwritten.
	if _, err := os.Stat(back + ".partial"); !os.IsNotExist(err) {
		t.Errorf("%s.partial is left after a whole copy: %v", back, err)
	}
	again := filepath.Join(home, "again.db")
	if err := os.WriteFile(again+".partial", []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := sbEnv(t, home, nil, "--db", dsn, "migrate", "--to", again); r.code != 1 || !strings.Contains(r.stderr, "stopped halfway") {
		t.Errorf("a copy beside a half one: exit %d %q", r.code, r.stderr)
	}
	if _, err := os.Stat(again); !os.IsNotExist(err) {
		t.Errorf("%s was made beside a half copy: %v", again, err)
	}
}

// TestPostgresHandleShowsNoPassword (issue 21): the handle file keeps the
// address as given (0600); what people see of it — the console header,
// `server status`, `backup` — names user, host, port and database only.
func TestPostgresHandleShowsNoPassword(t *testing.T) {
	home := t.TempDir()
	getenv := func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	h, err := pgHandle("postgres://sb:s3cret@db.example.com:6432/switchboard?sslmode=verify-full", getenv)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(h); err != nil || fi.Mode().Perm() != 0o600 || !strings.HasSuffix(h, "pg-db.example.com-6432-switchboard.pgdb") {
		t.Fatalf("handle %s: %v %v", h, fi, err)
	}
	if got := displayDB(h); got != "postgres://sb@db.example.com:6432/switchboard" {
		t.Errorf("shown as %q", got)
	}
	if got := displayDB("/srv/sb/switchboard.db"); got != "/srv/sb/switchboard.db" {
		t.Errorf("a file shown as %q", got)
	}
}

// TestMigrateRefusedLeavesNothing: a copy in no supported direction (a file
// into a file) is refused with a sentence that says which are, and leaves no
// file behind — no database, no log.
func TestMigrateRefusedLeavesNothing(t *testing.T) {
	home := t.TempDir()
	r := sbEnv(t, home, nil, "--db", filepath.Join(home, "a.db"), "migrate", "--to", filepath.Join(home, "b.db"))
	if r.code != 1 || !strings.Contains(r.stderr, "--db postgres://… migrate --to FILE") {
		t.Fatalf("file into file: exit %d %q", r.code, r.stderr)
	}
	var left []string
	_ = filepath.WalkDir(home, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			left = append(left, p)
		}
		return nil
	})
	if len(left) > 0 {
		t.Errorf("a refused migrate left %v", left)
	}
}
