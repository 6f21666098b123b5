// Package people is the console's People section: customer accounts and
// contacts, service providers and their engineers (R-ROLE-2, R-ROLE-3), and
// terminal users without a contact — listed, filtered with "/", added,
// edited, and disabled or enabled again. The CLI twins are `switchboard
// account|contact|provider|engineer add|list|edit|disable|enable` and
// `switchboard terminal-user add`.
package people

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// view is one kind of record the section shows.
type view int

const (
	viewAccounts view = iota
	viewContacts
	viewProviders
	viewEngineers
	viewTerminal
	viewCount
)

var viewTitles = []string{"Accounts", "Contacts", "Providers", "Engineers", "Terminal users"}

var columns = [viewCount][]common.Column{
	viewAccounts: {
		{Title: "ID", Width: 5, Right: true},
		{Title: "NAME", Weight: 3, Min: 14},
		{Title: "REGION", Width: 10},
		{Title: "PHONE", Width: 14, Hide: 2},
		{Title: "ADDRESS", Weight: 3, Min: 10, Hide: 1},
	},
	viewContacts: {
		{Title: "ID", Width: 5, Right: true},
		{Title: "NAME", Weight: 2, Min: 10},
		{Title: "ACCOUNT", Weight: 3, Min: 12},
		{Title: "PHONE", Width: 14},
		{Title: "EMAIL", Weight: 2, Min: 10, Hide: 1},
		{Title: "STATE", Width: 8, Hide: 2},
	},
	viewProviders: {
		{Title: "ID", Width: 5, Right: true},
		{Title: "NAME", Weight: 3, Min: 14},
		{Title: "TENANT ID", Width: 12},
		{Title: "ENGINEERS", Width: 9, Right: true},
		{Title: "STATE", Width: 8},
	},
	viewEngineers: {
		{Title: "ID", Width: 5, Right: true},
		{Title: "NAME", Weight: 2, Min: 10},
		{Title: "PROVIDER", Weight: 3, Min: 12},
		{Title: "REGION", Width: 8},
		{Title: "PHONE", Width: 14, Hide: 1},
		{Title: "STATE", Width: 8},
	},
	viewTerminal: {
		{Title: "ID", Width: 5, Right: true},
		{Title: "NAME", Weight: 2, Min: 10},
		{Title: "PHONE", Width: 14},
		{Title: "EMAIL", Weight: 2, Min: 10, Hide: 1},
		{Title: "CONTACT", Width: 8, Right: true, Hide: 2},
		{Title: "WECHAT", Width: 6, Hide: 3},
	},
}

type keyMap struct {
	nextView, prevView, add, edit, toggle, reload key.Binding
}

// Model is the People section.
type Model struct {
	c             *common.Common
	keys          keyMap
	width, height int
	view          view
	lists         [viewCount]*common.List

	accounts  common.Filtered[core.Account]
	contacts  common.Filtered[core.ContactRow]
	providers common.Filtered[core.Provider]
	engineers common.Filtered[core.Engineer]
	terminal  common.Filtered[core.TerminalUser]
	provNames map[core.ID]string
	loaded    bool
	err       error
	busy      common.Busy

	// form is the open add or edit form; editing names what it edits (0: new).
	form     *common.Form
	formView view
	editing  core.ID
}

// New returns the section; Init loads it.
func New(c *common.Common) *Model {
	k := c.Keys
	add := k.New
	add.SetHelp("n", "new")
	edit := k.Edit
	edit.SetHelp("enter", "edit")
	toggle := k.ToggleEnabled
	m := &Model{c: c, busy: common.NewBusy(c.Styles), keys: keyMap{
		nextView: k.NextView, prevView: k.PrevView, add: add, edit: edit, toggle: toggle, reload: k.Reload,
	}}
	for v := range viewCount {
		l := common.NewList(c, columns[v])
		l.Y = 1 // under the view tabs
		l.SetPlaceholder("name, phone, email, region…")
		l.Empty = fmt.Sprintf("No %s yet: press n to add one.", strings.ToLower(viewTitles[v]))
		m.lists[v] = l
	}
	return m
}

// loadedMsg carries the whole directory.
type loadedMsg struct {
	dir      core.Directory
	contacts []core.ContactRow
	terminal []core.TerminalUser
	err      error
}

func loadCmd(svc *core.Service) tea.Cmd {
	return func() tea.Msg {
		d, err := svc.Directory()
		if err != nil {
			return loadedMsg{err: err}
		}
		cs, err := svc.Contacts()
		if err != nil {
			return loadedMsg{err: err}
		}
		ts, err := svc.TerminalUsers()
		return loadedMsg{dir: d, contacts: cs, terminal: ts, err: err}
	}
}

// savedMsg is the outcome of a form or a switch.
type savedMsg struct {
	status string
	err    error
	// fromForm says the form sent it (a refusal goes under its fields).
	fromForm bool
}

// Init loads the directory.
func (m *Model) Init() tea.Cmd { return tea.Batch(loadCmd(m.c.Svc), m.busy.StartCmd()) }

// SetSize gives the section its area.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	for _, l := range m.lists {
		l.SetSize(w, max(3, h-1))
	}
	if m.form != nil {
		m.form.SetSize(w, h)
	}
}

// Capturing is true while a text field or the filter has the keyboard.
func (m *Model) Capturing() bool {
	if m.form != nil {
		return m.form.Typing()
	}
	return m.list().Filtering()
}

func (m *Model) list() *common.List { return m.lists[m.view] }

// may reports whether the acting user may change records of view v, and why not.
func (m *Model) may(v view) (bool, string) {
	switch v {
	case viewAccounts, viewContacts:
		return m.c.May("change accounts and contacts", common.DeskRoles...)
	case viewTerminal:
		return m.c.May("add terminal users", core.RoleAdmin, core.RoleDispatcher, core.RoleCallCenter)
	}
	return m.c.MayAdminister("change service providers and engineers")
}

// Update handles keys, loads, saves and change notices.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loadedMsg:
		m.busy.Stop()
		m.loaded, m.err = true, msg.err
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		m.setData(msg.dir, msg.contacts, msg.terminal)
		return nil
	case savedMsg:
		if m.form != nil && msg.fromForm {
			if cmd := m.form.Saved(msg.err); msg.err != nil {
				return cmd
			}
			m.form = nil
		} else if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		return tea.Batch(common.StatusCmd(msg.status), loadCmd(m.c.Svc))
	case common.PeopleChangedMsg:
		return loadCmd(m.c.Svc)
	case tea.KeyMsg:
		if m.form != nil {
			return m.formKey(msg)
		}
		return m.keyCmd(msg)
	case tea.MouseMsg:
		if m.form == nil {
			_, _ = m.list().Update(msg)
		}
		return nil
	}
	if m.form != nil {
		cmd, _ := m.form.Update(msg)
		return cmd
	}
	cmd, _ := m.list().Update(msg)
	return tea.Batch(cmd, m.busy.Update(msg))
}

// setData installs a load, keeping each list's filter and cursor row.
func (m *Model) setData(d core.Directory, cs []core.ContactRow, ts []core.TerminalUser) {
	m.provNames = map[core.ID]string{}
	for _, p := range d.Providers {
		m.provNames[p.ID] = p.Name
	}
	m.accounts.Set(d.Accounts, func(a core.Account) string {
		return strings.Join([]string{fmt.Sprint(a.ID), a.Name, a.Region, a.Phone, a.Address}, " ")
	})
	m.contacts.Set(cs, func(c core.ContactRow) string {
		return strings.Join([]string{fmt.Sprint(c.ID), c.Name, c.AccountName, c.Phone, c.Email, state(c.Disabled)}, " ")
	})
	m.providers.Set(d.Providers, func(p core.Provider) string {
		return strings.Join([]string{fmt.Sprint(p.ID), p.Name, p.TenantID, state(p.Disabled)}, " ")
	})
	m.engineers.Set(d.Engineers, func(e core.Engineer) string {
		return strings.Join([]string{fmt.Sprint(e.ID), e.Name, m.provNames[e.ProviderID], e.Region, e.Phone, e.Email, state(e.Disabled)}, " ")
	})
	m.terminal.Set(ts, func(t core.TerminalUser) string {
		return strings.Join([]string{fmt.Sprint(t.ID), t.Name, t.Phone, t.Email}, " ")
	})
	for v := range viewCount {
		m.applyFilter(v)
	}
}

// applyFilter applies view v's filter to its rows.
func (m *Model) applyFilter(v view) {
	q := m.lists[v].Filter()
	n := 0
	switch v {
	case viewAccounts:
		m.accounts.Apply(q)
		n = m.accounts.Len()
	case viewContacts:
		m.contacts.Apply(q)
		n = m.contacts.Len()
	case viewProviders:
		m.providers.Apply(q)
		n = m.providers.Len()
	case viewEngineers:
		m.engineers.Apply(q)
		n = m.engineers.Len()
	case viewTerminal:
		m.terminal.Apply(q)
		n = m.terminal.Len()
	}
	m.lists[v].SetLen(n)
}

func state(disabled bool) string {
	if disabled {
		return "disabled"
	}
	return "enabled"
}

// keyCmd handles a key on the list.
func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	cmd, ev := m.list().Update(msg)
	if ev.Has(common.ListFilterChanged) {
		m.applyFilter(m.view)
	}
	if ev.Has(common.ListHandled) {
		return cmd
	}
	k := m.bindings()
	switch {
	case key.Matches(msg, k.nextView):
		m.view = (m.view + 1) % viewCount
	case key.Matches(msg, k.prevView):
		m.view = (m.view + viewCount - 1) % viewCount
	case key.Matches(msg, k.reload):
		return tea.Batch(loadCmd(m.c.Svc), m.busy.StartCmd())
	case key.Matches(msg, k.add):
		return m.openForm(0)
	case key.Matches(msg, k.edit):
		return m.openForm(m.selectedID())
	case m.view == viewTerminal && key.Matches(msg, m.keys.edit, m.keys.toggle):
		return common.ErrorCmd(common.Sentence("A terminal user changes through their contact (Contacts view) or when they sign in themselves; here you add ones without a contact."))
	case key.Matches(msg, k.toggle):
		return m.toggleCmd()
	case key.Matches(msg, m.keys.add, m.keys.edit, m.keys.toggle):
		_, why := m.may(m.view)
		if why != "" {
			return common.ErrorCmd(common.Sentence(why))
		}
	}
	return nil
}

// selectedID is the id of the row under the cursor (0: none).
func (m *Model) selectedID() core.ID {
	i := m.list().Cursor()
	switch m.view {
	case viewAccounts:
		if r := m.accounts.Ref(i); r != nil {
			return r.ID
		}
	case viewContacts:
		if r := m.contacts.Ref(i); r != nil {
			return r.ID
		}
	case viewProviders:
		if r := m.providers.Ref(i); r != nil {
			return r.ID
		}
	case viewEngineers:
		if r := m.engineers.Ref(i); r != nil {
			return r.ID
		}
	case viewTerminal:
		if r := m.terminal.Ref(i); r != nil {
			return r.ID
		}
	}
	return 0
}

// toggleCmd disables or enables the selected contact, provider or engineer.
func (m *Model) toggleCmd() tea.Cmd {
	svc, as, i := m.c.Svc, m.c.Actor, m.list().Cursor()
	word := func(off bool) string {
		if off {
			return "disabled: it gets no new work and is not offered"
		}
		return "enabled again"
	}
	switch m.view {
	case viewContacts:
		if r := m.contacts.Ref(i); r != nil {
			id, off := r.ID, !r.Disabled
			return func() tea.Msg {
				c, err := svc.SetContactDisabled(as, id, off)
				return savedMsg{status: fmt.Sprintf("Contact %s is %s.", c.Name, word(off)), err: err}
			}
		}
	case viewProviders:
		if r := m.providers.Ref(i); r != nil {
			id, off := r.ID, !r.Disabled
			return func() tea.Msg {
				p, err := svc.SetProviderDisabled(as, id, off)
				return savedMsg{status: fmt.Sprintf("Provider %s is %s.", p.Name, word(off)), err: err}
			}
		}
	case viewEngineers:
		if r := m.engineers.Ref(i); r != nil {
			id, off := r.ID, !r.Disabled
			return func() tea.Msg {
				e, err := svc.SetEngineerDisabled(as, id, off)
				return savedMsg{status: fmt.Sprintf("Engineer %s is %s.", e.Name, word(off)), err: err}
			}
		}
	}
	return nil
}

// bindings are the keys with what does not apply disabled.
func (m *Model) bindings() keyMap {
	k := m.keys
	may, _ := m.may(m.view)
	selected := m.selectedID() != 0
	k.add.SetEnabled(may && m.loaded)
	// Terminal users are added here; they change through their contact or
	// their own sign-in.
	k.edit.SetEnabled(may && selected && m.view != viewTerminal)
	k.toggle.SetEnabled(may && selected && m.view != viewAccounts && m.view != viewTerminal)
	if m.view != viewAccounts {
		off := false
		switch i := m.list().Cursor(); m.view {
		case viewContacts:
			off = m.contacts.Ref(i) != nil && m.contacts.Ref(i).Disabled
		case viewProviders:
			off = m.providers.Ref(i) != nil && m.providers.Ref(i).Disabled
		case viewEngineers:
			off = m.engineers.Ref(i) != nil && m.engineers.Ref(i).Disabled
		}
		if off {
			k.toggle.SetHelp("d", "enable")
		} else {
			k.toggle.SetHelp("d", "disable")
		}
	}
	return k
}

// ShortHelp lists the footer keys.
func (m *Model) ShortHelp() []key.Binding {
	if m.form != nil {
		return m.form.ShortHelp()
	}
	if m.list().Filtering() {
		return m.list().ShortHelp()
	}
	k := m.bindings()
	return append([]key.Binding{k.edit, k.add, k.toggle, k.nextView}, m.list().ShortHelp()...)
}

// FullHelp lists every key.
func (m *Model) FullHelp() [][]key.Binding {
	if m.form != nil {
		return m.form.FullHelp()
	}
	k := m.bindings()
	return [][]key.Binding{m.list().FullHelp(), {k.edit, k.add, k.toggle}, {k.nextView, k.prevView, k.reload}}
}

// View draws the view tabs and the list, or the open form.
func (m *Model) View() string {
	if m.form != nil {
		return m.form.View()
	}
	st := m.c.Styles
	counts := []int{len(m.accounts.All()), len(m.contacts.All()), len(m.providers.All()), len(m.engineers.All()), len(m.terminal.All())}
	if !m.loaded {
		counts = nil
	}
	head := common.ViewTabs(st, viewTitles, counts, int(m.view), m.width)
	if m.err != nil && !m.loaded {
		return head + "\n" + st.Error.Render(common.Truncate(m.err.Error(), m.width))
	}
	lead := ""
	if may, why := m.may(m.view); !may {
		lead = st.Muted.Render("read only: " + why)
	}
	return head + "\n" + m.list().View(lead, m.busy.View(), m.row)
}

// row draws row i of the current view.
func (m *Model) row(i int) common.Row {
	st := m.c.Styles
	dim := func(off bool) func(int, string) string {
		if !off {
			return nil
		}
		return func(_ int, s string) string { return st.Disabled.Render(s) }
	}
	switch m.view {
	case viewAccounts:
		a := m.accounts.At(i)
		return common.Row{Cells: []string{fmt.Sprint(a.ID), a.Name, common.OrDash(a.Region), common.OrDash(a.Phone), common.OrDash(a.Address)}}
	case viewContacts:
		c := m.contacts.At(i)
		return common.Row{Cells: []string{fmt.Sprint(c.ID), c.Name, common.OrDash(c.AccountName), common.OrDash(c.Phone), common.OrDash(c.Email), state(c.Disabled)}, Style: dim(c.Disabled)}
	case viewTerminal:
		t := m.terminal.At(i)
		contact, wechat := "—", "—"
		if t.ContactID != 0 {
			contact = fmt.Sprint(t.ContactID)
		}
		if t.WeChatOpenID != "" || t.MiniProgramOpenID != "" {
			wechat = "bound"
		}
		return common.Row{Cells: []string{fmt.Sprint(t.ID), t.Name, common.OrDash(t.Phone), common.OrDash(t.Email), contact, wechat}}
	case viewProviders:
		p := m.providers.At(i)
		n := 0
		for _, e := range m.engineers.All() {
			if e.ProviderID == p.ID {
				n++
			}
		}
		return common.Row{Cells: []string{fmt.Sprint(p.ID), p.Name, p.TenantID, fmt.Sprint(n), state(p.Disabled)}, Style: dim(p.Disabled)}
	}
	e := m.engineers.At(i)
	return common.Row{Cells: []string{fmt.Sprint(e.ID), e.Name, m.provNames[e.ProviderID], common.OrDash(e.Region), common.OrDash(e.Phone), state(e.Disabled)}, Style: dim(e.Disabled)}
}

// providerChoices are the providers in id order as the engineer form offers
// them ("Acme Field Services (2)": names need not be unique), with their ids.
func (m *Model) providerChoices() ([]string, map[string]core.ID) {
	ps := slices.Clone(m.providers.All())
	slices.SortFunc(ps, func(a, b core.Provider) int { return int(a.ID) - int(b.ID) })
	out := make([]string, len(ps))
	ids := make(map[string]core.ID, len(ps))
	for i, p := range ps {
		out[i] = providerLabel(p.Name, p.ID)
		ids[out[i]] = p.ID
	}
	return out, ids
}

func providerLabel(name string, id core.ID) string { return fmt.Sprintf("%s (%d)", name, id) }
