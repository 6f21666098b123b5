package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"switchboard/core"
	"switchboard/core/demo"
	"switchboard/store"
)

func demoCmd(a *app) *cobra.Command {
	opt := demo.Options{WorkOrders: demo.DefaultWorkOrders, Seed: 1}
	var noUI bool
	var now string
	var web webFlags
	var cf consoleFlags
	cmd := &cobra.Command{
		Use:   "demo [--work-orders N] [--seed S] [--no-ui]",
		Short: "Fill a database with a realistic demo company, then open the console",
		Long: `Fill a database with a demo field-service company — accounts, contacts,
terminal users, service providers and engineers in five regions, staff in every
role, and work orders from the last 90 days with their history — then open the
console (unless --no-ui).

Which database: the one --db (or SWITCHBOARD_DB) names, which must be empty;
otherwise the default database while it is still empty; otherwise demo.db next
to it, made afresh on every run, so that the demo can be run again and again.

The same --seed and --now give the same company, byte for byte.`,
		Example: `  switchboard demo
  switchboard demo --work-orders 100000 --no-ui
  switchboard --db /tmp/demo.db demo --seed 7 --no-ui`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if opt.WorkOrders < 1 {
				return core.Invalid("work-orders", "--work-orders must be at least 1.")
			}
			if now != "" {
				t, err := time.Parse(time.RFC3339, now)
				if err != nil {
					return core.Invalid("now", "--now %q is not a time: write it as 2026-11-02T09:30:00Z.", now)
				}
				opt.Now = t
			} else {
				opt.Now = time.Now()
			}
			a.ownIdentity = true
			note, err := a.openDemoTarget()
			if err != nil {
				return err
			}
			if err := requireEmpty(a); err != nil {
				return err
			}
			opt.Progress = progress(a)
			sum, err := demo.Generate(a.svc, a.actor, opt)
			if err != nil {
				return err
			}
			a.log.Info("demo generated", "db", a.dbPath, "seed", opt.Seed, "work_orders", sum.WorkOrders, "duration", sum.Duration)
			fmt.Fprintf(a.stdout, "demo: %s in %s in %.1fs (seed %d)\n", sum, displayDB(a.dbPath), sum.Duration.Seconds(), opt.Seed)
			if note != "" {
				fmt.Fprintln(a.stderr, note)
			}
			if noUI {
				return nil
			}
			// The console is a client of a server like any other: let the
			// server have the database — the one the demo filled, which need
			// not be the one the flags name (demo.db beside a database in use).
			filled := a.dbPath
			a.close()
			a.ownIdentity = false
			return a.console(filled, web, cf)
		}),
	}
	f := cmd.Flags()
	f.IntVar(&opt.WorkOrders, "work-orders", opt.WorkOrders, "create `N` work orders")
	f.Int64Var(&opt.Seed, "seed", opt.Seed, "random seed `S`; the same seed gives the same company")
	f.BoolVar(&noUI, "no-ui", false, "only fill the database; print a summary and do not open the console")
	addWebFlags(cmd, &web)
	addConsoleFlags(cmd, &cf)
	f.StringVar(&now, "now", "", "pretend it is `TIME` (RFC 3339), for a demo that is the same on every run")
	return markLocal(cmd)
}

// progress shows how far a large demo has come, on stderr when that is a terminal.
func progress(a *app) func(done, total int) {
	f, ok := a.stderr.(interface{ Fd() uintptr })
	if !ok || !term.IsTerminal(f.Fd()) {
		return nil
	}
	return func(done, total int) {
		if total < 20_000 {
			return
		}
		end := ""
		if done == total {
			end = "\r\033[K" // clear the line for the summary
		}
		fmt.Fprintf(a.stderr, "\rdemo: %s of %s work orders…%s", thousands(done), thousands(total), end)
	}
}

// openDemoTarget opens the database the demo fills (see the command's help) and
// returns a note for the user when that is not the database they would expect.
func (a *app) openDemoTarget() (note string, err error) {
	path, named, err := a.resolveDB()
	if err != nil {
		return "", err
	}
	if named {
		if err := a.refuseIfServed("demo", "the demo fills only a database nobody has open"); err != nil {
			return "", err
		}
		return "", a.openAt(path)
	}
	served := serverUp(path)
	empty, err := false, error(nil)
	if !served {
		empty, err = probeEmpty(path)
	}
	var locked *store.LockedError
	why := "already has data"
	switch {
	case served:
		why = "is open in a switchboard server"
	case errors.As(err, &locked):
		why = "is open in another switchboard"
	case err != nil:
		return "", err
	case empty:
		return "", a.openAt(path)
	}
	demoPath, err := demoDBPath(a.getenv)
	if err != nil {
		return "", err
	}
	if serverUp(demoPath) {
		// The demo database is made afresh on every run: end its old server.
		forward([]string{"--db", demoPath, "server", "stop"}, nil, io.Discard, io.Discard)
	}
	if err := recreate(demoPath); err != nil {
		return "", err
	}
	note = fmt.Sprintf("note: your database %s %s, so the demo is in %s, made afresh on every `switchboard demo`; open it again with `switchboard --db %s`.", path, why, demoPath, demoPath)
	return note, a.openAt(demoPath)
}

// probeEmpty reports whether the database at path holds nothing but the built-in
// admin (a missing file is empty).
func probeEmpty(path string) (bool, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	st, err := store.Open(path, store.Options{})
	if err != nil {
		return false, err
	}
	defer st.Close()
	svc := core.NewService(st)
	n, err := contents(svc)
	return n == 0, err
}

// recreate deletes the demo database so the demo starts from nothing — but not
// while another switchboard has it open.
func recreate(path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	st, err := store.Open(path, store.Options{})
	if err != nil {
		return err
	}
	if err := st.Close(); err != nil {
		return err
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("cannot remove the old demo database: %w", err)
	}
	return nil
}

// requireEmpty refuses to fill a database that already has data: a second demo
// company on top of the first (or of real data) helps nobody.
func requireEmpty(a *app) error {
	n, err := contents(a.svc)
	if err != nil || n == 0 {
		return err
	}
	return core.Invalid("db", "The database %s already has data (%s records); the demo fills only an empty database: give a new file with --db, e.g. `switchboard --db /tmp/switchboard-demo.db demo`.", a.dbPath, thousands(n))
}

// contents counts the records that show a database is in use: work orders,
// accounts, providers, and users besides the built-in admin.
func contents(svc *core.Service) (int, error) {
	n, err := svc.CountWorkOrders()
	if err != nil {
		return 0, err
	}
	d, err := svc.Directory()
	if err != nil {
		return 0, err
	}
	users, err := svc.Users()
	if err != nil {
		return 0, err
	}
	for _, u := range users {
		if u.Login != core.BuiltinAdmin {
			n++
		}
	}
	return n + len(d.Accounts) + len(d.Providers), nil
}
