package intake

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// Choices: index 0 keeps the default.
var (
	typeChoices     = append([]string{"(default: Repair)"}, core.DefaultRecordTypes...)
	priorityChoices = []string{"(default: normal)", "low", "normal", "high", "urgent"}
)

// ruleForm adds or edits a mail rule on the console's form: the condition is
// compiled as it is typed, core's refusal shows under the field it concerns.
type ruleForm struct {
	c       *common.Common
	editing *core.Rule
	form    *common.Form

	name, region   *common.TextField
	when           *common.ConditionField
	typ, prio, onf *common.ChoiceField
}

func newRuleForm(c *common.Common, r *core.Rule) *ruleForm {
	f := &ruleForm{c: c, editing: r}
	var name, when, region, typ, prio = "", "", "", typeChoices[0], priorityChoices[0]
	on := "on"
	if r != nil {
		name, when = r.Name, r.When
		if !r.Enabled {
			on = "off"
		}
		if r.Mail != nil {
			region = r.Mail.Region
			if r.Mail.RecordType != "" {
				typ = r.Mail.RecordType
			}
			if r.Mail.Priority != "" {
				prio = string(r.Mail.Priority)
			}
		}
	}
	f.name = common.NewTextField(c, "Name", "name", name, 100).WithPlaceholder("e.g. VIP customers")
	f.when = common.NewConditionField(c, "Condition", "when", when, func(s string) error {
		_, err := core.CompileMailCondition(s)
		return err
	}, core.MailFields())
	f.when.WithPlaceholder(`e.g. from_domain == "bigcustomer.com" || subject contains "紧急"`)
	f.typ = common.NewChoiceField("Record type", "type", typeChoices, typ)
	f.prio = common.NewChoiceField("Priority", "priority", priorityChoices, prio)
	f.region = common.NewTextField(c, "Region", "region", region, 60).WithPlaceholder("(default: the contact's account region)")
	f.onf = common.NewChoiceField("Enabled", "enabled", []string{"on", "off"}, on)
	title, note := "New mail rule", "added at the lowest priority"
	if r != nil {
		title, note = fmt.Sprintf("Edit mail rule %q (id %d)", r.Name, r.ID), fmt.Sprintf("priority %d", r.Priority)
	}
	f.form = common.NewForm(c, title, f.name, f.when, f.typ, f.prio, f.region, f.onf)
	f.form.Note = note
	return f
}

func (f *ruleForm) initCmd() tea.Cmd { return f.form.Init() }

func (f *ruleForm) setSize(w, h int) { f.form.SetSize(w, h) }

func (f *ruleForm) capturing() bool { return f.form.Typing() }

func (f *ruleForm) input() core.NewRule {
	a := core.MailAction{Region: f.region.Value()}
	if v := f.typ.Value(); v != typeChoices[0] {
		a.RecordType = v
	}
	if v := f.prio.Value(); v != priorityChoices[0] {
		a.Priority = core.Priority(v)
	}
	return core.NewRule{Kind: core.RuleMail, Name: f.name.Value(), When: f.when.Value(), Disabled: f.onf.Value() == "off", Mail: &a}
}

// saved takes the service's answer to a save.
func (f *ruleForm) saved(msg savedRuleMsg) tea.Cmd {
	if msg.err != nil {
		return f.form.Saved(msg.err)
	}
	f.form.Saved(nil)
	verb := "Saved"
	if f.editing == nil {
		verb = "Added"
	}
	return common.StatusCmd(fmt.Sprintf("%s mail rule %q (id %d) at priority %d.", verb, msg.rule.Name, msg.rule.ID, msg.rule.Priority))
}

func (f *ruleForm) update(msg tea.Msg) tea.Cmd {
	cmd, _ := f.form.Update(msg)
	return cmd
}

// keyCmd handles a key; done is true when the form closes.
func (f *ruleForm) keyCmd(msg tea.KeyMsg) (tea.Cmd, bool) {
	cmd, ev := f.form.Update(msg)
	switch ev {
	case common.FormCancel:
		return nil, true
	case common.FormSave:
		id := core.ID(0)
		if f.editing != nil {
			id = f.editing.ID
		}
		return tea.Batch(f.form.StartSaving(), saveRuleCmd(f.c.Svc, f.c.Actor, id, f.input())), false
	}
	return cmd, false
}

func (f *ruleForm) shortHelp() []key.Binding { return f.form.ShortHelp() }

func (f *ruleForm) fullHelp() [][]key.Binding { return f.form.FullHelp() }

func (f *ruleForm) view() string { return f.form.View() }
