package workorders

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
)

// SearchDebounce is how long typing must pause before a search runs: a
// search of 100,000 work orders takes about 10 ms (the store keeps their
// search texts in memory), so a pause this short already means "show me";
// faster typing than one key per 40 ms runs one search for the burst.
const SearchDebounce = 40 * time.Millisecond

// statusChoices and nodeChoices are what the filter keys cycle through; "" is all.
var (
	statusChoices = append([]core.Status{""}, core.AllStatuses...)
	nodeChoices   = append([]core.Node{""}, core.AllNodes...)
)

// sortChoice is one order the list can be in, with words for either direction.
type sortChoice struct {
	key       core.SortKey
	down, asc string
}

var sortChoices = []sortChoice{
	{core.SortCreated, "newest first", "oldest first"},
	{core.SortPriority, "most urgent first", "least urgent first"},
	{core.SortStatus, "status", "status, reversed"},
	{core.SortSubject, "subject A→Z", "subject Z→A"},
	{core.SortAccount, "account A→Z", "account Z→A"},
	{core.SortUpdated, "recently changed first", "least recently changed first"},
}

// request is one window of rows asked of the service. gen is the generation of the
// query it belongs to: a result whose generation is no longer current is dropped.
type request struct {
	gen int
	q   core.WorkOrderQuery // with Offset and Limit set
}

// pageMsg carries a window of rows back from the service.
type pageMsg struct {
	gen   int
	start int
	page  core.WorkOrderPage
	err   error
}

// fetch runs req against the service. It is the body of fetchCmd, separate so the
// benchmark can run the same I/O without a program.
func fetch(svc *core.Service, req request) pageMsg {
	page, err := svc.ListWorkOrders(req.q)
	return pageMsg{gen: req.gen, start: req.q.Offset, page: page, err: err}
}

// fetchCmd runs req off the update loop. req is a value: the closure owns its copy.
func fetchCmd(svc *core.Service, req request) tea.Cmd {
	return func() tea.Msg { return fetch(svc, req) }
}
