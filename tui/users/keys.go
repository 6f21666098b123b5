package users

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// The SSH keys panel (s) and the OS-user link (o): the console twins of
// `switchboard user key add|list|remove` and `switchboard user link`. The
// panel lists the selected user's keys under the list; n asks for a public
// key (paste the .pub line), X takes the selected one away after y.

type keysKeys struct {
	up, down, add, remove, confirm, back key.Binding
}

func newKeysKeys(km *common.KeyMap) keysKeys {
	add := key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "add a key"))
	remove := km.Delete
	remove.SetHelp(remove.Help().Key, "remove key")
	back := km.Back
	back.SetHelp("esc", "close keys")
	return keysKeys{up: km.Up, down: km.Down, add: add, remove: remove, confirm: km.Confirm, back: back}
}

// keyPanelUser is the user whose keys are shown, as last read.
func (m *Model) keyPanelUser() *core.User {
	for i := range m.users {
		if m.users[i].Login == m.login {
			return &m.users[i]
		}
	}
	return nil
}

func (m *Model) openKeys() tea.Cmd {
	u := m.selected()
	if u == nil {
		return nil
	}
	m.login, m.keyCur, m.mode = u.Login, 0, modeKeys
	m.layout()
	return nil
}

func (m *Model) openLink() tea.Cmd {
	return m.askAbout(modeLink, "the OS login, e.g. lina (empty removes the link)", "OS user who acts as %s:", func(u *core.User) string { return u.OSUser })
}

// askAbout opens the prompt of mode about the selected user: label names
// them (%s), value is what they have now; empty is an answer.
func (m *Model) askAbout(mode mode, placeholder, label string, value func(*core.User) string) tea.Cmd {
	u := m.selected()
	if u == nil {
		return nil
	}
	m.login, m.mode = u.Login, mode
	m.prompt.AllowEmpty = true
	m.prompt.SetCharLimit(64)
	m.prompt.SetPlaceholder(placeholder)
	m.layout()
	return m.prompt.Open(fmt.Sprintf(label, u.Login), value(u))
}

func addKeyCmd(svc *core.Service, as core.Actor, login, text string) tea.Cmd {
	return func() tea.Msg {
		k, err := svc.AddUserKey(as, login, text)
		if err != nil {
			return savedMsg{err: err}
		}
		u, err := svc.User(login)
		return savedMsg{u, fmt.Sprintf("Added %s key %s to %s: they can log in over SSH with it.", k.Type, k.Fingerprint, login), err}
	}
}

func removeKeyCmd(svc *core.Service, as core.Actor, login, fp string) tea.Cmd {
	return func() tea.Msg {
		k, err := svc.RemoveUserKey(as, login, fp)
		if err != nil {
			return savedMsg{err: err}
		}
		u, err := svc.User(login)
		return savedMsg{u, fmt.Sprintf("Removed key %s from %s.", k.Fingerprint, login), err}
	}
}

// openAccount asks for the selected user's call account (the twin of
// `switchboard user call-account`).
func (m *Model) openAccount() tea.Cmd {
	return m.askAbout(modeAccount, "a SIP extension or seat, e.g. 8001 (empty unbinds)", "Call account of %s:", func(u *core.User) string { return u.CallAccount })
}

func accountCmd(svc *core.Service, as core.Actor, login, account string) tea.Cmd {
	return func() tea.Msg {
		u, err := svc.SetCallAccount(as, login, account)
		what := fmt.Sprintf("%s calls from account %s now.", login, account)
		if account == "" {
			what = fmt.Sprintf("%s has no call account now.", login)
		}
		return savedMsg{u, what, err}
	}
}

func linkCmd(svc *core.Service, as core.Actor, login, osUser string) tea.Cmd {
	return func() tea.Msg {
		u, err := svc.LinkOSUser(as, login, osUser)
		what := fmt.Sprintf("OS user %s now acts as %s.", osUser, login)
		if osUser == "" {
			what = fmt.Sprintf("%s has no OS user linked now.", login)
		}
		return savedMsg{u, what, err}
	}
}

// keysKey handles a key while the keys panel, its prompt or its question is open.
func (m *Model) keysKey(msg tea.KeyMsg) tea.Cmd {
	k := m.kkeys
	u := m.keyPanelUser()
	switch m.mode {
	case modeKeyAdd, modeLink, modeAccount:
		text, done, cmd := m.prompt.Update(msg)
		if !done {
			return cmd
		}
		was := m.mode
		if was == modeLink || was == modeAccount {
			m.mode = modeList
		} else {
			m.mode = modeKeys
		}
		m.layout()
		if m.prompt.Cancelled() {
			return nil
		}
		if was == modeLink {
			return linkCmd(m.c.Svc, m.c.Actor, m.login, text)
		}
		if was == modeAccount {
			return accountCmd(m.c.Svc, m.c.Actor, m.login, text)
		}
		return addKeyCmd(m.c.Svc, m.c.Actor, m.login, text)
	case modeKeyConfirm:
		m.mode = modeKeys
		m.layout()
		if key.Matches(msg, k.confirm) && u != nil && m.keyCur < len(u.Keys) {
			return removeKeyCmd(m.c.Svc, m.c.Actor, u.Login, u.Keys[m.keyCur].Fingerprint)
		}
		return common.StatusCmd("Nothing changed.")
	}
	n := 0
	if u != nil {
		n = len(u.Keys)
	}
	switch {
	case key.Matches(msg, k.back):
		m.mode = modeList
		m.layout()
	case key.Matches(msg, k.up):
		m.keyCur = max(0, m.keyCur-1)
	case key.Matches(msg, k.down):
		m.keyCur = max(0, min(n-1, m.keyCur+1))
	case key.Matches(msg, k.add):
		m.mode = modeKeyAdd
		m.prompt.AllowEmpty = false
		m.prompt.SetCharLimit(16 << 10)
		m.prompt.SetPlaceholder("paste the public key: ssh-ed25519 AAAA… name@host")
		m.layout()
		return m.prompt.Open("Public key for "+m.login+":", "")
	case key.Matches(msg, k.remove) && n > 0:
		m.mode = modeKeyConfirm
		m.layout()
	}
	return nil
}

// keysLines are the keys panel's lines.
func (m *Model) keysLines() []string {
	st := m.c.Styles
	w := m.width
	var lines []string
	add := func(s string) { lines = append(lines, common.Truncate(s, w)) }
	u := m.keyPanelUser()
	if u == nil {
		return nil
	}
	add(st.Section.Render(fmt.Sprintf("SSH keys of %s (%d)", u.Login, len(u.Keys))) + st.Muted.Render("  for `switchboard serve --ssh`"))
	if len(u.Keys) == 0 {
		add(st.Muted.Render("  No keys yet: n adds one (paste the .pub line)."))
	}
	loc := m.c.Location()
	for i, x := range u.Keys {
		text := fmt.Sprintf("%s  %s  %s  added %s by %s", x.Fingerprint, x.Type, common.OrDash(common.Clean(x.Comment)), common.FormatTime(x.AddedAt, loc), x.AddedBy)
		if i == m.keyCur && m.mode != modeKeyAdd {
			add(st.SelectedRow.Render(common.Fit("› "+text, w)))
		} else {
			add("  " + text)
		}
	}
	switch m.mode {
	case modeKeyAdd:
		add(m.prompt.View(st, w))
	case modeKeyConfirm:
		if m.keyCur < len(u.Keys) {
			add(st.Banner.Render(fmt.Sprintf("Remove key %s from %s? They can no longer log in over SSH with it. y removes, any other key keeps it.", u.Keys[m.keyCur].Fingerprint, u.Login)))
		}
	}
	return lines
}
