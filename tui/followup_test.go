package tui

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"switchboard/tui/common"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"switchboard/core"
	"switchboard/store/testdb"
	"switchboard/tui/followup"
)

// followUpFixture is the golden fixture with the follow-up plug-in on and
// four tasks stored directly at fixed times: fiona's WO-000004 (overdue by
// 3h), WO-000010 (one no-answer, held until 10:30), WO-000002 (due
// tomorrow), and gus's WO-000007.
func followUpFixture(t *testing.T) (*fixture, core.Actor) {
	t.Helper()
	f := newFixture(t)
	fiona := f.user(t, "fiona", core.RoleFollowUp)
	f.user(t, "gus", core.RoleFollowUp)
	if _, err := f.svc.SetFollowUpEnabled(f.admin, true); err != nil {
		t.Fatal(err)
	}
	at := func(d time.Duration) time.Time { return testdb.Epoch.Add(d) }
	held := at(time.Hour)
	tasks := []core.FollowUpTask{
		{WorkOrderID: 4, Number: "WO-000004", Subject: "电梯门无法关闭", RecordType: "Inspection", Customer: "李娜 · 上海浦东国际机场", Phone: "13900139000", Agent: "fiona", DueAt: at(-3 * time.Hour), CreatedAt: at(-27 * time.Hour)},
		{WorkOrderID: 10, Number: "WO-000010", Subject: "Quarterly inspection, fire doors", RecordType: "Inspection", Customer: "Maria Schmidt · Acme Facilities", Phone: "", Agent: "fiona", DueAt: at(5 * time.Hour), CreatedAt: at(-19 * time.Hour),
			NotBefore: &held, Attempts: []core.FollowUpAttempt{{At: at(-time.Hour), By: "fiona", Outcome: core.OutcomeNoAnswer}}},
		{WorkOrderID: 2, Number: "WO-000002", Subject: "空调不制冷，需要尽快上门检查压缩机和冷媒", RecordType: "Repair", Customer: "张伟 · 北京华联商厦", Phone: "13800138000", Agent: "fiona", DueAt: at(20 * time.Hour), CreatedAt: at(-4 * time.Hour)},
		{WorkOrderID: 7, Number: "WO-000007", Subject: "扫码报修：打印机卡纸", RecordType: "Repair", Customer: "李娜 · 上海浦东国际机场", Phone: "13900139000", Agent: "gus", DueAt: at(2 * time.Hour), CreatedAt: at(-22 * time.Hour)},
	}
	err := f.st.Update(func(tx core.Tx) error {
		for i := range tasks {
			x := tasks[i]
			x.Type, x.Status, x.MaxAttempts, x.Version, x.UpdatedAt = "Standard", core.FollowUpOpen, 3, 1, x.CreatedAt
			if x.Attempts == nil {
				x.Attempts = []core.FollowUpAttempt{}
			}
			if err := tx.PutFollowUpTask(&x); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f, fiona
}

func startProgramAs(t *testing.T, f *fixture, as core.Actor) *teatest.TestModel {
	t.Helper()
	tm := teatest.NewTestModel(t, New(f.svc, as, f.options()), teatest.WithInitialTermSize(goldenW, goldenH))
	t.Cleanup(func() { _ = tm.Quit() })
	return tm
}

// TestGoldenFollowUpQueue (R-FU-5, issue item 5): the agent's queue in due
// order, the overdue task first and counted, the held one marked.
func TestGoldenFollowUpQueue(t *testing.T) {
	f, fiona := followUpFixture(t)
	tm := startProgramAs(t, f, fiona)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("<")}) // the last section this agent sees
	waitOutput(t, tm, "1 overdue")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

// TestGoldenFollowUpSettings (R-FU-1, R-FU-3, R-FU-4): s from the queue, as
// the agent who leads the team: the plug-in, the limits, the team with who is
// next up, and a follow-up rule; read only but for absences.
func TestGoldenFollowUpSettings(t *testing.T) {
	f, fiona := followUpFixture(t)
	if _, err := f.svc.SaveFollowUpTeam(f.admin, core.FollowUpTeam{Name: "East", Members: []string{"fiona", "gus"}, Lead: "fiona"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AddRule(f.admin, core.NewRule{Kind: core.RuleFollowUp, Name: "Repairs", When: `record_type == "Repair"`, FollowUpTeam: "East"}); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetAbsent(f.admin, "gus", true); err != nil {
		t.Fatal(err)
	}
	tm := startProgramAs(t, f, fiona)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("<")})
	waitOutput(t, tm, "1 overdue")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("s")})
	waitOutput(t, tm, "Repairs")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

// TestGoldenFollowUpForm: enter on the overdue task opens the call panel, r
// the follow-up form of its record type with a rating typed.
func TestGoldenFollowUpForm(t *testing.T) {
	f, fiona := followUpFixture(t)
	tm := startProgramAs(t, f, fiona)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("<")}) // the last section this agent sees
	waitOutput(t, tm, "1 overdue")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitOutput(t, tm, "How did the call go?")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("r")})
	waitOutput(t, tm, "Follow-up form")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("4")})
	waitOutput(t, tm, "4/5")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC}) // q would be typed into the form
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	teatest.RequireEqualOutput(t, []byte(fm.View()))
}

// TestFollowUpConsoleRoleGate (R-FU-5, R-ROLE-1): a dispatcher cannot open
// the queue; while the plug-in is off the queue is hidden with the reason.
func TestFollowUpConsoleRoleGate(t *testing.T) {
	f, fiona := followUpFixture(t)
	dora := f.user(t, "dora", core.RoleDispatcher)
	h := newHarness(t, f, dora, 140, 40)
	h.waitView("WO-000012")
	// The section is not among a dispatcher's tabs; reaching it anyway is refused.
	if slices.Contains(h.titles(), "Follow-up") {
		t.Fatalf("a dispatcher has the Follow-up tab: %v", h.titles())
	}
	h.run(h.m.switchCmd(sectionOf(common.FollowUpScreen)))
	v := h.waitView("may not open Follow-up: ask an admin for the role admin or follow-up")
	if h.m.section == sectionOf(common.FollowUpScreen) {
		t.Fatalf("a dispatcher sees the queue:\n%s", v)
	}
	// The screen itself refuses too, should it be opened for a dispatcher (roles
	// changed while it was open).
	fs := followup.New(h.m.c)
	fs.SetSize(140, 30)
	if v := fs.View(); !strings.Contains(v, "the call queue is for follow-up agents; ask an admin for the follow-up role") {
		t.Fatalf("the screen does not refuse a dispatcher:\n%s", v)
	}
	if _, err := f.svc.SetFollowUpEnabled(f.admin, false); err != nil {
		t.Fatal(err)
	}
	h2 := newHarness(t, f, fiona, 140, 40)
	h2.waitView("WO-000012")
	h2.goTo(common.FollowUpScreen)
	v = h2.waitView("The follow-up plug-in is off — an admin switches it on (s: settings, or `switchboard followup enable`).")
	if strings.Contains(v, "WO-000004") {
		t.Fatalf("the queue shows while the plug-in is off:\n%s", v)
	}
}

// TestFollowUpConsoleWorksCalls (R-FU-5, R-FU-2): n takes the next call due
// (skipping held ones); reached saves the form as an evaluation; no answer
// re-queues; a callback is held until its time; the lead sees all queues and
// reassigns.
func TestFollowUpConsoleWorksCalls(t *testing.T) {
	f, fiona := followUpFixture(t)
	h := newHarness(t, f, fiona, 140, 40)
	h.waitView("WO-000012")
	h.goTo(common.FollowUpScreen)
	h.waitView("3 task(s)", "1 overdue", "1 waiting")
	h.key("n")
	h.waitView("Call 李娜", "No call integration is set")
	h.key("r")
	h.waitView("Follow-up form (Standard)")
	h.key("ctrl+s")
	h.waitView("Please answer")
	h.key("5")
	h.key("tab")
	h.typeText("Door fixed, thanks")
	h.key("ctrl+s")
	h.waitView("WO-000004: reached; evaluation 1 saved.")
	st, _ := f.svc.Evaluations("WO-000004")
	if len(st.Evaluations) != 1 || st.Evaluations[0].Score != 5 || st.Evaluations[0].Via != core.EvalViaFollowUp || st.Evaluations[0].Answers[1].Text != "Door fixed, thanks" {
		t.Fatalf("evaluation: %+v", st.Evaluations)
	}
	h.waitView("2 task(s)")
	h.key("n") // WO-000010 is held until 10:30: the next due now is WO-000002
	h.waitView("Call 张伟")
	h.key("a")
	h.waitView("WO-000002: no-answer (attempt 1 of 3); back in the queue from")
	h.key("n")
	h.waitView("No call is due in fiona's queue now.")
	f.clk.Advance(90 * time.Minute)
	h.key("n")
	h.waitView("Call Maria Schmidt", "no-answer")
	h.key("c")
	h.typeText("+1d")
	h.key("enter")
	h.waitView("WO-000010: call back at")
	ts, _ := f.svc.FollowUpTasksFor("WO-000010")
	if len(ts) != 1 || ts[0].NotBefore == nil || !ts[0].NotBefore.Equal(f.svc.Now().Add(24*time.Hour).Truncate(time.Second)) || ts[0].Attempts[1].Outcome != core.OutcomeCallback {
		t.Fatalf("callback: %+v", ts)
	}

	// The admin (a lead) sees every agent's queue and reassigns.
	ha := newHarness(t, f, f.admin, 140, 40)
	ha.waitView("WO-000012")
	ha.goTo(common.FollowUpScreen)
	ha.waitView("my queue (admin)")
	ha.key("t")
	ha.waitView("every agent's queue", "gus")
	ha.key("down") // gus's WO-000007 (due first), then fiona's WO-000002
	ha.key("R")
	ha.typeText("gus")
	ha.key("enter")
	ha.waitView("Task 3 (WO-000002) is now in gus's queue.")
}

// TestFollowUpQueueFollowsChangesLive: an open queue follows changes made
// elsewhere that touch no work order — a lead's reassignment and the plug-in
// switched off — without the agent pressing a key.
func TestFollowUpQueueFollowsChangesLive(t *testing.T) {
	f, fiona := followUpFixture(t)
	h := newHarness(t, f, fiona, 140, 40)
	h.waitView("WO-000012")
	h.goTo(common.FollowUpScreen)
	h.waitView("3 task(s)")
	q, err := f.svc.FollowUpQueue(fiona, core.QueueQuery{})
	if err != nil || len(q.Tasks) == 0 {
		t.Fatalf("fiona's queue: %+v %v", q, err)
	}
	f.user(t, "gwen", core.RoleFollowUp)
	if _, err := f.svc.ReassignFollowUp(f.admin, q.Tasks[0].ID, "gwen"); err != nil {
		t.Fatal(err)
	}
	h.waitView("2 task(s)")
	if _, err := f.svc.SetFollowUpEnabled(f.admin, false); err != nil {
		t.Fatal(err)
	}
	h.waitView("The follow-up plug-in is off")
}

// TestFollowUpLongQueueIsWindowed (R-FU-5, DESIGN "large lists are
// virtualised"): a queue of 3,000 tasks is read a window at a time — the
// screen holds a few screens of it, the counts cover all of it, and the end,
// the middle and the start are reached by keys.
func TestFollowUpLongQueueIsWindowed(t *testing.T) {
	f, fiona := followUpFixture(t)
	const n = 3000
	err := f.st.Update(func(tx core.Tx) error {
		for i := range n {
			x := core.FollowUpTask{WorkOrderID: core.ID(100 + i), Number: core.FormatNumber(uint64(100 + i)), Subject: "Freezer check",
				RecordType: "Repair", Customer: "Customer " + strconv.Itoa(i), Phone: "13800000000", Agent: "fiona", Type: "Standard",
				Status: core.FollowUpOpen, MaxAttempts: 3, Version: 1, DueAt: testdb.Epoch.Add(time.Duration(i+1) * 24 * time.Hour), Attempts: []core.FollowUpAttempt{}}
			if err := tx.PutFollowUpTask(&x); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, f, fiona, 140, 40)
	h.waitView("WO-000012")
	h.goTo(common.FollowUpScreen)
	h.waitView("3003 task(s)", "1 overdue", "1 waiting", "WO-000004")
	fu := h.m.active().(*followup.Model)
	held := func() {
		t.Helper()
		if got := fu.Held(); got == 0 || got > 200 {
			t.Fatalf("the screen holds %d of %d tasks; want a window of a few screens", got, n+3)
		}
	}
	held()
	h.key("G")
	last := core.FormatNumber(uint64(100 + n - 1))
	v := h.waitView(last, "Customer "+strconv.Itoa(n-1))
	if !strings.Contains(v, "> ") {
		t.Fatalf("no cursor row at the end:\n%s", v)
	}
	held()
	for range 40 {
		h.key("pgup")
	}
	// Forty pages up, the middle of the queue: real rows (no "…" waiting for
	// the store) with the cursor on one.
	cursorRow := regexp.MustCompile(`> \d{4}-\d\d-\d\d \d\d:\d\d +WO-\d+ Customer (\d+)`)
	v = h.waitFor("the middle of the queue", func(v string) bool {
		return cursorRow.MatchString(v) && !strings.Contains(v, "  …")
	})
	if i, _ := strconv.Atoi(cursorRow.FindStringSubmatch(v)[1]); i < 500 || i > n-500 {
		t.Fatalf("forty pages up from the end the cursor is on customer %d:\n%s", i, v)
	}
	held()
	h.key("g")
	h.waitView("> 2026", "WO-000004")
	held()

	// A filter as you type: the counts and the rows are the matches'.
	h.key("/")
	h.typeText("customer 2999")
	h.waitView("1 task(s)", "WO-003099", `/customer 2999`)
	h.key("enter")
	h.waitView("1 task(s)", `filter customer 2999`)
	h.key("/")
	h.typeText("x")
	h.waitView("0 task(s)", `No task in this queue mentions that: esc clears the filter.`)
	h.key("esc")
	h.waitView("3003 task(s)", "WO-000004")
	if strings.Contains(h.m.View(), "filter") && strings.Contains(h.m.View(), "customer 2999") {
		t.Fatalf("esc left the filter in effect:\n%s", h.m.View())
	}

	// enter calls the task under the cursor, read from the window.
	h.key("enter")
	h.waitView("Call 李娜")
}

// TestFollowUpSettingsConsole (R-FU-1, R-FU-3, R-FU-4, issue 7 items 1–3 and
// 6): from the queue, s opens the settings — the plug-in switched off and on,
// the limits and the call integration edited (refusals under their fields),
// a team's rotation pointer moved and a member marked absent, follow-up rules
// added, moved, switched and deleted — each change in the store as the CLI
// twins would make it. An agent sees them read only, but marks themselves absent.
func TestFollowUpSettingsConsole(t *testing.T) {
	f, fiona := followUpFixture(t)
	if _, err := f.svc.SaveFollowUpTeam(f.admin, core.FollowUpTeam{Name: "East", Members: []string{"fiona", "gus"}, Lead: "gus"}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, f, f.admin, 140, 40)
	h.waitView("WO-000012")
	h.goTo(common.FollowUpScreen)
	h.waitView("my queue (admin)")
	h.key("s")
	h.waitView("Follow-up settings", "> Plug-in", "East", "next up")

	// The plug-in: off, then on again.
	h.key("enter")
	h.waitView("The follow-up plug-in is off")
	if cfg, _ := f.svc.FollowUpConfig(); cfg.Enabled {
		t.Fatal("the plug-in is still on")
	}
	h.key("enter")
	h.waitView("The follow-up plug-in is on")

	// Limits: a bad due time is refused under its field; then saved.
	h.key("down", "enter")
	h.waitView("Follow-up limits")
	h.key("ctrl+u")
	h.typeText("soon")
	h.key("ctrl+s")
	h.waitView(`The due time "soon" is not a duration`)
	h.key("ctrl+u")
	h.typeText("4h")
	h.key("tab", "tab", "ctrl+u")
	h.typeText("5")
	h.key("ctrl+s")
	h.waitView("Follow-up limits saved")
	if cfg, _ := f.svc.FollowUpConfig(); cfg.SLA != core.Duration(4*time.Hour) || cfg.MaxAttempts != 5 {
		t.Fatalf("limits: %+v", cfg)
	}

	// The call integration: a command without {phone} is refused by core.
	h.key("down", "enter")
	h.waitView("Call integration", "Dial with")
	h.key("right", "tab")
	h.typeText("softphone --dial")
	h.key("ctrl+s")
	h.waitView("The dial command has no {phone}")
	h.typeText(" {phone}")
	h.key("ctrl+s")
	h.waitView("Call integration saved: command: softphone --dial {phone}.")
	if cfg, _ := f.svc.FollowUpConfig(); cfg.Dialer.Command != "softphone --dial {phone}" {
		t.Fatalf("dialer: %+v", cfg.Dialer)
	}

	// Teams: gus is next up; fiona gets it; then gus is absent.
	h.key("down", "enter")
	h.waitView("Team East: fiona gets the next task.")
	h.key("down", "a")
	h.waitView("gus is absent")
	ts, _ := f.svc.FollowUpTeams()
	abs, _ := f.svc.Absences()
	if ts[0].NextUp() != "fiona" || len(abs) != 1 || abs[0].Login != "gus" {
		t.Fatalf("teams %+v, absent %+v", ts, abs)
	}

	// Rules: two added (the second at the lowest priority), moved up,
	// switched off, deleted.
	for _, r := range []struct{ name, when string }{{"Repairs", `record_type == "Repair"`}, {"Urgent", `priority == "urgent"`}} {
		h.key("n")
		h.waitView("New follow-up rule")
		h.typeText(r.name)
		h.key("tab")
		h.typeText(r.when)
		h.waitView("✓ compiles")
		h.key("ctrl+s")
		h.waitView(fmt.Sprintf("Follow-up rule %q added at the lowest priority.", r.name))
	}
	rules := func() []string {
		rs, _ := f.svc.Rules(core.RuleFollowUp)
		var out []string
		for _, r := range rs {
			out = append(out, fmt.Sprintf("%s:%v:%s", r.Name, r.Enabled, r.FollowUpTeam))
		}
		return out
	}
	if got := rules(); !slices.Equal(got, []string{"Repairs:true:East", "Urgent:true:East"}) {
		t.Fatalf("rules after adding: %v", got)
	}
	for range 8 { // to the last row, "+ new rule"
		h.key("down")
	}
	h.key("up") // Urgent
	h.waitView("> 2")
	h.key("K")
	h.waitView(`Follow-up rule "Urgent" is now tried at position 1.`)
	h.key(" ")
	h.waitView(`Follow-up rule "Urgent" is off.`)
	if got := rules(); !slices.Equal(got, []string{"Urgent:false:East", "Repairs:true:East"}) {
		t.Fatalf("rules after moving and switching: %v", got)
	}
	h.key("X")
	h.waitView(`Delete the follow-up rule "Urgent"?`)
	h.key("y")
	h.waitView(`Follow-up rule "Urgent" deleted.`)
	if got := rules(); !slices.Equal(got, []string{"Repairs:true:East"}) {
		t.Fatalf("rules after deleting: %v", got)
	}

	// Teams: a new one (a taken name refused), changed, deleted.
	teamsOf := func() []string {
		ts, _ := f.svc.FollowUpTeams()
		var out []string
		for _, t := range ts {
			out = append(out, t.Name+":"+strings.Join(t.Members, ",")+":"+t.Lead)
		}
		return out
	}
	h.key("N")
	h.waitView("New follow-up team")
	h.typeText("east")
	h.key("tab")
	h.typeText("fiona")
	h.key("ctrl+s")
	h.waitView("There is a team east already")
	h.key("shift+tab", "ctrl+u")
	h.typeText("West")
	h.key("tab", "ctrl+u")
	h.typeText("fiona, nobody")
	h.key("ctrl+s")
	h.waitView(`There is no user "nobody"`)
	for range len(", nobody") {
		h.key("backspace")
	}
	h.key("ctrl+s")
	h.waitView("Follow-up team West saved.")
	if got := teamsOf(); !slices.Equal(got, []string{"East:fiona,gus:gus", "West:fiona:"}) {
		t.Fatalf("teams after adding West: %v", got)
	}
	for range 3 {
		h.key("up")
	}
	for range 20 {
		if strings.Contains(h.m.View(), "> West") {
			break
		}
		h.key("down")
	}
	h.key("e")
	h.waitView("Follow-up team West")
	h.key("ctrl+u")
	h.typeText("gus, fiona")
	h.key("tab")
	h.typeText("gus")
	h.key("ctrl+s")
	h.waitFor("the team form to close", func(v string) bool { return strings.Contains(v, "Follow-up settings") })
	if got := teamsOf(); !slices.Equal(got, []string{"East:fiona,gus:gus", "West:gus,fiona:gus"}) {
		t.Fatalf("teams after changing West: %v", got)
	}
	h.waitView("> West")
	h.key("X")
	h.waitView("Delete the follow-up team West?")
	h.key("y")
	h.waitView("Follow-up team West deleted.")
	if got := teamsOf(); !slices.Equal(got, []string{"East:fiona,gus:gus"}) {
		t.Fatalf("teams after deleting West: %v", got)
	}
	h.key("esc")
	h.waitView("Follow-up call queue")

	// An agent: read only, but may mark themselves absent.
	ha := newHarness(t, f, fiona, 140, 40)
	ha.waitView("WO-000012")
	ha.goTo(common.FollowUpScreen)
	ha.waitView("my queue (fiona)")
	ha.key("s")
	ha.waitView("Follow-up settings", "Read only:")
	ha.key("enter")
	ha.settle(100 * time.Millisecond)
	if cfg, _ := f.svc.FollowUpConfig(); !cfg.Enabled {
		t.Fatal("an agent switched the plug-in off")
	}
	ha.key("down", "down", "down") // fiona's row in East
	ha.key("a")
	ha.waitView("fiona is absent")
	ha.key("down", "a") // gus: not hers to mark
	ha.settle(100 * time.Millisecond)
	if abs, _ := f.svc.Absences(); len(abs) != 2 {
		t.Fatalf("absences after fiona's keys: %+v", abs)
	}
}

// TestFollowUpButtonsInTheCompanysWords (seed 002 §6.2, issue 20.11): the
// call panel shows the node's own button labels, and the keys still work.
func TestFollowUpButtonsInTheCompanysWords(t *testing.T) {
	f, fiona := followUpFixture(t)
	err := f.st.Update(func(tx core.Tx) error {
		ts, err := tx.FollowUpTasksFor(4)
		if err != nil || len(ts) != 1 {
			return fmt.Errorf("tasks %v %v", ts, err)
		}
		ts[0].Buttons = core.FollowUpButtons{Reached: "接通了", NoAnswer: "无人接听"}
		return tx.PutFollowUpTask(&ts[0])
	})
	if err != nil {
		t.Fatal(err)
	}
	tm := startProgramAs(t, f, fiona)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("<")})
	waitOutput(t, tm, "1 overdue")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitOutput(t, tm, "r 接通了")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("a")})
	waitOutput(t, tm, "WO-000004: no-answer (attempt 1 of 3)")
}
