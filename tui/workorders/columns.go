package workorders

import (
	"time"

	"switchboard/core"
	"switchboard/tui/common"
)

// column is one column of the work-order table: its layout and its cell.
type column struct {
	common.Column
	cell func(r *core.WorkOrderRow, now time.Time) string
}

var columns = []column{
	{common.Column{Title: "number", Width: 9}, func(r *core.WorkOrderRow, _ time.Time) string { return r.Number }},
	{common.Column{Title: "status", Width: 11, Hide: 5}, func(r *core.WorkOrderRow, _ time.Time) string { return string(r.Status) }},
	{common.Column{Title: "node", Width: 13, Hide: 1}, func(r *core.WorkOrderRow, _ time.Time) string { return string(r.Node) }},
	{common.Column{Title: "priority", Width: 8, Hide: 4}, func(r *core.WorkOrderRow, _ time.Time) string { return string(r.Priority) }},
	{common.Column{Title: "subject", Weight: 3, Min: 12}, func(r *core.WorkOrderRow, _ time.Time) string { return r.ListSubject() }},
	{common.Column{Title: "account", Weight: 2, Min: 8, Hide: 3}, func(r *core.WorkOrderRow, _ time.Time) string { return r.AccountName }},
	{common.Column{Title: "engineer", Weight: 2, Min: 8, Hide: 2}, func(r *core.WorkOrderRow, _ time.Time) string { return r.EngineerName }},
	{common.Column{Title: "age", Width: 4, Right: true}, func(r *core.WorkOrderRow, now time.Time) string { return common.Age(now, r.CreatedAt) }},
}

// Column indexes the status and priority cells are coloured by.
const (
	colStatus   = 1
	colPriority = 3
)

func listColumns() []common.Column {
	out := make([]common.Column, len(columns))
	for i, c := range columns {
		out[i] = c.Column
	}
	return out
}
