package workorders

import (
	"fmt"
	"strings"
	"time"

	"switchboard/core"
	"switchboard/tui/common"
)

// View draws the filter bar, the column header and only the visible rows.
func (m *Model) View() string {
	var b strings.Builder
	b.Grow((m.width + 16) * m.height)
	b.WriteString(m.filterBar())
	b.WriteByte('\n')
	if m.header == "" {
		m.header = m.c.Styles.TableHeader.Render(m.layout.header)
	}
	b.WriteString(m.header)
	h := m.visibleRows()
	if m.total == 0 && m.win.gen == m.gen {
		m.writeEmpty(&b, h)
		return b.String()
	}
	now := m.c.Now()
	for i := m.top; i < m.top+h; i++ {
		b.WriteByte('\n')
		if m.total >= 0 && i >= m.total {
			continue // past the last row: blank line
		}
		r, ok := m.row(i)
		if !ok {
			b.WriteString(m.c.Styles.Placeholder.Render(common.Fit("  ·", m.width)))
			continue
		}
		b.WriteString(m.renderRow(r, i == m.cursor, now))
	}
	return b.String()
}

func (m *Model) writeEmpty(b *strings.Builder, h int) {
	msg := "No work orders yet: press n to create one."
	if m.status != 0 || m.node != 0 || m.text != "" {
		msg = "No work orders match: press c to clear the filters."
	}
	for i := 0; i < h; i++ {
		b.WriteByte('\n')
		if i == 1 {
			b.WriteString(m.c.Styles.Muted.Render(common.Fit("  "+msg, m.width)))
		}
	}
}

// renderRow draws one row. Cells are cut and padded by display width, so Chinese
// text (two cells a character) keeps the columns aligned.
func (m *Model) renderRow(r *core.WorkOrderRow, selected bool, now time.Time) string {
	st := m.c.Styles
	var b strings.Builder
	if selected {
		b.WriteString("> ")
	} else {
		b.WriteString("  ")
	}
	first := true
	for i, c := range columns {
		w := m.layout.widths[i]
		if w == 0 {
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		// Status and priority cells are coloured, except on the selected row, whose
		// own style must run unbroken across the line. They take few values, so
		// their rendering is cached per layout.
		if !selected && (c.title == "status" || c.title == "priority") {
			b.WriteString(m.styledCell(i, r))
			continue
		}
		v := common.Clean(c.cell(r, now))
		if c.right {
			v = common.FitRight(v, w)
		} else {
			v = common.Fit(v, w)
		}
		b.WriteString(v)
	}
	line := b.String()
	if pad := m.width - common.Width(line); pad > 0 {
		line += strings.Repeat(" ", pad)
	}
	if selected {
		return st.SelectedRow.Render(line)
	}
	return line
}

// filterBar shows the filters, the sort and the search on the left and the
// position in the result on the right.
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
	left := item("status", status) + "  " + item("node", node) + "  " + item("sort", order)
	switch {
	case m.searching:
		// The field takes the room the position on the right leaves.
		m.search.Width = max(8, m.width-common.Width(left)-2-common.Width(m.search.Prompt)-20)
		left += "  " + m.search.View()
	case m.text != "":
		left += "  " + item("search", fmt.Sprintf("%q", m.text))
	}

	var right string
	switch {
	case m.total < 0:
		right = "loading…"
	case m.total == 0:
		right = "0 of 0"
	default:
		right = common.Thousands(m.cursor+1) + " of " + common.Thousands(m.total)
	}
	if s := m.busy.View(); s != "" {
		right = s + " " + right
	}
	right = st.Muted.Render(right)
	room := m.width - common.Width(right) - 1
	if common.Width(left) > room {
		left = common.Truncate(left, room)
	}
	gap := max(1, m.width-common.Width(left)-common.Width(right))
	return left + strings.Repeat(" ", gap) + right
}

// cellKey names a rendered status or priority cell.
type cellKey struct {
	col   int
	value string
}

// styledCell renders the status or priority cell of r in column col, from the cache.
func (m *Model) styledCell(col int, r *core.WorkOrderRow) string {
	c := columns[col]
	v := c.cell(r, time.Time{})
	k := cellKey{col, v}
	if s, ok := m.cells[k]; ok {
		return s
	}
	s := common.Fit(common.Clean(v), m.layout.widths[col])
	st, ok := m.c.Styles.Status[r.Status]
	if c.title == "priority" {
		st, ok = m.c.Styles.Priority[r.Priority]
	}
	if ok {
		s = st.Render(s)
	}
	if m.cells == nil || len(m.cells) > 64 {
		m.cells = make(map[cellKey]string) // values outside the known sets: stay small
	}
	m.cells[k] = s
	return s
}
