package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/store/testdb"
	"switchboard/tui/board"
	"switchboard/tui/common"
	"switchboard/tui/rules"
	"switchboard/tui/tasks"
	"switchboard/tui/workorders"
)

func space() tea.KeyMsg { return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")} }

// TestSections: the digits switch top-level screens from anywhere outside a text
// field; each section comes back as it was left; the header shows the tabs with
// the active one in brackets.
func TestSections(t *testing.T) {
	f := newDispatchFixture(t)
	h := newHarness(t, f.fixture, f.admin, 180, 30)
	v := h.waitView("1 of 12\n")
	if !strings.Contains(v, "[1 Work orders]") || !strings.Contains(v, " 2 Dispatch ") {
		t.Fatalf("tabs should show with work orders active:\n%s", v)
	}
	h.key("j")
	h.waitView("2 of 12\n")

	h.key("2")
	v = h.waitView("[2 Dispatch]", "Manual queue  5 waiting")
	if _, ok := h.m.active().(*board.Model); !ok {
		t.Fatalf("2 should open the dispatch board, have %T", h.m.active())
	}
	if !strings.Contains(v, "0-9 sections") {
		t.Errorf("the footer should offer the section keys:\n%s", v)
	}
	h.key("3")
	h.waitView("[3 Rules]", "Call-center repairs")
	h.key("4")
	h.waitView("[4 My tasks]", "not linked to an engineer record")
	h.key("1")
	v = h.waitView("[1 Work orders]", "2 of 12\n")
	if !strings.HasPrefix(line(v, "WO-000011"), "> ") {
		t.Errorf("back on the list the cursor should be where it was left:\n%s", v)
	}

	// A detail opened from the board stays in the board's section.
	h.key("2")
	h.waitView("why WO-000003 waits")
	h.key("enter")
	h.waitView("WO-000003  Replace HVAC filter", "[2 Dispatch]")
	h.key("1")
	h.waitView("[1 Work orders]", "2 of 12\n")
	h.key("2")
	h.waitView("WO-000003  Replace HVAC filter", "[2 Dispatch]")
	h.key("esc")
	h.waitView("Manual queue")

	// In a text field the digits are typed, not taken as sections.
	h.key("1")
	h.waitView("2 of 12\n")
	h.key("/")
	h.typeText("2")
	h.waitView(`/2`)
	if _, ok := h.m.active().(*workorders.Model); !ok {
		t.Fatalf("a digit typed into the search must not switch sections: %T", h.m.active())
	}
	h.key("esc")

	// Full help lists the sections by name.
	h.key("?")
	v = h.m.View()
	for _, want := range []string{"Dispatch", "Rules", "My tasks"} {
		if !strings.Contains(v, want) {
			t.Errorf("full help lacks section %q:\n%s", want, v)
		}
	}
}

// TestSectionsNarrow: at the minimum width the tabs shorten rather than push the
// user out of the header, and every line still fits.
func TestSectionsNarrow(t *testing.T) {
	f := newDispatchFixture(t)
	h := newHarness(t, f.fixture, f.admin, 60, 15)
	h.key("2")
	v := h.waitView("[2 Board]", "why WO-000003 waits", "switchboard.db")
	for _, l := range strings.Split(v, "\n") {
		if w := common.Width(l); w > 60 {
			t.Fatalf("line wider than the terminal (%d): %q\n%s", w, l, v)
		}
	}
	if n := len(strings.Split(v, "\n")); n != 15 {
		t.Fatalf("view has %d lines, want 15:\n%s", n, v)
	}
	h.send(tea.WindowSizeMsg{Width: 180, Height: 40})
	h.waitView("[2 Dispatch]", "why WO-000003 waits")
}

// TestBoardQueue: oldest first, only work orders waiting at the dispatch node,
// priority and due time marked, and the reason no rule matched.
func TestBoardQueue(t *testing.T) {
	f := newDispatchFixture(t)
	h := newHarness(t, f.fixture, f.admin, 140, 30)
	h.key("2")
	v := h.waitView("why WO-000003 waits", "OVERDUE")
	var order []string
	for _, l := range strings.Split(v, "\n") {
		if i := strings.Index(l, "WO-0000"); i >= 0 && strings.Contains(l, "[ ]") {
			order = append(order, l[i:i+9])
		}
	}
	if want := []string{"WO-000003", "WO-000006", "WO-000008", "WO-000009", "WO-000011"}; !slices.Equal(order, want) {
		t.Fatalf("queue order %v, want %v (oldest first; WO-000012 went to a rule):\n%s", order, want, v)
	}
	if !strings.Contains(line(v, "[ ] WO-000003"), "OVERDUE 2d") || !strings.Contains(line(v, "WO-000008"), "in 4h") {
		t.Errorf("due times:\n%s", v)
	}
	if !strings.Contains(line(v, "WO-000009"), "!! urgent") {
		t.Errorf("urgent work should stand out:\n%s", v)
	}
	if !strings.Contains(v, `#1 Call-center repairs: channel == "call-center" is false (channel is "internal")`) {
		t.Errorf("the panel should say why the work order under the cursor waits:\n%s", v)
	}
	if !strings.Contains(line(v, "WO-000008"), `none of 3 rules: channel is "internal`) {
		t.Errorf("the reason column:\n%s", v)
	}
}

// TestBoardMultiSelectBulkAssign: space selects and moves on, ctrl+a selects all
// and none, esc clears; assigning goes through provider → engineer and fills the
// manual dispatch fields of every selected work order (R-DISP-4).
func TestBoardMultiSelectBulkAssign(t *testing.T) {
	f := newDispatchFixture(t)
	h := newHarness(t, f.fixture, f.admin, 140, 30)
	h.key("2")
	h.waitView("why WO-000003 waits")
	b := h.m.active().(*board.Model)

	h.send(space())
	h.send(space())
	v := h.waitView("2 selected")
	if got := b.Selected(); !slices.Equal(got, []string{"WO-000003", "WO-000006"}) {
		t.Fatalf("selected %v", got)
	}
	if !strings.HasPrefix(line(v, "WO-000008"), "> [ ]") || !strings.Contains(line(v, "WO-000003"), "[x]") {
		t.Errorf("space should mark the row and move down:\n%s", v)
	}
	h.send(space()) // WO-000008
	h.key("up")
	h.send(space()) // WO-000008 again: off
	h.waitView("2 selected")

	h.send(tea.KeyMsg{Type: tea.KeyCtrlA})
	h.waitView("5 selected")
	h.send(tea.KeyMsg{Type: tea.KeyCtrlA})
	h.waitFor("selection cleared", func(v string) bool { return !strings.Contains(v, "selected ") && len(b.Selected()) == 0 })
	h.key("home")
	h.send(space())
	h.send(space())
	h.waitView("2 selected")
	h.key("esc")
	h.waitFor("esc clears the selection", func(string) bool { return len(b.Selected()) == 0 })
	h.key("home")
	h.send(space())
	h.send(space())
	h.waitView("2 selected", "a assign 2")

	h.key("a")
	h.waitView("Assign 2 work orders", "Choose the service provider", "华东服务有限公司")
	if !b.Picking() {
		t.Fatal("a should open the picker")
	}
	h.key("enter")
	v = h.waitView("Choose the engineer of 华东服务有限公司", "Sam Porter")
	if !strings.Contains(line(v, "李师傅"), "3") || !strings.Contains(line(v, "Sam Porter"), "2") {
		t.Errorf("each engineer's open load should show (李师傅 3, Sam Porter 2):\n%s", v)
	}
	h.key("esc") // back to the providers
	h.waitView("Choose the service provider")
	h.key("enter")
	h.key("down")
	h.key("enter")
	v = h.waitView("Assigned WO-000003, WO-000006 to Sam Porter.", "Manual queue  3 waiting")
	if len(b.Selected()) != 0 || b.Picking() {
		t.Errorf("the assigned leave the selection and the picker closes: %v:\n%s", b.Selected(), v)
	}
	for _, n := range []string{"WO-000003", "WO-000006"} {
		w, err := f.svc.WorkOrder(n)
		if err != nil {
			t.Fatal(err)
		}
		if w.AssignWay != core.AssignManual || w.AssignUser != "admin" || w.FieldOutDealUser != f.sam.ID ||
			w.FieldDownstreamOuterTenantName != "华东服务有限公司" || w.Status != core.StatusAssigned || w.Node != core.NodeService {
			t.Errorf("%s after a manual assignment: %+v", n, w)
		}
	}
	if strings.Contains(v, "[ ] WO-000003") {
		t.Errorf("assigned work orders leave the queue:\n%s", v)
	}
}

// TestBoardStaleAssignment: a work order another dispatcher took meanwhile is
// refused, and the footer says who took it; the others still get assigned.
func TestBoardStaleAssignment(t *testing.T) {
	f := newDispatchFixture(t)
	h := newHarness(t, f.fixture, f.admin, 140, 30)
	h.key("2")
	h.waitView("why WO-000003 waits")
	h.send(space())
	h.send(space())
	h.waitView("2 selected")

	dora := f.user(t, "dora", core.RoleDispatcher)
	if _, err := f.svc.AssignWorkOrder(dora, "WO-000003", 0, f.li.ID); err != nil {
		t.Fatal(err)
	}
	h.waitView("Manual queue  4 waiting")
	h.key("a")
	h.waitView("Choose the service provider", "华东服务有限公司")
	h.key("enter")
	h.waitView("Sam Porter")
	h.key("down")
	h.key("enter")
	v := h.waitView("Assigned 1 of 2 to Sam Porter; WO-000003 not:", "dora")
	if w, _ := f.svc.WorkOrder("WO-000003"); w.AssignUser != "dora" || w.FieldOutDealUser != f.li.ID {
		t.Errorf("the first assignment must stand: %+v\n%s", w, v)
	}
	if w, _ := f.svc.WorkOrder("WO-000006"); w.AssignUser != "admin" {
		t.Errorf("WO-000006 should have been assigned: %+v", w)
	}
}

// TestBoardRunDispatchAndLive: d runs automatic dispatch now and says what it
// did; work orders arriving from elsewhere appear without a key press.
func TestBoardRunDispatchAndLive(t *testing.T) {
	f := newDispatchFixture(t)
	h := newHarness(t, f.fixture, f.admin, 140, 30)
	h.key("2")
	h.waitView("why WO-000003 waits")
	if _, err := f.svc.AddRule(f.admin, core.NewRule{Kind: core.RuleDispatch, Name: "Acme", When: `account_name == "Acme Facilities"`, Engineers: []core.ID{f.sam.ID}}); err != nil {
		t.Fatal(err)
	}
	h.key("d")
	v := h.waitView("Automatic dispatch: assigned 3, manual 2.", "Manual queue  2 waiting")
	for _, n := range []string{"WO-000003", "WO-000006", "WO-000008"} {
		if strings.Contains(v, n) {
			t.Errorf("%s went to the new rule but is still on the board:\n%s", n, v)
		}
	}
	// Someone creates a work order that no rule takes: it shows up, with its reason.
	agent := f.user(t, "cara", core.RoleCallCenter)
	f.clk.T = testdb.Epoch.Add(time.Minute)
	if _, err := f.svc.CreateWorkOrder(agent, core.NewWorkOrder{Subject: "Walk-in freezer door seal torn", Channel: core.ChannelInternal}); err != nil {
		t.Fatal(err)
	}
	h.waitView("WO-000013", "Manual queue  3 waiting")
}

// TestDispatchPermissions: users who are neither dispatchers nor admins see the
// board and the rules, but the keys that change them are off, the screens say
// why, and pressing them anyway puts the reason in the footer (R-ROLE-1).
func TestDispatchPermissions(t *testing.T) {
	f := newDispatchFixture(t)
	agent := f.user(t, "carl", core.RoleCallCenter)
	h := newHarness(t, f.fixture, agent, 140, 30)
	h.key("2")
	v := h.waitView("why WO-000003 waits", "Read only: carl (call-center) may not assign work orders or run dispatch: that needs the role admin or dispatcher.")
	if strings.Contains(v, "a assign") || strings.Contains(v, "dispatch now") {
		t.Errorf("the assignment keys should be off:\n%s", v)
	}
	h.key("a")
	h.waitView("carl (call-center) may not assign work orders")
	if h.m.active().(*board.Model).Picking() {
		t.Fatal("the picker must not open")
	}
	h.send(space())
	h.key("d")
	h.settle(30 * time.Millisecond)
	if n := h.m.active().(*board.Model).Selected(); len(n) != 0 {
		t.Errorf("nothing can be selected: %v", n)
	}
	if w, _ := f.svc.WorkOrder("WO-000003"); w.Status != core.StatusNew {
		t.Fatalf("a read-only user changed a work order: %+v", w)
	}

	// The rules are a dispatcher's: a call-center agent has no Rules tab, and
	// reaching the screen anyway (a navigation message) is refused (R-ROLE-1).
	v = h.m.View()
	if strings.Contains(v, "Rules") {
		t.Errorf("a call-center agent should not see the Rules section:\n%s", v)
	}
	h.send(common.NavigateMsg{Kind: common.Push, To: common.RulesScreen})
	h.waitView("carl (call-center) may not open Rules: ask an admin for the role admin or dispatcher.")
	if _, ok := h.m.active().(*rules.Model); ok {
		t.Fatal("the rules screen opened for a call-center agent")
	}
	if rs, _ := f.svc.Rules(core.RuleDispatch); !rs[0].Enabled {
		t.Fatal("a rule changed")
	}
}

// TestRulesMoveUpDown: K/J and shift+↑/↓ re-order rules (R-DISP-6); the list
// shows the new order at once, the cursor follows the rule, and fast presses are
// written in the order pressed.
func TestRulesMoveUpDown(t *testing.T) {
	f := newDispatchFixture(t)
	h := newHarness(t, f.fixture, f.admin, 120, 30)
	h.key("3")
	h.waitView("Catch-all (off)")
	r := h.m.active().(*rules.Model)

	h.key("J") // Call-center repairs: 1 → 2
	if names := screenRules(r); !slices.Equal(names, []string{"East installations", "Call-center repairs", "Catch-all (off)"}) || r.Cursor() != 1 {
		t.Fatalf("J should move the rule down at once and the cursor with it: %v, cursor %d", names, r.Cursor())
	}
	h.waitView(`Moved rule "Call-center repairs" (id 1) to priority 2.`)
	if got := ruleNames(t, f.svc); !slices.Equal(got, []string{"East installations", "Call-center repairs", "Catch-all (off)"}) {
		t.Fatalf("store order %v", got)
	}

	// Fast presses: down, down (stops at the bottom), up — all land, in order.
	h.send(tea.KeyMsg{Type: tea.KeyShiftDown})
	h.send(tea.KeyMsg{Type: tea.KeyShiftDown})
	h.key("K")
	want := []string{"East installations", "Call-center repairs", "Catch-all (off)"}
	if names := screenRules(r); !slices.Equal(names, want) {
		t.Fatalf("screen order %v, want %v", names, want)
	}
	h.waitFor("moves written", func(string) bool { return r.Pending() == 0 })
	h.settle(50 * time.Millisecond)
	if got := ruleNames(t, f.svc); !slices.Equal(got, want) {
		t.Fatalf("store order %v, want %v", got, want)
	}
	h.send(tea.KeyMsg{Type: tea.KeyShiftUp})
	h.waitView(`Moved rule "Call-center repairs" (id 1) to priority 1.`)
	v := h.m.View()
	if !strings.HasPrefix(line(v, "Call-center repairs"), ">   1 ") {
		t.Errorf("the moved rule should be first, under the cursor:\n%s", v)
	}
	if got := ruleNames(t, f.svc); got[0] != "Call-center repairs" {
		t.Fatalf("store order %v", got)
	}
	// At the top, K does nothing.
	h.key("K")
	h.settle(20 * time.Millisecond)
	if r.Pending() != 0 {
		t.Fatal("moving the first rule up should do nothing")
	}
}

// lastLineWith returns the last line of view containing s, and the line after it.
func lastLineWith(view, s string) (string, string) {
	ls := strings.Split(view, "\n")
	for i := len(ls) - 1; i >= 0; i-- {
		if strings.Contains(ls[i], s) {
			if i+1 < len(ls) {
				return ls[i], ls[i+1]
			}
			return ls[i], ""
		}
	}
	return "", ""
}

func screenRules(r *rules.Model) []string {
	var out []string
	for _, x := range r.Rules() {
		out = append(out, x.Name)
	}
	return out
}

// TestRulesToggleTestWhatIf: space switches a rule off and on; t tests the rule on
// a work order part by part; w shows where the rule set would send the queue,
// writing nothing.
func TestRulesToggleTestWhatIf(t *testing.T) {
	f := newDispatchFixture(t)
	h := newHarness(t, f.fixture, f.admin, 120, 30)
	h.key("3")
	h.waitView("Catch-all (off)")
	h.send(space())
	h.waitView(`Rule "Call-center repairs" (id 1) disabled.`)
	if rs, _ := f.svc.Rules(core.RuleDispatch); rs[0].Enabled {
		t.Fatal("space should disable the rule")
	}
	h.waitView("3 rules, 1 on")
	h.send(space())
	h.waitView(`Rule "Call-center repairs" (id 1) enabled.`, "3 rules, 2 on")

	// Test rule 1 on WO-000012, which it took: it matches.
	h.key("t")
	if !h.m.active().Capturing() {
		t.Fatal("the work-order number field should take the keys")
	}
	h.typeText("12")
	h.key("enter")
	v := h.waitView(`rule "Call-center repairs" (id 1) on WO-000012`)
	if !strings.Contains(v, "✓ would take it and assign 李师傅") {
		t.Errorf("the verdict:\n%s", v)
	}
	if !strings.Contains(line(v, `✓ channel == "call-center"`), `channel is "call-center"`) ||
		!strings.Contains(line(v, `✓ record_type == "Repair"`), `record_type is "Repair"`) {
		t.Errorf("every part should show with the values it read:\n%s", v)
	}
	// On WO-000008 it does not; the failing part says why.
	h.key("t")
	h.key("ctrl+u")
	h.typeText("8")
	h.key("enter")
	v = h.waitView(`rule "Call-center repairs" (id 1) on WO-000008`)
	if !strings.Contains(v, `✗ would not take it: channel == "call-center" is false (channel is "internal")`) {
		t.Errorf("the verdict:\n%s", v)
	}
	h.key("esc")
	h.waitFor("test closed", func(v string) bool { return !strings.Contains(v, "on WO-000008") })
	// An unknown work order is said plainly.
	h.key("t")
	h.key("ctrl+u")
	h.typeText("999")
	h.key("enter")
	h.waitView("There is no work order WO-000999")

	h.key("w")
	v = h.waitView("What if dispatch ran now", "0 of 5 waiting work orders would be assigned, 5 would stay in the manual queue.")
	if !strings.Contains(line(v, "WO-000009"), "manual queue") {
		t.Errorf("what-if rows:\n%s", v)
	}
	// With a rule that would take Acme's work, what-if proposes it, and writes nothing.
	if _, err := f.svc.AddRule(f.admin, core.NewRule{Kind: core.RuleDispatch, Name: "Acme", When: `account_name == "Acme Facilities"`, Engineers: []core.ID{f.sam.ID}}); err != nil {
		t.Fatal(err)
	}
	h.key("w")
	v = h.waitView("3 of 5 waiting work orders would be assigned")
	if !strings.Contains(line(v, "WO-000003"), "Sam Porter") || !strings.Contains(line(v, "WO-000003"), `rule "Acme"`) {
		t.Errorf("WO-000003 would go to Sam Porter by rule 4:\n%s", v)
	}
	if w, _ := f.svc.WorkOrder("WO-000003"); w.Status != core.StatusNew {
		t.Fatal("what-if must not write")
	}
	h.key("esc")
	h.waitView("Dispatch rules", "4 rules, 3 on")
}

// TestRuleFormValidatesAsYouType: the condition is compiled on every keystroke,
// errors show beside the field with their position; the rule can be tried on a
// work order before it is saved; saving adds it at the lowest priority.
func TestRuleFormValidatesAsYouType(t *testing.T) {
	f := newDispatchFixture(t)
	h := newHarness(t, f.fixture, f.admin, 120, 40)
	h.key("3")
	h.waitView("Catch-all (off)")
	h.key("n")
	h.waitView("New dispatch rule")
	h.typeText("Acme work")
	h.key("tab")
	h.typeText(`account_name == "Acme Facilities" && priorty == "low"`)
	v := h.waitView("Condition error at 1:38: unknown name priorty.")
	// The source is shown again under the message, with a caret under the error.
	src, caret := lastLineWith(v, `account_name == "Acme Facilities" && priorty == "low"`)
	if i, j := strings.Index(caret, "^"), strings.Index(src, "priorty =="); i < 0 || i != j {
		t.Errorf("the caret should sit under the error (caret at %d, word at %d):\n%s", i, j, v)
	}
	// Fix it: the error goes as soon as the condition compiles.
	for range len(`priorty == "low"`) {
		h.key("backspace")
	}
	h.typeText(`priority != "urgent"`)
	v = h.waitView("✓ the condition compiles")
	if strings.Contains(v, "unknown name") {
		t.Errorf("the error should be gone:\n%s", v)
	}
	// Try it on a work order before saving (R-DISP-6).
	for range 4 {
		h.key("tab") // engineers, policy, enabled, test with
	}
	h.typeText("3")
	h.key("enter")
	v = h.waitView("the condition on WO-000003 Replace HVAC filter")
	if !strings.Contains(v, "✓ matches") {
		t.Errorf("the test before saving:\n%s", v)
	}
	// Saving without engineers is refused beside the engineers field.
	h.key("ctrl+s")
	v = h.waitView("Nothing was saved: correct the fields marked below.")
	if !strings.Contains(lineAfter(v, "Engineers"), "") || !strings.Contains(v, "↳ A dispatch rule needs a target engineer") {
		t.Errorf("engineer error beside the field:\n%s", v)
	}
	if !strings.HasPrefix(line(v, "Engineers"), "> ") {
		t.Errorf("focus should go to the engineers:\n%s", v)
	}
	h.key("down")
	h.send(space()) // Sam Porter
	h.key("up")
	h.send(space()) // 李师傅
	v = h.waitView("[1]", "[2]")
	if !strings.Contains(v, "[1]  Sam Porter") || !strings.Contains(v, "[2]  李师傅") || !strings.Contains(v, "Sam Porter, 李师傅 · 华东服务有限公司") {
		t.Errorf("the pool keeps the order engineers were chosen in:\n%s", v)
	}
	h.key("tab")
	h.key("right") // round-robin
	// What if with this rule, before saving (issue 20.9): Acme's waiting work
	// orders would go to the pool; nothing is saved; esc is the form again.
	h.send(tea.KeyMsg{Type: tea.KeyCtrlO})
	v = h.waitView("What if with this rule", "would go elsewhere")
	if !strings.Contains(line(v, "WO-000003"), "Sam Porter") || !strings.Contains(line(v, "WO-000003"), "* now: manual queue") {
		t.Errorf("WO-000003 with the draft:\n%s", v)
	}
	if rs, _ := f.svc.Rules(core.RuleDispatch); len(rs) != 3 {
		t.Fatal("the draft what-if saved the rule")
	}
	h.key("esc")
	h.waitView("New dispatch rule", "round-robin")
	h.key("ctrl+s")
	h.waitView(`Added rule "Acme work" (id 4) at priority 4.`, ">   4 Acme work")
	rs, _ := f.svc.Rules(core.RuleDispatch)
	got := rs[3]
	if got.Name != "Acme work" || got.When != `account_name == "Acme Facilities" && priority != "urgent"` ||
		!slices.Equal(got.Engineers, []core.ID{f.sam.ID, f.li.ID}) || got.Policy != core.PolicyRoundRobin || !got.Enabled {
		t.Fatalf("saved %+v", got)
	}
	v = h.m.View()
	if !strings.HasPrefix(line(v, "Acme work"), ">   4 ") {
		t.Errorf("the cursor should be on the new rule:\n%s", v)
	}

	// Edit it: switch it off and rename.
	h.key("enter")
	h.waitView(`Edit rule "Acme work" (id 4) — priority 4`)
	h.key("ctrl+u")
	h.typeText("Acme, not urgent")
	for range 4 {
		h.key("tab") // condition, engineers, policy, enabled
	}
	h.key("right")
	h.key("ctrl+s")
	h.waitView(`Saved rule "Acme, not urgent" (id 4) at priority 4.`)
	rs, _ = f.svc.Rules(core.RuleDispatch)
	if rs[3].Name != "Acme, not urgent" || rs[3].Enabled || rs[3].Policy != core.PolicyRoundRobin {
		t.Fatalf("edited %+v", rs[3])
	}
}

// TestTasksInbox: an engineer's user sees their own inbox; users who are not
// engineers are told so, and dispatchers may look at any engineer's inbox.
func TestTasksInbox(t *testing.T) {
	f := newDispatchFixture(t)
	if _, err := f.svc.AddUser(f.admin, core.NewUser{Login: "li.shifu", Name: "李师傅", Roles: []core.Role{core.RoleEngineer}}); err != nil {
		t.Fatal(err)
	}
	eng, err := f.svc.Login("li.shifu")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, f.fixture, eng, 120, 30)
	h.goTo(common.TasksScreen)
	v := h.waitView("Tasks of 李师傅", "WO-000012")
	if !strings.Contains(line(v, "WO-000012"), "WO-000012 assigned to you (auto)") {
		t.Errorf("the rule's assignment should be in the inbox:\n%s", v)
	}
	if h.m.active().(*tasks.Model).Engineer().ID != f.li.ID {
		t.Fatal("wrong engineer")
	}
	// A manual assignment elsewhere arrives live.
	if _, err := f.svc.AssignWorkOrder(f.admin, "WO-000009", 0, f.li.ID); err != nil {
		t.Fatal(err)
	}
	v = h.waitView("WO-000009 assigned to you (manual)")
	if strings.Index(v, "WO-000009") > strings.Index(v, "WO-000012") {
		t.Errorf("newest first:\n%s", v)
	}
	h.key("e")
	h.settle(20 * time.Millisecond)
	if strings.Contains(h.m.View(), "Whose inbox?") {
		t.Error("an engineer may not browse other inboxes")
	}

	h2 := newHarness(t, f.fixture, f.admin, 120, 30)
	h2.key("4")
	h2.waitView("admin is not linked to an engineer record", "Press e to look at an engineer's inbox.")
	h2.key("e")
	h2.waitView("Whose inbox?", "Sam Porter")
	h2.key("enter") // the first engineer: 李师傅
	h2.waitView("Tasks of 李师傅", "WO-000009", "WO-000012")
}

// TestRulesDelete: X asks first; any key but y keeps the rule, y deletes it and
// the others close the gap.
func TestRulesDelete(t *testing.T) {
	f := newDispatchFixture(t)
	h := newHarness(t, f.fixture, f.admin, 120, 30)
	h.key("3")
	h.waitView("Catch-all (off)")
	h.key("j")
	h.key("X")
	h.waitView(`Delete rule "East installations" (id 2)? y deletes it; any other key keeps it.`)
	h.key("n")
	h.waitView("Nothing deleted.")
	if got := ruleNames(t, f.svc); len(got) != 3 {
		t.Fatalf("n must keep the rule: %v", got)
	}
	h.key("X")
	h.waitView("y deletes it")
	h.key("y")
	h.waitView(`Deleted rule "East installations" (id 2).`, "2 rules, 1 on")
	rs, _ := f.svc.Rules(core.RuleDispatch)
	if len(rs) != 2 || rs[1].Name != "Catch-all (off)" || rs[1].Priority != 2 {
		t.Fatalf("after delete: %+v", rs)
	}
}

// TestDispatchScreensFit: every state of the new screens draws exactly the
// terminal's size, at the minimum and at larger sizes, with Chinese text.
func TestDispatchScreensFit(t *testing.T) {
	f := newDispatchFixture(t)
	check := func(h *harness, w, ht int, what string) {
		t.Helper()
		h.settle(30 * time.Millisecond)
		v := h.m.View()
		ls := strings.Split(v, "\n")
		if len(ls) != ht {
			t.Errorf("%s at %d×%d: %d lines:\n%s", what, w, ht, len(ls), v)
		}
		for _, l := range ls {
			if common.Width(l) > w {
				t.Errorf("%s at %d×%d: line of %d cells: %q", what, w, ht, common.Width(l), l)
			}
		}
	}
	for _, sz := range [][2]int{{60, 15}, {80, 24}, {132, 43}} {
		w, ht := sz[0], sz[1]
		h := newHarness(t, f.fixture, f.admin, w, ht)
		h.waitView("WO-000012")
		h.key("2")
		h.waitView("why WO-000003 waits")
		check(h, w, ht, "board")
		h.send(space())
		h.key("a")
		h.waitView("Choose the service provider")
		check(h, w, ht, "picker: providers")
		h.key("enter")
		h.waitView("Choose the engineer")
		check(h, w, ht, "picker: engineers")
		h.key("esc")
		h.key("esc")
		h.key("3")
		h.waitView("Catch-all (o")
		check(h, w, ht, "rules")
		h.key("t")
		h.typeText("9")
		check(h, w, ht, "rules: test prompt")
		h.key("enter")
		h.waitView("on WO-000009")
		check(h, w, ht, "rules: test")
		h.key("w")
		h.waitView("What if dispatch ran now", "manual queue")
		check(h, w, ht, "what if")
		h.key("esc")
		h.key("enter")
		h.waitView("Edit rule \"")
		h.key("tab")
		h.key("ctrl+u")
		h.typeText(`region == "华东" && 空调 == 1`)
		check(h, w, ht, "rule form with an error")
		h.key("tab")
		check(h, w, ht, "rule form: engineers")
		h.key("esc")
		h.key("4")
		h.waitView("not linked to an engineer record")
		check(h, w, ht, "tasks: not an engineer")
		h.key("e")
		h.key("enter")
		h.waitView("Tasks of 李师傅")
		check(h, w, ht, "tasks")
		h.key("?")
		check(h, w, ht, "tasks with full help")
		h.key("?")
	}
}
