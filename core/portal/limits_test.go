package portal_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"switchboard/core"
	"switchboard/core/portal"
)

// from is a client whose connections come from the loopback address ip.
func (e *env) from(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{
		Transport:     &http.Transport{DialContext: func(ctx context.Context, n, a string) (net.Conn, error) { return d.DialContext(ctx, n, a) }},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func (e *env) postFrom(c *http.Client, path string, v url.Values) int {
	e.t.Helper()
	r, err := c.PostForm(e.srv.URL+path, v)
	if err != nil {
		e.t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, r.Body)
	r.Body.Close()
	return r.StatusCode
}

// TestFormLimitsCountNetworks (issue 18.5, R-SEC-1): forty posts from forty
// addresses of one /24 share one bucket — the burst gets through, the rest
// get 429 — and posts from many networks together stop at the ceiling for
// all anonymous writes.
func TestFormLimitsCountNetworks(t *testing.T) {
	e := newEnv(t, func(c *portal.Config) {
		c.SubmitRate, c.SubmitBurst = rate.Every(time.Hour), 5
		c.WriteCeiling, c.WriteCeilingBurst = rate.Every(time.Hour), 12
	})
	made := 0
	for i := 2; i < 42; i++ {
		if e.postFrom(e.from(fmt.Sprintf("127.0.0.%d", i)), "/submit", url.Values{"nonce": {core.NewToken()}, "subject": {"one network"}}) == http.StatusSeeOther {
			made++
		}
	}
	if made != 5 || e.count() != 5 {
		t.Fatalf("40 addresses of 127.0.0.0/24 made %d work orders (%d stored), want the burst of 5", made, e.count())
	}
	codes := map[int]int{}
	for i := 1; i <= 20; i++ {
		codes[e.postFrom(e.from(fmt.Sprintf("127.0.%d.1", i)), "/submit", url.Values{"nonce": {core.NewToken()}, "subject": {"many networks"}})]++
	}
	// 5 of the ceiling's 12 went to the first network.
	if codes[http.StatusSeeOther] != 7 || codes[http.StatusTooManyRequests] != 13 || e.count() != 12 {
		t.Fatalf("20 networks: %v, %d stored; want 7 more then 429 at the ceiling of 12", codes, e.count())
	}
}

// TestWrongAPIKeysAreLimitedBeforeAuthentication (issue 18.5): 500 requests
// with a wrong key from one address get a handful of 401s, then 429 without
// the key being looked at — and the log does not get a line for each.
func TestWrongAPIKeysAreLimitedBeforeAuthentication(t *testing.T) {
	var logged bytes.Buffer
	e := newEnv(t, func(c *portal.Config) { c.Log = slog.New(slog.NewTextHandler(&logged, nil)) })
	codes := map[int]int{}
	for range 500 {
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/work-orders", nil)
		req.Header.Set("Authorization", "Bearer sk_wrong_"+core.NewToken())
		r := e.do(req)
		codes[r.status]++
		if r.status == http.StatusTooManyRequests && (r.header.Get("Retry-After") == "" || !strings.Contains(r.body, "wrong API key")) {
			t.Fatalf("429 without Retry-After or reason: %v %s", r.header, r.body)
		}
	}
	if codes[http.StatusUnauthorized] != 10 || codes[http.StatusTooManyRequests] != 490 {
		t.Fatalf("500 wrong keys: %v; want 10 × 401 then 429", codes)
	}
	if n := strings.Count(logged.String(), "api: refused"); n > 10 {
		t.Fatalf("%d log lines for refused keys", n)
	}
}

// TestPhoneCodesLimitedPerNetwork (issue 18.3): one network asks for codes
// to five phones, then is told to wait — SMS cost money and reach other
// people's phones — while the form keeps what was typed.
func TestPhoneCodesLimitedPerNetwork(t *testing.T) {
	e := newEnv(t, nil)
	on := true
	if _, err := e.svc.SetChannelConfig(e.admin(), core.NoticeSMS, &on, map[string]string{"access_key_id": "k", "access_key_secret": "s", "sign_name": "n", "template_code": "T"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddSMSCredits(e.admin(), 100); err != nil {
		t.Fatal(err)
	}
	sent := 0
	for i := range 7 {
		r := e.post("/submit/customer", url.Values{"nonce": {core.NewToken()}, "name": {"x"}, "phone": {fmt.Sprintf("1380013800%d", i)}, "subject": {"kept subject"}, "op": {"code"}, "lang": {"en"}})
		switch {
		case strings.Contains(r.body, `id="code-sent"`):
			sent++
		case !strings.Contains(r.body, "Too many codes were asked for from your network") || !strings.Contains(r.body, "kept subject"):
			t.Fatalf("code %d: %d %s", i, r.status, r.body)
		}
	}
	if sent != 5 {
		t.Fatalf("%d codes sent from one network, want 5", sent)
	}
}
