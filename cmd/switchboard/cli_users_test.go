package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// TestCLIUserDisableAndRoles (R-ROLE-1, R-APP-3): admins disable, enable and
// re-role users through the real binary; a disabled user cannot run anything
// and is told why; the last enabled admin stays; non-admins are refused admin
// commands with exit status 1 and a sentence naming the role.
func TestCLIUserDisableAndRoles(t *testing.T) {
	d := newDB(t)
	d.ok("user", "add", "--login", "dora", "--name", "Dora", "--role", "dispatcher")
	d.ok("user", "add", "--login", "fay", "--name", "Fay", "--role", "follow-up")

	// A dispatcher is refused admin commands.
	for _, args := range [][]string{
		{"user", "add", "--login", "zed", "--name", "Z", "--role", "admin"},
		{"user", "disable", "fay"},
		{"user", "roles", "dora", "--role", "admin"},
		{"notify", "disable", "submitted", "sms"},
		{"apikey", "add", "--name", "x"},
	} {
		r := d.run(append([]string{"--as", "dora"}, args...)...)
		if r.code != 1 || !strings.Contains(r.stderr, "dora (dispatcher) may not") || !strings.Contains(r.stderr, "admin") {
			t.Errorf("dora: switchboard %s: exit %d, stderr %q", strings.Join(args, " "), r.code, r.stderr)
		}
	}

	var u map[string]any
	d.okJSON(&u, "user", "disable", "fay")
	if u["disabled"] != true {
		t.Fatalf("disable printed %v", u)
	}
	r := d.run("--as", "fay", "wo", "list")
	if r.code != 1 || !strings.Contains(r.stderr, `User "fay" is disabled; ask an admin to enable it`) {
		t.Fatalf("a disabled user ran a command: exit %d, %q", r.code, r.stderr)
	}
	if out := d.ok("user", "list"); !strings.Contains(out, "fay (disabled)") {
		t.Errorf("user list should mark fay disabled:\n%s", out)
	}
	if r := d.run("user", "disable", "fay"); r.code != 1 || !strings.Contains(r.stderr, "already disabled") {
		t.Errorf("disabling twice: %d %q", r.code, r.stderr)
	}
	d.ok("user", "enable", "fay")
	d.ok("--as", "fay", "wo", "list")

	// Roles: replaced, validated, and the last admin keeps admin.
	d.okJSON(&u, "user", "roles", "fay", "--role", "follow-up,call-center")
	if rs, _ := u["roles"].([]any); len(rs) != 2 || rs[0] != "follow-up" || rs[1] != "call-center" {
		t.Fatalf("roles printed %v", u)
	}
	if r := d.run("user", "roles", "fay", "--role", "boss"); r.code != 1 || !strings.Contains(r.stderr, `"boss" is not a role`) {
		t.Errorf("unknown role: %d %q", r.code, r.stderr)
	}
	if r := d.run("user", "roles", "fay"); r.code != 2 || !strings.Contains(r.stderr, "role") {
		t.Errorf("--role is required: %d %q", r.code, r.stderr)
	}
	if r := d.run("user", "disable"); r.code != 2 || !strings.Contains(r.stderr, "needs LOGIN") {
		t.Errorf("disable without a login: %d %q", r.code, r.stderr)
	}
	for _, args := range [][]string{{"user", "disable", "admin"}, {"user", "roles", "admin", "--role", "dispatcher"}} {
		if r := d.run(args...); r.code != 1 || !strings.Contains(r.stderr, "admin is the last enabled admin") {
			t.Errorf("switchboard %s: %d %q", strings.Join(args, " "), r.code, r.stderr)
		}
	}
	if r := d.run("user", "disable", "nobody"); r.code != 1 || !strings.Contains(r.stderr, `There is no user "nobody"`) {
		t.Errorf("unknown user: %d %q", r.code, r.stderr)
	}
	// Promote dora; now the built-in admin can step down.
	d.ok("user", "roles", "dora", "--role", "admin,dispatcher")
	d.ok("--as", "dora", "user", "roles", "admin", "--role", "dispatcher")
	if r := d.run("user", "add", "--login", "zed", "--name", "Z", "--role", "admin"); r.code != 1 || !strings.Contains(r.stderr, "admin (dispatcher) may not add users") {
		t.Errorf("the former admin still adds users: %d %q", r.code, r.stderr)
	}
}

// TestCLIUserKeys: keys are added from a file or stdin, listed, refused when
// they are not public keys or belong to someone else, and removed.
func TestCLIUserKeys(t *testing.T) {
	d := newDB(t)
	d.ok("user", "add", "--login", "dora", "--name", "Dora", "--role", "dispatcher")
	d.ok("user", "add", "--login", "eve", "--name", "Eve", "--role", "dispatcher")
	key := testPublicKey(t, "dora@laptop")
	file := filepath.Join(d.home, "dora.pub")
	if err := os.WriteFile(file, []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	var k map[string]any
	d.okJSON(&k, "user", "key", "add", "dora", file)
	fp, _ := k["fingerprint"].(string)
	if !strings.HasPrefix(fp, "SHA256:") || k["comment"] != "dora@laptop" {
		t.Fatalf("key add printed %v", k)
	}
	if r := d.run("user", "key", "add", "eve", file); r.code != 1 || !strings.Contains(r.stderr, `already belongs to user "dora"`) {
		t.Errorf("one key, two users: %d %q", r.code, r.stderr)
	}
	if r := d.run("user", "key", "add", "eve", filepath.Join(d.home, "missing.pub")); r.code != 1 || !strings.Contains(r.stderr, "Cannot read the key file") {
		t.Errorf("missing file: %d %q", r.code, r.stderr)
	}
	// eve adds her own key from stdin; she may not touch dora's.
	cmd := sbCmd(t, d.home, "--db", d.path, "--as", "eve", "user", "key", "add", "eve", "-")
	cmd.Stdin = strings.NewReader(testPublicKey(t, "eve@desk"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("eve adds her key from stdin: %v\n%s", err, out)
	}
	if r := d.run("--as", "eve", "user", "key", "remove", "dora", fp); r.code != 1 || !strings.Contains(r.stderr, "needs the role admin") {
		t.Errorf("eve removed dora's key: %d %q", r.code, r.stderr)
	}
	out := d.ok("user", "key", "list")
	if !strings.Contains(out, fp) || !strings.Contains(out, "eve@desk") || !strings.Contains(out, "ssh-ed25519") {
		t.Errorf("key list:\n%s", out)
	}
	var rows []map[string]any
	d.okJSON(&rows, "user", "key", "list", "dora", "--json")
	if len(rows) != 1 || rows[0]["login"] != "dora" || rows[0]["fingerprint"] != fp {
		t.Fatalf("key list dora --json: %v", rows)
	}
	d.ok("user", "key", "remove", "dora", fp)
	d.okJSON(&rows, "user", "key", "list", "dora", "--json")
	if len(rows) != 0 {
		t.Fatalf("removed key still listed: %v", rows)
	}
}

func testPublicKey(t *testing.T, comment string) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk))) + " " + comment + "\n"
}

// sbCmd is the binary with args in home's clean environment, for tests that
// need its stdin.
func sbCmd(t *testing.T, home string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = env(t, home)
	return cmd
}

// TestDatabaseReadableByOthersIsClosed (issue 18, item 10): a database file
// other users may read (0644, as a copy or an archive leaves it) is made 0600
// when it is opened, and the command says so on stderr.
func TestDatabaseReadableByOthersIsClosed(t *testing.T) {
	d := newDB(t)
	d.ok("wo", "create", "--subject", "x")
	if err := os.Chmod(d.path, 0o644); err != nil {
		t.Fatal(err)
	}
	r := d.run("wo", "list")
	if r.code != 0 || !strings.Contains(r.stderr, "could be read by other users (mode 0644)") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	fi, err := os.Stat(d.path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode after open: %v %v", fi.Mode(), err)
	}
	if r := d.run("wo", "list"); strings.Contains(r.stderr, "could be read") {
		t.Fatalf("warned again: %q", r.stderr)
	}
}
