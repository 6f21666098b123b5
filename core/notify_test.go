package core

import (
	"strings"
	"testing"
)

// TestDeliveryText: what a person is told after a notice was queued never
// claims more than the outbox holds (issue 17: "sent to the customer" with
// every channel off).
func TestDeliveryText(t *testing.T) {
	for _, tc := range []struct {
		name string
		msgs []Message
		want []string
		not  []string
	}{
		{"none", nil, []string{"nothing was sent", `"Service report"`}, []string{"queued"}},
		{"one queued", []Message{{Channel: NoticeEmail, State: MsgQueued}}, []string{"queued to the customer by Email"}, []string{"nothing"}},
		{"fallback", []Message{{Channel: NoticeWeChat, State: MsgQueued}, {Channel: NoticeSMS, State: MsgHeld}}, []string{"by WeChat", "then SMS if that fails"}, nil},
		{"not sendable", []Message{{Channel: NoticeSMS, State: MsgNotSent, Reason: "no mobile number"}}, []string{"nothing was sent: SMS (no mobile number)"}, []string{"queued"}},
		{"mixed", []Message{{Channel: NoticeEmail, State: MsgQueued}, {Channel: NoticeSMS, State: MsgNotSent, Reason: "no credits"}}, []string{"by Email", "not sent by SMS (no credits)"}, nil},
	} {
		got := DeliveryText(NoticeServiceReport, tc.msgs)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tc.name, got, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(got, w) {
				t.Errorf("%s: %q should not say %q", tc.name, got, w)
			}
		}
	}
}
