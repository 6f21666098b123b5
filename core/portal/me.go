package portal

import (
	"errors"
	"net/http"

	"switchboard/core"
)

// A customer's own requests (seed 003 "submit or query", R-IN-8): /me signs
// in with the phone and an SMS code, then lists the phone's work orders;
// /me/wo/NUMBER shows one; /me/logout signs out. The session is a random
// token in an HttpOnly cookie, kept hashed like every link.

const sessionCookie = "sb_session"

func (s *Server) meRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /me", s.showMe)
	mux.HandleFunc("POST /me", s.postMe)
	mux.HandleFunc("POST /me/logout", s.signOut)
	mux.HandleFunc("GET /me/wo/{number}", s.showMeWO)
}

func session(r *http.Request) string {
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

func (s *Server) showMe(w http.ResponseWriter, r *http.Request) {
	if tok := session(r); tok != "" {
		v, err := s.svc.CustomerWorkOrders(tok)
		if err == nil && s.wechatGate(w, r, tok) {
			return
		}
		if err == nil {
			page := s.newView(r, "me_title")
			page.Me = &v
			s.render(w, http.StatusOK, "me", page)
			return
		}
		if !errors.Is(err, core.ErrLinkUnusable) {
			s.fail(w, r, err)
			return
		}
		clearSession(w, r) // expired or signed out elsewhere
	}
	s.meLogin(w, r, http.StatusOK, nil, nil, "")
}

// meLogin shows the sign-in form.
func (s *Server) meLogin(w http.ResponseWriter, r *http.Request, status int, values, errs map[string]string, sent string) {
	v := s.newView(r, "me_title")
	v.Nonce = core.NewToken()
	if values["nonce"] != "" && errs["nonce"] == "" {
		v.Nonce = values["nonce"]
	}
	v.Values, v.Errors, v.CodeSent = values, errs, sent
	if errs != nil && status == http.StatusOK {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, status, "me_login", v)
}

func (s *Server) postMe(w http.ResponseWriter, r *http.Request) {
	pf, ok := s.parse(w, r)
	if !ok {
		return
	}
	values, verrs := single(pf, []string{"nonce", "phone", "code", "op"})
	if err := verrs.Err(); err != nil {
		s.meLogin(w, r, http.StatusUnprocessableEntity, values, core.FieldErrors(err), "")
		return
	}
	delete(values, "code") // typed, never echoed
	if pf.Get("op") == "code" {
		ip := clientIP(r)
		if !s.codes.allow(ip) {
			s.meLogin(w, r, http.StatusTooManyRequests, values, map[string]string{"code": texts[lang(r)]["code_limited"]}, "")
			return
		}
		sent, err := s.svc.SendPhoneCode(values["phone"])
		if errs := core.FieldErrors(err); errs != nil {
			s.meLogin(w, r, http.StatusUnprocessableEntity, values, errs, "")
			return
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
		s.cfg.Log.Info("phone code sent", "to", sent.To, "ip", ip, "for", "sign-in")
		s.meLogin(w, r, http.StatusOK, values, nil, sent.To)
		return
	}
	sess, err := s.svc.SignIn(values["phone"], pf.Get("code"), values["nonce"])
	if errs := core.FieldErrors(err); errs != nil {
		if errs["nonce"] != "" {
			errs["form"] = errs["nonce"]
		}
		s.meLogin(w, r, http.StatusUnprocessableEntity, values, errs, "")
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.cfg.Log.Info("customer signed in", "phone", sess.Phone, "ip", clientIP(r))
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.Token, Path: "/me", Expires: sess.Expires,
		MaxAge: int(core.CustomerSessionTTL.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, "/me?lang="+lang(r), http.StatusSeeOther)
}

func clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/me", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.parse(w, r); !ok {
		return
	}
	if tok := session(r); tok != "" {
		if err := s.svc.SignOut(tok); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	clearSession(w, r)
	http.Redirect(w, r, "/me?lang="+lang(r), http.StatusSeeOther)
}

func (s *Server) showMeWO(w http.ResponseWriter, r *http.Request) {
	tok := session(r)
	if tok == "" {
		http.Redirect(w, r, "/me?lang="+lang(r), http.StatusSeeOther)
		return
	}
	wo, err := s.svc.CustomerWorkOrder(tok, r.PathValue("number"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "me_title")
	v.Title = wo.Number
	v.MeWO = &wo
	s.render(w, http.StatusOK, "me_wo", v)
}
