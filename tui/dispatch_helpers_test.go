package tui

import (
	"testing"

	"switchboard/core"
)

// dispatchFixture is the shared fixture with dispatch rules that ran once: one
// work order was assigned by a rule, five wait in the manual queue, each with the
// engine's reason in its history.
type dispatchFixture struct {
	*fixture
	li, sam core.Engineer
	rules   []core.Rule
}

// newDispatchFixture adds three rules — the first takes call-center repairs, the
// second installations in the East or North (a pool, round robin), the third a
// catch-all switched off — and runs dispatch. WO-000012 goes to 李师傅 by rule 1;
// WO-000003, -006, -008, -009 and -011 stay in the manual queue.
func newDispatchFixture(t testing.TB) *dispatchFixture {
	t.Helper()
	f := &dispatchFixture{fixture: newFixture(t)}
	d, err := f.svc.Directory()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range d.Engineers {
		switch e.Name {
		case "李师傅":
			f.li = e
		case "Sam Porter":
			f.sam = e
		}
	}
	for _, in := range []core.NewRule{
		{Name: "Call-center repairs", When: `channel == "call-center" && record_type == "Repair"`, Engineers: []core.ID{f.li.ID}},
		{Name: "East installations", When: `record_type == "Installation" && region in ["East", "North"]`, Engineers: []core.ID{f.li.ID, f.sam.ID}, Policy: core.PolicyRoundRobin},
		{Name: "Catch-all (off)", When: `true`, Engineers: []core.ID{f.sam.ID}, Disabled: true},
	} {
		in.Kind = core.RuleDispatch
		r, err := f.svc.AddRule(f.admin, in)
		if err != nil {
			t.Fatal(err)
		}
		f.rules = append(f.rules, r)
	}
	res, err := f.svc.RunDispatch(f.admin)
	if err != nil {
		t.Fatal(err)
	}
	if res.Assigned != 1 || res.Manual != 5 {
		t.Fatalf("fixture dispatch: %+v, want 1 assigned and 5 manual", res)
	}
	return f
}

// ruleNames lists the rules' names in the store's priority order.
func ruleNames(t testing.TB, svc *core.Service) []string {
	t.Helper()
	rs, err := svc.Rules(core.RuleDispatch)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return out
}
