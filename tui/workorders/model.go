// Package workorders is the console's first screen: a virtualised table of work
// orders paged from the service around the cursor, with status and node filters,
// a "/" filter as you type, sorting and saved views. The cursor, the window and
// the filter field are the shared list's (common.List); this screen pages the
// rows in and draws them.
package workorders

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// window is the slice of the current result the screen holds: rows
// [start, start+len(rows)) of generation gen. Only rows inside it can be drawn.
type window struct {
	gen   int
	start int
	rows  []core.WorkOrderRow
}

func (w window) end() int { return w.start + len(w.rows) }

// keyMap is the screen's own keys (the list's are the list's).
type keyMap struct {
	open, create, status, node, clearFilters, sort, reverse key.Binding
	reload, saveView, views, export                         key.Binding
}

// Model is the work-order list screen.
type Model struct {
	c    *common.Common
	keys keyMap
	list *common.List
	// cells caches rendered status and priority cells for the current layout.
	cells map[cellKey]string

	// The query.
	status int // index into statusChoices
	node   int // index into nodeChoices
	sort   int // index into sortChoices
	asc    bool
	text   string // the filter in effect

	// The result, windowed.
	gen      int // bumped whenever the query or the data changes
	total    int // number of matches; -1 until the first page arrives
	win      window
	inflight *request
	// keepID keeps the cursor on the same work order across a refresh.
	keepID core.ID
	busy   common.Busy
	// prompt asks for a saved view's name; saveAs where an export goes.
	prompt common.Prompt
	saveAs common.SaveAs
}

// New returns the screen; its first page is fetched by Init.
func New(c *common.Common) *Model {
	km := c.Keys
	l := common.NewList(c, listColumns())
	l.FilterDebounce = SearchDebounce
	l.SetPlaceholder("number, subject, account, contact, engineer, phone, region")
	l.SetLen(-1)
	return &Model{
		c: c,
		keys: keyMap{
			open: km.Open, create: km.New, status: km.StatusFilter, node: km.NodeFilter,
			clearFilters: km.ClearFilters, sort: km.Sort, reverse: km.Reverse, reload: km.Reload,
			saveView: km.SaveView, views: km.SavedViews, export: km.ExportCSV,
		},
		list:   l,
		gen:    1, // the empty window (generation 0) is never current
		total:  -1,
		busy:   common.NewBusy(c.Styles),
		prompt: common.NewPrompt(c),
		saveAs: common.NewSaveAs(c),
	}
}

// Init fetches the first window.
func (m *Model) Init() tea.Cmd { return m.ensureCmd() }

// SetSize lays the table out for a new terminal size.
func (m *Model) SetSize(width, height int) {
	if width != m.list.Width() {
		m.cells = nil
	}
	m.list.SetSize(width, height)
}

// Capturing is true while the filter field or the view-name prompt has the
// keyboard.
func (m *Model) Capturing() bool {
	return m.list.Filtering() || m.prompt.Active() || m.saveAs.Active()
}

// visibleRows is how many table rows fit under the filter bar and column header.
func (m *Model) visibleRows() int { return m.list.Visible() }

// query is the current query without its window.
func (m *Model) query() core.WorkOrderQuery {
	return core.WorkOrderQuery{
		Status: statusChoices[m.status],
		Node:   nodeChoices[m.node],
		Text:   m.text,
		Sort:   sortChoices[m.sort].key,
		Asc:    m.asc,
	}
}

// Update handles keys, results, the filter and change notices.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if m.prompt.Active() {
			return m.promptKey(msg)
		}
		if m.saveAs.Active() {
			return m.exportKey(msg)
		}
		return m.keyCmd(msg)
	case tea.MouseMsg:
		_, ev := m.list.Update(msg)
		return m.listEvent(ev)
	case pageMsg:
		return m.gotPageCmd(msg)
	case common.WorkOrdersChangedMsg:
		return m.refreshCmd()
	case common.SetFilterMsg:
		m.list.SetFilter(msg.Text)
		m.text = m.list.Filter()
		return m.newQueryCmd()
	case common.ApplyViewMsg:
		return m.applyView(msg.View.Query)
	case common.ThemeChangedMsg:
		m.cells = nil
		return nil
	case viewSavedMsg:
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		return common.StatusCmd("Saved view " + msg.name + ": recall it with : (the palette) or V.")
	}
	cmd, ev := m.list.Update(msg) // the filter's debounce, the cursor's blink
	return tea.Batch(cmd, m.listEvent(ev), m.busy.Update(msg))
}

// listEvent follows what the list did: a new filter is a new query, a move
// may need rows, a click on the selected row opens it.
func (m *Model) listEvent(ev common.ListEvent) tea.Cmd {
	switch {
	case ev.Has(common.ListFilterChanged):
		m.text = m.list.Filter()
		return m.newQueryCmd()
	case ev.Has(common.ListActivated):
		return m.openCmd()
	case ev.Has(common.ListMoved):
		return m.ensureCmd()
	}
	return nil
}

func (m *Model) openCmd() tea.Cmd {
	if r, ok := m.Selected(); ok {
		return common.NavigateCmd(common.Push, common.DetailScreen, r.Number)
	}
	return nil
}

// keyCmd handles a key: the list's first (moving, the filter), then the screen's.
func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	cmd, ev := m.list.Update(msg)
	if ev.Has(common.ListHandled) {
		return tea.Batch(cmd, m.listEvent(ev))
	}
	k := m.bindings()
	switch {
	case key.Matches(msg, k.open):
		return m.openCmd()
	case key.Matches(msg, k.create):
		return common.NavigateCmd(common.Push, common.NewWorkOrderScreen, "")
	case key.Matches(msg, k.status):
		m.status = cycle(m.status, len(statusChoices), common.Backward(msg.String()))
		return m.newQueryCmd()
	case key.Matches(msg, k.node):
		m.node = cycle(m.node, len(nodeChoices), common.Backward(msg.String()))
		return m.newQueryCmd()
	case key.Matches(msg, k.clearFilters):
		m.status, m.node = 0, 0
		m.list.SetFilter("")
		m.text = ""
		return m.newQueryCmd()
	case key.Matches(msg, k.sort):
		m.sort = cycle(m.sort, len(sortChoices), false)
		m.asc = false
		return m.newQueryCmd()
	case key.Matches(msg, k.reverse):
		m.asc = !m.asc
		return m.newQueryCmd()
	case key.Matches(msg, k.reload):
		return m.refreshCmd()
	case key.Matches(msg, k.saveView):
		return m.prompt.Open("Save this view as", "")
	case key.Matches(msg, k.views):
		return func() tea.Msg { return common.OpenPaletteMsg{Query: "view "} }
	case key.Matches(msg, k.export):
		return m.saveAs.Open("the list as CSV", "work-orders-"+m.c.Now().Format("20060102-1504")+".csv")
	}
	return nil
}

// exportKey handles a key while the export's file is named: the work orders
// the list shows (every page, its filters and sort) go there as CSV with the
// SPEC's columns, like `switchboard export work-orders --csv`.
func (m *Model) exportKey(msg tea.KeyMsg) tea.Cmd {
	name, done, cmd := m.saveAs.Update(msg)
	if !done || name == "" {
		return cmd
	}
	c, q := m.c, m.query()
	return func() tea.Msg {
		var b bytes.Buffer
		// A person opens the file in a spreadsheet: the byte-order mark makes
		// Excel read it as UTF-8 (Chinese text came out garbled); import
		// reads it either way.
		b.WriteString("\ufeff")
		n, err := c.Svc.ExportWorkOrdersCSV(&b, q)
		if err != nil {
			return common.ErrorMsg{Err: err}
		}
		p, err := c.SaveFile(name, b.Bytes(), 0o600)
		if err != nil {
			return common.ErrorMsg{Err: fmt.Errorf("the export was not saved: %w", err)}
		}
		return common.StatusMsg{Text: fmt.Sprintf("Saved %d work orders as CSV: %s", n, p)}
	}
}

func cycle(i, n int, back bool) int {
	if back {
		return (i + n - 1) % n
	}
	return (i + 1) % n
}

// newQueryCmd starts a new query: the cursor goes to the top. Until its first page
// arrives the old rows stay on screen, which reads better than a blank flash.
func (m *Model) newQueryCmd() tea.Cmd {
	m.gen++
	m.keepID = 0
	m.list.Select(0)
	return m.ensureCmd()
}

// refreshCmd re-reads the current window after the data changed, keeping the cursor
// on the same work order when it is still in the window.
func (m *Model) refreshCmd() tea.Cmd {
	if r, ok := m.Selected(); ok {
		m.keepID = r.ID
	}
	m.gen++
	return m.ensureCmd()
}

// ensureCmd fetches a window when the visible rows (plus a screen either side, so
// scrolling never shows a gap) are not all held. One request per generation is in
// flight at a time; when it lands, ensure runs again and catches up with the cursor.
func (m *Model) ensureCmd() tea.Cmd {
	h := m.visibleRows()
	lo, hi := m.list.Top(), m.list.Top()+h
	if m.total >= 0 {
		hi = min(hi, m.total)
	}
	current := m.win.gen == m.gen
	if current {
		atEnd := m.win.end() >= m.total
		needLo, needHi := max(0, lo-h), hi+h
		if m.win.start <= needLo && (needHi <= m.win.end() || atEnd) {
			return nil
		}
	}
	if m.inflight != nil && m.inflight.gen == m.gen {
		return nil
	}
	// A plain query pages by cursor, so its cost grows with the offset walked; a
	// search or a sort scans every row whatever the window, so it takes a larger
	// one and scans less often.
	q := m.query()
	span := max(10*h, 500)
	if !q.Plain() {
		span = max(10*h, 3000)
	}
	start := max(0, m.list.Cursor()-span/2)
	q.Offset, q.Limit = start, span
	req := request{gen: m.gen, q: q}
	m.inflight = &req
	cmd := fetchCmd(m.c.Svc, req)
	// The spinner is for rows the user is looking at, not for a prefetch.
	if !current || m.win.start > lo || (m.win.end() < hi) {
		return tea.Batch(cmd, m.busy.StartCmd())
	}
	return cmd
}

// gotPageCmd installs a window of the current generation and drops stale ones.
func (m *Model) gotPageCmd(msg pageMsg) tea.Cmd {
	if m.inflight != nil && m.inflight.gen == msg.gen && m.inflight.q.Offset == msg.start {
		m.inflight = nil
	}
	if msg.gen != m.gen {
		return m.ensureCmd() // stale: a newer query or refresh replaced it
	}
	m.busy.Stop()
	if msg.err != nil {
		return common.ErrorCmd(msg.err)
	}
	m.win = window{gen: msg.gen, start: msg.start, rows: msg.page.Rows}
	m.total = msg.page.Total
	m.list.SetLen(m.total)
	if m.keepID != 0 {
		if i := slices.IndexFunc(m.win.rows, func(r core.WorkOrderRow) bool { return r.ID == m.keepID }); i >= 0 {
			m.list.Follow(m.win.start + i) // the row stays on the same screen line
		}
		m.keepID = 0
	}
	return m.ensureCmd()
}

// row returns the row at absolute index i when the window holds it. After a query
// change the previous window is still shown until the new one arrives.
func (m *Model) row(i int) (*core.WorkOrderRow, bool) {
	if i < m.win.start || i >= m.win.end() {
		return nil, false
	}
	return &m.win.rows[i-m.win.start], true
}

// Selected returns the row under the cursor, if it is loaded.
func (m *Model) Selected() (core.WorkOrderRow, bool) {
	if m.total <= 0 {
		return core.WorkOrderRow{}, false
	}
	r, ok := m.row(m.list.Cursor())
	if !ok {
		return core.WorkOrderRow{}, false
	}
	return *r, true
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	if m.prompt.Active() {
		return m.prompt.Keys()
	}
	if m.saveAs.Active() {
		return m.saveAs.Keys()
	}
	if m.list.Filtering() {
		return m.list.ShortHelp()
	}
	k := m.bindings()
	// Short names for the footer; full help has the long ones.
	short := func(b key.Binding, desc string) key.Binding {
		b.SetHelp(b.Help().Key, desc)
		return b
	}
	return append([]key.Binding{k.open, short(k.create, "new"), short(k.status, "status"), short(k.node, "node"), short(k.sort, "sort")}, m.list.ShortHelp()...)
}

// FullHelp lists every key of the screen in columns.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.bindings()
	return [][]key.Binding{
		m.list.FullHelp(),
		{k.open, k.create, k.reload, k.saveView, k.views, k.export},
		{k.status, k.node, k.clearFilters, k.sort, k.reverse},
	}
}

// bindings returns the key map with what does not apply now disabled.
func (m *Model) bindings() keyMap {
	k := m.keys
	_, selected := m.Selected()
	k.open.SetEnabled(selected)
	k.clearFilters.SetEnabled(m.status != 0 || m.node != 0 || m.text != "")
	return k
}

// --- saved views

// viewSavedMsg is the outcome of saving a view.
type viewSavedMsg struct {
	name string
	err  error
}

// promptKey handles a key while the view's name is asked for.
func (m *Model) promptKey(msg tea.KeyMsg) tea.Cmd {
	name, done, cmd := m.prompt.Update(msg)
	if !done || name == "" {
		return cmd
	}
	svc, as := m.c.Svc, m.c.Actor
	v := core.SavedView{Name: name, Screen: "work-orders", Query: core.ViewQuery{
		Status: statusChoices[m.status], Node: nodeChoices[m.node], Sort: string(sortChoices[m.sort].key), Asc: m.asc, Text: m.text,
	}}
	return func() tea.Msg {
		saved, err := svc.SaveView(as, v)
		return viewSavedMsg{name: saved.Name, err: err}
	}
}

// applyView takes a saved view's filters, sort and text.
func (m *Model) applyView(q core.ViewQuery) tea.Cmd {
	m.status = max(0, slices.Index(statusChoices, q.Status))
	m.node = max(0, slices.Index(nodeChoices, q.Node))
	m.sort = max(0, slices.IndexFunc(sortChoices, func(s sortChoice) bool { return string(s.key) == q.Sort }))
	m.asc = q.Asc
	m.list.SetFilter(strings.TrimSpace(q.Text))
	m.text = m.list.Filter()
	return m.newQueryCmd()
}
