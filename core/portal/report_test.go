package portal_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/store/testdb"
)

// reportEnv is a portal whose work order WO-000001 has a generated service
// report (v1), a report link (from the "service report" email) and a signing
// link (from the "service report signature" email).
type reportEnv struct {
	*env
	number      string
	reportToken string
	signToken   string
}

var portalLinkRE = regexp.MustCompile(`(/(?:report|sign)/)([A-Z2-7]{26})`)

func newReportEnv(t *testing.T) *reportEnv {
	t.Helper()
	e := newEnv(t, nil)
	admin := e.admin()
	if err := e.svc.SetPublicURL(admin, e.srv.URL); err != nil {
		t.Fatal(err)
	}
	on := true
	if _, err := e.svc.SetChannelConfig(admin, core.NoticeEmail, &on, map[string]string{"host": "127.0.0.1", "from": "service@example.com"}); err != nil {
		t.Fatal(err)
	}
	p, _ := e.svc.AddProvider(admin, "北方维保", "T-N")
	eng, _ := e.svc.AddEngineer(admin, core.NewEngineer{Name: "张伟", ProviderID: p.ID})
	c, err := e.svc.AddContact(admin, core.NewContact{Name: "王芳", Email: "wang.fang@example.com", AccountName: "上海浦东仓储", TerminalUser: true})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := e.svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "冷库温度过高", ContactID: c.Contact.ID})
	if _, err := e.svc.AssignWorkOrder(admin, w.Number, 0, eng.ID); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(2 * time.Hour)
	if _, err := e.svc.SaveReport(admin, w.Number, core.ReportInput{WorkDone: "更换压缩机启动电容，补充冷媒。", Parts: []core.ReportPart{{Name: "启动电容 35μF", Quantity: 1}, {Name: "R404A 冷媒 (kg)", Quantity: 1.5}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AdvanceWorkOrder(admin, w.Number, 0, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.InviteReportSignature(admin, w.Number, "email", 0); err != nil {
		t.Fatal(err)
	}
	re := &reportEnv{env: e, number: w.Number}
	re.reportToken = re.linkOf(t, core.NoticeServiceReport)
	re.signToken = re.linkOf(t, core.NoticeReportSignature)
	return re
}

// linkOf is the token of the newest ev message's link, as the customer gets it.
func (e *reportEnv) linkOf(t *testing.T, ev core.NoticeEvent) string {
	t.Helper()
	ms, _ := e.svc.OutboxFor(e.number)
	for _, m := range ms {
		if m.Event != ev {
			continue
		}
		if !strings.Contains(m.Content.HTML, e.srv.URL) {
			t.Fatalf("%s message links elsewhere:\n%s", ev, m.Content.HTML)
		}
		if l := portalLinkRE.FindStringSubmatch(m.Content.HTML); l != nil {
			return l[2]
		}
	}
	t.Fatalf("no %s message with a link", ev)
	return ""
}

var hiddenRE = func(name string) *regexp.Regexp {
	return regexp.MustCompile(`name="` + name + `" value="([^"]*)"`)
}

// signForm reads the signing page's hidden fields.
func (e *reportEnv) signForm(t *testing.T) url.Values {
	t.Helper()
	r := e.get(core.SignPathPrefix + e.signToken)
	if r.status != http.StatusOK {
		t.Fatalf("sign page: %d\n%s", r.status, r.body)
	}
	f := url.Values{}
	for _, k := range []string{"nonce", "version", "sha256"} {
		m := hiddenRE(k).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("the sign page has no %s field", k)
		}
		f.Set(k, m[1])
	}
	return f
}

// TestReportPages (R-REP-1, R-REP-2): the report link shows the report and its
// PDF; the signing page shows the exact version with its hash, GET changes
// nothing, a typed signature without JavaScript signs it, a resubmitted form
// finds the first signature, and the used link then signs nothing.
func TestReportPages(t *testing.T) {
	e := newReportEnv(t)
	r := e.get(core.ReportPathPrefix + e.reportToken + "?lang=zh")
	for _, want := range []string{"更换压缩机启动电容，补充冷媒。", "启动电容 35μF", "1.5", "尚未签字", "张伟 · 北方维保", "下载 PDF"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
	if r.status != 200 || strings.Contains(r.header.Get("Content-Security-Policy"), "script-src") {
		t.Errorf("report page: %d, CSP %q", r.status, r.header.Get("Content-Security-Policy"))
	}
	pdf := e.get(core.ReportPathPrefix + e.reportToken + "/pdf")
	if pdf.status != 200 || pdf.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.body, "%PDF-") ||
		!strings.Contains(pdf.header.Get("Content-Disposition"), e.number+"-report-v1.pdf") {
		t.Errorf("PDF: %d %q %q", pdf.status, pdf.header.Get("Content-Type"), pdf.header.Get("Content-Disposition"))
	}
	if r := e.get(core.ReportPathPrefix + e.reportToken + "?v=9"); r.status != 404 {
		t.Errorf("a version that does not exist: %d", r.status)
	}
	if r := e.get(core.SignPathPrefix + e.reportToken); r.status != 404 {
		t.Errorf("a report link opened the signing page: %d", r.status)
	}

	form := e.signForm(t)
	v, _ := e.svc.Report(e.number, 0)
	if form.Get("version") != "1" || form.Get("sha256") != v.Shown.SHA256 {
		t.Fatalf("sign form names v%s %s; the stored version is v1 %s", form.Get("version"), form.Get("sha256"), v.Shown.SHA256)
	}
	page := e.get(core.SignPathPrefix + e.signToken)
	if csp := page.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("sign page CSP %q", csp)
	}

	post := func(f url.Values) resp { return e.post(core.SignPathPrefix+e.signToken, f) }
	f := url.Values{"nonce": {form.Get("nonce")}, "version": {"1"}, "sha256": {form.Get("sha256")}, "name": {"王芳"}}
	if r := post(f); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "tick the box") {
		t.Errorf("without agreeing: %d", r.status)
	}
	f.Set("agree", "yes")
	bad := url.Values{}
	for k, vs := range f {
		bad[k] = vs
	}
	bad.Set("sha256", strings.Repeat("0", 64))
	if r := post(bad); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "does not match the stored version") {
		t.Errorf("a hash the page never showed: %d\n%s", r.status, r.body)
	}
	if v, _ := e.svc.Report(e.number, 0); v.Status.State != core.ReportUnsigned {
		t.Fatalf("refused posts signed: %+v", v.Status)
	}

	first := post(f)
	if first.status != http.StatusSeeOther || !strings.HasPrefix(first.header.Get("Location"), core.ReportPathPrefix+form.Get("nonce")) {
		t.Fatalf("typed signature: %d → %q\n%s", first.status, first.header.Get("Location"), first.body)
	}
	signed := e.get(first.header.Get("Location"))
	for _, want := range []string{`id="signer">王芳<`, "typed full name", v.Shown.SHA256} {
		if !strings.Contains(signed.body, want) {
			t.Errorf("signed report page lacks %q", want)
		}
	}
	if again := post(f); again.status != http.StatusSeeOther || again.header.Get("Location") != first.header.Get("Location") {
		t.Errorf("the same form twice: %d → %q", again.status, again.header.Get("Location"))
	}
	f.Set("nonce", core.NewToken())
	if r := post(f); r.status != http.StatusNotFound {
		t.Errorf("a used link signed again: %d", r.status)
	}
	v, _ = e.svc.Report(e.number, 0)
	if s := v.Shown.Signature; v.Status.State != core.ReportSigned || s == nil || s.Method != core.SignatureTyped || s.IP != "127.0.0.1" || s.ReportSHA256 != v.Shown.SHA256 {
		t.Fatalf("stored signature %+v, status %+v", s, v.Status)
	}
	if r := e.get(core.ReportPathPrefix + e.reportToken + "/signature.png"); r.status != 404 {
		t.Errorf("a typed signature has an image: %d", r.status)
	}
}

// TestReportPagePhotos (issue 20.6): the customer's report page shows the
// version's photos, served through the report link only.
func TestReportPagePhotos(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.admin()
	w := testdb.AtTaskNode(t, e.svc, core.NewWorkOrder{Subject: "s"})
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 64, 48))); err != nil {
		t.Fatal(err)
	}
	a, err := e.svc.AddPhoto(admin, w.Number, "after.png", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.svc.SaveReport(admin, w.Number, core.ReportInput{WorkDone: "replaced the fan"})
	if err != nil || res.URL == "" {
		t.Fatalf("report: %+v %v", res, err)
	}
	path := res.URL[strings.Index(res.URL, core.ReportPathPrefix):]
	page := e.get(path)
	src := fmt.Sprintf("%s/photo/%d?v=%d", path, a.ID, res.Version)
	if page.status != 200 || !strings.Contains(page.body, `src="`+src+`"`) {
		t.Fatalf("report page %d:\n%s", page.status, page.body)
	}
	img := e.get(src)
	if img.status != 200 || img.header.Get("Content-Type") != "image/png" || img.body != b.String() {
		t.Fatalf("photo: %d %v", img.status, img.header)
	}
	if other := e.get(fmt.Sprintf("%s/photo/%d", path, a.ID+99)); other.status != 404 {
		t.Fatalf("a photo of no report: %d", other.status)
	}
}

// TestCustomerAddsPhotosOnTheTask (issue 20.6): the task page takes photos
// (multipart); they go with the next report version; a file that is not a
// photo is refused under the field and nothing is kept.
func TestCustomerAddsPhotosOnTheTask(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.admin()
	w, path := e.taskLink(&core.TaskSettings{Mode: core.TaskInvite, Methods: []core.InviteMethod{core.InviteLink}}, "s")
	if page := e.get(path); !strings.Contains(page.body, `enctype="multipart/form-data"`) || !strings.Contains(page.body, `name="photos"`) {
		t.Fatalf("task page:\n%s", page.body)
	}
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 32, 24))); err != nil {
		t.Fatal(err)
	}
	post := func(name string, data []byte) resp {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		_ = mw.WriteField("nonce", core.NewToken())
		fw, _ := mw.CreateFormFile("photos", name)
		_, _ = fw.Write(data)
		mw.Close()
		req, _ := http.NewRequest("POST", e.srv.URL+path, &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return e.do(req)
	}
	if r := post("notes.txt", []byte("hello")); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "not a JPEG or PNG") {
		t.Fatalf("a text file: %d\n%s", r.status, r.body)
	}
	if r := post("leak.png", img.Bytes()); r.status != http.StatusSeeOther {
		t.Fatalf("a photo: %d %s", r.status, r.body)
	}
	res, err := e.svc.SaveReport(admin, w.Number, core.ReportInput{WorkDone: "done"})
	if err != nil {
		t.Fatal(err)
	}
	rv, _ := e.svc.Report(w.Number, res.Version)
	if len(rv.Shown.Photos) != 1 || rv.Shown.Photos[0].Filename != "leak.png" {
		t.Fatalf("the version's photos: %+v", rv.Shown.Photos)
	}
}
