// Package workorders is the console's first screen: a virtualised table of work
// orders paged from the service around the cursor, with status and node filters,
// search as you type and sorting.
package workorders

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
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

// keyMap is the screen's copy of the bindings it uses.
type keyMap struct {
	up, down, pageUp, pageDown, home, end     key.Binding
	arrowUp, arrowDown                        key.Binding // while typing a search
	open, create, search, accept, clear       key.Binding
	status, node, clearFilters, sort, reverse key.Binding
	reload                                    key.Binding
}

// Model is the work-order list screen.
type Model struct {
	c      *common.Common
	keys   keyMap
	width  int
	height int
	layout layout
	// header and cells cache rendered parts of the table for the current layout.
	header string
	cells  map[cellKey]string

	// The query.
	status int // index into statusChoices
	node   int // index into nodeChoices
	sort   int // index into sortChoices
	asc    bool
	text   string // the search text in effect (after the debounce)

	search    textinput.Model
	searching bool
	searchSeq int

	// The result, windowed.
	gen      int // bumped whenever the query or the data changes
	total    int // number of matches; -1 until the first page arrives
	cursor   int // absolute index of the selected row
	top      int // absolute index of the first visible row
	win      window
	inflight *request
	// keepID keeps the cursor on the same work order across a refresh.
	keepID core.ID
	busy   common.Busy
}

// New returns the screen; its first page is fetched by Init.
func New(c *common.Common) *Model {
	km := c.Keys
	arrowUp, arrowDown := km.Up, km.Down
	arrowUp.SetKeys("up")
	arrowDown.SetKeys("down")
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "number, subject, account, contact, engineer, phone, region"
	in.PromptStyle = c.Styles.InputPrompt
	in.TextStyle = c.Styles.InputText
	in.PlaceholderStyle = c.Styles.InputPlaceholder
	in.CharLimit = 100
	return &Model{
		c: c,
		keys: keyMap{
			up: km.Up, down: km.Down, pageUp: km.PageUp, pageDown: km.PageDown, home: km.Home, end: km.End,
			arrowUp: arrowUp, arrowDown: arrowDown,
			open: km.Open, create: km.New, search: km.Search, accept: km.AcceptSearch, clear: km.ClearSearch,
			status: km.StatusFilter, node: km.NodeFilter, clearFilters: km.ClearFilters, sort: km.Sort, reverse: km.Reverse,
			reload: km.Reload,
		},
		search: in,
		gen:    1, // the empty window (generation 0) is never current
		total:  -1,
		busy:   common.NewBusy(c.Styles),
	}
}

// Init fetches the first window.
func (m *Model) Init() tea.Cmd { return m.ensureCmd() }

// SetSize lays the table out for a new terminal size.
func (m *Model) SetSize(width, height int) {
	if width != m.width {
		m.layout = newLayout(width)
		m.header, m.cells = "", nil
	}
	m.width, m.height = width, height
	m.clamp()
}

// Capturing is true while the search field has the keyboard.
func (m *Model) Capturing() bool { return m.searching }

// visibleRows is how many table rows fit under the filter bar and column header.
func (m *Model) visibleRows() int { return max(1, m.height-2) }

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

// Update handles keys, results, debounce ticks and change notices.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if m.searching {
			return m.searchKeyCmd(msg)
		}
		return m.keyCmd(msg)
	case pageMsg:
		return m.gotPageCmd(msg)
	case searchTickMsg:
		if msg.seq != m.searchSeq {
			return nil // a later keystroke superseded this one
		}
		if t := strings.TrimSpace(m.search.Value()); t != m.text {
			m.text = t
			return m.newQueryCmd()
		}
		return nil
	case common.WorkOrdersChangedMsg:
		return m.refreshCmd()
	}
	cmd := m.busy.Update(msg)
	if m.searching {
		var c2 tea.Cmd
		m.search, c2 = m.search.Update(msg) // cursor blink
		return tea.Batch(cmd, c2)
	}
	return cmd
}

// keyCmd handles a key press on the table.
func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	k := m.bindings()
	h := m.visibleRows()
	switch {
	case key.Matches(msg, k.up):
		return m.moveCmd(-1, 0)
	case key.Matches(msg, k.down):
		return m.moveCmd(1, 0)
	case key.Matches(msg, k.pageUp):
		return m.moveCmd(-h, -h)
	case key.Matches(msg, k.pageDown):
		return m.moveCmd(h, h)
	case key.Matches(msg, k.home):
		m.cursor, m.top = 0, 0
		return m.moveCmd(0, 0)
	case key.Matches(msg, k.end):
		m.cursor = max(0, m.total-1)
		return m.moveCmd(0, 0)
	case key.Matches(msg, k.open):
		if r, ok := m.Selected(); ok {
			return common.NavigateCmd(common.Push, common.DetailScreen, r.Number)
		}
	case key.Matches(msg, k.create):
		return common.NavigateCmd(common.Push, common.NewWorkOrderScreen, "")
	case key.Matches(msg, k.search):
		m.searching = true
		m.search.CursorEnd()
		return m.search.Focus()
	case key.Matches(msg, k.clear):
		if m.text != "" || m.search.Value() != "" {
			return m.clearSearchCmd()
		}
	case key.Matches(msg, k.status):
		m.status = cycle(m.status, len(statusChoices), common.Backward(msg.String()))
		return m.newQueryCmd()
	case key.Matches(msg, k.node):
		m.node = cycle(m.node, len(nodeChoices), common.Backward(msg.String()))
		return m.newQueryCmd()
	case key.Matches(msg, k.clearFilters):
		if m.status == 0 && m.node == 0 && m.text == "" {
			return nil
		}
		m.status, m.node = 0, 0
		m.search.SetValue("")
		m.searchSeq++
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
	}
	return nil
}

// searchKeyCmd handles a key press while the search field is focused: arrows still
// move the table, enter keeps the search, esc drops it, the rest is typing.
func (m *Model) searchKeyCmd(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	h := m.visibleRows()
	switch {
	case key.Matches(msg, k.arrowUp):
		return m.moveCmd(-1, 0)
	case key.Matches(msg, k.arrowDown):
		return m.moveCmd(1, 0)
	case msg.Type == tea.KeyPgUp:
		return m.moveCmd(-h, -h)
	case msg.Type == tea.KeyPgDown:
		return m.moveCmd(h, h)
	case key.Matches(msg, k.accept):
		m.searching = false
		m.search.Blur()
		// Run the search now rather than wait out the debounce.
		m.searchSeq++
		if t := strings.TrimSpace(m.search.Value()); t != m.text {
			m.text = t
			return m.newQueryCmd()
		}
		return nil
	case key.Matches(msg, k.clear):
		return m.clearSearchCmd()
	}
	before := m.search.Value()
	var cmd tea.Cmd
	m.search, cmd = m.search.Update(msg)
	if m.search.Value() == before {
		return cmd
	}
	m.searchSeq++
	return tea.Batch(cmd, searchTickCmd(m.searchSeq))
}

// clearSearchCmd empties and leaves the search field and shows everything again.
func (m *Model) clearSearchCmd() tea.Cmd {
	m.searching = false
	m.search.Blur()
	m.search.SetValue("")
	m.searchSeq++
	if m.text == "" {
		return nil
	}
	m.text = ""
	return m.newQueryCmd()
}

func cycle(i, n int, back bool) int {
	if back {
		return (i + n - 1) % n
	}
	return (i + 1) % n
}

// moveCmd moves the cursor by delta and the first visible row by scroll, keeps both in
// range and fetches rows the view now needs.
func (m *Model) moveCmd(delta, scroll int) tea.Cmd {
	m.cursor += delta
	m.top += scroll
	m.clamp()
	return m.ensureCmd()
}

// clamp keeps the cursor on a row and the cursor inside the visible rows.
func (m *Model) clamp() {
	n := max(0, m.total)
	h := m.visibleRows()
	m.cursor = min(m.cursor, n-1)
	m.cursor = max(m.cursor, 0)
	if m.cursor < m.top {
		m.top = m.cursor
	}
	if m.cursor >= m.top+h {
		m.top = m.cursor - h + 1
	}
	m.top = min(m.top, max(0, n-h))
	m.top = max(m.top, 0)
}

// newQueryCmd starts a new query: the cursor goes to the top. Until its first page
// arrives the old rows stay on screen, which reads better than a blank flash.
func (m *Model) newQueryCmd() tea.Cmd {
	m.gen++
	m.cursor, m.top, m.keepID = 0, 0, 0
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
	lo, hi := m.top, m.top+h
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
	start := max(0, m.cursor-span/2)
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
	if m.keepID != 0 {
		for i := range m.win.rows {
			if m.win.rows[i].ID == m.keepID {
				at := m.win.start + i
				if m.top > 0 {
					m.top += at - m.cursor // the row stays on the same screen line
				} // at the top of the list new rows come into view above it
				m.cursor = at
				break
			}
		}
		m.keepID = 0
	}
	m.clamp()
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
	r, ok := m.row(m.cursor)
	if !ok {
		return core.WorkOrderRow{}, false
	}
	return *r, true
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.bindings()
	if m.searching {
		return []key.Binding{k.arrowUp, k.arrowDown, k.accept, k.clear}
	}
	// Short names for the footer; full help has the long ones.
	short := func(b key.Binding, desc string) key.Binding {
		b.SetHelp(b.Help().Key, desc)
		return b
	}
	return []key.Binding{k.open, short(k.create, "new"), k.search, short(k.status, "status"), short(k.node, "node"), short(k.sort, "sort")}
}

// FullHelp lists every key of the screen in columns.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.bindings()
	if m.searching {
		return [][]key.Binding{{k.arrowUp, k.arrowDown}, {k.accept, k.clear}}
	}
	return [][]key.Binding{
		{k.up, k.down, k.pageUp, k.pageDown, k.home, k.end},
		{k.open, k.create, k.search, k.clear, k.reload},
		{k.status, k.node, k.clearFilters, k.sort, k.reverse},
	}
}

// bindings returns the key map with what does not apply now disabled.
func (m *Model) bindings() keyMap {
	k := m.keys
	_, selected := m.Selected()
	many := m.total > 1
	k.open.SetEnabled(selected)
	for _, b := range []*key.Binding{&k.up, &k.down, &k.pageUp, &k.pageDown, &k.home, &k.end} {
		b.SetEnabled(many)
	}
	k.clear.SetEnabled(m.searching || m.text != "")
	k.clearFilters.SetEnabled(m.status != 0 || m.node != 0 || m.text != "")
	return k
}
