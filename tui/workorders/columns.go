package workorders

import (
	"strings"
	"time"

	"switchboard/core"
	"switchboard/tui/common"
)

// column is one column of the work-order table. A fixed column has width > 0; a
// flexible one shares the space left over by weight, never below min.
type column struct {
	title  string
	width  int
	weight int
	min    int
	right  bool
	// hide is the order in which columns give way on narrow terminals (1 first);
	// 0 never hides.
	hide int
	cell func(r *core.WorkOrderRow, now time.Time) string
}

var columns = []column{
	{title: "number", width: 9, cell: func(r *core.WorkOrderRow, _ time.Time) string { return r.Number }},
	{title: "status", width: 11, hide: 5, cell: func(r *core.WorkOrderRow, _ time.Time) string { return string(r.Status) }},
	{title: "node", width: 13, hide: 1, cell: func(r *core.WorkOrderRow, _ time.Time) string { return string(r.Node) }},
	{title: "priority", width: 8, hide: 4, cell: func(r *core.WorkOrderRow, _ time.Time) string { return string(r.Priority) }},
	{title: "subject", weight: 3, min: 12, cell: func(r *core.WorkOrderRow, _ time.Time) string { return r.Subject }},
	{title: "account", weight: 2, min: 8, hide: 3, cell: func(r *core.WorkOrderRow, _ time.Time) string { return r.AccountName }},
	{title: "engineer", weight: 2, min: 8, hide: 2, cell: func(r *core.WorkOrderRow, _ time.Time) string { return r.EngineerName }},
	{title: "age", width: 4, right: true, cell: func(r *core.WorkOrderRow, now time.Time) string { return common.Age(now, r.CreatedAt) }},
}

// markerWidth is the cursor marker before each row ("> "), which keeps the cursor
// visible without colour (and in the golden files).
const markerWidth = 2

// layout is the table's column widths for one terminal width; a hidden column
// has width 0.
type layout struct {
	widths []int
	header string
}

// newLayout fits the columns into width cells, hiding the least important ones
// until the rest fit.
func newLayout(width int) layout {
	shown := make([]bool, len(columns))
	for i := range shown {
		shown[i] = true
	}
	widths := make([]int, len(columns))
	for rank := 1; ; rank++ {
		if fits(width, shown, widths) || rank > len(columns) {
			break
		}
		for i, c := range columns {
			if c.hide == rank {
				shown[i] = false
			}
		}
	}
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", markerWidth))
	first := true
	for i, c := range columns {
		if widths[i] == 0 {
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		if c.right {
			b.WriteString(common.FitRight(c.title, widths[i]))
		} else {
			b.WriteString(common.Fit(c.title, widths[i]))
		}
	}
	return layout{widths: widths, header: common.Fit(b.String(), width)}
}

// fits computes widths for the shown columns and reports whether they fit.
func fits(width int, shown []bool, widths []int) bool {
	fixed, weights, n := markerWidth, 0, 0
	for i, c := range columns {
		widths[i] = 0
		if !shown[i] {
			continue
		}
		n++
		if c.width > 0 {
			fixed += c.width
		} else {
			fixed += c.min
			weights += c.weight
		}
	}
	fixed += n - 1 // one space between columns
	spare := width - fixed
	if spare < 0 {
		return false
	}
	given := 0
	lastFlex := -1
	for i, c := range columns {
		if !shown[i] {
			continue
		}
		if c.width > 0 {
			widths[i] = c.width
			continue
		}
		extra := spare * c.weight / weights
		widths[i] = c.min + extra
		given += extra
		if lastFlex < 0 {
			lastFlex = i // the first flexible column (subject) takes the rounding
		}
	}
	if lastFlex >= 0 {
		widths[lastFlex] += spare - given
	}
	return true
}
