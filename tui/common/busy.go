package common

import (
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
)

// SpinnerDelay is how long the console waits before it shows a spinner: shorter
// waits feel instant, and a spinner that flashes for 20 ms only looks like flicker.
const SpinnerDelay = 100 * time.Millisecond

// Busy shows a spinner for a screen's I/O, but only once the I/O has taken longer
// than SpinnerDelay. Start it when a command goes out and Stop it when the result
// comes back; pass it every message.
type Busy struct {
	spin    spinner.Model
	seq     int
	waiting bool
	shown   bool
}

// busyShowMsg fires SpinnerDelay after Start; seq drops it if the wait already ended.
type busyShowMsg struct {
	spinner int
	seq     int
}

// NewBusy returns an idle Busy drawn with s.
func NewBusy(s *Styles) Busy {
	return Busy{spin: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(s.Spinner))}
}

// StartCmd marks the beginning of a wait and returns the command that shows the
// spinner if the wait lasts. Starting again while waiting restarts the delay.
func (b *Busy) StartCmd() tea.Cmd {
	b.seq++
	b.waiting = true
	if b.shown {
		return nil // already spinning: keep going
	}
	id, seq := b.spin.ID(), b.seq
	return tea.Tick(SpinnerDelay, func(time.Time) tea.Msg { return busyShowMsg{spinner: id, seq: seq} })
}

// Stop ends the wait and hides the spinner.
func (b *Busy) Stop() {
	b.waiting = false
	b.shown = false
}

// Waiting reports whether I/O is outstanding.
func (b *Busy) Waiting() bool { return b.waiting }

// Update advances the spinner; it ignores other screens' spinners.
func (b *Busy) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case busyShowMsg:
		if msg.spinner != b.spin.ID() || msg.seq != b.seq || !b.waiting || b.shown {
			return nil
		}
		b.shown = true
		return b.spin.Tick
	case spinner.TickMsg:
		if msg.ID != b.spin.ID() || !b.shown {
			return nil // stop ticking once hidden
		}
		var cmd tea.Cmd
		b.spin, cmd = b.spin.Update(msg)
		return cmd
	}
	return nil
}

// View is the spinner while it is shown, else "".
func (b *Busy) View() string {
	if !b.shown {
		return ""
	}
	return b.spin.View()
}
