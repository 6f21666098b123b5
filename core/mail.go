package core

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/expr-lang/expr/vm"
)

// Email to work order (R-IN-5): the types core/mailin fills from a raw message and
// the decisions core makes about it. Parsing MIME is core/mailin's job; core only
// sees the readable result.

// MailAddress is one address of a header, decoded (RFC 2047) to UTF-8.
type MailAddress struct {
	Name    string `json:"name,omitempty"`
	Address string `json:"address"`
}

// String is "Name <address>", or the bare address.
func (a MailAddress) String() string {
	if a.Name == "" {
		return a.Address
	}
	return fmt.Sprintf("%s <%s>", a.Name, a.Address)
}

// InboundAttachment is one attached file as it arrived.
type InboundAttachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// InboundMail is one received email, decoded: headers in UTF-8, the readable text
// of the body (the plain part of multipart/alternative, or the HTML turned into
// text) and the attachments. Message ids are without angle brackets.
type InboundMail struct {
	MessageID  string
	InReplyTo  []string
	References []string
	From       MailAddress
	To, Cc     []MailAddress
	Subject    string
	Date       time.Time
	Text       string
	// FromHTML is set when Text was made from an HTML part (there was no plain one).
	FromHTML    bool
	Attachments []InboundAttachment
	// Auto says why the headers mark the message as automatic (an auto-reply, a
	// bounce, list mail), "" when a person sent it.
	Auto string
	// OurKey is the X-Switchboard-Key header our own outbox puts on what it sends.
	OurKey string
	// Forwarded is the original sender when the text is a forwarded message
	// ("---------- Forwarded message ---------" / "-----Original Message-----").
	Forwarded *MailAddress
	// Warnings are problems that did not stop the message from being read (an
	// unknown charset shown with replacement characters, an unreadable part).
	Warnings []string
}

// MailOutcome is what happened to a received message.
type MailOutcome string

// Mail outcomes.
const (
	MailCreated     MailOutcome = "created"     // became a new work order
	MailAppended    MailOutcome = "appended"    // a reply, added to a work order's history
	MailAuto        MailOutcome = "auto"        // an auto-reply, bounce or list mail: recorded only
	MailLoop        MailOutcome = "loop"        // our own message coming back: recorded only
	MailDuplicate   MailOutcome = "duplicate"   // the same Message-ID came before
	MailQuarantined MailOutcome = "quarantined" // could not be read: raw bytes kept
	MailReleased    MailOutcome = "released"    // was quarantined, then taken in
	MailDeleted     MailOutcome = "deleted"     // was quarantined, then deleted by a person
)

// MailRecord is the mail log's entry for one received message.
type MailRecord struct {
	ID         ID          `json:"id"`
	MessageID  string      `json:"message_id,omitempty"`
	ReceivedAt time.Time   `json:"received_at"`
	Source     string      `json:"source"`
	From       string      `json:"from,omitempty"`
	To         []string    `json:"to,omitempty"`
	Subject    string      `json:"subject,omitempty"`
	Size       int         `json:"size"`
	Outcome    MailOutcome `json:"outcome"`
	// Reason says why the message was quarantined, ignored or not taken in whole.
	Reason      string `json:"reason,omitempty"`
	WorkOrderID ID     `json:"work_order_id,omitempty"`
	Number      string `json:"number,omitempty"`
	// Rule is the mail rule that chose the work order's fields ("#3 VIP accounts").
	Rule        string `json:"rule,omitempty"`
	Attachments int    `json:"attachments,omitempty"`
	// Log is what happened later to a quarantined message (released, deleted).
	Log []string `json:"log,omitempty"`
	// Env is what mail rules saw (the body cut short), so a rule can be tested
	// on a message received before.
	Env *MailEnv `json:"env,omitempty"`
}

// MailQuery selects mail log entries, newest first.
type MailQuery struct {
	Quarantined bool // only messages still in quarantine
	Limit       int  // 0: no limit
}

// Attachment is a file kept with a work order (a mail's attachment). Its bytes
// are stored apart and read with Service.AttachmentData.
type Attachment struct {
	ID          ID        `json:"id"`
	WorkOrderID ID        `json:"work_order_id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	At          time.Time `json:"at"`
	Source      string    `json:"source"`
}

// MailAction is what a mail rule sets on the work order a message becomes; empty
// fields keep the default (Repair, normal, the contact's region).
type MailAction struct {
	RecordType string   `json:"record_type,omitempty"`
	Priority   Priority `json:"priority,omitempty"`
	Region     string   `json:"region,omitempty"`
}

// Describe is the action in words, for lists and history.
func (a MailAction) Describe() string {
	var parts []string
	if a.RecordType != "" {
		parts = append(parts, "type "+a.RecordType)
	}
	if a.Priority != "" {
		parts = append(parts, "priority "+string(a.Priority))
	}
	if a.Region != "" {
		parts = append(parts, "region "+a.Region)
	}
	if len(parts) == 0 {
		return "defaults"
	}
	return strings.Join(parts, ", ")
}

// MailEnv is what a mail rule's condition sees (R-IN-5): the sender, recipients,
// subject and body of the message, and what the sender matched.
type MailEnv struct {
	From        string   `expr:"from" json:"from"`               // the sender's address, lower case
	FromName    string   `expr:"from_name" json:"from_name"`     // the sender's display name
	FromDomain  string   `expr:"from_domain" json:"from_domain"` // the part after @
	To          []string `expr:"to" json:"to"`                   // To addresses, lower case
	Cc          []string `expr:"cc" json:"cc"`                   // Cc addresses, lower case
	Subject     string   `expr:"subject" json:"subject"`
	Body        string   `expr:"body" json:"body"`
	Attachments int      `expr:"attachments" json:"attachments"` // how many files came with it
	// KnownSender is true when the sender matched exactly one contact.
	KnownSender bool   `expr:"known_sender" json:"known_sender"`
	AccountName string `expr:"account_name" json:"account_name"` // the matched contact's account
}

// MailFields lists the names a mail rule's condition may use.
func MailFields() []string {
	return []string{"from", "from_name", "from_domain", "to", "cc", "subject", "body", "attachments", "known_sender", "account_name"}
}

// CompileMailCondition compiles a mail rule's condition against MailEnv, e.g.
// `from_domain == "bigcustomer.com" && subject contains "urgent"`.
func CompileMailCondition(src string) (*Condition, error) {
	return compileCondition(src, MailEnv{}, MailFields(), false,
		"A condition is required, e.g. from_domain == \"example.com\" && subject contains \"紧急\"; use true to match every message.")
}

// MatchMail evaluates a mail rule's condition on env.
func (c *Condition) MatchMail(env *MailEnv) (bool, error) {
	out, err := vm.Run(c.prog, env)
	if err != nil {
		return false, fmt.Errorf("condition %q failed to run: %w", c.Source, err)
	}
	b, _ := out.(bool)
	return b, nil
}

// ExplainMail says why a mail condition does not match env.
func (c *Condition) ExplainMail(env *MailEnv) string { return c.explain(env) }

// MailSettings configure email intake; an admin sets them.
type MailSettings struct {
	// Maildir is a Maildir folder the console and `serve` poll for new mail
	// (files in new/ are taken in and moved to cur/). Empty: no polling.
	Maildir string `json:"maildir,omitempty"`
	// PollSeconds is how often the folder is polled (default 60).
	PollSeconds int `json:"poll_seconds,omitempty"`
	// MaxAttachmentBytes is the largest attachment kept (default 10 MiB); larger
	// ones are named in the history but not stored.
	MaxAttachmentBytes int64 `json:"max_attachment_bytes,omitempty"`
	// Mailboxes are the service's own addresses (besides the email channel's
	// from): mail from them is our own coming back, never a work order.
	Mailboxes []string `json:"mailboxes,omitempty"`
}

// Defaults for MailSettings and raw messages.
const (
	DefaultMailPoll          = 60
	DefaultMaxAttachment     = 10 << 20
	MaxMailBytes             = 25 << 20 // a larger message is refused (the MTA bounces it)
	maxReplyText             = 4000
	maxMailSubject           = 200
	maxMailDescription       = 10000
	settingMail              = "mail.settings"
	mailActorName            = "email"
	mailBodyAttachmentSuffix = "-full-text.txt"
)

// WithDefaults fills unset settings.
func (m MailSettings) WithDefaults() MailSettings {
	if m.PollSeconds <= 0 {
		m.PollSeconds = DefaultMailPoll
	}
	if m.MaxAttachmentBytes <= 0 {
		m.MaxAttachmentBytes = DefaultMaxAttachment
	}
	return m
}

// NormalizeMessageID is the form a Message-ID is looked up by: without angle
// brackets and spaces, lower case.
func NormalizeMessageID(id string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(id), "<> \t"))
}

var (
	bracketNumber = regexp.MustCompile(`(?i)\[\s*` + NumberPrefix + `(\d{1,12})\s*\]`)
	bareNumber    = regexp.MustCompile(`(?i)\b` + NumberPrefix + `(\d{6,12})\b`)
	replyPrefix   = regexp.MustCompile(`(?i)^\s*(re|aw|sv|antw|回复|答复|回覆)\s*[:：]`)
	fwdPrefix     = regexp.MustCompile(`(?i)^\s*(fwd?|wg|转发|轉寄|转寄)\s*[:：]`)
)

// SubjectNumber finds the work-order number a reply's subject names: "[WO-000123]"
// anywhere (how our own notifications are titled), or a bare "WO-000123" in a
// subject that starts like a reply ("Re:", "回复:"). It returns "" otherwise.
func SubjectNumber(subject string) string {
	if m := bracketNumber.FindStringSubmatch(subject); m != nil {
		if n, err := strconv.ParseUint(m[1], 10, 64); err == nil && n > 0 {
			return FormatNumber(n)
		}
	}
	if replyPrefix.MatchString(subject) {
		if m := bareNumber.FindStringSubmatch(subject); m != nil {
			if n, err := strconv.ParseUint(m[1], 10, 64); err == nil && n > 0 {
				return FormatNumber(n)
			}
		}
	}
	return ""
}

// CleanSubject turns a mail subject into a work-order subject: one line, no
// control characters, "Fwd:" prefixes dropped, at most 200 characters (cut
// with "…"), "(no subject)" when empty. It never refuses: mail must not be lost
// over its subject.
func CleanSubject(s string) string {
	s = strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' ' // a folded or tabbed subject keeps its word breaks
		}
		return dropControl(r)
	}, s)), " ")
	for {
		loc := fwdPrefix.FindStringIndex(s)
		if loc == nil {
			break
		}
		s = strings.TrimSpace(s[loc[1]:])
	}
	if s == "" {
		return "(no subject)"
	}
	return cutRunes(s, maxMailSubject)
}

// CleanMailText makes a body fit a work order's text: valid UTF-8, LF line
// breaks, no control characters other than tab and newline, no runs of more
// than one blank line, trimmed.
func CleanMailText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		return dropControl(r)
	}, s)
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

func dropControl(r rune) rune {
	if unicode.IsControl(r) || Invisible(r) {
		return -1
	}
	return r
}

// cutRunes cuts s to at most n characters, ending in "…" when cut.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

var quoteHeader = regexp.MustCompile(`(?i)^(on .{1,200}wrote:|在.{1,200}写道[:：]?|.{0,100}于.{1,100}写道[:：]?|-{2,}\s*original message\s*-{2,}|-{2,}\s*原始邮件\s*-{2,}|_{5,}|from:\s.+|发件人[:：].+)\s*$`)

// ReplyText is the new part of a reply: the text above the quoted message
// ("On … wrote:", "-----Original Message-----", "在…写道：", lines of "> …").
// When nothing is left (a reply written inline), the whole text is kept.
func ReplyText(s string) string {
	lines := strings.Split(s, "\n")
	cut := len(lines)
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if quoteHeader.MatchString(t) {
			cut = i
			break
		}
		if strings.HasPrefix(t, ">") {
			// A block of quoted lines to the end (blank lines allowed) is the quote.
			rest := true
			for _, m := range lines[i:] {
				m = strings.TrimSpace(m)
				if m != "" && !strings.HasPrefix(m, ">") {
					rest = false
					break
				}
			}
			if rest {
				cut = i
				break
			}
		}
	}
	out := strings.TrimSpace(strings.Join(lines[:cut], "\n"))
	if out == "" {
		return strings.TrimSpace(s)
	}
	return out
}

// ParseSize reads a size as people write it: "10MB", "512KB", "1.5MB" is
// refused (whole numbers only), "1048576" is bytes. field names the input in
// the error.
func ParseSize(field, s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"MIB", 1 << 20}, {"KIB", 1 << 10}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.m
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, Invalid(field, "%q is not a size: write it as 10MB, 512KB or a number of bytes.", s)
	}
	return n * mult, nil
}

// HumanBytes writes a size for people: 512 B, 12 KB, 3.4 MB.
func HumanBytes(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%d KB", (n+512)/1024)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
}
