package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// RefreshEvery is the most often open screens re-read the store because of changes
// made elsewhere: a burst of writes (an import, auto-dispatch) becomes one refresh.
// A change after a quiet spell refreshes at once (another dispatcher's assignment
// shows without delay); changes right after a refresh wait for the next.
const RefreshEvery = 250 * time.Millisecond

// changeMsg is one change notice from the service.
type changeMsg struct{ change core.Change }

// flushMsg ends a coalescing period.
type flushMsg struct{}

// live is the console's subscription to the service's change notices.
type live struct {
	ch      <-chan core.Change
	cancel  func()
	pending common.WorkOrdersChangedMsg
	notify  bool // outbox or notification settings changed
	intake  bool // received mail or API keys changed
	// rules is set when rules changed since the last flush; flushed tells the
	// root to pass a RulesChangedMsg on.
	rules, flushedRules bool
	waiting             bool // a flush is scheduled
	process             bool // a record type's process changed
	users               bool // internal users changed
	followUp            bool // follow-up tasks, teams or settings changed
	lastFlush           time.Time
}

// startCmd subscribes and returns the command that waits for the first change.
func (l *live) startCmd(svc *core.Service) tea.Cmd {
	if l.cancel != nil {
		return nil
	}
	l.ch, l.cancel = svc.Subscribe()
	return waitCmd(l.ch)
}

// stop unsubscribes; the waiting command then returns nil and its goroutine ends.
func (l *live) stop() {
	if l.cancel != nil {
		l.cancel()
	}
}

// waitCmd blocks (off the update loop) until the next change.
func waitCmd(ch <-chan core.Change) tea.Cmd {
	return func() tea.Msg {
		c, ok := <-ch
		if !ok {
			return nil
		}
		return changeMsg{change: c}
	}
}

// update collects work-order and rule changes and, at most every RefreshEvery,
// returns the work-order changes as one WorkOrdersChangedMsg for the screens
// (takeRules then says whether rules changed too).
func (l *live) update(msg tea.Msg) (*common.WorkOrdersChangedMsg, tea.Cmd) {
	switch msg := msg.(type) {
	case changeMsg:
		next := waitCmd(l.ch)
		switch {
		case msg.change.Kind == "outbox" || msg.change.Kind == "notify-settings":
			l.notify = true
		case msg.change.Kind == "rule":
			l.rules = true
		case msg.change.Kind == "process":
			l.process = true
		case msg.change.Kind == "mail" || msg.change.Kind == "apikey":
			l.intake = true
		case msg.change.Kind == "user":
			l.users = true
		case msg.change.Kind == "followup":
			l.followUp = true
		case msg.change.Kind != "work-order":
			return nil, next
		case msg.change.Number == "":
			l.pending.All = true
		default:
			if l.pending.Numbers == nil {
				l.pending.Numbers = make(map[string]bool)
			}
			l.pending.Numbers[msg.change.Number] = true
		}
		if l.waiting {
			return nil, next
		}
		l.waiting = true
		return nil, tea.Batch(next, flushAfter(l.flushDelay(time.Now())))
	case flushMsg:
		l.waiting = false
		l.lastFlush = time.Now()
		l.flushedRules, l.rules = l.rules, false
		out := l.pending
		l.pending = common.WorkOrdersChangedMsg{}
		var cmd tea.Cmd
		if l.notify {
			l.notify = false
			cmd = func() tea.Msg { return common.NotifyChangedMsg{} }
		}
		if l.process {
			l.process = false
			cmd = tea.Batch(cmd, func() tea.Msg { return common.ProcessChangedMsg{} })
		}
		if l.intake {
			l.intake = false
			cmd = tea.Batch(cmd, func() tea.Msg { return common.IntakeChangedMsg{} })
		}
		if l.users {
			l.users = false
			cmd = tea.Batch(cmd, func() tea.Msg { return common.UsersChangedMsg{} })
		}
		if l.followUp {
			l.followUp = false
			cmd = tea.Batch(cmd, func() tea.Msg { return common.FollowUpChangedMsg{} })
		}
		if !out.All && len(out.Numbers) == 0 {
			return nil, cmd
		}
		return &out, cmd
	}
	return nil, nil
}

// flushDelay is how long a change arriving at now waits for its refresh: none
// after a quiet spell, else until RefreshEvery after the last refresh.
func (l *live) flushDelay(now time.Time) time.Duration {
	return max(0, RefreshEvery-now.Sub(l.lastFlush))
}

// flushAfter ends the coalescing period after d.
func flushAfter(d time.Duration) tea.Cmd {
	if d <= 0 {
		return func() tea.Msg { return flushMsg{} }
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return flushMsg{} })
}

// takeRules reports, once, whether the last flush included rule changes.
func (l *live) takeRules() bool {
	r := l.flushedRules
	l.flushedRules = false
	return r
}
