package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"switchboard/core"
	"switchboard/core/channels"
	"switchboard/store"
)

// app is one run of the program: the global flags, the open database, the
// service over it, the acting user and the log.
type app struct {
	stdout, stderr io.Writer
	args           []string

	dbFlag string // --db
	asFlag string // --as
	root   *cobra.Command

	dbPath string
	st     *store.Bolt
	svc    *core.Service
	actor  core.Actor
	log    *slog.Logger
	logOut *os.File
}

// resolveDB returns the database to use and whether the user named it
// (--db, then SWITCHBOARD_DB) rather than getting the default.
func (a *app) resolveDB() (path string, named bool, err error) {
	p := a.dbFlag
	if !a.root.PersistentFlags().Changed("db") {
		p = os.Getenv("SWITCHBOARD_DB")
	}
	if strings.TrimSpace(p) != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			return "", false, err
		}
		return abs, true, nil
	}
	p, err = defaultDBPath()
	return p, false, err
}

// login is the acting user's login: --as, then SWITCHBOARD_USER, then admin.
func (a *app) login() string {
	if a.root.PersistentFlags().Changed("as") {
		return a.asFlag
	}
	if u := os.Getenv("SWITCHBOARD_USER"); u != "" {
		return u
	}
	return core.BuiltinAdmin
}

// open opens the database the flags name.
func (a *app) open() error {
	p, _, err := a.resolveDB()
	if err != nil {
		return err
	}
	return a.openAt(p)
}

// openAt opens the database at path, starts the log next to it, prepares a fresh
// database and resolves the acting user.
func (a *app) openAt(path string) error {
	a.dbPath = path
	a.startLog(path)
	st, err := store.Open(path, store.Options{})
	if err != nil {
		a.log.Error("open database", "db", path, "err", err)
		return err
	}
	a.st = st
	a.svc = core.NewService(st)
	a.svc.SetDialer(channels.NewDialer()) // follow-up calls (R-FU-5)
	if err := a.svc.Bootstrap(); err != nil {
		return err
	}
	a.actor, err = a.svc.Login(a.login())
	return err
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
		if fi, err := os.Stat(p); err == nil && fi.Size() > 5<<20 {
			_ = os.Rename(p, p+".1") // keep one old log, drop older ones
		}
		if f, err := os.OpenFile(p, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err == nil {
			a.logOut, w = f, f
		}
	}
	a.log = slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
	slog.SetDefault(a.log)
	a.log.Info("start", "args", a.args, "db", db, "pid", os.Getpid())
}

// close releases the database and the log.
func (a *app) close() {
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
