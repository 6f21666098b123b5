package core_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/store/testdb"
)

// TestSubmitWebTerminalUserMatchedByPhone (R-IN-3, R-WO-4 case 1): a customer who
// gives the phone of an existing contact is registered as that contact's terminal
// user, owns the work order and gets the contact's account.
func TestSubmitWebTerminalUserMatchedByPhone(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	c, err := svc.AddContact(admin, core.NewContact{Name: "王芳", Phone: "13800138000", AccountName: "上海浦东仓储"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.SubmitWeb(core.WebSubmission{Form: core.FormTerminal, Nonce: core.NewToken(), Name: "王芳", Phone: "+86 138 0013 8000", Subject: "冷库温度过高"})
	if err != nil {
		t.Fatal(err)
	}
	w, err := svc.WorkOrder(r.Number)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := svc.Contact(c.Contact.ID)
	if got.TerminalUserID == 0 || w.OutOwner != got.TerminalUserID || !strings.Contains(w.OutOwnerRule, "case 1") {
		t.Fatalf("owner %d (%s), contact's terminal user %d", w.OutOwner, w.OutOwnerRule, got.TerminalUserID)
	}
	if w.AccountName != "上海浦东仓储" || w.ContactID != c.Contact.ID || w.Channel != core.ChannelWeb {
		t.Fatalf("work order %+v", w)
	}
	// The same phone again: the same terminal user, no second registration.
	r2, err := svc.SubmitWeb(core.WebSubmission{Form: core.FormTerminal, Nonce: core.NewToken(), Name: "Wang Fang", Phone: "13800138000", Subject: "again"})
	if err != nil {
		t.Fatal(err)
	}
	w2, _ := svc.WorkOrder(r2.Number)
	if w2.OutOwner != w.OutOwner {
		t.Fatalf("second submission owned by %d, first by %d", w2.OutOwner, w.OutOwner)
	}
}

// TestSubmitWebGuestAndDuplicateNonce (R-WO-4 case 5): guests own nothing; the same
// form nonce twice gives one work order and the first receipt.
func TestSubmitWebGuestAndDuplicateNonce(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	nonce := core.NewToken()
	in := core.WebSubmission{Form: core.FormGuest, Nonce: nonce, Name: "Li", Phone: "13900139000", Subject: "Door sensor"}
	var wg sync.WaitGroup
	rs := make([]core.Receipt, 4)
	for i := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := svc.SubmitWeb(in)
			if err != nil {
				t.Error(err)
			}
			rs[i] = r
		}()
	}
	wg.Wait()
	for _, r := range rs {
		if r.Number != rs[0].Number {
			t.Fatalf("double submit made %s and %s", rs[0].Number, r.Number)
		}
	}
	if n, _ := svc.CountWorkOrders(); n != 1 {
		t.Fatalf("%d work orders, want 1", n)
	}
	w, _ := svc.WorkOrder(rs[0].Number)
	if w.OutOwner != 0 || w.CreatedBy != "guest" || !strings.Contains(w.Description, "— Li") {
		t.Fatalf("guest work order %+v", w)
	}
	rec, err := svc.Receipt(strings.ToLower(nonce))
	if err != nil || rec.Number != w.Number {
		t.Fatalf("Receipt = %+v, %v", rec, err)
	}
	if _, err := svc.SubmitWeb(core.WebSubmission{Form: core.FormGuest, Nonce: "x", Subject: "s"}); !core.IsValidation(err) {
		t.Fatalf("bad nonce: %v", err)
	}
	if _, err := svc.SubmitWeb(core.WebSubmission{Form: core.FormGuest, Nonce: core.NewToken()}); core.FieldErrors(err)["subject"] == "" {
		t.Fatalf("missing subject: %v", err)
	}
}

// TestDeviceLinks (R-IN-4): a registered device's sticker token is stable, opens
// the device and files a device-code work order on the device's account.
func TestDeviceLinks(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	if _, err := svc.AddAccount(admin, "Northwind", "North"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddContact(admin, core.NewContact{Name: "Zhao", AccountName: "Northwind"}); err != nil {
		t.Fatal(err)
	}
	// A region rule must match a sticker's work order (issue 17): the
	// device's account brings its region.
	prov, err := svc.AddProvider(admin, "Northern Service", "T-N")
	if err != nil {
		t.Fatal(err)
	}
	eng, err := svc.AddEngineer(admin, core.NewEngineer{Name: "Bei", ProviderID: prov.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddRule(admin, core.NewRule{Kind: core.RuleDispatch, Name: "North", When: `region == "North"`, Engineers: []core.ID{eng.ID}}); err != nil {
		t.Fatal(err)
	}
	d, err := svc.AddDevice(admin, core.NewDevice{Code: "frz-0042", Model: "Haier SC-240", AccountName: "northwind", Location: "Dock 3"})
	if err != nil || d.Code != "FRZ-0042" || d.AccountName != "Northwind" {
		t.Fatalf("AddDevice = %+v, %v", d, err)
	}
	if _, err := svc.AddDevice(admin, core.NewDevice{Code: "FRZ-0042"}); !core.IsValidation(err) {
		t.Fatalf("duplicate device: %v", err)
	}
	_, tok, err := svc.DeviceLink("FRZ-0042")
	_, tok2, _ := svc.DeviceLink("frz-0042")
	if err != nil || tok != tok2 {
		t.Fatalf("DeviceLink = %q %q %v", tok, tok2, err)
	}
	got, err := svc.OpenDevice(tok)
	if err != nil || got.Code != "FRZ-0042" {
		t.Fatalf("OpenDevice = %+v %v", got, err)
	}
	r, err := svc.SubmitWeb(core.WebSubmission{Form: core.FormDevice, DeviceToken: tok, Nonce: core.NewToken(), Subject: "Not cooling"})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := svc.WorkOrder(r.Number)
	if w.DeviceCode != "FRZ-0042" || w.Channel != core.ChannelDeviceCode || w.AccountName != "Northwind" || w.Address != "Dock 3" || w.Region != "North" {
		t.Fatalf("device work order %+v", w)
	}
	if w.FieldOutDealUser != eng.ID {
		t.Fatalf("the region rule did not dispatch the sticker's work order: engineer %d, history %+v", w.FieldOutDealUser, w.History)
	}
	if _, err := svc.SubmitWeb(core.WebSubmission{Form: core.FormDevice, DeviceToken: core.NewToken(), Nonce: core.NewToken(), Subject: "x"}); !errors.Is(err, core.ErrLinkUnusable) {
		t.Fatalf("unknown device token: %v", err)
	}
}

// TestTaskLinkLifecycle (R-TASK-2 link, R-TASK-3): a single-use link opens the
// task, the submission lands in history, a second use and an expired link are
// refused alike, and a double submit returns the first receipt.
func TestTaskLinkLifecycle(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	w := testdb.AtTaskNode(t, svc, core.NewWorkOrder{Subject: "Install compressor"})
	inv, err := svc.InviteByLink(admin, w.Number, time.Hour)
	if err != nil || inv.ExpiresAt != svc.Now().Add(time.Hour) {
		t.Fatalf("InviteByLink = %+v, %v", inv, err)
	}
	v, err := svc.OpenTask(inv.Token)
	if err != nil || v.Number != w.Number || v.Subject != "Install compressor" {
		t.Fatalf("OpenTask = %+v, %v", v, err)
	}
	if _, err := svc.OpenDevice(inv.Token); !errors.Is(err, core.ErrLinkUnusable) {
		t.Fatalf("task token as a device token: %v", err)
	}
	nonce := core.NewToken()
	r, err := svc.CompleteTask(inv.Token, core.TaskInput{Nonce: nonce, Comment: "确认，周三上午可以"})
	if err != nil || !r.Task || r.Number != w.Number {
		t.Fatalf("CompleteTask = %+v, %v", r, err)
	}
	again, err := svc.CompleteTask(inv.Token, core.TaskInput{Nonce: nonce, Comment: "again"})
	if err != nil || !again.Duplicate || again.Number != w.Number {
		t.Fatalf("double submit = %+v, %v", again, err)
	}
	if _, err := svc.CompleteTask(inv.Token, core.TaskInput{Nonce: core.NewToken(), Comment: "x"}); !errors.Is(err, core.ErrLinkUnusable) {
		t.Fatalf("reused link: %v", err)
	}
	if _, err := svc.OpenTask(inv.Token); !errors.Is(err, core.ErrLinkUnusable) {
		t.Fatalf("used link opens: %v", err)
	}
	got, _ := svc.WorkOrder(w.Number)
	n := 0
	for _, e := range got.History {
		if e.Kind == core.EventTerminalTask {
			n++
			if !strings.Contains(e.Detail, "周三上午") || e.Channel != core.ChannelWeb {
				t.Errorf("task event %+v", e)
			}
		}
	}
	if n != 1 || got.Version != w.Version+1 || got.Node != core.NodeEvaluation {
		t.Fatalf("%d task events, version %d, node %s", n, got.Version, got.Node)
	}
	if _, err := svc.InviteByLink(admin, w.Number, time.Hour); !core.IsValidation(err) {
		t.Fatalf("invited after the terminal-task node: %v", err)
	}
	w = testdb.AtTaskNode(t, svc, core.NewWorkOrder{Subject: "Second"})
	inv2, _ := svc.InviteByLink(admin, w.Number, time.Hour)
	clk.Advance(time.Hour)
	if _, err := svc.OpenTask(inv2.Token); !errors.Is(err, core.ErrLinkUnusable) {
		t.Fatalf("expired link opens: %v", err)
	}
	eng := mustUser(t, svc, admin, "fu", core.RoleFollowUp)
	if _, err := svc.InviteByLink(eng, w.Number, 0); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("follow-up agent invited: %v", err)
	}
}
