package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
	"switchboard/tui/detail"
	"switchboard/tui/newwo"
	"switchboard/tui/workorders"
)

// line returns the first line of view that contains s, for asserting what sits
// next to what.
func line(view, s string) string {
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// lineAfter returns the line after the first line containing s.
func lineAfter(view, s string) string {
	ls := strings.Split(view, "\n")
	for i, l := range ls {
		if strings.Contains(l, s) && i+1 < len(ls) {
			return ls[i+1]
		}
	}
	return ""
}

func TestNavigation(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 120, 30)
	v := h.waitView("WO-000012", "1 of 12\n")
	if !strings.HasPrefix(line(v, "WO-000012"), "> ") {
		t.Fatalf("cursor should start on the newest work order:\n%s", v)
	}
	for _, want := range []string{"Switchboard", "admin (admin)", "enter open", "q quit"} {
		if !strings.Contains(v, want) {
			t.Errorf("list view lacks %q:\n%s", want, v)
		}
	}
	// The database path is the first to give way in the header; a wide terminal shows it.
	newHarness(t, f, f.admin, 200, 30).waitView("board.db", "1 of 12\n")

	h.key("j")
	h.key("down")
	h.waitView("3 of 12\n")
	h.key("enter")
	v = h.waitView("WO-000010  Quarterly inspection", "Summary", "Customer")
	if _, ok := h.m.active().(*detail.Model); !ok {
		t.Fatalf("enter should open the detail, have %T", h.m.active())
	}
	if !strings.Contains(v, "esc back") {
		t.Errorf("detail footer lacks its keys:\n%s", v)
	}

	h.key("esc")
	v = h.waitView("3 of 12\n")
	if !strings.HasPrefix(line(v, "WO-000010"), "> ") {
		t.Fatalf("back on the list the cursor should still be on WO-000010:\n%s", v)
	}

	h.key("n")
	h.waitView("New work order")
	if _, ok := h.m.active().(*newwo.Model); !ok {
		t.Fatalf("n should open the form, have %T", h.m.active())
	}
	h.key("esc")
	h.waitView("3 of 12\n")
	if _, ok := h.m.active().(*workorders.Model); !ok || len(h.m.stack) != 1 {
		t.Fatalf("esc should close the form, stack %d, active %T", len(h.m.stack), h.m.active())
	}
}

func TestFilterAndSort(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 120, 30)
	h.waitView("1 of 12\n")

	h.key("s") // status: new
	v := h.waitView("status new", "1 of 6\n")
	for _, n := range []string{"WO-000001", "WO-000002", "WO-000004", "WO-000005"} {
		if strings.Contains(v, n) {
			t.Errorf("status filter new still shows %s:\n%s", n, v)
		}
	}
	h.key("p") // node: dispatch — every new one is there
	h.waitView("node dispatch", "1 of 6\n")
	h.key("p") // node: service — none is new there
	v = h.waitView("node service", "0 of 0\n")
	if !strings.Contains(v, "No work orders match: press c to clear the filters.") {
		t.Errorf("empty result should say how to clear the filters:\n%s", v)
	}
	h.key("S") // status backwards: all
	v = h.waitView("status all", "node service", "1 of 2\n")
	if !strings.Contains(v, "WO-000007") || !strings.Contains(v, "WO-000002") {
		t.Errorf("node service should show WO-000007 and WO-000002:\n%s", v)
	}
	h.key("c")
	h.waitView("status all", "node all", "1 of 12\n")

	h.key("o") // sort: priority
	h.waitView("sort most urgent first")
	v = h.waitFor("urgent first row", func(v string) bool { return strings.HasPrefix(line(v, "> "), "> WO-000009") })
	if !strings.Contains(line(v, "WO-000002"), "urgent") {
		t.Errorf("the second urgent work order should follow:\n%s", v)
	}
	h.key("r")
	h.waitFor("least urgent first", func(v string) bool {
		return strings.Contains(v, "sort least urgent first") && strings.Contains(line(v, "> "), "low")
	})
}

func TestSearch(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 120, 30)
	h.waitView("1 of 12\n")
	h.key("/")
	if !h.m.active().Capturing() {
		t.Fatal("the search field should take the keyboard")
	}
	h.typeText("电梯")
	v := h.waitView("1 of 1\n", "WO-000004")
	if strings.Contains(v, "WO-000012") {
		t.Fatalf("search should have filtered:\n%s", v)
	}
	// q is typed into the search, not taken as quit.
	h.key("q")
	h.waitView("0 of 0\n")
	h.key("esc")
	h.waitView("1 of 12\n")
	if h.m.active().Capturing() {
		t.Fatal("esc should leave the search field")
	}
	// Enter keeps a search and gives the keys back to the table.
	h.key("/")
	h.typeText("acme")
	h.key("enter")
	v = h.waitView(`filter acme`, "1 of 5\n")
	if h.m.active().Capturing() {
		t.Fatalf("enter should leave the search field:\n%s", v)
	}
}

func TestTooSmall(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 59, 20)
	h.settle(50 * time.Millisecond)
	v := h.m.View()
	if !strings.Contains(v, "terminal too small (need 60×15, have 59×20)") {
		t.Fatalf("too-small view:\n%s", v)
	}
	h.key("j") // ignored, no panic
	h.send(tea.WindowSizeMsg{Width: 80, Height: 14})
	if v := h.m.View(); !strings.Contains(v, "have 80×14") {
		t.Fatalf("too-small view after resize:\n%s", v)
	}
	h.send(tea.WindowSizeMsg{Width: 60, Height: 15})
	v = h.waitView("WO-000012")
	if n := len(strings.Split(v, "\n")); n != 15 {
		t.Fatalf("view at 60×15 has %d lines, want 15:\n%s", n, v)
	}
	for _, l := range strings.Split(v, "\n") {
		if w := common.Width(l); w > 60 {
			t.Fatalf("line wider than the terminal (%d): %q", w, l)
		}
	}
	_, cmd := h.m.Update(keyMsg("q"))
	if cmd == nil || cmd() != tea.Quit() {
		t.Fatal("q should quit")
	}
}

func TestQuitAndHelp(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 120, 30)
	h.waitView("1 of 12\n")
	h.key("?")
	v := h.m.View()
	for _, want := range []string{"reverse sort", "page down", "reload", "status filter", "node filter"} {
		if !strings.Contains(v, want) {
			t.Errorf("full help lacks %q:\n%s", want, v)
		}
	}
	// Disabled bindings are not offered: no filter is set, so nothing to clear.
	if strings.Contains(v, "clear filters") {
		t.Errorf("clear filters offered with no filter set:\n%s", v)
	}
	// The overlay names every section, and esc closes it (issue 17).
	for _, want := range []string{"Work orders", "Dispatch", "Users", "People", "go to"} {
		if !strings.Contains(v, want) {
			t.Errorf("the help overlay lacks %q:\n%s", want, v)
		}
	}
	h.key("esc")
	if v := h.m.View(); strings.Contains(v, "reverse sort") {
		t.Errorf("esc should close the help:\n%s", v)
	}
	h.key("s")
	h.waitView("status new")
	h.key("?")
	if v := h.m.View(); !strings.Contains(v, "clear filters") {
		t.Errorf("clear filters should be offered once a filter is set:\n%s", v)
	}
	h.key("?")
	if v := h.m.View(); strings.Contains(v, "reverse sort") {
		t.Errorf("? should close the full help:\n%s", v)
	}
	_, cmd := h.m.Update(keyMsg("ctrl+c"))
	if cmd == nil || cmd() != tea.Quit() {
		t.Fatal("ctrl+c should quit")
	}
	// Quitting ended the subscription: the channel is closed.
	if _, ok := <-h.m.live.ch; ok {
		t.Fatal("the change subscription should be closed after quitting")
	}
}

func TestFormValidationBesideFields(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 120, 30)
	h.waitView("1 of 12\n")
	h.key("n")
	h.waitView("New work order")
	h.typeText("call me")
	h.key("tab") // subject left empty
	h.key("tab")
	h.key("tab") // record type
	h.key("tab") // priority
	h.key("tab") // channel
	h.key("tab") // region
	h.key("tab") // email
	h.typeText("nope")
	h.key("ctrl+s")
	v := h.waitView("Subject is required.")
	if got := lineAfter(v, "Subject"); !strings.Contains(got, "↳ Subject is required.") {
		t.Errorf("subject error should be under the subject field, got %q:\n%s", got, v)
	}
	if got := lineAfter(v, "Phone "); !strings.Contains(got, `↳ Phone "call me" has " " in it`) && !strings.Contains(got, `↳ Phone "call me" has "c" in it`) {
		t.Errorf("phone error should be under the phone field, got %q:\n%s", got, v)
	}
	if got := lineAfter(v, "Email"); !strings.Contains(got, `↳ Email "nope" is not an address`) {
		t.Errorf("email error should be under the email field, got %q:\n%s", got, v)
	}
	// Focus went to the first field in error and the footer says nothing was saved.
	v = h.waitView("Nothing was saved: correct the fields marked below.")
	if !strings.HasPrefix(line(v, "Phone "), "> ") {
		t.Errorf("focus should be on the phone field:\n%s", v)
	}
	// Editing a field clears its error.
	h.key("ctrl+u")
	v = h.m.View()
	if strings.Contains(v, `Phone "call me"`) {
		t.Errorf("editing the phone should clear its error:\n%s", v)
	}
	if n, _ := f.svc.CountWorkOrders(); n != 12 {
		t.Fatalf("an invalid form must not create a work order: %d", n)
	}
}

func TestFormRoleWithoutPermission(t *testing.T) {
	f := newFixture(t)
	fu := f.user(t, "fiona", core.RoleFollowUp)
	h := newHarness(t, f, fu, 120, 30)
	v := h.waitView("1 of 12\n")
	if !strings.Contains(v, "fiona (follow-up)") {
		t.Errorf("header should show the user and roles:\n%s", v)
	}
	h.key("n")
	h.waitView("New work order")
	h.key("tab")
	h.typeText("Door sticks")
	h.key("ctrl+s")
	v = h.waitView("fiona (follow-up) may not create work orders: that needs the role admin, dispatcher or call-center.")
	if !strings.Contains(line(v, "may not create"), "! ") {
		t.Errorf("the reason should be a banner on the form:\n%s", v)
	}
	if n, _ := f.svc.CountWorkOrders(); n != 12 {
		t.Fatalf("a forbidden save must not create a work order: %d", n)
	}
}

func TestQuickEntryCreates(t *testing.T) {
	f := newFixture(t)
	agent := f.user(t, "carl", core.RoleCallCenter)
	// A second contact on the same number: the agent must pick.
	if _, err := f.svc.AddContact(f.admin, core.NewContact{Name: "王芳", Phone: "13900139000", AccountName: "上海浦东国际机场"}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, f, agent, 120, 30)
	h.waitView("1 of 12\n")
	h.key("n")
	v := h.waitView("New work order — call-center quick entry")
	if !strings.Contains(line(v, "Channel"), "‹call-center›") {
		t.Errorf("a call-center agent's channel should default to call-center:\n%s", v)
	}
	h.typeText("139 0013 9000")
	v = h.waitView("● 李娜 · 上海浦东国际机场", "○ 王芳", "○ no contact")
	if !strings.Contains(line(v, "Account"), "上海浦东国际机场 · contact 李娜") {
		t.Errorf("the account should be filled in from the contact:\n%s", v)
	}
	h.key("down")
	v = h.m.View()
	if !strings.Contains(v, "● 王芳") || !strings.Contains(line(v, "Account"), "contact 王芳") {
		t.Fatalf("down should pick the next contact:\n%s", v)
	}
	h.key("enter") // on to the subject
	h.typeText("登机桥空调故障")
	h.key("tab")
	h.typeText("Jet bridge 3 too warm")
	h.key("tab") // record type
	h.key("right")
	h.key("tab") // priority
	h.key("right")
	h.key("right")
	h.key("ctrl+s")
	h.waitView("WO-000013  登机桥空调故障", "Created WO-000013")
	if _, ok := h.m.active().(*detail.Model); !ok || len(h.m.stack) != 2 {
		t.Fatalf("saving should replace the form with the detail: %T, %d screens", h.m.active(), len(h.m.stack))
	}
	w, err := f.svc.WorkOrder("WO-000013")
	if err != nil {
		t.Fatal(err)
	}
	if w.ContactName != "王芳" || w.AccountName != "上海浦东国际机场" || w.Channel != core.ChannelCallCenter ||
		w.RecordType != "Installation" || w.Priority != core.PriorityUrgent || w.Phone != "13900139000" || w.CreatedBy != "carl" {
		t.Fatalf("created: %+v", w)
	}
	// Back on the list, the new work order is there (live update).
	h.key("esc")
	v = h.waitView("WO-000013", "of 13")
	if !strings.Contains(line(v, "WO-000013"), "登机桥空调故障") {
		t.Errorf("list row:\n%s", v)
	}
}

func TestLiveUpdates(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 120, 30)
	h.waitView("1 of 12\n")
	h.key("j") // on WO-000011
	h.waitView("2 of 12\n")

	// Someone else creates work orders: the list shows them and keeps the cursor
	// on the work order it was on.
	other := f.user(t, "dora", core.RoleDispatcher)
	for i := range 3 {
		if _, err := f.svc.CreateWorkOrder(other, core.NewWorkOrder{Subject: "From another console " + string(rune('A'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	v := h.waitView("WO-000015", "5 of 15\n")
	if !strings.HasPrefix(line(v, "WO-000011"), "> ") {
		t.Errorf("the cursor should stay on WO-000011:\n%s", v)
	}

	// An open detail reloads when its work order changes.
	h.key("enter")
	h.waitView("WO-000011  Caller reports tripped breaker")
	subject := "Caller reports tripped breaker in hall B"
	if _, err := f.svc.UpdateWorkOrder(other, "WO-000011", 1, core.WorkOrderPatch{Subject: &subject}); err != nil {
		t.Fatal(err)
	}
	h.waitView("WO-000011  Caller reports tripped breaker in hall B")
}

// TestChangesCoalesce: a burst of changes becomes one refresh.
func TestChangesCoalesce(t *testing.T) {
	var l live
	_, cmd := l.update(changeMsg{change: core.Change{Kind: "work-order", Number: "WO-000001"}})
	if cmd == nil || !l.waiting {
		t.Fatal("the first change should schedule a flush")
	}
	for _, n := range []string{"WO-000002", "WO-000001"} {
		l.update(changeMsg{change: core.Change{Kind: "work-order", Number: n}})
	}
	l.update(changeMsg{change: core.Change{Kind: "contact"}})
	l.update(changeMsg{change: core.Change{Kind: "engineer"}})
	flushed, _ := l.update(flushMsg{})
	if len(flushed) != 2 {
		t.Fatalf("flushed %+v, want one people change and one work-order change", flushed)
	}
	if _, ok := flushed[0].(common.PeopleChangedMsg); !ok {
		t.Fatalf("flushed %+v, want the contact and engineer changes as one PeopleChangedMsg first", flushed)
	}
	out, ok := flushed[1].(common.WorkOrdersChangedMsg)
	if !ok || len(out.Numbers) != 2 || out.All || !out.Touches("WO-000002") || out.Touches("WO-000003") {
		t.Fatalf("flushed %+v", out)
	}
	if out, _ := l.update(flushMsg{}); out != nil {
		t.Fatalf("nothing pending, flushed %+v", out)
	}
	// Right after a refresh the next change waits; after a quiet spell it
	// refreshes at once (issue 9: an assignment shows on the other consoles now).
	now := time.Now()
	if d := l.flushDelay(now); d <= 0 || d > RefreshEvery {
		t.Errorf("a change just after a refresh should wait up to %s, waits %s", RefreshEvery, d)
	}
	if d := l.flushDelay(now.Add(RefreshEvery)); d != 0 {
		t.Errorf("a change after a quiet spell should refresh at once, waits %s", d)
	}
}

// TestHeaderNamesDatabaseAndWeb (issue 17): the header always names the
// database the console is on — the tabs shorten first — and at 120 columns it
// also shows the web listener, shortened rather than dropped.
func TestHeaderNamesDatabaseAndWeb(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		width    int
		web      string
		want     []string
		wantNone []string
	}{
		{200, "http://127.0.0.1:8080", []string{"[1 Work orders]", "web 127.0.0.1:8080", "switchboard.db"}, nil},
		{120, "http://127.0.0.1:8080", []string{"web 127.0.0.1:8080", "switchboard.db"}, nil},
		{80, "http://127.0.0.1:8080", []string{"switchboard.db"}, []string{"web "}},
		{60, "", []string{"switchboard.db"}, nil},
	} {
		opt := f.options()
		opt.WebURL = tc.web
		m := New(f.svc, f.admin, opt).(*Model)
		m.Update(tea.WindowSizeMsg{Width: tc.width, Height: 24})
		h := m.header()
		if w := common.Width(h); w > tc.width {
			t.Errorf("at %d columns the header is %d wide: %q", tc.width, w, h)
		}
		for _, s := range tc.want {
			if !strings.Contains(h, s) {
				t.Errorf("at %d columns the header should show %q: %q", tc.width, s, h)
			}
		}
		for _, s := range tc.wantNone {
			if strings.Contains(h, s) {
				t.Errorf("at %d columns the header should not show %q: %q", tc.width, s, h)
			}
		}
		m.Close()
	}
}

// TestQuickEntryPrivateCustomer: a caller whose contact belongs to no
// account (a private customer) is not shown as an account of their own name.
func TestQuickEntryPrivateCustomer(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.AddContact(f.admin, core.NewContact{Name: "赵六", Phone: "13700137000"}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, f, f.admin, 120, 30)
	h.waitView("1 of 12\n")
	h.key("n")
	h.waitView("New work order")
	h.typeText("137 0013 7000")
	v := h.waitView("● 赵六")
	if got := line(v, "Account"); !strings.Contains(got, "赵六 belongs to no account") {
		t.Errorf("the account line of a private customer: %q", got)
	}
}
