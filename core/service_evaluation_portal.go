package core

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// EvaluationRefusal is the answer to a visitor whose role may not create
// evaluations of the link's record type (R-ROLE-4): the link itself is fine.
type EvaluationRefusal struct {
	Guest bool   // a guest (QR code, or no customer bound to the work order)
	Type  string // the evaluation record type
}

func (e *EvaluationRefusal) Error() string {
	if e.Guest {
		return fmt.Sprintf("guests may not create %s evaluations", e.Type)
	}
	return fmt.Sprintf("terminal users may not create %s evaluations", e.Type)
}

// Unwrap makes errors.Is(err, ErrForbidden) true.
func (e *EvaluationRefusal) Unwrap() error { return ErrForbidden }

// EvaluationPage is what a customer's evaluation page shows: the work order in
// a few words and the record type's layout, with earlier answers when a
// personal link is opened again to change them.
type EvaluationPage struct {
	Number    string
	Subject   string
	Engineer  string
	Provider  string
	Account   string
	Type      EvaluationType
	Values    map[string][]string
	Editing   bool // a personal link's evaluation, opened again to change it
	QR        bool
	Guest     bool
	ExpiresAt *time.Time
	Submit    string // the submit button's label ("" for the default)
}

// EvaluationInput is a posted evaluation form: the form's nonce and, per field
// key, the values chosen (several for a multiple choice).
type EvaluationInput struct {
	Nonce   string
	Answers map[string][]string
	// Device is the browser's own random cookie, Network the client's
	// network (/24 or /64): a QR code refuses a second rating from one
	// browser and marks one from the same network. Only hashes are kept.
	Device, Network string
}

// shortHash is a short hex SHA-256 of s ("" for ""): enough to tell two
// browsers or networks apart, not to recover them.
func shortHash(s string) string {
	if s == "" {
		return ""
	}
	h := sha256.Sum256([]byte("switchboard:" + s))
	return hex.EncodeToString(h[:8])
}

// EvaluationReceipt is what the customer sees after submitting; Token opens it again.
type EvaluationReceipt struct {
	Token     string
	Number    string
	Subject   string
	Type      string
	Score     int
	Scale     int
	Answers   []EvalAnswer
	At        time.Time
	Edited    bool
	Duplicate bool // the nonce had been submitted before: nothing new was written
}

// evalLink is everything a customer's evaluation link resolves to.
type evalLink struct {
	link     Link
	w        WorkOrder
	req      EvaluationRequest
	typ      EvaluationType
	qr       bool
	guest    bool
	existing *Evaluation // the personal link's evaluation, to edit
	// device and network are the submitting browser's hashes (QR codes).
	device, network string
}

// resolveEvalLink finds the link of token and what it opens, refusing unusable
// links (one page for all reasons) and visitors without permission (R-ROLE-4).
func resolveEvalLink(tx Tx, token string, now time.Time) (evalLink, error) {
	var el evalLink
	_, hash, ok := ParseToken(token)
	if !ok {
		return el, unusable("malformed")
	}
	l, err := tx.Link(hash)
	if errors.Is(err, ErrNotFound) {
		return el, unusable("unknown")
	} else if err != nil {
		return el, err
	}
	switch {
	case l.Purpose != PurposeEvaluation:
		return el, unusable("wrong purpose " + string(l.Purpose) + " for evaluation")
	case l.ExpiresAt != nil && !now.Before(*l.ExpiresAt):
		return el, unusable("expired")
	}
	el.link = l
	if el.w, err = tx.WorkOrder(l.WorkOrder); errors.Is(err, ErrNotFound) {
		return el, unusable("work order gone")
	} else if err != nil {
		return el, err
	}
	if el.w.Status == StatusTerminated {
		return el, unusable("work order terminated")
	}
	if el.req, err = requestFor(tx, &el.w, now); err != nil {
		return el, err
	}
	h := hex.EncodeToString(hash)
	el.qr = el.req.QRLink == h
	if l.Uses > 0 {
		if el.qr && !l.MultiUse {
			return el, unusable("QR code already used")
		}
		if !el.qr {
			es, err := tx.EvaluationsFor(el.w.ID)
			if err != nil {
				return el, err
			}
			for i := range es {
				if es[i].Link == h {
					el.existing = &es[i]
				}
			}
		}
	}
	types, err := readEvaluationTypes(tx)
	if err != nil {
		return el, err
	}
	t, ok := findEvalType(types, el.req.Type)
	if !ok {
		t = types[0]
	}
	el.typ = t
	el.guest = el.qr || el.w.OutOwner == 0
	if (el.guest && !t.Guests) || (!el.guest && !t.TerminalUsers) {
		return el, &EvaluationRefusal{Guest: el.guest, Type: t.Name}
	}
	return el, nil
}

func (el *evalLink) page() EvaluationPage {
	w := &el.w
	p := EvaluationPage{Number: w.Number, Subject: w.Subject, Engineer: w.EngineerName, Provider: w.FieldDownstreamOuterTenantName,
		Account: w.AccountName, Type: el.typ, QR: el.qr, Guest: el.guest, ExpiresAt: el.link.ExpiresAt, Submit: el.req.Labels.Submit}
	if e := el.existing; e != nil {
		p.Editing = true
		p.Values = answerValues(e.Answers)
	}
	return p
}

// answerValues turns stored answers back into form values.
func answerValues(as []EvalAnswer) map[string][]string {
	out := map[string][]string{}
	for _, a := range as {
		switch a.Kind {
		case EvalStars:
			if a.Number != nil {
				out[a.Key] = []string{strconv.Itoa(*a.Number)}
			}
		case EvalYesNo:
			if a.Yes != nil {
				out[a.Key] = []string{map[bool]string{true: "yes", false: "no"}[*a.Yes]}
			}
		case EvalSingle, EvalMultiple:
			out[a.Key] = append([]string(nil), a.Choices...)
		case EvalText:
			if a.Text != "" {
				out[a.Key] = []string{a.Text}
			}
		}
	}
	return out
}

// OpenEvaluation reads the evaluation page a link opens. It changes nothing.
func (s *Service) OpenEvaluation(token string) (EvaluationPage, error) {
	var p EvaluationPage
	err := s.store.View(func(tx Tx) error {
		el, err := resolveEvalLink(tx, token, s.Now())
		if err != nil {
			return err
		}
		p = el.page()
		return nil
	})
	return p, err
}

// ParseEvaluationAnswers checks posted values against a record type's layout:
// stars are whole numbers within the field's scale, choices come from its
// options, yes/no is yes or no, text is clean; required fields are answered.
// score and scale are the overall rating (the first star field), 0 when empty.
// Errors are keyed by field key.
func ParseEvaluationAnswers(t EvaluationType, in map[string][]string) (answers []EvalAnswer, score, scale int, err error) {
	var errs ValidationErrors
	rating, _ := t.Rating()
	for _, f := range t.Fields {
		var vals []string
		for _, v := range in[f.Key] {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			if f.Required {
				errs = append(errs, Invalid(f.Key, "Please answer “%s”.", f.Label))
			}
			continue
		}
		a := EvalAnswer{Key: f.Key, Label: f.Label, Kind: f.Kind}
		if f.Kind != EvalMultiple && len(vals) > 1 {
			errs = append(errs, Invalid(f.Key, "“%s” takes one answer.", f.Label))
			continue
		}
		switch f.Kind {
		case EvalStars:
			n, e := strconv.Atoi(vals[0])
			if e != nil || n < 1 || n > f.Scale {
				errs = append(errs, Invalid(f.Key, "“%s” is rated from 1 to %d.", f.Label, f.Scale))
				continue
			}
			a.Number, a.Scale = &n, f.Scale
			if f.Key == rating.Key {
				score, scale = n, f.Scale
			}
		case EvalSingle, EvalMultiple:
			bad := false
			for _, v := range vals {
				if !slices.Contains(f.Options, v) {
					errs = append(errs, Invalid(f.Key, "“%s” has no option %q.", f.Label, v))
					bad = true
					break
				}
			}
			if bad {
				continue
			}
			for _, o := range f.Options { // in the layout's order, once each
				if slices.Contains(vals, o) {
					a.Choices = append(a.Choices, o)
				}
			}
		case EvalYesNo:
			var yes bool
			switch strings.ToLower(vals[0]) {
			case "yes":
				yes = true
			case "no":
			default:
				errs = append(errs, Invalid(f.Key, "“%s” is answered yes or no.", f.Label))
				continue
			}
			a.Yes = &yes
		case EvalText:
			txt, verr := cleanText(f.Key, "“"+f.Label+"”", vals[0], false, maxEvalText)
			if verr != nil {
				errs = append(errs, verr)
				continue
			}
			a.Text = txt
		}
		answers = append(answers, a)
	}
	return answers, score, scale, errs.Err()
}

// summary is an evaluation in a line for the history.
func (e *Evaluation) summary() string {
	var parts []string
	for _, a := range e.Answers {
		v := a.Value()
		if a.Kind == EvalText {
			if r := []rune(v); len(r) > 80 {
				v = string(r[:80]) + "…"
			}
			v = strings.ReplaceAll(v, "\n", " ")
		}
		parts = append(parts, a.Key+" "+v)
	}
	if len(parts) == 0 {
		return "no answers"
	}
	return strings.Join(parts, "; ")
}

// SubmitEvaluation records a customer's evaluation through a link (R-EVAL-1):
// a new Service Evaluation record — or, through a personal link already used,
// the same record changed (editable until the link expires). The QR code
// accepts several submissions (R-EVAL-4). The evaluation-success notice is
// queued (R-NOTE-3), and a work order invited only by messages moves on from
// the evaluation node. in.Nonce makes a double submit return the first receipt.
func (s *Service) SubmitEvaluation(token string, in EvaluationInput) (EvaluationReceipt, error) {
	nonceTok, nonceHash, ok := ParseToken(in.Nonce)
	if !ok {
		return EvaluationReceipt{}, Invalid("nonce", "The form has expired; open the link again.")
	}
	var r EvaluationReceipt
	var w WorkOrder
	err := s.store.Batch(func(tx Tx) error {
		now := s.Now()
		r, w = EvaluationReceipt{}, WorkOrder{}
		if dup, err := existingEvalReceipt(tx, nonceTok, nonceHash, now); err == nil {
			r = dup
			return nil
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		el, err := resolveEvalLink(tx, token, now)
		if err != nil {
			return err
		}
		w = el.w
		answers, score, scale, err := ParseEvaluationAnswers(el.typ, in.Answers)
		if err != nil {
			return err
		}
		el.device, el.network = shortHash(in.Device), shortHash(in.Network)
		e, err := s.saveEvaluation(tx, &el, answers, score, scale, now)
		if err != nil {
			return err
		}
		w = el.w
		r = EvaluationReceipt{Token: nonceTok, Number: w.Number, Subject: w.Subject, Type: e.Type, Score: e.Score, Scale: e.Scale,
			Answers: e.Answers, At: now, Edited: el.existing != nil}
		exp := now.Add(ReceiptTTL)
		return tx.PutLink(&Link{Hash: nonceHash, Purpose: PurposeEvaluationReceipt, WorkOrder: w.ID, Evaluation: e.ID,
			ExpiresAt: &exp, MultiUse: true, CreatedAt: now, CreatedBy: "web evaluation"})
	})
	if err != nil {
		return EvaluationReceipt{}, err
	}
	if !r.Duplicate {
		s.broker.publish(Change{Kind: "work-order", WorkOrder: w.ID, Number: w.Number})
	}
	return r, nil
}

// saveEvaluation writes a new evaluation (or the edit of a personal link's),
// its history, the success notice and, for message-only invitations, the
// node's completion. el.w is updated when the work order moves on.
func (s *Service) saveEvaluation(tx Tx, el *evalLink, answers []EvalAnswer, score, scale int, now time.Time) (Evaluation, error) {
	w := &el.w
	if el.existing != nil {
		e := *el.existing
		e.Answers, e.Score, e.Scale, e.EditedAt = answers, score, scale, &now
		if err := tx.PutEvaluation(&e); err != nil {
			return e, err
		}
		return e, tx.AppendEvent(w.ID, Event{At: now, By: e.By, Channel: ChannelWeb, Kind: EventEvaluation,
			Detail: fmt.Sprintf("evaluation %d changed (%s): %s", e.ID, e.Type, e.summary())})
	}
	prev, err := tx.EvaluationsFor(w.ID)
	if err != nil {
		return Evaluation{}, err
	}
	e := Evaluation{WorkOrderID: w.ID, Number: w.Number, Type: el.typ.Name, RecordType: w.RecordType, Answers: answers,
		Score: score, Scale: scale, EngineerID: w.FieldOutDealUser, EngineerName: w.EngineerName,
		ProviderID: w.FieldPartner, ProviderName: w.FieldDownstreamOuterTenantName,
		Link: hex.EncodeToString(el.link.Hash), SubmittedAt: now, Via: EvalViaQR, By: "guest (QR code)"}
	if el.qr {
		// One rating per browser; a second from the same network is marked
		// (several customers on one site's Wi-Fi are real, so not refused).
		e.Device, e.Network = el.device, el.network
		for _, p := range prev {
			if p.Via != EvalViaQR {
				continue
			}
			if e.Device != "" && p.Device == e.Device {
				return e, Invalid("form", "This phone or browser has already rated this service (evaluation %d): thank you — each person rates once.", p.ID)
			}
			if e.Network != "" && p.Network == e.Network && e.Repeat == "" {
				e.Repeat = fmt.Sprintf("same network as evaluation %d", p.ID)
			}
		}
	}
	if !el.qr {
		e.Via = EvalViaLink
		e.By = "guest (personal link)"
		if !el.guest {
			e.TerminalUserID, e.By = w.OutOwner, "terminal user"
			if tu, err := tx.TerminalUser(w.OutOwner); err == nil {
				e.By = Actor{Kind: SubmitterTerminal, TerminalUserID: tu.ID, Name: tu.Name}.Label()
			}
		}
	}
	if err := tx.PutEvaluation(&e); err != nil {
		return e, err
	}
	l := el.link
	l.Uses++
	l.UsedAt = &now
	if err := tx.PutLink(&l); err != nil {
		return e, err
	}
	how := "by QR code"
	if !el.qr {
		how = "by personal link"
	}
	if e.Repeat != "" {
		how += " (marked: " + e.Repeat + ")"
	}
	if err := tx.AppendEvent(w.ID, Event{At: now, By: e.By, Channel: ChannelWeb, Kind: EventEvaluation,
		Detail: fmt.Sprintf("evaluation %d submitted %s (%s): %s", e.ID, how, e.Type, e.summary())}); err != nil {
		return e, err
	}
	// The owner hears "thank you" once for a QR code several customers scan.
	if !el.qr || len(prev) == 0 {
		if _, err := s.enqueueNotice(tx, NoticeAction{Event: NoticeEvaluationSuccess, Once: fmt.Sprintf("eval-%d", e.ID)}, w); err != nil {
			return e, err
		}
	}
	if !el.req.HasQR() && w.Node == NodeEvaluation && w.Status.Open() {
		p, err := readProcess(tx, w.RecordType)
		if err != nil {
			return e, err
		}
		m := moveOn(p, w, now)
		w.Version++
		w.UpdatedAt = now
		if err := tx.PutWorkOrder(w); err != nil {
			return e, err
		}
		if err := tx.AppendEvent(w.ID, Event{At: now, By: "system", Channel: ChannelSystem, Kind: EventAdvanced,
			Detail: fmt.Sprintf("evaluation node completed: the customer's evaluation arrived → %s", m.to)}); err != nil {
			return e, err
		}
		if err := s.afterMove(tx, w, m, now); err != nil {
			return e, err
		}
	}
	return e, nil
}

// existingEvalReceipt returns the receipt stored under a nonce (ErrNotFound if none).
func existingEvalReceipt(tx Tx, tok string, hash []byte, now time.Time) (EvaluationReceipt, error) {
	l, err := tx.Link(hash)
	if err != nil {
		return EvaluationReceipt{}, err
	}
	if err := l.Usable(PurposeEvaluationReceipt, now); err != nil {
		return EvaluationReceipt{}, err
	}
	e, err := tx.Evaluation(l.Evaluation)
	if err != nil {
		return EvaluationReceipt{}, err
	}
	w, err := tx.WorkOrder(l.WorkOrder)
	if err != nil {
		return EvaluationReceipt{}, err
	}
	return EvaluationReceipt{Token: tok, Number: w.Number, Subject: w.Subject, Type: e.Type, Score: e.Score, Scale: e.Scale,
		Answers: e.Answers, At: l.CreatedAt, Edited: e.EditedAt != nil, Duplicate: true}, nil
}

// EvaluationReceiptFor reads the receipt a receipt token opens. It changes nothing.
func (s *Service) EvaluationReceiptFor(token string) (EvaluationReceipt, error) {
	tok, hash, ok := ParseToken(token)
	if !ok {
		return EvaluationReceipt{}, unusable("malformed")
	}
	var r EvaluationReceipt
	err := s.store.View(func(tx Tx) error {
		var err error
		r, err = existingEvalReceipt(tx, tok, hash, s.Now())
		if errors.Is(err, ErrNotFound) {
			return unusable("unknown")
		}
		return err
	})
	r.Duplicate = false
	return r, err
}
