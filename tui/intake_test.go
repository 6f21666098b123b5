package tui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"golang.org/x/text/encoding/simplifiedchinese"

	"switchboard/core"
	"switchboard/core/mailin"
	"switchboard/tui/common"
	"switchboard/tui/detail"
)

// withMail takes corpus messages in on the fixture's database, a minute apart.
func (f *fixture) withMail(t testing.TB, files ...string) {
	t.Helper()
	for _, name := range files {
		raw, err := os.ReadFile(filepath.Join("..", "core", "mailin", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		f.clk.T = f.clk.T.Add(time.Minute)
		if _, err := mailin.Ingest(f.svc, raw, "maildir "+name); err != nil {
			t.Fatal(err)
		}
	}
	f.clk.T = f.now
}

// TestIntakeQuarantine (R-IN-5): section 8 shows the quarantine; enter shows the
// raw message; r says it still cannot be read and F takes it in as it is; the
// mail log opens the work order a message became, attachments listed.
func TestIntakeQuarantine(t *testing.T) {
	f := newFixture(t)
	f.withMail(t, "07-attachments.eml", "17-broken-base64.eml")
	h := newHarness(t, f, f.admin, 120, 30)
	h.waitView("1 of 13\n")
	h.key("9")
	v := h.waitView("[Quarantine (1)]", "Chiller noise", "base64 encoding is corrupt")
	if !strings.Contains(v, "r release") || !strings.Contains(v, "F release as it is") {
		t.Errorf("footer lacks the release keys:\n%s", v)
	}
	h.key("enter")
	h.waitView("Raw message", "Message-ID: <broken-2@customer.example.com>")
	h.key("r")
	h.waitView("Mail 2 still cannot be read", "It still cannot be read: F takes it in as it is")
	h.key("F")
	h.waitView("Released mail 2 (taken in: WO-000014)", "The quarantine is empty")
	q, _ := f.svc.MailLog(core.MailQuery{Quarantined: true})
	if len(q) != 0 {
		t.Fatalf("quarantine after F: %+v", q)
	}
	h.key("tab")
	v = h.waitView("[Mail log (2)]", "released", "created")
	if !strings.Contains(v, "WO-000014") || !strings.Contains(v, "WO-000013") {
		t.Errorf("mail log:\n%s", v)
	}
	h.key("down")
	h.key("enter")
	h.waitView("WO-000013  报价单和照片", "Acceptance channel  email")
	h.key("G")
	h.waitView("Attachments (3)", "报价单.pdf", "application/pdf", "a saves one where you are")
	if _, ok := h.m.active().(*detail.Model); !ok {
		t.Fatalf("enter on the mail log should open the work order, have %T", h.m.active())
	}
}

// TestIntakeMailRules (R-IN-5, R-DISP-6): mail rules are added in a form whose
// condition is checked as typed, moved, switched off and deleted from the keyboard.
func TestIntakeMailRules(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 120, 30)
	h.waitView("1 of 12\n")
	h.key("9")
	h.waitView("[Quarantine (0)]")
	h.key("tab")
	h.key("tab")
	h.waitView("[Mail rules (0)]", "No mail rules")
	h.key("n")
	h.waitView("New mail rule")
	h.typeText("VIP")
	h.key("tab")
	h.typeText(`region == "East"`)
	h.waitView("unknown name region", "region is a field of other rules", "from, from_name")
	h.key("ctrl+u")
	h.typeText(`from_domain == "vip.example.com"`)
	h.waitView("✓ the condition compiles")
	h.key("tab")
	h.key("right")
	h.key("right")
	h.key("right") // Maintenance
	h.key("tab")
	h.key("left") // urgent
	h.key("ctrl+s")
	h.waitView("Added mail rule", "type Maintenance, priority urgent")
	h.key("n")
	h.typeText("Everything")
	h.key("tab")
	h.typeText("true")
	h.key("ctrl+s")
	h.waitView(`Added mail rule "Everything"`)
	rs, _ := f.svc.Rules(core.RuleMail)
	if len(rs) != 2 || rs[0].Name != "VIP" || rs[0].Mail.RecordType != "Maintenance" || rs[0].Mail.Priority != core.PriorityUrgent {
		t.Fatalf("rules: %+v", rs)
	}
	h.waitFor("the cursor on the new rule", func(v string) bool {
		for _, l := range strings.Split(v, "\n") {
			if strings.HasPrefix(l, ">") && strings.Contains(l, "Everything") {
				return true
			}
		}
		return false
	})
	h.key("K") // move "Everything" (selected after adding) up
	h.waitView("Moved mail rule")
	rs, _ = f.svc.Rules(core.RuleMail)
	if rs[0].Name != "Everything" {
		t.Fatalf("after K: %s first", rs[0].Name)
	}
	h.key(" ")
	h.waitView(`"Everything" (id 2) disabled`)
	h.key("X")
	h.waitView("Delete mail rule")
	h.key("y")
	h.waitView("Deleted mail rule")
	rs, _ = f.svc.Rules(core.RuleMail)
	if len(rs) != 1 || rs[0].Name != "VIP" || rs[0].Priority != 1 {
		t.Fatalf("after delete: %+v", rs)
	}

	// Intake is for dispatchers and admins: a call-center agent has no such
	// section (R-ROLE-1).
	agent := f.user(t, "cc", core.RoleCallCenter)
	h2 := newHarness(t, f, agent, 160, 30)
	v := h2.waitView("1 of 12\n")
	if strings.Contains(v, "Intake") || sectionOf(common.IntakeScreen) < 0 || slices.Contains(h2.m.visible, sectionOf(common.IntakeScreen)) {
		t.Errorf("a call-center agent should not see Intake:\n%s", v)
	}
}

// TestIntakeAPIKeys (R-IN-6): an admin makes a key (shown once, then hidden)
// and revokes it; others may not.
func TestIntakeAPIKeys(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 120, 30)
	h.waitView("1 of 12\n")
	h.key("9")
	h.key("shift+tab")
	h.key("shift+tab")
	h.waitView("[API keys (0)]", "No API keys yet")
	h.key("n")
	h.waitView("integration name:")
	h.typeText("ERP")
	h.key("enter")
	v := h.waitView("shown only now", "sbk_")
	secret := ""
	for _, l := range strings.Split(v, "\n") {
		if s := strings.TrimSpace(l); strings.HasPrefix(s, "sbk_") {
			secret = s
		}
	}
	if k, err := f.svc.AuthenticateAPI(secret); err != nil || k.Name != "ERP" {
		t.Fatalf("the key shown does not work: %q %v", secret, err)
	}
	h.key("j")
	v = h.waitView("[API keys (1)]", "active")
	if strings.Contains(v, secret) {
		t.Fatalf("the key is still shown:\n%s", v)
	}
	h.key("X")
	h.waitView("Revoke API key 1")
	h.key("y")
	h.waitView("API key 1 (ERP) revoked", "revoked 2026")
	if _, err := f.svc.AuthenticateAPI(secret); err == nil {
		t.Fatal("a revoked key still works")
	}
	agent := f.user(t, "dina", core.RoleDispatcher)
	h2 := newHarness(t, f, agent, 120, 30)
	h2.goTo(common.IntakeScreen)
	h2.key("shift+tab")
	h2.key("shift+tab")
	h2.waitView("[API keys (1)]")
	h2.key("n")
	h2.waitView("Only admins manage API keys.")
}

// TestIntakeLive: mail taken in elsewhere (the Maildir poller, another process)
// shows up in the open section.
func TestIntakeLive(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 120, 30)
	h.key("9")
	h.waitView("[Quarantine (0)]")
	f.withMail(t, "16-broken-no-boundary.eml")
	h.waitView("[Quarantine (1)]", "Pump failure")
}

func TestGoldenIntakeQuarantine(t *testing.T) {
	f := newFixture(t)
	f.withMail(t, "01-plain.eml", "10-autoreply.eml", "17-broken-base64.eml", "16-broken-no-boundary.eml")
	tm := startProgram(t, f)
	waitOutput(t, tm, "WO-000013")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("9")})
	waitOutput(t, tm, "Pump failure")
	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitOutput(t, tm, "Raw message")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

func TestGoldenIntakeRuleForm(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.AddRule(f.admin, core.NewRule{Kind: core.RuleMail, Name: "VIP desk", When: `from_domain == "vip.example.com"`, Mail: &core.MailAction{Priority: core.PriorityUrgent, Region: "East"}}); err != nil {
		t.Fatal(err)
	}
	tm := startProgram(t, f)
	waitOutput(t, tm, "WO-000012")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("9")})
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	waitOutput(t, tm, "VIP desk")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("n")})
	waitOutput(t, tm, "New mail rule")
	tm.Type("Lifts")
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tm.Type(`subject contains "lift" && regoin == "x"`)
	waitOutput(t, tm, "unknown name")
	// Leave the text fields so q quits.
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tm.Send(tea.KeyMsg{Type: tea.KeyRight})
	waitOutput(t, tm, "←/→ choose")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

// TestIntakeFitsSmallTerminal: every view of the section, its raw preview and
// the rule form fit the minimum terminal.
func TestIntakeFitsSmallTerminal(t *testing.T) {
	f := newFixture(t)
	f.withMail(t, "07-attachments.eml", "17-broken-base64.eml")
	if _, err := f.svc.AddRule(f.admin, core.NewRule{Kind: core.RuleMail, Name: "VIP desk with a long name", When: `from_domain == "vip.example.com" && subject contains "urgent"`, Mail: &core.MailAction{Priority: core.PriorityUrgent}}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, f, f.admin, MinWidth, MinHeight)
	check := func(what string) {
		t.Helper()
		v := h.m.View()
		lines := strings.Split(v, "\n")
		if len(lines) > MinHeight {
			t.Errorf("%s: %d lines at height %d", what, len(lines), MinHeight)
		}
		for _, l := range lines {
			if w := lipgloss.Width(l); w > MinWidth {
				t.Errorf("%s: a line is %d wide: %q", what, w, l)
			}
		}
	}
	h.key("9")
	h.waitView("Chiller")
	check("quarantine")
	h.key("enter")
	h.waitView("Raw message")
	check("raw preview")
	for _, v := range []string{"Mail log", "Mail rules", "API keys", "Import"} {
		h.key("tab")
		h.waitView("[" + v)
		check(v)
	}
	h.key("shift+tab")
	h.key("shift+tab")
	h.key("enter")
	h.waitView("Edit mail rule")
	check("rule form")
}

// importFile opens Intake's Import CSV as the admin and dry-runs file.
func importFile(t *testing.T, f *fixture, file string) *harness {
	h := newHarness(t, f, f.admin, 120, 30)
	h.key("9")
	h.key("shift+tab")
	h.waitView("[Import CSV]", "enter types the path")
	h.key("enter")
	h.typeText(file)
	h.key("enter")
	return h
}

// TestIntakeImportWizard (issue 8 item 4): the console's CSV import runs a dry
// run that lists every bad cell and writes nothing; once the file is fixed,
// ctrl+s and y import it, all at once.
func TestIntakeImportWizard(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "customers.csv")
	bad := "name,phone,email,account,terminal_user\n王芳,138 0013 8001,wang@example.com,上海浦东仓储,yes\n,139 0000 0000,,Acme,no\nBob,12,bob@example,Acme,maybe\n"
	if err := os.WriteFile(file, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	contacts := func() int {
		a, _ := f.svc.LookupCaller("13800138001")
		b, _ := f.svc.LookupCaller("13900000001")
		return len(a) + len(b)
	}
	h := importFile(t, f, file)
	v := h.waitView("Dry run of customers.csv (contacts): 3 rows", "nothing was imported")
	for _, want := range []string{"line 3, column name", "line 4, column phone", "line 4, column terminal_user", "nothing was imported"} {
		if !strings.Contains(v, want) {
			t.Errorf("the report lacks %q:\n%s", want, v)
		}
	}
	h.key("ctrl+s")
	h.waitView("Run a dry run first")
	if n := contacts(); n != 0 {
		t.Fatalf("a dry run with problems wrote %d contacts", n)
	}
	good := "name,phone,email,account,terminal_user\n王芳,138 0013 8001,wang@example.com,上海浦东仓储,yes\nBob,139 0000 0001,bob@example.com,Acme,no\n"
	if err := os.WriteFile(file, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	h.key("d")
	h.waitView("2 rows, 0 problems", "The file is clean")
	h.key("ctrl+s")
	h.waitView("Import 2 contacts from customers.csv?")
	h.key("y")
	h.waitView("Imported 2 contacts.")
	if n := contacts(); n != 2 {
		t.Fatalf("import wrote %d contacts, want 2", n)
	}
	// → switches to work orders and checks the same file again: it has no subject.
	h.key("right")
	v = h.waitView("[work-orders]", "Dry run of customers.csv (work-orders)")
	if !strings.Contains(v, "subject") {
		t.Errorf("a contacts file read as work orders:\n%s", v)
	}
}

// TestIntakeImportGBK: a CSV that Excel on Chinese Windows saved (GBK) is
// named as such in one problem; e reads it as GBK, and it imports with its
// names whole — a console user (over SSH, say) has no shell for --encoding.
func TestIntakeImportGBK(t *testing.T) {
	f := newFixture(t)
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("name,phone,email,account,terminal_user\n王芳,138 0013 8001,,上海浦东仓储,yes\n")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "excel.csv")
	if err := os.WriteFile(file, []byte(gbk), 0o600); err != nil {
		t.Fatal(err)
	}
	h := importFile(t, f, file)
	h.waitView("[UTF-8]", "1 problems", "it reads as GBK")
	h.key("e")
	h.waitView("[GBK (Excel's CSV on Chinese Windows)]", "1 rows, 0 problems", "The file is clean")
	h.key("ctrl+s")
	h.key("y")
	h.waitView("Imported 1 contacts.")
	if cs, _ := f.svc.LookupCaller("13800138001"); len(cs) != 1 || cs[0].Contact.Name != "王芳" || cs[0].Account == nil || cs[0].Account.Name != "上海浦东仓储" {
		t.Fatalf("the GBK contact came in as %+v", cs)
	}
}

// TestIntakeMailSettings (issue 17, R-IN-5): on the mail log an admin opens
// the mail settings with s: a relative path, a folder that is not a Maildir,
// a bad duration and a bad size are each refused under their field; a real
// Maildir saves and the log's lead line says what is polled. A dispatcher is
// told only admins change them.
func TestIntakeMailSettings(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	h := newHarness(t, f, f.admin, 120, 30)
	h.key("9")
	h.key("tab")
	h.waitView("[Mail log (0)]", "Maildir polling off (s sets a Maildir)")
	h.key("s")
	h.waitView("Mail settings", "Max attachment", "10MB")
	h.typeText("Maildir")
	h.key("tab")
	h.send(keyMsg("ctrl+u"))
	h.typeText("soon")
	h.key("tab")
	h.send(keyMsg("ctrl+u"))
	h.typeText("lots")
	h.key("ctrl+s")
	h.waitView("full path on the server", `"soon" is not a duration`, `"lots" is not a size`, "Nothing was saved")
	h.send(keyMsg("ctrl+u"))
	h.typeText(dir)
	h.key("ctrl+s")
	h.waitView("is not a Maildir folder", "Nothing was saved")
	for _, sub := range []string{"new", "cur", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	h.key("tab")
	h.send(keyMsg("ctrl+u"))
	h.typeText("30s")
	h.key("tab")
	h.send(keyMsg("ctrl+u"))
	h.typeText("5MB")
	h.key("tab")
	h.typeText("service@example.com")
	h.key("ctrl+s")
	h.waitView("Mail settings saved: polling "+dir+" every 30s.", "· polling "+dir+" every 30s")
	set, err := f.svc.MailSettings()
	if err != nil || set.Maildir != dir || set.PollSeconds != 30 || set.MaxAttachmentBytes != 5<<20 || len(set.Mailboxes) != 1 {
		t.Fatalf("settings not stored: %+v %v", set, err)
	}

	d := newHarness(t, f, f.user(t, "dina", core.RoleDispatcher), 120, 30)
	d.goTo(common.IntakeScreen)
	d.key("tab")
	d.waitView("[Mail log (0)]")
	d.key("s")
	d.waitView("Only admins change the mail settings.")
}
