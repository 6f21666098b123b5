package common

import (
	"fmt"
	"os"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// SaveAs asks where to save a file, with a proposed name already typed: enter
// saves there (a relative path is in the person's own working directory),
// esc cancels. The screen draws View on a line of its own while Active.
type SaveAs struct {
	what   string
	input  textinput.Model
	active bool
	keys   struct{ save, cancel key.Binding }
}

// NewSaveAs returns an inactive prompt.
func NewSaveAs(c *Common) SaveAs {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = 500
	in.TextStyle = c.Styles.InputText
	s := SaveAs{input: in}
	s.keys.save = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save"))
	s.keys.cancel = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	return s
}

// Open asks where to save what (e.g. "the PDF"), proposing name.
func (s *SaveAs) Open(what, name string) tea.Cmd {
	s.what, s.active = what, true
	s.input.SetValue(name)
	s.input.CursorEnd()
	return s.input.Focus()
}

// Active reports whether the prompt has the keyboard.
func (s *SaveAs) Active() bool { return s.active }

// Update handles a key: done with a name means save there, done without one
// means cancelled.
func (s *SaveAs) Update(msg tea.Msg) (name string, done bool, cmd tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		s.input, cmd = s.input.Update(msg)
		return "", false, cmd
	}
	switch {
	case key.Matches(k, s.keys.cancel):
		s.active = false
		s.input.Blur()
		return "", true, nil
	case key.Matches(k, s.keys.save):
		name = strings.TrimSpace(s.input.Value())
		if name == "" {
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
func (s *SaveAs) Keys() []key.Binding { return []key.Binding{s.keys.save, s.keys.cancel} }

// View is the prompt's line.
func (s *SaveAs) View(st *Styles, width int) string {
	label := st.FocusedFieldLabel.Render("Save " + s.what + " as ")
	s.input.Width = max(10, width-Width(label)-2)
	return Truncate(label+s.input.View(), width)
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
