package board

import (
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"switchboard/core"
	"switchboard/store/testdb"
	"switchboard/tui/common"
)

const benchQueue = 100_000

// seedQueue imports n work orders waiting at the dispatch node, 5,000 per
// transaction, then lets 20 rules that match none of them run once, so every
// work order carries the engine's reason in its history, as on a real board.
func seedQueue(b *testing.B, svc *core.Service, admin core.Actor, n int) {
	b.Helper()
	subjects := []string{"Compressor noise in cold room", "电梯门无法关闭", "Boiler pressure drops overnight", "空调不制冷，需要尽快上门检查", "Replace HVAC filter"}
	start := testdb.Epoch.Add(-time.Duration(n) * time.Minute)
	for lo := 0; lo < n; lo += 5000 {
		items := make([]core.ImportedWorkOrder, 0, 5000)
		for i := lo; i < min(n, lo+5000); i++ {
			due := start.Add(time.Duration(i)*time.Minute + 48*time.Hour)
			items = append(items, core.ImportedWorkOrder{
				NewWorkOrder: core.NewWorkOrder{
					Subject: fmt.Sprintf("%s #%d", subjects[i%len(subjects)], i), Region: []string{"East", "North", "South"}[i%3],
					Priority: core.AllPriorities[i%len(core.AllPriorities)], DueAt: &due,
				},
				CreatedAt: start.Add(time.Duration(i) * time.Minute),
			})
		}
		if _, err := svc.ImportWorkOrders(admin, items); err != nil {
			b.Fatal(err)
		}
	}
	p, err := svc.AddProvider(admin, "华东服务有限公司", "T-1")
	if err != nil {
		b.Fatal(err)
	}
	e, err := svc.AddEngineer(admin, core.NewEngineer{Name: "李师傅", ProviderID: p.ID})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 20 {
		if _, err := svc.AddRule(admin, core.NewRule{Kind: core.RuleDispatch, Name: fmt.Sprintf("Region %d", i),
			When: fmt.Sprintf(`region == "Region %d" && record_type == "Repair"`, i), Engineers: []core.ID{e.ID}}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := svc.RunDispatch(admin); err != nil {
		b.Fatal(err)
	}
}

// land runs the I/O the board has in flight inline and hands it the results, as
// the program would; it returns how many reads it ran.
func (m *Model) land(svc *core.Service) int {
	n := 0
	for m.inflight != nil || m.detailsInflight {
		if m.inflight != nil {
			m.Update(fetch(svc, *m.inflight))
		} else {
			m.Update(loadDetails(svc, m.detailsWant))
		}
		n++
	}
	return n
}

// BenchmarkBoardUpdateView100k measures one key press on the dispatch board with
// 100,000 work orders in the manual queue: Update, plus — when the key moved
// past what the board holds — the window and detail reads run inline (their cost
// amortised over the key presses they serve), plus View at 120×30 in true colour.
func BenchmarkBoardUpdateView100k(b *testing.B) {
	_, svc, _ := testdb.Open(b)
	admin := testdb.Admin(b, svc)
	t0 := time.Now()
	seedQueue(b, svc, admin, benchQueue)
	b.Logf("seeded and dispatched %d work orders in %s", benchQueue, time.Since(t0).Round(time.Millisecond))

	lipgloss.SetColorProfile(termenv.TrueColor)
	b.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })
	for _, bc := range []struct{ name, key string }{
		{"down", "down"},
		{"pgdown", "pgdown"},
		{"select", " "},
	} {
		b.Run(bc.name, func(b *testing.B) {
			keys := common.DefaultKeyMap()
			c := &common.Common{Svc: svc, Actor: admin, Keys: &keys, Styles: common.NewStyles(lipgloss.DefaultRenderer(), common.DefaultTheme()),
				Now: func() time.Time { return testdb.Epoch }, Width: 120, Height: 30}
			m := New(c)
			m.SetSize(120, 27)
			m.Init()
			m.land(svc)
			var k tea.KeyMsg
			switch bc.key {
			case "down":
				k = tea.KeyMsg{Type: tea.KeyDown}
			case "pgdown":
				k = tea.KeyMsg{Type: tea.KeyPgDown}
			default:
				k = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")}
			}
			home := tea.KeyMsg{Type: tea.KeyHome}
			reads := 0
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if m.list.Cursor() >= m.total-1 {
					m.Update(home)
				} else {
					m.Update(k)
				}
				reads += m.land(svc)
				_ = m.View()
			}
			b.ReportMetric(float64(reads)/float64(b.N), "reads/op")
		})
	}
}
