// Package detail is the work-order detail screen: every field, grouped, with the
// dispatch fields under the manual's names and API names, and the history timeline,
// in a scrollable viewport.
package detail

import (
	"errors"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
	"switchboard/tui/report"
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
	// invitations are the terminal-task links issued for it.
	invitations []core.InvitationStatus
	// report is the service report's status (R-REP-2).
	report core.ReportStatus
	// attachments are the files kept with the work order (R-IN-5).
	attachments []core.Attachment
	// evals is what its evaluation node decided and the evaluations received.
	evals core.EvaluationStatus
	err   error
}

// load reads a work order, the name of its external owner and its messages.
func load(svc *core.Service, number string, seq int) loadedMsg {
	w, err := svc.WorkOrder(number)
	msg := loadedMsg{number: number, seq: seq, wo: w, err: err}
	if err == nil {
		msg.messages, msg.err = svc.OutboxFor(w.Number)
	}
	if err == nil && msg.err == nil {
		msg.invitations, msg.err = svc.Invitations(w.Number)
	}
	if err == nil && msg.err == nil {
		var rv core.ReportView
		rv, msg.err = svc.Report(w.Number, 0)
		msg.report = rv.Status
	}
	if err == nil && msg.err == nil {
		msg.attachments, msg.err = svc.Attachments(w.Number)
	}
	if err == nil && msg.err == nil {
		msg.evals, msg.err = svc.Evaluations(w.Number)
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
	// Service report (R-REP-1): view it, fill it, complete the service node.
	viewReport, fillReport, complete key.Binding
	evalQR                           key.Binding
	// attachment saves an attachment; startFollowUp opens the follow-up task.
	attachment, startFollowUp key.Binding
}

// Model is the detail screen of one work order.
type Model struct {
	c      *common.Common
	keys   keyMap
	number string
	width  int
	height int

	wo          *core.WorkOrder
	owner       string
	messages    []core.Message
	invitations []core.InvitationStatus
	report      core.ReportStatus
	attachments []core.Attachment
	evals       core.EvaluationStatus
	err         error

	// Actions (actions.go).
	actions   actionKeys
	mode      mode
	note      textinput.Model
	pending   key.Binding
	methods   []core.InviteMethod
	pick      int
	invited   invitedMsg
	task      *taskForm
	saveAs    common.SaveAs
	attIndex  int // the attachment being saved
	actionErr string
	seq       int
	busy      common.Busy
	vp        viewport.Model
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
			up: km.Up, down: km.Down, pageUp: km.PageUp, pageDown: report.PageDownKey(km), // f fills the report
			home: km.Home, end: km.End, back: km.Back, reload: km.Reload,
			viewReport: km.ViewReport, fillReport: km.FillReport, complete: km.CompleteService,
			evalQR: km.EvalQR, attachment: km.SaveAttachment, startFollowUp: km.StartFollowUp,
		},
		actions: newActionKeys(km),
		number:  number,
		busy:    common.NewBusy(c.Styles),
		vp:      vp,
		saveAs:  common.NewSaveAs(c),
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
	if m.task != nil {
		m.task.form.SetSize(width, max(1, height-1))
	}
	m.rebuild()
}

// Capturing is true while a text field of an action has the keyboard.
func (m *Model) Capturing() bool {
	if m.mode == modeTask && m.task != nil {
		return m.task.form.Typing()
	}
	return m.mode == modeComplete || m.mode == modeTerminate || m.mode == modeSaveAs
}

// Update handles scrolling keys, the loaded work order and change notices.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if cmd, ok := m.actionMsg(msg); ok {
		return cmd
	}
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if m.mode != modeView {
			return m.modeKey(msg)
		}
		if m.wo != nil {
			if cmd, ok := m.actionKey(msg); ok {
				return cmd
			}
		}
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
		m.wo, m.owner, m.messages, m.invitations, m.report, m.attachments, m.evals = &w, msg.owner, msg.messages, msg.invitations, msg.report, msg.attachments, msg.evals
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
	case common.ThemeChangedMsg:
		m.built = -1 // drawn in the old colours
		m.rebuild()
		return nil
	}
	return m.busy.Update(msg)
}

func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	if cmd, ok := m.evalQRCmd(msg); ok {
		return cmd
	}
	if cmd, ok := m.extraKey(msg); ok {
		return cmd
	}
	k := m.bindings()
	switch {
	case key.Matches(msg, k.viewReport):
		return report.OpenCmd(m.number)
	case key.Matches(msg, k.fillReport):
		return report.OpenFormCmd(m.number, false)
	case key.Matches(msg, k.complete):
		return report.OpenFormCmd(m.number, true)
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
	if m.mode == modeTask && m.task != nil {
		return m.task.form.ShortHelp()
	}
	if m.mode != modeView {
		return []key.Binding{k.back}
	}
	a := m.akeys()
	// What moves the work order on first; everything is under "?".
	return []key.Binding{k.complete, a.complete, m.evalQR(), m.followKey(), k.back, a.invite, a.task, a.edit, k.viewReport, k.fillReport, a.terminate, m.attachKey(), scroll}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding {
	if m.mode == modeTask && m.task != nil {
		return m.task.form.FullHelp()
	}
	k := m.bindings()
	a := m.akeys()
	return [][]key.Binding{{k.complete, a.complete, a.invite, a.task, k.viewReport, k.fillReport, m.evalQR(), a.edit, a.terminate, m.followKey(), m.attachKey()}, {k.up, k.down, k.pageUp, k.pageDown, k.home, k.end}, {k.back, k.reload}}
}

func (m *Model) bindings() keyMap {
	k := m.keys
	scrolls := m.vp.TotalLineCount() > m.vp.Height
	for _, b := range []*key.Binding{&k.up, &k.down, &k.pageUp, &k.pageDown, &k.home, &k.end} {
		b.SetEnabled(scrolls)
	}
	k.back.SetHelp("esc", "back")
	w := m.wo
	a := m.c.Actor
	writer := a.Kind == core.SubmitterInternal && a.User.Has(report.ReportRoles...)
	k.viewReport.SetEnabled(w != nil)
	k.fillReport.SetEnabled(w != nil && writer && w.Node != core.NodeDispatch && w.Status != core.StatusTerminated)
	k.complete.SetEnabled(w != nil && writer && w.Node == core.NodeService && w.Status.Open())
	return k
}
