package workorders

import (
	"fmt"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/table"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"switchboard/core"
	"switchboard/store/testdb"
	"switchboard/tui/common"
)

const benchSize = 100_000

// seed100k imports benchSize work orders through the service, 5,000 per transaction.
func seed100k(b *testing.B, svc *core.Service, admin core.Actor) {
	b.Helper()
	statuses := []core.Status{core.StatusNew, core.StatusAssigned, core.StatusInProgress, core.StatusCompleted, core.StatusTerminated}
	nodes := []core.Node{core.NodeDispatch, core.NodeService, core.NodeEvaluation, core.NodeEnd, core.NodeTerminated}
	subjects := []string{"Compressor noise in cold room", "电梯门无法关闭", "Boiler pressure drops overnight", "空调不制冷，需要尽快上门检查", "Replace HVAC filter", "Water leak under unit"}
	prios := core.AllPriorities
	start := testdb.Epoch.Add(-benchSize * time.Minute)
	for lo := 0; lo < benchSize; lo += 5000 {
		items := make([]core.ImportedWorkOrder, 0, 5000)
		for i := lo; i < lo+5000; i++ {
			items = append(items, core.ImportedWorkOrder{
				NewWorkOrder: core.NewWorkOrder{
					Subject: fmt.Sprintf("%s #%d", subjects[i%len(subjects)], i), Phone: fmt.Sprintf("138%08d", i%50000),
					Region: []string{"East", "North", "South"}[i%3], Priority: prios[i%len(prios)],
				},
				CreatedAt: start.Add(time.Duration(i) * time.Minute),
				Status:    statuses[i%5], Node: nodes[i%5],
			})
		}
		if _, err := svc.ImportWorkOrders(admin, items); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListUpdateView100k measures one key press on the work-order list over
// 100,000 work orders: Update, plus — when the key moved past the rows held — the
// page fetch from the store run inline (so its cost is included, amortised over
// the key presses it serves), plus View at 120×30 in true colour.
func BenchmarkListUpdateView100k(b *testing.B) {
	_, svc, _ := testdb.Open(b)
	admin := testdb.Admin(b, svc)
	t0 := time.Now()
	seed100k(b, svc, admin)
	b.Logf("seeded %d work orders in %s", benchSize, time.Since(t0).Round(time.Millisecond))

	lipgloss.SetColorProfile(termenv.TrueColor)
	b.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })

	for _, bc := range []struct {
		name  string
		key   string
		setup func(m *Model)
	}{
		{"down", "down", nil},
		{"pgdown", "pgdown", nil},
		{"pgdown/status-filter", "pgdown", func(m *Model) { m.Update(press("s")) }},
		{"pgdown/sorted-by-priority", "pgdown", func(m *Model) { m.Update(press("o")) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			keys := common.DefaultKeyMap()
			c := &common.Common{Svc: svc, Actor: admin, Keys: &keys, Styles: common.NewStyles(lipgloss.DefaultRenderer(), common.DefaultTheme()),
				Now: func() time.Time { return testdb.Epoch }, Width: 120, Height: 30}
			m := New(c)
			m.SetSize(120, 27) // 30 rows less header and footer
			m.Init()
			m.land(b)
			if bc.setup != nil {
				bc.setup(m)
				m.land(b)
			}
			k, home := press(bc.key), press("g")
			fetches := 0
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if m.list.Cursor() >= m.total-1 {
					m.Update(home)
				} else {
					m.Update(k)
				}
				if m.inflight != nil {
					fetches++
					m.Update(fetch(svc, *m.inflight))
				}
				_ = m.View()
			}
			b.ReportMetric(float64(fetches)/float64(b.N), "fetches/op")
			ours := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(ours/anchorNs(b, bc.key), "x-bubbles-table")
		})
	}
}

// anchorNs is the anchor of BenchmarkListUpdateView100k, measured in the same
// run: the same key on bubbles' own table component holding the same 100,000
// rows in memory (no store behind it), Update plus View at the same size, in
// nanoseconds per key. The benchmark reports its own time as a multiple of it.
func anchorNs(b *testing.B, k string) float64 {
	b.Helper()
	if anchorTable == nil {
		cols := []table.Column{{Title: "number", Width: 9}, {Title: "status", Width: 11}, {Title: "priority", Width: 8}, {Title: "subject", Width: 40}, {Title: "region", Width: 8}, {Title: "age", Width: 4}}
		rows := make([]table.Row, benchSize)
		statuses := []string{"new", "assigned", "in-progress", "completed", "terminated"}
		for i := range rows {
			rows[i] = table.Row{core.FormatNumber(uint64(benchSize - i)), statuses[i%5], string(core.AllPriorities[i%len(core.AllPriorities)]), fmt.Sprintf("Compressor noise in cold room #%d", i), []string{"East", "North", "South"}[i%3], "3d"}
		}
		t := table.New(table.WithColumns(cols), table.WithRows(rows), table.WithHeight(27), table.WithWidth(120), table.WithFocused(true))
		anchorTable = &t
	}
	t := *anchorTable
	key := press(k)
	const n = 200
	start := time.Now()
	for range n {
		if t.Cursor() >= benchSize-1 {
			t.GotoTop()
		}
		t, _ = t.Update(key)
		_ = t.View()
	}
	return float64(time.Since(start).Nanoseconds()) / n
}

var anchorTable *table.Model
