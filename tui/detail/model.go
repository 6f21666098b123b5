// Package detail is the work-order detail screen: every field, grouped, with the
// dispatch fields under the manual's names and API names, and the history timeline,
// in a scrollable viewport.
package detail

import (
	"errors"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// loadedMsg carries a work order (with history) back from the service.
type loadedMsg struct {
	number string
	seq    int
	wo     core.WorkOrder
	// owner is the external owner's name, when there is one and it could be read.
	owner string
	// messages are the work order's outbox messages, newest first.
	messages []core.Message
	err      error
}

// load reads a work order, the name of its external owner and its messages.
func load(svc *core.Service, number string, seq int) loadedMsg {
	w, err := svc.WorkOrder(number)
	msg := loadedMsg{number: number, seq: seq, wo: w, err: err}
	if err == nil {
		msg.messages, msg.err = svc.OutboxFor(w.Number)
	}
	if err == nil && w.OutOwner != 0 {
		if t, err := svc.TerminalUser(w.OutOwner); err == nil {
			msg.owner = t.Name
		} else if !errors.Is(err, core.ErrNotFound) {
			msg.err = err
		}
	}
	return msg
}

// loadCmd runs load off the update loop with its own copies of the arguments.
func loadCmd(svc *core.Service, number string, seq int) tea.Cmd {
	return func() tea.Msg { return load(svc, number, seq) }
}

type keyMap struct {
	up, down, pageUp, pageDown, home, end, back, reload key.Binding
	evalQR                                              key.Binding
}

// Model is the detail screen of one work order.
type Model struct {
	c      *common.Common
	keys   keyMap
	number string
	width  int
	height int

	wo       *core.WorkOrder
	owner    string
	messages []core.Message
	err      error
	seq      int
	busy     common.Busy
	vp       viewport.Model
	// built is the width the viewport content was built for.
	built int
}

// New returns the detail screen of work order number; Init loads it.
func New(c *common.Common, number string) *Model {
	km := c.Keys
	vp := viewport.New(0, 0)
	vp.KeyMap = viewport.KeyMap{} // keys come from the console's keymap
	return &Model{
		c: c,
		keys: keyMap{
			up: km.Up, down: km.Down, pageUp: km.PageUp, pageDown: km.PageDown,
			home: km.Home, end: km.End, back: km.Back, reload: km.Reload,
			evalQR: km.EvalQR,
		},
		number: number,
		busy:   common.NewBusy(c.Styles),
		vp:     vp,
	}
}

// Number is the work order the screen shows.
func (m *Model) Number() string { return m.number }

// Init loads the work order.
func (m *Model) Init() tea.Cmd { return m.reloadCmd() }

func (m *Model) reloadCmd() tea.Cmd {
	m.seq++
	return tea.Batch(loadCmd(m.c.Svc, m.number, m.seq), m.busy.StartCmd())
}

// SetSize fits the viewport under the title line.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.vp.Width = width
	m.vp.Height = max(1, height-1)
	m.rebuild()
}

// Capturing is false: the screen has no text fields.
func (m *Model) Capturing() bool { return false }

// Update handles scrolling keys, the loaded work order and change notices.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.keyCmd(msg)
	case loadedMsg:
		if msg.number != m.number || msg.seq != m.seq {
			return nil // an older load, or another screen's
		}
		m.busy.Stop()
		if msg.err != nil {
			m.err = msg.err
			return common.ErrorCmd(msg.err)
		}
		m.err = nil
		w := msg.wo
		m.wo, m.owner, m.messages = &w, msg.owner, msg.messages
		m.built = -1
		m.rebuild()
		return nil
	case common.WorkOrdersChangedMsg:
		if msg.Touches(m.number) {
			return m.reloadCmd()
		}
		return nil
	case common.NotifyChangedMsg:
		return m.reloadCmd()
	}
	return m.busy.Update(msg)
}

func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	if cmd, ok := m.evalQRCmd(msg); ok {
		return cmd
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.back):
		return common.BackCmd
	case key.Matches(msg, k.up):
		m.vp.ScrollUp(1)
	case key.Matches(msg, k.down):
		m.vp.ScrollDown(1)
	case key.Matches(msg, k.pageUp):
		m.vp.PageUp()
	case key.Matches(msg, k.pageDown):
		m.vp.PageDown()
	case key.Matches(msg, k.home):
		m.vp.GotoTop()
	case key.Matches(msg, k.end):
		m.vp.GotoBottom()
	case key.Matches(msg, k.reload):
		return m.reloadCmd()
	}
	return nil
}

// rebuild renders the content for the current width, keeping the scroll position.
func (m *Model) rebuild() {
	if m.wo == nil || m.width <= 0 || m.built == m.width {
		return
	}
	off := m.vp.YOffset
	m.vp.SetContent(m.content())
	m.vp.SetYOffset(off)
	m.built = m.width
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.bindings()
	scroll := k.down
	scroll.SetKeys(append(k.up.Keys(), k.down.Keys()...)...)
	scroll.SetHelp("↑/↓", "scroll")
	return []key.Binding{k.back, scroll, k.pageDown, k.reload, m.evalQR()}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.bindings()
	return [][]key.Binding{{k.up, k.down, k.pageUp, k.pageDown, k.home, k.end}, {k.back, k.reload, m.evalQR()}}
}

func (m *Model) bindings() keyMap {
	k := m.keys
	scrolls := m.vp.TotalLineCount() > m.vp.Height
	for _, b := range []*key.Binding{&k.up, &k.down, &k.pageUp, &k.pageDown, &k.home, &k.end} {
		b.SetEnabled(scrolls)
	}
	k.back.SetHelp("esc", "back")
	return k
}
