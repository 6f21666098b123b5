package main

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// squatterEnv names, for a re-run of this test binary, the socket path the
// squatter listens on; squatterLogEnv the file it writes what it receives to.
const (
	squatterEnv    = "SWITCHBOARD_TEST_SQUATTER"
	squatterLogEnv = "SWITCHBOARD_TEST_SQUATTER_LOG"
)

// runSquatter is another OS user's program at a database's socket path: it
// records whatever a client sends. TestMain runs it when squatterEnv is set.
func runSquatter(sock, logFile string) {
	l, err := net.Listen("unix", sock)
	if err != nil {
		os.Exit(3)
	}
	_ = os.Chmod(sock, 0o777)
	out, err := os.OpenFile(logFile, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		os.Exit(4)
	}
	time.AfterFunc(20*time.Second, func() { os.Exit(0) })
	for {
		c, err := l.Accept()
		if err != nil {
			os.Exit(0)
		}
		go func() {
			r := bufio.NewReader(c)
			buf := make([]byte, 4096)
			for {
				n, err := r.Read(buf)
				_, _ = out.Write(buf[:n])
				if err != nil {
					return
				}
			}
		}()
	}
}

// TestClientRefusesAServerItCannotTrust (issue 18.2): another OS user who
// puts a socket at a database's socket path first — a database in a shared
// directory like /tmp — receives nothing: the command refuses with a sentence
// saying who answered, and the secret on its command line never reaches the
// squatter.
func TestClientRefusesAServerItCannotTrust(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("this test plays another OS user and needs root (CI runs as root)")
		}
		t.Skip("needs root to play another OS user")
	}
	// A shared directory like /tmp: sticky, everyone may write.
	dir, err := os.MkdirTemp("", "sb-shared-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o1777); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	dbPath := filepath.Join(dir, "shared.db")
	if r := sb(t, home, "--db", dbPath, "init"); r.code != 0 {
		t.Fatalf("init: %d %s", r.code, r.stderr)
	}
	if r := sb(t, home, "--db", dbPath, "wo", "create", "--subject", "ours"); r.code != 0 {
		t.Fatalf("create: %d %s", r.code, r.stderr)
	}
	// The squatter: this test binary, copied where user nobody can run it.
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	prog := filepath.Join(dir, "squatter")
	if err := os.WriteFile(prog, self, 0o755); err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(dir, "received")
	if err := os.WriteFile(logFile, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(logFile, 0o666)
	sock := socketPath(dbPath)
	sq := exec.Command(prog)
	sq.Env = append(os.Environ(), squatterEnv+"="+sock, squatterLogEnv+"="+logFile)
	sq.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	if err := sq.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sq.Process.Kill(); _ = sq.Wait() })
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the squatter never listened")
		}
	}

	r := sb(t, home, "--db", dbPath, "notify", "channel", "set", "email", "password=hunter2-secret")
	if r.code == 0 || !strings.Contains(r.stderr, "runs as OS user") || !strings.Contains(r.stderr, "nothing was sent") {
		t.Fatalf("a command through a squatter's socket: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	time.Sleep(200 * time.Millisecond)
	got, _ := os.ReadFile(logFile)
	if len(got) != 0 {
		t.Fatalf("the squatter received %q", got)
	}
	// The console refuses the same way (it would otherwise draw what the
	// squatter sends).
	if r := sb(t, home, "--db", dbPath, "wo", "list"); r.code == 0 || !strings.Contains(r.stderr, "not this database's server") {
		t.Fatalf("wo list: exit %d, stderr %s", r.code, r.stderr)
	}
}

// TestClientRefusesAnOpenSocketDirectory (issue 18.2): a socket in a
// directory others may write in (and not sticky) could be swapped for
// another program's between two commands: the client says so and sends
// nothing.
func TestClientRefusesAnOpenSocketDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "x.db.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = verifyServer(c, filepath.Join(dir, "x.db"), sock)
	if err == nil || !strings.Contains(err.Error(), "chmod go-w") {
		t.Fatalf("open directory: %v", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := verifyServer(c, filepath.Join(dir, "x.db"), sock); err != nil {
		t.Fatalf("a private directory and our own server: %v", err)
	}
}

// TestSecretsStayOffTheCommandLine (issue 18.2): KEY=- reads a secret from
// standard input and KEY=@FILE from a file, and a secret given on the command
// line anyway is masked in switchboard.log.
func TestSecretsStayOffTheCommandLine(t *testing.T) {
	d := newDB(t)
	secretFile := filepath.Join(d.home, "smtp-password")
	if err := os.WriteFile(secretFile, []byte("from-a-file-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d.ok("notify", "channel", "set", "email", "password=@"+secretFile)
	if out := d.ok("notify", "channel", "show", "email"); !strings.Contains(out, "••••") || strings.Contains(out, "from-a-file") {
		t.Fatalf("after password=@FILE:\n%s", out)
	}
	cmd := exec.Command(binary, "--db", d.path, "notify", "channel", "set", "sms", "access_key_secret=-")
	cmd.Env = env(t, d.home)
	cmd.Stdin = strings.NewReader("from-stdin-secret\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("KEY=-: %v\n%s", err, out)
	}
	if out := d.ok("notify", "channel", "show", "sms"); !strings.Contains(out, "••••") || strings.Contains(out, "from-stdin") {
		t.Fatalf("after access_key_secret=-:\n%s", out)
	}
	if r := d.run("notify", "channel", "set", "email", "password=@"+filepath.Join(d.home, "missing")); r.code == 0 || !strings.Contains(r.stderr, "password=@") {
		t.Fatalf("a missing file: exit %d, %s", r.code, r.stderr)
	}
	d.ok("notify", "channel", "set", "email", "password=on-the-command-line")
	log, err := os.ReadFile(logPath(d.path))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(log), "on-the-command-line") || !strings.Contains(string(log), "password=•••") {
		t.Fatalf("the log shows the secret or no masked argument:\n%s", log)
	}
}
