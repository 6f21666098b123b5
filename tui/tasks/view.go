package tasks

import (
	"fmt"
	"strings"

	"switchboard/tui/common"
)

var columns = []common.Column{
	{Title: "received", Width: 16, Hide: 2},
	{Title: "age", Width: 4, Right: true},
	{Title: "number", Width: 9},
	{Title: "subject", Weight: 3, Min: 12},
	{Title: "notification", Weight: 2, Min: 12, Hide: 1},
}

// View draws whose inbox it is, then the tasks — or the engineer picker.
func (m *Model) View() string {
	st := m.c.Styles
	lines := make([]string, 0, m.height)
	add := func(s string) { lines = append(lines, common.Truncate(s, m.width)) }
	switch {
	case m.picking >= 0:
		add(st.Title.Render("Whose inbox?"))
		add(st.Muted.Render("Choose an engineer:"))
		room := max(1, m.height-2)
		top := max(0, min(m.picking-room/2, len(m.engineers)-room))
		for i := top; i < min(len(m.engineers), top+room); i++ {
			marker := "  "
			if i == m.picking {
				marker = "> "
			}
			l := common.Fit(marker+common.Clean(m.engineerLabel(m.engineers[i])), m.width)
			if i == m.picking {
				l = st.SelectedRow.Render(l)
			}
			lines = append(lines, l)
		}
		return strings.Join(lines, "\n")
	case !m.loaded:
		add(st.Title.Render("My tasks") + "  " + st.Muted.Render("loading… ") + m.busy.View())
		return strings.Join(lines, "\n")
	case m.engineer.ID == 0:
		add(st.Title.Render("My tasks"))
		add("")
		u := m.c.Actor.User
		for _, l := range common.Wrap(fmt.Sprintf("%s is not linked to an engineer record, so there is no task inbox to show: "+
			"task notifications go to the engineers of service providers when work orders are assigned to them.", m.c.Actor.Label()), m.width-2) {
			add("  " + l)
		}
		if u.Has("engineer") {
			add("")
			for _, l := range common.Wrap("Your user has the engineer role, but no engineer is named "+u.Name+": ask an admin to link your user to your engineer record.", m.width-2) {
				add("  " + st.Muted.Render(l))
			}
		}
		if m.browse && len(m.engineers) > 0 {
			add("")
			add("  " + st.Muted.Render("Press e to look at an engineer's inbox."))
		}
		return strings.Join(lines, "\n")
	}
	title := st.Title.Render("Tasks of "+common.Clean(m.engineerLabel(m.engineer))) + st.Muted.Render(" — "+m.how)
	right := st.Muted.Render(fmt.Sprintf("%d task(s)", len(m.tasks)))
	if s := m.busy.View(); s != "" {
		right = s + " " + right
	}
	title = common.Truncate(title, m.width-common.Width(right)-1)
	add(title + strings.Repeat(" ", max(1, m.width-common.Width(title)-common.Width(right))) + right)
	add(st.TableHeader.Render(m.table.Header))
	if m.err != nil {
		add(st.Error.Render("  " + m.err.Error()))
		return strings.Join(lines, "\n")
	}
	if len(m.tasks) == 0 {
		add("")
		add(st.Muted.Render("  No tasks yet: work orders assigned to this engineer show up here."))
		return strings.Join(lines, "\n")
	}
	now := m.c.Now()
	loc := m.c.Location()
	for i := m.top; i < min(len(m.tasks), m.top+m.visibleRows()); i++ {
		t := m.tasks[i]
		cells := []string{common.FormatTime(t.At, loc), common.Age(now, t.At), t.Number, t.Subject, t.Detail}
		lines = append(lines, m.table.Line(st, cells, i == m.cursor, nil))
	}
	return strings.Join(lines, "\n")
}
