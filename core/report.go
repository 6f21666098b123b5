package core

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Service reports (R-REP-1) and their signatures (R-REP-2).
//
// A report is a versioned record of a work order. The engineer fills its content
// (work done, parts, times, notes) into a draft before completing the service
// node; completing it generates version 1 from the draft. Any later change is a
// new version. A customer signs one exact version: the signature keeps the
// SHA-256 of that version's canonical form, and a signed version is locked —
// neither the service nor the store will replace it.

// Link purposes and page paths of service reports.
const (
	// PurposeReport opens a work order's service report to read, print and
	// download as PDF (multi-use).
	PurposeReport LinkPurpose = "report"
	// PurposeReportSign opens the signing page of a work order's service report
	// (used up by a successful signature).
	PurposeReportSign LinkPurpose = "report-signature"

	ReportPathPrefix = "/report/"
	SignPathPrefix   = "/sign/"
)

// How long report links work.
const (
	// ReportLinkTTL: a report link is kept by customers as their record.
	ReportLinkTTL = 365 * 24 * time.Hour
)

// History kinds of service reports.
const (
	EventReportDraft     = "report-draft"     // the engineer saved the report's content before completing service
	EventReportGenerated = "report"           // a report version was generated
	EventReportInvite    = "report-invite"    // the customer was invited to sign
	EventReportSigned    = "report-signed"    // the customer signed a version
	EventReportRefused   = "report-tampering" // a signature or change was refused as tampering
)

// Signature methods.
const (
	SignatureDrawn = "drawn" // drawn on a canvas (JavaScript)
	SignatureTyped = "typed" // the full name typed (no JavaScript)
)

// Limits on report content.
const (
	maxWorkDone      = 4000
	maxReportNotes   = 2000
	maxParts         = 50
	maxPartName      = 100
	maxPartQuantity  = 100000
	maxSignaturePNG  = 192 << 10
	maxSignatureSide = 2400
)

// ReportPart is one part used on the job.
type ReportPart struct {
	Name     string  `json:"name"`
	Quantity float64 `json:"quantity"`
}

// QuantityText writes a quantity without needless decimals: 2, 1.5.
func QuantityText(q float64) string { return strconv.FormatFloat(q, 'f', -1, 64) }

// ReportContent is what the engineer fills in (or the console pre-fills).
type ReportContent struct {
	WorkDone   string       `json:"work_done"`
	Parts      []ReportPart `json:"parts"`
	StartedAt  time.Time    `json:"started_at"`
	FinishedAt time.Time    `json:"finished_at"`
	Notes      string       `json:"notes"`
}

// ReportDraft is a report's content saved before the service node completes.
type ReportDraft struct {
	ReportContent
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// ReportSignature is a customer's signature on one exact report version.
type ReportSignature struct {
	// Name is the signer's full name as given.
	Name string `json:"name"`
	// Method is SignatureDrawn or SignatureTyped.
	Method   string    `json:"method"`
	SignedAt time.Time `json:"signed_at"`
	// IP is the address the signature came from; UserAgent the browser's.
	IP        string `json:"ip"`
	UserAgent string `json:"user_agent,omitempty"`
	// Version and ReportSHA256 name the exact version signed.
	Version      int    `json:"version"`
	ReportSHA256 string `json:"report_sha256"`
	// PNG is the drawn signature (empty for a typed one).
	PNG []byte `json:"png,omitempty"`
}

// ServiceReport is one version of a work order's service report (R-REP-1).
type ServiceReport struct {
	WorkOrderID ID     `json:"work_order_id"`
	Number      string `json:"number"`
	Version     int    `json:"version"`

	// What the report is about, copied from the work order when the version was made.
	Subject    string `json:"subject"`
	RecordType string `json:"record_type"`
	DeviceCode string `json:"device_code"`
	Address    string `json:"address"`
	Customer   string `json:"customer"`
	Account    string `json:"account"`
	Phone      string `json:"phone"`
	Engineer   string `json:"engineer"`
	EngineerID ID     `json:"engineer_id"`
	Provider   string `json:"provider"`

	ReportContent

	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	// SHA256 is the hex SHA-256 of Canonical() when the version was made.
	SHA256 string `json:"sha256"`
	// Signature is set once the customer signed this version; it is then locked.
	Signature *ReportSignature `json:"signature,omitempty"`
	// Photos are the work order's photos when the version was made; the hash
	// covers each one's SHA-256.
	Photos []ReportPhoto `json:"photos,omitempty"`
}

// canonicalReport is the fixed form a report version is hashed in: its fields in
// this order, times in UTC. Changing it changes every hash, so it is versioned.
type canonicalReport struct {
	Format     string       `json:"format"`
	Number     string       `json:"number"`
	Version    int          `json:"version"`
	Subject    string       `json:"subject"`
	RecordType string       `json:"record_type"`
	DeviceCode string       `json:"device_code"`
	Address    string       `json:"address"`
	Customer   string       `json:"customer"`
	Account    string       `json:"account"`
	Phone      string       `json:"phone"`
	Engineer   string       `json:"engineer"`
	EngineerID ID           `json:"engineer_id"`
	Provider   string       `json:"provider"`
	WorkDone   string       `json:"work_done"`
	Parts      []ReportPart `json:"parts"`
	StartedAt  string       `json:"started_at"`
	FinishedAt string       `json:"finished_at"`
	Notes      string       `json:"notes"`
	CreatedAt  string       `json:"created_at"`
	CreatedBy  string       `json:"created_by"`
	// Photos are the photos' SHA-256s in order (absent without photos, so
	// the hashes of versions made before photos existed still hold).
	Photos []string `json:"photos,omitempty"`
}

const canonicalFormat = "switchboard-service-report/1"

func canonicalTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// Canonical is the exact byte form of the version that its SHA-256 covers: the
// report's content and what it is about, never its signature.
func (r *ServiceReport) Canonical() []byte {
	parts := r.Parts
	if parts == nil {
		parts = []ReportPart{}
	}
	c := canonicalReport{
		Format: canonicalFormat, Number: r.Number, Version: r.Version, Subject: r.Subject, RecordType: r.RecordType,
		DeviceCode: r.DeviceCode, Address: r.Address, Customer: r.Customer, Account: r.Account, Phone: r.Phone,
		Engineer: r.Engineer, EngineerID: r.EngineerID, Provider: r.Provider, WorkDone: r.WorkDone, Parts: parts,
		StartedAt: canonicalTime(r.StartedAt), FinishedAt: canonicalTime(r.FinishedAt), Notes: r.Notes,
		CreatedAt: canonicalTime(r.CreatedAt), CreatedBy: r.CreatedBy,
	}
	for _, p := range r.Photos {
		c.Photos = append(c.Photos, p.SHA256)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(c) // plain strings and numbers: never fails
	return bytes.TrimRight(b.Bytes(), "\n")
}

// Digest is the hex SHA-256 of Canonical().
func (r *ServiceReport) Digest() string {
	h := sha256.Sum256(r.Canonical())
	return hex.EncodeToString(h[:])
}

// Check reports what is wrong with a stored version: its content no longer
// matches the SHA-256 recorded when it was made, or its signature names another
// version or hash. nil means the version is intact.
func (r *ServiceReport) Check() error {
	d := r.Digest()
	if d != r.SHA256 {
		return fmt.Errorf("version %d of the report on %s was changed after it was made: its content hashes to %s, not the recorded %s", r.Version, r.Number, short(d), short(r.SHA256))
	}
	if s := r.Signature; s != nil && (s.ReportSHA256 != d || s.Version != r.Version) {
		return fmt.Errorf("version %d of the report on %s does not match its signature: %s signed version %d with SHA-256 %s, the stored version hashes to %s", r.Version, r.Number, s.Name, s.Version, short(s.ReportSHA256), short(d))
	}
	return nil
}

// Signed reports whether the version carries a signature (and is locked).
func (r *ServiceReport) Signed() bool { return r.Signature != nil }

func short(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}

// ReportState is where a work order's service report stands.
type ReportState string

// Report states, as the console shows them.
const (
	ReportNone     ReportState = "none"                  // nothing filled yet
	ReportDrafted  ReportState = "draft"                 // filled, service not completed yet
	ReportUnsigned ReportState = "unsigned"              // generated, never signed
	ReportSigned   ReportState = "signed"                // the newest version is signed
	ReportChanged  ReportState = "changed-since-signing" // an earlier version is signed; the newest is not
	ReportTampered ReportState = "tampered"              // a stored version does not match its hash or signature
)

// ReportStatus sums up a work order's report for lists and the detail screen.
type ReportStatus struct {
	State ReportState `json:"state"`
	// Latest is the newest version (0: none generated).
	Latest int `json:"latest"`
	// SignedVersion is the newest signed version (0: none), with its signer.
	SignedVersion int        `json:"signed_version"`
	Signer        string     `json:"signer,omitempty"`
	SignedAt      *time.Time `json:"signed_at,omitempty"`
	// Problem says what is wrong when State is tampered.
	Problem string `json:"problem,omitempty"`
}

// Summary is the status in a few words: "v2 signed by 王芳", "v3 changed since v2 was signed".
func (s ReportStatus) Summary() string {
	switch s.State {
	case ReportNone:
		return "no report yet"
	case ReportDrafted:
		return "draft (generated when service completes)"
	case ReportUnsigned:
		return fmt.Sprintf("v%d unsigned", s.Latest)
	case ReportSigned:
		return fmt.Sprintf("v%d signed by %s", s.Latest, s.Signer)
	case ReportChanged:
		return fmt.Sprintf("v%d changed since signing (v%d signed by %s)", s.Latest, s.SignedVersion, s.Signer)
	case ReportTampered:
		return "TAMPERED: " + s.Problem
	}
	return string(s.State)
}

// StatusOfReports works out the status from every version (oldest first) and
// whether a draft exists.
func StatusOfReports(versions []ServiceReport, drafted bool) ReportStatus {
	if len(versions) == 0 {
		if drafted {
			return ReportStatus{State: ReportDrafted}
		}
		return ReportStatus{State: ReportNone}
	}
	st := ReportStatus{Latest: versions[len(versions)-1].Version}
	for i := range versions {
		v := &versions[i]
		if err := v.Check(); err != nil && st.Problem == "" {
			st.Problem = err.Error()
		}
		if v.Signature != nil {
			at := v.Signature.SignedAt
			st.SignedVersion, st.Signer, st.SignedAt = v.Version, v.Signature.Name, &at
		}
	}
	switch {
	case st.Problem != "":
		st.State = ReportTampered
	case st.SignedVersion == st.Latest:
		st.State = ReportSigned
	case st.SignedVersion > 0:
		st.State = ReportChanged
	default:
		st.State = ReportUnsigned
	}
	return st
}

// ReportInput is a report's content as a person or a form gives it.
type ReportInput struct {
	WorkDone string
	Parts    []ReportPart
	// StartedAt and FinishedAt: zero means "pre-fill" (the assignment time and now).
	StartedAt, FinishedAt time.Time
	Notes                 string
}

// ParsePart reads one part as typed: "name:quantity" ("压缩机:1", "R404A refrigerant: 1.5";
// a full-width "：" works too). A name alone means quantity 1.
func ParsePart(s string) (ReportPart, error) {
	t := strings.TrimSpace(strings.ReplaceAll(s, "：", ":"))
	if t == "" {
		return ReportPart{}, Invalid("parts", "A part needs a name, e.g. \"compressor:1\".")
	}
	name, qty := t, "1"
	if i := strings.LastIndexByte(t, ':'); i >= 0 {
		name, qty = strings.TrimSpace(t[:i]), strings.TrimSpace(t[i+1:])
	}
	q, err := strconv.ParseFloat(qty, 64)
	if err != nil {
		return ReportPart{}, Invalid("parts", "Part %q has quantity %q, which is not a number: write name:quantity, e.g. \"compressor:1\".", s, qty)
	}
	p := ReportPart{Name: name, Quantity: q}
	return p, checkPart(p)
}

// ParseParts reads parts one per line, skipping empty lines.
func ParseParts(text string) ([]ReportPart, error) {
	var out []ReportPart
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		p, err := ParsePart(line)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// PartsText writes parts one per line as ParseParts reads them.
func PartsText(parts []ReportPart) string {
	lines := make([]string, len(parts))
	for i, p := range parts {
		lines[i] = p.Name + ": " + QuantityText(p.Quantity)
	}
	return strings.Join(lines, "\n")
}

func checkPart(p ReportPart) error {
	if _, verr := oneLine("parts", "A part's name", p.Name, true, maxPartName); verr != nil {
		return verr
	}
	if !(p.Quantity > 0 && p.Quantity <= maxPartQuantity) {
		return Invalid("parts", "Part %q has quantity %s: it must be more than 0 and at most %d.", p.Name, QuantityText(p.Quantity), maxPartQuantity)
	}
	if p.Quantity*1000 != float64(int64(p.Quantity*1000)) {
		return Invalid("parts", "Part %q has quantity %s: use at most three decimals.", p.Name, QuantityText(p.Quantity))
	}
	return nil
}

// validateReport cleans a report's content; requireWork refuses an empty "work
// done" (a report a person fills must say what was done).
func validateReport(in ReportInput, now time.Time, requireWork bool) (ReportContent, error) {
	var errs ValidationErrors
	work, verr := cleanText("work_done", "Work done", in.WorkDone, requireWork, maxWorkDone)
	if verr != nil {
		errs = append(errs, verr)
	}
	notes, verr := cleanText("notes", "Notes", in.Notes, false, maxReportNotes)
	if verr != nil {
		errs = append(errs, verr)
	}
	if len(in.Parts) > maxParts {
		errs = append(errs, Invalid("parts", "%d parts is more than a report holds (%d): group small items.", len(in.Parts), maxParts))
	}
	parts := make([]ReportPart, 0, len(in.Parts))
	for _, p := range in.Parts {
		p.Name = strings.TrimSpace(p.Name)
		if err := checkPart(p); err != nil {
			errs = append(errs, err.(*ValidationError))
			break
		}
		parts = append(parts, p)
	}
	c := ReportContent{WorkDone: work, Parts: parts, StartedAt: in.StartedAt.UTC(), FinishedAt: in.FinishedAt.UTC(), Notes: notes}
	if in.StartedAt.IsZero() {
		c.StartedAt = time.Time{}
	}
	if in.FinishedAt.IsZero() {
		c.FinishedAt = time.Time{}
	}
	if !c.StartedAt.IsZero() && !c.FinishedAt.IsZero() && c.FinishedAt.Before(c.StartedAt) {
		errs = append(errs, Invalid("finished", "The finish time %s is before the start time %s.", c.FinishedAt.Format("2006-01-02 15:04"), c.StartedAt.Format("2006-01-02 15:04")))
	}
	if !c.FinishedAt.IsZero() && c.FinishedAt.After(now.Add(10*time.Minute)) {
		errs = append(errs, Invalid("finished", "The finish time %s is in the future.", c.FinishedAt.Format("2006-01-02 15:04")))
	}
	if !c.StartedAt.IsZero() && c.StartedAt.After(now.Add(10*time.Minute)) {
		errs = append(errs, Invalid("started", "The start time %s is in the future.", c.StartedAt.Format("2006-01-02 15:04")))
	}
	return c, errs.Err()
}

// ParseReportTime reads a time as people type it in zone loc: "2006-01-02 15:04",
// "2006-01-02T15:04", "15:04" (today) or RFC 3339. Empty gives the zero time.
func ParseReportTime(field, s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006/01/02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	if t, err := time.ParseInLocation("15:04", s, loc); err == nil {
		n := now.In(loc)
		return time.Date(n.Year(), n.Month(), n.Day(), t.Hour(), t.Minute(), 0, 0, loc).UTC(), nil
	}
	return time.Time{}, Invalid(field, "Time %q is not a time: write it as 2026-11-02 09:30 (or 09:30 for today).", s)
}

// checkSignaturePNG refuses anything but a reasonably sized PNG with some ink on it.
func checkSignaturePNG(b []byte) error {
	if len(b) > maxSignaturePNG {
		return Invalid("signature", "The drawn signature is too large (%d KiB); clear it and sign again.", len(b)>>10)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return Invalid("signature", "The drawn signature could not be read; clear it and sign again, or type your name.")
	}
	if cfg.Width < 20 || cfg.Height < 10 || cfg.Width > maxSignatureSide || cfg.Height > maxSignatureSide {
		return Invalid("signature", "The drawn signature is %d×%d pixels, which is not a signature box; sign again.", cfg.Width, cfg.Height)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return Invalid("signature", "The drawn signature could not be read; clear it and sign again, or type your name.")
	}
	if inked(img) < 30 {
		return Invalid("signature", "The signature box is empty: draw your signature in it.")
	}
	return nil
}

// inked counts visibly dark, opaque pixels (the strokes), up to a small cap.
func inked(img image.Image) int {
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			if a > 0x8000 && (r+g+bl)/3 < 0x8000 {
				n++
				if n >= 1000 {
					return n
				}
			}
		}
	}
	return n
}

// cleanSigner checks a signer's full name.
func cleanSigner(name string) (string, *ValidationError) {
	n, verr := oneLine("name", "Your full name", name, true, 100)
	if verr != nil {
		return "", verr
	}
	if utf8.RuneCountInString(n) < 2 {
		return "", Invalid("name", "Write your full name, as you would sign it.")
	}
	return n, nil
}

// DurationText words how long the work took, to the minute: "45m", "2h 05m", "3d 4h".
func DurationText(from, to time.Time) string {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return ""
	}
	m := int(to.Sub(from).Round(time.Minute) / time.Minute)
	switch {
	case m < 60:
		return fmt.Sprintf("%dm", m)
	case m < 24*60:
		return fmt.Sprintf("%dh %02dm", m/60, m%60)
	}
	return fmt.Sprintf("%dd %dh", m/(24*60), m%(24*60)/60)
}
