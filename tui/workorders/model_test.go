package workorders

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"switchboard/core"
	"switchboard/store/testdb"
	"switchboard/tui/common"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	os.Exit(m.Run())
}

// newScreen returns the list screen over a fresh database with n work orders whose
// subjects are "Boiler 1", "Boiler 2", … and, every tenth, "Chiller n".
func newScreen(t testing.TB, n int, width, height int) (*Model, *core.Service) {
	t.Helper()
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	items := make([]core.ImportedWorkOrder, 0, n)
	for i := 1; i <= n; i++ {
		subject := fmt.Sprintf("Boiler %d", i)
		if i%10 == 0 {
			subject = fmt.Sprintf("Chiller %d", i)
		}
		items = append(items, core.ImportedWorkOrder{NewWorkOrder: core.NewWorkOrder{Subject: subject}, CreatedAt: testdb.Epoch.Add(-time.Duration(n-i) * time.Hour)})
	}
	if n > 0 {
		if _, err := svc.ImportWorkOrders(admin, items); err != nil {
			t.Fatal(err)
		}
	}
	keys := common.DefaultKeyMap()
	c := &common.Common{Svc: svc, Actor: admin, Keys: &keys, Styles: common.NewStyles(lipgloss.DefaultRenderer(), common.DefaultTheme()),
		Now: func() time.Time { return testdb.Epoch }}
	m := New(c)
	m.SetSize(width, height)
	m.Init()
	m.land(t)
	return m, svc
}

// land runs the request in flight, if any, and hands its result to the screen,
// as the program would; it repeats until the screen asks for nothing more.
func (m *Model) land(t testing.TB) {
	t.Helper()
	for i := 0; m.inflight != nil; i++ {
		if i > 10 {
			t.Fatal("the screen keeps asking for pages")
		}
		m.Update(fetch(m.c.Svc, *m.inflight))
	}
}

// debounceTick runs cmd (a keystroke's commands) and returns the filter's
// debounce tick among its messages.
func debounceTick(t testing.TB, cmd tea.Cmd) tea.Msg {
	t.Helper()
	var find func(c tea.Cmd) tea.Msg
	find = func(c tea.Cmd) tea.Msg {
		if c == nil {
			return nil
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			for _, x := range msg {
				if m := find(x); m != nil {
					return m
				}
			}
		default:
			if fmt.Sprintf("%T", msg) == "common.filterTickMsg" {
				return msg
			}
		}
		return nil
	}
	m := find(cmd)
	if m == nil {
		t.Fatal("the keystroke started no debounce tick")
	}
	return m
}

func press(s string) tea.KeyMsg {
	switch s {
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// TestSearchDebounceDropsStale: only the tick of the last keystroke searches, and a
// result that arrives after a newer query started is dropped.
func TestSearchDebounceDropsStale(t *testing.T) {
	m, svc := newScreen(t, 50, 100, 20)
	if m.total != 50 {
		t.Fatalf("total %d", m.total)
	}
	m.Update(press("/"))
	c1 := m.Update(press("c"))
	c2 := m.Update(press("h"))
	if m.text != "" {
		t.Fatalf("typing must not search before the debounce: text %q", m.text)
	}
	tick1, tick2 := debounceTick(t, c1), debounceTick(t, c2)
	genBefore := m.gen
	if cmd := m.Update(tick1); m.gen != genBefore || m.text != "" {
		t.Fatalf("the first keystroke's tick is stale and must do nothing (gen %d→%d, text %q, cmd %v)", genBefore, m.gen, m.text, cmd != nil)
	}
	m.Update(tick2)
	if m.text != "ch" || m.gen != genBefore+1 || m.inflight == nil || m.inflight.q.Text != "ch" {
		t.Fatalf("the last tick should search for %q: text %q, gen %d, inflight %+v", "ch", m.text, m.gen, m.inflight)
	}
	stale := *m.inflight

	// The user types on before that search returns; its result must not show.
	m.Update(debounceTick(t, m.Update(press("i"))))
	if m.text != "chi" {
		t.Fatalf("text %q", m.text)
	}
	fresh := *m.inflight
	m.Update(fetch(svc, stale))
	if m.total != 50 || m.win.gen == stale.gen {
		t.Fatalf("a stale result was installed: total %d, window gen %d", m.total, m.win.gen)
	}
	m.Update(fetch(svc, fresh))
	if m.total != 5 || m.win.gen != fresh.gen {
		t.Fatalf("the current result should be installed: total %d", m.total)
	}
	v := m.View()
	if strings.Contains(v, "Boiler") || !strings.Contains(v, "Chiller 50") {
		t.Fatalf("view after search:\n%s", v)
	}
}

// TestVirtualised: the screen holds a window of rows, never the whole result, and
// pages from the service as the cursor moves.
func TestVirtualised(t *testing.T) {
	m, _ := newScreen(t, 1000, 100, 22)
	h := m.visibleRows()
	if h != 20 {
		t.Fatalf("visible rows %d", h)
	}
	if len(m.win.rows) >= 1000 || len(m.win.rows) == 0 {
		t.Fatalf("window holds %d rows", len(m.win.rows))
	}
	for range 30 {
		m.Update(press("pgdown"))
		m.land(t)
	}
	if c, top := m.list.Cursor(), m.list.Top(); c != 600 || top != 600 {
		t.Fatalf("cursor %d top %d after 30 pages of 20", c, top)
	}
	if top := m.list.Top(); m.win.start > top || m.win.end() < top+h {
		t.Fatalf("window [%d,%d) does not cover the visible rows [%d,%d)", m.win.start, m.win.end(), top, top+h)
	}
	v := m.View()
	if n := strings.Count(v, "\n") + 1; n != 22 {
		t.Fatalf("view has %d lines, want 22", n)
	}
	// Newest first: row 600 is work order 1000-600 = 400.
	if !strings.Contains(v, "> WO-000400") {
		t.Fatalf("selected row:\n%s", v)
	}
	m.Update(press("G"))
	m.land(t)
	if r, ok := m.Selected(); !ok || r.Number != "WO-000001" {
		t.Fatalf("end should select the oldest, got %+v %v", r, ok)
	}
}

// TestMovingAheadOfTheWindow: keys pressed faster than pages arrive show
// placeholders, never wrong rows, and one request is in flight at a time.
func TestMovingAheadOfTheWindow(t *testing.T) {
	m, _ := newScreen(t, 1000, 100, 22)
	m.Update(press("G"))
	first := m.inflight
	if first == nil {
		t.Fatal("jumping to the end should fetch")
	}
	m.Update(press("g"))
	m.Update(press("G"))
	if m.inflight != first {
		t.Fatal("a second request went out while one was in flight")
	}
	v := m.View()
	if !strings.Contains(v, "  ·") || strings.Contains(v, "WO-000001 ") {
		t.Fatalf("rows not yet loaded should be placeholders:\n%s", v)
	}
	m.land(t)
	if v := m.View(); !strings.Contains(v, "> WO-000001") {
		t.Fatalf("after landing:\n%s", v)
	}
}

// TestCJKAlignment: every row is exactly as wide as the screen, whatever the script.
func TestCJKAlignment(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	for _, s := range []string{"空调不制冷，需要尽快上门检查压缩机和冷媒以及室外机", "Boiler", "電梯門無法關閉 ok", "e\u0301clair crème brûlée"} {
		if _, err := svc.AddContact(admin, core.NewContact{Name: s, AccountName: s + " 有限公司"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: s}); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range []int{60, 77, 120, 161} {
		keys := common.DefaultKeyMap()
		c := &common.Common{Svc: svc, Actor: admin, Keys: &keys, Styles: common.NewStyles(lipgloss.DefaultRenderer(), common.DefaultTheme()), Now: func() time.Time { return testdb.Epoch }}
		m := New(c)
		m.SetSize(w, 10)
		m.Init()
		m.land(t)
		lines := strings.Split(m.View(), "\n")
		for i, l := range lines[1:6] {
			if got := common.Width(l); got != w {
				t.Errorf("width %d: line %d is %d cells: %q", w, i+1, got, l)
			}
		}
	}
}
