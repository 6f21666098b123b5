package portal

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"switchboard/core"
	"switchboard/core/reportpdf"
)

// Service report pages (R-REP-1, R-REP-2): /report/TOKEN reads a report (any
// version with ?v=N), /report/TOKEN/pdf downloads it, /report/TOKEN/signature.png
// shows a drawn signature, and /sign/TOKEN takes the customer's signature.

//go:embed static/sign.js
var signJS []byte

// signBodyLimit is the body limit of signature posts: a drawn signature arrives
// as a base64 PNG, larger than any text form.
const signBodyLimit = 512 << 10

// reportPage is what the report and signing templates show.
type reportPage struct {
	View  *core.ReportView
	Shown *core.ServiceReport
	// Base is the page's own path (/report/TOKEN), for version, PDF and image links.
	Base     string
	Loc      *time.Location
	Duration string
	Problem  string
	// Signing: the form's values.
	CanSign bool
	Name    string
}

// Fmt formats a time for the page in the listener's zone.
func (p *reportPage) Fmt(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(p.Loc).Format("2006-01-02 15:04 MST")
}

// Qty writes a part's quantity.
func (p *reportPage) Qty(q float64) string { return core.QuantityText(q) }

func (s *Server) reportRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+core.ReportPathPrefix+"{token}", s.showReport)
	mux.HandleFunc("GET "+core.ReportPathPrefix+"{token}/pdf", s.reportPDF)
	mux.HandleFunc("GET "+core.ReportPathPrefix+"{token}/signature.png", s.reportSignature)
	mux.HandleFunc("GET "+core.ReportPathPrefix+"{token}/photo/{id}", s.reportPhoto)
	mux.HandleFunc("GET "+core.SignPathPrefix+"{token}", s.showSign)
	mux.HandleFunc("POST "+core.SignPathPrefix+"{token}", s.submitSign)
	mux.HandleFunc("GET /static/sign.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_, _ = w.Write(signJS)
	})
}

// version reads ?v=N (0: the newest).
func version(r *http.Request) int {
	v, err := strconv.Atoi(r.URL.Query().Get("v"))
	if err != nil || v < 0 {
		return 0
	}
	return v
}

func (s *Server) newReportPage(rv *core.ReportView, base string) *reportPage {
	p := &reportPage{View: rv, Shown: rv.Shown, Base: base, Loc: time.Local, Problem: rv.ShownProblem}
	if r := rv.Shown; r != nil {
		p.Duration = core.DurationText(r.StartedAt, r.FinishedAt)
	}
	return p
}

func (s *Server) showReport(w http.ResponseWriter, r *http.Request) {
	rv, err := s.svc.OpenReport(r.PathValue("token"), version(r))
	if err != nil {
		s.reportFail(w, r, err)
		return
	}
	v := s.newView(r, "report_title")
	v.Report = s.newReportPage(&rv, core.ReportPathPrefix+r.PathValue("token"))
	s.render(w, http.StatusOK, "report", v)
}

// reportFail answers a missing version like an unusable link would, without
// saying more than that.
func (s *Server) reportFail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, core.ErrNotFound) {
		s.problem(w, r, http.StatusNotFound, "notfound")
		return
	}
	s.fail(w, r, err)
}

func (s *Server) reportPDF(w http.ResponseWriter, r *http.Request) {
	rv, err := s.svc.OpenReport(r.PathValue("token"), version(r))
	if err != nil {
		s.reportFail(w, r, err)
		return
	}
	photos, err := s.svc.ReportPhotos(rv.Shown)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b bytes.Buffer
	if err := reportpdf.WriteWithPhotos(&b, &rv, rv.Shown, time.Local, photos); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, reportpdf.FileName(rv.Shown)))
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	_, _ = w.Write(b.Bytes())
}

func (s *Server) reportSignature(w http.ResponseWriter, r *http.Request) {
	rv, err := s.svc.OpenReport(r.PathValue("token"), version(r))
	if err != nil {
		s.reportFail(w, r, err)
		return
	}
	if rv.Shown.Signature == nil || len(rv.Shown.Signature.PNG) == 0 {
		s.problem(w, r, http.StatusNotFound, "notfound")
		return
	}
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(rv.Shown.Signature.PNG)
}

func (s *Server) showSign(w http.ResponseWriter, r *http.Request) {
	s.renderSign(w, r, http.StatusOK, "", nil)
}

// renderSign shows the signing page for the newest version, with the problems
// of a refused post.
func (s *Server) renderSign(w http.ResponseWriter, r *http.Request, status int, name string, errs map[string]string) {
	rv, err := s.svc.OpenReportSigning(r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "sign_title")
	p := s.newReportPage(&rv, "")
	p.CanSign = rv.Shown != nil && !rv.Shown.Signed() && rv.ShownProblem == ""
	p.Name = name
	v.Report, v.Action, v.Nonce, v.Errors = p, r.URL.Path, core.NewToken(), errs
	s.render(w, status, "sign", v)
}

func (s *Server) submitSign(w http.ResponseWriter, r *http.Request) {
	pf, ok := s.parse(w, r)
	if !ok {
		return
	}
	name := strings.TrimSpace(pf.Get("name"))
	in := core.ReportSigning{Token: r.PathValue("token"), Nonce: pf.Get("nonce"), SHA256: pf.Get("sha256"), Name: name,
		IP: clientIP(r), UserAgent: r.UserAgent()}
	in.Version, _ = strconv.Atoi(pf.Get("version"))
	var err error
	if d := pf.Get("signature_png"); d != "" {
		const prefix = "data:image/png;base64,"
		if !strings.HasPrefix(d, prefix) {
			err = core.Invalid("signature", "The drawn signature could not be read; clear it and sign again.")
		} else if in.PNG, err = base64.StdEncoding.DecodeString(d[len(prefix):]); err != nil {
			err = core.Invalid("signature", "The drawn signature could not be read; clear it and sign again.")
		}
	}
	if err == nil && pf.Get("agree") != "yes" {
		err = core.Invalid("agree", "%s", texts[lang(r)]["sign_agree_needed"])
	}
	var signed core.SignedReport
	if err == nil {
		signed, err = s.svc.SignReport(in)
	}
	if err == nil {
		if !signed.Duplicate {
			s.cfg.Log.Info("service report signed", "number", signed.Number, "version", signed.Version, "ip", clientIP(r))
		}
		http.Redirect(w, r, core.ReportPathPrefix+signed.Token+"?lang="+lang(r), http.StatusSeeOther)
		return
	}
	if errs := core.FieldErrors(err); errs != nil {
		s.renderSign(w, r, http.StatusUnprocessableEntity, name, errs)
		return
	}
	s.fail(w, r, err)
}

// reportPhoto serves a photo of the report version the link opens.
func (s *Server) reportPhoto(w http.ResponseWriter, r *http.Request) {
	id, err := core.ParseID("id", r.PathValue("id"))
	if err != nil {
		s.problem(w, r, http.StatusNotFound, "notfound")
		return
	}
	ph, data, err := s.svc.ReportPhotoData(r.PathValue("token"), version(r), id)
	if err != nil {
		s.reportFail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ph.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}
