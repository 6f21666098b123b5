package core_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"switchboard/core"
)

func TestNewTokenIsLongAndParses(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := core.NewToken()
		if len(tok) < 26 || seen[tok] {
			t.Fatalf("token %q too short or repeated", tok)
		}
		seen[tok] = true
		got, hash, ok := core.ParseToken(strings.ToLower(tok))
		if !ok || got != tok || string(hash) != string(core.HashToken(tok)) || len(hash) != 32 {
			t.Fatalf("ParseToken(%q) = %q, %x, %v", tok, got, hash, ok)
		}
	}
}

func TestParseTokenRefuses(t *testing.T) {
	for _, s := range []string{"", "ABC", strings.Repeat("A", 25), strings.Repeat("A", 65), strings.Repeat("A", 25) + "1", strings.Repeat("A", 25) + "=", strings.Repeat("A", 25) + "é", "../../" + strings.Repeat("A", 26)} {
		if _, _, ok := core.ParseToken(s); ok {
			t.Errorf("ParseToken(%q) accepted", s)
		}
	}
}

func TestDeviceTokenStable(t *testing.T) {
	a := core.DeviceToken([]byte("secret"), "FRZ-1")
	if a != core.DeviceToken([]byte("secret"), "FRZ-1") || a == core.DeviceToken([]byte("secret"), "FRZ-2") || a == core.DeviceToken([]byte("other"), "FRZ-1") {
		t.Fatal("device tokens must depend on exactly the secret and the code")
	}
	if _, _, ok := core.ParseToken(a); !ok || len(a) != 32 {
		t.Fatalf("device token %q does not parse", a)
	}
}

func TestLinkUsable(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Second), now.Add(time.Hour)
	cases := []struct {
		name string
		l    core.Link
		p    core.LinkPurpose
		ok   bool
	}{
		{"fresh single use", core.Link{Purpose: core.PurposeTerminalTask, ExpiresAt: &future}, core.PurposeTerminalTask, true},
		{"expired", core.Link{Purpose: core.PurposeTerminalTask, ExpiresAt: &past}, core.PurposeTerminalTask, false},
		{"expires exactly now", core.Link{Purpose: core.PurposeTerminalTask, ExpiresAt: &now}, core.PurposeTerminalTask, false},
		{"used", core.Link{Purpose: core.PurposeTerminalTask, ExpiresAt: &future, Uses: 1}, core.PurposeTerminalTask, false},
		{"multi use used", core.Link{Purpose: core.PurposeDevice, MultiUse: true, Uses: 9}, core.PurposeDevice, true},
		{"wrong purpose", core.Link{Purpose: core.PurposeDevice, MultiUse: true}, core.PurposeTerminalTask, false},
	}
	for _, c := range cases {
		err := c.l.Usable(c.p, now)
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, core.ErrLinkUnusable)) {
			t.Errorf("%s: Usable = %v", c.name, err)
		}
	}
}

func TestCheckPublicURL(t *testing.T) {
	if u, err := core.CheckPublicURL("https://svc.example.com/portal/"); err != nil || u != "https://svc.example.com/portal" {
		t.Errorf("got %q %v", u, err)
	}
	for _, bad := range []string{"", "svc.example.com", "ftp://x", "http://x/?a=1", "http://u:p@x", "javascript:alert(1)"} {
		if _, err := core.CheckPublicURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if got := core.LinkURL("http://h:1/", core.TaskPathPrefix, "TOK"); got != "http://h:1/task/TOK" {
		t.Errorf("LinkURL = %q", got)
	}
}

func FuzzParseToken(f *testing.F) {
	f.Add(core.NewToken())
	f.Add("abcdefghijklmnopqrstuvwxyz")
	f.Add("%2e%2e/" + strings.Repeat("A", 30))
	f.Fuzz(func(t *testing.T, s string) {
		tok, hash, ok := core.ParseToken(s)
		if !ok {
			return
		}
		if len(tok) != len(s) || len(hash) != 32 || string(hash) != string(core.HashToken(tok)) || !strings.EqualFold(tok, s) {
			t.Fatalf("ParseToken(%q) = %q %x", s, tok, hash)
		}
		for _, c := range tok {
			if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
				t.Fatalf("token %q has %q", tok, c)
			}
		}
	})
}
