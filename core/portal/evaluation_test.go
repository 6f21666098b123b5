package portal_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/store/testdb"
)

// evalPath returns the evaluation page path of a link.
func evalPath(t testing.TB, link string) string {
	t.Helper()
	i := strings.Index(link, core.EvaluationPathPrefix)
	if i < 0 {
		t.Fatalf("not an evaluation link: %q", link)
	}
	return link[i:]
}

// qrPath brings a work order with type typ's evaluation to the evaluation node
// and returns its QR code's page path.
func (e *env) qrPath(typ string, in core.NewWorkOrder) (core.WorkOrder, string) {
	e.t.Helper()
	testdb.SetEvaluationNode(e.t, e.svc, "Repair", &core.EvaluationSettings{Mode: core.EvalModeQR, Type: typ})
	w := testdb.AtEvaluationNode(e.t, e.svc, in)
	qr, err := e.svc.EvaluationQR(e.admin(), w.Number)
	if err != nil {
		e.t.Fatal(err)
	}
	return w, evalPath(e.t, qr.URL)
}

var scoreRE = regexp.MustCompile(`id="receipt-score">(\d+/\d+)<`)

// TestEvaluationPageFlow (R-EVAL-1, R-EVAL-4): the QR page shows the layout
// (ten star radios for the Detailed type, the choices), a POST answers 303 to
// the receipt, and the rating is stored as a number; a second customer on the
// same QR code makes a second evaluation.
func TestEvaluationPageFlow(t *testing.T) {
	e := newEnv(t, nil)
	w, path := e.qrPath("Detailed", core.NewWorkOrder{Subject: "Compressor"})
	page := e.get(path)
	if page.status != 200 || strings.Count(page.body, `name="f.overall"`) != 10 || !strings.Contains(page.body, `value="Fully solved"`) ||
		!strings.Contains(page.body, `type="checkbox" id="f.liked-0" name="f.liked" value="Punctuality"`) || !strings.Contains(page.body, w.Number) {
		t.Fatalf("evaluation page %d\n%s", page.status, page.body)
	}
	if zh := e.get(path + "?lang=zh"); !strings.Contains(zh.body, "总体评分") || !strings.Contains(zh.body, "完全解决") || !strings.Contains(zh.body, `value="Fully solved"`) {
		t.Errorf("Chinese page does not show the Chinese wording with the stored values:\n%s", zh.body)
	}
	form := url.Values{"nonce": {nonceRE.FindStringSubmatch(page.body)[1]}, "f.overall": {"7"}, "f.resolved": {"Partly solved"},
		"f.liked": {"Tidiness", "Expertise"}, "f.on_time": {"no"}, "f.comment": {"来晚了\r\n但修好了"}}
	r := e.post(path, form)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), core.EvaluationReceiptPathPrefix) {
		t.Fatalf("POST: %d %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	rec := e.get(r.header.Get("Location"))
	if m := scoreRE.FindStringSubmatch(rec.body); rec.status != 200 || m == nil || m[1] != "7/10" || !strings.Contains(rec.body, w.Number) {
		t.Fatalf("receipt %d\n%s", rec.status, rec.body)
	}
	// The same form again: the same receipt, nothing new.
	if again := e.post(path, form); again.header.Get("Location") != r.header.Get("Location") {
		t.Errorf("double submit went to %q", again.header.Get("Location"))
	}
	st, _ := e.svc.Evaluations(w.Number)
	if len(st.Evaluations) != 1 {
		t.Fatalf("%d evaluations", len(st.Evaluations))
	}
	ev := st.Evaluations[0]
	if ev.Score != 7 || ev.Scale != 10 || *ev.Answers[0].Number != 7 || ev.Answers[len(ev.Answers)-1].Text != "来晚了\n但修好了" || *ev.Answers[1].Yes {
		t.Fatalf("stored %+v", ev)
	}
	// A second customer scans the same code.
	r = e.post(path, url.Values{"nonce": {e.nonce(path)}, "f.overall": {"10"}, "f.resolved": {"Fully solved"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("second customer: %d\n%s", r.status, r.body)
	}
	if st, _ := e.svc.Evaluations(w.Number); len(st.Evaluations) != 2 || st.Evaluations[1].Score != 10 {
		t.Fatalf("after the second customer: %+v", st.Evaluations)
	}
}

// TestEvaluationValidation: a missing rating, a star outside the scale or an
// unknown option are refused with the form shown again (422) keeping the other
// answers; nothing is stored.
func TestEvaluationValidation(t *testing.T) {
	e := newEnv(t, nil)
	w, path := e.qrPath("Standard", core.NewWorkOrder{Subject: "Door"})
	nonce := e.nonce(path)
	r := e.post(path, url.Values{"nonce": {nonce}, "f.comment": {"保留这段话"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Please answer this question.") || !strings.Contains(r.body, "保留这段话") || !strings.Contains(r.body, nonce) {
		t.Fatalf("missing rating: %d\n%s", r.status, r.body)
	}
	r = e.post(path+"?lang=zh", url.Values{"nonce": {nonce}, "f.overall": {"6"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `class="err"`) {
		t.Fatalf("six of five: %d\n%s", r.status, r.body)
	}
	r = e.post(path, url.Values{"nonce": {nonce}, "f.overall": {"4", "5"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("two ratings: %d", r.status)
	}
	if st, _ := e.svc.Evaluations(w.Number); len(st.Evaluations) != 0 {
		t.Fatalf("refused forms stored %d evaluations", len(st.Evaluations))
	}
	if r := e.get(core.EvaluationPathPrefix + core.NewToken()); r.status != 404 || !strings.Contains(r.body, `id="problem"`) {
		t.Errorf("unknown token: %d", r.status)
	}
	if r := e.get(core.EvaluationPathPrefix + "not-a-token"); r.status != 404 {
		t.Errorf("malformed token: %d", r.status)
	}
}

// TestEvaluationGuestRefused (R-ROLE-4): a guest on a record type without the
// guest permission gets a page that says so (403), not a broken-link page, and
// a POST stores nothing.
func TestEvaluationGuestRefused(t *testing.T) {
	e := newEnv(t, nil)
	ts := core.DefaultEvaluationTypes()
	ts[0].Guests = false
	if _, err := e.svc.SetEvaluationTypes(e.admin(), ts); err != nil {
		t.Fatal(err)
	}
	w, path := e.qrPath("Standard", core.NewWorkOrder{Subject: "Door"})
	for _, lang := range []string{"en", "zh"} {
		r := e.get(path + "?lang=" + lang)
		want := map[string]string{"en": "registered customers only", "zh": "仅限注册客户"}[lang]
		if r.status != http.StatusForbidden || !strings.Contains(r.body, want) || strings.Contains(r.body, "f.overall") {
			t.Fatalf("guest GET (%s): %d\n%s", lang, r.status, r.body)
		}
	}
	r := e.post(path, url.Values{"nonce": {core.NewToken()}, "f.overall": {"5"}})
	if r.status != http.StatusForbidden {
		t.Fatalf("guest POST: %d", r.status)
	}
	if st, _ := e.svc.Evaluations(w.Number); len(st.Evaluations) != 0 {
		t.Fatal("a refused guest's evaluation was stored")
	}
}

// TestPersonalLinkEditable (issue 6 item 5): a personal invitation link opens
// the customer's evaluation again with their answers, and a second POST
// changes it rather than adding one.
func TestPersonalLinkEditable(t *testing.T) {
	e := newEnv(t, nil)
	c, err := e.svc.AddContact(e.admin(), core.NewContact{Name: "王芳", Phone: "13800138000", Email: "wang@example.com", TerminalUser: true})
	if err != nil {
		t.Fatal(err)
	}
	on := true
	if _, err := e.svc.SetChannelConfig(e.admin(), core.NoticeEmail, &on, nil); err != nil {
		t.Fatal(err)
	}
	w := testdb.AtEvaluationNode(t, e.svc, core.NewWorkOrder{Subject: "Boiler", ContactID: c.Contact.ID})
	inv, err := e.svc.RemindEvaluation(e.admin(), w.Number, []core.NoticeChannel{core.NoticeEmail})
	if err != nil {
		t.Fatal(err)
	}
	path := evalPath(t, inv.URL)
	r := e.post(path, url.Values{"nonce": {e.nonce(path)}, "f.overall": {"2"}, "f.comment": {"slow"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("first POST %d\n%s", r.status, r.body)
	}
	page := e.get(path)
	if page.status != 200 || !strings.Contains(page.body, `id="editing"`) || !regexp.MustCompile(`value="2" checked`).MatchString(page.body) || !strings.Contains(page.body, ">slow</textarea>") {
		t.Fatalf("reopened personal link %d\n%s", page.status, page.body)
	}
	r = e.post(path, url.Values{"nonce": {nonceRE.FindStringSubmatch(page.body)[1]}, "f.overall": {"4"}})
	if rec := e.get(r.header.Get("Location")); !strings.Contains(rec.body, "changes are saved") || scoreRE.FindStringSubmatch(rec.body)[1] != "4/5" {
		t.Fatalf("edit receipt\n%s", rec.body)
	}
	st, _ := e.svc.Evaluations(w.Number)
	if len(st.Evaluations) != 1 || st.Evaluations[0].Score != 4 || st.Evaluations[0].EditedAt == nil {
		t.Fatalf("personal link evaluations %+v", st.Evaluations)
	}
}
