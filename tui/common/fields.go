package common

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// TextField is a one-line text field.
type TextField struct {
	label, name string
	input       textinput.Model
	// Check, when set, is run on every change; its message shows under the
	// value (a condition compiled as it is typed).
	Check func(string) string
	check string
}

// StyleInput gives in the theme's input styles. Inputs are styled where
// they are drawn (InputView), not only when they are made: a lipgloss style
// is a value, and the copy an input took when it was made kept the old
// theme's colours after `:theme` — near-white text on a light terminal
// (TestThemeSwitchRedrawsEveryScreen).
func StyleInput(in *textinput.Model, st *Styles) {
	in.TextStyle, in.PlaceholderStyle = st.InputText, st.InputPlaceholder
	if in.Prompt != "" { // an empty prompt drawn in a style is an empty escape sequence
		in.PromptStyle = st.InputPrompt
	}
}

// InputView draws in in the theme's input styles.
func InputView(in *textinput.Model, st *Styles) string {
	StyleInput(in, st)
	return in.View()
}

// StyleArea is StyleInput for a multi-line input.
func StyleArea(a *textarea.Model, st *Styles) {
	a.FocusedStyle.CursorLine, a.FocusedStyle.Text = st.InputText, st.InputText
	a.BlurredStyle.CursorLine, a.BlurredStyle.Text = st.InputText, st.InputText
	a.FocusedStyle.Placeholder, a.BlurredStyle.Placeholder = st.InputPlaceholder, st.InputPlaceholder
}

// AreaView draws a in the theme's input styles.
func AreaView(a *textarea.Model, st *Styles) string {
	StyleArea(a, st)
	return a.View()
}

// NewTextField returns a text field holding value, at most limit characters.
func NewTextField(c *Common, label, name, value string, limit int) *TextField {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = limit
	StyleInput(&in, c.Styles)
	in.SetValue(value)
	in.CursorEnd()
	return &TextField{label: label, name: name, input: in}
}

// WithPlaceholder sets what the empty field shows.
func (t *TextField) WithPlaceholder(p string) *TextField {
	t.input.Placeholder = p
	return t
}

// Masked hides what is typed (a password).
func (t *TextField) Masked() *TextField {
	t.input.EchoMode = textinput.EchoPassword
	return t
}

// Label is the field's label.
func (t *TextField) Label() string { return t.label }

// Name is the field's name in core's errors.
func (t *TextField) Name() string { return t.name }

// Value is what was typed, trimmed.
func (t *TextField) Value() string { return strings.TrimSpace(t.input.Value()) }

// SetValue replaces the text.
func (t *TextField) SetValue(v string) {
	t.input.SetValue(v)
	t.input.CursorEnd()
	t.recheck()
}

// Focus gives the field the keyboard.
func (t *TextField) Focus() tea.Cmd { return t.input.Focus() }

// Blur takes the keyboard away.
func (t *TextField) Blur() { t.input.Blur() }

// Typing is true: printable keys go into the field.
func (t *TextField) Typing() bool { return true }

// Update types into the field; enter, tab and the vertical arrows are the form's.
func (t *TextField) Update(msg tea.KeyMsg, km FormKeyMap) (tea.Cmd, bool) {
	if key.Matches(msg, km.Enter, km.Up, km.Down) {
		return nil, false
	}
	before := t.input.Value()
	var cmd tea.Cmd
	t.input, cmd = t.input.Update(msg)
	if t.input.Value() != before {
		t.recheck()
	}
	return cmd, true
}

func (t *TextField) recheck() {
	if t.Check != nil {
		t.check = t.Check(t.Value())
	}
}

// Lines draws the input and the check's message.
func (t *TextField) Lines(_ bool, width int, st *Styles) []string {
	t.input.Width = max(4, width-1)
	out := []string{InputView(&t.input, st)}
	if t.check != "" {
		for _, l := range Wrap(t.check, width) {
			out = append(out, st.FieldError.Render(l))
		}
	}
	return out
}

// AreaField is a multi-line text field (a description, the work done).
type AreaField struct {
	label, name string
	area        textarea.Model
	rows        int
}

// NewAreaField returns a multi-line field of rows lines holding value.
func NewAreaField(c *Common, label, name, value string, limit, rows int) *AreaField {
	a := textarea.New()
	a.Prompt = ""
	a.ShowLineNumbers = false
	a.CharLimit = limit
	a.SetHeight(rows)
	StyleArea(&a, c.Styles)
	a.SetValue(value)
	return &AreaField{label: label, name: name, area: a, rows: rows}
}

// Label is the field's label.
func (a *AreaField) Label() string { return a.label }

// Name is the field's name in core's errors.
func (a *AreaField) Name() string { return a.name }

// Value is the text, trimmed.
func (a *AreaField) Value() string { return strings.TrimSpace(a.area.Value()) }

// SetValue replaces the text.
func (a *AreaField) SetValue(v string) { a.area.SetValue(v) }

// Focus gives the field the keyboard.
func (a *AreaField) Focus() tea.Cmd { return a.area.Focus() }

// Blur takes the keyboard away.
func (a *AreaField) Blur() { a.area.Blur() }

// Typing is true.
func (a *AreaField) Typing() bool { return true }

// Update types into the area: enter is a new line and the arrows move in the
// text; tab leaves the field.
func (a *AreaField) Update(msg tea.KeyMsg, _ FormKeyMap) (tea.Cmd, bool) {
	var cmd tea.Cmd
	a.area, cmd = a.area.Update(msg)
	return cmd, true
}

// Lines draws the area.
func (a *AreaField) Lines(focused bool, width int, st *Styles) []string {
	a.area.SetWidth(max(4, width-1))
	if !focused {
		// Unfocused, the text reads as lines (no blank rows below it).
		v := a.area.Value()
		if v == "" {
			return []string{""}
		}
		var out []string
		for _, l := range strings.Split(v, "\n") {
			out = append(out, Truncate(Clean(l), width))
			if len(out) == a.rows {
				break
			}
		}
		return out
	}
	return strings.Split(AreaView(&a.area, st), "\n")
}

// ChoiceField picks one of a few options with ← and →.
type ChoiceField struct {
	label, name string
	options     []string
	index       int
}

// NewChoiceField returns a choice among options with value chosen (the first
// when value is not among them).
func NewChoiceField(label, name string, options []string, value string) *ChoiceField {
	return &ChoiceField{label: label, name: name, options: options, index: max(0, slices.Index(options, value))}
}

// Label is the field's label.
func (c *ChoiceField) Label() string { return c.label }

// Name is the field's name in core's errors.
func (c *ChoiceField) Name() string { return c.name }

// Value is the chosen option.
func (c *ChoiceField) Value() string {
	if len(c.options) == 0 {
		return ""
	}
	return c.options[c.index]
}

// SetValue chooses v, when it is an option.
func (c *ChoiceField) SetValue(v string) {
	if i := slices.Index(c.options, v); i >= 0 {
		c.index = i
	}
}

// Focus does nothing: a choice takes no typing.
func (c *ChoiceField) Focus() tea.Cmd { return nil }

// Blur does nothing.
func (c *ChoiceField) Blur() {}

// Typing is false: q and the digits stay commands.
func (c *ChoiceField) Typing() bool { return false }

// Update: ← and → (and space) change the choice.
func (c *ChoiceField) Update(msg tea.KeyMsg, km FormKeyMap) (tea.Cmd, bool) {
	n := len(c.options)
	if n == 0 {
		return nil, false
	}
	switch {
	case key.Matches(msg, km.Left):
		c.index = (c.index + n - 1) % n
		return nil, true
	case key.Matches(msg, km.Right), key.Matches(msg, km.Toggle):
		c.index = (c.index + 1) % n
		return nil, true
	}
	return nil, false
}

// Lines draws every option, the chosen one marked; when they do not fit,
// only the chosen one and where it stands among them.
func (c *ChoiceField) Lines(focused bool, width int, st *Styles) []string {
	if len(c.options) == 0 {
		return []string{st.Muted.Render("— (nothing to choose from)")}
	}
	var b strings.Builder
	for i, o := range c.options {
		if i > 0 {
			b.WriteString("  ")
		}
		if i == c.index {
			b.WriteString(st.SelectedChoice.Render("‹" + Clean(o) + "›"))
		} else {
			b.WriteString(st.Choice.Render(" " + Clean(o) + " "))
		}
	}
	if Width(b.String()) > width {
		one := st.SelectedChoice.Render("‹"+Clean(c.options[c.index])+"›") +
			st.Muted.Render(fmt.Sprintf("  %d of %d, ←/→", c.index+1, len(c.options)))
		return []string{Truncate(one, width)}
	}
	return []string{b.String()}
}

// ChecksField switches any of a few options on or off (roles, channels): ←
// and → walk them, space switches the one under the cursor.
type ChecksField struct {
	label, name string
	options     []string
	on          []bool
	cursor      int
	focused     bool
}

// NewChecksField returns the options with those in on switched on.
func NewChecksField(label, name string, options, on []string) *ChecksField {
	c := &ChecksField{label: label, name: name, options: options, on: make([]bool, len(options))}
	for i, o := range options {
		c.on[i] = slices.Contains(on, o)
	}
	return c
}

// Label is the field's label.
func (c *ChecksField) Label() string { return c.label }

// Name is the field's name in core's errors.
func (c *ChecksField) Name() string { return c.name }

// Checked are the options switched on, in their order.
func (c *ChecksField) Checked() []string {
	var out []string
	for i, o := range c.options {
		if c.on[i] {
			out = append(out, o)
		}
	}
	return out
}

// Value is the checked options joined by commas (for change detection).
func (c *ChecksField) Value() string { return strings.Join(c.Checked(), ",") }

// Focus marks the field focused.
func (c *ChecksField) Focus() tea.Cmd { c.focused = true; return nil }

// Blur unmarks it.
func (c *ChecksField) Blur() { c.focused = false }

// Typing is false.
func (c *ChecksField) Typing() bool { return false }

// Update walks and switches the options.
func (c *ChecksField) Update(msg tea.KeyMsg, km FormKeyMap) (tea.Cmd, bool) {
	n := len(c.options)
	if n == 0 {
		return nil, false
	}
	switch {
	case key.Matches(msg, km.Left):
		c.cursor = (c.cursor + n - 1) % n
		return nil, true
	case key.Matches(msg, km.Right):
		c.cursor = (c.cursor + 1) % n
		return nil, true
	case key.Matches(msg, km.Toggle):
		c.on[c.cursor] = !c.on[c.cursor]
		return nil, true
	}
	return nil, false
}

// Lines draws the options as [x] boxes, the one under the cursor marked.
func (c *ChecksField) Lines(focused bool, width int, st *Styles) []string {
	var b strings.Builder
	for i, o := range c.options {
		if i > 0 {
			b.WriteString(" ")
		}
		box := "[ ]"
		if c.on[i] {
			box = "[x]"
		}
		item := box + " " + Clean(o)
		switch {
		case focused && i == c.cursor:
			b.WriteString(st.SelectedChoice.Render("›" + item))
		case c.on[i]:
			b.WriteString(st.Value.Render(" " + item))
		default:
			b.WriteString(st.Choice.Render(" " + item))
		}
	}
	return []string{Truncate(b.String(), width)}
}

// StaticField shows a value that cannot be changed in the form (an account
// filled in from the contact), so the form reads in one column.
type StaticField struct {
	label, value string
}

// NewStaticField returns a read-only line.
func NewStaticField(label, value string) *StaticField {
	return &StaticField{label: label, value: value}
}

// Label is the field's label.
func (s *StaticField) Label() string { return s.label }

// Name is empty: core names no errors for it.
func (s *StaticField) Name() string { return "" }

// SetValue changes what it shows.
func (s *StaticField) SetValue(v string) { s.value = v }

// Focus does nothing.
func (s *StaticField) Focus() tea.Cmd { return nil }

// Blur does nothing.
func (s *StaticField) Blur() {}

// Typing is false.
func (s *StaticField) Typing() bool { return false }

// Update takes no keys.
func (s *StaticField) Update(tea.KeyMsg, FormKeyMap) (tea.Cmd, bool) { return nil, false }

// Lines draws the value, muted.
func (s *StaticField) Lines(_ bool, width int, st *Styles) []string {
	return []string{st.Muted.Render(Truncate(Clean(s.value), width))}
}
