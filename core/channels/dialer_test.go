package channels_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/core/channels"
)

// TestDialHelper is not a test: the dial command test runs this test binary as
// the "softphone", which writes the arguments it received to the file named
// by its last argument.
func TestDialHelper(t *testing.T) {
	if os.Getenv("SWITCHBOARD_DIAL_HELPER") != "1" {
		t.Skip("runs only as the dial command of TestDialCommandRuns")
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	b, _ := json.Marshal(args)
	if err := os.WriteFile(args[len(args)-1], b, 0o600); err != nil {
		os.Exit(3)
	}
}

// TestDialCommandRuns (R-FU-5): the command template runs as a real process,
// without a shell, with {phone} replaced inside its one argument by the
// checked number; a hostile phone never runs anything.
func TestDialCommandRuns(t *testing.T) {
	t.Setenv("SWITCHBOARD_DIAL_HELPER", "1")
	out := filepath.Join(t.TempDir(), "argv.json")
	tmpl := strings.Join([]string{quote(os.Args[0]), "-test.run=^TestDialHelper$", "--", "'call {phone} now'", "sip:{phone}@pbx", quote(out)}, " ")
	d := channels.NewDialer()
	cfg := core.DialerConfig{Command: tmpl}
	if _, err := d.Dial(context.Background(), cfg, core.DialCall{Phone: "+86 (138) 0013-8000", Task: 7, Agent: "amy"}); err != nil {
		t.Fatal(err)
	}
	var got []string
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := []string{"call +8613800138000 now", "sip:+8613800138000@pbx", out}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("the softphone got %q, want %q", got, want)
	}
	os.Remove(out)
	marker := filepath.Join(t.TempDir(), "pwned")
	for _, bad := range []string{"138; touch " + marker, "$(touch " + marker + ")", "138 `touch " + marker + "`"} {
		if _, err := d.Dial(context.Background(), cfg, core.DialCall{Phone: bad}); err == nil {
			t.Errorf("dialled %q", bad)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a hostile phone ran the command")
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("a hostile phone reached a shell")
	}
	// A command that hangs is stopped by the timeout.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := d.Dial(ctx, core.DialerConfig{Command: "sleep 30 {phone}"}, core.DialCall{Phone: "123"}); err == nil || !strings.Contains(err.Error(), "in time") {
		t.Fatalf("hanging command: %v", err)
	}
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// TestDialWebhook (R-FU-5): the click-to-call webhook gets {phone, task,
// agent} as JSON on a real loopback server; an error status is reported.
func TestDialWebhook(t *testing.T) {
	got := make(chan map[string]any, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "want a JSON POST", http.StatusBadRequest)
			return
		}
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		json.Unmarshal(b, &m)
		if m["phone"] == "000" {
			http.Error(w, "line busy", http.StatusServiceUnavailable)
			return
		}
		got <- m
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	d := channels.NewDialer()
	cfg := core.DialerConfig{Webhook: srv.URL + "/call"}
	if _, err := d.Dial(context.Background(), cfg, core.DialCall{Phone: "+8613800138000", Task: 42, Agent: "amy"}); err != nil {
		t.Fatal(err)
	}
	m := <-got
	if m["phone"] != "+8613800138000" || m["task"] != float64(42) || m["agent"] != "amy" {
		t.Fatalf("webhook body %v", m)
	}
	if _, err := d.Dial(context.Background(), cfg, core.DialCall{Phone: "000"}); err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("error status: %v", err)
	}
}

// TestDialFromTheAgentsAccount (seed 002 §6.2, issue 20.11): each agent's
// call account goes to the dialer — {account} in the command, "account" in
// the webhook — and an account that could split arguments is refused.
func TestDialFromTheAgentsAccount(t *testing.T) {
	t.Setenv("SWITCHBOARD_DIAL_HELPER", "1")
	out := filepath.Join(t.TempDir(), "argv.json")
	tmpl := strings.Join([]string{quote(os.Args[0]), "-test.run=^TestDialHelper$", "--", "--identity", "sip:{account}@pbx", "'call {phone}'", quote(out)}, " ")
	d := channels.NewDialer()
	if _, err := d.Dial(context.Background(), core.DialerConfig{Command: tmpl}, core.DialCall{Phone: "13800138000", Account: "8001"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	_ = json.Unmarshal(b, &got)
	if strings.Join(got[:3], "|") != "--identity|sip:8001@pbx|call 13800138000" {
		t.Fatalf("the softphone got %q", got)
	}
	if _, err := d.Dial(context.Background(), core.DialerConfig{Command: tmpl}, core.DialCall{Phone: "13800138000"}); err == nil || !strings.Contains(err.Error(), "call-account") {
		t.Fatalf("no account: %v", err)
	}
	if _, err := d.Dial(context.Background(), core.DialerConfig{Command: tmpl}, core.DialCall{Phone: "13800138000", Account: "8001 --evil"}); err == nil {
		t.Fatal("an account with a space was dialled")
	}
	got2 := make(chan map[string]any, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		_ = json.NewDecoder(r.Body).Decode(&m)
		got2 <- m
	}))
	defer srv.Close()
	if _, err := d.Dial(context.Background(), core.DialerConfig{Webhook: srv.URL}, core.DialCall{Phone: "13800138000", Agent: "amy", Account: "8001"}); err != nil {
		t.Fatal(err)
	}
	if m := <-got2; m["account"] != "8001" {
		t.Fatalf("webhook body %v", m)
	}
}
