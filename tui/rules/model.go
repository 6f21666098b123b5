// Package rules is the dispatch-rules screen (R-DISP-1, R-DISP-6): the rules in
// priority order, re-ordered from the keyboard; a form to add and edit them whose
// condition is checked as it is typed; switching rules on and off; testing a rule
// on any work order, part by part; and a "what if" run of the whole rule set over
// the waiting work orders that writes nothing.
package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// loadedMsg carries the rules in priority order and the names the list shows.
type loadedMsg struct {
	seq       int
	rules     []core.Rule
	engineers []core.Engineer
	providers []core.Provider
	err       error
}

func loadCmd(svc *core.Service, seq int) tea.Cmd {
	return func() tea.Msg {
		rs, err := svc.Rules(core.RuleDispatch)
		if err != nil {
			return loadedMsg{seq: seq, err: err}
		}
		d, err := svc.Directory()
		return loadedMsg{seq: seq, rules: rs, engineers: d.Engineers, providers: d.Providers, err: err}
	}
}

// move is one "adjust priority" step: rule id to position to (1 is tried first).
type move struct {
	id core.ID
	to int
}

// movedMsg is the outcome of one move.
type movedMsg struct {
	move  move
	rules []core.Rule
	err   error
}

func moveCmd(svc *core.Service, as core.Actor, mv move) tea.Cmd {
	return func() tea.Msg {
		rs, err := svc.MoveRule(as, mv.id, mv.to)
		return movedMsg{move: mv, rules: rs, err: err}
	}
}

// changedMsg is the outcome of switching a rule on or off, or deleting it.
type changedMsg struct {
	status string
	err    error
}

func toggleCmd(svc *core.Service, as core.Actor, r core.Rule) tea.Cmd {
	on := !r.Enabled
	return func() tea.Msg {
		_, err := svc.UpdateRule(as, r.ID, core.RulePatch{Enabled: &on})
		word := "disabled"
		if on {
			word = "enabled"
		}
		return changedMsg{status: fmt.Sprintf("Rule %q (id %d) %s.", r.Name, r.ID, word), err: err}
	}
}

func deleteCmd(svc *core.Service, as core.Actor, r core.Rule) tea.Cmd {
	return func() tea.Msg {
		err := svc.DeleteRule(as, r.ID)
		return changedMsg{status: fmt.Sprintf("Deleted rule %q (id %d).", r.Name, r.ID), err: err}
	}
}

// mode is what the screen is doing besides listing.
type mode int

const (
	modeList    mode = iota
	modeTestFor      // typing the number of a work order to test the rule on
	modeConfirm      // asking before deleting
	modeForm         // adding or editing a rule
	modeWhatIf       // showing a what-if run
)

type keyMap struct {
	up, down, pageUp, pageDown, home, end    key.Binding
	create, edit, toggle, moveUp, moveDown   key.Binding
	test, whatIf, del, confirm, reload, back key.Binding
	runTest, open                            key.Binding
}

// Model is the rules screen.
type Model struct {
	c      *common.Common
	keys   keyMap
	width  int
	height int
	table  common.Table

	rules     []core.Rule
	engineers map[core.ID]core.Engineer
	providers map[core.ID]core.Provider
	loaded    bool
	seq       int
	cursor    int
	top       int
	busy      common.Busy

	// moves are the re-orderings not yet written, in key-press order; the list
	// already shows them. They are written one at a time, in order.
	moves  []move
	moving bool
	// stale is set when the rules changed elsewhere while moves were pending.
	stale bool
	// pendingCursor is the rule the cursor lands on after the next load.
	pendingCursor core.ID

	mode    mode
	number  textinput.Model // the work order to test on
	testSeq int
	test    *explanation
	testErr string

	form   *form
	whatIf *whatIf

	may bool
	why string
}

// New returns the rules screen; Init reads the rules.
func New(c *common.Common) *Model {
	km := c.Keys
	back := km.Back
	back.SetHelp("esc", "back")
	runTest := km.Open
	runTest.SetHelp("enter", "run test")
	in := textinput.New()
	in.Prompt = "work order: "
	in.Placeholder = "number, e.g. WO-000123 or 123"
	in.PromptStyle = c.Styles.InputPrompt
	in.TextStyle = c.Styles.InputText
	in.PlaceholderStyle = c.Styles.InputPlaceholder
	in.CharLimit = 20
	m := &Model{
		c: c,
		keys: keyMap{
			up: km.Up, down: km.Down, pageUp: km.PageUp, pageDown: common.Without(km.PageDown, " "), home: km.Home, end: km.End,
			create: km.NewRule, edit: km.Edit, toggle: km.Toggle, moveUp: km.MoveUp, moveDown: km.MoveDown,
			test: km.Test, whatIf: km.WhatIf, del: km.Delete, confirm: km.Confirm, reload: km.Reload, back: back,
			runTest: runTest, open: km.Open,
		},
		busy:   common.NewBusy(c.Styles),
		number: in,
	}
	m.may, m.why = c.MayDispatch("change dispatch rules")
	return m
}

// Init reads the rules.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.reloadCmd(), m.busy.StartCmd()) }

func (m *Model) reloadCmd() tea.Cmd {
	m.seq++
	return loadCmd(m.c.Svc, m.seq)
}

// SetSize lays the screen out.
func (m *Model) SetSize(width, height int) {
	if width != m.width {
		m.table = common.NewTable(columns, width)
	}
	m.width, m.height = width, height
	m.number.Width = max(10, width-20)
	if m.form != nil {
		m.form.setSize(width, height)
	}
	if m.whatIf != nil {
		m.whatIf.setSize(width, height)
	}
	m.clamp()
}

// Capturing is true while a text field has the keyboard.
func (m *Model) Capturing() bool {
	switch m.mode {
	case modeTestFor:
		return true
	case modeForm:
		return m.form.capturing()
	}
	return false
}

// Rules are the rules as the screen shows them, in priority order.
func (m *Model) Rules() []core.Rule { return m.rules }

// Cursor is the index of the selected rule.
func (m *Model) Cursor() int { return m.cursor }

// Pending reports how many re-orderings are not yet written.
func (m *Model) Pending() int { return len(m.moves) }

func (m *Model) selected() (core.Rule, bool) {
	if m.cursor < 0 || m.cursor >= len(m.rules) {
		return core.Rule{}, false
	}
	return m.rules[m.cursor], true
}

// Update handles keys, results and change notices.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.keyCmd(msg)
	case loadedMsg:
		return m.loadedCmd(msg)
	case movedMsg:
		return m.movedCmd(msg)
	case changedMsg:
		m.busy.Stop()
		if msg.err != nil {
			return tea.Batch(m.reloadCmd(), common.ErrorCmd(msg.err))
		}
		return tea.Batch(m.reloadCmd(), common.StatusCmd(msg.status))
	case explainedMsg:
		if msg.form {
			if m.form != nil {
				return m.form.update(msg)
			}
			return nil
		}
		if msg.seq != m.testSeq {
			return nil
		}
		m.busy.Stop()
		if msg.err != nil {
			m.test, m.testErr = nil, msg.err.Error()
			return nil
		}
		x := msg.x
		m.test, m.testErr = &x, ""
		return nil
	case whatIfMsg:
		if m.whatIf != nil {
			m.whatIf.update(msg)
		}
		return nil
	case savedMsg:
		if m.form == nil {
			return nil
		}
		cmd := m.form.update(msg)
		if msg.err == nil {
			m.form, m.mode = nil, modeList
			m.keepID(msg.rule.ID)
			return tea.Batch(cmd, m.reloadCmd())
		}
		return cmd
	case common.RulesChangedMsg:
		if len(m.moves) > 0 {
			m.stale = true
			return nil
		}
		return m.reloadCmd()
	case common.WorkOrdersChangedMsg:
		// Load and next-up pointers move as dispatch runs.
		if m.whatIf != nil {
			m.whatIf.stale = true
		}
		if len(m.moves) == 0 {
			return m.reloadCmd()
		}
		return nil
	}
	var cmds []tea.Cmd
	cmds = append(cmds, m.busy.Update(msg))
	switch m.mode {
	case modeTestFor:
		var c tea.Cmd
		m.number, c = m.number.Update(msg) // cursor blink
		cmds = append(cmds, c)
	case modeForm:
		cmds = append(cmds, m.form.update(msg))
	}
	return tea.Batch(cmds...)
}

// keepID puts the cursor on rule id after the next load.
func (m *Model) keepID(id core.ID) { m.pendingCursor = id }

func (m *Model) loadedCmd(msg loadedMsg) tea.Cmd {
	if msg.seq != m.seq {
		return nil
	}
	m.busy.Stop()
	if msg.err != nil {
		return common.ErrorCmd(msg.err)
	}
	if len(m.moves) > 0 {
		m.stale = true // the list shows moves the store has not seen yet
		return nil
	}
	keep := m.pendingCursor
	if keep == 0 {
		if r, ok := m.selected(); ok {
			keep = r.ID
		}
	}
	m.pendingCursor = 0
	m.rules = msg.rules
	m.engineers = make(map[core.ID]core.Engineer, len(msg.engineers))
	for _, e := range msg.engineers {
		m.engineers[e.ID] = e
	}
	m.providers = make(map[core.ID]core.Provider, len(msg.providers))
	for _, p := range msg.providers {
		m.providers[p.ID] = p
	}
	m.loaded = true
	if i := slices.IndexFunc(m.rules, func(r core.Rule) bool { return r.ID == keep }); i >= 0 {
		m.cursor = i
	}
	m.clamp()
	return nil
}

func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	switch m.mode {
	case modeForm:
		cmd, done := m.form.keyCmd(msg)
		if done {
			m.form, m.mode = nil, modeList
		}
		return cmd
	case modeWhatIf:
		cmd, done := m.whatIf.keyCmd(msg)
		if done {
			m.whatIf, m.mode = nil, modeList
		}
		return cmd
	case modeTestFor:
		return m.testForKeyCmd(msg)
	case modeConfirm:
		m.mode = modeList
		if r, ok := m.selected(); ok && key.Matches(msg, m.keys.confirm) {
			return tea.Batch(deleteCmd(m.c.Svc, m.c.Actor, r), m.busy.StartCmd())
		}
		return common.StatusCmd("Nothing deleted.")
	}
	k := m.bindings()
	h := m.rowsRoom()
	switch {
	case key.Matches(msg, k.back):
		m.test, m.testErr = nil, ""
	case key.Matches(msg, k.moveUp):
		return m.moveCmd(-1)
	case key.Matches(msg, k.moveDown):
		return m.moveCmd(1)
	case key.Matches(msg, k.up):
		m.cursor--
		m.test, m.testErr = nil, ""
	case key.Matches(msg, k.down):
		m.cursor++
		m.test, m.testErr = nil, ""
	case key.Matches(msg, k.pageUp):
		m.cursor -= h
		m.top -= h
	case key.Matches(msg, k.pageDown):
		m.cursor += h
		m.top += h
	case key.Matches(msg, k.home):
		m.cursor = 0
	case key.Matches(msg, k.end):
		m.cursor = len(m.rules) - 1
	case key.Matches(msg, k.create):
		return m.openFormCmd(nil)
	case key.Matches(msg, k.edit):
		if r, ok := m.selected(); ok {
			return m.openFormCmd(&r)
		}
	case key.Matches(msg, k.toggle):
		if r, ok := m.selected(); ok {
			return tea.Batch(toggleCmd(m.c.Svc, m.c.Actor, r), m.busy.StartCmd())
		}
	case key.Matches(msg, k.del):
		m.mode = modeConfirm
	case key.Matches(msg, k.test):
		m.mode = modeTestFor
		m.number.CursorEnd()
		return m.number.Focus()
	case key.Matches(msg, k.whatIf):
		m.whatIf = newWhatIf(m.c)
		m.whatIf.setSize(m.width, m.height)
		m.mode = modeWhatIf
		return m.whatIf.runCmd()
	case key.Matches(msg, k.reload):
		return m.reloadCmd()
	case !m.may && key.Matches(msg, m.keys.create, m.keys.edit, m.keys.toggle, m.keys.moveUp, m.keys.moveDown, m.keys.del):
		// Disabled for this user: say why rather than do nothing.
		return common.ErrorCmd(common.Sentence(m.why))
	}
	m.clamp()
	return nil
}

// moveCmd moves the selected rule one place up (d = -1) or down: the list shows
// the new order at once and the cursor follows the rule; the write is queued
// behind any still in flight, so fast key presses land in the order pressed.
func (m *Model) moveCmd(d int) tea.Cmd {
	i := m.cursor
	j := i + d
	if i < 0 || i >= len(m.rules) || j < 0 || j >= len(m.rules) {
		return nil
	}
	m.rules[i], m.rules[j] = m.rules[j], m.rules[i]
	for x := range m.rules {
		m.rules[x].Priority = x + 1
	}
	m.cursor = j
	m.test, m.testErr = nil, ""
	m.clamp()
	m.moves = append(m.moves, move{id: m.rules[j].ID, to: j + 1})
	return m.nextMoveCmd()
}

func (m *Model) nextMoveCmd() tea.Cmd {
	if m.moving || len(m.moves) == 0 {
		return nil
	}
	m.moving = true
	return tea.Batch(moveCmd(m.c.Svc, m.c.Actor, m.moves[0]), m.busy.StartCmd())
}

// movedCmd takes the next queued move; after the last it confirms (or, when
// the rules changed elsewhere meanwhile, re-reads them). A refused move drops
// the queue and shows the store's order again.
func (m *Model) movedCmd(msg movedMsg) tea.Cmd {
	m.moving = false
	if msg.err != nil {
		m.moves = nil
		m.stale = false
		m.busy.Stop()
		return tea.Batch(m.reloadCmd(), common.ErrorCmd(msg.err))
	}
	if len(m.moves) > 0 {
		m.moves = m.moves[1:]
	}
	if len(m.moves) > 0 {
		return m.nextMoveCmd()
	}
	m.busy.Stop()
	name := ""
	for _, r := range msg.rules {
		if r.ID == msg.move.id {
			name = r.Name
		}
	}
	status := common.StatusCmd(fmt.Sprintf("Moved rule %q (id %d) to priority %d.", name, msg.move.id, msg.move.to))
	if m.stale {
		m.stale = false
		return tea.Batch(m.reloadCmd(), status)
	}
	// The store's order is the truth; it matches what the list shows.
	if r, ok := m.selected(); ok {
		m.pendingCursor = r.ID
	}
	m.rules = msg.rules
	if i := slices.IndexFunc(m.rules, func(r core.Rule) bool { return r.ID == m.pendingCursor }); i >= 0 {
		m.cursor = i
	}
	m.pendingCursor = 0
	m.clamp()
	return status
}

// testForKeyCmd handles typing the work-order number to test the selected rule on.
func (m *Model) testForKeyCmd(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.back):
		m.mode = modeList
		m.number.Blur()
		return nil
	case key.Matches(msg, m.keys.runTest):
		m.mode = modeList
		m.number.Blur()
		r, ok := m.selected()
		n := strings.TrimSpace(m.number.Value())
		if !ok || n == "" {
			return nil
		}
		m.testSeq++
		m.test, m.testErr = nil, ""
		names := make(map[core.ID]string, len(m.engineers))
		for id, e := range m.engineers {
			names[id] = e.Name
		}
		return tea.Batch(explainCmd(m.c.Svc, false, m.testSeq, r.ID, r.Name, r.When, n, names), m.busy.StartCmd())
	}
	var cmd tea.Cmd
	m.number, cmd = m.number.Update(msg)
	return cmd
}

func (m *Model) openFormCmd(r *core.Rule) tea.Cmd {
	m.form = newForm(m.c, r, strings.TrimSpace(m.number.Value()), m.engineers, m.providers)
	m.form.setSize(m.width, m.height)
	m.mode = modeForm
	return m.form.initCmd()
}

// rowsRoom is how many rule rows fit above the panel.
func (m *Model) rowsRoom() int {
	avail := max(1, m.height-2)
	panel := min(len(m.panelLines()), avail/2)
	return max(1, min(max(1, len(m.rules)), avail-panel))
}

func (m *Model) clamp() {
	n := len(m.rules)
	h := m.rowsRoom()
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
	switch m.mode {
	case modeForm:
		return m.form.shortHelp()
	case modeWhatIf:
		return m.whatIf.shortHelp()
	case modeTestFor:
		return []key.Binding{m.keys.runTest, m.keys.back}
	case modeConfirm:
		c := m.keys.confirm
		c.SetHelp("y", "delete")
		n := key.NewBinding(key.WithHelp("any other key", "keep"))
		return []key.Binding{c, n}
	}
	k := m.bindings()
	return []key.Binding{k.moveUp, k.moveDown, k.edit, k.create, k.toggle, k.test, k.whatIf, k.del}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding {
	switch m.mode {
	case modeForm:
		return m.form.fullHelp()
	case modeWhatIf:
		return m.whatIf.fullHelp()
	case modeTestFor, modeConfirm:
		return [][]key.Binding{m.ShortHelp()}
	}
	k := m.bindings()
	return [][]key.Binding{
		{k.up, k.down, k.pageUp, k.pageDown, k.home, k.end},
		{k.moveUp, k.moveDown, k.toggle, k.del},
		{k.create, k.edit, k.test, k.whatIf, k.reload, k.back},
	}
}

func (m *Model) bindings() keyMap {
	k := m.keys
	_, has := m.selected()
	many := len(m.rules) > 1
	for _, b := range []*key.Binding{&k.up, &k.down, &k.pageUp, &k.pageDown, &k.home, &k.end} {
		b.SetEnabled(many)
	}
	k.moveUp.SetEnabled(m.may && m.cursor > 0 && has)
	k.moveDown.SetEnabled(m.may && m.cursor < len(m.rules)-1 && has)
	k.create.SetEnabled(m.may && m.loaded)
	k.edit.SetEnabled(m.may && has)
	k.toggle.SetEnabled(m.may && has)
	if r, ok := m.selected(); ok && r.Enabled {
		k.toggle.SetHelp(k.toggle.Help().Key, "disable")
	} else {
		k.toggle.SetHelp(k.toggle.Help().Key, "enable")
	}
	k.del.SetEnabled(m.may && has)
	k.test.SetEnabled(has)
	k.whatIf.SetEnabled(m.loaded)
	k.back.SetEnabled(m.test != nil || m.testErr != "")
	k.back.SetHelp("esc", "close test")
	return k
}
