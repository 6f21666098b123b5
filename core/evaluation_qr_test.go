package core_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"switchboard/core"
)

// TestQRClosesWhenTheNodeEnds (issue 18.7): the evaluation QR code takes
// ratings while its node is open, and stops when the node ends — at once by
// default, or after the node's grace; the history says so.
func TestQRClosesWhenTheNodeEnds(t *testing.T) {
	for _, grace := range []time.Duration{0, 30 * time.Minute} {
		f := newEvalCo(t)
		f.setEvaluation(t, &core.EvaluationSettings{Mode: core.EvalModeQR, Type: core.EvalTypeStandard, QRGrace: core.Duration(grace)}, 0)
		w := f.atEvaluation(t, core.NewWorkOrder{})
		qr, err := f.svc.EvaluationQR(f.admin, w.Number)
		if err != nil {
			t.Fatal(err)
		}
		tok := tokenOf(t, qr.URL)
		if _, err := f.svc.SubmitEvaluation(tok, answers("overall", "5")); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.FinishEvaluation(f.admin, w.Number, 0); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.SubmitEvaluation(tok, answers("overall", "5"))
		if grace == 0 {
			if !errors.Is(err, core.ErrLinkUnusable) {
				t.Fatalf("a rating after the node ended: %v", err)
			}
			if _, err := f.svc.OpenEvaluation(tok); !errors.Is(err, core.ErrLinkUnusable) {
				t.Fatalf("the page after the node ended: %v", err)
			}
		} else {
			if err != nil {
				t.Fatalf("a rating within the grace: %v", err)
			}
			f.clk.Advance(grace)
			if _, err := f.svc.SubmitEvaluation(tok, answers("overall", "5")); !errors.Is(err, core.ErrLinkUnusable) {
				t.Fatalf("a rating after the grace: %v", err)
			}
		}
		got, _ := f.svc.WorkOrder(w.Number)
		if !historyHas(got, "evaluation QR code") {
			t.Fatalf("grace %s: no history of the closing: %+v", grace, got.History)
		}
	}
	// A grace past a day is refused.
	f := newEvalCo(t)
	nodes := []core.ProcessNode{{Node: core.NodeDispatch}, {Node: core.NodeService}, {Node: core.NodeEvaluation, Evaluation: &core.EvaluationSettings{QRGrace: core.Duration(48 * time.Hour)}}}
	if _, err := f.svc.SetProcess(f.admin, core.Process{RecordType: "Repair", Nodes: nodes}); err == nil || !strings.Contains(err.Error(), "24h") {
		t.Fatalf("a 48h grace: %v", err)
	}
}

// TestQRRepeatsAndCustomerOnlyCSAT (issue 18.7): one browser rates a QR
// code once; a second rating from the same network is marked and left out
// of CSAT unless asked for; OnlyCustomers leaves out every guest rating.
func TestQRRepeatsAndCustomerOnlyCSAT(t *testing.T) {
	f := newEvalCo(t)
	f.setEvaluation(t, &core.EvaluationSettings{Mode: core.EvalModeRules}, 0)
	f.evalRule(t, "QR and SMS", `true`, "Standard", []core.EvalInvite{core.EvalInviteQR, core.EvalInviteSMS}, false, false)
	w := f.atEvaluation(t, core.NewWorkOrder{})
	qr, err := f.svc.EvaluationQR(f.admin, w.Number)
	if err != nil {
		t.Fatal(err)
	}
	tok := tokenOf(t, qr.URL)
	from := func(score, device, network string) error {
		in := answers("overall", score)
		in.Device, in.Network = device, network
		_, err := f.svc.SubmitEvaluation(tok, in)
		return err
	}
	if err := from("5", "browser-A-0123456789abcdef", "203.0.113.0/24"); err != nil {
		t.Fatal(err)
	}
	if err := from("5", "browser-A-0123456789abcdef", "198.51.100.0/24"); err == nil || !strings.Contains(err.Error(), "already rated") {
		t.Fatalf("the same browser again: %v", err)
	}
	if err := from("5", "browser-B-0123456789abcdef", "203.0.113.0/24"); err != nil {
		t.Fatal(err)
	}
	if err := from("1", "browser-C-0123456789abcdef", "198.51.100.0/24"); err != nil {
		t.Fatal(err)
	}
	st, _ := f.svc.Evaluations(w.Number)
	if len(st.Evaluations) != 3 || st.Evaluations[1].Repeat == "" || st.Evaluations[2].Repeat != "" || strings.Contains(st.Evaluations[0].Device, "browser") {
		t.Fatalf("evaluations: %+v", st.Evaluations)
	}
	// The customer's own link.
	ms := evalMessages(t, f.svc, w.Number, core.NoticeEvaluationInvite)
	if _, err := f.svc.SubmitEvaluation(tokenOf(t, ms[0].Content.Text), answers("overall", "4")); err != nil {
		t.Fatal(err)
	}
	rep, err := f.svc.CSATReport(core.CSATQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total.Count != 3 || rep.Repeats != 1 {
		t.Fatalf("default report: %d counted, %d repeats left out", rep.Total.Count, rep.Repeats)
	}
	if rep, _ = f.svc.CSATReport(core.CSATQuery{Repeats: true}); rep.Total.Count != 4 {
		t.Fatalf("with repeats: %d", rep.Total.Count)
	}
	rep, _ = f.svc.CSATReport(core.CSATQuery{OnlyCustomers: true})
	if rep.Total.Count != 1 || rep.Guests != 3 || rep.Total.Average != 4 {
		t.Fatalf("customers only: %+v", rep.Total)
	}
}
