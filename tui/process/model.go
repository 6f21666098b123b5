// Package process is the console's process screen (R-FLOW-1, R-FLOW-2,
// R-TASK-1, R-TASK-2): each record type's process nodes in order, re-ordered,
// added and removed from the keyboard, and a settings form per node — its
// timeout, the terminal task's settings and the post-actions that run when the
// node completes. Every change is saved through core.Service.SetProcess at once;
// what core refuses is shown in core's words and leaves the process as it was.
package process

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// loadedMsg carries every record type's process.
type loadedMsg struct {
	seq   int
	procs []core.Process
	err   error
}

func loadCmd(svc *core.Service, seq int) tea.Cmd {
	return func() tea.Msg {
		ps, err := svc.Processes()
		return loadedMsg{seq: seq, procs: ps, err: err}
	}
}

// saveReq is one process to write: a snapshot of the whole process of one
// record type, and the sentence the footer shows once it is written.
type saveReq struct {
	p    core.Process
	what string
	// node is set when the node settings form saved: the form closes on success
	// and shows the error on failure.
	node core.Node
	form bool
}

// savedMsg is the outcome of one write.
type savedMsg struct {
	req saveReq
	p   core.Process
	err error
}

func saveCmd(svc *core.Service, as core.Actor, r saveReq) tea.Cmd {
	r.p = cloneProcess(r.p)
	return func() tea.Msg {
		p, err := svc.SetProcess(as, r.p)
		return savedMsg{req: r, p: p, err: err}
	}
}

// mode is what the screen is doing besides listing.
type mode int

const (
	modeList    mode = iota
	modePick         // choosing a node to add
	modeConfirm      // asking before removing a node
	modeForm         // the node settings form
	modeObjects      // the object types form (objects.go)
)

// pane is the half of the list that has the cursor.
type pane int

const (
	paneTypes pane = iota
	paneNodes
)

type keyMap struct {
	up, down, left, right, home, end key.Binding
	moveUp, moveDown, add, del, edit key.Binding
	confirm, choose, back, reload    key.Binding
	objects                          key.Binding
}

// Model is the process screen.
type Model struct {
	c             *common.Common
	keys          keyMap
	width, height int

	// procs are the processes as the screen shows them, in record-type order:
	// the store's, plus any change not yet written (they are queued in order).
	procs  []core.Process
	loaded bool
	seq    int
	busy   common.Busy

	pane     pane
	typeIdx  int
	cursor   int // the selected node of the selected record type
	top      int // the first node row shown
	mode     mode
	pick     int         // the picker's cursor
	missing  []core.Node // the nodes the picker offers
	form     *form
	queue    []saveReq // written one at a time, in order; queue[0] is in flight
	stale    bool      // the store changed elsewhere while writes were queued
	keepNode core.Node // the node the cursor stays on across a reload

	may bool
	why string

	// The object types form (objects.go).
	objForm  *common.Form
	objTypes []core.ObjectType
}

// New returns the process screen; Init reads the processes.
func New(c *common.Common) *Model {
	km := c.Keys
	m := &Model{c: c, busy: common.NewBusy(c.Styles), pane: paneNodes}
	m.keys = keyMap{
		up: km.Up, down: km.Down, left: km.Left, right: km.Right, home: km.Home, end: km.End,
		moveUp: km.MoveUp, moveDown: km.MoveDown, add: km.New, del: km.Delete, edit: km.Edit,
		confirm: km.Confirm, choose: km.Choose, back: km.Back, reload: km.Reload, objects: objectsKey,
	}
	m.keys.moveUp.SetHelp(km.MoveUp.Help().Key, "move node up")
	m.keys.moveDown.SetHelp(km.MoveDown.Help().Key, "move node down")
	m.keys.add.SetHelp("n", "add node")
	m.keys.del.SetHelp(km.Delete.Help().Key, "remove node")
	m.keys.left.SetHelp("←/h", "record types")
	m.keys.right.SetHelp("→/l", "nodes")
	m.keys.choose.SetHelp("enter", "add it")
	m.keys.back.SetHelp("esc", "cancel")
	m.may, m.why = c.MayAdminister("configure processes")
	if m.may {
		m.keys.edit.SetHelp("enter", "node settings")
	} else {
		m.keys.edit.SetHelp("enter", "view settings")
	}
	return m
}

// Init reads the processes.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.reloadCmd(), m.busy.StartCmd()) }

func (m *Model) reloadCmd() tea.Cmd {
	m.seq++
	return loadCmd(m.c.Svc, m.seq)
}

// SetSize lays the screen out.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	if m.form != nil {
		m.form.setSize(width, height)
	}
	if m.objForm != nil {
		m.objForm.SetSize(width, height)
	}
	m.clamp()
}

// Capturing is true while a text field of the form has the keyboard.
func (m *Model) Capturing() bool {
	return (m.mode == modeForm && m.form.capturing()) || (m.mode == modeObjects && m.objForm.Typing())
}

// Processes are the processes as the screen shows them.
func (m *Model) Processes() []core.Process { return m.procs }

// Selected returns the selected record type and node (the node is "" when the
// process has none).
func (m *Model) Selected() (string, core.Node) {
	p, ok := m.proc()
	if !ok {
		return "", ""
	}
	if m.cursor < len(p.Nodes) {
		return p.RecordType, p.Nodes[m.cursor].Node
	}
	return p.RecordType, ""
}

// Pending reports how many writes are queued or in flight.
func (m *Model) Pending() int { return len(m.queue) }

// InForm reports whether the node settings form is open.
func (m *Model) InForm() bool { return m.mode == modeForm }

func (m *Model) proc() (core.Process, bool) {
	if m.typeIdx < 0 || m.typeIdx >= len(m.procs) {
		return core.Process{}, false
	}
	return m.procs[m.typeIdx], true
}

// Update handles keys, results and change notices.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.keyCmd(msg)
	case loadedMsg:
		return m.loadedCmd(msg)
	case savedMsg:
		return m.savedCmd(msg)
	case usersMsg:
		if m.form != nil {
			m.form.usersLoaded(msg)
		}
		return nil
	case objectsMsg:
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		return m.openObjects(msg.types)
	case objectsSavedMsg:
		if m.objForm != nil {
			if cmd := m.objForm.Saved(msg.err); msg.err != nil {
				return cmd
			}
			m.objForm, m.mode = nil, modeList
		}
		return common.StatusCmd(msg.what)
	case common.ProcessChangedMsg:
		if len(m.queue) > 0 {
			m.stale = true
			return nil
		}
		return m.reloadCmd()
	}
	cmd := m.busy.Update(msg)
	if m.mode == modeForm {
		cmd = tea.Batch(cmd, m.form.update(msg))
	}
	if m.mode == modeObjects {
		c, _ := m.objForm.Update(msg)
		cmd = tea.Batch(cmd, c)
	}
	return cmd
}

func (m *Model) loadedCmd(msg loadedMsg) tea.Cmd {
	if msg.seq != m.seq {
		return nil
	}
	if len(m.queue) == 0 {
		m.busy.Stop()
	}
	if msg.err != nil {
		return common.ErrorCmd(msg.err)
	}
	if len(m.queue) > 0 {
		m.stale = true // the list shows changes the store has not seen yet
		return nil
	}
	keep := m.keepNode
	if keep == "" {
		_, keep = m.Selected()
	}
	m.keepNode = ""
	m.procs = msg.procs
	m.loaded = true
	m.cursorTo(keep)
	return nil
}

// cursorTo puts the cursor on node n of the selected process, if it is there.
func (m *Model) cursorTo(n core.Node) {
	if p, ok := m.proc(); ok && n != "" {
		if i := slices.IndexFunc(p.Nodes, func(x core.ProcessNode) bool { return x.Node == n }); i >= 0 {
			m.cursor = i
		}
	}
	m.clamp()
}

// change validates p, the selected process after one edit, with core's own
// rules; a refused edit leaves the list as it was and says why in core's
// words, an accepted one shows at once and is queued to be written.
func (m *Model) change(p core.Process, what string, cursor core.Node) tea.Cmd {
	if err := p.Validate(); err != nil {
		return common.ErrorCmd(common.Sentence(p.RecordType + ": " + err.Error()))
	}
	m.procs[m.typeIdx] = p
	m.cursorTo(cursor)
	return m.enqueue(saveReq{p: p, what: what})
}

func (m *Model) enqueue(r saveReq) tea.Cmd {
	m.queue = append(m.queue, r)
	if len(m.queue) > 1 {
		return nil // written when the ones before it are
	}
	return tea.Batch(saveCmd(m.c.Svc, m.c.Actor, r), m.busy.StartCmd())
}

// savedCmd takes the next queued write. A refused write drops the queue (what
// follows was built on it) and shows the store's processes again.
func (m *Model) savedCmd(msg savedMsg) tea.Cmd {
	if len(m.queue) > 0 {
		m.queue = m.queue[1:]
	}
	if msg.err != nil {
		m.queue = nil
		m.stale = false
		m.busy.Stop()
		_, m.keepNode = m.Selected()
		var cmd tea.Cmd
		if msg.req.form && m.form != nil {
			cmd = m.form.saveFailed(msg.err)
		}
		return tea.Batch(cmd, m.reloadCmd(), common.ErrorCmd(msg.err))
	}
	var cmds []tea.Cmd
	if msg.req.form && m.mode == modeForm {
		m.form, m.mode = nil, modeList
		if i := m.indexOf(msg.p.RecordType); i >= 0 {
			m.procs[i] = msg.p
		}
		m.clamp()
	}
	if len(m.queue) > 0 {
		return saveCmd(m.c.Svc, m.c.Actor, m.queue[0])
	}
	m.busy.Stop()
	cmds = append(cmds, common.StatusCmd(msg.req.what))
	if m.stale {
		m.stale = false
		cmds = append(cmds, m.reloadCmd())
	} else if i := m.indexOf(msg.p.RecordType); i >= 0 {
		// The store's process (normalised by core) is the truth; it matches
		// what the list shows.
		_, keep := m.Selected()
		m.procs[i] = msg.p
		m.cursorTo(keep)
	}
	return tea.Batch(cmds...)
}

func (m *Model) indexOf(recordType string) int {
	return slices.IndexFunc(m.procs, func(p core.Process) bool { return p.RecordType == recordType })
}

func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	switch m.mode {
	case modeForm:
		cmd, act := m.form.keyCmd(msg)
		switch act {
		case formClose:
			m.form, m.mode = nil, modeList
		case formSave:
			return tea.Batch(cmd, m.saveFormCmd())
		}
		return cmd
	case modePick:
		return m.pickKeyCmd(msg)
	case modeObjects:
		return m.objectsKeyCmd(msg)
	case modeConfirm:
		m.mode = modeList
		if key.Matches(msg, m.keys.confirm) {
			return m.removeCmd()
		}
		return common.StatusCmd("Nothing removed.")
	}
	k := m.bindings()
	switch {
	case key.Matches(msg, k.objects):
		if !m.may {
			return common.ErrorCmd(common.Sentence(m.why))
		}
		return loadObjectsCmd(m.c.Svc)
	case key.Matches(msg, k.reload):
		return m.reloadCmd()
	case key.Matches(msg, k.left):
		m.pane = paneTypes
	case key.Matches(msg, k.right):
		m.pane = paneNodes
	case m.pane == paneTypes && key.Matches(msg, k.edit):
		m.pane = paneNodes
	case key.Matches(msg, k.moveUp):
		return m.moveCmd(-1)
	case key.Matches(msg, k.moveDown):
		return m.moveCmd(1)
	case key.Matches(msg, k.up):
		m.step(-1)
	case key.Matches(msg, k.down):
		m.step(1)
	case key.Matches(msg, k.home):
		m.stepTo(0)
	case key.Matches(msg, k.end):
		m.stepTo(1 << 20)
	case key.Matches(msg, k.add):
		return m.openPickerCmd()
	case key.Matches(msg, k.del):
		m.mode = modeConfirm
	case key.Matches(msg, k.edit):
		return m.openFormCmd()
	case !m.may && key.Matches(msg, m.keys.moveUp, m.keys.moveDown, m.keys.add, m.keys.del):
		// Disabled for this user: say why rather than do nothing.
		return common.ErrorCmd(common.Sentence(m.why))
	}
	m.clamp()
	return nil
}

// step moves the cursor of the focused pane by d.
func (m *Model) step(d int) {
	if m.pane == paneTypes {
		old := m.typeIdx
		m.typeIdx = max(0, min(len(m.procs)-1, m.typeIdx+d))
		if m.typeIdx != old {
			m.cursor, m.top = 0, 0
		}
		return
	}
	m.cursor += d
}

func (m *Model) stepTo(i int) {
	if m.pane == paneTypes {
		m.step(i - m.typeIdx)
		return
	}
	m.cursor = i
}

// moveCmd moves the selected node one place up (d = -1) or down.
func (m *Model) moveCmd(d int) tea.Cmd {
	p, ok := m.proc()
	i, j := m.cursor, m.cursor+d
	if !ok || i < 0 || j < 0 || i >= len(p.Nodes) || j >= len(p.Nodes) {
		return nil
	}
	p = cloneProcess(p)
	p.Nodes[i], p.Nodes[j] = p.Nodes[j], p.Nodes[i]
	n := p.Nodes[j].Node
	dir := "down"
	if d < 0 {
		dir = "up"
	}
	return m.change(p, fmt.Sprintf("Moved the %s node %s in the %s process: %s.", n, dir, p.RecordType, order(p)), n)
}

func (m *Model) removeCmd() tea.Cmd {
	p, ok := m.proc()
	if !ok || m.cursor >= len(p.Nodes) {
		return nil
	}
	p = cloneProcess(p)
	n := p.Nodes[m.cursor].Node
	p.Nodes = slices.Delete(p.Nodes, m.cursor, m.cursor+1)
	next := core.Node("")
	if len(p.Nodes) > 0 {
		next = p.Nodes[min(m.cursor, len(p.Nodes)-1)].Node
	}
	return m.change(p, fmt.Sprintf("Removed the %s node from the %s process: %s.", n, p.RecordType, order(p)), next)
}

// order writes a process's nodes as "dispatch → service → end".
func order(p core.Process) string {
	s := ""
	for _, n := range p.Nodes {
		s += string(n.Node) + " → "
	}
	return s + string(core.NodeEnd)
}

// openPickerCmd offers the nodes the selected process does not list.
func (m *Model) openPickerCmd() tea.Cmd {
	p, ok := m.proc()
	if !ok {
		return nil
	}
	m.missing = m.missing[:0]
	for _, n := range core.ConfigurableNodes {
		if _, in := p.Find(n); !in {
			m.missing = append(m.missing, n)
		}
	}
	if len(m.missing) == 0 {
		return common.StatusCmd(fmt.Sprintf("The %s process already has every node: %s.", p.RecordType, order(p)))
	}
	m.pick = 0
	m.mode = modePick
	return nil
}

func (m *Model) pickKeyCmd(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.back):
		m.mode = modeList
	case key.Matches(msg, k.up):
		m.pick = max(0, m.pick-1)
	case key.Matches(msg, k.down):
		m.pick = max(0, min(len(m.missing)-1, m.pick+1))
	case key.Matches(msg, k.choose):
		m.mode = modeList
		return m.addCmd(m.missing[m.pick])
	}
	return nil
}

// addCmd adds node n at its usual place (the order of core.ConfigurableNodes)
// among the nodes listed; K and J move it from there.
func (m *Model) addCmd(n core.Node) tea.Cmd {
	p, ok := m.proc()
	if !ok {
		return nil
	}
	p = cloneProcess(p)
	rank := slices.Index(core.ConfigurableNodes, n)
	at := len(p.Nodes)
	for i, x := range p.Nodes {
		if slices.Index(core.ConfigurableNodes, x.Node) > rank {
			at = i
			break
		}
	}
	pn := core.ProcessNode{Node: n}
	if n == core.NodeTerminalTask {
		pn.Task = core.DefaultTaskSettings()
	}
	p.Nodes = slices.Insert(p.Nodes, at, pn)
	m.pane = paneNodes
	return m.change(p, fmt.Sprintf("Added the %s node to the %s process: %s.", n, p.RecordType, order(p)), n)
}

// openFormCmd opens the selected node's settings (read only for non-admins).
func (m *Model) openFormCmd() tea.Cmd {
	p, ok := m.proc()
	if !ok || m.cursor >= len(p.Nodes) {
		return nil
	}
	m.form = newForm(m.c, p, m.cursor, !m.may, m.why)
	m.form.setSize(m.width, m.height)
	m.mode = modeForm
	return m.form.initCmd()
}

// saveFormCmd writes the form's node into the selected process as it is now
// (other nodes as the list shows them).
func (m *Model) saveFormCmd() tea.Cmd {
	f := m.form
	i := m.indexOf(f.recordType)
	if i < 0 {
		return nil
	}
	p := cloneProcess(m.procs[i])
	at := slices.IndexFunc(p.Nodes, func(x core.ProcessNode) bool { return x.Node == f.node.Node })
	if at < 0 {
		return f.saveFailed(common.Sentence(fmt.Sprintf("The %s node is no longer in the %s process (it was changed elsewhere): press esc and add it again.", f.node.Node, f.recordType)))
	}
	p.Nodes[at] = cloneNode(f.node)
	f.index = at
	if err := f.check(p); err != nil {
		return f.saveFailed(err)
	}
	f.saving = true
	what := fmt.Sprintf("Saved the %s node of the %s process: %s.", f.node.Node, p.RecordType, core.DescribeNode(p.Nodes[at]))
	return m.enqueue(saveReq{p: p, what: what, node: f.node.Node, form: true})
}

// rowsRoom is how many node rows fit above the panel.
func (m *Model) rowsRoom() int {
	avail := max(1, m.height-5) // title, blank, header, end row, blank
	if !m.may {
		avail = max(1, avail-1)
	}
	return max(1, avail-min(len(m.panelLines(m.width)), avail/2))
}

func (m *Model) clamp() {
	m.typeIdx = max(0, min(m.typeIdx, len(m.procs)-1))
	p, _ := m.proc()
	n := len(p.Nodes)
	m.cursor = max(0, min(m.cursor, n-1))
	h := m.rowsRoom()
	if m.cursor < m.top {
		m.top = m.cursor
	}
	if m.cursor >= m.top+h {
		m.top = m.cursor - h + 1
	}
	m.top = max(0, min(m.top, n-h))
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	switch m.mode {
	case modeForm:
		return m.form.shortHelp()
	case modeObjects:
		return m.objForm.ShortHelp()
	case modePick:
		return []key.Binding{m.keys.up, m.keys.down, m.keys.choose, m.keys.back}
	case modeConfirm:
		c := m.keys.confirm
		c.SetHelp("y", "remove")
		return []key.Binding{c, key.NewBinding(key.WithHelp("any other key", "keep"))}
	}
	k := m.bindings()
	if m.pane == paneTypes {
		return []key.Binding{k.up, k.down, k.right, k.add}
	}
	return []key.Binding{k.moveUp, k.moveDown, k.edit, k.add, k.del, k.left, k.objects}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding {
	switch m.mode {
	case modeForm:
		return m.form.fullHelp()
	case modeObjects:
		return m.objForm.FullHelp()
	case modePick, modeConfirm:
		return [][]key.Binding{m.ShortHelp()}
	}
	k := m.bindings()
	return [][]key.Binding{
		{k.up, k.down, k.home, k.end, k.left, k.right},
		{k.moveUp, k.moveDown, k.add, k.del},
		{k.edit, k.objects, k.reload},
	}
}

func (m *Model) bindings() keyMap {
	k := m.keys
	p, ok := m.proc()
	nodes := m.pane == paneNodes && ok && m.cursor < len(p.Nodes)
	k.moveUp.SetEnabled(m.may && nodes && m.cursor > 0)
	k.moveDown.SetEnabled(m.may && nodes && m.cursor < len(p.Nodes)-1)
	k.del.SetEnabled(m.may && nodes)
	k.add.SetEnabled(m.may && ok)
	k.objects.SetEnabled(m.may)
	k.edit.SetEnabled(ok && (m.pane == paneTypes || nodes))
	if m.pane == paneTypes {
		k.edit.SetHelp("enter", "nodes")
	}
	k.left.SetEnabled(m.pane == paneNodes)
	k.right.SetEnabled(m.pane == paneTypes && ok)
	return k
}

// cloneProcess is a deep copy of p: edits of the copy never reach the list.
// It goes through JSON, so settings this screen does not know (added to
// core.ProcessNode later) are carried along untouched.
func cloneProcess(p core.Process) core.Process {
	var out core.Process
	mustClone(p, &out)
	return out
}

func cloneNode(n core.ProcessNode) core.ProcessNode {
	var out core.ProcessNode
	mustClone(n, &out)
	return out
}

func mustClone(in, out any) {
	b, err := json.Marshal(in)
	if err == nil {
		err = json.Unmarshal(b, out)
	}
	if err != nil {
		// Only a value that core itself wrote can get here; a failure is a bug.
		panic(fmt.Sprintf("process: cannot copy %T: %v", in, err))
	}
}
