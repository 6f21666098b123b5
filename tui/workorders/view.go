package workorders

import (
	"switchboard/core"
	"switchboard/tui/common"
)

// View draws the filter bar, the column header and only the visible rows.
func (m *Model) View() string {
	m.list.Empty = "No work orders yet: press n to create one."
	if m.status != 0 || m.node != 0 {
		m.list.Empty = "No work orders match: press c to clear the filters."
	}
	if m.list.Filter() != "" {
		m.list.NoMatch = "No work orders match: esc clears the filter, c all filters."
	}
	now := m.c.Now()
	v := m.list.View(m.filterBar(), m.busy.View(), func(i int) common.Row {
		r, ok := m.row(i)
		if !ok || m.win.gen == 0 {
			return common.Row{Loading: true}
		}
		cells := make([]string, len(columns))
		for j, c := range columns {
			cells[j] = c.cell(r, now)
		}
		return common.Row{Cells: cells, Style: func(col int, cell string) string { return m.styledCell(col, r, cell) }}
	})
	// A prompt takes the filter bar's line while it asks.
	if i := indexNewline(v); i >= 0 && m.prompt.Active() {
		v = m.prompt.View(m.c.Styles, m.list.Width()) + v[i:]
	} else if i >= 0 && m.saveAs.Active() {
		v = m.saveAs.View(m.c.Styles, m.list.Width()) + v[i:]
	}
	return v
}

func indexNewline(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return i
		}
	}
	return -1
}

// filterBar is the left of the title line: the filters and the sort.
func (m *Model) filterBar() string {
	st := m.c.Styles
	item := func(k, v string) string { return st.FilterKey.Render(k+" ") + st.FilterValue.Render(v) }
	status, node := "all", "all"
	if s := statusChoices[m.status]; s != "" {
		status = string(s)
	}
	if n := nodeChoices[m.node]; n != "" {
		node = string(n)
	}
	order := sortChoices[m.sort].down
	if m.asc {
		order = sortChoices[m.sort].asc
	}
	return item("status", status) + "  " + item("node", node) + "  " + item("sort", order)
}

// cellKey names a rendered status or priority cell.
type cellKey struct {
	col   int
	value string
}

// styledCell colours a fitted status or priority cell of r, from a cache: they
// take few values, and colouring is most of the cost of drawing a row.
func (m *Model) styledCell(col int, r *core.WorkOrderRow, fitted string) string {
	if col != colStatus && col != colPriority {
		return fitted
	}
	k := cellKey{col, fitted}
	if s, ok := m.cells[k]; ok {
		return s
	}
	st, ok := m.c.Styles.Status[r.Status]
	if col == colPriority {
		st, ok = m.c.Styles.Priority[r.Priority]
	}
	s := fitted
	if ok {
		s = st.Render(fitted)
	}
	if m.cells == nil || len(m.cells) > 64 {
		m.cells = make(map[cellKey]string) // values outside the known sets: stay small
	}
	m.cells[k] = s
	return s
}
