package channels

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"switchboard/core"
)

// WeChatAuth binds customers' WeChat identities (issue 20.3): the official
// account's web authorisation (OAuth2 snsapi_base: authorize, then the code
// for an access token and the openid) and the mini program's login
// (code2session). It reads the channels' settings (environment first) at each
// call, as the outbox worker does.
type WeChatAuth struct {
	Svc    *core.Service
	Client *http.Client
	// AuthorizeBase is where customers' browsers are sent to authorise
	// (default https://open.weixin.qq.com; tests point it at a fake).
	AuthorizeBase string
	Getenv        func(string) string
}

func (a *WeChatAuth) settings(ch core.NoticeChannel) (map[string]string, bool) {
	cfg, err := a.Svc.ChannelConfig(ch)
	if err != nil || !cfg.Enabled {
		return nil, false
	}
	getenv := a.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	vals, _ := cfg.Resolve(getenv)
	return vals, vals["app_id"] != "" && vals["app_secret"] != ""
}

// AuthorizeURL is where to send a browser to learn its openid, coming back
// to redirect with a code and state; ok is false when the official account
// is not set up.
func (a *WeChatAuth) AuthorizeURL(redirect, state string) (string, bool) {
	vals, ok := a.settings(core.NoticeWeChat)
	if !ok {
		return "", false
	}
	base := a.AuthorizeBase
	if base == "" {
		base = "https://open.weixin.qq.com"
	}
	q := url.Values{"appid": {vals["app_id"]}, "redirect_uri": {redirect}, "response_type": {"code"}, "scope": {"snsapi_base"}, "state": {state}}
	return strings.TrimRight(base, "/") + "/connect/oauth2/authorize?" + q.Encode() + "#wechat_redirect", true
}

// OpenID exchanges a web-authorisation code for the official account's
// openid of the customer.
func (a *WeChatAuth) OpenID(ctx context.Context, code string) (string, error) {
	vals, ok := a.settings(core.NoticeWeChat)
	if !ok {
		return "", fmt.Errorf("the WeChat official account is not set up")
	}
	q := url.Values{"appid": {vals["app_id"]}, "secret": {vals["app_secret"]}, "code": {code}, "grant_type": {"authorization_code"}}
	return a.get(ctx, vals["base_url"], "/sns/oauth2/access_token", q)
}

// MiniOpenID exchanges a mini program's wx.login code (code2session) for
// the customer's mini-program openid.
func (a *WeChatAuth) MiniOpenID(ctx context.Context, code string) (string, error) {
	vals, ok := a.settings(core.NoticeMiniProgram)
	if !ok {
		return "", fmt.Errorf("the WeChat mini program is not set up")
	}
	q := url.Values{"appid": {vals["app_id"]}, "secret": {vals["app_secret"]}, "js_code": {code}, "grant_type": {"authorization_code"}}
	return a.get(ctx, vals["base_url"], "/sns/jscode2session", q)
}

func (a *WeChatAuth) get(ctx context.Context, base, path string, q url.Values) (string, error) {
	if base == "" {
		base = "https://api.weixin.qq.com"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+path+"?"+q.Encode(), nil)
	if err != nil {
		return "", err
	}
	c := a.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("WeChat is unreachable: %v", redactURL(err))
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	var r struct {
		OpenID  string `json:"openid"`
		ErrCode int    `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return "", fmt.Errorf("WeChat answered HTTP %d without JSON", resp.StatusCode)
	}
	if r.ErrCode != 0 || r.OpenID == "" {
		return "", fmt.Errorf("WeChat refused the code: %d %s", r.ErrCode, r.ErrMsg)
	}
	return r.OpenID, nil
}
