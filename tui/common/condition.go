package common

import (
	"regexp"
	"strconv"
	"strings"

	bt "github.com/charmbracelet/bubbletea"
)

// ConditionField is a rule's condition, compiled as it is typed with the same
// compiler the service uses on save: "✓ compiles", or the error with a caret
// under where it is; empty, it lists the fields a condition may read.
type ConditionField struct {
	*TextField
	compile func(string) error
	fields  []string
	err     string
}

// NewConditionField returns the field holding value; compile checks it,
// fields are the names it may read (for the hint).
func NewConditionField(c *Common, label, name, value string, compile func(string) error, fields []string) *ConditionField {
	f := &ConditionField{TextField: NewTextField(c, label, name, value, 2000), compile: compile, fields: fields}
	f.recompile()
	return f
}

// Err is the compiler's verdict ("" when it compiles or is empty).
func (f *ConditionField) Err() string { return f.err }

func (f *ConditionField) recompile() {
	f.err = ""
	if v := strings.TrimSpace(f.Value()); v != "" {
		if err := f.compile(v); err != nil {
			f.err = err.Error()
		}
	}
}

// Update types into the field and compiles what is there.
func (f *ConditionField) Update(msg bt.KeyMsg, km FormKeyMap) (bt.Cmd, bool) {
	before := f.Value()
	cmd, ok := f.TextField.Update(msg, km)
	if f.Value() != before {
		f.recompile()
	}
	return cmd, ok
}

// SetValue replaces the condition.
func (f *ConditionField) SetValue(v string) {
	f.TextField.SetValue(v)
	f.recompile()
}

// errAt finds "at LINE:COL" in a condition error.
var errAt = regexp.MustCompile(`at (\d+):(\d+):`)

// Lines draws the input, then the verdict.
func (f *ConditionField) Lines(focused bool, width int, st *Styles) []string {
	f.input.Width = max(4, width-1)
	out := []string{InputView(&f.input, st)}
	src := f.input.Value()
	switch {
	case f.err != "":
		// The caret goes right under the input when it shows the whole
		// condition; else under a copy of the line cut around the position.
		if m := errAt.FindStringSubmatch(f.err); m != nil {
			line, _ := strconv.Atoi(m[1])
			col, _ := strconv.Atoi(m[2])
			if line == 1 && !strings.Contains(src, "\n") && Width(src) < f.input.Width {
				_, caret := CaretLine(src, line, col, f.input.Width)
				out = append(out, st.FieldError.Render(caret))
			} else if text, caret := CaretLine(src, line, col, width-2); text != "" {
				out = append(out, "  "+st.Value.Render(text), "  "+st.FieldError.Render(caret))
			}
		}
		for _, l := range Wrap(f.err, width) {
			out = append(out, st.FieldError.Render(l))
		}
	case strings.TrimSpace(src) == "":
		if focused && len(f.fields) > 0 {
			out = append(out, st.Muted.Render(Truncate("fields: "+strings.Join(f.fields, ", "), width)))
		}
	default:
		out = append(out, st.Match.Render("✓ ")+st.Muted.Render("the condition compiles"))
	}
	return out
}

// CaretLine returns line `line` of src cut to width cells around column col (1
// is the first character), and a line with "^" under that column.
func CaretLine(src string, line, col, width int) (string, string) {
	lines := strings.Split(src, "\n")
	if line < 1 || line > len(lines) || width < 4 {
		return "", ""
	}
	rs := []rune(Clean(lines[line-1]))
	col = max(1, min(col, len(rs)+1))
	start := 0
	// Slide the window until the caret fits with some context after it.
	after := max(8, width/3)
	for start < col-1 && Width(string(rs[start:col-1]))+after > width {
		start++
	}
	prefix := ""
	if start > 0 {
		prefix = "…"
	}
	shown := prefix + string(rs[start:])
	text := Truncate(shown, width)
	at := Width(prefix + string(rs[start:col-1]))
	return text, strings.Repeat(" ", at) + "^"
}
