package mailin_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"switchboard/core"
	"switchboard/core/mailin"
	"switchboard/store/testdb"
)

// TestMailRuleChangedElsewhereIsSeen (issue 19): mail rules are decoded once
// per dispatch generation and kept; a rule changed through another service on
// the same database (another process) is used by the very next message, and
// a rule added there too.
func TestMailRuleChangedElsewhereIsSeen(t *testing.T) {
	st, svc, clk := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	other := core.NewService(st, core.WithClock(clk.Now))
	r, err := other.AddRule(admin, core.NewRule{Kind: core.RuleMail, Name: "VIP desk", When: `from_domain == "vip.example.com"`, Mail: &core.MailAction{Priority: core.PriorityUrgent}})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("testdata", "20-vip-rule.eml"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ingest := func() core.WorkOrder {
		t.Helper()
		n++
		msg := bytes.Replace(raw, []byte("<vip-0001@"), []byte("<vip-000"+string(rune('0'+n))+"@"), 1)
		clk.Advance(60e9)
		rec, err := mailin.Ingest(svc, msg, "test")
		if err != nil || rec.Outcome != core.MailCreated {
			t.Fatalf("message %d: %+v %v", n, rec, err)
		}
		w, err := svc.WorkOrder(rec.Number)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	if w := ingest(); w.Priority != core.PriorityUrgent {
		t.Fatalf("first message: priority %s, want urgent by the rule", w.Priority)
	}
	low := core.MailAction{Priority: core.PriorityLow}
	if _, err := other.UpdateRule(admin, r.ID, core.RulePatch{Mail: &low}); err != nil {
		t.Fatal(err)
	}
	if w := ingest(); w.Priority != core.PriorityLow {
		t.Errorf("after the rule changed elsewhere: priority %s, want low", w.Priority)
	}
	if _, err := other.AddRule(admin, core.NewRule{Kind: core.RuleMail, Name: "Cold rooms", When: `subject contains "cold room"`, Mail: &core.MailAction{Region: "Cold"}}); err != nil {
		t.Fatal(err)
	}
	enabled := false
	if _, err := other.UpdateRule(admin, r.ID, core.RulePatch{Enabled: &enabled}); err != nil {
		t.Fatal(err)
	}
	if w := ingest(); w.Region != "Cold" {
		t.Errorf("after a rule was added elsewhere and the first switched off: region %q, want Cold", w.Region)
	}
}
