package storetest

import (
	"errors"
	"testing"
	"time"

	"switchboard/core"
)

// testEvaluations: evaluation records by id, by work order (oldest first), by
// engineer (newest first), and report rows by submission time, with indexes
// kept in step when a record is replaced; requests one per work order.
func testEvaluations(t *testing.T, st core.Store) {
	n := 4
	mk := func(wo, eng core.ID, at time.Time, score, scale int) core.Evaluation {
		return core.Evaluation{WorkOrderID: wo, Number: "WO-1", Type: "Standard", RecordType: "Repair", Score: score, Scale: scale,
			EngineerID: eng, ProviderID: 9, SubmittedAt: at, Answers: []core.EvalAnswer{{Key: "overall", Kind: core.EvalStars, Number: &n, Scale: 5}}}
	}
	es := []core.Evaluation{
		mk(1, 7, t0, 4, 5),
		mk(1, 7, t0.Add(time.Hour), 9, 10),
		mk(2, 8, t0.Add(2*time.Hour), 2, 5),
		mk(3, 0, t0.Add(3*time.Hour), 0, 0), // unrated, no engineer
	}
	update(t, st, func(tx core.Tx) error {
		for i := range es {
			if err := tx.PutEvaluation(&es[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if es[0].ID == 0 || es[1].ID <= es[0].ID {
		t.Fatalf("ids %d %d", es[0].ID, es[1].ID)
	}
	rows := func(tx core.Tx, from, to time.Time) []core.EvaluationRow {
		var out []core.EvaluationRow
		if err := tx.ScanEvaluationRows(from, to, func(r core.EvaluationRow) bool { out = append(out, r); return true }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	view(t, st, func(tx core.Tx) error {
		got, err := tx.Evaluation(es[1].ID)
		if err != nil || got.Score != 9 || got.Scale != 10 || len(got.Answers) != 1 || *got.Answers[0].Number != 4 || !got.SubmittedAt.Equal(es[1].SubmittedAt) {
			t.Errorf("Evaluation = %+v, %v", got, err)
		}
		if _, err := tx.Evaluation(999); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("missing evaluation: %v", err)
		}
		w1, _ := tx.EvaluationsFor(1)
		if len(w1) != 2 || w1[0].ID != es[0].ID || w1[1].ID != es[1].ID {
			t.Errorf("EvaluationsFor(1) = %+v", w1)
		}
		if w9, err := tx.EvaluationsFor(9); len(w9) != 0 || err != nil {
			t.Errorf("EvaluationsFor(9) = %+v, %v", w9, err)
		}
		e7, _ := tx.EvaluationsByEngineer(7, 0)
		if len(e7) != 2 || e7[0].ID != es[1].ID {
			t.Errorf("EvaluationsByEngineer(7) = %+v (want newest first)", e7)
		}
		if e7, _ := tx.EvaluationsByEngineer(7, 1); len(e7) != 1 {
			t.Errorf("limit ignored: %d", len(e7))
		}
		if e8, _ := tx.EvaluationsByEngineer(8, 0); len(e8) != 1 || e8[0].Score != 2 {
			t.Errorf("EvaluationsByEngineer(8) = %+v", e8)
		}
		all := rows(tx, time.Time{}, time.Time{})
		if len(all) != 4 || all[0].ID != es[0].ID || all[3].ID != es[3].ID {
			t.Fatalf("all rows %+v", all)
		}
		r := all[1]
		if r.WorkOrder != 1 || r.Engineer != 7 || r.Provider != 9 || r.Score != 9 || r.Scale != 10 || r.RecordType != "Repair" || r.Type != "Standard" || !r.At.Equal(es[1].SubmittedAt) {
			t.Errorf("row %+v", r)
		}
		mid := rows(tx, t0.Add(time.Hour), t0.Add(3*time.Hour))
		if len(mid) != 2 || mid[0].ID != es[1].ID || mid[1].ID != es[2].ID {
			t.Errorf("[1h, 3h) rows %+v", mid)
		}
		n := 0
		_ = tx.ScanEvaluationRows(time.Time{}, time.Time{}, func(core.EvaluationRow) bool { n++; return n < 2 })
		if n != 2 {
			t.Errorf("scan did not stop when asked: %d", n)
		}
		return nil
	})
	// Replacing a record moves its index entries.
	edited := es[0]
	edited.Score, edited.EngineerID = 5, 8
	update(t, st, func(tx core.Tx) error { return tx.PutEvaluation(&edited) })
	view(t, st, func(tx core.Tx) error {
		if e7, _ := tx.EvaluationsByEngineer(7, 0); len(e7) != 1 {
			t.Errorf("old engineer index entry kept: %+v", e7)
		}
		if e8, _ := tx.EvaluationsByEngineer(8, 0); len(e8) != 2 {
			t.Errorf("new engineer index entry missing: %+v", e8)
		}
		all := rows(tx, time.Time{}, time.Time{})
		if len(all) != 4 || all[0].Score != 5 || all[0].Engineer != 8 {
			t.Errorf("row not replaced: %+v", all)
		}
		return nil
	})
	// Requests.
	req := core.EvaluationRequest{WorkOrder: 1, Number: "WO-1", Mode: core.EvalModeRules, RuleID: 3, Type: "Detailed",
		Invites: []core.EvalInvite{core.EvalInviteQR, core.EvalInviteSMS}, Fallback: true, Mandatory: true, At: t0}
	update(t, st, func(tx core.Tx) error { return tx.PutEvaluationRequest(&req) })
	view(t, st, func(tx core.Tx) error {
		got, err := tx.EvaluationRequest(1)
		if err != nil || got.RuleID != 3 || !got.Mandatory || !got.Fallback || len(got.Invites) != 2 || !got.At.Equal(t0) {
			t.Errorf("EvaluationRequest = %+v, %v", got, err)
		}
		if _, err := tx.EvaluationRequest(2); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("missing request: %v", err)
		}
		return nil
	})
	if err := st.Update(func(tx core.Tx) error { return tx.PutEvaluation(&core.Evaluation{}) }); err == nil {
		t.Errorf("an evaluation without a work order was stored")
	}
}
