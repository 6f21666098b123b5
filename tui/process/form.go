package process

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// rowKind is what a row of the form is and how it takes keys.
type rowKind int

const (
	rowHeading rowKind = iota // a section title; the cursor skips it
	rowNote                   // an explanation; the cursor skips it
	rowText                   // a text field
	rowChoice                 // one of several options: ←/→ or space
	rowToggle                 // on or off: space or ←/→
	rowMulti                  // several options each on or off: ←/→ pick one, space flips it
	rowButton                 // enter or space does something
)

// row is one line of the node settings form. Rows read and write the form's
// copy of the node through their functions; sections build them.
type row struct {
	kind  rowKind
	label string
	// field is core's name for what the row edits, relative to the node
	// ("timeout", "task.methods", "post_actions[0].notice.event"): a validation
	// error with that path is shown under the row.
	field string
	// action is the post-action the row belongs to, or -1.
	action int
	// hint explains the row while it has the cursor.
	hint func() string
	// note is the text of a rowNote (and of a rowHeading).
	note string

	input  *textinput.Model // rowText
	onText func(string)     // rowText: called with the new text

	options []string       // rowChoice, rowMulti
	chosen  func() int     // rowChoice
	choose  func(int)      // rowChoice
	on      func() bool    // rowToggle
	flip    func()         // rowToggle
	isOn    func(int) bool // rowMulti
	flipAt  func(int)      // rowMulti
	// locked says why option i of a rowMulti cannot be switched now ("": it can).
	locked func(int) string
	press  func() tea.Cmd // rowButton
}

func (r *row) focusable() bool { return r.kind != rowHeading && r.kind != rowNote }

// key identifies a row across rebuilds so the cursor stays on it.
func (r *row) key() string {
	if r.field != "" {
		return r.field
	}
	return r.label
}

// section is a titled group of rows.
type section struct {
	title string
	rows  []row
}

// formAct is what the screen does after a key in the form.
type formAct int

const (
	formStay formAct = iota
	formClose
	formSave
)

// usersMsg carries the internal users, to check the processor and follow-up
// staff as they are typed, with the evaluation record types and follow-up
// teams the follow-up node chooses from.
type usersMsg struct {
	users   []core.User
	types   []core.EvaluationType
	teams   []core.FollowUpTeam
	objects []core.ObjectType
	err     error
}

func usersCmd(svc *core.Service) tea.Cmd {
	return func() tea.Msg {
		var msg usersMsg
		msg.users, msg.err = svc.Users()
		if msg.err == nil {
			msg.types, msg.err = svc.EvaluationTypes()
		}
		if msg.err == nil {
			msg.teams, msg.err = svc.FollowUpTeams()
		}
		if msg.err == nil {
			msg.objects, msg.err = svc.ObjectTypes()
		}
		return msg
	}
}

type formKeys struct {
	next, prev, up, down, left, right, toggle, enter key.Binding
	save, back, addAction, delAction                 key.Binding
}

// form edits one node's settings: a copy of the node, validated with core's
// own rules on every change, written by the screen on ctrl+s.
type form struct {
	c             *common.Common
	keys          formKeys
	width, height int

	recordType string
	index      int              // the node's position in the process
	base       core.Process     // the process the form was opened on
	node       core.ProcessNode // the copy being edited
	readOnly   bool
	why        string // why it is read only

	rows   []row
	focus  int // index into rows; always a focusable row
	sub    int // the option under the cursor in a rowMulti
	inputs map[string]*textinput.Model

	// lastCreate keeps the device fields while "create a device" is off;
	// lastFollowUp the follow-up form and people while the node is rule-based.
	lastCreate   *core.CreateObject
	lastFollowUp *core.FollowUpSettings
	timeoutErr   string            // ParseDuration's verdict on the timeout as typed
	errs         map[string]string // core's messages by field (relative to the node)
	banner       string            // problems no row owns
	users        map[string]core.User
	usersErr     string
	// evalTypes and teams are what the follow-up node's form and people
	// choose from (nil until loaded).
	evalTypes []string
	teams     []string
	// objects are the object types a terminal task may create besides a
	// device (issue 20.12).
	objects []core.ObjectType
	want    string // the row the cursor goes to at the next rebuild
	dirty   bool
	saving  bool
}

func newForm(c *common.Common, p core.Process, index int, readOnly bool, why string) *form {
	km := c.Keys
	up, down := km.Up, km.Down
	up.SetKeys("up")
	down.SetKeys("down")
	up.SetHelp("↑", "previous")
	down.SetHelp("↓", "next")
	back := km.Back
	if readOnly {
		back.SetHelp("esc", "back")
	} else {
		back.SetHelp("esc", "leave without saving")
	}
	toggle := km.Toggle
	toggle.SetHelp("space", "switch")
	enter := km.Edit
	enter.SetHelp("enter", "next field")
	add := km.New
	add.SetHelp("n", "add post-action")
	del := km.Delete
	del.SetHelp(km.Delete.Help().Key, "delete post-action")
	f := &form{
		c: c,
		keys: formKeys{
			next: km.NextField, prev: km.PrevField, up: up, down: down,
			left: km.PrevChoice, right: common.Without(km.NextChoice, " "), toggle: toggle, enter: enter,
			save: km.Save, back: back, addAction: add, delAction: del,
		},
		recordType: p.RecordType,
		index:      index,
		base:       cloneProcess(p),
		node:       cloneNode(p.Nodes[index]),
		readOnly:   readOnly,
		why:        why,
		inputs:     map[string]*textinput.Model{},
		errs:       map[string]string{},
	}
	f.keys.right.SetHelp("→", "next choice")
	f.keys.left.SetHelp("←", "previous choice")
	if f.node.Node == core.NodeTerminalTask && f.node.Task == nil {
		f.node.Task = core.DefaultTaskSettings()
	}
	if f.node.Task != nil && f.node.Task.Create != nil {
		f.lastCreate = &core.CreateObject{Object: f.node.Task.Create.Object, Fields: slices.Clone(f.node.Task.Create.Fields)}
	}
	f.rebuild()
	f.validate()
	return f
}

func (f *form) initCmd() tea.Cmd {
	return tea.Batch(usersCmd(f.c.Svc), f.focusInput())
}

func (f *form) setSize(width, height int) {
	f.width, f.height = width, height
	for _, in := range f.inputs {
		in.Width = max(10, min(40, width-labelWidth-6))
	}
}

func (f *form) capturing() bool {
	return !f.readOnly && f.focus < len(f.rows) && f.rows[f.focus].kind == rowText
}

// input returns the text field for field, made on first use with value.
func (f *form) input(field, value, placeholder string, limit int) *textinput.Model {
	if in, ok := f.inputs[field]; ok {
		return in
	}
	in := textinput.New()
	in.Prompt = ""
	common.StyleInput(&in, f.c.Styles)
	in.Placeholder = placeholder
	in.CharLimit = limit
	in.Width = max(10, min(40, f.width-labelWidth-6))
	in.SetValue(value)
	f.inputs[field] = &in
	return &in
}

// rebuild makes the rows again from the node (after a change of shape: a mode,
// "create a device", a post-action added or deleted) and keeps the cursor on
// the row it was on.
func (f *form) rebuild() {
	keep, old := "", f.focus
	if f.focus < len(f.rows) {
		keep = f.rows[f.focus].key()
	}
	if f.want != "" {
		keep, f.want = f.want, ""
	}
	f.rows = f.rows[:0]
	for _, s := range f.sections() {
		f.rows = append(f.rows, row{kind: rowHeading, note: s.title, action: -1})
		f.rows = append(f.rows, s.rows...)
	}
	f.focus = -1
	for i := range f.rows {
		if f.rows[i].focusable() && keep != "" && f.rows[i].key() == keep {
			f.focus = i
			break
		}
	}
	if f.focus < 0 {
		// The row is gone (a deleted post-action): the nearest row before it.
		for i := min(old, len(f.rows)-1); i >= 0 && f.focus < 0; i-- {
			if f.rows[i].focusable() {
				f.focus = i
			}
		}
		for i := 0; i < len(f.rows) && f.focus < 0; i++ {
			if f.rows[i].focusable() {
				f.focus = i
			}
		}
	}
	f.focus = max(0, f.focus)
	f.clampSub()
}

// sections are the form's parts: the timeout every node has, the settings only
// the node's kind has (nodeSections), and the post-actions every node has.
func (f *form) sections() []section {
	out := []section{f.timeoutSection()}
	if s, ok := nodeSections[f.node.Node]; ok {
		out = append(out, s(f))
	}
	return append(out, f.postActionSection())
}

// candidate is the process the form would save: the one it was opened on (or
// p) with the form's node in its place.
func (f *form) candidate(p core.Process) core.Process {
	p = cloneProcess(p)
	if f.index < len(p.Nodes) {
		p.Nodes[f.index] = cloneNode(f.node)
	}
	return p
}

// validate checks the node as it is now with core's rules (on a copy, so core's
// normalising does not move the text under the cursor).
func (f *form) validate() {
	_ = f.check(f.base)
}

// check validates the form's node inside p and files each problem under its
// row; it returns the problems as one error (core's sentences), or nil.
func (f *form) check(p core.Process) error {
	f.errs = map[string]string{}
	f.banner = ""
	var msgs []string
	if f.timeoutErr != "" {
		f.errs["timeout"] = f.timeoutErr
		msgs = append(msgs, f.timeoutErr)
	}
	c := f.candidate(p)
	if err := c.Validate(); err != nil {
		var ve core.ValidationErrors
		if !errors.As(err, &ve) {
			f.banner = err.Error()
			return err
		}
		prefix := fmt.Sprintf("nodes[%d].", f.index)
		var other []string
		for _, e := range ve {
			msgs = append(msgs, e.Message)
			name, mine := strings.CutPrefix(e.Field, prefix)
			if !mine || !f.hasRow(name) {
				other = append(other, e.Message)
				continue
			}
			if _, dup := f.errs[name]; !dup {
				f.errs[name] = e.Message
			}
		}
		f.banner = strings.Join(other, " ")
	}
	if t := f.node.Task; t != nil && f.users != nil {
		if login := strings.TrimSpace(t.Processor); login != "" {
			if msg := f.processorProblem(login); msg != "" {
				f.errs["task.processor"] = msg
				msgs = append(msgs, msg)
			}
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return common.Sentence(f.recordType + ": " + strings.Join(msgs, " "))
}

func (f *form) hasRow(field string) bool {
	return slices.ContainsFunc(f.rows, func(r row) bool { return r.field == field })
}

// processorProblem says what is wrong with the processor login, as core would
// when the process is saved; "" when the user exists and is enabled.
func (f *form) processorProblem(login string) string {
	u, ok := f.users[strings.ToLower(login)]
	switch {
	case !ok:
		return fmt.Sprintf("There is no user %q to process the terminal task: list them with `switchboard user list`.", login)
	case u.Disabled:
		return fmt.Sprintf("User %q is disabled and cannot process terminal tasks.", u.Login)
	}
	return ""
}

func (f *form) usersLoaded(msg usersMsg) {
	if msg.err != nil {
		f.usersErr = msg.err.Error()
		return
	}
	f.users = make(map[string]core.User, len(msg.users))
	for _, u := range msg.users {
		f.users[strings.ToLower(u.Login)] = u
	}
	f.evalTypes, f.teams = []string{}, []string{}
	for _, t := range msg.types {
		f.evalTypes = append(f.evalTypes, t.Name)
	}
	for _, t := range msg.teams {
		f.teams = append(f.teams, t.Name)
	}
	f.objects = msg.objects
	if f.node.Node == core.NodeFollowUp || (f.node.Node == core.NodeTerminalTask && len(f.objects) > 0) {
		f.rebuild() // the choices are known now
	}
	f.validate()
}

// saveFailed shows why the screen could not save the form: under the rows the
// errors concern, the rest in the banner, and the whole in the footer.
func (f *form) saveFailed(err error) tea.Cmd {
	f.saving = false
	fe := core.FieldErrors(err)
	prefix := fmt.Sprintf("nodes[%d].", f.index)
	placed := false
	for field, msg := range fe {
		name, _ := strings.CutPrefix(field, prefix)
		if name == "processor" {
			name = "task.processor" // the store's check of the user names the bare field
		}
		if f.hasRow(name) {
			f.errs[name] = msg
			placed = true
		}
	}
	if !placed && f.banner == "" {
		f.banner = err.Error()
	}
	return common.ErrorCmd(err)
}

func (f *form) update(msg tea.Msg) tea.Cmd {
	if f.capturing() {
		in := f.rows[f.focus].input
		var cmd tea.Cmd
		*in, cmd = in.Update(msg) // cursor blink
		return cmd
	}
	return nil
}

// focusInput gives the keyboard to the text field under the cursor, if any.
func (f *form) focusInput() tea.Cmd {
	for _, in := range f.inputs {
		in.Blur()
	}
	if f.capturing() {
		return f.rows[f.focus].input.Focus()
	}
	return nil
}

// moveFocus moves the cursor to the next focusable row in direction d.
func (f *form) moveFocus(d int) tea.Cmd {
	n := len(f.rows)
	for i, step := f.focus, 0; step < n; step++ {
		i = (i + d + n) % n
		if f.rows[i].focusable() {
			f.focus = i
			break
		}
	}
	f.sub = 0
	f.clampSub()
	return f.focusInput()
}

func (f *form) clampSub() {
	if f.focus < len(f.rows) {
		f.sub = max(0, min(f.sub, len(f.rows[f.focus].options)-1))
	}
}

// changed follows every edit: rows whose shape depends on the node are made
// again, and the node is checked again.
func (f *form) changed(reshape bool) tea.Cmd {
	f.dirty = true
	var cmd tea.Cmd
	if reshape {
		f.rebuild()
		cmd = f.focusInput()
	}
	f.validate()
	return cmd
}

// keyCmd handles a key; the action says whether the form closes or saves.
func (f *form) keyCmd(msg tea.KeyMsg) (tea.Cmd, formAct) {
	k := f.bindings()
	r := &f.rows[f.focus]
	switch {
	case key.Matches(msg, k.back):
		if f.dirty && !f.readOnly {
			return common.StatusCmd("Nothing saved: the node's settings are as they were."), formClose
		}
		return nil, formClose
	case key.Matches(msg, k.save):
		if f.saving {
			return nil, formStay
		}
		return nil, formSave
	case key.Matches(msg, k.next), key.Matches(msg, k.down):
		return f.moveFocus(1), formStay
	case key.Matches(msg, k.prev), key.Matches(msg, k.up):
		return f.moveFocus(-1), formStay
	case f.readOnly:
		if key.Matches(msg, f.keys.save, f.keys.addAction, f.keys.delAction, f.keys.toggle) {
			return common.ErrorCmd(common.Sentence(f.why)), formStay
		}
		return nil, formStay
	case r.kind == rowText:
		if key.Matches(msg, k.enter) {
			return f.moveFocus(1), formStay
		}
		before := r.input.Value()
		var cmd tea.Cmd
		*r.input, cmd = r.input.Update(msg)
		if v := r.input.Value(); v != before {
			r.onText(v)
			return tea.Batch(cmd, f.changed(false)), formStay
		}
		return cmd, formStay
	case key.Matches(msg, k.addAction):
		return f.addAction(), formStay
	case key.Matches(msg, k.delAction):
		return f.deleteAction(r.action), formStay
	}
	switch r.kind {
	case rowChoice:
		d := 0
		switch {
		case key.Matches(msg, k.left):
			d = -1
		case key.Matches(msg, k.right), key.Matches(msg, k.toggle):
			d = 1
		case key.Matches(msg, k.enter):
			return f.moveFocus(1), formStay
		}
		if d != 0 {
			n := len(r.options)
			r.choose(((r.chosen()+d)%n + n) % n)
			return f.changed(true), formStay
		}
	case rowToggle:
		switch {
		case key.Matches(msg, k.left, k.right, k.toggle):
			r.flip()
			return f.changed(true), formStay
		case key.Matches(msg, k.enter):
			return f.moveFocus(1), formStay
		}
	case rowMulti:
		switch {
		case key.Matches(msg, k.left):
			f.sub = max(0, f.sub-1)
		case key.Matches(msg, k.right):
			f.sub = max(0, min(len(r.options)-1, f.sub+1))
		case key.Matches(msg, k.toggle):
			if r.locked != nil {
				if why := r.locked(f.sub); why != "" {
					return common.StatusCmd(why), formStay
				}
			}
			r.flipAt(f.sub)
			return f.changed(true), formStay
		case key.Matches(msg, k.enter):
			return f.moveFocus(1), formStay
		}
	case rowButton:
		if key.Matches(msg, k.enter, k.toggle) {
			return r.press(), formStay
		}
	}
	return nil, formStay
}

func (f *form) shortHelp() []key.Binding {
	k := f.bindings()
	if f.readOnly {
		return []key.Binding{k.down, k.up, k.back}
	}
	r := f.rows[f.focus]
	switch r.kind {
	case rowChoice:
		return []key.Binding{k.save, k.left, k.right, k.next, k.addAction, k.delAction, k.back}
	case rowToggle, rowButton:
		return []key.Binding{k.save, k.toggle, k.next, k.addAction, k.delAction, k.back}
	case rowMulti:
		return []key.Binding{k.save, k.left, k.right, k.toggle, k.next, k.addAction, k.delAction, k.back}
	}
	return []key.Binding{k.save, k.next, k.prev, k.back}
}

func (f *form) fullHelp() [][]key.Binding {
	k := f.bindings()
	return [][]key.Binding{{k.next, k.prev, k.up, k.down, k.enter}, {k.left, k.right, k.toggle}, {k.addAction, k.delAction, k.save, k.back}}
}

func (f *form) bindings() formKeys {
	k := f.keys
	r := f.rows[f.focus]
	text := r.kind == rowText
	edit := !f.readOnly
	k.save.SetEnabled(edit && !f.saving)
	k.left.SetEnabled(edit && (r.kind == rowChoice || r.kind == rowMulti || r.kind == rowToggle))
	k.right.SetEnabled(k.left.Enabled())
	k.toggle.SetEnabled(edit && (r.kind == rowChoice || r.kind == rowMulti || r.kind == rowToggle || r.kind == rowButton))
	switch r.kind {
	case rowChoice:
		k.toggle.SetHelp("space", "next choice")
	case rowButton:
		k.toggle.SetHelp("space/enter", "do it")
	default:
		k.toggle.SetHelp("space", "switch")
	}
	k.addAction.SetEnabled(edit && !text)
	k.delAction.SetEnabled(edit && !text && r.action >= 0)
	if r.kind == rowButton {
		k.enter.SetHelp("enter", "do it")
	}
	return k
}
