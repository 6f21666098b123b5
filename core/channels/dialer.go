package channels

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"

	"switchboard/core"
)

// Dialer places follow-up calls (R-FU-5) through the configured integration:
// a command run directly (exec, never a shell) with {phone} substituted inside
// one argument, or an HTTP click-to-call webhook that receives
// {"phone", "task", "agent"} as JSON. The caller's context bounds both.
type Dialer struct {
	// Client posts to webhooks; nil uses a client without redirects.
	Client *http.Client
}

// NewDialer returns the dialer the program wires into the service.
func NewDialer() *Dialer { return &Dialer{} }

// Dial places one call and returns a short description of what happened.
func (d *Dialer) Dial(ctx context.Context, cfg core.DialerConfig, call core.DialCall) (string, error) {
	switch {
	case cfg.Command != "":
		return d.command(ctx, cfg.Command, call)
	case cfg.Webhook != "":
		return d.webhook(ctx, cfg.Webhook, call)
	}
	return "", errors.New("no call integration is set")
}

func (d *Dialer) command(ctx context.Context, tmpl string, call core.DialCall) (string, error) {
	argv, err := core.DialArgvFrom(tmpl, call.Phone, call.Account)
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var out limitedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	text := strings.TrimSpace(out.String())
	if ctx.Err() != nil {
		return text, fmt.Errorf("the dial command %s did not finish in time", argv[0])
	}
	if err != nil {
		if text != "" {
			return text, fmt.Errorf("the dial command %s failed: %v: %s", argv[0], err, oneLine(text))
		}
		return text, fmt.Errorf("the dial command %s failed: %v", argv[0], err)
	}
	return fmt.Sprintf("ran %s", argv[0]), nil
}

func (d *Dialer) webhook(ctx context.Context, url string, call core.DialCall) (string, error) {
	body, err := json.Marshal(call)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "switchboard-dialer")
	c := d.Client
	if c == nil {
		c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	resp, err := c.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("the click-to-call webhook did not answer in time")
		}
		return "", fmt.Errorf("the click-to-call webhook is unreachable: %v", err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("the click-to-call webhook answered %s: %s", resp.Status, oneLine(string(msg)))
	}
	return fmt.Sprintf("webhook answered %s", resp.Status), nil
}

// limitedBuffer keeps the first 4 KiB a command prints.
type limitedBuffer struct{ bytes.Buffer }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := 4096 - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
