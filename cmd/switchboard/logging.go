package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"gopkg.in/natefinch/lumberjack.v2"
)

// The log: switchboard.log next to the database, rotated by size so a server
// that runs for months keeps a bounded amount (logMaxMB a file, logBackups
// old ones), and warnings that repeat (a client knocking with a bad API key
// hundreds of times a second) written at most warnBurst times a minute each,
// the next one saying how many were left out.

var (
	logMaxMB   = 10
	logBackups = 3
)

// newLogFile opens the rotating log at path (0600).
func newLogFile(path string) *lumberjack.Logger {
	return &lumberjack.Logger{Filename: path, MaxSize: logMaxMB, MaxBackups: logBackups}
}

// warnBurst is how many warnings with the same message are written a minute.
const warnBurst = 10

// quietHandler passes records to next, holding back repeated warnings.
type quietHandler struct {
	next slog.Handler
	st   *quietState
}

type quietState struct {
	mu  sync.Mutex
	now func() time.Time
	m   map[string]*quietCount
}

type quietCount struct {
	window     time.Time
	n, dropped int
}

func newQuietHandler(next slog.Handler) *quietHandler {
	return &quietHandler{next: next, st: &quietState{now: time.Now, m: map[string]*quietCount{}}}
}

func (h *quietHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *quietHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelWarn {
		return h.next.Handle(ctx, r)
	}
	st := h.st
	st.mu.Lock()
	now := st.now()
	c := st.m[r.Message]
	if c == nil {
		if len(st.m) > 1000 { // many different messages: start over rather than grow
			st.m = map[string]*quietCount{}
		}
		c = &quietCount{window: now}
		st.m[r.Message] = c
	}
	if now.Sub(c.window) >= time.Minute {
		c.window, c.n = now, 0
	}
	c.n++
	if c.n > warnBurst {
		c.dropped++
		st.mu.Unlock()
		return nil
	}
	dropped := c.dropped
	c.dropped = 0
	st.mu.Unlock()
	if dropped > 0 {
		r = r.Clone()
		r.AddAttrs(slog.Int("left_out_since", dropped))
	}
	return h.next.Handle(ctx, r)
}

func (h *quietHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &quietHandler{next: h.next.WithAttrs(as), st: h.st}
}

func (h *quietHandler) WithGroup(name string) slog.Handler {
	return &quietHandler{next: h.next.WithGroup(name), st: h.st}
}
