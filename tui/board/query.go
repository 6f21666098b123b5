package board

import (
	"slices"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// queue is the manual queue (R-DISP-2): new work orders waiting at the dispatch node.
var queue = core.WorkOrderQuery{Status: core.StatusNew, Node: core.NodeDispatch}

// request asks for the board rows [lo, hi) (oldest first) of generation gen,
// of the work orders in the queue that match text ("" for all). total is the
// length last seen, -1 when unknown.
type request struct {
	gen, lo, hi, total int
	text               string
}

// pageMsg carries board rows [start, start+len(rows)) back, oldest first.
type pageMsg struct {
	gen   int
	lo    int // the request's lo, to match it to the request in flight
	start int
	total int
	rows  []core.WorkOrderRow
	err   error
}

// fetch reads board rows. The service pages the queue newest first along its
// status/node index (by cursor, no full scan), so the oldest-first rows [lo, hi)
// are the newest-first rows (total-hi, total-lo], read backwards. The mapping uses
// the total of the same read, so it stays right when the queue changed meanwhile.
func fetch(svc *core.Service, req request) pageMsg {
	msg := pageMsg{gen: req.gen, lo: req.lo}
	q := queue
	q.Text = req.text
	total := req.total
	if total < 0 {
		p, err := svc.ListWorkOrders(withWindow(q, 0, 1))
		if err != nil {
			msg.err = err
			return msg
		}
		total = p.Total
	}
	off := max(0, total-req.hi)
	n := max(0, min(req.hi, total)-req.lo)
	if n == 0 && total > 0 {
		n = 1 // still learn the current total
	}
	p, err := svc.ListWorkOrders(withWindow(q, off, n))
	if err != nil {
		msg.err = err
		return msg
	}
	rows := p.Rows
	slices.Reverse(rows)
	msg.total = p.Total
	msg.start = max(0, p.Total-off-len(rows))
	msg.rows = rows
	return msg
}

func withWindow(q core.WorkOrderQuery, off, n int) core.WorkOrderQuery {
	q.Offset, q.Limit = off, n
	return q
}

// fetchCmd runs fetch off the update loop; req is a value the closure owns.
func fetchCmd(svc *core.Service, req request) tea.Cmd {
	return func() tea.Msg { return fetch(svc, req) }
}

// details is what the board shows of a work order beyond its list row: the due
// time and why no rule took it (the latest dispatch decision in its history).
type details struct {
	version uint64
	due     *time.Time
	reason  string
}

// detailsMsg carries details for some numbers back.
type detailsMsg struct {
	got map[string]details
	err error
}

// loadDetails reads the work orders numbers with their history.
func loadDetails(svc *core.Service, numbers []string) detailsMsg {
	msg := detailsMsg{got: make(map[string]details, len(numbers))}
	for _, n := range numbers {
		w, err := svc.WorkOrder(n)
		if err != nil {
			msg.err = err
			continue
		}
		msg.got[n] = details{version: w.Version, due: w.DueAt, reason: dispatchReason(w.History)}
	}
	return msg
}

func detailsCmd(svc *core.Service, numbers []string) tea.Cmd {
	return func() tea.Msg { return loadDetails(svc, numbers) }
}

// dispatchReason is the detail of the latest dispatch decision in history: why
// automatic dispatch left the work order waiting.
func dispatchReason(h []core.Event) string {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Kind == core.EventDispatch {
			return h[i].Detail
		}
	}
	return ""
}

// shortReason is a reason shortened for its column; the panel under the table
// shows it whole.
func shortReason(r string) string {
	if r == "" {
		return "not tried yet: press d to run dispatch"
	}
	return common.ShortDispatchReason(r)
}

// target is a work order to assign, with the version the dispatcher saw: if it
// changed since, the service refuses and says who changed it.
type target struct {
	number  string
	version uint64
}

// assignedMsg is the outcome of assigning targets to one engineer.
type assignedMsg struct {
	engineer string
	ok       []string
	failed   []failure
}

type failure struct {
	number string
	err    error
}

// assignCmd assigns each target in turn: one refusal does not stop the others.
func assignCmd(svc *core.Service, as core.Actor, targets []target, eng core.Engineer) tea.Cmd {
	targets = slices.Clone(targets)
	return func() tea.Msg {
		msg := assignedMsg{engineer: eng.Name}
		for _, t := range targets {
			if _, err := svc.AssignWorkOrder(as, t.number, t.version, eng.ID); err != nil {
				msg.failed = append(msg.failed, failure{t.number, err})
				continue
			}
			msg.ok = append(msg.ok, t.number)
		}
		return msg
	}
}

// dispatchedMsg is the outcome of running automatic dispatch.
type dispatchedMsg struct {
	res core.DispatchResult
	err error
}

func dispatchCmd(svc *core.Service, as core.Actor) tea.Cmd {
	return func() tea.Msg {
		res, err := svc.RunDispatch(as)
		return dispatchedMsg{res: res, err: err}
	}
}

// allMsg carries the whole queue, for select-all.
type allMsg struct {
	targets []target
	err     error
}

func allCmd(svc *core.Service, text string) tea.Cmd {
	q := queue
	q.Text = text // select all: all that the filter shows
	return func() tea.Msg {
		p, err := svc.ListWorkOrders(q)
		msg := allMsg{err: err}
		for _, r := range p.Rows {
			msg.targets = append(msg.targets, target{r.Number, r.Version})
		}
		return msg
	}
}
