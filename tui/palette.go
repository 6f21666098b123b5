package tui

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/sahilm/fuzzy"

	"switchboard/core"
	"switchboard/tui/common"
)

// The command palette (":"): jump to a section by name, to a work order by
// number, to a customer's work orders by phone or name, or run a console
// command (a theme, a saved view). Typing narrows the list fuzzily; enter runs
// the highlighted entry, esc closes.

// paletteEntry is one thing the palette offers.
type paletteEntry struct {
	label, detail string
	// run is what enter does; remove, when set, what ctrl+d does (a saved
	// view is removed).
	run    func(m *Model) tea.Cmd
	remove func(m *Model) tea.Cmd
}

// paletteMax is how many entries the palette shows.
const paletteMax = 8

type palette struct {
	open    bool
	input   textinput.Model
	seq     int
	fixed   []paletteEntry // sections and commands
	found   []paletteEntry // work orders and customers, from the store
	shown   []paletteEntry
	cursor  int
	contact []core.ContactRow // loaded when the palette opens
}

// paletteFoundMsg carries what the store knows for query seq.
type paletteFoundMsg struct {
	seq     int
	entries []paletteEntry
}

// paletteContactsMsg carries the contacts to search by name and the saved
// views to offer.
type paletteContactsMsg struct {
	rows  []core.ContactRow
	views []paletteEntry
}

func newPalette(c *common.Common) palette {
	in := textinput.New()
	in.Prompt = ":"
	in.Placeholder = "section, work order number, customer phone or name, theme…"
	common.StyleInput(&in, c.Styles)
	in.CharLimit = 100
	return palette{input: in}
}

// openPaletteCmd opens the palette with every section and command listed.
func (m *Model) openPaletteCmd() tea.Cmd {
	p := &m.palette
	p.open, p.cursor, p.found = true, 0, nil
	p.input.SetValue("")
	p.fixed = p.fixed[:0]
	for _, i := range m.visible {
		s := sections[i]
		i := i
		p.fixed = append(p.fixed, paletteEntry{label: s.title, detail: "section · " + s.help, run: func(m *Model) tea.Cmd { return m.switchCmd(i) }})
	}
	for _, name := range common.ThemeNames {
		name := name
		p.fixed = append(p.fixed, paletteEntry{label: "theme " + name, detail: "colours", run: func(m *Model) tea.Cmd { return m.setThemeCmd(name) }})
	}
	p.fixed = append(p.fixed,
		paletteEntry{label: "new work order", detail: "quick entry", run: func(m *Model) tea.Cmd {
			return common.NavigateCmd(common.Push, common.NewWorkOrderScreen, "")
		}},
		paletteEntry{label: "help", detail: "every key", run: func(m *Model) tea.Cmd { m.helpOpen = true; return nil }},
		paletteEntry{label: "quit", detail: "close the console", run: func(m *Model) tea.Cmd { m.Close(); return tea.Quit }},
	)
	m.filterPalette()
	svc, as := m.c.Svc, m.c.Actor
	return tea.Batch(p.input.Focus(), func() tea.Msg {
		rows, _ := svc.Contacts()
		vs, _ := svc.Views(as)
		return paletteContactsMsg{rows: rows, views: viewEntries(vs)}
	})
}

// paletteKeyCmd handles a key while the palette is open.
func (m *Model) paletteKeyCmd(msg tea.KeyMsg) tea.Cmd {
	p := &m.palette
	switch msg.String() {
	case "esc", "ctrl+c":
		p.open = false
		p.input.Blur()
		return nil
	case "up", "ctrl+p", "shift+tab":
		p.cursor = max(0, p.cursor-1)
		return nil
	case "down", "ctrl+n", "tab":
		p.cursor = min(max(0, len(p.shown)-1), p.cursor+1)
		return nil
	case "enter":
		if p.cursor >= len(p.shown) {
			return nil
		}
		e := p.shown[p.cursor]
		p.open = false
		p.input.Blur()
		return e.run(m)
	case "ctrl+d":
		if p.cursor >= len(p.shown) || p.shown[p.cursor].remove == nil {
			return nil
		}
		e := p.shown[p.cursor]
		p.fixed = slices.DeleteFunc(p.fixed, func(x paletteEntry) bool { return x.label == e.label })
		m.filterPalette()
		return e.remove(m)
	}
	before := p.input.Value()
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	if p.input.Value() == before {
		return cmd
	}
	p.seq++
	p.found = nil
	m.filterPalette()
	return tea.Batch(cmd, m.paletteLookupCmd(p.input.Value(), p.seq))
}

// filterPalette ranks the entries against what was typed.
func (m *Model) filterPalette() {
	p := &m.palette
	q := strings.TrimSpace(p.input.Value())
	all := append(slices.Clone(p.found), p.fixed...)
	if q == "" {
		p.shown = all
	} else {
		labels := make([]string, len(all))
		for i, e := range all {
			labels[i] = e.label + " " + e.detail
		}
		p.shown = p.shown[:0]
		for _, r := range fuzzy.Find(q, labels) {
			p.shown = append(p.shown, all[r.Index])
		}
		// What the store found for the query matches it by definition.
		for _, e := range p.found {
			if !slices.ContainsFunc(p.shown, func(x paletteEntry) bool { return x.label == e.label }) {
				p.shown = append([]paletteEntry{e}, p.shown...)
			}
		}
	}
	p.cursor = min(p.cursor, max(0, len(p.shown)-1))
}

// paletteLookupCmd asks the store about q: a work order by number, the
// customers with that phone or name.
func (m *Model) paletteLookupCmd(q string, seq int) tea.Cmd {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil
	}
	svc, contacts := m.c.Svc, m.palette.contact
	return func() tea.Msg {
		var out []paletteEntry
		if _, err := core.ParseNumber(q); err == nil {
			if w, err := svc.WorkOrder(q); err == nil {
				number := w.Number
				out = append(out, paletteEntry{label: w.Number, detail: "work order · " + w.Subject, run: func(m *Model) tea.Cmd {
					return common.NavigateCmd(common.Push, common.DetailScreen, number)
				}})
			}
		}
		digits := strings.IndexFunc(q, func(r rune) bool { return !unicode.IsDigit(r) && r != ' ' && r != '+' && r != '-' }) < 0
		if digits && len(q) >= 5 {
			ms, _ := svc.LookupCaller(q)
			for _, c := range ms {
				out = append(out, customerEntry(c.Contact.Name, c.Contact.Phone, accountName(c.Account)))
			}
		}
		if !digits && len([]rune(q)) >= 2 {
			n := 0
			for _, c := range contacts {
				if c.Disabled || !common.MatchText(c.Name+" "+c.AccountName, q) {
					continue
				}
				out = append(out, customerEntry(c.Name, c.Phone, c.AccountName))
				if n++; n == 5 {
					break
				}
			}
		}
		return paletteFoundMsg{seq: seq, entries: out}
	}
}

func accountName(a *core.Account) string {
	if a == nil {
		return ""
	}
	return a.Name
}

// customerEntry opens the Work orders section filtered to the customer (by
// phone when they have one: names are not unique).
func customerEntry(name, phone, account string) paletteEntry {
	q := phone
	if q == "" {
		q = name
	}
	detail := "customer's work orders"
	if account != "" {
		detail += " · " + account
	}
	label := name
	if phone != "" {
		label += " " + phone
	}
	return paletteEntry{label: label, detail: detail, run: func(m *Model) tea.Cmd {
		return m.openWorkOrdersFiltered(q)
	}}
}

// openWorkOrdersFiltered switches to the Work orders section with its filter
// set to q.
func (m *Model) openWorkOrdersFiltered(q string) tea.Cmd {
	i := sectionOf(common.WorkOrdersScreen)
	cmd := m.switchCmd(i)
	if m.section != i {
		return cmd
	}
	m.stack = m.stack[:1]
	return tea.Batch(cmd, m.active().Update(common.SetFilterMsg{Text: q}))
}

// paletteView draws the palette: the input, then the entries.
func (m *Model) paletteView(width, height int) string {
	st := m.c.Styles
	p := &m.palette
	p.input.Width = max(10, width-4)
	hint := "  enter goes · ↑/↓ choose · esc closes"
	if p.cursor < len(p.shown) && p.shown[p.cursor].remove != nil {
		hint += " · ctrl+d removes this view"
	}
	lines := []string{st.Title.Render("Go to") + st.Muted.Render(hint), common.InputView(&p.input, st)}
	n := min(len(p.shown), paletteMax, max(0, height-3))
	start := max(0, min(p.cursor-n+1, len(p.shown)-n))
	for i := start; i < start+n; i++ {
		e := p.shown[i]
		label, detail := common.Clean(e.label), common.Clean(e.detail)
		line := common.Truncate("  "+label+st.Muted.Render("  "+detail), width)
		if i == p.cursor {
			line = st.SelectedRow.Render(common.Fit("> "+label+"  "+detail, width))
		}
		lines = append(lines, line)
	}
	if len(p.shown) == 0 {
		lines = append(lines, st.Muted.Render("  nothing matches: esc closes"))
	}
	return strings.Join(lines, "\n")
}

// viewEntries are the saved views, for the palette.
func viewEntries(vs []core.SavedView) []paletteEntry {
	var out []paletteEntry
	for _, v := range vs {
		v := v
		out = append(out, paletteEntry{label: "view " + v.Name, detail: fmt.Sprintf("saved %s view", v.Screen),
			run: func(m *Model) tea.Cmd { return m.recallViewCmd(v) }, remove: func(m *Model) tea.Cmd { return m.removeViewCmd(v.Name) }})
	}
	return out
}

// removeViewCmd removes the acting user's saved view name (ctrl+d in the
// palette; the twin of `switchboard view rm`).
func (m *Model) removeViewCmd(name string) tea.Cmd {
	svc, as := m.c.Svc, m.c.Actor
	return func() tea.Msg {
		if err := svc.DeleteView(as, name); err != nil {
			return common.ErrorMsg{Err: err}
		}
		return common.StatusMsg{Text: fmt.Sprintf("Removed saved view %q.", name)}
	}
}

// recallViewCmd opens the list a saved view belongs to and applies it.
func (m *Model) recallViewCmd(v core.SavedView) tea.Cmd {
	to := common.WorkOrdersScreen
	if v.Screen == "board" {
		to = common.BoardScreen
	}
	i := sectionOf(to)
	cmd := m.switchCmd(i)
	if m.section != i {
		return cmd
	}
	m.stack = m.stack[:1]
	return tea.Batch(cmd, m.active().Update(common.ApplyViewMsg{View: v}), common.StatusCmd(fmt.Sprintf("View %q.", v.Name)))
}
