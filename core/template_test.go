package core

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRenderTemplate(t *testing.T) {
	vals := map[string]string{"WorkOrderNumber": "WO-000007", "Subject": `<b>Fire</b> & "smoke"`, "URL": "https://x.example/e?a=1&b=2"}
	tests := []struct {
		src, text, html string
	}{
		{"Your [Work Order #WorkOrderNumber# - #Subject#] is completed. Please evaluate: #URL#",
			`Your [Work Order WO-000007 - <b>Fire</b> & "smoke"] is completed. Please evaluate: https://x.example/e?a=1&b=2`,
			`Your [Work Order WO-000007 - &lt;b&gt;Fire&lt;/b&gt; &amp; &#34;smoke&#34;] is completed. Please evaluate: https://x.example/e?a=1&amp;b=2`},
		{`<a href="#URL#">Evaluate Now</a>`, `<a href="https://x.example/e?a=1&b=2">Evaluate Now</a>`, `<a href="https://x.example/e?a=1&amp;b=2">Evaluate Now</a>`},
		{"Issue #12 ## #Engineer#!", "Issue #12 # !", "Issue #12 # !"},
		{"#", "#", "#"},
		{"##Subject#", "#Subject#", "#Subject#"},
		{"尊敬的客户：工单#WorkOrderNumber#已完成", "尊敬的客户：工单WO-000007已完成", "尊敬的客户：工单WO-000007已完成"},
	}
	for _, tt := range tests {
		if got := RenderText(tt.src, vals); got != tt.text {
			t.Errorf("RenderText(%q) = %q, want %q", tt.src, got, tt.text)
		}
		if got := RenderHTML(tt.src, vals); got != tt.html {
			t.Errorf("RenderHTML(%q) = %q, want %q", tt.src, got, tt.html)
		}
	}
}

func TestUnknownVariableRefused(t *testing.T) {
	if err := CheckTemplateText("body", "The body", "Hi #Customer#, see #Link# and #Foo_1#"); err == nil ||
		!strings.Contains(err.Message, "#Link#, #Foo_1#") || !strings.Contains(err.Message, "#URL#") {
		t.Fatalf("err = %v", err)
	}
	for _, ok := range []string{"", "plain", "#WorkOrderNumber# #URL#", "C# and F#", "# 1 #", "100#"} {
		if err := CheckTemplateText("body", "The body", ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
}

func TestHTMLToText(t *testing.T) {
	got := HTMLToText(`<p>Dear 张伟,</p><p>Your work order <b>WO-1</b> &amp; more.</p><p><a href="https://x.example/?a=1&amp;b=2">Evaluate Now</a></p>`)
	want := "Dear 张伟,\nYour work order WO-1 & more.\nEvaluate Now (https://x.example/?a=1&b=2)"
	if got != want {
		t.Errorf("HTMLToText = %q, want %q", got, want)
	}
}

// FuzzRenderTemplate: any template with any work-order values renders without
// panicking; in HTML mode the values can add no markup ('<' in the output comes
// only from the template's literal text); a template that passes the check uses
// only known variables.
func FuzzRenderTemplate(f *testing.F) {
	f.Add("Your [Work Order #WorkOrderNumber# - #Subject#] is completed. Please evaluate: #URL#", "<script>", "x&y")
	f.Add(`<a href="#URL#">Evaluate Now</a>`, `"><img src=x onerror=alert(1)>`, "javascript:alert(1)")
	f.Add("##Subject## #Subject", "#Subject#", "")
	f.Add("#Foo# #Subject#", "空调", "测试")
	f.Fuzz(func(t *testing.T, src, subject, url string) {
		vals := map[string]string{"Subject": subject, "URL": url, "Customer": subject + url}
		text := RenderText(src, vals)
		html := RenderHTML(src, vals)
		parts, unknown := parseTemplate(src)
		lits := 0
		for _, p := range parts {
			lits += strings.Count(p.lit, "<")
		}
		if got := strings.Count(html, "<"); got != lits {
			t.Fatalf("HTML render of %q has %d '<', the template's literal text %d: values added markup", src, got, lits)
		}
		if utf8.ValidString(src) && utf8.ValidString(subject) && utf8.ValidString(url) && !utf8.ValidString(text) {
			t.Fatalf("valid input rendered invalid UTF-8")
		}
		err := CheckTemplateText("body", "The body", src)
		if (err == nil) != (len(unknown) == 0) {
			t.Fatalf("check %v disagrees with parse (unknown %v)", err, unknown)
		}
		for _, p := range parts {
			if p.variable != "" && err == nil && !knownVariable(p.variable) {
				t.Fatalf("unknown variable %q passed the check", p.variable)
			}
		}
	})
}
