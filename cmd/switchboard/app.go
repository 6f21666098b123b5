package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"switchboard/core"
	"switchboard/core/channels"
	"switchboard/store"
	"switchboard/store/postgres"
)

// app is one run of the program: the global flags, the open database, the
// service over it, the acting user and the log.
//
// An app either opens the database itself (srv == nil) or runs inside the
// switchboard server for a client of its socket (srv != nil): then the database,
// the service and the log are the server's, and the client's environment, working
// directory, terminal width and OS identity stand in for the process's own.
type app struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	args           []string

	// getenv reads the environment (the client's, inside the server).
	getenv func(string) string
	// cwd is the directory relative paths resolve against; "" is the process's.
	cwd string
	// srv is the server this app runs in for a client; nil when the process
	// opens the database itself.
	srv *server
	// session is the client's session inside the server.
	session *session
	// peerUID is the client's OS user (SO_PEERCRED) inside the server.
	peerUID int
	// clientWidth is the client's terminal width (0: stdout is not a terminal).
	clientWidth int
	// files writes the files a command saves through the client inside the
	// server; nil when the process writes them itself.
	files *clientFiles
	// afterExit runs in the server once the client has its exit status
	// (`server stop` ends the server only then).
	afterExit func()
	// lockTimeout is how long openAt waits for another process's lock (0: store's default).
	lockTimeout time.Duration

	dbFlag string // --db
	asFlag string // --as
	// ownIdentity ignores --as and SWITCHBOARD_USER: the demo fills its
	// database as the OS user's own identity and only then opens the console
	// as the --as user, who exists only once the demo made them.
	ownIdentity bool
	// mayCreate lets open make the database a --db (or SWITCHBOARD_DB) names
	// when there is none there: the server (which the console starts) and
	// `init` may; every other command refuses, so a mistyped path is an error,
	// not a new empty database that answers "No work orders match".
	mayCreate bool
	root      *cobra.Command

	dbPath string
	st     core.Store
	svc    *core.Service
	actor  core.Actor
	log    *slog.Logger
	logOut io.WriteCloser
	// sshGate limits the SSH listener's connections (sshgate.go).
	sshGate *sshGate
}

// newLocalApp is the app of a process that runs a command itself.
func newLocalApp(args []string, stdin io.Reader, stdout, stderr io.Writer) *app {
	return &app{stdout: stdout, stderr: stderr, stdin: stdin, args: args, getenv: os.Getenv}
}

// resolveDB returns the database to use and whether the user named it
// (--db, then SWITCHBOARD_DB) rather than getting the default.
func (a *app) resolveDB() (path string, named bool, err error) {
	return resolveDBPath(a.dbFlag, a.root.PersistentFlags().Changed("db"), a.getenv, a.cwd)
}

// resolveDBPath is resolveDB for a --db value (set says whether it was given), an
// environment and a working directory ("" for the process's).
func resolveDBPath(flag string, set bool, getenv func(string) string, cwd string) (path string, named bool, err error) {
	p := flag
	if !set {
		p = getenv("SWITCHBOARD_DB")
	}
	if postgres.IsDSN(strings.TrimSpace(p)) {
		h, err := pgHandle(strings.TrimSpace(p), getenv)
		return h, true, err
	}
	if strings.TrimSpace(p) != "" {
		abs, err := absIn(cwd, p)
		if err != nil {
			return "", false, err
		}
		return abs, true, nil
	}
	p, err = defaultDBPath(getenv)
	return p, false, err
}

// requestedLogin is the login asked for with --as or SWITCHBOARD_USER, "" for none.
func (a *app) requestedLogin() string {
	if a.ownIdentity {
		return ""
	}
	if a.root.PersistentFlags().Changed("as") {
		return a.asFlag
	}
	return a.getenv("SWITCHBOARD_USER")
}

// open opens the database the flags name.
func (a *app) open() error {
	p, named, err := a.resolveDB()
	if err != nil {
		return err
	}
	if err := a.mustExist(p, named); err != nil {
		return err
	}
	return a.openAt(p)
}

// mustExist refuses a named database file that is not there, unless this
// command may make one (mayCreate). The default database is made on first
// use, as a fresh machine needs.
func (a *app) mustExist(path string, named bool) error {
	if !named || a.mayCreate || a.srv != nil || isPGHandle(path) {
		return nil
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return core.NotFoundf("There is no database at %s: check --db (or SWITCHBOARD_DB). To start a new one there, run `switchboard --db %s init` or open the console on it.", path, quoteArg(path))
}

// openAt opens the database at path, starts the log next to it, prepares a fresh
// database and resolves the acting user. Inside the server it takes the server's
// open database instead, which must be the one at path.
func (a *app) openAt(path string) error {
	if a.srv != nil {
		return a.useServerDB(path)
	}
	a.dbPath = path
	a.startLog(path)
	st, modeWas, err := openStore(path, store.Options{LockTimeout: a.lockTimeout})
	if err != nil {
		a.log.Error("open database", "db", path, "err", err)
		return err
	}
	a.st = st
	if m := modeWas; m != 0 {
		a.log.Warn("the database was readable by other users; made it 0600", "db", path, "was", fmt.Sprintf("%#o", m))
		fmt.Fprintf(a.stderr, "switchboard: %s could be read by other users (mode %#o): it holds customers' details and channel secrets, so it is now 0600.\n", path, m)
	}
	a.svc = core.NewService(st)
	a.svc.SetDialer(channels.NewDialer()) // follow-up calls (R-FU-5)
	if err := a.svc.Bootstrap(); err != nil {
		return err
	}
	a.actor, err = a.identify(os.Getuid())
	return err
}

// useServerDB is openAt inside the server.
func (a *app) useServerDB(path string) error {
	if a.svc != nil {
		return nil
	}
	if !sameFile(path, a.srv.dbPath) {
		return fmt.Errorf("this switchboard server has %s open, not %s; give --db %s, or start the console on %s to get a server of its own", a.srv.dbPath, path, a.srv.dbPath, path)
	}
	a.dbPath, a.svc, a.log = a.srv.dbPath, a.srv.svc, a.srv.log
	var err error
	a.actor, err = a.identify(a.peerUID)
	if err == nil && a.session != nil {
		a.srv.mu.Lock()
		a.session.login = a.actor.Label()
		a.srv.mu.Unlock()
	}
	return err
}

// identify resolves the acting user for the OS user uid (see core.Service.Identify).
func (a *app) identify(uid int) (core.Actor, error) {
	return a.svc.Identify(osIdentity(uid, a.dbPath), a.requestedLogin())
}

// terminalWidth is the width of the terminal stdout goes to, 0 when it is not one.
func (a *app) terminalWidth() int {
	if a.srv != nil {
		return a.clientWidth
	}
	return stdoutWidth(a.stdout)
}

// stdoutWidth is w's terminal width when w is a terminal, else 0.
func stdoutWidth(w io.Writer) int {
	if f, ok := w.(interface{ Fd() uintptr }); ok && term.IsTerminal(f.Fd()) {
		if width, _, err := term.GetSize(f.Fd()); err == nil && width > 0 {
			return width
		}
	}
	return 0
}

// startLog sends log/slog output to switchboard.log next to the database, never to
// the terminal (the console owns it). Without a writable directory it logs nowhere.
func (a *app) startLog(db string) {
	if a.logOut != nil {
		return
	}
	p := logPath(db)
	var w io.Writer = io.Discard
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err == nil {
		lf := newLogFile(p)
		a.logOut, w = lf, lf
	}
	a.log = slog.New(newQuietHandler(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo})))
	slog.SetDefault(a.log)
	a.log.Info("start", "args", redactArgs(a.args), "db", db, "pid", os.Getpid())
}

// redactArgs is args with the values of secret settings (password=…,
// app_secret=…) masked, for the log.
func redactArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if k, v, ok := strings.Cut(a, "="); ok && v != "-" && !strings.HasPrefix(v, "@") {
			lk := strings.ToLower(k)
			if strings.Contains(lk, "password") || strings.Contains(lk, "secret") || strings.Contains(lk, "token") {
				out[i] = k + "=•••"
			}
		}
	}
	return out
}

// close releases the database and the log (not the server's: it outlives the
// commands it runs for clients).
func (a *app) close() {
	if a.srv != nil {
		return
	}
	if a.st != nil {
		if err := a.st.Close(); err != nil && a.log != nil {
			a.log.Error("close database", "err", err)
		}
		a.st = nil
	}
	if a.logOut != nil {
		_ = a.logOut.Close()
		a.logOut = nil
	}
}

// quoteArg is s as a shell argument: as it is when it needs no quotes.
func quoteArg(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-+:@%,=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
