package notify

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
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

// Outbox is the delivery log: every message with its outcome, filtered by state
// and channel; "/" filters the rows shown, and a work-order number typed there
// asks the store for that work order's messages. A failed message can be
// retried (R-NOTE-5).
type Outbox struct {
	c             *common.Common
	width, height int
	state         core.MessageState
	channel       core.NoticeChannel
	// number is the work order asked for (a number typed as the filter).
	number string
	list   *common.List
	shown  common.Filtered[core.Message]
	ms     []core.Message
	seq    int
	err    error
	keys   struct{ state, channel, retry, back, reload key.Binding }
}

var outboxColumns = []common.Column{
	{Title: "ID", Width: 5, Right: true},
	{Title: "STATE", Width: 9},
	{Title: "CHANNEL", Width: 12},
	{Title: "EVENT", Width: 18, Hide: 3},
	{Title: "WORK ORDER", Width: 10},
	{Title: "TO", Width: 18, Hide: 2},
	{Title: "TRIES", Width: 5, Right: true, Hide: 4},
	{Title: "UPDATED", Width: 16, Hide: 5},
	{Title: "REASON", Weight: 1, Min: 10, Hide: 1},
}

// NewOutbox returns the outbox screen.
func NewOutbox(c *common.Common) *Outbox {
	m := &Outbox{c: c}
	k := c.Keys
	m.keys.back, m.keys.reload, m.keys.retry = k.Back, k.Reload, k.Retry
	m.keys.retry.SetHelp("r", "retry failed")
	m.keys.state = key.NewBinding(key.WithKeys("s", "S"), key.WithHelp("s/S", "state filter"))
	m.keys.channel = key.NewBinding(key.WithKeys("c", "C"), key.WithHelp("c/C", "channel filter"))
	m.list = common.NewList(c, outboxColumns)
	m.list.Y = 1
	m.list.SetPlaceholder("work order number, recipient, event, reason")
	m.list.Empty = "No messages match."
	return m
}

// Init loads the log.
func (m *Outbox) Init() tea.Cmd { return m.loadCmd() }

func (m *Outbox) loadCmd() tea.Cmd {
	m.seq++
	svc, seq := m.c.Svc, m.seq
	q := core.MessageQuery{State: m.state, Channel: m.channel, Limit: outboxLimit}
	number := m.number
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
func (m *Outbox) SetSize(w, h int) {
	m.width, m.height = w, h
	m.list.SetSize(w, max(3, h-1-3))
}

// Capturing is true while the filter is being typed.
func (m *Outbox) Capturing() bool { return m.list.Filtering() }

func cycle[T comparable](all []T, cur T, back bool) T {
	var zero T
	opts := append([]T{zero}, all...)
	i := slices.Index(opts, cur)
	if back {
		return opts[(i-1+len(opts))%len(opts)]
	}
	return opts[(i+1)%len(opts)]
}

func (m *Outbox) selected() *core.Message { return m.shown.Ref(m.list.Cursor()) }

// filterChanged: a work-order number asks the store for its messages; any
// other text filters the rows held.
func (m *Outbox) filterChanged() tea.Cmd {
	q := m.list.Filter()
	number := ""
	if _, err := core.ParseNumber(q); err == nil {
		number = q
	}
	if number != m.number {
		m.number = number
		return m.loadCmd()
	}
	m.refilter()
	return nil
}

func (m *Outbox) refilter() {
	q := m.list.Filter()
	if m.number != "" {
		q = "" // the store already picked the work order's messages
	}
	m.shown.Apply(q)
	m.list.SetLen(m.shown.Len())
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
		} else {
			m.ms = msg.ms
		}
		m.shown.Set(m.ms, func(x core.Message) string {
			return strings.Join([]string{x.Number, string(x.State), string(x.Channel), string(x.Event), x.Recipient.Name, core.MaskAddress(x.Recipient.Address), x.Reason}, " ")
		})
		m.refilter()
		return nil
	case retriedMsg:
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		return tea.Batch(m.loadCmd(), common.StatusCmd(fmt.Sprintf("Message %d is queued again.", msg.m.ID)))
	case common.NotifyChangedMsg:
		return m.loadCmd()
	case tea.MouseMsg:
		m.list.Update(msg)
		return nil
	case tea.KeyMsg:
		cmd, ev := m.list.Update(msg)
		if ev.Has(common.ListFilterChanged) {
			cmd = tea.Batch(cmd, m.filterChanged())
		}
		if ev.Has(common.ListHandled) {
			return cmd
		}
		k := m.keys
		switch {
		case key.Matches(msg, k.back):
			return common.BackCmd
		case key.Matches(msg, k.state):
			m.state = cycle(core.AllMessageStates, m.state, common.Backward(msg.String()))
			m.list.Select(0)
			return m.loadCmd()
		case key.Matches(msg, k.channel):
			m.channel = cycle(core.AllNoticeChannels, m.channel, common.Backward(msg.String()))
			m.list.Select(0)
			return m.loadCmd()
		case key.Matches(msg, k.reload):
			return m.loadCmd()
		case key.Matches(msg, k.retry):
			x := m.selected()
			if x == nil {
				return nil
			}
			svc, as, id := m.c.Svc, m.c.Actor, x.ID
			return func() tea.Msg {
				r, err := svc.RetryMessage(as, id)
				return retriedMsg{r, err}
			}
		}
		return nil
	}
	cmd, ev := m.list.Update(msg)
	if ev.Has(common.ListFilterChanged) {
		cmd = tea.Batch(cmd, m.filterChanged())
	}
	return cmd
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
	title := filter("state", string(m.state)) + "  " + filter("channel", string(m.channel))
	if m.err != nil {
		return b.String() + title + "\n\n" + st.Error.Render(common.Truncate("  "+m.err.Error(), m.width))
	}
	loc := m.c.Location()
	b.WriteString(m.list.View(title, "", func(i int) common.Row {
		x := m.shown.At(i)
		to := core.MaskAddress(x.Recipient.Address)
		if to == "" {
			to = x.Recipient.Name
		}
		return common.Row{Cells: []string{common.IDText(x.ID), string(x.State), string(x.Channel), string(x.Event),
			common.OrDash(x.Number), common.OrDash(to), fmt.Sprint(x.Attempts), common.FormatTime(x.UpdatedAt, loc), x.Reason}}
	}))
	if x := m.selected(); x != nil {
		detail := x.Content.Subject
		if detail == "" {
			detail = x.Content.Text
		}
		b.WriteString("\n" + st.Label.Render(common.Truncate(fmt.Sprintf("  %s · provider id %s", common.Clean(detail), common.OrDash(x.ProviderID)), m.width)))
		if x.Reason != "" {
			for _, l := range common.Wrap(common.Clean(x.Reason), m.width-4)[:1] {
				b.WriteString("\n  " + st.Muted.Render(l))
			}
		}
	}
	return b.String()
}

// ShortHelp lists the main keys.
func (m *Outbox) ShortHelp() []key.Binding {
	if m.list.Filtering() {
		return m.list.ShortHelp()
	}
	k := m.keys
	retry := k.retry
	x := m.selected()
	retry.SetEnabled(x != nil && (x.State == core.MsgFailed || x.State == core.MsgNotSent))
	return append([]key.Binding{k.state, k.channel, retry}, m.list.ShortHelp()...)
}

// FullHelp lists every key.
func (m *Outbox) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{m.list.FullHelp(), {k.state, k.channel, k.retry, k.reload, k.back}}
}
