package tui

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
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
	"switchboard/tui/woedit"
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
	// visible are the indexes of the sections the user's roles permit, in tab
	// order: visible[0] has the digit 1 (R-ROLE-1).
	visible []int
	// ended says why the console closed by itself (the user was disabled).
	ended error

	footer    string
	footerErr bool
	footerSeq int
	// footerAt is when the message came (real time): a message that comes
	// with a "back" (a form saved) stays across it.
	footerAt time.Time

	live live

	// web is the listener's URL for the header; webProblem, why it is not running
	// (a busy port), shows in the footer while no other message does, until
	// the first key — then the header says "web off" and the footer's two
	// lines (at 80 columns) are the screen's again.
	web, webProblem string
	webProblemRead  bool

	// palette is the ":" command palette; helpOpen shows every key over the
	// screen ("?"), scrolled by helpTop.
	palette  palette
	helpOpen bool
	helpTop  int
	// renderer draws the styles; theme names the palette in use.
	renderer *lipgloss.Renderer
	theme    string
	// tabSpans are where each tab is on the header line, for the mouse.
	tabSpans []tabSpan
	// headerFor and headerLine cache the header: it is drawn on every frame
	// but changes only with the width, the section, the roles or the theme
	// (headerGen counts those).
	headerFor  headerKey
	headerLine string
	headerGen  int
}

// tabSpan is the cells [from, to) of the header line that show section i.
type tabSpan struct{ from, to, section int }

// clearFooterMsg clears the footer message seq, unless a newer one replaced it.
type clearFooterMsg struct{ seq int }

func newModel(svc *core.Service, as core.Actor, opt Options, r *lipgloss.Renderer) *Model {
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	m := &Model{keys: common.DefaultKeyMap(), help: help.New(), web: opt.WebURL, webProblem: opt.WebProblem, renderer: r}
	theme, ok := common.ThemeByName(opt.Theme)
	m.theme = opt.Theme
	if !ok || m.theme == "" {
		m.theme = "auto"
	}
	m.c = &common.Common{
		Svc: svc, Actor: as, Keys: &m.keys, DBPath: opt.DBPath, Now: now, Files: opt.Files,
		Styles: common.NewStyles(r, theme),
	}
	m.palette = newPalette(m.c)
	m.help.Styles = m.c.Styles.Help
	m.showSections()
	m.parked = make([][]common.Screen, len(sections))
	m.section = m.visible[0]
	m.stack = []common.Screen{sections[m.section].open(m.c)}
	return m
}

// showSections works out which sections the acting user sees and gives the
// digits to them, in order; the digits left over are off.
func (m *Model) showSections() {
	m.headerGen++
	m.visible = visibleSections(m.c.Actor)
	for i := range m.keys.Sections {
		if i < len(m.visible) {
			m.keys.Sections[i].SetHelp(m.keys.Sections[i].Help().Key, sections[m.visible[i]].help)
			m.keys.Sections[i].SetEnabled(true)
		} else {
			m.keys.Sections[i].SetEnabled(false)
		}
	}
	m.keys.NextSection.SetEnabled(len(m.visible) > 1)
	m.keys.PrevSection.SetEnabled(len(m.visible) > 1)
}

// Ended says why the console closed by itself (the user was disabled while it
// was open), or nil when the user quit. final is what the program's Run returned.
func Ended(final tea.Model) error {
	if m, ok := final.(*Model); ok {
		return m.ended
	}
	return nil
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
		if m.webProblem != "" && !m.webProblemRead {
			m.webProblemRead = true
			m.headerGen++ // "web off" goes up there
			m.layout()
		}
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !msg.Alt {
			// Keys typed faster than the console reads them — a burst in one
			// SSH packet, a fast typist — arrive as one message of several
			// runes: ":theme" was no key at all, the list took the letters
			// (space pages down) and the next enter opened some work order.
			// Each rune is a key press of its own; a paste stays whole.
			cmds := make([]tea.Cmd, 0, len(msg.Runes))
			for _, r := range msg.Runes {
				cmds = append(cmds, m.keyCmd(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}))
			}
			return m, tea.Batch(cmds...)
		}
		return m, m.keyCmd(msg)
	case tea.MouseMsg:
		return m, m.mouseCmd(msg)
	case common.OpenPaletteMsg:
		cmd := m.openPaletteCmd()
		m.palette.input.SetValue(msg.Query)
		m.palette.input.CursorEnd()
		m.filterPalette()
		return m, cmd
	case paletteContactsMsg:
		m.palette.contact = msg.rows
		m.palette.fixed = append(m.palette.fixed, msg.views...)
		if m.palette.open {
			m.filterPalette()
		}
		return m, nil
	case paletteFoundMsg:
		if msg.seq == m.palette.seq {
			m.palette.found = msg.entries
			m.filterPalette()
		}
		return m, nil
	case common.NavigateMsg:
		return m, m.navigateCmd(msg)
	case common.StatusMsg:
		return m, m.footerCmd(msg.Text, false)
	case common.ErrorMsg:
		return m, m.footerCmd(msg.Err.Error(), true)
	case common.UsersChangedMsg:
		return m, tea.Batch(m.broadcastCmd(msg), m.actorCmd())
	case actorMsg:
		return m, m.actorChanged(msg)
	case clearFooterMsg:
		if msg.seq == m.footerSeq {
			m.clearFooter()
		}
		return m, nil
	case changeMsg, flushMsg:
		changed, cmd := m.live.update(msg)
		for _, c := range changed {
			if _, ok := c.(common.UsersChangedMsg); ok {
				cmd = tea.Batch(cmd, m.actorCmd())
			}
			cmd = tea.Batch(cmd, m.broadcastCmd(c))
		}
		return m, cmd
	}
	return m, m.broadcastCmd(msg)
}

// keyCmd handles the global keys, then gives the key to the active screen.
func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	if m.palette.open && !m.tooSmall() {
		return m.paletteKeyCmd(msg)
	}
	if m.helpOpen && !m.tooSmall() {
		return m.helpKeyCmd(msg)
	}
	capturing := m.active().Capturing()
	switch {
	case key.Matches(msg, m.keys.ForceQuit), !capturing && key.Matches(msg, m.keys.Quit):
		m.Close()
		return tea.Quit
	case m.tooSmall():
		return nil
	case !capturing && key.Matches(msg, m.keys.Help):
		m.helpOpen, m.helpTop = true, 0
		return nil
	case !capturing && key.Matches(msg, m.keys.Palette):
		return m.openPaletteCmd()
	case !capturing && key.Matches(msg, m.keys.NextSection):
		return m.switchCmd(m.stepSection(1))
	case !capturing && key.Matches(msg, m.keys.PrevSection):
		return m.switchCmd(m.stepSection(-1))
	case !capturing:
		for i, b := range m.keys.Sections {
			if key.Matches(msg, b) {
				return m.switchCmd(m.visible[i])
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
	if !sections[i].allows(m.c.Actor) {
		names := strings.Split(roleList(sections[i].roles), ", ")
		if n := len(names); n > 1 {
			names = append(names[:n-2], names[n-2]+" or "+names[n-1])
		}
		return common.ErrorCmd(common.Sentence(fmt.Sprintf("%s may not open %s: ask an admin for the role %s.", m.who(), sections[i].title, strings.Join(names, ", "))))
	}
	m.parked[m.section] = m.stack
	m.section = i
	m.clearFooter() // a message belongs to the section that made it
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
			if time.Since(m.footerAt) > time.Second {
				m.clearFooter() // the screen that said it is gone
			}
			m.layout()
		}
		if msg.Status != "" {
			return m.footerCmd(msg.Status, false)
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
	case common.EditWorkOrderScreen:
		if e, ok := m.active().(*woedit.Model); ok && e.Number() == msg.Number {
			return nil
		}
		s = woedit.New(m.c, msg.Number)
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
	m.footer, m.footerErr, m.footerAt = text, isErr, time.Now()
	m.footerSeq++
	m.layout() // a long message takes more lines
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

func (m *Model) footerHeight() int { return len(m.footerLines()) + lipgloss.Height(m.helpView()) }

// clearFooter drops the footer's message.
func (m *Model) clearFooter() {
	if m.footer != "" {
		m.footer = ""
		m.layout()
	}
}

// helpView is the footer's line of keys: the screen's on the left, giving way
// from the end; the global ones always at the right.
func (m *Model) helpView() string {
	s := m.active()
	global := []key.Binding{m.sectionsKey(), m.keys.Palette, m.keys.Help, m.keys.Quit}
	switch {
	case m.palette.open:
		return m.c.Styles.Muted.Render(common.Truncate("enter go · ↑/↓ choose · esc close", m.c.Width))
	case m.helpOpen:
		return m.c.Styles.Muted.Render(common.Truncate("esc or ? closes · ↑/↓ scroll", m.c.Width))
	case s.Capturing():
		global = []key.Binding{m.keys.ForceQuit}
	}
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

// sectionsKey stands for all the section digits in the short help (full help
// adds > and <, which also reach the sections beyond the tenth).
func (m *Model) sectionsKey() key.Binding {
	var keys []string
	for _, b := range m.keys.Sections[:min(len(m.keys.Sections), len(m.visible))] {
		keys = append(keys, b.Keys()...)
	}
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(m.sectionsRange(), "sections"))
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
	foot := m.footerLines()
	bodyH := max(1, h-1-len(foot)-lipgloss.Height(helpView))
	var body string
	switch {
	case m.palette.open:
		body = m.paletteView(w, bodyH)
	case m.helpOpen:
		body = m.helpOverlay(w, bodyH)
	default:
		body = m.active().View()
	}
	var b strings.Builder
	b.WriteString(m.header())
	b.WriteByte('\n')
	b.WriteString(fitLines(body, bodyH))
	b.WriteByte('\n')
	b.WriteString(strings.Join(foot, "\n"))
	b.WriteByte('\n')
	b.WriteString(helpView)
	return b.String()
}

// header shows the product, the acting user and roles, and the database.
// headerKey is what the header depends on.
type headerKey struct {
	gen, width, section int
	web                 string
}

func (m *Model) header() string {
	k := headerKey{m.headerGen, m.c.Width, m.section, m.web}
	if k == m.headerFor && m.headerLine != "" {
		return m.headerLine
	}
	m.headerFor, m.headerLine = k, m.drawHeader()
	return m.headerLine
}

func (m *Model) drawHeader() string {
	st := m.c.Styles
	w := m.c.Width
	// Each group of right sides, in turn: the widest tabs that leave room for
	// one of them, and the widest of those that fits beside the tabs.
	right, chosen, fitted := "", tabLevels-1, false
	for g, group := range m.headerRights() {
		// The listener is not worth the product's name and the user's roles;
		// that it is off (customers' links do not open) is.
		levels := tabLevels
		if g == 0 && m.web != "" {
			levels = tabsMinimal
		}
		for level := 0; level < levels && !fitted; level++ {
			l := common.Width(m.headerLeft(level))
			for _, r := range group {
				if l+common.Width(r)+1 <= w {
					right, chosen, fitted = r, level, true
					break
				}
			}
		}
	}
	left := m.headerLeft(chosen) // also where its tabs are, for the mouse
	gap := max(0, w-common.Width(left)-common.Width(right))
	return common.Truncate(left+st.Header.Render(strings.Repeat(" ", gap)+right), w)
}

// headerLeft is the product's name, the tabs and the acting user, drawn at a
// level of detail (tabsFull the widest).
func (m *Model) headerLeft(level int) string {
	st := m.c.Styles
	who := m.who()
	if level == tabsMinimal && m.c.Actor.Kind == core.SubmitterInternal {
		who = m.c.Actor.User.Login
	}
	who = " " + common.Clean(who) + " "
	name := " Switchboard "
	if level == tabsMinimal {
		name = " "
	}
	tabs, spans := m.tabs(level)
	off := common.Width(name)
	for i := range spans {
		spans[i].from += off
		spans[i].to += off
	}
	m.tabSpans = spans
	return st.HeaderName.Render(name) + tabs + st.HeaderInfo.Render(who)
}

// headerRights are the right sides of the header in groups, from the most
// telling: the web listener with the database, the database alone, its file
// name alone; each group from its widest form to its narrowest.
func (m *Model) headerRights() [][]string {
	db := m.c.DBPath
	if db == "" {
		db = "—"
	}
	base := filepath.Base(db)
	short := db
	if dir := filepath.Base(filepath.Dir(db)); dir != "." && dir != "/" {
		short = "…/" + dir + "/" + base
	}
	var out [][]string
	if m.web == "" && m.webProblem != "" && m.webProblemRead {
		out = append(out, []string{"web off  db " + db + " ", "web off  db " + short + " ", "web off  db " + base + " "})
	}
	if m.web != "" {
		host := strings.TrimPrefix(strings.TrimPrefix(m.web, "http://"), "https://")
		out = append(out, []string{
			"web " + m.web + "  db " + db + " ",
			"web " + m.web + "  db " + short + " ",
			"web " + host + "  db " + short + " ",
			"web " + host + "  db " + base + " "})
	}
	return append(out, []string{"db " + db + " ", "db " + short + " ", "db " + base + " "}, []string{base + " "})
}

// tabLevels are the ways the tabs can be drawn, from the widest: every
// section's title, their short names, digits with the active section's title,
// digits with its short name, and that with the user's login alone.
const (
	tabsFull = iota
	tabsShort
	tabsDigits
	tabsDigitsShort
	tabsMinimal
	tabLevels
)

// tabs draws the section tabs; the active one is in brackets (which reads without
// colour too) and highlighted.
func (m *Model) tabs(level int) (string, []tabSpan) {
	st := m.c.Styles
	var items []string
	var spans []tabSpan
	at := 0
	add := func(text string, section int) {
		if len(items) > 0 {
			at++ // the space between tabs
		}
		w := common.Width(text)
		if section >= 0 {
			spans = append(spans, tabSpan{from: at, to: at + w, section: section})
		}
		at += w
		items = append(items, text)
	}
	more := false
	digits := level >= tabsDigits
	for pos, i := range m.visible {
		s := sections[i]
		label := s.title
		switch {
		case digits && i != m.section:
			label = ""
		case level == tabsShort || level >= tabsDigitsShort:
			label = s.short
		}
		digit := ""
		if pos < len(m.keys.Sections) {
			digit = common.SectionDigit(pos)
		}
		label = strings.TrimSpace(digit + " " + label)
		switch {
		case label == "":
			more = true // beyond the tenth, in a digits header: > and < reach it
		case i == m.section:
			add(st.ActiveTab.Render("["+label+"]"), i)
		default:
			add(st.Tab.Render(label), i)
		}
	}
	if more {
		// Not ">" itself: lists mark their cursor row with "> ".
		add(st.Tab.Render("…"), -1)
	}
	return strings.Join(items, st.Tab.Render(" ")), spans
}

// footerLines are the footer's message: a short one on one line, a long one
// wrapped over up to three so it can be read whole.
func (m *Model) footerLines() []string {
	text, st := m.footer, m.c.Styles.StatusOK
	if m.footerErr {
		st = m.c.Styles.StatusErr
	}
	if text == "" && m.webProblem != "" && !m.webProblemRead {
		text, st = m.webProblem, m.c.Styles.StatusErr
	}
	if text == "" {
		return []string{""}
	}
	w := max(1, m.c.Width)
	lines := common.Wrap(common.Clean(text), w)
	if len(lines) > 3 {
		lines = lines[:3]
		lines[2] = common.Truncate(lines[2]+" …", w)
	}
	for i, l := range lines {
		lines[i] = st.Render(common.Truncate(l, w))
	}
	return lines
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
func (m *Model) sectionsRange() string {
	switch n := len(m.visible); {
	case n >= 10:
		return "0-9"
	case n == 1:
		return "1"
	default:
		return fmt.Sprintf("1-%d", n)
	}
}

// stepSection is the visible section d steps from the active one, wrapping.
func (m *Model) stepSection(d int) int {
	n := len(m.visible)
	pos := slices.Index(m.visible, m.section)
	return m.visible[((pos+d)%n+n)%n]
}

// who is the acting user with their roles, as the header shows them.
func (m *Model) who() string {
	a := m.c.Actor
	if a.Kind != core.SubmitterInternal {
		return a.Label()
	}
	return fmt.Sprintf("%s (%s)", a.User.Login, roleList(a.User.Roles))
}

func roleList(rs []core.Role) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// actorMsg is the acting user as the store has it now.
type actorMsg struct {
	user core.User
	err  error
}

// actorCmd re-reads the acting user after users changed somewhere.
func (m *Model) actorCmd() tea.Cmd {
	a := m.c.Actor
	if a.Kind != core.SubmitterInternal {
		return nil
	}
	svc, login := m.c.Svc, a.User.Login
	return func() tea.Msg {
		u, err := svc.User(login)
		return actorMsg{u, err}
	}
}

// actorChanged follows an admin's change to the acting user: a disabled (or
// removed) user's console closes and says why; new roles change the sections
// at once, and the screens open again so their keys follow the new roles.
func (m *Model) actorChanged(msg actorMsg) tea.Cmd {
	switch {
	case errors.Is(msg.err, core.ErrNotFound):
		m.ended = common.Sentence(fmt.Sprintf("Your user %q no longer exists; the console closed.", m.c.Actor.User.Login))
	case msg.err != nil:
		return common.ErrorCmd(msg.err)
	case msg.user.Disabled:
		m.ended = common.Sentence(fmt.Sprintf("Your user %q was disabled by an admin; the console closed. Ask an admin to enable it.", msg.user.Login))
	}
	if m.ended != nil {
		m.Close()
		return tea.Quit
	}
	old := m.c.Actor.User
	m.c.Actor.User = msg.user
	m.c.Actor.Name = msg.user.Name
	if slices.Equal(old.Roles, msg.user.Roles) && old.EngineerID == msg.user.EngineerID {
		return nil
	}
	m.showSections()
	clear(m.parked)
	if !slices.Contains(m.visible, m.section) {
		m.section = m.visible[0]
	}
	s := sections[m.section].open(m.c)
	m.stack = []common.Screen{s}
	m.layout()
	return tea.Batch(s.Init(), common.StatusCmd(fmt.Sprintf("An admin changed your roles: you are now %s.", m.who())))
}

// setThemeCmd switches the console's colours to the theme called name.
func (m *Model) setThemeCmd(name string) tea.Cmd {
	t, ok := common.ThemeByName(name)
	if !ok {
		return common.ErrorCmd(common.Sentence("There is no theme " + name + ": use " + strings.Join(common.ThemeNames, ", ") + "."))
	}
	m.theme = name
	m.headerGen++
	*m.c.Styles = *common.NewStyles(m.renderer, t)
	m.help.Styles = m.c.Styles.Help
	return tea.Batch(m.broadcastCmd(common.ThemeChangedMsg{}),
		common.StatusCmd("Theme "+name+". Start the console with --theme "+name+" (or SWITCHBOARD_THEME) to keep it."))
}

// mouseCmd: a click on a tab opens its section; everything under the header
// goes to the screen, with lines counted from the top of the screen's area.
func (m *Model) mouseCmd(msg tea.MouseMsg) tea.Cmd {
	if m.tooSmall() || m.palette.open {
		return nil
	}
	if m.helpOpen {
		switch msg.Button {
		case tea.MouseButtonWheelDown:
			m.helpTop += 3
		case tea.MouseButtonWheelUp:
			m.helpTop = max(0, m.helpTop-3)
		}
		return nil
	}
	if msg.Y == 0 {
		if msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft {
			for _, t := range m.tabSpans {
				if msg.X >= t.from && msg.X < t.to {
					return m.switchCmd(t.section)
				}
			}
		}
		return nil
	}
	msg.Y--
	return m.active().Update(msg)
}
