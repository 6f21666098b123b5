// Package pgtest starts a throw-away PostgreSQL cluster for tests: initdb
// into a temporary directory (as an unprivileged user when the tests run as
// root, since PostgreSQL refuses to run as root), listening only on a Unix
// socket there. Each test gets a database of its own. Nothing is mocked.
package pgtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

var (
	once    sync.Once
	cluster *Cluster
	initErr error
	dbs     atomic.Int64
)

// Cluster is a running throw-away PostgreSQL server.
type Cluster struct {
	Dir, Socket string
	cmd         *exec.Cmd
}

// BinDir finds PostgreSQL's programs: $SWITCHBOARD_PG_BIN, or the newest
// /usr/lib/postgresql/N/bin (Debian's postgresql package).
func BinDir() (string, error) {
	if d := os.Getenv("SWITCHBOARD_PG_BIN"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi < vj
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i], nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("PostgreSQL is not installed: apt-get install -y postgresql (or set SWITCHBOARD_PG_BIN to the directory of initdb and postgres)")
}

// Start starts a cluster in a new temporary directory. Stop it with Stop.
func Start() (*Cluster, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "switchboard-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, Socket: dir}
	cred, err := unprivileged(dir)
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	initdb.Dir = dir
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	c.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-k", dir, "-c", "listen_addresses=",
		"-c", "max_connections=200", "-c", "shared_buffers=64MB")
	c.cmd.Dir = dir
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT, Setpgid: true}
	logf, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		return nil, err
	}
	c.cmd.Stdout, c.cmd.Stderr = logf, logf
	if err := c.cmd.Start(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := pgx.Connect(context.Background(), c.DSN("postgres"))
		if err == nil {
			conn.Close(context.Background())
			return c, nil
		}
		if time.Now().After(deadline) {
			c.Stop()
			log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			return nil, fmt.Errorf("postgres did not start: %v\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// unprivileged returns the credential to run PostgreSQL with: none when not
// root; nobody's otherwise, with dir handed to nobody.
func unprivileged(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		return nil, fmt.Errorf("running as root, PostgreSQL needs an unprivileged user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// DSN is the connection string of database db on the cluster.
func (c *Cluster) DSN(db string) string {
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&sslmode=disable", db, c.Socket)
}

// CreateDB makes a new empty database and returns its DSN.
func (c *Cluster) CreateDB(name string) (string, error) {
	conn, err := pgx.Connect(context.Background(), c.DSN("postgres"))
	if err != nil {
		return "", err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", err
	}
	return c.DSN(name), nil
}

// Stop ends the server at once and removes its directory.
func (c *Cluster) Stop() {
	if c.cmd != nil && c.cmd.Process != nil {
		_ = c.cmd.Process.Signal(syscall.SIGQUIT)
		done := make(chan struct{})
		go func() { _ = c.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	_ = os.RemoveAll(c.Dir)
}

// Shared returns the test binary's cluster, starting it on first use. Under
// CI=true a missing PostgreSQL fails the test; elsewhere it skips.
func Shared(tb testing.TB) *Cluster {
	tb.Helper()
	once.Do(func() { cluster, initErr = Start() })
	if initErr != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("PostgreSQL for the tests: %v", initErr)
		}
		tb.Skipf("PostgreSQL for the tests: %v", initErr)
	}
	return cluster
}

// DB returns the DSN of a new database on the shared cluster.
func DB(tb testing.TB) string {
	tb.Helper()
	c := Shared(tb)
	name := fmt.Sprintf("t%d_%s", dbs.Add(1), strings.ToLower(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, tb.Name())))
	if len(name) > 60 {
		name = name[:60]
	}
	dsn, err := c.CreateDB(name)
	if err != nil {
		tb.Fatal(err)
	}
	return dsn
}

// Main runs a package's tests and then stops the shared cluster, if one was
// started: call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	StopShared()
	os.Exit(code)
}

// StopShared stops the shared cluster if one was started.
func StopShared() {
	if cluster != nil {
		cluster.Stop()
	}
}
