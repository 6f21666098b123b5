package ratings

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// Field form inputs, in tab order.
const (
	inKey = iota
	inLabel
	inLabelZH
	inKind
	inScale
	inOptions
	inOptionsZH
	inRequired
	inCount
)

var inLabels = [inCount]string{"Key", "Label", "Label (中文)", "Kind", "Scale", "Options", "Options (中文)", "Required"}

// fieldForm edits one field of a record type's layout (or adds one).
type fieldForm struct {
	c        *common.Common
	typeName string
	index    int // the field's position, -1 for a new field
	inputs   [inCount]textinput.Model
	kind     int // index in core.AllEvalFieldKinds
	scale10  bool
	required bool
	focus    int
	errs     map[string]string
}

func newFieldForm(c *common.Common, typeName string, index int, f *core.EvalField, width int) *fieldForm {
	ff := &fieldForm{c: c, typeName: typeName, index: index}
	st := c.Styles
	for i := range inCount {
		in := textinput.New()
		in.Prompt = ""
		common.StyleInput(&in, st)
		in.CharLimit = 200
		ff.inputs[i] = in
	}
	ff.inputs[inKey].Placeholder = "e.g. punctual (a–z, 0–9, _)"
	ff.inputs[inOptions].Placeholder = "choices separated by |, e.g. Yes | Partly | No"
	ff.inputs[inOptionsZH].Placeholder = "中文选项，用 | 分隔（可不填）"
	ff.inputs[inOptions].CharLimit, ff.inputs[inOptionsZH].CharLimit = 800, 800
	if f != nil {
		ff.inputs[inKey].SetValue(f.Key)
		ff.inputs[inLabel].SetValue(f.Label)
		ff.inputs[inLabelZH].SetValue(f.LabelZH)
		ff.inputs[inOptions].SetValue(strings.Join(f.Options, " | "))
		ff.inputs[inOptionsZH].SetValue(strings.Join(f.OptionsZH, " | "))
		for i, k := range core.AllEvalFieldKinds {
			if k == f.Kind {
				ff.kind = i
			}
		}
		ff.scale10, ff.required = f.Scale == 10, f.Required
	}
	ff.focus = inKey
	if index >= 0 {
		ff.focus = inLabel // the key of an existing field stays: answers refer to it
	}
	ff.setWidth(width)
	return ff
}

func (f *fieldForm) setWidth(w int) {
	for i := range inCount {
		f.inputs[i].Width = max(10, w-20)
	}
}

func (f *fieldForm) kindOf() core.EvalFieldKind { return core.AllEvalFieldKinds[f.kind] }

// shown reports whether input i applies to the chosen kind.
func (f *fieldForm) shown(i int) bool {
	switch i {
	case inKey:
		return true
	case inScale:
		return f.kindOf() == core.EvalStars
	case inOptions, inOptionsZH:
		k := f.kindOf()
		return k == core.EvalSingle || k == core.EvalMultiple
	}
	return true
}

func (f *fieldForm) isText(i int) bool {
	return i != inKind && i != inScale && i != inRequired && !(i == inKey && f.index >= 0)
}

func (f *fieldForm) capturing() bool { return f.isText(f.focus) }

func (f *fieldForm) focusCmd() tea.Cmd {
	for i := range inCount {
		f.inputs[i].Blur()
	}
	if f.isText(f.focus) {
		return f.inputs[f.focus].Focus()
	}
	return nil
}

func (f *fieldForm) move(d int) tea.Cmd {
	for i := f.focus + d; i >= 0 && i < inCount; i += d {
		if f.shown(i) && !(i == inKey && f.index >= 0) {
			f.focus = i
			break
		}
	}
	return f.focusCmd()
}

func (f *fieldForm) update(msg tea.Msg) tea.Cmd {
	if f.isText(f.focus) {
		var cmd tea.Cmd
		f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
		return cmd
	}
	return nil
}

func splitOptions(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// field is the form's field as typed.
func (f *fieldForm) field() core.EvalField {
	fd := core.EvalField{Key: f.inputs[inKey].Value(), Label: f.inputs[inLabel].Value(), LabelZH: f.inputs[inLabelZH].Value(),
		Kind: f.kindOf(), Required: f.required}
	switch fd.Kind {
	case core.EvalStars:
		fd.Scale = 5
		if f.scale10 {
			fd.Scale = 10
		}
	case core.EvalSingle, core.EvalMultiple:
		fd.Options, fd.OptionsZH = splitOptions(f.inputs[inOptions].Value()), splitOptions(f.inputs[inOptionsZH].Value())
	}
	return fd
}

func (f *fieldForm) help(k keyMap) []key.Binding {
	k.save.SetHelp("ctrl+s", "save field")
	k.back.SetHelp("esc", "cancel")
	cp, cn := k.choicePrev, k.choiceNext
	on := !f.isText(f.focus)
	cp.SetEnabled(on)
	cn.SetEnabled(on)
	return []key.Binding{k.next, k.prev, cp, cn, k.save, k.back}
}

// formKey handles the field form's keys; ctrl+s validates the whole set of
// types with the change and saves it, or shows core's sentences by the fields.
func (m *Model) formKey(msg tea.KeyMsg) tea.Cmd {
	f := m.form
	k := m.keys
	switch {
	case key.Matches(msg, k.back):
		m.form, m.mode = nil, modeTypes
		return common.StatusCmd("Field not saved.")
	case key.Matches(msg, k.next):
		return f.move(1)
	case key.Matches(msg, k.prev):
		return f.move(-1)
	case key.Matches(msg, k.save):
		return m.saveField()
	case !f.isText(f.focus) && (key.Matches(msg, k.choicePrev) || key.Matches(msg, k.choiceNext)):
		back := key.Matches(msg, k.choicePrev)
		switch f.focus {
		case inKind:
			f.kind = cycle(f.kind, len(core.AllEvalFieldKinds), back)
		case inScale:
			f.scale10 = !f.scale10
		case inRequired:
			f.required = !f.required
		}
		return nil
	}
	return f.update(msg)
}

func (m *Model) saveField() tea.Cmd {
	f := m.form
	fd := f.field()
	ts := cloneTypes(m.types)
	i := m.typeCur
	what := fmt.Sprintf("%s: field %s saved.", f.typeName, strings.TrimSpace(fd.Key))
	if f.index >= 0 {
		ts[i].Fields[f.index] = fd
	} else {
		ts[i].Fields = append(ts[i].Fields, fd)
		what = fmt.Sprintf("%s: field %s added.", f.typeName, strings.TrimSpace(fd.Key))
	}
	if err := core.ValidateEvaluationTypes(ts); err != nil {
		f.errs = map[string]string{}
		prefix := fmt.Sprintf("types[%d].fields[%d].", i, f.index)
		if f.index < 0 {
			prefix = fmt.Sprintf("types[%d].fields[%d].", i, len(ts[i].Fields)-1)
		}
		for field, msg := range core.FieldErrors(err) {
			if name, ok := strings.CutPrefix(field, prefix); ok {
				f.errs[name] = msg
			} else {
				f.errs["form"] = msg
			}
		}
		return nil
	}
	f.errs = nil
	m.saving = true
	return saveTypesCmd(m.c.Svc, m.c.Actor, ts, what)
}

var inKeys = [inCount]string{"key", "label", "label_zh", "kind", "scale", "options", "options_zh", "required"}

// view draws the form: a label column, the inputs and choices, errors beside.
func (f *fieldForm) view(m *Model) string {
	st := m.c.Styles
	w := m.width
	title := fmt.Sprintf("New field of %s", f.typeName)
	if f.index >= 0 {
		title = fmt.Sprintf("Field %d of %s", f.index+1, f.typeName)
	}
	lines := []string{st.Title.Render(title), ""}
	for i := range inCount {
		if !f.shown(i) {
			continue
		}
		ls := st.FieldLabel
		if i == f.focus {
			ls = st.FocusedFieldLabel
		}
		label := ls.Render(common.Fit(inLabels[i], 16))
		var val string
		switch i {
		case inKind:
			val = choices(st, kindNames(), f.kind, i == f.focus)
		case inScale:
			val = choices(st, []string{"1–5", "1–10"}, map[bool]int{false: 0, true: 1}[f.scale10], i == f.focus)
		case inRequired:
			val = choices(st, []string{"no", "yes"}, map[bool]int{false: 0, true: 1}[f.required], i == f.focus)
		default:
			if i == inKey && f.index >= 0 {
				val = st.Value.Render(f.inputs[inKey].Value()) + st.Muted.Render("  (kept: stored answers refer to it)")
			} else {
				val = common.InputView(&f.inputs[i], st)
			}
		}
		lines = append(lines, common.Truncate(label+"  "+val, w))
		if e := f.errs[inKeys[i]]; e != "" {
			lines = append(lines, st.FieldError.Render(common.Truncate(strings.Repeat(" ", 18)+e, w)))
		}
	}
	if e := f.errs["form"]; e != "" {
		lines = append(lines, "", st.FieldError.Render(common.Truncate(e, w)))
	}
	lines = append(lines, "", st.Muted.Render(common.Truncate("Star ratings are stored as numbers (R-EVAL-1). ctrl+s checks the whole layout and saves it; esc leaves it as it was.", w)))
	return strings.Join(lines, "\n")
}

func kindNames() []string {
	out := make([]string, len(core.AllEvalFieldKinds))
	for i, k := range core.AllEvalFieldKinds {
		out[i] = string(k)
	}
	return out
}

// choices draws a row of choices with the chosen one marked.
func choices(st *common.Styles, names []string, chosen int, focused bool) string {
	var parts []string
	for i, n := range names {
		switch {
		case i == chosen && focused:
			parts = append(parts, st.SelectedChoice.Render("[ "+n+" ]"))
		case i == chosen:
			parts = append(parts, st.SelectedChoice.Render("("+n+")"))
		default:
			parts = append(parts, st.Choice.Render(" "+n+" "))
		}
	}
	return strings.Join(parts, " ")
}

// nameForm asks for a new record type's name.
type nameForm struct {
	input textinput.Model
	err   string
}

func newNameForm(c *common.Common) *nameForm {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = 40
	in.Placeholder = "e.g. Installation survey"
	common.StyleInput(&in, c.Styles)
	return &nameForm{input: in}
}

func (m *Model) nameKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.back):
		m.name, m.mode = nil, modeTypes
		return nil
	case key.Matches(msg, k.save), msg.Type == tea.KeyEnter:
		t := core.EvaluationType{Name: m.name.input.Value(), TerminalUsers: true, Fields: []core.EvalField{
			{Key: "overall", Label: "How satisfied are you with the service?", LabelZH: "您对本次服务满意吗？", Kind: core.EvalStars, Scale: 5, Required: true},
		}}
		ts := append(cloneTypes(m.types), t)
		if err := core.ValidateEvaluationTypes(ts); err != nil {
			m.name.err = err.Error()
			return nil
		}
		m.typeCur, m.fieldCur, m.onFields = len(ts)-1, 0, true
		m.name, m.mode = nil, modeTypes
		m.saving = true
		return saveTypesCmd(m.c.Svc, m.c.Actor, ts, fmt.Sprintf("Record type %s added with a 5-star rating; add its other fields with n.", strings.TrimSpace(t.Name)))
	}
	var cmd tea.Cmd
	m.name.input, cmd = m.name.input.Update(msg)
	return cmd
}

func (n *nameForm) view(m *Model) string {
	st := m.c.Styles
	lines := []string{st.Title.Render("New evaluation record type"), "",
		st.FocusedFieldLabel.Render("Name  ") + common.InputView(&n.input, st)}
	if n.err != "" {
		lines = append(lines, st.FieldError.Render(common.Truncate(n.err, m.width)))
	}
	lines = append(lines, "", st.Muted.Render(common.Truncate("It starts with a 5-star overall rating, open to customers but not guests; change both in the list.", m.width)))
	return strings.Join(lines, "\n")
}
