package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"switchboard/store/postgres/pgtest"
)

// binary is the real switchboard, built once for all tests in this package.
var binary string

func TestMain(m *testing.M) {
	if sock := os.Getenv(squatterEnv); sock != "" {
		runSquatter(sock, os.Getenv(squatterLogEnv))
		return
	}
	dir, err := os.MkdirTemp("", "switchboard-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "switchboard")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building switchboard:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	pgtest.StopShared()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of the binary did.
type result struct {
	stdout, stderr string
	code           int
}

// env is a clean environment whose data directory is inside the test's temp dir.
func env(t testing.TB, home string) []string {
	t.Helper()
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "SWITCHBOARD_DB", "SWITCHBOARD_USER", "XDG_DATA_HOME", "HOME":
			continue
		}
		out = append(out, kv)
	}
	return append(out, "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "data"), "TZ=UTC")
}

// sb runs the binary with args in a home of its own under t.TempDir().
func sb(t *testing.T, home string, args ...string) result {
	t.Helper()
	return sbEnv(t, home, nil, args...)
}

// sbEnv is sb with extra environment variables ("K=V").
func sbEnv(t *testing.T, home string, extra []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(env(t, home), extra...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running switchboard %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// db is a fresh database path and home directory for one test.
type db struct {
	t    *testing.T
	home string
	path string
}

// newDB makes the database with `init`: commands refuse a --db path where
// there is none.
func newDB(t *testing.T) *db {
	home := t.TempDir()
	d := &db{t: t, home: home, path: filepath.Join(home, "sb.db")}
	if r := sb(t, home, "--db", d.path, "init"); r.code != 0 {
		t.Fatalf("switchboard init: exit %d %s", r.code, r.stderr)
	}
	// A console leaves its server running (issue 9): stop it before the
	// directory goes (it would notice and stop by itself within a second).
	t.Cleanup(func() {
		if _, err := os.Stat(d.path + ".sock"); err == nil {
			_ = exec.Command(binary, "--db", d.path, "server", "stop").Run()
		}
	})
	return d
}

// run runs switchboard --db path args….
func (d *db) run(args ...string) result {
	d.t.Helper()
	return sb(d.t, d.home, append([]string{"--db", d.path}, args...)...)
}

// ok runs a command that must succeed and returns its stdout.
func (d *db) ok(args ...string) string {
	d.t.Helper()
	r := d.run(args...)
	if r.code != 0 {
		d.t.Fatalf("switchboard %s: exit %d\nstderr: %s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r.stdout
}

// okJSON runs a command that must succeed and decodes its JSON output into v.
func (d *db) okJSON(v any, args ...string) {
	d.t.Helper()
	out := d.ok(args...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		d.t.Fatalf("switchboard %s printed no JSON (%v):\n%s", strings.Join(args, " "), err, out)
	}
}

// numbers lists the work-order numbers `wo list --json` prints.
func (d *db) numbers() []string {
	d.t.Helper()
	var rows []map[string]any
	d.okJSON(&rows, "wo", "list", "--json")
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i], _ = r["number"].(string)
	}
	return out
}

// serving is a `switchboard serve` the test started.
type serving struct {
	cmd *exec.Cmd
	url string // its web listener
}

// serveOn starts `switchboard --db db serve` on a free port, with home as
// its HOME and data directory and extra in its environment, waits for its
// web listener and stops it (SIGTERM) when the test ends.
func serveOn(tb testing.TB, db, home string, extra []string) *serving {
	tb.Helper()
	cmd := exec.Command(binary, "--db", db, "serve", "--listen", "127.0.0.1:0")
	cmd.Env = append(env(tb, home), extra...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.Contains(line, "web listener on ") {
		tb.Fatalf("switchboard serve did not start: %q %v", line, err)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return &serving{cmd: cmd, url: strings.Fields(strings.SplitN(line, "web listener on ", 2)[1])[0]}
}
