package tui

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/tui/common"
)

// TestSavedViewsAndExport (issue 17): on the work-order list, a status filter
// and a text filter are saved with v under a name, recalled from the palette
// after the filters were cleared, and x saves exactly the work orders the
// list shows as CSV where the person is. The board saves its filter too.
func TestSavedViewsAndExport(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 120, 40)
	h.waitView("1 of 12")
	h.key("/")
	h.typeText("北京")
	h.key("enter")
	h.waitFor("filtered", func(v string) bool { return strings.Contains(v, " of ") && !strings.Contains(v, "of 12") })
	page, err := f.svc.ListWorkOrders(core.WorkOrderQuery{Text: "北京"})
	if err != nil || page.Total == 0 || page.Total == 12 {
		t.Fatalf("fixture query: %d %v", page.Total, err)
	}
	h.key("v")
	h.waitView("Save this view as")
	h.typeText("Beijing")
	h.key("enter")
	h.waitView("Saved view Beijing")
	vs, err := f.svc.Views(f.admin)
	if err != nil || len(vs) != 1 || vs[0].Query.Text != "北京" || vs[0].Screen != "work-orders" {
		t.Fatalf("views: %+v %v", vs, err)
	}

	h.key("x")
	h.waitView("Save the list as CSV as", "work-orders-")
	h.send(keyMsg("ctrl+u"))
	h.typeText("beijing.csv")
	h.key("enter")
	h.waitView("Saved " + strconv.Itoa(page.Total) + " work orders as CSV:")
	raw, err := os.ReadFile(filepath.Join(f.files.dir, "beijing.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// It starts with a byte-order mark: Excel reads the Chinese as UTF-8 then.
	body, bom := bytes.CutPrefix(raw, []byte("\ufeff"))
	if !bom {
		t.Errorf("the console's CSV starts %q, not with a byte-order mark", raw[:min(len(raw), 8)])
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(rows) != page.Total+1 || rows[0][0] != core.WorkOrderCSVColumns[0] {
		t.Fatalf("csv: %d rows (%v), want %d + header", len(rows), err, page.Total)
	}

	// Clear the filter, then recall the view from the palette.
	h.key("c")
	h.waitView("1 of 12")
	h.key(":")
	h.typeText("view beij")
	h.waitView("view Beijing")
	h.key("enter")
	h.waitView(`View "Beijing".`, "1 of "+strconv.Itoa(page.Total))

	// The board saves its filter.
	h.goTo(common.BoardScreen)
	h.waitView("Manual queue")
	h.key("/")
	h.typeText("East")
	h.key("enter")
	h.key("v")
	h.waitView("Save this view (the filter) as")
	h.typeText("East queue")
	h.key("enter")
	h.waitView("Saved view East queue")
	vs, _ = f.svc.Views(f.admin)
	if len(vs) != 2 || vs[1].Screen != "board" || vs[1].Query.Text != "East" {
		t.Fatalf("views: %+v", vs)
	}

	// ctrl+d in the palette removes a saved view.
	h.key(":")
	h.typeText("view beij")
	h.waitView("> view Beijing", "ctrl+d removes this view")
	h.send(keyMsg("ctrl+d"))
	h.waitView(`Removed saved view "Beijing".`)
	if vs, _ = f.svc.Views(f.admin); len(vs) != 1 || vs[0].Name != "East queue" {
		t.Fatalf("views after removal: %+v", vs)
	}
}
