package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"switchboard/core"
	"switchboard/store/testdb"
	"switchboard/tui/common"
)

// ratingsFixture is the golden fixture with evaluations of the last weeks:
// 李师傅 5, 4, 9/10, 3; Sam Porter 2, 4, 6/10 — stored directly with fixed
// times so the report is the same on every run.
func ratingsFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	d, err := f.svc.Directory()
	if err != nil {
		t.Fatal(err)
	}
	eng := map[string]core.Engineer{}
	for _, e := range d.Engineers {
		eng[e.Name] = e
	}
	li, sam := eng["李师傅"], eng["Sam Porter"]
	day := 24 * time.Hour
	evs := []struct {
		e            core.Engineer
		score, scale int
		ago          time.Duration
		typ          string
	}{
		{li, 5, 5, 50 * day, "Repair"}, {li, 4, 5, 30 * day, "Inspection"}, {li, 9, 10, 12 * day, "Repair"}, {li, 3, 5, 2 * day, "Repair"},
		{sam, 2, 5, 40 * day, "Maintenance"}, {sam, 4, 5, 20 * day, "Repair"}, {sam, 6, 10, 1 * day, "Repair"},
	}
	err = f.st.Update(func(tx core.Tx) error {
		for i, x := range evs {
			e := core.Evaluation{WorkOrderID: core.ID(i + 1), Number: core.FormatNumber(uint64(i + 1)), Type: "Standard", RecordType: x.typ,
				Score: x.score, Scale: x.scale, EngineerID: x.e.ID, EngineerName: x.e.Name, ProviderID: x.e.ProviderID, SubmittedAt: testdb.Epoch.Add(-x.ago)}
			if err := tx.PutEvaluation(&e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestGoldenRatingsReport: 8 opens the CSAT report (last 90 days, by engineer).
func TestGoldenRatingsReport(t *testing.T) {
	f := ratingsFixture(t)
	tm := startProgram(t, f)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("0")})
	waitOutput(t, tm, "Trend per week")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

// TestGoldenRatingsTypes: t shows the record types and the selected layout.
func TestGoldenRatingsTypes(t *testing.T) {
	f := ratingsFixture(t)
	tm := startProgram(t, f)
	waitOutput(t, tm, "WO-000001")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("0")})
	waitOutput(t, tm, "Trend per week")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("t")})
	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	tm.Send(tea.KeyMsg{Type: tea.KeyRight})
	waitOutput(t, tm, "FIELDS OF DETAILED")
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

// TestRatingsReport (issue 6 item 6): the numbers on screen are the report's;
// b groups by provider, p changes the period; a new evaluation shows up live.
func TestRatingsReport(t *testing.T) {
	f := ratingsFixture(t)
	h := newHarness(t, f, f.admin, 140, 40)
	h.waitView("WO-000012")
	h.key("0")
	// 李师傅: 5, 4, 4.5, 3 → 4.13 (16.5/4 = 4.125, rounded half up), satisfied 3 of 4; Sam: 2, 4, 3 → 3.00, 1 of 3.
	v := h.waitView("Customer satisfaction", "by engineer · last 90 days", "7 rated · average 3.64 of 5 · 57.1% satisfied")
	li, sam := line(v, "李师傅"), line(v, "Sam Porter")
	if !strings.Contains(li, "4.13") || !strings.Contains(li, "75.0%") || !strings.Contains(sam, "3.00") || !strings.Contains(sam, "33.3%") {
		t.Fatalf("group rows:\n%s", v)
	}
	if strings.Index(v, "李师傅") > strings.Index(v, "Sam Porter") {
		t.Errorf("best first: 李师傅 before Sam Porter:\n%s", v)
	}
	h.key("b")
	h.waitView("by provider", "华东服务有限公司")
	h.key("b")
	h.waitView("by record type", "Maintenance")
	h.key("p")
	h.waitView("last 12 months", "Trend per month")
	h.key("P")
	h.key("P")
	h.waitView("last 30 days", "4 rated")

	// A customer rates on the fixture's work order at the evaluation node.
	qr, err := f.svc.EvaluationQR(f.admin, evalNumber)
	if err != nil {
		t.Fatal(err)
	}
	tok := qr.URL[strings.LastIndex(qr.URL, "/")+1:]
	if _, err := f.svc.SubmitEvaluation(tok, core.EvaluationInput{Nonce: core.NewToken(), Answers: map[string][]string{"overall": {"5"}}}); err != nil {
		t.Fatal(err)
	}
	h.waitView("5 rated")
}

// TestRatingsTypesEdit (R-EVAL-1, R-ROLE-4): admins toggle required and who may
// create, add a field through the form (a bad key is refused beside the field,
// nothing saved), and delete it after confirming; others see it read only.
func TestRatingsTypesEdit(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 140, 40)
	h.waitView("WO-000012")
	h.key("0")
	h.waitView("No rated evaluations")
	h.key("t")
	h.waitView("Evaluation record types", "FIELDS OF STANDARD")
	h.key("g")
	h.waitView("Guests may no longer create Standard evaluations")
	types, _ := f.svc.EvaluationTypes()
	if types[0].Guests {
		t.Fatal("g did not save")
	}
	h.key("right")
	h.key(" ")
	h.waitView("Standard: overall is now optional.")
	if types, _ = f.svc.EvaluationTypes(); types[0].Fields[0].Required {
		t.Fatal("space did not save")
	}

	h.key("n")
	h.waitView("New field of Standard")
	h.typeText("Bad Key")
	h.key("tab")
	h.typeText("Was the engineer on time?")
	h.key("tab")
	h.typeText("工程师准时吗？")
	h.key("tab")
	for range 4 { // stars → single → multiple → text → yes-no
		h.key("right")
	}
	h.key("ctrl+s")
	h.waitView("must be a lower-case word")
	if types, _ = f.svc.EvaluationTypes(); len(types[0].Fields) != 2 {
		t.Fatal("a refused field was saved")
	}
	for range 3 {
		h.key("shift+tab")
	}
	h.key("ctrl+u")
	h.typeText("on_time")
	h.key("ctrl+s")
	h.waitView("Standard: field on_time added.")
	types, _ = f.svc.EvaluationTypes()
	if fs := types[0].Fields; len(fs) != 3 || fs[2].Key != "on_time" || fs[2].Kind != core.EvalYesNo || fs[2].LabelZH != "工程师准时吗？" {
		t.Fatalf("fields %+v", fs)
	}
	h.key("G")
	h.key("down")
	h.key("down")
	h.key("K")
	h.waitView("on_time moved to position 2")
	h.key("X")
	h.waitView("Delete the field on_time from Standard?")
	h.key("y")
	h.waitView("field on_time deleted")
	if types, _ = f.svc.EvaluationTypes(); len(types[0].Fields) != 2 {
		t.Fatalf("after delete: %+v", types[0].Fields)
	}

	dora := f.user(t, "dora", core.RoleDispatcher)
	h2 := newHarness(t, f, dora, 140, 40)
	h2.waitView("WO-000012")
	h2.goTo(common.RatingsScreen)
	h2.key("t")
	v := h2.waitView("Read only: dora may not change evaluation record types")
	if strings.Contains(v, "g guests may create") {
		t.Errorf("a dispatcher is offered the edit keys:\n%s", v)
	}
	h2.key("g")
	if types2, _ := f.svc.EvaluationTypes(); types2[0].Guests != types[0].Guests {
		t.Fatal("a dispatcher changed a record type")
	}
}

// TestRatingsEvaluationRules (R-EVAL-3): u lists the evaluation rules in
// priority order; n adds one through the form (its condition compiled as it is
// typed); K moves a rule up, space switches it off, X then y deletes it.
func TestRatingsEvaluationRules(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 140, 40)
	h.waitView("WO-000012")
	h.key("0")
	h.key("t")
	h.waitView("FIELDS OF STANDARD") // the record types the form offers are in
	h.key("u")
	h.waitView("No evaluation rules yet")
	h.key("n")
	h.waitView("New evaluation rule")
	h.typeText("Urgent")
	h.key("tab")
	h.typeText(`priority == urgent`)
	h.waitView("unknown name urgent")
	for range 6 {
		h.key("backspace")
	}
	h.typeText(`"urgent"`)
	h.key("tab")
	h.key("right") // Detailed
	h.key("tab")
	h.key("right")
	h.key("right")
	h.key(" ") // sms on (QR is on already)
	h.key("tab")
	h.key("right") // message priority: in order
	h.key("tab")
	h.key("right") // mandatory
	h.key("ctrl+s")
	h.waitView(`Evaluation rule "Urgent" added at the lowest priority.`)
	rs, _ := f.svc.Rules(core.RuleEvaluation)
	if len(rs) != 1 || rs[0].When != `priority == "urgent"` || rs[0].EvalType != "Detailed" || invitesText(rs[0]) != "qr, sms" || !rs[0].MessagePriority || !rs[0].Mandatory {
		t.Fatalf("saved rule %+v", rs)
	}
	if _, err := f.svc.AddRule(f.admin, core.NewRule{Kind: core.RuleEvaluation, Name: "Everyone", When: "true", EvalInvites: []core.EvalInvite{core.EvalInviteQR}}); err != nil {
		t.Fatal(err)
	}
	h.waitView("Everyone")
	h.key("down")
	h.key("K")
	h.waitView(`"Everyone" is now tried first.`)
	if rs, _ = f.svc.Rules(core.RuleEvaluation); rs[0].Name != "Everyone" {
		t.Fatalf("order %v", rs)
	}
	h.key(" ")
	h.waitView(`"Everyone" is off.`)
	h.key("X")
	h.waitView(`Delete the evaluation rule "Everyone"?`)
	h.key("y")
	h.waitView(`Evaluation rule "Everyone" deleted.`)
	if rs, _ = f.svc.Rules(core.RuleEvaluation); len(rs) != 1 || rs[0].Name != "Urgent" {
		t.Fatalf("after delete %+v", rs)
	}
}

func invitesText(r core.Rule) string {
	var vs []string
	for _, v := range r.EvalInvites {
		vs = append(vs, string(v))
	}
	return strings.Join(vs, ", ")
}
