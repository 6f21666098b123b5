package channels

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"switchboard/core"
)

// WeChat error codes the senders act on (developers.weixin.qq.com, 全局返回码).
const (
	wxInvalidCredential = 40001 // access_token invalid (replaced by a newer one)
	wxInvalidToken      = 40014 // access_token malformed
	wxTokenExpired      = 42001 // access_token expired
	wxInvalidOpenID     = 40003
	wxRateLimited       = 45009 // api freq out of limit
	wxRequireSubscribe  = 43004 // the user does not follow the official account
	wxSubscribeRefused  = 43101 // the user did not accept the subscribe message
	wxSystemBusy        = -1
)

// RateLimitBackoff is the least wait after WeChat's 45009 or SMS flow control.
var RateLimitBackoff = time.Minute

// wxToken fetches and caches an access token (GET /cgi-bin/token), refreshing it
// shortly before expires_in runs out or when the API says it is no longer valid.
type wxToken struct {
	base, appID, secret string
	client              *http.Client
	now                 func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

type wxReply struct {
	ErrCode     int    `json:"errcode"`
	ErrMsg      string `json:"errmsg"`
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
	MsgID       int64  `json:"msgid"`
}

func (t *wxToken) get(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != "" && t.now().Before(t.expires) {
		return t.token, nil
	}
	if t.appID == "" || t.secret == "" {
		return "", temporary("config", "WeChat is not configured: set app_id and app_secret with `switchboard notify channel set`")
	}
	q := url.Values{"grant_type": {"client_credential"}, "appid": {t.appID}, "secret": {t.secret}}
	var r wxReply
	if err := wxCall(ctx, t.client, http.MethodGet, t.base+"/cgi-bin/token?"+q.Encode(), nil, &r); err != nil {
		return "", err
	}
	if r.ErrCode != 0 || r.AccessToken == "" {
		return "", wxError("token", r)
	}
	t.token = r.AccessToken
	life := time.Duration(r.ExpiresIn) * time.Second
	if life <= 0 {
		life = 7200 * time.Second
	}
	// Refresh five minutes early (or at half-life for short tokens).
	t.expires = t.now().Add(life - min(5*time.Minute, life/2))
	return t.token, nil
}

// invalidate drops token if it is still the cached one.
func (t *wxToken) invalidate(token string) {
	t.mu.Lock()
	if t.token == token {
		t.token = ""
	}
	t.mu.Unlock()
}

// send posts body to path with a token, refreshing the token and trying once
// more when WeChat says it is invalid or expired.
func (t *wxToken) send(ctx context.Context, path string, body any) (wxReply, error) {
	for try := 0; ; try++ {
		tok, err := t.get(ctx)
		if err != nil {
			return wxReply{}, err
		}
		var r wxReply
		if err := wxCall(ctx, t.client, http.MethodPost, t.base+path+"?access_token="+url.QueryEscape(tok), body, &r); err != nil {
			return r, err
		}
		switch r.ErrCode {
		case wxInvalidCredential, wxTokenExpired, wxInvalidToken:
			t.invalidate(tok)
			if try == 0 {
				continue
			}
		}
		return r, nil
	}
}

func wxCall(ctx context.Context, client *http.Client, method, u string, body any, out *wxReply) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return permanent("json", "cannot encode the request: %v", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return temporary("request", "bad WeChat base_url: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := client.Do(req)
	if err != nil {
		return temporary("http", "WeChat is unreachable: %v", redactURL(err))
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return temporary(strconv.Itoa(resp.StatusCode), "WeChat answered HTTP %d", resp.StatusCode)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return temporary("json", "WeChat answered something that is not JSON: %.80q", raw)
	}
	return nil
}

// redactURL keeps secrets and tokens in URLs out of error messages.
func redactURL(err error) string {
	s := err.Error()
	for _, k := range []string{"secret=", "access_token=", "Signature=", "AccessKeyId="} {
		for i := strings.Index(s, k); i >= 0; {
			j := i + len(k)
			e := j
			for e < len(s) && s[e] != '&' && s[e] != '"' && s[e] != ' ' {
				e++
			}
			s = s[:j] + "…" + s[e:]
			n := strings.Index(s[j:], k)
			if n < 0 {
				break
			}
			i = j + n
		}
	}
	return s
}

func wxError(stage string, r wxReply) error {
	code := strconv.Itoa(r.ErrCode)
	msg := fmt.Sprintf("WeChat %s: %s", stage, r.ErrMsg)
	switch r.ErrCode {
	case wxRateLimited:
		return &core.SendError{Kind: core.SendRateLimited, Code: code, Msg: msg, RetryAfter: RateLimitBackoff}
	case wxRequireSubscribe:
		return notSendable(code, "the recipient does not follow the official account (%s)", r.ErrMsg)
	case wxSubscribeRefused:
		return notSendable(code, "the recipient has not accepted this subscribe message (%s)", r.ErrMsg)
	case wxInvalidOpenID:
		return notSendable(code, "the recipient's open ID is not valid for this account (%s)", r.ErrMsg)
	case wxSystemBusy, wxInvalidCredential, wxTokenExpired, wxInvalidToken, 40013, 40125, 40164:
		// busy, or token/credential trouble an admin can fix: retry later
		return temporary(code, "%s", msg)
	}
	return permanent(code, "%s", msg)
}

func clientMsgID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16])
}

// OfficialAccount sends template messages (POST /cgi-bin/message/template/send).
type OfficialAccount struct{ tok *wxToken }

// NewOfficialAccount builds the sender from resolved settings.
func NewOfficialAccount(vals map[string]string, client *http.Client, now func() time.Time) *OfficialAccount {
	return &OfficialAccount{tok: &wxToken{base: strings.TrimRight(vals["base_url"], "/"), appID: vals["app_id"], secret: vals["app_secret"], client: client, now: now}}
}

type wxValue struct {
	Value string `json:"value"`
}

// Send posts the template message; client_msg_id (from the idempotency key) makes
// WeChat drop a resend of the same message.
func (o *OfficialAccount) Send(ctx context.Context, m *core.Message) (string, error) {
	data := map[string]wxValue{}
	for _, f := range m.Content.Fields {
		data[f.Key] = wxValue{f.Value}
	}
	body := map[string]any{
		"touser": m.Recipient.Address, "template_id": m.Content.TemplateID,
		"data": data, "client_msg_id": clientMsgID(m.Key),
	}
	if m.Content.Link != "" {
		body["url"] = m.Content.Link
	}
	r, err := o.tok.send(ctx, "/cgi-bin/message/template/send", body)
	if err != nil {
		return "", err
	}
	if r.ErrCode != 0 {
		return "", wxError("template send", r)
	}
	return strconv.FormatInt(r.MsgID, 10), nil
}

// MiniProgram sends subscribe messages (POST /cgi-bin/message/subscribe/send).
type MiniProgram struct {
	tok         *wxToken
	state, lang string
}

// NewMiniProgram builds the sender from resolved settings.
func NewMiniProgram(vals map[string]string, client *http.Client, now func() time.Time) *MiniProgram {
	return &MiniProgram{tok: &wxToken{base: strings.TrimRight(vals["base_url"], "/"), appID: vals["app_id"], secret: vals["app_secret"], client: client, now: now},
		state: vals["state"], lang: vals["lang"]}
}

// miniLimits are the documented value limits of subscribe-message field types.
var miniLimits = map[string]int{"thing": 20, "character_string": 32, "phrase": 5, "name": 10, "letter": 32, "symbol": 5, "number": 32, "car_number": 8}

func fitMiniValue(key, v string) string {
	kind := strings.TrimRight(key, "0123456789")
	n, ok := miniLimits[kind]
	if !ok || utf8.RuneCountInString(v) <= n {
		return v
	}
	r := []rune(v)
	return string(r[:n-1]) + "…"
}

// Send posts the subscribe message; values are cut to their field type's limit.
func (p *MiniProgram) Send(ctx context.Context, m *core.Message) (string, error) {
	data := map[string]wxValue{}
	for _, f := range m.Content.Fields {
		data[f.Key] = wxValue{fitMiniValue(f.Key, f.Value)}
	}
	body := map[string]any{
		"touser": m.Recipient.Address, "template_id": m.Content.TemplateID, "data": data,
		"miniprogram_state": p.state, "lang": p.lang,
	}
	if m.Content.Link != "" {
		body["page"] = m.Content.Link
	}
	r, err := p.tok.send(ctx, "/cgi-bin/message/subscribe/send", body)
	if err != nil {
		return "", err
	}
	if r.ErrCode != 0 {
		return "", wxError("subscribe send", r)
	}
	return strconv.FormatInt(r.MsgID, 10), nil
}
