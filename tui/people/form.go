package people

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// openForm opens the add (id 0) or edit form of the current view.
func (m *Model) openForm(id core.ID) tea.Cmd {
	c := m.c
	var f *common.Form
	switch m.view {
	case viewAccounts:
		var a core.Account
		if id != 0 {
			a = *m.accounts.Ref(m.list().Cursor())
		}
		f = common.NewForm(c, title("account", id),
			common.NewTextField(c, "Name", "name", a.Name, 200),
			common.NewTextField(c, "Region", "region", a.Region, 60).WithPlaceholder("e.g. East: region rules match it"),
			common.NewTextField(c, "Phone", "phone", a.Phone, 32),
			common.NewTextField(c, "Address", "address", a.Address, 300).WithPlaceholder("prefills its work orders' address"),
		)
	case viewContacts:
		var r core.ContactRow
		if id != 0 {
			r = *m.contacts.Ref(m.list().Cursor())
		}
		fields := []common.Field{
			common.NewTextField(c, "Name", "name", r.Name, 100),
			common.NewTextField(c, "Phone", "phone", r.Phone, 32),
			common.NewTextField(c, "Email", "email", r.Email, 254),
			common.NewTextField(c, "Account", "account", r.AccountName, 200).WithPlaceholder("account name; a new name makes a new account"),
		}
		if id == 0 {
			fields = append(fields, common.NewChoiceField("Terminal user", "terminal-user", []string{"no", "yes"}, "no"))
		}
		f = common.NewForm(c, title("contact", id), fields...)
		f.Hints["terminal-user"] = "yes also makes the customer's terminal user, so they can act on links (needs a phone or an email)"
	case viewProviders:
		var p core.Provider
		if id != 0 {
			p = *m.providers.Ref(m.list().Cursor())
		}
		f = common.NewForm(c, title("service provider", id),
			common.NewTextField(c, "Name", "name", p.Name, 200),
			common.NewTextField(c, "Tenant ID", "tenant-id", p.TenantID, 64).WithPlaceholder("the provider's external tenant ID"),
		)
	case viewTerminal:
		f = common.NewForm(c, "New terminal user",
			common.NewTextField(c, "Name", "name", "", 100),
			common.NewTextField(c, "Phone", "phone", "", 32).WithPlaceholder("they sign in with it (or the email)"),
			common.NewTextField(c, "Email", "email", "", 254),
		)
		f.Note = "a customer without a contact record: they can act on links sent to them"
	case viewEngineers:
		names, _ := m.providerChoices()
		if len(names) == 0 {
			return common.ErrorCmd(common.Sentence("There are no service providers yet: add one in the Providers view (tab) first."))
		}
		e := core.Engineer{}
		prov := names[0]
		if id != 0 {
			e = *m.engineers.Ref(m.list().Cursor())
			prov = providerLabel(m.provNames[e.ProviderID], e.ProviderID)
		}
		f = common.NewForm(c, title("engineer", id),
			common.NewTextField(c, "Name", "name", e.Name, 100),
			common.NewChoiceField("Provider", "provider", names, prov),
			common.NewTextField(c, "Phone", "phone", e.Phone, 32),
			common.NewTextField(c, "Email", "email", e.Email, 254),
			common.NewTextField(c, "Region", "region", e.Region, 60),
		)
	}
	m.form, m.formView, m.editing = f, m.view, id
	f.SetSize(m.width, m.height)
	return f.Init()
}

func title(what string, id core.ID) string {
	if id == 0 {
		return "New " + what
	}
	return fmt.Sprintf("Edit %s %d", what, id)
}

// formKey handles a key while the form is open.
func (m *Model) formKey(msg tea.KeyMsg) tea.Cmd {
	cmd, ev := m.form.Update(msg)
	switch ev {
	case common.FormCancel:
		m.form = nil
		return nil
	case common.FormSave:
		return tea.Batch(m.form.StartSaving(), m.saveCmd())
	}
	return cmd
}

// value reads the form's field named name.
func (m *Model) value(name string) string {
	for _, f := range m.form.Fields() {
		if f.Name() == name {
			if v, ok := f.(interface{ Value() string }); ok {
				return v.Value()
			}
		}
	}
	return ""
}

// saveCmd adds or changes the record the form describes.
func (m *Model) saveCmd() tea.Cmd {
	svc, as, id := m.c.Svc, m.c.Actor, m.editing
	v := func(name string) *string { s := m.value(name); return &s }
	done := func(status string, err error) tea.Msg { return savedMsg{status: status, err: err, fromForm: true} }
	switch m.formView {
	case viewAccounts:
		p := core.AccountPatch{Name: v("name"), Region: v("region"), Phone: v("phone"), Address: v("address")}
		return func() tea.Msg {
			if id == 0 {
				a, err := svc.AddAccount(as, *p.Name, *p.Region)
				if err == nil && (*p.Phone != "" || *p.Address != "") {
					a, err = svc.EditAccount(as, a.ID, core.AccountPatch{Phone: p.Phone, Address: p.Address})
				}
				return done(fmt.Sprintf("Account %s added (id %d).", a.Name, a.ID), err)
			}
			a, err := svc.EditAccount(as, id, p)
			return done(fmt.Sprintf("Account %s saved.", a.Name), err)
		}
	case viewContacts:
		p := core.ContactPatch{Name: v("name"), Phone: v("phone"), Email: v("email"), AccountName: v("account")}
		tu := m.value("terminal-user") == "yes"
		return func() tea.Msg {
			if id == 0 {
				r, err := svc.AddContact(as, core.NewContact{Name: *p.Name, Phone: *p.Phone, Email: *p.Email, AccountName: *p.AccountName, TerminalUser: tu})
				return done(fmt.Sprintf("Contact %s added (id %d).", r.Contact.Name, r.Contact.ID), err)
			}
			r, err := svc.EditContact(as, id, p)
			return done(fmt.Sprintf("Contact %s saved.", r.Name), err)
		}
	case viewTerminal:
		in := core.NewTerminalUser{Name: m.value("name"), Phone: m.value("phone"), Email: m.value("email")}
		return func() tea.Msg {
			t, err := svc.AddTerminalUser(as, in)
			return done(fmt.Sprintf("Terminal user %s added (id %d).", t.Name, t.ID), err)
		}
	case viewProviders:
		p := core.ProviderPatch{Name: v("name"), TenantID: v("tenant-id")}
		return func() tea.Msg {
			if id == 0 {
				pr, err := svc.AddProvider(as, *p.Name, *p.TenantID)
				return done(fmt.Sprintf("Provider %s added (id %d).", pr.Name, pr.ID), err)
			}
			pr, err := svc.EditProvider(as, id, p)
			return done(fmt.Sprintf("Provider %s saved.", pr.Name), err)
		}
	}
	_, ids := m.providerChoices()
	prov := ids[m.value("provider")]
	p := core.EngineerPatch{Name: v("name"), Phone: v("phone"), Email: v("email"), Region: v("region"), ProviderID: prov}
	return func() tea.Msg {
		if id == 0 {
			e, err := svc.AddEngineer(as, core.NewEngineer{Name: *p.Name, Phone: *p.Phone, Email: *p.Email, Region: *p.Region, ProviderID: prov})
			return done(fmt.Sprintf("Engineer %s added (id %d).", e.Name, e.ID), err)
		}
		e, err := svc.EditEngineer(as, id, p)
		return done(fmt.Sprintf("Engineer %s saved.", e.Name), err)
	}
}
