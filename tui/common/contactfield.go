package common

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
)

// ContactField picks a work order's contact by the caller's phone: typing a
// number looks the callers up (after a short pause), ↑/↓ choose among them,
// "no contact" or the contact the work order has now. Its value is the
// chosen contact's id (0 for none).
type ContactField struct {
	label, name string
	svc         *core.Service
	input       textinput.Model
	seq         int
	// current is the contact the work order has (id 0: none), kept as the
	// first choice.
	current core.CallerMatch
	matches []core.CallerMatch
	// pick is the chosen entry of choices().
	pick int
}

// contactLookupMsg carries the callers found for a phone.
type contactLookupMsg struct {
	f       *ContactField
	seq     int
	matches []core.CallerMatch
}

// contactTickMsg fires after the typing pause.
type contactTickMsg struct {
	f   *ContactField
	seq int
}

// NewContactField returns the field with the contact the work order has now
// (id 0 and name "": none).
func NewContactField(c *Common, label, name string, id core.ID, contactName string) *ContactField {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = 32
	in.Placeholder = "type a phone to find another contact"
	StyleInput(&in, c.Styles)
	f := &ContactField{label: label, name: name, svc: c.Svc, input: in}
	f.current.Contact = core.Contact{ID: id, Name: contactName}
	return f
}

// choices are the current contact (when there is one), the matches, and "no
// contact".
func (f *ContactField) choices() []core.CallerMatch {
	var out []core.CallerMatch
	if f.current.Contact.ID != 0 {
		out = append(out, f.current)
	}
	for _, m := range f.matches {
		if m.Contact.ID != f.current.Contact.ID {
			out = append(out, m)
		}
	}
	return append(out, core.CallerMatch{})
}

// Label is the field's label.
func (f *ContactField) Label() string { return f.label }

// Name is the field's name in core's errors.
func (f *ContactField) Name() string { return f.name }

// ID is the chosen contact's id (0: none).
func (f *ContactField) ID() core.ID {
	cs := f.choices()
	return cs[min(f.pick, len(cs)-1)].Contact.ID
}

// Value is the chosen contact's id as text (for change detection).
func (f *ContactField) Value() string { return fmt.Sprint(f.ID()) }

// Focus gives the field the keyboard.
func (f *ContactField) Focus() tea.Cmd { return f.input.Focus() }

// Blur takes it away.
func (f *ContactField) Blur() { f.input.Blur() }

// Typing is true: the phone is typed.
func (f *ContactField) Typing() bool { return true }

// Update types the phone and moves among the choices with ↑/↓.
func (f *ContactField) Update(msg tea.KeyMsg, km FormKeyMap) (tea.Cmd, bool) {
	n := len(f.choices())
	switch {
	case key.Matches(msg, km.Up):
		if f.pick == 0 {
			return nil, false // the previous field
		}
		f.pick--
		return nil, true
	case key.Matches(msg, km.Down):
		if f.pick >= n-1 {
			return nil, false
		}
		f.pick++
		return nil, true
	case key.Matches(msg, km.Enter):
		return nil, false
	}
	before := f.input.Value()
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	if f.input.Value() == before {
		return cmd, true
	}
	f.seq++
	seq := f.seq
	return tea.Batch(cmd, tea.Tick(150*time.Millisecond, func(time.Time) tea.Msg { return contactTickMsg{f: f, seq: seq} })), true
}

// Receive takes the lookups the field asked for.
func (f *ContactField) Receive(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case contactTickMsg:
		if msg.f != f || msg.seq != f.seq {
			return nil
		}
		svc, phone, seq := f.svc, f.input.Value(), f.seq
		return func() tea.Msg {
			ms, _ := svc.LookupCaller(phone)
			return contactLookupMsg{f: f, seq: seq, matches: ms}
		}
	case contactLookupMsg:
		if msg.f != f || msg.seq != f.seq {
			return nil
		}
		f.matches = msg.matches
		f.pick = 0
		if f.current.Contact.ID != 0 && len(msg.matches) > 0 {
			f.pick = 1 // the first match, not the contact it had
		}
	}
	return nil
}

// Lines draws the phone input and the choices, the chosen one marked.
func (f *ContactField) Lines(focused bool, width int, st *Styles) []string {
	f.input.Width = max(4, width-1)
	cs := f.choices()
	if !focused {
		c := cs[min(f.pick, len(cs)-1)]
		return []string{Truncate(contactText(c), width)}
	}
	out := []string{InputView(&f.input, st)}
	for i, c := range cs {
		mark, style := "  ○ ", st.Muted
		if i == f.pick {
			mark, style = "  ● ", st.Value
		}
		text := contactText(c)
		if c.Contact.ID != 0 && c.Contact.ID == f.current.Contact.ID {
			text += " (now)"
		}
		out = append(out, style.Render(Truncate(mark+text, width)))
	}
	if f.input.Value() != "" && len(f.matches) == 0 {
		out = append(out, st.Muted.Render(Truncate("  no contact on file with this number", width)))
	}
	return out
}

func contactText(c core.CallerMatch) string {
	if c.Contact.ID == 0 {
		return "no contact"
	}
	parts := []string{Clean(c.Contact.Name)}
	if c.Account != nil {
		parts = append(parts, Clean(c.Account.Name))
	}
	if c.Contact.Phone != "" {
		parts = append(parts, c.Contact.Phone)
	}
	return strings.Join(parts, " · ")
}
