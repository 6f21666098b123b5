// Package board is the dispatch board: the manual queue (R-DISP-2) oldest first,
// with each work order's priority, due time and the reason no dispatch rule took
// it; a dispatcher assigns from the keyboard through a provider → engineer picker,
// one work order or many at once, or runs automatic dispatch now.
package board

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// window is the slice of the queue the board holds: rows [start, start+len(rows))
// of generation gen, oldest first.
type window struct {
	gen   int
	start int
	rows  []core.WorkOrderRow
}

func (w window) end() int { return w.start + len(w.rows) }

type keyMap struct {
	open, sel, selAll, clearSel key.Binding
	assign, dispatch, reload    key.Binding
	saveView, views             key.Binding
	// In the picker.
	choose, back key.Binding
}

// Model is the dispatch board screen.
type Model struct {
	c      *common.Common
	keys   keyMap
	width  int
	height int
	// list is the queue's cursor, window and "/" filter.
	list  *common.List
	lines map[lineKey]string // rendered rows for this width

	gen      int
	total    int // queue length; -1 until the first page arrives
	win      window
	inflight *request
	// keep holds the cursor on the same work order across a refresh.
	keep string
	busy common.Busy

	details         map[string]details
	detailsInflight bool
	detailsWant     []string // the numbers in flight

	selected map[string]uint64 // number → version seen when selected

	// prompt asks for a saved view's name.
	prompt common.Prompt

	picker      *picker
	assigning   bool
	dispatching bool

	// may is whether the acting user may assign; why says why not.
	may bool
	why string
}

// New returns the board; Init reads the queue.
func New(c *common.Common) *Model {
	km := c.Keys
	back := km.Back
	back.SetHelp("esc", "back")
	clearSel := km.Back
	clearSel.SetHelp("esc", "clear selection")
	l := common.NewList(c, columns)
	l.KeyMap.PageDown = common.Without(l.KeyMap.PageDown, " ") // space selects
	l.KeyMap.PageDown.SetHelp("pgdn/f", "page down")
	l.FilterDebounce = 150 * time.Millisecond
	l.SetPlaceholder("subject, region, account, phone…")
	l.Empty = "The manual queue is empty: automatic dispatch took everything."
	l.NoMatch = "Nothing waiting matches: esc clears the filter."
	l.SetLen(-1)
	m := &Model{
		c: c,
		keys: keyMap{
			open: km.Open, sel: km.Select, selAll: km.SelectAll, clearSel: clearSel,
			assign: km.Assign, dispatch: km.RunDispatch, reload: km.Reload,
			choose: km.Choose, back: back, saveView: km.SaveView, views: km.SavedViews,
		},
		prompt:   common.NewPrompt(c),
		list:     l,
		gen:      1,
		total:    -1,
		busy:     common.NewBusy(c.Styles),
		details:  map[string]details{},
		lines:    map[lineKey]string{},
		selected: map[string]uint64{},
	}
	m.may, m.why = c.MayDispatch("assign work orders or run dispatch")
	return m
}

// Init reads the first rows.
func (m *Model) Init() tea.Cmd { return m.ensureCmd() }

// SetSize lays the board out.
func (m *Model) SetSize(width, height int) {
	if width != m.width {
		m.lines = map[lineKey]string{}
	}
	m.width, m.height = width, height
	m.list.SetSize(width, max(3, height-m.panelHeight()))
}

// Capturing is true while the filter field has the keyboard.
func (m *Model) Capturing() bool { return m.list.Filtering() || m.prompt.Active() }

// Selected lists the selected work orders, oldest first.
func (m *Model) Selected() []string {
	out := make([]string, 0, len(m.selected))
	for n := range m.selected {
		out = append(out, n)
	}
	slices.Sort(out) // numbers are zero-padded: text order is number order
	return out
}

// Cursor returns the number under the cursor, if its row is loaded.
func (m *Model) Cursor() (string, bool) {
	r, ok := m.row(m.list.Cursor())
	if !ok || m.total <= 0 {
		return "", false
	}
	return r.Number, true
}

// Picking reports whether the assignment picker is open.
func (m *Model) Picking() bool { return m.picker != nil }

// Update handles keys, results and change notices.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if m.picker != nil {
			return m.pickerKeyCmd(msg)
		}
		if m.prompt.Active() {
			return m.promptKey(msg)
		}
		return m.keyCmd(msg)
	case tea.MouseMsg:
		if m.picker != nil {
			return nil
		}
		_, ev := m.list.Update(msg)
		return m.listEvent(ev)
	case common.SetFilterMsg:
		m.list.SetFilter(msg.Text)
		return m.newQueryCmd()
	case common.ApplyViewMsg:
		m.list.SetFilter(msg.View.Query.Text)
		return m.newQueryCmd()
	case common.ThemeChangedMsg:
		m.lines = map[lineKey]string{}
		return nil
	case pageMsg:
		return m.gotPageCmd(msg)
	case detailsMsg:
		m.detailsInflight = false
		if len(m.details) > maxDetails {
			m.trimDetails()
		}
		for n, d := range msg.got {
			m.details[n] = d
		}
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		return m.ensureDetailsCmd()
	case directoryMsg:
		if m.picker == nil {
			return nil
		}
		if msg.err != nil {
			m.picker = nil
			return common.ErrorCmd(msg.err)
		}
		m.picker.setData(msg.providers, msg.engineers, msg.loads)
		return nil
	case assignedMsg:
		return m.assignedCmd(msg)
	case viewSavedMsg:
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		return common.StatusCmd("Saved view " + msg.name + ": recall it with : (the palette) or V.")
	case dispatchedMsg:
		m.dispatching = false
		m.busy.Stop()
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		clear(m.details) // reasons changed
		return tea.Batch(m.refreshCmd(),
			common.StatusCmd(fmt.Sprintf("Automatic dispatch: assigned %d, manual %d.", msg.res.Assigned, msg.res.Manual)))
	case allMsg:
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		for _, t := range msg.targets {
			m.selected[t.number] = t.version
		}
		return nil
	case common.WorkOrdersChangedMsg:
		if msg.All {
			clear(m.details)
		} else {
			for n := range msg.Numbers {
				delete(m.details, n)
			}
		}
		return m.refreshCmd()
	}
	cmd, ev := m.list.Update(msg) // the filter's debounce
	return tea.Batch(cmd, m.listEvent(ev), m.busy.Update(msg))
}

// listEvent follows what the list did.
func (m *Model) listEvent(ev common.ListEvent) tea.Cmd {
	switch {
	case ev.Has(common.ListFilterChanged):
		return m.newQueryCmd()
	case ev.Has(common.ListActivated):
		if n, ok := m.Cursor(); ok {
			return common.NavigateCmd(common.Push, common.DetailScreen, n)
		}
	case ev.Has(common.ListMoved):
		return m.ensureCmd()
	}
	return nil
}

// newQueryCmd starts over with a new filter: the cursor to the top.
func (m *Model) newQueryCmd() tea.Cmd {
	m.gen++
	m.keep = ""
	m.total = -1
	m.list.Select(0)
	return m.ensureCmd()
}

// keyCmd handles a key on the queue: the list's first, then the board's.
func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	cmd, ev := m.list.Update(msg)
	if ev.Has(common.ListHandled) {
		return tea.Batch(cmd, m.listEvent(ev))
	}
	k := m.bindings()
	switch {
	case key.Matches(msg, k.open):
		if n, ok := m.Cursor(); ok {
			return common.NavigateCmd(common.Push, common.DetailScreen, n)
		}
	case key.Matches(msg, k.sel):
		if r, ok := m.row(m.list.Cursor()); ok {
			if _, on := m.selected[r.Number]; on {
				delete(m.selected, r.Number)
			} else {
				m.selected[r.Number] = r.Version
			}
			m.list.Select(m.list.Cursor() + 1)
			return m.ensureCmd()
		}
	case key.Matches(msg, k.selAll):
		if m.allSelected() {
			clear(m.selected)
			return nil
		}
		return allCmd(m.c.Svc, m.list.Filter())
	case key.Matches(msg, k.clearSel):
		clear(m.selected)
	case key.Matches(msg, k.assign):
		return m.openPickerCmd()
	case key.Matches(msg, k.dispatch):
		m.dispatching = true
		return tea.Batch(dispatchCmd(m.c.Svc, m.c.Actor), m.busy.StartCmd())
	case key.Matches(msg, k.reload):
		clear(m.details)
		return m.refreshCmd()
	case key.Matches(msg, k.saveView):
		return m.prompt.Open("Save this view (the filter) as", "")
	case key.Matches(msg, k.views):
		return func() tea.Msg { return common.OpenPaletteMsg{Query: "view "} }
	case !m.may && (key.Matches(msg, m.keys.assign, m.keys.dispatch, m.keys.sel, m.keys.selAll)):
		// The keys are disabled for this user: say why instead of doing nothing.
		return common.ErrorCmd(common.Sentence(m.why))
	}
	return nil
}

// viewSavedMsg is the outcome of saving a view.
type viewSavedMsg struct {
	name string
	err  error
}

// promptKey handles a key while the view's name is asked for: the board's
// view is its filter (the queue is always oldest first).
func (m *Model) promptKey(msg tea.KeyMsg) tea.Cmd {
	name, done, cmd := m.prompt.Update(msg)
	if !done || name == "" {
		return cmd
	}
	svc, as := m.c.Svc, m.c.Actor
	v := core.SavedView{Name: name, Screen: "board", Query: core.ViewQuery{Text: m.list.Filter()}}
	return func() tea.Msg {
		saved, err := svc.SaveView(as, v)
		return viewSavedMsg{name: saved.Name, err: err}
	}
}

// allSelected reports whether the whole queue is selected (as far as the board
// knows its length).
func (m *Model) allSelected() bool { return m.total > 0 && len(m.selected) >= m.total }

// targets are what an assignment applies to: the selection, else the cursor row.
func (m *Model) targets() []target {
	if len(m.selected) > 0 {
		out := make([]target, 0, len(m.selected))
		for _, n := range m.Selected() {
			out = append(out, target{n, m.selected[n]})
		}
		return out
	}
	if r, ok := m.row(m.list.Cursor()); ok && m.total > 0 {
		return []target{{r.Number, r.Version}}
	}
	return nil
}

func (m *Model) openPickerCmd() tea.Cmd {
	ts := m.targets()
	if len(ts) == 0 || m.assigning {
		return nil
	}
	p := &picker{targets: ts}
	if len(ts) == 1 {
		if r, ok := m.row(m.list.Cursor()); ok && r.Number == ts[0].number {
			p.region, p.subject = r.Region, r.Subject
		}
	}
	m.picker = p
	p.init(m.c)
	return directoryCmd(m.c.Svc)
}

// pickerKeyCmd handles keys while the picker is open: esc steps back (or
// clears the picker's filter), enter chooses, and choosing an engineer assigns.
func (m *Model) pickerKeyCmd(msg tea.KeyMsg) tea.Cmd {
	k := m.bindings()
	p := m.picker
	l := p.list()
	cmd, ev := l.Update(msg)
	if ev.Has(common.ListFilterChanged) {
		p.refilter()
	}
	if ev.Has(common.ListHandled) {
		return cmd
	}
	switch {
	case key.Matches(msg, k.back):
		if p.step == 1 {
			p.step = 0
			return nil
		}
		m.picker = nil
	case key.Matches(msg, k.choose) || ev.Has(common.ListActivated):
		if !p.loaded {
			return nil
		}
		if p.step == 0 {
			if _, ok := p.provider(); !ok {
				return nil
			}
			p.step = 1
			p.refilter()
			return nil
		}
		e, ok := p.chosen()
		if !ok {
			return nil
		}
		m.picker = nil
		m.assigning = true
		return tea.Batch(assignCmd(m.c.Svc, m.c.Actor, p.targets, e), m.busy.StartCmd())
	}
	return nil
}

// assignedCmd reports an assignment: the assigned leave the selection (and, with
// the refresh, the queue); the first refusal is shown whole, since it says who
// took the work order.
func (m *Model) assignedCmd(msg assignedMsg) tea.Cmd {
	m.assigning = false
	m.busy.Stop()
	for _, n := range msg.ok {
		delete(m.selected, n)
	}
	for _, f := range msg.failed {
		if errors.Is(f.err, core.ErrConflict) {
			delete(m.selected, f.number) // selected at a version that is gone
		}
	}
	cmds := []tea.Cmd{m.refreshCmd()}
	switch {
	case len(msg.failed) == 0:
		cmds = append(cmds, common.StatusCmd(fmt.Sprintf("Assigned %s to %s.", list(msg.ok), msg.engineer)))
	case len(msg.ok) == 0 && len(msg.failed) == 1:
		// A work order another dispatcher took meanwhile: who and when; the
		// refresh above shows the queue as it is now.
		err, _ := common.Conflict(msg.failed[0].err)
		cmds = append(cmds, common.ErrorCmd(err))
	default:
		f := msg.failed[0]
		cmds = append(cmds, common.ErrorCmd(common.Sentence(fmt.Sprintf("Assigned %d of %d to %s; %s not: %s",
			len(msg.ok), len(msg.ok)+len(msg.failed), msg.engineer, failedList(msg.failed), f.err.Error()))))
	}
	return tea.Batch(cmds...)
}

func list(ns []string) string {
	if len(ns) <= 3 {
		return strings.Join(ns, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ns[:3], ", "), len(ns)-3)
}

func failedList(fs []failure) string {
	ns := make([]string, len(fs))
	for i, f := range fs {
		ns[i] = f.number
	}
	return list(ns)
}

// visibleRows is how many queue rows fit between the title, the column header and
// the panel at the bottom.
func (m *Model) visibleRows() int { return m.list.Visible() }

// panelHeight is the room at the bottom for the reason of the row under the cursor
// and, for users who may not assign, the line that says why.
// A short queue leaves room, and the panel takes it to show more of the reason.
func (m *Model) panelHeight() int {
	n, ro := 0, 0
	switch {
	case m.height >= 14:
		n = 3
	case m.height >= 9:
		n = 2
	}
	if !m.may && m.height >= 6 {
		ro = 1
	}
	if n > 0 && m.total >= 0 {
		if spare := m.height - 2 - max(1, m.total) - ro - 1; spare > n {
			n = min(maxPanel, spare)
		}
	}
	return n + ro
}

// maxPanel is the most lines the reason panel takes.
const maxPanel = 8

// refreshCmd re-reads the window after a change, keeping the cursor on the same
// work order while it is still in the queue.
func (m *Model) refreshCmd() tea.Cmd {
	if n, ok := m.Cursor(); ok {
		m.keep = n
	}
	m.gen++
	return m.ensureCmd()
}

// ensureCmd fetches a window when the visible rows (and a screen either side) are
// not all held, one request per generation at a time; then it fetches the
// details of the visible rows.
func (m *Model) ensureCmd() tea.Cmd {
	h := m.visibleRows()
	lo, hi := m.list.Top(), m.list.Top()+h
	if m.total >= 0 {
		hi = min(hi, m.total)
	}
	current := m.win.gen == m.gen
	if current {
		if m.win.start <= max(0, lo-h) && (hi+h <= m.win.end() || m.win.end() >= m.total) {
			return m.ensureDetailsCmd()
		}
	}
	if m.inflight != nil && m.inflight.gen == m.gen {
		return nil
	}
	span := max(10*h, 500)
	start := max(0, m.list.Cursor()-span/2)
	req := request{gen: m.gen, lo: start, hi: start + span, total: m.total, text: m.list.Filter()}
	m.inflight = &req
	cmd := fetchCmd(m.c.Svc, req)
	if !current || m.win.start > lo || m.win.end() < hi {
		return tea.Batch(cmd, m.busy.StartCmd())
	}
	return cmd
}

// gotPageCmd installs a window of the current generation and drops stale ones.
func (m *Model) gotPageCmd(msg pageMsg) tea.Cmd {
	if m.inflight != nil && m.inflight.gen == msg.gen && m.inflight.lo == msg.lo {
		m.inflight = nil
	}
	if msg.gen != m.gen {
		return m.ensureCmd()
	}
	if !m.assigning && !m.dispatching {
		m.busy.Stop()
	}
	if msg.err != nil {
		return common.ErrorCmd(msg.err)
	}
	m.win = window{gen: msg.gen, start: msg.start, rows: msg.rows}
	m.total = msg.total
	m.list.SetLen(m.total)
	// The panel grows into the room a short queue leaves.
	m.list.SetSize(m.width, max(3, m.height-m.panelHeight()))
	for i := range m.win.rows {
		r := &m.win.rows[i]
		// A selected row seen again, still waiting, is selected as it is now.
		if _, on := m.selected[r.Number]; on {
			m.selected[r.Number] = r.Version
		}
		if d, ok := m.details[r.Number]; ok && d.version != r.Version {
			delete(m.details, r.Number)
		}
		if m.keep != "" && r.Number == m.keep {
			m.list.Follow(m.win.start + i)
		}
	}
	m.keep = ""
	return m.ensureCmd()
}

// maxDetails bounds the details the board keeps while scrolling a long queue.
const maxDetails = 2000

// trimDetails forgets the details of rows outside the window held.
func (m *Model) trimDetails() {
	keep := make(map[string]details, len(m.win.rows))
	for i := range m.win.rows {
		n := m.win.rows[i].Number
		if d, ok := m.details[n]; ok {
			keep[n] = d
		}
	}
	m.details = keep
}

// ensureDetailsCmd reads the details of visible rows that lack them.
func (m *Model) ensureDetailsCmd() tea.Cmd {
	if m.detailsInflight {
		return nil
	}
	// The visible rows first, then a screen either side, so scrolling finds the
	// due times and reasons already there.
	h := m.visibleRows()
	top := m.list.Top()
	var want []string
	for i := top; i < top+h; i++ {
		if r, ok := m.row(i); ok {
			if _, have := m.details[r.Number]; !have {
				want = append(want, r.Number)
			}
		}
	}
	if len(want) == 0 {
		return nil
	}
	for i := max(0, top-h); i < top+2*h; i++ {
		if i >= top && i < top+h {
			continue
		}
		if r, ok := m.row(i); ok {
			if _, have := m.details[r.Number]; !have {
				want = append(want, r.Number)
			}
		}
	}
	m.detailsInflight, m.detailsWant = true, want
	return detailsCmd(m.c.Svc, want)
}

func (m *Model) row(i int) (*core.WorkOrderRow, bool) {
	if i < m.win.start || i >= m.win.end() {
		return nil, false
	}
	return &m.win.rows[i-m.win.start], true
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.bindings()
	if m.picker != nil {
		l := m.picker.list()
		if l.Filtering() {
			return l.ShortHelp()
		}
		return append([]key.Binding{k.choose, k.back}, l.ShortHelp()...)
	}
	if m.prompt.Active() {
		return m.prompt.Keys()
	}
	if m.list.Filtering() {
		return m.list.ShortHelp()
	}
	return append([]key.Binding{k.assign, k.sel, k.clearSel, k.dispatch, k.open}, m.list.ShortHelp()...)
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.bindings()
	if m.picker != nil {
		return [][]key.Binding{m.picker.list().FullHelp(), {k.choose, k.back}}
	}
	return [][]key.Binding{
		m.list.FullHelp(),
		{k.open, k.reload, k.saveView, k.views},
		{k.assign, k.sel, k.selAll, k.clearSel, k.dispatch},
	}
}

// bindings returns the key map with what does not apply now disabled.
func (m *Model) bindings() keyMap {
	k := m.keys
	_, has := m.Cursor()
	k.open.SetEnabled(has)
	k.reload.SetEnabled(true)
	k.sel.SetEnabled(m.may && has)
	k.selAll.SetEnabled(m.may && m.total > 0)
	if m.allSelected() {
		k.selAll.SetHelp(k.selAll.Help().Key, "select none")
	} else {
		k.selAll.SetHelp(k.selAll.Help().Key, "select all")
	}
	k.clearSel.SetEnabled(len(m.selected) > 0 && !m.list.Filtering() && m.list.Filter() == "")
	k.assign.SetEnabled(m.may && !m.assigning && (has || len(m.selected) > 0))
	if n := len(m.selected); n > 0 {
		k.assign.SetHelp(k.assign.Help().Key, fmt.Sprintf("assign %d", n))
	}
	k.dispatch.SetEnabled(m.may && !m.dispatching)
	if m.picker != nil {
		for _, b := range []*key.Binding{&k.open, &k.reload, &k.sel, &k.selAll, &k.clearSel, &k.assign, &k.dispatch} {
			b.SetEnabled(false)
		}
		k.choose.SetEnabled(m.picker.loaded)
		if m.picker.step == 1 {
			k.choose.SetHelp("enter", "assign")
			k.back.SetHelp("esc", "providers")
		} else {
			k.choose.SetHelp("enter", "engineers")
			k.back.SetHelp("esc", "cancel")
		}
	} else {
		k.choose.SetEnabled(false)
		k.back.SetEnabled(false)
	}
	return k
}
