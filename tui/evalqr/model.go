// Package evalqr is the engineer's evaluation screen (R-EVAL-6): the work
// order's evaluation QR code full-screen, as large as the terminal allows, with
// the work order and customer, a live count of submissions, and the node's
// actions — skip (when allowed), finish, send a reminder.
package evalqr

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"switchboard/core"
	"switchboard/tui/common"
)

// openedMsg carries the QR view (the link is issued on first use).
type openedMsg struct {
	number string
	view   core.EvaluationQRView
	err    error
}

// countMsg carries a fresh count of evaluations and where the work order is.
type countMsg struct {
	number string
	count  int
	node   core.Node
	err    error
}

// doneMsg is the answer to skip, finish or remind.
type doneMsg struct {
	number string
	action string
	wo     core.WorkOrder
	inv    core.EvaluationInvitation
	err    error
}

type keyMap struct {
	back, reload, skip, finish, remind, confirm key.Binding
}

// Model is the QR screen of one work order.
type Model struct {
	c             *common.Common
	keys          keyMap
	number        string
	width, height int

	view    *core.EvaluationQRView
	count   int
	node    core.Node
	err     error
	busy    common.Busy
	working bool
	// confirming is set after the skip key, until y or any other key.
	confirming bool
}

// New returns the QR screen of work order number; Init issues or reads its link.
func New(c *common.Common, number string) *Model {
	k := c.Keys
	return &Model{c: c, number: number, node: core.NodeEvaluation, busy: common.NewBusy(c.Styles),
		keys: keyMap{back: k.Back, reload: k.Reload, skip: k.EvalSkip, finish: k.EvalFinish, remind: k.EvalRemind, confirm: k.Confirm}}
}

// Number is the work order the screen shows.
func (m *Model) Number() string { return m.number }

func openCmd(svc *core.Service, as core.Actor, number string) tea.Cmd {
	return func() tea.Msg {
		v, err := svc.EvaluationQR(as, number)
		return openedMsg{number: number, view: v, err: err}
	}
}

func countCmd(svc *core.Service, number string) tea.Cmd {
	return func() tea.Msg {
		st, err := svc.Evaluations(number)
		return countMsg{number: number, count: len(st.Evaluations), node: st.Node, err: err}
	}
}

func actCmd(svc *core.Service, as core.Actor, number, action string, version uint64) tea.Cmd {
	return func() tea.Msg {
		msg := doneMsg{number: number, action: action}
		switch action {
		case "skip":
			msg.wo, msg.err = svc.SkipEvaluation(as, number, version)
		case "finish":
			msg.wo, msg.err = svc.FinishEvaluation(as, number, version)
		case "remind":
			msg.inv, msg.err = svc.RemindEvaluation(as, number, nil)
		}
		return msg
	}
}

// Init opens the QR code.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(openCmd(m.c.Svc, m.c.Actor, m.number), m.busy.StartCmd())
}

// SetSize gives the screen its area.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Capturing is false: the screen has no text field.
func (m *Model) Capturing() bool { return false }

// open reports whether the evaluation is still waiting at the node.
func (m *Model) open() bool { return m.view != nil && m.node == core.NodeEvaluation }

func (m *Model) bindings() keyMap {
	k := m.keys
	if m.view != nil {
		k.skip.SetHelp(k.skip.Help().Key, strings.ToLower(m.view.Labels.Skip))
		k.finish.SetHelp(k.finish.Help().Key, strings.ToLower(m.view.Labels.Finish))
	}
	k.skip.SetEnabled(m.open() && m.view.CanSkip && !m.working)
	k.finish.SetEnabled(m.open() && m.count > 0 && !m.working)
	k.remind.SetEnabled(m.open() && !m.working)
	k.confirm.SetEnabled(m.confirming)
	return k
}

// ShortHelp lists the footer keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.bindings()
	if m.confirming {
		return []key.Binding{k.confirm, k.back}
	}
	return []key.Binding{k.finish, k.skip, k.remind, k.back}
}

// FullHelp lists the keys for "?".
func (m *Model) FullHelp() [][]key.Binding {
	k := m.bindings()
	return [][]key.Binding{{k.finish, k.skip, k.remind}, {k.back, k.reload}}
}

// Update handles keys, the view, counts, results and change notices.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.keyCmd(msg)
	case openedMsg:
		if msg.number != m.number {
			return nil
		}
		m.busy.Stop()
		if msg.err != nil {
			m.err = msg.err
			return common.ErrorCmd(msg.err)
		}
		v := msg.view
		m.view, m.count, m.err = &v, v.Count, nil
		return nil
	case countMsg:
		if msg.number != m.number || msg.err != nil {
			return nil
		}
		if msg.count > m.count && m.view != nil {
			m.count, m.node = msg.count, msg.node
			return common.StatusCmd(fmt.Sprintf("%s: evaluation %d received.", m.number, msg.count))
		}
		m.count, m.node = msg.count, msg.node
		return nil
	case doneMsg:
		if msg.number != m.number {
			return nil
		}
		m.working = false
		m.busy.Stop()
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		switch msg.action {
		case "remind":
			return common.StatusCmd(fmt.Sprintf("%s: evaluation link sent by %s.", m.number, strings.Join(msg.inv.Channels, ", ")))
		case "skip":
			m.node = msg.wo.Node
			return tea.Batch(common.StatusCmd(fmt.Sprintf("%s: evaluation skipped; now at the %s node.", m.number, msg.wo.Node)), common.BackCmd)
		default:
			m.node = msg.wo.Node
			return tea.Batch(common.StatusCmd(fmt.Sprintf("%s: evaluation finished with %d evaluation(s); now at the %s node.", m.number, m.count, msg.wo.Node)), common.BackCmd)
		}
	case common.WorkOrdersChangedMsg:
		if msg.Touches(m.number) {
			return countCmd(m.c.Svc, m.number)
		}
		return nil
	}
	return m.busy.Update(msg)
}

func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	k := m.bindings()
	if m.confirming {
		m.confirming = false
		if key.Matches(msg, k.confirm) {
			return m.act("skip")
		}
		return common.StatusCmd("Skip cancelled.")
	}
	switch {
	case key.Matches(msg, k.back):
		return common.BackCmd
	case key.Matches(msg, k.reload):
		m.err = nil
		return tea.Batch(openCmd(m.c.Svc, m.c.Actor, m.number), m.busy.StartCmd())
	case key.Matches(msg, k.skip):
		m.confirming = true
		return nil
	case key.Matches(msg, k.finish):
		return m.act("finish")
	case key.Matches(msg, k.remind):
		return m.act("remind")
	}
	return nil
}

func (m *Model) act(action string) tea.Cmd {
	m.working = true
	return tea.Batch(actCmd(m.c.Svc, m.c.Actor, m.number, action, 0), m.busy.StartCmd())
}

// View draws the title, the QR code centred as large as fits, the link and the
// count; when the terminal is too small for the code, the link as text.
func (m *Model) View() string {
	st := m.c.Styles
	w, h := m.width, m.height
	if w <= 0 || h <= 0 {
		return ""
	}
	switch {
	case m.err != nil:
		return st.Title.Render(m.number) + "\n\n" + strings.Join(wrap(st, st.Error, m.err.Error(), w), "\n") +
			"\n" + st.Muted.Render(common.Truncate("esc goes back; ctrl+r tries again.", w))
	case m.view == nil:
		return st.Title.Render(m.number) + "  " + st.Muted.Render("opening the QR code… ") + m.busy.View()
	}
	v := m.view
	title := common.Truncate(v.Labels.Title, w)
	head := []string{
		lipgloss.PlaceHorizontal(w, lipgloss.Center, st.Title.Render(title)),
		lipgloss.PlaceHorizontal(w, lipgloss.Center, common.Truncate(common.Clean(v.Number+" · "+common.OrDash(v.Customer)+" · "+v.Subject), w)),
	}
	foot := []string{
		lipgloss.PlaceHorizontal(w, lipgloss.Center, st.Value.Render(common.Truncate(v.URL, w))),
		lipgloss.PlaceHorizontal(w, lipgloss.Center, m.countLine()),
	}
	if m.confirming {
		foot = append(foot, lipgloss.PlaceHorizontal(w, lipgloss.Center, st.Banner.Render(common.Truncate(fmt.Sprintf("%s? y to confirm, any other key keeps it.", v.Labels.Skip), w))))
	}
	room := h - len(head) - len(foot) - 2
	art, ok := drawQR(v.URL, w, room)
	var body []string
	if !ok || !m.open() {
		body = m.fallback(art, ok, room)
	} else {
		for _, l := range art.lines {
			body = append(body, lipgloss.PlaceHorizontal(w, lipgloss.Center, st.QR.Render(l)))
		}
	}
	lines := append(append(append(head, ""), body...), "")
	lines = append(lines, foot...)
	return strings.Join(lines, "\n")
}

// countLine says how many customers have rated, and what the node asks.
func (m *Model) countLine() string {
	st := m.c.Styles
	v := m.view
	n := fmt.Sprintf("%d evaluation", m.count)
	if m.count != 1 {
		n += "s"
	}
	s := st.Match.Render(n+" received") + st.Muted.Render(" · "+v.Type)
	switch {
	case v.Mandatory:
		s += st.Muted.Render(" · mandatory")
	case v.Single:
		s += st.Muted.Render(" · one submission")
	}
	s += st.Muted.Render(" · link works until " + common.FormatTime(v.ExpiresAt, m.c.Location()))
	if common.Width(s) > m.width {
		s = st.Match.Render(n + " received")
	}
	return s
}

// fallback replaces the code when it cannot show: the terminal is too small, or
// the evaluation is over.
func (m *Model) fallback(_ qrArt, fits bool, room int) []string {
	st := m.c.Styles
	w := m.width
	var msg []string
	switch {
	case !m.open():
		msg = wrap(st, st.Banner, fmt.Sprintf("The evaluation node of %s is complete (now at the %s node): the code no longer needs showing.", m.number, m.node), w)
	case !fits:
		msg = wrap(st, st.Banner, "The terminal is too small for a scannable QR code: enlarge the window, or have the customer open the link above.", w)
	}
	for i := range msg {
		msg[i] = lipgloss.PlaceHorizontal(w, lipgloss.Center, msg[i])
	}
	for len(msg) < room {
		if len(msg)%2 == 0 {
			msg = append([]string{""}, msg...)
		} else {
			msg = append(msg, "")
		}
	}
	return msg
}

// wrap breaks text to width w in style s.
func wrap(_ *common.Styles, s lipgloss.Style, text string, w int) []string {
	var out []string
	for _, l := range common.Wrap(text, w) {
		out = append(out, s.Render(l))
	}
	return out
}
