package channels

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"switchboard/core"
)

// Options configure a Worker; the zero value is right for the product.
type Options struct {
	// Getenv supplies settings from the environment (default os.Getenv).
	Getenv func(string) string
	// HTTPClient is used for WeChat and SMS (default: 30 s timeout).
	HTTPClient *http.Client
	// TLSConfig is the SMTP client's TLS configuration (tests trust their own CA).
	TLSConfig *tls.Config
	// Retry is the backoff policy (default core.DefaultRetryPolicy).
	Retry core.RetryPolicy
	// Batch is how many messages one pass claims (default 32); Concurrency how
	// many it sends at once (default 4).
	Batch, Concurrency int
	// Lease is how long a claimed message is ours before another worker may take
	// it again (default 2 minutes); SendTimeout bounds one send (default 1 minute).
	Lease, SendTimeout time.Duration
	// Poll is the longest the worker sleeps without a change notice (default 5 s).
	Poll time.Duration
	// Log receives one line per outcome (default: discard).
	Log *slog.Logger
	// Senders replaces the senders built from channel settings (tests).
	Senders map[core.NoticeChannel]Sender
}

// stopGrace is how long Stop lets sends in flight finish before cutting them off.
const stopGrace = 3 * time.Second

// Worker delivers the outbox in the background: the console and `serve` start
// one, Stop ends it. Every pass claims due messages in one transaction, sends
// them, and records all outcomes in one transaction.
type Worker struct {
	svc *core.Service
	opt Options

	mu      sync.Mutex
	senders map[core.NoticeChannel]cachedSender
	running bool
	stop    chan struct{}
	done    chan struct{}
	kick    chan struct{}
}

type cachedSender struct {
	fingerprint string
	sender      Sender
}

// NewWorker returns a worker for svc; nothing runs until Start.
func NewWorker(svc *core.Service, opt Options) *Worker {
	if opt.Getenv == nil {
		opt.Getenv = os.Getenv
	}
	if opt.HTTPClient == nil {
		opt.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if opt.Retry.MaxAttempts == 0 {
		opt.Retry = core.DefaultRetryPolicy
	}
	if opt.Batch <= 0 {
		opt.Batch = 32
	}
	if opt.Concurrency <= 0 {
		opt.Concurrency = 4
	}
	if opt.Lease <= 0 {
		opt.Lease = 2 * time.Minute
	}
	if opt.SendTimeout <= 0 {
		opt.SendTimeout = time.Minute
	}
	if opt.Poll <= 0 {
		opt.Poll = 5 * time.Second
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	return &Worker{svc: svc, opt: opt, senders: map[core.NoticeChannel]cachedSender{}, kick: make(chan struct{}, 1)}
}

// Start recovers messages a dead process left half-sent and starts delivering
// in the background. Calling Start on a running worker does nothing.
func (w *Worker) Start() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running {
		return nil
	}
	if n, err := w.svc.RecoverOutbox(); err != nil {
		return err
	} else if n > 0 {
		w.opt.Log.Info("outbox: requeued messages left sending by an earlier process", "count", n)
	}
	w.running = true
	w.stop, w.done = make(chan struct{}), make(chan struct{})
	changes, unsubscribe := w.svc.Subscribe()
	go w.loop(changes, unsubscribe)
	return nil
}

// Stop ends the background loop and waits for the pass in flight to record its
// outcomes; sends still running after a few seconds are cut off, recorded as
// failed attempts and retried by the next worker.
func (w *Worker) Stop() {
	w.mu.Lock()
	if !w.running {
		w.mu.Unlock()
		return
	}
	w.running = false
	close(w.stop)
	done := w.done
	w.mu.Unlock()
	<-done
}

// Kick asks a running worker to look for due messages now.
func (w *Worker) Kick() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

func (w *Worker) loop(changes <-chan core.Change, unsubscribe func()) {
	defer close(w.done)
	defer unsubscribe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // on Stop, give sends in flight a moment, then cut them off
		select {
		case <-w.stop:
		case <-ctx.Done():
			return
		}
		t := time.NewTimer(stopGrace)
		defer t.Stop()
		select {
		case <-t.C:
			cancel()
		case <-ctx.Done():
		}
	}()
	go func() { // a change notice wakes the loop when something was queued
		for c := range changes {
			if c.Kind == "outbox" || c.Kind == "notify-settings" {
				w.Kick()
			}
		}
	}()
	for {
		n, err := w.RunOnce(ctx)
		if err != nil {
			w.opt.Log.Error("outbox pass failed", "err", err)
		}
		if n > 0 && err == nil {
			select {
			case <-w.stop:
				return
			default:
				continue // there may be more due right away
			}
		}
		wait := w.opt.Poll
		if at, ok, err := w.svc.NextOutboxDue(); err == nil && ok {
			wait = min(wait, max(time.Until(at)+10*time.Millisecond, 10*time.Millisecond))
		}
		t := time.NewTimer(wait)
		select {
		case <-w.stop:
			t.Stop()
			return
		case <-w.kick:
		case <-t.C:
		}
		t.Stop()
	}
}

// RunOnce claims one batch of due messages, sends them and records the outcomes.
// It returns how many messages it attempted.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	ms, err := w.svc.ClaimMessages(w.opt.Batch, w.opt.Lease)
	if err != nil || len(ms) == 0 {
		return 0, err
	}
	results := make([]core.DeliveryResult, len(ms))
	sem := make(chan struct{}, w.opt.Concurrency)
	var wg sync.WaitGroup
	for i := range ms {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			m := &ms[i]
			results[i] = core.DeliveryResult{ID: m.ID}
			s, err := w.sender(m.Channel)
			if err != nil {
				results[i].Err = err
				return
			}
			sctx, cancel := context.WithTimeout(ctx, w.opt.SendTimeout)
			defer cancel()
			results[i].ProviderID, results[i].Err = s.Send(sctx, m)
			w.logOutcome(m, results[i])
		}(i)
	}
	wg.Wait()
	return len(ms), w.svc.FinishMessages(results, w.opt.Retry)
}

// Drain runs passes until no message is due now (the CLI's `notify deliver`).
func (w *Worker) Drain(ctx context.Context) (int, error) {
	total := 0
	for ctx.Err() == nil {
		n, err := w.RunOnce(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
	return total, ctx.Err()
}

func (w *Worker) logOutcome(m *core.Message, r core.DeliveryResult) {
	to := core.MaskAddress(m.Recipient.Address)
	if r.Err == nil {
		w.opt.Log.Info("outbox: sent", "id", m.ID, "channel", m.Channel, "to", to, "provider_id", r.ProviderID)
		return
	}
	w.opt.Log.Warn("outbox: attempt failed", "id", m.ID, "channel", m.Channel, "to", to, "attempt", m.Attempts, "err", r.Err)
}

// sender returns the channel's sender, rebuilt only when its settings change so
// that a WeChat access token stays cached between passes.
func (w *Worker) sender(ch core.NoticeChannel) (Sender, error) {
	if s, ok := w.opt.Senders[ch]; ok {
		return s, nil
	}
	cfg, err := w.svc.ChannelConfig(ch)
	if err != nil {
		return nil, err
	}
	if !cfg.Enabled {
		return nil, &core.SendError{Kind: core.SendTemporary, Code: "off", Msg: ch.Title() + " is switched off in channel settings; the message waits until it is on again"}
	}
	vals, _ := cfg.Resolve(w.opt.Getenv)
	fp, _ := json.Marshal(vals)
	w.mu.Lock()
	defer w.mu.Unlock()
	if c, ok := w.senders[ch]; ok && c.fingerprint == string(fp) {
		return c.sender, nil
	}
	s, err := NewSender(ch, vals, w.opt.HTTPClient, w.opt.TLSConfig)
	if err != nil {
		return nil, err
	}
	w.senders[ch] = cachedSender{string(fp), s}
	return s, nil
}

// NewSender builds the sender of ch from resolved settings.
func NewSender(ch core.NoticeChannel, vals map[string]string, client *http.Client, tlsConfig *tls.Config) (Sender, error) {
	switch ch {
	case core.NoticeEmail:
		return NewEmail(vals, tlsConfig), nil
	case core.NoticeWeChat:
		return NewOfficialAccount(vals, client, time.Now), nil
	case core.NoticeMiniProgram:
		return NewMiniProgram(vals, client, time.Now), nil
	case core.NoticeSMS:
		return NewSMS(vals, client, time.Now), nil
	}
	return nil, errors.New("no sender for channel " + string(ch))
}
