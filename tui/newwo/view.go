package newwo

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// callerField is the caller's phone: typed, it looks the caller up (after a
// pause) and lists the contacts with that number; ↑/↓ pick one of them or "no
// contact" for a new caller. Its value is the phone typed.
type callerField struct {
	svc     *core.Service
	input   textinput.Model
	seq     int
	matches []core.CallerMatch
	// pick is the chosen match; len(matches) is "no contact".
	pick int
}

// lookupTickMsg fires LookupDebounce after a keystroke in the phone field.
type lookupTickMsg struct {
	f   *callerField
	seq int
}

// lookupMsg carries the callers found for a phone number.
type lookupMsg struct {
	f       *callerField
	seq     int
	matches []core.CallerMatch
	err     error
}

func newCallerField(c *common.Common) *callerField {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = 32
	in.Placeholder = "caller's number, e.g. 138 0013 8000"
	common.StyleInput(&in, c.Styles)
	return &callerField{svc: c.Svc, input: in}
}

func (f *callerField) Label() string      { return "Phone" }
func (f *callerField) Name() string       { return "phone" }
func (f *callerField) Focus() tea.Cmd     { return f.input.Focus() }
func (f *callerField) Blur()              { f.input.Blur() }
func (f *callerField) Typing() bool       { return true }
func (f *callerField) Value() string      { return f.input.Value() }
func (f *callerField) matchesShown() bool { return len(f.matches) > 0 }

// contact returns the picked caller, if any.
func (f *callerField) contact() *core.CallerMatch {
	if f.pick < len(f.matches) {
		return &f.matches[f.pick]
	}
	return nil
}

// Keys are the field's own keys, for the footer.
func (f *callerField) Keys(km common.FormKeyMap) []key.Binding {
	if !f.matchesShown() {
		return nil
	}
	walk := km.Down
	walk.SetKeys(append(km.Up.Keys(), km.Down.Keys()...)...)
	walk.SetHelp("↑/↓", "choose the contact")
	return []key.Binding{walk}
}

// Update: ↑/↓ pick among the matches (the form's when there are none); the
// rest is typing, and a change looks the caller up after a pause.
func (f *callerField) Update(msg tea.KeyMsg, km common.FormKeyMap) (tea.Cmd, bool) {
	n := len(f.matches) + 1
	switch {
	case key.Matches(msg, km.Up) && f.matchesShown():
		f.pick = (f.pick + n - 1) % n
		return nil, true
	case key.Matches(msg, km.Down) && f.matchesShown():
		f.pick = (f.pick + 1) % n
		return nil, true
	case key.Matches(msg, km.Enter, km.Up, km.Down):
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
	return tea.Batch(cmd, tea.Tick(LookupDebounce, func(time.Time) tea.Msg { return lookupTickMsg{f: f, seq: seq} })), true
}

// Receive takes the look-ups the field asked for.
func (f *callerField) Receive(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case lookupTickMsg:
		if msg.f != f || msg.seq != f.seq {
			return nil // the number changed again since
		}
		svc, phone, seq := f.svc, f.input.Value(), f.seq
		return func() tea.Msg {
			ms, err := svc.LookupCaller(phone)
			return lookupMsg{f: f, seq: seq, matches: ms, err: err}
		}
	case lookupMsg:
		if msg.f != f || msg.seq != f.seq {
			return nil
		}
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		f.matches, f.pick = msg.matches, 0
	}
	return nil
}

// Lines draws the phone, then the contacts found for it, the picked one marked.
func (f *callerField) Lines(focused bool, width int, st *common.Styles) []string {
	f.input.Width = max(4, width-1)
	out := []string{common.InputView(&f.input, st)}
	if len(f.matches) == 0 {
		if p, err := core.NormalizePhone(f.input.Value()); focused && err == nil && p != "" {
			out = append(out, st.Muted.Render("no contact on file with this number"))
		}
		return out
	}
	for i := 0; i <= len(f.matches); i++ {
		text := "no contact (a new caller)"
		if i < len(f.matches) {
			c := f.matches[i]
			text = common.Clean(c.Contact.Name)
			if c.Account != nil {
				text += " · " + common.Clean(c.Account.Name)
				if c.Account.Region != "" {
					text += " (" + common.Clean(c.Account.Region) + ")"
				}
			}
			if c.TerminalUser != nil {
				text += " · terminal user linked"
			}
		}
		if i == f.pick {
			out = append(out, st.SelectedChoice.Render(common.Truncate("● "+text, width)))
		} else {
			out = append(out, st.Choice.Render(common.Truncate("○ "+text, width)))
		}
	}
	return out
}
