package store

import (
	"encoding/json"
	"testing"

	"switchboard/core"
	"switchboard/store/internal/recordtext"
)

// FuzzMayMention: the queue filter's prefilter on a task's stored JSON never
// skips a task that FollowUpTask.Matches would keep, whatever the fields and
// the filter hold (escapes, case, CJK, invalid UTF-8).
func FuzzMayMention(f *testing.F) {
	f.Add("Maria Schmidt · A&B <Facilities>", "WO-000001", "13800138000", `Door "stuck"`, "a&b")
	f.Add("王芳 · 上海浦东仓储", "WO-000002", "+44 20 7946 0000", "冷柜不制冷", "浦东")
	f.Add("KELVIN \u212a", "x", "", "", "k")
	f.Add("İstanbul", "", "", "", "i̇")
	f.Add("bad \xff byte", "", "", "", "\ufffd")
	f.Add("line\u2028sep", "", "", "", "\u2028")
	f.Fuzz(func(t *testing.T, customer, number, phone, subject, filter string) {
		task := core.FollowUpTask{Customer: customer, Number: number, Phone: phone, Subject: subject, Agent: "amy", RecordType: "Repair"}
		raw, err := json.Marshal(&task)
		if err != nil {
			t.Skip()
		}
		// What the store holds is what JSON gives back.
		var back core.FollowUpTask
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatal(err)
		}
		if back.Matches(filter) && !recordtext.MayMention(raw, filter) {
			t.Fatalf("the prefilter skips a task that matches %q: %s", filter, raw)
		}
	})
}
