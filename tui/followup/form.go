package followup

import (
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// form is the follow-up form: one row per field of the task's Service
// Evaluation layout (R-FU-2). Stars take ←/→ or a digit (0 is ten), choices
// ←/→, several choices ←/→ and space, yes/no ←/→, text is typed.
type form struct {
	c      *common.Common
	typ    core.EvaluationType
	focus  int
	values []fieldValue
	errs   map[string]string
}

type fieldValue struct {
	stars  int             // stars: 0 unset
	choice int             // single: -1 unset; multiple: the option under the cursor
	picked map[string]bool // multiple
	yes    int             // yes-no: 0 unset, 1 yes, 2 no
	text   textinput.Model // text
}

func newForm(c *common.Common, t core.EvaluationType) *form {
	f := &form{c: c, typ: t, values: make([]fieldValue, len(t.Fields))}
	for i, fd := range t.Fields {
		v := fieldValue{choice: -1, picked: map[string]bool{}}
		if fd.Kind == core.EvalMultiple {
			v.choice = 0
		}
		if fd.Kind == core.EvalText {
			v.text = textinput.New()
			v.text.Prompt = ""
			v.text.CharLimit = 2000
			common.StyleInput(&v.text, c.Styles)
			v.text.Placeholder = "type the customer's words"
		}
		f.values[i] = v
	}
	return f
}

func (f *form) field() core.EvalField { return f.typ.Fields[f.focus] }

func (f *form) onMultiple() bool { return f.field().Kind == core.EvalMultiple }

// focusCmd focuses the text input of the focused field, if it has one.
func (f *form) focusCmd() tea.Cmd {
	for i := range f.values {
		if f.typ.Fields[i].Kind == core.EvalText {
			f.values[i].text.Blur()
		}
	}
	if f.field().Kind == core.EvalText {
		return f.values[f.focus].text.Focus()
	}
	return nil
}

func (f *form) update(msg tea.Msg) tea.Cmd {
	if f.field().Kind != core.EvalText {
		return nil
	}
	var cmd tea.Cmd
	f.values[f.focus].text, cmd = f.values[f.focus].text.Update(msg)
	return cmd
}

func (f *form) key(msg tea.KeyMsg, k keyMap) tea.Cmd {
	fd := f.field()
	v := &f.values[f.focus]
	n := len(f.typ.Fields)
	switch {
	case key.Matches(msg, k.nextField), msg.Type == tea.KeyDown:
		f.focus = (f.focus + 1) % n
		return f.focusCmd()
	case key.Matches(msg, k.prevField), msg.Type == tea.KeyUp:
		f.focus = (f.focus + n - 1) % n
		return f.focusCmd()
	}
	switch fd.Kind {
	case core.EvalText:
		var cmd tea.Cmd
		v.text, cmd = v.text.Update(msg)
		return cmd
	case core.EvalStars:
		switch {
		case msg.Type == tea.KeyLeft:
			v.stars = max(0, v.stars-1)
		case msg.Type == tea.KeyRight:
			v.stars = min(fd.Scale, v.stars+1)
		case msg.Type == tea.KeyRunes && len(msg.Runes) == 1 && msg.Runes[0] >= '0' && msg.Runes[0] <= '9':
			d := int(msg.Runes[0] - '0')
			if d == 0 {
				d = 10
			}
			if d <= fd.Scale {
				v.stars = d
			}
		}
	case core.EvalSingle:
		switch msg.Type {
		case tea.KeyLeft:
			v.choice = max(-1, v.choice-1)
		case tea.KeyRight:
			v.choice = max(0, min(len(fd.Options)-1, v.choice+1))
		}
	case core.EvalMultiple:
		switch {
		case msg.Type == tea.KeyLeft:
			v.choice = max(0, v.choice-1)
		case msg.Type == tea.KeyRight:
			v.choice = max(0, min(len(fd.Options)-1, v.choice+1))
		case key.Matches(msg, k.toggle):
			o := fd.Options[v.choice]
			v.picked[o] = !v.picked[o]
		}
	case core.EvalYesNo:
		switch {
		case msg.Type == tea.KeyLeft, msg.Type == tea.KeyRight:
			v.yes = map[int]int{0: 1, 1: 2, 2: 1}[v.yes]
		case msg.Type == tea.KeyRunes && string(msg.Runes) == "y":
			v.yes = 1
		case msg.Type == tea.KeyRunes && string(msg.Runes) == "n":
			v.yes = 2
		}
	}
	return nil
}

// answers are the form's values the way ParseEvaluationAnswers reads them.
func (f *form) answers() map[string][]string {
	out := map[string][]string{}
	for i, fd := range f.typ.Fields {
		v := f.values[i]
		switch fd.Kind {
		case core.EvalStars:
			if v.stars > 0 {
				out[fd.Key] = []string{strconv.Itoa(v.stars)}
			}
		case core.EvalSingle:
			if v.choice >= 0 {
				out[fd.Key] = []string{fd.Options[v.choice]}
			}
		case core.EvalMultiple:
			for _, o := range fd.Options {
				if v.picked[o] {
					out[fd.Key] = append(out[fd.Key], o)
				}
			}
		case core.EvalYesNo:
			if v.yes > 0 {
				out[fd.Key] = []string{map[int]string{1: "yes", 2: "no"}[v.yes]}
			}
		case core.EvalText:
			if s := strings.TrimSpace(v.text.Value()); s != "" {
				out[fd.Key] = []string{s}
			}
		}
	}
	return out
}

// setErrors shows the service's refusal beside the fields it names.
func (f *form) setErrors(err error) {
	f.errs = core.FieldErrors(err)
}

// view draws the fields, the focused one marked.
func (f *form) view(w int) []string {
	st := f.c.Styles
	var lines []string
	for i, fd := range f.typ.Fields {
		v := f.values[i]
		label := fd.Label
		if fd.Required {
			label += " *"
		}
		ls := st.FieldLabel
		marker := "  "
		if i == f.focus {
			ls, marker = st.FocusedFieldLabel, "> "
		}
		lines = append(lines, common.Truncate(marker+ls.Render(common.Clean(label)), w))
		var val string
		switch fd.Kind {
		case core.EvalStars:
			val = strings.Repeat("★", v.stars) + strings.Repeat("☆", fd.Scale-v.stars)
			if v.stars > 0 {
				val += "  " + strconv.Itoa(v.stars) + "/" + strconv.Itoa(fd.Scale)
			} else {
				val += "  not rated"
			}
		case core.EvalSingle:
			parts := make([]string, len(fd.Options))
			for j, o := range fd.Options {
				parts[j] = choice(st, o, j == v.choice)
			}
			val = strings.Join(parts, "  ")
		case core.EvalMultiple:
			parts := make([]string, len(fd.Options))
			for j, o := range fd.Options {
				box := "[ ] "
				if v.picked[o] {
					box = "[x] "
				}
				s := box + o
				if i == f.focus && j == v.choice {
					s = st.SelectedChoice.Render(s)
				} else {
					s = st.Choice.Render(s)
				}
				parts[j] = s
			}
			val = strings.Join(parts, "  ")
		case core.EvalYesNo:
			val = choice(st, "yes", v.yes == 1) + "  " + choice(st, "no", v.yes == 2)
		case core.EvalText:
			v.text.Width = max(10, w-6)
			val = common.InputView(&v.text, st)
		}
		lines = append(lines, common.Truncate("    "+val, w))
		if e := f.errs[fd.Key]; e != "" {
			lines = append(lines, common.Truncate("    "+st.FieldError.Render(common.Clean(e)), w))
		}
	}
	var stray []string
	for k, e := range f.errs {
		if !slices.ContainsFunc(f.typ.Fields, func(fd core.EvalField) bool { return fd.Key == k }) {
			stray = append(stray, e)
		}
	}
	for _, e := range stray {
		lines = append(lines, common.Truncate("  "+st.FieldError.Render(common.Clean(e)), w))
	}
	return lines
}

func choice(st *common.Styles, s string, on bool) string {
	if on {
		return st.SelectedChoice.Render("(•) " + s)
	}
	return st.Choice.Render("( ) " + s)
}
