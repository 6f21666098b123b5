package process

import (
	"fmt"
	"strings"

	"switchboard/tui/common"
)

// labelWidth is the column the form's labels take.
const labelWidth = 16

// view draws the form, scrolled so the row under the cursor (with its hint and
// error) is on screen.
func (f *form) view() string {
	st := f.c.Styles
	var lines []string
	add := func(s string) { lines = append(lines, s) }
	title := st.Title.Render(common.Clean(fmt.Sprintf("%s process · node %d of %d: %s", f.recordType, f.index+1, len(f.base.Nodes), f.node.Node)))
	switch {
	case f.readOnly:
		title += st.Muted.Render(" — read only")
	case f.saving:
		title += st.Muted.Render(" — saving…")
	case f.dirty:
		title += st.Muted.Render(" — changed, not saved: ctrl+s saves, esc leaves it as it was")
	}
	add(common.Truncate(title, f.width))
	if f.readOnly {
		add(st.Error.Render(common.Truncate("Read only: "+f.why, f.width)))
	}
	if f.banner != "" {
		for _, l := range common.Wrap(f.banner, max(1, f.width-2)) {
			add(st.Banner.Render("! " + l))
		}
	}
	focusFrom, focusTo := 0, 0
	for i := range f.rows {
		start := len(lines)
		f.rowLines(i, add)
		if i == f.focus {
			focusFrom, focusTo = start, len(lines)
		}
	}
	h := max(1, f.height)
	top := 0
	if len(lines) > h {
		if focusTo > h {
			top = min(focusTo-h, focusFrom)
		}
		top = max(0, min(top, len(lines)-h))
	}
	out := make([]string, 0, h)
	for _, l := range lines[top:min(len(lines), top+h)] {
		out = append(out, common.Truncate(l, f.width))
	}
	return strings.Join(out, "\n")
}

// rowLines draws row i and what goes under it: its hint while it has the
// cursor, and core's message when it is wrong.
func (f *form) rowLines(i int, add func(string)) {
	st := f.c.Styles
	r := &f.rows[i]
	focused := i == f.focus
	ind := strings.Repeat(" ", 2+labelWidth)
	room := max(10, f.width-len(ind)-1)
	switch r.kind {
	case rowHeading:
		add("")
		add(rule(st, r.note, f.width))
		return
	case rowNote:
		for j, l := range common.Wrap(r.note, max(10, f.width-2)) {
			if j == 0 {
				add("  " + st.Muted.Render(l))
			} else {
				add("    " + st.Muted.Render(l))
			}
		}
		return
	}
	marker, label := "  ", st.FieldLabel
	if focused {
		marker, label = "> ", st.FocusedFieldLabel
	}
	head := marker + label.Render(common.Fit(r.label, labelWidth))
	switch r.kind {
	case rowText:
		v := common.InputView(r.input, st)
		if f.readOnly {
			v = st.Value.Render(common.OrDash(common.Clean(r.input.Value())))
		}
		add(head + v)
	case rowChoice:
		add(head + f.choiceText(r))
	case rowToggle:
		if r.on() {
			add(head + st.Value.Render("[x] on"))
		} else {
			add(head + st.Muted.Render("[ ] off"))
		}
	case rowMulti:
		for j, l := range f.multiLines(r, focused, room) {
			if j == 0 {
				add(head + l)
			} else {
				add(ind + l)
			}
		}
	case rowButton:
		if focused {
			add(marker + st.SelectedChoice.Render(r.label))
		} else {
			add(marker + st.Choice.Render(r.label))
		}
	}
	if msg := f.errs[r.field]; msg != "" && r.field != "" {
		for j, l := range common.Wrap(msg, room-2) {
			lead := "  "
			if j == 0 {
				lead = "↳ "
			}
			add(ind + st.FieldError.Render(lead+l))
		}
	} else if focused && r.hint != nil {
		if h := r.hint(); h != "" {
			for _, l := range common.Wrap(h, room) {
				add(ind + st.Muted.Render(l))
			}
		}
	}
}

// choiceText draws a choice: all options with the chosen one in brackets, or,
// when there are many, the chosen one between arrows.
func (f *form) choiceText(r *row) string {
	st := f.c.Styles
	sel := r.chosen()
	if len(r.options) > 3 {
		return st.SelectedChoice.Render("‹ "+r.options[sel]+" ›") + st.Muted.Render(fmt.Sprintf("  %d of %d", sel+1, len(r.options)))
	}
	parts := make([]string, len(r.options))
	for i, o := range r.options {
		if i == sel {
			parts[i] = st.SelectedChoice.Render("[" + o + "]")
		} else {
			parts[i] = st.Choice.Render(" " + o + " ")
		}
	}
	return strings.Join(parts, " ")
}

// multiLines draws a row of on/off options, wrapped to room cells; the option
// under the cursor is highlighted while the row has it.
func (f *form) multiLines(r *row, focused bool, room int) []string {
	st := f.c.Styles
	var lines []string
	line, w := "", 0
	for i, o := range r.options {
		box := "[ ] "
		if r.isOn(i) {
			box = "[x] "
		}
		cell := box + o
		cw := common.Width(cell)
		switch {
		case focused && i == f.sub && !f.readOnly:
			cell = st.SelectedRow.Render(cell)
		case r.locked != nil && r.locked(i) != "":
			cell = st.Muted.Render(cell)
		case r.isOn(i):
			cell = st.Value.Render(cell)
		default:
			cell = st.Muted.Render(cell)
		}
		if w > 0 && w+2+cw > room {
			lines = append(lines, line)
			line, w = "", 0
		}
		if w > 0 {
			line += "  "
			w += 2
		}
		line += cell
		w += cw
	}
	return append(lines, line)
}
