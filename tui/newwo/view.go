package newwo

import (
	"strings"

	"switchboard/core"
	"switchboard/tui/common"
)

// labelWidth is the column the form's labels take.
const labelWidth = 13

// View draws the form, scrolled so the focused field (with its contact matches and
// its error) is on screen.
func (m *Model) View() string {
	st := m.c.Styles
	var lines []string
	add := func(s string) { lines = append(lines, s) }

	title := st.Title.Render("New work order")
	if channels[m.channel] == core.ChannelCallCenter {
		title += st.Muted.Render(" — call-center quick entry")
	}
	if s := m.busy.View(); s != "" {
		title += " " + s + st.Muted.Render(" saving…")
	}
	add(title)
	if m.banner != "" {
		for _, l := range common.Wrap(m.banner, m.width-2) {
			add(st.Banner.Render("! " + l))
		}
	}
	add("")

	focusFrom, focusTo := 0, 0
	for f := range fieldCount {
		if f == fSubject {
			m.accountLine(add)
		}
		start := len(lines)
		m.fieldLines(f, add)
		if f == m.focus {
			focusFrom, focusTo = start, len(lines)
		}
	}

	// Scroll: keep the title when everything fits, else bring the focused block in.
	h := max(1, m.height)
	top := 0
	if len(lines) > h {
		if focusTo > h {
			top = min(focusTo-h, focusFrom)
		}
		top = min(top, len(lines)-h)
	}
	end := min(len(lines), top+h)
	out := make([]string, 0, h)
	for _, l := range lines[top:end] {
		out = append(out, common.Truncate(l, m.width))
	}
	return strings.Join(out, "\n")
}

// accountLine shows the account the picked contact belongs to, read-only.
func (m *Model) accountLine(add func(string)) {
	st := m.c.Styles
	v := st.Muted.Render("— (filled in from the caller's contact)")
	if c := m.contact(); c != nil {
		v = st.Value.Render(common.Clean(c.Contact.Name))
		if c.Account != nil {
			v = st.Value.Render(common.Clean(c.Account.Name)) + st.Muted.Render(" · contact ") + v
		}
	}
	add("  " + st.FieldLabel.Render(common.Fit("Account", labelWidth)) + v)
}

// fieldLines renders one field, the caller matches under the phone, and the
// service's error for the field under it.
func (m *Model) fieldLines(f field, add func(string)) {
	st := m.c.Styles
	sp := specs[f]
	marker, label := "  ", st.FieldLabel
	if f == m.focus {
		marker, label = "> ", st.FocusedFieldLabel
	}
	head := marker + label.Render(common.Fit(sp.label, labelWidth))
	if sp.choice {
		add(head + m.choices(f))
	} else {
		add(head + m.inputs[f].View())
	}
	indent := strings.Repeat(" ", 2+labelWidth)
	if f == fPhone {
		m.matchLines(indent, add)
	}
	msg := m.errs[sp.name]
	if f == fPhone && msg == "" {
		msg = m.errs["contact"]
	}
	if msg != "" {
		for i, l := range common.Wrap(msg, max(10, m.width-len(indent)-2)) {
			lead := "  "
			if i == 0 {
				lead = "↳ "
			}
			add(indent + st.FieldError.Render(lead+l))
		}
	}
}

// matchLines lists the contacts found for the phone number, the picked one marked.
func (m *Model) matchLines(indent string, add func(string)) {
	st := m.c.Styles
	if len(m.matches) == 0 {
		if p := strings.TrimSpace(m.inputs[fPhone].Value()); p != "" && m.focus == fPhone && m.errs["phone"] == "" {
			add(indent + st.Muted.Render("no contact on file with this number"))
		}
		return
	}
	for i := 0; i <= len(m.matches); i++ {
		text := "no contact (a new caller)"
		if i < len(m.matches) {
			c := m.matches[i]
			text = common.Clean(c.Contact.Name)
			if c.Account != nil {
				text += " · " + common.Clean(c.Account.Name)
				if c.Account.Region != "" {
					text += " (" + common.Clean(c.Account.Region) + ")"
				}
			}
			if c.TerminalUser != nil {
				text += " · terminal user linked"
			}
		}
		if i == m.pick {
			add(indent + st.SelectedChoice.Render("● "+text))
		} else {
			add(indent + st.Choice.Render("○ "+text))
		}
	}
}

// choices renders a choice field's options with the chosen one in brackets, which
// reads without colour too.
func (m *Model) choices(f field) string {
	st := m.c.Styles
	var opts []string
	sel := 0
	switch f {
	case fType:
		opts, sel = core.DefaultRecordTypes, m.typ
	case fPriority:
		for _, p := range core.AllPriorities {
			opts = append(opts, string(p))
		}
		sel = m.prio
	case fChannel:
		for _, c := range channels {
			opts = append(opts, string(c))
		}
		sel = m.channel
	}
	parts := make([]string, len(opts))
	for i, o := range opts {
		if i == sel {
			parts[i] = st.SelectedChoice.Render("[" + o + "]")
		} else {
			parts[i] = st.Choice.Render(" " + o + " ")
		}
	}
	return strings.Join(parts, " ")
}
