// Package notify holds the console's notification screens (admin): the preset
// matrix with its toggles, the template editor with a live preview, channel
// settings with "send test", and the outbox (delivery log) with retry.
package notify

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// matrixLoadedMsg carries the preset matrix and the shared settings.
type matrixLoadedMsg struct {
	presets  []core.Preset
	channels []core.ChannelConfig
	settings core.NotifySettings
	err      error
}

// presetSavedMsg is the result of a toggle.
type presetSavedMsg struct {
	preset core.Preset
	err    error
}

func loadMatrixCmd(svc *core.Service) tea.Cmd {
	return func() tea.Msg {
		var msg matrixLoadedMsg
		if msg.presets, msg.err = svc.Presets(); msg.err != nil {
			return msg
		}
		if msg.channels, msg.err = svc.ChannelConfigs(); msg.err != nil {
			return msg
		}
		msg.settings, msg.err = svc.NotifySettings()
		return msg
	}
}

// Matrix is the preset matrix: the seven events down, the channels across, each
// cell on or off (R-NOTE-3).
type Matrix struct {
	c             *common.Common
	width, height int
	row, col      int
	loaded        matrixLoadedMsg
	ready         bool
	keys          struct{ up, down, left, right, toggle, edit, channels, outbox, back, reload key.Binding }
}

// NewMatrix returns the preset matrix screen.
func NewMatrix(c *common.Common) *Matrix {
	m := &Matrix{c: c}
	k := c.Keys
	m.keys.up, m.keys.down, m.keys.left, m.keys.right = k.Up, k.Down, k.Left, k.Right
	m.keys.toggle, m.keys.edit, m.keys.channels, m.keys.back, m.keys.reload = k.Toggle, k.Edit, k.Channels, k.Back, k.Reload
	m.keys.edit.SetHelp("enter", "edit template")
	m.keys.outbox = key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "outbox"))
	return m
}

// Init loads the matrix.
func (m *Matrix) Init() tea.Cmd { return loadMatrixCmd(m.c.Svc) }

// SetSize records the area.
func (m *Matrix) SetSize(w, h int) { m.width, m.height = w, h }

// Capturing is false: no text fields.
func (m *Matrix) Capturing() bool { return false }

func (m *Matrix) current() (core.Preset, bool) {
	i := m.row*len(core.AllNoticeChannels) + m.col
	if !m.ready || i >= len(m.loaded.presets) {
		return core.Preset{}, false
	}
	return m.loaded.presets[i], true
}

// Update moves the cursor, toggles presets and opens the editor.
func (m *Matrix) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case matrixLoadedMsg:
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		m.loaded, m.ready = msg, true
	case presetSavedMsg:
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		// Show the stored preset at once, so the cell and the footer agree;
		// the reload brings the rest.
		for i, p := range m.loaded.presets {
			if p.Event == msg.preset.Event && p.Channel == msg.preset.Channel {
				m.loaded.presets[i] = msg.preset
			}
		}
		return tea.Batch(loadMatrixCmd(m.c.Svc), common.StatusCmd(fmt.Sprintf("%s on %s is %s.", msg.preset.Event.Title(), msg.preset.Channel.Title(), onOff(msg.preset.Enabled))))
	case common.NotifyChangedMsg:
		return loadMatrixCmd(m.c.Svc)
	case tea.KeyMsg:
		k := m.keys
		switch {
		case key.Matches(msg, k.back):
			return common.BackCmd
		case key.Matches(msg, k.up):
			m.row = max(0, m.row-1)
		case key.Matches(msg, k.down):
			m.row = min(len(core.AllNoticeEvents)-1, m.row+1)
		case key.Matches(msg, k.left):
			m.col = max(0, m.col-1)
		case key.Matches(msg, k.right):
			m.col = min(len(core.AllNoticeChannels)-1, m.col+1)
		case key.Matches(msg, k.reload):
			return loadMatrixCmd(m.c.Svc)
		case key.Matches(msg, k.channels):
			return func() tea.Msg { return common.NavigateMsg{Kind: common.Push, To: common.ChannelsScreen} }
		case key.Matches(msg, k.outbox):
			return func() tea.Msg { return common.NavigateMsg{Kind: common.Push, To: common.OutboxScreen} }
		case key.Matches(msg, k.toggle):
			p, ok := m.current()
			if !ok {
				return nil
			}
			svc, as, on := m.c.Svc, m.c.Actor, !p.Enabled
			return func() tea.Msg {
				p, err := svc.SetPresetEnabled(as, p.Event, p.Channel, on)
				return presetSavedMsg{p, err}
			}
		case key.Matches(msg, k.edit):
			p, ok := m.current()
			if !ok {
				return nil
			}
			arg := string(p.Event) + "/" + string(p.Channel)
			return func() tea.Msg {
				return common.NavigateMsg{Kind: common.Push, To: common.TemplateEditorScreen, Arg: arg}
			}
		}
	}
	return nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// View draws the matrix, the channel switches and the shared settings.
func (m *Matrix) View() string {
	st := m.c.Styles
	var b strings.Builder
	b.WriteString(common.Fit(st.Title.Render("Notifications")+st.Muted.Render("  preset matrix (R-NOTE-3)"), m.width) + "\n")
	if !m.ready {
		return b.String() + st.Muted.Render("  loading…")
	}
	const evW, cellW = 26, 15
	head := "  " + common.Fit("Event", evW)
	for _, ch := range core.AllNoticeChannels {
		head += common.Fit(ch.Title(), cellW)
	}
	b.WriteString("\n" + st.TableHeader.Render(common.Truncate(head, m.width)) + "\n")
	for r, ev := range core.AllNoticeEvents {
		line := st.Row.Render("  " + common.Fit(ev.Title(), evW))
		for c := range core.AllNoticeChannels {
			p := m.loaded.presets[r*len(core.AllNoticeChannels)+c]
			cell := "[ ] off"
			if p.Enabled {
				cell = "[x] on"
			}
			if p.Custom {
				cell += " *"
			}
			cell = common.Fit(cell, cellW-1)
			if r == m.row && c == m.col {
				line += st.SelectedRow.Render(cell) + " "
			} else if p.Enabled {
				line += st.Value.Render(cell) + " "
			} else {
				line += st.Muted.Render(cell) + " "
			}
		}
		b.WriteString(common.Truncate(line, m.width) + "\n")
	}
	b.WriteString("\n" + st.Section.Render("Channels") + "\n")
	var parts []string
	for _, c := range m.loaded.channels {
		parts = append(parts, fmt.Sprintf("%s %s", c.Channel.Title(), onOff(c.Enabled)))
	}
	b.WriteString("  " + common.Truncate(strings.Join(parts, " · "), m.width-2) + "\n")
	pol := m.loaded.settings.Policy
	order := make([]string, len(pol.Order))
	for i, c := range pol.Order {
		order[i] = string(c)
	}
	mode := "all at once"
	if pol.Mode == core.PolicyFallback {
		mode = "fallback in order " + strings.Join(order, " → ")
	}
	b.WriteString("  " + st.Label.Render("Message priority ") + st.Value.Render(common.Truncate(mode, m.width-20)) + "\n")
	b.WriteString("  " + st.Label.Render("SMS credits      ") + st.Value.Render(common.Thousands(m.loaded.settings.SMSCredits)) + "\n")
	if p, ok := m.current(); ok {
		b.WriteString("\n" + st.Muted.Render(common.Truncate(fmt.Sprintf("  %s · %s: %s", p.Event.Title(), p.Channel.Title(), preview(p)), m.width)))
	}
	return b.String()
}

// preview is a one-line summary of a preset's template.
func preview(p core.Preset) string {
	t := p.Template
	switch p.Channel {
	case core.NoticeEmail:
		return t.Subject
	case core.NoticeSMS:
		return t.Body
	}
	id := t.TemplateID
	if id == "" {
		id = "no template chosen"
	}
	return fmt.Sprintf("template %s, %d fields", id, len(t.Fields))
}

// ShortHelp lists the main keys.
func (m *Matrix) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.back, k.toggle, k.edit, k.channels, k.outbox}
}

// FullHelp lists every key.
func (m *Matrix) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{{k.up, k.down, k.left, k.right}, {k.toggle, k.edit, k.channels, k.outbox, k.reload, k.back}}
}
