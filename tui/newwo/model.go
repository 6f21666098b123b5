// Package newwo is the new-work-order form, built for call-center quick entry
// (R-IN-2): the phone number comes first and, as it is typed, finds the caller's
// contact and account.
package newwo

import (
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// LookupDebounce is how long typing in the phone field must pause before the
// caller is looked up.
const LookupDebounce = 150 * time.Millisecond

// field is one input of the form, in tab order.
type field int

const (
	fPhone field = iota
	fSubject
	fDescription
	fType
	fPriority
	fChannel
	fRegion
	fEmail
	fAddress
	fDevice
	fieldCount
)

// spec describes a field: its label, the service's name for it in validation
// errors, and whether it is a choice (cycled) rather than typed.
type spec struct {
	label, name string
	choice      bool
	limit       int
	placeholder string
}

var specs = [fieldCount]spec{
	fPhone:       {label: "Phone", name: "phone", limit: 32, placeholder: "caller's number, e.g. 138 0013 8000"},
	fSubject:     {label: "Subject", name: "subject", limit: 200, placeholder: "what is wrong, in a line"},
	fDescription: {label: "Description", name: "description", limit: 10000},
	fType:        {label: "Record type", name: "type", choice: true},
	fPriority:    {label: "Priority", name: "priority", choice: true},
	fChannel:     {label: "Channel", name: "channel", choice: true},
	fRegion:      {label: "Region", name: "region", limit: 60},
	fEmail:       {label: "Email", name: "email", limit: 254},
	fAddress:     {label: "Address", name: "address", limit: 300},
	fDevice:      {label: "Device code", name: "device", limit: 64},
}

// channels are the acceptance channels a person entering a work order can pick.
var channels = []core.Channel{core.ChannelInternal, core.ChannelCallCenter}

// lookupTickMsg fires LookupDebounce after a keystroke in the phone field.
type lookupTickMsg struct{ seq int }

// lookupMsg carries the callers found for a phone number.
type lookupMsg struct {
	seq     int
	matches []core.CallerMatch
	err     error
}

// createdMsg carries the outcome of saving.
type createdMsg struct {
	wo  core.WorkOrder
	err error
}

func lookupTickCmd(seq int) tea.Cmd {
	return tea.Tick(LookupDebounce, func(time.Time) tea.Msg { return lookupTickMsg{seq: seq} })
}

func lookupCmd(svc *core.Service, phone string, seq int) tea.Cmd {
	return func() tea.Msg {
		ms, err := svc.LookupCaller(phone)
		return lookupMsg{seq: seq, matches: ms, err: err}
	}
}

func createCmd(svc *core.Service, as core.Actor, in core.NewWorkOrder) tea.Cmd {
	return func() tea.Msg {
		w, err := svc.CreateWorkOrder(as, in)
		return createdMsg{wo: w, err: err}
	}
}

type keyMap struct {
	next, prev, up, down, left, right, save, back, enter key.Binding
	// choose stands for left and right together in the short help.
	choose key.Binding
}

// Model is the new-work-order form.
type Model struct {
	c      *common.Common
	keys   keyMap
	width  int
	height int

	focus   field
	inputs  [fieldCount]textinput.Model // for the typed fields
	typ     int                         // index into core.DefaultRecordTypes
	prio    int                         // index into core.AllPriorities
	channel int                         // index into channels

	matches   []core.CallerMatch
	pick      int // index into matches; len(matches) means "no contact"
	lookupSeq int
	// regionTyped is set once the user types a region, so picking a contact no
	// longer overwrites it with the account's region.
	regionTyped bool

	errs   map[string]string // the service's validation messages by field name
	banner string            // an error that belongs to no field (permission, storage)
	saving bool
	busy   common.Busy
}

// New returns an empty form. The channel defaults to call-center when the acting
// user is only a call-center agent, else to internal.
func New(c *common.Common) *Model {
	km := c.Keys
	up, down := km.Up, km.Down
	up.SetKeys("up")
	down.SetKeys("down")
	up.SetHelp("↑", "previous contact / field")
	down.SetHelp("↓", "next contact / field")
	enter := km.Open
	enter.SetHelp("enter", "next field")
	back := km.Back
	back.SetHelp("esc", "cancel")
	choose := km.NextChoice
	choose.SetKeys(append(km.PrevChoice.Keys(), km.NextChoice.Keys()...)...)
	choose.SetHelp("←/→", "change choice")
	m := &Model{
		c: c,
		keys: keyMap{
			next: km.NextField, prev: km.PrevField, up: up, down: down,
			left: km.PrevChoice, right: km.NextChoice, save: km.Save, back: back, enter: enter, choose: choose,
		},
		prio: slices.Index(core.AllPriorities, core.PriorityNormal),
		busy: common.NewBusy(c.Styles),
	}
	if u := c.Actor.User; len(u.Roles) > 0 && !slices.ContainsFunc(u.Roles, func(r core.Role) bool { return r != core.RoleCallCenter }) {
		m.channel = slices.Index(channels, core.ChannelCallCenter)
	}
	st := c.Styles
	for f := range fieldCount {
		sp := specs[f]
		if sp.choice {
			continue
		}
		in := textinput.New()
		in.Prompt = ""
		in.CharLimit = sp.limit
		in.Placeholder = sp.placeholder
		in.TextStyle = st.InputText
		in.PlaceholderStyle = st.InputPlaceholder
		m.inputs[f] = in
	}
	return m
}

// Init focuses the phone field.
func (m *Model) Init() tea.Cmd { return m.focusCmd(fPhone) }

// SetSize sizes the inputs to the room right of the labels.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	for f := range fieldCount {
		if !specs[f].choice {
			m.inputs[f].Width = max(10, width-labelWidth-4)
		}
	}
}

// Capturing is true while a text field has the keyboard.
func (m *Model) Capturing() bool { return !specs[m.focus].choice }

func (m *Model) focusCmd(f field) tea.Cmd {
	if !specs[m.focus].choice {
		m.inputs[m.focus].Blur()
	}
	m.focus = f
	if specs[f].choice {
		return nil
	}
	return m.inputs[f].Focus()
}

// Update handles keys and the results of look-ups and saving.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.keyCmd(msg)
	case lookupTickMsg:
		if msg.seq != m.lookupSeq {
			return nil // the number changed again since
		}
		return lookupCmd(m.c.Svc, m.inputs[fPhone].Value(), msg.seq)
	case lookupMsg:
		if msg.seq != m.lookupSeq {
			return nil
		}
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		m.matches = msg.matches
		m.pick = 0
		m.fillFromContact()
		return nil
	case createdMsg:
		return m.createdCmd(msg)
	}
	cmd := m.busy.Update(msg)
	if !specs[m.focus].choice {
		var c2 tea.Cmd
		m.inputs[m.focus], c2 = m.inputs[m.focus].Update(msg) // cursor blink
		cmd = tea.Batch(cmd, c2)
	}
	return cmd
}

func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	choice := specs[m.focus].choice
	switch {
	case key.Matches(msg, k.save):
		return m.saveCmd()
	case key.Matches(msg, k.back):
		return common.BackCmd
	case key.Matches(msg, k.next), key.Matches(msg, k.enter):
		return m.focusCmd((m.focus + 1) % fieldCount)
	case key.Matches(msg, k.prev):
		return m.focusCmd((m.focus + fieldCount - 1) % fieldCount)
	case key.Matches(msg, k.up):
		if m.focus == fPhone && len(m.matches) > 0 {
			m.pick = (m.pick + len(m.matches)) % (len(m.matches) + 1)
			m.fillFromContact()
			return nil
		}
		return m.focusCmd((m.focus + fieldCount - 1) % fieldCount)
	case key.Matches(msg, k.down):
		if m.focus == fPhone && len(m.matches) > 0 {
			m.pick = (m.pick + 1) % (len(m.matches) + 1)
			m.fillFromContact()
			return nil
		}
		return m.focusCmd((m.focus + 1) % fieldCount)
	case choice && key.Matches(msg, k.left):
		m.cycle(-1)
		return nil
	case choice && key.Matches(msg, k.right):
		m.cycle(1)
		return nil
	case choice:
		return nil
	}
	before := m.inputs[m.focus].Value()
	var cmd tea.Cmd
	m.inputs[m.focus], cmd = m.inputs[m.focus].Update(msg)
	if m.inputs[m.focus].Value() == before {
		return cmd
	}
	delete(m.errs, specs[m.focus].name)
	switch m.focus {
	case fPhone:
		delete(m.errs, "contact")
		m.lookupSeq++
		return tea.Batch(cmd, lookupTickCmd(m.lookupSeq))
	case fRegion:
		m.regionTyped = strings.TrimSpace(m.inputs[fRegion].Value()) != ""
	}
	return cmd
}

// cycle moves a choice field by d.
func (m *Model) cycle(d int) {
	wrap := func(i, n int) int { return ((i+d)%n + n) % n }
	switch m.focus {
	case fType:
		m.typ = wrap(m.typ, len(core.DefaultRecordTypes))
	case fPriority:
		m.prio = wrap(m.prio, len(core.AllPriorities))
	case fChannel:
		m.channel = wrap(m.channel, len(channels))
	}
	delete(m.errs, specs[m.focus].name)
}

// contact returns the picked caller, if any.
func (m *Model) contact() *core.CallerMatch {
	if m.pick < len(m.matches) {
		return &m.matches[m.pick]
	}
	return nil
}

// fillFromContact copies the picked contact's account region into the form,
// unless the user typed a region of their own.
func (m *Model) fillFromContact() {
	if m.regionTyped {
		return
	}
	region := ""
	if c := m.contact(); c != nil && c.Account != nil {
		region = c.Account.Region
	}
	m.inputs[fRegion].SetValue(region)
}

// input is what the form would save.
func (m *Model) input() core.NewWorkOrder {
	v := func(f field) string { return m.inputs[f].Value() }
	in := core.NewWorkOrder{
		Subject:     v(fSubject),
		Description: v(fDescription),
		RecordType:  core.DefaultRecordTypes[m.typ],
		Priority:    core.AllPriorities[m.prio],
		Phone:       v(fPhone),
		Email:       v(fEmail),
		Region:      v(fRegion),
		Address:     v(fAddress),
		DeviceCode:  v(fDevice),
		Channel:     channels[m.channel],
	}
	if c := m.contact(); c != nil {
		in.ContactID = c.Contact.ID
	}
	return in
}

func (m *Model) saveCmd() tea.Cmd {
	if m.saving {
		return nil // one save at a time: a second ctrl+s must not create a twin
	}
	m.saving = true
	m.banner = ""
	return tea.Batch(createCmd(m.c.Svc, m.c.Actor, m.input()), m.busy.StartCmd())
}

// createdCmd shows validation errors beside their fields, or opens the new work order.
func (m *Model) createdCmd(msg createdMsg) tea.Cmd {
	m.saving = false
	m.busy.Stop()
	if msg.err == nil {
		return tea.Batch(
			common.NavigateCmd(common.Replace, common.DetailScreen, msg.wo.Number),
			common.StatusCmd("Created "+msg.wo.Number),
		)
	}
	if fe := core.FieldErrors(msg.err); fe != nil {
		m.errs = fe
		for f := range fieldCount {
			if _, bad := fe[specs[f].name]; bad || (f == fPhone && fe["contact"] != "") {
				return tea.Batch(m.focusCmd(f), common.ErrorCmd(common.Sentence("The work order was not saved: correct the fields marked below.")))
			}
		}
		return common.ErrorCmd(msg.err)
	}
	m.banner = msg.err.Error()
	return common.ErrorCmd(msg.err)
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.bindings()
	if m.focus == fPhone && len(m.matches) > 0 {
		return []key.Binding{k.save, k.up, k.down, k.next, k.back}
	}
	return []key.Binding{k.save, k.next, k.prev, k.choose, k.back}
}

// FullHelp lists every key of the form.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.bindings()
	return [][]key.Binding{{k.next, k.prev, k.enter, k.up, k.down}, {k.left, k.right}, {k.save, k.back}}
}

func (m *Model) bindings() keyMap {
	k := m.keys
	choice := specs[m.focus].choice
	k.left.SetEnabled(choice)
	k.right.SetEnabled(choice)
	k.choose.SetEnabled(choice)
	k.save.SetEnabled(!m.saving)
	if m.focus == fPhone && len(m.matches) > 0 {
		k.up.SetHelp("↑", "previous contact")
		k.down.SetHelp("↓", "next contact")
	} else {
		k.up.SetHelp("↑", "previous field")
		k.down.SetHelp("↓", "next field")
	}
	return k
}
