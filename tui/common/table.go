package common

import "strings"

// Column is one column of a Table. A fixed column has Width > 0; a flexible one
// shares the room left over by Weight, never below Min.
type Column struct {
	Title  string
	Width  int
	Weight int
	Min    int
	Right  bool
	// Hide is the order in which columns give way on narrow terminals (1 first);
	// 0 never hides.
	Hide int
}

// MarkerWidth is the room before each row for the cursor marker ("> ").
const MarkerWidth = 2

// Table lays columns out for one width: the widths (0 for a hidden column) and
// the rendered header. Cells are cut and padded by display width, so Chinese
// text keeps the columns aligned.
type Table struct {
	Cols   []Column
	Widths []int
	Header string
	Width  int
}

// NewTable fits cols into width cells (after the marker), hiding the least
// important columns until the rest fit.
func NewTable(cols []Column, width int) Table {
	t := Table{Cols: cols, Widths: make([]int, len(cols)), Width: width}
	shown := make([]bool, len(cols))
	for i := range shown {
		shown[i] = true
	}
	for rank := 1; !t.fit(shown) && rank <= len(cols); rank++ {
		for i, c := range cols {
			if c.Hide == rank {
				shown[i] = false
			}
		}
	}
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = c.Title
	}
	t.Header = Fit(strings.Repeat(" ", MarkerWidth)+t.Row(titles, nil), width)
	return t
}

// fit computes widths for the shown columns and reports whether they fit; when
// nothing fits it still leaves usable widths (the row is cut at the edge).
func (t *Table) fit(shown []bool) bool {
	fixed, weights, n := MarkerWidth, 0, 0
	for i, c := range t.Cols {
		t.Widths[i] = 0
		if !shown[i] {
			continue
		}
		n++
		if c.Width > 0 {
			fixed += c.Width
		} else {
			fixed += c.Min
			weights += c.Weight
		}
	}
	fixed += max(0, n-1) // one space between columns
	spare := max(0, t.Width-fixed)
	given, firstFlex := 0, -1
	for i, c := range t.Cols {
		if !shown[i] {
			continue
		}
		if c.Width > 0 {
			t.Widths[i] = c.Width
			continue
		}
		extra := 0
		if weights > 0 {
			extra = spare * c.Weight / weights
		}
		t.Widths[i] = c.Min + extra
		given += extra
		if firstFlex < 0 {
			firstFlex = i // the first flexible column takes the rounding
		}
	}
	if firstFlex >= 0 {
		t.Widths[firstFlex] += spare - given
	}
	return t.Width >= fixed
}

// Shown reports whether column i has room at this width.
func (t *Table) Shown(i int) bool { return t.Widths[i] > 0 }

// Row joins cells (one per column, hidden ones skipped) fitted to their widths.
// style, when set, wraps a fitted cell (for colour); it must not change its width.
func (t *Table) Row(cells []string, style func(col int, cell string) string) string {
	var b strings.Builder
	first := true
	for i, c := range t.Cols {
		w := t.Widths[i]
		if w == 0 || i >= len(cells) {
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		v := Clean(cells[i])
		if c.Right {
			v = FitRight(v, w)
		} else {
			v = Fit(v, w)
		}
		if style != nil {
			v = style(i, v)
		}
		b.WriteString(v)
	}
	return b.String()
}

// Line draws a whole row: the cursor marker, the cells, padding to the table's
// width, and the selected-row style over everything when selected.
func (t *Table) Line(s *Styles, cells []string, selected bool, style func(col int, cell string) string) string {
	marker := "  "
	if selected {
		marker, style = "> ", nil // the selected row's own style runs unbroken
	}
	line := Truncate(marker+t.Row(cells, style), t.Width)
	if pad := t.Width - Width(line); pad > 0 {
		line += strings.Repeat(" ", pad)
	}
	if selected {
		return s.SelectedRow.Render(line)
	}
	return line
}
