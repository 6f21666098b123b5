package common

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// ListKeyMap are a List's keys, like bubbles' list.KeyMap: a screen copies
// DefaultListKeyMap and changes what it needs (a screen whose space selects
// rows takes space out of PageDown).
type ListKeyMap struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	// Filter opens the filter field; AcceptFilter keeps what was typed and
	// gives the keyboard back; ClearFilter empties it (esc).
	Filter, AcceptFilter, ClearFilter key.Binding
	// FilterUp and FilterDown move the cursor while the filter field has the
	// keyboard (arrows only: letters are typed).
	FilterUp, FilterDown key.Binding
}

// DefaultListKeyMap returns the console's list keys, taken from km so that a
// list moves like every other screen.
func DefaultListKeyMap(km *KeyMap) ListKeyMap {
	up, down := km.Up, km.Down
	up.SetKeys("up")
	up.SetHelp("↑", "up")
	down.SetKeys("down")
	down.SetHelp("↓", "down")
	filter := km.Search
	filter.SetHelp("/", "filter")
	accept := km.AcceptSearch
	accept.SetHelp("enter", "keep filter")
	clear := km.ClearSearch
	clear.SetHelp("esc", "clear filter")
	return ListKeyMap{
		Up: km.Up, Down: km.Down, PageUp: km.PageUp, PageDown: km.PageDown, Home: km.Home, End: km.End,
		Filter: filter, AcceptFilter: accept, ClearFilter: clear,
		FilterUp: up, FilterDown: down,
	}
}

// ListEvent says what a message did to a List; a screen reacts to the bits it
// cares about (fetch rows after a move, filter again, open the row).
type ListEvent int

// List events, combined as bits.
const (
	// ListHandled: the list took the message; the screen should not.
	ListHandled ListEvent = 1 << iota
	// ListMoved: the cursor or the window moved.
	ListMoved
	// ListFilterChanged: the filter in effect changed (Filter says to what).
	ListFilterChanged
	// ListActivated: the row under the cursor was clicked a second time.
	ListActivated
)

// Has reports whether e includes every bit of b.
func (e ListEvent) Has(b ListEvent) bool { return e&b == b }

// Row is what a List draws for one row: its cells, one per column, and how to
// colour them. A virtual list that has not read a row yet returns Loading.
type Row struct {
	Cells []string
	// Style colours a fitted cell (not on the selected row, whose own style
	// runs unbroken); it must not change the cell's width.
	Style func(col int, cell string) string
	// Loading marks a row whose data is still on its way.
	Loading bool
	// Line, when set, is the whole row as the screen already drew it (a
	// screen that caches its rendered rows); Cells and Style are not used.
	Line string
}

// List is the console's one list: a cursor over rows with a window of the
// visible ones, paging, a "/" filter and the mouse, drawn as a title line (the
// screen's words, the filter, the position), a column header and the rows. It
// holds no data: the screen says how many rows there are (after its filter) and
// draws each one on request, so it works the same for twelve rules held in
// memory and for 100,000 work orders paged from the store.
type List struct {
	KeyMap ListKeyMap
	// FilterDebounce is how long typing must pause before the filter is
	// applied; 0 applies it on every keystroke (cheap filters).
	FilterDebounce time.Duration
	// Empty is shown when there are no rows at all; NoMatch when a filter
	// hides every row.
	Empty, NoMatch string
	// Y is the line of the screen the list starts on (for the mouse).
	Y int
	// NoTitle leaves the title line out; the screen draws its own.
	NoTitle bool

	st            *Styles
	cols          []Column
	table         Table
	header        string
	width, height int
	n             int // rows; -1 while unknown (the first page is on its way)
	cursor, top   int

	input     textinput.Model
	filtering bool
	applied   string
	seq       int
}

// filterTickMsg fires after the debounce; only the latest keystroke's applies.
type filterTickMsg struct {
	l   *List
	seq int
}

// NewList returns an empty list with the given columns.
func NewList(c *Common, cols []Column) *List {
	in := textinput.New()
	in.Prompt = "/"
	StyleInput(&in, c.Styles)
	in.Placeholder = "type to filter"
	in.CharLimit = 100
	return &List{KeyMap: DefaultListKeyMap(c.Keys), st: c.Styles, cols: cols, input: in, n: 0}
}

// SetColumns changes the columns (a screen whose columns depend on its data).
func (l *List) SetColumns(cols []Column) {
	l.cols = cols
	l.layout()
}

// SetPlaceholder says what the filter matches, shown in the empty field.
func (l *List) SetPlaceholder(s string) { l.input.Placeholder = s }

// SetSize gives the list its area: the title line, the header and the rows.
func (l *List) SetSize(width, height int) {
	l.width, l.height = width, height
	l.layout()
	l.clamp()
}

func (l *List) layout() {
	l.table = NewTable(l.cols, l.width)
	l.header = l.st.TableHeader.Render(l.table.Header)
}

// Width is the list's width.
func (l *List) Width() int { return l.width }

// Table is the column layout at the list's width (which columns show).
func (l *List) Table() *Table { return &l.table }

// chrome is how many lines the title and header take.
func (l *List) chrome() int {
	if l.NoTitle {
		return 1
	}
	return 2
}

// Visible is how many rows fit.
func (l *List) Visible() int { return max(1, l.height-l.chrome()) }

// SetLen says how many rows there are now (after the screen's filter); -1
// while the count is not known yet. The cursor stays on a row.
func (l *List) SetLen(n int) {
	l.n = n
	l.clamp()
}

// Len is the number of rows (-1 while unknown).
func (l *List) Len() int { return l.n }

// Cursor is the index of the selected row.
func (l *List) Cursor() int { return l.cursor }

// Top is the index of the first visible row.
func (l *List) Top() int { return l.top }

// Select puts the cursor on row i (clamped), scrolling as little as needed.
func (l *List) Select(i int) {
	l.cursor = i
	l.clamp()
}

// Follow puts the cursor on row i, where the row the cursor was on now is
// (a refresh moved it): the row stays on the same screen line.
func (l *List) Follow(i int) {
	if l.top > 0 {
		l.top += i - l.cursor
	}
	l.cursor = i
	l.clamp()
}

// Filter is the filter in effect ("" for none).
func (l *List) Filter() string { return l.applied }

// SetFilter sets the filter in effect (a saved view recalled).
func (l *List) SetFilter(s string) {
	l.applied = strings.TrimSpace(s)
	l.input.SetValue(l.applied)
	l.cursor, l.top = 0, 0
}

// Filtering reports whether the filter field has the keyboard.
func (l *List) Filtering() bool { return l.filtering }

func (l *List) clamp() {
	n := max(0, l.n)
	h := l.Visible()
	l.cursor = max(0, min(l.cursor, n-1))
	if l.cursor < l.top {
		l.top = l.cursor
	}
	if l.cursor >= l.top+h {
		l.top = l.cursor - h + 1
	}
	l.top = max(0, min(l.top, n-h))
}

// Update handles the list's keys, the mouse and the filter's debounce, and
// says what happened. Keys it does not know are left for the screen.
func (l *List) Update(msg tea.Msg) (tea.Cmd, ListEvent) {
	switch msg := msg.(type) {
	case filterTickMsg:
		if msg.l != l || msg.seq != l.seq {
			return nil, 0
		}
		return nil, l.apply(l.input.Value())
	case tea.MouseMsg:
		return nil, l.mouse(msg)
	case tea.KeyMsg:
		if l.filtering {
			return l.filterKey(msg)
		}
		return l.key(msg)
	}
	if l.filtering {
		var cmd tea.Cmd
		l.input, cmd = l.input.Update(msg) // the cursor's blink
		return cmd, 0
	}
	return nil, 0
}

func (l *List) move(delta, scroll int) ListEvent {
	c, t := l.cursor, l.top
	l.cursor += delta
	l.top += scroll
	l.clamp()
	if c == l.cursor && t == l.top {
		return ListHandled
	}
	return ListHandled | ListMoved
}

func (l *List) key(msg tea.KeyMsg) (tea.Cmd, ListEvent) {
	k := l.bindings()
	h := l.Visible()
	switch {
	case key.Matches(msg, k.Up):
		return nil, l.move(-1, 0)
	case key.Matches(msg, k.Down):
		return nil, l.move(1, 0)
	case key.Matches(msg, k.PageUp):
		return nil, l.move(-h, -h)
	case key.Matches(msg, k.PageDown):
		return nil, l.move(h, h)
	case key.Matches(msg, k.Home):
		return nil, l.move(-l.cursor, -l.top)
	case key.Matches(msg, k.End):
		return nil, l.move(max(0, l.n-1)-l.cursor, 0)
	case key.Matches(msg, k.Filter):
		l.filtering = true
		l.input.SetValue(l.applied)
		l.input.CursorEnd()
		return l.input.Focus(), ListHandled
	case key.Matches(msg, k.ClearFilter):
		return nil, l.apply("") | ListHandled
	}
	return nil, 0
}

// filterKey handles a key while the filter field has the keyboard: arrows
// and page keys still move, enter keeps the filter, esc drops it, the rest is
// typing.
func (l *List) filterKey(msg tea.KeyMsg) (tea.Cmd, ListEvent) {
	k := l.KeyMap
	h := l.Visible()
	switch {
	case key.Matches(msg, k.FilterUp):
		return nil, l.move(-1, 0)
	case key.Matches(msg, k.FilterDown):
		return nil, l.move(1, 0)
	case msg.Type == tea.KeyPgUp:
		return nil, l.move(-h, -h)
	case msg.Type == tea.KeyPgDown:
		return nil, l.move(h, h)
	case key.Matches(msg, k.AcceptFilter):
		l.filtering = false
		l.input.Blur()
		l.seq++
		return nil, l.apply(l.input.Value()) | ListHandled
	case key.Matches(msg, k.ClearFilter):
		l.filtering = false
		l.input.Blur()
		l.seq++
		return nil, l.apply("") | ListHandled
	}
	before := l.input.Value()
	var cmd tea.Cmd
	l.input, cmd = l.input.Update(msg)
	if l.input.Value() == before {
		return cmd, ListHandled
	}
	l.seq++
	if l.FilterDebounce <= 0 {
		return cmd, l.apply(l.input.Value()) | ListHandled
	}
	seq := l.seq
	tick := tea.Tick(l.FilterDebounce, func(time.Time) tea.Msg { return filterTickMsg{l: l, seq: seq} })
	return tea.Batch(cmd, tick), ListHandled
}

// apply makes s the filter in effect; the cursor goes to the first row.
func (l *List) apply(s string) ListEvent {
	s = strings.TrimSpace(s)
	if s == "" {
		l.input.SetValue("")
	}
	if s == l.applied {
		return 0
	}
	l.applied = s
	l.cursor, l.top = 0, 0
	return ListFilterChanged | ListMoved
}

// mouse: the wheel scrolls three rows, a click selects a row and a click on
// the selected row activates it.
func (l *List) mouse(msg tea.MouseMsg) ListEvent {
	if msg.Action != tea.MouseActionPress {
		return 0
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		return l.move(-3, -3)
	case tea.MouseButtonWheelDown:
		return l.move(3, 3)
	case tea.MouseButtonLeft:
		row := msg.Y - l.Y - l.chrome()
		if row < 0 || row >= l.Visible() || msg.X >= l.width {
			return 0
		}
		i := l.top + row
		if i >= l.n {
			return 0
		}
		if i == l.cursor {
			return ListHandled | ListActivated
		}
		l.cursor = i
		l.clamp()
		return ListHandled | ListMoved
	}
	return 0
}

// bindings are the keys with what does not apply disabled.
func (l *List) bindings() ListKeyMap {
	k := l.KeyMap
	many := l.n > 1
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End} {
		b.SetEnabled(many)
	}
	k.ClearFilter.SetEnabled(l.applied != "" || l.filtering)
	k.AcceptFilter.SetEnabled(l.filtering)
	return k
}

// ShortHelp are the list's keys for the footer: while filtering, the filter's.
func (l *List) ShortHelp() []key.Binding {
	k := l.bindings()
	if l.filtering {
		return []key.Binding{k.FilterUp, k.FilterDown, k.AcceptFilter, k.ClearFilter}
	}
	return []key.Binding{k.Filter, k.ClearFilter}
}

// FullHelp are the list's keys for "?", in a column.
func (l *List) FullHelp() []key.Binding {
	k := l.bindings()
	if l.filtering {
		return []key.Binding{k.FilterUp, k.FilterDown, k.AcceptFilter, k.ClearFilter}
	}
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End, k.Filter, k.ClearFilter}
}

// Position is "3 of 1,200", "0 of 0" or "loading…".
func (l *List) Position() string {
	switch {
	case l.n < 0:
		return "loading…"
	case l.n == 0:
		return "0 of 0"
	}
	return Thousands(l.cursor+1) + " of " + Thousands(l.n)
}

// TitleLine is the list's first line: the screen's title on the left, then
// the filter (its field while typing), and right the position and extra (a
// spinner, a count).
func (l *List) TitleLine(title, extra string) string {
	st := l.st
	right := l.Position()
	if extra != "" {
		right = extra + " " + right
	}
	right = st.Muted.Render(right)
	left := title
	switch {
	case l.filtering:
		room := l.width - Width(left) - Width(right) - 4 - Width(l.input.Prompt)
		l.input.Width = max(8, room)
		if left != "" {
			left += "  "
		}
		left += InputView(&l.input, l.st)
	case l.applied != "":
		if left != "" {
			left += "  "
		}
		left += st.FilterKey.Render("filter ") + st.FilterValue.Render(Clean(l.applied))
	}
	room := l.width - Width(right) - 1
	if Width(left) > room {
		left = Truncate(left, room)
	}
	gap := max(1, l.width-Width(left)-Width(right))
	return left + strings.Repeat(" ", gap) + right
}

// View draws the title line (unless NoTitle), the header and the visible rows;
// row draws row i.
func (l *List) View(title, extra string, row func(i int) Row) string {
	var b strings.Builder
	b.Grow((l.width + 16) * l.height)
	if !l.NoTitle {
		b.WriteString(l.TitleLine(title, extra))
		b.WriteByte('\n')
	}
	b.WriteString(l.header)
	h := l.Visible()
	if l.n == 0 {
		msg := l.Empty
		if l.applied != "" && l.NoMatch != "" {
			msg = l.NoMatch
		} else if l.applied != "" {
			msg = "No match: esc clears the filter."
		}
		for i := 0; i < h; i++ {
			b.WriteByte('\n')
			if i == 1 && msg != "" {
				b.WriteString(l.st.Muted.Render(Truncate("  "+msg, l.width)))
			}
		}
		return b.String()
	}
	for i := l.top; i < l.top+h; i++ {
		b.WriteByte('\n')
		if l.n >= 0 && i >= l.n {
			continue
		}
		r := row(i)
		switch {
		case r.Loading:
			b.WriteString(l.st.Placeholder.Render(Fit("  ·", l.width)))
			continue
		case r.Line != "":
			b.WriteString(r.Line)
			continue
		}
		b.WriteString(l.table.Line(l.st, r.Cells, i == l.cursor, r.Style))
	}
	return b.String()
}
