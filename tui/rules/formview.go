package rules

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"switchboard/core"
	"switchboard/tui/common"
)

// formLabelWidth is the column the form's labels take.
const formLabelWidth = 12

// poolRows is how many engineers the pool list shows at once.
const poolRows = 8

// view draws the form, scrolled so the focused field (with what belongs to it)
// is on screen.
func (f *form) view() string {
	st := f.c.Styles
	var lines []string
	add := func(s string) { lines = append(lines, s) }
	title := "New dispatch rule"
	if f.editing != nil {
		title = fmt.Sprintf("Edit rule %q (id %d) (priority %d)", f.editing.Name, f.editing.ID, f.editing.Priority)
	}
	t := st.Title.Render(common.Clean(title))
	if f.editing == nil {
		t += st.Muted.Render(" — added at the lowest priority; move it up on the list")
	}
	if s := f.busy.View(); s != "" {
		t += " " + s
	}
	add(t)
	if f.banner != "" {
		for _, l := range common.Wrap(f.banner, max(1, f.width-2)) {
			add(st.Banner.Render("! " + l))
		}
	}
	add("")
	focusFrom, focusTo := 0, 0
	for fl := range fieldCount {
		start := len(lines)
		f.fieldLines(fl, add)
		if fl == f.focus {
			focusFrom, focusTo = start, len(lines)
		}
	}
	h := max(1, f.height)
	top := 0
	if len(lines) > h {
		if focusTo > h {
			top = min(focusTo-h, focusFrom)
		}
		top = min(top, len(lines)-h)
	}
	out := make([]string, 0, h)
	for _, l := range lines[top:min(len(lines), top+h)] {
		out = append(out, common.Truncate(l, f.width))
	}
	return strings.Join(out, "\n")
}

func (f *form) indent() string { return strings.Repeat(" ", 2+formLabelWidth) }

// fieldLines renders one field and what goes under it: the condition's verdict,
// the engineer list, the test result, the service's error for the field.
func (f *form) fieldLines(fl field, add func(string)) {
	st := f.c.Styles
	sp := fieldSpecs[fl]
	marker, label := "  ", st.FieldLabel
	if fl == f.focus {
		marker, label = "> ", st.FocusedFieldLabel
	}
	head := marker + label.Render(common.Fit(sp.label, formLabelWidth))
	ind := f.indent()
	room := max(10, f.width-len(ind)-2)
	switch fl {
	case fName, fTest:
		add(head + f.inputs[fl].View())
	case fWhen:
		add(head + f.inputs[fl].View())
		f.conditionLines(add)
	case fPool:
		add(head + f.poolSummary())
		if fl == f.focus {
			f.poolLines(add)
		}
	case fPolicy:
		opts := make([]string, len(core.AllPolicies))
		for i, p := range core.AllPolicies {
			opts[i] = string(p)
		}
		add(head + f.choices(opts, f.policy))
		if fl == f.focus {
			add(ind + st.Muted.Render(common.Truncate(policyHelp[core.AllPolicies[f.policy]], room)))
		}
	case fEnabled:
		sel := 0
		if !f.enabled {
			sel = 1
		}
		add(head + f.choices([]string{"on", "off"}, sel))
	}
	if msg := f.errs[sp.name]; msg != "" && fl != fWhen {
		errorLines(st, ind, msg, room, add)
	}
	if fl == fTest {
		switch {
		case f.testErr != "":
			errorLines(st, ind, f.testErr, room, add)
		case f.test != nil:
			rule := func(s string) string {
				head := "─ " + common.Clean(s) + " "
				return st.Muted.Render(common.Truncate(head+strings.Repeat("─", max(0, room-common.Width(head))), room))
			}
			for _, l := range explanationLines(st, f.test, room, rule) {
				add(ind + l)
			}
		}
	}
}

var policyHelp = map[core.PoolPolicy]string{
	core.PolicyFixed:       "always the first engineer of the pool",
	core.PolicyRoundRobin:  "each engineer in turn; the next-up pointer is kept",
	core.PolicyLeastLoaded: "the engineer with the fewest open work orders",
}

func errorLines(st *common.Styles, ind, msg string, room int, add func(string)) {
	for i, l := range common.Wrap(msg, room) {
		lead := "  "
		if i == 0 {
			lead = "↳ "
		}
		add(ind + st.FieldError.Render(lead+l))
	}
}

// errAt finds "at LINE:COL" in a condition error.
var errAt = regexp.MustCompile(`at (\d+):(\d+):`)

// conditionLines shows whether the condition compiles; when not, the reason and
// the source with a caret under the position of the error.
func (f *form) conditionLines(add func(string)) {
	st := f.c.Styles
	ind := f.indent()
	room := max(10, f.width-len(ind)-2)
	src := f.inputs[fWhen].Value()
	msg := f.condErr
	if msg == "" {
		msg = f.errs["when"]
	}
	switch {
	case msg != "":
		// The caret goes right under the input when the input shows the whole
		// condition; else under a copy of the line cut around the position.
		if m := errAt.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			col, _ := strconv.Atoi(m[2])
			if in := f.inputs[fWhen]; line == 1 && !strings.Contains(src, "\n") && common.Width(src) < in.Width {
				_, caret := caretLine(src, line, col, in.Width)
				add(ind + st.FieldError.Render(caret))
			} else if text, caret := caretLine(src, line, col, room-2); text != "" {
				add(ind + "  " + st.Value.Render(text))
				add(ind + "  " + st.FieldError.Render(caret))
			}
		}
		errorLines(st, ind, msg, room, add)
	case strings.TrimSpace(src) == "":
		if f.focus == fWhen {
			add(ind + st.Muted.Render(common.Truncate("fields: "+strings.Join(core.RuleFields(), ", "), room)))
		}
	default:
		add(ind + st.Match.Render("✓ ") + st.Muted.Render("the condition compiles"))
	}
}

// caretLine returns line `line` of src cut to width cells around column col (1 is
// the first character), and a line with "^" under that column.
func caretLine(src string, line, col, width int) (string, string) {
	lines := strings.Split(src, "\n")
	if line < 1 || line > len(lines) || width < 4 {
		return "", ""
	}
	rs := []rune(common.Clean(lines[line-1]))
	col = max(1, min(col, len(rs)+1))
	start := 0
	// Slide the window until the caret fits with some context after it.
	after := max(8, width/3)
	for start < col-1 && common.Width(string(rs[start:col-1]))+after > width {
		start++
	}
	prefix := ""
	if start > 0 {
		prefix = "…"
	}
	shown := prefix + string(rs[start:])
	text := common.Truncate(shown, width)
	at := common.Width(prefix + string(rs[start:col-1]))
	return text, strings.Repeat(" ", at) + "^"
}

// choices draws a choice field with the chosen option in brackets.
func (f *form) choices(opts []string, sel int) string {
	st := f.c.Styles
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

// engineerByID finds an engineer of the directory.
func (f *form) engineerByID(id core.ID) (core.Engineer, bool) {
	for _, e := range f.engineers {
		if e.ID == id {
			return e, true
		}
	}
	return core.Engineer{}, false
}

// poolSummary names the chosen engineers in pool order.
func (f *form) poolSummary() string {
	st := f.c.Styles
	if len(f.pool) == 0 {
		return st.Muted.Render("none chosen yet: move here and press space on engineers")
	}
	names := make([]string, len(f.pool))
	provs := map[core.ID]bool{}
	for i, id := range f.pool {
		if e, ok := f.engineerByID(id); ok {
			names[i] = e.Name
			provs[e.ProviderID] = true
		} else {
			names[i] = fmt.Sprintf("engineer %d", id)
		}
	}
	s := strings.Join(names, ", ")
	if len(provs) == 1 {
		for id := range provs {
			s += " · " + f.providers[id].Name
		}
	}
	return st.Value.Render(common.Clean(s))
}

// poolLines lists the engineers with their place in the pool, around the cursor.
func (f *form) poolLines(add func(string)) {
	st := f.c.Styles
	ind := f.indent()
	room := max(10, f.width-len(ind))
	if len(f.engineers) == 0 {
		add(ind + st.Muted.Render("No engineers yet: add them with `switchboard engineer add`."))
		return
	}
	top := max(0, min(f.poolCursor-poolRows/2, len(f.engineers)-poolRows))
	for i := top; i < min(len(f.engineers), top+poolRows); i++ {
		e := f.engineers[i]
		mark := "[ ]"
		if at := indexOf(f.pool, e.ID); at >= 0 {
			mark = fmt.Sprintf("[%d]", at+1)
		}
		line := common.Fit(mark, 4) + " " + common.Fit(common.Clean(e.Name), 14) + " " +
			common.Fit(common.OrDash(e.Region), 8) + " " + common.Clean(f.providers[e.ProviderID].Name)
		line = common.Truncate(line, room-2)
		if i == f.poolCursor {
			add(ind + st.SelectedRow.Render("> "+line))
		} else {
			add(ind + "  " + line)
		}
	}
	if len(f.engineers) > poolRows {
		add(ind + st.Muted.Render(fmt.Sprintf("  %d of %d engineers · the pool must be of one provider", f.poolCursor+1, len(f.engineers))))
	}
}

func indexOf(ids []core.ID, id core.ID) int {
	for i, x := range ids {
		if x == id {
			return i
		}
	}
	return -1
}
