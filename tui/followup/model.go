// Package followup is the follow-up call queue (R-FU-5): a follow-up agent's
// open tasks in due order (overdue first and highlighted), one key for the
// next call, the call panel that dials through the configured integration
// and records the outcome, and the follow-up form — the task's Service
// Evaluation layout — for a reached customer. Team leads see every agent's
// queue and reassign. Only follow-up agents and admins may use it.
package followup

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// mode is what the screen shows.
type mode int

const (
	listMode     mode = iota // the queue
	callMode                 // the call panel of one task
	formMode                 // the follow-up form of a reached call
	callbackMode             // typing the callback time
	reassignMode             // typing the agent to reassign to
	settingsMode             // the plug-in, limits, teams and rules
)

// filterDebounce is how long typing in the filter pauses before the queue is
// read again.
const filterDebounce = 150 * time.Millisecond

// Messages of the screen's I/O.
type (
	queueMsg struct {
		seq   int
		q     core.FollowUpQueue
		cfg   core.FollowUpConfig
		types []core.EvaluationType
		err   error
	}
	nextMsg struct {
		task core.FollowUpTask
		err  error
	}
	dialMsg struct {
		task core.ID
		res  core.DialResult
		err  error
	}
	recordMsg struct {
		task    core.FollowUpTask
		outcome core.Outcome
		err     error
	}
	reassignMsg struct {
		task core.FollowUpTask
		err  error
	}
)

// queueCmd reads the window [offset, offset+limit) of the queue with the
// counts over all of it; the screen never holds more than a few screens of a
// queue however long it is.
func queueCmd(svc *core.Service, as core.Actor, all bool, filter string, offset, limit, seq int) tea.Cmd {
	return func() tea.Msg {
		q, err := svc.FollowUpQueue(as, core.QueueQuery{All: all, Filter: filter, Offset: offset, Limit: limit})
		msg := queueMsg{seq: seq, q: q, err: err}
		if err == nil {
			msg.cfg, msg.err = svc.FollowUpConfig()
		}
		if msg.err == nil {
			msg.types, msg.err = svc.EvaluationTypes()
		}
		return msg
	}
}

func nextCmd(svc *core.Service, as core.Actor) tea.Cmd {
	return func() tea.Msg {
		t, err := svc.NextFollowUpCall(as, "")
		return nextMsg{task: t, err: err}
	}
}

func dialCmd(svc *core.Service, as core.Actor, id core.ID) tea.Cmd {
	return func() tea.Msg {
		r, err := svc.DialFollowUp(context.Background(), as, id)
		return dialMsg{task: id, res: r, err: err}
	}
}

func recordCmd(svc *core.Service, as core.Actor, id core.ID, r core.CallResult) tea.Cmd {
	return func() tea.Msg {
		t, err := svc.RecordFollowUpCall(as, id, r)
		return recordMsg{task: t, outcome: r.Outcome, err: err}
	}
}

func reassignCmd(svc *core.Service, as core.Actor, id core.ID, to string) tea.Cmd {
	return func() tea.Msg {
		t, err := svc.ReassignFollowUp(as, id, to)
		return reassignMsg{task: t, err: err}
	}
}

type keyMap struct {
	up, down                             key.Binding // the form's fields
	next, call, dial, all, reassign      key.Binding
	reached, noAnswer, busy, wrong, back key.Binding
	callback, reload                     key.Binding
	settings                             key.Binding
	nextField, prevField, left, right    key.Binding
	toggle, save, confirm                key.Binding
}

// Model is the Follow-up section.
type Model struct {
	c             *common.Common
	keys          keyMap
	width, height int
	// list is the queue's cursor, window and "/" filter (the text in effect
	// is read by the store, which holds the whole queue).
	list *common.List
	busy common.Busy

	// refusal, when set, is why the user cannot use the queue.
	refusal string
	loaded  bool
	err     error
	seq     int
	// want is the offset of the window last asked for; shown is the seq of
	// the window held.
	want, shown int
	all         bool
	q           core.FollowUpQueue
	cfg         core.FollowUpConfig
	types       []core.EvaluationType
	// The list's cursor and top are positions in the whole queue (q.Total
	// tasks); q holds the window q.Offset … q.Offset+len(q.Tasks) around them.

	mode mode
	// task is the task of the call panel and the form.
	task core.FollowUpTask
	// dialing and dialed say how the call went; dialErr why it failed.
	dialing bool
	dialed  string
	dialErr error
	saving  bool
	input   textinput.Model
	form    *form
	// set is the settings view while it is open.
	set *settings
}

// New returns the Follow-up section for the acting user.
func New(c *common.Common) *Model {
	km := c.Keys
	back := km.Back
	back.SetHelp("esc", "back")
	save := km.Save
	save.SetHelp("ctrl+s", "save the form")
	confirm := km.Choose
	confirm.SetHelp("enter", "confirm")
	toggle := km.Select
	toggle.SetHelp("space", "tick/untick")
	left, right := km.PrevChoice, km.NextChoice
	left.SetHelp("←", "previous")
	right.SetKeys("right")
	right.SetHelp("→", "next")
	m := &Model{c: c, busy: common.NewBusy(c.Styles), keys: keyMap{
		up: km.Up, down: km.Down,
		next: km.NextCall, call: km.CallTask, dial: km.Dial, all: km.AllQueues, reassign: km.Reassign,
		reached: km.Reached, noAnswer: km.NoAnswer, busy: km.Busy, wrong: km.WrongNumber, back: back,
		callback: km.CallBack, reload: km.Reload,
		settings:  km.FollowUpSettings,
		nextField: km.NextField, prevField: km.PrevField, left: left, right: right,
		toggle: toggle, save: save, confirm: confirm,
	}}
	a := c.Actor
	switch {
	case a.Kind != core.SubmitterInternal:
		m.refusal = "Only internal users can use the follow-up call queue."
	case !a.User.Has(core.RoleFollowUp, core.RoleAdmin):
		m.refusal = fmt.Sprintf("%s (%s): the call queue is for follow-up agents; ask an admin for the follow-up role.", a.User.Login, roleList(a.User.Roles))
	}
	m.input = textinput.New()
	m.input.Prompt = ""
	common.StyleInput(&m.input, c.Styles)
	m.list = common.NewList(c, m.columns())
	m.list.KeyMap.PageUp = common.Without(m.list.KeyMap.PageUp, "b")     // b: busy
	m.list.KeyMap.PageDown = common.Without(m.list.KeyMap.PageDown, " ") // space ticks
	m.list.FilterDebounce = filterDebounce
	m.list.SetPlaceholder("number, customer, phone, subject, agent")
	m.list.SetLen(-1)
	return m
}

func roleList(rs []core.Role) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return strings.Join(out, ", ")
}

// Init reads the queue (nothing for users who may not use it).
func (m *Model) Init() tea.Cmd {
	if m.refusal != "" {
		return nil
	}
	return tea.Batch(m.reloadCmd(), m.busy.StartCmd())
}

// reloadCmd reads the window around the visible rows again: a screen
// either side of them.
func (m *Model) reloadCmd() tea.Cmd {
	m.seq++
	h := m.visibleRows()
	m.want = max(0, m.list.Top()-h)
	return queueCmd(m.c.Svc, m.c.Actor, m.all, m.list.Filter(), m.want, 3*h, m.seq)
}

// ensureCmd reads a new window when the visible rows are not all held (after
// scrolling), unless a read for them is already on its way.
func (m *Model) ensureCmd() tea.Cmd {
	if !m.loaded || m.q.Total == 0 {
		return nil
	}
	h := m.visibleRows()
	lo, hi := m.list.Top(), min(m.list.Top()+h, m.q.Total)
	if lo >= m.q.Offset && hi <= m.q.Offset+len(m.q.Tasks) {
		return nil
	}
	if m.seq != m.shown && lo >= m.want && hi <= m.want+3*h {
		return nil // in flight
	}
	return m.reloadCmd()
}

// Held is how many tasks the screen holds: its window of the queue, a few
// screens long however long the queue is.
func (m *Model) Held() int { return len(m.q.Tasks) }

// at is the task at position i of the queue, if the window holds it.
func (m *Model) at(i int) (core.FollowUpTask, bool) {
	j := i - m.q.Offset
	if j < 0 || j >= len(m.q.Tasks) {
		return core.FollowUpTask{}, false
	}
	return m.q.Tasks[j], true
}

// SetSize lays the queue out.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.list.SetSize(width, max(3, height-panelHeight))
}

// Capturing is true while a form or a text field takes typed characters.
func (m *Model) Capturing() bool {
	return m.mode == formMode || m.mode == callbackMode || m.mode == reassignMode || (m.mode == listMode && m.list.Filtering()) ||
		(m.mode == settingsMode && m.set.capturing())
}

// Update handles keys, results and change notices.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if m.mode == settingsMode {
		cmd, back := m.set.update(msg)
		if back {
			m.mode, m.set = listMode, nil
			return m.reloadCmd()
		}
		if _, ok := msg.(tea.KeyMsg); ok {
			return cmd
		}
		// Change notices and results of the queue go on below as well.
		if _, ok := msg.(settingsMsg); ok {
			return cmd
		}
		cmd2 := m.update(msg)
		return tea.Batch(cmd, cmd2)
	}
	return m.update(msg)
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if m.refusal != "" {
			return nil
		}
		switch m.mode {
		case callMode:
			return m.callKeyCmd(msg)
		case formMode:
			return m.formKeyCmd(msg)
		case callbackMode, reassignMode:
			return m.inputKeyCmd(msg)
		}
		return m.listKeyCmd(msg)
	case tea.MouseMsg:
		if m.mode == listMode && m.refusal == "" {
			_, ev := m.list.Update(msg)
			return m.listEvent(ev)
		}
		return nil
	case queueMsg:
		if msg.seq != m.seq {
			return nil
		}
		m.busy.Stop()
		m.loaded, m.shown = true, msg.seq
		if msg.err != nil {
			m.err = msg.err
			return common.ErrorCmd(msg.err)
		}
		m.err = nil
		m.q, m.cfg, m.types = msg.q, msg.cfg, msg.types
		m.list.SetColumns(m.columns())
		m.list.SetLen(m.q.Total)
		return m.ensureCmd() // the queue shrank under the cursor, say
	case nextMsg:
		if msg.err != nil {
			if errors.Is(msg.err, core.ErrNotFound) {
				return common.StatusCmd(msg.err.Error() + " Callbacks and retries come back at their time.")
			}
			return common.ErrorCmd(msg.err)
		}
		return m.openCall(msg.task)
	case dialMsg:
		if m.mode != callMode || msg.task != m.task.ID {
			return nil
		}
		m.dialing = false
		if msg.err != nil {
			m.dialErr = msg.err
			return common.ErrorCmd(msg.err)
		}
		m.dialErr = nil
		m.dialed = fmt.Sprintf("Dialled %s (%s: %s).", msg.res.Phone, msg.res.Via, msg.res.Detail)
		return nil
	case recordMsg:
		m.saving = false
		if msg.err != nil {
			if m.mode == formMode && m.form != nil {
				m.form.setErrors(msg.err)
			}
			return common.ErrorCmd(msg.err)
		}
		m.mode, m.form = listMode, nil
		return tea.Batch(m.reloadCmd(), common.StatusCmd(recordedText(msg.task, msg.outcome, m.c)))
	case reassignMsg:
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		m.mode = listMode
		return tea.Batch(m.reloadCmd(), common.StatusCmd(fmt.Sprintf("Task %d (%s) is now in %s's queue.", msg.task.ID, msg.task.Number, msg.task.Agent)))
	case common.WorkOrdersChangedMsg, common.FollowUpChangedMsg:
		if m.refusal == "" && m.mode == listMode {
			return m.reloadCmd()
		}
		return nil
	}
	if m.mode == listMode {
		cmd, ev := m.list.Update(msg) // the filter's pause, the cursor's blink
		return tea.Batch(cmd, m.listEvent(ev), m.busy.Update(msg))
	}
	if m.Capturing() && m.mode != formMode {
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return tea.Batch(cmd, m.busy.Update(msg))
	}
	if m.mode == formMode && m.form != nil {
		return tea.Batch(m.form.update(msg), m.busy.Update(msg))
	}
	return m.busy.Update(msg)
}

// recordedText is the footer's confirmation of a recorded outcome.
func recordedText(t core.FollowUpTask, o core.Outcome, c *common.Common) string {
	switch {
	case t.Status == core.FollowUpDone:
		return fmt.Sprintf("%s: reached; evaluation %d saved.", t.Number, t.EvaluationID)
	case t.Status == core.FollowUpClosed && o == core.OutcomeWrongNumber:
		return fmt.Sprintf("%s: wrong number; the task is closed.", t.Number)
	case t.Status == core.FollowUpClosed:
		return fmt.Sprintf("%s: %s; attempt limit reached (%d of %d), the task is closed.", t.Number, o, t.Failed(), t.MaxAttempts)
	case o == core.OutcomeCallback:
		return fmt.Sprintf("%s: call back at %s; it comes back into the queue then.", t.Number, common.FormatTime(*t.NotBefore, c.Location()))
	}
	return fmt.Sprintf("%s: %s (attempt %d of %d); back in the queue from %s.", t.Number, o, t.Failed(), t.MaxAttempts, common.FormatTime(*t.NotBefore, c.Location()))
}

// openCall opens the call panel of t and dials when an integration is set.
func (m *Model) openCall(t core.FollowUpTask) tea.Cmd {
	m.mode, m.task = callMode, t
	m.dialed, m.dialErr, m.dialing = "", nil, false
	for i, x := range m.q.Tasks {
		if x.ID == t.ID {
			m.list.Select(m.q.Offset + i)
		}
	}
	if !m.cfg.Dialer.Configured() || strings.TrimSpace(t.Phone) == "" {
		return nil
	}
	m.dialing = true
	return dialCmd(m.c.Svc, m.c.Actor, t.ID)
}

// listEvent follows the list: a new filter reads the queue from its start,
// a move reads what came into view, a click on the selected task calls it.
func (m *Model) listEvent(ev common.ListEvent) tea.Cmd {
	switch {
	case ev.Has(common.ListFilterChanged):
		return m.reloadCmd()
	case ev.Has(common.ListActivated):
		return m.callSelected()
	case ev.Has(common.ListMoved):
		return m.ensureCmd()
	}
	return nil
}

// callSelected opens the call panel of the selected task, if it is due.
func (m *Model) callSelected() tea.Cmd {
	t, ok := m.selected()
	if !ok {
		return nil
	}
	if !t.Ready(m.q.Now) {
		return common.ErrorCmd(common.Sentence(fmt.Sprintf("%s waits until %s (%s): call it then, or press n for the next call due now.", t.Number, common.FormatTime(*t.NotBefore, m.c.Location()), t.Attempts[len(t.Attempts)-1].Outcome)))
	}
	return m.openCall(t)
}

func (m *Model) listKeyCmd(msg tea.KeyMsg) tea.Cmd {
	if cmd, ev := m.list.Update(msg); ev.Has(common.ListHandled) {
		return tea.Batch(cmd, m.listEvent(ev))
	}
	k := m.bindings()
	switch {
	case key.Matches(msg, k.next):
		return nextCmd(m.c.Svc, m.c.Actor)
	case key.Matches(msg, k.call):
		return m.callSelected()
	case key.Matches(msg, k.all):
		m.all = !m.all
		m.list.Select(0)
		return m.reloadCmd()
	case key.Matches(msg, m.keys.all) && !m.q.Lead:
		return common.ErrorCmd(common.Sentence("Only team leads and admins see every agent's queue."))
	case key.Matches(msg, k.reassign):
		if t, ok := m.selected(); ok {
			m.task, m.mode = t, reassignMode
			m.input.SetValue("")
			m.input.Placeholder = "login of a follow-up agent"
			return m.input.Focus()
		}
	case key.Matches(msg, m.keys.reassign) && !m.q.Lead:
		return common.ErrorCmd(common.Sentence("Only team leads and admins reassign follow-up tasks."))
	case key.Matches(msg, k.reload):
		return m.reloadCmd()
	case key.Matches(msg, k.settings):
		m.mode, m.set = settingsMode, newSettings(m.c, m.q.Lead)
		return m.set.initCmd()
	}
	return m.ensureCmd()
}

func (m *Model) callKeyCmd(msg tea.KeyMsg) tea.Cmd {
	k := m.bindings()
	id := m.task.ID
	switch {
	case key.Matches(msg, k.back):
		m.mode = listMode
	case key.Matches(msg, k.dial):
		m.dialing, m.dialed, m.dialErr = true, "", nil
		return dialCmd(m.c.Svc, m.c.Actor, id)
	case key.Matches(msg, k.reached):
		typ, ok := m.formType()
		if !ok {
			return common.ErrorCmd(common.Sentence(fmt.Sprintf("The form's record type %q no longer exists: ask an admin.", m.task.Type)))
		}
		m.form = newForm(m.c, typ)
		m.mode = formMode
		return m.form.focusCmd()
	case key.Matches(msg, k.noAnswer):
		return m.record(core.CallResult{Outcome: core.OutcomeNoAnswer})
	case key.Matches(msg, k.busy):
		return m.record(core.CallResult{Outcome: core.OutcomeBusy})
	case key.Matches(msg, k.wrong):
		return m.record(core.CallResult{Outcome: core.OutcomeWrongNumber})
	case key.Matches(msg, k.callback):
		m.mode = callbackMode
		m.input.SetValue("")
		m.input.Placeholder = "15:00, tomorrow 9:30, 2026-11-03 15:00 or +2h"
		return m.input.Focus()
	}
	return nil
}

func (m *Model) record(r core.CallResult) tea.Cmd {
	if m.saving {
		return nil
	}
	m.saving = true
	r.Version = m.task.Version
	return recordCmd(m.c.Svc, m.c.Actor, m.task.ID, r)
}

func (m *Model) inputKeyCmd(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.back):
		if m.mode == callbackMode {
			m.mode = callMode
		} else {
			m.mode = listMode
		}
		m.input.Blur()
		return nil
	case key.Matches(msg, m.keys.confirm):
		v := strings.TrimSpace(m.input.Value())
		if m.mode == reassignMode {
			return reassignCmd(m.c.Svc, m.c.Actor, m.task.ID, v)
		}
		at, err := core.ParseCallbackTime(v, m.c.Svc.Now(), m.c.Location())
		if err != nil {
			return common.ErrorCmd(err)
		}
		m.mode = callMode
		m.input.Blur()
		return m.record(core.CallResult{Outcome: core.OutcomeCallback, At: &at})
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return cmd
}

func (m *Model) formKeyCmd(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.back):
		m.mode, m.form = callMode, nil
		return nil
	case key.Matches(msg, m.keys.save):
		return m.record(core.CallResult{Outcome: core.OutcomeReached, Answers: m.form.answers()})
	}
	return m.form.key(msg, m.keys)
}

func (m *Model) formType() (core.EvaluationType, bool) {
	for _, t := range m.types {
		if strings.EqualFold(t.Name, m.task.Type) {
			return t, true
		}
	}
	return core.EvaluationType{}, false
}

func (m *Model) selected() (core.FollowUpTask, bool) { return m.at(m.list.Cursor()) }

// panelHeight is the room the selected task's panel takes under the queue.
const panelHeight = 6

func (m *Model) visibleRows() int { return m.list.Visible() }

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.bindings()
	switch m.mode {
	case callMode:
		return []key.Binding{k.reached, k.noAnswer, k.busy, k.wrong, k.callback, k.dial, k.back}
	case formMode:
		return []key.Binding{k.nextField, k.left, k.right, k.toggle, k.save, k.back}
	case callbackMode, reassignMode:
		return []key.Binding{k.confirm, k.back}
	case settingsMode:
		return m.set.shortHelp()
	}
	if m.list.Filtering() {
		return m.list.ShortHelp()
	}
	return append([]key.Binding{k.next, k.call, k.all, k.reassign, k.settings, k.reload}, m.list.ShortHelp()...)
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.bindings()
	switch m.mode {
	case callMode:
		return [][]key.Binding{{k.reached, k.noAnswer, k.busy, k.wrong, k.callback}, {k.dial, k.back}}
	case formMode:
		return [][]key.Binding{{k.nextField, k.prevField, k.up, k.down}, {k.left, k.right, k.toggle}, {k.save, k.back}}
	case callbackMode, reassignMode:
		return [][]key.Binding{{k.confirm, k.back}}
	case settingsMode:
		return m.set.fullHelp()
	}
	return [][]key.Binding{m.list.FullHelp(), {k.next, k.call}, {k.all, k.reassign, k.settings, k.reload}}
}

func (m *Model) bindings() keyMap {
	k := m.keys
	ok := m.refusal == "" && m.loaded && m.q.Enabled
	list := ok && m.mode == listMode
	k.up.SetEnabled(m.mode == formMode)
	k.down.SetEnabled(m.mode == formMode)
	k.next.SetEnabled(list)
	k.call.SetEnabled(list && m.q.Total > 0)
	k.all.SetEnabled(list && m.q.Lead)
	k.reassign.SetEnabled(list && m.q.Lead && m.q.Total > 0)
	k.reload.SetEnabled(m.refusal == "" && m.mode == listMode)
	k.settings.SetEnabled(m.refusal == "" && m.loaded && m.mode == listMode)
	call := m.mode == callMode && !m.saving
	for _, b := range []*key.Binding{&k.reached, &k.noAnswer, &k.busy, &k.wrong, &k.callback} {
		b.SetEnabled(call)
	}
	// The node's own words for the buttons (seed 002 §6.2).
	bt := m.task.Buttons
	for _, l := range []struct {
		b     *key.Binding
		label string
	}{{&k.reached, bt.Reached}, {&k.noAnswer, bt.NoAnswer}, {&k.busy, bt.Busy}, {&k.wrong, bt.WrongNumber}, {&k.callback, bt.CallBack}, {&k.save, bt.Save}} {
		if l.label != "" {
			l.b.SetHelp(l.b.Help().Key, l.label)
		}
	}
	k.dial.SetEnabled(call && m.cfg.Dialer.Configured() && !m.dialing)
	k.back.SetEnabled(m.mode != listMode)
	form := m.mode == formMode
	for _, b := range []*key.Binding{&k.nextField, &k.prevField, &k.left, &k.right, &k.save} {
		b.SetEnabled(form)
	}
	k.toggle.SetEnabled(form && m.form != nil && m.form.onMultiple())
	k.confirm.SetEnabled(m.mode == callbackMode || m.mode == reassignMode)
	return k
}
