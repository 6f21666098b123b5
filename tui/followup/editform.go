package followup

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// editAct is what the settings view does after a key in an edit form.
type editAct int

const (
	editStay editAct = iota
	editClose
	editSave
)

// editField is one field of an edit form: a text field (in) or a choice
// among opts.
type editField struct {
	key, label string
	in         *textinput.Model
	opts       []string
	pick       int
	// hint explains the field, given what is typed.
	hint func(string) string
	// hidden, when set and true, leaves the field out (for now).
	hidden func() bool
}

// Value is the field's text (a choice's option).
func (x *editField) Value() string {
	if x.in != nil {
		return x.in.Value()
	}
	if x.pick < len(x.opts) {
		return x.opts[x.pick]
	}
	return ""
}

func (x *editField) shown() bool { return x.hidden == nil || !x.hidden() }

// editForm is a small form of the settings view: text fields and choices,
// tab between them, ←/→ on a choice, ctrl+s saves through save (core checks
// and its messages land under the fields they name), esc leaves.
type editForm struct {
	c      *common.Common
	title  string
	fields []*editField
	focus  int
	errs   map[string]string
	banner string
	// failed is set when save refused before reaching the service.
	failed bool
	save   func() tea.Cmd

	next, prev, left, right, saveKey, back key.Binding
}

func newEditForm(c *common.Common, title string) *editForm {
	km := c.Keys
	back := km.Back
	back.SetHelp("esc", "cancel")
	left, right := km.PrevChoice, common.Without(km.NextChoice, " ")
	left.SetHelp("←/→", "choose") // help shows the pair on left
	return &editForm{c: c, title: title, errs: map[string]string{},
		next: km.NextField, prev: km.PrevField, left: left, right: right, saveKey: km.Save, back: back}
}

func (f *editForm) text(k, label, value, placeholder string, limit int, hint func(string) string) *editField {
	in := textinput.New()
	in.Prompt = ""
	common.StyleInput(&in, f.c.Styles)
	in.Placeholder = placeholder
	in.CharLimit = limit
	in.Width = 60
	in.SetValue(value)
	x := &editField{key: k, label: label, in: &in, hint: hint}
	f.fields = append(f.fields, x)
	return x
}

func (f *editForm) choice(k, label string, opts []string, pick int) *editField {
	x := &editField{key: k, label: label, opts: opts, pick: max(0, min(pick, len(opts)-1))}
	f.fields = append(f.fields, x)
	return x
}

// field is the field named k (nil when there is none).
func (f *editForm) field(k string) *editField {
	for _, x := range f.fields {
		if x.key == k {
			return x
		}
	}
	return nil
}

func (f *editForm) value(k string) string {
	if x := f.field(k); x != nil {
		return x.Value()
	}
	return ""
}

// fail shows err under its fields and says so in the footer; nothing is saved.
func (f *editForm) fail(err error) tea.Cmd {
	f.failed = true
	f.setErrors(err)
	return common.ErrorCmd(err)
}

// setErrors files core's messages under the fields they name; the rest go in
// the banner.
func (f *editForm) setErrors(err error) {
	f.errs, f.banner = map[string]string{}, ""
	var ve core.ValidationErrors
	var one *core.ValidationError
	switch {
	case errors.As(err, &ve):
	case errors.As(err, &one):
		ve = core.ValidationErrors{one}
	default:
		f.banner = err.Error()
		return
	}
	var rest []string
	for _, e := range ve {
		if x := f.field(e.Field); x != nil && x.shown() {
			f.errs[e.Field] = e.Message
		} else {
			rest = append(rest, e.Message)
		}
	}
	f.banner = strings.Join(rest, " ")
}

func (f *editForm) focused() *editField {
	if f.focus < len(f.fields) {
		return f.fields[f.focus]
	}
	return nil
}

// move puts the cursor on the next (or previous) shown field.
func (f *editForm) move(d int) tea.Cmd {
	for range len(f.fields) {
		f.focus = (f.focus + d + len(f.fields)) % len(f.fields)
		if f.fields[f.focus].shown() {
			break
		}
	}
	return f.focusCmd()
}

func (f *editForm) focusCmd() tea.Cmd {
	var cmd tea.Cmd
	for i, x := range f.fields {
		if x.in == nil {
			continue
		}
		if i == f.focus {
			cmd = x.in.Focus()
		} else {
			x.in.Blur()
		}
	}
	return cmd
}

func (f *editForm) key(msg tea.KeyMsg) (tea.Cmd, editAct) {
	x := f.focused()
	switch {
	case key.Matches(msg, f.back):
		return nil, editClose
	case key.Matches(msg, f.saveKey):
		f.failed = false
		return nil, editSave
	case key.Matches(msg, f.next), msg.Type == tea.KeyDown, msg.Type == tea.KeyEnter:
		return f.move(1), editStay
	case key.Matches(msg, f.prev), msg.Type == tea.KeyUp:
		return f.move(-1), editStay
	case x == nil:
		return nil, editStay
	case x.in == nil && key.Matches(msg, f.left):
		x.pick = (x.pick + len(x.opts) - 1) % max(1, len(x.opts))
	case x.in == nil && (key.Matches(msg, f.right) || msg.String() == " "):
		x.pick = (x.pick + 1) % max(1, len(x.opts))
	case x.in != nil:
		var cmd tea.Cmd
		*x.in, cmd = x.in.Update(msg)
		delete(f.errs, x.key)
		return cmd, editStay
	}
	return nil, editStay
}

// update passes other messages (the cursor's blink) to the focused field.
func (f *editForm) update(msg tea.Msg) tea.Cmd {
	if x := f.focused(); x != nil && x.in != nil {
		var cmd tea.Cmd
		*x.in, cmd = x.in.Update(msg)
		return cmd
	}
	return nil
}

func (f *editForm) help() []key.Binding {
	save := f.saveKey
	save.SetHelp("ctrl+s", "save")
	left := f.left
	x := f.focused()
	left.SetEnabled(x != nil && x.in == nil)
	return []key.Binding{f.next, f.prev, left, save, f.back}
}

func (f *editForm) view(width int) string {
	st := f.c.Styles
	lines := []string{st.Title.Render(f.title), ""}
	for i, x := range f.fields {
		if !x.shown() {
			continue
		}
		ls := st.FieldLabel
		if i == f.focus {
			ls = st.FocusedFieldLabel
		}
		var value string
		if x.in != nil {
			x.in.Width = max(10, min(80, width-24))
			value = common.InputView(x.in, st)
		} else {
			var parts []string
			for j, o := range x.opts {
				switch {
				case j == x.pick && i == f.focus:
					parts = append(parts, st.SelectedChoice.Render("["+o+"]"))
				case j == x.pick:
					parts = append(parts, st.Value.Render("["+o+"]"))
				default:
					parts = append(parts, st.Choice.Render(o))
				}
			}
			value = strings.Join(parts, "  ")
		}
		lines = append(lines, common.Truncate(ls.Render(common.Fit(x.label, 18))+"  "+value, width))
		pad := strings.Repeat(" ", 20)
		if e := f.errs[x.key]; e != "" {
			for _, l := range common.Wrap(e, width-22) {
				lines = append(lines, st.FieldError.Render(pad+l))
			}
		} else if i == f.focus && x.hint != nil {
			if h := x.hint(x.Value()); h != "" {
				lines = append(lines, st.Muted.Render(common.Truncate(pad+h, width)))
			}
		}
	}
	if f.banner != "" {
		lines = append(lines, "")
		for _, l := range common.Wrap(f.banner, width-2) {
			lines = append(lines, st.FieldError.Render(l))
		}
	}
	lines = append(lines, "", st.Muted.Render(common.Truncate("tab/↑/↓ fields · ←/→ choose · ctrl+s save · esc cancel", width)))
	return strings.Join(lines, "\n")
}
