package mailin_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/core/mailin"
	"switchboard/store/testdb"
)

// company is the little company the corpus is written for: customers with and
// without terminal users, a dispatcher who forwards mail, the service mailbox as
// the email channel's sender, a mail rule for a VIP domain and a 4 KB
// attachment limit.
type company struct {
	svc                  *core.Service
	clk                  *testdb.Clock
	admin                core.Actor
	wangTU, liTU, maryTU core.ID
}

func newCompany(t *testing.T) *company {
	t.Helper()
	_, svc, clk := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	c := &company{svc: svc, clk: clk, admin: admin}
	wang, err := svc.AddContact(admin, core.NewContact{Name: "王芳", Phone: "138 0013 8000", Email: "wang.fang@customer.example.com", AccountName: "上海浦东仓储", TerminalUser: true})
	if err != nil {
		t.Fatal(err)
	}
	c.wangTU = wang.TerminalUser.ID
	li, err := svc.AddContact(admin, core.NewContact{Name: "李雷", Email: "li.lei@customer.example.com", AccountName: "上海浦东仓储", TerminalUser: true})
	if err != nil {
		t.Fatal(err)
	}
	c.liTU = li.TerminalUser.ID
	if _, err := svc.AddContact(admin, core.NewContact{Name: "Mary Smith", Email: "mary@northwind.example.com", AccountName: "Northwind Foods"}); err != nil {
		t.Fatal(err)
	}
	mary, err := svc.AddTerminalUser(admin, core.NewTerminalUser{Name: "Mary S.", Email: "mary@northwind.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	c.maryTU = mary.ID
	if _, err := svc.AddUser(admin, core.NewUser{Login: "dina", Name: "Dina Dispatcher", Roles: []core.Role{core.RoleDispatcher}, Email: "dina@service.example.com"}); err != nil {
		t.Fatal(err)
	}
	on := true
	if _, err := svc.SetChannelConfig(admin, core.NoticeEmail, &on, map[string]string{"host": "127.0.0.1", "from": "service@service.example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddRule(admin, core.NewRule{Kind: core.RuleMail, Name: "VIP desk", When: `from_domain == "vip.example.com"`,
		Mail: &core.MailAction{RecordType: "maintenance", Priority: "URGENT", Region: "East"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddRule(admin, core.NewRule{Kind: core.RuleMail, Name: "Elevators", When: `subject contains "電梯" || body contains "elevator"`,
		Mail: &core.MailAction{RecordType: "Inspection", Priority: core.PriorityHigh}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetMailSettings(admin, core.MailSettings{MaxAttachmentBytes: 4096}); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *company) ingest(t *testing.T, file string) core.MailRecord {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	c.clk.Advance(time.Minute)
	rec, err := mailin.Ingest(c.svc, raw, "test "+file)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return rec
}

func (c *company) wo(t *testing.T, number string) core.WorkOrder {
	t.Helper()
	w, err := c.svc.WorkOrder(number)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func event(w core.WorkOrder, kind string) (core.Event, bool) {
	for i := len(w.History) - 1; i >= 0; i-- {
		if w.History[i].Kind == kind {
			return w.History[i], true
		}
	}
	return core.Event{}, false
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}

func mustNotContain(t *testing.T, what, got string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(got, b) {
			t.Errorf("%s contains %q:\n%s", what, b, got)
		}
	}
}

// TestCorpus (R-IN-5, R-WO-4): every message of the real-world-shaped corpus in
// testdata gives the expected work order, history entry or quarantine, in order
// — later messages reply to earlier ones.
func TestCorpus(t *testing.T) {
	c := newCompany(t)
	count := func() int {
		n, err := c.svc.CountWorkOrders()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Plain UTF-8 text from a contact linked to a terminal user: R-WO-4 case 2.
	rec := c.ingest(t, "01-plain.eml")
	if rec.Outcome != core.MailCreated || rec.Number != "WO-000001" {
		t.Fatalf("01: %+v", rec)
	}
	w := c.wo(t, "WO-000001")
	if w.Subject != "冷库温度过高，请尽快派人" || w.Channel != core.ChannelEmail || w.ContactName != "王芳" || w.AccountName != "上海浦东仓储" ||
		w.Email != "wang.fang@customer.example.com" || w.CreatedBy != "email" || w.OutOwner != c.wangTU || !strings.Contains(w.OutOwnerRule, "case 2") {
		t.Errorf("01 work order: %+v", w)
	}
	mustContain(t, "01 description", w.Description, "3号冷库从今天早上开始温度一直在 -2°C 左右", "王芳")
	if e, ok := event(w, core.EventEmail); !ok || !strings.Contains(e.Detail, "<20261102011240.GA1234@customer.example.com>") && !strings.Contains(e.Detail, "20261102011240.GA1234@customer.example.com") {
		t.Errorf("01 email event: %+v", e)
	}
	if e, _ := event(w, core.EventEmail); e.Channel != core.ChannelEmail {
		t.Errorf("01 email event channel %q", e.Channel)
	}

	// multipart/alternative: the plain version, not the HTML; owner by email (case 4).
	rec = c.ingest(t, "02-alternative.eml")
	w = c.wo(t, rec.Number)
	if rec.Outcome != core.MailCreated || w.Number != "WO-000002" || w.Subject != "Ice machine leaking" || w.ContactName != "Mary Smith" ||
		w.OutOwner != c.maryTU || !strings.Contains(w.OutOwnerRule, "case 4") {
		t.Errorf("02: %+v / %+v", rec, w)
	}
	mustContain(t, "02 description", w.Description, "model IM-450) is leaking water onto the floor.\nIt started on Friday")
	mustNotContain(t, "02 description", w.Description, "<", "color:red")

	// HTML only: readable text, no markup, no CSS or script, links kept.
	rec = c.ingest(t, "03-html-only.eml")
	w = c.wo(t, rec.Number)
	mustContain(t, "03 description", w.Description, "Dear service team,", "Our walk-in freezer shows alarm E7 again:", "- Door seal torn",
		"- Temperature > -10°C", "shared folder (https://files.example.net/share/abc)", "Store 42", "Regards,\nTom Baker")
	mustNotContain(t, "03 description", w.Description, "<", "font-family", "tracking", "Service request", "&nbsp;")
	if e, _ := event(w, core.EventEmail); !strings.Contains(e.Detail, "no contact has the address tom.baker@stores.example.co.uk") || !strings.Contains(e.Detail, "made from the HTML") {
		t.Errorf("03 email event: %s", e.Detail)
	}
	if w.OutOwner != 0 || w.ContactID != 0 {
		t.Errorf("03: a stranger got owner %d contact %d", w.OutOwner, w.ContactID)
	}

	// GBK subject (RFC 2047) and body (base64).
	rec = c.ingest(t, "04-gbk.eml")
	w = c.wo(t, rec.Number)
	if w.Subject != "空调外机噪音大，需要检修" {
		t.Errorf("04 subject %q", w.Subject)
	}
	mustContain(t, "04 description", w.Description, "二楼会议室的空调外机噪音很大")
	mustContain(t, "04 from", rec.From, "李娜 <lina@factory.example.cn>")

	// Big5 subject and quoted-printable body; the "Elevators" mail rule matches.
	rec = c.ingest(t, "05-big5.eml")
	w = c.wo(t, rec.Number)
	if w.Subject != "電梯故障，請派員處理" || w.RecordType != "Inspection" || w.Priority != core.PriorityHigh || rec.Rule == "" {
		t.Errorf("05: %+v rule %q", w, rec.Rule)
	}
	mustContain(t, "05 description", w.Description, "大樓B棟電梯停在三樓，門打不開。")

	// A raw 8-bit subject in a GB2312-labelled message, with a GBK-only character.
	rec = c.ingest(t, "06-gb2312-raw-header.eml")
	w = c.wo(t, rec.Number)
	if w.Subject != "锅炉压力异常（镕）" {
		t.Errorf("06 subject %q", w.Subject)
	}

	// Attachments: an RFC 2231 Chinese file name, content types kept, the one over
	// the 4 KB limit named in history but not stored.
	rec = c.ingest(t, "07-attachments.eml")
	w = c.wo(t, rec.Number)
	atts, err := c.svc.Attachments(w.Number)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range atts {
		names = append(names, a.Filename+" "+a.ContentType)
	}
	if strings.Join(names, "|") != "报价单.pdf application/pdf|nameplate.jpg image/jpeg" {
		t.Errorf("07 attachments: %v", names)
	}
	if a, data, err := c.svc.AttachmentData(w.Number, atts[0].ID); err != nil || !strings.HasPrefix(string(data), "%PDF-1.4") || a.Size != int64(len(data)) || len(a.SHA256) != 64 {
		t.Errorf("07 PDF: %+v %q %v", a, data, err)
	}
	e, _ := event(w, core.EventEmail)
	mustContain(t, "07 email event", e.Detail, "2 attachment(s) kept", "controller.log (text/plain, 5 KB) not kept: larger than the 4 KB limit")
	if w.Subject != "报价单和照片 (quote and photos)" {
		t.Errorf("07 subject %q", w.Subject)
	}

	// Forwarded inline by a dispatcher: the work order is the original sender's.
	rec = c.ingest(t, "08-forwarded.eml")
	w = c.wo(t, rec.Number)
	if w.ContactName != "李雷" || w.OutOwner != c.liTU || w.Subject != "制冰机不出冰" {
		t.Errorf("08: contact %q owner %d subject %q", w.ContactName, w.OutOwner, w.Subject)
	}
	e, _ = event(w, core.EventEmail)
	mustContain(t, "08 email event", e.Detail, "forwarded by dina (dina@service.example.com)")

	// Forwarded as an attachment with no text of its own: the inner text is the
	// description and the message is kept as a file.
	rec = c.ingest(t, "09-forward-as-attachment.eml")
	w = c.wo(t, rec.Number)
	mustContain(t, "09 description", w.Description, "The dishwasher in the staff canteen does not drain.")
	if atts, _ := c.svc.Attachments(w.Number); len(atts) != 1 || atts[0].ContentType != "message/rfc822" {
		t.Errorf("09 attachments: %+v", atts)
	}
	if w.Subject != "Dishwasher drain blocked" {
		t.Errorf("09 subject %q", w.Subject)
	}

	before := count()
	wo1 := c.wo(t, "WO-000001")
	// An out-of-office reply, a newsletter, a bounce and our own notification:
	// recorded, never work orders, nothing added to any history.
	for _, f := range []struct {
		file    string
		outcome core.MailOutcome
		reason  string
	}{
		{"10-autoreply.eml", core.MailAuto, "Auto-Submitted: auto-replied"},
		{"11-bulk.eml", core.MailAuto, "Precedence: bulk"},
		{"12-bounce.eml", core.MailAuto, "Return-Path: <>"},
		{"13-own-notification.eml", core.MailLoop, "X-Switchboard-Key"},
	} {
		rec := c.ingest(t, f.file)
		if rec.Outcome != f.outcome || !strings.Contains(rec.Reason, f.reason) {
			t.Errorf("%s: outcome %s (%s), want %s (%s)", f.file, rec.Outcome, rec.Reason, f.outcome, f.reason)
		}
	}
	if n := count(); n != before {
		t.Errorf("automatic mail made %d work orders", n-before)
	}
	if got := c.wo(t, "WO-000001"); len(got.History) != len(wo1.History) || got.Version != wo1.Version {
		t.Errorf("automatic mail changed WO-000001: %d events (was %d), version %d (was %d)", len(got.History), len(wo1.History), got.Version, wo1.Version)
	}

	// A reply by In-Reply-To: the new text (not the quote) lands in WO-000001's history.
	rec = c.ingest(t, "14-reply-in-reply-to.eml")
	if rec.Outcome != core.MailAppended || rec.Number != "WO-000001" {
		t.Fatalf("14: %+v", rec)
	}
	w = c.wo(t, "WO-000001")
	e, ok := event(w, core.EventEmailReply)
	if !ok || e.By != "wang.fang@customer.example.com" || e.Channel != core.ChannelEmail || w.Version != wo1.Version+1 {
		t.Fatalf("14: reply event %+v, version %d", e, w.Version)
	}
	mustContain(t, "14 reply", e.Detail, "补充：温度现在已经升到 0°C 了，请务必今天处理。", "it answers message 20261102011240.GA1234@customer.example.com")
	mustNotContain(t, "14 reply", e.Detail, "写道", "> 您好")

	// A reply naming the work order in its subject (HTML, Outlook quote).
	rec = c.ingest(t, "15-reply-subject-number.eml")
	if rec.Outcome != core.MailAppended || rec.Number != "WO-000002" {
		t.Fatalf("15: %+v", rec)
	}
	e, _ = event(c.wo(t, "WO-000002"), core.EventEmailReply)
	mustContain(t, "15 reply", e.Detail, "Tuesday 9:00 works for us.", "its subject names WO-000002")
	mustNotContain(t, "15 reply", e.Detail, "Original Message")

	// Broken MIME: quarantined with the raw bytes and a reason, never a work order.
	before = count()
	for _, f := range []struct{ file, reason string }{
		{"16-broken-no-boundary.eml", "has no boundary"},
		{"17-broken-base64.eml", "base64 encoding is corrupt"},
		{"18-broken-header.eml", "header cannot be read"},
		{"19-broken-no-from.eml", "no From header"},
	} {
		raw, _ := os.ReadFile(filepath.Join("testdata", f.file))
		rec := c.ingest(t, f.file)
		if rec.Outcome != core.MailQuarantined || !strings.Contains(rec.Reason, f.reason) {
			t.Errorf("%s: %s (%s), want quarantined (%s)", f.file, rec.Outcome, rec.Reason, f.reason)
			continue
		}
		got, kept, err := c.svc.Mail(rec.ID)
		if err != nil || string(kept) != string(raw) || got.Outcome != core.MailQuarantined {
			t.Errorf("%s: raw bytes not kept whole (%d of %d bytes, %v)", f.file, len(kept), len(raw), err)
		}
	}
	if n := count(); n != before {
		t.Errorf("broken mail made %d work orders", n-before)
	}
	q, err := c.svc.MailLog(core.MailQuery{Quarantined: true})
	if err != nil || len(q) != 4 || q[0].Subject != "Anonymous note" || q[3].Subject != "Pump failure" {
		t.Errorf("quarantine list: %d entries %v", len(q), err)
	}

	// A mail rule sets record type, priority and region.
	rec = c.ingest(t, "20-vip-rule.eml")
	w = c.wo(t, rec.Number)
	if w.RecordType != "Maintenance" || w.Priority != core.PriorityUrgent || w.Region != "East" || !strings.Contains(rec.Rule, "VIP desk") {
		t.Errorf("20: type %s priority %s region %s rule %q", w.RecordType, w.Priority, w.Region, rec.Rule)
	}

	// The same message again (an MTA redelivering): recorded, nothing new.
	before = count()
	rec = c.ingest(t, "01-plain.eml")
	if rec.Outcome != core.MailDuplicate || rec.Number != "WO-000001" || count() != before {
		t.Errorf("duplicate: %+v", rec)
	}
	log, _ := c.svc.MailLog(core.MailQuery{})
	outcomes := map[core.MailOutcome]int{}
	for _, r := range log {
		outcomes[r.Outcome]++
	}
	if outcomes[core.MailCreated] != 10 || outcomes[core.MailAppended] != 2 || outcomes[core.MailAuto] != 3 || outcomes[core.MailLoop] != 1 || outcomes[core.MailQuarantined] != 4 || outcomes[core.MailDuplicate] != 1 {
		t.Errorf("mail log outcomes %v", outcomes)
	}
}

// TestReplyToOurNotification (R-IN-5, R-NOTE-5): a customer answering the
// "submitted" email our outbox sent is threaded by its Message-ID.
func TestReplyToOurNotification(t *testing.T) {
	c := newCompany(t)
	rec := c.ingest(t, "02-alternative.eml")
	msgs, err := c.svc.ClaimMessages(10, time.Minute)
	if err != nil || len(msgs) != 1 || msgs[0].Channel != core.NoticeEmail || msgs[0].Recipient.Address != "mary@northwind.example.com" {
		t.Fatalf("queued notices: %+v %v", msgs, err)
	}
	sentID := "0f1e2d3c4b5a69788796a5b4@service.example.com"
	if err := c.svc.FinishMessages([]core.DeliveryResult{{ID: msgs[0].ID, ProviderID: "<" + sentID + ">"}}, core.DefaultRetryPolicy); err != nil {
		t.Fatal(err)
	}
	reply := "From: Mary Smith <mary@northwind.example.com>\r\nTo: service@service.example.com\r\nSubject: thanks\r\n" +
		"Message-ID: <reply-77@northwind.example.com>\r\nIn-Reply-To: <" + strings.ToUpper(sentID[:4]) + sentID[4:] + ">\r\n\r\nThank you, see you Tuesday.\r\n"
	got, err := mailin.Ingest(c.svc, []byte(reply), "test")
	if err != nil || got.Outcome != core.MailAppended || got.Number != rec.Number {
		t.Fatalf("reply to our notification: %+v %v", got, err)
	}
	// The outbox's own Message-ID coming back in a message of ours is a loop.
	loop := "From: Someone <someone@northwind.example.com>\r\nTo: service@service.example.com\r\nSubject: hello\r\nMessage-ID: <" + sentID + ">\r\n\r\nx\r\n"
	if got, err := mailin.Ingest(c.svc, []byte(loop), "test"); err != nil || got.Outcome != core.MailLoop {
		t.Fatalf("our Message-ID: %+v %v", got, err)
	}
}

// TestReleaseAndDelete (R-IN-5): a quarantined message is released (as it is,
// with --force) into a work order carrying the original, or deleted; its log
// entry says who did what. Only admins and dispatchers may.
func TestReleaseAndDelete(t *testing.T) {
	c := newCompany(t)
	a := c.ingest(t, "17-broken-base64.eml")
	b := c.ingest(t, "16-broken-no-boundary.eml")
	if _, err := mailin.Release(c.svc, c.admin, a.ID, false); !core.IsValidation(err) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("release without force: %v", err)
	}
	agent, err := c.svc.AddUser(c.admin, core.NewUser{Login: "amy", Name: "Amy", Roles: []core.Role{core.RoleCallCenter}})
	if err != nil {
		t.Fatal(err)
	}
	amy, _ := c.svc.Login(agent.Login)
	if _, err := mailin.Release(c.svc, amy, a.ID, true); err == nil {
		t.Fatal("a call-center agent released quarantined mail")
	}
	rec, err := mailin.Release(c.svc, c.admin, a.ID, true)
	if err != nil || rec.Outcome != core.MailReleased || rec.Number == "" {
		t.Fatalf("forced release: %+v %v", rec, err)
	}
	w := c.wo(t, rec.Number)
	if w.Subject != "Chiller noise" || !strings.Contains(w.Description, "could not be read") {
		t.Errorf("released work order: %q / %q", w.Subject, w.Description)
	}
	atts, _ := c.svc.Attachments(w.Number)
	if len(atts) != 1 || atts[0].Filename != "original-message.eml" {
		t.Errorf("released attachments: %+v", atts)
	}
	got, raw, _ := c.svc.Mail(a.ID)
	if raw != nil || !slices.ContainsFunc(got.Log, func(s string) bool { return strings.Contains(s, "released by admin") }) {
		t.Errorf("released record: %+v raw %d", got, len(raw))
	}
	if _, err := mailin.Release(c.svc, c.admin, a.ID, true); !core.IsValidation(err) {
		t.Errorf("released twice: %v", err)
	}
	d, err := c.svc.DeleteQuarantined(c.admin, b.ID)
	if err != nil || d.Outcome != core.MailDeleted {
		t.Fatalf("delete: %+v %v", d, err)
	}
	if q, _ := c.svc.MailLog(core.MailQuery{Quarantined: true}); len(q) != 0 {
		t.Errorf("quarantine after release and delete: %+v", q)
	}
}

// TestMaildirPoll (R-IN-5): one pass takes in every file of new/, moves each to
// cur/ marked seen, and leaves nothing behind; a second pass finds nothing.
func TestMaildirPoll(t *testing.T) {
	c := newCompany(t)
	dir := t.TempDir()
	for _, sub := range []string{"new", "cur", "tmp"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for i, f := range []string{"01-plain.eml", "16-broken-no-boundary.eml", "10-autoreply.eml"} {
		raw, _ := os.ReadFile(filepath.Join("testdata", f))
		name := filepath.Join(dir, "new", "17620000"+string(rune('0'+i))+".M1P2.host")
		if err := os.WriteFile(name, raw, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	res, err := mailin.PollMaildir(c.svc, dir)
	if err != nil || len(res.Taken) != 3 || len(res.Left) != 0 {
		t.Fatalf("poll: %+v %v", res, err)
	}
	if res.Taken[0].Outcome != core.MailCreated || res.Taken[1].Outcome != core.MailQuarantined || res.Taken[2].Outcome != core.MailAuto {
		t.Errorf("outcomes: %s %s %s", res.Taken[0].Outcome, res.Taken[1].Outcome, res.Taken[2].Outcome)
	}
	left, _ := os.ReadDir(filepath.Join(dir, "new"))
	cur, _ := os.ReadDir(filepath.Join(dir, "cur"))
	if len(left) != 0 || len(cur) != 3 || !strings.HasSuffix(cur[0].Name(), ":2,S") {
		t.Errorf("new/ has %d files, cur/ %d (%v)", len(left), len(cur), cur)
	}
	res, err = mailin.PollMaildir(c.svc, dir)
	if err != nil || len(res.Taken) != 0 {
		t.Errorf("second pass: %+v %v", res, err)
	}
	if _, err := mailin.PollMaildir(c.svc, t.TempDir()); !core.IsValidation(err) {
		t.Errorf("a folder without new/ and cur/: %v", err)
	}
}
