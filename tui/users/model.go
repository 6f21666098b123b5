// Package users is the console's users screen (R-ROLE-1): internal users with
// their roles, state and SSH keys; admins add users, change roles and disable or
// enable them. The CLI twins are `switchboard user add|list|roles|disable|enable`.
package users

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// mode is what the screen is doing.
type mode int

const (
	modeList    mode = iota
	modeNew          // the new-user form
	modeRoles        // changing the selected user's roles
	modeConfirm      // "disable dora?"
)

// Form fields of the new-user form, in tab order.
const (
	fLogin = iota
	fName
	fPhone
	fEmail
	fRoles
	fieldCount
)

var fieldLabels = [fieldCount]string{"Login", "Name", "Phone", "Email", "Roles"}
var fieldKeys = [fieldCount]string{"login", "name", "phone", "email", "role"}

type keyMap struct {
	up, down, back, reload, add, roles, toggle, confirm key.Binding
	next, prev, left, right, check, save                key.Binding
}

// Model is the users screen.
type Model struct {
	c             *common.Common
	keys          keyMap
	width, height int

	users  []core.User
	loaded bool
	err    error
	cursor int

	mode   mode
	inputs [fieldCount - 1]textinput.Model
	focus  int
	// roles are the checked roles of the form or the roles editor; roleCur is
	// the highlighted one.
	roles   []core.Role
	roleCur int
	errs    map[string]string
	saving  bool
}

// New returns the screen; Init loads the users.
func New(c *common.Common) *Model {
	k := c.Keys
	m := &Model{c: c, keys: keyMap{
		up: k.Up, down: k.Down, back: k.Back, reload: k.Reload,
		add: k.NewUser, roles: k.EditRoles, toggle: k.ToggleEnabled, confirm: k.Confirm,
		next: k.NextField, prev: k.PrevField, left: k.Left, right: k.Right,
		check: key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "role on/off")),
		save:  k.Save,
	}}
	return m
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
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Capturing is true while the new-user form is open: keys go into its fields.
func (m *Model) Capturing() bool { return m.mode == modeNew }

// may reports whether the acting user may manage users, and why not.
func (m *Model) may() (bool, string) { return m.c.MayAdminister("manage users") }

func (m *Model) selected() *core.User {
	if m.cursor < len(m.users) {
		return &m.users[m.cursor]
	}
	return nil
}

// bindings are the keys, enabled where they apply.
func (m *Model) bindings() keyMap {
	k := m.keys
	may, _ := m.may()
	list := m.mode == modeList
	u := m.selected()
	k.up.SetEnabled(list)
	k.down.SetEnabled(list)
	k.reload.SetEnabled(list)
	k.add.SetEnabled(list && may && !m.saving)
	k.roles.SetEnabled(list && may && u != nil && !m.saving)
	k.toggle.SetEnabled(list && may && u != nil && !m.saving)
	if u != nil && u.Disabled {
		k.toggle.SetHelp("d", "enable")
	} else {
		k.toggle.SetHelp("d", "disable")
	}
	k.confirm.SetEnabled(m.mode == modeConfirm)
	form := m.mode == modeNew
	k.next.SetEnabled(form)
	k.prev.SetEnabled(form)
	onRoles := m.mode == modeRoles || (form && m.focus == fRoles)
	k.left.SetEnabled(onRoles)
	k.right.SetEnabled(onRoles)
	k.check.SetEnabled(onRoles)
	k.save.SetEnabled(form || m.mode == modeRoles)
	if m.mode == modeRoles {
		k.save.SetHelp("enter/ctrl+s", "save roles")
		k.save.SetKeys("enter", "ctrl+s")
	}
	k.back.SetHelp("esc", "back")
	if m.mode != modeList {
		k.back.SetHelp("esc", "cancel")
	}
	return k
}

// ShortHelp lists the footer keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.bindings()
	switch m.mode {
	case modeNew:
		return []key.Binding{k.next, k.prev, k.left, k.right, k.check, k.save, k.back}
	case modeRoles:
		return []key.Binding{k.left, k.right, k.check, k.save, k.back}
	case modeConfirm:
		return []key.Binding{k.confirm, k.back}
	}
	return []key.Binding{k.up, k.down, k.add, k.roles, k.toggle, k.reload, k.back}
}

// FullHelp lists the keys for "?".
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Update handles keys, loaded data and results.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loadedMsg:
		m.loaded, m.err = true, msg.err
		if msg.err == nil {
			login := ""
			if u := m.selected(); u != nil {
				login = u.Login
			}
			m.users = msg.users
			if i := slices.IndexFunc(m.users, func(u core.User) bool { return u.Login == login }); i >= 0 {
				m.cursor = i
			}
			m.cursor = min(m.cursor, max(0, len(m.users)-1))
		}
		return nil
	case common.UsersChangedMsg:
		return loadCmd(m.c.Svc)
	case savedMsg:
		m.saving = false
		if msg.err != nil {
			if m.mode == modeNew {
				m.errs = core.FieldErrors(msg.err)
			}
			if m.mode == modeConfirm {
				m.mode = modeList
			}
			return common.ErrorCmd(msg.err)
		}
		m.mode, m.errs = modeList, nil
		if i := slices.IndexFunc(m.users, func(u core.User) bool { return u.Login == msg.user.Login }); i >= 0 {
			m.users[i] = msg.user
		} else {
			m.users = append(m.users, msg.user)
			slices.SortFunc(m.users, func(a, b core.User) int { return strings.Compare(a.Login, b.Login) })
			m.cursor = slices.IndexFunc(m.users, func(u core.User) bool { return u.Login == msg.user.Login })
		}
		return tea.Batch(loadCmd(m.c.Svc), common.StatusCmd(msg.what))
	case tea.KeyMsg:
		return m.keyCmd(msg)
	}
	if m.mode == modeNew && m.focus < fRoles {
		var cmd tea.Cmd
		m.inputs[m.focus], cmd = m.inputs[m.focus].Update(msg)
		return cmd
	}
	return nil
}

func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	k := m.bindings()
	if key.Matches(msg, k.back) {
		if m.mode == modeList {
			return common.BackCmd
		}
		m.mode, m.errs = modeList, nil
		return nil
	}
	switch m.mode {
	case modeNew:
		return m.formKey(msg, k)
	case modeRoles:
		switch {
		case key.Matches(msg, k.save):
			u := m.selected()
			if u == nil {
				return nil
			}
			m.saving = true
			return rolesCmd(m.c.Svc, m.c.Actor, u.Login, m.roles)
		default:
			m.roleKey(msg, k)
		}
		return nil
	case modeConfirm:
		u := m.selected()
		if key.Matches(msg, k.confirm) && u != nil {
			m.saving = true
			return disableCmd(m.c.Svc, m.c.Actor, u.Login, !u.Disabled)
		}
		m.mode = modeList
		return common.StatusCmd("Nothing changed.")
	}
	may, why := m.may()
	switch {
	case key.Matches(msg, k.up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, k.down):
		m.cursor = min(max(0, len(m.users)-1), m.cursor+1)
	case key.Matches(msg, k.reload):
		return loadCmd(m.c.Svc)
	case key.Matches(msg, m.keys.add), key.Matches(msg, m.keys.roles), key.Matches(msg, m.keys.toggle):
		if !may {
			return common.ErrorCmd(common.Sentence(why))
		}
		switch {
		case key.Matches(msg, k.add):
			return m.openForm()
		case key.Matches(msg, k.roles):
			m.mode, m.roleCur = modeRoles, 0
			m.roles = slices.Clone(m.selected().Roles)
		case key.Matches(msg, k.toggle):
			m.mode = modeConfirm
		}
	}
	return nil
}

// openForm starts the new-user form with the login focused.
func (m *Model) openForm() tea.Cmd {
	for i := range m.inputs {
		in := textinput.New()
		in.Prompt = ""
		in.CharLimit = 100
		m.inputs[i] = in
	}
	m.inputs[fLogin].Placeholder = "li.na (lower case)"
	m.inputs[fPhone].Placeholder = "optional"
	m.inputs[fEmail].Placeholder = "optional"
	m.mode, m.focus, m.errs, m.roleCur = modeNew, fLogin, nil, 0
	m.roles = []core.Role{core.RoleDispatcher}
	m.inputs[fLogin].Focus()
	return textinput.Blink
}

func (m *Model) formKey(msg tea.KeyMsg, k keyMap) tea.Cmd {
	switch {
	case key.Matches(msg, k.save):
		m.saving = true
		return addCmd(m.c.Svc, m.c.Actor, core.NewUser{
			Login: m.inputs[fLogin].Value(), Name: m.inputs[fName].Value(),
			Phone: m.inputs[fPhone].Value(), Email: m.inputs[fEmail].Value(), Roles: m.roles,
		})
	case key.Matches(msg, k.next):
		return m.move(1)
	case key.Matches(msg, k.prev):
		return m.move(-1)
	case m.focus == fRoles:
		m.roleKey(msg, k)
		return nil
	}
	var cmd tea.Cmd
	m.inputs[m.focus], cmd = m.inputs[m.focus].Update(msg)
	return cmd
}

func (m *Model) move(d int) tea.Cmd {
	if m.focus < fRoles {
		m.inputs[m.focus].Blur()
	}
	m.focus = (m.focus + d + fieldCount) % fieldCount
	if m.focus < fRoles {
		return m.inputs[m.focus].Focus()
	}
	return nil
}

// roleKey moves along the role checklist and switches the highlighted role.
func (m *Model) roleKey(msg tea.KeyMsg, k keyMap) {
	n := len(core.AllRoles)
	switch {
	case key.Matches(msg, k.left):
		m.roleCur = (m.roleCur + n - 1) % n
	case key.Matches(msg, k.right):
		m.roleCur = (m.roleCur + 1) % n
	case key.Matches(msg, k.check):
		r := core.AllRoles[m.roleCur]
		if i := slices.Index(m.roles, r); i >= 0 {
			m.roles = slices.Delete(m.roles, i, i+1)
		} else {
			// Keep the roles in the order they are listed.
			m.roles = append(m.roles, r)
			slices.SortFunc(m.roles, func(a, b core.Role) int {
				return slices.Index(core.AllRoles, a) - slices.Index(core.AllRoles, b)
			})
		}
	}
}

func joinRoles(rs []core.Role) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}
