// Package users is the console's users screen (R-ROLE-1): internal users with
// their roles, state and SSH keys; admins add users, change roles and disable or
// enable them. The CLI twins are `switchboard user add|list|roles|disable|enable`.
package users

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// mode is what the screen is doing.
type mode int

const (
	modeList       mode = iota
	modeNew             // the new-user form
	modeRoles           // changing the selected user's roles
	modeConfirm         // "disable dora?"
	modeKeys            // the selected user's SSH keys under the list
	modeKeyAdd          // pasting a public key
	modeKeyConfirm      // "remove key …?"
	modeLink            // typing the OS user who acts as the user
	modeTypes           // the record types each role may create
	modeAccount         // typing the user's call account
)

type keyMap struct {
	back, reload, add, roles, toggle, confirm key.Binding
	keys, link, types, account                key.Binding
}

// Model is the users screen.
type Model struct {
	c             *common.Common
	keys          keyMap
	width, height int

	users  []core.User
	list   *common.List
	shown  common.Filtered[core.User]
	loaded bool
	err    error

	mode mode
	// form is the new-user form or the roles editor; roles is its checklist.
	form  *common.Form
	roles *common.ChecksField
	// login is who the roles editor, the keys panel or the link is about.
	login string
	// The SSH keys panel and the OS-user link (keys.go).
	kkeys  keysKeys
	keyCur int
	prompt common.Prompt
}

// New returns the screen; Init loads the users.
func New(c *common.Common) *Model {
	k := c.Keys
	l := common.NewList(c, columns)
	l.SetPlaceholder("login, name, role")
	return &Model{c: c, list: l, keys: keyMap{
		back: k.Back, reload: k.Reload, add: k.NewUser, roles: k.EditRoles, toggle: k.ToggleEnabled, confirm: k.Confirm,
		keys: k.SSHKeys, link: k.LinkOSUser,
		types:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "record types by role")),
		account: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "call account")),
	}, kkeys: newKeysKeys(k), prompt: common.NewPrompt(c)}
}

// loadedMsg carries the user list.
type loadedMsg struct {
	users []core.User
	err   error
}

func loadCmd(svc *core.Service) tea.Cmd {
	return func() tea.Msg {
		us, err := svc.Users()
		return loadedMsg{us, err}
	}
}

// savedMsg is the outcome of a change; what says it in the footer.
type savedMsg struct {
	user core.User
	what string
	err  error
}

func addCmd(svc *core.Service, as core.Actor, in core.NewUser) tea.Cmd {
	in.Roles = slices.Clone(in.Roles)
	return func() tea.Msg {
		u, err := svc.AddUser(as, in)
		return savedMsg{u, fmt.Sprintf("User %s added.", u.Login), err}
	}
}

func rolesCmd(svc *core.Service, as core.Actor, login string, roles []core.Role) tea.Cmd {
	roles = slices.Clone(roles)
	return func() tea.Msg {
		u, err := svc.SetUserRoles(as, login, roles)
		return savedMsg{u, fmt.Sprintf("%s's roles are now %s.", u.Login, joinRoles(u.Roles)), err}
	}
}

func disableCmd(svc *core.Service, as core.Actor, login string, disabled bool) tea.Cmd {
	return func() tea.Msg {
		u, err := svc.SetUserDisabled(as, login, disabled)
		what := fmt.Sprintf("%s is disabled: they can no longer log in.", u.Login)
		if !disabled {
			what = fmt.Sprintf("%s is enabled again.", u.Login)
		}
		return savedMsg{u, what, err}
	}
}

// Init loads the users.
func (m *Model) Init() tea.Cmd { return loadCmd(m.c.Svc) }

// SetSize gives the screen its area.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.layout()
}

// layout gives the list what the form under it leaves.
func (m *Model) layout() {
	below := len(m.belowLines())
	if m.form != nil {
		below = min(m.height/2+2, 10)
		m.form.SetSize(m.width, below)
	}
	if below > 0 {
		below++ // the blank line above it
	}
	m.list.SetSize(m.width, max(3, m.height-below))
}

// Capturing is true while a form's text field or the filter has the keyboard.
func (m *Model) Capturing() bool {
	if m.form != nil {
		return m.form.Typing()
	}
	if m.prompt.Active() {
		return true
	}
	return m.list.Filtering()
}

// may reports whether the acting user may manage users, and why not.
func (m *Model) may() (bool, string) { return m.c.MayAdminister("manage users") }

func (m *Model) selected() *core.User { return m.shown.Ref(m.list.Cursor()) }

// bindings are the keys, enabled where they apply.
func (m *Model) bindings() keyMap {
	k := m.keys
	may, _ := m.may()
	list := m.mode == modeList
	u := m.selected()
	k.reload.SetEnabled(list)
	k.add.SetEnabled(list && may)
	k.roles.SetEnabled(list && may && u != nil)
	k.toggle.SetEnabled(list && may && u != nil)
	k.keys.SetEnabled(list && may && u != nil)
	k.link.SetEnabled(list && may && u != nil)
	if u != nil && u.Disabled {
		k.toggle.SetHelp("d", "enable")
	} else {
		k.toggle.SetHelp("d", "disable")
	}
	k.confirm.SetEnabled(m.mode == modeConfirm)
	k.back.SetHelp("esc", "back")
	return k
}

// ShortHelp lists the footer keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.bindings()
	switch {
	case m.form != nil:
		return m.form.ShortHelp()
	case m.mode == modeConfirm, m.mode == modeKeyConfirm:
		return []key.Binding{k.confirm, k.back}
	case m.prompt.Active():
		return m.prompt.Keys()
	case m.mode == modeKeys:
		kk := m.kkeys
		u := m.keyPanelUser()
		kk.remove.SetEnabled(u != nil && len(u.Keys) > 0)
		return []key.Binding{kk.add, kk.remove, kk.up, kk.down, kk.back}
	case m.list.Filtering():
		return m.list.ShortHelp()
	}
	return append([]key.Binding{k.add, k.roles, k.toggle, k.keys, k.link, k.account, k.types, k.reload}, m.list.ShortHelp()...)
}

// FullHelp lists the keys for "?".
func (m *Model) FullHelp() [][]key.Binding {
	if m.form != nil {
		return m.form.FullHelp()
	}
	if m.mode != modeList {
		return [][]key.Binding{m.ShortHelp()}
	}
	k := m.bindings()
	return [][]key.Binding{m.list.FullHelp(), {k.add, k.roles, k.toggle, k.keys, k.link, k.account, k.types, k.reload}}
}

// Update handles keys, loaded data and results.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loadedMsg:
		m.loaded, m.err = true, msg.err
		if msg.err == nil {
			keep := ""
			if u := m.selected(); u != nil {
				keep = u.Login
			}
			m.users = msg.users
			m.refilter(keep)
		}
		return nil
	case common.UsersChangedMsg:
		return loadCmd(m.c.Svc)
	case savedMsg:
		if m.form != nil {
			if cmd := m.form.Saved(msg.err); msg.err != nil {
				return cmd
			}
		} else if msg.err != nil {
			if m.mode != modeKeys {
				m.mode = modeList
			}
			m.layout()
			return common.ErrorCmd(msg.err)
		}
		if m.mode == modeKeys {
			m.layout()
		} else {
			m.closeForm()
		}
		if msg.user.Login != "" { // not for the record-types form
			if i := slices.IndexFunc(m.users, func(u core.User) bool { return u.Login == msg.user.Login }); i >= 0 {
				m.users[i] = msg.user
			} else {
				m.users = append(m.users, msg.user)
				slices.SortFunc(m.users, func(a, b core.User) int { return strings.Compare(a.Login, b.Login) })
			}
			m.refilter(msg.user.Login)
		}
		return tea.Batch(loadCmd(m.c.Svc), common.StatusCmd(msg.what))
	case tea.KeyMsg:
		return m.keyCmd(msg)
	case tea.MouseMsg:
		if m.mode == modeList {
			_, _ = m.list.Update(msg)
		}
		return nil
	}
	if m.form != nil {
		cmd, _ := m.form.Update(msg)
		return cmd
	}
	cmd, ev := m.list.Update(msg)
	if ev.Has(common.ListFilterChanged) {
		m.refilter("")
	}
	return cmd
}

// refilter shows the users the filter keeps, the cursor on login keep.
func (m *Model) refilter(keep string) {
	m.shown.Set(m.users, func(u core.User) string {
		return strings.Join([]string{u.Login, u.Name, joinRoles(u.Roles), u.Phone, u.Email}, " ")
	})
	m.shown.Apply(m.list.Filter())
	m.list.SetLen(m.shown.Len())
	if i := m.shown.Index(func(u core.User) bool { return u.Login == keep }); keep != "" && i >= 0 {
		m.list.Select(i)
	}
}

func (m *Model) closeForm() {
	m.form, m.roles, m.mode = nil, nil, modeList
	m.layout()
}

func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	k := m.bindings()
	switch m.mode {
	case modeNew, modeRoles, modeTypes:
		cmd, ev := m.form.Update(msg)
		switch ev {
		case common.FormCancel:
			m.closeForm()
			return nil
		case common.FormSave:
			return tea.Batch(m.form.StartSaving(), m.saveCmd())
		}
		return cmd
	case modeKeys, modeKeyAdd, modeKeyConfirm, modeLink, modeAccount:
		return m.keysKey(msg)
	case modeConfirm:
		m.mode = modeList
		m.layout()
		u := m.selected()
		if key.Matches(msg, k.confirm) && u != nil {
			return disableCmd(m.c.Svc, m.c.Actor, u.Login, !u.Disabled)
		}
		return common.StatusCmd("Nothing changed.")
	}
	cmd, ev := m.list.Update(msg)
	if ev.Has(common.ListFilterChanged) {
		m.refilter("")
	}
	if ev.Has(common.ListHandled) {
		return cmd
	}
	may, why := m.may()
	switch {
	case key.Matches(msg, k.back):
		return common.BackCmd
	case key.Matches(msg, k.reload):
		return loadCmd(m.c.Svc)
	case key.Matches(msg, m.keys.add), key.Matches(msg, m.keys.roles), key.Matches(msg, m.keys.toggle),
		key.Matches(msg, m.keys.keys), key.Matches(msg, m.keys.link), key.Matches(msg, m.keys.types), key.Matches(msg, m.keys.account):
		if !may {
			return common.ErrorCmd(common.Sentence(why))
		}
		switch {
		case key.Matches(msg, k.add):
			return m.openForm()
		case key.Matches(msg, k.roles):
			return m.openRoles()
		case key.Matches(msg, k.toggle):
			m.mode = modeConfirm
			m.layout()
		case key.Matches(msg, k.keys):
			return m.openKeys()
		case key.Matches(msg, k.link):
			return m.openLink()
		case key.Matches(msg, k.types):
			return m.openTypes()
		case key.Matches(msg, k.account):
			return m.openAccount()
		}
	}
	return nil
}

// roleNames are the roles as the checklist shows them.
func roleNames(rs []core.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

// openForm starts the new-user form with the login focused.
func (m *Model) openForm() tea.Cmd {
	c := m.c
	m.roles = common.NewChecksField("Roles", "role", roleNames(core.AllRoles), []string{string(core.RoleDispatcher)})
	m.form = common.NewForm(c, "New user",
		common.NewTextField(c, "Login", "login", "", 64).WithPlaceholder("li.na (lower case)"),
		common.NewTextField(c, "Name", "name", "", 100),
		common.NewTextField(c, "Phone", "phone", "", 32).WithPlaceholder("optional"),
		common.NewTextField(c, "Email", "email", "", 254).WithPlaceholder("optional"),
		m.roles,
	)
	m.form.KeyMap.Save.SetHelp("ctrl+s", "add the user")
	m.mode = modeNew
	m.layout()
	return m.form.Init()
}

// openRoles starts the roles editor of the selected user: enter saves.
func (m *Model) openRoles() tea.Cmd {
	u := m.selected()
	if u == nil {
		return nil
	}
	m.login = u.Login
	m.roles = common.NewChecksField("Roles", "role", roleNames(core.AllRoles), roleNames(u.Roles))
	m.form = common.NewForm(m.c, "Roles of "+u.Login, m.roles)
	m.form.KeyMap.Save.SetKeys("enter", "ctrl+s")
	m.form.KeyMap.Save.SetHelp("enter", "save roles")
	m.mode = modeRoles
	m.layout()
	return m.form.Init()
}

// openTypes starts the record-types form: one line per role and door, the
// types it may create (empty: every type) — the twin of `role types`.
func (m *Model) openTypes() tea.Cmd {
	cur, err := m.c.Svc.RoleRecordTypes()
	if err != nil {
		return common.ErrorCmd(err)
	}
	var fields []common.Field
	for _, h := range core.TypeHolders() {
		fields = append(fields, common.NewTextField(m.c, h, h, strings.Join(cur[h], ", "), 200).WithPlaceholder("every type · e.g. "+strings.Join(core.DefaultRecordTypes[:2], ", ")))
	}
	m.form = common.NewForm(m.c, "Record types each role may create (admins: every type)", fields...)
	m.form.Note = "types: " + strings.Join(core.DefaultRecordTypes, ", ") + " · api, email and web are the API, mail intake and the customers' forms"
	m.form.KeyMap.Save.SetHelp("ctrl+s", "save")
	m.mode = modeTypes
	m.layout()
	return m.form.Init()
}

// saveCmd sends the form.
func (m *Model) saveCmd() tea.Cmd {
	if m.mode == modeTypes {
		svc, as := m.c.Svc, m.c.Actor
		vals := map[string]string{}
		for _, f := range m.form.Fields() {
			vals[f.Name()] = f.(*common.TextField).Value()
		}
		return func() tea.Msg {
			for _, h := range core.TypeHolders() {
				if _, err := svc.SetRoleRecordTypes(as, h, strings.Split(vals[h], ",")); err != nil {
					return savedMsg{err: core.Invalid(h, "%s", err.Error())}
				}
			}
			return savedMsg{what: "Record types by role saved."}
		}
	}
	var roles []core.Role
	for _, r := range m.roles.Checked() {
		roles = append(roles, core.Role(r))
	}
	if m.mode == modeRoles {
		return rolesCmd(m.c.Svc, m.c.Actor, m.login, roles)
	}
	v := func(i int) string { return m.form.Fields()[i].(*common.TextField).Value() }
	return addCmd(m.c.Svc, m.c.Actor, core.NewUser{Login: v(0), Name: v(1), Phone: v(2), Email: v(3), Roles: roles})
}

func joinRoles(rs []core.Role) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}
