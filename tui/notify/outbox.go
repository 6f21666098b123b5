package notify

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

// outboxLimit is how many messages the outbox screen reads at once.
const outboxLimit = 500

type outboxLoadedMsg struct {
	seq int
	ms  []core.Message
	err error
}

type retriedMsg struct {
	m   core.Message
	err error
}

// Outbox is the delivery log: every message with its outcome, filtered by state,
// channel and work order; a failed message can be retried (R-NOTE-5).
type Outbox struct {
	c             *common.Common
	width, height int
	state         core.MessageState
	channel       core.NoticeChannel
	wo            textinput.Model
	editing       bool
	ms            []core.Message
	cursor, top   int
	seq           int
	err           error
	keys          struct{ up, down, state, channel, wo, retry, back, reload, accept key.Binding }
}

// NewOutbox returns the outbox screen.
func NewOutbox(c *common.Common) *Outbox {
	m := &Outbox{c: c}
	k := c.Keys
	m.keys.up, m.keys.down, m.keys.back, m.keys.reload, m.keys.retry = k.Up, k.Down, k.Back, k.Reload, k.Retry
	m.keys.retry.SetHelp("r", "retry failed")
	m.keys.state = key.NewBinding(key.WithKeys("s", "S"), key.WithHelp("s/S", "state filter"))
	m.keys.channel = key.NewBinding(key.WithKeys("c", "C"), key.WithHelp("c/C", "channel filter"))
	m.keys.wo = key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "work order"))
	m.keys.accept = key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter", "apply"))
	m.wo = textinput.New()
	m.wo.Prompt = "work order: "
	m.wo.Placeholder = "WO-000123"
	m.wo.CharLimit = 20
	m.wo.PromptStyle, m.wo.TextStyle, m.wo.PlaceholderStyle = c.Styles.InputPrompt, c.Styles.InputText, c.Styles.InputPlaceholder
	return m
}

// Init loads the log.
func (m *Outbox) Init() tea.Cmd { return m.loadCmd() }

func (m *Outbox) loadCmd() tea.Cmd {
	m.seq++
	svc, seq := m.c.Svc, m.seq
	q := core.MessageQuery{State: m.state, Channel: m.channel, Limit: outboxLimit}
	number := strings.TrimSpace(m.wo.Value())
	return func() tea.Msg {
		if number != "" {
			w, err := svc.WorkOrder(number)
			if err != nil {
				return outboxLoadedMsg{seq: seq, err: err}
			}
			q.WorkOrder = w.ID
		}
		ms, err := svc.Outbox(q)
		return outboxLoadedMsg{seq: seq, ms: ms, err: err}
	}
}

// SetSize records the area.
func (m *Outbox) SetSize(w, h int) { m.width, m.height = w, h; m.wo.Width = max(10, w-20) }

// Capturing is true while the work-order filter is being typed.
func (m *Outbox) Capturing() bool { return m.editing }

func cycle[T comparable](all []T, cur T, back bool) T {
	var zero T
	opts := append([]T{zero}, all...)
	i := slices.Index(opts, cur)
	if back {
		return opts[(i-1+len(opts))%len(opts)]
	}
	return opts[(i+1)%len(opts)]
}

// Update handles filters, movement, retry and reloads.
func (m *Outbox) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case outboxLoadedMsg:
		if msg.seq != m.seq {
			return nil
		}
		m.err = msg.err
		if msg.err != nil {
			m.ms = nil
			return nil
		}
		m.ms = msg.ms
		m.cursor = min(m.cursor, max(0, len(m.ms)-1))
		return nil
	case retriedMsg:
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		return tea.Batch(m.loadCmd(), common.StatusCmd(fmt.Sprintf("Message %d is queued again.", msg.m.ID)))
	case common.NotifyChangedMsg:
		return m.loadCmd()
	case tea.KeyMsg:
		k := m.keys
		if m.editing {
			if key.Matches(msg, k.accept) {
				m.editing = false
				m.wo.Blur()
				return m.loadCmd()
			}
			var cmd tea.Cmd
			m.wo, cmd = m.wo.Update(msg)
			return cmd
		}
		switch {
		case key.Matches(msg, k.back):
			return common.BackCmd
		case key.Matches(msg, k.up):
			m.cursor = max(0, m.cursor-1)
		case key.Matches(msg, k.down):
			m.cursor = min(max(0, len(m.ms)-1), m.cursor+1)
		case key.Matches(msg, k.state):
			m.state = cycle(core.AllMessageStates, m.state, common.Backward(msg.String()))
			m.cursor = 0
			return m.loadCmd()
		case key.Matches(msg, k.channel):
			m.channel = cycle(core.AllNoticeChannels, m.channel, common.Backward(msg.String()))
			m.cursor = 0
			return m.loadCmd()
		case key.Matches(msg, k.wo):
			m.editing = true
			return m.wo.Focus()
		case key.Matches(msg, k.reload):
			return m.loadCmd()
		case key.Matches(msg, k.retry):
			if m.cursor >= len(m.ms) {
				return nil
			}
			svc, as, id := m.c.Svc, m.c.Actor, m.ms[m.cursor].ID
			return func() tea.Msg {
				r, err := svc.RetryMessage(as, id)
				return retriedMsg{r, err}
			}
		}
	}
	return nil
}

// View draws the filters, the table and the selected message's details.
func (m *Outbox) View() string {
	st := m.c.Styles
	var b strings.Builder
	b.WriteString(common.Fit(st.Title.Render("Outbox")+st.Muted.Render("  every message and its outcome"), m.width) + "\n")
	filter := func(label, v string) string {
		if v == "" {
			v = "all"
		}
		return st.FilterKey.Render(label+" ") + st.FilterValue.Render(v)
	}
	line := filter("state", string(m.state)) + "   " + filter("channel", string(m.channel)) + "   "
	if m.editing {
		line += m.wo.View()
	} else {
		line += filter("work order", strings.TrimSpace(m.wo.Value()))
	}
	b.WriteString(common.Truncate(line, m.width) + "\n")
	if m.err != nil {
		return b.String() + "\n" + st.Error.Render(common.Truncate("  "+m.err.Error(), m.width))
	}
	const idW, stW, chW, evW, woW, toW, trW, upW = 5, 10, 13, 18, 10, 18, 6, 17
	head := "  " + common.Fit("ID", idW) + common.Fit("STATE", stW) + common.Fit("CHANNEL", chW) + common.Fit("EVENT", evW) + common.Fit("WORK ORDER", woW) + " " + common.Fit("TO", toW) + common.Fit("TRIES", trW) + common.Fit("UPDATED", upW) + "REASON"
	b.WriteString(st.TableHeader.Render(common.Truncate(head, m.width)) + "\n")
	if len(m.ms) == 0 {
		return b.String() + st.Placeholder.Render("  No messages match.")
	}
	rows := max(1, m.height-3-4)
	if m.cursor < m.top {
		m.top = m.cursor
	}
	if m.cursor >= m.top+rows {
		m.top = m.cursor - rows + 1
	}
	loc := m.c.Location()
	for i := m.top; i < len(m.ms) && i < m.top+rows; i++ {
		x := m.ms[i]
		to := core.MaskAddress(x.Recipient.Address)
		if to == "" {
			to = x.Recipient.Name
		}
		row := common.Fit(common.IDText(x.ID), idW) + common.Fit(string(x.State), stW) + common.Fit(string(x.Channel), chW) + common.Fit(string(x.Event), evW) +
			common.Fit(common.OrDash(x.Number), woW) + " " + common.Fit(common.OrDash(common.Clean(to)), toW) + common.Fit(fmt.Sprint(x.Attempts), trW) +
			common.Fit(common.FormatTime(x.UpdatedAt, loc), upW) + common.Clean(x.Reason)
		if i == m.cursor {
			b.WriteString(st.SelectedRow.Render(common.Fit("> "+row, m.width)) + "\n")
		} else {
			b.WriteString(st.Row.Render(common.Truncate("  "+row, m.width)) + "\n")
		}
	}
	if m.cursor < len(m.ms) {
		x := m.ms[m.cursor]
		detail := x.Content.Subject
		if detail == "" {
			detail = x.Content.Text
		}
		b.WriteString("\n" + st.Label.Render(common.Truncate(fmt.Sprintf("  %d of %d · %s · provider id %s", m.cursor+1, len(m.ms), common.Clean(detail), common.OrDash(x.ProviderID)), m.width)))
		if x.Reason != "" {
			for _, l := range common.Wrap(common.Clean(x.Reason), m.width-4) {
				b.WriteString("\n  " + st.Muted.Render(l))
			}
		}
	}
	return b.String()
}

// ShortHelp lists the main keys.
func (m *Outbox) ShortHelp() []key.Binding {
	k := m.keys
	if m.editing {
		return []key.Binding{k.accept}
	}
	retry := k.retry
	retry.SetEnabled(m.cursor < len(m.ms) && (m.ms[m.cursor].State == core.MsgFailed || m.ms[m.cursor].State == core.MsgNotSent))
	return []key.Binding{k.back, k.state, k.channel, k.wo, retry}
}

// FullHelp lists every key.
func (m *Outbox) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{{k.up, k.down}, {k.state, k.channel, k.wo, k.retry, k.reload, k.back}}
}
