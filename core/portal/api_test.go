package portal_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"switchboard/core"
	"switchboard/core/portal"
)

// apiKey makes an API key named name and returns its secret.
func (e *env) apiKey(name string) string {
	e.t.Helper()
	_, secret, err := e.svc.AddAPIKey(e.admin(), name)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// api sends one API request; headers are "Name: value" strings.
func (e *env) api(method, path, key, body string, headers ...string) resp {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	return e.do(req)
}

func decode[T any](t testing.TB, r resp) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("status %d, body is not JSON (%v):\n%s", r.status, err, r.body)
	}
	return v
}

type apiErr struct {
	Error          string `json:"error"`
	Field          string `json:"field"`
	Errors         []struct{ Field, Error string }
	CurrentVersion uint64 `json:"current_version"`
	ChangedBy      string `json:"changed_by"`
	Change         string `json:"change"`
}

// specKeys are the work-order JSON keys of SPEC §11.
var specKeys = strings.Fields(`number subject description record_type priority status node channel
	account_id contact_id phone email region device_code out_owner created_by created_at version
	assign_user assign_way__c assign_time__c field_partner__c field_fwssf__c field_outDealUser__c
	field_downstreamOuterTenantName__c field_downstreamOuterTenantId__c history`)

// TestAPIAuth (R-IN-6): no key, a wrong key and a revoked key get 401 with a
// Bearer challenge; a good key works; the OpenAPI document needs none.
func TestAPIAuth(t *testing.T) {
	e := newEnv(t, nil)
	key := e.apiKey("erp")
	for _, tc := range []struct{ name, auth string }{
		{"no key", ""},
		{"unknown key", "Bearer " + core.NewAPISecret()},
		{"basic auth", "Basic " + key},
	} {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/work-orders", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		r := e.do(req)
		if r.status != http.StatusUnauthorized || r.header.Get("WWW-Authenticate") == "" || decode[apiErr](t, r).Error == "" {
			t.Errorf("%s: %d %q %s", tc.name, r.status, r.header.Get("WWW-Authenticate"), r.body)
		}
	}
	if r := e.api("GET", "/api/v1/work-orders", key, ""); r.status != 200 {
		t.Fatalf("good key: %d %s", r.status, r.body)
	}
	keys, _ := e.svc.APIKeys()
	if _, err := e.svc.RevokeAPIKey(e.admin(), keys[0].ID); err != nil {
		t.Fatal(err)
	}
	if r := e.api("GET", "/api/v1/work-orders", key, ""); r.status != 401 || !strings.Contains(r.body, "revoked") {
		t.Errorf("revoked key: %d %s", r.status, r.body)
	}
	if r := e.api("GET", "/api/v1/openapi.json", "", ""); r.status != 200 || !strings.Contains(r.body, `"openapi": "3.0.3"`) {
		t.Errorf("openapi: %d", r.status)
	}
	if r := e.api("GET", "/api/v1/nothing", key, ""); r.status != 404 || decode[apiErr](t, r).Error == "" {
		t.Errorf("unknown endpoint: %d %s", r.status, r.body)
	}
	if r := e.api("DELETE", "/api/v1/work-orders/1", key, ""); r.status != 405 || r.header.Get("Allow") != "GET, PATCH" {
		t.Errorf("DELETE: %d allow %q %s", r.status, r.header.Get("Allow"), r.body)
	}
}

// TestAPICreateGetListPatch (R-IN-6, R-WO-4): the SPEC's keys in and out,
// channel api, created_by api:NAME, the owner by R-WO-4, history, a conflict
// saying who changed what.
func TestAPICreateGetListPatch(t *testing.T) {
	e := newEnv(t, nil)
	key := e.apiKey("erp")
	c, err := e.svc.AddContact(e.admin(), core.NewContact{Name: "王芳", Phone: "13800138000", AccountName: "上海浦东仓储", TerminalUser: true})
	if err != nil {
		t.Fatal(err)
	}
	r := e.api("POST", "/api/v1/work-orders", key, fmt.Sprintf(`{"subject":"冷库温度过高","priority":"high","record_type":"maintenance","contact_id":%d,"region":"East","due_at":"2026-11-05T18:00:00Z"}`, c.Contact.ID))
	if r.status != 201 || r.header.Get("Location") != "/api/v1/work-orders/WO-000001" {
		t.Fatalf("create: %d %s %s", r.status, r.header.Get("Location"), r.body)
	}
	w := decode[map[string]any](t, r)
	for _, k := range specKeys {
		if _, ok := w[k]; !ok {
			t.Errorf("created work order has no %q", k)
		}
	}
	if w["channel"] != "api" || w["created_by"] != "api:erp" || w["out_owner"] != float64(c.TerminalUser.ID) || w["record_type"] != "Maintenance" || w["account_id"] == nil {
		t.Errorf("created: %v", w)
	}
	if h, _ := w["history"].([]any); len(h) < 2 {
		t.Errorf("history %v", w["history"])
	}
	g := e.api("GET", "/api/v1/work-orders/1", key, "")
	if g.status != 200 || g.header.Get("ETag") != `"1"` || decode[map[string]any](t, g)["subject"] != "冷库温度过高" {
		t.Fatalf("get: %d %s %s", g.status, g.header.Get("ETag"), g.body)
	}
	if r := e.api("GET", "/api/v1/work-orders/WO-000099", key, ""); r.status != 404 {
		t.Errorf("missing: %d", r.status)
	}
	e.api("POST", "/api/v1/work-orders", key, `{"subject":"Second"}`)
	l := decode[struct {
		WorkOrders []map[string]any `json:"work_orders"`
		Total      int
	}](t, e.api("GET", "/api/v1/work-orders?limit=1&sort=created", key, ""))
	if l.Total != 2 || len(l.WorkOrders) != 1 || l.WorkOrders[0]["number"] != "WO-000002" {
		t.Errorf("list: %+v", l)
	}
	if r := e.api("GET", "/api/v1/work-orders?colour=red", key, ""); r.status != 422 || decode[apiErr](t, r).Field != "colour" {
		t.Errorf("unknown parameter: %d %s", r.status, r.body)
	}
	if r := e.api("GET", "/api/v1/work-orders?status=lost", key, ""); r.status != 422 || decode[apiErr](t, r).Field != "status" {
		t.Errorf("bad status: %d %s", r.status, r.body)
	}

	// A change by a dispatcher in the console, then an API patch built on the old version.
	if _, err := e.svc.UpdateWorkOrder(e.admin(), "1", 1, core.WorkOrderPatch{Region: ptr("North")}); err != nil {
		t.Fatal(err)
	}
	r = e.api("PATCH", "/api/v1/work-orders/1", key, `{"version":1,"priority":"urgent"}`)
	ce := decode[apiErr](t, r)
	if r.status != 409 || ce.Field != "version" || ce.CurrentVersion != 2 || ce.ChangedBy != "admin" || !strings.Contains(ce.Change, "region") {
		t.Fatalf("stale patch: %d %s", r.status, r.body)
	}
	r = e.api("PATCH", "/api/v1/work-orders/1", key, `{"priority":"urgent","subject":"冷库温度过高 (3号库)"}`, "If-Match: \"2\"")
	p := decode[map[string]any](t, r)
	if r.status != 200 || p["priority"] != "urgent" || p["version"] != float64(3) {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	hist := p["history"].([]any)
	last := hist[len(hist)-1].(map[string]any)
	if last["by"] != "api:erp" || last["channel"] != "api" || !strings.Contains(last["detail"].(string), "priority: high → urgent") {
		t.Errorf("patch history: %v", last)
	}
	if r := e.api("PATCH", "/api/v1/work-orders/1", key, `{"priority":"low"}`); r.status != 422 || decode[apiErr](t, r).Field != "version" {
		t.Errorf("patch without version: %d %s", r.status, r.body)
	}
}

func ptr[T any](v T) *T { return &v }

// TestAPIValidation (R-IN-6): bad bodies get clear JSON errors naming the key,
// and write nothing.
func TestAPIValidation(t *testing.T) {
	e := newEnv(t, func(c *portal.Config) { c.APIMaxBody = 4096 })
	key := e.apiKey("erp")
	for _, tc := range []struct {
		name, body, ctype string
		status            int
		field, says       string
	}{
		{"empty", "", "application/json", 400, "", "empty"},
		{"not JSON", `{"subject": "x",}`, "application/json", 400, "", "not valid JSON"},
		{"an array", `[1,2]`, "application/json", 400, "", "JSON object"},
		{"two objects", `{"subject":"a"}{"subject":"b"}`, "application/json", 400, "", "exactly one object"},
		{"cut short", `{"subject":"a"`, "application/json", 400, "", "middle"},
		{"not UTF-8", "{\"subject\":\"caf\xe9\"}", "application/json", 400, "", "not valid UTF-8 (at byte 15)"},
		{"a form", `subject=x`, "application/x-www-form-urlencoded", 415, "", "application/json"},
		{"unknown key", `{"subject":"x","colour":"red"}`, "application/json", 422, "colour", "the keys are subject"},
		{"read-only key", `{"subject":"x","number":"WO-000009"}`, "application/json", 422, "number", "cannot be sent"},
		{"wrong type", `{"subject":42}`, "application/json", 422, "subject", "must be a string"},
		{"id as text", `{"subject":"x","contact_id":"abc"}`, "application/json", 400, "", "not a number"},
		{"no subject", `{"description":"x"}`, "application/json", 422, "subject", "Subject is required"},
		{"bad priority", `{"subject":"x","priority":"asap"}`, "application/json", 422, "priority", "low, normal, high or urgent"},
		{"bad record type", `{"subject":"x","record_type":"Demolition"}`, "application/json", 422, "record_type", "Repair"},
		{"bad email", `{"subject":"x","email":"nobody"}`, "application/json", 422, "email", "not an address"},
		{"no such contact", `{"subject":"x","contact_id":999}`, "application/json", 422, "contact_id", "no contact 999"},
		{"too big", `{"subject":"` + strings.Repeat("x", 5000) + `"}`, "application/json", 413, "", "larger than"},
		{"bad idempotency key", `{"subject":"x"}`, "application/json", 422, "Idempotency-Key", "printable ASCII"},
	} {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/work-orders", strings.NewReader(tc.body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", tc.ctype)
		if tc.name == "bad idempotency key" {
			req.Header.Set("Idempotency-Key", "has space")
		}
		r := e.do(req)
		got := decode[apiErr](t, r)
		if r.status != tc.status || got.Field != tc.field || !strings.Contains(got.Error, tc.says) {
			t.Errorf("%s: %d field %q %q; want %d field %q saying %q", tc.name, r.status, got.Field, got.Error, tc.status, tc.field, tc.says)
		}
	}
	// Several problems at once are all listed.
	r := e.api("POST", "/api/v1/work-orders", key, `{"subject":"","priority":"asap","email":"x"}`)
	got := decode[apiErr](t, r)
	var fields []string
	for _, fe := range got.Errors {
		fields = append(fields, fe.Field)
	}
	if r.status != 422 || !slices.Equal(fields, []string{"subject", "priority", "email"}) {
		t.Errorf("all problems: %d %v", r.status, fields)
	}
	if n := e.count(); n != 0 {
		t.Errorf("bad requests wrote %d work orders", n)
	}
}

// TestAPIIdempotency (R-IN-6): a retry with the same Idempotency-Key gets the
// same work order and the same answer, never a second one — also when the
// retries race; the same key with another body is refused; keys are per API key.
func TestAPIIdempotency(t *testing.T) {
	e := newEnv(t, nil)
	key, other := e.apiKey("erp"), e.apiKey("crm")
	body := `{"subject":"Ice machine leaking","priority":"high"}`
	first := e.api("POST", "/api/v1/work-orders", key, body, "Idempotency-Key: order-7731")
	again := e.api("POST", "/api/v1/work-orders", key, body, "Idempotency-Key: order-7731")
	if first.status != 201 || again.status != 201 || again.body != first.body || again.header.Get("Idempotent-Replayed") != "true" || again.header.Get("Location") != first.header.Get("Location") {
		t.Fatalf("retry: %d/%d replayed %q\n%s\n%s", first.status, again.status, again.header.Get("Idempotent-Replayed"), first.body, again.body)
	}
	if r := e.api("POST", "/api/v1/work-orders", key, `{"subject":"Something else"}`, "Idempotency-Key: order-7731"); r.status != 422 || decode[apiErr](t, r).Field != "Idempotency-Key" {
		t.Errorf("same key, other body: %d %s", r.status, r.body)
	}
	if r := e.api("POST", "/api/v1/work-orders", other, body, "Idempotency-Key: order-7731"); r.status != 201 || decode[map[string]any](t, r)["number"] != "WO-000002" {
		t.Errorf("another API key's order-7731: %d %s", r.status, r.body)
	}
	// Twenty racing retries of one request: one work order.
	var wg sync.WaitGroup
	numbers := make([]string, 20)
	for i := range numbers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.api("POST", "/api/v1/work-orders", key, `{"subject":"Racing"}`, "Idempotency-Key: race-1")
			if r.status == 201 {
				numbers[i] = decode[map[string]any](t, r)["number"].(string)
			}
		}()
	}
	wg.Wait()
	for _, n := range numbers {
		if n != numbers[0] || n == "" {
			t.Fatalf("racing retries gave %v", numbers)
		}
	}
	if n := e.count(); n != 3 {
		t.Errorf("%d work orders, want 3", n)
	}
	// A retried PATCH is answered from the record, not applied twice.
	p1 := e.api("PATCH", "/api/v1/work-orders/1", key, `{"version":1,"priority":"urgent"}`, "Idempotency-Key: p-1")
	p2 := e.api("PATCH", "/api/v1/work-orders/1", key, `{"version":1,"priority":"urgent"}`, "Idempotency-Key: p-1")
	if p1.status != 200 || p2.status != 200 || p1.body != p2.body {
		t.Errorf("retried patch: %d %d", p1.status, p2.status)
	}
}

// TestAPIConcurrentClients (R-IN-6): 16 clients with their own keys create 20
// work orders each at once: every acknowledged one is there, numbered without
// gaps or repeats, and nothing else.
func TestAPIConcurrentClients(t *testing.T) {
	e := newEnv(t, func(c *portal.Config) { c.APIRate = -1 })
	const clients, each = 16, 20
	var wg sync.WaitGroup
	got := make([][]string, clients)
	for i := range clients {
		key := e.apiKey(fmt.Sprintf("system-%d", i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range each {
				r := e.api("POST", "/api/v1/work-orders", key, fmt.Sprintf(`{"subject":"client %d order %d"}`, i, j), fmt.Sprintf("Idempotency-Key: %d-%d", i, j))
				if r.status != 201 {
					t.Errorf("client %d: %d %s", i, r.status, r.body)
					return
				}
				got[i] = append(got[i], decode[map[string]any](t, r)["number"].(string))
			}
		}()
	}
	wg.Wait()
	var all []string
	for _, g := range got {
		all = append(all, g...)
	}
	slices.Sort(all)
	for i, n := range all {
		if n != core.FormatNumber(uint64(i+1)) {
			t.Fatalf("numbers are not 1..%d without gaps: %v", clients*each, all)
		}
	}
	if n := e.count(); n != clients*each {
		t.Errorf("%d work orders in the store, %d acknowledged", n, len(all))
	}
}

// TestAPIRateLimit (R-IN-6): over its rate a key gets 429 with Retry-After;
// other keys are not held up.
func TestAPIRateLimit(t *testing.T) {
	e := newEnv(t, func(c *portal.Config) { c.APIRate, c.APIBurst = 1, 3 })
	a, b := e.apiKey("a"), e.apiKey("b")
	codes := map[int]int{}
	for range 6 {
		codes[e.api("GET", "/api/v1/work-orders", a, "").status]++
	}
	if codes[200] < 3 || codes[429] < 2 {
		t.Errorf("statuses %v; want the burst of 3 then 429s", codes)
	}
	if r := e.api("GET", "/api/v1/work-orders", b, ""); r.status != 200 {
		t.Errorf("another key: %d", r.status)
	}
}

// TestAPIKeyRateChangesLive (issue 18.5): an admin raises a key's rate and
// the listener applies it from the key's next request, without a restart.
func TestAPIKeyRateChangesLive(t *testing.T) {
	e := newEnv(t, func(c *portal.Config) { c.APIRate, c.APIBurst = 1, 2 })
	k, secret, err := e.svc.AddAPIKey(e.admin(), "erp")
	if err != nil {
		t.Fatal(err)
	}
	codes := map[int]int{}
	for range 5 {
		codes[e.api("GET", "/api/v1/work-orders", secret, "").status]++
	}
	if codes[429] == 0 {
		t.Fatalf("the default rate did not hold: %v", codes)
	}
	if _, err := e.svc.SetAPIKeyRate(e.admin(), k.ID, 1000); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if r := e.api("GET", "/api/v1/work-orders", secret, ""); r.status != 200 {
			t.Fatalf("request %d at 1000/s: %d %s", i, r.status, r.body)
		}
	}
	if _, err := e.svc.SetAPIKeyRate(e.admin(), k.ID, 0.5); err == nil {
		t.Fatal("a rate below 1 was taken")
	}
}

// TestAPINoCrossOriginProtection (R-IN-6): the API takes a cross-site POST (it
// authenticates by key, not cookies), while the customer forms still refuse one.
func TestAPINoCrossOriginProtection(t *testing.T) {
	e := newEnv(t, nil)
	key := e.apiKey("erp")
	r := e.api("POST", "/api/v1/work-orders", key, `{"subject":"From another site"}`, "Sec-Fetch-Site: cross-site", "Origin: https://erp.example.com")
	if r.status != 201 {
		t.Fatalf("cross-site API call: %d %s", r.status, r.body)
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/submit", strings.NewReader("subject=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := e.do(req); r.status != http.StatusForbidden {
		t.Errorf("cross-site form post: %d", r.status)
	}
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// TestOpenAPIDocumentsEveryRoute (R-IN-6): every route the API serves is in
// /api/v1/openapi.json with its method, and the document describes no route
// the API does not serve.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	e := newEnv(t, nil)
	doc := decode[struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}](t, e.api("GET", "/api/v1/openapi.json", "", ""))
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	served := map[string]bool{}
	for _, rt := range portal.APIRoutes() {
		served[rt] = true
		method, path, _ := strings.Cut(rt, " ")
		ops, ok := doc.Paths[pathParam.ReplaceAllString(path, "{number}")]
		if !ok {
			t.Errorf("%s is not in the OpenAPI document", path)
			continue
		}
		if _, ok := ops[strings.ToLower(method)]; !ok {
			t.Errorf("%s %s is not in the OpenAPI document", method, path)
		}
	}
	for path, ops := range doc.Paths {
		for m := range ops {
			if m == "parameters" {
				continue
			}
			if !served[strings.ToUpper(m)+" "+path] {
				t.Errorf("the OpenAPI document has %s %s, which the API does not serve", strings.ToUpper(m), path)
			}
		}
	}
}
