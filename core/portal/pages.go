package portal

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"

	"switchboard/core"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/site.css
var siteCSS []byte

// pages are the parsed templates, one per page, each with the layout.
type pages struct{ t map[string]*template.Template }

func mustPages() *pages {
	p := &pages{t: map[string]*template.Template{}}
	for _, name := range []string{"home", "form", "task", "receipt", "problem", "report", "sign", "status", "evaluation", "evaluation_receipt", "me", "me_login", "me_wo"} {
		p.t[name] = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/reportbody.html", "templates/"+name+".html"))
	}
	return p
}

// view is what every template gets.
type view struct {
	Lang, HTMLLang string
	T              map[string]string
	Title          string
	OtherLangURL   string
	Embedded       bool

	// Forms.
	Action        string
	Nonce         string
	Lead          string
	Values        map[string]string
	Errors        map[string]string
	Types         []string
	NameRequired  bool
	PhoneRequired bool
	// VerifyPhone offers the SMS code (R-IN-8); CodeSent says where one went.
	VerifyPhone bool
	CodeSent    string
	Device      *core.Device
	Task        *core.TaskView
	Status      *core.StatusView
	// A signed-in customer's work orders (me.go).
	Me   *core.CustomerView
	MeWO *core.CustomerWorkOrder

	Receipt core.Receipt
	Message string
	Contact string

	// Report is the service report page's content (report.go).
	Report *reportPage
	// Service evaluation pages.
	Eval        *evalView
	EvalReceipt *evalReceiptView
}

func (s *Server) newView(r *http.Request, titleKey string) *view {
	l := lang(r)
	t := texts[l]
	q := url.Values{"lang": {t["other_lang_code"]}}
	return &view{Lang: l, HTMLLang: htmlLang(l), T: t, Title: t[titleKey], OtherLangURL: "?" + q.Encode()}
}

// render writes a page in one piece: a template error never leaves half a page.
func (s *Server) render(w http.ResponseWriter, status int, page string, v *view) {
	var buf bytes.Buffer
	if err := s.pages.t[page].ExecuteTemplate(&buf, "layout", v); err != nil {
		s.cfg.Log.Error("render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// problem is the one page for everything that went wrong. For links it says the
// same whatever the reason, so nobody learns whether a token ever existed.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, status int, kind string) {
	v := s.newView(r, "problem_title")
	v.Message = v.T["problem_"+kind]
	v.Contact = s.cfg.Contact
	if v.Contact == "" {
		v.Contact = v.T["default_contact"]
	}
	s.render(w, status, "problem", v)
}

// Handler is the listener's routes wrapped in its protections: cross-origin
// checks on every POST, headers, rate limits and body limits on everything.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /static/site.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_, _ = w.Write(siteCSS)
	})
	for _, f := range []struct {
		path string
		form core.WebForm
	}{{"/submit", core.FormGuest}, {"/submit/customer", core.FormTerminal}, {"/embed", core.FormSmart}} {
		mux.HandleFunc("GET "+f.path, func(w http.ResponseWriter, r *http.Request) { s.showForm(w, r, f.form, nil, nil, nil) })
		mux.HandleFunc("POST "+f.path, func(w http.ResponseWriter, r *http.Request) { s.submitForm(w, r, f.form) })
	}
	mux.HandleFunc("GET "+core.DevicePathPrefix+"{token}", s.showDevice)
	mux.HandleFunc("POST "+core.DevicePathPrefix+"{token}", func(w http.ResponseWriter, r *http.Request) { s.submitForm(w, r, core.FormDevice) })
	mux.HandleFunc("GET "+core.TaskPathPrefix+"{token}", s.showTask)
	mux.HandleFunc("POST "+core.TaskPathPrefix+"{token}", s.submitTask)
	mux.HandleFunc("GET "+core.ReceiptPathPrefix+"{token}", s.showReceipt)
	mux.HandleFunc("GET "+core.StatusPathPrefix+"{token}", s.showStatus)
	s.reportRoutes(mux)
	s.meRoutes(mux)
	mux.HandleFunc("POST /wx/mini/bind", s.miniBind)
	mux.HandleFunc("GET "+core.EvaluationPathPrefix+"{token}", s.showEvaluation)
	mux.HandleFunc("POST "+core.EvaluationPathPrefix+"{token}", s.submitEvaluation)
	mux.HandleFunc("GET "+core.EvaluationReceiptPathPrefix+"{token}", s.showEvalReceipt)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { s.problem(w, r, http.StatusNotFound, "notfound") })

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.cfg.Log.Warn("cross-origin post refused", "ip", clientIP(r), "path", r.URL.Path, "origin", r.Header.Get("Origin"))
		s.problem(w, r, http.StatusForbidden, "cross")
	}))
	site := s.secure(cop.Handler(mux))
	// The integration API answers JSON to callers with an API key, never to a
	// browser's cookies: it has its own authentication, limits and headers, and
	// no cross-origin protection (R-IN-6).
	api := s.apiHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/") {
			api.ServeHTTP(w, r)
			return
		}
		site.ServeHTTP(w, r)
	})
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusOK, "home", s.newView(r, "home_title"))
}

var formTitles = map[core.WebForm]string{core.FormGuest: "guest_title", core.FormTerminal: "customer_title", core.FormDevice: "device_title", core.FormSmart: "smart_title"}

// showForm renders a submission form: fresh (values nil) or again with the
// customer's values and the problems found (status 422).
func (s *Server) showForm(w http.ResponseWriter, r *http.Request, form core.WebForm, dev *core.Device, values, errs map[string]string) {
	s.showFormSent(w, r, form, dev, values, errs, "")
}

// showFormSent is showForm after a code was sent (sent says where).
func (s *Server) showFormSent(w http.ResponseWriter, r *http.Request, form core.WebForm, dev *core.Device, values, errs map[string]string, sent string) {
	v := s.newView(r, formTitles[form])
	if form.Verifies() {
		pv, err := s.svc.PhoneVerification()
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.VerifyPhone = pv.On
	}
	v.CodeSent = sent
	v.Action = r.URL.Path
	v.Nonce = core.NewToken()
	v.Values, v.Errors, v.Device = values, errs, dev
	types, err := s.svc.AllowedRecordTypes(core.Actor{Kind: core.SubmitterGuest}, core.ChannelWeb)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Types = types // the types the web forms may create (record types per role)
	v.Embedded = form == core.FormSmart
	if form == core.FormTerminal {
		v.Lead, v.NameRequired, v.PhoneRequired = v.T["customer_lead"], true, true
	}
	if v.VerifyPhone && form == core.FormTerminal {
		v.Lead = v.T["customer_lead_verify"]
	}
	status := http.StatusOK
	if sent != "" && values["nonce"] != "" {
		v.Nonce = values["nonce"]
	}
	if errs != nil {
		status = http.StatusUnprocessableEntity
		if values["nonce"] != "" && errs["nonce"] == "" {
			v.Nonce = values["nonce"] // the same submission, corrected, keeps its nonce
		}
	}
	s.render(w, status, "form", v)
}

func (s *Server) showDevice(w http.ResponseWriter, r *http.Request) {
	d, err := s.svc.OpenDevice(r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showForm(w, r, core.FormDevice, &d, nil, nil)
}

// parse reads a posted form, answering 413 for an oversized body and 400 for a
// malformed one; ok is false when it has answered.
func (s *Server) parse(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	parse := r.ParseForm
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") && strings.HasPrefix(r.URL.Path, core.TaskPathPrefix) {
		parse = func() error { return r.ParseMultipartForm(1 << 20) } // photos beyond 1 MiB wait in temporary files
	}
	if err := parse(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.cfg.Log.Warn("oversized post", "ip", clientIP(r), "path", r.URL.Path)
			s.problem(w, r, http.StatusRequestEntityTooLarge, "big")
			return nil, false
		}
		s.problem(w, r, http.StatusBadRequest, "link")
		return nil, false
	}
	return r.PostForm, true
}

func (s *Server) submitForm(w http.ResponseWriter, r *http.Request, form core.WebForm) {
	pf, ok := s.parse(w, r)
	if !ok {
		return
	}
	in, values, err := decodeSubmission(pf, form)
	if err == nil && values["op"] == "code" && form.Verifies() {
		s.sendCode(w, r, form, in, values)
		return
	}
	if err == nil {
		in.DeviceToken = r.PathValue("token")
		var rec core.Receipt
		rec, err = s.svc.SubmitWeb(in)
		if err == nil {
			if !rec.Duplicate {
				s.cfg.Log.Info("web submission", "form", form, "number", rec.Number, "ip", clientIP(r))
			}
			s.seeReceipt(w, r, rec)
			return
		}
	}
	if errs := core.FieldErrors(err); errs != nil {
		s.formAgain(w, r, form, values, errs, "")
		return
	}
	s.fail(w, r, err)
}

// formAgain shows a posted form again with its values: with errs (422), or
// after a code was sent.
func (s *Server) formAgain(w http.ResponseWriter, r *http.Request, form core.WebForm, values, errs map[string]string, sent string) {
	var dev *core.Device
	if form == core.FormDevice {
		d, derr := s.svc.OpenDevice(r.PathValue("token"))
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		dev = &d
	}
	if errs["nonce"] != "" || errs["form"] != "" {
		errs["form"] = errs["nonce"] + errs["form"]
	}
	delete(values, "code") // a code is typed, never echoed back
	s.showFormSent(w, r, form, dev, values, errs, sent)
}

// sendCode answers "Send me a code": an SMS code to the phone typed, limited
// per network (codes cost money and reach other people's phones) on top of
// core's per-phone limits; the form comes back as it was.
func (s *Server) sendCode(w http.ResponseWriter, r *http.Request, form core.WebForm, in core.WebSubmission, values map[string]string) {
	ip := clientIP(r)
	if !s.codes.allow(ip) {
		s.cfg.Log.Warn("phone codes limited", "ip", ip)
		s.formAgain(w, r, form, values, map[string]string{"code": texts[lang(r)]["code_limited"]}, "")
		return
	}
	sent, err := s.svc.SendPhoneCode(in.Phone)
	if errs := core.FieldErrors(err); errs != nil {
		s.formAgain(w, r, form, values, errs, "")
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.cfg.Log.Info("phone code sent", "to", sent.To, "ip", ip)
	s.formAgain(w, r, form, values, nil, sent.To)
}

// seeReceipt answers a successful POST with 303 to its receipt (Post/Redirect/Get).
func (s *Server) seeReceipt(w http.ResponseWriter, r *http.Request, rec core.Receipt) {
	http.Redirect(w, r, core.ReceiptPathPrefix+rec.Token+"?lang="+lang(r), http.StatusSeeOther)
}

// fail answers an error from the service: every unusable link gets the same page.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, core.ErrLinkUnusable) {
		s.cfg.Log.Info("link refused", "ip", clientIP(r), "path", r.URL.Path, "why", err)
		s.problem(w, r, http.StatusNotFound, "link")
		return
	}
	s.cfg.Log.Error("web request failed", "path", r.URL.Path, "err", err)
	s.problem(w, r, http.StatusInternalServerError, "error")
}

func (s *Server) showTask(w http.ResponseWriter, r *http.Request) {
	t, err := s.svc.OpenTask(r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.wechatGate(w, r, r.PathValue("token")) {
		return
	}
	v := s.newView(r, "task_title")
	v.Task, v.Action, v.Nonce = &t, r.URL.Path, core.NewToken()
	s.render(w, http.StatusOK, "task", v)
}

func (s *Server) submitTask(w http.ResponseWriter, r *http.Request) {
	pf, ok := s.parse(w, r)
	if !ok {
		return
	}
	t, err := s.svc.OpenTask(r.PathValue("token"))
	var in core.TaskInput
	var values map[string]string
	if err == nil {
		in, values, err = decodeTask(pf, &t)
	} else if errors.Is(err, core.ErrLinkUnusable) {
		// A used link may be this form posted twice: the nonce finds the first receipt.
		in, values, err = decodeTask(pf, &core.TaskView{})
		if err == nil {
			if rec, rerr := s.svc.Receipt(in.Nonce); rerr == nil && rec.Task {
				s.seeReceipt(w, r, rec)
				return
			}
		}
		err = core.ErrLinkUnusable
	}
	if err == nil {
		in.Photos, err = taskPhotos(r)
	}
	var rec core.Receipt
	if err == nil {
		rec, err = s.svc.CompleteTask(r.PathValue("token"), in)
	}
	if err == nil {
		if !rec.Duplicate {
			s.cfg.Log.Info("terminal task submitted", "number", rec.Number, "ip", clientIP(r))
		}
		s.seeReceipt(w, r, rec)
		return
	}
	if errs := core.FieldErrors(err); errs != nil && t.Number != "" {
		v := s.newView(r, "task_title")
		v.Task, v.Action, v.Nonce = &t, r.URL.Path, core.NewToken()
		v.Values, v.Errors = values, errs
		s.render(w, http.StatusUnprocessableEntity, "task", v)
		return
	}
	s.fail(w, r, err)
}

func (s *Server) showStatus(w http.ResponseWriter, r *http.Request) {
	st, err := s.svc.OpenStatus(r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.wechatGate(w, r, r.PathValue("token")) {
		return
	}
	v := s.newView(r, "status_title")
	v.Status = &st
	s.render(w, http.StatusOK, "status", v)
}

func (s *Server) showReceipt(w http.ResponseWriter, r *http.Request) {
	rec, err := s.svc.Receipt(r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "receipt_title")
	v.Receipt = rec
	s.render(w, http.StatusOK, "receipt", v)
}

// taskBodyLimit is the body limit of task posts: the customer's photos.
const taskBodyLimit = core.MaxTaskPhotos*core.MaxPhotoBytes + 256<<10

// taskPhotos reads the photos a task form carries (none for a plain form).
func taskPhotos(r *http.Request) ([]core.PhotoUpload, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	files := r.MultipartForm.File["photos"]
	if len(files) > core.MaxTaskPhotos {
		return nil, core.Invalid("photos", "Send at most %d photos.", core.MaxTaskPhotos)
	}
	var out []core.PhotoUpload
	for _, fh := range files {
		if fh.Size == 0 && fh.Filename == "" {
			continue // the empty file input
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, core.MaxPhotoBytes+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, core.PhotoUpload{Name: fh.Filename, Data: data})
	}
	return out, nil
}
