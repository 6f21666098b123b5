package detail

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/core/qrcode"
	"switchboard/tui/common"
)

// mode is what the detail screen is doing on top of showing the work order.
type mode int

const (
	modeView       mode = iota
	modeComplete        // "complete the node?" with an optional note
	modeInvite          // picking an invitation method
	modeLink            // showing an issued invitation: link, QR, messages
	modeTask            // filling the terminal task on the customer's behalf
	modeTerminate       // "terminate?" with the reason, which is required
	modeAttachment      // picking the attachment to save
	modeSaveAs          // naming the attachment's file
)

// actionKeys are the work-order actions of the detail screen.
type actionKeys struct {
	complete, invite, task, confirm, next, prev, save, choose key.Binding
	edit, terminate                                           key.Binding
}

func newActionKeys(km *common.KeyMap) actionKeys {
	return actionKeys{
		complete: km.CompleteNode, invite: km.Invite, task: km.TaskForm,
		confirm: km.Choose, next: km.NextField, prev: km.PrevField, save: km.Save, choose: km.Choose,
		edit: km.EditWorkOrder, terminate: km.Terminate,
	}
}

// taskLoadedMsg carries the terminal task of the work order (for the invite
// picker and the on-behalf form).
type taskLoadedMsg struct {
	number string
	view   core.TaskView
	set    core.TaskSettings
	err    error
}

func taskCmd(svc *core.Service, number string) tea.Cmd {
	return func() tea.Msg {
		v, s, err := svc.TaskFor(number)
		return taskLoadedMsg{number, v, s, err}
	}
}

// invitedMsg carries an issued invitation.
type invitedMsg struct {
	inv core.Invitation
	qr  string
	err error
}

func inviteCmd(svc *core.Service, as core.Actor, number string, via core.InviteMethod) tea.Cmd {
	return func() tea.Msg {
		inv, err := svc.InviteAccount(as, number, via, 0)
		if err != nil {
			return invitedMsg{err: err}
		}
		return invitedMsg{inv: inv, qr: qrcode.Terminal(inv.URL)}
	}
}

// doneMsg reports the result of completing a node or the task.
type doneMsg struct {
	wo  core.WorkOrder
	err error
}

func advanceCmd(svc *core.Service, as core.Actor, number string, version uint64, note string) tea.Cmd {
	return func() tea.Msg {
		w, err := svc.AdvanceWorkOrder(as, number, version, note)
		return doneMsg{w, err}
	}
}

func terminateCmd(svc *core.Service, as core.Actor, number string, version uint64, reason string) tea.Cmd {
	return func() tea.Msg {
		w, err := svc.TerminateWorkOrder(as, number, version, reason)
		return doneMsg{w, err}
	}
}

func onBehalfCmd(svc *core.Service, as core.Actor, number string, version uint64, in core.TaskInput) tea.Cmd {
	return func() tea.Msg {
		w, err := svc.CompleteTaskOnBehalf(as, number, version, in)
		return doneMsg{w, err}
	}
}

// taskForm is the on-behalf form on the console's form: one field per field
// the node opens, the associated object's fields, and a comment; core's
// refusal shows under the field it names.
type taskForm struct {
	form *common.Form
	// keys are the fields' keys as TaskInput takes them: "f.phone",
	// "o.code", "comment".
	keys []string
}

func newTaskForm(c *common.Common, number string, v core.TaskView) *taskForm {
	f := &taskForm{}
	var fields []common.Field
	for _, x := range v.Fields {
		f.keys = append(f.keys, "f."+x.Key)
		fields = append(fields, common.NewTextField(c, x.Label, x.Key, x.Value, 2000))
	}
	for _, x := range v.ObjectFields {
		f.keys = append(f.keys, "o."+x.Key)
		fields = append(fields, common.NewTextField(c, "New "+v.Object+": "+x.Label, "object."+x.Key, "", 2000))
	}
	f.keys = append(f.keys, "comment")
	fields = append(fields, common.NewTextField(c, "Comment", "comment", "", 2000))
	f.form = common.NewForm(c, "Terminal task on the customer's behalf — "+number, fields...)
	f.form.KeyMap.Save.SetHelp("ctrl+s", "save and complete the task")
	return f
}

func (f *taskForm) input() core.TaskInput {
	in := core.TaskInput{Fields: map[string]string{}}
	for i, fl := range f.form.Fields() {
		v := fl.(*common.TextField).Value()
		switch k := f.keys[i]; {
		case strings.HasPrefix(k, "f."):
			in.Fields[k[2:]] = v
		case strings.HasPrefix(k, "o."):
			if in.Object == nil {
				in.Object = map[string]string{}
			}
			in.Object[k[2:]] = v
		default:
			in.Comment = v
		}
	}
	return in
}

// actionKey handles the action keys in view mode; ok is false for other keys.
func (m *Model) actionKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	a := m.akeys()
	w := m.wo
	switch {
	case key.Matches(msg, a.complete):
		m.mode, m.note = modeComplete, newNote()
		return textinput.Blink, true
	case key.Matches(msg, a.edit):
		return common.NavigateCmd(common.Push, common.EditWorkOrderScreen, w.Number), true
	case key.Matches(msg, a.terminate):
		m.mode, m.note = modeTerminate, newNote()
		m.note.Placeholder = "why, e.g. customer cancelled: duplicate of WO-000041"
		return textinput.Blink, true
	case key.Matches(msg, m.actions.edit, m.actions.terminate):
		_, why := m.c.May("change work orders", common.DeskRoles...)
		return common.ErrorCmd(common.Sentence(why)), true
	case key.Matches(msg, a.invite), key.Matches(msg, a.task):
		m.pending = a.invite
		if key.Matches(msg, a.task) {
			m.pending = a.task
		}
		return taskCmd(m.c.Svc, w.Number), true
	}
	return nil, false
}

func newNote() textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = "what was done (optional)"
	in.CharLimit = 2000
	in.Focus()
	return in
}

// modeKey handles keys while an action is open.
func (m *Model) modeKey(msg tea.KeyMsg) tea.Cmd {
	a := m.akeys()
	if m.mode == modeAttachment || m.mode == modeSaveAs {
		if m.mode == modeAttachment && key.Matches(msg, m.keys.back) {
			m.mode = modeView
			return nil
		}
		return m.attachmentKey(msg)
	}
	if m.mode == modeTask {
		cmd, ev := m.task.form.Update(msg)
		switch ev {
		case common.FormCancel:
			m.mode, m.task = modeView, nil
			return nil
		case common.FormSave:
			return tea.Batch(m.task.form.StartSaving(), onBehalfCmd(m.c.Svc, m.c.Actor, m.wo.Number, m.wo.Version, m.task.input()))
		}
		return cmd
	}
	if key.Matches(msg, m.keys.back) {
		m.mode, m.task, m.actionErr = modeView, nil, ""
		return nil
	}
	switch m.mode {
	case modeComplete:
		if key.Matches(msg, a.confirm) {
			m.mode = modeView
			return advanceCmd(m.c.Svc, m.c.Actor, m.wo.Number, m.wo.Version, m.note.Value())
		}
		var cmd tea.Cmd
		m.note, cmd = m.note.Update(msg)
		return cmd
	case modeTerminate:
		if key.Matches(msg, a.confirm) {
			if strings.TrimSpace(m.note.Value()) == "" {
				m.actionErr = "A reason is required: it goes into the history and the customer's notice."
				return nil
			}
			m.mode, m.actionErr = modeView, ""
			return terminateCmd(m.c.Svc, m.c.Actor, m.wo.Number, m.wo.Version, m.note.Value())
		}
		var cmd tea.Cmd
		m.note, cmd = m.note.Update(msg)
		return cmd
	case modeInvite:
		switch {
		case key.Matches(msg, m.keys.up):
			m.pick = max(0, m.pick-1)
		case key.Matches(msg, m.keys.down):
			m.pick = max(0, min(len(m.methods)-1, m.pick+1))
		case key.Matches(msg, a.choose) && len(m.methods) > 0:
			return inviteCmd(m.c.Svc, m.c.Actor, m.wo.Number, m.methods[m.pick])
		}
	case modeLink:
		// Any other key keeps the link on screen until esc.
	}
	return nil
}

// actionMsg handles the results of actions; ok is false for other messages.
func (m *Model) actionMsg(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case taskLoadedMsg:
		if m.wo == nil || msg.number != m.wo.Number {
			return nil, true
		}
		if msg.err != nil {
			return common.ErrorCmd(msg.err), true
		}
		m.actionErr = ""
		if m.pending.Help().Key == m.akeys().task.Help().Key {
			m.task = newTaskForm(m.c, m.wo.Number, msg.view)
			m.task.form.SetSize(m.width, max(1, m.height-1))
			m.mode = modeTask
			return m.task.form.Init(), true
		}
		if msg.set.Mode == core.TaskOnBehalf {
			return common.ErrorCmd(common.Sentence(fmt.Sprintf("The terminal task of %s work orders is done on the customer's behalf: press %s to fill it.", m.wo.RecordType, m.akeys().task.Help().Key))), true
		}
		m.methods, m.pick, m.mode = slices.Clone(msg.set.Methods), 0, modeInvite
		return nil, true
	case invitedMsg:
		if msg.err != nil {
			m.actionErr = msg.err.Error()
			return common.ErrorCmd(msg.err), true
		}
		m.invited, m.mode = msg, modeLink
		return m.reloadCmd(), true
	case doneMsg:
		if conflict, ok := common.Conflict(msg.err); ok {
			// Somebody else changed the work order since this screen read it:
			// say who, and show it as it is now instead of the stale copy.
			m.mode, m.task = modeView, nil
			return tea.Batch(m.reloadCmd(), common.ErrorCmd(conflict)), true
		}
		if msg.err != nil {
			if m.mode == modeTask && m.task != nil {
				return m.task.form.Saved(msg.err), true
			}
			return common.ErrorCmd(msg.err), true
		}
		m.mode, m.task = modeView, nil
		return tea.Batch(m.reloadCmd(), common.StatusCmd(fmt.Sprintf("%s is now at the %s node (%s).", msg.wo.Number, msg.wo.Node, msg.wo.Status))), true
	}
	return nil, false
}

// akeys are the action keys, enabled where they apply: completing needs an open
// work order past dispatch; inviting and the task need the terminal-task node.
func (m *Model) akeys() actionKeys {
	a := m.actions
	w := m.wo
	open := w != nil && w.Status.Open()
	// At the service node "c" completes it through the service report form
	// (report.go); this one completes every other node.
	a.complete.SetEnabled(open && w.Node != core.NodeDispatch && w.Node != core.NodeService && m.c.Actor.User.Has(core.RoleAdmin, core.RoleDispatcher, core.RoleEngineer))
	atTask := open && w.Node == core.NodeTerminalTask
	a.invite.SetEnabled(atTask)
	a.task.SetEnabled(atTask)
	desk, _ := m.c.May("change work orders", common.DeskRoles...)
	a.edit.SetEnabled(w != nil && desk)
	a.terminate.SetEnabled(open && desk)
	return a
}

// actionView draws the open action below the title, or "" in view mode.
func (m *Model) actionView() string {
	st := m.c.Styles
	var b strings.Builder
	line := func(s string) { b.WriteString(common.Truncate(s, m.width) + "\n") }
	switch m.mode {
	case modeComplete:
		line(st.Section.Render(fmt.Sprintf("Complete the %s node of %s", m.wo.Node, m.wo.Number)))
		line(st.Label.Render("  Note: ") + common.InputView(&m.note, st))
		line(st.Muted.Render("  enter completes it · esc cancels"))
	case modeTerminate:
		line(st.Section.Render(fmt.Sprintf("Terminate %s at the %s node", m.wo.Number, m.wo.Node)))
		line(st.Label.Render("  Reason: ") + common.InputView(&m.note, st))
		if m.actionErr != "" {
			line(st.Error.Render("  " + m.actionErr))
		}
		line(st.Muted.Render("  enter terminates it (the customer hears of it where the notice is on) · esc cancels"))
	case modeInvite:
		line(st.Section.Render("Invite account — " + m.wo.Number))
		for i, x := range m.methods {
			cur := "  "
			if i == m.pick {
				cur = "› "
			}
			line(cur + inviteLabel(x))
		}
		if m.actionErr != "" {
			line(st.Error.Render("  " + m.actionErr))
		}
		line(st.Muted.Render("  ↑/↓ choose · enter invites · esc cancels"))
	case modeLink:
		inv := m.invited.inv
		line(st.Section.Render(fmt.Sprintf("Invitation to %s by %s", inv.Number, inv.Via)))
		line("  " + inv.URL)
		line(st.Muted.Render("  single use, expires " + common.FormatTime(inv.ExpiresAt, m.c.Location())))
		for _, msg := range inv.Messages {
			s := fmt.Sprintf("  %s to %s: %s", msg.Channel.Title(), core.MaskAddress(msg.Recipient.Address), msg.State)
			if msg.Reason != "" {
				s += " — " + msg.Reason
			}
			line(s)
		}
		qr := m.invited.qr
		if common.Width(strings.SplitN(qr, "\n", 2)[0]) <= m.width && strings.Count(qr, "\n")+b.Len()/max(1, m.width) < m.height-2 {
			b.WriteString(qr)
			if !strings.HasSuffix(qr, "\n") {
				b.WriteString("\n")
			}
		} else {
			line(st.Muted.Render("  (the window is too small for the QR code: enlarge it, or send the link above)"))
		}
		line(st.Muted.Render("  esc closes"))
	case modeAttachment, modeSaveAs:
		m.attachmentView(line)
	case modeTask:
		b.WriteString(m.task.form.View())
	}
	return b.String()
}

func inviteLabel(m core.InviteMethod) string {
	switch m {
	case core.InviteLink:
		return "Link (shown here with its QR code)"
	case core.InviteWeChat:
		return "WeChat official account (to the bound terminal user)"
	case core.InviteSMS:
		return "SMS (uses credits)"
	case core.InviteEmail:
		return "Email"
	}
	return string(m)
}
