package mailin

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"switchboard/core"
)

// PollResult is what one pass over a Maildir did.
type PollResult struct {
	// Taken are the messages taken in (created, appended, recorded or
	// quarantined); their files moved from new/ to cur/.
	Taken []core.MailRecord `json:"taken"`
	// Left are files that stay in new/ for the next pass (the database was busy
	// or failed), or were moved to cur/ flagged unprocessed (too large), with why.
	Left []string `json:"left"`
}

// CheckMaildir reports whether dir is a Maildir (has new/ and cur/).
func CheckMaildir(dir string) error {
	for _, sub := range []string{"new", "cur"} {
		fi, err := os.Stat(filepath.Join(dir, sub))
		if err != nil || !fi.IsDir() {
			return core.Invalid("maildir", "%s is not a Maildir folder: it needs new/ and cur/ subfolders (as Postfix, Dovecot or fetchmail write them).", dir)
		}
	}
	return nil
}

// PollMaildir takes in every message in dir/new once, oldest name first. A
// message that was taken in moves to dir/cur with the "seen" flag (":2,S"); one
// whose ingestion failed stays in new/ and is tried again next time, so nothing
// is lost.
func PollMaildir(svc *core.Service, dir string) (PollResult, error) {
	var res PollResult
	if err := CheckMaildir(dir); err != nil {
		return res, err
	}
	entries, err := os.ReadDir(filepath.Join(dir, "new"))
	if err != nil {
		return res, fmt.Errorf("reading %s: %w", filepath.Join(dir, "new"), err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	for _, name := range names {
		path := filepath.Join(dir, "new", name)
		f, err := os.Open(path)
		if errors.Is(err, os.ErrNotExist) {
			continue // another reader took it
		} else if err != nil {
			res.Left = append(res.Left, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		raw, err := ReadMessage(f)
		f.Close()
		if core.IsValidation(err) {
			// Too large to take in: set aside in cur/ flagged, never deleted.
			if merr := os.Rename(path, filepath.Join(dir, "cur", name+":2,F")); merr != nil {
				res.Left = append(res.Left, fmt.Sprintf("%s: %v; moving it failed: %v", name, err, merr))
			} else {
				res.Left = append(res.Left, fmt.Sprintf("%s: %v (moved to cur/ flagged, not taken in)", name, err))
			}
			continue
		} else if err != nil {
			res.Left = append(res.Left, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		rec, err := Ingest(svc, raw, "maildir "+name)
		if err != nil {
			res.Left = append(res.Left, fmt.Sprintf("%s: %v (left in new/ for the next pass)", name, err))
			continue
		}
		res.Taken = append(res.Taken, rec)
		base := name
		if i := strings.Index(base, ":2,"); i >= 0 {
			base = base[:i]
		}
		if err := os.Rename(path, filepath.Join(dir, "cur", base+":2,S")); err != nil {
			// Taken in but not moved: the next pass sees its Message-ID again and
			// records a duplicate, nothing more.
			res.Left = append(res.Left, fmt.Sprintf("%s: taken in but not moved to cur/: %v", name, err))
		}
	}
	return res, nil
}

// Poller polls the Maildir named in the mail settings in the background, for
// the console and `switchboard serve`. It re-reads the settings on every pass,
// so a new folder or interval applies without a restart.
type Poller struct {
	svc  *core.Service
	log  *slog.Logger
	stop chan struct{}
	done chan struct{}
	once sync.Once
	// mu guards passes (completed passes, tests wait on them) and started.
	mu      sync.Mutex
	passes  int
	started bool
}

// NewPoller returns a stopped poller; log may be nil (slog.Default).
func NewPoller(svc *core.Service, log *slog.Logger) *Poller {
	if log == nil {
		log = slog.Default()
	}
	return &Poller{svc: svc, log: log, stop: make(chan struct{}), done: make(chan struct{})}
}

// Start polls until Stop: once at once, then every PollSeconds.
func (p *Poller) Start() {
	p.mu.Lock()
	if p.started {
		p.mu.Unlock()
		return
	}
	p.started = true
	p.mu.Unlock()
	go func() {
		defer close(p.done)
		for {
			wait := p.pass()
			select {
			case <-p.stop:
				return
			case <-time.After(wait):
			}
		}
	}()
}

// Passes is how many passes have run.
func (p *Poller) Passes() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.passes
}

func (p *Poller) pass() time.Duration {
	defer func() {
		p.mu.Lock()
		p.passes++
		p.mu.Unlock()
	}()
	set, err := p.svc.MailSettings()
	if err != nil {
		p.log.Error("mail poll: settings", "err", err)
		return time.Duration(core.DefaultMailPoll) * time.Second
	}
	wait := time.Duration(set.PollSeconds) * time.Second
	if set.Maildir == "" {
		return wait
	}
	res, err := PollMaildir(p.svc, set.Maildir)
	if err != nil {
		p.log.Error("mail poll", "maildir", set.Maildir, "err", err)
		return wait
	}
	for _, r := range res.Taken {
		p.log.Info("mail taken in", "id", r.ID, "outcome", r.Outcome, "number", r.Number, "from", r.From, "source", r.Source)
	}
	for _, l := range res.Left {
		p.log.Warn("mail left", "file", l)
	}
	return wait
}

// Stop ends polling and waits for a pass in progress.
func (p *Poller) Stop() {
	p.once.Do(func() { close(p.stop) })
	p.mu.Lock()
	started := p.started
	p.mu.Unlock()
	if started {
		<-p.done
	}
}
