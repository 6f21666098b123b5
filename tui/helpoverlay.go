package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/tui/common"
)

// The help overlay ("?"): every key of the screen and of the console, and
// every section with the key that reaches it, over the screen. esc, ? or q
// close it; it scrolls when it is taller than the terminal.

// helpKeyCmd handles a key while the overlay is open.
func (m *Model) helpKeyCmd(msg tea.KeyMsg) tea.Cmd {
	switch msg.String() {
	case "esc", "?", "q", "enter":
		m.helpOpen = false
	case "ctrl+c":
		m.Close()
		return tea.Quit
	case "down", "j":
		m.helpTop++
	case "up", "k":
		m.helpTop = max(0, m.helpTop-1)
	case "pgdown", " ", "f":
		m.helpTop += max(1, m.c.Height/2)
	case "pgup", "b":
		m.helpTop = max(0, m.helpTop-max(1, m.c.Height/2))
	}
	return nil
}

// helpBlock is a titled group of key lines.
type helpBlock struct {
	title string
	lines []string
}

// helpOverlay draws the overlay in width × height.
func (m *Model) helpOverlay(width, height int) string {
	st := m.c.Styles
	keyLine := func(b key.Binding) string {
		h := b.Help()
		return st.Help.FullKey.Render(common.Fit(h.Key, 12)) + " " + st.Help.FullDesc.Render(h.Desc)
	}
	var blocks []helpBlock
	title := "This screen"
	if i := m.section; i >= 0 && i < len(sections) {
		title = sections[i].title
	}
	for n, group := range m.active().FullHelp() {
		var lines []string
		for _, b := range group {
			if b.Enabled() && b.Help().Key != "" {
				lines = append(lines, keyLine(b))
			}
		}
		if len(lines) == 0 {
			continue
		}
		t := ""
		if n == 0 {
			t = title
		}
		blocks = append(blocks, helpBlock{title: t, lines: lines})
	}
	var global []string
	for _, b := range []key.Binding{m.keys.Palette, m.keys.Help, m.keys.Quit, m.keys.ForceQuit, m.keys.NextSection, m.keys.PrevSection} {
		if b.Enabled() {
			global = append(global, keyLine(b))
		}
	}
	global = append(global, st.Muted.Render("mouse: wheel scrolls, click selects,"), st.Muted.Render("click again opens, click a tab"))
	blocks = append(blocks, helpBlock{title: "Everywhere", lines: global})
	var secs []string
	for pos, i := range m.visible {
		k := "> <"
		if pos < len(m.keys.Sections) {
			k = common.SectionDigit(pos)
		}
		line := st.Help.FullKey.Render(common.Fit(k, 4)) + " " + st.Help.FullDesc.Render(sections[i].title)
		secs = append(secs, line)
	}
	blocks = append(blocks, helpBlock{title: "Sections (or : and a name)", lines: secs})

	colW := 0
	for _, b := range blocks {
		for _, l := range b.lines {
			colW = max(colW, common.Width(l))
		}
	}
	colW = min(colW, 38)
	cols := max(1, min(3, (width+2)/(colW+2)))
	if cols > 1 {
		colW = (width - 2*(cols-1)) / cols
	} else {
		colW = width
	}
	// Flow the blocks into the shortest column.
	columns := make([][]string, cols)
	for _, b := range blocks {
		c := 0
		for i := range columns {
			if len(columns[i]) < len(columns[c]) {
				c = i
			}
		}
		if len(columns[c]) > 0 {
			columns[c] = append(columns[c], "")
		}
		if b.title != "" {
			columns[c] = append(columns[c], st.Section.Render(common.Truncate(b.title, colW)))
		}
		for _, l := range b.lines {
			columns[c] = append(columns[c], common.Truncate(l, colW))
		}
	}
	rows := 0
	for _, c := range columns {
		rows = max(rows, len(c))
	}
	lines := make([]string, 0, rows+1)
	lines = append(lines, st.Title.Render("Keys")+st.Muted.Render("  esc or ? closes"))
	for r := range rows {
		var b strings.Builder
		for i, c := range columns {
			cell := ""
			if r < len(c) {
				cell = c[r]
			}
			if i < len(columns)-1 {
				cell = common.Fit(cell, colW) + "  "
			}
			b.WriteString(cell)
		}
		lines = append(lines, common.Truncate(b.String(), width))
	}
	m.helpTop = max(0, min(m.helpTop, len(lines)-height))
	end := min(len(lines), m.helpTop+height)
	return strings.Join(lines[m.helpTop:end], "\n")
}
