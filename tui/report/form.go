package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// CompleteArg is the NavigateMsg.Arg that opens the form to complete the
// service node: saving fills the report and completes the node, which generates
// the report and sends it to the customer.
const CompleteArg = "complete"

// OpenCmd opens the report view of a work order.
func OpenCmd(number string) tea.Cmd {
	return common.NavigateCmd(common.Push, common.ReportScreen, number)
}

// OpenFormCmd opens the report form; complete makes saving complete the service node.
func OpenFormCmd(number string, complete bool) tea.Cmd {
	arg := ""
	if complete {
		arg = CompleteArg
	}
	return func() tea.Msg {
		return common.NavigateMsg{Kind: common.Push, To: common.ReportFormScreen, Number: number, Arg: arg}
	}
}

// ReportRoles may fill reports and complete the service node (the service checks too).
var ReportRoles = []core.Role{core.RoleAdmin, core.RoleDispatcher, core.RoleEngineer}

// field is one input of the form, in tab order.
type field int

const (
	fWork field = iota
	fParts
	fStarted
	fFinished
	fNotes
	fieldCount
)

var fieldNames = [fieldCount]string{fWork: "work_done", fParts: "parts", fStarted: "started", fFinished: "finished", fNotes: "notes"}
var fieldLabels = [fieldCount]string{fWork: "Work done", fParts: "Parts used", fStarted: "Started", fFinished: "Finished", fNotes: "Notes"}

const timeLayout = "2006-01-02 15:04"

// prefillMsg carries what the form starts with.
type prefillMsg struct {
	number  string
	content core.ReportContent
	wo      core.WorkOrder
	status  core.ReportStatus
	err     error
}

// savedMsg carries the outcome of saving (and, when completing, of advancing).
type savedMsg struct {
	number    string
	res       core.ReportResult
	completed bool
	err       error
}

func prefillCmd(svc *core.Service, number string) tea.Cmd {
	return func() tea.Msg {
		msg := prefillMsg{number: number}
		if msg.wo, msg.err = svc.WorkOrder(number); msg.err != nil {
			return msg
		}
		v, err := svc.Report(number, 0)
		if err != nil {
			msg.err = err
			return msg
		}
		msg.status = v.Status
		msg.content, msg.err = svc.ReportPrefill(number)
		return msg
	}
}

// saveCmd saves the report; when completing, it then completes the service node
// of the version read (two commands, each atomic: if the second fails, the draft
// is kept and saying so is enough).
func saveCmd(svc *core.Service, as core.Actor, number string, in core.ReportInput, complete bool, woVersion uint64) tea.Cmd {
	return func() tea.Msg {
		if complete {
			res, err := svc.CompleteService(as, number, woVersion, in)
			return savedMsg{number: number, res: res, completed: true, err: err}
		}
		res, err := svc.SaveReport(as, number, in)
		return savedMsg{number: number, res: res, err: err}
	}
}

type formKeys struct {
	next, prev, save, back key.Binding
}

// Form fills a work order's service report (R-REP-1): work done, parts (one per
// line, "name: quantity"), start and finish, notes. It is pre-filled from the
// draft or the newest version, else from the history (start at the assignment,
// finish now).
type Form struct {
	c        *common.Common
	keys     formKeys
	number   string
	complete bool
	width    int
	height   int

	loaded  bool
	loadErr error
	wo      core.WorkOrder
	status  core.ReportStatus

	focus              field
	work, parts, notes textarea.Model
	started, finished  textinput.Model

	errs   map[string]string
	banner string
	saving bool
	busy   common.Busy
}

// NewForm returns the form of work order number; complete makes saving complete
// the service node.
func NewForm(c *common.Common, number string, complete bool) *Form {
	km := c.Keys
	back := km.Back
	back.SetHelp("esc", "cancel")
	save := km.Save
	if complete {
		save.SetHelp("ctrl+s", "save & complete service")
	} else {
		save.SetHelp("ctrl+s", "save report")
	}
	st := c.Styles
	area := func(ph string, h int) textarea.Model {
		t := textarea.New()
		t.Prompt = "│ "
		t.ShowLineNumbers = false
		t.Placeholder = ph
		t.CharLimit = 4000
		t.SetHeight(h)
		common.StyleArea(&t, st)
		t.KeyMap.InsertNewline.SetKeys("enter")
		return t
	}
	input := func(ph string) textinput.Model {
		t := textinput.New()
		t.Prompt = ""
		t.CharLimit = 40
		t.Placeholder = ph
		common.StyleInput(&t, st)
		return t
	}
	return &Form{
		c: c, number: number, complete: complete,
		keys:    formKeys{next: km.NextField, prev: km.PrevField, save: save, back: back},
		work:    area("what was found and done", 4),
		parts:   area("one part per line: name: quantity, e.g. 启动电容 35μF: 1", 3),
		notes:   area("anything else for the customer (optional)", 2),
		started: input(timeLayout), finished: input(timeLayout),
		busy: common.NewBusy(c.Styles),
	}
}

// Number is the work order the form is for.
func (f *Form) Number() string { return f.number }

// Init loads the prefill.
func (f *Form) Init() tea.Cmd { return tea.Batch(prefillCmd(f.c.Svc, f.number), f.busy.StartCmd()) }

// SetSize fits the inputs to the width.
func (f *Form) SetSize(width, height int) {
	f.width, f.height = width, height
	w := max(20, width-labelW-4)
	f.work.SetWidth(w)
	f.parts.SetWidth(w)
	f.notes.SetWidth(w)
	f.started.Width = min(w, 20)
	f.finished.Width = min(w, 20)
}

// Capturing is true: every field takes typing.
func (f *Form) Capturing() bool { return true }

func (f *Form) blur() {
	f.work.Blur()
	f.parts.Blur()
	f.notes.Blur()
	f.started.Blur()
	f.finished.Blur()
}

func (f *Form) focusCmd(to field) tea.Cmd {
	f.blur()
	f.focus = to
	switch to {
	case fWork:
		return f.work.Focus()
	case fParts:
		return f.parts.Focus()
	case fNotes:
		return f.notes.Focus()
	case fStarted:
		return f.started.Focus()
	case fFinished:
		return f.finished.Focus()
	}
	return nil
}

// Update handles keys, the prefill and the outcome of saving.
func (f *Form) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return f.keyCmd(msg)
	case prefillMsg:
		if msg.number != f.number || f.loaded {
			return nil
		}
		f.busy.Stop()
		if msg.err != nil {
			f.loadErr = msg.err
			return common.ErrorCmd(msg.err)
		}
		f.loaded, f.wo, f.status = true, msg.wo, msg.status
		loc := f.c.Location()
		c := msg.content
		f.work.SetValue(c.WorkDone)
		f.parts.SetValue(core.PartsText(c.Parts))
		f.notes.SetValue(c.Notes)
		if !c.StartedAt.IsZero() {
			f.started.SetValue(c.StartedAt.In(loc).Format(timeLayout))
		}
		if !c.FinishedAt.IsZero() {
			f.finished.SetValue(c.FinishedAt.In(loc).Format(timeLayout))
		}
		f.work.CursorEnd()
		return f.focusCmd(fWork)
	case savedMsg:
		if msg.number != f.number {
			return nil
		}
		return f.savedCmd(msg)
	}
	cmd := f.busy.Update(msg)
	return tea.Batch(cmd, f.updateFocused(msg))
}

func (f *Form) updateFocused(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch f.focus {
	case fWork:
		f.work, cmd = f.work.Update(msg)
	case fParts:
		f.parts, cmd = f.parts.Update(msg)
	case fNotes:
		f.notes, cmd = f.notes.Update(msg)
	case fStarted:
		f.started, cmd = f.started.Update(msg)
	case fFinished:
		f.finished, cmd = f.finished.Update(msg)
	}
	return cmd
}

func (f *Form) keyCmd(msg tea.KeyMsg) tea.Cmd {
	k := f.keys
	switch {
	case key.Matches(msg, k.back):
		return common.BackCmd
	case !f.loaded:
		return nil
	case key.Matches(msg, k.save):
		return f.saveCmd()
	case key.Matches(msg, k.next):
		return f.focusCmd((f.focus + 1) % fieldCount)
	case key.Matches(msg, k.prev):
		return f.focusCmd((f.focus + fieldCount - 1) % fieldCount)
	}
	delete(f.errs, fieldNames[f.focus])
	return f.updateFocused(msg)
}

// input reads the form; errs are the problems found before asking the service.
func (f *Form) input() (core.ReportInput, map[string]string) {
	errs := map[string]string{}
	in := core.ReportInput{WorkDone: f.work.Value(), Notes: f.notes.Value()}
	var err error
	if in.Parts, err = core.ParseParts(f.parts.Value()); err != nil {
		errs["parts"] = err.Error()
	}
	now, loc := f.c.Now(), f.c.Location()
	if in.StartedAt, err = core.ParseReportTime("started", f.started.Value(), now, loc); err != nil {
		errs["started"] = err.Error()
	}
	if in.FinishedAt, err = core.ParseReportTime("finished", f.finished.Value(), now, loc); err != nil {
		errs["finished"] = err.Error()
	}
	return in, errs
}

func (f *Form) saveCmd() tea.Cmd {
	if f.saving {
		return nil
	}
	in, errs := f.input()
	if len(errs) > 0 {
		f.errs = errs
		return tea.Batch(f.focusFirstError(), common.ErrorCmd(common.Sentence("The report was not saved: correct the fields marked below.")))
	}
	f.saving, f.banner = true, ""
	return tea.Batch(saveCmd(f.c.Svc, f.c.Actor, f.number, in, f.complete, f.wo.Version), f.busy.StartCmd())
}

func (f *Form) focusFirstError() tea.Cmd {
	for i := range fieldCount {
		if f.errs[fieldNames[i]] != "" {
			return f.focusCmd(i)
		}
	}
	return nil
}

func (f *Form) savedCmd(msg savedMsg) tea.Cmd {
	f.saving = false
	f.busy.Stop()
	if msg.err != nil {
		if fe := core.FieldErrors(msg.err); fe != nil && slices.ContainsFunc(fieldNames[:], func(n string) bool { return fe[n] != "" }) {
			f.errs = fe
			return tea.Batch(f.focusFirstError(), common.ErrorCmd(common.Sentence("The report was not saved: correct the fields marked below.")))
		}
		f.banner = msg.err.Error()
		return common.ErrorCmd(msg.err)
	}
	var text string
	switch {
	case msg.completed:
		text = fmt.Sprintf("%s: service completed; report v%d generated; %s.", f.number, msg.res.Version, core.DeliveryText(core.NoticeServiceReport, msg.res.Messages))
	case msg.res.Draft:
		text = fmt.Sprintf("%s: report saved as a draft; it is generated when the service node completes.", f.number)
	default:
		text = fmt.Sprintf("%s: report v%d saved; it needs a new signature; %s.", f.number, msg.res.Version, core.DeliveryText(core.NoticeServiceReport, msg.res.Messages))
	}
	return tea.Batch(
		common.NavigateCmd(common.Replace, common.ReportScreen, f.number),
		common.StatusCmd(text),
	)
}

// ShortHelp lists the form's keys.
func (f *Form) ShortHelp() []key.Binding {
	k := f.bindings()
	return []key.Binding{k.save, k.next, k.prev, k.back}
}

// FullHelp lists every key of the form.
func (f *Form) FullHelp() [][]key.Binding {
	k := f.bindings()
	nl := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "new line (text fields)"))
	return [][]key.Binding{{k.next, k.prev, nl}, {k.save, k.back}}
}

func (f *Form) bindings() formKeys {
	k := f.keys
	k.save.SetEnabled(f.loaded && !f.saving)
	k.next.SetEnabled(f.loaded)
	k.prev.SetEnabled(f.loaded)
	return k
}

// labelW is the column the form's labels take.
const labelW = 12

// View draws the form, scrolled so the focused field is on screen.
func (f *Form) View() string {
	st := f.c.Styles
	var lines []string
	add := func(s string) { lines = append(lines, s) }
	title := "Service report"
	if f.complete {
		title = "Complete service"
	}
	head := st.Title.Render(title+" · "+f.number) + "  " + st.Value.Render(common.Clean(f.wo.Subject))
	if s := f.busy.View(); s != "" {
		head += " " + s
	}
	add(head)
	switch {
	case f.loadErr != nil:
		add(st.Error.Render("  " + f.loadErr.Error()))
		add(st.Muted.Render("  esc goes back."))
		return fit(lines, f.width, f.height, 0, 0)
	case !f.loaded:
		add(st.Muted.Render("  loading…"))
		return fit(lines, f.width, f.height, 0, 0)
	}
	for _, l := range common.Wrap(f.lead(), max(10, f.width-2)) {
		add(st.Muted.Render(l))
	}
	if f.banner != "" {
		for _, l := range common.Wrap(f.banner, max(10, f.width-4)) {
			add(st.Banner.Render("! " + l))
		}
	}
	add("  " + st.FieldLabel.Render(common.Fit("Engineer", labelW)) + st.Value.Render(common.OrDash(common.Clean(f.wo.EngineerName))))
	customer := f.wo.ContactName
	if f.wo.AccountName != "" {
		customer = strings.TrimSpace(customer + " · " + f.wo.AccountName)
	}
	add("  " + st.FieldLabel.Render(common.Fit("Customer", labelW)) + st.Value.Render(common.OrDash(common.Clean(customer))))
	add("")
	from, to := 0, 0
	for i := range fieldCount {
		start := len(lines)
		lbl := st.FieldLabel
		if i == f.focus {
			lbl = st.FocusedFieldLabel
		}
		switch i {
		case fWork, fParts, fNotes:
			add("  " + lbl.Render(fieldLabels[i]))
			ta := map[field]*textarea.Model{fWork: &f.work, fParts: &f.parts, fNotes: &f.notes}[i]
			for _, l := range strings.Split(common.AreaView(ta, st), "\n") {
				add("  " + l)
			}
		default:
			in := map[field]*textinput.Model{fStarted: &f.started, fFinished: &f.finished}[i]
			hint := ""
			if i == fFinished && f.complete {
				hint = st.Muted.Render("  (now, unless you change it)")
			}
			add("  " + lbl.Render(common.Fit(fieldLabels[i], labelW)) + common.InputView(in, st) + hint)
		}
		if e := f.errs[fieldNames[i]]; e != "" {
			for _, l := range common.Wrap(e, max(10, f.width-6)) {
				add("    " + st.FieldError.Render(l))
			}
		}
		if i == f.focus {
			from, to = start, len(lines)
		}
	}
	return fit(lines, f.width, f.height, from, to)
}

// lead says what saving will do.
func (f *Form) lead() string {
	switch {
	case f.complete:
		return "ctrl+s saves the report and completes the service node; the report notice goes out where its channels are on."
	case f.status.Latest > 0 && f.status.State == core.ReportSigned:
		return fmt.Sprintf("Version %d is signed and stays as it is: saving makes version %d, which needs a new signature.", f.status.Latest, f.status.Latest+1)
	case f.status.Latest > 0:
		return fmt.Sprintf("Saving makes version %d and sends it to the customer.", f.status.Latest+1)
	}
	return "Before the service node completes this is the draft; completing the node generates the report from it."
}

// fit cuts lines to the screen, scrolled so lines[from:to] show.
func fit(lines []string, w, h, from, to int) string {
	h = max(1, h)
	top := 0
	if len(lines) > h && to > h {
		top = min(to-h, from)
		top = min(top, len(lines)-h)
	}
	end := min(len(lines), top+h)
	out := make([]string, 0, h)
	for _, l := range lines[top:end] {
		out = append(out, common.Truncate(l, w))
	}
	return strings.Join(out, "\n")
}

// PageDownKey is the page-down binding without "f", which fills the report on
// the screens that offer it.
func PageDownKey(km *common.KeyMap) key.Binding {
	b := common.Without(km.PageDown, "f")
	b.SetHelp("pgdn", "page down")
	return b
}
