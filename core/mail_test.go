package core_test

import (
	"strings"
	"testing"

	"switchboard/core"
)

// TestSubjectNumber (R-IN-5): which subjects name a work order a reply belongs to.
func TestSubjectNumber(t *testing.T) {
	for _, tc := range []struct{ subject, want string }{
		{"[WO-000123] Received: 冷库温度过高", "WO-000123"},
		{"Re: [WO-000123] Received", "WO-000123"},
		{"回复：[wo-42] 已完成", "WO-000042"},
		{"RE: WO-000077 follow-up", "WO-000077"},
		{"AW: Frage zu WO-000078", "WO-000078"},
		{"New problem, similar to WO-000077", ""}, // not a reply: a new work order
		{"Re: order 123", ""},
		{"[WO-0]", ""},
		{"", ""},
	} {
		if got := core.SubjectNumber(tc.subject); got != tc.want {
			t.Errorf("SubjectNumber(%q) = %q, want %q", tc.subject, got, tc.want)
		}
	}
}

// TestCleanSubject: mail subjects never refuse; they become one clean line.
func TestCleanSubject(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Fwd: FW: 转发: Pump broken", "Pump broken"},
		{"  two\tlines\r\n here ", "two lines here"},
		{"", "(no subject)"},
		{"\x00\x1b[31m", "[31m"},
		{strings.Repeat("长", 250), strings.Repeat("长", 199) + "…"},
	} {
		if got := core.CleanSubject(tc.in); got != tc.want {
			t.Errorf("CleanSubject(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestReplyText: the new part of a reply, without the quote.
func TestReplyText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Thanks!\n\nOn Mon, 2 Nov 2026 at 09:12, Service <s@x.com> wrote:\n> old", "Thanks!"},
		{"好的\n\n在 2026年11月2日 09:12，王芳 写道：\n> 您好", "好的"},
		{"OK\n-----Original Message-----\nFrom: x", "OK"},
		{"Fine\n\n> quoted\n> more\n", "Fine"},
		{"> inline quote\nmy answer\n> more quote\nanother answer", "> inline quote\nmy answer\n> more quote\nanother answer"},
		{"> only a quote", "> only a quote"},
		{"发件人: 客服\n原文", "发件人: 客服\n原文"}, // nothing above the quote: keep all
	} {
		if got := core.ReplyText(tc.in); got != tc.want {
			t.Errorf("ReplyText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCleanMailText: valid UTF-8, LF only, no control characters, at most one blank line.
func TestCleanMailText(t *testing.T) {
	got := core.CleanMailText("a\r\nb\rc\x00\x07\n\n\n\nd \t\n\xff")
	if got != "a\nb\nc\n\nd\n\uFFFD" {
		t.Errorf("CleanMailText = %q", got)
	}
}

// TestMailConditions: mail rules compile against the message's fields only and
// explain a miss part by part.
func TestMailConditions(t *testing.T) {
	if _, err := core.CompileMailCondition(`record_type == "Repair"`); err == nil || !strings.Contains(err.Error(), "unknown name record_type. record_type is a field of other rules, not of these.") || !strings.Contains(err.Error(), "from_domain") {
		t.Errorf("a work-order field: %v", err)
	}
	c, err := core.CompileMailCondition(`"support@example.com" in to && subject contains "泵" && attachments > 0`)
	if err != nil {
		t.Fatal(err)
	}
	env := core.MailEnv{To: []string{"support@example.com"}, Subject: "水泵漏水", Attachments: 0}
	if ok, err := c.MatchMail(&env); ok || err != nil {
		t.Fatalf("matched without attachments: %v", err)
	}
	if why := c.ExplainMail(&env); !strings.Contains(why, "attachments > 0 is false (attachments is 0)") {
		t.Errorf("explanation %q", why)
	}
	env.Attachments = 2
	if ok, _ := c.MatchMail(&env); !ok {
		t.Error("did not match")
	}
}
