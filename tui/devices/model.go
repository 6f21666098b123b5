// Package devices is the console's devices screen (R-IN-4): the registered
// devices and, for the selected one, its sticker link and QR code, large enough
// to scan from a phone.
package devices

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"switchboard/core"
	"switchboard/core/qrcode"
	"switchboard/tui/common"
)

// loadedMsg carries the device list.
type loadedMsg struct {
	devices []core.Device
	err     error
}

// qrMsg carries the selected device's link and its drawing.
type qrMsg struct {
	code, link, qr string
	err            error
}

type keyMap struct{ up, down, back, reload key.Binding }

// Model is the devices screen.
type Model struct {
	c             *common.Common
	keys          keyMap
	width, height int
	devices       []core.Device
	loaded        bool
	cursor        int
	qr            qrMsg
	err           error
}

// New returns the screen; Init loads the devices.
func New(c *common.Common) *Model {
	k := c.Keys
	return &Model{c: c, keys: keyMap{up: k.Up, down: k.Down, back: k.Back, reload: k.Reload}}
}

func loadCmd(svc *core.Service) tea.Cmd {
	return func() tea.Msg {
		ds, err := svc.Devices()
		return loadedMsg{ds, err}
	}
}

func qrCmd(svc *core.Service, code string) tea.Cmd {
	return func() tea.Msg {
		base, err := svc.PublicURL()
		if err != nil {
			return qrMsg{code: code, err: err}
		}
		_, tok, err := svc.DeviceLink(code)
		if err != nil {
			return qrMsg{code: code, err: err}
		}
		link := core.LinkURL(base, core.DevicePathPrefix, tok)
		return qrMsg{code: code, link: link, qr: qrcode.Terminal(link)}
	}
}

// Init loads the devices.
func (m *Model) Init() tea.Cmd { return loadCmd(m.c.Svc) }

// SetSize gives the screen its area.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Capturing is false: the screen has no text field.
func (m *Model) Capturing() bool { return false }

// ShortHelp lists the footer keys.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.keys.up, m.keys.down, m.keys.reload, m.keys.back}
}

// FullHelp lists the keys for "?".
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

func (m *Model) selected() string {
	if m.cursor < len(m.devices) {
		return m.devices[m.cursor].Code
	}
	return ""
}

// Update handles keys and loaded data.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loadedMsg:
		m.loaded, m.devices, m.err = true, msg.devices, msg.err
		m.cursor = min(m.cursor, max(0, len(m.devices)-1))
		if c := m.selected(); c != "" {
			return qrCmd(m.c.Svc, c)
		}
	case qrMsg:
		if msg.code == m.selected() {
			m.qr = msg
		}
	case tea.KeyMsg:
		old := m.cursor
		switch {
		case key.Matches(msg, m.keys.back):
			return common.BackCmd
		case key.Matches(msg, m.keys.reload):
			return loadCmd(m.c.Svc)
		case key.Matches(msg, m.keys.up):
			m.cursor = max(0, m.cursor-1)
		case key.Matches(msg, m.keys.down):
			m.cursor = min(max(0, len(m.devices)-1), m.cursor+1)
		}
		if m.cursor != old {
			return qrCmd(m.c.Svc, m.selected())
		}
	}
	return nil
}

// View draws the list on the left and the QR code on the right (below, when narrow).
func (m *Model) View() string {
	st := m.c.Styles
	switch {
	case m.err != nil:
		return st.Muted.Render(common.Truncate(m.err.Error(), m.width))
	case !m.loaded:
		return ""
	case len(m.devices) == 0:
		return st.Muted.Render(common.Truncate("No devices yet: register one with `switchboard device add --code CODE`.", m.width))
	}
	var list strings.Builder
	list.WriteString(st.Title.Render("Devices (R-IN-4)") + "\n")
	listW := min(40, m.width)
	for i, d := range m.devices {
		line := common.Truncate(fmt.Sprintf("%-12s %s", d.Code, d.Model), listW)
		if i == m.cursor {
			line = st.SelectedRow.Render(line)
		}
		list.WriteString(line + "\n")
	}
	var card strings.Builder
	if d := m.devices[m.cursor]; true {
		card.WriteString(fmt.Sprintf("%s  %s\n", st.Label.Render(d.Code), d.Model))
		if d.AccountName != "" || d.Location != "" {
			card.WriteString(common.Truncate(strings.Trim(d.AccountName+" · "+d.Location, " ·"), m.width) + "\n")
		}
	}
	switch {
	case m.qr.err != nil:
		card.WriteString(m.qr.err.Error())
	case m.qr.code == m.selected() && m.qr.link != "":
		card.WriteString(m.qr.link + "\n")
		card.WriteString(m.qr.qr)
	}
	if m.width >= listW+2+lipgloss.Width(m.qr.qr) {
		return lipgloss.JoinHorizontal(lipgloss.Top, lipgloss.NewStyle().Width(listW+2).Render(list.String()), card.String())
	}
	return list.String() + "\n" + card.String()
}
