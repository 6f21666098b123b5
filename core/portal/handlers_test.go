package portal_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"switchboard/core"
	"switchboard/core/portal"
	"switchboard/store/testdb"
)

// TestPagesRenderWithHeaders: every page answers, in both languages, with the
// protective headers; only the smart form may be framed, by the configured origin.
func TestPagesRenderWithHeaders(t *testing.T) {
	e := newEnv(t, func(c *portal.Config) { c.FrameAncestors = []string{"https://shop.example.com"} })
	for _, p := range []string{"/", "/submit", "/submit/customer", "/embed", "/?lang=zh", "/submit?lang=zh"} {
		r := e.get(p)
		if r.status != 200 {
			t.Fatalf("GET %s: %d", p, r.status)
		}
		csp := r.header.Get("Content-Security-Policy")
		if r.header.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(csp, "default-src 'none'") || r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s headers: %v", p, r.header)
		}
		if p == "/embed" {
			if !strings.Contains(csp, "frame-ancestors https://shop.example.com") || r.header.Get("X-Frame-Options") != "" {
				t.Errorf("embed CSP %q", csp)
			}
		} else if !strings.Contains(csp, "frame-ancestors 'none'") || r.header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("GET %s may be framed: %q", p, csp)
		}
		if strings.Contains(p, "zh") && (!strings.Contains(r.body, `<html lang="zh-CN">`) || !strings.Contains(r.body, "报修")) {
			t.Errorf("GET %s is not Chinese:\n%s", p, r.body)
		}
		if !strings.Contains(r.body, `<meta charset="utf-8">`) {
			t.Errorf("GET %s: no charset", p)
		}
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/submit", nil)
	req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8")
	if r := e.do(req); !strings.Contains(r.body, `lang="zh-CN"`) {
		t.Errorf("Accept-Language zh ignored")
	}
	if r := e.get("/static/site.css"); r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") {
		t.Errorf("css: %d %v", r.status, r.header)
	}
	if r := e.get("/nope"); r.status != 404 || !strings.Contains(r.body, `id="problem"`) {
		t.Errorf("unknown page: %d", r.status)
	}
}

// TestGuestSubmitPostRedirectGet (R-IN-3 guest, R-WO-4 case 5): POST answers 303
// to a receipt page; the work order is in the store as a guest web submission.
func TestGuestSubmitPostRedirectGet(t *testing.T) {
	e := newEnv(t, nil)
	nonce := e.nonce("/submit")
	r := e.post("/submit", url.Values{"nonce": {nonce}, "name": {"李雷"}, "phone": {"13700137000"}, "subject": {"空调漏水"}, "description": {"line 1\r\nline 2"}, "type": {"Repair"}})
	num := e.receiptNumber(r)
	w, err := e.svc.WorkOrder(num)
	if err != nil {
		t.Fatal(err)
	}
	if w.Subject != "空调漏水" || w.Channel != core.ChannelWeb || w.CreatedBy != "guest" || w.OutOwner != 0 || !strings.Contains(w.Description, "line 1\nline 2") {
		t.Fatalf("work order %+v", w)
	}
}

// TestDoubleSubmitCreatesOneRecord: the same form posted twice (a double tap, a
// reload after POST) makes one work order and both answers show its receipt.
func TestDoubleSubmitCreatesOneRecord(t *testing.T) {
	e := newEnv(t, nil)
	form := url.Values{"nonce": {e.nonce("/submit")}, "subject": {"Door sensor"}}
	a, b := e.post("/submit", form), e.post("/submit", form)
	if a.header.Get("Location") != b.header.Get("Location") || e.receiptNumber(a) != e.receiptNumber(b) {
		t.Fatalf("two receipts: %q %q", a.header.Get("Location"), b.header.Get("Location"))
	}
	if n := e.count(); n != 1 {
		t.Fatalf("%d work orders, want 1", n)
	}
}

// TestCustomerSubmitMatchesContactByPhone (R-IN-3, R-WO-4): the terminal-user form
// matches the phone to the contact, so the customer becomes the external owner.
func TestCustomerSubmitMatchesContactByPhone(t *testing.T) {
	e := newEnv(t, nil)
	c, err := e.svc.AddContact(e.admin(), core.NewContact{Name: "王芳", Phone: "13800138000", AccountName: "上海浦东仓储", TerminalUser: true})
	if err != nil {
		t.Fatal(err)
	}
	r := e.post("/submit/customer", url.Values{"nonce": {e.nonce("/submit/customer")}, "name": {"王芳"}, "phone": {"138 0013 8000"}, "subject": {"冷库温度过高"}})
	w, _ := e.svc.WorkOrder(e.receiptNumber(r))
	if w.OutOwner != c.TerminalUser.ID || w.AccountName != "上海浦东仓储" || w.ContactID != c.Contact.ID {
		t.Fatalf("owner %d (%s), account %q", w.OutOwner, w.OutOwnerRule, w.AccountName)
	}
	// Phone is required on this form; the answer keeps what was typed.
	r = e.post("/submit/customer", url.Values{"nonce": {e.nonce("/submit/customer")}, "name": {"王芳"}, "subject": {"保留我"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "保留我") || !strings.Contains(r.body, `class="err"`) {
		t.Fatalf("missing phone: %d\n%s", r.status, r.body)
	}
}

// TestDeviceFormPrefilled (R-IN-4): the sticker link shows the device and files a
// device-code work order on the device's account.
func TestDeviceFormPrefilled(t *testing.T) {
	e := newEnv(t, nil)
	if _, err := e.svc.AddContact(e.admin(), core.NewContact{Name: "Zhao", AccountName: "Northwind"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddDevice(e.admin(), core.NewDevice{Code: "FRZ-0042", Model: "Haier SC-240", AccountName: "Northwind", Location: "Dock 3"}); err != nil {
		t.Fatal(err)
	}
	_, tok, _ := e.svc.DeviceLink("FRZ-0042")
	page := e.get(core.DevicePathPrefix + tok)
	if page.status != 200 || !strings.Contains(page.body, `id="device-code">FRZ-0042<`) || !strings.Contains(page.body, "Haier SC-240") {
		t.Fatalf("device page %d\n%s", page.status, page.body)
	}
	r := e.post(core.DevicePathPrefix+tok, url.Values{"nonce": {nonceRE.FindStringSubmatch(page.body)[1]}, "subject": {"Not cooling"}})
	w, _ := e.svc.WorkOrder(e.receiptNumber(r))
	if w.DeviceCode != "FRZ-0042" || w.Channel != core.ChannelDeviceCode || w.AccountName != "Northwind" {
		t.Fatalf("work order %+v", w)
	}
}

// TestTaskLinkFlow (R-TASK-3): the invitation opens the task read-only, the
// confirmation lands in history, a double submit shows the same receipt and the
// used link then gets the problem page.
func TestTaskLinkFlow(t *testing.T) {
	e := newEnv(t, nil)
	w := testdb.AtTaskNode(t, e.svc, core.NewWorkOrder{Subject: "Install compressor", Address: "88 Century Ave"})
	inv, err := e.svc.InviteByLink(e.admin(), w.Number, 0)
	if err != nil {
		t.Fatal(err)
	}
	path := core.TaskPathPrefix + inv.Token
	page := e.get(path)
	if page.status != 200 || !strings.Contains(page.body, w.Number) || !strings.Contains(page.body, "88 Century Ave") {
		t.Fatalf("task page %d\n%s", page.status, page.body)
	}
	form := url.Values{"nonce": {nonceRE.FindStringSubmatch(page.body)[1]}, "comment": {"周三上午可以"}}
	a, b := e.post(path, form), e.post(path, form)
	if e.receiptNumber(a) != w.Number || a.header.Get("Location") != b.header.Get("Location") {
		t.Fatalf("receipts %q %q", a.header.Get("Location"), b.header.Get("Location"))
	}
	got, _ := e.svc.WorkOrder(w.Number)
	n := 0
	for _, ev := range got.History {
		if ev.Kind == core.EventTerminalTask && strings.Contains(ev.Detail, "周三上午可以") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d task events, want 1: %+v", n, got.History)
	}
	if r := e.get(path); r.status != 404 || !strings.Contains(r.body, `id="problem"`) {
		t.Fatalf("used link: %d", r.status)
	}
}

// TestUnusableLinksLookAlike: expired, used, unknown, malformed and wrong-purpose
// tokens all get the same page, byte for byte, so nobody can tell them apart.
func TestUnusableLinksLookAlike(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.admin()
	w := testdb.AtTaskNode(t, e.svc, core.NewWorkOrder{Subject: "x"})
	used, _ := e.svc.InviteByLink(admin, w.Number, time.Hour)
	if _, err := e.svc.CompleteTask(used.Token, core.TaskInput{Nonce: core.NewToken()}); err != nil {
		t.Fatal(err)
	}
	w = testdb.AtTaskNode(t, e.svc, core.NewWorkOrder{Subject: "x2"})
	expired, _ := e.svc.InviteByLink(admin, w.Number, time.Hour)
	live, _ := e.svc.InviteByLink(admin, w.Number, 3*time.Hour)
	if _, err := e.svc.AddDevice(admin, core.NewDevice{Code: "AC-1"}); err != nil {
		t.Fatal(err)
	}
	_, dev, _ := e.svc.DeviceLink("AC-1")
	rec, _ := e.svc.SubmitWeb(core.WebSubmission{Form: core.FormGuest, Nonce: core.NewToken(), Subject: "y"})
	e.clk.Advance(2 * time.Hour)
	paths := map[string]string{
		"expired":               core.TaskPathPrefix + expired.Token,
		"used":                  core.TaskPathPrefix + used.Token,
		"unknown":               core.TaskPathPrefix + core.NewToken(),
		"malformed":             core.TaskPathPrefix + "not-a-token",
		"device token as task":  core.TaskPathPrefix + dev,
		"receipt token as task": core.TaskPathPrefix + rec.Token,
		"task token as device":  core.DevicePathPrefix + live.Token,
		"task token as receipt": core.ReceiptPathPrefix + live.Token,
		"unknown device":        core.DevicePathPrefix + core.NewToken(),
		"unknown receipt":       core.ReceiptPathPrefix + core.NewToken(),
	}
	var want string
	for name, p := range paths {
		r := e.get(p)
		if r.status != 404 || !strings.Contains(r.body, "cannot be used") || !strings.Contains(r.body, "contact") {
			t.Errorf("%s: %d\n%s", name, r.status, r.body)
		}
		if want == "" {
			want = r.body
		} else if r.body != want {
			t.Errorf("%s: the page differs from the others", name)
		}
	}
	// Posting to unusable links changes nothing either.
	before := e.count()
	for _, p := range []string{paths["expired"], paths["used"], paths["task token as device"], paths["unknown device"]} {
		if r := e.post(p, url.Values{"nonce": {core.NewToken()}, "subject": {"z"}, "comment": {"z"}}); r.status != 404 {
			t.Errorf("POST %s: %d", p, r.status)
		}
	}
	if e.count() != before {
		t.Errorf("a post to an unusable link created a work order")
	}
}

// TestOversizedBodyIs413: a body over the limit is refused whole.
func TestOversizedBodyIs413(t *testing.T) {
	e := newEnv(t, func(c *portal.Config) { c.MaxBody = 4 << 10 })
	r := e.post("/submit", url.Values{"nonce": {core.NewToken()}, "subject": {"big"}, "description": {strings.Repeat("x", 5<<10)}})
	if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "too large") {
		t.Fatalf("status %d", r.status)
	}
	if e.count() != 0 {
		t.Fatal("oversized post stored")
	}
}

// TestRateLimitIs429: past its burst a client gets 429 with Retry-After, for
// submissions and for page views separately.
func TestRateLimitIs429(t *testing.T) {
	e := newEnv(t, func(c *portal.Config) {
		c.SubmitRate, c.SubmitBurst = rate.Every(time.Hour), 2
		c.ViewRate, c.ViewBurst = rate.Every(time.Hour), 3
	})
	var codes []int
	for range 3 {
		codes = append(codes, e.post("/submit", url.Values{"nonce": {core.NewToken()}, "subject": {"s"}}).status)
	}
	if codes[0] != 303 || codes[1] != 303 || codes[2] != http.StatusTooManyRequests {
		t.Fatalf("POST statuses %v", codes)
	}
	if e.count() != 2 {
		t.Fatalf("%d work orders", e.count())
	}
	var last resp
	for range 4 {
		last = e.get("/")
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
		t.Fatalf("GET past burst: %d %v", last.status, last.header)
	}
}

// TestCrossSitePostRefused: a form posted from another site is refused with 403
// and stores nothing (http.CrossOriginProtection).
func TestCrossSitePostRefused(t *testing.T) {
	e := newEnv(t, nil)
	body := url.Values{"nonce": {core.NewToken()}, "subject": {"csrf"}}.Encode()
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "https://evil.example"},
	} {
		req, _ := http.NewRequest("POST", e.srv.URL+"/submit", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		if r := e.do(req); r.status != http.StatusForbidden || !strings.Contains(r.body, "another site") {
			t.Errorf("%v: %d", h, r.status)
		}
	}
	if e.count() != 0 {
		t.Fatal("cross-site post stored")
	}
}

// TestGetChangesNothing: opening every page — forms, a task link, a device link,
// a receipt, unusable links — leaves the database byte-identical (mail scanners
// prefetch links).
func TestGetChangesNothing(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.admin()
	w := testdb.AtTaskNode(t, e.svc, core.NewWorkOrder{Subject: "x"})
	inv, _ := e.svc.InviteByLink(admin, w.Number, time.Hour)
	if _, err := e.svc.AddDevice(admin, core.NewDevice{Code: "AC-1"}); err != nil {
		t.Fatal(err)
	}
	_, dev, _ := e.svc.DeviceLink("AC-1")
	rec, _ := e.svc.SubmitWeb(core.WebSubmission{Form: core.FormGuest, Nonce: core.NewToken(), Subject: "y"})
	snapshot := func() []byte {
		var b bytes.Buffer
		if _, err := e.svc.Backup(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	before := snapshot()
	for range 3 {
		for _, p := range []string{"/", "/submit", "/submit/customer", "/embed", core.TaskPathPrefix + inv.Token, core.DevicePathPrefix + dev, core.ReceiptPathPrefix + rec.Token, core.TaskPathPrefix + core.NewToken(), "/static/site.css"} {
			if r := e.get(p); r.status != 200 && r.status != 404 {
				t.Fatalf("GET %s: %d", p, r.status)
			}
		}
	}
	if !bytes.Equal(before, snapshot()) {
		t.Fatal("GET requests changed the database")
	}
	if _, err := e.svc.OpenTask(inv.Token); err != nil {
		t.Fatalf("viewing used up the single-use link: %v", err)
	}
}

// TestRepeatedFieldRefused: a form that sends a field twice is shown again with
// the problem, not half-read.
func TestRepeatedFieldRefused(t *testing.T) {
	e := newEnv(t, nil)
	r := e.post("/submit", url.Values{"nonce": {core.NewToken()}, "subject": {"a", "b"}})
	if r.status != http.StatusUnprocessableEntity || e.count() != 0 {
		t.Fatalf("status %d, %d stored", r.status, e.count())
	}
}

// TestStatusLinkFromNotification (R-NOTE-4 #URL#): the "work order submitted"
// email links to a read-only status page that shows where the work order stands;
// the same token on another page, or a task token on the status page, is refused.
func TestStatusLinkFromNotification(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.admin()
	on := true
	if _, err := e.svc.SetChannelConfig(admin, core.NoticeEmail, &on, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddTerminalUser(admin, core.NewTerminalUser{Name: "Li", Email: "li@example.com"}); err != nil {
		t.Fatal(err)
	}
	w, err := e.svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "空调不制冷", Email: "li@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := e.svc.OutboxFor(w.Number)
	if len(ms) != 1 {
		t.Fatalf("messages %+v", ms)
	}
	i := strings.Index(ms[0].Content.HTML, core.StatusPathPrefix)
	if i < 0 {
		t.Fatalf("no status link in %q", ms[0].Content.HTML)
	}
	path := ms[0].Content.HTML[i : i+len(core.StatusPathPrefix)+26]
	page := e.get(path + "?lang=zh")
	if page.status != 200 || !strings.Contains(page.body, w.Number) || !strings.Contains(page.body, "等待派工") || !strings.Contains(page.body, "空调不制冷") {
		t.Fatalf("status page %d\n%s", page.status, page.body)
	}
	if r := e.get(core.TaskPathPrefix + path[len(core.StatusPathPrefix):]); r.status != 404 {
		t.Fatalf("status token on the task page: %d", r.status)
	}
	tw := testdb.AtTaskNode(t, e.svc, core.NewWorkOrder{Subject: "x"})
	inv, _ := e.svc.InviteByLink(admin, tw.Number, time.Hour)
	if r := e.get(core.StatusPathPrefix + inv.Token); r.status != 404 {
		t.Fatalf("task token on the status page: %d", r.status)
	}
}

// TestEmbedOriginsFromTheAdmin (R-IN-7, issue 20.2): the sites an admin
// saves frame the smart form and the receipt it leads to, at once, with no
// restart; other pages stay unframeable; clearing the list closes it again.
func TestEmbedOriginsFromTheAdmin(t *testing.T) {
	e := newEnv(t, nil)
	if r := e.get("/embed"); !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Fatalf("before: %q", r.header.Get("Content-Security-Policy"))
	}
	if _, err := e.svc.SetEmbedOrigins(e.admin(), []string{"https://www.example.com", "app.example.com"}); err != nil {
		t.Fatal(err)
	}
	rec := e.post("/embed", url.Values{"nonce": {core.NewToken()}, "subject": {"from the shop"}})
	if rec.status != http.StatusSeeOther {
		t.Fatalf("embed post: %d", rec.status)
	}
	for _, p := range []string{"/embed", rec.header.Get("Location")} {
		r := e.get(p)
		if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors https://www.example.com https://app.example.com") || r.header.Get("X-Frame-Options") != "" {
			t.Errorf("GET %s: %q %q", p, csp, r.header.Get("X-Frame-Options"))
		}
	}
	if r := e.get("/submit"); r.header.Get("X-Frame-Options") != "DENY" {
		t.Error("the guest form may be framed")
	}
	if _, err := e.svc.SetEmbedOrigins(e.admin(), []string{"https://x.example.com/path"}); core.FieldErrors(err)["origins"] == "" {
		t.Fatalf("an origin with a path: %v", err)
	}
	if _, err := e.svc.SetEmbedOrigins(e.admin(), []string{"https://a.example.com'; script-src *"}); err == nil {
		t.Fatal("a policy injection was taken")
	}
	if _, err := e.svc.SetEmbedOrigins(e.admin(), nil); err != nil {
		t.Fatal(err)
	}
	if r := e.get("/embed"); r.header.Get("X-Frame-Options") != "DENY" {
		t.Error("cleared, the smart form may still be framed")
	}
}

// TestTaskPageCreatesAnObject (issue 20.12): the customer's task page shows
// an object type's own label and fields, and what they type is kept with the
// work order.
func TestTaskPageCreatesAnObject(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.admin()
	if _, err := e.svc.SaveObjectType(admin, core.ObjectType{Name: "payment", Label: "Payment fee", Fields: []core.ObjectField{{Key: "amount", Label: "Amount", Required: true}}}); err != nil {
		t.Fatal(err)
	}
	w, path := e.taskLink(&core.TaskSettings{Mode: core.TaskInvite, Methods: []core.InviteMethod{core.InviteLink}, Create: &core.CreateObject{Object: "payment"}}, "Install")
	r := e.get(path)
	if r.status != 200 || !strings.Contains(r.body, "Payment fee") || !strings.Contains(r.body, `name="o.amount"`) || !strings.Contains(r.body, "Amount *") {
		t.Fatalf("task page %d:\n%s", r.status, r.body)
	}
	if r := e.post(path, url.Values{"nonce": {core.NewToken()}, "o.amount": {"88"}}); r.status != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	if got, _ := e.svc.WorkOrder(w.Number); len(got.Objects) != 1 || got.Objects[0].Values[0].Value != "88" {
		t.Fatalf("objects %+v", got.Objects)
	}
}
