package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"switchboard/core"
	"switchboard/store/testdb"
)

func TestMain(m *testing.M) {
	// No terminal in tests: plain text, and no background query (it can hang).
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	os.Exit(m.Run())
}

// fixture is a real service on a real bbolt file with a small, fixed company.
// Tests reach the store through core's port only (DESIGN: tui never imports
// store).
type fixture struct {
	st    core.Store
	svc   *core.Service
	admin core.Actor
	clk   *testdb.Clock
	now   time.Time
	db    string
	// files is where the console saves what is asked for (a temp dir).
	files dirSaver
}

// newFixture builds the dataset the model and golden tests share: accounts and
// contacts (some Chinese), a provider with engineers, and twelve work orders of
// various ages, statuses and nodes (two with due times), all created through the
// service.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	st, svc, clk := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	f := &fixture{st: st, svc: svc, admin: admin, clk: clk, now: testdb.Epoch, db: "/var/lib/switchboard/switchboard.db", files: dirSaver{t.TempDir()}}

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	zhang, err := svc.AddContact(admin, core.NewContact{Name: "张伟", Phone: "138 0013 8000", AccountName: "北京华联商厦", TerminalUser: true})
	must(err)
	maria, err := svc.AddContact(admin, core.NewContact{Name: "Maria Schmidt", Email: "maria@acme.example", AccountName: "Acme Facilities"})
	must(err)
	li, err := svc.AddContact(admin, core.NewContact{Name: "李娜", Phone: "139 0013 9000", AccountName: "上海浦东国际机场"})
	must(err)
	prov, err := svc.AddProvider(admin, "华东服务有限公司", "T-1001")
	must(err)
	engLi, err := svc.AddEngineer(admin, core.NewEngineer{Name: "李师傅", ProviderID: prov.ID, Phone: "13700137000"})
	must(err)
	engSam, err := svc.AddEngineer(admin, core.NewEngineer{Name: "Sam Porter", ProviderID: prov.ID})
	must(err)

	at := func(d time.Duration) time.Time { return testdb.Epoch.Add(-d) }
	day := 24 * time.Hour
	assigned := func(when time.Time) *time.Time { return &when }
	items := []core.ImportedWorkOrder{
		{NewWorkOrder: core.NewWorkOrder{Subject: "Boiler pressure drops overnight", ContactID: maria.Contact.ID, Priority: core.PriorityHigh, Region: "West"}, CreatedAt: at(40 * day), Status: core.StatusCompleted, Node: core.NodeEnd,
			AssignWay: core.AssignAuto, AssignTime: assigned(at(40*day - time.Hour)), Provider: &prov, Engineer: &engSam},
		{NewWorkOrder: core.NewWorkOrder{Subject: "空调不制冷，需要尽快上门检查压缩机和冷媒", ContactID: zhang.Contact.ID, Priority: core.PriorityUrgent, Region: "华北", Address: "北京市朝阳区建国路 88 号", DeviceCode: "AC-0042", Description: "客户反映空调开机后只吹热风。\nCustomer says the unit blows warm air since Monday."}, CreatedAt: at(9 * day), Status: core.StatusAssigned, Node: core.NodeService,
			AssignUser: "dispatch1", AssignWay: core.AssignManual, AssignTime: assigned(at(8 * day)), Provider: &prov, Engineer: &engLi,
			History: []core.Event{{At: at(8 * day), By: "dispatch1", Channel: core.ChannelInternal, Kind: "dispatched", Detail: "assigned to 李师傅 (华东服务有限公司) by hand: no dispatch rule matched region 华北"}}},
		{NewWorkOrder: core.NewWorkOrder{Subject: "Replace HVAC filter", ContactID: maria.Contact.ID, DueAt: assigned(at(2 * day))}, CreatedAt: at(7 * day), Status: core.StatusNew, Node: core.NodeDispatch},
		{NewWorkOrder: core.NewWorkOrder{Subject: "电梯门无法关闭", ContactID: li.Contact.ID, Priority: core.PriorityHigh, RecordType: "Inspection"}, CreatedAt: at(5 * day), Status: core.StatusInProgress, Node: core.NodeEvaluation,
			AssignWay: core.AssignAuto, AssignTime: assigned(at(5*day - time.Hour)), Provider: &prov, Engineer: &engLi},
		{NewWorkOrder: core.NewWorkOrder{Subject: "Water leak under unit 4", Phone: "+44 20 7946 0000", Priority: core.PriorityLow}, CreatedAt: at(3 * day), Status: core.StatusTerminated, Node: core.NodeTerminated},
		{NewWorkOrder: core.NewWorkOrder{Subject: "Compressor noise in cold room", ContactID: maria.Contact.ID, RecordType: "Maintenance"}, CreatedAt: at(2 * day), Status: core.StatusNew, Node: core.NodeDispatch},
		{NewWorkOrder: core.NewWorkOrder{Subject: "扫码报修：打印机卡纸", ContactID: li.Contact.ID, Channel: core.ChannelDeviceCode, DeviceCode: "PR-7"}, CreatedAt: at(30 * time.Hour), Status: core.StatusAssigned, Node: core.NodeService, AssignWay: core.AssignAuto, AssignTime: assigned(at(29 * time.Hour)), Provider: &prov, Engineer: &engSam},
		{NewWorkOrder: core.NewWorkOrder{Subject: "Install badge reader at gate B", ContactID: maria.Contact.ID, RecordType: "Installation", DueAt: assigned(at(-4 * time.Hour))}, CreatedAt: at(20 * time.Hour), Status: core.StatusNew, Node: core.NodeDispatch},
		{NewWorkOrder: core.NewWorkOrder{Subject: "冷库温度报警", ContactID: zhang.Contact.ID, Priority: core.PriorityUrgent}, CreatedAt: at(5 * time.Hour), Status: core.StatusNew, Node: core.NodeDispatch},
		{NewWorkOrder: core.NewWorkOrder{Subject: "Quarterly inspection, fire doors", ContactID: maria.Contact.ID, RecordType: "Inspection", Priority: core.PriorityLow}, CreatedAt: at(3 * time.Hour), Status: core.StatusInProgress, Node: core.NodeFollowUp, AssignWay: core.AssignAuto, AssignTime: assigned(at(2 * time.Hour)), Provider: &prov, Engineer: &engSam},
		{NewWorkOrder: core.NewWorkOrder{Subject: "Caller reports tripped breaker", Phone: "13800138000"}, CreatedAt: at(45 * time.Minute), Status: core.StatusNew, Node: core.NodeDispatch},
	}
	_, err = svc.ImportWorkOrders(admin, items)
	must(err)
	// One made the ordinary way, by a call-center agent, a moment ago.
	agent := f.user(t, "amy", core.RoleCallCenter)
	clk.T = testdb.Epoch.Add(-2 * time.Minute)
	_, err = svc.CreateWorkOrder(agent, core.NewWorkOrder{Subject: "Fridge warm in store 12", ContactID: zhang.Contact.ID, Channel: core.ChannelCallCenter})
	must(err)
	clk.T = testdb.Epoch
	return f
}

// user adds an internal user and logs in as it.
func (f *fixture) user(t testing.TB, login string, roles ...core.Role) core.Actor {
	t.Helper()
	if _, err := f.svc.AddUser(f.admin, core.NewUser{Login: login, Name: strings.ToUpper(login), Roles: roles}); err != nil {
		t.Fatal(err)
	}
	a, err := f.svc.Login(login)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *fixture) options() Options {
	now := f.now
	return Options{DBPath: f.db, Now: func() time.Time { return now }, Files: f.files}
}

// dirSaver saves a console's files in a directory, as a client process saves
// them in its working directory (cmd/switchboard's clientfiles does the real
// thing over the socket; its tmux test checks that).
type dirSaver struct{ dir string }

// SaveFile writes data as name in the directory, never over a file.
func (d dirSaver) SaveFile(name string, data []byte, mode os.FileMode) (string, error) {
	p := filepath.Join(d.dir, filepath.Base(name))
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", err
	}
	return p, f.Close()
}

// harness drives a root model the way a Bubble Tea program does, but
// synchronously from the test: commands run in goroutines and their messages are
// fed back into Update one at a time, on the test's goroutine.
type harness struct {
	t    testing.TB
	m    *Model
	msgs chan tea.Msg
}

func newHarness(t testing.TB, f *fixture, as core.Actor, w, h int) *harness {
	t.Helper()
	return newHarnessWith(t, f, as, w, h, f.options())
}

// newHarnessWith is newHarness with the console's options given.
func newHarnessWith(t testing.TB, f *fixture, as core.Actor, w, h int, opt Options) *harness {
	t.Helper()
	hs := &harness{t: t, m: New(f.svc, as, opt).(*Model), msgs: make(chan tea.Msg, 1024)}
	t.Cleanup(hs.m.Close)
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	hs.run(hs.m.Init())
	return hs
}

// run starts cmd; a batch runs each part.
func (h *harness) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		h.msgs <- cmd()
	}()
}

// send delivers msg to the model and runs what it returns.
func (h *harness) send(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
		return
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
		return
	}
	if isNoise(msg) {
		return
	}
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

// isNoise is true for cursor blinks and spinner frames: endless timers that would
// keep a synchronous driver busy forever and change nothing a test looks at.
func isNoise(msg tea.Msg) bool {
	name := fmt.Sprintf("%T", msg)
	return strings.HasPrefix(name, "cursor.") || name == "spinner.TickMsg"
}

// key sends key presses: "enter", "esc", "ctrl+s", "down", or one rune.
func (h *harness) key(keys ...string) {
	for _, k := range keys {
		h.send(keyMsg(k))
	}
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "ctrl+s":
		return tea.KeyMsg{Type: tea.KeyCtrlS}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "ctrl+u":
		return tea.KeyMsg{Type: tea.KeyCtrlU}
	case "ctrl+a":
		return tea.KeyMsg{Type: tea.KeyCtrlA}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "ctrl+d":
		return tea.KeyMsg{Type: tea.KeyCtrlD}
	case "ctrl+k":
		return tea.KeyMsg{Type: tea.KeyCtrlK}
	case "ctrl+x":
		return tea.KeyMsg{Type: tea.KeyCtrlX}
	}
	if len([]rune(k)) > 1 {
		// A name this switch does not know would reach the console as runes
		// typed in a burst — one key press each — not as the key named.
		panic("keyMsg: add the key " + k)
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// typeText types s one character at a time.
func (h *harness) typeText(s string) {
	for _, r := range s {
		h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// waitFor processes messages until the view satisfies cond, failing after 20s
// (generous: CI runs every package at once on two cores; a pass is fast).
func (h *harness) waitFor(what string, cond func(view string) bool) string {
	h.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		v := ansi.Strip(h.m.View()) // a console in colour: the text between the escapes
		if cond(v) {
			return v
		}
		select {
		case msg := <-h.msgs:
			h.send(msg)
		case <-deadline:
			h.t.Fatalf("timed out waiting for %s; view:\n%s", what, v)
		}
	}
}

// waitView waits until the view contains all of parts.
func (h *harness) waitView(parts ...string) string {
	h.t.Helper()
	return h.waitFor(strings.Join(parts, ", "), func(v string) bool {
		for _, p := range parts {
			if !strings.Contains(v, p) {
				return false
			}
		}
		return true
	})
}

// waitFooter waits until the footer shows text: a refusal shows under its
// field before the footer's copy of it arrives.
func (h *harness) waitFooter(text string) {
	h.t.Helper()
	h.waitFor("the footer "+text, func(string) bool { return strings.Contains(h.m.footer, text) })
}

// settle processes messages until none arrives for d.
func (h *harness) settle(d time.Duration) {
	for {
		select {
		case msg := <-h.msgs:
			h.send(msg)
		case <-time.After(d):
			return
		}
	}
}
