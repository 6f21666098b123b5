// Package newwo is the new-work-order form, built for call-center quick entry
// (R-IN-2): the phone number comes first and, as it is typed, finds the caller's
// contact and account. It is the console's shared form with one field of its
// own, the caller.
package newwo

import (
	"slices"

	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// LookupDebounce is how long typing in the phone field must pause before the
// caller is looked up.
const LookupDebounce = 150 * time.Millisecond

// channels are the acceptance channels a person entering a work order can pick.
var channels = []core.Channel{core.ChannelInternal, core.ChannelCallCenter}

// createdMsg carries the outcome of saving.
type createdMsg struct {
	wo  core.WorkOrder
	err error
}

func createCmd(svc *core.Service, as core.Actor, in core.NewWorkOrder) tea.Cmd {
	return func() tea.Msg {
		w, err := svc.CreateWorkOrder(as, in)
		return createdMsg{wo: w, err: err}
	}
}

// Model is the new-work-order form.
type Model struct {
	c             *common.Common
	width, height int
	form          *common.Form

	caller                                  *callerField
	account                                 *common.StaticField
	subject, region, email, address, device *common.TextField
	description                             *common.AreaField
	typ, priority, channel                  *common.ChoiceField
	// regionTyped is set once the user types a region, so picking a contact no
	// longer overwrites it with the account's region.
	regionTyped bool
}

// New returns an empty form. The channel defaults to call-center when the acting
// user is only a call-center agent, else to internal.
func New(c *common.Common) *Model {
	m := &Model{c: c}
	m.caller = newCallerField(c)
	m.account = common.NewStaticField("Account", "— (filled in from the caller's contact)")
	m.subject = common.NewTextField(c, "Subject", "subject", "", 200).WithPlaceholder("what is wrong, in a line")
	m.description = common.NewAreaField(c, "Description", "description", "", 10000, 3)
	m.typ = common.NewChoiceField("Record type", "type", core.DefaultRecordTypes, core.DefaultRecordTypes[0])
	prios := make([]string, len(core.AllPriorities))
	for i, p := range core.AllPriorities {
		prios[i] = string(p)
	}
	m.priority = common.NewChoiceField("Priority", "priority", prios, string(core.PriorityNormal))
	chans := make([]string, len(channels))
	for i, ch := range channels {
		chans[i] = string(ch)
	}
	channel := string(core.ChannelInternal)
	if u := c.Actor.User; len(u.Roles) > 0 && !slices.ContainsFunc(u.Roles, func(r core.Role) bool { return r != core.RoleCallCenter }) {
		channel = string(core.ChannelCallCenter)
	}
	m.channel = common.NewChoiceField("Channel", "channel", chans, channel)
	m.region = common.NewTextField(c, "Region", "region", "", 60)
	m.email = common.NewTextField(c, "Email", "email", "", 254)
	m.address = common.NewTextField(c, "Address", "address", "", 300)
	m.device = common.NewTextField(c, "Device code", "device", "", 64)
	m.form = common.NewForm(c, "New work order", m.caller, m.account, m.subject, m.description, m.typ, m.priority,
		m.channel, m.region, m.email, m.address, m.device)
	m.form.LabelWidth = 13
	m.retitle()
	return m
}

// retitle says quick entry when the channel is the call center.
func (m *Model) retitle() {
	m.form.Note = ""
	if m.channel.Value() == string(core.ChannelCallCenter) {
		m.form.Note = "call-center quick entry"
	}
}

// Init focuses the phone field.
func (m *Model) Init() tea.Cmd { return m.form.Init() }

// SetSize gives the form its area.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.form.SetSize(width, height)
}

// Capturing is true while a text field has the keyboard.
func (m *Model) Capturing() bool { return m.form.Typing() }

// Update handles keys and the results of look-ups and saving.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		pick, region := m.caller.pick, m.region.Value()
		cmd, ev := m.form.Update(msg)
		switch ev {
		case common.FormCancel:
			return common.BackCmd
		case common.FormSave:
			return tea.Batch(m.form.StartSaving(), createCmd(m.c.Svc, m.c.Actor, m.input()))
		}
		if m.region.Value() != region {
			m.regionTyped = m.region.Value() != ""
		}
		if m.caller.pick != pick {
			m.fillFromContact()
		}
		m.retitle()
		return cmd
	case createdMsg:
		if msg.err != nil {
			// A refused contact is the caller field's business.
			if fe := core.FieldErrors(msg.err); fe["contact"] != "" && fe["phone"] == "" {
				m.form.Saved(nil)
				m.form.SetFieldError("phone", fe["contact"])
				return tea.Batch(m.form.FocusName("phone"), common.ErrorCmd(common.Sentence("Nothing was saved: correct the fields marked below.")))
			}
			return m.form.Saved(msg.err)
		}
		m.form.Saved(nil)
		return tea.Batch(
			common.NavigateCmd(common.Replace, common.DetailScreen, msg.wo.Number),
			common.StatusCmd("Created "+msg.wo.Number),
		)
	}
	cmd, _ := m.form.Update(msg) // the caller's look-ups, the spinner
	if _, ok := msg.(lookupMsg); ok {
		m.fillFromContact()
	}
	return cmd
}

// fillFromContact shows the picked contact's account and copies its region
// into the form, unless the user typed a region of their own.
func (m *Model) fillFromContact() {
	c := m.caller.contact()
	account := "— (filled in from the caller's contact)"
	if c != nil {
		account = "— (" + c.Contact.Name + " belongs to no account)" // a private customer
		if c.Account != nil {
			account = c.Account.Name + " · contact " + c.Contact.Name
		}
	}
	m.account.SetValue(account)
	if m.regionTyped {
		return
	}
	region := ""
	if c != nil && c.Account != nil {
		region = c.Account.Region
	}
	m.region.SetValue(region)
}

// input is what the form would save.
func (m *Model) input() core.NewWorkOrder {
	in := core.NewWorkOrder{
		Subject:     m.subject.Value(),
		Description: m.description.Value(),
		RecordType:  m.typ.Value(),
		Priority:    core.Priority(m.priority.Value()),
		Phone:       m.caller.Value(),
		Email:       m.email.Value(),
		Region:      m.region.Value(),
		Address:     m.address.Value(),
		DeviceCode:  m.device.Value(),
		Channel:     core.Channel(m.channel.Value()),
	}
	if c := m.caller.contact(); c != nil {
		in.ContactID = c.Contact.ID
	}
	return in
}

// View draws the form.
func (m *Model) View() string { return m.form.View() }

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding { return m.form.ShortHelp() }

// FullHelp lists every key of the form.
func (m *Model) FullHelp() [][]key.Binding { return m.form.FullHelp() }
