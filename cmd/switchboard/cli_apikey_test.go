package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestAPIKeysAndServeCLI (R-IN-6, R-APP-3): a key made with `apikey add` is
// printed once and works against `switchboard serve`; `apikey list` never
// shows it; a revoked key is refused.
func TestAPIKeysAndServeCLI(t *testing.T) {
	d := newDB(t)
	r := d.run("apikey", "add", "--name", "ERP")
	key := strings.TrimSpace(r.stdout)
	if r.code != 0 || !regexp.MustCompile(`^sbk_[a-z2-7]{26}$`).MatchString(key) || !strings.Contains(r.stderr, "only time it is shown") {
		t.Fatalf("apikey add: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := d.run("apikey", "add", "--name", "erp"); r.code != 1 || !strings.Contains(r.stderr, "already named") {
		t.Errorf("a second ERP key: %d %q", r.code, r.stderr)
	}
	if r := d.run("--as", "dina", "apikey", "add", "--name", "x"); r.code != 1 {
		t.Errorf("an unknown user made a key: %d", r.code)
	}
	list := d.ok("apikey", "list")
	if strings.Contains(list, key) || !strings.Contains(list, key[:10]+"…") || !strings.Contains(list, "active") {
		t.Errorf("apikey list:\n%s", list)
	}
	var ks []map[string]any
	d.okJSON(&ks, "apikey", "list", "--json")
	if len(ks) != 1 || ks[0]["name"] != "ERP" || strings.Contains(mustJSON(t, ks), key) {
		t.Errorf("apikey list --json: %v", ks)
	}

	// serve, then call the API over HTTP.
	addr := freeAddr(t)
	cmd := exec.Command(binary, "--db", d.path, "serve", "--listen", addr)
	cmd.Env = env(t, d.home)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	base := "http://" + addr
	waitFor(t, base+"/api/v1/openapi.json")
	call := func(method, path, body, k string) (int, string) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+k)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "erp-1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := call("POST", "/api/v1/work-orders", `{"subject":"From the ERP"}`, key)
	if code != 201 || !strings.Contains(body, `"number": "WO-000001"`) && !strings.Contains(body, `"number":"WO-000001"`) {
		t.Fatalf("create through serve: %d %s", code, body)
	}
	if code, _ := call("POST", "/api/v1/work-orders", `{"subject":"From the ERP"}`, key); code != 201 {
		t.Fatalf("retry: %d", code)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if got := d.numbers(); len(got) != 1 {
		t.Fatalf("after a retried create: %v", got)
	}
	if out := d.ok("apikey", "revoke", "1"); !strings.Contains(out, "revoked") {
		t.Errorf("revoke: %q", out)
	}
	if r := d.run("apikey", "revoke", "1"); r.code != 1 || !strings.Contains(r.stderr, "already revoked") {
		t.Errorf("revoke twice: %d %q", r.code, r.stderr)
	}
	cmd = exec.Command(binary, "--db", d.path, "serve", "--listen", addr)
	cmd.Env = env(t, d.home)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	waitFor(t, base+"/api/v1/openapi.json")
	if code, body := call("GET", "/api/v1/work-orders", "", key); code != 401 || !strings.Contains(body, "revoked") {
		t.Errorf("revoked key: %d %s", code, body)
	}
}

func mustJSON(t *testing.T, v any) string {
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// waitFor polls url until it answers 200 (the listener is up).
func waitFor(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not come up", url)
}

// freeAddr is a loopback address with a port nobody listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
