package portal

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"switchboard/core"
)

// WeChatAuth is what the listener needs of WeChat to bind customers'
// identities (issue 20.3): the official account's web authorisation and the
// mini program's login. core/channels implements it.
type WeChatAuth interface {
	AuthorizeURL(redirect, state string) (string, bool)
	OpenID(ctx context.Context, code string) (string, error)
	MiniOpenID(ctx context.Context, code string) (string, error)
}

const (
	wxStateCookie = "sb_wx_state"
	wxTriedCookie = "sb_wx_tried"
)

// inWeChat reports whether the page is opened in WeChat's browser.
func inWeChat(r *http.Request) bool { return strings.Contains(r.UserAgent(), "MicroMessenger") }

// wechatGate runs the official account's web authorisation for a customer
// who opens their link (token) inside WeChat without a bound openid: it
// sends them to WeChat once, and on their return binds the openid and shows
// the page again without the code. It reports whether it answered.
func (s *Server) wechatGate(w http.ResponseWriter, r *http.Request, token string) bool {
	if s.cfg.WeChat == nil || !inWeChat(r) || r.Method != http.MethodGet {
		return false
	}
	clean := r.URL.Path + "?lang=" + lang(r)
	q := r.URL.Query()
	if code, state := q.Get("code"), q.Get("state"); code != "" || state != "" {
		c, err := r.Cookie(wxStateCookie)
		http.SetCookie(w, &http.Cookie{Name: wxStateCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
		if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(state)) != 1 || code == "" {
			s.cfg.Log.Warn("wechat authorisation: state does not match", "ip", clientIP(r), "path", r.URL.Path)
			http.Redirect(w, r, clean, http.StatusSeeOther)
			return true
		}
		ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
		defer cancel()
		openid, err := s.cfg.WeChat.OpenID(ctx, code)
		if err != nil {
			s.cfg.Log.Warn("wechat authorisation failed", "err", err, "path", r.URL.Path)
		} else if bound, err := s.svc.BindWeChat(token, core.WeChatOfficial, openid); err != nil && !errors.Is(err, core.ErrLinkUnusable) {
			s.cfg.Log.Error("binding a WeChat openid", "err", err)
		} else if bound {
			s.cfg.Log.Info("terminal user bound to WeChat", "path", r.URL.Path)
		}
		http.Redirect(w, r, clean, http.StatusSeeOther)
		return true
	}
	if _, err := r.Cookie(wxTriedCookie); err == nil {
		return false // asked WeChat already today: never a loop
	}
	if !s.svc.WeChatBindWanted(token, core.WeChatOfficial) {
		return false
	}
	state := core.NewToken()
	u, ok := s.cfg.WeChat.AuthorizeURL(strings.TrimRight(s.cfg.PublicURL, "/")+clean, state)
	if !ok {
		return false
	}
	http.SetCookie(w, &http.Cookie{Name: wxStateCookie, Value: state, Path: "/", MaxAge: 600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.SetCookie(w, &http.Cookie{Name: wxTriedCookie, Value: "1", Path: "/", MaxAge: 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, u, http.StatusFound)
	return true
}

// miniBind is POST /wx/mini/bind: the mini program sends its wx.login code
// and the customer link it opened ({"code","token"}); code2session gives the
// openid, bound to that link's terminal user. Answers {"bound": bool} or
// {"error": sentence}.
func (s *Server) miniBind(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Code  string `json:"code"`
		Token string `json:"token"`
	}
	fail := func(status int, msg string) {
		writeAPI(w, status, apiError{Error: msg})
	}
	if s.cfg.WeChat == nil {
		fail(http.StatusNotFound, "The mini program is not set up here.")
		return
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&in); err != nil || in.Code == "" || in.Token == "" {
		fail(http.StatusBadRequest, `Send {"code": the wx.login code, "token": the customer link's token} as JSON.`)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	openid, err := s.cfg.WeChat.MiniOpenID(ctx, in.Code)
	if err != nil {
		s.cfg.Log.Warn("mini program login failed", "err", err, "ip", clientIP(r))
		fail(http.StatusBadGateway, "WeChat did not accept the login code: call wx.login again.")
		return
	}
	bound, err := s.svc.BindWeChat(in.Token, core.WeChatMini, openid)
	switch {
	case errors.Is(err, core.ErrLinkUnusable):
		fail(http.StatusNotFound, "That link does not work (any more).")
		return
	case err != nil:
		s.cfg.Log.Error("binding a mini-program openid", "err", err)
		fail(http.StatusInternalServerError, "Something went wrong; try again later.")
		return
	}
	writeAPI(w, http.StatusOK, map[string]bool{"bound": bound})
}
