package core_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strings"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/store/testdb"
)

// reportCo is a field company with email on, a customer reachable by email and
// SMS, and one work order assigned to Ann, waiting at the service node.
type reportCo struct {
	*fieldCo
	w core.WorkOrder
}

func newReportCo(t *testing.T) *reportCo {
	t.Helper()
	_, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	enableEmail(t, svc, f.admin)
	if err := svc.SetPublicURL(f.admin, "https://service.example.com"); err != nil {
		t.Fatal(err)
	}
	c, err := svc.AddContact(f.admin, core.NewContact{Name: "王芳", Phone: "13800138000", Email: "wang.fang@example.com", AccountName: "上海浦东仓储", TerminalUser: true})
	if err != nil {
		t.Fatal(err)
	}
	w := f.create(t, core.NewWorkOrder{Subject: "冷库温度过高", ContactID: c.Contact.ID, Address: "浦东新区 3号冷库"})
	if _, err := svc.AssignWorkOrder(f.dispatcher, w.Number, 0, f.ann.ID); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Hour)
	w, _ = svc.WorkOrder(w.Number)
	return &reportCo{fieldCo: f, w: w}
}

var urlRE = regexp.MustCompile(`https://service\.example\.com(/[a-z]+/[A-Z2-7]+)`)

// linkIn returns the path of the portal link in a rendered message.
func linkIn(t *testing.T, m core.Message) string {
	t.Helper()
	got := urlRE.FindStringSubmatch(m.Content.HTML + m.Content.Text)
	if got == nil {
		t.Fatalf("message %d (%s) carries no portal link:\n%s", m.ID, m.Event, m.Content.HTML)
	}
	return got[1]
}

func messagesOf(t *testing.T, svc *core.Service, number string, ev core.NoticeEvent) []core.Message {
	t.Helper()
	ms, err := svc.OutboxFor(number)
	if err != nil {
		t.Fatal(err)
	}
	var out []core.Message
	for _, m := range ms {
		if m.Event == ev {
			out = append(out, m)
		}
	}
	return out
}

// TestReportGeneratedAndVersioned (R-REP-1, R-REP-2): the content filled before
// service completes becomes version 1 when the node completes, in the same
// transaction as the advance; every change afterwards is a new version with its
// own hash; a signed version stays as it was signed and the status says the
// report changed since signing.
func TestReportGeneratedAndVersioned(t *testing.T) {
	f := newReportCo(t)
	svc, n := f.svc, f.w.Number

	pre, err := svc.ReportPrefill(n)
	if err != nil || f.w.AssignTime == nil || !pre.StartedAt.Equal(*f.w.AssignTime) || !pre.FinishedAt.Equal(svc.Now()) || pre.WorkDone != "" {
		t.Fatalf("prefill = %+v, %v; want start at the assignment %v, finish now", pre, err, f.w.AssignTime)
	}
	started := svc.Now().Add(-90 * time.Minute)
	res, err := svc.SaveReport(f.dispatcher, n, core.ReportInput{WorkDone: "更换压缩机启动电容，补充冷媒", Parts: []core.ReportPart{{Name: "启动电容 35μF", Quantity: 1}, {Name: "R404A 冷媒 (kg)", Quantity: 1.5}},
		StartedAt: started, FinishedAt: svc.Now(), Notes: "客户要求下周回访"})
	if err != nil || !res.Draft || res.Version != 0 {
		t.Fatalf("draft: %+v, %v", res, err)
	}
	v, _ := svc.Report(n, 0)
	if v.Status.State != core.ReportDrafted || v.Draft == nil || len(v.Versions) != 0 {
		t.Fatalf("before service completes: %+v", v.Status)
	}
	if ms := messagesOf(t, svc, n, core.NoticeServiceReport); len(ms) != 0 {
		t.Fatalf("a draft sent %d report notices", len(ms))
	}

	f.clk.Advance(time.Minute)
	w, err := svc.AdvanceWorkOrder(f.dispatcher, n, 0, "")
	if err != nil || w.Node != core.NodeTerminalTask {
		t.Fatalf("advance: %v at %s", err, w.Node)
	}
	v, err = svc.Report(n, 0)
	if err != nil || v.Status.State != core.ReportUnsigned || len(v.Versions) != 1 || v.Draft != nil {
		t.Fatalf("after service: %+v, %v", v.Status, err)
	}
	r1 := v.Versions[0]
	if r1.Version != 1 || r1.WorkDone != "更换压缩机启动电容，补充冷媒" || len(r1.Parts) != 2 || r1.Parts[1].Quantity != 1.5 ||
		!r1.StartedAt.Equal(started) || r1.Engineer != "Ann" || r1.Customer != "王芳" || r1.Account != "上海浦东仓储" || r1.Notes != "客户要求下周回访" {
		t.Fatalf("version 1 = %+v", r1)
	}
	if r1.SHA256 != r1.Digest() || len(r1.SHA256) != 64 || r1.Check() != nil {
		t.Fatalf("version 1 hash %s, digest %s, check %v", r1.SHA256, r1.Digest(), r1.Check())
	}
	found := false
	for _, e := range w.History {
		found = found || (e.Kind == core.EventReportGenerated && strings.Contains(e.Detail, r1.SHA256))
	}
	if !found {
		t.Errorf("no history event names the generated version's hash: %+v", w.History)
	}

	// A change is a new version; version 1 keeps its content and hash.
	f.clk.Advance(time.Minute)
	res2, err := svc.SaveReport(f.dispatcher, n, core.ReportInput{WorkDone: "更换压缩机启动电容，补充冷媒 1.5 kg", Parts: r1.Parts, Notes: r1.Notes})
	if err != nil || res2.Draft || res2.Version != 2 || res2.SHA256 == r1.SHA256 {
		t.Fatalf("second version: %+v, %v", res2, err)
	}
	v, _ = svc.Report(n, 1)
	if v.Shown.SHA256 != r1.SHA256 || v.Shown.WorkDone != r1.WorkDone || v.Shown.Check() != nil {
		t.Fatalf("version 1 changed: %+v", v.Shown)
	}
	v, _ = svc.Report(n, 0)
	if v.Shown.Version != 2 || !v.Shown.StartedAt.Equal(started) || v.Status.Latest != 2 {
		t.Fatalf("newest: v%d started %v (times carry over), status %+v", v.Shown.Version, v.Shown.StartedAt, v.Status)
	}
	if _, err := svc.Report(n, 7); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("version 7: %v", err)
	}

	// Signing locks version 2; a change then makes version 3, unsigned.
	inv, err := svc.InviteReportSignature(f.dispatcher, n, "link", 0)
	if err != nil || inv.Version != 2 {
		t.Fatalf("invite: %+v, %v", inv, err)
	}
	signed, err := svc.SignReport(core.ReportSigning{Token: inv.Token, Nonce: core.NewToken(), Version: 2, SHA256: res2.SHA256, Name: "王芳", IP: "203.0.113.9"})
	if err != nil || signed.Version != 2 {
		t.Fatalf("sign: %+v, %v", signed, err)
	}
	v, _ = svc.Report(n, 0)
	sig := v.Shown.Signature
	if v.Status.State != core.ReportSigned || sig == nil || sig.Name != "王芳" || sig.Method != core.SignatureTyped || sig.IP != "203.0.113.9" ||
		sig.ReportSHA256 != res2.SHA256 || !sig.SignedAt.Equal(svc.Now()) || sig.Version != 2 {
		t.Fatalf("after signing: %+v %+v", v.Status, sig)
	}
	res3, err := svc.SaveReport(f.dispatcher, n, core.ReportInput{WorkDone: "补充说明：压缩机运行正常", Parts: r1.Parts})
	if err != nil || res3.Version != 3 {
		t.Fatalf("third version: %+v, %v", res3, err)
	}
	v, _ = svc.Report(n, 0)
	if v.Status.State != core.ReportChanged || v.Status.SignedVersion != 2 || v.Status.Latest != 3 || v.Shown.Signed() {
		t.Fatalf("after a change: %+v", v.Status)
	}
	if got := v.Status.Summary(); got != "v3 changed since signing (v2 signed by 王芳)" {
		t.Errorf("summary %q", got)
	}
	v2, _ := svc.Report(n, 2)
	if v2.Shown.Signature == nil || v2.Shown.Check() != nil || v2.Shown.SHA256 != res2.SHA256 {
		t.Fatalf("the signed version changed: %+v", v2.Shown)
	}
}

// TestReportTamperingRefused (R-REP-2): a signed version cannot be replaced (the
// store refuses it), a signature must name the newest version and its exact
// hash, a used or signed link signs nothing more, and nothing is written by a
// refused signature.
func TestReportTamperingRefused(t *testing.T) {
	f := newReportCo(t)
	svc, n := f.svc, f.w.Number
	if _, err := svc.AdvanceWorkOrder(f.dispatcher, n, 0, "done"); err != nil {
		t.Fatal(err)
	}
	v, _ := svc.Report(n, 0)
	r1 := *v.Shown
	if r1.WorkDone != "" {
		t.Fatalf("no draft: work done should be empty, got %q", r1.WorkDone)
	}
	inv, err := svc.InviteReportSignature(f.dispatcher, n, "link", 0)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := svc.WorkOrder(n)

	try := func(name string, in core.ReportSigning, want string) {
		t.Helper()
		if in.Token == "" {
			in.Token = inv.Token
		}
		if in.Nonce == "" {
			in.Nonce = core.NewToken()
		}
		if in.Name == "" {
			in.Name = "王芳"
		}
		_, err := svc.SignReport(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want %q", name, err, want)
		}
	}
	try("a hash the page never showed", core.ReportSigning{Version: 1, SHA256: strings.Repeat("ab", 32)}, "does not match the stored version")
	try("another version", core.ReportSigning{Version: 2, SHA256: r1.SHA256}, "version 1 is the newest")
	try("no hash", core.ReportSigning{Version: 1, SHA256: "x"}, "which report version")
	try("a blank drawing", core.ReportSigning{Version: 1, SHA256: r1.SHA256, PNG: blankPNG(t)}, "empty")
	try("garbage for a drawing", core.ReportSigning{Version: 1, SHA256: r1.SHA256, PNG: []byte("\x89PNG not really")}, "could not be read")
	try("a name of one letter", core.ReportSigning{Version: 1, SHA256: r1.SHA256, Name: "W"}, "full name")
	after, _ := svc.WorkOrder(n)
	if after.Version != before.Version || len(after.History) != len(before.History) {
		t.Fatalf("refused signatures wrote something: v%d→v%d, %d→%d events", before.Version, after.Version, len(before.History), len(after.History))
	}

	ok, err := svc.SignReport(core.ReportSigning{Token: inv.Token, Nonce: core.NewToken(), Version: 1, SHA256: r1.SHA256, Name: "王芳", PNG: inkPNG(t), IP: "198.51.100.7"})
	if err != nil {
		t.Fatal(err)
	}
	v, _ = svc.Report(n, 1)
	if v.Shown.Signature.Method != core.SignatureDrawn || !bytes.Equal(v.Shown.Signature.PNG, inkPNG(t)) {
		t.Fatalf("drawn signature kept as %+v", v.Shown.Signature)
	}
	// The used link signs nothing more, even for a fresh version.
	if _, err := svc.SignReport(core.ReportSigning{Token: inv.Token, Nonce: core.NewToken(), Version: 1, SHA256: r1.SHA256, Name: "Someone Else"}); !errors.Is(err, core.ErrLinkUnusable) {
		t.Errorf("a used link signed again: %v", err)
	}
	// The same form posted twice gives the first signature back, no second one.
	// (Its nonce became the signed report's link.)
	if _, err := svc.OpenReport(ok.Token, 0); err != nil {
		t.Errorf("the signed report's link: %v", err)
	}
	// A signed version cannot be invited again, and the store refuses to replace it.
	if _, err := svc.InviteReportSignature(f.dispatcher, n, "link", 0); err == nil || !strings.Contains(err.Error(), "already signed") {
		t.Errorf("invite on a signed version: %v", err)
	}
}

func blankPNG(t *testing.T) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 300, 120))
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// inkPNG is a signature-sized PNG with a stroke on it.
func inkPNG(t *testing.T) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 300, 120))
	for x := 20; x < 280; x++ {
		for d := 0; d < 3; d++ {
			img.Set(x, 60+(x%40)/2+d, color.NRGBA{0, 0, 0, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestReportNotificationsCarryLinks (R-REP-2, R-NOTE-3): generating a report
// queues the "service report" preset with the report's link as #URL#; inviting
// by email queues "service report signature" with the signing link; both links
// open their pages. An SMS invitation to a customer without a mobile is recorded
// as not sent, with the reason.
func TestReportNotificationsCarryLinks(t *testing.T) {
	f := newReportCo(t)
	svc, n := f.svc, f.w.Number
	if _, err := svc.SaveReport(f.dispatcher, n, core.ReportInput{WorkDone: "Replaced the start capacitor"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AdvanceWorkOrder(f.dispatcher, n, 0, ""); err != nil {
		t.Fatal(err)
	}
	ms := messagesOf(t, svc, n, core.NoticeServiceReport)
	if len(ms) != 1 || ms[0].Channel != core.NoticeEmail || ms[0].Recipient.Address != "wang.fang@example.com" {
		t.Fatalf("service report notices: %+v", ms)
	}
	reportPath := linkIn(t, ms[0])
	if !strings.HasPrefix(reportPath, core.ReportPathPrefix) || !strings.Contains(ms[0].Content.HTML, `href="https://service.example.com`+reportPath+`"`) {
		t.Fatalf("report notice links to %q:\n%s", reportPath, ms[0].Content.HTML)
	}
	rv, err := svc.OpenReport(strings.TrimPrefix(reportPath, core.ReportPathPrefix), 0)
	if err != nil || rv.Number != n || rv.Shown == nil || rv.Shown.WorkDone != "Replaced the start capacitor" {
		t.Fatalf("the notice's link opens %+v, %v", rv, err)
	}
	if _, err := svc.OpenReportSigning(strings.TrimPrefix(reportPath, core.ReportPathPrefix)); !errors.Is(err, core.ErrLinkUnusable) {
		t.Errorf("a report link opened the signing page: %v", err)
	}

	inv, err := svc.InviteReportSignature(f.dispatcher, n, "email", 48*time.Hour)
	if err != nil || len(inv.Messages) != 1 || inv.Messages[0].State != core.MsgQueued {
		t.Fatalf("email invitation: %+v, %v", inv, err)
	}
	sigs := messagesOf(t, svc, n, core.NoticeReportSignature)
	if len(sigs) != 1 || linkIn(t, sigs[0]) != core.SignPathPrefix+inv.Token || inv.URL != "https://service.example.com"+core.SignPathPrefix+inv.Token {
		t.Fatalf("signature notice %+v; invitation URL %s", sigs, inv.URL)
	}
	if !strings.Contains(sigs[0].Content.Subject, "Please sign your service report") {
		t.Errorf("subject %q", sigs[0].Content.Subject)
	}
	sv, err := svc.OpenReportSigning(inv.Token)
	if err != nil || sv.Shown == nil || sv.Shown.Version != 1 {
		t.Fatalf("the invitation opens %+v, %v", sv, err)
	}

	// A second invitation is a second message (not swallowed as a duplicate).
	if _, err := svc.InviteReportSignature(f.dispatcher, n, "email", 0); err != nil {
		t.Fatal(err)
	}
	if got := messagesOf(t, svc, n, core.NoticeReportSignature); len(got) != 2 {
		t.Fatalf("two invitations queued %d messages", len(got))
	}
	// SMS is switched off: the invitation says so and writes nothing.
	w0, _ := svc.WorkOrder(n)
	if _, err := svc.InviteReportSignature(f.dispatcher, n, "sms", 0); err == nil || !strings.Contains(err.Error(), "switched off") {
		t.Fatalf("sms off: %v", err)
	}
	if w1, _ := svc.WorkOrder(n); w1.Version != w0.Version {
		t.Errorf("a refused invitation changed the work order")
	}
	if _, err := svc.InviteReportSignature(f.dispatcher, n, "fax", 0); !core.IsValidation(err) {
		t.Errorf("--via fax: %v", err)
	}
}

// TestParsePart (R-REP-1): parts as people type them.
func TestParsePart(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want core.ReportPart
		err  string
	}{
		{"compressor:1", core.ReportPart{Name: "compressor", Quantity: 1}, ""},
		{"R404A refrigerant (kg): 1.5", core.ReportPart{Name: "R404A refrigerant (kg)", Quantity: 1.5}, ""},
		{"启动电容：2", core.ReportPart{Name: "启动电容", Quantity: 2}, ""},
		{"door gasket", core.ReportPart{Name: "door gasket", Quantity: 1}, ""},
		{"Cable 3:1 adapter:4", core.ReportPart{Name: "Cable 3:1 adapter", Quantity: 4}, ""},
		{"fan:zero", core.ReportPart{}, "not a number"},
		{"fan:0", core.ReportPart{}, "more than 0"},
		{"fan:-2", core.ReportPart{}, "more than 0"},
		{"fan:0.0001", core.ReportPart{}, "three decimals"},
		{":3", core.ReportPart{}, "required"},
		{"", core.ReportPart{}, "needs a name"},
	} {
		got, err := core.ParsePart(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParsePart(%q) = %+v, %v; want error with %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParsePart(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	parts, err := core.ParseParts("a:1\n\n b : 2 \n")
	if err != nil || len(parts) != 2 || core.PartsText(parts) != "a: 1\nb: 2" {
		t.Errorf("ParseParts = %+v, %v", parts, err)
	}
}

// TestSaveReportRefusesBadInput (R-REP-1): bad content is refused with a
// sentence naming the field, and nothing is saved.
func TestSaveReportRefusesBadInput(t *testing.T) {
	f := newReportCo(t)
	svc, n := f.svc, f.w.Number
	now := svc.Now()
	for _, tc := range []struct {
		in    core.ReportInput
		field string
	}{
		{core.ReportInput{}, "work_done"},
		{core.ReportInput{WorkDone: "x", StartedAt: now, FinishedAt: now.Add(-time.Hour)}, "finished"},
		{core.ReportInput{WorkDone: "x", FinishedAt: now.Add(48 * time.Hour)}, "finished"},
		{core.ReportInput{WorkDone: "x\x07"}, "work_done"},
		{core.ReportInput{WorkDone: "x", Parts: []core.ReportPart{{Name: "fan", Quantity: 0}}}, "parts"},
	} {
		_, err := svc.SaveReport(f.dispatcher, n, tc.in)
		if fe := core.FieldErrors(err); fe[tc.field] == "" {
			t.Errorf("%+v: %v; want an error on %s", tc.in, err, tc.field)
		}
	}
	if v, _ := svc.Report(n, 0); v.Status.State != core.ReportNone {
		t.Errorf("refused input was saved: %+v", v.Status)
	}
	if _, err := svc.SaveReport(f.desk, n, core.ReportInput{WorkDone: "x"}); !errors.Is(err, core.ErrForbidden) {
		t.Errorf("a call-center agent filled a report: %v", err)
	}
	x := f.create(t, core.NewWorkOrder{Subject: "not assigned"})
	if _, err := svc.SaveReport(f.dispatcher, x.Number, core.ReportInput{WorkDone: "x"}); err == nil || !strings.Contains(err.Error(), "dispatch node") {
		t.Errorf("report before assignment: %v", err)
	}
	tm, err := core.ParseReportTime("started", "2026-11-02 09:30", now, time.FixedZone("CST", 8*3600))
	if err != nil || !tm.Equal(time.Date(2026, 11, 2, 1, 30, 0, 0, time.UTC)) {
		t.Errorf("ParseReportTime = %v, %v", tm, err)
	}
	if _, err := core.ParseReportTime("started", "yesterday", now, time.UTC); core.FieldErrors(err)["started"] == "" {
		t.Errorf("ParseReportTime(yesterday) = %v", err)
	}
}

func TestReportDurationText(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{{0, "0m"}, {45 * time.Minute, "45m"}, {2*time.Hour + 5*time.Minute, "2h 05m"}, {192 * time.Hour, "8d 0h"}, {-time.Hour, ""}} {
		if got := core.DurationText(t0, t0.Add(tc.d)); got != tc.want {
			t.Errorf("DurationText(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
	if got := core.DurationText(time.Time{}, t0); got != "" {
		t.Errorf("no start: %q", got)
	}
}

// TestCompleteServiceInOneStep (issue 17): the console's "save & complete
// service" is one transaction — a stale view saves nothing, not even a draft —
// and its result names the messages that carry the report, so the console can
// say what really happened.
func TestCompleteServiceInOneStep(t *testing.T) {
	f := newReportCo(t)
	in := core.ReportInput{WorkDone: "更换温控器", Parts: []core.ReportPart{{Name: "温控器", Quantity: 1}}}
	if _, err := f.svc.CompleteService(f.dispatcher, f.w.Number, f.w.Version-1, in); !errors.Is(err, core.ErrConflict) {
		t.Fatalf("a stale version: %v, want a conflict", err)
	}
	if rv, err := f.svc.Report(f.w.Number, 0); err != nil || rv.Status.State != core.ReportNone || rv.Draft != nil {
		t.Fatalf("a refused completion left a report or draft behind: %+v %v", rv, err)
	}
	res, err := f.svc.CompleteService(f.dispatcher, f.w.Number, f.w.Version, in)
	if err != nil || res.Version != 1 || res.URL == "" {
		t.Fatalf("complete service: %+v %v", res, err)
	}
	if len(res.Messages) != 1 || res.Messages[0].Channel != core.NoticeEmail || !strings.Contains(core.DeliveryText(core.NoticeServiceReport, res.Messages), "by Email") {
		t.Fatalf("the result should name the email that carries the report: %+v", res.Messages)
	}
	w, _ := f.svc.WorkOrder(f.w.Number)
	if w.Node == core.NodeService {
		t.Fatal("the service node did not complete")
	}
	if _, err := f.svc.CompleteService(f.dispatcher, f.w.Number, 0, in); err == nil || !strings.Contains(err.Error(), "not the service node") {
		t.Fatalf("completing service twice: %v", err)
	}
}
