package chantest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// WeChatSent is one message the fake WeChat API accepted.
type WeChatSent struct {
	Path        string
	ToUser      string
	TemplateID  string
	URL         string
	Page        string
	State       string
	ClientMsgID string
	Data        map[string]string
}

// WeChat is an httptest server speaking WeChat's documented APIs:
// GET /cgi-bin/token?grant_type=client_credential&appid=…&secret=… →
// {"access_token","expires_in"}; POST /cgi-bin/message/template/send and
// /cgi-bin/message/subscribe/send?access_token=… → {"errcode":0,"errmsg":"ok","msgid":N},
// with errcodes 40001/42001 for a stale token, 45009 for the rate limit,
// 43004 for a non-follower and 43101 for a refused subscription.
type WeChat struct {
	*httptest.Server
	AppID, Secret string
	// Followers are the open IDs that follow the official account (nil: all do).
	Followers map[string]bool

	mu          sync.Mutex
	tokens      int    // tokens issued
	valid       string // the one valid token
	rateLimited int    // send calls to answer with 45009
	down        bool   // answer HTTP 503
	sent        []WeChatSent
	seenMsgIDs  map[string]int64
	nextMsgID   int64

	// Web authorisation (OAuth2 snsapi_base) and the mini program's login:
	// UserOpenID is who is "in WeChat" when /connect/oauth2/authorize is
	// opened; codes are single-use, each for one open ID; MiniCodes are the
	// wx.login codes code2session accepts.
	UserOpenID string
	codes      map[string]string
	nextCode   int
	MiniCodes  map[string]string
}

// NewWeChat starts the fake.
func NewWeChat(tb testing.TB) *WeChat {
	w := &WeChat{AppID: "wx-app", Secret: "wx-secret-0123456789", seenMsgIDs: map[string]int64{}, nextMsgID: 1000,
		codes: map[string]string{}, MiniCodes: map[string]string{}}
	w.Server = httptest.NewServer(http.HandlerFunc(w.serve))
	tb.Cleanup(w.Close)
	return w
}

// ExpireToken makes the current access token stale (as when it expires or
// another process fetched a new one).
func (w *WeChat) ExpireToken() { w.mu.Lock(); w.valid = "expired-by-test"; w.mu.Unlock() }

// RateLimit answers the next n sends with 45009.
func (w *WeChat) RateLimit(n int) { w.mu.Lock(); w.rateLimited = n; w.mu.Unlock() }

// SetDown makes the API answer 503 (true) or work again (false).
func (w *WeChat) SetDown(down bool) { w.mu.Lock(); w.down = down; w.mu.Unlock() }

// Tokens is how many access tokens were issued.
func (w *WeChat) Tokens() int { w.mu.Lock(); defer w.mu.Unlock(); return w.tokens }

// Sent returns the accepted messages.
func (w *WeChat) Sent() []WeChatSent {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]WeChatSent(nil), w.sent...)
}

func reply(rw http.ResponseWriter, v any) {
	rw.Header().Set("Content-Type", "application/json; encoding=utf-8")
	_ = json.NewEncoder(rw).Encode(v)
}

func (w *WeChat) serve(rw http.ResponseWriter, r *http.Request) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.down {
		http.Error(rw, "unavailable", http.StatusServiceUnavailable)
		return
	}
	q := r.URL.Query()
	switch r.URL.Path {
	case "/connect/oauth2/authorize":
		// open.weixin.qq.com: the user (UserOpenID) agrees silently
		// (snsapi_base) and comes back to redirect_uri with a code and the state.
		if q.Get("appid") != w.AppID || q.Get("response_type") != "code" || q.Get("scope") != "snsapi_base" || q.Get("redirect_uri") == "" {
			http.Error(rw, "bad authorize request", http.StatusBadRequest)
			return
		}
		w.nextCode++
		code := fmt.Sprintf("CODE%04d", w.nextCode)
		w.codes[code] = w.UserOpenID
		sep := "?"
		if strings.Contains(q.Get("redirect_uri"), "?") {
			sep = "&"
		}
		http.Redirect(rw, r, q.Get("redirect_uri")+sep+"code="+code+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	case "/sns/oauth2/access_token":
		if q.Get("appid") != w.AppID || q.Get("secret") != w.Secret || q.Get("grant_type") != "authorization_code" {
			reply(rw, map[string]any{"errcode": 40013, "errmsg": "invalid appid"})
			return
		}
		openid, ok := w.codes[q.Get("code")]
		delete(w.codes, q.Get("code")) // a code works once
		if !ok || openid == "" {
			reply(rw, map[string]any{"errcode": 40029, "errmsg": "invalid code"})
			return
		}
		reply(rw, map[string]any{"access_token": "WEB_TOKEN", "expires_in": 7200, "refresh_token": "REFRESH", "openid": openid, "scope": "snsapi_base"})
	case "/sns/jscode2session":
		if q.Get("appid") != w.AppID || q.Get("secret") != w.Secret || q.Get("grant_type") != "authorization_code" {
			reply(rw, map[string]any{"errcode": 40013, "errmsg": "invalid appid"})
			return
		}
		openid, ok := w.MiniCodes[q.Get("js_code")]
		delete(w.MiniCodes, q.Get("js_code"))
		if !ok {
			reply(rw, map[string]any{"errcode": 40029, "errmsg": "invalid code"})
			return
		}
		reply(rw, map[string]any{"openid": openid, "session_key": "SESSION_KEY"})
	case "/cgi-bin/token":
		if r.Method != http.MethodGet || q.Get("grant_type") != "client_credential" {
			reply(rw, map[string]any{"errcode": 40002, "errmsg": "invalid grant_type"})
			return
		}
		if q.Get("appid") != w.AppID || q.Get("secret") != w.Secret {
			reply(rw, map[string]any{"errcode": 40013, "errmsg": "invalid appid"})
			return
		}
		w.tokens++
		w.valid = fmt.Sprintf("ACCESS_TOKEN_%d", w.tokens)
		reply(rw, map[string]any{"access_token": w.valid, "expires_in": 7200})
	case "/cgi-bin/message/template/send", "/cgi-bin/message/subscribe/send":
		if r.Method != http.MethodPost {
			reply(rw, map[string]any{"errcode": 43002, "errmsg": "require POST method"})
			return
		}
		tok := q.Get("access_token")
		if tok == "" || tok != w.valid {
			if tok == "expired-by-test" || len(tok) > 0 {
				reply(rw, map[string]any{"errcode": 42001, "errmsg": "access_token expired"})
				return
			}
			reply(rw, map[string]any{"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"})
			return
		}
		if w.rateLimited > 0 {
			w.rateLimited--
			reply(rw, map[string]any{"errcode": 45009, "errmsg": "reach max api daily quota limit"})
			return
		}
		var body struct {
			ToUser      string                       `json:"touser"`
			TemplateID  string                       `json:"template_id"`
			URL         string                       `json:"url"`
			Page        string                       `json:"page"`
			State       string                       `json:"miniprogram_state"`
			ClientMsgID string                       `json:"client_msg_id"`
			Data        map[string]map[string]string `json:"data"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.ToUser == "" || body.TemplateID == "" {
			reply(rw, map[string]any{"errcode": 47001, "errmsg": "data format error"})
			return
		}
		if w.Followers != nil && !w.Followers[body.ToUser] {
			if r.URL.Path == "/cgi-bin/message/template/send" {
				reply(rw, map[string]any{"errcode": 43004, "errmsg": "require subscribe"})
			} else {
				reply(rw, map[string]any{"errcode": 43101, "errmsg": "user refuse to accept the msg"})
			}
			return
		}
		if id, ok := w.seenMsgIDs[body.ToUser+"/"+body.ClientMsgID]; ok && body.ClientMsgID != "" {
			reply(rw, map[string]any{"errcode": 0, "errmsg": "ok", "msgid": id}) // de-duplicated
			return
		}
		w.nextMsgID++
		if body.ClientMsgID != "" {
			w.seenMsgIDs[body.ToUser+"/"+body.ClientMsgID] = w.nextMsgID
		}
		s := WeChatSent{Path: r.URL.Path, ToUser: body.ToUser, TemplateID: body.TemplateID, URL: body.URL, Page: body.Page, State: body.State, ClientMsgID: body.ClientMsgID, Data: map[string]string{}}
		for k, v := range body.Data {
			s.Data[k] = v["value"]
		}
		w.sent = append(w.sent, s)
		reply(rw, map[string]any{"errcode": 0, "errmsg": "ok", "msgid": w.nextMsgID})
	default:
		http.NotFound(rw, r)
	}
}
