package testdb

import (
	"testing"

	"switchboard/core"
)

// AtEvaluationNode creates a work order and brings it to the evaluation node of
// its process: assigned by hand to the test engineer, then every node before
// the evaluation node completed (R-EVAL-2).
func AtEvaluationNode(tb testing.TB, svc *core.Service, in core.NewWorkOrder) core.WorkOrder {
	tb.Helper()
	w := AtTaskNode(tb, svc, in)
	admin := Admin(tb, svc)
	var err error
	for w.Node != core.NodeEvaluation {
		if !w.Status.Open() || w.Node == core.NodeFollowUp {
			tb.Fatalf("%s went past the evaluation node to %s", w.Number, w.Node)
		}
		if w, err = svc.AdvanceWorkOrder(admin, w.Number, 0, ""); err != nil {
			tb.Fatalf("advancing %s to the evaluation node: %v", w.Number, err)
		}
	}
	return w
}

// SetEvaluationNode configures the evaluation node of a record type's default
// process (dispatch, service, terminal task, evaluation, follow-up).
func SetEvaluationNode(tb testing.TB, svc *core.Service, recordType string, es *core.EvaluationSettings) {
	tb.Helper()
	nodes := core.DefaultProcessNodes()
	for i := range nodes {
		if nodes[i].Node == core.NodeEvaluation {
			nodes[i].Evaluation = es
		}
	}
	if _, err := svc.SetProcess(Admin(tb, svc), core.Process{RecordType: recordType, Nodes: nodes}); err != nil {
		tb.Fatal(err)
	}
}
