package core

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// History kinds written by the evaluation node.
const (
	EventEvaluationRequest = "evaluation-request" // what the node decided on arrival
	EventEvaluation        = "evaluation"         // a customer submitted (or edited) an evaluation
	EventEvaluationSkipped = "evaluation-skipped" // the handler skipped the evaluation
	EventEvaluationInvite  = "evaluation-invite"  // a personal invitation or reminder went out
)

// evaluationSettingsOf returns a node's evaluation settings, or the default.
func evaluationSettingsOf(pn ProcessNode) *EvaluationSettings {
	if pn.Evaluation != nil {
		return pn.Evaluation
	}
	return DefaultEvaluationSettings()
}

// newEvaluationRequest is the part of a request the node's settings decide.
func newEvaluationRequest(w *WorkOrder, es *EvaluationSettings, now time.Time) EvaluationRequest {
	return EvaluationRequest{WorkOrder: w.ID, Number: w.Number, Mode: es.Mode, Type: es.Type, Handler: es.Handler,
		Labels: es.Labels, HideSkip: es.HideSkip, Single: es.Single, LinkTTL: es.LinkTTL, At: now}
}

// enterEvaluation is the evaluation node's arrival (R-EVAL-2): a QR evaluation
// issues its QR link; rule-based matching runs the evaluation rules in
// priority order (R-EVAL-3) and sends the first match's automatic invitations
// through the outbox with its message priority. When no rule matches, no
// evaluation is asked for and the node completes at once.
func (s *Service) enterEvaluation(tx Tx, w *WorkOrder, p Process, pn ProcessNode, now time.Time) error {
	es := evaluationSettingsOf(pn)
	req := newEvaluationRequest(w, es, now)
	types, err := readEvaluationTypes(tx)
	if err != nil {
		return err
	}
	var detail string
	switch es.Mode {
	case EvalModeRules:
		rules, err := s.evaluationRules(tx)
		if err != nil {
			return err
		}
		env := EnvFor(w, now.Unix())
		r, tried := MatchEvaluationRule(rules, &env)
		if r == nil {
			return s.skipUnmatched(tx, w, p, &req, tried, now)
		}
		req.RuleID, req.RuleName = r.ID, r.Name
		req.Type, req.Invites = r.EvalType, append([]EvalInvite(nil), r.EvalInvites...)
		req.Fallback, req.Mandatory = r.MessagePriority, r.Mandatory
		detail = fmt.Sprintf("evaluation rule #%d %q matched: ", r.ID, r.Name)
	default:
		req.Invites, req.Mandatory = []EvalInvite{EvalInviteQR}, es.Mandatory
		detail = "QR-code evaluation: "
	}
	if t, ok := findEvalType(types, req.Type); ok {
		req.Type = t.Name
	} else {
		req.Type = types[0].Name // removed since: the first type stands in
	}
	detail += fmt.Sprintf("%s evaluation by %s", req.Type, describeInvites(&req))
	if req.Mandatory {
		detail += "; mandatory: the work order waits here for an evaluation"
	}
	if req.HasQR() {
		if err := s.issueQRLink(tx, w, &req, now); err != nil {
			return err
		}
	}
	// A plain QR evaluation needs no history line: the node itself says it.
	if es.Mode == EvalModeRules || req.Mandatory {
		if err := tx.AppendEvent(w.ID, Event{At: now, By: "system", Channel: ChannelSystem, Kind: EventEvaluationRequest, Detail: detail}); err != nil {
			return err
		}
	}
	if auto := req.Automatic(); len(auto) > 0 {
		if _, err := s.sendEvaluationInvite(tx, w, &req, auto, SystemActor, now, "automatic"); err != nil {
			return err
		}
	}
	return tx.PutEvaluationRequest(&req)
}

// skipUnmatched completes the evaluation node of a work order no evaluation
// rule applies to.
func (s *Service) skipUnmatched(tx Tx, w *WorkOrder, p Process, req *EvaluationRequest, tried []RuleTrial, now time.Time) error {
	if err := tx.PutEvaluationRequest(req); err != nil {
		return err
	}
	why := "no evaluation rules are configured"
	if len(tried) > 0 {
		var parts []string
		for i, t := range tried {
			if i == explainMax {
				parts = append(parts, fmt.Sprintf("and %d more", len(tried)-i))
				break
			}
			parts = append(parts, fmt.Sprintf("#%d %s: %s", t.RuleID, t.Name, t.Reason))
		}
		why = fmt.Sprintf("no evaluation rule matched (%s)", strings.Join(parts, "; "))
	}
	m := moveOn(p, w, now)
	w.Version++
	w.UpdatedAt = now
	if err := tx.PutWorkOrder(w); err != nil {
		return err
	}
	if err := tx.AppendEvent(w.ID, Event{At: now, By: "system", Channel: ChannelSystem, Kind: EventAdvanced,
		Detail: fmt.Sprintf("evaluation node skipped: %s → %s", why, m.to)}); err != nil {
		return err
	}
	return s.afterMove(tx, w, m, now)
}

// qrToken derives the QR code's token of a work order's evaluation from the
// database's link secret, so the same code can be shown again without storing
// the token (only its hash is in the link index).
func qrToken(secret []byte, wo ID) string {
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "evaluation\x00%d", wo)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(m.Sum(nil)[:20])
}

// issueQRLink stores the QR code's multi-use link (single use when the node
// says so) if it is not there yet, and returns its token.
func (s *Service) issueQRLink(tx Tx, w *WorkOrder, req *EvaluationRequest, now time.Time) error {
	_, err := qrLink(tx, w, req, now)
	return err
}

func qrLink(tx Tx, w *WorkOrder, req *EvaluationRequest, now time.Time) (string, error) {
	secret, err := linkSecret(tx, true)
	if err != nil {
		return "", err
	}
	tok := qrToken(secret, w.ID)
	hash := HashToken(tok)
	if _, err := tx.Link(hash); errors.Is(err, ErrNotFound) {
		exp := req.ExpiresAt()
		if err := tx.PutLink(&Link{Hash: hash, Purpose: PurposeEvaluation, WorkOrder: w.ID, ExpiresAt: &exp, MultiUse: !req.Single, CreatedAt: now, CreatedBy: "evaluation QR code"}); err != nil {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	req.QRLink = hex.EncodeToString(hash)
	return tok, nil
}

// EvaluationInvitation is a personal evaluation link that went out.
type EvaluationInvitation struct {
	Number    string    `json:"number"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
	Channels  []string  `json:"channels"`
	Mode      string    `json:"mode"`
	Messages  []Message `json:"messages,omitempty"`
}

// sendEvaluationInvite issues one personal, single-use evaluation link and
// queues the evaluation-invitation notice with it as #URL# on channels, in
// order until one delivers (message priority on) or all at once (R-EVAL-3).
func (s *Service) sendEvaluationInvite(tx Tx, w *WorkOrder, req *EvaluationRequest, channels []NoticeChannel, as Actor, now time.Time, how string) (EvaluationInvitation, error) {
	ttl := time.Duration(req.LinkTTL)
	if ttl <= 0 {
		ttl = DefaultEvalLinkTTL
	}
	tok := NewToken()
	exp := now.Add(ttl)
	if err := tx.PutLink(&Link{Hash: HashToken(tok), Purpose: PurposeEvaluation, WorkOrder: w.ID, ExpiresAt: &exp, CreatedAt: now, CreatedBy: as.Label()}); err != nil {
		return EvaluationInvitation{}, err
	}
	base, err := s.publicURL(tx)
	if err != nil {
		return EvaluationInvitation{}, err
	}
	mode := PolicyAllAtOnce
	if req.Fallback {
		mode = PolicyFallback
	}
	inv := EvaluationInvitation{Number: w.Number, URL: base + EvaluationPathPrefix + tok, ExpiresAt: exp, Mode: mode}
	for _, ch := range channels {
		inv.Channels = append(inv.Channels, string(ch))
	}
	req.Invited++
	msgs, err := s.enqueueNotice(tx, NoticeAction{Event: NoticeEvaluationInvite, Channels: channels, Mode: mode,
		Values: map[string]string{"URL": inv.URL}, Once: fmt.Sprintf("eval-inv-%d", req.Invited)}, w)
	if err != nil {
		return inv, err
	}
	inv.Messages = msgs
	if how != "" {
		how += " "
	}
	return inv, tx.AppendEvent(w.ID, Event{At: now, By: as.Label(), Channel: ChannelInternal, Kind: EventEvaluationInvite,
		Detail: fmt.Sprintf("%sevaluation invitation by %s, %s (personal link, expires %s)", how, joinList(channels), modeWords(mode, len(channels)), exp.Format("2006-01-02 15:04 MST"))})
}

func modeWords(mode string, n int) string {
	if mode == PolicyFallback && n > 1 {
		return "in that order until one delivers"
	}
	return "all at once"
}

// requestFor returns the work order's evaluation request; a work order that
// reached the node before requests existed gets one from the node's settings.
func requestFor(tx Tx, w *WorkOrder, now time.Time) (EvaluationRequest, error) {
	r, err := tx.EvaluationRequest(w.ID)
	if err == nil || !errors.Is(err, ErrNotFound) {
		return r, err
	}
	p, err := readProcess(tx, w.RecordType)
	if err != nil {
		return r, err
	}
	pn, _ := p.Find(NodeEvaluation)
	es := evaluationSettingsOf(pn)
	r = newEvaluationRequest(w, es, now)
	// Rules ran (or not) when the node was reached; without their verdict the
	// engineer can still show a QR code.
	r.Invites = []EvalInvite{EvalInviteQR}
	if es.Mode == EvalModeQR {
		r.Mandatory = es.Mandatory
	}
	if r.Type == "" {
		r.Type = EvalTypeStandard
	}
	return r, nil
}

// evaluationGate refuses to move a work order on from the evaluation node when
// evaluation is mandatory and none has arrived (R-EVAL-3). The node's timeout
// still completes it (R-EVAL-5).
func evaluationGate(tx Tx, w *WorkOrder) error {
	if w.Node != NodeEvaluation {
		return nil
	}
	req, err := tx.EvaluationRequest(w.ID)
	if errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if !req.Mandatory {
		return nil
	}
	es, err := tx.EvaluationsFor(w.ID)
	if err != nil || len(es) > 0 {
		return err
	}
	why := "mandatory evaluation"
	if req.RuleName != "" {
		why += fmt.Sprintf(", rule %q", req.RuleName)
	}
	msg := fmt.Sprintf("%s cannot move on yet: it needs a customer evaluation first (%s). ", w.Number, why)
	if req.HasQR() {
		msg += fmt.Sprintf("Show the customer the QR code (`switchboard evaluation qr %s`, or e on the work order in the console), or send", w.Number)
	} else {
		msg += "Send"
	}
	msg += fmt.Sprintf(" a reminder: `switchboard evaluation remind %s`.", w.Number)
	if w.NodeDueAt != nil {
		msg += fmt.Sprintf(" If none arrives, the node completes by itself at %s.", w.NodeDueAt.Format("2006-01-02 15:04 MST"))
	}
	return Invalid("number", "%s", msg)
}

// canHandleEvaluation: admins and dispatchers may handle any evaluation node;
// otherwise its handler, by default the work order's service engineer (R-EVAL-2):
// the engineer user linked to the work order's engineer record, or named like it.
func canHandleEvaluation(as Actor, w *WorkOrder, req *EvaluationRequest) error {
	if err := require(as, "handle evaluations", RoleAdmin, RoleDispatcher, RoleEngineer); err != nil {
		return err
	}
	switch {
	case as.User.Has(RoleAdmin, RoleDispatcher):
		return nil
	case req.Handler != "":
		if as.User.Login == req.Handler {
			return nil
		}
		return forbidden("The evaluation of %s is handled by %s; ask them, a dispatcher or an admin.", w.Number, req.Handler)
	case as.User.EngineerID != 0 && as.User.EngineerID == w.FieldOutDealUser:
		return nil
	case as.User.EngineerID == 0 && w.EngineerName != "" && strings.EqualFold(strings.TrimSpace(as.User.Name), strings.TrimSpace(w.EngineerName)):
		return nil // an engineer user not linked to a record: the one with their name (as the task inbox does)
	}
	who := "its service engineer"
	if w.EngineerName != "" {
		who += " (" + w.EngineerName + ")"
	}
	return forbidden("The evaluation of %s is handled by %s; ask them, a dispatcher or an admin.", w.Number, who)
}

// atEvaluation loads a work order for an evaluation command and checks it is
// waiting at the evaluation node.
func atEvaluation(tx Tx, number string, version uint64) (WorkOrder, error) {
	n, err := ParseNumber(number)
	if err != nil {
		return WorkOrder{}, err
	}
	w, err := loadForChange(tx, FormatNumber(n), version)
	if err != nil {
		return w, err
	}
	return w, checkAtEvaluation(&w)
}

func checkAtEvaluation(w *WorkOrder) error {
	if !w.Status.Open() {
		return Invalid("number", "%s is %s: its evaluation is over.", w.Number, w.Status)
	}
	if w.Node != NodeEvaluation {
		return Invalid("number", "%s is at the %s node, not the evaluation node: the QR code, skip, finish and reminders belong to the evaluation node.", w.Number, w.Node)
	}
	return nil
}

// EvaluationQRView is what the engineer's QR screen shows (R-EVAL-6).
type EvaluationQRView struct {
	Number    string     `json:"number"`
	Subject   string     `json:"subject"`
	Customer  string     `json:"customer"`
	Engineer  string     `json:"engineer"`
	Type      string     `json:"type"`
	URL       string     `json:"url"`
	ExpiresAt time.Time  `json:"expires_at"`
	Count     int        `json:"submissions"`
	Mandatory bool       `json:"mandatory"`
	Single    bool       `json:"single"`
	CanSkip   bool       `json:"can_skip"`
	Labels    EvalLabels `json:"labels"`
	Version   uint64     `json:"version"`
}

// customerName is who the work order is for, as the QR screen names them.
func customerName(tx Tx, w *WorkOrder) string {
	name := w.ContactName
	if name == "" && w.OutOwner != 0 {
		// A customer who submitted through a link has no contact on the
		// work order, but is its external owner (R-WO-4).
		if tu, err := tx.TerminalUser(w.OutOwner); err == nil {
			name = tu.Name
		}
	}
	switch {
	case name != "" && w.AccountName != "":
		return name + " · " + w.AccountName
	case name != "":
		return name
	}
	return w.AccountName
}

// EvaluationQR returns the QR code's link of a work order at the evaluation
// node and what the engineer's screen shows with it (R-EVAL-2, R-EVAL-6). The
// link is issued on first use and the same link comes back every time.
func (s *Service) EvaluationQR(as Actor, number string) (EvaluationQRView, error) {
	now := s.Now()
	var v EvaluationQRView
	err := s.store.Update(func(tx Tx) error {
		w, err := atEvaluation(tx, number, 0)
		if err != nil {
			return err
		}
		req, err := requestFor(tx, &w, now)
		if err != nil {
			return err
		}
		if err := canHandleEvaluation(as, &w, &req); err != nil {
			return err
		}
		if !req.HasQR() {
			return Invalid("number", "%s is evaluated by %s, without a QR code: send a reminder with `switchboard evaluation remind %s`.", w.Number, describeInvites(&req), w.Number)
		}
		tok, err := qrLink(tx, &w, &req, now)
		if err != nil {
			return err
		}
		if err := tx.PutEvaluationRequest(&req); err != nil {
			return err
		}
		base, err := s.publicURL(tx)
		if err != nil {
			return err
		}
		es, err := tx.EvaluationsFor(w.ID)
		if err != nil {
			return err
		}
		v = EvaluationQRView{Number: w.Number, Subject: w.Subject, Customer: customerName(tx, &w), Engineer: w.EngineerName, Type: req.Type,
			URL: base + EvaluationPathPrefix + tok, ExpiresAt: req.ExpiresAt(), Count: len(es), Mandatory: req.Mandatory,
			Single: req.Single, CanSkip: !req.HideSkip && !req.Mandatory, Labels: req.Labels.withDefaults(), Version: w.Version}
		return nil
	})
	return v, err
}

// SkipEvaluation is "Skip evaluation" (R-EVAL-2): the handler completes the
// node without an evaluation, unless the node hides the action or evaluation
// is mandatory.
func (s *Service) SkipEvaluation(as Actor, number string, version uint64) (WorkOrder, error) {
	var m nodeMove
	return s.changeWorkOrder(as, number, version, EventEvaluationSkipped, func(tx Tx, w *WorkOrder) (string, error) {
		if err := checkAtEvaluation(w); err != nil {
			return "", err
		}
		req, err := requestFor(tx, w, s.Now())
		if err != nil {
			return "", err
		}
		if err := canHandleEvaluation(as, w, &req); err != nil {
			return "", err
		}
		if req.Mandatory {
			if err := evaluationGate(tx, w); err != nil {
				return "", err
			}
		}
		if req.HideSkip {
			return "", Invalid("number", "Skipping the evaluation of %s is switched off for %s work orders: ask the customer to scan the QR code, or a dispatcher to complete the node (`switchboard wo advance %s`).", w.Number, w.RecordType, w.Number)
		}
		p, err := readProcess(tx, w.RecordType)
		if err != nil {
			return "", err
		}
		m = moveOn(p, w, s.Now())
		return fmt.Sprintf("evaluation skipped → %s", m.to), nil
	}, func(tx Tx, w *WorkOrder) error { return s.afterMove(tx, w, m, s.Now()) })
}

// FinishEvaluation is the QR screen's "Finish": the handler completes the node
// once at least one customer has submitted an evaluation.
func (s *Service) FinishEvaluation(as Actor, number string, version uint64) (WorkOrder, error) {
	var m nodeMove
	return s.changeWorkOrder(as, number, version, EventAdvanced, func(tx Tx, w *WorkOrder) (string, error) {
		if err := checkAtEvaluation(w); err != nil {
			return "", err
		}
		req, err := requestFor(tx, w, s.Now())
		if err != nil {
			return "", err
		}
		if err := canHandleEvaluation(as, w, &req); err != nil {
			return "", err
		}
		es, err := tx.EvaluationsFor(w.ID)
		if err != nil {
			return "", err
		}
		if len(es) == 0 {
			how := "or skip the evaluation"
			if req.HideSkip || req.Mandatory {
				how = fmt.Sprintf("or send a reminder (`switchboard evaluation remind %s`)", w.Number)
			}
			return "", Invalid("number", "Nobody has evaluated %s yet: wait for a customer to submit, %s.", w.Number, how)
		}
		p, err := readProcess(tx, w.RecordType)
		if err != nil {
			return "", err
		}
		m = moveOn(p, w, s.Now())
		return fmt.Sprintf("evaluation node completed with %d evaluation(s) → %s", len(es), m.to), nil
	}, func(tx Tx, w *WorkOrder) error { return s.afterMove(tx, w, m, s.Now()) })
}

// RemindEvaluation sends a work order at the evaluation node a new personal
// evaluation link on channels (empty: the request's automatic channels),
// with the request's message priority. The customer's earlier links keep working.
func (s *Service) RemindEvaluation(as Actor, number string, channels []NoticeChannel) (EvaluationInvitation, error) {
	if err := require(as, "send evaluation reminders", RoleAdmin, RoleDispatcher, RoleCallCenter, RoleFollowUp, RoleEngineer); err != nil {
		return EvaluationInvitation{}, err
	}
	for _, ch := range channels {
		if _, err := ParseNoticeChannel(string(ch)); err != nil {
			return EvaluationInvitation{}, err
		}
	}
	now := s.Now()
	var inv EvaluationInvitation
	var w WorkOrder
	err := s.store.Update(func(tx Tx) error {
		var err error
		if w, err = atEvaluation(tx, number, 0); err != nil {
			return err
		}
		if err := ownWorkOrder(as, &w, "send evaluation reminders for", RoleAdmin, RoleDispatcher, RoleCallCenter, RoleFollowUp); err != nil {
			return err
		}
		req, err := requestFor(tx, &w, now)
		if err != nil {
			return err
		}
		chs := channels
		if len(chs) == 0 {
			chs = req.Automatic()
		}
		if len(chs) == 0 {
			return Invalid("via", "%s is evaluated by QR code only: show it (`switchboard evaluation qr %s`), or name the channels to remind by, e.g. --via sms,email.", w.Number, w.Number)
		}
		var on []NoticeChannel
		for _, ch := range chs {
			ok, err := channelOn(tx, ch)
			if err != nil {
				return err
			}
			if ok {
				on = append(on, ch)
			}
		}
		if len(on) == 0 {
			return Invalid("via", "The %s channel(s) are switched off: switch one on in Notices → Channels (or `switchboard notify channel set CHANNEL --enable`).", joinList(chs))
		}
		if inv, err = s.sendEvaluationInvite(tx, &w, &req, on, as, now, "reminder:"); err != nil {
			return err
		}
		return tx.PutEvaluationRequest(&req)
	})
	if err != nil {
		return EvaluationInvitation{}, err
	}
	s.broker.publish(Change{Kind: "work-order", WorkOrder: w.ID, Number: w.Number})
	return inv, nil
}

// EvaluationStatus is a work order's evaluation request and the evaluations
// it has received, for `evaluation list` and the console.
type EvaluationStatus struct {
	Number      string             `json:"number"`
	Node        Node               `json:"node"`
	Request     *EvaluationRequest `json:"request,omitempty"`
	Evaluations []Evaluation       `json:"evaluations"`
}

// Evaluations lists a work order's evaluations, oldest first, with what its
// evaluation node decided (nil before it reached the node).
func (s *Service) Evaluations(number string) (EvaluationStatus, error) {
	n, err := ParseNumber(number)
	if err != nil {
		return EvaluationStatus{}, err
	}
	var st EvaluationStatus
	err = s.store.View(func(tx Tx) error {
		w, err := tx.WorkOrderByNumber(FormatNumber(n))
		if errors.Is(err, ErrNotFound) {
			return NotFoundf("There is no work order %s.", FormatNumber(n))
		} else if err != nil {
			return err
		}
		st = EvaluationStatus{Number: w.Number, Node: w.Node}
		if r, err := tx.EvaluationRequest(w.ID); err == nil {
			st.Request = &r
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		st.Evaluations, err = tx.EvaluationsFor(w.ID)
		if st.Evaluations == nil {
			st.Evaluations = []Evaluation{}
		}
		return err
	})
	return st, err
}

// ImportEvaluations stores evaluations made elsewhere — the demo company, or
// records brought over from another system — as given, all or nothing (admins
// only). Each names an existing work order, a submission time, and a rating
// within a 5- or 10-point scale (or none); the work order's number, type,
// engineer and provider fill in when left empty.
func (s *Service) ImportEvaluations(as Actor, es []Evaluation) (int, error) {
	if err := require(as, "import evaluations", RoleAdmin); err != nil {
		return 0, err
	}
	err := s.store.Update(func(tx Tx) error {
		for i := range es {
			e := es[i]
			w, err := tx.WorkOrder(e.WorkOrderID)
			if errors.Is(err, ErrNotFound) {
				return Invalid("work_order_id", "Evaluation %d names work order %d, which does not exist.", i+1, e.WorkOrderID)
			} else if err != nil {
				return err
			}
			switch {
			case e.SubmittedAt.IsZero():
				return Invalid("submitted_at", "Evaluation %d has no submission time.", i+1)
			case e.Score != 0 && (e.Scale != 5 && e.Scale != 10 || e.Score < 1 || e.Score > e.Scale):
				return Invalid("score", "Evaluation %d rates %d on a %d-point scale: give 1–5 of 5 or 1–10 of 10.", i+1, e.Score, e.Scale)
			}
			e.ID = 0
			if e.Number == "" {
				e.Number = w.Number
			}
			if e.RecordType == "" {
				e.RecordType = w.RecordType
			}
			if e.EngineerID == 0 {
				e.EngineerID, e.EngineerName = w.FieldOutDealUser, w.EngineerName
			}
			if e.ProviderID == 0 {
				e.ProviderID, e.ProviderName = w.FieldPartner, w.FieldDownstreamOuterTenantName
			}
			if e.Type == "" {
				e.Type = EvalTypeStandard
			}
			if err := tx.PutEvaluation(&e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	s.broker.publish(Change{Kind: "work-order"})
	return len(es), nil
}

// closeQR stops the evaluation QR code of a work order leaving the
// evaluation node: at once, or after the node's grace (QRGrace) — the engineer
// who showed it keeps its address, and it must not take ratings for ever.
func (s *Service) closeQR(tx Tx, w *WorkOrder, why string, now time.Time) error {
	req, err := tx.EvaluationRequest(w.ID)
	if errors.Is(err, ErrNotFound) || (err == nil && req.QRLink == "") {
		return nil
	} else if err != nil {
		return err
	}
	hash, err := hex.DecodeString(req.QRLink)
	if err != nil {
		return nil
	}
	l, err := tx.Link(hash)
	if errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	p, err := readProcess(tx, w.RecordType)
	if err != nil {
		return err
	}
	pn, _ := p.Find(NodeEvaluation)
	end := now.Add(time.Duration(evaluationSettingsOf(pn).QRGrace))
	if l.ExpiresAt != nil && !l.ExpiresAt.After(end) {
		return nil // it ends sooner anyway
	}
	l.ExpiresAt = &end
	if err := tx.PutLink(&l); err != nil {
		return err
	}
	detail := "evaluation QR code closed: " + why
	if end.After(now) {
		detail = fmt.Sprintf("evaluation QR code takes ratings until %s, then closes: %s", end.Format("15:04"), why)
	}
	return tx.AppendEvent(w.ID, Event{At: now, By: "system", Channel: ChannelSystem, Kind: EventEvaluation, Detail: detail})
}
