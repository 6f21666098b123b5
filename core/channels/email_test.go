package channels_test

import (
	"bytes"
	"io"
	"mime"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"switchboard/core"
	"switchboard/core/channels"
	"switchboard/core/channels/chantest"
)

// TestEmailDeliveredOverSTARTTLS: a work order's "submitted" email goes to a real
// SMTP server on loopback with STARTTLS and PLAIN auth; parsed back, it has the
// subject, the recipient, a UTF-8 HTML part with the link and escaped work-order
// data, and a UTF-8 text part, Chinese intact.
func TestEmailDeliveredOverSTARTTLS(t *testing.T) {
	e := newEnv(t)
	srv := chantest.NewSMTPServer(t, "")
	e.enableEmail(srv)
	e.must(e.svc.SetPublicURL(e.admin, "https://sb.example"))
	e.customer("张伟", "13800138000", "zhang.wei@example.cn", "", "")
	w := e.workOrder(`空调不制冷 <script>alert(1)</script> & "quotes"`, "13800138000", "")

	m := e.only(w, core.NoticeEmail)
	if m.State != core.MsgQueued || m.Recipient.Address != "zhang.wei@example.cn" || m.Recipient.Kind != core.RecipientOwner {
		t.Fatalf("queued message = %+v", m)
	}
	e.run(e.worker(channels.Options{TLSConfig: srv.ClientTLS}))
	mails := srv.WaitFor(t, 1, 5*time.Second)
	got := mails[0]
	if !got.TLS || got.User != "mailer" || got.From != "service@huali.example" || len(got.To) != 1 || got.To[0] != "zhang.wei@example.cn" {
		t.Fatalf("envelope = TLS %v user %q from %q to %v", got.TLS, got.User, got.From, got.To)
	}

	r, err := mail.CreateReader(bytes.NewReader(got.Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := r.Header.Subject()
	if err != nil {
		t.Fatal(err)
	}
	if want := "[WO-000001] Work order received: 空调不制冷 <script>alert(1)</script> & \"quotes\""; subject != want {
		t.Errorf("subject = %q, want %q", subject, want)
	}
	if raw := r.Header.Get("Subject"); !strings.Contains(strings.ToLower(raw), "=?utf-8?") {
		t.Errorf("the raw subject is not RFC 2047 UTF-8 encoded: %q", raw)
	}
	to, _ := r.Header.AddressList("To")
	from, _ := r.Header.AddressList("From")
	if len(to) != 1 || to[0].Address != "zhang.wei@example.cn" || to[0].Name != "张伟" || len(from) != 1 || from[0].Name != "华联客服" {
		t.Errorf("To = %v, From = %v", to, from)
	}
	msgID, _ := r.Header.MessageID()
	parts := map[string]string{}
	charsets := map[string]string{}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		h, ok := p.Header.(*mail.InlineHeader)
		if !ok {
			t.Fatalf("unexpected attachment")
		}
		ct, params, _ := mime.ParseMediaType(h.Get("Content-Type"))
		b, _ := io.ReadAll(p.Body)
		parts[ct], charsets[ct] = string(b), params["charset"]
	}
	html, text := parts["text/html"], parts["text/plain"]
	if charsets["text/html"] != "utf-8" || charsets["text/plain"] != "utf-8" {
		t.Errorf("charsets = %v", charsets)
	}
	// #URL# of the submitted notice is the work order's status link (a token on /s/).
	link := regexp.MustCompile(`https://sb\.example/s/[A-Z2-7]{26}`).FindString(html)
	if link == "" || !strings.Contains(html, `<a href="`+link+`">Follow your work order</a>`) {
		t.Errorf("the HTML part has no status link:\n%s", html)
	}
	if !strings.Contains(html, "空调不制冷 &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;") || strings.Contains(html, "<script>") {
		t.Errorf("work-order data is not escaped in the HTML part:\n%s", html)
	}
	if !strings.Contains(text, "空调不制冷 <script>") || !strings.Contains(text, "("+link+")") || strings.Contains(text, "<p>") {
		t.Errorf("text part:\n%s", text)
	}

	m = e.only(w, core.NoticeEmail)
	if m.State != core.MsgSent || m.Attempts != 1 || m.ProviderID != "<"+msgID+">" {
		t.Errorf("after delivery: state %s attempts %d provider id %q (Message-ID %q)", m.State, m.Attempts, m.ProviderID, msgID)
	}
	wo, _ := e.svc.WorkOrder(w.Number)
	if last := wo.History[len(wo.History)-1]; last.Kind != core.EventNotified || !strings.Contains(last.Detail, "email to zh***@example.cn sent") {
		t.Errorf("history does not record the delivery: %+v", last)
	}
}

// TestEmailRecipientRefused: a 550 for the recipient is a final failure with the
// server's reason; no retries.
func TestEmailRecipientRefused(t *testing.T) {
	e := newEnv(t)
	srv := chantest.NewSMTPServer(t, "")
	e.enableEmail(srv)
	w := e.workOrder("Leak", "", "nobody@invalid.example")
	e.run(e.worker(channels.Options{TLSConfig: srv.ClientTLS}))
	m := e.only(w, core.NoticeEmail)
	if m.State != core.MsgFailed || !strings.Contains(m.Reason, "mailbox unavailable") || m.Attempts != 1 {
		t.Fatalf("message = %s after %d attempts: %s", m.State, m.Attempts, m.Reason)
	}
}

// TestEmailWrongPasswordRetries: bad credentials are retried (an admin can fix
// them) and the message goes out once they are right.
func TestEmailWrongPasswordRetries(t *testing.T) {
	e := newEnv(t)
	srv := chantest.NewSMTPServer(t, "")
	e.enableEmail(srv)
	e.enable(core.NoticeEmail, map[string]string{"password": "wrong"})
	w := e.workOrder("Leak", "", "maria@acme.example")
	wk := e.worker(channels.Options{TLSConfig: srv.ClientTLS})
	e.run(wk)
	if m := e.only(w, core.NoticeEmail); m.State != core.MsgQueued || !strings.Contains(m.Reason, "535") {
		t.Fatalf("after a wrong password: %s: %s", m.State, m.Reason)
	}
	e.enable(core.NoticeEmail, map[string]string{"password": srv.Password})
	e.clk.Advance(time.Minute)
	e.run(wk)
	if m := e.only(w, core.NoticeEmail); m.State != core.MsgSent {
		t.Fatalf("after fixing the password: %s: %s", m.State, m.Reason)
	}
}
