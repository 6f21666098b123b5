package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/core/channels/chantest"
)

// TestNotifyCLI drives the notification commands of the real binary: the preset
// matrix, toggles, templates (unknown variables refused), channel settings with
// masked secrets, SMS credits, the outbox and retry — and errors as one sentence
// with exit status 1.
func TestNotifyCLI(t *testing.T) {
	d := newDB(t)
	var presets []map[string]any
	d.okJSON(&presets, "notify", "presets", "--json")
	if len(presets) != 32 {
		t.Fatalf("presets = %d, want 32 (7 presets + the task invitation, × 4 channels)", len(presets))
	}
	d.ok("notify", "channel", "set", "email", "--enable", "host=127.0.0.1", "port=1", "username=svc", "password=correct-horse-battery-staple", "from=service@example.com")
	if out := d.ok("notify", "channel", "show", "email"); strings.Contains(out, "correct-horse") || !strings.Contains(out, "••••") {
		t.Errorf("channel show leaks or hides the password wrongly:\n%s", out)
	}
	d.ok("notify", "channel", "set", "sms", "--enable", "access_key_id=LTAI", "sign_name=华联服务")

	var wo map[string]any
	d.okJSON(&wo, "wo", "create", "--subject", "冷库温度报警", "--phone", "13800138000", "--email", "zhang@example.cn")
	var msgs []map[string]any
	d.okJSON(&msgs, "notify", "outbox", "--wo", "WO-000001", "--json")
	if len(msgs) != 2 || msgs[0]["state"] != "queued" || msgs[1]["state"] != "queued" {
		t.Fatalf("outbox after wo create = %v", msgs)
	}
	d.ok("notify", "disable", "submitted", "email")
	d.okJSON(&wo, "wo", "create", "--subject", "second", "--email", "zhang@example.cn", "--phone", "13800138000")
	d.okJSON(&msgs, "notify", "outbox", "--wo", "WO-000002", "--json")
	if len(msgs) != 1 || msgs[0]["channel"] != "sms" {
		t.Fatalf("with submitted/email disabled the outbox has %v", msgs)
	}
	if out := d.ok("notify", "presets"); !strings.Contains(out, "submitted              on      on            on   off") {
		t.Errorf("presets table:\n%s", out)
	}

	tpl := filepath.Join(d.home, "sms.txt")
	_ = os.WriteFile(tpl, []byte("Dear customer: your [Work Order #WorkOrderNumber# - #Subject#] is completed. Please evaluate: #URL# #Oops#"), 0o600)
	r := d.run("notify", "template", "set", "completed", "sms", "--file", tpl)
	if r.code != 1 || !strings.Contains(r.stderr, "unknown variable #Oops#") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("unknown variable: exit %d, stderr %q", r.code, r.stderr)
	}
	_ = os.WriteFile(tpl, []byte("Dear customer: your [Work Order #WorkOrderNumber# - #Subject#] is completed. Please evaluate: #URL#"), 0o600)
	d.ok("notify", "template", "set", "completed", "sms", "--file", tpl, "--template-id", "SMS_2001")
	var shown map[string]map[string]any
	d.okJSON(&shown, "notify", "template", "show", "completed", "sms", "--wo", "1")
	if text, _ := shown["preview"]["text"].(string); !strings.Contains(text, "[Work Order WO-000001 - 冷库温度报警] is completed") {
		t.Errorf("preview = %v", shown["preview"])
	}

	if out := d.ok("sms", "credits", "--add", "5"); strings.TrimSpace(out) != "5 SMS credits" {
		t.Errorf("sms credits --add 5 printed %q", out)
	}
	for _, bad := range [][]string{
		{"sms", "credits", "--add", "0"},
		{"notify", "retry", "999"},
		{"notify", "retry", "1"}, // queued, not failed
		{"notify", "enable", "arrived", "sms"},
		{"notify", "disable", "submitted", "fax"},
		{"notify", "outbox", "--state", "lost"},
		{"notify", "channel", "set", "email", "colour=red"},
		{"notify", "policy", "--mode", "sometimes"},
	} {
		r := d.run(bad...)
		if r.code != 1 || !strings.HasPrefix(r.stderr, "switchboard: ") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and one sentence", bad, r.code, r.stderr)
		}
	}
	d.ok("user", "add", "--login", "amy", "--name", "Amy", "--role", "call-center")
	if r := d.run("--as", "amy", "notify", "disable", "completed", "sms"); r.code != 1 || !strings.Contains(r.stderr, "needs the role admin") {
		t.Errorf("a call-center agent changed a preset: exit %d %q", r.code, r.stderr)
	}
	d.ok("notify", "policy", "--mode", "fallback", "--order", "sms,email")
}

// TestNotifyChannelTestAndDeliver: `notify channel test` sends through a real SMTP
// server with STARTTLS and auth and reports the outcome; queued messages go out
// with `notify deliver`.
func TestNotifyChannelTestAndDeliver(t *testing.T) {
	d := newDB(t)
	srv := chantest.NewSMTPServer(t, "")
	ca := filepath.Join(d.home, "ca.pem")
	if err := os.WriteFile(ca, srv.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) result {
		return sbEnv(t, d.home, []string{"SSL_CERT_FILE=" + ca, "SWITCHBOARD_EMAIL_PASSWORD=" + srv.Password}, append([]string{"--db", d.path}, args...)...)
	}
	d.ok("notify", "channel", "set", "email", "--enable", "host=127.0.0.1", "port="+srv.Port(), "username="+srv.User, "from=service@example.com")
	if r := run("notify", "channel", "show", "email", "--json"); r.code != 0 || !strings.Contains(r.stdout, `"from": "env"`) || strings.Contains(r.stdout, srv.Password) {
		t.Errorf("the password from the environment: %s %s", r.stdout, r.stderr)
	}
	r := run("notify", "channel", "test", "email", "--to", "ops@example.com")
	if r.code != 0 || !strings.Contains(r.stdout, "delivered to op***@example.com") {
		t.Fatalf("channel test: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	d.ok("wo", "create", "--subject", "deliver me", "--email", "maria@acme.example")
	if r := run("notify", "deliver"); r.code != 0 {
		t.Fatalf("deliver: %s", r.stderr)
	}
	mails := srv.WaitFor(t, 2, 5*time.Second)
	if mails[1].To[0] != "maria@acme.example" {
		t.Errorf("second mail went to %v", mails[1].To)
	}
	if r := d.run("notify", "channel", "test", "email", "--to", "not-an-address"); r.code != 1 {
		t.Errorf("a bad test address: exit %d %q", r.code, r.stderr)
	}
}
