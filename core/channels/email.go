package channels

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"switchboard/core"
)

// Email sends HTML + plain-text mail over SMTP with STARTTLS (or implicit TLS)
// and PLAIN authentication.
type Email struct {
	Host, Port         string
	TLS                string // starttls, tls or none
	Username, Password string
	From, FromName     string
	// TLSConfig overrides the TLS client configuration (tests trust their own CA).
	TLSConfig *tls.Config
	// Now stamps the Date header (default time.Now).
	Now func() time.Time
}

// NewEmail builds the sender from resolved channel settings.
func NewEmail(vals map[string]string, tlsConfig *tls.Config) *Email {
	return &Email{Host: vals["host"], Port: vals["port"], TLS: vals["tls"], Username: vals["username"],
		Password: vals["password"], From: vals["from"], FromName: vals["from_name"], TLSConfig: tlsConfig}
}

// MessageID is the Message-ID an outbox message is sent with: derived from its
// idempotency key, so a resend after a crash carries the same id and mail
// systems can drop the duplicate.
func MessageID(m *core.Message, from string) string {
	sum := sha256.Sum256([]byte(m.Key))
	domain := "switchboard.local"
	if a, err := mail.ParseAddress(from); err == nil {
		if i := bytes.LastIndexByte([]byte(a.Address), '@'); i >= 0 {
			domain = a.Address[i+1:]
		}
	}
	return hex.EncodeToString(sum[:12]) + "@" + domain
}

// Compose renders m as a MIME message: multipart/alternative with a UTF-8
// text/plain part and a UTF-8 text/html part, both quoted-printable.
func (e *Email) Compose(m *core.Message) ([]byte, error) {
	now := time.Now
	if e.Now != nil {
		now = e.Now
	}
	var h mail.Header
	h.SetDate(now())
	h.SetAddressList("From", []*mail.Address{{Name: e.FromName, Address: e.From}})
	h.SetAddressList("To", []*mail.Address{{Name: m.Recipient.Name, Address: m.Recipient.Address}})
	h.SetSubject(m.Content.Subject)
	h.SetMessageID(MessageID(m, e.From))
	h.Set("X-Switchboard-Key", m.Key)
	var buf bytes.Buffer
	w, err := mail.CreateInlineWriter(&buf, h)
	if err != nil {
		return nil, err
	}
	part := func(ct, body string) error {
		var ih mail.InlineHeader
		ih.SetContentType(ct, map[string]string{"charset": "utf-8"})
		ih.Set("Content-Transfer-Encoding", "quoted-printable")
		pw, err := w.CreatePart(ih)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(pw, body); err != nil {
			return err
		}
		return pw.Close()
	}
	text := m.Content.Text
	if text == "" {
		text = core.HTMLToText(m.Content.HTML)
	}
	if err := part("text/plain", text); err != nil {
		return nil, err
	}
	if m.Content.HTML != "" {
		if err := part("text/html", m.Content.HTML); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Send delivers m and returns its Message-ID.
func (e *Email) Send(ctx context.Context, m *core.Message) (string, error) {
	if e.Host == "" || e.From == "" {
		return "", temporary("config", "email is not configured: set host and from with `switchboard notify channel set email`")
	}
	body, err := e.Compose(m)
	if err != nil {
		return "", permanent("mime", "cannot compose the email: %v", err)
	}
	port := e.Port
	if port == "" {
		port = "587"
	}
	addr := net.JoinHostPort(e.Host, port)
	c, err := e.dial(ctx, addr)
	if err != nil {
		return "", smtpError("connect", err)
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.CommandTimeout = time.Until(dl)
		c.SubmissionTimeout = time.Until(dl)
	} else {
		c.CommandTimeout, c.SubmissionTimeout = time.Minute, 2*time.Minute
	}
	if e.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", e.Username, e.Password)); err != nil {
			return "", smtpError("auth", err)
		}
	}
	if err := c.SendMail(e.From, []string{m.Recipient.Address}, bytes.NewReader(body)); err != nil {
		return "", smtpError("send", err)
	}
	_ = c.Quit()
	return "<" + MessageID(m, e.From) + ">", nil
}

func (e *Email) dial(ctx context.Context, addr string) (*smtp.Client, error) {
	d := net.Dialer{Timeout: 30 * time.Second}
	cfg := &tls.Config{}
	if e.TLSConfig != nil {
		cfg = e.TLSConfig.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = e.Host
	}
	switch e.TLS {
	case "tls":
		conn, err := (&tls.Dialer{NetDialer: &d, Config: cfg}).DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, err
		}
		return smtp.NewClient(conn), nil
	case "none":
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, err
		}
		return smtp.NewClient(conn), nil
	}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	return smtp.NewClientStartTLS(conn, cfg)
}

// smtpError classifies an SMTP failure: 5xx replies about the message or
// recipient are permanent; authentication and configuration problems, 4xx
// replies and network errors are retried (an admin can fix the settings).
func smtpError(stage string, err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		code := fmt.Sprint(se.Code)
		if se.Code >= 500 && stage == "send" && se.Code != 530 && se.Code != 534 && se.Code != 535 {
			return permanent(code, "the mail server refused the message: %s", se.Message)
		}
		return temporary(code, "the mail server said (%s): %s", stage, se.Message)
	}
	return temporary(stage, "email %s failed: %v", stage, err)
}
