package store

import (
	"fmt"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// maxGroup is the most Batch calls one transaction takes.
const maxGroup = 512

// groupCommit runs Batch calls: one writer takes every call waiting when it
// starts a transaction (up to maxGroup) into that one transaction, so they
// share one fsync. The group grows with the time a commit takes — while one
// commits, the next group gathers. bbolt's own Batch gathers for a fixed
// window (MaxBatchDelay) and then waits for the writer lock; once commits
// took longer than that window its groups shrank to one or two calls, each
// paying a whole fsync (issue 19: 0.13–0.3× raw Batch at 64 clients).
// A lone call is not delayed at all.
type groupCommit struct {
	db      *bolt.DB
	mu      sync.Mutex
	queue   []*groupCall
	writing bool
}

type groupCall struct {
	fn   func(*bolt.Tx) error
	done chan error
}

// do runs fn in a read-write transaction that other calls may share. As with
// bbolt's Batch, fn may run more than once (a transaction it shared is rolled
// back when another call in it fails) and must leave nothing outside the
// transaction that a second run would not overwrite; the error returned is
// fn's own, from a run in which it failed alone.
func (g *groupCommit) do(fn func(*bolt.Tx) error) error {
	c := &groupCall{fn: fn, done: make(chan error, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, c)
	if !g.writing {
		g.writing = true
		go g.drain()
	}
	g.mu.Unlock()
	return <-c.done
}

// drain writes groups until nobody waits.
func (g *groupCommit) drain() {
	for {
		g.mu.Lock()
		if len(g.queue) == 0 {
			g.writing = false
			g.mu.Unlock()
			return
		}
		n := min(len(g.queue), maxGroup)
		calls := make([]*groupCall, n)
		copy(calls, g.queue)
		rest := copy(g.queue, g.queue[n:])
		clear(g.queue[rest:])
		g.queue = g.queue[:rest]
		g.mu.Unlock()
		g.write(calls)
	}
}

// write runs calls in one transaction. A call that fails rolls the
// transaction back: it gets its error (from a run alone unless it ran first,
// which is the same thing) and the others run again without it.
func (g *groupCommit) write(calls []*groupCall) {
	for len(calls) > 0 {
		failed, ferr := -1, error(nil)
		err := g.db.Update(func(tx *bolt.Tx) error {
			for i, c := range calls {
				if err := safely(c.fn, tx); err != nil {
					failed, ferr = i, err
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			for _, c := range calls {
				c.done <- err // nil, or the commit's own failure, shared by all
			}
			return
		}
		c := calls[failed]
		if failed == 0 {
			c.done <- ferr
		} else {
			c.done <- g.db.Update(func(tx *bolt.Tx) error { return safely(c.fn, tx) })
		}
		calls = append(calls[:failed:failed], calls[failed+1:]...)
	}
}

// safely runs fn, turning a panic into an error so that one call's bug does
// not leave the others waiting forever.
func safely(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in a write: %v", p)
		}
	}()
	return fn(tx)
}
