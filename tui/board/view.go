package board

import (
	"fmt"
	"strings"
	"time"

	"switchboard/core"
	"switchboard/tui/common"
)

// The board's columns, in the order they give way on narrow terminals.
const (
	colSel = iota
	colNumber
	colPriority
	colAge
	colDue
	colType
	colSubject
	colRegion
	colReason
)

var columns = []common.Column{
	colSel:      {Title: "sel", Width: 3},
	colNumber:   {Title: "number", Width: 9},
	colPriority: {Title: "priority", Width: 9, Hide: 5},
	colAge:      {Title: "age", Width: 4, Right: true},
	colDue:      {Title: "due", Width: 11, Hide: 4},
	colType:     {Title: "type", Width: 12, Hide: 2},
	colSubject:  {Title: "subject", Weight: 3, Min: 12},
	colRegion:   {Title: "region", Width: 8, Hide: 3},
	colReason:   {Title: "why it waits", Weight: 3, Min: 14, Hide: 1},
}

// View draws the title line, the column header, the visible queue rows and the
// panel with the reason of the row under the cursor — or the picker.
func (m *Model) View() string {
	if m.picker != nil {
		return m.picker.view(m.width, m.height)
	}
	var b strings.Builder
	b.Grow((m.width + 32) * m.height)
	now := m.c.Now()
	v := m.list.View(m.title(), m.activity(), func(i int) common.Row {
		r, ok := m.row(i)
		if !ok {
			return common.Row{Loading: true}
		}
		return common.Row{Line: m.renderRow(r, i == m.list.Cursor(), now)}
	})
	if i := strings.IndexByte(v, '\n'); i >= 0 && m.prompt.Active() {
		v = m.prompt.View(m.c.Styles, m.width) + v[i:] // the prompt takes the title's line
	}
	b.WriteString(v)
	m.writePanel(&b)
	return b.String()
}

// title says what the board is and counts.
func (m *Model) title() string {
	st := m.c.Styles
	left := st.Title.Render("Manual queue")
	if m.total >= 0 {
		left += st.Muted.Render(fmt.Sprintf("  %s waiting, oldest first", common.Thousands(m.total)))
	}
	if n := len(m.selected); n > 0 {
		left += "  " + st.Marked.Render(fmt.Sprintf("%d selected", n))
	}
	return left
}

// activity is what the board is doing, before the position.
func (m *Model) activity() string {
	s := m.busy.View()
	switch {
	case m.assigning:
		s = strings.TrimSpace(s + " assigning…")
	case m.dispatching:
		s = strings.TrimSpace(s + " dispatching…")
	}
	return s
}

// priorityText marks high and urgent work so it stands out without colour too.
func priorityText(p core.Priority) string {
	switch p {
	case core.PriorityUrgent:
		return "!! " + string(p)
	case core.PriorityHigh:
		return "!  " + string(p)
	}
	return "   " + string(p)
}

// dueText is the due column: "—" for no due time, "in 5h", or "OVERDUE 2d".
func dueText(d *details, now time.Time) (string, bool) {
	switch {
	case d == nil:
		return "…", false
	case d.due == nil:
		return "—", false
	case d.due.Before(now):
		return "OVERDUE " + common.Age(now, *d.due), true
	}
	return "in " + common.Age(*d.due, now), false
}

func (m *Model) renderRow(r *core.WorkOrderRow, cursor bool, now time.Time) string {
	st := m.c.Styles
	var d *details
	if x, ok := m.details[r.Number]; ok {
		d = &x
	}
	sel := "[ ]"
	_, marked := m.selected[r.Number]
	if marked {
		sel = "[x]"
	}
	due, overdue := dueText(d, now)
	reason := "…"
	if d != nil {
		reason = shortReason(d.reason)
	}
	cells := []string{
		colSel:      sel,
		colNumber:   r.Number,
		colPriority: priorityText(r.Priority),
		colAge:      common.Age(now, r.CreatedAt),
		colDue:      due,
		colType:     r.RecordType,
		colSubject:  r.ListSubject(),
		colRegion:   common.OrDash(r.Region),
		colReason:   reason,
	}
	key := lineKey{cells: strings.Join(cells, "\x00"), cursor: cursor, marked: marked, overdue: overdue}
	if l, ok := m.lines[key]; ok {
		return l
	}
	style := func(col int, s string) string {
		switch {
		case col == colPriority:
			if ps, ok := st.Priority[r.Priority]; ok {
				return ps.Render(s)
			}
		case col == colDue && overdue:
			return st.Overdue.Render(s)
		case col == colSel && marked:
			return st.Marked.Render(s)
		case col == colReason:
			return st.Muted.Render(s)
		}
		return s
	}
	l := m.list.Table().Line(st, cells, cursor, style)
	if len(m.lines) > 4*max(1, m.height) {
		clear(m.lines) // rows scrolled away: start over rather than grow
	}
	m.lines[key] = l
	return l
}

// lineKey is what a rendered row depends on; rows are cached by it, because
// styling cells costs far more than working out their text.
type lineKey struct {
	cells                   string
	cursor, marked, overdue bool
}

// writePanel shows why the work order under the cursor waits, in full, and — for
// users who may not assign — why the assignment keys are off.
func (m *Model) writePanel(b *strings.Builder) {
	st := m.c.Styles
	n := m.panelHeight()
	if !m.may && n > 0 {
		n--
	}
	if n > 0 {
		r, ok := m.row(m.list.Cursor())
		var lines []string
		if ok && m.total > 0 {
			text := "…"
			if d, ok := m.details[r.Number]; ok {
				text = d.reason
				if text == "" {
					text = "Automatic dispatch has not looked at it yet: press d to run it now."
				}
			}
			head, items := splitReason(text)
			if head != "" {
				head = ": " + head
			}
			head = "─ why " + r.Number + " waits" + head + " "
			lines = append(lines, st.Muted.Render(common.Truncate(head+strings.Repeat("─", max(0, m.width-common.Width(head))), m.width)))
			for _, it := range items {
				for i, l := range common.Wrap(it, max(1, m.width-4)) {
					lead := "  "
					if i > 0 {
						lead = "    "
					}
					lines = append(lines, lead+l)
				}
			}
			if len(lines) > n && n > 1 {
				lines = lines[:n]
				lines[n-1] = common.Truncate(lines[n-1], m.width-2) + " …"
			}
		}
		for i := 0; i < n; i++ {
			b.WriteByte('\n')
			if i < len(lines) {
				b.WriteString(common.Truncate(lines[i], m.width))
			}
		}
	}
	if !m.may && m.panelHeight() > 0 {
		b.WriteByte('\n')
		b.WriteString(st.Error.Render(common.Truncate("Read only: "+m.why, m.width)))
	}
}

// splitReason breaks the engine's reason into its summary and one item per rule
// tried, so each rule gets a line of its own.
func splitReason(r string) (string, []string) {
	const matched = "no automatic dispatch rule matched ("
	if strings.HasPrefix(r, matched) {
		if head, rest, ok := strings.Cut(r, "): "); ok {
			return head + ")", strings.Split(rest, "; ")
		}
	}
	return "", []string{r}
}
