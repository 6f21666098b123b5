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
	auto      map[string]bool
	err       error
}

func loadCmd(svc *core.Service, seq int) tea.Cmd {
	return func() tea.Msg {
		rs, err := svc.Rules(core.RuleDispatch)
		if err != nil {
			return loadedMsg{seq: seq, err: err}
		}
		d, err := svc.Directory()
		if err != nil {
			return loadedMsg{seq: seq, err: err}
		}
		auto, err := svc.AutoDispatch()
		return loadedMsg{seq: seq, rules: rs, engineers: d.Engineers, providers: d.Providers, auto: auto, err: err}
	}
}

// autoSavedMsg is the outcome of switching automatic dispatch.
type autoSavedMsg struct {
	status string
	err    error
}

func autoCmd(svc *core.Service, as core.Actor, was map[string]bool, on []string) tea.Cmd {
	return func() tea.Msg {
		var changed []string
		for _, t := range core.DefaultRecordTypes {
			want := slices.Contains(on, t)
			if was[t] == want {
				continue
			}
			if err := svc.SetAutoDispatch(as, t, want); err != nil {
				return autoSavedMsg{err: err}
			}
			changed = append(changed, fmt.Sprintf("%s %s", t, map[bool]string{true: "on", false: "off"}[want]))
		}
		if len(changed) == 0 {
			return autoSavedMsg{status: "Automatic dispatch: nothing changed."}
		}
		return autoSavedMsg{status: "Automatic dispatch: " + strings.Join(changed, ", ") + "."}
	}
}

func nextUpCmd(svc *core.Service, as core.Actor, r core.Rule) tea.Cmd {
	return func() tea.Msg {
		got, err := svc.MoveRulePointer(as, r.ID, 0)
		name := fmt.Sprint(got.NextUp())
		return changedMsg{status: fmt.Sprintf("Rule %q (id %d): next up is engineer %s.", r.Name, r.ID, name), err: err}
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
	modeAuto         // switching automatic dispatch per record type
)

type keyMap struct {
	create, edit, toggle, moveUp, moveDown   key.Binding
	test, whatIf, del, confirm, reload, back key.Binding
	runTest, open, nextUp, auto              key.Binding
	draftWhatIf                              key.Binding
}

// Model is the rules screen.
type Model struct {
	c      *common.Common
	keys   keyMap
	width  int
	height int
	// list is the rules' cursor, window and "/" filter; shown are the rules
	// the filter keeps (all of them without one).
	list  *common.List
	shown common.Filtered[core.Rule]

	rules     []core.Rule
	engineers map[core.ID]core.Engineer
	providers map[core.ID]core.Provider
	loaded    bool
	seq       int
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
	// autoForm switches automatic dispatch per record type (R-DISP-3); auto
	// is what the store says now.
	autoForm   *common.Form
	autoChecks *common.ChecksField
	auto       map[string]bool

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
	common.StyleInput(&in, c.Styles)
	in.CharLimit = 20
	l := common.NewList(c, columns)
	l.KeyMap.PageDown = common.Without(l.KeyMap.PageDown, " ") // space switches a rule
	l.SetPlaceholder("name, condition, engineer")
	m := &Model{
		c:    c,
		list: l,
		keys: keyMap{
			create: km.NewRule, edit: km.Edit, toggle: km.Toggle, moveUp: km.MoveUp, moveDown: km.MoveDown,
			test: km.Test, whatIf: km.WhatIf, del: km.Delete, confirm: km.Confirm, reload: km.Reload, back: back,
			draftWhatIf: draftKey,
			runTest:     runTest, open: km.Open,
			nextUp: key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "next-up: the following engineer")),
			auto:   key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "automatic dispatch per record type")),
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
	m.width, m.height = width, height
	m.number.Width = max(10, width-20)
	if m.form != nil {
		m.form.setSize(width, height)
	}
	if m.whatIf != nil {
		m.whatIf.setSize(width, height)
	}
	m.list.SetSize(width, 2+m.rowsRoom())
}

// Capturing is true while a text field has the keyboard.
func (m *Model) Capturing() bool {
	switch m.mode {
	case modeTestFor:
		return true
	case modeForm:
		return m.form.capturing()
	case modeList:
		return m.list.Filtering()
	case modeWhatIf:
		return m.whatIf.capturing()
	}
	return false
}

// Rules are the rules as the screen shows them, in priority order.
func (m *Model) Rules() []core.Rule { return m.rules }

// Cursor is the index of the selected rule among those shown.
func (m *Model) Cursor() int { return m.list.Cursor() }

// Pending reports how many re-orderings are not yet written.
func (m *Model) Pending() int { return len(m.moves) }

func (m *Model) selected() (core.Rule, bool) {
	r := m.shown.Ref(m.list.Cursor())
	if r == nil {
		return core.Rule{}, false
	}
	return *r, true
}

// refilter shows the rules the filter keeps, the cursor on rule keep (0:
// where it was).
func (m *Model) refilter(keep core.ID) {
	m.shown.Set(m.rules, func(r core.Rule) string {
		return strings.Join([]string{r.Name, r.When, m.targetText(&r)}, " ")
	})
	m.shown.Apply(m.list.Filter())
	m.list.SetLen(m.shown.Len())
	if i := m.shown.Index(func(r core.Rule) bool { return r.ID == keep }); keep != 0 && i >= 0 {
		m.list.Select(i)
	}
	m.list.SetSize(m.width, 2+m.rowsRoom())
}

// Update handles keys, results and change notices.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.keyCmd(msg)
	case tea.MouseMsg:
		if m.mode == modeList {
			_, ev := m.list.Update(msg)
			return m.listEvent(ev)
		}
		return nil
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
	case autoSavedMsg:
		if m.autoForm == nil {
			return nil
		}
		if cmd := m.autoForm.Saved(msg.err); msg.err != nil {
			return cmd
		}
		m.autoForm, m.mode = nil, modeList
		return tea.Batch(m.reloadCmd(), common.StatusCmd(msg.status))
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
	case modeList:
		c, ev := m.list.Update(msg)
		cmds = append(cmds, c, m.listEvent(ev))
	case modeTestFor:
		var c tea.Cmd
		m.number, c = m.number.Update(msg) // cursor blink
		cmds = append(cmds, c)
	case modeForm:
		cmds = append(cmds, m.form.update(msg))
	}
	return tea.Batch(cmds...)
}

// mayAdmin reports whether the acting user may switch automatic dispatch.
func (m *Model) mayAdmin() bool {
	ok, _ := m.c.MayAdminister("switch automatic dispatch")
	return ok
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
	m.rules, m.auto = msg.rules, msg.auto
	m.engineers = make(map[core.ID]core.Engineer, len(msg.engineers))
	for _, e := range msg.engineers {
		m.engineers[e.ID] = e
	}
	m.providers = make(map[core.ID]core.Provider, len(msg.providers))
	for _, p := range msg.providers {
		m.providers[p.ID] = p
	}
	m.loaded = true
	m.refilter(keep)
	return nil
}

// listEvent follows what the list did: a new filter shows other rules; a
// move closes the test shown for the rule left.
func (m *Model) listEvent(ev common.ListEvent) tea.Cmd {
	if ev.Has(common.ListFilterChanged) {
		m.refilter(0)
	}
	if ev.Has(common.ListMoved) {
		m.test, m.testErr = nil, ""
		m.list.SetSize(m.width, 2+m.rowsRoom())
	}
	if ev.Has(common.ListActivated) && m.may {
		if r, ok := m.selected(); ok {
			return m.openFormCmd(&r)
		}
	}
	return nil
}

func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	switch m.mode {
	case modeAuto:
		cmd, ev := m.autoForm.Update(msg)
		switch ev {
		case common.FormCancel:
			m.autoForm, m.mode = nil, modeList
		case common.FormSave:
			return tea.Batch(m.autoForm.StartSaving(), autoCmd(m.c.Svc, m.c.Actor, m.auto, m.autoChecks.Checked()))
		}
		return cmd
	case modeForm:
		if key.Matches(msg, m.keys.draftWhatIf) {
			return m.draftWhatIfCmd()
		}
		cmd, done := m.form.keyCmd(msg)
		if done {
			m.form, m.mode = nil, modeList
		}
		return cmd
	case modeWhatIf:
		cmd, done := m.whatIf.keyCmd(msg)
		if done {
			m.mode = modeList
			if m.whatIf.draft != nil && m.form != nil {
				m.mode = modeForm // back to the rule being edited
			}
			m.whatIf = nil
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
	// K and J move rules: the list must not take them for paging.
	switch {
	case key.Matches(msg, k.moveUp):
		return m.moveCmd(-1)
	case key.Matches(msg, k.moveDown):
		return m.moveCmd(1)
	}
	if cmd, ev := m.list.Update(msg); ev.Has(common.ListHandled) {
		return tea.Batch(cmd, m.listEvent(ev))
	}
	switch {
	case key.Matches(msg, k.back):
		m.test, m.testErr = nil, ""
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
	case key.Matches(msg, k.nextUp):
		if r, ok := m.selected(); ok {
			return tea.Batch(nextUpCmd(m.c.Svc, m.c.Actor, r), m.busy.StartCmd())
		}
	case key.Matches(msg, k.auto):
		var on []string
		for _, t := range core.DefaultRecordTypes {
			if m.auto[t] {
				on = append(on, t)
			}
		}
		m.autoChecks = common.NewChecksField("Rules run for", "type", core.DefaultRecordTypes, on)
		m.autoForm = common.NewForm(m.c, "Automatic dispatch per record type (R-DISP-3)", m.autoChecks)
		m.autoForm.Note = "off: new work orders of the type wait in the manual queue"
		m.autoForm.KeyMap.Save.SetKeys("enter", "ctrl+s")
		m.autoForm.KeyMap.Save.SetHelp("enter", "save")
		m.autoForm.SetSize(m.width, m.height)
		m.mode = modeAuto
		return m.autoForm.Init()
	case key.Matches(msg, m.keys.auto) && !m.mayAdmin():
		_, why := m.c.MayAdminister("switch automatic dispatch")
		return common.ErrorCmd(common.Sentence(why))
	case !m.may && key.Matches(msg, m.keys.create, m.keys.edit, m.keys.toggle, m.keys.moveUp, m.keys.moveDown, m.keys.del, m.keys.nextUp):
		// Disabled for this user: say why rather than do nothing.
		return common.ErrorCmd(common.Sentence(m.why))
	case m.list.Filter() != "" && key.Matches(msg, m.keys.moveUp, m.keys.moveDown):
		return common.ErrorCmd(common.Sentence("Rules are moved in the whole list: esc clears the filter first."))
	}
	return nil
}

// moveCmd moves the selected rule one place up (d = -1) or down: the list shows
// the new order at once and the cursor follows the rule; the write is queued
// behind any still in flight, so fast key presses land in the order pressed.
func (m *Model) moveCmd(d int) tea.Cmd {
	i := m.list.Cursor() // without a filter, the index in m.rules
	j := i + d
	if i < 0 || i >= len(m.rules) || j < 0 || j >= len(m.rules) {
		return nil
	}
	m.rules[i], m.rules[j] = m.rules[j], m.rules[i]
	for x := range m.rules {
		m.rules[x].Priority = x + 1
	}
	m.test, m.testErr = nil, ""
	m.refilter(m.rules[j].ID)
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
	m.refilter(m.pendingCursor)
	m.pendingCursor = 0
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
	return max(1, min(max(1, m.shown.Len()), avail-panel))
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	switch m.mode {
	case modeForm:
		return m.form.shortHelp()
	case modeAuto:
		return m.autoForm.ShortHelp()
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
	if m.list.Filtering() {
		return m.list.ShortHelp()
	}
	k := m.bindings()
	return append([]key.Binding{k.moveUp, k.moveDown, k.edit, k.create, k.toggle, k.test, k.whatIf, k.del}, m.list.ShortHelp()...)
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
		m.list.FullHelp(),
		{k.moveUp, k.moveDown, k.toggle, k.del, k.nextUp, k.auto},
		{k.create, k.edit, k.test, k.whatIf, k.reload, k.back},
	}
}

func (m *Model) bindings() keyMap {
	k := m.keys
	_, has := m.selected()
	whole := m.list.Filter() == ""
	k.moveUp.SetEnabled(m.may && whole && m.list.Cursor() > 0 && has)
	k.moveDown.SetEnabled(m.may && whole && m.list.Cursor() < len(m.rules)-1 && has)
	k.create.SetEnabled(m.may && m.loaded)
	k.edit.SetEnabled(m.may && has)
	k.toggle.SetEnabled(m.may && has)
	if r, ok := m.selected(); ok && r.Enabled {
		k.toggle.SetHelp(k.toggle.Help().Key, "disable")
	} else {
		k.toggle.SetHelp(k.toggle.Help().Key, "enable")
	}
	k.del.SetEnabled(m.may && has)
	r, _ := m.selected()
	k.nextUp.SetEnabled(m.may && has && r.Policy == core.PolicyRoundRobin && len(r.Engineers) > 1)
	k.auto.SetEnabled(m.mayAdmin() && m.loaded)
	k.test.SetEnabled(has)
	k.whatIf.SetEnabled(m.loaded)
	k.back.SetEnabled((m.test != nil || m.testErr != "") && m.list.Filter() == "")
	k.back.SetHelp("esc", "close test")
	return k
}

// draftWhatIfCmd tries the rule set with the form's rule in it — replacing
// the rule being edited, or added last — on the waiting work orders, before
// anything is saved (issue 20.9; the CLI twin is dispatch what-if --rules).
func (m *Model) draftWhatIfCmd() tea.Cmd {
	in := m.form.input()
	r := core.Rule{Kind: core.RuleDispatch, Name: in.Name, When: in.When, Engineers: in.Engineers, Policy: in.Policy, Enabled: !in.Disabled}
	draft := make([]core.Rule, 0, len(m.rules)+1)
	replaced := false
	for _, x := range m.rules {
		if m.form.editing != nil && x.ID == m.form.editing.ID {
			r.ID, r.Priority = x.ID, x.Priority
			x, replaced = r, true
		}
		draft = append(draft, x)
	}
	if !replaced {
		draft = append(draft, r)
	}
	m.whatIf = newWhatIf(m.c)
	m.whatIf.draft = draft
	m.whatIf.setSize(m.width, m.height)
	m.mode = modeWhatIf
	return m.whatIf.runCmd()
}
