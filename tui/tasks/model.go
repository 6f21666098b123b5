// Package tasks is the engineer's task inbox (R-DISP-5): the standard task
// notifications an engineer receives when work orders are assigned to them,
// newest first. An engineer sees their own inbox; dispatchers and admins may look
// at any engineer's.
package tasks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// whoMsg says whose inbox to show, once the directory is read.
type whoMsg struct {
	engineers []core.Engineer
	providers []core.Provider
	err       error
}

// tasksMsg carries an engineer's inbox.
type tasksMsg struct {
	engineer core.ID
	seq      int
	tasks    []core.Task
	err      error
}

func whoCmd(svc *core.Service) tea.Cmd {
	return func() tea.Msg {
		d, err := svc.Directory()
		return whoMsg{engineers: d.Engineers, providers: d.Providers, err: err}
	}
}

func tasksCmd(svc *core.Service, engineer core.ID, seq int) tea.Cmd {
	return func() tea.Msg {
		ts, err := svc.EngineerTasks(engineer)
		return tasksMsg{engineer: engineer, seq: seq, tasks: ts, err: err}
	}
}

type keyMap struct {
	up, down, pageUp, pageDown, home, end key.Binding
	open, pick, reload, choose, back      key.Binding
}

// Model is the task inbox screen.
type Model struct {
	c      *common.Common
	keys   keyMap
	width  int
	height int
	table  common.Table

	// The directory, once read.
	loaded    bool
	engineers []core.Engineer
	providers map[core.ID]string

	// engineer is whose inbox is shown (0: none); how says how it was chosen.
	engineer core.Engineer
	how      string
	// browse is whether the user may look at other engineers' inboxes.
	browse bool

	tasks  []core.Task
	seq    int
	cursor int
	top    int
	err    error
	busy   common.Busy

	// picking is the engineer picker: cursor into engineers, or -1 when closed.
	picking int
}

// New returns the inbox of the acting user's engineer record.
func New(c *common.Common) *Model {
	km := c.Keys
	back := km.Back
	back.SetHelp("esc", "cancel")
	choose := km.Choose
	choose.SetHelp("enter", "show inbox")
	pick := km.PickEngineer
	pick.SetHelp("e", "another engineer's inbox")
	browse, _ := c.MayDispatch("")
	return &Model{
		c: c,
		keys: keyMap{
			up: km.Up, down: km.Down, pageUp: km.PageUp, pageDown: km.PageDown, home: km.Home, end: km.End,
			open: km.Open, pick: pick, reload: km.Reload, choose: choose, back: back,
		},
		browse:  browse,
		busy:    common.NewBusy(c.Styles),
		picking: -1,
	}
}

// Init reads the directory to find the user's engineer record.
func (m *Model) Init() tea.Cmd { return tea.Batch(whoCmd(m.c.Svc), m.busy.StartCmd()) }

// SetSize lays the inbox out.
func (m *Model) SetSize(width, height int) {
	if width != m.width {
		m.table = common.NewTable(columns, width)
	}
	m.width, m.height = width, height
	m.clamp()
}

// Capturing is false: no text fields.
func (m *Model) Capturing() bool { return false }

// Engineer is whose inbox is shown (zero when none).
func (m *Model) Engineer() core.Engineer { return m.engineer }

// own finds the acting user's engineer record: the user's link to it when the
// user has one, else — for users with the engineer role — the one engineer with
// the user's name.
func (m *Model) own() (core.Engineer, string) {
	u := m.c.Actor.User
	if u.EngineerID != 0 {
		for _, e := range m.engineers {
			if e.ID == u.EngineerID {
				return e, "your engineer record"
			}
		}
	}
	if !u.Has(core.RoleEngineer) {
		return core.Engineer{}, ""
	}
	var found []core.Engineer
	for _, e := range m.engineers {
		if strings.EqualFold(strings.TrimSpace(e.Name), strings.TrimSpace(u.Name)) {
			found = append(found, e)
		}
	}
	if len(found) == 1 {
		return found[0], "the engineer with your name"
	}
	return core.Engineer{}, ""
}

// Update handles keys, the directory, the inbox and change notices.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if m.picking >= 0 {
			return m.pickKeyCmd(msg)
		}
		return m.keyCmd(msg)
	case whoMsg:
		m.busy.Stop()
		if msg.err != nil {
			m.err = msg.err
			return common.ErrorCmd(msg.err)
		}
		m.loaded = true
		m.engineers = msg.engineers
		m.providers = make(map[core.ID]string, len(msg.providers))
		for _, p := range msg.providers {
			m.providers[p.ID] = p.Name
		}
		if m.engineer.ID == 0 {
			m.engineer, m.how = m.own()
		}
		return m.reloadCmd()
	case tasksMsg:
		if msg.seq != m.seq || msg.engineer != m.engineer.ID {
			return nil
		}
		m.busy.Stop()
		if msg.err != nil {
			m.err = msg.err
			return common.ErrorCmd(msg.err)
		}
		m.err = nil
		m.tasks = msg.tasks
		m.clamp()
		return nil
	case common.WorkOrdersChangedMsg:
		// An assignment puts a task in an inbox and announces the work order.
		return m.reloadCmd()
	}
	return m.busy.Update(msg)
}

func (m *Model) reloadCmd() tea.Cmd {
	if m.engineer.ID == 0 {
		return nil
	}
	m.seq++
	return tasksCmd(m.c.Svc, m.engineer.ID, m.seq)
}

func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	k := m.bindings()
	h := m.visibleRows()
	switch {
	case key.Matches(msg, k.up):
		m.cursor--
	case key.Matches(msg, k.down):
		m.cursor++
	case key.Matches(msg, k.pageUp):
		m.cursor -= h
		m.top -= h
	case key.Matches(msg, k.pageDown):
		m.cursor += h
		m.top += h
	case key.Matches(msg, k.home):
		m.cursor = 0
	case key.Matches(msg, k.end):
		m.cursor = len(m.tasks) - 1
	case key.Matches(msg, k.open):
		if m.cursor < len(m.tasks) {
			return common.NavigateCmd(common.Push, common.DetailScreen, m.tasks[m.cursor].Number)
		}
	case key.Matches(msg, k.pick):
		m.picking = max(0, slices.IndexFunc(m.engineers, func(e core.Engineer) bool { return e.ID == m.engineer.ID }))
	case key.Matches(msg, k.reload):
		return m.reloadCmd()
	case key.Matches(msg, m.keys.pick) && !m.browse:
		return common.ErrorCmd(common.Sentence("Only dispatchers and admins may look at other engineers' inboxes."))
	}
	m.clamp()
	return nil
}

func (m *Model) pickKeyCmd(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.back):
		m.picking = -1
	case key.Matches(msg, k.up):
		m.picking = max(0, m.picking-1)
	case key.Matches(msg, k.down):
		m.picking = min(len(m.engineers)-1, m.picking+1)
	case key.Matches(msg, k.home):
		m.picking = 0
	case key.Matches(msg, k.end):
		m.picking = len(m.engineers) - 1
	case key.Matches(msg, k.choose):
		if m.picking < len(m.engineers) {
			m.engineer = m.engineers[m.picking]
			m.how = "chosen with e"
			m.tasks, m.cursor, m.top = nil, 0, 0
		}
		m.picking = -1
		return m.reloadCmd()
	}
	return nil
}

func (m *Model) visibleRows() int { return max(1, m.height-2) }

func (m *Model) clamp() {
	n := len(m.tasks)
	h := m.visibleRows()
	m.cursor = max(0, min(m.cursor, n-1))
	if m.cursor < m.top {
		m.top = m.cursor
	}
	if m.cursor >= m.top+h {
		m.top = m.cursor - h + 1
	}
	m.top = max(0, min(m.top, n-h))
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.bindings()
	if m.picking >= 0 {
		return []key.Binding{k.choose, k.up, k.down, k.back}
	}
	return []key.Binding{k.open, k.pick, k.reload}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.bindings()
	if m.picking >= 0 {
		return [][]key.Binding{{k.up, k.down, k.home, k.end}, {k.choose, k.back}}
	}
	return [][]key.Binding{{k.up, k.down, k.pageUp, k.pageDown, k.home, k.end}, {k.open, k.pick, k.reload}}
}

func (m *Model) bindings() keyMap {
	k := m.keys
	picking := m.picking >= 0
	many := len(m.tasks) > 1
	for _, b := range []*key.Binding{&k.up, &k.down, &k.pageUp, &k.pageDown, &k.home, &k.end} {
		b.SetEnabled(many || picking)
	}
	k.open.SetEnabled(!picking && len(m.tasks) > 0)
	k.pick.SetEnabled(!picking && m.browse && m.loaded && len(m.engineers) > 0)
	k.reload.SetEnabled(!picking && m.engineer.ID != 0)
	k.choose.SetEnabled(picking)
	k.back.SetEnabled(picking)
	return k
}

// engineerLabel names an engineer with their provider and region.
func (m *Model) engineerLabel(e core.Engineer) string {
	s := e.Name
	var extra []string
	if p := m.providers[e.ProviderID]; p != "" {
		extra = append(extra, p)
	}
	if e.Region != "" {
		extra = append(extra, e.Region)
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return fmt.Sprintf("%s, engineer %d", s, e.ID)
}
