package process

import (
	"fmt"
	"os"
	"reflect"
	"slices"
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

// driver runs the screen the way the console does, synchronously from the
// test: commands run in goroutines and their messages come back into Update one
// at a time; footer messages (which the root shows) are kept for the test.
type driver struct {
	t      *testing.T
	m      *Model
	svc    *core.Service
	admin  core.Actor
	msgs   chan tea.Msg
	status string
	err    string
	// hold, when set, keeps matching messages from the screen (to order events).
	hold func(tea.Msg) bool
	held []tea.Msg
}

// newDriver opens the screen on a fresh database as the actor as returns
// (the admin when as is nil), and waits for the processes to load.
func newDriver(t *testing.T, as func(svc *core.Service, admin core.Actor) core.Actor) *driver {
	t.Helper()
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	actor := admin
	if as != nil {
		actor = as(svc, admin)
	}
	keys := common.DefaultKeyMap()
	c := &common.Common{Svc: svc, Actor: actor, Keys: &keys, Styles: common.NewStyles(lipgloss.DefaultRenderer(), common.DefaultTheme()),
		Now: func() time.Time { return testdb.Epoch }, Width: 120, Height: 40}
	d := &driver{t: t, m: New(c), svc: svc, admin: admin, msgs: make(chan tea.Msg, 256)}
	d.m.SetSize(120, 38)
	d.run(d.m.Init())
	d.waitFor("the processes", func() bool { return d.m.loaded })
	return d
}

func (d *driver) run(cmd tea.Cmd) {
	if cmd != nil {
		go func() { d.msgs <- cmd() }()
	}
}

func (d *driver) send(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
		return
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
		return
	case common.StatusMsg:
		d.status = msg.Text
		return
	case common.ErrorMsg:
		d.err = msg.Err.Error()
		return
	}
	if name := fmt.Sprintf("%T", msg); strings.HasPrefix(name, "cursor.") || name == "spinner.TickMsg" {
		return // endless blinks and spinner frames
	}
	if d.hold != nil && d.hold(msg) {
		d.held = append(d.held, msg)
		return
	}
	d.run(d.m.Update(msg))
}

func (d *driver) key(keys ...string) {
	for _, k := range keys {
		d.send(keyMsg(k))
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
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")}
	case "ctrl+s":
		return tea.KeyMsg{Type: tea.KeyCtrlS}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

func (d *driver) typeText(s string) {
	for _, r := range s {
		d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// waitFor processes messages until cond holds, failing after 5 s.
func (d *driver) waitFor(what string, cond func() bool) {
	d.t.Helper()
	deadline := time.After(5 * time.Second)
	for !cond() {
		select {
		case msg := <-d.msgs:
			d.send(msg)
		case <-deadline:
			d.t.Fatalf("timed out waiting for %s; footer %q / %q; view:\n%s", what, d.status, d.err, d.m.View())
		}
	}
}

// settle processes messages until none comes for a while (writes finish).
func (d *driver) settle() {
	for {
		select {
		case msg := <-d.msgs:
			d.send(msg)
		case <-time.After(150 * time.Millisecond):
			return
		}
	}
}

// saved waits until every queued write is done and returns the footer's status.
func (d *driver) saved() string {
	d.t.Helper()
	d.waitFor("the writes", func() bool { return d.m.Pending() == 0 && !d.m.busy.Waiting() })
	d.settle()
	return d.status
}

func (d *driver) stored(recordType string) core.Process {
	d.t.Helper()
	p, err := d.svc.Process(recordType)
	if err != nil {
		d.t.Fatal(err)
	}
	return p
}

func nodeOrder(p core.Process) []core.Node {
	out := make([]core.Node, len(p.Nodes))
	for i, n := range p.Nodes {
		out[i] = n.Node
	}
	return out
}

func shown(m *Model, recordType string) core.Process {
	for _, p := range m.Processes() {
		if p.RecordType == recordType {
			return p
		}
	}
	return core.Process{}
}

var defaultOrder = []core.Node{core.NodeDispatch, core.NodeService, core.NodeTerminalTask, core.NodeEvaluation, core.NodeFollowUp}

// TestMoveNodeSavesAtOnce (R-FLOW-1): K and J move the selected node; each
// move shows at once, is written through SetProcess, and the cursor follows it.
func TestMoveNodeSavesAtOnce(t *testing.T) {
	d := newDriver(t, nil)
	if rt, n := d.m.Selected(); rt != "Repair" || n != core.NodeDispatch {
		t.Fatalf("the screen should open on Repair's first node, got %s/%s", rt, n)
	}
	d.key("j", "j", "j") // evaluation
	d.key("K")
	want := []core.Node{core.NodeDispatch, core.NodeService, core.NodeEvaluation, core.NodeTerminalTask, core.NodeFollowUp}
	if got := nodeOrder(shown(d.m, "Repair")); !slices.Equal(got, want) {
		t.Fatalf("the list should show the move at once: %v", got)
	}
	if _, n := d.m.Selected(); n != core.NodeEvaluation {
		t.Errorf("the cursor should follow the moved node, it is on %s", n)
	}
	status := d.saved()
	if got := nodeOrder(d.stored("Repair")); !slices.Equal(got, want) {
		t.Fatalf("stored order %v, want %v", got, want)
	}
	if !strings.Contains(status, "Moved the evaluation node up in the Repair process: dispatch → service → evaluation → terminal-task → follow-up → end.") {
		t.Errorf("footer: %q", status)
	}
	// Two presses before the first write lands: both are written, in order.
	d.key("J", "J")
	d.saved()
	want = []core.Node{core.NodeDispatch, core.NodeService, core.NodeTerminalTask, core.NodeFollowUp, core.NodeEvaluation}
	if got := nodeOrder(d.stored("Repair")); !slices.Equal(got, want) {
		t.Fatalf("after J J the stored order is %v, want %v", got, want)
	}
	// Other record types are untouched.
	if got := nodeOrder(d.stored("Installation")); !slices.Equal(got, defaultOrder) {
		t.Errorf("Installation changed: %v", got)
	}
	if !strings.Contains(d.m.View(), "evaluation") {
		t.Errorf("view:\n%s", d.m.View())
	}
}

// TestRefusedMoveLeavesList (R-FLOW-1): moving the service node above dispatch
// is refused with core's sentence; list and store stay as they were.
func TestRefusedMoveLeavesList(t *testing.T) {
	d := newDriver(t, nil)
	d.key("j", "K")
	d.settle()
	if !strings.Contains(d.err, "Repair: The dispatch node must come first") {
		t.Fatalf("the footer should carry core's sentence, got %q", d.err)
	}
	if got := nodeOrder(shown(d.m, "Repair")); !slices.Equal(got, defaultOrder) {
		t.Errorf("the list changed: %v", got)
	}
	if d.m.Pending() != 0 {
		t.Errorf("a refused move was queued")
	}
	if got := nodeOrder(d.stored("Repair")); !slices.Equal(got, defaultOrder) {
		t.Errorf("the store changed: %v", got)
	}
	// Removing dispatch while service is listed is refused too (after y).
	d.key("k", "X", "y")
	d.settle()
	if !strings.Contains(d.err, "The service node needs the dispatch node before it") {
		t.Errorf("removing dispatch: %q", d.err)
	}
	if got := nodeOrder(d.stored("Repair")); !slices.Equal(got, defaultOrder) {
		t.Errorf("the store changed: %v", got)
	}
}

// TestRemoveAndAddNode (R-FLOW-1): X then y removes a node; any other key keeps
// it; n offers the nodes not listed and adds the chosen one at its usual place.
func TestRemoveAndAddNode(t *testing.T) {
	d := newDriver(t, nil)
	d.key("j", "j", "j", "X", "n")
	d.settle()
	if d.status != "Nothing removed." || len(d.stored("Repair").Nodes) != 5 {
		t.Fatalf("a key other than y should keep the node: %q", d.status)
	}
	d.key("X")
	if v := d.m.View(); !strings.Contains(v, "Remove the evaluation node from the Repair process?") {
		t.Fatalf("the question is missing:\n%s", v)
	}
	d.key("y")
	status := d.saved()
	want := []core.Node{core.NodeDispatch, core.NodeService, core.NodeTerminalTask, core.NodeFollowUp}
	if got := nodeOrder(d.stored("Repair")); !slices.Equal(got, want) {
		t.Fatalf("after removing evaluation: %v", got)
	}
	if !strings.Contains(status, "Removed the evaluation node") {
		t.Errorf("footer: %q", status)
	}
	if _, n := d.m.Selected(); n != core.NodeFollowUp {
		t.Errorf("the cursor should land on the next node, it is on %s", n)
	}
	// The picker offers exactly the missing node; it goes back before follow-up.
	d.key("n")
	v := d.m.View()
	if !strings.Contains(v, "add a node to the Repair process") || !strings.Contains(v, "> evaluation") || strings.Contains(v, "> dispatch") {
		t.Fatalf("picker:\n%s", v)
	}
	d.key("enter")
	d.saved()
	if got := nodeOrder(d.stored("Repair")); !slices.Equal(got, defaultOrder) {
		t.Fatalf("after adding evaluation back: %v", got)
	}
	if _, n := d.m.Selected(); n != core.NodeEvaluation {
		t.Errorf("the cursor should be on the added node, it is on %s", n)
	}
	// With every node listed, n says so and opens nothing.
	d.key("n")
	d.settle()
	if d.m.mode != modeList || !strings.Contains(d.status, "already has every node") {
		t.Errorf("n with nothing to add: mode %d, footer %q", d.m.mode, d.status)
	}
	// A removed terminal-task node comes back with its default settings.
	d.key("k", "X", "y")
	d.saved()
	d.key("n", "enter")
	d.saved()
	if pn, ok := d.stored("Repair").Find(core.NodeTerminalTask); !ok || pn.Task == nil || pn.Task.Mode != core.TaskInvite {
		t.Errorf("terminal-task added back: %+v", pn)
	}
}

// TestRecordTypesPane (R-FLOW-1): ← focuses the record types; ↓ picks the next
// type, whose nodes show; a change there touches only that type.
func TestRecordTypesPane(t *testing.T) {
	d := newDriver(t, nil)
	d.key("left", "down")
	if rt, _ := d.m.Selected(); rt != "Installation" {
		t.Fatalf("↓ on the types should select Installation, got %s", rt)
	}
	if d.m.bindings().moveUp.Enabled() {
		t.Errorf("K should be disabled while the types have the cursor")
	}
	d.key("K") // nothing: the key is disabled in this pane
	d.key("enter", "j", "j", "X", "y")
	d.saved()
	if got := nodeOrder(d.stored("Installation")); slices.Contains(got, core.NodeTerminalTask) {
		t.Errorf("Installation should have lost its terminal-task node: %v", got)
	}
	if got := nodeOrder(d.stored("Repair")); !slices.Equal(got, defaultOrder) {
		t.Errorf("Repair changed: %v", got)
	}
}

// openForm puts the cursor on node n of Repair and opens its settings.
func (d *driver) openForm(n core.Node) {
	d.t.Helper()
	i := slices.Index(nodeOrder(shown(d.m, "Repair")), n)
	if i < 0 {
		d.t.Fatalf("Repair has no %s node", n)
	}
	d.key("g")
	for range i {
		d.key("j")
	}
	d.key("enter")
	if !d.m.InForm() {
		d.t.Fatalf("enter did not open the form:\n%s", d.m.View())
	}
	d.settle() // the users for the processor check
}

// focusRow moves the form's cursor to the row editing field.
func (d *driver) focusRow(field string) {
	d.t.Helper()
	f := d.m.form
	for range len(f.rows) + 1 {
		if f.rows[f.focus].field == field {
			return
		}
		d.key("tab")
	}
	d.t.Fatalf("the form has no row for %s:\n%s", field, d.m.View())
}

// TestTimeoutValidatedAsTyped (R-FLOW-3): the timeout is checked on every
// keystroke with core's own parser and limits; a wrong one does not save; a
// right one saves with ctrl+s and closes the form.
func TestTimeoutValidatedAsTyped(t *testing.T) {
	d := newDriver(t, nil)
	d.openForm(core.NodeService)
	if !d.m.Capturing() {
		t.Fatal("the timeout field should have the keyboard")
	}
	d.typeText("2x")
	if v := d.m.View(); !strings.Contains(v, `Timeout "2x" is not a duration: write e.g. 90m, 48h or 3d.`) {
		t.Fatalf("the parse error should show as typed:\n%s", v)
	}
	d.key("ctrl+s")
	d.settle()
	if !d.m.InForm() || !strings.Contains(d.err, "is not a duration") {
		t.Fatalf("a wrong timeout must not save: form %v, footer %q", d.m.InForm(), d.err)
	}
	d.key("backspace", "backspace")
	d.typeText("30s")
	if v := d.m.View(); !strings.Contains(v, "out of range: use between 1m and 365d") {
		t.Fatalf("core's range check should show as typed:\n%s", v)
	}
	for range 3 {
		d.key("backspace")
	}
	d.typeText("2d")
	if v := d.m.View(); strings.Contains(v, "↳") || !strings.Contains(v, "✓ 2d after a work order arrives") {
		t.Fatalf("a right timeout shows no error:\n%s", v)
	}
	if got := d.stored("Repair"); got.Nodes[1].Timeout != 0 {
		t.Fatal("typing must not save")
	}
	d.key("ctrl+s")
	status := d.saved()
	if d.m.InForm() {
		t.Fatalf("the form should close once saved:\n%s", d.m.View())
	}
	if got := d.stored("Repair").Nodes[1]; got.Node != core.NodeService || got.Timeout != core.Duration(48*time.Hour) {
		t.Fatalf("stored service node: %+v", got)
	}
	if !strings.Contains(status, "Saved the service node of the Repair process: times out after 2d.") {
		t.Errorf("footer: %q", status)
	}
	// esc leaves a changed form without saving.
	d.openForm(core.NodeService)
	d.key("backspace", "backspace")
	d.key("esc")
	d.settle()
	if d.m.InForm() || d.stored("Repair").Nodes[1].Timeout != core.Duration(48*time.Hour) || !strings.Contains(d.status, "Nothing saved") {
		t.Errorf("esc: form %v, footer %q, stored %v", d.m.InForm(), d.status, d.stored("Repair").Nodes[1].Timeout)
	}
	// The dispatch node has no timeout field: it cannot time out.
	d.openForm(core.NodeDispatch)
	if v := d.m.View(); !strings.Contains(v, "The dispatch node cannot time out") || d.m.form.hasRow("timeout") {
		t.Errorf("dispatch form:\n%s", v)
	}
}

// TestTerminalTaskForm (R-TASK-1, R-TASK-2): mode, processor, invitation
// methods, automatic invitation, editable fields and "create a device" are
// edited from the keyboard, checked as they change, and saved exactly.
func TestTerminalTaskForm(t *testing.T) {
	d := newDriver(t, nil)
	if _, err := d.svc.AddUser(d.admin, core.NewUser{Login: "amy", Name: "Amy Zhao", Roles: []core.Role{core.RoleCallCenter}}); err != nil {
		t.Fatal(err)
	}
	d.openForm(core.NodeTerminalTask)
	f := d.m.form

	// Methods: link is on; ← → walk the options, space flips.
	d.focusRow("task.methods")
	d.key("space") // link off: an inviting task without methods is refused as it changes
	if !strings.Contains(d.m.View(), "A task that invites the account needs at least one invitation method") {
		t.Fatalf("no methods should be refused at once:\n%s", d.m.View())
	}
	d.key("right", "right", "space", "right", "space") // sms, email
	if !slices.Equal(f.node.Task.Methods, []core.InviteMethod{core.InviteSMS, core.InviteEmail}) {
		t.Fatalf("methods: %v", f.node.Task.Methods)
	}
	// Automatic invitation with on-behalf is refused with core's sentence.
	d.focusRow("task.auto_invite")
	d.key("space")
	d.focusRow("task.mode")
	d.key("right")
	if f.node.Task.Mode != core.TaskOnBehalf || !strings.Contains(d.m.View(), "Automatic invitation needs mode invite") {
		t.Fatalf("on-behalf with automatic invitation:\n%s", d.m.View())
	}
	d.key("left")
	// The processor is checked against the users as it is typed.
	d.focusRow("task.processor")
	d.typeText("amx")
	if !strings.Contains(d.m.View(), `There is no user "amx" to process the terminal task`) {
		t.Fatalf("unknown processor:\n%s", d.m.View())
	}
	d.key("backspace")
	d.typeText("y")
	if v := d.m.View(); strings.Contains(v, "no user") || !strings.Contains(v, "✓ Amy Zhao (call-center)") {
		t.Fatalf("known processor:\n%s", v)
	}
	// Editable fields: phone and address.
	d.focusRow("task.edit_fields")
	d.key("right", "right", "space", "right", "right", "space")
	// A device with its location.
	d.focusRow("task.create.object")
	d.key("space")
	d.focusRow("task.create.fields")
	d.key("space") // code: always on
	d.settle()
	if !strings.Contains(d.status, "Code is always asked for: a new device needs it.") {
		t.Errorf("the device code cannot be switched off: %q", d.status)
	}
	d.key("right", "right", "space")
	d.key("ctrl+s")
	d.saved()
	if d.m.InForm() {
		t.Fatalf("not saved: %q\n%s", d.err, d.m.View())
	}
	pn, _ := d.stored("Repair").Find(core.NodeTerminalTask)
	want := core.TaskSettings{Mode: core.TaskInvite, Processor: "amy", EditFields: []string{"phone", "address"},
		Create:  &core.CreateObject{Object: "device", Fields: []string{"code", "location"}},
		Methods: []core.InviteMethod{core.InviteSMS, core.InviteEmail}, AutoInvite: true}
	if got := pn.Task; got == nil || !reflect.DeepEqual(*got, want) {
		t.Fatalf("stored task settings\n got %+v\nwant %+v", pn.Task, want)
	}
	// The list describes it with core's words.
	if v := d.m.View(); !strings.Contains(v, "invite by sms or email (automatic)") {
		t.Errorf("list:\n%s", v)
	}
	// Switching "create a device" off and on again in one sitting keeps its fields.
	d.openForm(core.NodeTerminalTask)
	d.focusRow("task.create.object")
	d.key("space", "space")
	if c := d.m.form.node.Task.Create; c == nil || !slices.Equal(c.Fields, []string{"code", "location"}) {
		t.Errorf("create fields after off/on: %+v", c)
	}
}

// TestProcessorRefusedByStore (R-TASK-1): when the store refuses the form's
// node (here the processor check, before the user list arrived), the form
// stays open with the error under the processor, and nothing is saved.
func TestProcessorRefusedByStore(t *testing.T) {
	d := newDriver(t, nil)
	d.hold = func(msg tea.Msg) bool { _, ok := msg.(usersMsg); return ok }
	d.key("j", "j", "enter")
	d.focusRow("task.processor")
	d.typeText("ghost")
	d.key("ctrl+s")
	d.waitFor("the refusal", func() bool { return d.err != "" })
	d.settle()
	if !d.m.InForm() {
		t.Fatal("the form should stay open")
	}
	if !strings.Contains(d.err, `there is no user "ghost"`) {
		t.Errorf("footer: %q", d.err)
	}
	if msg := d.m.form.errs["task.processor"]; !strings.Contains(msg, "ghost") {
		t.Errorf("the processor row should carry the error, errs %v", d.m.form.errs)
	}
	if pn, _ := d.stored("Repair").Find(core.NodeTerminalTask); pn.Task.Processor != "" {
		t.Errorf("saved anyway: %+v", pn.Task)
	}
	// Cleared, it saves.
	for range 5 {
		d.key("backspace")
	}
	d.key("ctrl+s")
	d.saved()
	if d.m.InForm() {
		t.Errorf("the form should close:\n%s", d.m.View())
	}
}

// TestPostActions (R-FLOW-2, R-NOTE-2): a post-action is added with its kind,
// event, channels and recipients, saved, and deleted again; what the form does
// not edit (staff recipients, template overrides) is kept.
func TestPostActions(t *testing.T) {
	d := newDriver(t, nil)
	d.openForm(core.NodeService)
	d.key("tab") // onto "+ Add a post-action"
	d.key("enter")
	if _, ok := d.m.form.errs["post_actions[0].notice.event"]; ok || d.m.form.rows[d.m.form.focus].field != "post_actions[0].kind" {
		t.Fatalf("the new post-action should have the cursor:\n%s", d.m.View())
	}
	d.key("tab", "right", "right", "right", "right") // event: service-report
	d.key("tab", "right", "right", "space")          // channels: sms
	d.key("tab", "space")                            // the owner alone cannot be unticked: nobody would get it
	d.settle()
	if !strings.Contains(d.status, "The external owner gets it while nobody else is chosen") || len(d.m.form.node.PostActions[0].Notice.Recipients) != 1 {
		t.Fatalf("unticking the only recipient: %q %+v", d.status, d.m.form.node.PostActions[0].Notice.Recipients)
	}
	d.key("right", "space") // recipients: + engineer
	d.key("tab")
	d.typeText("ops@example.com")
	d.key("ctrl+s")
	d.saved()
	if d.m.InForm() {
		t.Fatalf("not saved: %q", d.err)
	}
	got := d.stored("Repair").Nodes[1].PostActions
	want := []core.PostAction{{Kind: core.PostNotify, Notice: core.NoticeAction{Event: core.NoticeServiceReport,
		Channels:   []core.NoticeChannel{core.NoticeSMS},
		Recipients: []core.RecipientSpec{{Kind: core.RecipientOwner}, {Kind: core.RecipientEngineer}, {Kind: core.RecipientExplicit, Address: "ops@example.com"}}}}}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Fatalf("stored post-actions\n got %+v\nwant %+v", got, want)
	}
	if v := d.m.View(); !strings.Contains(v, `1. external notification "Service report" → external owner, engineer, ops@example.com · sms`) {
		t.Errorf("the panel should describe the post-action:\n%s", v)
	}

	// An SMS notification: its channel is SMS whatever was ticked.
	d.openForm(core.NodeService)
	d.focusRow("post_actions[0].kind")
	d.key("n")
	d.key("right")
	d.key("ctrl+s")
	d.saved()
	if got := d.stored("Repair").Nodes[1].PostActions; len(got) != 2 || got[1].Kind != core.PostSMS || !slices.Equal(got[1].Notice.Channels, []core.NoticeChannel{core.NoticeSMS}) {
		t.Fatalf("SMS post-action: %+v", got)
	}

	// Settings the form does not edit survive a save of the form.
	p := d.stored("Repair")
	p.Nodes[1].PostActions[0].Notice.Recipients = append(p.Nodes[1].PostActions[0].Notice.Recipients, core.RecipientSpec{Kind: core.RecipientStaff, Login: "admin"})
	p.Nodes[1].PostActions[0].Notice.Templates = map[core.NoticeChannel]core.Template{core.NoticeSMS: {Body: "Report for #WorkOrderNumber# is ready."}}
	if _, err := d.svc.SetProcess(d.admin, p); err != nil {
		t.Fatal(err)
	}
	d.send(common.ProcessChangedMsg{})
	d.settle()
	d.openForm(core.NodeService)
	if v := d.m.View(); !strings.Contains(v, "kept as they are: staff admin, own SMS template") {
		t.Fatalf("the form should say what it keeps:\n%s", v)
	}
	// Delete the SMS notification (X on its kind row), then save.
	d.focusRow("post_actions[1].kind")
	d.key("X")
	if len(d.m.form.node.PostActions) != 1 {
		t.Fatalf("X should delete the post-action from the form: %+v", d.m.form.node.PostActions)
	}
	d.key("ctrl+s")
	d.saved()
	got = d.stored("Repair").Nodes[1].PostActions
	if len(got) != 1 || !slices.ContainsFunc(got[0].Notice.Recipients, func(r core.RecipientSpec) bool { return r.Login == "admin" }) ||
		got[0].Notice.Templates[core.NoticeSMS].Body != "Report for #WorkOrderNumber# is ready." {
		t.Fatalf("after deleting the second post-action: %+v", got)
	}
	// Clearing the address takes the explicit recipient out.
	d.openForm(core.NodeService)
	d.focusRow("post_actions[0].notice.address")
	for range len("ops@example.com") {
		d.key("backspace")
	}
	d.key("ctrl+s")
	d.saved()
	for _, r := range d.stored("Repair").Nodes[1].PostActions[0].Notice.Recipients {
		if r.Kind == core.RecipientExplicit {
			t.Errorf("the explicit recipient should be gone: %+v", r)
		}
	}
}

// TestReadOnlyForNonAdmins (R-ROLE-1): a dispatcher sees the processes and
// each node's settings, but the changing keys are disabled and say why, and
// nothing reaches the store.
func TestReadOnlyForNonAdmins(t *testing.T) {
	d := newDriver(t, func(svc *core.Service, admin core.Actor) core.Actor {
		if _, err := svc.AddUser(admin, core.NewUser{Login: "dora", Name: "Dora", Roles: []core.Role{core.RoleDispatcher}}); err != nil {
			t.Fatal(err)
		}
		a, err := svc.Login("dora")
		if err != nil {
			t.Fatal(err)
		}
		return a
	})
	if v := d.m.View(); !strings.Contains(v, "Read only: dora (dispatcher) may not configure processes: that needs the role admin.") {
		t.Fatalf("view:\n%s", v)
	}
	k := d.m.bindings()
	for name, b := range map[string]bool{"K": k.moveUp.Enabled(), "J": k.moveDown.Enabled(), "X": k.del.Enabled(), "n": k.add.Enabled()} {
		if b {
			t.Errorf("%s should be disabled for a dispatcher", name)
		}
	}
	d.key("j", "J")
	d.settle()
	if !strings.Contains(d.err, "may not configure processes") {
		t.Errorf("J should say why it does nothing: %q", d.err)
	}
	d.err = ""
	d.key("X")
	d.settle()
	if d.m.mode != modeList || !strings.Contains(d.err, "may not configure processes") {
		t.Errorf("X: mode %d, footer %q", d.m.mode, d.err)
	}
	// enter shows the settings read only: no text field takes keys, ctrl+s is refused.
	d.key("j", "enter")
	if !d.m.InForm() || d.m.Capturing() {
		t.Fatalf("read-only form: open %v, capturing %v", d.m.InForm(), d.m.Capturing())
	}
	d.typeText("9d")
	d.key("space")
	d.key("ctrl+s")
	d.settle()
	if !strings.Contains(d.m.View(), "read only") || !strings.Contains(d.err, "may not configure processes") {
		t.Errorf("read-only form:\n%s\nfooter %q", d.m.View(), d.err)
	}
	if got := d.stored("Repair"); !slices.Equal(nodeOrder(got), defaultOrder) || got.Nodes[2].Task.AutoInvite || got.Nodes[2].Timeout != 0 {
		t.Errorf("the store changed: %+v", got)
	}
	d.key("esc")
	if d.m.InForm() {
		t.Error("esc should close the read-only form")
	}
}

// TestChangedElsewhere (R-FLOW-1): a process changed by someone else (the CLI,
// another console) shows when the change notice comes.
func TestChangedElsewhere(t *testing.T) {
	d := newDriver(t, nil)
	p := d.stored("Maintenance")
	p.Nodes = p.Nodes[:2]
	if _, err := d.svc.SetProcess(d.admin, p); err != nil {
		t.Fatal(err)
	}
	d.send(common.ProcessChangedMsg{})
	d.settle()
	if got := nodeOrder(shown(d.m, "Maintenance")); !slices.Equal(got, []core.Node{core.NodeDispatch, core.NodeService}) {
		t.Errorf("after the notice the screen shows %v", got)
	}
}

func TestFlipInKeepsOrder(t *testing.T) {
	all := []string{"a", "b", "c", "d"}
	cases := []struct {
		list []string
		x    string
		want []string
	}{
		{nil, "c", []string{"c"}},
		{[]string{"d"}, "a", []string{"a", "d"}},
		{[]string{"a", "c"}, "c", []string{"a"}},
		{[]string{"zz", "b"}, "a", []string{"a", "b", "zz"}},
	}
	for _, c := range cases {
		if got := flipIn(c.list, c.x, all); !slices.Equal(got, c.want) {
			t.Errorf("flipIn(%v, %q) = %v, want %v", c.list, c.x, got, c.want)
		}
	}
}

// TestFollowUpNodeForm (R-FU-3, R-FU-4): the follow-up node is standard — a
// form (record type) and people: nobody, a team by rotation or named staff,
// checked as typed — or rule-based; switching to rules and back in one
// sitting keeps the form and people; what is saved is exactly that.
func TestFollowUpNodeForm(t *testing.T) {
	d := newDriver(t, nil)
	for _, l := range []string{"amy", "bob"} {
		if _, err := d.svc.AddUser(d.admin, core.NewUser{Login: l, Name: l, Roles: []core.Role{core.RoleFollowUp}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.svc.AddUser(d.admin, core.NewUser{Login: "dora", Name: "Dora", Roles: []core.Role{core.RoleDispatcher}}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.svc.SaveFollowUpTeam(d.admin, core.FollowUpTeam{Name: "East", Members: []string{"amy", "bob"}}); err != nil {
		t.Fatal(err)
	}
	types, _ := d.svc.EvaluationTypes()
	if len(types) < 2 {
		t.Fatalf("want two evaluation record types to choose from, have %v", types)
	}
	d.openForm(core.NodeFollowUp)
	f := d.m.form
	if v := d.m.View(); !strings.Contains(v, "Follow-up") || !strings.Contains(v, "standard") || !strings.Contains(v, "nobody: a team lead assigns") {
		t.Fatalf("follow-up section:\n%s", v)
	}
	d.focusRow("followup.type")
	d.key("right")
	if f.node.FollowUp.Type != types[1].Name {
		t.Fatalf("form after →: %q, want %q", f.node.FollowUp.Type, types[1].Name)
	}
	d.focusRow("followup.people")
	d.key("right") // team East
	if f.node.FollowUp.People.Team != "East" || !strings.Contains(d.m.View(), "team East (rotation)") {
		t.Fatalf("people after →: %+v\n%s", f.node.FollowUp.People, d.m.View())
	}
	d.key("right") // named staff
	d.focusRow("followup.people.staff")
	d.typeText("amy, dora")
	if !strings.Contains(d.m.View(), "dora is not a follow-up agent") {
		t.Fatalf("a dispatcher as follow-up staff:\n%s", d.m.View())
	}
	for range len("dora") {
		d.key("backspace")
	}
	d.typeText("bob")
	if v := d.m.View(); !strings.Contains(v, "✓ amy, bob") {
		t.Fatalf("staff hint:\n%s", v)
	}
	// To rules and back: the form and the staff come back.
	d.focusRow("followup.mode")
	d.key("right")
	if f.node.FollowUp.Mode != core.FollowUpRules || f.hasRow("followup.type") || !strings.Contains(d.m.View(), "Each follow-up rule names its form") {
		t.Fatalf("rule-based:\n%s", d.m.View())
	}
	d.key("left")
	if fu := f.node.FollowUp; fu.Mode != core.FollowUpStandard || fu.Type != types[1].Name || !slices.Equal(fu.People.Staff, []string{"amy", "bob"}) {
		t.Fatalf("back to standard: %+v", fu)
	}
	d.key("ctrl+s")
	d.saved()
	if d.m.InForm() {
		t.Fatalf("not saved: %q\n%s", d.err, d.m.View())
	}
	pn, _ := d.stored("Repair").Find(core.NodeFollowUp)
	want := core.FollowUpSettings{Mode: core.FollowUpStandard, Type: types[1].Name, People: core.FollowUpPeople{Staff: []string{"amy", "bob"}}}
	if pn.FollowUp == nil || !reflect.DeepEqual(*pn.FollowUp, want) {
		t.Fatalf("stored follow-up settings\n got %+v\nwant %+v", pn.FollowUp, want)
	}

	// Rule-based saves without a form or people.
	d.openForm(core.NodeFollowUp)
	d.focusRow("followup.mode")
	d.key("right", "ctrl+s")
	d.saved()
	pn, _ = d.stored("Repair").Find(core.NodeFollowUp)
	if pn.FollowUp == nil || pn.FollowUp.Mode != core.FollowUpRules || pn.FollowUp.Type != "" || !pn.FollowUp.People.Empty() {
		t.Fatalf("stored rule-based settings: %+v", pn.FollowUp)
	}
}
