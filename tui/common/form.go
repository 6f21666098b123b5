package common

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
)

// FormKeyMap are a Form's keys, like bubbles' KeyMap: a screen copies
// DefaultFormKeyMap and renames what it needs ("save & complete").
type FormKeyMap struct {
	// Next and Prev move between fields (tab, shift+tab; enter and the
	// arrows too where the field does not use them).
	Next, Prev key.Binding
	Enter      key.Binding
	Up, Down   key.Binding
	// Left and Right change a choice or walk a row of switches; Toggle
	// switches the one under the cursor.
	Left, Right, Toggle key.Binding
	Save, Cancel        key.Binding
}

// DefaultFormKeyMap returns the console's form keys, taken from km.
func DefaultFormKeyMap(km *KeyMap) FormKeyMap {
	up, down := km.Up, km.Down
	up.SetKeys("up")
	up.SetHelp("↑", "previous field")
	down.SetKeys("down")
	down.SetHelp("↓", "next field")
	enter := km.Open
	enter.SetHelp("enter", "next field")
	cancel := km.Back
	cancel.SetHelp("esc", "cancel")
	left, right := km.PrevChoice, Without(km.NextChoice, " ")
	right.SetHelp("→", "next choice")
	toggle := key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "switch"))
	return FormKeyMap{
		Next: km.NextField, Prev: km.PrevField, Enter: enter, Up: up, Down: down,
		Left: left, Right: right, Toggle: toggle, Save: km.Save, Cancel: cancel,
	}
}

// Field is one field of a Form. The built-in ones are TextField, AreaField,
// ChoiceField and ChecksField; a screen writes its own for anything else (a
// pool of engineers, the caller's contacts) and the Form places it the same way.
type Field interface {
	// Label is shown left of the field.
	Label() string
	// Name is the field's name in core's validation errors ("subject"); an
	// error for it is shown under the field.
	Name() string
	// Focus gives the field the keyboard; Blur takes it away.
	Focus() tea.Cmd
	Blur()
	// Update handles a key while the field is focused; handled says the form
	// must not also take it (a multi-line field keeps enter and the arrows).
	Update(msg tea.KeyMsg, km FormKeyMap) (cmd tea.Cmd, handled bool)
	// Lines draws the field's value in width cells: the first line beside the
	// label, any more under it.
	Lines(focused bool, width int, st *Styles) []string
	// Typing reports whether printable keys go into the field.
	Typing() bool
}

// FormEvent says what a key did to a Form.
type FormEvent int

// Form events.
const (
	FormNone FormEvent = iota
	// FormSave: the user asked to save (the screen checks and saves).
	FormSave
	// FormCancel: the user left the form without saving.
	FormCancel
	// FormChanged: a field's value changed (a screen that checks as you type).
	FormChanged
)

// Form is the console's one form: labelled fields in a column, the focused one
// marked, core's refusal shown under the field it concerns (or above all when
// it concerns none), scrolled so the focused field is on screen. It holds no
// data but its fields'; the screen reads them when FormSave comes back.
type Form struct {
	KeyMap FormKeyMap
	// Title heads the form; Note follows it, muted.
	Title, Note string
	// LabelWidth is the labels' column (default: the widest label).
	LabelWidth int
	// Hints are lines shown under a field while it is focused, by name.
	Hints map[string]string

	st            *Styles
	fields        []Field
	focus         int
	errs          map[string]string
	banner        string
	saving        bool
	width, height int
	busy          Busy
}

// NewForm returns a form of fields; the first is focused once Init runs.
func NewForm(c *Common, title string, fields ...Field) *Form {
	return &Form{KeyMap: DefaultFormKeyMap(c.Keys), Title: title, st: c.Styles, fields: fields, busy: NewBusy(c.Styles), Hints: map[string]string{}}
}

// Init focuses the first field.
func (f *Form) Init() tea.Cmd { return f.FocusOn(0) }

// Fields are the form's fields, in order.
func (f *Form) Fields() []Field { return f.fields }

// Focused is the index of the focused field.
func (f *Form) Focused() int { return f.focus }

// FocusOn moves the keyboard to field i.
func (f *Form) FocusOn(i int) tea.Cmd {
	if len(f.fields) == 0 {
		return nil
	}
	i = max(0, min(i, len(f.fields)-1))
	if f.focus < len(f.fields) {
		f.fields[f.focus].Blur()
	}
	f.focus = i
	return f.fields[i].Focus()
}

// FocusName moves the keyboard to the field named name, if there is one.
func (f *Form) FocusName(name string) tea.Cmd {
	for i, fl := range f.fields {
		if fl.Name() == name {
			return f.FocusOn(i)
		}
	}
	return nil
}

// SetSize gives the form its area.
func (f *Form) SetSize(width, height int) { f.width, f.height = width, height }

// Typing reports whether printable keys go into the focused field: the root
// must not take "q" or a digit as a command then.
func (f *Form) Typing() bool {
	return len(f.fields) > 0 && f.fields[f.focus].Typing()
}

// Saving reports whether a save is on its way.
func (f *Form) Saving() bool { return f.saving }

// StartSaving marks a save as sent: another ctrl+s is ignored until Saved,
// so one view's version is never sent twice. It returns the spinner's command.
func (f *Form) StartSaving() tea.Cmd {
	f.saving = true
	f.banner = ""
	return f.busy.StartCmd()
}

// Saved ends a save. With err, core's refusal is shown under the fields it
// names (and the first of them focused) or, when it names none of them, above
// the form; the form stays open. It returns the command to run.
func (f *Form) Saved(err error) tea.Cmd {
	f.saving = false
	f.busy.Stop()
	if err == nil {
		f.errs, f.banner = nil, ""
		return nil
	}
	return f.SetError(err)
}

// SetError shows err as Saved does, without a save having been sent (a check
// the screen makes itself).
func (f *Form) SetError(err error) tea.Cmd {
	fe := core.FieldErrors(err)
	f.errs = map[string]string{}
	first := -1
	for i, fl := range f.fields {
		if msg, ok := fe[fl.Name()]; ok && fl.Name() != "" {
			f.errs[fl.Name()] = msg
			if first < 0 {
				first = i
			}
		}
	}
	if first < 0 {
		f.banner = err.Error()
		return ErrorCmd(err)
	}
	f.banner = ""
	return tea.Batch(f.FocusOn(first), ErrorCmd(Sentence("Nothing was saved: correct the fields marked below.")))
}

// SetFieldError shows msg under the field named name ("" clears it).
func (f *Form) SetFieldError(name, msg string) {
	if f.errs == nil {
		f.errs = map[string]string{}
	}
	if msg == "" {
		delete(f.errs, name)
		return
	}
	f.errs[name] = msg
}

// FieldError is the error shown under the field named name.
func (f *Form) FieldError(name string) string { return f.errs[name] }

// SetBanner shows msg above the fields ("" clears it).
func (f *Form) SetBanner(msg string) { f.banner = msg }

// Update handles a key (and the spinner); the event says what the screen
// should do.
func (f *Form) Update(msg tea.Msg) (tea.Cmd, FormEvent) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		// Results a field asked for (a lookup) go back to it.
		cmds := []tea.Cmd{f.busy.Update(msg)}
		for _, fl := range f.fields {
			if r, ok := fl.(interface{ Receive(tea.Msg) tea.Cmd }); ok {
				cmds = append(cmds, r.Receive(msg))
			}
		}
		return tea.Batch(cmds...), FormNone
	}
	k := f.KeyMap
	switch {
	case key.Matches(km, k.Save):
		if f.saving {
			return nil, FormNone
		}
		return nil, FormSave
	case key.Matches(km, k.Cancel):
		return nil, FormCancel
	case key.Matches(km, k.Next):
		return f.FocusOn(f.step(1, true)), FormNone
	case key.Matches(km, k.Prev):
		return f.FocusOn(f.step(-1, true)), FormNone
	}
	if len(f.fields) == 0 {
		return nil, FormNone
	}
	fl := f.fields[f.focus]
	before := fieldValue(fl)
	cmd, handled := fl.Update(km, k)
	if handled {
		ev := FormNone
		if fieldValue(fl) != before {
			ev = FormChanged
			delete(f.errs, fl.Name())
		}
		return cmd, ev
	}
	switch {
	case key.Matches(km, k.Enter), key.Matches(km, k.Down):
		if i := f.step(1, false); i != f.focus {
			return f.FocusOn(i), FormNone
		}
	case key.Matches(km, k.Up):
		if i := f.step(-1, false); i != f.focus {
			return f.FocusOn(i), FormNone
		}
	}
	return cmd, FormNone
}

// step is the next field in direction d that takes the keyboard (a static
// one does not), wrapping around the ends when wrap is set; the focused
// field when there is none.
func (f *Form) step(d int, wrap bool) int {
	n := len(f.fields)
	for i, j := 1, f.focus; i < n; i++ {
		j += d
		if !wrap && (j < 0 || j >= n) {
			break
		}
		j = (j + n) % n
		if _, static := f.fields[j].(*StaticField); !static {
			return j
		}
	}
	return f.focus
}

// fieldValue is a field's value for change detection.
func fieldValue(fl Field) string {
	if v, ok := fl.(interface{ Value() string }); ok {
		return v.Value()
	}
	return ""
}

// labelWidth is the labels' column.
func (f *Form) labelWidth() int {
	if f.LabelWidth > 0 {
		return f.LabelWidth
	}
	w := 8
	for _, fl := range f.fields {
		w = max(w, Width(fl.Label())+2)
	}
	return w
}

// View draws the form in its area.
func (f *Form) View() string {
	st := f.st
	var lines []string
	add := func(s string) { lines = append(lines, s) }
	title := st.Title.Render(Clean(f.Title))
	if f.Note != "" {
		title += st.Muted.Render(" — " + Clean(f.Note))
	}
	if s := f.busy.View(); s != "" {
		title += " " + s + st.Muted.Render(" saving…")
	}
	if f.Title != "" || f.Note != "" {
		add(title)
	}
	for _, l := range Wrap(f.banner, max(10, f.width-2)) {
		if f.banner != "" {
			add(st.Banner.Render("! " + l))
		}
	}
	if len(lines) > 0 {
		add("")
	}
	lw := f.labelWidth()
	indent := strings.Repeat(" ", 2+lw)
	room := max(10, f.width-2-lw)
	focusFrom, focusTo := 0, 0
	for i, fl := range f.fields {
		start := len(lines)
		focused := i == f.focus
		marker, label := "  ", st.FieldLabel
		if focused {
			marker, label = "> ", st.FocusedFieldLabel
		}
		vals := fl.Lines(focused, room, st)
		if len(vals) == 0 {
			vals = []string{""}
		}
		add(marker + label.Render(Fit(fl.Label(), lw)) + vals[0])
		for _, v := range vals[1:] {
			add(indent + v)
		}
		if h := f.Hints[fl.Name()]; focused && h != "" {
			for _, l := range Wrap(h, room) {
				add(indent + st.Muted.Render(l))
			}
		}
		if msg := f.errs[fl.Name()]; msg != "" {
			for j, l := range Wrap(msg, room-2) {
				lead := "  "
				if j == 0 {
					lead = "↳ "
				}
				add(indent + st.FieldError.Render(lead+l))
			}
		}
		if focused {
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
		out = append(out, Truncate(l, f.width))
	}
	return strings.Join(out, "\n")
}

// ShortHelp are the form's keys for the footer, with what applies to the
// focused field.
func (f *Form) ShortHelp() []key.Binding {
	k := f.KeyMap
	out := []key.Binding{k.Save}
	if len(f.fields) > 0 {
		switch f := f.fields[f.focus].(type) {
		case *ChoiceField:
			choose := k.Right
			choose.SetKeys(append(k.Left.Keys(), k.Right.Keys()...)...)
			choose.SetHelp("←/→", "choose")
			out = append(out, choose)
		case *ChecksField:
			walk := k.Right
			walk.SetKeys(append(k.Left.Keys(), k.Right.Keys()...)...)
			walk.SetHelp("←/→", "move")
			out = append(out, walk, k.Toggle)
		case interface {
			Keys(FormKeyMap) []key.Binding
		}:
			out = append(out, f.Keys(k)...)
		}
	}
	if len(f.fields) > 1 {
		out = append(out, k.Next, k.Prev)
	}
	return append(out, k.Cancel)
}

// FullHelp are the form's keys for "?".
func (f *Form) FullHelp() [][]key.Binding {
	k := f.KeyMap
	return [][]key.Binding{{k.Next, k.Prev, k.Enter, k.Up, k.Down}, {k.Left, k.Right, k.Toggle}, {k.Save, k.Cancel}}
}
