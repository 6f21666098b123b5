package tui

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"golang.org/x/crypto/ssh"

	"switchboard/core"
	"switchboard/tui/common"
	"switchboard/tui/users"
)

// goTo presses the digit the acting user has for section id (digits follow the
// sections their roles permit), or > until it is active for one beyond the tenth.
func (h *harness) goTo(id common.ScreenID) {
	h.t.Helper()
	i := sectionOf(id)
	pos := slices.Index(h.m.visible, i)
	if pos < 0 {
		h.t.Fatalf("%s cannot see section %q", h.m.who(), sections[i].title)
	}
	if pos < len(h.m.keys.Sections) {
		h.key(common.SectionDigit(pos))
		return
	}
	for range len(sections) {
		if h.m.section == i {
			return
		}
		h.key(">")
	}
	h.t.Fatalf("> never reached section %q", sections[i].title)
}

// titles are the titles of the sections the harness's user sees, in order.
func (h *harness) titles() []string {
	var out []string
	for _, i := range h.m.visible {
		out = append(out, sections[i].title)
	}
	return out
}

// TestSectionsFollowRoles (R-ROLE-1): each user sees only the sections their
// roles permit, numbered 1, 2, … in order; an admin sees all; a hidden section
// cannot be reached by a navigation message either.
func TestSectionsFollowRoles(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		login string
		roles []core.Role
		want  []string
	}{
		{"dora", []core.Role{core.RoleDispatcher}, []string{"Work orders", "Dispatch", "Rules", "My tasks", "Outbox", "Devices", "Intake", "Ratings"}},
		{"carl", []core.Role{core.RoleCallCenter}, []string{"Work orders", "Dispatch", "Outbox", "Devices"}},
		{"fay", []core.Role{core.RoleFollowUp}, []string{"Work orders", "Ratings"}},
		{"eng", []core.Role{core.RoleEngineer}, []string{"Work orders", "My tasks"}},
		{"mix", []core.Role{core.RoleFollowUp, core.RoleEngineer}, []string{"Work orders", "My tasks", "Ratings"}},
	}
	for _, c := range cases {
		as := f.user(t, c.login, c.roles...)
		h := newHarness(t, f, as, 160, 30)
		v := h.waitView("1 of 12\n")
		got := h.titles()
		// Sections other issues add later are checked by their roles, not here.
		got = slices.DeleteFunc(got, func(s string) bool { return !slices.Contains(allTitles(), s) })
		if !slices.Equal(got, c.want) {
			t.Errorf("%s sees %v, want %v", c.login, got, c.want)
		}
		for _, hidden := range []string{"Notices", "Process", "Users"} {
			if strings.Contains(line(v, "Switchboard"), hidden) {
				t.Errorf("%s's header shows %s:\n%s", c.login, hidden, line(v, "Switchboard"))
			}
		}
		// The digits follow the visible sections: the last one has the last digit.
		last := len(h.m.visible) - 1
		h.key(common.SectionDigit(last))
		h.waitView("[" + common.SectionDigit(last) + " " + sections[h.m.visible[last]].title + "]")
		// One digit past the last does nothing.
		if last+1 < 10 {
			h.key(common.SectionDigit(last + 1))
			if h.m.section != h.m.visible[last] {
				t.Errorf("%s: digit %s switched to %q", c.login, common.SectionDigit(last+1), sections[h.m.section].title)
			}
		}
		h.send(common.NavigateMsg{Kind: common.Push, To: common.ProcessScreen})
		h.waitView(c.login + " (" + string(c.roles[0]))
		h.waitView("may not open Process: ask an admin for the role admin.")
		if sections[h.m.section].id == common.ProcessScreen {
			t.Fatalf("%s opened the process screen", c.login)
		}
	}
	admin := newHarness(t, f, f.admin, 200, 30)
	if got := admin.titles(); len(got) != len(sections) {
		t.Errorf("an admin sees %v, want all %d sections", got, len(sections))
	}
}

func allTitles() []string {
	return []string{"Work orders", "Dispatch", "Rules", "My tasks", "Notices", "Outbox", "Devices", "Process", "Intake", "Ratings", "Users"}
}

// TestSectionsBeyondTen: with more than ten sections (an admin has them all)
// the first ten have the digits 1…9 and 0, the rest have no digit and are
// reached with > (next) and < (previous), which wrap around; full help names
// them; in a narrow header the undigited tabs fold into "…".
func TestSectionsBeyondTen(t *testing.T) {
	if len(sections) <= 10 {
		t.Fatalf("this test needs more than ten sections, have %d", len(sections))
	}
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 220, 30)
	h.waitView("1 of 12\n")
	v := h.m.View()
	header := line(v, "Switchboard")
	for pos, i := range h.m.visible {
		want := sections[i].title
		if pos < 10 {
			want = common.SectionDigit(pos) + " " + want
		}
		if !strings.Contains(header, want) {
			t.Errorf("header lacks %q:\n%s", want, header)
		}
	}
	if strings.Contains(header, "11 ") {
		t.Errorf("no two-digit keys:\n%s", header)
	}
	h.key("0")
	h.waitView("[0 " + sections[h.m.visible[9]].title + "]")
	h.key(">")
	eleventh := sections[h.m.visible[10]]
	h.waitView("[" + eleventh.title + "]")
	if h.m.section != h.m.visible[10] {
		t.Fatalf("> from the tenth should open the eleventh, have %q", sections[h.m.section].title)
	}
	// To the end and around.
	for range len(h.m.visible) - 11 {
		h.key(">")
	}
	h.key(">")
	h.waitView("[1 Work orders]")
	h.key("<")
	h.waitView("[" + sections[h.m.visible[len(h.m.visible)-1]].title + "]")
	h.key("1")
	h.waitView("[1 Work orders]")
	h.key("<")
	h.key("<")
	if want := h.m.visible[len(h.m.visible)-2]; h.m.section != want {
		t.Errorf("< < from the first should give the second to last, have %q", sections[h.m.section].title)
	}
	// In a text field > and < are typed.
	h.key("1")
	h.waitView("[1 Work orders]")
	h.key("/")
	h.typeText("<>")
	h.waitView("/<>")
	if h.m.section != h.m.visible[0] {
		t.Fatal("> typed into the search switched sections")
	}
	h.key("esc")
	h.key("?")
	v = h.m.View()
	for _, want := range []string{"next section", "previous section", "Users"} {
		if !strings.Contains(v, want) {
			t.Errorf("full help lacks %q:\n%s", want, v)
		}
	}
	h.key("?")
	// Narrow: the tabs without digits fold into one "…" tab.
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	v = h.waitView("[1 Work orders]")
	if header := line(v, "Switchboard"); !strings.Contains(header, " 0 … ") || common.Width(header) > 100 {
		t.Errorf("narrow header should end its tabs with a … tab:\n%s", header)
	}
}

// TestUsersScreen (R-ROLE-1): an admin adds a user in the form (errors beside
// the fields), changes roles with the checklist, disables and enables; the
// last enabled admin cannot be disabled, and the footer says why.
func TestUsersScreen(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 140, 40)
	h.goTo(common.UsersScreen)
	v := h.waitView("Users  2 users, 0 disabled", "amy", "call-center")
	if _, ok := h.m.active().(*users.Model); !ok {
		t.Fatalf("active screen %T", h.m.active())
	}
	for _, k := range []string{"n new user", "r roles", "d disable"} {
		if !strings.Contains(v, k) {
			t.Errorf("footer lacks %q:\n%s", k, v)
		}
	}

	h.key("n")
	h.waitView("New user", "[x] dispatcher")
	h.typeText("Li Na") // an unusable login
	h.key("tab")
	h.typeText("李娜")
	h.key("ctrl+s")
	h.waitView(`Login "Li Na" is not usable`)
	// The refused field has the keyboard again.
	h.send(keyMsg("ctrl+u"))
	h.typeText("li.na")
	for range 4 {
		h.key("tab")
	}
	h.key("right")
	h.key("right") // → call-center
	h.send(space())
	h.key("ctrl+s")
	h.waitView("User li.na added.")
	u, err := f.svc.User("li.na")
	if err != nil || u.Name != "李娜" || !slices.Equal(u.Roles, []core.Role{core.RoleDispatcher, core.RoleCallCenter}) {
		t.Fatalf("added %+v %v", u, err)
	}
	v = h.waitView("3 users")
	if !strings.HasPrefix(line(v, "li.na"), "> ") {
		t.Errorf("the cursor should be on the new user:\n%s", v)
	}

	// Roles: take dispatcher off, add follow-up.
	h.key("r")
	h.waitView("Roles of li.na")
	h.key("right") // → dispatcher
	h.send(space())
	h.key("right")
	h.key("right") // → follow-up
	h.send(space())
	h.key("enter")
	h.waitView("li.na's roles are now call-center, follow-up.")
	if u, _ := f.svc.User("li.na"); !slices.Equal(u.Roles, []core.Role{core.RoleCallCenter, core.RoleFollowUp}) {
		t.Fatalf("roles %v", u.Roles)
	}

	// Disable asks first; any other key keeps the user.
	h.key("d")
	h.waitView("Disable li.na? They can no longer log in")
	h.key("n")
	h.waitView("Nothing changed.")
	h.key("d")
	h.key("y")
	v = h.waitView("li.na is disabled: they can no longer log in.", "1 disabled")
	if !strings.Contains(line(v, "li.na"), "disabled") || !strings.Contains(v, "d enable") {
		t.Errorf("the list should show li.na disabled and offer enable:\n%s", v)
	}
	if _, err := f.svc.Login("li.na"); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("a disabled user logs in: %v", err)
	}
	h.key("d")
	h.key("y")
	h.waitView("li.na is enabled again.", "0 disabled")

	// The only admin cannot disable itself.
	h.key("up")
	h.key("up")
	h.waitFor("cursor on admin", func(v string) bool { return strings.HasPrefix(line(v, "> admin"), "> admin") })
	h.key("d")
	h.key("y")
	h.waitView("admin is the last enabled admin")
	if u, _ := f.svc.User("admin"); u.Disabled {
		t.Fatal("the last admin was disabled")
	}
}

// TestRolesFollowChangesLive (R-ROLE-1): an admin's change reaches an open
// console at once: new roles bring their sections, and a disabled user's
// console closes, saying why.
func TestRolesFollowChangesLive(t *testing.T) {
	f := newFixture(t)
	dora := f.user(t, "dora", core.RoleDispatcher)
	h := newHarness(t, f, dora, 200, 30)
	h.waitView("1 of 12\n", "dora (dispatcher)")
	if strings.Contains(line(h.m.View(), "Switchboard"), "Users") {
		t.Fatal("a dispatcher sees Users")
	}
	if _, err := f.svc.SetUserRoles(f.admin, "dora", []core.Role{core.RoleDispatcher, core.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	v := h.waitView("dora (dispatcher, admin)", "An admin changed your roles", "Users")
	if !strings.Contains(line(v, "Switchboard"), "Process") {
		t.Errorf("an admin's sections should appear:\n%s", v)
	}
	if _, err := f.svc.SetUserRoles(f.admin, "dora", []core.Role{core.RoleDispatcher}); err != nil {
		t.Fatal(err)
	}
	h.goTo(common.RulesScreen)
	if _, err := f.svc.SetUserRoles(f.admin, "dora", []core.Role{core.RoleFollowUp}); err != nil {
		t.Fatal(err)
	}
	v = h.waitView("dora (follow-up)", "[1 Work orders]")
	if strings.Contains(line(v, "Switchboard"), "Rules") {
		t.Errorf("the rules section should be gone:\n%s", v)
	}

	if _, err := f.svc.SetUserDisabled(f.admin, "dora", true); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(5 * time.Second)
	for h.m.ended == nil {
		select {
		case msg := <-h.msgs:
			if _, quit := msg.(tea.QuitMsg); quit {
				continue
			}
			h.send(msg)
		case <-deadline:
			t.Fatal("the disabled user's console stayed open")
		}
	}
	if err := Ended(h.m); err == nil || !strings.Contains(err.Error(), `Your user "dora" was disabled by an admin`) {
		t.Fatalf("Ended: %v", err)
	}
}

// TestTwoConsolesConflict (R-APP-4, issue 9 item 6): two dispatchers on the same
// work order in two consoles on one service. On the dispatch board the second
// assignment is refused with "taken by dora at …" and the queue shows the fresh
// state; on the detail screen the second "complete node" is refused the same
// way and the detail reloads. Nothing is overwritten.
func TestTwoConsolesConflict(t *testing.T) {
	f := newDispatchFixture(t)
	dora := f.user(t, "dora", core.RoleDispatcher)
	eve := f.user(t, "eve", core.RoleDispatcher)
	hd := newHarness(t, f.fixture, dora, 140, 30)
	he := newHarness(t, f.fixture, eve, 140, 30)
	for _, h := range []*harness{hd, he} {
		h.goTo(common.BoardScreen)
		h.waitView("why WO-000003 waits")
		h.send(space()) // WO-000003, the oldest
		h.waitView("1 selected")
	}
	assign := func(h *harness, down int) {
		h.key("a")
		h.waitView("Choose the service provider", "华东服务有限公司")
		h.key("enter")
		h.waitView("Sam Porter")
		for range down {
			h.key("down")
		}
		h.key("enter")
	}
	assign(hd, 1) // dora: Sam Porter
	hd.waitView("Assigned WO-000003 to Sam Porter.")
	assign(he, 0) // eve: 李师傅, from her stale selection
	he.waitView("WO-000003 was taken by dora at ", "Nothing was changed; the screen now shows it as it is")
	v := he.waitFor("the fresh queue without WO-000003 and no stale selection", func(v string) bool {
		return strings.Contains(v, "Manual queue  4 waiting") && !strings.Contains(v, "selected") && !queueRow(v, "WO-000003")
	})
	if !queueRow(v, "WO-000006") {
		t.Errorf("the queue should show the others:\n%s", v)
	}
	w, _ := f.svc.WorkOrder("WO-000003")
	if w.AssignUser != "dora" || w.FieldOutDealUser != f.sam.ID {
		t.Fatalf("eve's stale assignment overwrote dora's: %+v", w)
	}

	// The detail: both open WO-000010 at the follow-up node; dora completes it,
	// then eve, from the version she saw.
	for _, h := range []*harness{hd, he} {
		h.goTo(common.WorkOrdersScreen)
		h.send(common.NavigateMsg{Kind: common.Push, To: common.DetailScreen, Number: "WO-000010"})
		h.waitView("WO-000010  Quarterly inspection", "c complete node")
	}
	hd.key("c")
	hd.waitView("Complete the follow-up node of WO-000010")
	hd.key("enter")
	hd.waitView("WO-000010 is now at the end node")
	he.key("c")
	he.key("enter")
	he.waitView("WO-000010 was changed by dora at ", "Nothing was changed")
	v = he.waitFor("eve's detail reloaded", func(v string) bool { return strings.Contains(line(v, "  Status  "), "completed") })
	if strings.Contains(v, "c complete node") {
		t.Errorf("after the reload eve's detail should no longer offer completing:\n%s", v)
	}
	h := 0
	got, _ := f.svc.WorkOrder("WO-000010")
	for _, e := range got.History {
		if e.Kind == core.EventAdvanced {
			h++
		}
	}
	if h != 1 {
		t.Fatalf("the node was completed %d times", h)
	}
}

// TestGoldenUsers: the users screen at 120×30 with a disabled user and an
// engineer with an SSH key.
func TestGoldenUsers(t *testing.T) {
	f := newFixture(t)
	for _, in := range []core.NewUser{
		{Login: "dora", Name: "Dora Marsh", Roles: []core.Role{core.RoleDispatcher, core.RoleAdmin}, Phone: "+44 20 7946 0018"},
		{Login: "fay", Name: "费雯", Roles: []core.Role{core.RoleFollowUp}, Email: "fay@example.com"},
		{Login: "li.shifu", Name: "李师傅", Roles: []core.Role{core.RoleEngineer}},
	} {
		if _, err := f.svc.AddUser(f.admin, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.SetUserDisabled(f.admin, "fay", true); err != nil {
		t.Fatal(err)
	}
	key := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGiSyPzI7ybNYzbk+hMNPf8wOEyMg6mD2+Co9gX6zmYV li@phone"
	if _, err := f.svc.AddUserKey(f.admin, "li.shifu", key); err != nil {
		t.Fatal(err)
	}
	tm := startProgram(t, f)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("<")}) // People is the last section, Users before it
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("<")})
	waitOutput(t, tm, "5 users, 1 disabled")
	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("r")})
	waitOutput(t, tm, "Roles of dora")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

// queueRow reports whether the board lists number as a row (not merely names
// it in the footer or the reason panel).
func queueRow(view, number string) bool {
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, "] "+number) {
			return true
		}
	}
	return false
}

// TestUsersSSHKeysAndLink (issue 17, the console twins of `user key
// add|list|remove` and `user link`): s opens the selected user's SSH keys; a
// pasted public key is added (a broken one refused, saying why); X asks, then
// removes it; o links an OS user, and an empty answer removes the link.
func TestUsersSSHKeysAndLink(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 140, 40)
	h.goTo(common.UsersScreen)
	h.waitView("Users  2 users", "s SSH keys", "o OS user link")
	h.key("down") // amy
	h.waitFor("cursor on amy", func(v string) bool { return strings.HasPrefix(line(v, "> amy"), "> amy") })
	h.key("s")
	h.waitView("SSH keys of amy (0)", "No keys yet")
	h.key("n")
	h.waitView("Public key for amy:")
	h.typeText("ssh-ed25519 notbase64!")
	h.key("enter")
	h.waitView("not an SSH public key")
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	fp := ssh.FingerprintSHA256(pk)
	h.key("n")
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk))) + " amy@laptop"), Paste: true})
	h.key("enter")
	h.waitView("Added ssh-ed25519 key "+fp+" to amy", "SSH keys of amy (1)", "amy@laptop")
	if u, _ := f.svc.User("amy"); len(u.Keys) != 1 || u.Keys[0].Fingerprint != fp {
		t.Fatalf("keys %+v", u.Keys)
	}
	h.key("X")
	h.waitView("Remove key " + fp + " from amy?")
	h.key("y")
	h.waitView("Removed key "+fp+" from amy.", "SSH keys of amy (0)")
	h.key("esc")
	h.waitFor("keys closed", func(v string) bool { return !strings.Contains(v, "SSH keys of amy") })

	h.key("o")
	h.waitView("OS user who acts as amy:")
	h.typeText("amyw")
	h.key("enter")
	h.waitView("OS user amyw now acts as amy.")
	if u, _ := f.svc.User("amy"); u.OSUser != "amyw" {
		t.Fatalf("os user %q", u.OSUser)
	}
	h.key("o")
	h.waitView("OS user who acts as amy:", "amyw")
	h.send(keyMsg("ctrl+u"))
	h.key("enter")
	h.waitView("amy has no OS user linked now.")
	if u, _ := f.svc.User("amy"); u.OSUser != "" {
		t.Fatalf("os user %q", u.OSUser)
	}
}
