package users

import (
	"fmt"
	"strings"

	"switchboard/tui/common"
)

var columns = []common.Column{
	{Title: "LOGIN", Width: 14},
	{Title: "NAME", Weight: 2, Min: 10},
	{Title: "ROLES", Weight: 3, Min: 14},
	{Title: "STATE", Width: 8},
	{Title: "SSH KEYS", Width: 8, Right: true, Hide: 2},
	{Title: "OS USER", Width: 10, Hide: 3},
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
	disabled := 0
	for _, u := range m.users {
		if u.Disabled {
			disabled++
		}
	}
	title := st.Title.Render("Users") + st.Muted.Render(fmt.Sprintf("  %d users, %d disabled", len(m.users), disabled))
	out := m.list.View(title, "", func(i int) common.Row {
		u := m.shown.At(i)
		state := "enabled"
		if u.Disabled {
			state = "disabled"
		}
		contact := strings.Trim(u.Phone+" · "+u.Email, " ·")
		cells := []string{u.Login, u.Name, joinRoles(u.Roles), state, fmt.Sprint(len(u.Keys)), common.OrDash(u.OSUser), common.OrDash(contact)}
		var style func(int, string) string
		if u.Disabled {
			style = func(_ int, cell string) string { return st.Muted.Render(cell) }
		}
		return common.Row{Cells: cells, Style: style}
	})
	if m.form != nil {
		return out + "\n\n" + m.form.View()
	}
	if below := m.belowLines(); len(below) > 0 {
		out += "\n\n" + strings.Join(below, "\n")
	}
	return out
}

// belowLines are the lines under the list: the question, or why the screen
// is read only.
func (m *Model) belowLines() []string {
	st := m.c.Styles
	w := m.width
	var lines []string
	add := func(s string) { lines = append(lines, common.Truncate(s, w)) }
	u := m.selected()
	switch m.mode {
	case modeKeys, modeKeyAdd, modeKeyConfirm:
		return m.keysLines()
	case modeLink:
		add(m.prompt.View(st, w))
		add(st.Muted.Render("  Whoever is logged in to this machine as that OS user acts as this user in the console and the CLI."))
	case modeAccount:
		add(m.prompt.View(st, w))
		add(st.Muted.Render("  The follow-up dialer calls from it: {account} in the dial command, \"account\" in the webhook."))
	case modeConfirm:
		if u == nil {
			break
		}
		q := fmt.Sprintf("Disable %s? They can no longer log in (console, CLI or SSH). y disables, any other key keeps them.", u.Login)
		if u.Disabled {
			q = fmt.Sprintf("Enable %s again? y enables, any other key keeps them disabled.", u.Login)
		}
		add(st.Banner.Render(q))
	case modeList:
		if may, why := m.may(); !may {
			add(st.Error.Render("Read only: " + why))
		}
	}
	return lines
}
