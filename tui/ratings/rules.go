package ratings

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

// The evaluation rules view (R-EVAL-3): the rules in priority order, moved,
// switched, deleted and edited from the keyboard, like the dispatch rules.

// rulesMsg carries the evaluation rules (after a load or a change).
type rulesMsg struct {
	rules []core.Rule
	done  string
	err   error
}

func loadRulesCmd(svc *core.Service) tea.Cmd {
	return func() tea.Msg {
		rs, err := svc.Rules(core.RuleEvaluation)
		return rulesMsg{rules: rs, err: err}
	}
}

// ruleChangeCmd runs a change and reloads the rules.
func ruleChangeCmd(svc *core.Service, done string, fn func() error) tea.Cmd {
	return func() tea.Msg {
		if err := fn(); err != nil {
			return rulesMsg{err: err, done: "refused"}
		}
		rs, err := svc.Rules(core.RuleEvaluation)
		return rulesMsg{rules: rs, done: done, err: err}
	}
}

// ruleColumns are the evaluation rules' columns.
var ruleColumns = []common.Column{
	{Title: "#", Width: 3, Right: true},
	{Title: "NAME", Weight: 2, Min: 12},
	{Title: "ON", Width: 3},
	{Title: "CONDITION", Weight: 3, Min: 14, Hide: 2},
	{Title: "TYPE", Width: 10},
	{Title: "VIA", Weight: 2, Min: 10, Hide: 3},
	{Title: "PRIORITY", Width: 11, Hide: 1},
	{Title: "MANDATORY", Width: 9, Hide: 4},
}

// refilterRules shows the rules the filter keeps.
func (m *Model) refilterRules() {
	m.shownRules.Set(m.rules, func(r core.Rule) string { return r.Name + " " + r.When + " " + r.EvalType })
	m.shownRules.Apply(m.ruleList.Filter())
	m.ruleList.SetLen(m.shownRules.Len())
}

// selectedRule is the rule under the cursor.
func (m *Model) selectedRule() *core.Rule { return m.shownRules.Ref(m.ruleList.Cursor()) }

func (m *Model) ruleKeys() keyMap {
	k := m.keys
	may, _ := m.c.MayAdminister("change evaluation rules")
	has := may && m.selectedRule() != nil && !m.saving
	whole := m.ruleList.Filter() == ""
	cur := m.ruleList.Cursor()
	k.edit.SetHelp("enter", "edit rule")
	k.add.SetHelp("n", "new rule")
	k.toggle.SetHelp("space", "enable/disable")
	k.del.SetHelp("X/del", "delete rule")
	k.edit.SetEnabled(has)
	k.toggle.SetEnabled(has)
	k.del.SetEnabled(has)
	k.moveUp.SetEnabled(has && whole && cur > 0)
	k.moveDown.SetEnabled(has && whole && cur < len(m.rules)-1)
	k.add.SetEnabled(may && !m.saving)
	k.confirm.SetEnabled(m.confirming != "")
	return k
}

func (m *Model) rulesKey(msg tea.KeyMsg) tea.Cmd {
	k := m.ruleKeys()
	if m.confirming == "rule" {
		m.confirming = ""
		if !key.Matches(msg, k.confirm) || m.selectedRule() == nil {
			return common.StatusCmd("Nothing deleted.")
		}
		r := *m.selectedRule()
		m.saving = true
		return ruleChangeCmd(m.c.Svc, fmt.Sprintf("Evaluation rule %q deleted.", r.Name), func() error { return m.c.Svc.DeleteRule(m.c.Actor, r.ID) })
	}
	if !key.Matches(msg, k.moveUp, k.moveDown) {
		cmd, ev := m.ruleList.Update(msg)
		if ev.Has(common.ListFilterChanged) {
			m.refilterRules()
		}
		if ev.Has(common.ListHandled) {
			return cmd
		}
	}
	switch {
	case key.Matches(msg, k.back), key.Matches(msg, k.report):
		m.mode = modeReport
		return m.reportCmd()
	case key.Matches(msg, k.types):
		m.mode = modeTypes
	case key.Matches(msg, k.reload):
		return loadRulesCmd(m.c.Svc)
	case key.Matches(msg, k.moveUp), key.Matches(msg, k.moveDown):
		r := *m.selectedRule()
		to := m.ruleList.Cursor() // 0-based: the new position is to+1 after the move
		if key.Matches(msg, k.moveUp) {
			to--
		} else {
			to++
		}
		m.ruleList.Select(to)
		m.saving = true
		return ruleChangeCmd(m.c.Svc, fmt.Sprintf("%q is now tried %s.", r.Name, ordinal(to+1)), func() error {
			_, err := m.c.Svc.MoveRule(m.c.Actor, r.ID, to+1)
			return err
		})
	case key.Matches(msg, k.toggle):
		r := *m.selectedRule()
		on := !r.Enabled
		m.saving = true
		return ruleChangeCmd(m.c.Svc, fmt.Sprintf("%q is %s.", r.Name, map[bool]string{true: "on", false: "off"}[on]), func() error {
			_, err := m.c.Svc.UpdateRule(m.c.Actor, r.ID, core.RulePatch{Enabled: &on})
			return err
		})
	case key.Matches(msg, k.del):
		m.confirming = "rule"
	case key.Matches(msg, k.add):
		m.ruleForm = newRuleForm(m.c, nil, m.types, m.width)
		m.mode = modeRuleForm
		return m.ruleForm.focusCmd()
	case key.Matches(msg, k.edit):
		r := *m.selectedRule()
		m.ruleForm = newRuleForm(m.c, &r, m.types, m.width)
		m.mode = modeRuleForm
		return m.ruleForm.focusCmd()
	}
	return nil
}

func ordinal(n int) string {
	switch n {
	case 1:
		return "first"
	case 2:
		return "second"
	case 3:
		return "third"
	}
	return fmt.Sprintf("%dth", n)
}

func invitesText(r core.Rule) string {
	var vs []string
	for _, v := range r.EvalInvites {
		vs = append(vs, string(v))
	}
	return strings.Join(vs, ", ")
}

func (m *Model) rulesView() string {
	st := m.c.Styles
	w := m.width
	lines := []string{common.Truncate(st.Title.Render("Evaluation rules")+st.Muted.Render(" — at an evaluation node set to rule-based matching, the first rule that matches decides"), w)}
	if m.rulesErr != nil {
		return strings.Join(append(lines, st.Error.Render(common.Truncate(m.rulesErr.Error(), w))), "\n")
	}
	lines = append(lines, m.ruleList.View("", "", func(i int) common.Row {
		r := m.shownRules.At(i)
		prio := "all at once"
		if r.MessagePriority {
			prio = "in order"
		}
		var style func(int, string) string
		if !r.Enabled {
			style = func(_ int, s string) string { return st.Disabled.Render(s) }
		}
		return common.Row{Cells: []string{fmt.Sprint(r.Priority), r.Name, map[bool]string{true: "on", false: "off"}[r.Enabled],
			r.When, r.EvalType, invitesText(r), prio, map[bool]string{true: "yes", false: "no"}[r.Mandatory]}, Style: style}
	}))
	if r := m.selectedRule(); m.confirming == "rule" && r != nil {
		lines = append(lines, "", st.Banner.Render(common.Truncate(fmt.Sprintf("Delete the evaluation rule %q? y deletes, any other key keeps it.", r.Name), w)))
	}
	if may, why := m.c.MayAdminister("change evaluation rules"); !may {
		lines = append(lines, "", st.Error.Render(common.Truncate("Read only: "+why, w)))
	}
	return strings.Join(lines, "\n")
}

// Rule form inputs, in tab order.
const (
	rfName = iota
	rfWhen
	rfType
	rfVia
	rfPriority
	rfMandatory
	rfCount
)

// ruleForm adds or edits one evaluation rule.
type ruleForm struct {
	c         *common.Common
	rule      *core.Rule // nil for a new rule
	name      textinput.Model
	when      textinput.Model
	types     []string
	typ       int
	via       [4]bool // core.AllEvalInvites
	viaCur    int
	priority  bool
	mandatory bool
	focus     int
	condErr   string
	err       string
}

func newRuleForm(c *common.Common, r *core.Rule, types []core.EvaluationType, width int) *ruleForm {
	f := &ruleForm{c: c, rule: r}
	for _, t := range types {
		f.types = append(f.types, t.Name)
	}
	mk := func(limit int, ph string) textinput.Model {
		in := textinput.New()
		in.Prompt = ""
		in.CharLimit = limit
		in.Placeholder = ph
		common.StyleInput(&in, c.Styles)
		in.Width = max(10, width-20)
		return in
	}
	f.name = mk(100, "e.g. Key accounts")
	f.when = mk(2000, `e.g. record_type == "Repair" && region == "East"`)
	f.via[0] = true
	if r != nil {
		f.name.SetValue(r.Name)
		f.when.SetValue(r.When)
		f.typ = max(0, slices.Index(f.types, r.EvalType))
		f.via = [4]bool{}
		for _, v := range r.EvalInvites {
			if i := slices.Index(core.AllEvalInvites, v); i >= 0 {
				f.via[i] = true
			}
		}
		f.priority, f.mandatory = r.MessagePriority, r.Mandatory
	}
	f.check()
	return f
}

func (f *ruleForm) isText() bool { return f.focus == rfName || f.focus == rfWhen }

func (f *ruleForm) focusCmd() tea.Cmd {
	f.name.Blur()
	f.when.Blur()
	switch f.focus {
	case rfName:
		return f.name.Focus()
	case rfWhen:
		return f.when.Focus()
	}
	return nil
}

// check compiles the condition as it is typed.
func (f *ruleForm) check() {
	f.condErr = ""
	if strings.TrimSpace(f.when.Value()) == "" {
		return
	}
	if _, err := core.CompileCondition(f.when.Value()); err != nil {
		f.condErr = err.Error()
	}
}

func (f *ruleForm) invites() []core.EvalInvite {
	var out []core.EvalInvite
	for i, on := range f.via {
		if on {
			out = append(out, core.AllEvalInvites[i])
		}
	}
	return out
}

func (m *Model) ruleFormKey(msg tea.KeyMsg) tea.Cmd {
	f := m.ruleForm
	k := m.keys
	switch {
	case key.Matches(msg, k.back):
		m.ruleForm, m.mode = nil, modeRules
		return common.StatusCmd("Rule not saved.")
	case key.Matches(msg, k.next):
		f.focus = (f.focus + 1) % rfCount
		return f.focusCmd()
	case key.Matches(msg, k.prev):
		f.focus = (f.focus + rfCount - 1) % rfCount
		return f.focusCmd()
	case key.Matches(msg, k.save):
		return m.saveRule()
	case f.isText():
		var cmd tea.Cmd
		if f.focus == rfName {
			f.name, cmd = f.name.Update(msg)
		} else {
			f.when, cmd = f.when.Update(msg)
			f.check()
		}
		return cmd
	case f.focus == rfVia && key.Matches(msg, k.choicePrev):
		f.viaCur = max(0, f.viaCur-1)
	case f.focus == rfVia && msg.String() == "right":
		f.viaCur = max(0, min(len(f.via)-1, f.viaCur+1))
	case f.focus == rfVia && msg.String() == " ":
		f.via[f.viaCur] = !f.via[f.viaCur]
	case key.Matches(msg, k.choicePrev), key.Matches(msg, k.choiceNext):
		back := key.Matches(msg, k.choicePrev)
		switch f.focus {
		case rfType:
			if len(f.types) > 0 {
				f.typ = cycle(f.typ, len(f.types), back)
			}
		case rfPriority:
			f.priority = !f.priority
		case rfMandatory:
			f.mandatory = !f.mandatory
		}
	}
	return nil
}

func (m *Model) saveRule() tea.Cmd {
	f := m.ruleForm
	typ := ""
	if f.typ < len(f.types) {
		typ = f.types[f.typ]
	}
	name, when, via, prio, mand := f.name.Value(), f.when.Value(), f.invites(), f.priority, f.mandatory
	svc, as := m.c.Svc, m.c.Actor
	m.saving = true
	if f.rule == nil {
		return ruleChangeCmd(svc, fmt.Sprintf("Evaluation rule %q added at the lowest priority.", strings.TrimSpace(name)), func() error {
			_, err := svc.AddRule(as, core.NewRule{Kind: core.RuleEvaluation, Name: name, When: when, EvalType: typ, EvalInvites: via, MessagePriority: prio, Mandatory: mand})
			return err
		})
	}
	id := f.rule.ID
	return ruleChangeCmd(svc, fmt.Sprintf("Evaluation rule %q saved.", strings.TrimSpace(name)), func() error {
		_, err := svc.UpdateRule(as, id, core.RulePatch{Name: &name, When: &when, EvalType: &typ, EvalInvites: via, MessagePriority: &prio, Mandatory: &mand})
		return err
	})
}

func (f *ruleForm) help(k keyMap) []key.Binding {
	k.save.SetHelp("ctrl+s", "save rule")
	k.back.SetHelp("esc", "cancel")
	cp, cn := k.choicePrev, k.choiceNext
	cp.SetEnabled(!f.isText())
	cn.SetEnabled(!f.isText())
	if f.focus == rfVia {
		cp.SetHelp("←/→", "method")
		cn.SetHelp("space", "on/off")
	}
	return []key.Binding{k.next, k.prev, cp, cn, k.save, k.back}
}

func (f *ruleForm) view(m *Model) string {
	st := m.c.Styles
	w := m.width
	title := "New evaluation rule"
	if f.rule != nil {
		title = fmt.Sprintf("Evaluation rule %q (id %d)", f.rule.Name, f.rule.ID)
	}
	lines := []string{st.Title.Render(title), ""}
	label := func(i int, s string) string {
		ls := st.FieldLabel
		if i == f.focus {
			ls = st.FocusedFieldLabel
		}
		return ls.Render(common.Fit(s, 18))
	}
	lines = append(lines, common.Truncate(label(rfName, "Name")+"  "+common.InputView(&f.name, st), w))
	lines = append(lines, common.Truncate(label(rfWhen, "Work-order scope")+"  "+common.InputView(&f.when, st), w))
	if f.condErr != "" {
		lines = append(lines, st.FieldError.Render(common.Truncate(strings.Repeat(" ", 20)+f.condErr, w)))
	}
	lines = append(lines, common.Truncate(label(rfType, "Record type")+"  "+choices(st, f.types, f.typ, f.focus == rfType), w))
	var via []string
	for i, v := range core.AllEvalInvites {
		mark := "[ ]"
		if f.via[i] {
			mark = "[x]"
		}
		s := mark + " " + map[core.EvalInvite]string{core.EvalInviteQR: "QR code (manual)", core.EvalInviteWeChat: "WeChat", core.EvalInviteSMS: "SMS", core.EvalInviteEmail: "email"}[v]
		if f.focus == rfVia && i == f.viaCur {
			s = st.SelectedChoice.Render(s)
		} else {
			s = st.Choice.Render(s)
		}
		via = append(via, s)
	}
	lines = append(lines, common.Truncate(label(rfVia, "Invite by")+"  "+strings.Join(via, "  "), w))
	lines = append(lines, common.Truncate(label(rfPriority, "Message priority")+"  "+choices(st, []string{"all at once", "in order until one delivers"}, map[bool]int{false: 0, true: 1}[f.priority], f.focus == rfPriority), w))
	lines = append(lines, common.Truncate(label(rfMandatory, "Mandatory")+"  "+choices(st, []string{"no", "yes: the work order waits for an evaluation"}, map[bool]int{false: 0, true: 1}[f.mandatory], f.focus == rfMandatory), w))
	if f.err != "" {
		lines = append(lines, "", st.FieldError.Render(common.Truncate(f.err, w)))
	}
	lines = append(lines, "", st.Muted.Render(common.Truncate("Conditions use the work-order JSON keys, as dispatch rules do: "+strings.Join(core.RuleFields()[:8], ", ")+", …", w)))
	return strings.Join(lines, "\n")
}
