package core

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// canConfigureNotifications: notification settings belong to admins (R-ROLE-1).
func canConfigureNotifications(as Actor) error {
	return require(as, "change notification settings", RoleAdmin)
}

// Presets returns the whole preset matrix: every event × channel, in order.
func (s *Service) Presets() ([]Preset, error) {
	var out []Preset
	err := s.store.View(func(tx Tx) error {
		out = out[:0]
		for _, ev := range AllNoticeEvents {
			for _, ch := range AllNoticeChannels {
				p, err := readPreset(tx, ev, ch)
				if err != nil {
					return err
				}
				out = append(out, p)
			}
		}
		return nil
	})
	return out, err
}

// Preset returns one cell of the matrix.
func (s *Service) Preset(ev NoticeEvent, ch NoticeChannel) (Preset, error) {
	var p Preset
	err := s.store.View(func(tx Tx) error {
		var err error
		p, err = readPreset(tx, ev, ch)
		return err
	})
	return p, err
}

func (s *Service) updatePreset(as Actor, ev NoticeEvent, ch NoticeChannel, fn func(*storedPreset) error) (Preset, error) {
	if err := canConfigureNotifications(as); err != nil {
		return Preset{}, err
	}
	if !slices.Contains(AllNoticeEvents, ev) {
		return Preset{}, Invalid("event", "Notification event %q is unknown: use %s.", ev, joinNames(AllNoticeEvents))
	}
	if !slices.Contains(AllNoticeChannels, ch) {
		return Preset{}, Invalid("channel", "Notification channel %q is unknown: use %s.", ch, joinNames(AllNoticeChannels))
	}
	var p Preset
	err := s.store.Update(func(tx Tx) error {
		var sp storedPreset
		if _, err := getJSON(tx, settingPreset(ev, ch), &sp); err != nil {
			return err
		}
		if err := fn(&sp); err != nil {
			return err
		}
		if err := putJSON(tx, settingPreset(ev, ch), sp); err != nil {
			return err
		}
		var err error
		p, err = readPreset(tx, ev, ch)
		return err
	})
	if err == nil {
		s.broker.publish(Change{Kind: "notify-settings"})
	}
	return p, err
}

// SetPresetEnabled switches one preset notification on or off (R-NOTE-3).
func (s *Service) SetPresetEnabled(as Actor, ev NoticeEvent, ch NoticeChannel, on bool) (Preset, error) {
	return s.updatePreset(as, ev, ch, func(sp *storedPreset) error { sp.Disabled = !on; return nil })
}

// SetPresetTemplate saves a preset's template after checking it: unknown
// variables are refused (R-NOTE-4).
func (s *Service) SetPresetTemplate(as Actor, ev NoticeEvent, ch NoticeChannel, t Template) (Preset, error) {
	t = cleanTemplate(t)
	if err := checkTemplate(ch, &t); err != nil {
		return Preset{}, err
	}
	return s.updatePreset(as, ev, ch, func(sp *storedPreset) error { sp.Template = &t; return nil })
}

// ResetPresetTemplate goes back to the shipped template.
func (s *Service) ResetPresetTemplate(as Actor, ev NoticeEvent, ch NoticeChannel) (Preset, error) {
	return s.updatePreset(as, ev, ch, func(sp *storedPreset) error { sp.Template = nil; return nil })
}

func cleanTemplate(t Template) Template {
	t.Subject = strings.TrimSpace(t.Subject)
	t.TemplateID = strings.TrimSpace(t.TemplateID)
	t.Link = strings.TrimSpace(t.Link)
	t.Body = strings.TrimSpace(t.Body)
	t.Text = strings.TrimSpace(t.Text)
	fs := t.Fields[:0:0]
	for _, f := range t.Fields {
		f.Key = strings.TrimSpace(f.Key)
		if f.Key == "" && strings.TrimSpace(f.Value) == "" {
			continue
		}
		fs = append(fs, f)
	}
	t.Fields = fs
	return t
}

// ParseTemplateFields reads "key=value" lines (WeChat keywords, mini-program
// fields, SMS parameters) as the template editor and CLI take them.
func ParseTemplateFields(s string) ([]TemplateField, error) {
	var out []TemplateField
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, Invalid("fields", "Field line %q is not key=value, e.g. keyword1=#WorkOrderNumber#.", line)
		}
		out = append(out, TemplateField{Key: strings.TrimSpace(k), Value: strings.TrimSpace(v)})
	}
	return out, nil
}

// PreviewTemplate renders t for channel ch against work order number (the newest
// work order when number is empty), without saving or sending anything.
func (s *Service) PreviewTemplate(ev NoticeEvent, ch NoticeChannel, t Template, number string) (Rendered, error) {
	t = cleanTemplate(t)
	if err := checkTemplate(ch, &t); err != nil {
		return Rendered{}, err
	}
	var w *WorkOrder
	var base []byte
	err := s.store.View(func(tx Tx) error {
		var err error
		if base, err = tx.Setting(settingPublicURL); err != nil {
			return err
		}
		if number == "" {
			p, err := tx.QueryWorkOrders(WorkOrderQuery{Limit: 1})
			if err != nil || len(p.Rows) == 0 {
				return err
			}
			number = p.Rows[0].Number
		}
		n, err := ParseNumber(number)
		if err != nil {
			return err
		}
		wo, err := tx.WorkOrderByNumber(FormatNumber(n))
		if errors.Is(err, ErrNotFound) {
			return NotFoundf("There is no work order %s to preview with.", FormatNumber(n))
		}
		w = &wo
		return err
	})
	if err != nil {
		return Rendered{}, err
	}
	extra := map[string]string{"Reason": "(the reason given)"}
	if w != nil {
		extra["URL"] = "https://example.invalid/wo/" + w.Number
		if len(base) > 0 {
			extra["URL"] = strings.TrimRight(string(base), "/") + "/wo/" + w.Number
		}
	}
	return renderTemplate(ch, t, NoticeValues(w, ev, s.Now(), extra)), nil
}

// ChannelConfigs returns every channel's configuration (secrets included: show
// them only through ChannelConfig.Masked).
func (s *Service) ChannelConfigs() ([]ChannelConfig, error) {
	var out []ChannelConfig
	err := s.store.View(func(tx Tx) error {
		out = out[:0]
		for _, ch := range AllNoticeChannels {
			c, err := readChannel(tx, ch)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// ChannelConfig returns one channel's configuration.
func (s *Service) ChannelConfig(ch NoticeChannel) (ChannelConfig, error) {
	var c ChannelConfig
	err := s.store.View(func(tx Tx) error {
		var err error
		c, err = readChannel(tx, ch)
		return err
	})
	return c, err
}

// SetChannelConfig changes a channel's settings (an empty value removes one) and,
// when enabled is not nil, switches the channel on or off.
func (s *Service) SetChannelConfig(as Actor, ch NoticeChannel, enabled *bool, set map[string]string) (ChannelConfig, error) {
	if err := canConfigureNotifications(as); err != nil {
		return ChannelConfig{}, err
	}
	if !slices.Contains(AllNoticeChannels, ch) {
		return ChannelConfig{}, Invalid("channel", "Notification channel %q is unknown: use %s.", ch, joinNames(AllNoticeChannels))
	}
	if err := validateChannelSettings(ch, set); err != nil {
		return ChannelConfig{}, err
	}
	var c ChannelConfig
	err := s.store.Update(func(tx Tx) error {
		var err error
		if c, err = readChannel(tx, ch); err != nil {
			return err
		}
		for k, v := range set {
			if v = strings.TrimSpace(v); v == "" {
				delete(c.Settings, k)
			} else {
				c.Settings[k] = v
			}
		}
		if enabled != nil {
			c.Enabled = *enabled
		}
		return putJSON(tx, settingChannel(ch), c)
	})
	if err == nil {
		s.broker.publish(Change{Kind: "notify-settings"})
	}
	return c, err
}

// NotifySettings are the settings shared by every channel.
type NotifySettings struct {
	Policy DeliveryPolicy `json:"policy"`
	// PublicURL is the web listener's address as customers reach it; #URL# is
	// built from it.
	PublicURL  string `json:"public_url"`
	SMSCredits int    `json:"sms_credits"`
}

// NotifySettings reads the shared settings.
func (s *Service) NotifySettings() (NotifySettings, error) {
	var ns NotifySettings
	err := s.store.View(func(tx Tx) error {
		var err error
		if ns.Policy, err = readPolicy(tx); err != nil {
			return err
		}
		u, err := tx.Setting(settingPublicURL)
		if err != nil {
			return err
		}
		ns.PublicURL = string(u)
		ns.SMSCredits, err = readCredits(tx)
		return err
	})
	return ns, err
}

// SetDeliveryPolicy sets the message priority: fallback in order, or all at once.
func (s *Service) SetDeliveryPolicy(as Actor, p DeliveryPolicy) error {
	if err := canConfigureNotifications(as); err != nil {
		return err
	}
	if p.Mode != PolicyFallback && p.Mode != PolicyAllAtOnce {
		return Invalid("mode", "Delivery mode %q is unknown: use fallback (try channels in order until one delivers) or all (send on every channel at once).", p.Mode)
	}
	var order []NoticeChannel
	for _, ch := range p.Order {
		if !slices.Contains(AllNoticeChannels, ch) {
			return Invalid("order", "Channel %q is unknown: use %s.", ch, joinNames(AllNoticeChannels))
		}
		if slices.Contains(order, ch) {
			return Invalid("order", "Channel %s is in the order twice.", ch)
		}
		order = append(order, ch)
	}
	for _, ch := range AllNoticeChannels {
		if !slices.Contains(order, ch) {
			order = append(order, ch)
		}
	}
	p.Order = order
	if h := time.Duration(p.Handover); h != 0 && (h < time.Minute || h > 24*time.Hour) {
		return Invalid("handover", "A channel gets 1m to 24h to deliver before the next takes over, not %s.", p.Handover)
	}
	err := s.store.Update(func(tx Tx) error { return putJSON(tx, settingPolicy, p) })
	if err == nil {
		s.broker.publish(Change{Kind: "notify-settings"})
	}
	return err
}

// SMSCredits returns the SMS credit balance.
func (s *Service) SMSCredits() (int, error) {
	var n int
	err := s.store.View(func(tx Tx) error {
		var err error
		n, err = readCredits(tx)
		return err
	})
	return n, err
}

// AddSMSCredits tops the SMS balance up by n and returns the new balance.
func (s *Service) AddSMSCredits(as Actor, n int) (int, error) {
	if err := canConfigureNotifications(as); err != nil {
		return 0, err
	}
	if n <= 0 || n > 10_000_000 {
		return 0, Invalid("add", "Add between 1 and 10000000 SMS credits, not %d.", n)
	}
	var bal int
	err := s.store.Update(func(tx Tx) error {
		cur, err := readCredits(tx)
		if err != nil {
			return err
		}
		bal = cur + n
		return putCredits(tx, bal)
	})
	if err == nil {
		s.broker.publish(Change{Kind: "notify-settings"})
	}
	return bal, err
}

// Outbox lists outbox messages matching q, newest first.
func (s *Service) Outbox(q MessageQuery) ([]Message, error) {
	var out []Message
	err := s.store.View(func(tx Tx) error {
		var err error
		out, err = tx.Messages(q)
		return err
	})
	for i := range out {
		hideCode(&out[i])
	}
	return out, err
}

// hideCode masks the digits of a verification code in a message people read
// (the outbox in the console and the CLI): staff never see a customer's code;
// only the worker that sends it does.
func hideCode(m *Message) {
	if m.Event != NoticeVerifyCode {
		return
	}
	mask := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return '•'
			}
			return r
		}, s)
	}
	m.Content.Text = mask(m.Content.Text)
	fs := make([]TemplateField, len(m.Content.Fields))
	for i, f := range m.Content.Fields {
		fs[i] = TemplateField{Key: f.Key, Value: mask(f.Value)}
	}
	m.Content.Fields = fs
}

// OutboxFor lists the messages of work order number, newest first.
func (s *Service) OutboxFor(number string) ([]Message, error) {
	n, err := ParseNumber(number)
	if err != nil {
		return nil, err
	}
	var out []Message
	err = s.store.View(func(tx Tx) error {
		w, err := tx.WorkOrderByNumber(FormatNumber(n))
		if err != nil {
			return err
		}
		out, err = tx.Messages(MessageQuery{WorkOrder: w.ID})
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return nil, NotFoundf("There is no work order %s.", FormatNumber(n))
	}
	for i := range out {
		hideCode(&out[i])
	}
	return out, err
}

// OutboxMessage reads one message.
func (s *Service) OutboxMessage(id ID) (Message, error) {
	var m Message
	err := s.store.View(func(tx Tx) error {
		var err error
		m, err = tx.Message(id)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return m, NotFoundf("There is no outbox message %d: list them with `switchboard notify outbox`.", id)
	}
	hideCode(&m)
	return m, err
}

// RetryMessage queues a failed or not-sent message again, now, with a fresh
// count of attempts.
func (s *Service) RetryMessage(as Actor, id ID) (Message, error) {
	if err := canConfigureNotifications(as); err != nil {
		return Message{}, err
	}
	var m Message
	now := s.Now()
	err := s.store.Update(func(tx Tx) error {
		var err error
		if m, err = tx.Message(id); errors.Is(err, ErrNotFound) {
			return NotFoundf("There is no outbox message %d: list them with `switchboard notify outbox`.", id)
		} else if err != nil {
			return err
		}
		if m.State != MsgFailed && m.State != MsgNotSent {
			return Invalid("id", "Message %d is %s: only failed or not-sent messages can be retried.", id, m.State)
		}
		if m.Recipient.Address == "" {
			return Invalid("id", "Message %d has no address to send to (%s); fix the recipient's details and trigger the notification again.", id, m.Reason)
		}
		m.State, m.NextAt, m.UpdatedAt, m.Attempts = MsgQueued, now, now, 0
		m.Reason = "retried by " + as.Label()
		if err := tx.PutMessage(&m); err != nil {
			return err
		}
		if m.WorkOrderID != 0 {
			return tx.AppendEvent(m.WorkOrderID, Event{At: now, By: as.Label(), Channel: ChannelInternal, Kind: EventNotified, Detail: fmt.Sprintf("%s message %d retried", m.Channel, m.ID)})
		}
		return nil
	})
	if err == nil {
		s.broker.publish(Change{Kind: "outbox", WorkOrder: m.WorkOrderID, Number: m.Number})
	}
	return m, err
}

// SendTest queues a test message on ch to address ("send test" in channel
// settings); the worker delivers it like any other.
func (s *Service) SendTest(as Actor, ch NoticeChannel, address string) (Message, error) {
	if err := canConfigureNotifications(as); err != nil {
		return Message{}, err
	}
	if !slices.Contains(AllNoticeChannels, ch) {
		return Message{}, Invalid("channel", "Notification channel %q is unknown: use %s.", ch, joinNames(AllNoticeChannels))
	}
	if strings.TrimSpace(address) == "" {
		return Message{}, Invalid("to", "Give the address to send the test to: an email, a mobile number or an open ID.")
	}
	var out []Message
	err := s.store.Update(func(tx Tx) error {
		cfg, err := readChannel(tx, ch)
		if err != nil {
			return err
		}
		if !cfg.Enabled {
			return Invalid("channel", "%s is switched off: enable it in channel settings first.", ch.Title())
		}
		p, err := readPreset(tx, NoticeSubmitted, ch)
		if err != nil {
			return err
		}
		tpl := p.Template
		if ch == NoticeEmail {
			tpl.Subject = "Switchboard test message"
			tpl.Body = "<p>This is a test of the <b>email</b> channel from Switchboard (#Date#).</p><p>这是一条测试消息。</p>"
			tpl.Text = ""
		} else if ch == NoticeSMS {
			tpl.Body = "Switchboard test message (#Date#)"
		}
		out, err = s.enqueueNotice(tx, NoticeAction{Event: NoticeTest, Channels: []NoticeChannel{ch}, Mode: PolicyAllAtOnce,
			Recipients: []RecipientSpec{{Kind: RecipientExplicit, Address: address}},
			Templates:  map[NoticeChannel]Template{ch: tpl}}, nil)
		if err != nil {
			return err
		}
		if len(out) == 1 && out[0].State == MsgNotSent {
			return Invalid("to", "%q is not an address %s can send to: %s.", address, ch.Title(), out[0].Reason)
		}
		return nil
	})
	if err != nil {
		return Message{}, err
	}
	if len(out) == 0 {
		return Message{}, errors.New("the test message was not queued")
	}
	return out[0], nil
}

// Notify runs a notification action on work order number now — the "Invite
// Account" style manual trigger, and what a post-action does from the CLI.
func (s *Service) Notify(as Actor, number string, a NoticeAction) ([]Message, error) {
	if err := require(as, "send notifications", RoleAdmin, RoleDispatcher, RoleCallCenter, RoleFollowUp, RoleEngineer); err != nil {
		return nil, err
	}
	n, err := ParseNumber(number)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(AllNoticeEvents, a.Event) {
		return nil, Invalid("event", "Notification event %q is unknown: use %s.", a.Event, joinNames(AllNoticeEvents))
	}
	var out []Message
	err = s.store.Update(func(tx Tx) error {
		w, err := loadForChange(tx, FormatNumber(n), 0)
		if err != nil {
			return err
		}
		if err := ownWorkOrder(as, &w, "send notifications about", RoleAdmin, RoleDispatcher, RoleCallCenter, RoleFollowUp); err != nil {
			return err
		}
		out, err = s.enqueueNotice(tx, a, &w)
		return err
	})
	return out, err
}
