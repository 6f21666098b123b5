package core

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Customers see their own work orders (seed 003: terminal users "submit or
// query"; R-IN-8): they sign in on the web listener with their phone and an
// SMS code, stay signed in with a cookie for CustomerSessionTTL, and see the
// work orders of that phone — their state, what happened that concerns them,
// tasks and evaluations waiting for them.

// CustomerSessionTTL is how long a customer stays signed in.
const CustomerSessionTTL = 30 * 24 * time.Hour

// maxCustomerWorkOrders bounds the list (the newest first).
const maxCustomerWorkOrders = 100

// CustomerSession is a signed-in customer: Token goes in their cookie.
type CustomerSession struct {
	Token   string
	Phone   string // masked
	Expires time.Time
}

// SignIn checks the code sent to phone (typed in the form with nonce) and
// opens a session. Codes come from SendPhoneCode; phone verification must be
// on, since nothing else proves the phone.
func (s *Service) SignIn(phone, code, nonce string) (CustomerSession, error) {
	_, nonceHash, ok := ParseToken(nonce)
	if !ok {
		return CustomerSession{}, Invalid("nonce", "The form has expired; open it again.")
	}
	p, err := NormalizePhone(phone)
	if err != nil {
		return CustomerSession{}, err
	}
	if p == "" {
		return CustomerSession{}, Invalid("phone", "Type your phone number: the code is sent to it.")
	}
	if strings.TrimSpace(code) == "" {
		return CustomerSession{}, Invalid("code", "Type the code we sent to your phone (press “Send me a code” first).")
	}
	v, err := s.PhoneVerification()
	if err != nil {
		return CustomerSession{}, err
	}
	if !v.On {
		return CustomerSession{}, Invalid("phone", "Signing in needs SMS codes, which are not in use here: ask us by phone about your requests.")
	}
	if err := s.checkPhoneCode(p, code, nonceHash); err != nil {
		return CustomerSession{}, err
	}
	tok := NewToken()
	now := s.Now()
	exp := now.Add(CustomerSessionTTL)
	err = s.store.Update(func(tx Tx) error {
		return tx.PutLink(&Link{Hash: HashToken(tok), Purpose: PurposeSession, Phone: p, ExpiresAt: &exp, MultiUse: true, CreatedAt: now, CreatedBy: "web sign-in"})
	})
	if err != nil {
		return CustomerSession{}, err
	}
	return CustomerSession{Token: tok, Phone: MaskAddress(p), Expires: exp}, nil
}

// SignOut ends a customer session at once. An unknown token is fine: the
// customer is signed out either way.
func (s *Service) SignOut(token string) error {
	return s.store.Update(func(tx Tx) error {
		l, err := usableLink(tx, token, PurposeSession, s.Now())
		if err != nil {
			return nil
		}
		now := s.Now()
		l.ExpiresAt = &now
		return tx.PutLink(&l)
	})
}

// CustomerWorkOrder is one of a customer's work orders as they see it.
type CustomerWorkOrder struct {
	Number, Subject, RecordType string
	Status                      Status
	Node                        Node
	Engineer                    string
	CreatedAt, UpdatedAt        time.Time
	// Steps are the history entries meant for the customer, oldest first.
	Steps []CustomerStep
	// Waiting says what waits for the customer: "task" (a terminal task,
	// whose link came by message), "evaluation", "signature" — or "".
	Waiting string
	// Rated is the customer's own rating, when they gave one.
	Rated string
}

// CustomerStep is one history entry a customer may see: its kind (created,
// assigned, task, report, evaluation, timeout, advanced, terminated) and when.
type CustomerStep struct {
	At   time.Time
	Kind string
}

// customerKinds are the history kinds a customer sees, by what they are
// called on the page.
var customerKinds = map[string]string{
	EventCreated: "created", EventAssigned: "assigned", EventTerminalTask: "task", EventReportGenerated: "report",
	EventReportSigned: "signed", EventEvaluation: "evaluation", EventAdvanced: "advanced", EventTerminated: "terminated",
	EventEmailReply: "reply",
}

// CustomerView is what a signed-in customer sees.
type CustomerView struct {
	Phone      string // masked
	Expires    time.Time
	WorkOrders []CustomerWorkOrder
}

// customerSession is a session's phone and the terminal users who hold it.
type customerSession struct {
	link   Link
	owners map[ID]bool
}

func openSession(tx Tx, token string, now time.Time) (customerSession, error) {
	l, err := usableLink(tx, token, PurposeSession, now)
	if err != nil {
		return customerSession{}, err
	}
	tus, err := tx.TerminalUsersByPhone(l.Phone)
	if err != nil {
		return customerSession{}, err
	}
	cs := customerSession{link: l, owners: map[ID]bool{}}
	for _, tu := range tus {
		cs.owners[tu.ID] = true
	}
	return cs, nil
}

// mine reports whether w is the session's: owned by a terminal user with its
// phone, or with that phone and not marked unverified.
func (cs customerSession) mine(w *WorkOrder) bool {
	return cs.owners[w.OutOwner] || (w.Phone == cs.link.Phone && w.PhoneCheck != PhoneUnverified)
}

// CustomerWorkOrders lists the work orders of a session's phone, newest
// first: those with that phone that nobody marked unverified, and those owned
// by a terminal user with that phone — whatever phone those carry (one made
// from the customer's email has none).
func (s *Service) CustomerWorkOrders(token string) (CustomerView, error) {
	var v CustomerView
	err := s.store.View(func(tx Tx) error {
		cs, err := openSession(tx, token, s.Now())
		if err != nil {
			return err
		}
		v = CustomerView{Phone: MaskAddress(cs.link.Phone), Expires: *cs.link.ExpiresAt}
		page, err := tx.QueryWorkOrders(WorkOrderQuery{Text: cs.link.Phone, Limit: 5 * maxCustomerWorkOrders})
		if err != nil {
			return err
		}
		seen := map[ID]bool{}
		var ids []ID
		add := func(id ID) {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		for _, r := range page.Rows {
			add(r.ID)
		}
		for _, owner := range slices.Sorted(maps.Keys(cs.owners)) {
			owned, err := tx.WorkOrdersOwnedBy(owner, maxCustomerWorkOrders)
			if err != nil {
				return err
			}
			for _, id := range owned {
				add(id)
			}
		}
		var mine []WorkOrder
		for _, id := range ids {
			w, err := tx.WorkOrder(id)
			if errors.Is(err, ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			if cs.mine(&w) {
				mine = append(mine, w)
			}
		}
		slices.SortStableFunc(mine, func(a, b WorkOrder) int { return b.CreatedAt.Compare(a.CreatedAt) })
		for i := range mine[:min(len(mine), maxCustomerWorkOrders)] {
			cw, err := customerWorkOrder(tx, &mine[i])
			if err != nil {
				return err
			}
			v.WorkOrders = append(v.WorkOrders, cw)
		}
		return nil
	})
	return v, err
}

// CustomerWorkOrder is one of the session's work orders; another's is
// refused like an unknown link.
func (s *Service) CustomerWorkOrder(token, number string) (CustomerWorkOrder, error) {
	var cw CustomerWorkOrder
	err := s.store.View(func(tx Tx) error {
		cs, err := openSession(tx, token, s.Now())
		if err != nil {
			return err
		}
		n, err := ParseNumber(number)
		if err != nil {
			return unusable("not a work-order number")
		}
		w, err := tx.WorkOrderByNumber(FormatNumber(n))
		if errors.Is(err, ErrNotFound) || (err == nil && !cs.mine(&w)) {
			return unusable(fmt.Sprintf("%s is not the customer's", number))
		} else if err != nil {
			return err
		}
		cw, err = customerWorkOrder(tx, &w)
		return err
	})
	return cw, err
}

func customerWorkOrder(tx Tx, w *WorkOrder) (CustomerWorkOrder, error) {
	cw := CustomerWorkOrder{Number: w.Number, Subject: w.Subject, RecordType: w.RecordType, Status: w.Status, Node: w.Node,
		Engineer: w.EngineerName, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
	h, err := tx.Events(w.ID)
	if err != nil {
		return cw, err
	}
	for _, e := range h {
		if k, ok := customerKinds[e.Kind]; ok {
			cw.Steps = append(cw.Steps, CustomerStep{At: e.At, Kind: k})
		}
	}
	if w.Status.Open() {
		switch w.Node {
		case NodeTerminalTask:
			cw.Waiting = "task"
		case NodeEvaluation:
			cw.Waiting = "evaluation"
		}
	}
	es, err := tx.EvaluationsFor(w.ID)
	if err != nil {
		return cw, err
	}
	for _, e := range es {
		if e.TerminalUserID != 0 && e.TerminalUserID == w.OutOwner && e.Score > 0 {
			cw.Rated = fmt.Sprintf("%d/%d", e.Score, e.Scale)
			if cw.Waiting == "evaluation" {
				cw.Waiting = ""
			}
		}
	}
	return cw, nil
}
