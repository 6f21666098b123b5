// Package group commits concurrent writers together: one writer takes every
// call waiting into one transaction, so they share one commit (and fsync).
// The bbolt and PostgreSQL stores both give their Batch to it.
package group

import (
	"fmt"
	"sync"
)

// maxGroup is the most calls one transaction takes.
const maxGroup = 512

// Committer runs Batch calls: one writer takes every call waiting when it
// starts a transaction (up to maxGroup) into that one transaction, so they
// share one fsync. The group grows with the time a commit takes — while one
// commits, the next group gathers. bbolt's own Batch gathers for a fixed
// window (MaxBatchDelay) and then waits for the writer lock; once commits
// took longer than that window its groups shrank to one or two calls, each
// paying a whole fsync (issue 19: 0.13–0.3× raw Batch at 64 clients).
// A lone call is not delayed at all.
type Committer[T any] struct {
	// Update runs its function in one read-write transaction, committing
	// when it returns nil and rolling back otherwise.
	Update  func(func(T) error) error
	mu      sync.Mutex
	queue   []*call[T]
	writing bool
}

type call[T any] struct {
	fn   func(T) error
	done chan error
}

// Do runs fn in a read-write transaction that other calls may share. As with
// bbolt's Batch, fn may run more than once (a transaction it shared is rolled
// back when another call in it fails) and must leave nothing outside the
// transaction that a second run would not overwrite; the error returned is
// fn's own, from a run in which it failed alone.
func (g *Committer[T]) Do(fn func(T) error) error {
	c := &call[T]{fn: fn, done: make(chan error, 1)}
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
func (g *Committer[T]) drain() {
	for {
		g.mu.Lock()
		if len(g.queue) == 0 {
			g.writing = false
			g.mu.Unlock()
			return
		}
		n := min(len(g.queue), maxGroup)
		calls := make([]*call[T], n)
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
func (g *Committer[T]) write(calls []*call[T]) {
	for len(calls) > 0 {
		failed, ferr := -1, error(nil)
		err := g.Update(func(tx T) error {
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
			c.done <- g.Update(func(tx T) error { return safely(c.fn, tx) })
		}
		calls = append(calls[:failed:failed], calls[failed+1:]...)
	}
}

// safely runs fn, turning a panic into an error so that one call's bug does
// not leave the others waiting forever.
func safely[T any](fn func(T) error, tx T) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in a write: %v", p)
		}
	}()
	return fn(tx)
}
