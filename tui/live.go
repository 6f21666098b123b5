package tui

import (
	"slices"
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

// kindMsgs are the messages screens get when the service reports a change of
// a kind; kinds not listed (and work orders, which carry their numbers) are
// handled apart.
var kindMsgs = map[string]tea.Msg{
	"outbox":          common.NotifyChangedMsg{},
	"notify-settings": common.NotifyChangedMsg{},
	"rule":            common.RulesChangedMsg{},
	"process":         common.ProcessChangedMsg{},
	"mail":            common.IntakeChangedMsg{},
	"apikey":          common.IntakeChangedMsg{},
	"user":            common.UsersChangedMsg{},
	"followup":        common.FollowUpChangedMsg{},
	"device":          common.DevicesChangedMsg{},
	"contact":         common.PeopleChangedMsg{},
	"terminal-user":   common.PeopleChangedMsg{},
	"provider":        common.PeopleChangedMsg{},
	"engineer":        common.PeopleChangedMsg{},
	"account":         common.PeopleChangedMsg{},
	"view":            common.ViewsChangedMsg{},
}

// live is the console's subscription to the service's change notices.
type live struct {
	ch      <-chan core.Change
	cancel  func()
	pending common.WorkOrdersChangedMsg
	// kinds are the change messages (of kindMsgs) due at the next flush.
	kinds     []tea.Msg
	waiting   bool // a flush is scheduled
	lastFlush time.Time
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

// update collects changes and, at most every RefreshEvery, returns them as the
// messages every open screen gets: one WorkOrdersChangedMsg for the work
// orders, and one message for each other kind that changed.
func (l *live) update(msg tea.Msg) (out []tea.Msg, cmd tea.Cmd) {
	switch msg := msg.(type) {
	case changeMsg:
		next := waitCmd(l.ch)
		c := msg.change
		if m, ok := kindMsgs[c.Kind]; ok {
			if !slices.Contains(l.kinds, m) {
				l.kinds = append(l.kinds, m)
			}
		} else {
			switch {
			case c.Kind != "work-order":
				return nil, next
			case c.Number == "":
				l.pending.All = true
			default:
				if l.pending.Numbers == nil {
					l.pending.Numbers = make(map[string]bool)
				}
				l.pending.Numbers[c.Number] = true
			}
		}
		if l.waiting {
			return nil, next
		}
		l.waiting = true
		return nil, tea.Batch(next, flushAfter(l.flushDelay(time.Now())))
	case flushMsg:
		l.waiting = false
		l.lastFlush = time.Now()
		out, l.kinds = l.kinds, nil
		if l.pending.All || len(l.pending.Numbers) > 0 {
			out = append(out, l.pending)
		}
		l.pending = common.WorkOrdersChangedMsg{}
		return out, nil
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
