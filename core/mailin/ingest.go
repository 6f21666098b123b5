package mailin

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"switchboard/core"
)

// ReadMessage reads one message from r, refusing more than core.MaxMailBytes
// (a mail gateway then bounces it to its sender, so it is not lost either).
func ReadMessage(r io.Reader) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, core.MaxMailBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the message: %w", err)
	}
	if len(raw) > core.MaxMailBytes {
		return nil, core.Invalid("mail", "The message is larger than %s: it was not taken in.", core.HumanBytes(core.MaxMailBytes))
	}
	return raw, nil
}

// Ingest parses raw and takes it in (core.Service.AcceptMail): a new work
// order, a reply in a work order's history, a recorded auto-reply or loop, or —
// when it cannot be read — the quarantine. Only a storage failure is an error;
// then nothing was written and the caller must keep the message (an MTA
// retries, the Maildir poller leaves the file in new/).
func Ingest(svc *core.Service, raw []byte, source string) (core.MailRecord, error) {
	in := core.MailIntake{Raw: raw, Source: source, Getenv: os.Getenv}
	m, err := Parse(raw)
	if err != nil {
		in.ParseErr = err
		in.Hint.From, in.Hint.Subject, in.Hint.MessageID = peek(raw)
	} else {
		in.Mail = m
	}
	return svc.AcceptMail(in)
}

// Release takes a quarantined message in again: parsed afresh (after an upgrade,
// or after the sender's address was fixed in the contacts), or with force, as it
// is — whatever headers can be read, the raw text as the description and the
// original attached as a file.
func Release(svc *core.Service, as core.Actor, id core.ID, force bool) (core.MailRecord, error) {
	rec, raw, err := svc.Mail(id)
	if err != nil {
		return core.MailRecord{}, err
	}
	if rec.Outcome != core.MailQuarantined {
		return core.MailRecord{}, core.Invalid("mail", "Mail %d is not in quarantine (it was %s).", id, rec.Outcome)
	}
	in := core.MailIntake{Raw: raw, Source: rec.Source, Release: id, By: as, Getenv: os.Getenv}
	m, perr := Parse(raw)
	switch {
	case perr == nil:
		in.Mail = m
	case force:
		in.Mail = Salvage(raw, perr)
	default:
		in.ParseErr = perr
	}
	return svc.AcceptMail(in)
}

var (
	headerLine = regexp.MustCompile(`(?im)^(from|subject|message-id)[ \t]*:[ \t]*(.*(?:\r?\n[ \t]+.*)*)`)
)

// peek reads From, Subject and Message-ID from an unreadable message's header
// as best it can, for the quarantine list.
func peek(raw []byte) (from, subject, messageID string) {
	head := raw
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		head = raw[:i]
	} else if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		head = raw[:i]
	}
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	p := &parser{}
	for _, m := range headerLine.FindAllSubmatch(head, -1) {
		v := strings.Join(strings.Fields(string(m[2])), " ")
		switch strings.ToLower(string(m[1])) {
		case "from":
			if from == "" {
				from = p.utf8(decodeWords(v))
			}
		case "subject":
			if subject == "" {
				subject = p.utf8(decodeWords(v))
			}
		case "message-id":
			if messageID == "" {
				messageID = firstID(v)
			}
		}
	}
	return cutString(from, 300), cutString(subject, 300), cutString(messageID, 300)
}

func cutString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// Salvage makes the most of a message Parse refused, for a forced release:
// sender and subject as far as they can be read, the raw text (as UTF-8, header
// included) as the body, and the original attached as message/rfc822.
func Salvage(raw []byte, why error) *core.InboundMail {
	from, subject, id := peek(raw)
	m := &core.InboundMail{MessageID: id, Subject: subject}
	if a := addrSpec.FindString(from); a != "" {
		name := strings.Trim(strings.TrimSpace(from[:strings.Index(from, a)]), `"<' `)
		m.From = core.MailAddress{Name: name, Address: strings.ToLower(a)}
	}
	text := strings.ToValidUTF8(string(raw), "\uFFFD")
	if len(text) > 200<<10 {
		text = text[:200<<10]
	}
	m.Text = "[taken in from quarantine as it was; it could not be read: " + why.Error() + "]\n\n" + core.CleanMailText(text)
	m.Attachments = []core.InboundAttachment{{Filename: "original-message.eml", ContentType: "message/rfc822", Data: raw}}
	m.Warnings = []string{"released from quarantine unread: " + why.Error()}
	return m
}
