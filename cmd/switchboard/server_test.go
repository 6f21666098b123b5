package main

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// call is one run of the binary: arguments, extra environment, stdin and the
// directory it runs in.
type call struct {
	args  []string
	env   []string
	stdin []byte
	dir   string
}

// exec runs c against d's database.
func (d *db) exec(c call) result {
	d.t.Helper()
	cmd := exec.Command(binary, append([]string{"--db", d.path}, c.args...)...)
	cmd.Env = append(env(d.t, d.home), c.env...)
	cmd.Dir = c.dir
	if c.stdin != nil {
		cmd.Stdin = bytes.NewReader(c.stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		d.t.Fatalf("running switchboard %s: %v", strings.Join(c.args, " "), err)
	}
	return r
}

// serverStatus is `server status --json`.
func (d *db) serverStatus() statusJSON {
	d.t.Helper()
	var st statusJSON
	d.okJSON(&st, "server", "status", "--json")
	return st
}

// startServer starts a background server on d and stops it at the end.
func (d *db) startServer() statusJSON {
	d.t.Helper()
	d.ok("server", "start", "--listen", "127.0.0.1:0")
	st := d.serverStatus()
	if !st.Running || st.PID == 0 {
		d.t.Fatalf("server start did not leave a server running: %+v", st)
	}
	return st
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// stamp is a time in JSON output: commands that write stamp the time they ran at.
var stamp = regexp.MustCompile(`\b\d{4}-\d\d-\d\dT[0-9:.]+Z\b`)

// TestServerCLIParity (issue 9, R-APP-3, R-APP-4): every command gives the same
// stdout, stderr and exit status whether it opens the database itself or runs in
// the server for the database — reads, writes, usage errors, not found,
// forbidden, stdin input, and files named relative to the caller's directory.
func TestServerCLIParity(t *testing.T) {
	d := newDB(t)
	d.ok("demo", "--no-ui", "--work-orders", "40", "--seed", "3", "--now", "2026-11-02T09:30:00Z")
	d.ok("user", "add", "--login", "desk.one", "--name", "Desk One", "--role", "dispatcher")
	pristine := filepath.Join(d.home, "pristine.db")
	copyFile(t, d.path, pristine)
	mail := corpus(t, "01-plain.eml")

	work := filepath.Join(d.home, "work")
	calls := []call{
		{args: []string{"wo", "list", "--limit", "5"}},
		{args: []string{"wo", "list", "--limit", "3", "--json"}},
		{args: []string{"wo", "show", "WO-000007", "--json"}},
		{args: []string{"wo", "show", "WO-000007"}},
		{args: []string{"wo", "show", "WO-999999"}},            // not found
		{args: []string{"wo", "list", "--bogus"}},              // bad flag
		{args: []string{"wo", "list", "--limit", "many"}},      // bad value
		{args: []string{"user", "add", "--login", "x"}},        // missing flags
		{args: []string{"wo"}},                                 // group without subcommand
		{args: []string{"wo", "list", "--status", "sideways"}}, // validation
		{args: []string{"--as", "nobody.here", "wo", "list"}},  // unknown user
		{args: []string{"user", "add", "--login", "zed", "--name", "Zed", "--role", "admin"}, env: []string{"SWITCHBOARD_USER=desk.one"}}, // forbidden
		{args: []string{"user", "list", "--json"}},
		{args: []string{"notify", "presets"}},
		{args: []string{"import", "contacts", "missing.csv"}}, // relative, missing
		{args: []string{"import", "contacts", "people.csv", "--dry-run"}},
		{args: []string{"export", "work-orders", "--csv", "--status", "new", "--out", "new.csv"}},
		{args: []string{"export", "work-orders", "--csv", "--out", "new.csv"}}, // exists now
		{args: []string{"backup", "copy.db", "--json"}},
		{args: []string{"mail", "ingest"}, stdin: mail},
		{args: []string{"mail", "ingest"}, stdin: mail}, // the same message again
		{args: []string{"mail", "ingest", "--json"}, stdin: []byte("not a mail message at all")},
		{args: []string{"wo", "show", "WO-000041", "--json"}},
	}
	runAll := func() []result {
		t.Helper()
		if err := os.RemoveAll(work); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(work, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(work, "people.csv"), []byte("name,phone\nAda Test,13800138000\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		var out []result
		for _, c := range calls {
			c.dir = work
			out = append(out, d.exec(c))
		}
		for _, f := range []string{"new.csv", "copy.db"} {
			if _, err := os.Stat(filepath.Join(work, f)); err != nil {
				t.Errorf("the command should have written %s in the caller's directory: %v", f, err)
			}
		}
		return out
	}
	local := runAll()

	copyFile(t, pristine, d.path)
	d.startServer()
	served := runAll()
	if st := d.serverStatus(); !st.Running {
		t.Fatal("the server stopped during the run")
	}
	for i, c := range calls {
		// Commands that write stamp the time they ran at.
		l, s := local[i], served[i]
		for _, r := range []*result{&l, &s} {
			r.stdout = stamp.ReplaceAllString(r.stdout, "<now>")
		}
		if l != s {
			t.Errorf("switchboard %s differs with a server:\nwithout: exit %d\nstdout %q\nstderr %q\nwith:    exit %d\nstdout %q\nstderr %q",
				strings.Join(c.args, " "), l.code, l.stdout, l.stderr, s.code, s.stdout, s.stderr)
		}
	}
	// The comparison means something only if the cases cover what they claim to.
	wantCodes := map[int]int{4: 1, 5: 2, 6: 2, 7: 2, 8: 2, 9: 1, 10: 1, 11: 1, 14: 1}
	for i, code := range wantCodes {
		if local[i].code != code {
			t.Errorf("switchboard %s: exit %d, want %d (%s)", strings.Join(calls[i].args, " "), local[i].code, code, local[i].stderr)
		}
	}
	if !strings.Contains(local[11].stderr, "admin") || !strings.Contains(local[19].stdout, "accepted: created WO-000041") {
		t.Errorf("forbidden or mail cases did not do what they should: %q / %q", local[11].stderr, local[19].stdout)
	}
	// And the served run really went through the server.
	log, err := os.ReadFile(filepath.Join(d.home, "switchboard.log"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(log), `msg="client command"`); n < len(calls) {
		t.Errorf("the server's log shows %d client commands, want at least %d", n, len(calls))
	}
}

// TestServerSocketOwnerOnly (issue 9): the socket is 0600 and the caller's; the
// server's own ready and stop work; a stale socket is replaced; a later command
// runs without a server once it stopped.
func TestServerSocketOwnerOnly(t *testing.T) {
	d := newDB(t)
	d.ok("wo", "create", "--subject", "before the server")
	st := d.startServer()
	fi, err := os.Lstat(d.path + ".sock")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode %v, want a 0600 socket", fi.Mode())
	}
	if uid := fi.Sys().(*syscall.Stat_t).Uid; int(uid) != os.Geteuid() {
		t.Fatalf("socket owned by %d, want %d", uid, os.Geteuid())
	}
	if r := d.run("server", "start"); r.code != 0 || !strings.Contains(r.stdout, "already runs") {
		t.Fatalf("a second server start: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := d.run("serve", "--listen", "127.0.0.1:0"); r.code != 1 || !strings.Contains(r.stderr, "stop the server first: switchboard server stop") {
		t.Fatalf("serve while a server runs: exit %d %q", r.code, r.stderr)
	}
	if r := d.run("demo", "--no-ui"); r.code != 1 || !strings.Contains(r.stderr, "stop the server first") {
		t.Fatalf("demo on a served database: exit %d %q", r.code, r.stderr)
	}
	if r := d.run("server", "stop"); r.code != 0 || !strings.Contains(r.stdout, "Stopping the switchboard server") {
		t.Fatalf("server stop: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Lstat(d.path + ".sock"); !os.IsNotExist(err) {
		t.Fatalf("the socket is still there after stop: %v", err)
	}
	waitGone(t, st.PID)
	if r := d.run("server", "stop"); r.code != 1 || !strings.Contains(r.stderr, "none to stop") {
		t.Fatalf("stop without a server: exit %d %q", r.code, r.stderr)
	}

	// A stale socket (its server died) is no obstacle: commands run directly,
	// and the next server replaces it.
	st = d.startServer()
	if err := syscall.Kill(st.PID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitGone(t, st.PID)
	if _, err := os.Lstat(d.path + ".sock"); err != nil {
		t.Fatalf("the killed server's socket should still be there for this test: %v", err)
	}
	if got := d.numbers(); len(got) != 1 {
		t.Fatalf("with a stale socket, wo list shows %v", got)
	}
	st2 := d.startServer()
	if st2.PID == st.PID {
		t.Fatal("the new server has the old pid")
	}
	if got := d.numbers(); len(got) != 1 {
		t.Fatalf("through the new server, wo list shows %v", got)
	}
}

// waitGone waits for pid to exit (and be reaped by its parent, or not be ours).
// A zombie leader is not enough: a Go server's other threads may still be
// exiting, holding its files — the listening socket too — open; so it waits
// until the leader is the only task left.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return
		}
		if strings.Contains(string(b), ") Z ") {
			if tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task"); err != nil || len(tasks) <= 1 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("pid %d did not end", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestServerIdentity (issue 9, R-ROLE-1): an OS user linked to a non-admin acts as
// that user and may not use --as, with and without a server; the server's status
// lists the attached user.
func TestServerIdentity(t *testing.T) {
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	d := newDB(t)
	d.ok("user", "add", "--login", "li.na", "--name", "Li Na", "--role", "dispatcher", "--os-user", me.Username)
	check := func(how string) {
		t.Helper()
		var wo map[string]any
		d.okJSON(&wo, "wo", "create", "--subject", "by my OS user "+how)
		if wo["created_by"] != "li.na" {
			t.Errorf("%s: created_by %v, want li.na (the user linked to OS user %s)", how, wo["created_by"], me.Username)
		}
		if r := d.run("--as", "admin", "wo", "list"); r.code != 1 || !strings.Contains(r.stderr, "Only admins may act as another user") {
			t.Errorf("%s: --as from a dispatcher: exit %d %q", how, r.code, r.stderr)
		}
		if r := sbEnv(t, d.home, []string{"SWITCHBOARD_USER=admin"}, "--db", d.path, "user", "list"); r.code != 1 || !strings.Contains(r.stderr, "Only admins") {
			t.Errorf("%s: SWITCHBOARD_USER from a dispatcher: exit %d %q", how, r.code, r.stderr)
		}
		if r := d.run("--as", "li.na", "wo", "list"); r.code != 0 {
			t.Errorf("%s: --as oneself is fine: exit %d %q", how, r.code, r.stderr)
		}
		if r := d.run("server", "stop"); r.code != 1 {
			t.Errorf("%s: a dispatcher stopping the server: exit %d %q", how, r.code, r.stderr)
		}
	}
	check("without a server")
	d.startServer()
	check("through the server")
}

// TestServerRefusesOtherOSUser (issue 9): another OS user cannot attach — not
// through the 0600 socket, and not even when its permissions were loosened
// (SO_PEERCRED) — and is told why. It needs root to run a client as nobody.
func TestServerRefusesOtherOSUser(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI runs as root: this test must run there")
		}
		t.Skip("needs root to run a client as another OS user")
	}
	d := newDB(t)
	d.ok("wo", "create", "--subject", "private")
	d.startServer()
	// nobody must reach the binary and the directories to get as far as the socket.
	for _, p := range []string{filepath.Dir(binary), filepath.Dir(d.home), d.home} {
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	asNobody := func() result {
		t.Helper()
		cmd := exec.Command(binary, "--db", d.path, "wo", "list")
		cmd.Env = []string{"HOME=/nonexistent", "PATH=/usr/bin:/bin"}
		cmd.Dir = "/"
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		r := result{stdout: stdout.String(), stderr: stderr.String()}
		if ee, ok := err.(*exec.ExitError); ok {
			r.code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return r
	}
	nobody := osUserName(65534)
	r := asNobody()
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "belongs to OS user root") || !strings.Contains(r.stderr, "theirs alone") {
		t.Fatalf("nobody through the 0600 socket: exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
	if err := os.Chmod(d.path+".sock", 0o666); err != nil {
		t.Fatal(err)
	}
	r = asNobody()
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "OS user "+nobody+" may not attach") {
		t.Fatalf("nobody through a loosened socket: exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stderr, "private") {
		t.Fatal("the refusal leaked data")
	}
	if got := d.numbers(); len(got) != 1 {
		t.Fatalf("the owner still works: %v", got)
	}
}

// TestServerWebURLIsTheRealAddress (R-APP-2): a server started with --listen
// 127.0.0.1:0 names the port it actually took — in what `server start`
// prints, in `server status` and in the links it makes — and serves there.
func TestServerWebURLIsTheRealAddress(t *testing.T) {
	d := newDB(t)
	out := d.ok("server", "start", "--listen", "127.0.0.1:0")
	st := d.serverStatus()
	u, err := url.Parse(st.WebURL)
	if err != nil || u.Hostname() != "127.0.0.1" || u.Port() == "" || u.Port() == "0" {
		t.Fatalf("server status web_url %q: want http://127.0.0.1:PORT with the port taken", st.WebURL)
	}
	if !strings.Contains(out, st.WebURL) {
		t.Errorf("server start printed %q, want the address %s", out, st.WebURL)
	}
	resp, err := http.Get(st.WebURL + "/")
	if err != nil {
		t.Fatalf("GET %s/: %v", st.WebURL, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s/: %s", st.WebURL, resp.Status)
	}
	d.ok("device", "add", "--code", "FRZ-1", "--model", "Freezer")
	lines := strings.Split(strings.TrimSpace(d.ok("device", "qr", "FRZ-1")), "\n")
	if link := lines[len(lines)-1]; !strings.HasPrefix(link, st.WebURL+"/") {
		t.Errorf("device link %q does not start with the listener's address %s", link, st.WebURL)
	}
}

// TestServerOfAnotherBuildSaysSo: switchboard upgraded while its server runs
// — a command of the new build is run by the old server with the old code (a
// new flag was "unknown"); it still runs, and says why on stderr, with how
// to restart the server. A command of the server's own build says nothing.
func TestServerOfAnotherBuildSaysSo(t *testing.T) {
	other := filepath.Join(t.TempDir(), "switchboard-other")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=other-build", "-o", other, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building another switchboard: %v\n%s", err, out)
	}
	d := newDB(t)
	start := exec.Command(other, "--db", d.path, "server", "start", "--listen", "127.0.0.1:0")
	start.Env = env(t, d.home)
	if out, err := start.CombinedOutput(); err != nil {
		t.Fatalf("server start (the other build): %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command(other, "--db", d.path, "server", "stop").Run() })
	r := d.run("wo", "create", "--subject", "run by the old server")
	if r.code != 0 || !strings.Contains(r.stderr, "is another build of switchboard than this command") || !strings.Contains(r.stderr, "server stop") {
		t.Fatalf("a command of another build: exit %d, stderr %q", r.code, r.stderr)
	}
	same := exec.Command(other, "--db", d.path, "wo", "list")
	same.Env = env(t, d.home)
	var stderr strings.Builder
	same.Stderr = &stderr
	if err := same.Run(); err != nil || stderr.Len() != 0 {
		t.Fatalf("a command of the server's own build: %v, stderr %q", err, stderr.String())
	}
}
