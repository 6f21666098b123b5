package portal_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/time/rate"

	"switchboard/core"
	"switchboard/core/portal"
	"switchboard/store"
	"switchboard/store/testdb"
)

type env struct {
	t   testing.TB
	st  *store.Bolt
	svc *core.Service
	clk *testdb.Clock
	srv *httptest.Server
	c   *http.Client
}

// newEnv serves a portal over a fresh database; cfg tweaks its config.
func newEnv(t testing.TB, cfg func(*portal.Config)) *env {
	st, svc, clk := testdb.Open(t)
	c := portal.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), ViewRate: rate.Inf, SubmitRate: rate.Inf}
	if cfg != nil {
		cfg(&c)
	}
	srv := httptest.NewServer(portal.New(svc, c).Handler())
	t.Cleanup(srv.Close)
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &env{t: t, st: st, svc: svc, clk: clk, srv: srv, c: client}
}

type resp struct {
	status int
	header http.Header
	body   string
}

func (e *env) do(req *http.Request) resp {
	e.t.Helper()
	r, err := e.c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return resp{r.StatusCode, r.Header, string(b)}
}

func (e *env) get(path string) resp {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	return e.do(req)
}

// post sends a form the way a browser on the same site does.
func (e *env) post(path string, form url.Values) resp {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return e.do(req)
}

var nonceRE = regexp.MustCompile(`name="nonce" value="([A-Z2-7]+)"`)

// nonce fetches a form page and returns its nonce.
func (e *env) nonce(path string) string {
	e.t.Helper()
	r := e.get(path)
	m := nonceRE.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		e.t.Fatalf("GET %s: %d, no nonce in\n%s", path, r.status, r.body)
	}
	return m[1]
}

func (e *env) count() int {
	n, err := e.svc.CountWorkOrders()
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) admin() core.Actor { return testdb.Admin(e.t, e.svc) }

// receiptNumber follows a 303 to its receipt and returns the work-order number shown.
func (e *env) receiptNumber(r resp) string {
	e.t.Helper()
	if r.status != http.StatusSeeOther {
		e.t.Fatalf("status %d, want 303; body:\n%s", r.status, r.body)
	}
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, core.ReceiptPathPrefix) {
		e.t.Fatalf("redirect to %q", loc)
	}
	rr := e.get(loc)
	m := regexp.MustCompile(`id="receipt-number">(WO-\d+)<`).FindStringSubmatch(rr.body)
	if rr.status != 200 || m == nil {
		e.t.Fatalf("receipt %s: %d\n%s", loc, rr.status, rr.body)
	}
	return m[1]
}

// taskLink sets the Repair process's terminal task to ts, brings a new work
// order there and invites its customer by link: the work order and the
// link's path.
func (e *env) taskLink(ts *core.TaskSettings, subject string) (core.WorkOrder, string) {
	e.t.Helper()
	admin := e.admin()
	nodes := core.DefaultProcessNodes()
	nodes[2].Task = ts
	if _, err := e.svc.SetProcess(admin, core.Process{RecordType: "Repair", Nodes: nodes}); err != nil {
		e.t.Fatal(err)
	}
	w := testdb.AtTaskNode(e.t, e.svc, core.NewWorkOrder{Subject: subject})
	inv, err := e.svc.InviteByLink(admin, w.Number, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return w, inv.URL[strings.Index(inv.URL, core.TaskPathPrefix):]
}
