// Package tasks is the engineer's task inbox (R-DISP-5): the standard task
// notifications an engineer receives when work orders are assigned to them,
// newest first. An engineer sees their own inbox; dispatchers and admins may look
// at any engineer's.
package tasks

import (
	"fmt"
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
	open, pick, reload, choose, back key.Binding
}

// Model is the task inbox screen.
type Model struct {
	c      *common.Common
	keys   keyMap
	width  int
	height int
	// list and shown are the inbox; picker and people choose an engineer.
	list   *common.List
	shown  common.Filtered[core.Task]
	picker *common.List
	people common.Filtered[core.Engineer]

	// The directory, once read.
	loaded    bool
	engineers []core.Engineer
	providers map[core.ID]string

	// engineer is whose inbox is shown (0: none); how says how it was chosen.
	engineer core.Engineer
	how      string
	// browse is whether the user may look at other engineers' inboxes.
	browse bool

	tasks []core.Task
	seq   int
	err   error
	busy  common.Busy

	// picking is set while the engineer picker is open.
	picking bool
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
	l := common.NewList(c, columns)
	l.Empty = "No tasks yet: work orders assigned to this engineer show up here."
	l.SetPlaceholder("number, subject")
	p := common.NewList(c, pickerColumns)
	p.Empty = "There are no engineers yet."
	p.SetPlaceholder("name, provider, region")
	return &Model{
		c: c,
		keys: keyMap{
			open: km.Open, pick: pick, reload: km.Reload, choose: choose, back: back,
		},
		list:   l,
		picker: p,
		browse: browse,
		busy:   common.NewBusy(c.Styles),
	}
}

// Init reads the directory to find the user's engineer record.
func (m *Model) Init() tea.Cmd { return tea.Batch(whoCmd(m.c.Svc), m.busy.StartCmd()) }

// SetSize lays the inbox out.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.list.SetSize(width, height)
	m.picker.SetSize(width, height)
}

// Capturing is true while a filter has the keyboard.
func (m *Model) Capturing() bool { return m.current().Filtering() }

// current is the list on screen: the picker or the inbox.
func (m *Model) current() *common.List {
	if m.picking {
		return m.picker
	}
	return m.list
}

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
		if m.picking {
			return m.pickKeyCmd(msg)
		}
		return m.keyCmd(msg)
	case tea.MouseMsg:
		_, ev := m.current().Update(msg)
		if ev.Has(common.ListActivated) {
			if m.picking {
				return m.chooseCmd()
			}
			return m.openCmd()
		}
		return nil
	case whoMsg:
		m.busy.Stop()
		if msg.err != nil {
			m.err = msg.err
			return common.ErrorCmd(msg.err)
		}
		m.loaded = true
		m.engineers = msg.engineers
		m.people.Set(m.engineers, m.engineerLabel)
		m.people.Apply(m.picker.Filter())
		m.picker.SetLen(m.people.Len())
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
		m.shown.Set(m.tasks, func(t core.Task) string { return t.Number + " " + t.Subject + " " + t.Detail })
		m.shown.Apply(m.list.Filter())
		m.list.SetLen(m.shown.Len())
		return nil
	case common.WorkOrdersChangedMsg:
		// An assignment puts a task in an inbox and announces the work order.
		return m.reloadCmd()
	}
	cmd, ev := m.current().Update(msg)
	if ev.Has(common.ListFilterChanged) {
		m.refilter()
	}
	return tea.Batch(cmd, m.busy.Update(msg))
}

// refilter applies both lists' filters.
func (m *Model) refilter() {
	m.shown.Apply(m.list.Filter())
	m.list.SetLen(m.shown.Len())
	m.people.Apply(m.picker.Filter())
	m.picker.SetLen(m.people.Len())
}

func (m *Model) openCmd() tea.Cmd {
	if t := m.shown.Ref(m.list.Cursor()); t != nil {
		return common.NavigateCmd(common.Push, common.DetailScreen, t.Number)
	}
	return nil
}

func (m *Model) chooseCmd() tea.Cmd {
	e := m.people.Ref(m.picker.Cursor())
	m.picking = false
	if e == nil {
		return nil
	}
	m.engineer = *e
	m.how = "chosen with e"
	m.tasks = nil
	m.shown.Set(nil, nil)
	m.list.SetLen(0)
	return m.reloadCmd()
}

func (m *Model) reloadCmd() tea.Cmd {
	if m.engineer.ID == 0 {
		return nil
	}
	m.seq++
	return tasksCmd(m.c.Svc, m.engineer.ID, m.seq)
}

func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	cmd, ev := m.list.Update(msg)
	if ev.Has(common.ListFilterChanged) {
		m.refilter()
	}
	if ev.Has(common.ListHandled) {
		return cmd
	}
	k := m.bindings()
	switch {
	case key.Matches(msg, k.open):
		return m.openCmd()
	case key.Matches(msg, k.pick):
		m.picking = true
		if i := m.people.Index(func(e core.Engineer) bool { return e.ID == m.engineer.ID }); i >= 0 {
			m.picker.Select(i)
		}
	case key.Matches(msg, k.reload):
		return m.reloadCmd()
	case key.Matches(msg, m.keys.pick) && !m.browse:
		return common.ErrorCmd(common.Sentence("Only dispatchers and admins may look at other engineers' inboxes."))
	}
	return nil
}

func (m *Model) pickKeyCmd(msg tea.KeyMsg) tea.Cmd {
	cmd, ev := m.picker.Update(msg)
	if ev.Has(common.ListFilterChanged) {
		m.refilter()
	}
	if ev.Has(common.ListHandled) {
		return cmd
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.back):
		m.picking = false
	case key.Matches(msg, k.choose):
		return m.chooseCmd()
	}
	return nil
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.bindings()
	l := m.current()
	if l.Filtering() {
		return l.ShortHelp()
	}
	if m.picking {
		return append([]key.Binding{k.choose, k.back}, l.ShortHelp()...)
	}
	return append([]key.Binding{k.open, k.pick, k.reload}, l.ShortHelp()...)
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.bindings()
	if m.picking {
		return [][]key.Binding{m.picker.FullHelp(), {k.choose, k.back}}
	}
	return [][]key.Binding{m.list.FullHelp(), {k.open, k.pick, k.reload}}
}

func (m *Model) bindings() keyMap {
	k := m.keys
	k.open.SetEnabled(!m.picking && m.shown.Len() > 0)
	k.pick.SetEnabled(!m.picking && m.browse && m.loaded && len(m.engineers) > 0)
	k.reload.SetEnabled(!m.picking && m.engineer.ID != 0)
	k.choose.SetEnabled(m.picking)
	k.back.SetEnabled(m.picking)
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
