package core

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrReportLocked is returned (wrapped) when something tries to replace a signed
// report version: a signed version never changes (R-REP-2).
var ErrReportLocked = errors.New("report version locked")

// ReportView is what the console, the CLI and the web pages show of a work
// order's service report.
type ReportView struct {
	Number  string       `json:"number"`
	Subject string       `json:"subject"`
	Node    Node         `json:"node"`
	Status  ReportStatus `json:"status"`
	// Versions are every generated version, oldest first.
	Versions []ServiceReport `json:"versions"`
	// Shown is the version asked for (the newest by default); nil when none exists.
	Shown *ServiceReport `json:"report,omitempty"`
	// ShownProblem says why Shown does not match its hash or signature ("" when intact).
	ShownProblem string `json:"problem,omitempty"`
	// Draft is the content saved before service completed (staff views only).
	Draft *ReportDraft `json:"draft,omitempty"`
}

// ReportResult is what saving a report did.
type ReportResult struct {
	Number string `json:"number"`
	// Draft is set when the content was saved as the draft (service not completed yet).
	Draft bool `json:"draft"`
	// Version, SHA256 and URL describe the version generated (not for drafts).
	Version  int       `json:"version,omitempty"`
	SHA256   string    `json:"sha256,omitempty"`
	URL      string    `json:"url,omitempty"`
	Messages []Message `json:"messages"`
}

// ReportInvitation is an issued signing link.
type ReportInvitation struct {
	Number    string    `json:"number"`
	Version   int       `json:"version"`
	Via       string    `json:"via"`
	Token     string    `json:"-"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
	Messages  []Message `json:"messages"`
}

// ReportSigning is a signature as the signing page posts it.
type ReportSigning struct {
	Token string
	// Nonce is the form's one-time value; posting the same form twice signs once.
	Nonce string
	// Version and SHA256 name the exact version the page showed.
	Version int
	SHA256  string
	Name    string
	// PNG is the drawn signature; empty means the typed name is the signature.
	PNG           []byte
	IP, UserAgent string
}

// SignedReport is the outcome of a signature: Token opens the signed report.
type SignedReport struct {
	Token     string
	Number    string
	Version   int
	SHA256    string
	Duplicate bool
}

// canWriteReports: the roles that complete process nodes fill reports.
func canWriteReports(as Actor) error {
	return require(as, "fill service reports", RoleAdmin, RoleDispatcher, RoleEngineer)
}

// readReportView reads the report of w, showing version (0: the newest).
func readReportView(tx Tx, w *WorkOrder, version int) (ReportView, error) {
	vs, err := tx.Reports(w.ID)
	if err != nil {
		return ReportView{}, err
	}
	v := ReportView{Number: w.Number, Subject: w.Subject, Node: w.Node, Versions: vs}
	d, err := tx.ReportDraft(w.ID)
	switch {
	case err == nil:
		v.Draft = &d
	case !errors.Is(err, ErrNotFound):
		return v, err
	}
	v.Status = StatusOfReports(vs, v.Draft != nil)
	if version == 0 && len(vs) > 0 {
		version = vs[len(vs)-1].Version
	}
	if version != 0 {
		i := slices.IndexFunc(vs, func(r ServiceReport) bool { return r.Version == version })
		if i < 0 {
			if len(vs) == 0 {
				return v, NotFoundf("%s has no service report yet.", w.Number)
			}
			return v, NotFoundf("%s has no report version %d: its versions are 1 to %d.", w.Number, version, len(vs))
		}
		v.Shown = &vs[i]
		if err := v.Shown.Check(); err != nil {
			v.ShownProblem = err.Error()
		}
	}
	return v, nil
}

// Report reads a work order's service report, showing version (0: the newest).
func (s *Service) Report(number string, version int) (ReportView, error) {
	n, err := ParseNumber(number)
	if err != nil {
		return ReportView{}, err
	}
	var v ReportView
	err = s.store.View(func(tx Tx) error {
		w, err := tx.WorkOrderByNumber(FormatNumber(n))
		if errors.Is(err, ErrNotFound) {
			return NotFoundf("There is no work order %s: list work orders with `switchboard wo list`.", FormatNumber(n))
		}
		if err != nil {
			return err
		}
		v, err = readReportView(tx, &w, version)
		return err
	})
	return v, err
}

// ReportPrefill is the content a report form starts with: the draft, else the
// newest version's content, else what the history knows — start at the
// assignment time (or creation), finish now.
func (s *Service) ReportPrefill(number string) (ReportContent, error) {
	n, err := ParseNumber(number)
	if err != nil {
		return ReportContent{}, err
	}
	now := s.Now()
	var c ReportContent
	err = s.store.View(func(tx Tx) error {
		w, err := tx.WorkOrderByNumber(FormatNumber(n))
		if errors.Is(err, ErrNotFound) {
			return NotFoundf("There is no work order %s.", FormatNumber(n))
		}
		if err != nil {
			return err
		}
		if d, err := tx.ReportDraft(w.ID); err == nil {
			c = d.ReportContent
		} else if !errors.Is(err, ErrNotFound) {
			return err
		} else if vs, err := tx.Reports(w.ID); err != nil {
			return err
		} else if len(vs) > 0 {
			c = vs[len(vs)-1].ReportContent
		}
		c.Parts = slices.Clone(c.Parts)
		if c.StartedAt.IsZero() {
			c.StartedAt = w.CreatedAt
			if w.AssignTime != nil {
				c.StartedAt = *w.AssignTime
			}
		}
		if c.FinishedAt.IsZero() {
			c.FinishedAt = now
		}
		return nil
	})
	return c, err
}

// SaveReport records a report's content (R-REP-1). Before the service node
// completes it saves the draft that completing the node turns into version 1.
// Afterwards it makes a new version — a signed version never changes, so the new
// one needs a new signature — and sends the "service report" notification with
// the report's link. Times left zero keep the previous version's (or, for a
// draft, are filled in when service completes).
func (s *Service) SaveReport(as Actor, number string, in ReportInput) (ReportResult, error) {
	if err := canWriteReports(as); err != nil {
		return ReportResult{}, err
	}
	n, err := ParseNumber(number)
	if err != nil {
		return ReportResult{}, err
	}
	now := s.Now()
	content, err := validateReport(in, now, true)
	if err != nil {
		return ReportResult{}, err
	}
	var res ReportResult
	var w WorkOrder
	err = s.store.Update(func(tx Tx) error {
		var err error
		if w, err = loadForChange(tx, FormatNumber(n), 0); err != nil {
			return err
		}
		if err := ownWorkOrder(as, &w, "fill the service report of", RoleAdmin, RoleDispatcher); err != nil {
			return err
		}
		res = ReportResult{Number: w.Number}
		if w.Status == StatusTerminated {
			return Invalid("number", "%s is terminated: it gets no service report.", w.Number)
		}
		vs, err := tx.Reports(w.ID)
		if err != nil {
			return err
		}
		if len(vs) == 0 {
			if w.Node == NodeDispatch {
				return Invalid("number", "%s is still waiting at the dispatch node: assign an engineer before filling the service report.", w.Number)
			}
			res.Draft = true
			if err := tx.PutReportDraft(w.ID, &ReportDraft{ReportContent: content, UpdatedAt: now, UpdatedBy: as.Label()}); err != nil {
				return err
			}
			return tx.AppendEvent(w.ID, Event{At: now, By: as.Label(), Channel: ChannelInternal, Kind: EventReportDraft,
				Detail: "service report filled: " + reportSummary(content, time.UTC) + "; it is generated when the service node completes"})
		}
		prev := vs[len(vs)-1]
		if content.StartedAt.IsZero() {
			content.StartedAt = prev.StartedAt
		}
		if content.FinishedAt.IsZero() {
			content.FinishedAt = prev.FinishedAt
		}
		w.Version++
		w.UpdatedAt = now
		if err := tx.PutWorkOrder(&w); err != nil {
			return err
		}
		return s.newReportVersion(tx, &w, as, content, prev.Version+1, &res)
	})
	if err != nil {
		return ReportResult{}, err
	}
	s.broker.publish(Change{Kind: "work-order", WorkOrder: w.ID, Number: w.Number})
	return res, nil
}

// reportAfterNode is the process hook: when the service node completes, the
// service report is generated from the draft (R-REP-1) in the same transaction.
func (s *Service) reportAfterNode(tx Tx, completed Node, w *WorkOrder, as Actor) (*ReportResult, error) {
	if completed != NodeService {
		return nil, nil
	}
	var c ReportContent
	drafted := false
	d, err := tx.ReportDraft(w.ID)
	switch {
	case err == nil:
		c, drafted = d.ReportContent, true
	case !errors.Is(err, ErrNotFound):
		return nil, err
	}
	vs, err := tx.Reports(w.ID)
	if err != nil {
		return nil, err
	}
	if len(vs) > 0 && !drafted {
		return nil, nil // generated before (a process that came back to service); changes are new versions
	}
	now := s.Now()
	if c.StartedAt.IsZero() {
		c.StartedAt = w.CreatedAt
		if w.AssignTime != nil {
			c.StartedAt = *w.AssignTime
		}
	}
	if c.FinishedAt.IsZero() {
		c.FinishedAt = now
	}
	if c.FinishedAt.Before(c.StartedAt) {
		c.FinishedAt = c.StartedAt
	}
	var res ReportResult
	if err := s.newReportVersion(tx, w, as, c, len(vs)+1, &res); err != nil {
		return nil, err
	}
	return &res, tx.PutReportDraft(w.ID, nil)
}

// newReportVersion stores version n of w's report with content c, records it in
// the history, issues the report's link and queues the "service report"
// notification with it (R-REP-2).
func (s *Service) newReportVersion(tx Tx, w *WorkOrder, as Actor, c ReportContent, n int, res *ReportResult) error {
	now := s.Now()
	r := ServiceReport{
		WorkOrderID: w.ID, Number: w.Number, Version: n,
		Subject: w.Subject, RecordType: w.RecordType, DeviceCode: w.DeviceCode, Address: w.Address,
		Customer: w.ContactName, Account: w.AccountName, Phone: w.Phone,
		Engineer: w.EngineerName, EngineerID: w.FieldOutDealUser, Provider: w.FieldDownstreamOuterTenantName,
		ReportContent: c, CreatedAt: now, CreatedBy: as.Label(),
	}
	if r.Customer == "" && w.OutOwner != 0 {
		if tu, err := tx.TerminalUser(w.OutOwner); err == nil {
			r.Customer = tu.Name
		}
	}
	photos, err := reportPhotos(tx, w.ID)
	if err != nil {
		return err
	}
	r.Photos = photos
	r.SHA256 = r.Digest()
	if err := tx.PutReport(&r); err != nil {
		return err
	}
	base, err := s.publicURL(tx)
	if err != nil {
		return err
	}
	tok := NewToken()
	exp := now.Add(ReportLinkTTL)
	if err := tx.PutLink(&Link{Hash: HashToken(tok), Purpose: PurposeReport, WorkOrder: w.ID, ExpiresAt: &exp, MultiUse: true, CreatedAt: now, CreatedBy: as.Label()}); err != nil {
		return err
	}
	what := "generated"
	if n > 1 {
		what = "changed: new version"
	}
	if err := tx.AppendEvent(w.ID, Event{At: now, By: as.Label(), Channel: ChannelInternal, Kind: EventReportGenerated,
		Detail: fmt.Sprintf("service report %s v%d (SHA-256 %s): %s", what, n, r.SHA256, reportSummary(c, time.UTC))}); err != nil {
		return err
	}
	url := LinkURL(base, ReportPathPrefix, tok)
	msgs, err := s.enqueueNotice(tx, NoticeAction{Event: NoticeServiceReport, Values: map[string]string{"URL": url}}, w)
	if err != nil {
		return err
	}
	*res = ReportResult{Number: w.Number, Version: n, SHA256: r.SHA256, URL: url, Messages: msgs}
	return nil
}

// reportSummary words a report's content for the history.
func reportSummary(c ReportContent, loc *time.Location) string {
	var parts []string
	if c.WorkDone != "" {
		wd := []rune(strings.ReplaceAll(c.WorkDone, "\n", " "))
		if len(wd) > 80 {
			wd = append(wd[:79], '…')
		}
		parts = append(parts, string(wd))
	} else {
		parts = append(parts, "work done not recorded")
	}
	if len(c.Parts) > 0 {
		names := make([]string, len(c.Parts))
		for i, p := range c.Parts {
			names[i] = p.Name + " ×" + QuantityText(p.Quantity)
		}
		parts = append(parts, "parts "+strings.Join(names, ", "))
	}
	if !c.StartedAt.IsZero() || !c.FinishedAt.IsZero() {
		f := func(t time.Time) string {
			if t.IsZero() {
				return "?"
			}
			return t.In(loc).Format("2006-01-02 15:04")
		}
		parts = append(parts, f(c.StartedAt)+" – "+f(c.FinishedAt)+" UTC")
	}
	return strings.Join(parts, "; ")
}

// InviteReportSignature issues a signing link for the newest report version and,
// unless via is "link", queues the "service report signature" notification on
// that channel with the link as #URL# (R-REP-2). The link works for ttl
// (DefaultInviteTTL when zero) and is used up by a signature.
func (s *Service) InviteReportSignature(as Actor, number, via string, ttl time.Duration) (ReportInvitation, error) {
	if err := require(as, "invite customers to sign reports", RoleAdmin, RoleDispatcher, RoleCallCenter, RoleEngineer); err != nil {
		return ReportInvitation{}, err
	}
	via = strings.ToLower(strings.TrimSpace(via))
	var ch NoticeChannel
	if via != "link" {
		c, err := ParseNoticeChannel(via)
		if err != nil {
			return ReportInvitation{}, Invalid("via", "--via %q is not a way to invite: use link, %s.", via, joinNames(AllNoticeChannels))
		}
		ch, via = c, string(c)
	}
	ttl, err := linkTTL(ttl)
	if err != nil {
		return ReportInvitation{}, err
	}
	n, err := ParseNumber(number)
	if err != nil {
		return ReportInvitation{}, err
	}
	now := s.Now()
	var inv ReportInvitation
	var w WorkOrder
	err = s.store.Update(func(tx Tx) error {
		var err error
		if w, err = loadForChange(tx, FormatNumber(n), 0); err != nil {
			return err
		}
		if err := ownWorkOrder(as, &w, "invite the customer to sign the report of", RoleAdmin, RoleDispatcher, RoleCallCenter); err != nil {
			return err
		}
		vs, err := tx.Reports(w.ID)
		if err != nil {
			return err
		}
		if len(vs) == 0 {
			return Invalid("number", "%s has no service report yet: it is generated when the service node completes (`switchboard wo advance %s`).", w.Number, w.Number)
		}
		r := vs[len(vs)-1]
		if err := r.Check(); err != nil {
			return Invalid("number", "The report cannot be sent for signing: %s.", err)
		}
		if r.Signed() {
			return Invalid("number", "Version %d of the report on %s is already signed by %s; a change makes a new version, which can then be signed.", r.Version, w.Number, r.Signature.Name)
		}
		base, err := s.publicURL(tx)
		if err != nil {
			return err
		}
		inv = ReportInvitation{Number: w.Number, Version: r.Version, Via: via, Token: NewToken(), ExpiresAt: now.Add(ttl)}
		inv.URL = LinkURL(base, SignPathPrefix, inv.Token)
		exp := inv.ExpiresAt
		if err := tx.PutLink(&Link{Hash: HashToken(inv.Token), Purpose: PurposeReportSign, WorkOrder: w.ID, ExpiresAt: &exp, CreatedAt: now, CreatedBy: as.Label()}); err != nil {
			return err
		}
		w.Version++
		w.UpdatedAt = now
		if err := tx.PutWorkOrder(&w); err != nil {
			return err
		}
		if err := tx.AppendEvent(w.ID, Event{At: now, By: as.Label(), Channel: ChannelInternal, Kind: EventReportInvite,
			Detail: fmt.Sprintf("invited the customer by %s to sign service report v%d (link expires %s)", via, r.Version, exp.Format("2006-01-02 15:04 MST"))}); err != nil {
			return err
		}
		if via == "link" {
			return nil
		}
		inv.Messages, err = s.enqueueNotice(tx, NoticeAction{Event: NoticeReportSignature, Channels: []NoticeChannel{ch}, Values: map[string]string{"URL": inv.URL}}, &w)
		if err != nil {
			return err
		}
		if len(inv.Messages) == 0 {
			return Invalid("via", "%s is switched off: enable it in the channel settings (`switchboard notify channel set %s --enable …`), or invite with --via link.", ch.Title(), ch)
		}
		return nil
	})
	if err != nil {
		return ReportInvitation{}, err
	}
	s.broker.publish(Change{Kind: "work-order", WorkOrder: w.ID, Number: w.Number})
	return inv, nil
}

// OpenReport reads the report a report link opens, showing version (0: the
// newest). Customers never see the draft. It changes nothing.
func (s *Service) OpenReport(token string, version int) (ReportView, error) {
	return s.openReportLink(token, PurposeReport, version)
}

// OpenReportSigning reads the newest report version for a signing link's page.
// It changes nothing.
func (s *Service) OpenReportSigning(token string) (ReportView, error) {
	return s.openReportLink(token, PurposeReportSign, 0)
}

func (s *Service) openReportLink(token string, purpose LinkPurpose, version int) (ReportView, error) {
	var v ReportView
	err := s.store.View(func(tx Tx) error {
		l, err := usableLink(tx, token, purpose, s.Now())
		if err != nil {
			return err
		}
		w, err := tx.WorkOrder(l.WorkOrder)
		if err != nil {
			return err
		}
		v, err = readReportView(tx, &w, version)
		if errors.Is(err, ErrNotFound) && version == 0 {
			return unusable("no report")
		}
		return err
	})
	v.Draft = nil
	return v, err
}

// SignReport records a customer's signature on the exact version their page
// showed (R-REP-2): the version must still be the newest, unsigned and intact, and
// the hash the page showed must be its hash — anything else is refused and nothing
// is written. The signature keeps the signer's name, the time, the IP and the
// SHA-256 of the signed version (and the drawn PNG); the version is locked from
// then on. The signing link is used up; the form's nonce becomes the token of a
// link to the signed report, so a double submit finds the first signature.
func (s *Service) SignReport(in ReportSigning) (SignedReport, error) {
	nonceTok, nonceHash, ok := ParseToken(in.Nonce)
	if !ok {
		return SignedReport{}, Invalid("nonce", "The form has expired; open the link again.")
	}
	name, verr := cleanSigner(in.Name)
	if verr != nil {
		return SignedReport{}, verr
	}
	method := SignatureTyped
	if len(in.PNG) > 0 {
		if err := checkSignaturePNG(in.PNG); err != nil {
			return SignedReport{}, err
		}
		method = SignatureDrawn
	}
	if b, err := hex.DecodeString(in.SHA256); err != nil || len(b) != 32 {
		return SignedReport{}, Invalid("version", "The form does not say which report version you read; open the link again.")
	}
	ua := []rune(strings.TrimSpace(in.UserAgent))
	if len(ua) > 300 {
		ua = ua[:300]
	}
	var out SignedReport
	var w WorkOrder
	err := s.store.Batch(func(tx Tx) error {
		now := s.Now()
		out, w = SignedReport{}, WorkOrder{}
		if l, err := tx.Link(nonceHash); err == nil {
			if l.Purpose != PurposeReport || l.Usable(PurposeReport, now) != nil {
				return unusable("nonce collides with another link")
			}
			w, err := tx.WorkOrder(l.WorkOrder)
			if err != nil {
				return err
			}
			out = SignedReport{Token: nonceTok, Number: w.Number, Duplicate: true}
			return nil
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		l, err := usableLink(tx, in.Token, PurposeReportSign, now)
		if err != nil {
			return err
		}
		if w, err = tx.WorkOrder(l.WorkOrder); err != nil {
			return err
		}
		vs, err := tx.Reports(w.ID)
		if err != nil {
			return err
		}
		if len(vs) == 0 {
			return unusable("no report to sign")
		}
		r := vs[len(vs)-1]
		switch {
		case r.Check() != nil:
			return Invalid("version", "This report cannot be signed: its stored copy does not match its record. Please contact us.")
		case r.Signed():
			return Invalid("version", "Version %d of this report is already signed; there is nothing left to sign.", r.Version)
		case in.Version != r.Version:
			return Invalid("version", "The report changed while you were reading it: version %d is the newest now. Read it again and sign it.", r.Version)
		case !strings.EqualFold(in.SHA256, r.SHA256):
			return Invalid("version", "The report you signed does not match the stored version: read it again and sign it.")
		}
		r.Signature = &ReportSignature{Name: name, Method: method, SignedAt: now, IP: in.IP, UserAgent: string(ua),
			Version: r.Version, ReportSHA256: r.SHA256, PNG: in.PNG}
		if err := tx.PutReport(&r); err != nil {
			return err
		}
		l.Uses++
		l.UsedAt = &now
		if err := tx.PutLink(&l); err != nil {
			return err
		}
		exp := now.Add(ReportLinkTTL)
		if err := tx.PutLink(&Link{Hash: nonceHash, Purpose: PurposeReport, WorkOrder: w.ID, ExpiresAt: &exp, MultiUse: true, CreatedAt: now, CreatedBy: "signature"}); err != nil {
			return err
		}
		if err := tx.AppendEvent(w.ID, Event{At: now, By: "customer " + name, Channel: ChannelWeb, Kind: EventReportSigned,
			Detail: fmt.Sprintf("service report v%d signed by %s (%s signature) from %s; SHA-256 %s", r.Version, name, method, in.IP, r.SHA256)}); err != nil {
			return err
		}
		w.Version++
		w.UpdatedAt = now
		if err := tx.PutWorkOrder(&w); err != nil {
			return err
		}
		out = SignedReport{Token: nonceTok, Number: w.Number, Version: r.Version, SHA256: r.SHA256}
		return nil
	})
	if err != nil {
		return SignedReport{}, err
	}
	if !out.Duplicate {
		s.broker.publish(Change{Kind: "work-order", WorkOrder: w.ID, Number: w.Number})
	}
	return out, nil
}
