package core

import (
	"fmt"
	"strings"
)

// History kinds written by the process.
const (
	EventAdvanced   = "advanced"   // a process node completed and the work order moved on
	EventTerminated = "terminated" // the work order was terminated
)

// DefaultProcess is the order of process nodes every record type follows until
// processes become configurable per record type (R-FLOW-1, the web-listener issue).
var DefaultProcess = []Node{NodeDispatch, NodeService, NodeTerminalTask, NodeEvaluation, NodeFollowUp, NodeEnd}

// NextNode is the node after n in the default process, and false at the end.
func NextNode(n Node) (Node, bool) {
	for i, x := range DefaultProcess[:len(DefaultProcess)-1] {
		if x == n {
			return DefaultProcess[i+1], true
		}
	}
	return "", false
}

// statusAtNode is the status a work order has at node n.
func statusAtNode(n Node) Status {
	switch n {
	case NodeDispatch:
		return StatusNew
	case NodeService:
		return StatusAssigned
	case NodeEnd:
		return StatusCompleted
	case NodeTerminated:
		return StatusTerminated
	}
	return StatusInProgress
}

// changeWorkOrder is the shape of a command on one work order: in one
// transaction it loads the work order (refusing a stale version), lets change
// move it and say what happened, saves it with the next version, appends the
// history event and runs after (notifications); then it tells the consoles.
func (s *Service) changeWorkOrder(as Actor, number string, version uint64, kind string,
	change func(w *WorkOrder) (detail string, err error), after func(tx Tx, w *WorkOrder) error) (WorkOrder, error) {
	n, err := ParseNumber(number)
	if err != nil {
		return WorkOrder{}, err
	}
	now := s.Now()
	var w WorkOrder
	err = s.store.Update(func(tx Tx) error {
		var err error
		if w, err = loadForChange(tx, FormatNumber(n), version); err != nil {
			return err
		}
		detail, err := change(&w)
		if err != nil {
			return err
		}
		w.Version++
		w.UpdatedAt = now
		if err := tx.PutWorkOrder(&w); err != nil {
			return err
		}
		if err := tx.AppendEvent(w.ID, Event{At: now, By: as.Label(), Channel: ChannelInternal, Kind: kind, Detail: detail}); err != nil {
			return err
		}
		return after(tx, &w)
	})
	if err != nil {
		return WorkOrder{}, err
	}
	s.broker.publish(Change{Kind: "work-order", WorkOrder: w.ID, Number: w.Number})
	return s.WorkOrder(w.Number)
}

// AdvanceWorkOrder completes the work order's current process node and moves it
// to the next (what an engineer's "Complete" does). The dispatch node completes
// only by assignment. version 0 skips the stale-view check.
func (s *Service) AdvanceWorkOrder(as Actor, number string, version uint64, note string) (WorkOrder, error) {
	if err := require(as, "complete process nodes", RoleAdmin, RoleDispatcher, RoleEngineer); err != nil {
		return WorkOrder{}, err
	}
	note, verr := cleanText("note", "Note", note, false, 2000)
	if verr != nil {
		return WorkOrder{}, verr
	}
	var completed Node
	return s.changeWorkOrder(as, number, version, EventAdvanced, func(w *WorkOrder) (string, error) {
		if !w.Status.Open() {
			return "", Invalid("number", "%s is %s: there is no node left to complete.", w.Number, w.Status)
		}
		if w.Node == NodeDispatch {
			return "", Invalid("number", "%s is waiting at the dispatch node: assign it (`switchboard dispatch assign %s --engineer ID`) to move it on.", w.Number, w.Number)
		}
		next, ok := NextNode(w.Node)
		if !ok {
			return "", Invalid("number", "%s is at node %s, which has no next node.", w.Number, w.Node)
		}
		from := w.Node
		completed = from
		w.Node, w.Status = next, statusAtNode(next)
		if note != "" {
			return fmt.Sprintf("%s node completed: %s → %s", from, note, next), nil
		}
		return fmt.Sprintf("%s node completed → %s", from, next), nil
	}, func(tx Tx, w *WorkOrder) error {
		// The "work order completed" preset notifications (R-NOTE-3) are queued in
		// this transaction; configurable node post-actions (R-FLOW-2) come with
		// configurable process nodes.
		if err := s.reportAfterNode(tx, completed, w, as); err != nil {
			return err
		}
		if w.Node == NodeEnd {
			return s.enqueueEvent(tx, NoticeCompleted, w)
		}
		return nil
	})
}

// TerminateWorkOrder ends an open work order without completing it; the reason is
// required and kept in the history.
func (s *Service) TerminateWorkOrder(as Actor, number string, version uint64, reason string) (WorkOrder, error) {
	if err := require(as, "terminate work orders", RoleAdmin, RoleDispatcher, RoleCallCenter); err != nil {
		return WorkOrder{}, err
	}
	reason, verr := cleanText("reason", "Reason", reason, true, 2000)
	if verr != nil {
		return WorkOrder{}, verr
	}
	reason = strings.TrimSpace(reason)
	return s.changeWorkOrder(as, number, version, EventTerminated, func(w *WorkOrder) (string, error) {
		if !w.Status.Open() {
			return "", Invalid("number", "%s is already %s.", w.Number, w.Status)
		}
		from := w.Node
		w.Node, w.Status = NodeTerminated, StatusTerminated
		return fmt.Sprintf("terminated at the %s node: %s", from, reason), nil
	}, func(tx Tx, w *WorkOrder) error {
		_, err := s.enqueueNotice(tx, NoticeAction{Event: NoticeTerminated, Values: map[string]string{"Reason": reason}}, w)
		return err
	})
}
