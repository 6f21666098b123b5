package mailin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"switchboard/core"
)

// FuzzParse (R-IN-5): whatever arrives, the parser neither panics nor hangs; it
// either refuses with a *ParseError (the message is quarantined) or gives a
// sender and text that are valid UTF-8 and already clean.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("From: a@b.example.com\r\nContent-Type: multipart/alternative; boundary=x\r\n\r\n--x\r\nContent-Type: multipart/related; boundary=y\r\n\r\n--y\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--y--\r\n--x--\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw)
		if err != nil {
			if !IsParseError(err) {
				t.Fatalf("error %T is not a ParseError: %v", err, err)
			}
			return
		}
		if m.From.Address == "" {
			t.Fatal("accepted a message without a sender")
		}
		for _, s := range []string{m.Subject, m.Text, m.From.Name, m.From.Address, m.MessageID} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8: %q", s)
			}
		}
		if core.CleanMailText(m.Text) != m.Text {
			t.Fatalf("text not clean: %q", m.Text)
		}
		for _, a := range m.Attachments {
			if strings.ContainsAny(a.Filename, "/\\\x00") {
				t.Fatalf("attachment name %q can escape a folder", a.Filename)
			}
		}
		_ = core.CleanSubject(m.Subject)
		_ = core.ReplyText(m.Text)
		_ = core.SubjectNumber(m.Subject)
	})
}

// FuzzHTMLToText: any HTML gives valid UTF-8 text without the markup of
// scripts and styles.
func FuzzHTMLToText(f *testing.F) {
	f.Add("<p>a<b>b</b></p><script>alert(1)</script><style>p{}</style><ul><li>x</li></ul><a href='http://e'>e</a>")
	f.Add("<pre>  keep\n  this</pre><table><tr><td>1</td><td>2</td></tr></table>")
	f.Add("<a href=x><a href=y>nested</a></a><img alt=\"logo\">&amp;&lt;&#x4e2d;")
	f.Fuzz(func(t *testing.T, h string) {
		out := HTMLToText(h)
		if utf8.ValidString(h) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 from valid input: %q", out)
		}
		if strings.Contains(h, "<script>SECRET") && strings.Contains(out, "SECRET") {
			t.Fatalf("script text leaked: %q", out)
		}
	})
}
