package mailin

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/traditionalchinese"
)

// TestHTMLToText: what a person would read in a mail client.
func TestHTMLToText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<p>Hello <b>world</b></p><p>second</p>`, "Hello world\n\nsecond"},
		{`<style>p{color:red}</style><script>alert(1)</script><p>only this</p>`, "only this"},
		{`a<br>b<br/>c`, "a\nb\nc"},
		{`<ul><li>one</li><li>two</li></ul>`, "- one\n- two"},
		{`<a href="https://x.example/a">link</a> and <a href="https://x.example/b">https://x.example/b</a>`, "link (https://x.example/a) and https://x.example/b"},
		{`<a href="mailto:a@b.com">a@b.com</a> <a href="#top">top</a>`, "a@b.com top"},
		{`<pre>  keep
   this</pre>`, "keep\n   this"},
		{`<table><tr><td>Site</td><td>42</td></tr><tr><td>Floor</td><td>3</td></tr></table>`, "Site  42\nFloor  3"},
		{`<img src="logo.png" alt="ACME"> &amp; &lt;tags&gt; &#x4e2d;&#25991;`, "[ACME] & <tags> 中文"},
		{`<html><head><title>T</title></head><body>body</body></html>`, "body"},
	} {
		if got := strings.TrimSpace(HTMLToText(tc.in)); got != tc.want {
			t.Errorf("HTMLToText(%q) =\n%q\nwant\n%q", tc.in, got, tc.want)
		}
	}
}

// TestAutoReason (R-IN-5): the headers that mark mail as sent by a machine.
func TestAutoReason(t *testing.T) {
	for _, tc := range []struct{ headers, want string }{
		{"Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied"},
		{"Auto-Submitted: no", ""},
		{"Precedence: junk", "Precedence: junk"},
		{"Precedence: first-class", ""},
		{"X-Autoreply: yes", "X-Autoreply: yes"},
		{"List-Id: <team.example.com>", "mailing list"},
		{"Return-Path: <>", "null sender"},
		{"Content-Type: multipart/report; report-type=delivery-status; boundary=b", "delivery status report"},
		{"X-Mailer: Outlook", ""},
	} {
		raw := "From: someone@example.com\r\n" + tc.headers + "\r\nSubject: x\r\n\r\n"
		if strings.Contains(tc.headers, "multipart") {
			raw += "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n"
		} else {
			raw += "body\r\n"
		}
		m, err := Parse([]byte(raw))
		if err != nil {
			t.Fatalf("%s: %v", tc.headers, err)
		}
		if (tc.want == "") != (m.Auto == "") || !strings.Contains(m.Auto, tc.want) {
			t.Errorf("%s: Auto = %q, want %q", tc.headers, m.Auto, tc.want)
		}
	}
	m, _ := Parse([]byte("From: MAILER-DAEMON@mx.example.com\r\nSubject: failure\r\n\r\nx\r\n"))
	if !strings.Contains(m.Auto, "bounce") {
		t.Errorf("MAILER-DAEMON: %q", m.Auto)
	}
}

// TestForwardedSender: the original sender of forwards from the common clients.
func TestForwardedSender(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"FYI\n\n---------- Forwarded message ---------\nFrom: Li Lei <li@c.example.com>\nDate: x", "li@c.example.com"},
		{"-----Original Message-----\nFrom: Mary Smith [mailto:mary@n.example.com]\nSent: Monday", "mary@n.example.com"},
		{"Begin forwarded message:\n\nFrom: Tom <tom@s.example.co.uk>\nSubject: x", "tom@s.example.co.uk"},
		{"------------------ 原始邮件 ------------------\n发件人: \"王芳\"<wang@c.example.com>;\n发送时间: x", "wang@c.example.com"},
		{"From: not a forward <x@y.example.com>", ""},
	} {
		got := forwardedSender(tc.text)
		if (got == nil) != (tc.want == "") || got != nil && got.Address != tc.want {
			t.Errorf("forwardedSender(%q) = %+v, want %q", tc.text, got, tc.want)
		}
	}
}

// TestRawHeaderInMultipart: an unencoded 8-bit subject in a multipart message
// is read with the charset of its first text part (here Big5).
func TestRawHeaderInMultipart(t *testing.T) {
	subj, _ := traditionalchinese.Big5.NewEncoder().String("冷氣不冷")
	body, _ := traditionalchinese.Big5.NewEncoder().String("請派人")
	raw := "From: a@b.example.com\r\nSubject: " + subj + "\r\nContent-Type: multipart/alternative; boundary=x\r\n\r\n" +
		"--x\r\nContent-Type: text/plain; charset=big5\r\n\r\n" + body + "\r\n--x--\r\n"
	m, err := Parse([]byte(raw))
	if err != nil || m.Subject != "冷氣不冷" || m.Text != "請派人" {
		t.Fatalf("subject %q text %q err %v", m.Subject, m.Text, err)
	}
}

// TestLenientParsing: mail in the wild that is read, not quarantined.
func TestLenientParsing(t *testing.T) {
	for _, tc := range []struct{ name, raw, text string }{
		{"no closing boundary", "From: a@b.example.com\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n", "hello"},
		{"unknown charset", "From: a@b.example.com\r\nContent-Type: text/plain; charset=x-klingon\r\n\r\nqapla\r\n", "qapla"},
		{"no Content-Type", "From: a@b.example.com\r\n\r\nplain old mail\r\n", "plain old mail"},
		{"bad From syntax", "From: Wang Fang wang@c.example.com\r\n\r\nx\r\n", "x"},
		{"LF line ends", "From: a@b.example.com\nSubject: s\n\nunix mail\n", "unix mail"},
	} {
		m, err := Parse([]byte(tc.raw))
		if err != nil || m.Text != tc.text {
			t.Errorf("%s: text %q err %v", tc.name, func() string {
				if m == nil {
					return ""
				}
				return m.Text
			}(), err)
		}
	}
}

// TestEncodedSenderNames (issue 20.8): a display name written as encoded
// words inside quotes, as Foxmail sends it ("=?gb2312?B?…?=" <addr>), and
// one outside quotes in GBK, both come out decoded, so mail rules on the
// sender's name match.
func TestEncodedSenderNames(t *testing.T) {
	for _, tc := range []struct{ from, want string }{
		{`"=?gb2312?B?1cXI/Q==?=" <zhang@c.example.com>`, "张三"},
		{`=?gbk?B?1cXI/Q==?= <zhang@c.example.com>`, "张三"},
		{`"=?utf-8?Q?Li_Lei?=" <li@c.example.com>`, "Li Lei"},
		{`"=?gb2312?B?1cXI/Q==?= (Service)" <zhang@c.example.com>`, "张三 (Service)"},
		{`"Plain Name" <p@c.example.com>`, "Plain Name"},
	} {
		m, err := Parse([]byte("From: " + tc.from + "\r\nSubject: s\r\n\r\nx\r\n"))
		if err != nil {
			t.Fatalf("%s: %v", tc.from, err)
		}
		if m.From.Name != tc.want {
			t.Errorf("From %s: name %q, want %q", tc.from, m.From.Name, tc.want)
		}
	}
}
