package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReportCLI (R-REP-1, R-REP-2, R-APP-3): report fill saves a draft that
// wo advance turns into version 1 and sends with its link; a later fill is v2;
// report invite sends the signing link by email and prints it; report show
// prints and writes the PDF; bad input exits 1 and writes nothing.
func TestReportCLI(t *testing.T) {
	d := newDB(t)
	d.ok("notify", "channel", "set", "email", "--enable", "host=127.0.0.1", "from=service@example.com")
	d.ok("notify", "policy", "--mode", "all", "--public-url", "https://service.example.com")
	d.ok("provider", "add", "--name", "北方维保", "--tenant-id", "T-N")
	d.ok("engineer", "add", "--name", "张伟", "--provider", "1")
	d.ok("contact", "add", "--name", "王芳", "--email", "wang.fang@example.com", "--account", "上海浦东仓储", "--terminal-user")
	d.ok("wo", "create", "--subject", "冷库温度过高", "--contact", "1")
	if r := d.run("report", "fill", "1", "--work-done", "x"); r.code != 1 || !strings.Contains(r.stderr, "dispatch node") {
		t.Fatalf("report before assignment: exit %d, %s", r.code, r.stderr)
	}
	d.ok("dispatch", "assign", "1", "--engineer", "1")

	out := d.ok("report", "fill", "WO-000001", "--work-done", "更换压缩机启动电容", "--part", "启动电容 35μF:1", "--part", "R404A 冷媒（公斤）：1.5", "--started", "2026-01-02 09:30")
	if !strings.Contains(out, "draft") {
		t.Fatalf("fill before service: %s", out)
	}
	for _, bad := range [][]string{
		{"--part", "fan:zero"}, {"--finished", "tomorrow"}, {"--work-done", ""},
	} {
		if r := d.run(append([]string{"report", "fill", "1"}, bad...)...); r.code != 1 || r.stderr == "" {
			t.Errorf("report fill %v: exit %d, %q", bad, r.code, r.stderr)
		}
	}
	var v map[string]any
	d.okJSON(&v, "report", "show", "1", "--json")
	if st := v["status"].(map[string]any); st["state"] != "draft" {
		t.Fatalf("status before service: %v", st)
	}
	d.ok("wo", "advance", "1")
	d.okJSON(&v, "report", "show", "1", "--json")
	rep := v["report"].(map[string]any)
	if st := v["status"].(map[string]any); st["state"] != "unsigned" || rep["version"] != float64(1) || rep["work_done"] != "更换压缩机启动电容" || len(rep["parts"].([]any)) != 2 {
		t.Fatalf("after wo advance: %v", v)
	}
	if !strings.HasPrefix(rep["started_at"].(string), "2026-01-02T09:30:00") {
		t.Errorf("started_at %v; want the time given (TZ=UTC)", rep["started_at"])
	}

	var msgs []map[string]any
	d.okJSON(&msgs, "notify", "outbox", "--wo", "1", "--json")
	linkRE := regexp.MustCompile(`https://service\.example\.com/(report|sign)/[A-Z2-7]{26}`)
	var reportLink string
	for _, m := range msgs {
		if m["event"] == "service-report" {
			reportLink = linkRE.FindString(m["content"].(map[string]any)["html"].(string))
		}
	}
	if !strings.Contains(reportLink, "/report/") {
		t.Fatalf("the service report email has no report link: %v", msgs)
	}

	inv := d.ok("report", "invite", "1", "--via", "email")
	signLink := linkRE.FindString(inv)
	if !strings.Contains(signLink, "/sign/") || !strings.Contains(inv, "queued") {
		t.Fatalf("invite printed %q", inv)
	}
	d.okJSON(&msgs, "notify", "outbox", "--wo", "1", "--json")
	found := false
	for _, m := range msgs {
		found = found || (m["event"] == "report-signature" && strings.Contains(m["content"].(map[string]any)["html"].(string), `href="`+signLink+`"`))
	}
	if !found {
		t.Fatalf("no signature email links to %s", signLink)
	}
	if r := d.run("report", "invite", "1", "--via", "sms"); r.code != 1 || !strings.Contains(r.stderr, "switched off") {
		t.Errorf("invite by a switched-off channel: exit %d, %s", r.code, r.stderr)
	}

	out = d.ok("report", "fill", "1", "--notes", "客户要求下周回访")
	if !strings.Contains(out, "service report v2") || !strings.Contains(out, "Service report notification by email") {
		t.Fatalf("second fill: %s", out)
	}
	pdf := filepath.Join(d.home, "v1.pdf")
	out = d.ok("report", "show", "1", "--version", "1", "--pdf", pdf)
	if !strings.Contains(out, "version 1 of 2") || !strings.Contains(out, "intact") || !strings.Contains(out, "启动电容 35μF × 1") {
		t.Errorf("report show --version 1:\n%s", out)
	}
	if b, err := os.ReadFile(pdf); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Errorf("--pdf wrote %d bytes, %v", len(b), err)
	}
	if r := d.run("report", "show", "1", "--version", "5"); r.code != 1 || !strings.Contains(r.stderr, "versions are 1 to 2") {
		t.Errorf("a missing version: exit %d, %s", r.code, r.stderr)
	}
}
