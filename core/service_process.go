package core

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
)

// History kinds written by the process.
const (
	EventAdvanced   = "advanced"   // a process node completed and the work order moved on
	EventTerminated = "terminated" // the work order was terminated
	EventTimeout    = "timeout"    // a node's timeout passed and it completed by itself
)

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

func settingProcess(recordType string) string { return "process." + recordType }

// readProcess is the configured process of a record type, or the default one.
func readProcess(tx Tx, recordType string) (Process, error) {
	p := Process{RecordType: recordType}
	ok, err := getJSON(tx, settingProcess(recordType), &p)
	if err != nil {
		return Process{}, err
	}
	if !ok {
		p.Nodes = DefaultProcessNodes()
	}
	p.RecordType = recordType
	return p, nil
}

// sharedProcess is readProcess for the paths every create takes (a new work
// order's first node, dispatch's move to the next): the decoded process is
// kept with the bytes it came from and handed out again while they are the
// same. Its nodes are shared: the caller only reads them.
func sharedProcess(tx Tx, recordType string) (Process, error) {
	name := settingProcess(recordType)
	raw, err := tx.Setting(name)
	if err != nil {
		return Process{}, err
	}
	if m, ok := processMemo.Load(name); ok && bytes.Equal(m.(*memoProcess).raw, raw) {
		return m.(*memoProcess).p, nil
	}
	p, err := readProcess(tx, recordType)
	if err != nil {
		return Process{}, err
	}
	processMemo.Store(name, &memoProcess{raw: raw, p: p})
	return p, nil
}

// processMemo holds the last process decoded for each setting name, with its
// bytes (content-addressed: safe across databases and writers).
var processMemo sync.Map

type memoProcess struct {
	raw []byte
	p   Process
}

// processCache reads each record type's process once per transaction.
type processCache map[string]Process

func (c processCache) get(tx Tx, recordType string) (Process, error) {
	if p, ok := c[recordType]; ok {
		return p, nil
	}
	p, err := sharedProcess(tx, recordType)
	if err == nil {
		c[recordType] = p
	}
	return p, err
}

// after is the node a work order at n moves to when n completes. A work order
// at a node an admin has since removed from the process moves to the next
// listed node that comes later in the usual order, or to the end.
func (p Process) after(n Node) Node {
	if next, ok := p.Next(n); ok {
		return next
	}
	at := slices.Index(ConfigurableNodes, n)
	for _, x := range p.Nodes {
		if slices.Index(ConfigurableNodes, x.Node) > at {
			return x.Node
		}
	}
	return NodeEnd
}

// nodeMove is one node completion, worked out before the work order is saved
// and finished (timers, post-actions, the next node's own start) after.
type nodeMove struct {
	proc     Process
	from, to Node
	oldDue   *time.Time
	timeout  bool // completed by its timer: no post-actions (R-TASK-4)
	enterNew bool // a new work order entering its first node
}

// moveOn completes w's current node in memory: the next node, its status and
// its timeout. Call afterMove once w is saved.
func moveOn(p Process, w *WorkOrder, now time.Time) nodeMove {
	m := nodeMove{proc: p, from: w.Node, to: p.after(w.Node), oldDue: w.NodeDueAt}
	w.Node, w.Status = m.to, statusAtNode(m.to)
	w.NodeDueAt = nodeDue(p, m.to, now)
	return m
}

// nodeDue is when node n of p times out for a work order entering it at now.
func nodeDue(p Process, n Node, now time.Time) *time.Time {
	if pn, ok := p.Find(n); ok && pn.Timeout > 0 {
		t := now.Add(time.Duration(pn.Timeout))
		return &t
	}
	return nil
}

// afterMove does what follows a node completion in the same transaction, after
// the work order is saved and its history event appended: drop the old timer,
// set the new one, run the completed node's post-actions (R-FLOW-2), queue the
// "completed" notice at the end, and start the new node (automatic invitations).
func (s *Service) afterMove(tx Tx, w *WorkOrder, m nodeMove, now time.Time) error {
	if !m.enterNew && m.from != m.to {
		why := fmt.Sprintf("the work order left the %s node (→ %s)", m.from, m.to)
		if m.timeout {
			why = fmt.Sprintf("the %s node timed out (→ %s)", m.from, m.to)
		}
		if err := s.leaveNode(tx, w, m.from, why, now); err != nil {
			return err
		}
	}
	if m.oldDue != nil && !m.enterNew {
		if err := tx.DeleteTimer(*m.oldDue, w.ID); err != nil {
			return err
		}
	}
	if w.NodeDueAt != nil {
		if err := tx.PutTimer(Timer{At: *w.NodeDueAt, WorkOrder: w.ID, Number: w.Number, Node: w.Node, SetAt: now}); err != nil {
			return err
		}
	}
	if pn, ok := m.proc.Find(m.from); ok && !m.timeout && !m.enterNew {
		for _, a := range pn.PostActions {
			if _, err := s.enqueueNotice(tx, a.Notice, w); err != nil {
				return err
			}
		}
	}
	if w.Node == NodeEnd {
		if err := s.enqueueEvent(tx, NoticeCompleted, w); err != nil {
			return err
		}
	}
	return s.enterNode(tx, w, m.proc, now)
}

// leaveNode ends what belonged to the node a work order leaves — by
// completion, timeout or termination — so nobody works on for a node that is
// over: its open follow-up tasks close (they leave every call queue) with why
// in the task and in the history.
func (s *Service) leaveNode(tx Tx, w *WorkOrder, from Node, why string, now time.Time) error {
	if from == NodeEvaluation {
		return s.closeQR(tx, w, why, now)
	}
	if from != NodeFollowUp {
		return nil
	}
	ts, err := tx.FollowUpTasksFor(w.ID)
	if err != nil {
		return err
	}
	var closed []string
	for _, t := range ts {
		if t.Status != FollowUpOpen {
			continue
		}
		t.Status, t.NotBefore, t.ClosedWhy = FollowUpClosed, nil, why
		t.UpdatedAt = now
		t.Version++
		if err := tx.PutFollowUpTask(&t); err != nil {
			return err
		}
		closed = append(closed, fmt.Sprintf("#%d", t.ID))
	}
	if len(closed) == 0 {
		return nil
	}
	return tx.AppendEvent(w.ID, Event{At: now, By: "system", Channel: ChannelSystem, Kind: EventFollowUpComplete,
		Detail: fmt.Sprintf("follow-up task(s) %s closed uncalled: %s", strings.Join(closed, ", "), why)})
}

// enterNode starts what a node does on arrival: a terminal-task node with
// automatic invitation sends its invitations through the outbox (R-TASK-2).
func (s *Service) enterNode(tx Tx, w *WorkOrder, p Process, now time.Time) error {
	pn, ok := p.Find(w.Node)
	if !ok {
		return nil
	}
	if w.Node == NodeTerminalTask && pn.Task != nil && pn.Task.AutoInvite && pn.Task.Mode == TaskInvite {
		var via []InviteMethod
		for _, m := range pn.Task.Methods {
			if m != InviteLink { // a bare link has nobody to go to until someone sends it
				via = append(via, m)
			}
		}
		if len(via) > 0 {
			if _, err := s.invite(tx, Actor{Name: "system"}, w, via, DefaultInviteTTL, now, "automatic"); err != nil {
				return err
			}
		}
	}
	if w.Node == NodeEvaluation {
		return s.enterEvaluation(tx, w, p, pn, now)
	}
	if w.Node == NodeFollowUp {
		return s.enterFollowUp(tx, w, p, pn, now)
	}
	return nil
}

// changeWorkOrder is the shape of a command on one work order: in one
// transaction it loads the work order (refusing a stale version), lets change
// move it and say what happened, saves it with the next version, appends the
// history event and runs after (notifications, timers); then it tells the consoles.
func (s *Service) changeWorkOrder(as Actor, number string, version uint64, kind string,
	change func(tx Tx, w *WorkOrder) (detail string, err error), after func(tx Tx, w *WorkOrder) error) (WorkOrder, error) {
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
		detail, err := change(tx, &w)
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

// moveDetail says in the history which node completed and where the work order went.
func moveDetail(m nodeMove, note string) string {
	if note != "" {
		return fmt.Sprintf("%s node completed: %s → %s", m.from, note, m.to)
	}
	return fmt.Sprintf("%s node completed → %s", m.from, m.to)
}

// AdvanceWorkOrder completes the work order's current process node and moves it
// to the next node of its record type's process (what an engineer's "Complete"
// does). The dispatch node completes only by assignment. version 0 skips the
// stale-view check.
func (s *Service) AdvanceWorkOrder(as Actor, number string, version uint64, note string) (WorkOrder, error) {
	w, _, err := s.advance(as, number, version, note, nil)
	return w, err
}

// CompleteService saves the service report's content and completes the
// service node in one transaction (the console's report form with "complete",
// R-REP-1): the report is generated from in, and the result says which
// messages carry it to the customer. Nothing is saved when either part fails.
func (s *Service) CompleteService(as Actor, number string, version uint64, in ReportInput) (ReportResult, error) {
	if err := canWriteReports(as); err != nil {
		return ReportResult{}, err
	}
	content, err := validateReport(in, s.Now(), true)
	if err != nil {
		return ReportResult{}, err
	}
	_, res, err := s.advance(as, number, version, "", &content)
	if err != nil {
		return ReportResult{}, err
	}
	if res == nil {
		return ReportResult{}, Invalid("number", "%s is not at the service node: its report was not generated.", number)
	}
	return *res, nil
}

// advance completes the work order's current node; with report set, the work
// order must be at the service node and report becomes its draft first. The
// result describes the report version generated, if one was.
func (s *Service) advance(as Actor, number string, version uint64, note string, report *ReportContent) (WorkOrder, *ReportResult, error) {
	if err := require(as, "complete process nodes", RoleAdmin, RoleDispatcher, RoleEngineer); err != nil {
		return WorkOrder{}, nil, err
	}
	note, verr := cleanText("note", "Note", note, false, 2000)
	if verr != nil {
		return WorkOrder{}, nil, verr
	}
	var m nodeMove
	var res *ReportResult
	w, err := s.changeWorkOrder(as, number, version, EventAdvanced, func(tx Tx, w *WorkOrder) (string, error) {
		if err := ownWorkOrder(as, w, "complete process nodes of", RoleAdmin, RoleDispatcher); err != nil {
			return "", err
		}
		if !w.Status.Open() {
			return "", Invalid("number", "%s is %s: there is no node left to complete.", w.Number, w.Status)
		}
		if w.Node == NodeDispatch {
			return "", Invalid("number", "%s is waiting at the dispatch node: assign it (`switchboard dispatch assign %s --engineer ID`) to move it on.", w.Number, w.Number)
		}
		if report != nil {
			if w.Node != NodeService {
				return "", Invalid("number", "%s is at the %s node, not the service node: its service is completed already.", w.Number, w.Node)
			}
			if err := tx.PutReportDraft(w.ID, &ReportDraft{ReportContent: *report, UpdatedAt: s.Now(), UpdatedBy: as.Label()}); err != nil {
				return "", err
			}
		}
		if err := evaluationGate(tx, w); err != nil {
			return "", err
		}
		p, err := readProcess(tx, w.RecordType)
		if err != nil {
			return "", err
		}
		m = moveOn(p, w, s.Now())
		return moveDetail(m, note), nil
	}, func(tx Tx, w *WorkOrder) error {
		// Completing the service node generates the service report (R-REP-1).
		var err error
		if res, err = s.reportAfterNode(tx, m.from, w, as); err != nil {
			return err
		}
		return s.afterMove(tx, w, m, s.Now())
	})
	return w, res, err
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
	var oldDue *time.Time
	var from Node
	return s.changeWorkOrder(as, number, version, EventTerminated, func(_ Tx, w *WorkOrder) (string, error) {
		if !w.Status.Open() {
			return "", Invalid("number", "%s is already %s.", w.Number, w.Status)
		}
		from = w.Node
		oldDue = w.NodeDueAt
		w.Node, w.Status, w.NodeDueAt = NodeTerminated, StatusTerminated, nil
		return fmt.Sprintf("terminated at the %s node: %s", from, reason), nil
	}, func(tx Tx, w *WorkOrder) error {
		if oldDue != nil {
			if err := tx.DeleteTimer(*oldDue, w.ID); err != nil {
				return err
			}
		}
		if err := s.leaveNode(tx, w, from, "the work order was terminated", s.Now()); err != nil {
			return err
		}
		_, err := s.enqueueNotice(tx, NoticeAction{Event: NoticeTerminated, Values: map[string]string{"Reason": reason}}, w)
		return err
	})
}

// --- process configuration (R-FLOW-1)

// Processes returns every record type's process, configured or default, in
// record-type order.
func (s *Service) Processes() ([]Process, error) {
	var out []Process
	err := s.store.View(func(tx Tx) error {
		out = out[:0]
		for _, t := range DefaultRecordTypes {
			p, err := readProcess(tx, t)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// Process returns one record type's process.
func (s *Service) Process(recordType string) (Process, error) {
	i := slices.IndexFunc(DefaultRecordTypes, func(t string) bool { return strings.EqualFold(t, strings.TrimSpace(recordType)) })
	if i < 0 {
		return Process{}, Invalid("type", "Record type %q is unknown: use one of %s.", recordType, strings.Join(DefaultRecordTypes, ", "))
	}
	var p Process
	err := s.store.View(func(tx Tx) (err error) {
		p, err = readProcess(tx, DefaultRecordTypes[i])
		return err
	})
	return p, err
}

// SetProcess validates and saves one record type's process. Work orders already
// at a node keep their timers; they follow the new order when their node completes.
func (s *Service) SetProcess(as Actor, p Process) (Process, error) {
	out, err := s.SetProcesses(as, []Process{p})
	if err != nil {
		return Process{}, err
	}
	return out[0], nil
}

// SetProcesses validates every process and saves them all, or none.
func (s *Service) SetProcesses(as Actor, ps []Process) ([]Process, error) {
	if err := require(as, "configure processes", RoleAdmin); err != nil {
		return nil, err
	}
	var errs ValidationErrors
	seen := map[string]bool{}
	for i := range ps {
		if err := ps[i].Validate(); err != nil {
			var ve ValidationErrors
			if errors.As(err, &ve) {
				for _, e := range ve {
					e.Message = ps[i].RecordType + ": " + e.Message
					errs = append(errs, e)
				}
				continue
			}
			return nil, err
		}
		if seen[ps[i].RecordType] {
			errs = append(errs, Invalid("record_type", "The %s process is listed twice: give each record type one process.", ps[i].RecordType))
		}
		seen[ps[i].RecordType] = true
	}
	if len(errs) > 0 {
		return nil, errs
	}
	err := s.store.Update(func(tx Tx) error {
		for _, p := range ps {
			if pn, ok := p.Find(NodeTerminalTask); ok && pn.Task.Processor != "" {
				u, err := tx.UserByLogin(pn.Task.Processor)
				if errors.Is(err, ErrNotFound) {
					return Invalid("processor", "%s: there is no user %q to process the terminal task: list them with `switchboard user list`.", p.RecordType, pn.Task.Processor)
				} else if err != nil {
					return err
				}
				if u.Disabled {
					return Invalid("processor", "%s: user %q is disabled and cannot process terminal tasks.", p.RecordType, u.Login)
				}
			}
			if err := checkEvaluationNode(tx, p); err != nil {
				return err
			}
			if err := checkTaskObject(tx, &p); err != nil {
				return err
			}
			if err := checkFollowUpNode(tx, p); err != nil {
				return err
			}
			if err := putJSON(tx, settingProcess(p.RecordType), p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.broker.publish(Change{Kind: "process"})
	return ps, nil
}

// ProcessFile is the file `switchboard process export|import` writes and reads.
type ProcessFile struct {
	Processes []Process `json:"processes"`
}

// ExportProcesses writes every record type's process as indented JSON.
func (s *Service) ExportProcesses() ([]byte, error) {
	ps, err := s.Processes()
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(ProcessFile{Processes: ps}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ImportProcesses reads a process file and saves every process in it, or none
// when any is wrong (each problem named with its record type and node).
func (s *Service) ImportProcesses(as Actor, data []byte) ([]Process, error) {
	var f ProcessFile
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, Invalid("file", "The process file is not valid: %s. Start from `switchboard process export`.", jsonProblem(data, err))
	}
	if len(f.Processes) == 0 {
		return nil, Invalid("file", "The process file lists no processes: it needs {\"processes\": [{\"record_type\": …, \"nodes\": […]}]}. Start from `switchboard process export`.")
	}
	return s.SetProcesses(as, f.Processes)
}

// jsonProblem says where a JSON decoding error is, as line:column.
func jsonProblem(data []byte, err error) string {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		off = int64(len(data))
		err = errors.New("the file ends before the JSON does")
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
		if te.Field != "" {
			err = fmt.Errorf("%s should be %s, not %s", te.Field, te.Type, te.Value)
		}
	}
	if off < 0 || off > int64(len(data)) {
		return err.Error()
	}
	line, col := 1, 1
	for _, c := range data[:off] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d, column %d: %s", line, col, err)
}

// --- timers (R-FLOW-3)

// PendingTimers lists scheduled node timeouts, earliest first.
func (s *Service) PendingTimers(limit int) ([]Timer, error) {
	var out []Timer
	err := s.store.View(func(tx Tx) (err error) {
		out, err = tx.Timers(limit)
		return err
	})
	return out, err
}

// FireDueTimers completes every node whose timeout has passed, each in its own
// transaction, and returns how many work orders moved on. Timers whose work order
// has left the node since (or is gone) are dropped.
func (s *Service) FireDueTimers() (int, error) {
	fired := 0
	for {
		var due []Timer
		if err := s.store.View(func(tx Tx) (err error) {
			due, err = tx.DueTimers(s.Now(), 100)
			return err
		}); err != nil {
			return fired, err
		}
		if len(due) == 0 {
			return fired, nil
		}
		for _, t := range due {
			ok, err := s.fireTimer(t)
			if err != nil {
				return fired, err
			}
			if ok {
				fired++
			}
		}
	}
}

func (s *Service) fireTimer(t Timer) (bool, error) {
	now := s.Now()
	var w WorkOrder
	moved := false
	err := s.store.Update(func(tx Tx) error {
		moved = false
		if err := tx.DeleteTimer(t.At, t.WorkOrder); err != nil {
			return err
		}
		var err error
		w, err = tx.WorkOrder(t.WorkOrder)
		if errors.Is(err, ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		if !w.Status.Open() || w.Node != t.Node || w.NodeDueAt == nil || !w.NodeDueAt.Equal(t.At) {
			return nil // the node completed some other way first
		}
		p, err := readProcess(tx, w.RecordType)
		if err != nil {
			return err
		}
		m := moveOn(p, &w, now)
		m.timeout, m.oldDue = true, nil // this timer is already deleted
		w.Version++
		w.UpdatedAt = now
		if err := tx.PutWorkOrder(&w); err != nil {
			return err
		}
		detail := fmt.Sprintf("the %s node timed out after %s and completed by itself (no data submitted) → %s", m.from, time.Duration(now.Sub(t.SetAt)).Round(time.Second), m.to)
		if pn, ok := p.Find(m.from); ok && pn.Timeout > 0 {
			detail = fmt.Sprintf("the %s node timed out after %s and completed by itself (no data submitted) → %s", m.from, pn.Timeout, m.to)
		}
		if err := tx.AppendEvent(w.ID, Event{At: now, By: "system", Channel: ChannelSystem, Kind: EventTimeout, Detail: detail}); err != nil {
			return err
		}
		moved = true
		return s.afterMove(tx, &w, m, now)
	})
	if err != nil {
		return false, fmt.Errorf("timer of %s at %s: %w", t.Number, t.Node, err)
	}
	if moved {
		s.broker.publish(Change{Kind: "work-order", WorkOrder: w.ID, Number: w.Number})
	}
	return moved, nil
}

// RunTimers fires due timers every interval until ctx ends; the console and
// `switchboard serve` run it, so timers set before a restart fire after it.
func (s *Service) RunTimers(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := s.FireDueTimers(); err != nil {
			log.Error("process timers", "err", err)
		} else if n > 0 {
			log.Info("process timers fired", "work_orders", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
