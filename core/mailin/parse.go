// Package mailin turns received email into work orders (R-IN-5): it parses raw
// RFC 5322 messages with emersion/go-message (MIME, quoted-printable and base64,
// RFC 2047 headers, charsets such as GB2312/GBK/GB18030 and Big5 through
// golang.org/x/text), and hands the readable result to core.Service.AcceptMail,
// which decides in one transaction whether it is a new work order, a reply to
// one, an auto-reply or our own message coming back. Mail that cannot be read
// goes to the quarantine with its raw bytes. Messages arrive on stdin
// (`switchboard mail ingest`, for an MTA pipe) or from a Maildir folder.
package mailin

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	gomail "github.com/emersion/go-message/mail"
	"golang.org/x/text/encoding/simplifiedchinese"

	"switchboard/core"
)

func init() {
	// Mail labelled GB2312 or GBK is often written with characters only GBK or
	// GB18030 have (as browsers assume, WHATWG): decode all three as GB18030,
	// their superset.
	for _, name := range []string{"gb2312", "gbk", "x-gbk", "cp936", "euc-cn", "csgb2312", "gb_2312-80"} {
		charset.RegisterEncoding(name, simplifiedchinese.GB18030)
	}
}

// Limits on what one message may contain.
const (
	maxDepth = 16  // nested multiparts
	maxParts = 500 // leaf parts in all
)

// ParseError says why a message cannot be read; such a message is quarantined.
type ParseError struct{ Reason string }

func (e *ParseError) Error() string { return e.Reason }

func broken(format string, args ...any) error {
	return &ParseError{Reason: fmt.Sprintf(format, args...)}
}

// Parse reads one raw RFC 5322 message. It is lenient where mail in the wild
// needs it (unknown charsets become replacement characters with a warning, a
// missing closing boundary ends the part) and refuses — with a *ParseError —
// what cannot be read: malformed headers, no sender, multipart without a
// boundary, text parts whose encoding is corrupt, absurd nesting.
func Parse(raw []byte) (*core.InboundMail, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, broken("the message is empty")
	}
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && e == nil {
		return nil, broken("the header cannot be read: %s", strings.TrimSpace(err.Error()))
	}
	p := &parser{}
	if err != nil {
		p.warn("%v", err)
	}
	h := gomail.Header{Header: e.Header}
	m := &core.InboundMail{}
	// The body first: raw 8-bit headers (no RFC 2047) are decoded with the
	// charset of its first text part.
	if err := p.walk(e, 0); err != nil {
		return nil, err
	}
	p.headerCharset = p.textCharset

	m.From, err = p.address(h, "From")
	if err != nil {
		return nil, err
	}
	m.To = p.addressList(h, "To")
	m.Cc = p.addressList(h, "Cc")
	m.Subject = p.text(h, "Subject")
	if id, err := h.MessageID(); err == nil && id != "" {
		m.MessageID = id
	} else {
		m.MessageID = firstID(h.Get("Message-Id"))
	}
	m.InReplyTo = p.ids(h, "In-Reply-To")
	m.References = p.ids(h, "References")
	if d, err := h.Date(); err == nil {
		m.Date = d
	}
	m.Auto = autoReason(h, m.From)
	m.OurKey = strings.TrimSpace(h.Get("X-Switchboard-Key"))
	m.Text, m.FromHTML = p.body()
	m.Attachments = p.attachments
	m.Warnings = p.warnings
	if fwd := forwardedSender(m.Text); fwd != nil {
		m.Forwarded = fwd
	}
	sanitize(m)
	return m, nil
}

// sanitize makes every header value valid UTF-8 without control characters:
// raw 8-bit bytes the decoders let through must not reach the store.
func sanitize(m *core.InboundMail) {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, strings.ToValidUTF8(s, "\uFFFD"))
	}
	addrs := func(l []core.MailAddress) {
		for i := range l {
			l[i].Name, l[i].Address = clean(l[i].Name), clean(l[i].Address)
		}
	}
	m.MessageID, m.Subject, m.Auto, m.OurKey = clean(m.MessageID), clean(m.Subject), clean(m.Auto), clean(m.OurKey)
	m.From.Name, m.From.Address = clean(m.From.Name), clean(m.From.Address)
	addrs(m.To)
	addrs(m.Cc)
	for i := range m.InReplyTo {
		m.InReplyTo[i] = clean(m.InReplyTo[i])
	}
	for i := range m.References {
		m.References[i] = clean(m.References[i])
	}
	for i := range m.Attachments {
		m.Attachments[i].ContentType = clean(m.Attachments[i].ContentType)
	}
}

type parser struct {
	headerCharset string
	// textCharset is the charset label of the first text part read.
	textCharset string
	plain, html []string
	attachments []core.InboundAttachment
	warnings    []string
	leaves      int
	// inner is the text of an attached message (message/rfc822), used when the
	// outer message has no text of its own (a forward as attachment).
	inner string
}

func (p *parser) warn(format string, args ...any) {
	if len(p.warnings) < 20 {
		p.warnings = append(p.warnings, fmt.Sprintf(format, args...))
	}
}

// body is the readable text: the plain parts, else the HTML parts as text, else
// an attached message's text.
func (p *parser) body() (string, bool) {
	if t := core.CleanMailText(strings.Join(p.plain, "\n\n")); t != "" {
		return t, false
	}
	if len(p.html) > 0 {
		var parts []string
		for _, h := range p.html {
			parts = append(parts, HTMLToText(h))
		}
		if t := core.CleanMailText(strings.Join(parts, "\n\n")); t != "" {
			return t, true
		}
	}
	return core.CleanMailText(p.inner), false
}

// walk visits e's parts: multipart/alternative keeps its best part, other
// multiparts keep all, leaves are text or attachments.
func (p *parser) walk(e *message.Entity, depth int) error {
	if depth > maxDepth {
		return broken("the message nests more than %d multipart levels", maxDepth)
	}
	mt, params, err := e.Header.ContentType()
	if err != nil {
		if strings.TrimSpace(e.Header.Get("Content-Type")) != "" {
			p.warn("unreadable Content-Type %q: read as text/plain", e.Header.Get("Content-Type"))
		}
		mt, params = "text/plain", nil
	}
	if strings.HasPrefix(mt, "multipart/") {
		if params["boundary"] == "" {
			return broken("a %s part has no boundary, so its parts cannot be found", mt)
		}
		mr := e.MultipartReader()
		if mt == "multipart/alternative" {
			return p.alternative(mr, depth)
		}
		n := 0
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil && part == nil {
				if n == 0 {
					return broken("the %s body has no readable parts: %v", mt, err)
				}
				p.warn("the %s body ends early: %v", mt, err)
				break
			}
			if err != nil {
				p.warn("%v", err)
			}
			n++
			if err := p.walk(part, depth+1); err != nil {
				return err
			}
		}
		if n == 0 {
			return broken("the %s body has no parts", mt)
		}
		return nil
	}
	return p.leaf(e, mt, params)
}

// alternative keeps one version of multipart/alternative: the plain text, else
// the HTML, else a nested multipart version (HTML with its images). Images and
// other files of any version are kept as attachments.
func (p *parser) alternative(mr message.MultipartReader, depth int) error {
	var plain, html []string
	var nested []*parser
	n := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil && part == nil {
			if n == 0 {
				return broken("the multipart/alternative body has no readable parts: %v", err)
			}
			p.warn("the multipart/alternative body ends early: %v", err)
			break
		}
		n++
		mt, _, _ := part.Header.ContentType()
		switch {
		case strings.HasPrefix(mt, "multipart/"):
			sub := &parser{textCharset: p.textCharset, leaves: p.leaves}
			if err := sub.walk(part, depth+1); err != nil {
				return err
			}
			p.leaves, p.textCharset = sub.leaves, sub.textCharset
			p.attachments = append(p.attachments, sub.attachments...)
			p.warnings = append(p.warnings, sub.warnings...)
			nested = append(nested, sub)
		case mt == "text/plain" || mt == "text/html" || mt == "":
			// Parts must be read before the next one is taken.
			b, err := p.read(part, mt)
			if err != nil {
				return err
			}
			if mt == "text/html" {
				html = append(html, string(b))
			} else {
				plain = append(plain, string(b))
			}
		default:
			if err := p.leaf(part, mt, nil); err != nil {
				return err
			}
		}
	}
	if n == 0 {
		return broken("the multipart/alternative body has no parts")
	}
	for _, t := range plain {
		if strings.TrimSpace(t) != "" {
			p.plain = append(p.plain, t)
			return nil
		}
	}
	if len(html) > 0 {
		p.html = append(p.html, html[0])
		return nil
	}
	for _, sub := range nested {
		if len(sub.plain) > 0 || len(sub.html) > 0 {
			p.plain = append(p.plain, sub.plain...)
			p.html = append(p.html, sub.html...)
			return nil
		}
	}
	return nil
}

// leaf takes one non-multipart part: inline text, or an attachment.
func (p *parser) leaf(e *message.Entity, mt string, params map[string]string) error {
	p.leaves++
	if p.leaves > maxParts {
		return broken("the message has more than %d parts", maxParts)
	}
	disp, dparams, _ := e.Header.ContentDisposition()
	name := filename(e.Header, dparams, params)
	isText := mt == "text/plain" || mt == "text/html"
	if isText && disp != "attachment" && name == "" {
		b, err := p.read(e, mt)
		if err != nil {
			return err
		}
		if mt == "text/html" {
			p.html = append(p.html, string(b))
		} else {
			p.plain = append(p.plain, string(b))
		}
		return nil
	}
	data, err := io.ReadAll(e.Body)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		p.warn("attachment %q ends without its closing boundary: kept as far as it came", name)
		err = nil
	}
	if err != nil {
		if message.IsUnknownEncoding(err) || isCorrupt(err) {
			p.warn("attachment %q could not be decoded (%v): kept as it came", name, err)
		} else {
			return broken("attachment %q cannot be read: %v", name, err)
		}
	}
	if mt == "message/rfc822" {
		if name == "" {
			name = "forwarded-message.eml"
		}
		if inner, err := Parse(data); err == nil && p.inner == "" {
			p.inner = "---------- Forwarded message ---------\nFrom: " + inner.From.String() + "\nSubject: " + inner.Subject + "\n\n" + inner.Text
		}
	}
	if name == "" {
		name = "attachment" + extension(mt)
	}
	p.attachments = append(p.attachments, core.InboundAttachment{Filename: name, ContentType: mt, Data: data})
	return nil
}

// read decodes a text part to UTF-8. An unknown charset is read as UTF-8 with
// replacement characters (and a warning); a corrupt transfer encoding makes the
// message unreadable.
func (p *parser) read(e *message.Entity, mt string) ([]byte, error) {
	b, err := io.ReadAll(e.Body)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		// The message ends without its closing boundary: keep what came.
		p.warn("the %s part ends without its closing boundary", mt)
		err = nil
	}
	if err != nil {
		if isCorrupt(err) {
			return nil, broken("the %s part's %s encoding is corrupt: %v", mt, strings.ToLower(e.Header.Get("Content-Transfer-Encoding")), err)
		}
		return nil, broken("the %s part cannot be read: %v", mt, err)
	}
	if _, params, _ := e.Header.ContentType(); params != nil {
		cs := params["charset"]
		if cs != "" && !known(cs) {
			p.warn("unknown charset %q: the text may show replacement characters", cs)
		} else if cs != "" && p.textCharset == "" {
			p.textCharset = cs
		}
	}
	if !utf8.Valid(b) {
		b = []byte(strings.ToValidUTF8(string(b), "\uFFFD"))
	}
	return b, nil
}

func isCorrupt(err error) bool {
	s := err.Error()
	return strings.Contains(s, "illegal base64") || strings.Contains(s, "quotedprintable") || strings.Contains(s, "invalid")
}

func known(cs string) bool {
	cs = strings.ToLower(cs)
	if cs == "utf-8" || cs == "us-ascii" {
		return true
	}
	_, err := charset.Reader(cs, strings.NewReader(""))
	return err == nil
}

var extensions = map[string]string{
	"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif",
	"text/plain": ".txt", "text/html": ".html", "text/calendar": ".ics", "message/rfc822": ".eml",
}

func extension(mt string) string {
	if e, ok := extensions[mt]; ok {
		return e
	}
	return ".bin"
}

// filename is the attachment's name from Content-Disposition (RFC 2231 and
// RFC 2047 forms) or Content-Type's name parameter.
func filename(h message.Header, dparams, params map[string]string) string {
	ah := gomail.AttachmentHeader{Header: h}
	if n, err := ah.Filename(); err == nil && n != "" {
		return cleanName(n)
	}
	for _, v := range []string{dparams["filename"], params["name"]} {
		if v != "" {
			return cleanName(decodeWords(v))
		}
	}
	return ""
}

// cleanName keeps a file name a name: no directories, no control characters.
func cleanName(n string) string {
	n = strings.ToValidUTF8(n, "_")
	if i := strings.LastIndexAny(n, `/\`); i >= 0 {
		n = n[i+1:]
	}
	n = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, n)
	return strings.TrimSpace(n)
}

var wordDecoder = mime.WordDecoder{CharsetReader: func(cs string, in io.Reader) (io.Reader, error) {
	return charset.Reader(cs, in)
}}

func decodeWords(s string) string {
	if d, err := wordDecoder.DecodeHeader(s); err == nil {
		return d
	}
	return s
}

// text decodes an unstructured header such as Subject.
func (p *parser) text(h gomail.Header, key string) string {
	v, err := h.Text(key)
	if err != nil {
		v = decodeWords(h.Get(key))
	}
	return p.utf8(v)
}

// utf8 turns raw 8-bit header text into UTF-8 with the message's charset (or
// GB18030, the most common unlabelled charset in the mail we serve).
func (p *parser) utf8(v string) string {
	if utf8.ValidString(v) {
		return v
	}
	for _, cs := range []string{p.headerCharset, "gb18030"} {
		if cs == "" || strings.EqualFold(cs, "utf-8") {
			continue
		}
		r, err := charset.Reader(cs, strings.NewReader(v))
		if err != nil {
			continue
		}
		if b, err := io.ReadAll(r); err == nil && utf8.Valid(b) {
			return string(b)
		}
	}
	return strings.ToValidUTF8(v, "\uFFFD")
}

// quotedWords decodes a display name. RFC 2047 forbids encoded words inside
// a quoted string, so parsers leave "=?gb2312?B?…?=" as it is — but Foxmail
// and others write sender names just so, and rules match on the name.
func (p *parser) quotedWords(name string) string {
	if strings.Contains(name, "=?") && strings.Contains(name, "?=") {
		name = decodeWords(name)
	}
	return p.utf8(name)
}

var addrSpec = regexp.MustCompile(`[^\s<>()",;:\[\]@]+@[^\s<>()",;:\[\]@]+\.[^\s<>()",;:\[\]@]+`)

// address reads the one sender address; a message without a readable one is
// refused (there is nobody to match or answer).
func (p *parser) address(h gomail.Header, key string) (core.MailAddress, error) {
	list := p.addressList(h, key)
	if len(list) == 0 {
		if strings.TrimSpace(h.Get(key)) == "" {
			return core.MailAddress{}, broken("the message has no %s header", key)
		}
		return core.MailAddress{}, broken("the %s header %q holds no address", key, p.utf8(h.Get(key)))
	}
	return list[0], nil
}

// addressList reads an address header, falling back to picking out anything
// that looks like an address when the header is not well formed.
func (p *parser) addressList(h gomail.Header, key string) []core.MailAddress {
	raw := h.Get(key)
	if strings.TrimSpace(raw) == "" {
		return nil
	}
	var out []core.MailAddress
	if list, err := h.AddressList(key); err == nil {
		for _, a := range list {
			out = append(out, core.MailAddress{Name: p.quotedWords(a.Name), Address: strings.ToLower(a.Address)})
		}
		return out
	}
	decoded := p.utf8(decodeWords(raw))
	if list, err := mail.ParseAddressList(decoded); err == nil {
		for _, a := range list {
			out = append(out, core.MailAddress{Name: p.quotedWords(a.Name), Address: strings.ToLower(a.Address)})
		}
		return out
	}
	for _, part := range strings.Split(decoded, ",") {
		if a := addrSpec.FindString(part); a != "" {
			name := strings.Trim(strings.TrimSpace(part[:strings.Index(part, a)]), `"<' `)
			out = append(out, core.MailAddress{Name: name, Address: strings.ToLower(a)})
		}
	}
	if len(out) > 0 {
		p.warn("the %s header is not well formed; read as %v", key, out)
	}
	return out
}

var msgID = regexp.MustCompile(`<([^<>\s]+)>`)

func (p *parser) ids(h gomail.Header, key string) []string {
	if l, err := h.MsgIDList(key); err == nil {
		return l
	}
	var out []string
	for _, m := range msgID.FindAllStringSubmatch(h.Get(key), -1) {
		out = append(out, m[1])
	}
	return out
}

func firstID(v string) string {
	if m := msgID.FindStringSubmatch(v); m != nil {
		return m[1]
	}
	return strings.TrimSpace(v)
}

// autoReason says why the headers mark a message as sent by a machine: an
// auto-reply, a bounce or delivery report, or list mail (RFC 3834, RFC 2919).
func autoReason(h gomail.Header, from core.MailAddress) string {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return "Auto-Submitted: " + v
	}
	switch v := strings.ToLower(strings.TrimSpace(h.Get("Precedence"))); v {
	case "bulk", "junk", "list", "auto_reply":
		return "Precedence: " + v
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Autoreply-From", "X-Mail-Autoreply", "X-Auto-Reply"} {
		if strings.TrimSpace(h.Get(k)) != "" {
			return k + ": " + strings.TrimSpace(h.Get(k))
		}
	}
	if v := h.Get("List-Id"); v != "" {
		return "mailing list (List-Id " + strings.TrimSpace(v) + ")"
	}
	if rp := strings.TrimSpace(h.Get("Return-Path")); rp == "<>" {
		return "null sender (Return-Path: <>): a bounce or delivery report"
	}
	if mt, _, err := h.ContentType(); err == nil && mt == "multipart/report" {
		return "delivery status report (multipart/report)"
	}
	local, _, _ := strings.Cut(from.Address, "@")
	switch local {
	case "mailer-daemon", "postmaster":
		return "sent by " + local + ": a bounce"
	}
	return ""
}

var (
	forwardMarker = regexp.MustCompile(`(?i)^[-_\s>]*(-{2,}\s*forwarded message\s*-{2,}|begin forwarded message:?|-{2,}\s*original message\s*-{2,}|-{2,}\s*(转发的邮件|原始邮件|轉寄的郵件)\s*-{2,}|_{10,})\s*$`)
	forwardFrom   = regexp.MustCompile(`(?i)^[>\s]*(from|发件人|寄件者)\s*[:：]\s*(.+)$`)
)

// forwardedSender finds the original sender in a forwarded message's text
// (Gmail, Outlook, Apple Mail and Foxmail forms).
func forwardedSender(text string) *core.MailAddress {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if !forwardMarker.MatchString(strings.TrimSpace(l)) {
			continue
		}
		for _, f := range lines[i+1 : min(len(lines), i+5)] {
			m := forwardFrom.FindStringSubmatch(strings.TrimSpace(f))
			if m == nil {
				continue
			}
			v := strings.ReplaceAll(m[2], "[mailto:", "<")
			v = strings.ReplaceAll(v, "]", ">")
			if a, err := mail.ParseAddress(v); err == nil {
				return &core.MailAddress{Name: a.Name, Address: strings.ToLower(a.Address)}
			}
			if a := addrSpec.FindString(v); a != "" {
				name := strings.Trim(strings.TrimSpace(v[:strings.Index(v, a)]), `"<' `)
				return &core.MailAddress{Name: name, Address: strings.ToLower(a)}
			}
		}
	}
	return nil
}

// IsParseError reports whether err means the message itself is unreadable.
func IsParseError(err error) bool {
	var pe *ParseError
	return errors.As(err, &pe)
}
