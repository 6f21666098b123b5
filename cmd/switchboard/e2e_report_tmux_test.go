package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestConsoleReportEndToEnd (R-REP-1, R-REP-2): the real binary under tmux. An
// engineer opens a work order at the service node, presses c, fills the report
// form and saves it with ctrl+s, which completes service and generates v1; i
// issues a signing link; the customer signs on the console's own web listener
// (a typed signature, as a browser without JavaScript posts it); the console
// shows the report signed, live. After the console quits, report show --json
// has the signed version and wo show the history.
func TestConsoleReportEndToEnd(t *testing.T) {
	needTmux(t)
	d := newDB(t)
	d.ok("provider", "add", "--name", "北方维保", "--tenant-id", "T-N")
	d.ok("engineer", "add", "--name", "张伟", "--provider", "1")
	d.ok("contact", "add", "--name", "王芳", "--phone", "13800138000", "--account", "上海浦东仓储", "--terminal-user")
	d.ok("wo", "create", "--subject", "冷库温度过高", "--contact", "1")
	d.ok("dispatch", "assign", "1", "--engineer", "1")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	web := "http://" + addr
	s := startTmux(t, d.home, binary, "--db", d.path, "--listen", addr, "--public-url", web)
	s.waitFor("WO-000001")
	s.keys("Enter")
	s.waitFor("Service report")
	s.keys("c")
	s.waitFor("Complete service · WO-000001")
	s.text("更换压缩机启动电容，补充冷媒")
	s.keys("Tab")
	s.text("启动电容 35μF: 1")
	s.keys("Enter")
	s.text("R404A (kg): 1.5")
	s.keys("C-s")
	scr := s.waitFor("UNSIGNED · v1 not signed yet")
	if !strings.Contains(scr, "service completed; report v1 generated") {
		t.Errorf("no confirmation in the footer:\n%s", scr)
	}
	s.keys("i")
	s.waitFor("Invite the customer to sign version 1")
	s.keys("Enter")
	scr = s.waitFor("Invitation to sign v1")
	m := regexp.MustCompile(regexp.QuoteMeta(web) + `/sign/([A-Z2-7]{26})`).FindStringSubmatch(scr)
	if m == nil {
		t.Fatalf("no signing link on %s on screen:\n%s", web, scr)
	}

	// The customer signs on the listener, as a browser without JavaScript would.
	page := httpGet(t, web+"/sign/"+m[1])
	field := func(name string) string {
		f := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(page)
		if f == nil {
			t.Fatalf("the signing page has no %s field:\n%s", name, page)
		}
		return f[1]
	}
	form := url.Values{"nonce": {field("nonce")}, "version": {field("version")}, "sha256": {field("sha256")}, "name": {"王芳"}, "agree": {"yes"}}
	req, _ := http.NewRequest(http.MethodPost, web+"/sign/"+m[1], strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("signing answered %d", resp.StatusCode)
	}
	s.waitFor("SIGNED · v1 signed by 王芳")
	s.keys("Escape")
	s.waitGone("SIGNED · ")
	s.waitFor("v1 signed by 王芳")
	s.keys("q")
	s.waitFor("switchboard exited 0")

	var v map[string]any
	d.okJSON(&v, "report", "show", "1", "--json")
	rep := v["report"].(map[string]any)
	sig, _ := rep["signature"].(map[string]any)
	if v["status"].(map[string]any)["state"] != "signed" || sig == nil || sig["name"] != "王芳" || sig["report_sha256"] != rep["sha256"] || sig["report_sha256"] != field("sha256") {
		t.Fatalf("report show --json after the console: %v", v)
	}
	out := d.ok("wo", "show", "1")
	for _, want := range []string{"service report generated v1", "service report v1 signed by 王芳"} {
		if !strings.Contains(out, want) {
			t.Errorf("wo show lacks %q:\n%s", want, out)
		}
	}
}

func httpGet(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d\n%s", u, resp.StatusCode, b)
	}
	return fmt.Sprint(string(b))
}
