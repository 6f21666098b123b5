package core_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"switchboard/core"
	"switchboard/store/testdb"
)

// TestUserDisableEnable (R-ROLE-1): a disabled user cannot log in, by login or by
// SSH key, and is told so; enabling restores it; only admins may do either.
func TestUserDisableEnable(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	dora := mustUser(t, svc, admin, "dora", core.RoleDispatcher)
	key := newKey(t, "dora@laptop")
	if _, err := svc.AddUserKey(dora, "dora", key); err != nil {
		t.Fatalf("a user adds their own key: %v", err)
	}
	fp := mustParseKey(t, key).Fingerprint

	if _, err := svc.SetUserDisabled(dora, "admin", true); !errors.Is(err, core.ErrForbidden) || !strings.Contains(err.Error(), "needs the role admin") {
		t.Fatalf("a dispatcher disabled a user: %v", err)
	}
	u, err := svc.SetUserDisabled(admin, "dora", true)
	if err != nil || !u.Disabled {
		t.Fatalf("disable: %+v %v", u, err)
	}
	if _, err := svc.Login("dora"); !errors.Is(err, core.ErrForbidden) || !strings.Contains(err.Error(), `User "dora" is disabled`) {
		t.Fatalf("a disabled user logged in: %v", err)
	}
	if _, err := svc.LoginByKey(fp); !errors.Is(err, core.ErrForbidden) || !strings.Contains(err.Error(), "disabled") {
		t.Fatalf("a disabled user logged in by key: %v", err)
	}
	if _, err := svc.SetUserDisabled(admin, "dora", true); err == nil || !strings.Contains(err.Error(), "already disabled") {
		t.Fatalf("disabling twice should say so: %v", err)
	}
	if _, err := svc.SetUserDisabled(admin, "nobody", true); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
	if _, err := svc.SetUserDisabled(admin, "dora", false); err != nil {
		t.Fatal(err)
	}
	a, err := svc.LoginByKey(fp)
	if err != nil || a.User.Login != "dora" {
		t.Fatalf("enabled user by key: %+v %v", a, err)
	}
}

// TestLastAdminStays (R-ROLE-1): neither disabling nor a role change may leave
// the company without an enabled admin; with a second admin both are allowed.
func TestLastAdminStays(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	if _, err := svc.SetUserDisabled(admin, "admin", true); err == nil || !strings.Contains(err.Error(), "last enabled admin") {
		t.Fatalf("the last admin disabled itself: %v", err)
	}
	if _, err := svc.SetUserRoles(admin, "admin", []core.Role{core.RoleDispatcher}); err == nil || !strings.Contains(err.Error(), "last enabled admin") {
		t.Fatalf("the last admin lost its role: %v", err)
	}
	// A disabled admin does not count.
	mustUser(t, svc, admin, "ada", core.RoleAdmin)
	if _, err := svc.SetUserDisabled(admin, "ada", true); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetUserRoles(admin, "admin", []core.Role{core.RoleDispatcher}); err == nil || !strings.Contains(err.Error(), "last enabled admin") {
		t.Fatalf("a disabled admin counted as the other admin: %v", err)
	}
	if _, err := svc.SetUserDisabled(admin, "ada", false); err != nil {
		t.Fatal(err)
	}
	u, err := svc.SetUserRoles(admin, "admin", []core.Role{core.RoleDispatcher, core.RoleFollowUp})
	if err != nil || u.Has(core.RoleAdmin) || !u.Has(core.RoleFollowUp) {
		t.Fatalf("with a second admin the role change is fine: %+v %v", u, err)
	}
	ada, _ := svc.Login("ada")
	if _, err := svc.SetUserDisabled(ada, "ada", true); err == nil || !strings.Contains(err.Error(), "ada is the last enabled admin") {
		t.Fatalf("now ada is the last admin: %v", err)
	}
	// Roles are validated.
	if _, err := svc.SetUserRoles(ada, "admin", nil); err == nil || !strings.Contains(err.Error(), "at least one role") {
		t.Fatalf("no roles: %v", err)
	}
	if _, err := svc.SetUserRoles(ada, "admin", []core.Role{"boss"}); err == nil || !strings.Contains(err.Error(), `"boss" is not a role`) {
		t.Fatalf("unknown role: %v", err)
	}
	dora := mustUser(t, svc, ada, "dora", core.RoleDispatcher)
	if _, err := svc.SetUserRoles(dora, "dora", []core.Role{core.RoleAdmin}); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("a dispatcher made herself admin: %v", err)
	}
}

// TestUserKeys: keys parse from authorized_keys lines, belong to one user,
// resolve to their user, and are removed by fingerprint; admins manage anyone's,
// others only their own.
func TestUserKeys(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	dora := mustUser(t, svc, admin, "dora", core.RoleDispatcher)
	mustUser(t, svc, admin, "eve", core.RoleDispatcher)
	key := newKey(t, "dora@laptop")
	k, err := svc.AddUserKey(admin, "dora", key)
	if err != nil || !strings.HasPrefix(k.Fingerprint, "SHA256:") || k.Type != "ssh-ed25519" || k.Comment != "dora@laptop" || k.AddedBy != "admin" {
		t.Fatalf("add key: %+v %v", k, err)
	}
	for _, c := range []struct{ who, login, key, want string }{
		{"admin", "eve", key, `already belongs to user "dora"`},
		{"admin", "dora", key, "already has key"},
		{"admin", "dora", "", "empty"},
		{"admin", "dora", "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n", "private key"},
		{"admin", "dora", "ssh-ed25519 notbase64!", "not an SSH public key"},
		{"admin", "nobody", newKey(t, ""), "no user"},
		{"dora", "eve", newKey(t, ""), "needs the role admin"},
	} {
		as, _ := svc.Login(c.who)
		if _, err := svc.AddUserKey(as, c.login, c.key); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s adds %q for %s: %v, want %q", c.who, c.key, c.login, err, c.want)
		}
	}
	a, err := svc.LoginByKey(k.Fingerprint)
	if err != nil || a.User.Login != "dora" || a.Kind != core.SubmitterInternal {
		t.Fatalf("login by key: %+v %v", a, err)
	}
	if _, err := svc.LoginByKey(mustParseKey(t, newKey(t, "")).Fingerprint); !errors.Is(err, core.ErrNotFound) || !strings.Contains(err.Error(), "user key add") {
		t.Fatalf("an unknown key should be refused with what to do: %v", err)
	}
	if _, err := svc.RemoveUserKey(dora, "dora", "SHA256:nope"); err == nil || !strings.Contains(err.Error(), k.Fingerprint) {
		t.Fatalf("removing an unknown key lists the user's keys: %v", err)
	}
	if _, err := svc.RemoveUserKey(dora, "dora", k.Fingerprint); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.LoginByKey(k.Fingerprint); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("a removed key still logs in: %v", err)
	}
	if u, _ := svc.User("dora"); len(u.Keys) != 0 {
		t.Fatalf("keys left: %+v", u.Keys)
	}
}

// TestRoleGates (R-ROLE-1): configuration belongs to admins — a dispatcher may
// not change processes, notification settings, evaluation rules or users; a
// follow-up agent may not assign or configure; each refusal names the role.
func TestRoleGates(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	fu := mustUser(t, svc, f.admin, "fay", core.RoleFollowUp)
	w := f.create(t, core.NewWorkOrder{Subject: "gate"})
	p, err := svc.Process("Repair")
	if err != nil {
		t.Fatal(err)
	}
	on := true
	for _, c := range []struct {
		name string
		as   core.Actor
		do   func(as core.Actor) error
		want string
	}{
		{"dispatcher configures a process", f.dispatcher, func(as core.Actor) error { _, err := svc.SetProcess(as, p); return err }, "admin"},
		{"dispatcher switches a notification", f.dispatcher, func(as core.Actor) error {
			_, err := svc.SetPresetEnabled(as, core.AllNoticeEvents[0], core.AllNoticeChannels[0], false)
			return err
		}, "admin"},
		{"dispatcher sets a channel", f.dispatcher, func(as core.Actor) error {
			_, err := svc.SetChannelConfig(as, core.AllNoticeChannels[0], &on, nil)
			return err
		}, "admin"},
		{"dispatcher adds an evaluation rule", f.dispatcher, func(as core.Actor) error {
			_, err := svc.AddRule(as, core.NewRule{Kind: core.RuleEvaluation, Name: "x", When: "true", EvalInvites: []core.EvalInvite{"qr"}})
			return err
		}, "change evaluation rules: that needs the role admin"},
		{"dispatcher adds a user", f.dispatcher, func(as core.Actor) error {
			_, err := svc.AddUser(as, core.NewUser{Login: "zed", Name: "Zed", Roles: []core.Role{core.RoleAdmin}})
			return err
		}, "admin"},
		{"dispatcher changes roles", f.dispatcher, func(as core.Actor) error {
			_, err := svc.SetUserRoles(as, "dora", []core.Role{core.RoleAdmin})
			return err
		}, "admin"},
		{"follow-up agent assigns", fu, func(as core.Actor) error { _, err := svc.AssignWorkOrder(as, w.Number, 0, f.ann.ID); return err }, "admin or dispatcher"},
		{"follow-up agent runs dispatch", fu, func(as core.Actor) error { _, err := svc.RunDispatch(as); return err }, "admin or dispatcher"},
		{"follow-up agent creates a work order", fu, func(as core.Actor) error {
			_, err := svc.CreateWorkOrder(as, core.NewWorkOrder{Subject: "x"})
			return err
		}, "admin, dispatcher or call-center"},
		{"follow-up agent adds a dispatch rule", fu, func(as core.Actor) error {
			_, err := svc.AddRule(as, core.NewRule{Kind: core.RuleDispatch, Name: "x", When: "true", Engineers: []core.ID{f.ann.ID}})
			return err
		}, "admin or dispatcher"},
	} {
		err := c.do(c.as)
		if !errors.Is(err, core.ErrForbidden) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want forbidden naming %q", c.name, err, c.want)
		}
	}
	// Admins may do the evaluation rule a dispatcher may not (it fails on the
	// missing record type, not on the role).
	if _, err := svc.AddRule(f.admin, core.NewRule{Kind: core.RuleEvaluation, Name: "x", When: "true", EvalInvites: []core.EvalInvite{"qr"}}); errors.Is(err, core.ErrForbidden) {
		t.Fatalf("an admin was refused: %v", err)
	}
}

// TestEngineersActOnTheirOwn (R-ROLE-1): an engineer completes nodes, fills
// reports and invites customers only on work orders assigned to them; the
// dispatcher may on any.
func TestEngineersActOnTheirOwn(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	if _, err := svc.AddUser(f.admin, core.NewUser{Login: "ann", Name: "Ann Linked", Roles: []core.Role{core.RoleEngineer}, EngineerID: f.ann.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddUser(f.admin, core.NewUser{Login: "xavier", Name: "X", Roles: []core.Role{core.RoleEngineer}, EngineerID: 9999}); err == nil || !strings.Contains(err.Error(), "no engineer 9999") {
		t.Fatalf("linking to a missing engineer: %v", err)
	}
	ann, _ := svc.Login("ann")
	bob := mustUser(t, svc, f.admin, "bob", core.RoleEngineer) // not linked: matched by name
	if _, err := svc.SetUserRoles(f.admin, "bob", []core.Role{core.RoleEngineer}); err != nil {
		t.Fatal(err)
	}
	mine := f.create(t, core.NewWorkOrder{Subject: "Ann's"})
	theirs := f.create(t, core.NewWorkOrder{Subject: "Dan's"})
	var err error
	if mine, err = svc.AssignWorkOrder(f.dispatcher, mine.Number, 0, f.ann.ID); err != nil {
		t.Fatal(err)
	}
	if theirs, err = svc.AssignWorkOrder(f.dispatcher, theirs.Number, 0, f.dan.ID); err != nil {
		t.Fatal(err)
	}
	for name, do := range map[string]func(as core.Actor, n string) error{
		"advance": func(as core.Actor, n string) error { _, err := svc.AdvanceWorkOrder(as, n, 0, ""); return err },
		"report": func(as core.Actor, n string) error {
			_, err := svc.SaveReport(as, n, core.ReportInput{WorkDone: "fixed"})
			return err
		},
		"invite": func(as core.Actor, n string) error {
			_, err := svc.InviteAccount(as, n, core.InviteLink, 0)
			return err
		},
		"notify": func(as core.Actor, n string) error {
			_, err := svc.Notify(as, n, core.NoticeAction{Event: core.AllNoticeEvents[0]})
			return err
		},
		"sign invite": func(as core.Actor, n string) error { _, err := svc.InviteReportSignature(as, n, "link", 0); return err },
		"task on behalf": func(as core.Actor, n string) error {
			_, err := svc.CompleteTaskOnBehalf(as, n, 0, core.TaskInput{})
			return err
		},
	} {
		for _, as := range []core.Actor{ann, bob} {
			err := do(as, theirs.Number)
			if !errors.Is(err, core.ErrForbidden) || !strings.Contains(err.Error(), "not their work order") {
				t.Errorf("%s by %s on someone else's work order: %v", name, as.User.Login, err)
			}
		}
		if err := do(ann, mine.Number); errors.Is(err, core.ErrForbidden) {
			t.Errorf("%s by ann on her own work order was refused: %v", name, err)
		}
		if err := do(bob, mine.Number); !errors.Is(err, core.ErrForbidden) {
			t.Errorf("%s by bob (named BOB, not Ann) on Ann's work order: %v", name, err)
		}
	}
	// Bob's user is named like the engineer record "Bob": the name links them.
	bw := f.create(t, core.NewWorkOrder{Subject: "Bob's"})
	if bw, err = svc.AssignWorkOrder(f.dispatcher, bw.Number, 0, f.bob.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveReport(bob, bw.Number, core.ReportInput{WorkDone: "done"}); err != nil {
		t.Fatalf("an engineer matched by name fills their report: %v", err)
	}
}

// TestConflictSaysTakenBy (R-APP-4): a stale assignment is refused with who
// took the work order, when and to whom; a stale edit says who changed it.
func TestConflictSaysTakenBy(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	eve := mustUser(t, svc, f.admin, "eve", core.RoleDispatcher)
	w := f.create(t, core.NewWorkOrder{Subject: "contested"})
	if _, err := svc.AssignWorkOrder(f.dispatcher, w.Number, w.Version, f.ann.ID); err != nil {
		t.Fatal(err)
	}
	_, err := svc.AssignWorkOrder(eve, w.Number, w.Version, f.bob.ID)
	var ce *core.ConflictError
	if !errors.As(err, &ce) || ce.By != "dora" || !strings.Contains(err.Error(), w.Number+" was taken by dora at ") || !strings.Contains(err.Error(), "Ann") {
		t.Fatalf("stale assignment: %v", err)
	}
	if got, _ := svc.WorkOrder(w.Number); got.FieldOutDealUser != f.ann.ID {
		t.Fatalf("the stale assignment overwrote the first: %+v", got)
	}
	cur, _ := svc.WorkOrder(w.Number)
	subj := "renamed"
	if _, err := svc.UpdateWorkOrder(f.dispatcher, w.Number, cur.Version, core.WorkOrderPatch{Subject: &subj}); err != nil {
		t.Fatal(err)
	}
	subj2 := "renamed again"
	_, err = svc.UpdateWorkOrder(eve, w.Number, cur.Version, core.WorkOrderPatch{Subject: &subj2})
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "was changed by dora") {
		t.Fatalf("stale edit: %v", err)
	}
}

func newKey(t *testing.T, comment string) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk)))
	if comment != "" {
		line += " " + comment
	}
	return line + "\n"
}

func mustParseKey(t *testing.T, s string) core.UserKey {
	t.Helper()
	k, err := core.ParseUserKey(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// BenchmarkLoginByKey: an SSH login looks the key up among every user's keys;
// 1,000 users with two keys each, the key being the last one's.
func BenchmarkLoginByKey(b *testing.B) {
	_, svc, _ := testdb.Open(b)
	admin := testdb.Admin(b, svc)
	var last string
	for i := range 1000 {
		login := fmt.Sprintf("user%04d", i)
		if _, err := svc.AddUser(admin, core.NewUser{Login: login, Name: login, Roles: []core.Role{core.RoleDispatcher}}); err != nil {
			b.Fatal(err)
		}
		for range 2 {
			k, err := svc.AddUserKey(admin, login, benchKey(b))
			if err != nil {
				b.Fatal(err)
			}
			last = k.Fingerprint
		}
	}
	b.ResetTimer()
	for range b.N {
		if _, err := svc.LoginByKey(last); err != nil {
			b.Fatal(err)
		}
	}
}

func benchKey(tb testing.TB) string {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	pk, err := ssh.NewPublicKey(pub)
	if err != nil {
		tb.Fatal(err)
	}
	return string(ssh.MarshalAuthorizedKey(pk))
}
