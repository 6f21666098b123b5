// Package storetest is the conformance suite every implementation of core.Store
// must pass. The bbolt store runs it in store/bolt_test.go; a second backend
// would call Run with its own constructor.
package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"switchboard/core"
)

// Opener returns a fresh, empty, migrated store. The suite closes it.
type Opener func(t *testing.T) core.Store

// Run runs every conformance test against stores made by open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, core.Store)
	}{
		{"Users", testUsers},
		{"AccountsByName", testAccounts},
		{"ContactIndexes", testContactIndexes},
		{"TerminalUserIndexes", testTerminalUserIndexes},
		{"PeopleIndexesInOneTransaction", testPeopleIndexesInOneTransaction},
		{"ProvidersEngineers", testProvidersEngineers},
		{"WorkOrderNumbers", testNumbers},
		{"WorkOrderIndexes", testWorkOrderIndexes},
		{"WorkOrdersByOwner", testWorkOrdersByOwner},
		{"CreatedAndReadInOneTransaction", testCreatedAndRead},
		{"QueryPlainMatchesScan", testQueryPlainMatchesScan},
		{"History", testHistory},
		{"Atomicity", testAtomicity},
		{"PutTwiceInOneTransaction", testPutTwice},
		{"WorkOrderVersion", testWorkOrderVersion},
		{"Settings", testSettings},
		{"Backup", testBackup},
		{"NotFound", testNotFound},
		{"Links", testLinks},
		{"Devices", testDevices},
		{"BatchConcurrentWriters", testBatch},
		{"Outbox", testOutbox},
		{"OutboxRollback", testOutboxRollback},
		{"Reports", testReports},
		{"MailLog", testMailLog},
		{"Attachments", testAttachments},
		{"APIKeys", testAPIKeys},
		{"Evaluations", testEvaluations},
		{"FollowUpQueue", testFollowUpQueue},
		{"EngineLoadCounters", testEngineLoad},
		{"DispatchGeneration", testDispatchGeneration},
		{"Search", testSearch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := open(t)
			defer st.Close()
			tt.fn(t, st)
		})
	}
}

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func update(t *testing.T, st core.Store, fn func(core.Tx) error) {
	t.Helper()
	if err := st.Update(fn); err != nil {
		t.Fatal(err)
	}
}

func view(t *testing.T, st core.Store, fn func(core.Tx) error) {
	t.Helper()
	if err := st.View(fn); err != nil {
		t.Fatal(err)
	}
}

func testUsers(t *testing.T, st core.Store) {
	u := core.User{Login: "dina", Name: "Dina", Roles: []core.Role{core.RoleDispatcher}, CreatedAt: t0}
	update(t, st, func(tx core.Tx) error { return tx.PutUser(&u) })
	if u.ID == 0 {
		t.Fatal("PutUser assigned no id")
	}
	u.Login = "dina2"
	update(t, st, func(tx core.Tx) error { return tx.PutUser(&u) })
	view(t, st, func(tx core.Tx) error {
		if _, err := tx.UserByLogin("dina"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("old login still resolves: %v", err)
		}
		got, err := tx.UserByLogin("dina2")
		if err != nil || got.ID != u.ID || !got.CreatedAt.Equal(t0) {
			t.Errorf("UserByLogin = %+v, %v", got, err)
		}
		all, _ := tx.Users()
		if len(all) != 1 {
			t.Errorf("Users = %d", len(all))
		}
		return nil
	})
}

func testAccounts(t *testing.T, st core.Store) {
	a := core.Account{Name: "上海华东制冷 Co", CreatedAt: t0}
	update(t, st, func(tx core.Tx) error { return tx.PutAccount(&a) })
	view(t, st, func(tx core.Tx) error {
		got, err := tx.AccountByName("上海华东制冷 CO")
		if err != nil || got.ID != a.ID {
			t.Errorf("AccountByName is not case-insensitive: %+v %v", got, err)
		}
		return nil
	})
	a.Name = "Renamed"
	update(t, st, func(tx core.Tx) error { return tx.PutAccount(&a) })
	view(t, st, func(tx core.Tx) error {
		if _, err := tx.AccountByName("上海华东制冷 Co"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("old name still resolves")
		}
		return nil
	})
}

func testContactIndexes(t *testing.T, st core.Store) {
	c1 := core.Contact{Name: "A", Phone: "13800138000", Email: "a@x.cn"}
	c2 := core.Contact{Name: "B", Phone: "13800138000"}
	c3 := core.Contact{Name: "C", Phone: "138001380001"} // longer number sharing a prefix
	update(t, st, func(tx core.Tx) error {
		for _, c := range []*core.Contact{&c1, &c2, &c3} {
			if err := tx.PutContact(c); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, st, func(tx core.Tx) error {
		got, _ := tx.ContactsByPhone("13800138000")
		if len(got) != 2 || got[0].ID != c1.ID || got[1].ID != c2.ID {
			t.Errorf("ContactsByPhone = %+v", got)
		}
		got, _ = tx.ContactsByEmail("a@x.cn")
		if len(got) != 1 {
			t.Errorf("ContactsByEmail = %+v", got)
		}
		return nil
	})
	c1.Phone, c1.Email = "13900000000", ""
	update(t, st, func(tx core.Tx) error { return tx.PutContact(&c1) })
	view(t, st, func(tx core.Tx) error {
		got, _ := tx.ContactsByPhone("13800138000")
		if len(got) != 1 || got[0].ID != c2.ID {
			t.Errorf("index not moved on change: %+v", got)
		}
		got, _ = tx.ContactsByEmail("a@x.cn")
		if len(got) != 0 {
			t.Errorf("email index not cleared: %+v", got)
		}
		got, _ = tx.ContactsByPhone("")
		if len(got) != 0 {
			t.Errorf("empty phone matched %d", len(got))
		}
		return nil
	})
}

// testPeopleIndexesInOneTransaction: contacts and terminal users put, changed
// and put back within one transaction are found by phone, email and WeChat
// identity inside it — beside those already stored, in id order — and after
// it, with nothing left under values they no longer have (the bbolt store
// holds these index entries until the transaction function returns: an import
// of 50,000 customers wrote them out of order and took 15 s).
func testPeopleIndexesInOneTransaction(t *testing.T, st core.Store) {
	ids := func(cs []core.Contact) (out []core.ID) {
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	stored := core.Contact{Name: "stored", Phone: "13800138000"}
	update(t, st, func(tx core.Tx) error { return tx.PutContact(&stored) })
	a := core.Contact{Name: "a", Phone: "13800138000", Email: "a@x.cn"}
	b := core.Contact{Name: "b", Phone: "13900139000", Email: "b@x.cn"}
	u := core.TerminalUser{Name: "u", Phone: "13700137000", WeChatOpenID: "oU"}
	check := func(tx core.Tx, when string) {
		t.Helper()
		if got, _ := tx.ContactsByPhone("13800138000"); !slices.Equal(ids(got), []core.ID{stored.ID, b.ID}) {
			t.Errorf("%s: contacts by 13800138000 = %v, want %v", when, ids(got), []core.ID{stored.ID, b.ID})
		}
		if got, _ := tx.ContactsByPhone("13900139000"); len(got) != 0 {
			t.Errorf("%s: b is still found by the phone it left: %v", when, ids(got))
		}
		if got, _ := tx.ContactsByEmail("a@x.cn"); !slices.Equal(ids(got), []core.ID{a.ID}) {
			t.Errorf("%s: contacts by a@x.cn = %v", when, ids(got))
		}
		if got, _ := tx.ContactsByPhone("13600136000"); !slices.Equal(ids(got), []core.ID{a.ID}) {
			t.Errorf("%s: a by the phone it went back to = %v", when, ids(got))
		}
		if got, _ := tx.TerminalUsersByOpenID("oU"); len(got) != 1 || got[0].ID != u.ID {
			t.Errorf("%s: terminal user by openid = %+v", when, got)
		}
		if got, _ := tx.TerminalUsersByPhone("13700137000"); len(got) != 0 {
			t.Errorf("%s: terminal user still found by its old phone", when)
		}
		if got, _ := tx.TerminalUsersByPhone("13500135000"); len(got) != 1 || got[0].ID != u.ID {
			t.Errorf("%s: terminal user by its new phone = %+v", when, got)
		}
	}
	update(t, st, func(tx core.Tx) error {
		for _, c := range []*core.Contact{&a, &b} {
			if err := tx.PutContact(c); err != nil {
				return err
			}
		}
		if err := tx.PutTerminalUser(&u); err != nil {
			return err
		}
		if got, _ := tx.ContactsByPhone("13800138000"); !slices.Equal(ids(got), []core.ID{stored.ID, a.ID}) {
			t.Errorf("inside: contacts by 13800138000 = %v, want the stored one and a", ids(got))
		}
		// a moves away and comes back to another phone; b moves to a's.
		a.Phone = "13900139000"
		if err := tx.PutContact(&a); err != nil {
			return err
		}
		a.Phone = "13600136000"
		if err := tx.PutContact(&a); err != nil {
			return err
		}
		b.Phone = "13800138000"
		if err := tx.PutContact(&b); err != nil {
			return err
		}
		u.Phone = "13500135000"
		if err := tx.PutTerminalUser(&u); err != nil {
			return err
		}
		check(tx, "inside")
		return nil
	})
	view(t, st, func(tx core.Tx) error { check(tx, "after"); return nil })

	// Accounts by name (unique, case-insensitive): a stored one renamed, a new
	// one named and renamed, and the stored one's old name taken by the new.
	old := core.Account{Name: "Acme Ltd"}
	update(t, st, func(tx core.Tx) error { return tx.PutAccount(&old) })
	fresh := core.Account{Name: "Beta"}
	named := func(tx core.Tx, when string, want map[string]core.ID) {
		t.Helper()
		for name, id := range want {
			a, err := tx.AccountByName(name)
			switch {
			case id == 0 && !errors.Is(err, core.ErrNotFound):
				t.Errorf("%s: account %q = %+v %v, want none", when, name, a, err)
			case id != 0 && (err != nil || a.ID != id):
				t.Errorf("%s: account %q = %+v %v, want %d", when, name, a, err, id)
			}
		}
	}
	update(t, st, func(tx core.Tx) error {
		old.Name = "Acme Group"
		if err := tx.PutAccount(&old); err != nil {
			return err
		}
		if err := tx.PutAccount(&fresh); err != nil {
			return err
		}
		named(tx, "inside, named", map[string]core.ID{"beta": fresh.ID, "ACME GROUP": old.ID, "acme ltd": 0})
		fresh.Name = "Acme Ltd"
		if err := tx.PutAccount(&fresh); err != nil {
			return err
		}
		named(tx, "inside, renamed", map[string]core.ID{"Beta": 0, "Acme Ltd": fresh.ID, "Acme Group": old.ID})
		return nil
	})
	view(t, st, func(tx core.Tx) error {
		named(tx, "after", map[string]core.ID{"Beta": 0, "Acme Ltd": fresh.ID, "Acme Group": old.ID})
		return nil
	})
}

func testTerminalUserIndexes(t *testing.T, st core.Store) {
	u := core.TerminalUser{Name: "T", Phone: "13800138000", Email: "t@x.cn"}
	update(t, st, func(tx core.Tx) error { return tx.PutTerminalUser(&u) })
	view(t, st, func(tx core.Tx) error {
		a, _ := tx.TerminalUsersByPhone("13800138000")
		b, _ := tx.TerminalUsersByEmail("t@x.cn")
		if len(a) != 1 || len(b) != 1 || a[0].ID != u.ID {
			t.Errorf("terminal indexes: %v %v", a, b)
		}
		return nil
	})
	u.Email = "new@x.cn"
	update(t, st, func(tx core.Tx) error { return tx.PutTerminalUser(&u) })
	view(t, st, func(tx core.Tx) error {
		if b, _ := tx.TerminalUsersByEmail("t@x.cn"); len(b) != 0 {
			t.Errorf("stale email index")
		}
		return nil
	})
	// WeChat identities (issue 19): found by openid, official account or
	// mini program, once per user; a changed or cleared openid leaves nothing.
	byOpenID := func(openid string) (ids []core.ID) {
		t.Helper()
		view(t, st, func(tx core.Tx) error {
			us, err := tx.TerminalUsersByOpenID(openid)
			for _, x := range us {
				ids = append(ids, x.ID)
			}
			return err
		})
		return ids
	}
	v := core.TerminalUser{Name: "V", WeChatOpenID: "oMini-or-not", MiniProgramOpenID: "oMini-or-not"}
	update(t, st, func(tx core.Tx) error {
		u.WeChatOpenID, u.MiniProgramOpenID = "oABC", "mXYZ"
		if err := tx.PutTerminalUser(&u); err != nil {
			return err
		}
		return tx.PutTerminalUser(&v)
	})
	for openid, want := range map[string][]core.ID{"oABC": {u.ID}, "mXYZ": {u.ID}, "oMini-or-not": {v.ID}, "nobody": nil, "": nil} {
		if got := byOpenID(openid); !slices.Equal(got, want) {
			t.Errorf("TerminalUsersByOpenID(%q) = %v, want %v", openid, got, want)
		}
	}
	update(t, st, func(tx core.Tx) error {
		u.WeChatOpenID, u.MiniProgramOpenID = "oNEW", ""
		return tx.PutTerminalUser(&u)
	})
	for openid, want := range map[string][]core.ID{"oABC": nil, "mXYZ": nil, "oNEW": {u.ID}} {
		if got := byOpenID(openid); !slices.Equal(got, want) {
			t.Errorf("after a change, TerminalUsersByOpenID(%q) = %v, want %v", openid, got, want)
		}
	}
}

func testProvidersEngineers(t *testing.T, st core.Store) {
	p := core.Provider{Name: "FixIt", TenantID: "T-1"}
	update(t, st, func(tx core.Tx) error {
		if err := tx.PutProvider(&p); err != nil {
			return err
		}
		e := core.Engineer{Name: "E", ProviderID: p.ID}
		return tx.PutEngineer(&e)
	})
	view(t, st, func(tx core.Tx) error {
		es, _ := tx.Engineers()
		ps, _ := tx.Providers()
		if len(es) != 1 || len(ps) != 1 || es[0].ProviderID != p.ID {
			t.Errorf("providers/engineers: %v %v", ps, es)
		}
		return nil
	})
}

func testNumbers(t *testing.T, st core.Store) {
	var got []uint64
	for i := 0; i < 3; i++ {
		update(t, st, func(tx core.Tx) error {
			n, err := tx.NextWorkOrderNumber()
			got = append(got, n)
			return err
		})
	}
	// A rolled-back transaction may or may not consume a number, but numbers
	// that were committed are strictly increasing and never reused.
	if !slices.Equal(got, []uint64{1, 2, 3}) {
		t.Fatalf("numbers %v", got)
	}
}

func newWO(n int, status core.Status, node core.Node) *core.WorkOrder {
	return &core.WorkOrder{
		Number: core.FormatNumber(uint64(n)), Subject: fmt.Sprintf("subject %d", n),
		Status: status, Node: node, Priority: core.PriorityNormal,
		CreatedAt: t0.Add(time.Duration(n) * time.Minute), Version: 1,
	}
}

func testWorkOrderIndexes(t *testing.T, st core.Store) {
	w := newWO(1, core.StatusNew, core.NodeDispatch)
	update(t, st, func(tx core.Tx) error { return tx.PutWorkOrder(w) })
	w.Status, w.Node, w.Version = core.StatusAssigned, core.NodeService, 2
	update(t, st, func(tx core.Tx) error { return tx.PutWorkOrder(w) })
	view(t, st, func(tx core.Tx) error {
		for _, q := range []core.WorkOrderQuery{{Status: core.StatusNew}, {Node: core.NodeDispatch}} {
			if p, _ := tx.QueryWorkOrders(q); p.Total != 0 {
				t.Errorf("stale index entry for %+v", q)
			}
		}
		p, _ := tx.QueryWorkOrders(core.WorkOrderQuery{Status: core.StatusAssigned, Node: core.NodeService})
		if p.Total != 1 || p.Rows[0].Version != 2 {
			t.Errorf("moved index: %+v", p)
		}
		got, err := tx.WorkOrderByNumber("WO-000001")
		if err != nil || got.ID != w.ID || got.Status != core.StatusAssigned {
			t.Errorf("by number: %+v %v", got, err)
		}
		if n, _ := tx.CountWorkOrders(); n != 1 {
			t.Errorf("count %d", n)
		}
		return nil
	})
	// A second record may not take an existing number.
	dup := newWO(1, core.StatusNew, core.NodeDispatch)
	if err := st.Update(func(tx core.Tx) error { return tx.PutWorkOrder(dup) }); err == nil {
		t.Error("duplicate number accepted")
	}
}

// testWorkOrdersByOwner: a customer's work orders by their external owner
// (a terminal user), newest first, follow a change of owner, include those
// created earlier in the same transaction, and stop at the limit.
func testWorkOrdersByOwner(t *testing.T, st core.Store) {
	var ws []*core.WorkOrder
	for i := 1; i <= 5; i++ {
		w := newWO(i, core.StatusNew, core.NodeDispatch)
		w.OutOwner = core.ID(7 + i%2) // 1, 3, 5 → 8; 2, 4 → 7
		ws = append(ws, w)
	}
	owned := func(tx core.Tx, owner core.ID, limit int) []core.ID {
		t.Helper()
		ids, err := tx.WorkOrdersOwnedBy(owner, limit)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	update(t, st, func(tx core.Tx) error {
		for _, w := range ws[:4] {
			if err := tx.PutWorkOrder(w); err != nil {
				return err
			}
		}
		// Read inside the transaction that created them.
		if got := owned(tx, 8, 0); !slices.Equal(got, []core.ID{ws[2].ID, ws[0].ID}) {
			t.Errorf("owner 8 inside the creating transaction: %v", got)
		}
		return tx.PutWorkOrder(ws[4])
	})
	view(t, st, func(tx core.Tx) error {
		if got := owned(tx, 8, 0); !slices.Equal(got, []core.ID{ws[4].ID, ws[2].ID, ws[0].ID}) {
			t.Errorf("owner 8: %v, want newest first", got)
		}
		if got := owned(tx, 8, 2); !slices.Equal(got, []core.ID{ws[4].ID, ws[2].ID}) {
			t.Errorf("owner 8, limit 2: %v", got)
		}
		if got := owned(tx, 7, 0); !slices.Equal(got, []core.ID{ws[3].ID, ws[1].ID}) {
			t.Errorf("owner 7: %v", got)
		}
		if got := owned(tx, 9, 0); len(got) != 0 {
			t.Errorf("owner 9 owns nothing, got %v", got)
		}
		if got := owned(tx, 0, 0); len(got) != 0 {
			t.Errorf("owner 0 is nobody, got %v", got)
		}
		return nil
	})
	// The owner changes (an edit resolved another customer) and goes away.
	ws[2].OutOwner, ws[2].Version = 7, 2
	ws[4].OutOwner, ws[4].Version = 0, 2
	update(t, st, func(tx core.Tx) error {
		if err := tx.PutWorkOrder(ws[2]); err != nil {
			return err
		}
		return tx.PutWorkOrder(ws[4])
	})
	view(t, st, func(tx core.Tx) error {
		if got := owned(tx, 8, 0); !slices.Equal(got, []core.ID{ws[0].ID}) {
			t.Errorf("owner 8 after the changes: %v", got)
		}
		if got := owned(tx, 7, 0); !slices.Equal(got, []core.ID{ws[3].ID, ws[2].ID, ws[1].ID}) {
			t.Errorf("owner 7 after the changes: %v", got)
		}
		return nil
	})
}

// testCreatedAndRead: work orders created — and changed again — in a
// transaction are found by every read in it (by status and node, their ids,
// by number; by text once committed) and leave no entry behind for what they
// were in between (the bbolt store writes a new work order's rows and indexes
// once, when something reads them or the transaction function returns: each
// read is tried first); a number taken twice in one transaction fails it.
func testCreatedAndRead(t *testing.T, st core.Store) {
	update(t, st, func(tx core.Tx) error { return tx.PutWorkOrder(newWO(1, core.StatusNew, core.NodeDispatch)) })
	waiting := []core.ID{1}
	var moved []string // newest first
	reads := map[string]func(tx core.Tx, when string){
		"query": func(tx core.Tx, when string) {
			for _, c := range []struct {
				q    core.WorkOrderQuery
				want []string
			}{
				{core.WorkOrderQuery{Node: core.NodeDispatch}, numbers(waiting)},
				{core.WorkOrderQuery{Status: core.StatusAssigned}, moved},
				{core.WorkOrderQuery{Status: core.StatusAssigned, Node: core.NodeService}, moved},
				{core.WorkOrderQuery{Text: "subject " + strings.TrimLeft(strings.TrimPrefix(moved[0], "WO-"), "0")}, moved[:1]},
			} {
				if c.q.Text != "" && when != "after commit" {
					continue // bbolt's text search reads the committed texts (its index is in memory)
				}
				p, err := tx.QueryWorkOrders(c.q)
				if err != nil {
					t.Fatalf("%s: %+v: %v", when, c.q, err)
				}
				var got []string
				for _, r := range p.Rows {
					got = append(got, r.Number)
				}
				if !slices.Equal(got, c.want) || p.Total != len(c.want) {
					t.Errorf("%s: %+v: %v (total %d), want %v", when, c.q, got, p.Total, c.want)
				}
			}
		},
		"ids": func(tx core.Tx, when string) {
			if ids, err := tx.WorkOrderIDs(core.StatusNew, core.NodeDispatch); err != nil || !slices.Equal(ids, waiting) {
				t.Errorf("%s: waiting ids %v %v, want %v", when, ids, err, waiting)
			}
		},
		"number": func(tx core.Tx, when string) {
			if w, err := tx.WorkOrderByNumber(moved[0]); err != nil || w.Status != core.StatusAssigned || w.FieldOutDealUser != 7 {
				t.Errorf("%s: %s by number: %+v %v", when, moved[0], w, err)
			}
		},
	}
	n := 1
	for _, first := range []string{"query", "ids", "number"} {
		update(t, st, func(tx core.Tx) error {
			a, b := newWO(n+1, core.StatusNew, core.NodeDispatch), newWO(n+2, core.StatusNew, core.NodeDispatch)
			for _, w := range []*core.WorkOrder{a, b} {
				if err := tx.PutWorkOrder(w); err != nil {
					return err
				}
			}
			b.Status, b.Node, b.FieldOutDealUser, b.EngineerName, b.Version = core.StatusAssigned, core.NodeService, 7, "Li", 2
			if err := tx.PutWorkOrder(b); err != nil {
				return err
			}
			waiting = append(waiting, a.ID)
			moved = append([]string{b.Number}, moved...)
			when := "inside the transaction, " + first + " read first"
			reads[first](tx, when)
			for _, r := range []string{"query", "ids", "number"} {
				reads[r](tx, when)
			}
			if l, _ := tx.EngineerLoad(7); l != len(moved) {
				t.Errorf("%s: engineer 7's load %d, want %d", when, l, len(moved))
			}
			return nil
		})
		n += 2
		view(t, st, func(tx core.Tx) error {
			for _, r := range []string{"query", "ids", "number"} {
				reads[r](tx, "after commit")
			}
			return nil
		})
	}
	err := st.Update(func(tx core.Tx) error {
		if err := tx.PutWorkOrder(newWO(n+1, core.StatusNew, core.NodeDispatch)); err != nil {
			return err
		}
		return tx.PutWorkOrder(newWO(n+1, core.StatusNew, core.NodeDispatch))
	})
	if err == nil {
		t.Error("two new work orders with one number in one transaction: accepted")
	}
	view(t, st, func(tx core.Tx) error {
		if c, _ := tx.CountWorkOrders(); c != n {
			t.Errorf("after the refused transaction: %d work orders, want %d", c, n)
		}
		return nil
	})
}

// numbers are the work-order numbers of ids, newest first.
func numbers(ids []core.ID) []string {
	var out []string
	for _, id := range slices.Backward(ids) {
		out = append(out, core.FormatNumber(uint64(id)))
	}
	return out
}

// testQueryPlainMatchesScan: the cursor path (plain queries) and the scan path
// must agree on every filter, offset and limit.
func testQueryPlainMatchesScan(t *testing.T, st core.Store) {
	statuses := []core.Status{core.StatusNew, core.StatusAssigned, core.StatusCompleted}
	// A node whose name starts with another's: ranges must not run together.
	nodes := []core.Node{core.NodeDispatch, core.NodeService, core.NodeService + "2"}
	update(t, st, func(tx core.Tx) error {
		for i := 1; i <= 47; i++ {
			if err := tx.PutWorkOrder(newWO(i, statuses[i%3], nodes[i%3/2+i%2])); err != nil {
				return err
			}
		}
		return nil
	})
	// Some move on: their old index entries must be gone.
	update(t, st, func(tx core.Tx) error {
		for i := 1; i <= 47; i += 5 {
			w, err := tx.WorkOrder(core.ID(i))
			if err != nil {
				return err
			}
			w.Status, w.Node = statuses[(i+1)%3], nodes[(i+2)%3]
			if err := tx.PutWorkOrder(&w); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, st, func(tx core.Tx) error {
		for _, s := range append([]core.Status{""}, statuses...) {
			for _, n := range append([]core.Node{""}, nodes...) {
				for _, lim := range [][2]int{{0, 0}, {0, 5}, {3, 4}, {40, 50}} {
					q := core.WorkOrderQuery{Status: s, Node: n, Offset: lim[0], Limit: lim[1]}
					plain, err := tx.QueryWorkOrders(q)
					if err != nil {
						return err
					}
					// "subject" matches every row and forces the scan path.
					q.Text = "subject"
					scan, err := tx.QueryWorkOrders(q)
					if err != nil {
						return err
					}
					if plain.Total != scan.Total || !slices.EqualFunc(plain.Rows, scan.Rows, func(a, b core.WorkOrderRow) bool { return a.ID == b.ID }) {
						t.Errorf("%+v: plain %d %v, scan %d %v", q, plain.Total, ids(plain.Rows), scan.Total, ids(scan.Rows))
					}
				}
			}
		}
		return nil
	})
}

func ids(rs []core.WorkOrderRow) []core.ID {
	out := make([]core.ID, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func testHistory(t *testing.T, st core.Store) {
	a, b := newWO(1, core.StatusNew, core.NodeDispatch), newWO(2, core.StatusNew, core.NodeDispatch)
	update(t, st, func(tx core.Tx) error {
		if err := tx.PutWorkOrder(a); err != nil {
			return err
		}
		return tx.PutWorkOrder(b)
	})
	for i := 0; i < 5; i++ {
		update(t, st, func(tx core.Tx) error {
			if err := tx.AppendEvent(a.ID, core.Event{At: t0, Kind: "k", Detail: fmt.Sprint("a", i)}); err != nil {
				return err
			}
			return tx.AppendEvent(b.ID, core.Event{At: t0, Kind: "k", Detail: fmt.Sprint("b", i)})
		})
	}
	view(t, st, func(tx core.Tx) error {
		ev, _ := tx.Events(a.ID)
		if len(ev) != 5 || ev[0].Detail != "a0" || ev[4].Detail != "a4" {
			t.Errorf("events of a: %+v", ev)
		}
		last, err := tx.LastEvent(b.ID)
		if err != nil || last.Detail != "b4" {
			t.Errorf("LastEvent(b) = %+v %v", last, err)
		}
		if _, err := tx.LastEvent(99); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("LastEvent of unknown: %v", err)
		}
		return nil
	})
	// Inside a transaction, what it appended and put is read back at once
	// (the bbolt store writes events and tasks when the function returns),
	// in order, also after a read made it write what it held.
	details := func(evs []core.Event) (out []string) {
		for _, e := range evs {
			out = append(out, e.Detail)
		}
		return out
	}
	taskNumbers := func(ts []core.Task) (out []string) {
		for _, x := range ts {
			out = append(out, x.Number)
		}
		return out
	}
	check := func(tx core.Tx, when string, wantEvents, wantTasks []string) {
		t.Helper()
		if ev, err := tx.Events(a.ID); err != nil || !slices.Equal(details(ev), wantEvents) {
			t.Errorf("%s: events of a %v %v, want %v", when, details(ev), err, wantEvents)
		}
		if last, err := tx.LastEvent(a.ID); err != nil || last.Detail != wantEvents[len(wantEvents)-1] {
			t.Errorf("%s: last event of a %q %v, want %q", when, last.Detail, err, wantEvents[len(wantEvents)-1])
		}
		if ts, err := tx.Tasks(9); err != nil || !slices.Equal(taskNumbers(ts), wantTasks) {
			t.Errorf("%s: engineer 9's tasks %v %v, want %v", when, taskNumbers(ts), err, wantTasks)
		}
	}
	past := []string{"a0", "a1", "a2", "a3", "a4"}
	update(t, st, func(tx core.Tx) error {
		for i, d := range []string{"a5", "a6"} {
			if err := tx.AppendEvent(a.ID, core.Event{At: t0, Kind: "k", Detail: d}); err != nil {
				return err
			}
			if err := tx.PutTask(&core.Task{EngineerID: 9, WorkOrderID: a.ID, Number: fmt.Sprint("T", i), At: t0}); err != nil {
				return err
			}
		}
		check(tx, "inside the transaction", append(past, "a5", "a6"), []string{"T1", "T0"})
		if err := tx.AppendEvent(a.ID, core.Event{At: t0, Kind: "k", Detail: "a7"}); err != nil {
			return err
		}
		if err := tx.PutTask(&core.Task{EngineerID: 9, WorkOrderID: a.ID, Number: "T2", At: t0}); err != nil {
			return err
		}
		check(tx, "inside the transaction, after reading", append(past, "a5", "a6", "a7"), []string{"T2", "T1", "T0"})
		return nil
	})
	view(t, st, func(tx core.Tx) error {
		check(tx, "after commit", append(past, "a5", "a6", "a7"), []string{"T2", "T1", "T0"})
		return nil
	})
}

func testAtomicity(t *testing.T, st core.Store) {
	boom := errors.New("boom")
	err := st.Update(func(tx core.Tx) error {
		if err := tx.PutWorkOrder(newWO(1, core.StatusNew, core.NodeDispatch)); err != nil {
			return err
		}
		c := core.Contact{Name: "x", Phone: "13800138000"}
		if err := tx.PutContact(&c); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v", err)
	}
	view(t, st, func(tx core.Tx) error {
		if n, _ := tx.CountWorkOrders(); n != 0 {
			t.Errorf("rolled-back work order counted")
		}
		if p, _ := tx.QueryWorkOrders(core.WorkOrderQuery{}); p.Total != 0 {
			t.Errorf("rolled-back work order listed")
		}
		if c, _ := tx.ContactsByPhone("13800138000"); len(c) != 0 {
			t.Errorf("rolled-back contact indexed")
		}
		return nil
	})
}

// testWorkOrderVersion: the version is read without the record, as the
// transaction sees it — after a put in the same transaction, after a put
// twice, from another transaction — and a missing work order is ErrNotFound.
func testWorkOrderVersion(t *testing.T, st core.Store) {
	w := newWO(1, core.StatusNew, core.NodeDispatch)
	w.Version = 1
	update(t, st, func(tx core.Tx) error {
		if _, err := tx.WorkOrderVersion(1); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("version of a work order not made: %v, want ErrNotFound", err)
		}
		if err := tx.PutWorkOrder(w); err != nil {
			return err
		}
		if v, err := tx.WorkOrderVersion(w.ID); err != nil || v != 1 {
			t.Errorf("version after the insert in its transaction: %d %v", v, err)
		}
		w.Version = 2
		if err := tx.PutWorkOrder(w); err != nil {
			return err
		}
		if v, err := tx.WorkOrderVersion(w.ID); err != nil || v != 2 {
			t.Errorf("version after the second put in its transaction: %d %v", v, err)
		}
		return nil
	})
	update(t, st, func(tx core.Tx) error {
		if v, err := tx.WorkOrderVersion(w.ID); err != nil || v != 2 {
			t.Errorf("version in the next transaction: %d %v", v, err)
		}
		w.Version = 3
		return tx.PutWorkOrder(w)
	})
	view(t, st, func(tx core.Tx) error {
		if v, err := tx.WorkOrderVersion(w.ID); err != nil || v != 3 {
			t.Errorf("version after a third put: %d %v", v, err)
		}
		if _, err := tx.WorkOrderVersion(w.ID + 1); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("version of a missing work order: %v", err)
		}
		return nil
	})
	// A version read of one work order, then a put of another (the bbolt
	// store keeps the row the version came from for a put of the same work
	// order): the other's indexes move from its own old values.
	other := newWO(2, core.StatusNew, core.NodeDispatch)
	update(t, st, func(tx core.Tx) error { return tx.PutWorkOrder(other) })
	update(t, st, func(tx core.Tx) error {
		if _, err := tx.WorkOrderVersion(w.ID); err != nil {
			return err
		}
		other.Status, other.Node, other.Version = core.StatusAssigned, core.NodeService, 2
		return tx.PutWorkOrder(other)
	})
	view(t, st, func(tx core.Tx) error {
		p, _ := tx.QueryWorkOrders(core.WorkOrderQuery{Status: core.StatusNew, Node: core.NodeDispatch})
		if slices.ContainsFunc(p.Rows, func(r core.WorkOrderRow) bool { return r.ID == other.ID }) {
			t.Errorf("%s left an entry at new/dispatch after moving: %+v", other.Number, p.Rows)
		}
		if p, _ := tx.QueryWorkOrders(core.WorkOrderQuery{Status: core.StatusAssigned, Node: core.NodeService}); p.Total != 1 || p.Rows[0].ID != other.ID {
			t.Errorf("assigned/service holds %+v, want %s alone", p.Rows, other.Number)
		}
		return nil
	})
}

// testPutTwice: a work order put twice in one transaction (a create that
// dispatches) reads back as the last put, inside the transaction and after it;
// what the caller changes after a put is not stored unless put again; history
// is never part of the stored record.
func testPutTwice(t *testing.T, st core.Store) {
	due := t0.Add(time.Hour)
	callers := due
	w := newWO(1, core.StatusNew, core.NodeDispatch)
	w.DueAt = &callers
	w.Objects = []core.WorkOrderObject{{Type: "payment", Label: "Fee", Values: []core.ObjectValue{{Key: "amount", Value: "1"}}}}
	w.History = []core.Event{{At: t0, Kind: core.EventCreated, Detail: "not stored with the record"}}
	evs := []core.Event{{At: t0, By: "api:ERP", Kind: core.EventCreated, Detail: "created <b>"}, {At: t0.Add(time.Second), By: "system", Kind: core.EventAssigned, Detail: "assigned 冷库"}}
	update(t, st, func(tx core.Tx) error {
		if _, err := tx.LastEvent(0); err == nil {
			t.Errorf("a work order not yet made has a last event")
		}
		if err := tx.PutWorkOrder(w); err != nil {
			return err
		}
		// A new work order's history, read back in the transaction that made it.
		if _, err := tx.LastEvent(w.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("a new work order's last event before any: %v", err)
		}
		for _, e := range evs {
			if err := tx.AppendEvent(w.ID, e); err != nil {
				return err
			}
		}
		if got, err := tx.Events(w.ID); err != nil || len(got) != 2 || got[0].Detail != evs[0].Detail || got[1].Kind != core.EventAssigned {
			t.Errorf("history inside the transaction: %+v %v", got, err)
		}
		if last, err := tx.LastEvent(w.ID); err != nil || last.Detail != evs[1].Detail {
			t.Errorf("last event inside the transaction: %+v %v", last, err)
		}
		w.Status, w.Node, w.Version, w.FieldOutDealUser, w.EngineerName = core.StatusAssigned, core.NodeService, 2, 7, "Li"
		if err := tx.PutWorkOrder(w); err != nil {
			return err
		}
		// Changed after the last put: not stored.
		*w.DueAt = t0.Add(99 * time.Hour)
		w.Objects[0].Values[0].Value = "changed"
		w.Subject = "changed"
		got, err := tx.WorkOrder(w.ID)
		if err != nil {
			return err
		}
		if got.Version != 2 || got.EngineerName != "Li" || got.Subject != "subject 1" || !got.DueAt.Equal(due) || got.Objects[0].Values[0].Value != "1" {
			t.Errorf("inside the transaction: %+v", got)
		}
		got.Objects[0].Values[0].Value = "changed by a reader"
		return nil
	})
	view(t, st, func(tx core.Tx) error {
		got, err := tx.WorkOrderByNumber(w.Number)
		if err != nil {
			return err
		}
		if got.Version != 2 || got.Status != core.StatusAssigned || got.Subject != "subject 1" || !got.DueAt.Equal(due) || got.Objects[0].Values[0].Value != "1" || len(got.History) != 0 {
			t.Errorf("after commit: %+v", got)
		}
		if n, _ := tx.EngineerLoad(7); n != 1 {
			t.Errorf("engineer load %d, want 1", n)
		}
		if got, err := tx.Events(got.ID); err != nil || len(got) != 2 || !got[1].At.Equal(evs[1].At) || got[1].Detail != evs[1].Detail {
			t.Errorf("history after commit: %+v %v", got, err)
		}
		return nil
	})
}

func testSettings(t *testing.T, st core.Store) {
	// A write inside View is refused, never kept (nor silently dropped).
	if err := st.View(func(tx core.Tx) error { return tx.PutSetting("in-view", []byte("1")) }); err == nil {
		t.Errorf("a write inside View was accepted")
	}
	if err := st.View(func(tx core.Tx) error { return tx.PutContact(&core.Contact{Name: "x"}) }); err == nil {
		t.Errorf("a new record inside View was accepted")
	}
	view(t, st, func(tx core.Tx) error {
		v, err := tx.Setting("x")
		if v != nil || err != nil {
			t.Errorf("unset setting = %q %v", v, err)
		}
		return nil
	})
	update(t, st, func(tx core.Tx) error { return tx.PutSetting("x", []byte("1")) })
	view(t, st, func(tx core.Tx) error {
		if v, _ := tx.Setting("x"); string(v) != "1" {
			t.Errorf("setting = %q", v)
		}
		return nil
	})
}

func testBackup(t *testing.T, st core.Store) {
	update(t, st, func(tx core.Tx) error { return tx.PutWorkOrder(newWO(1, core.StatusNew, core.NodeDispatch)) })
	var buf bytes.Buffer
	n, err := st.Backup(&buf)
	if err != nil || n == 0 || int64(buf.Len()) != n {
		t.Fatalf("Backup = %d, %v (buffer %d)", n, err, buf.Len())
	}
}

func testNotFound(t *testing.T, st core.Store) {
	view(t, st, func(tx core.Tx) error {
		checks := []error{}
		_, err := tx.User(5)
		checks = append(checks, err)
		_, err = tx.UserByLogin("x")
		checks = append(checks, err)
		_, err = tx.Contact(5)
		checks = append(checks, err)
		_, err = tx.WorkOrder(5)
		checks = append(checks, err)
		_, err = tx.WorkOrderByNumber("WO-000005")
		checks = append(checks, err)
		_, err = tx.AccountByName("x")
		checks = append(checks, err)
		_, err = tx.TerminalUser(5)
		checks = append(checks, err)
		_, err = tx.Engineer(5)
		checks = append(checks, err)
		for i, err := range checks {
			if !errors.Is(err, core.ErrNotFound) {
				t.Errorf("check %d: %v does not match ErrNotFound", i, err)
			}
		}
		return nil
	})
}

// testReports (R-REP-2): report versions are added in order, a work order's
// versions come back oldest first and apart from other work orders', an unsigned
// version may take its signature, and a signed version is never replaced.
func testReports(t *testing.T, st core.Store) {
	rep := func(wo core.ID, v int, work string) *core.ServiceReport {
		r := &core.ServiceReport{WorkOrderID: wo, Number: fmt.Sprintf("WO-%06d", wo), Version: v, ReportContent: core.ReportContent{WorkDone: work}, CreatedAt: t0}
		r.SHA256 = r.Digest()
		return r
	}
	update(t, st, func(tx core.Tx) error {
		for _, r := range []*core.ServiceReport{rep(1, 1, "a"), rep(2, 1, "x"), rep(1, 2, "b"), rep(2, 2, "y"), rep(1, 3, "c")} {
			if err := tx.PutReport(r); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, st, func(tx core.Tx) error {
		vs, err := tx.Reports(1)
		if err != nil || len(vs) != 3 || vs[0].WorkDone != "a" || vs[2].WorkDone != "c" || vs[2].Version != 3 {
			t.Fatalf("Reports(1) = %+v, %v", vs, err)
		}
		if vs, _ := tx.Reports(3); len(vs) != 0 {
			t.Errorf("Reports(3) = %+v", vs)
		}
		if r, err := tx.Report(2, 2); err != nil || r.WorkDone != "y" {
			t.Errorf("Report(2, 2) = %+v, %v", r, err)
		}
		if _, err := tx.Report(2, 9); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("Report(2, 9): %v", err)
		}
		return nil
	})
	if err := st.Update(func(tx core.Tx) error { return tx.PutReport(rep(1, 5, "skips 4")) }); err == nil {
		t.Error("version 5 was added after 3")
	}
	if err := st.Update(func(tx core.Tx) error { return tx.PutReport(rep(3, 2, "no v1")) }); err == nil {
		t.Error("version 2 was added without a version 1")
	}
	signed := rep(1, 3, "c")
	signed.Signature = &core.ReportSignature{Name: "王芳", Method: core.SignatureTyped, SignedAt: t0, Version: 3, ReportSHA256: signed.SHA256}
	update(t, st, func(tx core.Tx) error { return tx.PutReport(signed) })
	for _, r := range []*core.ServiceReport{rep(1, 3, "changed after signing"), signed} {
		err := st.Update(func(tx core.Tx) error { return tx.PutReport(r) })
		if !errors.Is(err, core.ErrReportLocked) {
			t.Errorf("replacing signed v3 with %q: %v; want ErrReportLocked", r.WorkDone, err)
		}
	}
	view(t, st, func(tx core.Tx) error {
		r, err := tx.Report(1, 3)
		if err != nil || r.WorkDone != "c" || r.Signature == nil || r.Check() != nil {
			t.Errorf("signed v3 = %+v, %v", r, err)
		}
		return nil
	})

	d := &core.ReportDraft{ReportContent: core.ReportContent{WorkDone: "draft", Parts: []core.ReportPart{{Name: "fan", Quantity: 2}}}, UpdatedBy: "ann"}
	update(t, st, func(tx core.Tx) error { return tx.PutReportDraft(7, d) })
	view(t, st, func(tx core.Tx) error {
		got, err := tx.ReportDraft(7)
		if err != nil || got.WorkDone != "draft" || len(got.Parts) != 1 {
			t.Errorf("ReportDraft(7) = %+v, %v", got, err)
		}
		return nil
	})
	update(t, st, func(tx core.Tx) error { return tx.PutReportDraft(7, nil) })
	view(t, st, func(tx core.Tx) error {
		if _, err := tx.ReportDraft(7); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("deleted draft: %v", err)
		}
		return nil
	})
}
