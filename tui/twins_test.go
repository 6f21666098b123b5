package tui

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"golang.org/x/crypto/ssh"

	"switchboard/core"
	"switchboard/store/testdb"
	"switchboard/tui/common"
)

// twinRoutes bring a console to each place Twins name, with what the keys
// there need (a rule to delete, a disabled contact to enable…).
var twinRoutes = map[string]func(t *testing.T, f *fixture, h *harness){
	"Work orders": func(t *testing.T, f *fixture, h *harness) { h.waitView("1 of 12") },
	"Palette on a saved view": func(t *testing.T, f *fixture, h *harness) {
		if _, err := f.svc.SaveView(f.admin, core.SavedView{Name: "Urgent", Screen: "work-orders", Query: core.ViewQuery{Text: "urgent"}}); err != nil {
			t.Fatal(err)
		}
		h.waitView("1 of 12")
		h.key(":")
		h.typeText("view urg")
		h.waitView("> view Urgent")
	},
	"Work order at the service node": func(t *testing.T, f *fixture, h *harness) { h.openDetail(serviceWO) },
	"Work order at the evaluation node": func(t *testing.T, f *fixture, h *harness) {
		if _, err := f.svc.EvaluationQR(f.admin, evalNumber); err != nil { // the node's request
			t.Fatal(err)
		}
		h.openDetail(evalNumber)
	},
	"Work order at the follow-up node": func(t *testing.T, f *fixture, h *harness) { h.openDetail("WO-000010") },
	"Work order at the terminal-task node": func(t *testing.T, f *fixture, h *harness) {
		w := testdb.AtTaskNode(t, f.svc, core.NewWorkOrder{Subject: "Confirm the visit"})
		h.openDetail(w.Number)
	},
	"Work order from an email with attachments": func(t *testing.T, f *fixture, h *harness) {
		f.withMail(t, "07-attachments.eml")
		log, _ := f.svc.MailLog(core.MailQuery{Limit: 1})
		h.send(tea.WindowSizeMsg{Width: 160, Height: 90})
		h.openDetail(log[0].Number)
		h.waitView("Attachments (")
	},
	"Report view of a filled report": func(t *testing.T, f *fixture, h *harness) {
		if _, err := f.svc.CompleteService(f.admin, serviceWO, 0, core.ReportInput{WorkDone: "Replaced the capacitor"}); err != nil {
			t.Fatal(err)
		}
		h.open(common.ReportScreen, serviceWO)
		h.waitView("Service report · " + serviceWO)
	},
	"Evaluation QR screen": func(t *testing.T, f *fixture, h *harness) {
		qr, err := f.svc.EvaluationQR(f.admin, evalNumber)
		if err != nil {
			t.Fatal(err)
		}
		tok := qr.URL[strings.LastIndex(qr.URL, "/")+1:]
		if _, err := f.svc.SubmitEvaluation(tok, core.EvaluationInput{Nonce: core.NewToken(), Answers: map[string][]string{"overall": {"5"}}}); err != nil {
			t.Fatal(err)
		}
		h.openDetail(evalNumber)
		h.key("e")
		h.waitView("Scan to rate our service")
	},
	"My tasks": func(t *testing.T, f *fixture, h *harness) { h.goTo(common.TasksScreen) },
	"Dispatch": func(t *testing.T, f *fixture, h *harness) {
		h.goTo(common.BoardScreen)
		h.waitView("waiting, oldest first")
	},
	"Rules": func(t *testing.T, f *fixture, h *harness) {
		twoRules(t, f, false)
		h.goTo(common.RulesScreen)
		h.waitView("West", "East")
		h.key("down") // East: round robin, second
	},
	"Rules on a disabled rule": func(t *testing.T, f *fixture, h *harness) {
		twoRules(t, f, true)
		h.goTo(common.RulesScreen)
		h.waitView("West", "East")
	},
	"Notices": func(t *testing.T, f *fixture, h *harness) {
		h.goTo(common.NotificationsScreen)
		h.waitView("SMS credits")
	},
	"Template editor": func(t *testing.T, f *fixture, h *harness) {
		h.goTo(common.NotificationsScreen)
		h.waitView("SMS credits")
		h.key("enter")
		h.waitView("Preview")
	},
	"Channel settings": func(t *testing.T, f *fixture, h *harness) {
		h.goTo(common.NotificationsScreen)
		h.waitView("SMS credits")
		h.key("c")
		h.waitView("Channel settings", "delivery")
	},
	"Outbox": func(t *testing.T, f *fixture, h *harness) {
		h.goTo(common.OutboxScreen)
	},
	"Devices": func(t *testing.T, f *fixture, h *harness) {
		if _, err := f.svc.AddDevice(f.admin, core.NewDevice{Code: "AC-7", Model: "Daikin"}); err != nil {
			t.Fatal(err)
		}
		h.goTo(common.DevicesScreen)
		h.waitView("AC-7")
	},
	"Process": func(t *testing.T, f *fixture, h *harness) { h.goTo(common.ProcessScreen) },
	"Intake quarantine": func(t *testing.T, f *fixture, h *harness) {
		f.withMail(t, "17-broken-base64.eml")
		h.goTo(common.IntakeScreen)
		h.waitView("[Quarantine (1)]")
	},
	"Intake mail log": func(t *testing.T, f *fixture, h *harness) {
		h.goTo(common.IntakeScreen)
		h.waitView("[Quarantine (0)]")
		h.key("tab")
	},
	"Intake API keys": func(t *testing.T, f *fixture, h *harness) {
		if _, _, err := f.svc.AddAPIKey(f.admin, "ERP"); err != nil {
			t.Fatal(err)
		}
		h.goTo(common.IntakeScreen)
		h.waitView("[Quarantine (0)]")
		h.key("shift+tab")
		h.key("shift+tab")
		h.waitView("[API keys (1)]")
	},
	"Intake CSV import": func(t *testing.T, f *fixture, h *harness) {
		h.goTo(common.IntakeScreen)
		h.waitView("[Quarantine (0)]")
		h.key("shift+tab")
	},
	"Ratings": func(t *testing.T, f *fixture, h *harness) { h.goTo(common.RatingsScreen) },
	"Follow-up": func(t *testing.T, f *fixture, h *harness) {
		followUpTasks(t, f)
		h.goTo(common.FollowUpScreen)
		h.waitView("WO-000004")
	},
	"Follow-up call": func(t *testing.T, f *fixture, h *harness) {
		followUpTasks(t, f)
		if _, err := f.svc.SetFollowUpConfig(f.admin, core.FollowUpPatch{Dialer: &core.DialerConfig{Command: "true {phone}"}}); err != nil {
			t.Fatal(err)
		}
		h.goTo(common.FollowUpScreen)
		h.waitView("WO-000004")
		h.key("enter")
		h.waitView("WO-000004", "no answer")
	},
	"Follow-up settings":               settingsRow(0),
	"Follow-up settings on the limits": settingsRow(1),
	"Follow-up settings on the dialer": settingsRow(2),
	"Follow-up settings on a team member": func(t *testing.T, f *fixture, h *harness) {
		followUpTasks(t, f)
		if _, err := f.svc.SaveFollowUpTeam(f.admin, core.FollowUpTeam{Name: "North", Lead: "admin", Members: []string{"fiona"}}); err != nil {
			t.Fatal(err)
		}
		openSettings(t, h, 3)
		h.waitView("fiona")
	},
	"Users": func(t *testing.T, f *fixture, h *harness) {
		h.goTo(common.UsersScreen)
		h.waitView("Users  2 users")
	},
	"Users on a disabled user": func(t *testing.T, f *fixture, h *harness) {
		if _, err := f.svc.SetUserDisabled(f.admin, "amy", true); err != nil {
			t.Fatal(err)
		}
		h.goTo(common.UsersScreen)
		h.waitView("1 disabled")
		h.key("down")
		h.waitFor("cursor on amy", func(v string) bool { return strings.Contains(v, "> amy") })
	},
	"SSH keys of a user": func(t *testing.T, f *fixture, h *harness) {
		h.goTo(common.UsersScreen)
		h.waitView("Users  2 users")
		h.key("s")
		h.waitView("SSH keys of admin")
	},
	"SSH keys of a user with a key": func(t *testing.T, f *fixture, h *harness) {
		if _, err := f.svc.AddUserKey(f.admin, "admin", testKey(t)); err != nil {
			t.Fatal(err)
		}
		h.goTo(common.UsersScreen)
		h.waitView("Users  2 users")
		h.key("s")
		h.waitView("SSH keys of admin (1)")
	},
	"People: accounts":       peopleView(0, ""),
	"People: contacts":       peopleView(1, ""),
	"People: providers":      peopleView(2, ""),
	"People: engineers":      peopleView(3, ""),
	"People: terminal users": peopleView(4, ""),
	"People: a disabled contact": func(t *testing.T, f *fixture, h *harness) {
		d, _ := f.svc.Contacts()
		if _, err := f.svc.SetContactDisabled(f.admin, d[0].ID, true); err != nil {
			t.Fatal(err)
		}
		peopleView(1, d[0].Name)(t, f, h)
	},
	"People: a disabled provider": func(t *testing.T, f *fixture, h *harness) {
		d, _ := f.svc.Directory()
		if _, err := f.svc.SetProviderDisabled(f.admin, d.Providers[0].ID, true); err != nil {
			t.Fatal(err)
		}
		peopleView(2, d.Providers[0].Name)(t, f, h)
	},
	"People: a disabled engineer": func(t *testing.T, f *fixture, h *harness) {
		d, _ := f.svc.Directory()
		if _, err := f.svc.SetEngineerDisabled(f.admin, d.Engineers[0].ID, true); err != nil {
			t.Fatal(err)
		}
		peopleView(3, d.Engineers[0].Name)(t, f, h)
	},
	"Anywhere": func(t *testing.T, f *fixture, h *harness) { h.waitView("1 of 12") },
}

// followUpTasks switches the plug-in on with a task for the admin.
func followUpTasks(t *testing.T, f *fixture) {
	t.Helper()
	if _, err := f.svc.SetFollowUpEnabled(f.admin, true); err != nil {
		t.Fatal(err)
	}
	f.user(t, "fiona", core.RoleFollowUp)
	err := f.st.Update(func(tx core.Tx) error {
		x := core.FollowUpTask{WorkOrderID: 4, Number: "WO-000004", Subject: "电梯门无法关闭", RecordType: "Inspection", Customer: "李娜", Phone: "13900139000",
			Agent: "admin", Type: "Standard", Status: core.FollowUpOpen, MaxAttempts: 3, Version: 1, DueAt: f.now.Add(3600e9), CreatedAt: f.now, UpdatedAt: f.now, Attempts: []core.FollowUpAttempt{}}
		return tx.PutFollowUpTask(&x)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// settingsRow opens the follow-up settings with the cursor down n rows.
func settingsRow(n int) func(t *testing.T, f *fixture, h *harness) {
	return func(t *testing.T, f *fixture, h *harness) {
		followUpTasks(t, f)
		openSettings(t, h, n)
	}
}

func openSettings(t *testing.T, h *harness, n int) {
	h.goTo(common.FollowUpScreen)
	h.waitView("WO-000004")
	h.key("s")
	h.waitView("Follow-up settings", "Plug-in")
	for range n {
		h.key("down")
	}
}

// twoRules adds the dispatch rules West (disabled when off) and East (round robin).
func twoRules(t *testing.T, f *fixture, off bool) {
	t.Helper()
	d, _ := f.svc.Directory()
	es := []core.ID{d.Engineers[0].ID, d.Engineers[1].ID}
	for _, r := range []core.NewRule{
		{Kind: core.RuleDispatch, Name: "West", When: `region == "West"`, Engineers: es[:1], Disabled: off},
		{Kind: core.RuleDispatch, Name: "East", When: `region == "East"`, Engineers: es, Policy: core.PolicyRoundRobin},
	} {
		if _, err := f.svc.AddRule(f.admin, r); err != nil {
			t.Fatal(err)
		}
	}
}

// peopleView opens view v of People, filtered to name when given.
func peopleView(v int, name string) func(t *testing.T, f *fixture, h *harness) {
	return func(t *testing.T, f *fixture, h *harness) {
		h.goTo(common.PeopleScreen)
		h.waitView("[Accounts (")
		for range v {
			h.key("tab")
		}
		if name != "" {
			h.key("/")
			h.typeText(name)
			h.key("enter")
			h.waitView("1 of 1")
		}
	}
}

func testKey(t *testing.T) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk))) + " admin@desk"
}

// TestConsoleTwinsAreThere (issue 17): every Twin's key is in the help of the
// screen it names, enabled, in a console brought there; a listing's text is on
// that screen.
func TestConsoleTwinsAreThere(t *testing.T) {
	byWhere := map[string][]Twin{}
	var order []string
	for _, tw := range Twins {
		if _, ok := twinRoutes[tw.Where]; !ok {
			t.Errorf("switchboard %s: no route to %q", tw.Command, tw.Where)
			continue
		}
		if byWhere[tw.Where] == nil {
			order = append(order, tw.Where)
		}
		byWhere[tw.Where] = append(byWhere[tw.Where], tw)
	}
	for _, where := range order {
		t.Run(where, func(t *testing.T) {
			f := newFixture(t)
			h := newHarness(t, f, f.admin, 160, 50)
			twinRoutes[where](t, f, h)
			h.settle(100 * time.Millisecond)
			v := ansi.Strip(h.m.View())
			for _, tw := range byWhere[where] {
				switch {
				case tw.Key == "" && !strings.Contains(v, tw.Help):
					t.Errorf("switchboard %s: %q is not on %q:\n%s", tw.Command, tw.Help, where, v)
				case tw.Key != "" && !hasBinding(h.m, tw.Key, tw.Help) && !strings.Contains(v, tw.Key+" "+tw.Help):
					t.Errorf("switchboard %s: %q %q not in the help of %q: %s", tw.Command, tw.Key, tw.Help, where, helpText(h.m))
				}
			}
		})
	}
}

// hasBinding reports whether the active screen's help, or the console's own
// keys, hold an enabled binding shown as k with help desc.
func hasBinding(m *Model, k, desc string) bool {
	var all []key.Binding
	for _, col := range m.active().FullHelp() {
		all = append(all, col...)
	}
	all = append(all, m.keys.Palette, m.keys.Help)
	for _, b := range all {
		if b.Enabled() && b.Help().Key == k && b.Help().Desc == desc {
			return true
		}
	}
	return false
}

func helpText(m *Model) string {
	var parts []string
	for _, col := range m.active().FullHelp() {
		for _, b := range col {
			if b.Enabled() {
				parts = append(parts, b.Help().Key+" "+b.Help().Desc)
			}
		}
	}
	return strings.Join(parts, " • ")
}
