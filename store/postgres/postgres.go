// Package postgres is the PostgreSQL implementation of core's storage port
// (issue 21), for several servers sharing one database. It passes the same
// conformance suite (store/storetest) as the bbolt store.
//
// Writers are serialised, as in bbolt: every read-write transaction first
// takes one transaction-scoped advisory lock, so the service's invariants
// (version checks, unique gap-free numbers, the engineers' load counters,
// the dispatch generation) hold across processes and servers exactly as
// they do in one bbolt file, and a reader never waits (REPEATABLE READ
// snapshots). Batch groups concurrent writers of one process into one
// transaction (store/internal/group), so the lock and the commit's WAL flush
// are paid once a group.
package postgres

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	gojson "github.com/goccy/go-json"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"switchboard/core"
	"switchboard/store/internal/group"
)

//go:embed migrations/*.sql
var migrations embed.FS

// writeLock is the advisory lock every read-write transaction holds.
const writeLock = 0x5357_4254_4348 // "SWBTCH"

// Postgres is a core.Store on a PostgreSQL database.
type Postgres struct {
	pool  *pgxpool.Pool
	group *group.Committer[*tx]
	dsn   string
	feed  *feed
}

var (
	_ core.Store = (*Postgres)(nil)
	_ core.Feed  = (*Postgres)(nil)
)

// IsDSN reports whether s names a PostgreSQL database rather than a file.
func IsDSN(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database dsn names and brings its schema up to date
// (goose migrations embedded in the binary).
func Open(ctx context.Context, dsn string) (*Postgres, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("the PostgreSQL address %q cannot be read: %w (write postgres://USER:PASSWORD@HOST:PORT/DATABASE)", redact(dsn), err)
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("cannot reach PostgreSQL at %s: %w — check the address, the password (or PGPASSWORD, ~/.pgpass) and that the server runs (pg_isready)", redact(dsn), err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	p := &Postgres{pool: pool, dsn: dsn, feed: newFeed()}
	p.group = &group.Committer[*tx]{Update: p.update}
	go p.announcer()
	return p, nil
}

// migrate applies the embedded migrations; goose takes a session lock, so
// servers starting together migrate once.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	sub, err := subFS()
	if err != nil {
		return err
	}
	prov, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(mustLocker()))
	if err != nil {
		return err
	}
	if _, err := prov.Up(ctx); err != nil {
		return fmt.Errorf("cannot bring the PostgreSQL schema up to date: %w", err)
	}
	return nil
}

// redact hides a password in a DSN for messages.
func redact(dsn string) string {
	if cfg, err := pgconn.ParseConfig(dsn); err == nil && cfg.Password != "" {
		return strings.Replace(dsn, cfg.Password, "****", 1)
	}
	return dsn
}

// Close stops the change feed and releases the connections.
func (p *Postgres) Close() error {
	p.feed.stop()
	<-p.feed.done
	p.pool.Close()
	return nil
}

// View runs fn in a read-only snapshot.
func (p *Postgres) View(fn func(core.Tx) error) error {
	ctx := context.Background()
	ptx, err := p.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer ptx.Rollback(ctx)
	if err := fn(&tx{ctx: ctx, tx: ptx}); err != nil {
		return err
	}
	return ptx.Commit(ctx)
}

// Update runs fn in one read-write transaction.
func (p *Postgres) Update(fn func(core.Tx) error) error {
	return p.update(func(t *tx) error { return fn(t) })
}

// Batch runs fn in a read-write transaction that concurrent Batch calls of
// this process may share; fn may run more than once.
func (p *Postgres) Batch(fn func(core.Tx) error) error {
	return p.group.Do(func(t *tx) error {
		if err := fn(t); err != nil {
			return err
		}
		return t.flushWrites() // a write's failure is this call's
	})
}

// update begins a read-write transaction holding the write lock.
func (p *Postgres) update(fn func(*tx) error) error {
	ctx := context.Background()
	ptx, err := p.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return err
	}
	defer ptx.Rollback(ctx)
	if _, err := ptx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(writeLock)); err != nil {
		return err
	}
	t := &tx{ctx: ctx, tx: ptx, writable: true}
	if err := fn(t); err != nil {
		return err
	}
	if err := t.finish(); err != nil {
		return err
	}
	return ptx.Commit(ctx)
}

// backupTables are dumped by Backup, in this order.
var backupTables = []string{"counters", "meta", "settings", "users", "accounts", "contacts", "terminal_users",
	"providers", "engineers", "work_orders", "engineer_load", "events", "tasks", "rules", "rule_next", "links",
	"devices", "outbox", "timers", "report_drafts", "reports", "mail_log", "mail_by_msgid", "mail_raw",
	"mail_threads", "attachments", "api_keys", "idempotency", "evaluations", "evaluation_requests",
	"follow_ups", "follow_up_teams", "absences"}

// Backup writes one consistent snapshot of every table as JSON lines
// ({"table": …, "row": {…}}). For the database as a whole, the operations
// team's pg_dump or base backups are the tools; this is what
// `switchboard backup` can do without them.
func (p *Postgres) Backup(w io.Writer) (int64, error) {
	ctx := context.Background()
	ptx, err := p.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return 0, err
	}
	defer ptx.Rollback(ctx)
	var n int64
	for _, table := range backupTables {
		rows, err := ptx.Query(ctx, "SELECT row_to_json(t)::text FROM "+table+" t")
		if err != nil {
			return n, err
		}
		for rows.Next() {
			var row string
			if err := rows.Scan(&row); err != nil {
				rows.Close()
				return n, err
			}
			line, _ := json.Marshal(struct {
				Table string          `json:"table"`
				Row   json.RawMessage `json:"row"`
			}{table, json.RawMessage(row)})
			k, err := w.Write(append(line, '\n'))
			n += int64(k)
			if err != nil {
				rows.Close()
				return n, err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, err
		}
	}
	return n, ptx.Commit(ctx)
}

// tx adapts a PostgreSQL transaction to core.Tx.
type tx struct {
	ctx      context.Context
	tx       pgx.Tx
	writable bool
	// loading: records arrive with their ids from another database (Load);
	// a work order or message with an id is new here, not a change.
	loading bool
	// settings read or written in this transaction (Setting).
	settings map[string][]byte
	// queued writes not yet sent (exec).
	queued *pgx.Batch
	// counters and engineers' loads as this read-write transaction has them
	// (read once; its own changes applied): no other writer runs meanwhile.
	counters        map[string]int64
	countersChanged map[string]bool
	loads           map[core.ID]int64
	loadsChanged    map[core.ID]bool
	dirty           bool // a counter or a load moved: finish writes them
}

// idTables are the tables whose ids come from a counter of their name.
var idTables = []string{"users", "accounts", "contacts", "terminal_users", "providers", "engineers", "work_orders",
	"tasks", "rules", "outbox", "mail_log", "attachments", "api_keys", "evaluations", "follow_ups"}

// ErrNotEmpty says Load was given a database that already has data.
var ErrNotEmpty = errors.New("the PostgreSQL database already has users or work orders")

// Load fills an empty database in one transaction: fn puts records with the
// ids they had in another store (store.Bolt.CopyTo) and returns where
// work-order numbers continue; the id counters continue after the largest
// (`switchboard migrate`, issue 21).
func (p *Postgres) Load(fn func(core.Tx) (numbers uint64, err error)) error {
	return p.update(func(t *tx) error {
		var empty bool
		if err := t.queryRow(`SELECT NOT EXISTS (SELECT 1 FROM users) AND NOT EXISTS (SELECT 1 FROM work_orders)`).Scan(&empty); err != nil {
			return err
		}
		if !empty {
			return ErrNotEmpty
		}
		t.loading = true
		numbers, err := fn(t)
		if err != nil {
			return err
		}
		for _, table := range idTables {
			if err := t.exec(`INSERT INTO counters (name, value) SELECT $1, coalesce(max(id), 0) FROM `+table+`
				ON CONFLICT (name) DO UPDATE SET value = greatest(counters.value, excluded.value)`, table); err != nil {
				return err
			}
		}
		return t.exec(`INSERT INTO counters (name, value) VALUES ('work_order_number', $1)
			ON CONFLICT (name) DO UPDATE SET value = greatest(counters.value, excluded.value)`, int64(numbers))
	})
}

// exec queues a write whose result nothing waits for; the queue goes to the
// server as one pipelined batch (pgx.Batch) before the next read, every 64
// writes, and when the transaction function returns — a create's dozen
// writes cost a few round trips instead of a dozen.
func (t *tx) exec(q string, args ...any) error {
	if !t.writable {
		return errReadOnly
	}
	if t.queued == nil {
		t.queued = &pgx.Batch{}
	}
	t.queued.Queue(q, args...)
	if t.queued.Len() >= 64 {
		return t.flushWrites()
	}
	return nil
}

// flushWrites sends the queued writes and returns the first one's error.
func (t *tx) flushWrites() error {
	if t.queued == nil || t.queued.Len() == 0 {
		return nil
	}
	b := t.queued
	t.queued = nil
	err := t.tx.SendBatch(t.ctx, b).Close()
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == "work_orders_number_key" {
		return fmt.Errorf("store: a work-order number is already taken (%s)", pe.Detail)
	}
	return err
}

// queryRow, query and execNow send the queued writes first, so that a read
// sees them.
func (t *tx) queryRow(q string, args ...any) pgx.Row {
	if err := t.flushWrites(); err != nil {
		return errRow{err}
	}
	return t.tx.QueryRow(t.ctx, q, args...)
}

func (t *tx) query(q string, args ...any) (pgx.Rows, error) {
	if err := t.flushWrites(); err != nil {
		return nil, err
	}
	return t.tx.Query(t.ctx, q, args...)
}

func (t *tx) execNow(q string, args ...any) (pgconn.CommandTag, error) {
	if err := t.flushWrites(); err != nil {
		return pgconn.CommandTag{}, err
	}
	return t.tx.Exec(t.ctx, q, args...)
}

// errReadOnly refuses a write in View, as bbolt does.
var errReadOnly = errors.New("postgres: a write in a read-only transaction")

// errRow is a row whose Scan fails with err.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// nextID is the next value of counter name: gap-free and never reused,
// since it moves only inside a transaction holding the write lock. The
// transaction reads a counter once and counts on from there; each new value
// is a queued write.
func (t *tx) nextID(name string) (core.ID, error) {
	if !t.writable {
		return 0, errReadOnly
	}
	v, err := t.counter(name)
	if err != nil {
		return 0, err
	}
	v++
	if t.countersChanged == nil {
		t.countersChanged = map[string]bool{}
	}
	t.counters[name], t.countersChanged[name], t.dirty = v, true, true
	return core.ID(v), nil
}

// finish writes the counters and loads the transaction moved — once each:
// a row updated again and again in one transaction leaves a chain of
// versions every later update walks (a 20,000-work-order copy took 200 s
// that way) — and sends every queued write.
func (t *tx) finish() error {
	if t.dirty {
		for name := range t.countersChanged {
			if err := t.exec(`INSERT INTO counters (name, value) VALUES ($1, $2)
				ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, t.counters[name]); err != nil {
				return err
			}
		}
		for eng, n := range t.loads {
			if !t.loadsChanged[eng] {
				continue
			}
			q := `INSERT INTO engineer_load (engineer_id, n) VALUES ($1, $2) ON CONFLICT (engineer_id) DO UPDATE SET n = excluded.n`
			args := []any{eng, n}
			if n == 0 {
				q, args = `DELETE FROM engineer_load WHERE engineer_id = $1`, args[:1]
			}
			if err := t.exec(q, args...); err != nil {
				return err
			}
		}
	}
	return t.flushWrites()
}

// counter reads counter name (0 before its first use).
func (t *tx) counter(name string) (int64, error) {
	if v, ok := t.counters[name]; ok {
		return v, nil
	}
	var v int64
	err := t.queryRow(`SELECT value FROM counters WHERE name = $1`, name).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		v, err = 0, nil
	}
	if err == nil && t.writable {
		if t.counters == nil {
			t.counters = map[string]int64{}
		}
		t.counters[name] = v
	}
	return v, err
}

// encode writes a record as the service's JSON.
func encode(v any) ([]byte, error) { return json.Marshal(v) }

// decode reads a record.
func decode(raw []byte, v any) error { return gojson.UnmarshalNoEscape(raw, v) }

// one reads the JSON record q returns into a T; none is ErrNotFound with
// the message missing gives.
func one[T any](t *tx, missing func() error, q string, args ...any) (T, error) {
	var v T
	var raw []byte
	err := t.queryRow(q, args...).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, missing()
	}
	if err != nil {
		return v, err
	}
	if err := decode(raw, &v); err != nil {
		return v, fmt.Errorf("postgres: a record is unreadable: %w", err)
	}
	return v, nil
}

// many reads the JSON records q returns, in its order.
func many[T any](t *tx, q string, args ...any) ([]T, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		var v T
		if err := decode(raw, &v); err != nil {
			return nil, fmt.Errorf("postgres: a record is unreadable: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func notFound(format string, args ...any) func() error {
	return func() error { return core.NotFoundf(format, args...) }
}

// assign gives *id the next value of table's counter when it is zero.
func (t *tx) assign(table string, id *core.ID) error {
	if *id != 0 {
		return nil
	}
	n, err := t.nextID(table)
	if err != nil {
		return err
	}
	*id = n
	return nil
}

func subFS() (fs.FS, error) { return fs.Sub(migrations, "migrations") }

func mustLocker() lock.SessionLocker {
	l, err := lock.NewPostgresSessionLocker()
	if err != nil {
		panic(err) // only for invalid options, of which none are given
	}
	return l
}
