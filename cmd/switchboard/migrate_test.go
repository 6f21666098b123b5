package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

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
	if r := sb(dsn, "init"); !strings.Contains(r.stdout, "is ready: its tables are up to date") {
		t.Errorf("init on the PostgreSQL database said %q", r.stdout)
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

// TestMigrateKilledHalfway: `migrate` killed with SIGKILL in the middle of a
// copy, either way, leaves nothing that passes for a copy, and the same
// command then makes a whole one. Into PostgreSQL the copy is one
// transaction: PostgreSQL rolls it back when the process dies, the database
// is still empty, and copying again works. Into a file the copy commits as it
// goes into FILE.partial: FILE is not made, the next copy names the half one
// and refuses, and once it is removed copies whole.
func TestMigrateKilledHalfway(t *testing.T) {
	home := t.TempDir()
	file := filepath.Join(home, "company.db")
	dsn := pgtest.DB(t)
	ok := func(db string, args ...string) result {
		t.Helper()
		r := sbEnv(t, home, nil, append([]string{"--db", db}, args...)...)
		if r.code != 0 {
			t.Fatalf("switchboard %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
		return r
	}
	ok(file, "demo", "--work-orders", "3000", "--no-ui", "--now", "2026-11-02T09:30:00Z")
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	// killWhen starts migrate and kills it the moment midway says so.
	killWhen := func(db, to string, midway func() bool) {
		t.Helper()
		cmd := sbCmd(t, home, "--db", db, "migrate", "--to", to)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		deadline := time.After(60 * time.Second)
		for !midway() {
			select {
			case err := <-exited:
				t.Fatalf("migrate --to %s ended before it could be killed halfway (%v): make the company bigger", to, err)
			case <-deadline:
				_ = cmd.Process.Kill()
				t.Fatalf("migrate --to %s never got halfway in 60 s", to)
			case <-time.After(2 * time.Millisecond):
			}
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-exited
	}
	count := func(table string) int {
		t.Helper()
		var n int
		if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Into PostgreSQL: killed once the copy's transaction has written work orders.
	killWhen(file, dsn, func() bool {
		var n int
		err := conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
			WHERE c.relname = 'work_orders' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()`).Scan(&n)
		return err == nil && n > 0
	})
	// PostgreSQL notices the dead client and rolls its transaction back.
	deadline := time.Now().Add(30 * time.Second)
	for {
		var open int
		if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'`).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if open == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the killed copy's transaction is still open after 30 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n, u := count("work_orders"), count("users"); n != 0 || u != 0 {
		t.Fatalf("a killed copy left %d work orders and %d users in PostgreSQL", n, u)
	}
	// A mistyped source is refused, not copied as an empty database.
	if r := sbEnv(t, home, nil, "--db", file+"x", "migrate", "--to", dsn); r.code != 1 || !strings.Contains(r.stderr, "There is no database at "+file+"x") {
		t.Fatalf("migrate from a path with no database: exit %d %q", r.code, r.stderr)
	}
	if n := count("users"); n != 0 {
		t.Fatalf("migrate from a path with no database wrote %d users into PostgreSQL", n)
	}
	if r := ok(file, "migrate", "--to", dsn); !strings.Contains(r.stdout, "3,000 work orders") || !strings.Contains(r.stdout, "are identical") {
		t.Fatalf("the copy after the killed one said %q", r.stdout)
	}

	// Into a file: killed once the half copy has work orders in it.
	back := filepath.Join(home, "back.db")
	partial := back + ".partial"
	killWhen(dsn, back, func() bool {
		fi, err := os.Stat(partial)
		return err == nil && fi.Size() > 1<<20
	})
	if _, err := os.Stat(back); !os.IsNotExist(err) {
		t.Fatalf("a killed copy left %s: %v", back, err)
	}
	if _, err := os.Stat(partial); err != nil {
		t.Fatalf("the killed copy's half file: %v", err)
	}
	if r := sbEnv(t, home, nil, "--db", dsn, "migrate", "--to", back); r.code != 1 || !strings.Contains(r.stderr, "stopped halfway") {
		t.Fatalf("a copy beside the killed one: exit %d %q", r.code, r.stderr)
	}
	if err := os.Remove(partial); err != nil {
		t.Fatal(err)
	}
	if r := ok(dsn, "migrate", "--to", back); !strings.Contains(r.stdout, "3,000 work orders") || !strings.Contains(r.stdout, "are identical") {
		t.Fatalf("the copy after the killed one said %q", r.stdout)
	}
	for _, args := range [][]string{{"wo", "list", "--json", "--sort", "priority"}, {"wo", "show", "WO-003000", "--json"}, {"evaluation", "report", "--json"}} {
		if a, b := ok(file, args...).stdout, ok(back, args...).stdout; a != b {
			t.Errorf("%s differs between the first file and the one copied back after the kills", strings.Join(args, " "))
		}
	}
}
