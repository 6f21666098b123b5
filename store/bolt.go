// Package store is the bbolt implementation of core's storage port.
package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"switchboard/core"
	"switchboard/store/internal/group"
)

// Bolt is a core.Store on one bbolt file.
type Bolt struct {
	db    *bolt.DB
	group *group.Committer[*bolt.Tx]
	path  string
	// search is the work orders' search texts in memory (search.go).
	search searchIndex
	// ModeWas, when not 0, is the file's mode before Open closed it to other
	// users (0600): the caller says so.
	ModeWas os.FileMode
}

var _ core.Store = (*Bolt)(nil)

// ErrLocked says another process holds the database file.
var ErrLocked = errors.New("database is in use by another switchboard process")

// LockedError names the database and, when known, the process holding it.
type LockedError struct {
	Path string
	PID  int
}

func (e *LockedError) Error() string {
	who := "another switchboard process"
	if e.PID > 0 {
		who = fmt.Sprintf("another switchboard process (pid %d)", e.PID)
	}
	return fmt.Sprintf("The database %s is in use by %s: quit that console or `switchboard serve` first, or point this command at another database with --db.", e.Path, who)
}

// Unwrap makes errors.Is(err, ErrLocked) work.
func (e *LockedError) Unwrap() error { return ErrLocked }

// Options tune Open; the zero value is right for the product.
type Options struct {
	// LockTimeout is how long to wait for another process to release the file (default 1s).
	LockTimeout time.Duration
	// NoSync skips fsync (benchmarks and bulk tests only: a crash can lose data).
	NoSync bool
}

// Open opens (creating if needed) the database at path and migrates it to the
// current schema.
func Open(path string, opt Options) (*Bolt, error) {
	if opt.LockTimeout == 0 {
		opt.LockTimeout = time.Second
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("cannot create the data directory %s: %w", dir, err)
		}
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opt.LockTimeout, FreelistType: bolt.FreelistMapType, NoSync: opt.NoSync})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, &LockedError{Path: path, PID: readPID(path)}
	}
	if err != nil {
		return nil, fmt.Errorf("cannot open the database %s: %w", path, err)
	}
	b := &Bolt{db: db, group: &group.Committer[*bolt.Tx]{Update: db.Update}, path: path}
	// The database holds customers' phones and addresses, channel secrets and
	// API key hashes: only its owner reads it. A file others may read (made
	// by a copy, an archive, a umask) is closed to them on open.
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, fi.Mode().Perm()&0o700); err == nil {
			b.ModeWas = fi.Mode().Perm()
		}
	}
	if err := b.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	_ = os.WriteFile(pidPath(path), []byte(strconv.Itoa(os.Getpid())), 0o600)
	return b, nil
}

func pidPath(db string) string { return db + ".pid" }

func readPID(db string) int {
	b, err := os.ReadFile(pidPath(db))
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return n
}

// Path is the database file.
func (b *Bolt) Path() string { return b.path }

// Close releases the database and its lock.
func (b *Bolt) Close() error {
	if readPID(b.path) == os.Getpid() {
		_ = os.Remove(pidPath(b.path))
	}
	return b.db.Close()
}

// View runs fn in a read-only transaction.
func (b *Bolt) View(fn func(core.Tx) error) error {
	return b.db.View(func(btx *bolt.Tx) error { return fn(&tx{tx: btx, db: b}) })
}

// Update runs fn in one read-write transaction.
func (b *Bolt) Update(fn func(core.Tx) error) error {
	return b.db.Update(func(btx *bolt.Tx) error { return b.run(btx, fn) })
}

// Batch runs fn in a read-write transaction that concurrent Batch calls may
// share (store/internal/group): many web submissions land in one fsync. fn may run more
// than once.
func (b *Bolt) Batch(fn func(core.Tx) error) error {
	return b.group.Do(func(btx *bolt.Tx) error { return b.run(btx, fn) })
}

// Backup writes a consistent copy of the live database to w (tx.WriteTo).
func (b *Bolt) Backup(w io.Writer) (int64, error) {
	var n int64
	err := b.db.View(func(t *bolt.Tx) error {
		var err error
		n, err = t.WriteTo(w)
		return err
	})
	return n, err
}

// Check runs bbolt's consistency check and returns every problem found.
func (b *Bolt) Check() []error {
	var errs []error
	_ = b.db.View(func(t *bolt.Tx) error {
		for err := range t.Check() {
			errs = append(errs, err)
		}
		return nil
	})
	return errs
}

// SchemaVersion returns the schema version stored in the file.
func (b *Bolt) SchemaVersion() (int, error) {
	var v int
	err := b.db.View(func(t *bolt.Tx) error {
		v = schemaVersion(t)
		return nil
	})
	return v, err
}
