package core_test

import (
	"errors"
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/store/testdb"
)

// TestIdentify (issue 9, R-ROLE-1): an OS user becomes the internal user linked to
// it, else the user of the same login, else (the database's owner) the built-in
// admin; --as is honoured only for admins; a stranger is refused.
func TestIdentify(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	add := func(login string, os string, roles ...core.Role) {
		t.Helper()
		if _, err := svc.AddUser(admin, core.NewUser{Login: login, Name: login, Roles: roles, OSUser: os}); err != nil {
			t.Fatal(err)
		}
	}
	add("li.na", "lina", core.RoleDispatcher)
	add("amy", "", core.RoleFollowUp)
	add("boss", "chief", core.RoleAdmin)
	add("bob", "robert", core.RoleEngineer) // login bob, but linked to OS user robert

	cases := []struct {
		name   string
		id     core.OSIdentity
		as     string
		want   string // login, or "" for an error
		errHas string
	}{
		{"owner without a link is admin", core.OSIdentity{Name: "root", OwnsDB: true}, "", "admin", ""},
		{"owner may act as anyone", core.OSIdentity{Name: "root", OwnsDB: true}, "amy", "amy", ""},
		{"linked OS user", core.OSIdentity{Name: "lina"}, "", "li.na", ""},
		{"linked user acting as itself", core.OSIdentity{Name: "lina"}, "li.na", "li.na", ""},
		{"linked non-admin may not use --as", core.OSIdentity{Name: "lina", OwnsDB: true}, "admin", "", "Only admins may act as another user"},
		{"login of the same name", core.OSIdentity{Name: "amy"}, "", "amy", ""},
		{"a linked login is not taken by name", core.OSIdentity{Name: "bob"}, "", "", "has no Switchboard user"},
		{"stranger", core.OSIdentity{Name: "mallory"}, "", "", "user link LOGIN --os-user mallory"},
		{"linked admin may use --as", core.OSIdentity{Name: "chief"}, "li.na", "li.na", ""},
		{"--as an unknown user", core.OSIdentity{Name: "chief"}, "nobody.here", "", "There is no user"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := svc.Identify(c.id, c.as)
			if c.want != "" {
				if err != nil || got.User.Login != c.want {
					t.Fatalf("got %q, %v; want %s", got.User.Login, err, c.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.errHas) {
				t.Fatalf("got %q, %v; want an error with %q", got.User.Login, err, c.errHas)
			}
			if c.errHas != "There is no user" && !errors.Is(err, core.ErrForbidden) {
				t.Errorf("%v should be ErrForbidden", err)
			}
		})
	}
}

// TestLinkOSUser: one OS user links to one internal user; only admins link; a bad
// name is refused; "" removes the link.
func TestLinkOSUser(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	for _, l := range []string{"li.na", "amy"} {
		if _, err := svc.AddUser(admin, core.NewUser{Login: l, Name: l, Roles: []core.Role{core.RoleDispatcher}}); err != nil {
			t.Fatal(err)
		}
	}
	if u, err := svc.LinkOSUser(admin, "li.na", "lina"); err != nil || u.OSUser != "lina" {
		t.Fatalf("link: %+v %v", u, err)
	}
	if _, err := svc.LinkOSUser(admin, "amy", "lina"); err == nil || !strings.Contains(err.Error(), "already linked to li.na") {
		t.Fatalf("a second link of one OS user: %v", err)
	}
	if _, err := svc.AddUser(admin, core.NewUser{Login: "cai", Name: "cai", Roles: []core.Role{core.RoleDispatcher}, OSUser: "lina"}); err == nil {
		t.Fatal("add with an OS user already linked should fail")
	}
	if _, err := svc.LinkOSUser(admin, "amy", "bad name;rm"); !core.IsValidation(err) {
		t.Fatalf("a bad OS user name: %v", err)
	}
	lina, err := svc.Identify(core.OSIdentity{Name: "lina"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.LinkOSUser(lina, "amy", "amy2"); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("a dispatcher linking: %v", err)
	}
	if u, err := svc.LinkOSUser(admin, "li.na", ""); err != nil || u.OSUser != "" {
		t.Fatalf("unlink: %+v %v", u, err)
	}
	if _, err := svc.Identify(core.OSIdentity{Name: "lina"}, ""); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("after unlinking, lina is nobody: %v", err)
	}
}
