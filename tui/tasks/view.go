package tasks

import (
	"fmt"
	"strings"

	"switchboard/tui/common"
)

var pickerColumns = []common.Column{{Title: "engineer", Weight: 1, Min: 20}}

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
	case m.picking:
		return m.picker.View(st.Title.Render("Whose inbox?")+st.Muted.Render(" — choose an engineer"), "", func(i int) common.Row {
			return common.Row{Cells: []string{m.engineerLabel(m.people.At(i))}}
		})
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
	if m.err != nil {
		add(title)
		add(st.Error.Render("  " + m.err.Error()))
		return strings.Join(lines, "\n")
	}
	now := m.c.Now()
	loc := m.c.Location()
	return m.list.View(title, m.busy.View(), func(i int) common.Row {
		t := m.shown.At(i)
		return common.Row{Cells: []string{common.FormatTime(t.At, loc), common.Age(now, t.At), t.Number, t.Subject, t.Detail}}
	})
}
