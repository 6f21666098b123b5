package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/store"
)

// corpus is the mail corpus of core/mailin.
func corpus(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "core", "mailin", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// stdin runs switchboard --db path args… with input on stdin.
func (d *db) stdin(input []byte, args ...string) result {
	d.t.Helper()
	cmd := exec.Command(binary, append([]string{"--db", d.path}, args...)...)
	cmd.Env = env(d.t, d.home)
	cmd.Stdin = bytes.NewReader(input)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		d.t.Fatal(err)
	}
	return r
}

// TestMailIngestCLI (R-IN-5, R-APP-3): `mail ingest` through the real binary:
// a message becomes a work order with its owner, a reply lands in its history,
// attachments are listed and saved, broken mail is quarantined (exit 0) and can
// be shown raw, released and deleted.
func TestMailIngestCLI(t *testing.T) {
	d := newDB(t)
	var c map[string]any
	d.okJSON(&c, "contact", "add", "--name", "王芳", "--email", "wang.fang@customer.example.com", "--account", "上海浦东仓储", "--terminal-user")

	r := d.stdin(corpus(t, "01-plain.eml"), "mail", "ingest")
	if r.code != 0 || !strings.Contains(r.stdout, "accepted: created WO-000001 from 王芳 <wang.fang@customer.example.com>") {
		t.Fatalf("ingest: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	var w map[string]any
	d.okJSON(&w, "wo", "show", "1", "--json")
	if w["channel"] != "email" || w["out_owner"] != c["terminal_user_id"] || w["subject"] != "冷库温度过高，请尽快派人" || w["created_by"] != "email" {
		t.Errorf("wo show: channel %v owner %v (want %v) subject %v by %v", w["channel"], w["out_owner"], c["terminal_user_id"], w["subject"], w["created_by"])
	}

	r = d.stdin(corpus(t, "14-reply-in-reply-to.eml"), "mail", "ingest", "--json")
	var rec map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rec); r.code != 0 || err != nil || rec["outcome"] != "appended" || rec["number"] != "WO-000001" {
		t.Fatalf("reply: exit %d %q %v", r.code, r.stdout, err)
	}
	if out := d.ok("wo", "show", "1"); !strings.Contains(out, "email-reply") || !strings.Contains(out, "温度现在已经升到 0°C") {
		t.Errorf("wo show after the reply:\n%s", out)
	}

	r = d.stdin(corpus(t, "07-attachments.eml"), "mail", "ingest")
	if r.code != 0 || !strings.Contains(r.stdout, "created WO-000002") {
		t.Fatalf("attachments: %d %q %q", r.code, r.stdout, r.stderr)
	}
	out := d.ok("wo", "show", "2")
	for _, want := range []string{"Attachments (3;", "报价单.pdf", "application/pdf", "controller.log", "nameplate.jpg"} {
		if !strings.Contains(out, want) {
			t.Errorf("wo show 2 lacks %q:\n%s", want, out)
		}
	}
	var shown struct {
		Attachments []struct {
			ID          int    `json:"id"`
			Filename    string `json:"filename"`
			ContentType string `json:"content_type"`
		} `json:"attachments"`
	}
	d.okJSON(&shown, "wo", "show", "2", "--json")
	if len(shown.Attachments) != 3 || shown.Attachments[0].Filename != "报价单.pdf" {
		t.Fatalf("wo show --json attachments: %+v", shown.Attachments)
	}
	file := filepath.Join(d.home, "quote.pdf")
	d.ok("wo", "attachment", "2", jsonID(float64(shown.Attachments[0].ID)), "--out", file)
	if b, _ := os.ReadFile(file); !bytes.HasPrefix(b, []byte("%PDF-1.4")) {
		t.Errorf("saved attachment: %q", b)
	}

	// Broken mail: exit 0 (it is safe with us), quarantined, raw bytes intact.
	broken := corpus(t, "17-broken-base64.eml")
	r = d.stdin(broken, "mail", "ingest")
	if r.code != 0 || !strings.Contains(r.stdout, "quarantined as mail 4") {
		t.Fatalf("broken: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	var q []map[string]any
	d.okJSON(&q, "mail", "quarantine", "--json")
	if len(q) != 1 || q[0]["subject"] != "Chiller noise" || !strings.Contains(q[0]["reason"].(string), "base64") {
		t.Fatalf("quarantine: %v", q)
	}
	if raw := d.ok("mail", "quarantine", "show", "4", "--raw"); raw != string(broken) {
		t.Errorf("raw bytes differ: %d vs %d bytes", len(raw), len(broken))
	}
	if r := d.run("mail", "release", "4"); r.code != 1 || !strings.Contains(r.stderr, "--force") {
		t.Errorf("release without --force: %d %q", r.code, r.stderr)
	}
	if out := d.ok("mail", "release", "4", "--force"); !strings.Contains(out, "released: mail 4 became WO-000003") {
		t.Errorf("release --force: %q", out)
	}
	if r := d.run("mail", "quarantine", "delete", "4"); r.code != 1 || !strings.Contains(r.stderr, "not in quarantine") {
		t.Errorf("deleting a released message: %d %q", r.code, r.stderr)
	}
	d.stdin(corpus(t, "16-broken-no-boundary.eml"), "mail", "ingest")
	if out := d.ok("mail", "quarantine", "delete", "5"); !strings.Contains(out, "Deleted quarantined mail 5 (Pump failure)") {
		t.Errorf("delete: %q", out)
	}
	if out := d.ok("mail", "quarantine"); !strings.Contains(out, "The quarantine is empty.") {
		t.Errorf("quarantine after delete: %q", out)
	}
	if out := d.ok("mail", "log"); !strings.Contains(out, "deleted") || !strings.Contains(out, "released") || !strings.Contains(out, "appended") {
		t.Errorf("mail log:\n%s", out)
	}

	// An auto-reply is recorded, exit 0, not a work order.
	r = d.stdin(corpus(t, "10-autoreply.eml"), "mail", "ingest")
	if r.code != 0 || !strings.Contains(r.stdout, "not taken in (auto)") {
		t.Errorf("auto-reply: %d %q", r.code, r.stdout)
	}
	if n := len(d.numbers()); n != 3 {
		t.Errorf("%d work orders, want 3", n)
	}
}

// TestMailIngestTempFail (R-IN-5): when another process holds the database, the
// message is not lost: exit 75 (EX_TEMPFAIL) tells the mail gateway to retry.
func TestMailIngestTempFail(t *testing.T) {
	d := newDB(t)
	d.ok("user", "list")
	st, err := store.Open(d.path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := d.stdin(corpus(t, "01-plain.eml"), "mail", "ingest")
	st.Close()
	if r.code != 75 || !strings.Contains(r.stderr, "in use") {
		t.Fatalf("exit %d, %q; want 75 and the in-use sentence", r.code, r.stderr)
	}
	if r := d.stdin(corpus(t, "01-plain.eml"), "mail", "ingest"); r.code != 0 {
		t.Fatalf("the retry: exit %d %q", r.code, r.stderr)
	}
	if got := d.numbers(); len(got) != 1 {
		t.Fatalf("after the retry: %v", got)
	}
	big := append([]byte("From: a@b.example.com\r\nSubject: big\r\n\r\n"), bytes.Repeat([]byte("x"), 26<<20)...)
	if r := d.stdin(big, "mail", "ingest"); r.code != 1 || !strings.Contains(r.stderr, "larger than 25.0 MB") {
		t.Fatalf("26 MB message: exit %d %q", r.code, r.stderr)
	}
}

// TestMailRulesCLI (R-IN-5, R-DISP-6): mail rules through `rule --kind mail`:
// added, listed in order, tried on received mail, applied to new mail.
func TestMailRulesCLI(t *testing.T) {
	d := newDB(t)
	var r1, r2 map[string]any
	d.okJSON(&r1, "rule", "add", "--kind", "mail", "--name", "VIP", "--when", `from_domain == "vip.example.com"`, "--type", "maintenance", "--priority", "urgent", "--region", "East")
	d.okJSON(&r2, "rule", "add", "--kind", "mail", "--name", "Everything else", "--when", "true", "--priority", "low")
	if r1["priority"] != float64(1) || r2["priority"] != float64(2) {
		t.Fatalf("priorities %v %v", r1["priority"], r2["priority"])
	}
	if r := d.run("rule", "add", "--kind", "mail", "--name", "bad", "--when", `region == "East"`); r.code != 1 || !strings.Contains(r.stderr, "unknown name region") || !strings.Contains(r.stderr, "from_domain") {
		t.Errorf("a work-order field in a mail rule: %d %q", r.code, r.stderr)
	}
	if r := d.run("rule", "add", "--kind", "mail", "--name", "x", "--when", "true", "--engineer", "1"); r.code != 2 {
		t.Errorf("a mail rule with an engineer: exit %d %q", r.code, r.stderr)
	}
	out := d.ok("rule", "list", "--kind", "mail")
	if !strings.Contains(out, "type Maintenance, priority urgent, region East") || strings.Index(out, "VIP") > strings.Index(out, "Everything else") {
		t.Errorf("rule list:\n%s", out)
	}
	var dispatch []any
	d.okJSON(&dispatch, "rule", "list", "--kind", "dispatch", "--json")
	if len(dispatch) != 0 {
		t.Errorf("mail rules listed as dispatch rules: %v", dispatch)
	}
	if r := d.stdin(corpus(t, "20-vip-rule.eml"), "mail", "ingest"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	d.stdin(corpus(t, "02-alternative.eml"), "mail", "ingest")
	var w1, w2 map[string]any
	d.okJSON(&w1, "wo", "show", "1", "--json")
	d.okJSON(&w2, "wo", "show", "2", "--json")
	if w1["record_type"] != "Maintenance" || w1["priority"] != "urgent" || w1["region"] != "East" || w2["priority"] != "low" || w2["record_type"] != "Repair" {
		t.Errorf("rules applied: %v %v %v / %v %v", w1["record_type"], w1["priority"], w1["region"], w2["record_type"], w2["priority"])
	}
	d.ok("rule", "move", jsonID(r2["id"]), "--to", "1")
	out = d.ok("rule", "test", jsonID(r1["id"]), "2")
	if !strings.Contains(out, "does not match mail 2") || !strings.Contains(out, `from_domain is "northwind.example.com"`) {
		t.Errorf("rule test on mail 2: %q", out)
	}
	out = d.ok("rule", "test", jsonID(r1["id"]), "1")
	if !strings.Contains(out, "matches mail 1") {
		t.Errorf("rule test on mail 1: %q", out)
	}
}

// TestMailPollAndSettingsCLI (R-IN-5): the saved Maildir is polled once by
// `mail poll`; files move from new/ to cur/.
func TestMailPollAndSettingsCLI(t *testing.T) {
	d := newDB(t)
	md := filepath.Join(d.home, "Maildir")
	if r := d.run("mail", "settings", "--maildir", md); r.code != 1 || !strings.Contains(r.stderr, "not a Maildir") {
		t.Fatalf("a missing Maildir: %d %q", r.code, r.stderr)
	}
	for _, sub := range []string{"new", "cur", "tmp"} {
		if err := os.MkdirAll(filepath.Join(md, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	var set map[string]any
	d.okJSON(&set, "mail", "settings", "--maildir", md, "--poll", "30s", "--max-attachment", "2MB", "--json")
	if set["maildir"] != md || set["poll_seconds"] != float64(30) || set["max_attachment_bytes"] != float64(2<<20) {
		t.Fatalf("settings: %v", set)
	}
	if r := d.run("--as", "nobody", "mail", "settings", "--poll", "5s"); r.code != 1 {
		t.Errorf("an unknown user changed settings: %d", r.code)
	}
	for i, f := range []string{"04-gbk.eml", "05-big5.eml"} {
		if err := os.WriteFile(filepath.Join(md, "new", "1762000000.M"+string(rune('1'+i))+".host"), corpus(t, f), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out := d.ok("mail", "poll")
	if strings.Count(out, "accepted: created") != 2 {
		t.Fatalf("poll:\n%s", out)
	}
	if left, _ := os.ReadDir(filepath.Join(md, "new")); len(left) != 0 {
		t.Errorf("new/ still has %d files", len(left))
	}
	if out := d.ok("mail", "poll"); !strings.Contains(out, "No new mail") {
		t.Errorf("second poll: %q", out)
	}
	var rows []map[string]any
	d.okJSON(&rows, "wo", "list", "--json")
	if len(rows) != 2 || rows[0]["subject"] != "電梯故障，請派員處理" || rows[1]["subject"] != "空调外机噪音大，需要检修" {
		t.Errorf("work orders: %v", rows)
	}
}

// TestServePollsMaildir (R-IN-5): `switchboard serve` polls the saved Maildir by
// itself: a message dropped into new/ becomes a work order and moves to cur/.
func TestServePollsMaildir(t *testing.T) {
	d := newDB(t)
	md := filepath.Join(d.home, "Maildir")
	for _, sub := range []string{"new", "cur", "tmp"} {
		if err := os.MkdirAll(filepath.Join(md, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	d.ok("mail", "settings", "--maildir", md, "--poll", "1s")
	cmd := exec.Command(binary, "--db", d.path, "serve", "--listen", freeAddr(t))
	cmd.Env = env(t, d.home)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	// Delivered the Maildir way: written in tmp/, then renamed into new/.
	tmp := filepath.Join(md, "tmp", "1762000001.M1.host")
	if err := os.WriteFile(tmp, corpus(t, "05-big5.eml"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(md, "new", "1762000001.M1.host")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		cur, _ := os.ReadDir(filepath.Join(md, "cur"))
		if len(cur) == 1 && strings.HasSuffix(cur[0].Name(), ":2,S") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not take the message in: cur/ has %v", cur)
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
	var rows []map[string]any
	d.okJSON(&rows, "wo", "list", "--json")
	if len(rows) != 1 || rows[0]["subject"] != "電梯故障，請派員處理" || rows[0]["channel"] != "email" {
		t.Fatalf("work orders: %v", rows)
	}
}
