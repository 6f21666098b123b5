package core

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Settings keys of notifications.
const (
	settingPolicy  = "notify.policy"
	settingCredits = "notify.sms.credits"
)

func settingPreset(ev NoticeEvent, ch NoticeChannel) string {
	return "notify.preset." + string(ev) + "." + string(ch)
}
func settingChannel(ch NoticeChannel) string { return "notify.channel." + string(ch) }

// EventNotified is the history kind of notification entries.
const EventNotified = "notified"

// getJSON reads a JSON setting into v; ok is false when it is unset.
func getJSON(tx Tx, name string, v any) (ok bool, err error) {
	raw, err := tx.Setting(name)
	if err != nil || raw == nil {
		return false, err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("setting %s is unreadable: %w", name, err)
	}
	return true, nil
}

func putJSON(tx Tx, name string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.PutSetting(name, raw)
}

// storedPreset is what the database keeps of a preset the admin changed.
type storedPreset struct {
	Disabled bool      `json:"disabled,omitempty"`
	Template *Template `json:"template,omitempty"`
}

func readPreset(tx Tx, ev NoticeEvent, ch NoticeChannel) (Preset, error) {
	p := Preset{Event: ev, Channel: ch, Enabled: true, Template: DefaultTemplate(ev, ch)}
	var sp storedPreset
	ok, err := getJSON(tx, settingPreset(ev, ch), &sp)
	if err != nil || !ok {
		return p, err
	}
	p.Enabled = !sp.Disabled
	if sp.Template != nil {
		p.Template, p.Custom = *sp.Template, true
	}
	return p, nil
}

func readChannel(tx Tx, ch NoticeChannel) (ChannelConfig, error) {
	c := ChannelConfig{Channel: ch}
	if _, err := getJSON(tx, settingChannel(ch), &c); err != nil {
		return c, err
	}
	c.Channel = ch
	if c.Settings == nil {
		c.Settings = map[string]string{}
	}
	return c, nil
}

func readPolicy(tx Tx) (DeliveryPolicy, error) {
	p := DefaultDeliveryPolicy()
	_, err := getJSON(tx, settingPolicy, &p)
	for _, ch := range AllNoticeChannels { // a stored order may predate a channel
		if !slices.Contains(p.Order, ch) {
			p.Order = append(p.Order, ch)
		}
	}
	return p, err
}

func readCredits(tx Tx) (int, error) {
	raw, err := tx.Setting(settingCredits)
	if err != nil || raw == nil {
		return 0, err
	}
	return strconv.Atoi(string(raw))
}

func putCredits(tx Tx, n int) error { return tx.PutSetting(settingCredits, []byte(strconv.Itoa(n))) }

// RecipientSpec names who a notification goes to before it is resolved.
type RecipientSpec struct {
	// Kind is RecipientOwner (default), RecipientStaff (Login), RecipientEngineer
	// (the work order's engineer) or RecipientExplicit (Address).
	Kind    string `json:"kind"`
	Login   string `json:"login,omitempty"`
	Address string `json:"address,omitempty"`
}

// NoticeAction is an "external notification" or "SMS notification" post-action
// (R-FLOW-2, R-NOTE-2), and also what a preset event expands to.
type NoticeAction struct {
	// Event supplies the preset templates and on/off switches.
	Event NoticeEvent `json:"event"`
	// Channels, when set, are the channels to use in this order (an SMS
	// notification action is Channels: [sms]); named channels are used even if
	// their preset is disabled. Empty: every channel whose preset is enabled, in
	// the delivery policy's order.
	Channels []NoticeChannel `json:"channels,omitempty"`
	// Mode is PolicyFallback or PolicyAllAtOnce; empty: the configured policy.
	Mode string `json:"mode,omitempty"`
	// Recipients default to the work order's external owner.
	Recipients []RecipientSpec `json:"recipients,omitempty"`
	// Templates override the presets' templates per channel (custom parameters).
	Templates map[NoticeChannel]Template `json:"templates,omitempty"`
	// Values add template variables, e.g. URL (a portal link) or Reason.
	Values map[string]string `json:"values,omitempty"`
	// Once, when set, replaces the work-order version in the messages'
	// idempotency keys: a command that sends the same event twice without
	// changing the work order (a second invitation) names each sending.
	Once string `json:"-"`
}

// enqueueEvent queues event ev's preset notifications for w's external owner, in
// the caller's transaction, so they exist exactly when the change that caused
// them commits (R-NOTE-5). Call it from any command at the moment ev happens:
//
//	s.enqueueEvent(tx, NoticeCompleted, &w)  // wo advance reached the end node
//	s.enqueueEventWith(tx, NoticeTerminated, &w, map[string]string{"Reason": reason}) // wo terminate
//
// Channels that are switched off, and presets that are disabled, queue nothing.
// A recipient who cannot be reached on a channel (no follower, no mobile…) gets a
// not-sent record with the reason. Queuing is idempotent per work-order version.
func (s *Service) enqueueEvent(tx Tx, ev NoticeEvent, w *WorkOrder) error {
	return s.enqueueEventWith(tx, ev, w, nil)
}

// enqueueEventWith is enqueueEvent with extra template values, e.g.
// {"Reason": reason} for terminations or {"URL": link} for evaluation invitations.
func (s *Service) enqueueEventWith(tx Tx, ev NoticeEvent, w *WorkOrder, values map[string]string) error {
	_, err := s.enqueueNotice(tx, NoticeAction{Event: ev, Values: values}, w)
	return err
}

// RunNoticeAction is the hook for process-node post-actions (R-FLOW-2): the
// process engine calls it in the transaction that completes a node.
func (s *Service) RunNoticeAction(tx Tx, a NoticeAction, w *WorkOrder) ([]Message, error) {
	return s.enqueueNotice(tx, a, w)
}

// mobile reports whether a normalized phone can receive SMS: a Chinese mobile
// (11 digits starting with 1) or an international number with its + prefix.
var mobileRE = regexp.MustCompile(`^(1\d{10}|\+\d{6,15})$`)

// address resolves spec on ch for w; reason says why there is none.
func resolveRecipient(tx Tx, spec RecipientSpec, ch NoticeChannel, w *WorkOrder) (Recipient, string, error) {
	r := Recipient{Kind: spec.Kind}
	var phone, email, openid, mini string
	switch spec.Kind {
	case RecipientOwner, "":
		r.Kind = RecipientOwner
		if w == nil || w.OutOwner == 0 {
			if w != nil {
				phone, email = w.Phone, w.Email
				r.Name = w.ContactName
			}
			if ch == NoticeWeChat || ch == NoticeMiniProgram {
				return r, "the work order has no external owner (R-WO-4), so there is no WeChat identity to send to", nil
			}
			break
		}
		tu, err := tx.TerminalUser(w.OutOwner)
		if errors.Is(err, ErrNotFound) {
			return r, fmt.Sprintf("the external owner, terminal user %d, no longer exists", w.OutOwner), nil
		} else if err != nil {
			return r, "", err
		}
		r.Name, r.TerminalUserID = tu.Name, tu.ID
		phone, email, openid, mini = tu.Phone, tu.Email, tu.WeChatOpenID, tu.MiniProgramOpenID
		if phone == "" {
			phone = w.Phone
		}
		if email == "" {
			email = w.Email
		}
		if ch == NoticeWeChat && openid == "" {
			return r, fmt.Sprintf("terminal user %s is not a registered follower of the official account", tu.Name), nil
		}
		if ch == NoticeMiniProgram && mini == "" {
			return r, fmt.Sprintf("terminal user %s did not submit through the mini program", tu.Name), nil
		}
	case RecipientStaff:
		u, err := tx.UserByLogin(spec.Login)
		if errors.Is(err, ErrNotFound) {
			return r, fmt.Sprintf("there is no user %q", spec.Login), nil
		} else if err != nil {
			return r, "", err
		}
		r.Name, r.UserID, phone, email = u.Name, u.ID, u.Phone, u.Email
	case RecipientEngineer:
		if w == nil || w.FieldOutDealUser == 0 {
			return r, "the work order has no engineer yet", nil
		}
		e, err := tx.Engineer(w.FieldOutDealUser)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return r, "", err
		}
		r.Name, phone, email = e.Name, e.Phone, e.Email
	case RecipientExplicit:
		a := strings.TrimSpace(spec.Address)
		r.Name = a
		switch ch {
		case NoticeWeChat:
			openid = a
		case NoticeMiniProgram:
			mini = a
		case NoticeSMS:
			phone, _ = NormalizePhone(a)
		case NoticeEmail:
			email, _ = NormalizeEmail(a)
		}
	default:
		return r, "", Invalid("recipient", "Recipient kind %q is unknown: use owner, staff, engineer or explicit.", spec.Kind)
	}
	who := r.Name
	if who == "" {
		who = "the recipient"
	}
	switch ch {
	case NoticeWeChat:
		if openid == "" {
			return r, who + " has no WeChat official-account identity", nil
		}
		r.Address = openid
	case NoticeMiniProgram:
		if mini == "" {
			return r, who + " has no mini-program identity", nil
		}
		r.Address = mini
	case NoticeSMS:
		if phone == "" {
			return r, who + " has no mobile number", nil
		}
		if !mobileRE.MatchString(phone) {
			return r, fmt.Sprintf("%s is not a mobile number, so it cannot receive SMS", phone), nil
		}
		r.Address = phone
	case NoticeEmail:
		if email == "" {
			return r, who + " has no email address", nil
		}
		r.Address = email
	}
	return r, "", nil
}

func recipientKey(r Recipient, spec RecipientSpec) string {
	switch {
	case r.TerminalUserID != 0:
		return fmt.Sprintf("tu%d", r.TerminalUserID)
	case r.UserID != 0:
		return fmt.Sprintf("u%d", r.UserID)
	case spec.Address != "":
		return "x" + spec.Address
	}
	return spec.Kind
}

// enqueueNotice expands a into outbox messages inside tx.
func (s *Service) enqueueNotice(tx Tx, a NoticeAction, w *WorkOrder) ([]Message, error) {
	now := s.Now()
	policy, err := readPolicy(tx)
	if err != nil {
		return nil, err
	}
	mode := a.Mode
	if mode == "" {
		mode = policy.Mode
	}
	if mode != PolicyFallback && mode != PolicyAllAtOnce {
		return nil, Invalid("mode", "Delivery mode %q is unknown: use fallback or all.", mode)
	}
	type leg struct {
		ch  NoticeChannel
		tpl Template
	}
	var legs []leg
	explicit := len(a.Channels) > 0
	order := policy.Order
	if explicit {
		order = a.Channels
	}
	for _, ch := range order {
		cfg, err := readChannel(tx, ch)
		if err != nil {
			return nil, err
		}
		if !cfg.Enabled {
			continue // its preset is not read: every create asks every channel
		}
		p, err := readPreset(tx, a.Event, ch)
		if err != nil {
			return nil, err
		}
		if !explicit && !p.Enabled {
			continue
		}
		tpl := p.Template
		if t, ok := a.Templates[ch]; ok {
			tpl = t
		}
		legs = append(legs, leg{ch, tpl})
	}
	if len(legs) == 0 {
		return nil, nil
	}
	specs := a.Recipients
	if len(specs) == 0 {
		specs = []RecipientSpec{{Kind: RecipientOwner}}
	}
	extra := map[string]string{}
	for k, v := range a.Values {
		extra[k] = v
	}
	usesURL := false
	for _, l := range legs {
		usesURL = usesURL || l.tpl.Uses("URL")
	}
	if _, ok := extra["URL"]; !ok && w != nil && usesURL {
		// Events without a page of their own link to the work order's status page.
		u, err := s.statusLink(tx, w, now)
		if err != nil {
			return nil, err
		}
		extra["URL"] = u
	}
	vals := NoticeValues(w, a.Event, now, extra)
	var out []Message
	var summary []string
	for _, spec := range specs {
		var group ID
		queued := false
		for seq, l := range legs {
			r, reason, err := resolveRecipient(tx, spec, l.ch, w)
			if err != nil {
				return nil, err
			}
			m := Message{
				Event: a.Event, Channel: l.ch, Recipient: r, Mode: mode, Seq: seq,
				Content: renderTemplate(l.ch, l.tpl, vals), CreatedAt: now, UpdatedAt: now, NextAt: now,
			}
			if w != nil {
				m.WorkOrderID, m.Number = w.ID, w.Number
				sending := fmt.Sprintf("v%d", w.Version)
				if a.Once != "" {
					sending = a.Once
				}
				m.Key = fmt.Sprintf("wo%d/%s/%s/%s/%s", w.ID, sending, a.Event, l.ch, recipientKey(r, spec))
			} else {
				m.Key = fmt.Sprintf("%s/%s/%s/%d", a.Event, l.ch, recipientKey(r, spec), now.UnixNano())
			}
			if _, err := tx.MessageByKey(m.Key); err == nil {
				continue // already queued by an earlier run of this command
			} else if !errors.Is(err, ErrNotFound) {
				return nil, err
			}
			if reason == "" && (l.ch == NoticeWeChat || l.ch == NoticeMiniProgram) && l.tpl.TemplateID == "" {
				reason = fmt.Sprintf("no %s template is chosen for %q: choose one in the preset matrix", l.ch.Title(), a.Event.Title())
			}
			switch {
			case reason != "":
				m.State, m.Reason = MsgNotSent, reason
			case mode == PolicyFallback && queued:
				m.State = MsgHeld
			default:
				m.State, queued = MsgQueued, true
			}
			m.Group = group
			if err := tx.PutMessage(&m); err != nil {
				return nil, err
			}
			if group == 0 {
				group, m.Group = m.ID, m.ID
				if err := tx.PutMessage(&m); err != nil {
					return nil, err
				}
			}
			out = append(out, m)
			summary = append(summary, legSummary(&m))
		}
	}
	if w != nil && len(summary) > 0 {
		if err := tx.AppendEvent(w.ID, Event{At: now, By: "system", Channel: ChannelSystem, Kind: EventNotified,
			Detail: fmt.Sprintf("%s notification: %s", a.Event.Title(), strings.Join(summary, "; "))}); err != nil {
			return nil, err
		}
	}
	if len(out) > 0 {
		s.afterCommit(tx, Change{Kind: "outbox"})
	}
	return out, nil
}

// heldSuccessor is the channel held after m in its fallback group ("" when
// none is).
func heldSuccessor(tx Tx, m *Message) (NoticeChannel, error) {
	if m.Group == 0 {
		return "", nil
	}
	group, err := tx.Messages(MessageQuery{Group: m.Group})
	if err != nil {
		return "", err
	}
	var next *Message
	for i := range group {
		g := &group[i]
		if g.State == MsgHeld && g.Seq > m.Seq && (next == nil || g.Seq < next.Seq) {
			next = g
		}
	}
	if next == nil {
		return "", nil
	}
	return next.Channel, nil
}

func legSummary(m *Message) string {
	to := MaskAddress(m.Recipient.Address)
	if to == "" {
		to = m.Recipient.Name
	}
	switch m.State {
	case MsgNotSent:
		return fmt.Sprintf("%s not sent (%s)", m.Channel, m.Reason)
	case MsgHeld:
		return fmt.Sprintf("%s to %s held as fallback", m.Channel, to)
	}
	return fmt.Sprintf("%s to %s queued (message %d)", m.Channel, to, m.ID)
}

// afterCommit is where a command's change notices would be deferred to; the
// broker never blocks, so publishing at once is harmless even if the
// transaction then rolls back (subscribers only re-read).
func (s *Service) afterCommit(_ Tx, c Change) { s.broker.publish(c) }

// SendErrorKind classifies a channel's failure.
type SendErrorKind int

// Failure kinds.
const (
	// SendTemporary: try again later (network, 5xx, provider busy).
	SendTemporary SendErrorKind = iota
	// SendRateLimited: the provider asked us to slow down; RetryAfter is a floor.
	SendRateLimited
	// SendPermanent: the provider refused the message for good.
	SendPermanent
	// SendNotSendable: the message cannot be sent (unknown recipient, channel not
	// configured, no credits); recorded as not sent.
	SendNotSendable
)

// SendError is a channel's failure with the provider's code.
type SendError struct {
	Kind       SendErrorKind
	Code       string
	Msg        string
	RetryAfter time.Duration
}

func (e *SendError) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("%s (code %s)", e.Msg, e.Code)
	}
	return e.Msg
}

// RetryPolicy is how the outbox retries: exponential backoff from Base, doubling
// up to Max, and a final failure after MaxAttempts attempts.
type RetryPolicy struct {
	Base        time.Duration
	Max         time.Duration
	MaxAttempts int
}

// DefaultRetryPolicy retries for about a day: 30s, 1m, 2m … capped at 1h, 30 attempts.
var DefaultRetryPolicy = RetryPolicy{Base: 30 * time.Second, Max: time.Hour, MaxAttempts: 30}

// Delay is the wait after the given number of failed attempts (1 = first failure).
func (p RetryPolicy) Delay(attempts int) time.Duration {
	d := p.Base
	for i := 1; i < attempts && d < p.Max; i++ {
		d *= 2
	}
	return min(d, p.Max)
}

// DeliveryResult is a worker's report of one attempt.
type DeliveryResult struct {
	ID         ID
	ProviderID string
	Err        error // nil: delivered
}

// RecoverOutbox makes messages left "sending" by a process that died due now, so
// a restarted worker sends them again (with the same idempotency key).
//
// On a database several servers share, a message "sending" may be another
// live server's: nothing is requeued early, and a dead server's messages are
// due again when their lease runs out (ClaimMessages).
func (s *Service) RecoverOutbox() (int, error) {
	if _, shared := s.store.(Feed); shared {
		return 0, nil
	}
	n := 0
	now := s.Now()
	err := s.store.Update(func(tx Tx) error {
		n = 0
		ms, err := tx.Messages(MessageQuery{State: MsgSending})
		if err != nil {
			return err
		}
		for i := range ms {
			m := &ms[i]
			m.State, m.NextAt, m.UpdatedAt = MsgQueued, now, now
			m.Reason = "requeued after a restart: the previous attempt's outcome is unknown"
			if err := tx.PutMessage(m); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// ClaimMessages marks up to limit due messages as sending for lease and returns
// them. SMS messages take a credit here; with none left they are not sent.
// A claimed message whose lease runs out (its worker died) is due again.
func (s *Service) ClaimMessages(limit int, lease time.Duration) ([]Message, error) {
	var out []Message
	now := s.Now()
	changed := false
	err := s.store.Update(func(tx Tx) error {
		out, changed = out[:0], false
		due, err := tx.DueMessages(now, limit)
		if err != nil {
			return err
		}
		for i := range due {
			m := &due[i]
			if m.Channel == NoticeSMS && !m.Charged {
				credits, err := readCredits(tx)
				if err != nil {
					return err
				}
				if credits <= 0 {
					if err := s.finish(tx, m, MsgNotSent, "no SMS credits left: an admin tops up with `switchboard sms credits --add N`", now); err != nil {
						return err
					}
					changed = true
					continue
				}
				if err := putCredits(tx, credits-1); err != nil {
					return err
				}
				m.Charged = true
			}
			m.State, m.NextAt, m.UpdatedAt = MsgSending, now.Add(lease), now
			m.Attempts++
			if err := tx.PutMessage(m); err != nil {
				return err
			}
			out = append(out, *m)
		}
		return nil
	})
	if changed || len(out) > 0 {
		s.broker.publish(Change{Kind: "outbox"})
	}
	return out, err
}

// NextOutboxDue is when the earliest live message is due (ok false: none is).
func (s *Service) NextOutboxDue() (at time.Time, ok bool, err error) {
	err = s.store.View(func(tx Tx) error {
		ms, err := tx.DueMessages(time.Unix(1<<40, 0), 1)
		if err != nil || len(ms) == 0 {
			return err
		}
		at, ok = ms[0].NextAt, true
		return nil
	})
	return at, ok, err
}

// FinishMessages records the outcome of claimed messages in one transaction:
// delivered, retried later with backoff, or finally failed with the reason.
func (s *Service) FinishMessages(results []DeliveryResult, rp RetryPolicy) error {
	if len(results) == 0 {
		return nil
	}
	now := s.Now()
	var changes []Change
	err := s.store.Update(func(tx Tx) error {
		changes = changes[:0]
		policy, err := readPolicy(tx)
		if err != nil {
			return err
		}
		for _, r := range results {
			m, err := tx.Message(r.ID)
			if errors.Is(err, ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			if m.State != MsgSending {
				continue // recovered and handled elsewhere meanwhile
			}
			changes = append(changes, Change{Kind: "outbox", WorkOrder: m.WorkOrderID, Number: m.Number})
			if r.Err == nil {
				m.ProviderID, m.SentAt, m.Reason = r.ProviderID, now, ""
				if err := s.finish(tx, &m, MsgSent, "", now); err != nil {
					return err
				}
				if m.Channel == NoticeEmail && m.WorkOrderID != 0 {
					// A customer's reply names this Message-ID in In-Reply-To: it
					// belongs to the work order's thread (R-IN-5).
					if err := tx.PutMailThread(r.ProviderID, m.WorkOrderID); err != nil {
						return err
					}
				}
				continue
			}
			var se *SendError
			if !errors.As(r.Err, &se) {
				se = &SendError{Kind: SendTemporary, Msg: r.Err.Error()}
			}
			switch {
			case se.Kind == SendNotSendable:
				err = s.finish(tx, &m, MsgNotSent, se.Error(), now)
			case se.Kind == SendPermanent:
				err = s.finish(tx, &m, MsgFailed, se.Error(), now)
			case m.Attempts >= rp.MaxAttempts:
				err = s.finish(tx, &m, MsgFailed, fmt.Sprintf("gave up after %d attempts: %s", m.Attempts, se.Error()), now)
			case m.Event == NoticeVerifyCode && now.Sub(m.CreatedAt) >= PhoneCodeTTL:
				// The code is dead: a later send would only confuse.
				err = s.finish(tx, &m, MsgFailed, fmt.Sprintf("the code expired before it could be sent: %s", se.Error()), now)
			default:
				wait := rp.Delay(m.Attempts)
				if se.Kind == SendRateLimited {
					wait = max(wait, se.RetryAfter)
				}
				if deadline := m.CreatedAt.Add(policy.HandoverAfter()); m.Mode == PolicyFallback && !now.Add(wait).Before(deadline) {
					// The next try would come too late: the next channel takes
					// over now, during an outage too (R-EVAL-3).
					next, herr := heldSuccessor(tx, &m)
					if herr != nil {
						return herr
					}
					if next != "" {
						err = s.finish(tx, &m, MsgFailed, fmt.Sprintf("handed over to %s: not delivered within %s (%s)", next, policy.HandoverAfter(), se.Error()), now)
						break
					}
				}
				m.State, m.NextAt, m.UpdatedAt = MsgQueued, now.Add(wait), now
				m.Reason = fmt.Sprintf("attempt %d failed: %s; next try at %s", m.Attempts, se.Error(), m.NextAt.Format(time.RFC3339))
				err = tx.PutMessage(&m)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		s.broker.publish(changes...)
	}
	return err
}

// finish moves m to a final state, refunds an SMS credit that bought nothing,
// records the outcome in the work order's history and moves its fallback group on.
func (s *Service) finish(tx Tx, m *Message, state MessageState, reason string, now time.Time) error {
	m.State, m.UpdatedAt = state, now
	if m.Event == NoticeVerifyCode {
		// Its work is done: the code does not stay readable in the outbox.
		m.Content = Rendered{Text: "verification code (hidden once the message is finished)", TemplateID: m.Content.TemplateID}
	}
	if reason != "" {
		m.Reason = reason
	}
	if state != MsgSent && m.Charged {
		credits, err := readCredits(tx)
		if err != nil {
			return err
		}
		if err := putCredits(tx, credits+1); err != nil {
			return err
		}
		m.Charged = false
	}
	if err := tx.PutMessage(m); err != nil {
		return err
	}
	if m.WorkOrderID != 0 {
		detail := fmt.Sprintf("%s to %s sent (message %d, %s)", m.Channel, MaskAddress(m.Recipient.Address), m.ID, m.Event.Title())
		if state != MsgSent {
			detail = fmt.Sprintf("%s message %d %s: %s", m.Channel, m.ID, state, m.Reason)
		}
		if err := tx.AppendEvent(m.WorkOrderID, Event{At: now, By: "system", Channel: ChannelSystem, Kind: EventNotified, Detail: detail}); err != nil {
			return err
		}
	}
	if m.Mode != PolicyFallback || m.Group == 0 {
		return nil
	}
	group, err := tx.Messages(MessageQuery{Group: m.Group})
	if err != nil {
		return err
	}
	slices.SortFunc(group, func(a, b Message) int { return a.Seq - b.Seq })
	for i := range group {
		g := &group[i]
		if g.State != MsgHeld {
			continue
		}
		if state == MsgSent {
			g.State, g.Reason, g.UpdatedAt = MsgCancelled, fmt.Sprintf("not needed: %s delivered first", m.Channel), now
			if err := tx.PutMessage(g); err != nil {
				return err
			}
			continue
		}
		// The next channel in the fallback order takes over.
		g.State, g.NextAt, g.UpdatedAt = MsgQueued, now, now
		g.Reason = fmt.Sprintf("fallback: %s did not deliver", m.Channel)
		return tx.PutMessage(g)
	}
	return nil
}
