package intake

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// formField is one input of the mail rule form, in tab order.
type formField int

const (
	ffName formField = iota
	ffWhen
	ffType
	ffPriority
	ffRegion
	ffEnabled
	ffCount
)

var formLabels = [ffCount]string{"Name", "Condition", "Record type", "Priority", "Region", "Enabled"}

// formNames are the service's field names for each input, for its errors.
var formNames = [ffCount]string{"name", "when", "type", "priority", "region", "enabled"}

func (f formField) text() bool { return f == ffName || f == ffWhen || f == ffRegion }

// Choices: index 0 keeps the default.
var (
	typeChoices     = append([]string{"(default: Repair)"}, core.DefaultRecordTypes...)
	priorityChoices = []string{"(default: normal)", "low", "normal", "high", "urgent"}
)

const formLabelWidth = 12

// ruleForm adds or edits a mail rule; the condition is compiled as it is typed.
type ruleForm struct {
	c             *common.Common
	width, height int
	editing       *core.Rule
	focus         formField
	inputs        [ffCount]textinput.Model
	typ, priority int
	enabled       bool
	condErr       string
	errs          map[string]string
	banner        string
	saving        bool
	keys          keyMap
}

func newRuleForm(c *common.Common, r *core.Rule) *ruleForm {
	km := c.Keys
	back := km.Back
	back.SetHelp("esc", "cancel")
	f := &ruleForm{c: c, editing: r, enabled: true}
	enter := km.Open
	enter.SetHelp("enter", "next field")
	f.keys = keyMap{save: km.Save, nextField: km.NextField, prevField: km.PrevField, left: km.PrevChoice, right: km.NextChoice, back: back, open: enter}
	for fl := range ffCount {
		if !fl.text() {
			continue
		}
		in := textinput.New()
		in.Prompt = ""
		in.TextStyle = c.Styles.InputText
		in.PlaceholderStyle = c.Styles.InputPlaceholder
		f.inputs[fl] = in
	}
	f.inputs[ffName].CharLimit = 100
	f.inputs[ffName].Placeholder = "e.g. VIP customers"
	f.inputs[ffWhen].CharLimit = 2000
	f.inputs[ffWhen].Placeholder = `e.g. from_domain == "bigcustomer.com" || subject contains "紧急"`
	f.inputs[ffRegion].CharLimit = 60
	f.inputs[ffRegion].Placeholder = "(default: the contact's account region)"
	if r != nil {
		f.inputs[ffName].SetValue(r.Name)
		f.inputs[ffWhen].SetValue(r.When)
		f.enabled = r.Enabled
		if r.Mail != nil {
			f.typ = max(0, slices.Index(typeChoices, r.Mail.RecordType))
			f.priority = max(0, slices.Index(priorityChoices, string(r.Mail.Priority)))
			f.inputs[ffRegion].SetValue(r.Mail.Region)
		}
		f.validate()
	}
	return f
}

func (f *ruleForm) initCmd() tea.Cmd { return f.focusCmd(ffName) }

func (f *ruleForm) setSize(w, h int) {
	f.width, f.height = w, h
	for fl := range ffCount {
		if fl.text() {
			f.inputs[fl].Width = max(10, w-formLabelWidth-6)
		}
	}
}

func (f *ruleForm) capturing() bool { return f.focus.text() }

func (f *ruleForm) focusCmd(fl formField) tea.Cmd {
	if f.focus.text() {
		f.inputs[f.focus].Blur()
	}
	f.focus = fl
	if fl.text() {
		return f.inputs[fl].Focus()
	}
	return nil
}

// validate compiles the condition as typed, as the service will on save.
func (f *ruleForm) validate() {
	f.condErr = ""
	if strings.TrimSpace(f.inputs[ffWhen].Value()) == "" {
		return
	}
	if _, err := core.CompileMailCondition(f.inputs[ffWhen].Value()); err != nil {
		f.condErr = err.Error()
	}
}

func (f *ruleForm) input() core.NewRule {
	a := core.MailAction{Region: f.inputs[ffRegion].Value()}
	if f.typ > 0 {
		a.RecordType = typeChoices[f.typ]
	}
	if f.priority > 0 {
		a.Priority = core.Priority(priorityChoices[f.priority])
	}
	return core.NewRule{Kind: core.RuleMail, Name: f.inputs[ffName].Value(), When: f.inputs[ffWhen].Value(), Disabled: !f.enabled, Mail: &a}
}

// saved takes the service's answer to a save.
func (f *ruleForm) saved(msg savedRuleMsg) tea.Cmd {
	f.saving = false
	if msg.err == nil {
		verb := "Saved"
		if f.editing == nil {
			verb = "Added"
		}
		return common.StatusCmd(fmt.Sprintf("%s mail rule %q (id %d) at priority %d.", verb, msg.rule.Name, msg.rule.ID, msg.rule.Priority))
	}
	if fe := core.FieldErrors(msg.err); fe != nil {
		f.errs = fe
		for fl := range ffCount {
			if _, bad := fe[formNames[fl]]; bad {
				return tea.Batch(f.focusCmd(fl), common.ErrorCmd(common.Sentence("The mail rule was not saved: correct the fields marked below.")))
			}
		}
	}
	f.banner = msg.err.Error()
	return common.ErrorCmd(msg.err)
}

func (f *ruleForm) update(msg tea.Msg) tea.Cmd {
	if f.focus.text() {
		var cmd tea.Cmd
		f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
		return cmd
	}
	return nil
}

// keyCmd handles a key; done is true when the form closes.
func (f *ruleForm) keyCmd(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := f.keys
	switch {
	case key.Matches(msg, k.back):
		return nil, true
	case key.Matches(msg, k.save):
		if f.saving {
			return nil, false
		}
		f.saving, f.banner = true, ""
		id := core.ID(0)
		if f.editing != nil {
			id = f.editing.ID
		}
		return saveRuleCmd(f.c.Svc, f.c.Actor, id, f.input()), false
	case key.Matches(msg, k.nextField, k.open):
		return f.focusCmd((f.focus + 1) % ffCount), false
	case key.Matches(msg, k.prevField):
		return f.focusCmd((f.focus + ffCount - 1) % ffCount), false
	case !f.focus.text():
		d := 0
		switch {
		case key.Matches(msg, k.left):
			d = -1
		case key.Matches(msg, k.right):
			d = 1
		}
		switch f.focus {
		case ffType:
			f.typ = (f.typ + d + len(typeChoices)) % len(typeChoices)
			delete(f.errs, "type")
		case ffPriority:
			f.priority = (f.priority + d + len(priorityChoices)) % len(priorityChoices)
			delete(f.errs, "priority")
		case ffEnabled:
			if d != 0 {
				f.enabled = !f.enabled
			}
		}
		return nil, false
	}
	before := f.inputs[f.focus].Value()
	var cmd tea.Cmd
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
	if f.inputs[f.focus].Value() != before {
		delete(f.errs, formNames[f.focus])
		if f.focus == ffWhen {
			f.validate()
		}
	}
	return cmd, false
}

func (f *ruleForm) shortHelp() []key.Binding {
	k := f.keys
	if f.focus.text() {
		return []key.Binding{k.save, k.nextField, k.prevField, k.back}
	}
	return []key.Binding{k.save, k.left, k.right, k.nextField, k.back}
}

func (f *ruleForm) fullHelp() [][]key.Binding {
	k := f.keys
	return [][]key.Binding{{k.nextField, k.prevField}, {k.left, k.right}, {k.save, k.back}}
}

func (f *ruleForm) view() string {
	st := f.c.Styles
	var lines []string
	add := func(s string) { lines = append(lines, common.Truncate(s, f.width)) }
	title := "New mail rule"
	if f.editing != nil {
		title = fmt.Sprintf("Edit mail rule %q (id %d) (priority %d)", f.editing.Name, f.editing.ID, f.editing.Priority)
	}
	t := st.Title.Render(common.Clean(title))
	if f.editing == nil {
		t += st.Muted.Render(" — added at the lowest priority")
	}
	add(t)
	if f.banner != "" {
		add(st.Banner.Render("! " + f.banner))
	}
	add("")
	ind := strings.Repeat(" ", 2+formLabelWidth)
	for fl := range ffCount {
		marker, label := "  ", st.FieldLabel
		if fl == f.focus {
			marker, label = "> ", st.FocusedFieldLabel
		}
		head := marker + label.Render(common.Fit(formLabels[fl], formLabelWidth))
		switch fl {
		case ffName, ffWhen, ffRegion:
			add(head + f.inputs[fl].View())
		case ffType:
			add(head + f.choices(typeChoices, f.typ, fl == f.focus))
		case ffPriority:
			add(head + f.choices(priorityChoices, f.priority, fl == f.focus))
		case ffEnabled:
			add(head + f.choices([]string{"on", "off"}, map[bool]int{true: 0, false: 1}[f.enabled], fl == f.focus))
		}
		if fl == ffWhen {
			switch {
			case f.condErr != "":
				for _, l := range common.Wrap(f.condErr, max(10, f.width-len(ind)-2)) {
					add(ind + st.FieldError.Render(l))
				}
			case strings.TrimSpace(f.inputs[ffWhen].Value()) != "":
				add(ind + st.Match.Render("✓ compiles"))
			}
			if f.condErr == "" {
				add(ind + st.Muted.Render("fields: "+strings.Join(core.MailFields(), ", ")))
			}
		}
		if e := f.errs[formNames[fl]]; e != "" && fl != ffWhen {
			add(ind + st.FieldError.Render(e))
		} else if e != "" && f.condErr == "" {
			add(ind + st.FieldError.Render(e))
		}
	}
	h := max(1, f.height)
	if len(lines) > h {
		lines = lines[:h]
	}
	return strings.Join(lines, "\n")
}

func (f *ruleForm) choices(opts []string, sel int, focused bool) string {
	st := f.c.Styles
	var parts []string
	for i, o := range opts {
		switch {
		case i == sel && focused:
			parts = append(parts, st.SelectedChoice.Render("["+o+"]"))
		case i == sel:
			parts = append(parts, st.Choice.Render("["+o+"]"))
		default:
			parts = append(parts, st.Muted.Render(" "+o+" "))
		}
	}
	return strings.Join(parts, "")
}
