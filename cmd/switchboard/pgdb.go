package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"switchboard/core"
	"switchboard/store"
	"switchboard/store/postgres"
)

// A PostgreSQL database (--db postgres://…, issue 21) has a local handle: a
// small file in the data directory, named after the server and database,
// holding the address (0600: it may hold a password). Everything that lives
// beside a database file — the server's socket, its log, the SSH host key,
// who owns the database — lives beside the handle, so a console, the CLI
// and `serve` find one another as they do for a bbolt file.
const pgHandleSuffix = ".pgdb"

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// pgHandle writes (when it changed) the handle of the database dsn names and
// returns its path.
func pgHandle(dsn string, getenv func(string) string) (string, error) {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return "", fmt.Errorf("the PostgreSQL address cannot be read: %w (write postgres://USER:PASSWORD@HOST:PORT/DATABASE)", err)
	}
	dir, err := dataDir(getenv)
	if err != nil {
		return "", err
	}
	host := cfg.Host
	if strings.HasPrefix(host, "/") {
		host = "socket" + strings.ReplaceAll(host, "/", "-")
	}
	name := unsafeName.ReplaceAllString(fmt.Sprintf("pg-%s-%d-%s", host, cfg.Port, cfg.Database), "_")
	path := filepath.Join(dir, name+pgHandleSuffix)
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(bytes.TrimSpace(old), []byte(dsn)) {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return path, os.WriteFile(path, []byte(dsn+"\n"), 0o600)
}

// isPGHandle reports whether path is a PostgreSQL database's handle.
func isPGHandle(path string) bool { return strings.HasSuffix(path, pgHandleSuffix) }

// openStore opens the database at path: a bbolt file, or the PostgreSQL
// database a handle names. modeWas is the bbolt file's mode when Open closed
// it to other users.
func openStore(path string, opt store.Options) (st core.Store, modeWas os.FileMode, err error) {
	if !isPGHandle(path) {
		b, err := store.Open(path, opt)
		if err != nil {
			return nil, 0, err
		}
		return b, b.ModeWas, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, fmt.Errorf("cannot read the PostgreSQL handle %s: %w (give --db postgres://… again)", path, err)
	}
	p, err := postgres.Open(context.Background(), strings.TrimSpace(string(raw)))
	if err != nil {
		return nil, 0, err
	}
	return p, 0, nil
}

// displayDB is the database as people read it: the path of a file, or
// postgres://USER@HOST:PORT/DATABASE for a PostgreSQL handle (never its
// password or options).
func displayDB(path string) string {
	if !isPGHandle(path) {
		return path
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return path
	}
	cfg, err := pgconn.ParseConfig(strings.TrimSpace(string(raw)))
	if err != nil {
		return path
	}
	host := cfg.Host
	if !strings.HasPrefix(host, "/") {
		host = fmt.Sprintf("%s:%d", host, cfg.Port)
	}
	return fmt.Sprintf("postgres://%s@%s/%s", cfg.User, host, cfg.Database)
}
