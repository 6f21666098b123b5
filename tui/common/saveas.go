package common

import (
	"fmt"
	"os"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// Prompt asks for one line (a file name, a view's name) on a line of the
// screen's own: enter takes it, esc cancels. The screen draws View while
// Active and gives it the keys.
type Prompt struct {
	label  string
	input  textinput.Model
	active bool
	keys   struct{ save, cancel key.Binding }
	// AllowEmpty lets enter take an empty answer (e.g. "no link"); then
	// Cancelled tells it from esc.
	AllowEmpty bool
	cancelled  bool
}

// NewPrompt returns an inactive prompt.
func NewPrompt(c *Common) Prompt {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = 500
	StyleInput(&in, c.Styles)
	s := Prompt{input: in}
	s.keys.save = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "ok"))
	s.keys.cancel = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	return s
}

// Open asks for label's answer with value already typed.
func (s *Prompt) Open(label, value string) tea.Cmd {
	s.label, s.active, s.cancelled = label, true, false
	s.input.SetValue(value)
	s.input.CursorEnd()
	return s.input.Focus()
}

// SaveAs is a Prompt asking where to save a file, with a proposed name
// already typed: a relative path is in the person's own working directory.
type SaveAs struct{ Prompt }

// NewSaveAs returns an inactive save-as prompt.
func NewSaveAs(c *Common) SaveAs { return SaveAs{NewPrompt(c)} }

// Open asks where to save what (e.g. "the PDF"), proposing name.
func (s *SaveAs) Open(what, name string) tea.Cmd {
	return s.Prompt.Open("Save "+what+" as", name)
}

// SetCharLimit sets how long an answer may be (500 by default).
func (s *Prompt) SetCharLimit(n int) { s.input.CharLimit = n }

// SetPlaceholder shows text while the answer is empty.
func (s *Prompt) SetPlaceholder(text string) { s.input.Placeholder = text }

// Cancelled reports whether the last answer was esc.
func (s *Prompt) Cancelled() bool { return s.cancelled }

// Active reports whether the prompt has the keyboard.
func (s *Prompt) Active() bool { return s.active }

// Update handles a key: done with a name means save there, done without one
// means cancelled.
func (s *Prompt) Update(msg tea.Msg) (name string, done bool, cmd tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		s.input, cmd = s.input.Update(msg)
		return "", false, cmd
	}
	switch {
	case key.Matches(k, s.keys.cancel):
		s.active, s.cancelled = false, true
		s.input.Blur()
		return "", true, nil
	case key.Matches(k, s.keys.save):
		name = strings.TrimSpace(s.input.Value())
		if name == "" && !s.AllowEmpty {
			return "", false, nil
		}
		s.active = false
		s.input.Blur()
		return name, true, nil
	}
	s.input, cmd = s.input.Update(k)
	return "", false, cmd
}

// Keys are the prompt's keys for the footer.
func (s *Prompt) Keys() []key.Binding { return []key.Binding{s.keys.save, s.keys.cancel} }

// View is the prompt's line.
func (s *Prompt) View(st *Styles, width int) string {
	label := st.FocusedFieldLabel.Render(s.label + " ")
	s.input.Width = max(10, width-Width(label)-2)
	return Truncate(label+InputView(&s.input, st), width)
}

// SaveFileCmd makes a file's bytes and saves them through c as name, off the
// update loop; the footer says where it went or why it did not.
func SaveFileCmd(c *Common, what, name string, mode os.FileMode, make func() ([]byte, error)) tea.Cmd {
	return func() tea.Msg {
		b, err := make()
		if err != nil {
			return ErrorMsg{Err: err}
		}
		p, err := c.SaveFile(name, b, mode)
		if err != nil {
			return ErrorMsg{Err: fmt.Errorf("%s was not saved: %w", what, err)}
		}
		return StatusMsg{Text: fmt.Sprintf("Saved %s: %s", what, p)}
	}
}
