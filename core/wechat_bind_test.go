package core_test

import (
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/store/testdb"
)

// TestBindWeChatNeverTakesAnotherCustomersOpenID (issue 19, issue 20.3): an
// openid another terminal user already holds — as official-account or
// mini-program identity — is never bound to a second customer; a free one
// is; an openid that is not short printable ASCII is refused. (The check looks the openid up in the store's index, not by reading
// every terminal user inside the write.)
func TestBindWeChatNeverTakesAnotherCustomersOpenID(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	nodes := core.DefaultProcessNodes()
	nodes[2].Task = &core.TaskSettings{Mode: core.TaskInvite, Methods: []core.InviteMethod{core.InviteLink}, EditFields: []string{"address"}}
	if _, err := svc.SetProcess(admin, core.Process{RecordType: "Repair", Nodes: nodes}); err != nil {
		t.Fatal(err)
	}
	token := func(name, phone string) (string, core.ID) {
		c, err := svc.AddContact(admin, core.NewContact{Name: name, Phone: phone, TerminalUser: true})
		if err != nil {
			t.Fatal(err)
		}
		w := testdb.AtTaskNode(t, svc, core.NewWorkOrder{Subject: "Install", ContactID: c.Contact.ID})
		inv, err := svc.InviteByLink(admin, w.Number, 0)
		if err != nil {
			t.Fatal(err)
		}
		return inv.URL[strings.Index(inv.URL, core.TaskPathPrefix)+len(core.TaskPathPrefix):], c.TerminalUser.ID
	}
	holder, _ := token("王芳", "13800138000")
	other, otherID := token("李雷", "13900139000")
	for _, c := range []struct {
		kind   core.WeChatKind
		openid string
	}{{core.WeChatOfficial, "oTAKEN"}, {core.WeChatMini, "mTAKEN"}} {
		if bound, err := svc.BindWeChat(holder, c.kind, c.openid); err != nil || !bound {
			t.Fatalf("binding %s to the first customer: %v %v", c.openid, bound, err)
		}
		if bound, err := svc.BindWeChat(other, c.kind, c.openid); err != nil || bound {
			t.Errorf("%s, held by another customer, bound to a second: %v %v", c.openid, bound, err)
		}
	}
	tus, err := svc.TerminalUsers()
	if err != nil {
		t.Fatal(err)
	}
	for _, tu := range tus {
		if tu.ID == otherID && (tu.WeChatOpenID != "" || tu.MiniProgramOpenID != "") {
			t.Errorf("the second customer got %+v", tu)
		}
	}
	for _, hostile := range []string{"oTAKEN\x00", "o\x00TAKEN", "o TAKEN", "o微信", strings.Repeat("o", 129)} {
		if bound, err := svc.BindWeChat(other, core.WeChatOfficial, hostile); err == nil || bound {
			t.Errorf("openid %q: bound %v, err %v; want it refused", hostile, bound, err)
		}
	}
	if bound, err := svc.BindWeChat(other, core.WeChatOfficial, "oFREE"); err != nil || !bound {
		t.Errorf("a free openid: %v %v", bound, err)
	}
}
