package notify

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

type channelsLoadedMsg struct {
	cfgs   []core.ChannelConfig
	ns     core.NotifySettings
	verify core.PhoneVerification
	embed  []string
	err    error
}

type channelSavedMsg struct {
	text string
	err  error
}

// channelRow is one line of the settings list: a channel (key "") or a setting.
type channelRow struct {
	ch  core.NoticeChannel
	key string
}

// Channels is the channel settings screen: switch channels on and off, edit
// their settings (secrets are masked and never shown), and send a test message.
type Channels struct {
	c             *common.Common
	width, height int
	cfgs          []core.ChannelConfig
	rows          []channelRow
	cursor        int
	input         textinput.Model
	editing       string // "setting" or "test" while the input is open
	ns            core.NotifySettings
	verify        core.PhoneVerification
	embed         []string // the sites that may frame the smart form
	// form is the delivery policy or the SMS top-up while open.
	form *common.Form
	keys struct {
		up, down, edit, toggle, test, back, accept, cancel key.Binding
		policy, credits, verify                            key.Binding
	}
}

// NewChannels returns the channel settings screen.
func NewChannels(c *common.Common) *Channels {
	m := &Channels{c: c}
	k := c.Keys
	m.keys.up, m.keys.down, m.keys.edit, m.keys.toggle, m.keys.test, m.keys.back = k.Up, k.Down, k.Edit, k.Toggle, k.SendTest, k.Back
	m.keys.accept = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save"))
	m.keys.cancel = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	m.keys.policy = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "delivery policy"))
	m.keys.credits = key.NewBinding(key.WithKeys("+"), key.WithHelp("+", "add SMS credits"))
	m.keys.verify = key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "phone verification"))
	m.input = textinput.New()
	common.StyleInput(&m.input, c.Styles)
	return m
}

func loadChannelsCmd(svc *core.Service) tea.Cmd {
	return func() tea.Msg {
		cfgs, err := svc.ChannelConfigs()
		if err != nil {
			return channelsLoadedMsg{err: err}
		}
		ns, err := svc.NotifySettings()
		if err != nil {
			return channelsLoadedMsg{err: err}
		}
		v, err := svc.PhoneVerification()
		if err != nil {
			return channelsLoadedMsg{err: err}
		}
		embed, err := svc.EmbedOrigins()
		return channelsLoadedMsg{cfgs, ns, v, embed, err}
	}
}

// Init loads the settings.
func (m *Channels) Init() tea.Cmd { return loadChannelsCmd(m.c.Svc) }

// SetSize records the area.
func (m *Channels) SetSize(w, h int) { m.width, m.height = w, h; m.input.Width = max(10, w-30) }

// Capturing is true while a value or a test address is typed.
func (m *Channels) Capturing() bool {
	if m.form != nil {
		return m.form.Typing()
	}
	return m.editing != ""
}

// openPolicy opens the delivery policy form: message priority (R-EVAL-3's
// "in order until one delivers", or all at once), the channels' order, and
// the public address #URL# links are built on.
func (m *Channels) openPolicy() tea.Cmd {
	p := m.ns.Policy
	order := make([]string, len(p.Order))
	for i, ch := range p.Order {
		order[i] = string(ch)
	}
	m.form = common.NewForm(m.c, "Delivery policy",
		common.NewChoiceField("Mode", "mode", []string{core.PolicyFallback, core.PolicyAllAtOnce}, p.Mode),
		common.NewTextField(m.c, "Order", "order", strings.Join(order, ", "), 100).WithPlaceholder("e.g. wechat, sms, email"),
		common.NewTextField(m.c, "Handover", "handover", core.Duration(p.HandoverAfter()).String(), 10).WithPlaceholder("10m"),
		common.NewTextField(m.c, "Public URL", "public_url", m.ns.PublicURL, 300).WithPlaceholder("the address customers reach the web listener at"),
		common.NewTextField(m.c, "Embed sites", "origins", strings.Join(m.embed, ", "), 1000).WithPlaceholder("sites that may frame the smart form, e.g. https://www.example.com"),
	)
	m.form.Hints["origins"] = "the smart form /embed shows in an iframe only on these sites (R-IN-7); empty: nowhere"
	m.form.Hints["mode"] = "fallback: try the channels in order until one delivers; all: send on every channel at once"
	m.form.Hints["handover"] = "fallback: how long a channel has to deliver before the next takes over (1m to 24h)"
	m.form.SetSize(m.width, m.height)
	return m.form.Init()
}

// openCredits opens the SMS top-up.
func (m *Channels) openCredits() tea.Cmd {
	m.form = common.NewForm(m.c, fmt.Sprintf("SMS credits: %d left", m.ns.SMSCredits),
		common.NewTextField(m.c, "Add", "add", "", 9).WithPlaceholder("how many, e.g. 1000"))
	m.form.Note = "each SMS sent costs one"
	m.form.SetSize(m.width, m.height)
	return m.form.Init()
}

// formSaveCmd saves the open form.
func (m *Channels) formSaveCmd() tea.Cmd {
	svc, as := m.c.Svc, m.c.Actor
	fs := m.form.Fields()
	val := func(i int) string { return fs[i].(interface{ Value() string }).Value() }
	if len(fs) == 1 {
		text := val(0)
		return func() tea.Msg {
			n, err := strconv.Atoi(strings.TrimSpace(text))
			if err != nil {
				return channelSavedMsg{err: core.Invalid("add", "Type a whole number of SMS credits, not %q.", text)}
			}
			bal, err := svc.AddSMSCredits(as, n)
			return channelSavedMsg{text: fmt.Sprintf("Added %d SMS credits: %d left.", n, bal), err: err}
		}
	}
	mode, order, handover, pub, origins := val(0), val(1), val(2), val(3), val(4)
	was, wasOrigins := m.ns.PublicURL, strings.Join(m.embed, ", ")
	return func() tea.Msg {
		var chans []core.NoticeChannel
		for _, c := range strings.Split(order, ",") {
			if c = strings.TrimSpace(c); c != "" {
				ch, err := core.ParseNoticeChannel(c)
				if err != nil {
					return channelSavedMsg{err: core.Invalid("order", "%s", err.Error())}
				}
				chans = append(chans, ch)
			}
		}
		h, err := core.ParseDuration(handover)
		if err != nil {
			return channelSavedMsg{err: core.Invalid("handover", "%q is not a duration: e.g. 10m or 1h.", handover)}
		}
		if err := svc.SetDeliveryPolicy(as, core.DeliveryPolicy{Mode: mode, Order: chans, Handover: h}); err != nil {
			return channelSavedMsg{err: err}
		}
		if pub != was {
			if err := svc.SetPublicURL(as, pub); err != nil {
				return channelSavedMsg{err: core.Invalid("public_url", "%s", err.Error())}
			}
		}
		if origins != wasOrigins {
			if _, err := svc.SetEmbedOrigins(as, strings.FieldsFunc(origins, func(r rune) bool { return r == ',' || r == ' ' })); err != nil {
				return channelSavedMsg{err: core.Invalid("origins", "%s", err.Error())}
			}
		}
		return channelSavedMsg{text: "Delivery policy saved: " + mode + "."}
	}
}

func (m *Channels) row() channelRow {
	if m.cursor < len(m.rows) {
		return m.rows[m.cursor]
	}
	return channelRow{}
}

func (m *Channels) setting(r channelRow) core.ChannelSetting {
	for _, s := range core.ChannelSettings[r.ch] {
		if s.Key == r.key {
			return s
		}
	}
	return core.ChannelSetting{}
}

// Update handles movement, toggles, edits and tests.
func (m *Channels) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case channelsLoadedMsg:
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		m.cfgs, m.ns, m.verify, m.embed, m.rows = msg.cfgs, msg.ns, msg.verify, msg.embed, nil
		for _, c := range m.cfgs {
			m.rows = append(m.rows, channelRow{ch: c.Channel})
			for _, s := range core.ChannelSettings[c.Channel] {
				m.rows = append(m.rows, channelRow{ch: c.Channel, key: s.Key})
			}
		}
		m.cursor = min(m.cursor, len(m.rows)-1)
		return nil
	case channelSavedMsg:
		if m.form != nil {
			if cmd := m.form.Saved(msg.err); msg.err != nil {
				return cmd
			}
			m.form = nil
		}
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		return tea.Batch(loadChannelsCmd(m.c.Svc), common.StatusCmd(msg.text))
	case common.NotifyChangedMsg:
		return loadChannelsCmd(m.c.Svc)
	case tea.KeyMsg:
		k := m.keys
		if m.form != nil {
			cmd, ev := m.form.Update(msg)
			switch ev {
			case common.FormCancel:
				m.form = nil
			case common.FormSave:
				return tea.Batch(m.form.StartSaving(), m.formSaveCmd())
			}
			return cmd
		}
		if m.editing != "" {
			switch {
			case key.Matches(msg, k.cancel):
				m.editing = ""
				m.input.Blur()
				return nil
			case key.Matches(msg, k.accept):
				mode, v, r := m.editing, m.input.Value(), m.row()
				m.editing = ""
				m.input.Blur()
				svc, as := m.c.Svc, m.c.Actor
				if mode == "test" {
					return func() tea.Msg {
						t, err := svc.SendTest(as, r.ch, v)
						if err != nil {
							return channelSavedMsg{err: err}
						}
						return channelSavedMsg{text: fmt.Sprintf("Test message %d queued on %s; watch it in the outbox (6).", t.ID, r.ch.Title())}
					}
				}
				if m.setting(r).Secret && v == "" {
					return nil // an empty secret keeps the old one
				}
				return func() tea.Msg {
					_, err := svc.SetChannelConfig(as, r.ch, nil, map[string]string{r.key: v})
					return channelSavedMsg{text: fmt.Sprintf("Saved %s %s.", r.ch.Title(), r.key), err: err}
				}
			}
			var cmd tea.Cmd
			m.input, cmd = m.input.Update(msg)
			return cmd
		}
		switch {
		case key.Matches(msg, k.back):
			return common.BackCmd
		case key.Matches(msg, k.up):
			m.cursor = max(0, m.cursor-1)
		case key.Matches(msg, k.down):
			m.cursor = max(0, min(len(m.rows)-1, m.cursor+1))
		case key.Matches(msg, k.toggle), key.Matches(msg, k.edit) && m.row().key == "":
			r := m.row()
			on := true
			for _, c := range m.cfgs {
				if c.Channel == r.ch {
					on = !c.Enabled
				}
			}
			svc, as := m.c.Svc, m.c.Actor
			return func() tea.Msg {
				_, err := svc.SetChannelConfig(as, r.ch, &on, nil)
				return channelSavedMsg{text: fmt.Sprintf("%s is %s.", r.ch.Title(), onOff(on)), err: err}
			}
		case key.Matches(msg, k.edit):
			r := m.row()
			s := m.setting(r)
			m.editing = "setting"
			m.input.Prompt = r.key + ": "
			m.input.EchoMode = textinput.EchoNormal
			m.input.SetValue("")
			m.input.Placeholder = s.Help
			if s.Secret {
				m.input.EchoMode = textinput.EchoPassword
				m.input.Placeholder = "type the new secret (empty keeps the old one)"
			} else {
				for _, c := range m.cfgs {
					if c.Channel == r.ch {
						m.input.SetValue(c.Settings[r.key])
					}
				}
			}
			return m.input.Focus()
		case key.Matches(msg, k.policy):
			return m.openPolicy()
		case key.Matches(msg, k.credits):
			return m.openCredits()
		case key.Matches(msg, k.verify):
			// auto → sms → off → auto, the twin of `notify verify MODE`.
			next := map[core.VerifyMode]core.VerifyMode{core.VerifyAuto: core.VerifySMS, core.VerifySMS: core.VerifyOff, core.VerifyOff: core.VerifyAuto}[m.verify.Mode]
			svc, as := m.c.Svc, m.c.Actor
			return func() tea.Msg {
				v, err := svc.SetPhoneVerification(as, next)
				return channelSavedMsg{text: fmt.Sprintf("Phone verification: %s — %s.", v.Mode, v.Why), err: err}
			}
		case key.Matches(msg, k.test):
			m.editing = "test"
			m.input.Prompt = "send a test to: "
			m.input.EchoMode = textinput.EchoNormal
			m.input.SetValue("")
			m.input.Placeholder = "email, mobile number or open ID"
			return m.input.Focus()
		}
	}
	return nil
}

// View draws every channel with its settings.
func (m *Channels) View() string {
	if m.form != nil {
		return m.form.View()
	}
	st := m.c.Styles
	var b strings.Builder
	title := common.Fit(st.Title.Render("Channel settings")+st.Muted.Render("  secrets are masked; env SWITCHBOARD_<CHANNEL>_<KEY> wins over the database"), m.width) + "\n"
	order := make([]string, len(m.ns.Policy.Order))
	for i, ch := range m.ns.Policy.Order {
		order[i] = ch.Title()
	}
	title += common.Truncate(st.Label.Render("  delivery ")+st.Value.Render(m.ns.Policy.Mode+": "+strings.Join(order, ", "))+
		st.Label.Render(" · SMS credits ")+st.Value.Render(fmt.Sprint(m.ns.SMSCredits))+
		st.Label.Render(" · links on ")+st.Value.Render(common.OrDash(m.ns.PublicURL)), m.width) + "\n"
	title += common.Truncate(st.Label.Render("  phone verification ")+st.Value.Render(string(m.verify.Mode))+st.Muted.Render(" — "+m.verify.Why), m.width) + "\n"
	cursorLine := 0
	for i, r := range m.rows {
		var line string
		if r.key == "" {
			on := false
			for _, c := range m.cfgs {
				if c.Channel == r.ch {
					on = c.Enabled
				}
			}
			line = fmt.Sprintf("%s  [%s]", r.ch.Title(), map[bool]string{true: "x", false: " "}[on]) + " " + onOff(on)
			if i > 0 {
				b.WriteString("\n")
			}
		} else {
			var shown core.ShownSetting
			for _, c := range m.cfgs {
				if c.Channel == r.ch {
					for _, s := range c.Masked(os.Getenv) {
						if s.Key == r.key {
							shown = s
						}
					}
				}
			}
			from := ""
			if shown.From != "" && shown.From != "db" {
				from = " (" + shown.From + ")"
			}
			line = "    " + common.Fit(r.key, 22) + common.OrDash(shown.Value) + from
		}
		if i == m.cursor {
			cursorLine = strings.Count(b.String(), "\n")
		}
		switch {
		case i == m.cursor && m.editing == "setting":
			b.WriteString("    " + common.InputView(&m.input, st) + "\n")
		case i == m.cursor:
			b.WriteString(st.SelectedRow.Render(common.Fit("> "+line, m.width)) + "\n")
		case r.key == "":
			b.WriteString(st.Section.Render(common.Truncate("  "+line, m.width)) + "\n")
		default:
			b.WriteString(st.Row.Render(common.Truncate("  "+line, m.width)) + "\n")
		}
	}
	if m.editing == "test" {
		b.WriteString("\n  " + common.InputView(&m.input, st))
	}
	// Scroll so the cursor stays in view under the title.
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	room := max(1, m.height-strings.Count(title, "\n"))
	top := 0
	if cursorLine >= room {
		top = cursorLine - room + 1
	}
	if m.editing == "test" {
		top = max(0, len(lines)-room)
	}
	end := min(len(lines), top+room)
	return title + strings.Join(lines[top:end], "\n")
}

// ShortHelp lists the keys.
func (m *Channels) ShortHelp() []key.Binding {
	k := m.keys
	if m.form != nil {
		return m.form.ShortHelp()
	}
	if m.editing != "" {
		return []key.Binding{k.accept, k.cancel}
	}
	return []key.Binding{k.back, k.edit, k.toggle, k.test, k.policy, k.credits, k.verify}
}

// FullHelp lists every key.
func (m *Channels) FullHelp() [][]key.Binding {
	k := m.keys
	if m.form != nil {
		return m.form.FullHelp()
	}
	return [][]key.Binding{{k.up, k.down}, {k.edit, k.toggle, k.test, k.back}, {k.policy, k.credits, k.verify}}
}
