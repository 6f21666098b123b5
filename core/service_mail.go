package core

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// History kinds written by email intake (R-IN-5).
const (
	EventEmail      = "email"       // the message a work order was made from
	EventEmailReply = "email-reply" // a reply added to an existing work order
)

// MailIntake is one received message on its way in: parsed by core/mailin, or
// not readable (Mail nil, ParseErr saying why).
type MailIntake struct {
	Raw      []byte
	Mail     *InboundMail
	ParseErr error
	// Hint is what could be read of an unreadable message's headers, for the
	// quarantine list.
	Hint struct{ From, Subject, MessageID string }
	// Source says where it came from: "stdin", "maildir FILE".
	Source string
	// Release is the quarantined message this is another attempt at (0: new
	// mail); By is who released it.
	Release ID
	By      Actor
	// Getenv supplies the email channel's from address from the environment
	// (SWITCHBOARD_EMAIL_FROM), as the outbox worker sees it; nil: database only.
	Getenv func(string) string
}

// mailActor is who creates work orders from mail: the mailbox (a named system,
// so R-WO-4 treats it as an internal submission and matches the sender).
var mailActor = Actor{Name: mailActorName}

var ourMessageID = regexp.MustCompile(`^[0-9a-f]{24}@(.+)$`)

// AcceptMail takes one received message in, in one transaction (R-IN-5):
//   - unreadable → quarantined with its raw bytes (never lost);
//   - a Message-ID seen before → recorded as a duplicate (MTAs redeliver);
//   - our own message coming back → recorded as a loop;
//   - an auto-reply, bounce or list mail → recorded, nothing else;
//   - a reply (In-Reply-To/References to a message of a work order, or
//     "[WO-000123]" in the subject) → added to that work order's history;
//   - anything else → a new work order on channel email: mail rules in priority
//     order choose record type, priority and region, the sender is matched to a
//     contact by email (R-WO-4 then sets the external owner), dispatch runs and
//     the "submitted" notice is queued.
//
// Attachments are kept with the work order up to the size limit. The returned
// record says what happened; an error means nothing was written.
func (s *Service) AcceptMail(in MailIntake) (MailRecord, error) {
	if in.Release != 0 {
		if err := require(in.By, "release quarantined mail", RoleAdmin, RoleDispatcher); err != nil {
			return MailRecord{}, err
		}
	}
	if len(in.Raw) > MaxMailBytes {
		return MailRecord{}, Invalid("mail", "The message is %s; the limit is %s: it was not taken in.", HumanBytes(int64(len(in.Raw))), HumanBytes(MaxMailBytes))
	}
	var rec MailRecord
	var changed []Change
	err := s.store.Update(func(tx Tx) error {
		changed = changed[:0]
		var err error
		rec, changed, err = s.acceptMail(tx, in)
		return err
	})
	if err != nil {
		return MailRecord{}, err
	}
	changed = append(changed, Change{Kind: "mail"})
	s.broker.publish(changed...)
	return rec, nil
}

func (s *Service) acceptMail(tx Tx, in MailIntake) (MailRecord, []Change, error) {
	now := s.Now()
	rec := MailRecord{ReceivedAt: now, Source: in.Source, Size: len(in.Raw)}
	var old *MailRecord
	if in.Release != 0 {
		o, err := tx.MailRecord(in.Release)
		if errors.Is(err, ErrNotFound) {
			return rec, nil, NotFoundf("There is no mail %d: list the quarantine with `switchboard mail quarantine`.", in.Release)
		} else if err != nil {
			return rec, nil, err
		}
		if o.Outcome != MailQuarantined {
			return rec, nil, Invalid("mail", "Mail %d is not in quarantine (it was %s).", o.ID, o.Outcome)
		}
		old = &o
		rec = o
		rec.Log = append(rec.Log, fmt.Sprintf("%s released by %s", now.Format(time.RFC3339), in.By.Label()))
	}
	if in.Mail == nil {
		reason := "the message cannot be read"
		if in.ParseErr != nil {
			reason = in.ParseErr.Error()
		}
		if old != nil {
			return rec, nil, Invalid("mail", "Mail %d still cannot be read (%s): take it in as it is with --force, or delete it.", old.ID, reason)
		}
		rec.Outcome, rec.Reason = MailQuarantined, reason
		rec.From, rec.Subject, rec.MessageID = in.Hint.From, cutRunes(CleanMailText(in.Hint.Subject), maxMailSubject), in.Hint.MessageID
		if err := tx.PutMailRecord(&rec); err != nil {
			return rec, nil, err
		}
		return rec, nil, tx.PutMailRaw(rec.ID, in.Raw)
	}
	m := in.Mail
	rec.MessageID, rec.From, rec.Subject = m.MessageID, m.From.String(), CleanSubject(m.Subject)
	rec.To = nil
	for _, a := range append(slices.Clone(m.To), m.Cc...) {
		rec.To = append(rec.To, a.Address)
	}
	rec.Attachments = len(m.Attachments)
	finish := func(outcome MailOutcome, reason string) (MailRecord, []Change, error) {
		rec.Outcome, rec.Reason = outcome, reason
		if err := tx.PutMailRecord(&rec); err != nil {
			return rec, nil, err
		}
		if old != nil {
			return rec, nil, tx.PutMailRaw(old.ID, nil)
		}
		return rec, nil, nil
	}

	if id := NormalizeMessageID(m.MessageID); id != "" && old == nil {
		prev, err := tx.MailRecordByMessageID(id)
		if err == nil {
			rec.WorkOrderID, rec.Number = prev.WorkOrderID, prev.Number
			return finish(MailDuplicate, fmt.Sprintf("the same message (Message-ID %s) arrived at %s as mail %d (%s)", m.MessageID, prev.ReceivedAt.Format(time.RFC3339), prev.ID, prev.Outcome))
		} else if !errors.Is(err, ErrNotFound) {
			return rec, nil, err
		}
	}
	own, err := s.ownAddresses(tx, in.Getenv)
	if err != nil {
		return rec, nil, err
	}
	if why := loopReason(m, own); why != "" {
		return finish(MailLoop, why)
	}
	wo, how, err := s.mailThread(tx, m)
	if err != nil {
		return rec, nil, err
	}
	if m.Auto != "" {
		if wo != nil {
			rec.WorkOrderID, rec.Number = wo.ID, wo.Number
		}
		return finish(MailAuto, "sent by a machine ("+m.Auto+"): recorded, not taken in")
	}
	settings, err := readMailSettings(tx)
	if err != nil {
		return rec, nil, err
	}
	// The record gets its id first: attachments name it as their source.
	if err := tx.PutMailRecord(&rec); err != nil {
		return rec, nil, err
	}
	if old != nil {
		if err := tx.PutMailRaw(old.ID, nil); err != nil {
			return rec, nil, err
		}
	}
	if wo != nil {
		if err := s.appendReply(tx, wo, m, how, &rec, settings, now); err != nil {
			return rec, nil, err
		}
		rec.Outcome = MailAppended
		if old != nil {
			rec.Outcome = MailReleased
			rec.Log = append(rec.Log, "added to "+wo.Number+" as a reply")
		}
		return rec, []Change{{Kind: "work-order", WorkOrder: wo.ID, Number: wo.Number}}, tx.PutMailRecord(&rec)
	}
	w, err := s.mailWorkOrder(tx, m, &rec, settings, now)
	if err != nil {
		if !IsValidation(err) {
			return rec, nil, err
		}
		// Mail must never be lost: what the checks refuse waits in quarantine.
		rec.Outcome, rec.Reason = MailQuarantined, "it could not become a work order: "+err.Error()
		if err := tx.PutMailRecord(&rec); err != nil {
			return rec, nil, err
		}
		return rec, nil, tx.PutMailRaw(rec.ID, in.Raw)
	}
	rec.Outcome = MailCreated
	if old != nil {
		rec.Outcome = MailReleased
		rec.Log = append(rec.Log, "became "+w.Number)
	}
	return rec, []Change{{Kind: "work-order", WorkOrder: w.ID, Number: w.Number}}, tx.PutMailRecord(&rec)
}

// ownAddresses are the service's own mailboxes: the email channel's from and
// the mail settings' mailboxes, lower case.
func (s *Service) ownAddresses(tx Tx, getenv func(string) string) ([]string, error) {
	c, err := readChannel(tx, NoticeEmail)
	if err != nil {
		return nil, err
	}
	vals, _ := c.Resolve(getenv)
	settings, err := readMailSettings(tx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range append([]string{vals["from"]}, settings.Mailboxes...) {
		if a = strings.ToLower(strings.TrimSpace(a)); a != "" && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out, nil
}

// loopReason says why m is our own mail coming back, or "".
func loopReason(m *InboundMail, own []string) string {
	if m.OurKey != "" {
		return "it carries our own X-Switchboard-Key (" + m.OurKey + "): a notification of ours came back"
	}
	if slices.Contains(own, strings.ToLower(m.From.Address)) {
		return "it is from our own mailbox " + m.From.Address + ": a mail loop"
	}
	if mm := ourMessageID.FindStringSubmatch(NormalizeMessageID(m.MessageID)); mm != nil {
		for _, a := range own {
			if _, dom, _ := strings.Cut(a, "@"); dom == mm[1] {
				return "its Message-ID " + m.MessageID + " is one our outbox makes: a mail loop"
			}
		}
	}
	return ""
}

// mailThread finds the work order m replies to: by In-Reply-To and References
// (newest first) among the messages of work orders, then by a work-order number
// in the subject. how says which.
func (s *Service) mailThread(tx Tx, m *InboundMail) (*WorkOrder, string, error) {
	ids := append(slices.Clone(m.InReplyTo), reversed(m.References)...)
	for _, id := range ids {
		woID, err := tx.MailThread(id)
		if errors.Is(err, ErrNotFound) {
			continue
		} else if err != nil {
			return nil, "", err
		}
		w, err := tx.WorkOrder(woID)
		if errors.Is(err, ErrNotFound) {
			continue
		} else if err != nil {
			return nil, "", err
		}
		return &w, "it answers message " + id, nil
	}
	if n := SubjectNumber(m.Subject); n != "" {
		w, err := tx.WorkOrderByNumber(n)
		if err == nil {
			return &w, "its subject names " + n, nil
		} else if !errors.Is(err, ErrNotFound) {
			return nil, "", err
		}
	}
	return nil, "", nil
}

func reversed(xs []string) []string {
	out := slices.Clone(xs)
	slices.Reverse(out)
	return out
}

// appendReply adds a reply to w's history (with its attachments) and bumps w's
// version, so consoles showing it reload.
func (s *Service) appendReply(tx Tx, w *WorkOrder, m *InboundMail, how string, rec *MailRecord, settings MailSettings, now time.Time) error {
	text := ReplyText(m.Text)
	if text == "" {
		text = "(no text)"
	}
	detail := fmt.Sprintf("reply from %s (%s): %s", m.From.String(), how, cutRunes(text, maxReplyText))
	kept, notes, err := s.keepAttachments(tx, w.ID, m, rec, settings, now)
	if err != nil {
		return err
	}
	if len(kept)+len(notes) > 0 {
		detail += "\n" + strings.Join(append(kept, notes...), "; ")
	}
	if err := tx.AppendEvent(w.ID, Event{At: now, By: m.From.Address, Channel: ChannelEmail, Kind: EventEmailReply, Detail: detail}); err != nil {
		return err
	}
	w.Version++
	w.UpdatedAt = now
	if err := tx.PutWorkOrder(w); err != nil {
		return err
	}
	rec.WorkOrderID, rec.Number = w.ID, w.Number
	return tx.PutMailThread(m.MessageID, w.ID)
}

// mailWorkOrder makes the work order a new message becomes.
func (s *Service) mailWorkOrder(tx Tx, m *InboundMail, rec *MailRecord, settings MailSettings, now time.Time) (WorkOrder, error) {
	sender := m.From
	var notes []string
	if m.Forwarded != nil && m.Forwarded.Address != "" {
		// Staff forwarding a customer's mail to the service mailbox: the work
		// order is the customer's.
		if u, ok, err := userByEmail(tx, m.From.Address); err != nil {
			return WorkOrder{}, err
		} else if ok {
			sender = *m.Forwarded
			notes = append(notes, fmt.Sprintf("forwarded by %s (%s); the original sender is %s", u.Login, m.From.Address, sender.String()))
		}
	}
	email, emailErr := NormalizeEmail(sender.Address)
	var contact *Contact
	var account Account
	if emailErr == nil && email != "" {
		cs, err := tx.ContactsByEmail(email)
		if err != nil {
			return WorkOrder{}, err
		}
		switch len(cs) {
		case 0:
			notes = append(notes, "no contact has the address "+email)
		case 1:
			contact = &cs[0]
			if contact.AccountID != 0 {
				if account, err = tx.Account(contact.AccountID); err != nil && !errors.Is(err, ErrNotFound) {
					return WorkOrder{}, err
				}
			}
		default:
			notes = append(notes, fmt.Sprintf("%d contacts share the address %s: none chosen", len(cs), email))
		}
	} else if sender.Address != "" {
		notes = append(notes, fmt.Sprintf("the sender's address %q is not one we can keep", sender.Address))
		email = ""
	}
	env := MailEnv{From: strings.ToLower(sender.Address), FromName: sender.Name, Subject: m.Subject, Body: m.Text,
		Attachments: len(m.Attachments), KnownSender: contact != nil, AccountName: account.Name}
	_, env.FromDomain, _ = strings.Cut(env.From, "@")
	for _, a := range m.To {
		env.To = append(env.To, strings.ToLower(a.Address))
	}
	for _, a := range m.Cc {
		env.Cc = append(env.Cc, strings.ToLower(a.Address))
	}
	stored := env
	stored.Body = cutRunes(env.Body, 2000)
	rec.Env = &stored

	var action MailAction
	rules, err := s.rulesOf(tx, RuleMail)
	if err != nil {
		return WorkOrder{}, err
	}
	for _, r := range rules {
		if !r.Enabled {
			continue
		}
		cond, err := s.conds.getMail(r.When)
		if err != nil {
			notes = append(notes, fmt.Sprintf("mail rule #%d %q is broken: %v", r.ID, r.Name, err))
			continue
		}
		ok, err := cond.MatchMail(&env)
		if err != nil {
			notes = append(notes, fmt.Sprintf("mail rule #%d %q failed: %v", r.ID, r.Name, err))
			continue
		}
		if ok {
			if r.Mail != nil {
				action = *r.Mail
			}
			rec.Rule = fmt.Sprintf("#%d %s", r.ID, r.Name)
			notes = append(notes, fmt.Sprintf("mail rule #%d %q matched: %s", r.ID, r.Name, action.Describe()))
			break
		}
	}
	if rec.Rule == "" && len(rules) > 0 {
		notes = append(notes, "no mail rule matched: defaults used")
	}

	desc := m.Text
	var fullText []byte
	if desc == "" {
		desc = "(the email has no text)"
	}
	if utf8.RuneCountInString(desc) > maxMailDescription {
		fullText = []byte(m.Text)
		desc = cutRunes(desc, maxMailDescription-200) + "\n\n[the email is longer: its whole text is attached as message" + mailBodyAttachmentSuffix + "]"
	}
	nw := NewWorkOrder{Subject: CleanSubject(m.Subject), Description: desc, RecordType: action.RecordType, Priority: action.Priority,
		Email: email, Region: action.Region, Channel: ChannelEmail}
	if contact != nil {
		nw.ContactID = contact.ID
	}
	if nw.RecordType == "" {
		// The default type, or the first that mail may create.
		m, err := readRoleTypes(tx)
		if err != nil {
			return WorkOrder{}, err
		}
		if allowed := m[DoorEmail]; len(allowed) > 0 && !slices.Contains(allowed, DefaultRecordTypes[0]) {
			nw.RecordType = allowed[0]
		}
	}
	w, err := s.insertWorkOrder(tx, mailActor, nw, now, nil)
	if err != nil {
		return WorkOrder{}, err
	}
	if fullText != nil {
		m.Attachments = append(m.Attachments, InboundAttachment{Filename: "message" + mailBodyAttachmentSuffix, ContentType: "text/plain; charset=utf-8", Data: fullText})
	}
	kept, attNotes, err := s.keepAttachments(tx, w.ID, m, rec, settings, now)
	if err != nil {
		return WorkOrder{}, err
	}
	var to []string
	for _, a := range m.To {
		to = append(to, a.Address)
	}
	detail := fmt.Sprintf("email from %s to %s", m.From.String(), strings.Join(to, ", "))
	if m.MessageID != "" {
		detail += " (Message-ID " + m.MessageID + ")"
	}
	if m.FromHTML {
		notes = append(notes, "the text was made from the HTML version")
	}
	for _, wn := range m.Warnings {
		notes = append(notes, "note: "+wn)
	}
	notes = append(notes, kept...)
	notes = append(notes, attNotes...)
	if len(notes) > 0 {
		detail += "; " + strings.Join(notes, "; ")
	}
	if err := tx.AppendEvent(w.ID, Event{At: now, By: mailActorName, Channel: ChannelEmail, Kind: EventEmail, Detail: detail}); err != nil {
		return WorkOrder{}, err
	}
	if err := tx.PutMailThread(m.MessageID, w.ID); err != nil {
		return WorkOrder{}, err
	}
	// The work order enters the dispatch node: automatic rules run at once.
	d, err := s.newDispatcher(tx)
	if err != nil {
		return WorkOrder{}, err
	}
	if _, err := d.dispatchOne(&w, now); err != nil {
		return WorkOrder{}, err
	}
	if err := d.flush(); err != nil {
		return WorkOrder{}, err
	}
	if err := s.enqueueEvent(tx, NoticeSubmitted, &w); err != nil {
		return WorkOrder{}, err
	}
	rec.WorkOrderID, rec.Number = w.ID, w.Number
	return w, nil
}

func userByEmail(tx Tx, email string) (User, bool, error) {
	us, err := tx.Users()
	if err != nil {
		return User{}, false, err
	}
	for _, u := range us {
		if u.Email != "" && strings.EqualFold(u.Email, email) {
			return u, true, nil
		}
	}
	return User{}, false, nil
}

// keepAttachments stores m's attachments with work order wo, up to the size
// limit; kept names what was stored, notes what was not and why.
func (s *Service) keepAttachments(tx Tx, wo ID, m *InboundMail, rec *MailRecord, settings MailSettings, now time.Time) (kept, notes []string, err error) {
	max := settings.WithDefaults().MaxAttachmentBytes
	var names []string
	for _, a := range m.Attachments {
		size := int64(len(a.Data))
		name := cutRunes(a.Filename, 200)
		if name == "" {
			name = "attachment"
		}
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		if size > max {
			notes = append(notes, fmt.Sprintf("attachment %s (%s, %s) not kept: larger than the %s limit", name, ct, HumanBytes(size), HumanBytes(max)))
			continue
		}
		sum := sha256.Sum256(a.Data)
		at := Attachment{WorkOrderID: wo, Filename: name, ContentType: ct, Size: size, SHA256: hex.EncodeToString(sum[:]), At: now, Source: fmt.Sprintf("mail %d", rec.ID)}
		if err := tx.PutAttachment(&at, a.Data); err != nil {
			return nil, nil, err
		}
		names = append(names, fmt.Sprintf("%s (%s, %s)", name, ct, HumanBytes(size)))
	}
	if len(names) > 0 {
		kept = []string{fmt.Sprintf("%d attachment(s) kept: %s", len(names), strings.Join(names, ", "))}
	}
	return kept, notes, nil
}

// --- reading and managing the mail log

func readMailSettings(tx Tx) (MailSettings, error) {
	var m MailSettings
	_, err := getJSON(tx, settingMail, &m)
	return m, err
}

// MailSettings reads the email intake settings (defaults filled in).
func (s *Service) MailSettings() (MailSettings, error) {
	var m MailSettings
	err := s.store.View(func(tx Tx) error {
		var err error
		m, err = readMailSettings(tx)
		return err
	})
	return m.WithDefaults(), err
}

// SetMailSettings saves the email intake settings (admins only).
func (s *Service) SetMailSettings(as Actor, m MailSettings) (MailSettings, error) {
	if err := require(as, "change mail settings", RoleAdmin); err != nil {
		return MailSettings{}, err
	}
	var errs ValidationErrors
	if m.Maildir != "" {
		dir, verr := oneLine("maildir", "Maildir", m.Maildir, false, 1000)
		if verr != nil {
			errs = append(errs, verr)
		}
		m.Maildir = dir
	}
	if m.PollSeconds < 0 || m.PollSeconds > 24*3600 {
		errs = append(errs, Invalid("poll", "Poll every 1 second to 24 hours, not %d seconds.", m.PollSeconds))
	}
	if m.MaxAttachmentBytes < 0 || m.MaxAttachmentBytes > MaxMailBytes {
		errs = append(errs, Invalid("max-attachment", "The attachment limit must be between 1 byte and %s.", HumanBytes(MaxMailBytes)))
	}
	var boxes []string
	for _, b := range m.Mailboxes {
		if strings.TrimSpace(b) == "" {
			continue
		}
		e, err := NormalizeEmail(b)
		if err != nil {
			errs = append(errs, Invalid("mailbox", "Mailbox %q is not an address: write it as service@example.com.", b))
			continue
		}
		boxes = append(boxes, e)
	}
	m.Mailboxes = boxes
	if err := errs.Err(); err != nil {
		return MailSettings{}, err
	}
	err := s.store.Update(func(tx Tx) error { return putJSON(tx, settingMail, m) })
	if err != nil {
		return MailSettings{}, err
	}
	s.broker.publish(Change{Kind: "mail"})
	return m.WithDefaults(), nil
}

// MailLog lists received mail, newest first (q.Quarantined: only the quarantine).
func (s *Service) MailLog(q MailQuery) ([]MailRecord, error) {
	var out []MailRecord
	err := s.store.View(func(tx Tx) error {
		var err error
		out, err = tx.MailRecords(q)
		return err
	})
	return out, err
}

// Mail reads one mail log entry and, while it is in quarantine, its raw bytes.
func (s *Service) Mail(id ID) (MailRecord, []byte, error) {
	var m MailRecord
	var raw []byte
	err := s.store.View(func(tx Tx) error {
		var err error
		if m, err = tx.MailRecord(id); err != nil {
			return err
		}
		if m.Outcome == MailQuarantined {
			raw, err = tx.MailRaw(id)
		}
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return MailRecord{}, nil, NotFoundf("There is no mail %d: list received mail with `switchboard mail log`.", id)
	}
	return m, raw, err
}

// DeleteQuarantined drops a quarantined message's raw bytes for good; its log
// entry stays, saying who deleted it.
func (s *Service) DeleteQuarantined(as Actor, id ID) (MailRecord, error) {
	if err := require(as, "delete quarantined mail", RoleAdmin, RoleDispatcher); err != nil {
		return MailRecord{}, err
	}
	var m MailRecord
	err := s.store.Update(func(tx Tx) error {
		var err error
		if m, err = tx.MailRecord(id); errors.Is(err, ErrNotFound) {
			return NotFoundf("There is no mail %d: list the quarantine with `switchboard mail quarantine`.", id)
		} else if err != nil {
			return err
		}
		if m.Outcome != MailQuarantined {
			return Invalid("mail", "Mail %d is not in quarantine (it was %s): there is nothing to delete.", id, m.Outcome)
		}
		m.Outcome = MailDeleted
		m.Log = append(m.Log, fmt.Sprintf("%s deleted by %s", s.Now().Format(time.RFC3339), as.Label()))
		if err := tx.PutMailRecord(&m); err != nil {
			return err
		}
		return tx.PutMailRaw(id, nil)
	})
	if err == nil {
		s.broker.publish(Change{Kind: "mail"})
	}
	return m, err
}

// Attachments lists the files kept with a work order, oldest first.
func (s *Service) Attachments(number string) ([]Attachment, error) {
	n, err := ParseNumber(number)
	if err != nil {
		return nil, err
	}
	var out []Attachment
	err = s.store.View(func(tx Tx) error {
		w, err := tx.WorkOrderByNumber(FormatNumber(n))
		if err != nil {
			return err
		}
		out, err = tx.Attachments(w.ID)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return nil, NotFoundf("There is no work order %s.", FormatNumber(n))
	}
	return out, err
}

// AttachmentData reads one file of a work order.
func (s *Service) AttachmentData(number string, id ID) (Attachment, []byte, error) {
	as, err := s.Attachments(number)
	if err != nil {
		return Attachment{}, nil, err
	}
	i := slices.IndexFunc(as, func(a Attachment) bool { return a.ID == id })
	if i < 0 {
		return Attachment{}, nil, NotFoundf("Work order %s has no attachment %d: list them with `switchboard wo show %s`.", number, id, number)
	}
	var data []byte
	err = s.store.View(func(tx Tx) error {
		var err error
		data, err = tx.AttachmentData(id)
		return err
	})
	return as[i], data, err
}

// testMailRule tries a mail rule on a message received before (by mail log id).
func (s *Service) testMailRule(r Rule, mailID string) (RuleTest, error) {
	id, err := ParseID("mail", mailID)
	if err != nil {
		return RuleTest{}, Invalid("mail", "Mail rules are tried on a received message: give its id from `switchboard mail log`, not %q.", mailID)
	}
	m, _, err := s.Mail(id)
	if err != nil {
		return RuleTest{}, err
	}
	if m.Env == nil {
		return RuleTest{}, Invalid("mail", "Mail %d (%s) never reached the mail rules, so there is nothing to try them on.", id, m.Outcome)
	}
	cond, err := CompileMailCondition(r.When)
	if err != nil {
		return RuleTest{}, err
	}
	ok, err := cond.MatchMail(m.Env)
	if err != nil {
		return RuleTest{}, err
	}
	t := RuleTest{RuleID: r.ID, Number: fmt.Sprintf("mail %d", id), Matches: ok, Reason: "the condition is true"}
	if !ok {
		t.Reason = cond.ExplainMail(m.Env)
	} else if !r.Enabled {
		t.Reason = "the condition is true, but the rule is disabled"
	} else if r.Mail != nil {
		t.Reason = "the condition is true: " + r.Mail.Describe()
	}
	return t, nil
}

// validateMailRule checks a mail rule: name, condition over MailEnv, and an
// action naming a known record type and priority.
func validateMailRule(r *Rule) (*Condition, error) {
	var errs ValidationErrors
	name, verr := oneLine("name", "Rule name", r.Name, true, 100)
	if verr != nil {
		errs = append(errs, verr)
	}
	r.Name = name
	cond, err := CompileMailCondition(r.When)
	if err != nil {
		errs = append(errs, err.(*ValidationError))
	} else {
		r.When = cond.Source
	}
	if len(r.Engineers) > 0 {
		errs = append(errs, Invalid("engineer", "Mail rules choose record type, priority and region; engineers come from the dispatch rules."))
	}
	r.Engineers, r.Policy, r.Next, r.ProviderID = nil, "", 0, 0
	a := MailAction{}
	if r.Mail != nil {
		a = *r.Mail
	}
	if t := strings.TrimSpace(a.RecordType); t != "" {
		if i := slices.IndexFunc(DefaultRecordTypes, func(x string) bool { return strings.EqualFold(x, t) }); i >= 0 {
			a.RecordType = DefaultRecordTypes[i]
		} else {
			errs = append(errs, Invalid("type", "Record type %q is unknown: use one of %s.", t, strings.Join(DefaultRecordTypes, ", ")))
		}
	} else {
		a.RecordType = ""
	}
	if p := Priority(strings.ToLower(strings.TrimSpace(string(a.Priority)))); p != "" {
		if slices.Contains(AllPriorities, p) {
			a.Priority = p
		} else {
			errs = append(errs, Invalid("priority", "Priority %q is unknown: use low, normal, high or urgent.", a.Priority))
		}
	} else {
		a.Priority = ""
	}
	region, verr := oneLine("region", "Region", a.Region, false, 60)
	if verr != nil {
		errs = append(errs, verr)
	}
	a.Region = region
	r.Mail = &a
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return cond, nil
}
