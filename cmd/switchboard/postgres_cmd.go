package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	"switchboard/store/postgres/pgcluster"
)

func postgresCmd(a *app) *cobra.Command {
	return group("postgres", "PostgreSQL: a local cluster to try several servers on",
		postgresSandboxCmd(a),
	)
}

// sandboxDir is where `postgres sandbox` keeps its cluster by default: in the
// data directory, or (as root, whose home PostgreSQL's unprivileged user
// cannot enter) under /var/tmp.
func sandboxDir(getenv func(string) string) (string, error) {
	if os.Geteuid() == 0 {
		return "/var/tmp/switchboard-pg-sandbox", nil
	}
	dir, err := dataDir(getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "pg-sandbox"), nil
}

func postgresSandboxCmd(a *app) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run a local PostgreSQL cluster to try Switchboard on, until ctrl+c",
		Long: `Make (the first time) and run a PostgreSQL cluster of your own, with a database
named switchboard, and print the --db address to give every switchboard command
and server. It listens only on a Unix socket in its directory and trusts every
local user: it is for trying several servers on one database, not for customers'
data — for that, use the PostgreSQL your operations team runs (see the README).
Needs PostgreSQL's programs (Debian: apt-get install postgresql).`,
		Example: `  switchboard postgres sandbox
  switchboard --db 'postgres://postgres@/switchboard?host=/var/tmp/switchboard-pg-sandbox' serve --listen :8081`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if dir == "" {
				d, err := sandboxDir(a.getenv)
				if err != nil {
					return err
				}
				dir = d
			} else if d, err := a.abs(dir); err == nil {
				dir = d
			}
			c, err := pgcluster.Start(dir)
			if err != nil {
				return err
			}
			defer c.Stop()
			ctx := context.Background()
			conn, err := pgx.Connect(ctx, c.DSN("postgres"))
			if err != nil {
				return err
			}
			var exists bool
			err = conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'switchboard')`).Scan(&exists)
			if err == nil && !exists {
				_, err = conn.Exec(ctx, `CREATE DATABASE switchboard`)
			}
			conn.Close(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "PostgreSQL sandbox in %s is up. Give every command and server:\n\n  --db '%s'\n\nctrl+c stops it (the data stays for next time).\n", dir, c.DSN("switchboard"))
			stop := make(chan os.Signal, 1)
			signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
			exited := make(chan error, 1)
			go func() { exited <- c.Wait() }()
			select {
			case <-stop:
				return nil
			case err := <-exited:
				return fmt.Errorf("PostgreSQL stopped by itself (%v): see %s", err, filepath.Join(dir, "postgres.log"))
			}
		}),
	}
	cmd.Flags().StringVar(&dir, "dir", "", "keep the cluster in `DIR` (default: the data directory's pg-sandbox; /var/tmp/switchboard-pg-sandbox as root)")
	return markLocal(cmd)
}
