package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"switchboard/core"
	"switchboard/tui/common"
	"switchboard/tui/detail"
	"switchboard/tui/evalqr"
	"switchboard/tui/newwo"
	"switchboard/tui/notify"
	"switchboard/tui/report"
)

// Minimum terminal size the console lays out in; below it, it says so.
const (
	MinWidth  = 60
	MinHeight = 15
)

// How long footer messages stay.
const (
	statusFor = 5 * time.Second
	errorFor  = 15 * time.Second
)

// Model is the console's root: it owns the screen stack, the window size, the
// keymap, the styles, the footer and the live-update subscription.
type Model struct {
	c    *common.Common
	keys common.KeyMap
	// stack is the active section's screens, its first screen at the bottom;
	// parked holds every section's stack (nil until first visited) while another
	// section is active, so coming back finds it as it was left.
	stack   []common.Screen
	section int
	parked  [][]common.Screen
	help    help.Model

	footer    string
	footerErr bool
	footerSeq int

	live live

	// web is the listener's URL for the header; webProblem, why it is not running
	// (a busy port), stays in the footer while no other message shows.
	web, webProblem string
}

// clearFooterMsg clears the footer message seq, unless a newer one replaced it.
type clearFooterMsg struct{ seq int }

func newModel(svc *core.Service, as core.Actor, opt Options, r *lipgloss.Renderer) *Model {
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	m := &Model{keys: common.DefaultKeyMap(), help: help.New(), web: opt.WebURL, webProblem: opt.WebProblem}
	m.c = &common.Common{
		Svc: svc, Actor: as, Keys: &m.keys, DBPath: opt.DBPath, Now: now,
		Styles: common.NewStyles(r, common.DefaultTheme()),
	}
	m.help.Styles = m.c.Styles.Help
	for i := range m.keys.Sections {
		if i < len(sections) {
			m.keys.Sections[i].SetHelp(m.keys.Sections[i].Help().Key, sections[i].help)
		} else {
			m.keys.Sections[i].SetEnabled(false)
		}
	}
	m.parked = make([][]common.Screen, len(sections))
	m.stack = []common.Screen{sections[0].open(m.c)}
	return m
}

// Init starts the first screen and the live updates.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.active().Init(), m.live.startCmd(m.c.Svc))
}

// Close ends the live-update subscription; quitting does it too.
func (m *Model) Close() { m.live.stop() }

func (m *Model) active() common.Screen { return m.stack[len(m.stack)-1] }

func (m *Model) tooSmall() bool { return m.c.Width < MinWidth || m.c.Height < MinHeight }

// Update routes: keys to the active screen (after the global keys), navigation and
// footer messages to the root, everything else to every open screen.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.Width, m.c.Height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case tea.KeyMsg:
		return m, m.keyCmd(msg)
	case common.NavigateMsg:
		return m, m.navigateCmd(msg)
	case common.StatusMsg:
		return m, m.footerCmd(msg.Text, false)
	case common.ErrorMsg:
		return m, m.footerCmd(msg.Err.Error(), true)
	case clearFooterMsg:
		if msg.seq == m.footerSeq {
			m.footer = ""
		}
		return m, nil
	case changeMsg, flushMsg:
		changed, cmd := m.live.update(msg)
		if changed != nil {
			cmd = tea.Batch(cmd, m.broadcastCmd(*changed))
		}
		if m.live.takeRules() {
			cmd = tea.Batch(cmd, m.broadcastCmd(common.RulesChangedMsg{}))
		}
		return m, cmd
	}
	return m, m.broadcastCmd(msg)
}

// keyCmd handles the global keys, then gives the key to the active screen.
func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	capturing := m.active().Capturing()
	switch {
	case key.Matches(msg, m.keys.ForceQuit), !capturing && key.Matches(msg, m.keys.Quit):
		m.Close()
		return tea.Quit
	case m.tooSmall():
		return nil
	case !capturing && key.Matches(msg, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.layout()
		return nil
	case !capturing && key.Matches(msg, m.keys.FollowUpSection):
		return m.switchCmd(sectionOf(common.FollowUpScreen))
	case !capturing:
		for i, b := range m.keys.Sections {
			if key.Matches(msg, b) {
				return m.switchCmd(i)
			}
		}
	}
	return m.active().Update(msg)
}

// switchCmd makes section i active: its screens come back as they were left, or
// its first screen opens on the first visit.
func (m *Model) switchCmd(i int) tea.Cmd {
	if i == m.section || i < 0 || i >= len(sections) {
		return nil
	}
	m.parked[m.section] = m.stack
	m.section = i
	m.stack = m.parked[i]
	m.parked[i] = nil
	if len(m.stack) > 0 {
		m.layout()
		return nil
	}
	s := sections[i].open(m.c)
	m.stack = []common.Screen{s}
	m.layout()
	return s.Init()
}

// screens lists every open screen of every section.
func (m *Model) screens() []common.Screen {
	out := append([]common.Screen(nil), m.stack...)
	for _, st := range m.parked {
		out = append(out, st...)
	}
	return out
}

// broadcastCmd gives msg to every open screen: results of I/O find the screen that
// asked for them even after the user moved on, and change notices reach all.
func (m *Model) broadcastCmd(msg tea.Msg) tea.Cmd {
	screens := m.screens()
	cmds := make([]tea.Cmd, 0, len(screens))
	for _, s := range screens {
		cmds = append(cmds, s.Update(msg))
	}
	return tea.Batch(cmds...)
}

// navigateCmd changes the screen stack.
func (m *Model) navigateCmd(msg common.NavigateMsg) tea.Cmd {
	switch msg.Kind {
	case common.Back:
		if len(m.stack) > 1 {
			m.stack = m.stack[:len(m.stack)-1]
			m.layout()
		}
		return nil
	case common.Replace:
		if len(m.stack) > 1 {
			m.stack = m.stack[:len(m.stack)-1]
		}
	}
	if i := sectionOf(msg.To); i >= 0 {
		return m.switchCmd(i)
	}
	var s common.Screen
	switch msg.To {
	case common.DetailScreen:
		if d, ok := m.active().(*detail.Model); ok && msg.Kind == common.Push && d.Number() == msg.Number {
			return nil // enter pressed twice before the first push landed
		}
		s = detail.New(m.c, msg.Number)
	case common.NewWorkOrderScreen:
		if _, ok := m.active().(*newwo.Model); ok {
			return nil
		}
		s = newwo.New(m.c)
	case common.TemplateEditorScreen:
		s = notify.NewEditor(m.c, msg.Arg)
	case common.ChannelsScreen:
		s = notify.NewChannels(m.c)
	case common.ReportScreen:
		if r, ok := m.active().(*report.Model); ok && r.Number() == msg.Number {
			return nil // a report form saved over the report view it came from
		}
		s = report.New(m.c, msg.Number)
	case common.ReportFormScreen:
		s = report.NewForm(m.c, msg.Number, msg.Arg == report.CompleteArg)
	case common.EvalQRScreen:
		if q, ok := m.active().(*evalqr.Model); ok && msg.Kind == common.Push && q.Number() == msg.Number {
			return nil
		}
		s = evalqr.New(m.c, msg.Number)
	default:
		return nil
	}
	m.stack = append(m.stack, s)
	m.layout()
	return s.Init()
}

func (m *Model) footerCmd(text string, isErr bool) tea.Cmd {
	m.footer, m.footerErr = text, isErr
	m.footerSeq++
	seq, d := m.footerSeq, statusFor
	if isErr {
		d = errorFor
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return clearFooterMsg{seq: seq} })
}

// layout gives every screen the area between header and footer.
func (m *Model) layout() {
	w := m.c.Width
	m.help.Width = w
	h := max(1, m.c.Height-1-m.footerHeight())
	for _, s := range m.screens() {
		s.SetSize(w, h)
	}
}

func (m *Model) footerHeight() int { return 1 + lipgloss.Height(m.helpView()) }

// helpKeys adapts the active screen's bindings plus the global ones to help.KeyMap.
type helpKeys struct {
	short []key.Binding
	full  [][]key.Binding
}

func (h helpKeys) ShortHelp() []key.Binding  { return h.short }
func (h helpKeys) FullHelp() [][]key.Binding { return h.full }

func (m *Model) helpView() string {
	s := m.active()
	global := []key.Binding{m.sectionsKey(), m.keys.Help, m.keys.Quit}
	if s.Capturing() {
		global = []key.Binding{m.keys.ForceQuit}
	}
	if m.help.ShowAll {
		full := append([][]key.Binding{}, s.FullHelp()...)
		if s.Capturing() {
			full = append(full, global)
		} else {
			full = append(full, []key.Binding{m.keys.Help, m.keys.Quit, m.keys.FollowUpSection}, m.keys.Sections[:min(len(sections), len(m.keys.Sections))])
		}
		hk := helpKeys{full: full}
		lines := strings.Split(m.help.View(hk), "\n")
		for i, l := range lines {
			lines[i] = common.Truncate(l, m.c.Width)
		}
		return strings.Join(lines, "\n")
	}
	// The global keys always show, at the right; the screen's keys get the rest
	// of the line and give way from the end.
	right := m.help.ShortHelpView(global)
	room := m.c.Width - common.Width(right) - common.Width(m.help.ShortSeparator)
	hm := m.help
	hm.Width = room
	left := common.Truncate(hm.ShortHelpView(s.ShortHelp()), room)
	if left == "" {
		return common.Truncate(right, m.c.Width)
	}
	sep := m.help.Styles.ShortSeparator.Render(m.help.ShortSeparator)
	return left + sep + right
}

// sectionsKey stands for all the section digits in the short help.
func (m *Model) sectionsKey() key.Binding {
	var keys []string
	for _, b := range m.keys.Sections[:min(len(sections), len(m.keys.Sections))] {
		keys = append(keys, b.Keys()...)
	}
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(sectionsRange(), "sections"))
}

// View draws header, screen and footer, or the too-small notice.
func (m *Model) View() string {
	w, h := m.c.Width, m.c.Height
	if w <= 0 || h <= 0 {
		return ""
	}
	if m.tooSmall() {
		msg := fmt.Sprintf("terminal too small (need %d×%d, have %d×%d)", MinWidth, MinHeight, w, h)
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center,
			m.c.Styles.TooSmall.Render(common.Truncate(msg, w))+"\n"+m.c.Styles.Muted.Render(common.Truncate("enlarge the window, or press q to quit", w)))
	}
	helpView := m.helpView()
	bodyH := max(1, h-1-1-lipgloss.Height(helpView))
	var b strings.Builder
	b.WriteString(m.header())
	b.WriteByte('\n')
	b.WriteString(fitLines(m.active().View(), bodyH))
	b.WriteByte('\n')
	b.WriteString(m.footerLine())
	b.WriteByte('\n')
	b.WriteString(helpView)
	return b.String()
}

// header shows the product, the acting user and roles, and the database.
func (m *Model) header() string {
	st := m.c.Styles
	w := m.c.Width
	a := m.c.Actor
	who := a.Label()
	if a.Kind == core.SubmitterInternal {
		roles := make([]string, len(a.User.Roles))
		for i, r := range a.User.Roles {
			roles[i] = string(r)
		}
		who = fmt.Sprintf("%s (%s)", a.User.Login, strings.Join(roles, ", "))
	}
	name := st.HeaderName.Render(" Switchboard ")
	who = common.Clean(who)
	if m.section == m.lastTab() {
		who = " " + who // after the last tab's bracket; other tabs end in a space
	}
	who = st.HeaderInfo.Render(who)
	// The tabs shorten before the user's name gives way, and the database path
	// gives way first of all.
	var left string
	for level := range tabLevels {
		left = name + m.tabs(level) + who
		if common.Width(left) <= w {
			break
		}
	}
	db := m.c.DBPath
	if db == "" {
		db = "—"
	}
	room := w - common.Width(left) - 2
	right := ""
	if m.web != "" && room > 40+common.Width(m.web) {
		right = "web " + m.web + "  "
		room -= common.Width(right)
	}
	if room > 8 {
		label := "db "
		if common.Width(label+db) > room {
			db = "…" + truncateLeft(db, room-len(label)-1)
		}
		right += label + db + " "
	}
	gap := max(0, w-common.Width(left)-common.Width(right))
	return common.Truncate(left+st.Header.Render(strings.Repeat(" ", gap)+right), w)
}

// tabLevels are the ways the tabs can be drawn, from the widest.
const (
	tabsFull = iota
	tabsShort
	tabsDigits
	tabLevels
)

// tabs draws the section tabs; the active one is in brackets (which reads without
// colour too) and highlighted.
func (m *Model) tabs(level int) string {
	st := m.c.Styles
	var b strings.Builder
	for i, s := range sections {
		if !m.tabShown(i) {
			continue
		}
		label := s.title
		switch {
		case level == tabsShort:
			label = s.short
		case level == tabsDigits && i != m.section:
			label = ""
		}
		digit := ""
		if i < len(m.keys.Sections) {
			digit = common.SectionDigit(i)
		}
		label = strings.TrimSpace(digit + " " + label)
		if i == m.section {
			b.WriteString(st.ActiveTab.Render("[" + label + "]"))
		} else {
			b.WriteString(st.Tab.Render(" " + label + " "))
		}
	}
	return b.String()
}

// tabShown: sections past the digits have no tab until they are open (the
// follow-up section, reached with f12 for now).
func (m *Model) tabShown(i int) bool { return i < len(m.keys.Sections) || i == m.section }

// lastTab is the index of the rightmost tab drawn.
func (m *Model) lastTab() int {
	if m.section >= len(m.keys.Sections) {
		return m.section
	}
	return min(len(sections), len(m.keys.Sections)) - 1
}

// truncateLeft keeps the last w cells of s: the file name matters more than the
// directories above it.
func truncateLeft(s string, w int) string {
	r := []rune(s)
	for len(r) > 0 && common.Width(string(r)) > w {
		r = r[1:]
	}
	return string(r)
}

func (m *Model) footerLine() string {
	if m.footer == "" && m.webProblem != "" {
		return m.c.Styles.StatusErr.Render(common.Truncate(common.Clean(m.webProblem), m.c.Width))
	}
	if m.footer == "" {
		return ""
	}
	st := m.c.Styles.StatusOK
	if m.footerErr {
		st = m.c.Styles.StatusErr
	}
	return st.Render(common.Truncate(common.Clean(m.footer), m.c.Width))
}

// fitLines makes s exactly h lines: a screen that draws too little is padded, one
// that draws too much is cut, so the footer never moves.
func fitLines(s string, h int) string {
	n := strings.Count(s, "\n") + 1
	switch {
	case n == h:
		return s
	case n < h:
		return s + strings.Repeat("\n", h-n)
	}
	i, seen := 0, 0
	for ; i < len(s); i++ {
		if s[i] == '\n' {
			seen++
			if seen == h {
				break
			}
		}
	}
	return s[:i]
}

// sectionsRange names the section digits in help: "1-8", or "0-9" for ten.
func sectionsRange() string {
	if len(sections) >= 10 {
		return "0-9"
	}
	return fmt.Sprintf("1-%d", len(sections))
}
