package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"switchboard/core"
)

// notifyFixture is the golden fixture with email and SMS switched on, SMS
// credits, and one new work order whose notifications were queued.
func notifyFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	on := true
	if _, err := f.svc.SetChannelConfig(f.admin, core.NoticeEmail, &on, map[string]string{"host": "smtp.example.com", "from": "service@example.com", "password": "do-not-show-this-secret"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetChannelConfig(f.admin, core.NoticeSMS, &on, map[string]string{"access_key_id": "LTAI", "sign_name": "华联服务"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AddSMSCredits(f.admin, 42); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetPresetEnabled(f.admin, core.NoticeTerminated, core.NoticeWeChat, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreateWorkOrder(f.admin, core.NewWorkOrder{Subject: "Boiler noise", Phone: "13800138000", Email: "zhang.wei@example.cn"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreateWorkOrder(f.admin, core.NewWorkOrder{Subject: "Landline caller", Phone: "010 6552 9988"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestGoldenPresetMatrix: key 5 opens the matrix; → → space switches
// "submitted" off on SMS.
func TestGoldenPresetMatrix(t *testing.T) {
	f := notifyFixture(t)
	tm := startProgram(t, f)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("5")})
	waitOutput(t, tm, "SMS credits")
	tm.Send(tea.KeyMsg{Type: tea.KeyRight})
	tm.Send(tea.KeyMsg{Type: tea.KeyRight})
	tm.Send(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")})
	waitOutput(t, tm, "Work order submitted on SMS is off.")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

// TestGoldenOutbox: key 6 opens the delivery log.
func TestGoldenOutbox(t *testing.T) {
	f := notifyFixture(t)
	tm := startProgram(t, f)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("6")})
	waitOutput(t, tm, "1 of 4")
	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	waitOutput(t, tm, "2 of 4")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

// TestChannelsPolicyAndCredits (issue 17): on the channel settings screen p
// opens the delivery policy (an unknown channel is refused under its field),
// + tops up SMS credits (a non-number is refused), and the header line says
// what is in force.
func TestChannelsPolicyAndCredits(t *testing.T) {
	f := notifyFixture(t)
	h := newHarness(t, f, f.admin, 120, 40)
	h.key("5")
	h.waitView("SMS credits")
	h.key("c")
	h.waitView("Channel settings", "delivery all: WeChat", "SMS credits 42")
	h.key("p")
	h.waitView("Delivery policy", "Order")
	h.key("right") // all → fallback
	h.key("tab")
	h.send(keyMsg("ctrl+u"))
	h.typeText("sms, pigeon")
	h.key("ctrl+s")
	h.waitView(`"pigeon" is unknown`, "Nothing was saved") // the footer too: it must not land after the next save
	h.send(keyMsg("ctrl+u"))
	h.typeText("sms, email")
	h.key("ctrl+s")
	h.waitView("Delivery policy saved: fallback.", "delivery fallback: SMS, Email")
	ns, err := f.svc.NotifySettings()
	if err != nil || ns.Policy.Mode != core.PolicyFallback || len(ns.Policy.Order) < 2 || ns.Policy.Order[0] != core.NoticeSMS || ns.Policy.Order[1] != core.NoticeEmail {
		t.Fatalf("policy not stored: %+v %v", ns.Policy, err)
	}

	h.key("+")
	h.waitView("SMS credits: 42 left")
	h.typeText("lots")
	h.key("ctrl+s")
	h.waitView("whole number", "Nothing was saved")
	h.send(keyMsg("ctrl+u"))
	h.typeText("1000")
	h.key("ctrl+s")
	h.waitView("Added 1000 SMS credits: 1042 left.", "SMS credits 1042")
}

// TestTemplateEditor (R-NOTE-4, issue 17): enter on the matrix opens the
// cell's template; the preview follows the typing with a real work order's
// values; an unknown variable is named in the preview and refused on save;
// ctrl+s saves; ctrl+x asks, then goes back to the shipped template (the twin
// of `notify template reset`).
func TestTemplateEditor(t *testing.T) {
	f := notifyFixture(t)
	h := newHarness(t, f, f.admin, 120, 40)
	h.key("5")
	h.waitView("SMS credits")
	h.key("right")
	h.key("right") // submitted × SMS
	h.key("enter")
	h.waitView("Template", "Work order submitted · SMS", "Preview")
	shipped, err := f.svc.Preset(core.NoticeSubmitted, core.NoticeSMS)
	if err != nil {
		t.Fatal(err)
	}
	h.key("tab") // template code → text
	h.send(keyMsg("ctrl+a"))
	h.send(keyMsg("ctrl+k"))
	h.typeText("Dear #Customer#, #WorkOrderNumber# is in #Nope#")
	h.waitView("unknown variable #Nope#")
	h.key("ctrl+s")
	h.waitView("unknown variable #Nope#")
	for range len("#Nope#") {
		h.send(tea.KeyMsg{Type: tea.KeyBackspace})
	}
	h.typeText("our queue.")
	h.waitView(", WO-000014 is in our queue.") // the newest work order
	h.key("ctrl+s")
	h.waitView("Saved SMS template of Work order submitted.")
	p, _ := f.svc.Preset(core.NoticeSubmitted, core.NoticeSMS)
	if !p.Custom || !strings.Contains(p.Template.Body, "is in our queue.") {
		t.Fatalf("saved: %+v", p)
	}
	h.key("enter")
	h.waitView("Template", "is in our queue.")
	h.key("ctrl+x")
	h.waitView("Go back to the shipped template?")
	h.key("n")
	h.waitView("Nothing changed.")
	h.key("ctrl+x")
	h.key("y")
	h.waitView("Back to the shipped SMS template of Work order submitted.")
	p, _ = f.svc.Preset(core.NoticeSubmitted, core.NoticeSMS)
	if p.Custom || p.Template.Body != shipped.Template.Body {
		t.Fatalf("after reset: %+v", p)
	}
}
