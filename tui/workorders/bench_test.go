package workorders

import (
	"fmt"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/list"
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

// BenchmarkSearchAsYouType100k types a search into the work-order list of the
// demo company with 100,000 work orders, a key at a time: each keystroke's
// query (the page the list shows, from the store) is what ms/key measures;
// visible-ms is how long after the last key the results are on screen (the
// list's debounce, the query, the frame). The anchor, in the same run: bubbles'
// list filtering the same rows' number and subject in memory
// (list.DefaultFilter), per keystroke.
func BenchmarkSearchAsYouType100k(b *testing.B) {
	_, svc, _ := testdb.Demo100k(b)
	admin := testdb.Admin(b, svc)
	var targets []string
	for off := 0; ; off += 10000 {
		p, err := svc.ListWorkOrders(core.WorkOrderQuery{Offset: off, Limit: 10000})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range p.Rows {
			targets = append(targets, r.Number+" "+r.Subject)
		}
		if len(p.Rows) < 10000 {
			break
		}
	}
	for _, text := range []string{"compressor", "冷库压缩机"} {
		b.Run(text, func(b *testing.B) {
			keys := []rune(text)
			keys2 := make([]string, len(keys))
			for i := range keys {
				keys2[i] = string(keys[:i+1])
			}
			keys3 := func(yield func(string) bool) {
				for _, k := range keys2 {
					if !yield(k) {
						return
					}
				}
			}
			c := newBenchCommon(svc, admin)
			m := New(c)
			m.SetSize(120, 27)
			m.Init()
			m.land(b)
			var last time.Duration
			b.ResetTimer()
			for b.Loop() {
				for k := range keys3 {
					t0 := time.Now()
					if _, err := svc.ListWorkOrders(core.WorkOrderQuery{Text: k, Limit: 81}); err != nil {
						b.Fatal(err)
					}
					last = time.Since(t0)
				}
			}
			b.StopTimer()
			perKey := float64(b.Elapsed().Microseconds()) / 1000 / float64(b.N*len(keys2))
			b.ReportMetric(perKey, "ms/key")
			// The frame once the results are in.
			m.Update(common.SetFilterMsg{Text: text})
			m.land(b)
			t0 := time.Now()
			_ = m.View()
			frame := time.Since(t0)
			b.ReportMetric(float64((SearchDebounce+last+frame).Microseconds())/1000, "visible-ms")
			// The anchor.
			t0 = time.Now()
			for k := range keys3 {
				_ = list.DefaultFilter(k, targets)
			}
			anchor := float64(time.Since(t0).Microseconds()) / 1000 / float64(len(keys2))
			b.ReportMetric(perKey/anchor, "x-bubbles-list")
		})
	}
}

func newBenchCommon(svc *core.Service, admin core.Actor) *common.Common {
	keys := common.DefaultKeyMap()
	return &common.Common{Svc: svc, Actor: admin, Keys: &keys, Styles: common.NewStyles(lipgloss.DefaultRenderer(), common.DefaultTheme()),
		Now: func() time.Time { return testdb.Epoch }, Width: 120, Height: 30}
}
