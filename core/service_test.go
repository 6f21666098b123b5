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

func mustUser(t *testing.T, svc *core.Service, admin core.Actor, login string, roles ...core.Role) core.Actor {
	t.Helper()
	if _, err := svc.AddUser(admin, core.NewUser{Login: login, Name: strings.ToUpper(login), Roles: roles}); err != nil {
		t.Fatal(err)
	}
	a, err := svc.Login(login)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestCreateWorkOrder (R-WO-1, R-WO-3, R-IN-1/2): numbered sequentially, placed at
// dispatch, owner resolved, history recorded.
func TestCreateWorkOrder(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	agent := mustUser(t, svc, admin, "amy", core.RoleCallCenter)
	c, err := svc.AddContact(admin, core.NewContact{Name: "Zhang Wei", Phone: "139 0013 9000", AccountName: "Northwind"})
	if err != nil {
		t.Fatal(err)
	}
	tu, err := svc.AddTerminalUser(admin, core.NewTerminalUser{Name: "Zhang W.", Phone: "+8613900139000"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		clk.Advance(time.Minute)
		w, err := svc.CreateWorkOrder(agent, core.NewWorkOrder{Subject: "Fridge warm", ContactID: c.Contact.ID, Channel: core.ChannelCallCenter, Priority: "HIGH"})
		if err != nil {
			t.Fatal(err)
		}
		if w.Number != core.FormatNumber(uint64(i)) {
			t.Fatalf("number %s, want %s", w.Number, core.FormatNumber(uint64(i)))
		}
		if w.Node != core.NodeDispatch || w.Status != core.StatusNew || w.Priority != core.PriorityHigh || w.Version != 1 {
			t.Fatalf("fresh work order state: %+v", w)
		}
		if w.OutOwner != tu.ID || !strings.Contains(w.OutOwnerRule, "case 3") {
			t.Fatalf("owner %d (%s), want %d by case 3", w.OutOwner, w.OutOwnerRule, tu.ID)
		}
		if w.AccountName != "Northwind" || w.Phone != "13900139000" || w.CreatedBy != "amy" || w.Channel != core.ChannelCallCenter {
			t.Fatalf("fields: %+v", w)
		}
	}
	got, err := svc.WorkOrder("3")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.History) != 3 || got.History[2].Kind != core.EventDispatch || got.History[0].Kind != core.EventCreated || got.History[0].By != "amy" || got.History[0].Channel != core.ChannelCallCenter {
		t.Fatalf("history: %+v", got.History)
	}
}

// TestCreateWorkOrderInvalid: bad input gives field errors and writes nothing.
func TestCreateWorkOrderInvalid(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	cases := []struct {
		in    core.NewWorkOrder
		field string
	}{
		{core.NewWorkOrder{}, "subject"},
		{core.NewWorkOrder{Subject: "a\nb"}, "subject"},
		{core.NewWorkOrder{Subject: strings.Repeat("长", 201)}, "subject"},
		{core.NewWorkOrder{Subject: "x", Phone: "call me"}, "phone"},
		{core.NewWorkOrder{Subject: "x", Email: "nope"}, "email"},
		{core.NewWorkOrder{Subject: "x", Priority: "whenever"}, "priority"},
		{core.NewWorkOrder{Subject: "x", RecordType: "Teleport"}, "type"},
		{core.NewWorkOrder{Subject: "x", Channel: "pigeon"}, "channel"},
		{core.NewWorkOrder{Subject: "x", ContactID: 99}, "contact"},
		{core.NewWorkOrder{Subject: "x\x00"}, "subject"},
	}
	for _, c := range cases {
		_, err := svc.CreateWorkOrder(admin, c.in)
		fe := core.FieldErrors(err)
		if fe[c.field] == "" {
			t.Errorf("%+v: error %v has no message for %s", c.in, err, c.field)
		}
	}
	n, _ := svc.CountWorkOrders()
	if n != 0 {
		t.Fatalf("%d work orders written by invalid commands", n)
	}
	// Numbers are not consumed by refused commands either.
	w, err := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "ok"})
	if err != nil || w.Number != "WO-000001" {
		t.Fatalf("%v %v", w.Number, err)
	}
}

// TestRoles (R-ROLE-1): follow-up agents and engineers cannot create work orders
// or users; the error says why.
func TestRoles(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	eng := mustUser(t, svc, admin, "eve", core.RoleEngineer)
	_, err := svc.CreateWorkOrder(eng, core.NewWorkOrder{Subject: "x"})
	if !errors.Is(err, core.ErrForbidden) || !strings.Contains(err.Error(), "dispatcher") {
		t.Fatalf("engineer create: %v", err)
	}
	_, err = svc.AddUser(eng, core.NewUser{Login: "x1", Name: "X", Roles: []core.Role{core.RoleAdmin}})
	if !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("engineer add user: %v", err)
	}
	if _, err := svc.AddUser(admin, core.NewUser{Login: "eve", Name: "Eve", Roles: []core.Role{core.RoleAdmin}}); !core.IsValidation(err) {
		t.Fatalf("duplicate login: %v", err)
	}
	if _, err := svc.Login("nobody"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("unknown login: %v", err)
	}
}

// TestConcurrentWriters: two writers on one work order from the same version —
// exactly one wins, the other gets ErrConflict naming who changed it.
func TestConcurrentWriters(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	d1 := mustUser(t, svc, admin, "dina", core.RoleDispatcher)
	d2 := mustUser(t, svc, admin, "dave", core.RoleDispatcher)
	for round := 0; round < 20; round++ {
		w, err := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "race"})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, who := range []core.Actor{d1, d2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p := core.Priority([]string{"high", "urgent"}[i])
				_, errs[i] = svc.UpdateWorkOrder(who, w.Number, w.Version, core.WorkOrderPatch{Priority: &p})
			}()
		}
		wg.Wait()
		wins, conflicts := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case errors.Is(err, core.ErrConflict):
				conflicts++
				var ce *core.ConflictError
				if !errors.As(err, &ce) || (ce.By != "dina" && ce.By != "dave") || !strings.Contains(err.Error(), "priority") {
					t.Fatalf("conflict does not say who and what: %v", err)
				}
			default:
				t.Fatal(err)
			}
		}
		if wins != 1 || conflicts != 1 {
			t.Fatalf("round %d: %d wins, %d conflicts", round, wins, conflicts)
		}
		got, _ := svc.WorkOrder(w.Number)
		if got.Version != 2 || len(got.History) != 4 {
			t.Fatalf("after race: version %d, %d events", got.Version, len(got.History))
		}
	}
}

// TestUpdateKeepsHistory (R-WO-3): history is appended, never rewritten.
func TestUpdateKeepsHistory(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	w, _ := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "first"})
	before, _ := svc.WorkOrder(w.Number)
	clk.Advance(time.Hour)
	s := "second"
	w2, err := svc.UpdateWorkOrder(admin, w.Number, 1, core.WorkOrderPatch{Subject: &s})
	if err != nil {
		t.Fatal(err)
	}
	if len(w2.History) != len(before.History)+1 {
		t.Fatalf("history %d → %d", len(before.History), len(w2.History))
	}
	for i, e := range before.History {
		if w2.History[i] != e {
			t.Fatalf("event %d rewritten: %+v → %+v", i, e, w2.History[i])
		}
	}
	last := w2.History[len(w2.History)-1]
	if last.Kind != core.EventUpdated || !strings.Contains(last.Detail, `"first" → "second"`) || !last.At.Equal(testdb.Epoch.Add(time.Hour)) {
		t.Fatalf("update event: %+v", last)
	}
	// No-op patch: no version bump, no event.
	w3, err := svc.UpdateWorkOrder(admin, w.Number, 2, core.WorkOrderPatch{Subject: &s})
	if err != nil || w3.Version != 2 || len(w3.History) != len(w2.History) {
		t.Fatalf("no-op update changed things: v%d %d events %v", w3.Version, len(w3.History), err)
	}
}

func TestContactsAndCallerLookup(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	r, err := svc.AddContact(admin, core.NewContact{Name: "李娜", Phone: "138-0013-8000", Email: "LN@Example.com", AccountName: "上海华东制冷", TerminalUser: true})
	if err != nil {
		t.Fatal(err)
	}
	if !r.AccountCreated || r.TerminalUser == nil || r.Contact.TerminalUserID != r.TerminalUser.ID || r.TerminalUser.ContactID != r.Contact.ID {
		t.Fatalf("contact result: %+v", r)
	}
	r2, err := svc.AddContact(admin, core.NewContact{Name: "王芳", Phone: "13800138001", AccountName: "上海华东制冷"})
	if err != nil || r2.AccountCreated || r2.Contact.AccountID != r.Contact.AccountID {
		t.Fatalf("second contact reuses account: %+v %v", r2, err)
	}
	m, err := svc.LookupCaller("+86 13800138000")
	if err != nil || len(m) != 1 || m[0].Contact.Name != "李娜" || m[0].Account == nil || m[0].TerminalUser == nil {
		t.Fatalf("lookup: %+v %v", m, err)
	}
	if m, _ := svc.LookupCaller("1380"); len(m) != 0 {
		t.Fatalf("partial number matched: %+v", m)
	}
	// A second terminal user with the same phone is refused.
	if _, err := svc.AddTerminalUser(admin, core.NewTerminalUser{Name: "dup", Phone: "13800138000"}); !core.IsValidation(err) {
		t.Fatalf("duplicate terminal user phone: %v", err)
	}
	if _, err := svc.AddTerminalUser(admin, core.NewTerminalUser{Name: "nobody"}); !core.IsValidation(err) {
		t.Fatalf("terminal user without phone or email: %v", err)
	}
}

func TestSubscribeSeesCreates(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	ch, cancel := svc.Subscribe()
	defer cancel()
	w, _ := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "x"})
	select {
	case c := <-ch:
		if c.Kind != "work-order" || c.Number != w.Number {
			t.Fatalf("change %+v", c)
		}
	case <-time.After(time.Second):
		t.Fatal("no change published")
	}
}

func TestListWorkOrdersFilters(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	var items []core.ImportedWorkOrder
	statuses := []core.Status{core.StatusNew, core.StatusAssigned, core.StatusCompleted}
	nodes := []core.Node{core.NodeDispatch, core.NodeService, core.NodeEnd}
	for i := 0; i < 30; i++ {
		items = append(items, core.ImportedWorkOrder{
			NewWorkOrder: core.NewWorkOrder{Subject: []string{"Boiler", "Aircon", "电梯故障"}[i%3]},
			CreatedAt:    clk.T.Add(time.Duration(i) * time.Minute),
			Status:       statuses[i%3], Node: nodes[(i/3)%3],
		})
	}
	if _, err := svc.ImportWorkOrders(admin, items); err != nil {
		t.Fatal(err)
	}
	p, err := svc.ListWorkOrders(core.WorkOrderQuery{Status: core.StatusAssigned, Node: core.NodeService, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	// i%3==1 and (i/3)%3==1 → i in {4,13,22}; newest first.
	if p.Total != 3 || len(p.Rows) != 2 || p.Rows[0].Number != "WO-000023" || p.Rows[1].Number != "WO-000014" {
		t.Fatalf("status+node page: %+v", p)
	}
	p, _ = svc.ListWorkOrders(core.WorkOrderQuery{Text: "电梯", Offset: 9})
	if p.Total != 10 || len(p.Rows) != 1 || p.Rows[0].Number != "WO-000003" {
		t.Fatalf("text page: total %d rows %+v", p.Total, p.Rows)
	}
	if _, err := svc.ListWorkOrders(core.WorkOrderQuery{Status: "lost"}); !core.IsValidation(err) {
		t.Fatalf("bad status: %v", err)
	}
}

// TestInvisibleCharactersDropped (issue 18, item 9): bidirectional controls
// and zero-width characters in text from outside are dropped, so "refund
// ‮eulav‬" cannot be made to read backwards on a dispatcher's screen or a
// customer's page.
func TestInvisibleCharactersDropped(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	w, err := svc.CreateWorkOrder(admin, core.NewWorkOrder{
		Subject:     "refund \u202Eeulav\u202C now",
		Description: "zero\u200Bwidth\u2066isolate\u2069 and\uFEFF bom",
		Phone:       "13800138000",
	})
	if err != nil {
		t.Fatal(err)
	}
	if w.Subject != "refund eulav now" || w.Description != "zerowidthisolate and bom" {
		t.Fatalf("stored %q / %q", w.Subject, w.Description)
	}
	c, err := svc.AddContact(admin, core.NewContact{Name: "\u200F王芳\u202D", Phone: "13900139000"})
	if err != nil || c.Contact.Name != "王芳" {
		t.Fatalf("contact %q %v", c.Contact.Name, err)
	}
	for _, r := range []rune{0x202A, 0x202E, 0x2066, 0x2069, 0x200B, 0x200D, 0xFEFF, 0x200E, 0x061C} {
		if !core.Invisible(r) {
			t.Errorf("%U is not treated as invisible", r)
		}
	}
	for _, r := range []rune{'a', '王', ' ', '\n', 0x00A0} {
		if core.Invisible(r) {
			t.Errorf("%U is dropped but is visible", r)
		}
	}
}
