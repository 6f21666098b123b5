package core

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// NoticeEvent is a moment in a work order's life that customers hear about
// (R-NOTE-3): the seven preset notifications are keyed by it.
type NoticeEvent string

// The preset notification events (R-NOTE-3), in the order the manual lists them.
const (
	NoticeSubmitted         NoticeEvent = "submitted"
	NoticeCompleted         NoticeEvent = "completed"
	NoticeTerminated        NoticeEvent = "terminated"
	NoticeEvaluationInvite  NoticeEvent = "evaluation-invitation"
	NoticeEvaluationSuccess NoticeEvent = "evaluation-success"
	NoticeServiceReport     NoticeEvent = "service-report"
	NoticeReportSignature   NoticeEvent = "report-signature"
	NoticeTest              NoticeEvent = "test" // "send test" from channel settings; no preset
)

// AllNoticeEvents lists the preset events in the manual's order.
// The terminal-task invitation comes last: it is Switchboard's own addition.
var AllNoticeEvents = []NoticeEvent{NoticeSubmitted, NoticeCompleted, NoticeTerminated, NoticeEvaluationInvite, NoticeEvaluationSuccess, NoticeServiceReport, NoticeReportSignature, NoticeTaskInvitation}

// Title is how the event reads in the console ("Work order submitted").
func (e NoticeEvent) Title() string {
	switch e {
	case NoticeSubmitted:
		return "Work order submitted"
	case NoticeCompleted:
		return "Work order completed"
	case NoticeTerminated:
		return "Work order terminated"
	case NoticeEvaluationInvite:
		return "Evaluation invitation"
	case NoticeEvaluationSuccess:
		return "Evaluation success"
	case NoticeServiceReport:
		return "Service report"
	case NoticeReportSignature:
		return "Service report signature"
	case NoticeTaskInvitation:
		return "Terminal task invitation"
	case NoticeTest:
		return "Test message"
	case NoticeVerifyCode:
		return "Verification code"
	}
	return string(e)
}

// ParseNoticeEvent reads an event name as typed ("submitted", "evaluation-invitation").
func ParseNoticeEvent(s string) (NoticeEvent, error) {
	e := NoticeEvent(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(AllNoticeEvents, e) {
		return e, nil
	}
	return "", Invalid("event", "Notification event %q is unknown: use %s.", s, joinNames(AllNoticeEvents))
}

// NoticeChannel is an outbound channel to customers and staff (R-NOTE-1).
type NoticeChannel string

// Outbound channels.
const (
	NoticeWeChat      NoticeChannel = "wechat"       // official account template messages
	NoticeMiniProgram NoticeChannel = "mini-program" // mini-program subscribe messages
	NoticeSMS         NoticeChannel = "sms"
	NoticeEmail       NoticeChannel = "email"
)

// AllNoticeChannels lists the outbound channels in their default priority order.
var AllNoticeChannels = []NoticeChannel{NoticeWeChat, NoticeMiniProgram, NoticeSMS, NoticeEmail}

// Title is the channel's name in the console.
func (c NoticeChannel) Title() string {
	switch c {
	case NoticeWeChat:
		return "WeChat"
	case NoticeMiniProgram:
		return "Mini program"
	case NoticeSMS:
		return "SMS"
	case NoticeEmail:
		return "Email"
	}
	return string(c)
}

// ParseNoticeChannel reads a channel name as typed.
func ParseNoticeChannel(s string) (NoticeChannel, error) {
	c := NoticeChannel(strings.ToLower(strings.TrimSpace(s)))
	if c == "miniprogram" || c == "mini" {
		c = NoticeMiniProgram
	}
	if slices.Contains(AllNoticeChannels, c) {
		return c, nil
	}
	return "", Invalid("channel", "Notification channel %q is unknown: use %s.", s, joinNames(AllNoticeChannels))
}

func joinNames[T ~string](xs []T) string {
	names := make([]string, len(xs))
	for i, x := range xs {
		names[i] = string(x)
	}
	return orList(names)
}

// TemplateField maps one field of a provider's template (a WeChat keyword such as
// "keyword1", a mini-program field such as "thing2", an SMS template parameter) to
// text with variables.
type TemplateField struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Template is a preset's content (R-NOTE-4). Which parts apply depends on the channel:
//   - email: Subject and Body (HTML; work-order data is escaped, the template's own
//     markup is kept); Text is the plain part, derived from Body when empty;
//   - WeChat: TemplateID (chosen from the account's template library), Fields for
//     "first", "keyword1…", "remark", and Link (the URL the message opens);
//   - mini program: TemplateID is fixed by the mini program, Fields map its keywords,
//     Link is the page path;
//   - SMS: Body is the text with variables; TemplateID and Fields are the gateway's
//     template code and parameters (defaulting to the whole text as "content").
type Template struct {
	Subject    string          `json:"subject,omitempty"`
	Body       string          `json:"body,omitempty"`
	Text       string          `json:"text,omitempty"`
	TemplateID string          `json:"template_id,omitempty"`
	Fields     []TemplateField `json:"fields,omitempty"`
	Link       string          `json:"link,omitempty"`
}

// Preset is one cell of the preset matrix: an event on a channel, switched on or
// off, with its template (R-NOTE-3).
type Preset struct {
	Event    NoticeEvent   `json:"event"`
	Channel  NoticeChannel `json:"channel"`
	Enabled  bool          `json:"enabled"`
	Template Template      `json:"template"`
	// Custom is set when an admin changed the template from the shipped default.
	Custom bool `json:"custom"`
}

// Delivery policy modes (R-EVAL-3's "message priority").
const (
	// PolicyFallback tries the channels in order until one delivers.
	PolicyFallback = "fallback"
	// PolicyAllAtOnce sends on every channel at once.
	PolicyAllAtOnce = "all"
)

// DeliveryPolicy says how a notification uses several channels.
type DeliveryPolicy struct {
	Mode  string          `json:"mode"`
	Order []NoticeChannel `json:"order"`
	// Handover is how long a channel has to deliver, in fallback mode,
	// before the next one takes over (default 10 minutes): during an outage
	// the customer still hears the same day (R-EVAL-3).
	Handover Duration `json:"handover,omitempty"`
}

// DefaultHandover is DeliveryPolicy.Handover's default.
const DefaultHandover = 10 * time.Minute

// HandoverAfter is the policy's handover time.
func (p DeliveryPolicy) HandoverAfter() time.Duration {
	if p.Handover <= 0 {
		return DefaultHandover
	}
	return time.Duration(p.Handover)
}

// DefaultDeliveryPolicy sends on every enabled channel at once, in the default order.
func DefaultDeliveryPolicy() DeliveryPolicy {
	return DeliveryPolicy{Mode: PolicyAllAtOnce, Order: slices.Clone(AllNoticeChannels)}
}

// MessageState is where an outbox message stands.
type MessageState string

// Outbox message states. queued and sending are live (the worker will act on
// them); the others are final, except that an admin may retry failed and not-sent.
const (
	MsgQueued    MessageState = "queued"    // waiting for its next attempt
	MsgSending   MessageState = "sending"   // claimed by a worker; requeued after a crash
	MsgHeld      MessageState = "held"      // a fallback channel waiting for the ones before it
	MsgSent      MessageState = "sent"      // the provider accepted it
	MsgFailed    MessageState = "failed"    // attempts exhausted or refused for good; Reason says why
	MsgNotSent   MessageState = "not-sent"  // never sendable (no follower, no mobile, no credits…); Reason says why
	MsgCancelled MessageState = "cancelled" // a fallback channel not needed: an earlier one delivered
)

// AllMessageStates lists the states for filters.
var AllMessageStates = []MessageState{MsgQueued, MsgSending, MsgHeld, MsgSent, MsgFailed, MsgNotSent, MsgCancelled}

// Live reports whether the worker still has to act on a message in this state.
func (s MessageState) Live() bool { return s == MsgQueued || s == MsgSending }

// ParseMessageState reads a state name as typed.
func ParseMessageState(s string) (MessageState, error) {
	st := MessageState(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(AllMessageStates, st) {
		return st, nil
	}
	return "", Invalid("state", "Message state %q is unknown: use %s.", s, joinNames(AllMessageStates))
}

// Recipient is who a message goes to, resolved when it is queued.
type Recipient struct {
	// Kind is owner (the work order's external owner, R-WO-4), staff (an internal
	// user), engineer, or explicit (an address given by the caller).
	Kind           string `json:"kind"`
	Name           string `json:"name,omitempty"`
	TerminalUserID ID     `json:"terminal_user_id,omitempty"`
	UserID         ID     `json:"user_id,omitempty"`
	// Address is the channel's address: open ID, mobile number or email.
	Address string `json:"address,omitempty"`
}

// Recipient kinds.
const (
	RecipientOwner    = "owner"
	RecipientStaff    = "staff"
	RecipientEngineer = "engineer"
	RecipientExplicit = "explicit"
)

// Rendered is a message's content after its template met the work order: what
// is sent, kept in the outbox for the record.
type Rendered struct {
	Subject    string          `json:"subject,omitempty"`
	Text       string          `json:"text,omitempty"`
	HTML       string          `json:"html,omitempty"`
	TemplateID string          `json:"template_id,omitempty"`
	Fields     []TemplateField `json:"fields,omitempty"`
	Link       string          `json:"link,omitempty"`
}

// Message is one outbox entry: one notification to one recipient on one channel,
// written in the same transaction as the change that caused it (R-NOTE-5).
type Message struct {
	ID ID `json:"id"`
	// Key is the idempotency key: queuing the same key twice is a no-op, and
	// channels that de-duplicate (WeChat client_msg_id, SMS OutId, email
	// Message-ID) get it so a crash between send and mark never sends twice there.
	Key         string        `json:"key"`
	Event       NoticeEvent   `json:"event"`
	WorkOrderID ID            `json:"work_order_id"`
	Number      string        `json:"number,omitempty"`
	Channel     NoticeChannel `json:"channel"`
	Recipient   Recipient     `json:"recipient"`
	Content     Rendered      `json:"content"`
	State       MessageState  `json:"state"`
	Attempts    int           `json:"attempts"`
	// Reason says why a message failed or was not sent, or the last attempt's error.
	Reason     string    `json:"reason,omitempty"`
	ProviderID string    `json:"provider_id,omitempty"` // the provider's message id
	NextAt     time.Time `json:"next_at"`               // when the worker tries next (queued, sending)
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	SentAt     time.Time `json:"sent_at,omitzero"`
	// Group ties the channels of one notification together; Mode is the group's
	// delivery policy; Seq is this channel's place in a fallback order.
	Group ID     `json:"group"`
	Mode  string `json:"mode"`
	Seq   int    `json:"seq"`
	// Charged is set once an SMS credit was taken for the message.
	Charged bool `json:"charged,omitempty"`
}

// MessageQuery selects outbox messages, newest first.
type MessageQuery struct {
	State     MessageState
	Channel   NoticeChannel
	WorkOrder ID
	Group     ID
	Limit     int // 0: no limit
}

// Matches reports whether m passes q's filters.
func (q MessageQuery) Matches(m *Message) bool {
	return (q.State == "" || m.State == q.State) && (q.Channel == "" || m.Channel == q.Channel) &&
		(q.WorkOrder == 0 || m.WorkOrderID == q.WorkOrder) && (q.Group == 0 || m.Group == q.Group)
}

// DeliveryText says in a few words what became of the messages queued for one
// notice of event: which channels carry it, which could not and why, or that
// nothing went out at all. A person who just completed something reads it in
// the console's footer or the CLI's output, so it never claims more than was
// queued.
func DeliveryText(event NoticeEvent, msgs []Message) string {
	if len(msgs) == 0 {
		return fmt.Sprintf("nothing was sent: no channel is on for the %q notice (Notices, section 5)", event.Title())
	}
	var queued, held, notSent []string
	for _, m := range msgs {
		switch m.State {
		case MsgNotSent, MsgFailed, MsgCancelled:
			why := m.Reason
			if why == "" {
				why = string(m.State)
			}
			notSent = append(notSent, m.Channel.Title()+" ("+why+")")
		case MsgHeld:
			held = append(held, m.Channel.Title())
		case MsgSent:
			queued = append(queued, m.Channel.Title()+" (sent)")
		default:
			queued = append(queued, m.Channel.Title())
		}
	}
	var parts []string
	if len(queued) > 0 {
		parts = append(parts, "queued to the customer by "+strings.Join(queued, " and "))
	}
	if len(held) > 0 {
		parts = append(parts, "then "+strings.Join(held, ", ")+" if that fails")
	}
	if len(notSent) > 0 {
		parts = append(parts, "not sent by "+strings.Join(notSent, ", "))
	}
	if len(queued) == 0 && len(held) == 0 {
		return "nothing was sent: " + strings.Join(notSent, ", ")
	}
	return strings.Join(parts, "; ")
}
