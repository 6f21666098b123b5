package tui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"switchboard/core"
	"switchboard/tui/common"
)

// serviceWO is the fixture's work order at the service node (空调不制冷…),
// assigned eight days before the fixture's clock.
const serviceWO = "WO-000002"

func (h *harness) open(to common.ScreenID, number string) {
	h.send(common.NavigateMsg{Kind: common.Push, To: to, Number: number})
}

// TestReportCompleteServiceFromConsole (R-REP-1, R-REP-2): on the detail screen
// "c" opens the report form pre-filled from the history (start at the
// assignment, finish now); ctrl+s saves it and completes the service node, which
// generates v1; "i" invites the customer by link; the customer's signature shows
// up live as signed; "f" then makes v2, shown as changed since signing, on the
// report view and the detail screen alike.
func TestReportCompleteServiceFromConsole(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 120, 40)
	h.waitView("WO-000001")
	h.open(common.DetailScreen, serviceWO)
	h.waitView("Service report", "no report yet", "c complete service")
	h.key("c")
	v := h.waitView("Complete service · "+serviceWO, "Started     2026-10-25 09:30", "Finished    2026-11-02 09:30")
	if !strings.Contains(v, "张伟 · 北京华联商厦") || !strings.Contains(v, "李师傅") {
		t.Errorf("the form does not show engineer and customer:\n%s", v)
	}
	h.typeText("更换压缩机启动电容")
	h.key("tab")
	h.typeText("启动电容: zero")
	h.key("ctrl+s")
	h.waitView("not a number")
	if rv, _ := f.svc.Report(serviceWO, 0); rv.Status.State != core.ReportNone {
		t.Fatalf("a refused form saved: %+v", rv.Status)
	}
	for range "zero" {
		h.key("backspace")
	}
	h.typeText("1")
	h.key("enter")
	h.typeText("R22 冷媒（公斤）: 1.5")
	h.key("ctrl+s")
	// Every channel is off in the fixture: the footer must not claim the
	// report went to the customer (issue 17).
	h.waitView("Service report · "+serviceWO, "UNSIGNED · v1 not signed yet", "更换压缩机启动电容", "×1.5", "report v1 generated; nothing was sent")
	w, _ := f.svc.WorkOrder(serviceWO)
	rv, _ := f.svc.Report(serviceWO, 0)
	if w.Node != core.NodeTerminalTask || rv.Shown == nil || len(rv.Shown.Parts) != 2 || rv.Shown.Parts[1].Name != "R22 冷媒（公斤）" ||
		!rv.Shown.StartedAt.Equal(*w.AssignTime) || !rv.Shown.FinishedAt.Equal(f.now) {
		t.Fatalf("after ctrl+s: node %s, report %+v", w.Node, rv.Shown)
	}

	h.key("i")
	h.waitView("Invite the customer to sign version 1", "link only")
	h.key("enter")
	v = h.waitView("Invitation to sign v1", "/sign/")
	tok := regexp.MustCompile(`/sign/([A-Z2-7]{26})`).FindStringSubmatch(v)
	if tok == nil {
		t.Fatalf("no signing link on screen:\n%s", v)
	}
	if _, err := f.svc.SignReport(core.ReportSigning{Token: tok[1], Nonce: core.NewToken(), Version: 1, SHA256: rv.Shown.SHA256, Name: "张伟", IP: "198.51.100.4"}); err != nil {
		t.Fatal(err)
	}
	h.waitView("SIGNED · v1 signed by 张伟", "From IP", "198.51.100.4")

	h.key("f")
	h.waitView("Version 1 is signed and stays as it is: saving makes version 2")
	h.typeText("，试机正常")
	h.key("ctrl+s")
	h.waitView("CHANGED SINCE SIGNING · v2 not signed; v1 was signed by 张伟", "更换压缩机启动电容，试机正常")
	h.key("[")
	h.waitView("viewing v1 (signed by 张伟)")
	h.key("esc")
	h.waitView("v2 changed since signing (v1 signed by 张伟)")
}

// TestReportKeysFollowRoles (R-ROLE-1): a call-center agent sees the report but
// cannot fill it or complete service; the keys are disabled, not hidden in prose.
func TestReportKeysFollowRoles(t *testing.T) {
	f := newFixture(t)
	agent := f.user(t, "cc1", core.RoleCallCenter)
	h := newHarness(t, f, agent, 120, 40)
	h.waitView("WO-000001")
	h.open(common.DetailScreen, serviceWO)
	v := h.waitView("Service report", "no report yet")
	if strings.Contains(v, "complete service") || strings.Contains(v, "fill report") {
		t.Errorf("a call-center agent is offered report keys:\n%s", v)
	}
	h.key("c")
	h.settle(50 * 1e6)
	if strings.Contains(h.m.View(), "Complete service") {
		t.Error("c opened the form for a call-center agent")
	}
}

// prepareSignedReport gives the service work order a report v1, signed by typing.
func prepareSignedReport(t *testing.T, f *fixture) {
	t.Helper()
	if _, err := f.svc.SaveReport(f.admin, serviceWO, core.ReportInput{WorkDone: "检查发现压缩机启动电容损坏，已更换；补充冷媒后试机两小时，出风温度正常。",
		Parts: []core.ReportPart{{Name: "启动电容 35μF", Quantity: 1}, {Name: "R22 冷媒（公斤）", Quantity: 1.5}}, Notes: "建议每季度清洗过滤网。"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AdvanceWorkOrder(f.admin, serviceWO, 0, ""); err != nil {
		t.Fatal(err)
	}
	inv, err := f.svc.InviteReportSignature(f.admin, serviceWO, "link", 0)
	if err != nil {
		t.Fatal(err)
	}
	rv, _ := f.svc.Report(serviceWO, 0)
	if _, err := f.svc.SignReport(core.ReportSigning{Token: inv.Token, Nonce: core.NewToken(), Version: 1, SHA256: rv.Shown.SHA256, Name: "张伟", IP: "198.51.100.4"}); err != nil {
		t.Fatal(err)
	}
}

// openServiceWO opens the service work order's detail in a golden program.
func openServiceWO(t *testing.T, tm *teatest.TestModel) {
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("G")})
	tm.Send(tea.KeyMsg{Type: tea.KeyUp})
	waitOutput(t, tm, "11 of 12")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitOutput(t, tm, "Summary")
}

func TestGoldenReportForm(t *testing.T) {
	f := newFixture(t)
	tm := startProgram(t, f)
	openServiceWO(t, tm)
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("c")})
	waitOutput(t, tm, "(now, unless you change it)")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("更换压缩机启动电容")})
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("启动电容: 1")})
	waitOutput(t, tm, "更换压缩机启动电容")
	// The form takes "q" as text: ctrl+c quits (keys land in order, so the
	// parts are in the final view).
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	teatest.RequireEqualOutput(t, []byte(fm.View()))
}

func TestGoldenReportView(t *testing.T) {
	f := newFixture(t)
	prepareSignedReport(t, f)
	tm := startProgram(t, f)
	openServiceWO(t, tm)
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("v")})
	waitOutput(t, tm, "SIGNED")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

// TestReportScreensFit: the report view, its invitation picker and QR code, the
// form and full help draw exactly the terminal's size, from the minimum up, with
// Chinese text.
func TestReportScreensFit(t *testing.T) {
	f := newFixture(t)
	prepareSignedReport(t, f)
	if _, err := f.svc.SaveReport(f.admin, serviceWO, core.ReportInput{WorkDone: "补充说明：冷凝器已清洗，运行电流正常。"}); err != nil {
		t.Fatal(err)
	}
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
		h := newHarness(t, f, f.admin, w, ht)
		h.waitView("WO-000012")
		h.open(common.DetailScreen, serviceWO)
		h.waitView("Summary")
		check(h, w, ht, "detail")
		h.key("v")
		h.waitView("CHANGED SINCE")
		check(h, w, ht, "report view")
		h.key("i")
		h.waitView("link only")
		check(h, w, ht, "invite picker")
		h.key("enter")
		h.waitView("Invitation to sign v2")
		check(h, w, ht, "report view with the invitation")
		h.key("?")
		check(h, w, ht, "report view with full help")
		h.key("?")
		h.key("f")
		h.waitView("makes version 3")
		check(h, w, ht, "report form")
		h.key("esc")
		h.waitFor("the report view again", func(v string) bool { return !strings.Contains(v, "makes version 3") })
		h.key("[")
		h.waitView("viewing v1")
		check(h, w, ht, "report view of v1")
	}
}
