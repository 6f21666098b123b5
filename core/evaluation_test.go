package core_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/store/testdb"
)

// evalCo is a service with a customer (a terminal user with phone and email),
// an engineer, SMS and email switched on, and helpers to bring work orders to
// the evaluation node.
type evalCo struct {
	*fieldCo
	contact core.ContactResult
}

func newEvalCo(t *testing.T) *evalCo {
	t.Helper()
	_, svc, clk := testdb.Open(t)
	f := &evalCo{fieldCo: newFieldCo(t, svc, clk)}
	var err error
	if f.contact, err = svc.AddContact(f.admin, core.NewContact{Name: "王芳", Phone: "13800138000", Email: "wang@example.com", AccountName: "上海浦东仓储", TerminalUser: true}); err != nil {
		t.Fatal(err)
	}
	on := true
	for _, ch := range []core.NoticeChannel{core.NoticeSMS, core.NoticeEmail} {
		if _, err := svc.SetChannelConfig(f.admin, ch, &on, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.AddSMSCredits(f.admin, 100); err != nil {
		t.Fatal(err)
	}
	return f
}

// setEvaluation configures the Repair process: dispatch, service, evaluation
// (with es and timeout), follow-up.
func (f *evalCo) setEvaluation(t *testing.T, es *core.EvaluationSettings, timeout time.Duration) {
	t.Helper()
	nodes := []core.ProcessNode{{Node: core.NodeDispatch}, {Node: core.NodeService}, {Node: core.NodeEvaluation, Evaluation: es, Timeout: core.Duration(timeout)}, {Node: core.NodeFollowUp}}
	if _, err := f.svc.SetProcess(f.admin, core.Process{RecordType: "Repair", Nodes: nodes}); err != nil {
		t.Fatal(err)
	}
}

// atEvaluation creates a Repair work order for the customer, assigns Ann and
// completes nodes until it reaches the evaluation node (or, when the node
// skipped itself, whatever comes after).
func (f *evalCo) atEvaluation(t *testing.T, in core.NewWorkOrder) core.WorkOrder {
	t.Helper()
	if in.Subject == "" {
		in.Subject = "Freezer not cooling"
	}
	if in.ContactID == 0 && in.Phone == "" {
		in.ContactID = f.contact.Contact.ID
	}
	w := f.create(t, in)
	w, err := f.svc.AssignWorkOrder(f.dispatcher, w.Number, 0, f.ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	for w.Node == core.NodeService || w.Node == core.NodeTerminalTask {
		if w, err = f.svc.AdvanceWorkOrder(f.dispatcher, w.Number, 0, "done"); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func (f *evalCo) evalRule(t *testing.T, name, when, typ string, invites []core.EvalInvite, priority, mandatory bool) core.Rule {
	t.Helper()
	r, err := f.svc.AddRule(f.admin, core.NewRule{Kind: core.RuleEvaluation, Name: name, When: when, EvalType: typ, EvalInvites: invites, MessagePriority: priority, Mandatory: mandatory})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var evalLinkRE = regexp.MustCompile(`/e/([A-Z2-7]+)`)

func tokenOf(t *testing.T, url string) string {
	t.Helper()
	m := evalLinkRE.FindStringSubmatch(url)
	if m == nil {
		t.Fatalf("no evaluation link in %q", url)
	}
	return m[1]
}

func answers(kv ...string) core.EvaluationInput {
	in := core.EvaluationInput{Nonce: core.NewToken(), Answers: map[string][]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		in.Answers[kv[i]] = append(in.Answers[kv[i]], kv[i+1])
	}
	return in
}

func evalMessages(t *testing.T, svc *core.Service, number string, ev core.NoticeEvent) []core.Message {
	t.Helper()
	ms, err := svc.OutboxFor(number)
	if err != nil {
		t.Fatal(err)
	}
	var out []core.Message
	for _, m := range ms {
		if m.Event == ev {
			out = append(out, m)
		}
	}
	return out
}

// TestMatchEvaluationRuleOrder (R-EVAL-3): rules are tried in priority order;
// disabled ones are passed over; the first match decides; with none, each
// rule says why.
func TestMatchEvaluationRuleOrder(t *testing.T) {
	mk := func(id core.ID, when string, enabled bool) core.CompiledRule {
		c, err := core.CompileCondition(when)
		if err != nil {
			t.Fatal(err)
		}
		return core.CompiledRule{Rule: core.Rule{ID: id, Name: when, When: when, Enabled: enabled, Kind: core.RuleEvaluation}, Cond: c}
	}
	rules := []core.CompiledRule{mk(1, `priority == "urgent"`, false), mk(2, `region == "East"`, true), mk(3, `record_type == "Repair"`, true), mk(4, `true`, true)}
	cases := []struct {
		env  core.RuleEnv
		want core.ID
	}{
		{core.RuleEnv{Priority: "urgent", Region: "East", RecordType: "Repair"}, 2},
		{core.RuleEnv{Region: "West", RecordType: "Repair"}, 3},
		{core.RuleEnv{Region: "West", RecordType: "Installation"}, 4},
	}
	for _, c := range cases {
		r, _ := core.MatchEvaluationRule(rules, &c.env)
		if r == nil || r.ID != c.want {
			t.Errorf("%+v matched %+v, want rule %d", c.env, r, c.want)
		}
	}
	r, tried := core.MatchEvaluationRule(rules[:3], &core.RuleEnv{Region: "West", RecordType: "Inspection"})
	if r != nil || len(tried) != 3 || tried[0].Reason != "disabled" || !strings.Contains(tried[1].Reason, "region") {
		t.Fatalf("no match: %+v %+v", r, tried)
	}
}

// TestEvaluationRulesByPriority (R-EVAL-2, R-EVAL-3): at a rule-based evaluation
// node the first matching rule in priority order decides the record type;
// moving a rule up changes which one wins; a work order no rule matches skips
// the node.
func TestEvaluationRulesByPriority(t *testing.T) {
	f := newEvalCo(t)
	f.setEvaluation(t, &core.EvaluationSettings{Mode: core.EvalModeRules}, 0)
	broad := f.evalRule(t, "all repairs", `record_type == "Repair"`, "Standard", []core.EvalInvite{core.EvalInviteQR}, false, false)
	urgent := f.evalRule(t, "urgent repairs", `priority == "urgent"`, "Detailed", []core.EvalInvite{core.EvalInviteQR}, false, true)

	w := f.atEvaluation(t, core.NewWorkOrder{Priority: core.PriorityUrgent})
	st, err := f.svc.Evaluations(w.Number)
	if err != nil || st.Request == nil || st.Request.RuleID != broad.ID || st.Request.Type != "Standard" || st.Request.Mandatory {
		t.Fatalf("priority 1 rule should win: %+v %v", st.Request, err)
	}
	if _, err := f.svc.MoveRule(f.admin, urgent.ID, 1); err != nil {
		t.Fatal(err)
	}
	w2 := f.atEvaluation(t, core.NewWorkOrder{Priority: core.PriorityUrgent})
	st, _ = f.svc.Evaluations(w2.Number)
	if st.Request == nil || st.Request.RuleID != urgent.ID || st.Request.Type != "Detailed" || !st.Request.Mandatory {
		t.Fatalf("after the move the urgent rule should win: %+v", st.Request)
	}
	last := w2.History[len(w2.History)-1]
	if last.Kind != core.EventEvaluationRequest || !strings.Contains(last.Detail, `"urgent repairs" matched`) {
		t.Errorf("history: %+v", last)
	}
	// A normal-priority repair still meets the broad rule.
	w3 := f.atEvaluation(t, core.NewWorkOrder{Priority: core.PriorityNormal})
	if st, _ := f.svc.Evaluations(w3.Number); st.Request.RuleID != broad.ID {
		t.Errorf("normal repair matched rule %d", st.Request.RuleID)
	}
	// Nothing matches: the node is skipped, with the reason in the history.
	if err := f.svc.DeleteRule(f.admin, broad.ID); err != nil {
		t.Fatal(err)
	}
	w4 := f.atEvaluation(t, core.NewWorkOrder{Priority: core.PriorityLow})
	if w4.Node != core.NodeEnd { // the follow-up plug-in is off: that node does not run either
		t.Fatalf("unmatched work order at %s, want end", w4.Node)
	}
	found := false
	for _, e := range w4.History {
		found = found || strings.Contains(e.Detail, "evaluation node skipped: no evaluation rule matched")
	}
	if !found {
		t.Errorf("no skip reason in history: %+v", w4.History)
	}
}

// TestEvaluationMessagePriority (R-EVAL-3): with message priority on, the
// invitation is queued on the first channel and held on the next until the
// first fails; with it off, every channel is queued at once. Both carry the
// personal #URL#.
func TestEvaluationMessagePriority(t *testing.T) {
	f := newEvalCo(t)
	f.setEvaluation(t, &core.EvaluationSettings{Mode: core.EvalModeRules}, 0)
	r := f.evalRule(t, "fallback", `priority == "high"`, "Standard", []core.EvalInvite{core.EvalInviteSMS, core.EvalInviteEmail}, true, false)
	f.evalRule(t, "all at once", `true`, "Standard", []core.EvalInvite{core.EvalInviteEmail, core.EvalInviteSMS}, false, false)

	w := f.atEvaluation(t, core.NewWorkOrder{Priority: core.PriorityHigh})
	ms := evalMessages(t, f.svc, w.Number, core.NoticeEvaluationInvite)
	if len(ms) != 2 {
		t.Fatalf("fallback: %d invitation messages: %+v", len(ms), ms)
	}
	byCh := map[core.NoticeChannel]core.Message{}
	for _, m := range ms {
		byCh[m.Channel] = m
	}
	sms, mail := byCh[core.NoticeSMS], byCh[core.NoticeEmail]
	if sms.State != core.MsgQueued || mail.State != core.MsgHeld || sms.Mode != core.PolicyFallback || sms.Group != mail.Group || sms.Seq != 0 || mail.Seq != 1 {
		t.Fatalf("fallback: sms %s seq %d, email %s seq %d, mode %s", sms.State, sms.Seq, mail.State, mail.Seq, sms.Mode)
	}
	if !strings.Contains(sms.Content.Text, "/e/") || sms.Recipient.Address != "13800138000" {
		t.Errorf("SMS invitation %q to %q", sms.Content.Text, sms.Recipient.Address)
	}
	if tokenOf(t, sms.Content.Text) != tokenOf(t, mail.Content.HTML) {
		t.Errorf("the channels of one invitation carry different links")
	}
	if st, _ := f.svc.Evaluations(w.Number); st.Request.RuleID != r.ID || !st.Request.Fallback {
		t.Errorf("request %+v", st.Request)
	}

	w2 := f.atEvaluation(t, core.NewWorkOrder{Priority: core.PriorityNormal})
	ms = evalMessages(t, f.svc, w2.Number, core.NoticeEvaluationInvite)
	if len(ms) != 2 {
		t.Fatalf("all at once: %d messages", len(ms))
	}
	for _, m := range ms {
		if m.State != core.MsgQueued || m.Mode != core.PolicyAllAtOnce {
			t.Errorf("all at once: %s %s %s", m.Channel, m.State, m.Mode)
		}
	}
}

// TestMandatoryEvaluationGate (R-EVAL-3): a mandatory evaluation holds the
// work order at the node — completing it is refused with how to send a
// reminder, skipping is refused — until a customer submits; then it moves on.
func TestMandatoryEvaluationGate(t *testing.T) {
	f := newEvalCo(t)
	f.setEvaluation(t, &core.EvaluationSettings{Mode: core.EvalModeQR, Type: "Standard", Mandatory: true}, 0)
	w := f.atEvaluation(t, core.NewWorkOrder{})
	_, err := f.svc.AdvanceWorkOrder(f.dispatcher, w.Number, 0, "")
	if !core.IsValidation(err) || !strings.Contains(err.Error(), "needs a customer evaluation") || !strings.Contains(err.Error(), "switchboard evaluation remind "+w.Number) {
		t.Fatalf("advance past a mandatory evaluation: %v", err)
	}
	if _, err := f.svc.SkipEvaluation(f.admin, w.Number, 0); !core.IsValidation(err) {
		t.Fatalf("skip of a mandatory evaluation: %v", err)
	}
	if _, err := f.svc.FinishEvaluation(f.admin, w.Number, 0); !core.IsValidation(err) || !strings.Contains(err.Error(), "Nobody has evaluated") {
		t.Fatalf("finish without evaluations: %v", err)
	}
	if w2, _ := f.svc.WorkOrder(w.Number); w2.Node != core.NodeEvaluation || w2.Version != w.Version+1 && w2.Version != w.Version {
		t.Fatalf("refusals changed the work order: %s v%d", w2.Node, w2.Version)
	}
	// A reminder by SMS goes out on request.
	inv, err := f.svc.RemindEvaluation(f.dispatcher, w.Number, []core.NoticeChannel{core.NoticeSMS})
	if err != nil || len(inv.Messages) != 1 || inv.Messages[0].State != core.MsgQueued {
		t.Fatalf("reminder %+v, %v", inv, err)
	}
	qr, err := f.svc.EvaluationQR(f.admin, w.Number)
	if err != nil {
		t.Fatal(err)
	}
	if qr.CanSkip || !qr.Mandatory {
		t.Errorf("QR view of a mandatory evaluation: %+v", qr)
	}
	if _, err := f.svc.SubmitEvaluation(tokenOf(t, qr.URL), answers("overall", "4")); err != nil {
		t.Fatal(err)
	}
	moved, err := f.svc.AdvanceWorkOrder(f.dispatcher, w.Number, 0, "")
	if err != nil || moved.Node != core.NodeEnd {
		t.Fatalf("after the evaluation: %s %v", moved.Node, err)
	}
}

// TestEvaluationTimeoutSkips (R-EVAL-5): a mandatory evaluation that no
// customer answers is skipped when the node's timeout passes.
func TestEvaluationTimeoutSkips(t *testing.T) {
	f := newEvalCo(t)
	f.setEvaluation(t, &core.EvaluationSettings{Mode: core.EvalModeQR, Mandatory: true}, 48*time.Hour)
	w := f.atEvaluation(t, core.NewWorkOrder{})
	if w.NodeDueAt == nil {
		t.Fatal("no timer at the evaluation node")
	}
	if _, err := f.svc.AdvanceWorkOrder(f.dispatcher, w.Number, 0, ""); err == nil || !strings.Contains(err.Error(), "completes by itself") {
		t.Fatalf("the refusal should say when the node times out: %v", err)
	}
	f.clk.Advance(47 * time.Hour)
	if n, _ := f.svc.FireDueTimers(); n != 0 {
		t.Fatalf("%d timers fired early", n)
	}
	f.clk.Advance(2 * time.Hour)
	if n, err := f.svc.FireDueTimers(); n != 1 || err != nil {
		t.Fatalf("FireDueTimers = %d, %v", n, err)
	}
	w, _ = f.svc.WorkOrder(w.Number)
	timedOut := false
	for _, e := range w.History {
		timedOut = timedOut || strings.Contains(e.Detail, "evaluation node timed out")
	}
	if w.Node != core.NodeEnd || !timedOut {
		t.Fatalf("after the timeout: %s, %+v", w.Node, w.History[len(w.History)-3:])
	}
	if st, _ := f.svc.Evaluations(w.Number); len(st.Evaluations) != 0 {
		t.Errorf("the timeout created evaluations: %+v", st.Evaluations)
	}
}

// TestQRAcceptsSeveralPersonalLinkOne (R-EVAL-4, issue 6 item 5): the QR code
// takes one evaluation per customer who scans it; a personal link makes one
// evaluation, which a second submission changes, until the link expires; a QR
// code set to one submission refuses the second.
func TestQRAcceptsSeveralPersonalLinkOne(t *testing.T) {
	f := newEvalCo(t)
	f.setEvaluation(t, &core.EvaluationSettings{Mode: core.EvalModeRules}, 0)
	f.evalRule(t, "QR and SMS", `true`, "Detailed", []core.EvalInvite{core.EvalInviteQR, core.EvalInviteSMS}, false, false)
	w := f.atEvaluation(t, core.NewWorkOrder{})

	qr, err := f.svc.EvaluationQR(f.admin, w.Number)
	if err != nil {
		t.Fatal(err)
	}
	qtok := tokenOf(t, qr.URL)
	if again, _ := f.svc.EvaluationQR(f.admin, w.Number); again.URL != qr.URL {
		t.Fatalf("the QR link changed: %s then %s", qr.URL, again.URL)
	}
	for _, score := range []string{"9", "6"} {
		if _, err := f.svc.SubmitEvaluation(qtok, answers("overall", score, "resolved", "Fully solved")); err != nil {
			t.Fatal(err)
		}
	}
	st, _ := f.svc.Evaluations(w.Number)
	if len(st.Evaluations) != 2 || st.Evaluations[0].Score != 9 || st.Evaluations[1].Score != 6 || st.Evaluations[0].Scale != 10 || st.Evaluations[0].Via != core.EvalViaQR {
		t.Fatalf("QR evaluations %+v", st.Evaluations)
	}
	if v, _ := f.svc.EvaluationQR(f.admin, w.Number); v.Count != 2 {
		t.Errorf("QR view counts %d submissions", v.Count)
	}

	// The automatic SMS carried a personal link.
	ms := evalMessages(t, f.svc, w.Number, core.NoticeEvaluationInvite)
	if len(ms) != 1 {
		t.Fatalf("%d invitations", len(ms))
	}
	ptok := tokenOf(t, ms[0].Content.Text)
	page, err := f.svc.OpenEvaluation(ptok)
	if err != nil || page.QR || page.Guest || page.Editing || page.Type.Name != "Detailed" {
		t.Fatalf("personal page %+v, %v", page, err)
	}
	if _, err := f.svc.SubmitEvaluation(ptok, answers("overall", "3", "resolved", "Not solved", "comment", "还没修好")); err != nil {
		t.Fatal(err)
	}
	page, err = f.svc.OpenEvaluation(ptok)
	if err != nil || !page.Editing || page.Values["overall"][0] != "3" || page.Values["comment"][0] != "还没修好" {
		t.Fatalf("reopened personal link %+v, %v", page, err)
	}
	rec, err := f.svc.SubmitEvaluation(ptok, answers("overall", "8", "resolved", "Fully solved", "liked", "Tidiness", "liked", "Punctuality"))
	if err != nil || !rec.Edited || rec.Score != 8 {
		t.Fatalf("edit %+v, %v", rec, err)
	}
	st, _ = f.svc.Evaluations(w.Number)
	if len(st.Evaluations) != 3 {
		t.Fatalf("the personal link made %d evaluations, want one", len(st.Evaluations)-2)
	}
	pe := st.Evaluations[2]
	if pe.Score != 8 || pe.EditedAt == nil || pe.TerminalUserID != f.contact.TerminalUser.ID || pe.Via != core.EvalViaLink || !strings.Contains(pe.By, "王芳") {
		t.Fatalf("personal evaluation %+v", pe)
	}
	if liked := pe.Answers[2]; liked.Key != "liked" || strings.Join(liked.Choices, ",") != "Punctuality,Tidiness" {
		t.Errorf("multiple choice stored as %+v (want the layout's order)", liked)
	}
	// Until the link expires (28 days).
	f.clk.Advance(29 * 24 * time.Hour)
	if _, err := f.svc.SubmitEvaluation(ptok, answers("overall", "1", "resolved", "Not solved")); !errors.Is(err, core.ErrLinkUnusable) {
		t.Fatalf("expired personal link: %v", err)
	}

	// A QR code set to one submission.
	g := newEvalCo(t)
	g.setEvaluation(t, &core.EvaluationSettings{Mode: core.EvalModeQR, Single: true}, 0)
	w = g.atEvaluation(t, core.NewWorkOrder{})
	qr, _ = g.svc.EvaluationQR(g.admin, w.Number)
	if _, err := g.svc.SubmitEvaluation(tokenOf(t, qr.URL), answers("overall", "5")); err != nil {
		t.Fatal(err)
	}
	if _, err := g.svc.SubmitEvaluation(tokenOf(t, qr.URL), answers("overall", "4")); !errors.Is(err, core.ErrLinkUnusable) {
		t.Fatalf("second submission on a one-submission QR code: %v", err)
	}
}

// TestEvaluationDoubleSubmit: the same form posted twice makes one evaluation
// and returns the first receipt.
func TestEvaluationDoubleSubmit(t *testing.T) {
	f := newEvalCo(t)
	w := f.atEvaluation(t, core.NewWorkOrder{})
	qr, err := f.svc.EvaluationQR(f.admin, w.Number)
	if err != nil {
		t.Fatal(err)
	}
	in := answers("overall", "5", "comment", "很好")
	r1, err := f.svc.SubmitEvaluation(tokenOf(t, qr.URL), in)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := f.svc.SubmitEvaluation(tokenOf(t, qr.URL), in)
	if err != nil || !r2.Duplicate || r2.Score != 5 || r2.Number != r1.Number {
		t.Fatalf("second post %+v, %v", r2, err)
	}
	if st, _ := f.svc.Evaluations(w.Number); len(st.Evaluations) != 1 {
		t.Fatalf("%d evaluations after a double submit", len(st.Evaluations))
	}
	if rec, err := f.svc.EvaluationReceiptFor(r1.Token); err != nil || rec.Score != 5 || rec.Duplicate {
		t.Fatalf("receipt %+v, %v", rec, err)
	}
}

// TestEvaluationPermissions (R-ROLE-4): a guest may evaluate only when the
// record type grants guests; terminal users likewise; the refusal is not a
// broken link.
func TestEvaluationPermissions(t *testing.T) {
	f := newEvalCo(t)
	ts := core.DefaultEvaluationTypes()
	ts[0].Guests = false // Standard: customers only
	ts[1].TerminalUsers = false
	if _, err := f.svc.SetEvaluationTypes(f.admin, ts); err != nil {
		t.Fatal(err)
	}
	f.setEvaluation(t, &core.EvaluationSettings{Mode: core.EvalModeQR, Type: "Standard"}, 0)
	w := f.atEvaluation(t, core.NewWorkOrder{})
	qr, err := f.svc.EvaluationQR(f.admin, w.Number)
	if err != nil {
		t.Fatal(err)
	}
	var refusal *core.EvaluationRefusal
	if _, err := f.svc.OpenEvaluation(tokenOf(t, qr.URL)); !errors.As(err, &refusal) || !refusal.Guest || !errors.Is(err, core.ErrForbidden) || errors.Is(err, core.ErrLinkUnusable) {
		t.Fatalf("guest on a customers-only type: %v", err)
	}
	if _, err := f.svc.SubmitEvaluation(tokenOf(t, qr.URL), answers("overall", "5")); !errors.As(err, &refusal) {
		t.Fatalf("guest submission: %v", err)
	}
	// The customer's personal link works.
	inv, err := f.svc.RemindEvaluation(f.admin, w.Number, []core.NoticeChannel{core.NoticeEmail})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SubmitEvaluation(tokenOf(t, inv.URL), answers("overall", "4")); err != nil {
		t.Fatalf("terminal user refused: %v", err)
	}
	// Detailed is for guests only.
	f.setEvaluation(t, &core.EvaluationSettings{Mode: core.EvalModeQR, Type: "Detailed"}, 0)
	w2 := f.atEvaluation(t, core.NewWorkOrder{})
	inv, err = f.svc.RemindEvaluation(f.admin, w2.Number, []core.NoticeChannel{core.NoticeSMS})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.OpenEvaluation(tokenOf(t, inv.URL)); !errors.As(err, &refusal) || refusal.Guest {
		t.Fatalf("terminal user on a guests-only type: %v", err)
	}
}

// TestEvaluationSuccessNotice (R-NOTE-3): the evaluation-success preset goes to
// the work order's owner once per personal evaluation, and once for a QR code
// however many customers scan it.
func TestEvaluationSuccessNotice(t *testing.T) {
	f := newEvalCo(t)
	w := f.atEvaluation(t, core.NewWorkOrder{})
	qr, _ := f.svc.EvaluationQR(f.admin, w.Number)
	for _, s := range []string{"5", "4", "3"} {
		if _, err := f.svc.SubmitEvaluation(tokenOf(t, qr.URL), answers("overall", s)); err != nil {
			t.Fatal(err)
		}
	}
	ms := evalMessages(t, f.svc, w.Number, core.NoticeEvaluationSuccess)
	if len(ms) == 0 {
		t.Fatal("no evaluation-success notice")
	}
	channels := map[core.NoticeChannel]int{}
	for _, m := range ms {
		channels[m.Channel]++
		if m.Recipient.TerminalUserID != f.contact.TerminalUser.ID {
			t.Errorf("success notice to %+v", m.Recipient)
		}
	}
	for ch, n := range channels {
		if n != 1 {
			t.Errorf("%d %s success notices for three QR evaluations", n, ch)
		}
	}
	if !strings.Contains(ms[0].Content.Text+ms[0].Content.HTML, w.Number) {
		t.Errorf("notice content %+v", ms[0].Content)
	}
}

// TestInviteOnlyEvaluationMovesOn: a work order invited only by message moves on
// from the evaluation node when the customer's evaluation arrives.
func TestInviteOnlyEvaluationMovesOn(t *testing.T) {
	f := newEvalCo(t)
	f.setEvaluation(t, &core.EvaluationSettings{Mode: core.EvalModeRules}, 0)
	f.evalRule(t, "email", `true`, "Standard", []core.EvalInvite{core.EvalInviteEmail}, false, true)
	w := f.atEvaluation(t, core.NewWorkOrder{})
	if _, err := f.svc.EvaluationQR(f.admin, w.Number); err == nil || !strings.Contains(err.Error(), "without a QR code") {
		t.Fatalf("QR of an email-only evaluation: %v", err)
	}
	ms := evalMessages(t, f.svc, w.Number, core.NoticeEvaluationInvite)
	if len(ms) != 1 || ms[0].Channel != core.NoticeEmail || !strings.Contains(ms[0].Content.HTML, `href="http://127.0.0.1:8080/e/`) {
		t.Fatalf("email invitation %+v", ms)
	}
	if _, err := f.svc.SubmitEvaluation(tokenOf(t, ms[0].Content.HTML), answers("overall", "2", "comment", "late")); err != nil {
		t.Fatal(err)
	}
	w, _ = f.svc.WorkOrder(w.Number)
	if w.Node != core.NodeEnd {
		t.Fatalf("after the customer's evaluation: %s", w.Node)
	}
}

func hasKind(h []core.Event, kind string) bool {
	for _, e := range h {
		if e.Kind == kind {
			return true
		}
	}
	return false
}

// TestSkipAndFinish (R-EVAL-2): the handler skips or finishes; "Skip
// evaluation" can be hidden; other engineers may not act.
func TestSkipAndFinish(t *testing.T) {
	f := newEvalCo(t)
	f.setEvaluation(t, &core.EvaluationSettings{Mode: core.EvalModeQR, HideSkip: true}, 0)
	w := f.atEvaluation(t, core.NewWorkOrder{})
	if _, err := f.svc.SkipEvaluation(f.admin, w.Number, 0); !core.IsValidation(err) || !strings.Contains(err.Error(), "switched off") {
		t.Fatalf("hidden skip: %v", err)
	}
	ann := f.engineerUser(t, "ann", "Ann")
	bob := f.engineerUser(t, "bob", "Bob")
	if _, err := f.svc.EvaluationQR(bob, w.Number); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("another engineer showed the QR code: %v", err)
	}
	qr, err := f.svc.EvaluationQR(ann, w.Number)
	if err != nil || qr.CanSkip || qr.Labels.Skip != "Skip evaluation" || qr.Customer != "王芳 · 上海浦东仓储" || qr.Engineer != "Ann" {
		t.Fatalf("the service engineer's QR view %+v, %v", qr, err)
	}
	if _, err := f.svc.SubmitEvaluation(tokenOf(t, qr.URL), answers("overall", "5")); err != nil {
		t.Fatal(err)
	}
	if w, err = f.svc.FinishEvaluation(ann, w.Number, 0); err != nil || w.Node != core.NodeEnd {
		t.Fatalf("finish: %s %v", w.Node, err)
	}

	f.setEvaluation(t, &core.EvaluationSettings{Mode: core.EvalModeQR, Labels: core.EvalLabels{Skip: "不评价"}}, 0)
	w = f.atEvaluation(t, core.NewWorkOrder{})
	qr, _ = f.svc.EvaluationQR(ann, w.Number)
	if !qr.CanSkip || qr.Labels.Skip != "不评价" {
		t.Fatalf("custom label: %+v", qr.Labels)
	}
	if w, err = f.svc.SkipEvaluation(ann, w.Number, 0); err != nil || w.Node != core.NodeEnd || !hasKind(w.History, core.EventEvaluationSkipped) {
		t.Fatalf("skip: %s %v", w.Node, err)
	}
}

// engineerUser adds an engineer user named like an engineer record (the
// service engineer is recognised by name when no link is stored).
func (f *evalCo) engineerUser(t *testing.T, login, name string) core.Actor {
	t.Helper()
	if _, err := f.svc.AddUser(f.admin, core.NewUser{Login: login, Name: name, Roles: []core.Role{core.RoleEngineer}}); err != nil {
		t.Fatal(err)
	}
	a, err := f.svc.Login(login)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestParseEvaluationAnswers (R-EVAL-1): stars are numbers within the scale,
// choices come from the layout, required fields are answered.
func TestParseEvaluationAnswers(t *testing.T) {
	detailed := core.DefaultEvaluationTypes()[1]
	cases := []struct {
		name string
		in   map[string][]string
		want string // "" valid, else a field key with an error
	}{
		{"full", map[string][]string{"overall": {"10"}, "on_time": {"yes"}, "resolved": {"Partly solved"}, "liked": {"Expertise", "Punctuality"}, "comment": {"ok"}}, ""},
		{"minimal", map[string][]string{"overall": {"1"}, "resolved": {"Not solved"}}, ""},
		{"missing required", map[string][]string{"resolved": {"Not solved"}}, "overall"},
		{"eleven of ten", map[string][]string{"overall": {"11"}, "resolved": {"Not solved"}}, "overall"},
		{"zero", map[string][]string{"overall": {"0"}, "resolved": {"Not solved"}}, "overall"},
		{"half star", map[string][]string{"overall": {"4.5"}, "resolved": {"Not solved"}}, "overall"},
		{"unknown option", map[string][]string{"overall": {"5"}, "resolved": {"Maybe"}}, "resolved"},
		{"two single", map[string][]string{"overall": {"5"}, "resolved": {"Not solved", "Fully solved"}}, "resolved"},
		{"bad yes", map[string][]string{"overall": {"5"}, "resolved": {"Not solved"}, "on_time": {"perhaps"}}, "on_time"},
		{"control char", map[string][]string{"overall": {"5"}, "resolved": {"Not solved"}, "comment": {"a\x00b"}}, "comment"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			as, score, scale, err := core.ParseEvaluationAnswers(detailed, c.in)
			if c.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if scale != 10 || score < 1 || score > 10 || *as[0].Number != score {
					t.Fatalf("score %d/%d answers %+v", score, scale, as)
				}
				return
			}
			if core.FieldErrors(err)[c.want] == "" {
				t.Fatalf("error %v, want one on %s", err, c.want)
			}
		})
	}
}

// TestEvaluationTypesValidate (R-EVAL-1): layouts are checked as a whole; a
// type in use by a node or rule cannot be removed; import/export round-trips.
func TestEvaluationTypesValidate(t *testing.T) {
	bad := []struct {
		name string
		edit func([]core.EvaluationType) []core.EvaluationType
		want string
	}{
		{"none", func([]core.EvaluationType) []core.EvaluationType { return nil }, "at least one"},
		{"dup name", func(ts []core.EvaluationType) []core.EvaluationType { ts[1].Name = "standard"; return ts }, "listed twice"},
		{"seven stars", func(ts []core.EvaluationType) []core.EvaluationType { ts[0].Fields[0].Scale = 7; return ts }, "use 5 or 10"},
		{"dup key", func(ts []core.EvaluationType) []core.EvaluationType { ts[0].Fields[1].Key = "overall"; return ts }, "used twice"},
		{"bad key", func(ts []core.EvaluationType) []core.EvaluationType { ts[0].Fields[1].Key = "Comment Box"; return ts }, "lower-case word"},
		{"one option", func(ts []core.EvaluationType) []core.EvaluationType {
			ts[1].Fields[2].Options = []string{"Yes"}
			return ts
		}, "between 2 and"},
		{"zh options", func(ts []core.EvaluationType) []core.EvaluationType {
			ts[1].Fields[2].OptionsZH = []string{"是"}
			return ts
		}, "Chinese wordings"},
		{"no fields", func(ts []core.EvaluationType) []core.EvaluationType { ts[0].Fields = nil; return ts }, "no fields"},
		{"kind", func(ts []core.EvaluationType) []core.EvaluationType { ts[0].Fields[1].Kind = "slider"; return ts }, "unknown kind"},
	}
	for _, c := range bad {
		err := core.ValidateEvaluationTypes(c.edit(core.DefaultEvaluationTypes()))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	f := newEvalCo(t)
	f.evalRule(t, "detailed", `true`, "detailed", []core.EvalInvite{core.EvalInviteQR}, false, false)
	if _, err := f.svc.SetEvaluationTypes(f.admin, core.DefaultEvaluationTypes()[:1]); err == nil || !strings.Contains(err.Error(), "uses the record type \"Detailed\"") {
		t.Fatalf("removing a type in use: %v", err)
	}
	if _, err := f.svc.AddRule(f.admin, core.NewRule{Kind: core.RuleEvaluation, Name: "x", When: "true", EvalType: "Nope", EvalInvites: []core.EvalInvite{"qr"}}); err == nil || !strings.Contains(err.Error(), "no evaluation record type") {
		t.Fatalf("rule with an unknown type: %v", err)
	}
	if _, err := f.svc.AddRule(f.admin, core.NewRule{Kind: core.RuleEvaluation, Name: "x", When: "true"}); err == nil || !strings.Contains(err.Error(), "at least one invitation method") {
		t.Fatalf("rule without methods: %v", err)
	}
	if _, err := f.svc.SetEvaluationTypes(f.dispatcher, core.DefaultEvaluationTypes()); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("a dispatcher changed evaluation types: %v", err)
	}
	if _, err := f.svc.SetProcess(f.admin, core.Process{RecordType: "Repair", Nodes: []core.ProcessNode{{Node: core.NodeEvaluation, Evaluation: &core.EvaluationSettings{Type: "Nope"}}}}); err == nil || !strings.Contains(err.Error(), "no evaluation record type") {
		t.Fatalf("process with an unknown type: %v", err)
	}
	data, err := f.svc.ExportEvaluationTypes()
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), `"guests": true`, `"guests": false`, 1)
	ts, err := f.svc.ImportEvaluationTypes(f.admin, []byte(edited))
	if err != nil || ts[0].Guests || !ts[1].Guests {
		t.Fatalf("import %+v, %v", ts, err)
	}
	if _, err := f.svc.ImportEvaluationTypes(f.admin, []byte(`{"types": [{"name": "X", "fields": [], "colour": 1}]}`)); err == nil || !strings.Contains(err.Error(), `"colour"`) {
		t.Fatalf("bad file: %v", err)
	}
}
