// Package woedit is the console's work-order edit form (R-WO-5): subject,
// description, type, priority, contact, phone, email, region, address, device
// and due time, saved with the version the form was opened on. When somebody
// changed the work order meanwhile, the form says who changed what, keeps what
// was typed, and a second ctrl+s saves it over their change. The CLI twin is
// `switchboard wo edit`.
package woedit

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// loadedMsg carries the work order the form edits.
type loadedMsg struct {
	number string
	wo     core.WorkOrder
	err    error
}

// savedMsg carries the outcome of saving.
type savedMsg struct {
	wo  core.WorkOrder
	err error
}

// Model is the edit form of one work order.
type Model struct {
	c      *common.Common
	number string
	wo     *core.WorkOrder
	// base is the work order as the form was opened on: a save sends only
	// the fields that differ from it, so a save over a conflict never undoes
	// the other person's change to a field this form did not touch.
	base core.WorkOrder
	// version is what a save checks against: the version opened, or the one
	// shown after a conflict (the user chose to save over it).
	version       uint64
	form          *common.Form
	err           error
	width, height int

	subject, region, address, device, phone, email, due *common.TextField
	description                                         *common.AreaField
	typ, priority                                       *common.ChoiceField
	contact                                             *common.ContactField
}

// New returns the form for work order number; Init loads it.
func New(c *common.Common, number string) *Model {
	return &Model{c: c, number: number}
}

// Number is the work order the form edits.
func (m *Model) Number() string { return m.number }

// Init loads the work order.
func (m *Model) Init() tea.Cmd { return loadCmd(m.c.Svc, m.number) }

func loadCmd(svc *core.Service, number string) tea.Cmd {
	return func() tea.Msg {
		w, err := svc.WorkOrder(number)
		return loadedMsg{number: number, wo: w, err: err}
	}
}

// SetSize gives the form its area.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	if m.form != nil {
		m.form.SetSize(w, h)
	}
}

// Capturing is true while a text field has the keyboard.
func (m *Model) Capturing() bool { return m.form != nil && m.form.Typing() }

// dueText is how the form shows a due time: in the console's time zone.
func (m *Model) dueText(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(m.c.Location()).Format("2006-01-02 15:04")
}

// build makes the form from the work order.
func (m *Model) build(w core.WorkOrder) tea.Cmd {
	c := m.c
	m.subject = common.NewTextField(c, "Subject", "subject", w.Subject, 200)
	m.description = common.NewAreaField(c, "Description", "description", w.Description, 10000, 4)
	m.typ = common.NewChoiceField("Record type", "type", core.DefaultRecordTypes, w.RecordType)
	prios := make([]string, len(core.AllPriorities))
	for i, p := range core.AllPriorities {
		prios[i] = string(p)
	}
	m.priority = common.NewChoiceField("Priority", "priority", prios, string(w.Priority))
	m.contact = common.NewContactField(c, "Contact", "contact", w.ContactID, w.ContactName)
	m.phone = common.NewTextField(c, "Phone", "phone", w.Phone, 32)
	m.email = common.NewTextField(c, "Email", "email", w.Email, 254)
	m.region = common.NewTextField(c, "Region", "region", w.Region, 60)
	m.address = common.NewTextField(c, "Address", "address", w.Address, 300)
	m.device = common.NewTextField(c, "Device code", "device", w.DeviceCode, 64)
	m.due = common.NewTextField(c, "Due", "due", m.dueText(w.DueAt), 32).WithPlaceholder("2026-12-05 17:00, 17:00 for today; empty for none")
	m.form = common.NewForm(c, "Edit "+w.Number, m.subject, m.description, m.typ, m.priority, m.contact,
		m.phone, m.email, m.region, m.address, m.device, m.due)
	m.form.Note = fmt.Sprintf("version %d; ctrl+s saves what changed", w.Version)
	m.form.KeyMap.Save.SetHelp("ctrl+s", "save")
	m.form.Hints["contact"] = "the account follows the contact; a new contact, phone or email finds the external owner again (R-WO-4)"
	m.form.SetSize(m.width, m.height)
	return m.form.Init()
}

// Update handles the load, keys and the save.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loadedMsg:
		if msg.number != m.number {
			return nil
		}
		if msg.err != nil {
			m.err = msg.err
			return common.ErrorCmd(msg.err)
		}
		w := msg.wo
		first := m.wo == nil
		m.wo, m.version = &w, w.Version
		if first {
			m.base = w
			return m.build(w)
		}
		return nil
	case savedMsg:
		return m.saved(msg)
	case tea.KeyMsg:
		if m.form == nil {
			if msg.String() == "esc" {
				return common.BackCmd
			}
			return nil
		}
		cmd, ev := m.form.Update(msg)
		switch ev {
		case common.FormCancel:
			return common.BackCmd
		case common.FormSave:
			p, err := m.patch()
			if err != nil {
				return m.form.SetError(err)
			}
			if p.Empty() {
				return common.BackWithStatus(m.number + ": nothing changed.")
			}
			return tea.Batch(m.form.StartSaving(), saveCmd(m.c.Svc, m.c.Actor, m.number, m.version, p))
		}
		return cmd
	}
	if m.form != nil {
		cmd, _ := m.form.Update(msg)
		return cmd
	}
	return nil
}

func saveCmd(svc *core.Service, as core.Actor, number string, version uint64, p core.WorkOrderPatch) tea.Cmd {
	return func() tea.Msg {
		w, err := svc.UpdateWorkOrder(as, number, version, p)
		return savedMsg{wo: w, err: err}
	}
}

// saved ends a save: back to the detail, or the refusal under its field, or
// the conflict with who changed what.
func (m *Model) saved(msg savedMsg) tea.Cmd {
	if conflict, ok := common.Conflict(msg.err); ok {
		m.form.Saved(nil)
		// The form keeps what was typed; the work order as it is now comes
		// back in a loadedMsg, and saving again means "mine over theirs".
		m.form.SetBanner(conflict.Error() + " — your changes are still here: ctrl+s saves them over that change, esc drops them.")
		return tea.Batch(common.ErrorCmd(conflict), loadCmd(m.c.Svc, m.number))
	}
	if msg.err != nil {
		return m.form.Saved(msg.err)
	}
	m.form.Saved(nil)
	return common.BackWithStatus(fmt.Sprintf("%s saved (version %d).", msg.wo.Number, msg.wo.Version))
}

// patch is what the form changes: only the fields that differ from the work
// order as the form has it, so a save never writes back what it did not touch.
func (m *Model) patch() (core.WorkOrderPatch, error) {
	w := &m.base
	var p core.WorkOrderPatch
	text := func(f interface{ Value() string }, was string) *string {
		if v := f.Value(); v != strings.TrimSpace(was) {
			return &v
		}
		return nil
	}
	p.Subject = text(m.subject, w.Subject)
	p.Description = text(m.description, w.Description)
	p.RecordType = text(m.typ, w.RecordType)
	p.Phone = text(m.phone, w.Phone)
	p.Email = text(m.email, w.Email)
	p.Region = text(m.region, w.Region)
	p.Address = text(m.address, w.Address)
	p.DeviceCode = text(m.device, w.DeviceCode)
	if v := core.Priority(m.priority.Value()); v != w.Priority && slices.Contains(core.AllPriorities, v) {
		p.Priority = &v
	}
	if id := m.contact.ID(); id != w.ContactID {
		p.ContactID = &id
	}
	if v := m.due.Value(); v != m.dueText(w.DueAt) {
		if v == "" {
			p.ClearDue = true
		} else {
			t, err := core.ParseReportTime("due", v, m.c.Now(), m.c.Location())
			if err != nil {
				return p, err
			}
			p.DueAt = &t
		}
	}
	return p, nil
}

// View draws the form.
func (m *Model) View() string {
	switch {
	case m.err != nil && m.form == nil:
		return m.c.Styles.Error.Render(common.Truncate(m.err.Error(), m.width)) + "\n" + m.c.Styles.Muted.Render("esc goes back")
	case m.form == nil:
		return m.c.Styles.Muted.Render("loading " + m.number + "…")
	}
	return m.form.View()
}

// ShortHelp lists the form's keys.
func (m *Model) ShortHelp() []key.Binding {
	if m.form == nil {
		return nil
	}
	return m.form.ShortHelp()
}

// FullHelp lists every key of the form.
func (m *Model) FullHelp() [][]key.Binding {
	if m.form == nil {
		return nil
	}
	return m.form.FullHelp()
}
