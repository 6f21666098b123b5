package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"switchboard/core"
)

// The change feed (core.Feed): a server announces what it committed with
// NOTIFY on one channel; every server LISTENs on a connection of its own and
// hands the others' changes to its consoles (issue 21).

const feedChannel = "switchboard_changes"

// maxPayload keeps a notification under PostgreSQL's 8000-byte limit; a
// larger burst is announced as one change of every kind.
const maxPayload = 7000

type notice struct {
	Origin  string        `json:"o"`
	Changes []core.Change `json:"c"`
}

// feed is the Postgres store's half of core.Feed.
type feed struct {
	origin   string
	announce chan []core.Change
	ctx      context.Context
	stop     context.CancelFunc
	done     chan struct{}
}

func newFeed() *feed {
	var b [8]byte
	_, _ = rand.Read(b[:])
	ctx, stop := context.WithCancel(context.Background())
	return &feed{origin: hex.EncodeToString(b[:]), announce: make(chan []core.Change, 1024), ctx: ctx, stop: stop, done: make(chan struct{})}
}

// Announce queues changes for the other servers; it never blocks a writer
// (when the queue is full, the next notice says "everything changed").
func (p *Postgres) Announce(cs []core.Change) {
	select {
	case p.feed.announce <- cs:
	default:
		select {
		case p.feed.announce <- []core.Change{{Kind: "*"}}:
		default:
		}
	}
}

// announcer sends queued changes, several to a notice.
func (p *Postgres) announcer() {
	defer close(p.feed.done)
	for {
		var cs []core.Change
		select {
		case <-p.feed.ctx.Done():
			return
		case cs = <-p.feed.announce:
		}
	more:
		for len(cs) < 64 {
			select {
			case c := <-p.feed.announce:
				cs = append(cs, c...)
			default:
				break more
			}
		}
		payload, _ := json.Marshal(notice{Origin: p.feed.origin, Changes: cs})
		if len(payload) > maxPayload {
			payload, _ = json.Marshal(notice{Origin: p.feed.origin, Changes: []core.Change{{Kind: "*"}}})
		}
		ctx, cancel := context.WithTimeout(p.feed.ctx, 5*time.Second)
		_, _ = p.pool.Exec(ctx, "SELECT pg_notify($1, $2)", feedChannel, string(payload))
		cancel()
	}
}

// Follow calls fn with the changes other servers announce, until Close. A
// lost connection is made again; changes announced meanwhile are missed,
// so fn gets one change of every kind when it is back.
func (p *Postgres) Follow(fn func([]core.Change)) {
	go func() {
		first := true
		for p.feed.ctx.Err() == nil {
			conn, err := pgx.Connect(p.feed.ctx, p.dsn)
			if err == nil {
				if _, err = conn.Exec(p.feed.ctx, "LISTEN "+feedChannel); err == nil {
					if !first {
						fn([]core.Change{{Kind: "*"}})
					}
					first = false
					_ = p.listen(conn, fn) // returns when the connection fails or Close
				}
				conn.Close(context.Background())
			}
			select {
			case <-p.feed.ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
	}()
}

func (p *Postgres) listen(conn *pgx.Conn, fn func([]core.Change)) error {
	for {
		n, err := conn.WaitForNotification(p.feed.ctx)
		if err != nil {
			return err
		}
		var nt notice
		if json.Unmarshal([]byte(n.Payload), &nt) != nil || nt.Origin == p.feed.origin {
			continue
		}
		fn(nt.Changes)
	}
}
