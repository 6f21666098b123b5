package users

import (
	"fmt"
	"slices"
	"strings"

	"switchboard/core"
	"switchboard/tui/common"
)

var columns = []common.Column{
	{Title: "LOGIN", Width: 14},
	{Title: "NAME", Weight: 2, Min: 10},
	{Title: "ROLES", Weight: 3, Min: 14},
	{Title: "STATE", Width: 8},
	{Title: "SSH KEYS", Width: 8, Right: true, Hide: 2},
	{Title: "PHONE / EMAIL", Weight: 2, Min: 12, Hide: 1},
}

// View draws the list with the open form, roles editor or question under it.
func (m *Model) View() string {
	st := m.c.Styles
	w := m.width
	switch {
	case m.err != nil:
		return st.Error.Render(common.Truncate(m.err.Error(), w))
	case !m.loaded:
		return ""
	}
	var lines []string
	add := func(s string) { lines = append(lines, common.Truncate(s, w)) }
	disabled := 0
	for _, u := range m.users {
		if u.Disabled {
			disabled++
		}
	}
	add(st.Title.Render("Users") + st.Muted.Render(fmt.Sprintf("  %d users, %d disabled", len(m.users), disabled)))
	t := common.NewTable(columns, w)
	add(st.TableHeader.Render(t.Header))
	// The list gets what the open form leaves, keeping the cursor in view.
	below := m.belowLines()
	room := max(1, m.height-len(lines)-len(below)-1)
	top := 0
	if m.cursor >= room {
		top = m.cursor - room + 1
	}
	for i := top; i < len(m.users) && i < top+room; i++ {
		u := m.users[i]
		state := "enabled"
		if u.Disabled {
			state = "disabled"
		}
		contact := strings.Trim(u.Phone+" · "+u.Email, " ·")
		cells := []string{u.Login, u.Name, joinRoles(u.Roles), state, fmt.Sprint(len(u.Keys)), common.OrDash(contact)}
		style := func(col int, cell string) string {
			if u.Disabled {
				return st.Muted.Render(cell)
			}
			return cell
		}
		add(t.Line(st, cells, i == m.cursor && m.mode != modeNew, style))
	}
	if len(below) > 0 {
		lines = append(lines, "")
		lines = append(lines, below...)
	}
	return strings.Join(lines, "\n")
}

// belowLines are the lines under the list: the form, the roles editor, the
// question, or why the screen is read only.
func (m *Model) belowLines() []string {
	st := m.c.Styles
	w := m.width
	var lines []string
	add := func(s string) { lines = append(lines, common.Truncate(s, w)) }
	u := m.selected()
	switch m.mode {
	case modeNew:
		add(st.Section.Render("New user"))
		for f := range fieldCount {
			label := st.FieldLabel
			marker := "  "
			if f == m.focus {
				label, marker = st.FocusedFieldLabel, "› "
			}
			v := ""
			if f == fRoles {
				v = m.checklist(f == m.focus)
			} else {
				v = m.inputs[f].View()
			}
			add(marker + label.Render(common.Fit(fieldLabels[f], 8)) + v)
			if e := m.errs[fieldKeys[f]]; e != "" {
				add("          " + st.FieldError.Render(e))
			}
		}
		add(st.Muted.Render("  tab/shift+tab move · on Roles ←/→ and space pick · ctrl+s adds the user · esc cancels"))
	case modeRoles:
		if u == nil {
			break
		}
		add(st.Section.Render("Roles of " + u.Login))
		add("  " + m.checklist(true))
		add(st.Muted.Render("  ←/→ choose · space switches a role · enter saves · esc cancels"))
	case modeConfirm:
		if u == nil {
			break
		}
		q := fmt.Sprintf("Disable %s? They can no longer log in (console, CLI or SSH). y disables, any other key keeps them.", u.Login)
		if u.Disabled {
			q = fmt.Sprintf("Enable %s again? y enables, any other key keeps them disabled.", u.Login)
		}
		add(st.Banner.Render(q))
	default:
		if may, why := m.may(); !may {
			add(st.Error.Render("Read only: " + why))
		}
	}
	return lines
}

// checklist draws the roles with their boxes; the highlighted one is marked
// when focused.
func (m *Model) checklist(focused bool) string {
	st := m.c.Styles
	var parts []string
	for i, r := range core.AllRoles {
		box := "[ ] "
		if slices.Contains(m.roles, r) {
			box = "[x] "
		}
		s := box + string(r)
		switch {
		case focused && i == m.roleCur:
			s = st.SelectedChoice.Render(s)
		default:
			s = st.Choice.Render(s)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "  ")
}
