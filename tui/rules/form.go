package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// savedMsg is the outcome of saving the form.
type savedMsg struct {
	rule  core.Rule
	added bool
	err   error
}

func saveCmd(svc *core.Service, as core.Actor, editing *core.Rule, in core.NewRule) tea.Cmd {
	in.Engineers = slices.Clone(in.Engineers)
	var old *core.Rule
	if editing != nil {
		r := *editing
		old = &r
	}
	return func() tea.Msg {
		if old == nil {
			r, err := svc.AddRule(as, in)
			return savedMsg{rule: r, added: true, err: err}
		}
		enabled := !in.Disabled
		p := core.RulePatch{Name: &in.Name, When: &in.When, Policy: &in.Policy, Enabled: &enabled}
		if !slices.Equal(old.Engineers, in.Engineers) {
			p.Engineers = in.Engineers // a new pool restarts the rotation
		}
		r, err := svc.UpdateRule(as, old.ID, p)
		return savedMsg{rule: r, err: err}
	}
}

var policyHelp = map[core.PoolPolicy]string{
	core.PolicyFixed:       "always the first engineer of the pool",
	core.PolicyRoundRobin:  "each engineer in turn; the next-up pointer is kept",
	core.PolicyLeastLoaded: "the engineer with the fewest open work orders",
}

// form adds a rule or edits one, on the console's form: the condition is
// compiled as it is typed, and the rule can be tried on a work order before it
// is saved (R-DISP-6), with ctrl+t or enter in "Test with".
type form struct {
	c       *common.Common
	editing *core.Rule
	form    *common.Form
	runTest key.Binding

	name   *common.TextField
	when   *common.ConditionField
	pool   *poolField
	policy *common.ChoiceField
	on     *common.ChoiceField
	test   *testField

	engineers []core.Engineer // every engineer, by provider
	testSeq   int
}

func newForm(c *common.Common, r *core.Rule, number string, engineers map[core.ID]core.Engineer, providers map[core.ID]core.Provider) *form {
	f := &form{c: c, editing: r, runTest: c.Keys.RunTest}
	for _, e := range engineers {
		f.engineers = append(f.engineers, e)
	}
	slices.SortFunc(f.engineers, func(a, b core.Engineer) int {
		if a.ProviderID != b.ProviderID {
			return int(a.ProviderID) - int(b.ProviderID)
		}
		return int(a.ID) - int(b.ID)
	})
	name, when, policy, on := "", "", string(core.AllPolicies[0]), "on"
	var pool []core.ID
	if r != nil {
		name, when, policy, pool = r.Name, r.When, string(r.Policy), slices.Clone(r.Engineers)
		if !r.Enabled {
			on = "off"
		}
	}
	f.name = common.NewTextField(c, "Name", "name", name, 100).WithPlaceholder("e.g. East repairs")
	f.when = common.NewConditionField(c, "Condition", "when", when, func(s string) error {
		_, err := core.CompileCondition(s)
		return err
	}, core.RuleFields())
	f.when.WithPlaceholder(`e.g. record_type == "Repair" && region in ["East", "North"]`)
	f.pool = &poolField{engineers: f.engineers, providers: providers, pool: pool}
	policies := make([]string, len(core.AllPolicies))
	for i, p := range core.AllPolicies {
		policies[i] = string(p)
	}
	f.policy = common.NewChoiceField("Policy", "policy", policies, policy)
	f.on = common.NewChoiceField("Enabled", "enabled", []string{"on", "off"}, on)
	f.test = &testField{TextField: common.NewTextField(c, "Test with", "test", number, 20).WithPlaceholder("a work order number; enter tries the rule on it")}
	title, note := "New dispatch rule", "added at the lowest priority; move it up on the list"
	if r != nil {
		title, note = fmt.Sprintf("Edit rule %q (id %d)", r.Name, r.ID), fmt.Sprintf("priority %d", r.Priority)
	}
	f.form = common.NewForm(c, title, f.name, f.when, f.pool, f.policy, f.on, f.test)
	f.form.Note = note
	f.form.Hints["engineer"] = "↑/↓ walk the engineers, space adds one to the pool or takes it out; a pool is of one provider"
	return f
}

func (f *form) initCmd() tea.Cmd { return f.form.Init() }

func (f *form) setSize(width, height int) { f.form.SetSize(width, height) }

func (f *form) capturing() bool { return f.form.Typing() }

// input is what the form would save.
func (f *form) input() core.NewRule {
	return core.NewRule{
		Kind:      core.RuleDispatch,
		Name:      f.name.Value(),
		When:      f.when.Value(),
		Engineers: f.pool.pool,
		Policy:    core.PoolPolicy(f.policy.Value()),
		Disabled:  f.on.Value() == "off",
	}
}

// update handles results and cursor blinks.
func (f *form) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case savedMsg:
		if msg.err != nil {
			return f.form.Saved(msg.err)
		}
		f.form.Saved(nil)
		verb := "Saved"
		if msg.added {
			verb = "Added"
		}
		return common.StatusCmd(fmt.Sprintf("%s rule %q (id %d) at priority %d.", verb, msg.rule.Name, msg.rule.ID, msg.rule.Priority))
	case explainedMsg:
		if msg.seq != f.testSeq {
			return nil
		}
		if msg.err != nil {
			f.test.x, f.test.err = nil, msg.err.Error()
			return nil
		}
		x := msg.x
		f.test.x, f.test.err = &x, ""
		return nil
	}
	cmd, _ := f.form.Update(msg)
	return cmd
}

// keyCmd handles a key; done is true when the form closes.
func (f *form) keyCmd(msg tea.KeyMsg) (tea.Cmd, bool) {
	testing := f.form.Fields()[f.form.Focused()] == f.test
	if key.Matches(msg, f.runTest) || (testing && msg.String() == "enter") {
		return f.testCmd(), false
	}
	before := f.when.Value()
	cmd, ev := f.form.Update(msg)
	switch ev {
	case common.FormCancel:
		return nil, true
	case common.FormSave:
		return tea.Batch(f.form.StartSaving(), saveCmd(f.c.Svc, f.c.Actor, f.editing, f.input())), false
	}
	if f.when.Value() != before {
		f.test.x, f.test.err = nil, "" // it tried another condition
	}
	return cmd, false
}

// testCmd tries the condition as typed on the work order in the test field.
func (f *form) testCmd() tea.Cmd {
	n := f.test.Value()
	if n == "" {
		f.test.x, f.test.err = nil, "Type a work-order number in Test with, then press enter."
		return f.form.FocusName("test")
	}
	if e := f.when.Err(); e != "" {
		f.test.x, f.test.err = nil, "Correct the condition first: "+e
		return nil
	}
	f.testSeq++
	f.test.x, f.test.err = nil, ""
	names := make(map[core.ID]string, len(f.engineers))
	for _, e := range f.engineers {
		names[e.ID] = e.Name
	}
	return explainCmd(f.c.Svc, true, f.testSeq, 0, f.name.Value(), f.when.Value(), n, names)
}

// draftKey is the form's "what if with this rule" (handled by the model).
var draftKey = key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "what if with this rule"))

func (f *form) shortHelp() []key.Binding {
	t := f.runTest
	t.SetHelp("ctrl+t", "test")
	return append(f.form.ShortHelp(), t, draftKey)
}

func (f *form) fullHelp() [][]key.Binding {
	t := f.runTest
	t.SetHelp("ctrl+t", "test on a work order")
	return append(f.form.FullHelp(), []key.Binding{t, draftKey})
}

func (f *form) view() string {
	f.form.Hints["policy"] = policyHelp[core.PoolPolicy(f.policy.Value())]
	return f.form.View()
}

// poolRows is how many engineers the pool list shows at once.
const poolRows = 8

// poolField picks the rule's engineers, in pool order: ↑/↓ walk the
// engineers, space adds one to the end of the pool or takes it out.
type poolField struct {
	engineers []core.Engineer
	providers map[core.ID]core.Provider
	pool      []core.ID
	cursor    int
}

func (p *poolField) Label() string  { return "Engineers" }
func (p *poolField) Name() string   { return "engineer" }
func (p *poolField) Focus() tea.Cmd { return nil }
func (p *poolField) Blur()          {}
func (p *poolField) Typing() bool   { return false }

// Value is the pool as text (for change detection).
func (p *poolField) Value() string { return fmt.Sprint(p.pool) }

// Keys are the field's own keys, for the footer.
func (p *poolField) Keys(km common.FormKeyMap) []key.Binding {
	walk := km.Down
	walk.SetKeys(append(km.Up.Keys(), km.Down.Keys()...)...)
	walk.SetHelp("↑/↓", "engineers")
	toggle := km.Toggle
	toggle.SetHelp("space", "add/remove")
	return []key.Binding{toggle, walk}
}

// Update walks the engineers and switches the one under the cursor.
func (p *poolField) Update(msg tea.KeyMsg, km common.FormKeyMap) (tea.Cmd, bool) {
	switch {
	case key.Matches(msg, km.Up):
		if p.cursor == 0 {
			return nil, false
		}
		p.cursor--
		return nil, true
	case key.Matches(msg, km.Down):
		if p.cursor >= len(p.engineers)-1 {
			return nil, false
		}
		p.cursor++
		return nil, true
	case key.Matches(msg, km.Toggle):
		if p.cursor < len(p.engineers) {
			id := p.engineers[p.cursor].ID
			if i := slices.Index(p.pool, id); i >= 0 {
				p.pool = slices.Delete(p.pool, i, i+1)
			} else {
				p.pool = append(p.pool, id)
			}
		}
		return nil, true
	}
	return nil, false
}

// Lines: who is in the pool; focused, the engineers around the cursor.
func (p *poolField) Lines(focused bool, width int, st *common.Styles) []string {
	out := []string{p.summary(st)}
	if !focused {
		return out
	}
	if len(p.engineers) == 0 {
		return append(out, st.Muted.Render("No engineers yet: add them in People (or `switchboard engineer add`)."))
	}
	top := max(0, min(p.cursor-poolRows/2, len(p.engineers)-poolRows))
	for i := top; i < min(len(p.engineers), top+poolRows); i++ {
		e := p.engineers[i]
		mark := "[ ]"
		if at := slices.Index(p.pool, e.ID); at >= 0 {
			mark = fmt.Sprintf("[%d]", at+1)
		}
		off := ""
		if e.Disabled || p.providers[e.ProviderID].Disabled {
			off = " (disabled)"
		}
		line := common.Fit(mark, 4) + " " + common.Fit(common.Clean(e.Name)+off, 14) + " " +
			common.Fit(common.OrDash(e.Region), 8) + " " + common.Clean(p.providers[e.ProviderID].Name)
		line = common.Truncate(line, width-2)
		if i == p.cursor {
			out = append(out, st.SelectedRow.Render("> "+line))
		} else {
			out = append(out, "  "+line)
		}
	}
	if len(p.engineers) > poolRows {
		out = append(out, st.Muted.Render(fmt.Sprintf("  %d of %d engineers · the pool must be of one provider", p.cursor+1, len(p.engineers))))
	}
	return out
}

// summary names the chosen engineers in pool order.
func (p *poolField) summary(st *common.Styles) string {
	if len(p.pool) == 0 {
		return st.Muted.Render("none chosen yet: move here and press space on engineers")
	}
	names := make([]string, len(p.pool))
	provs := map[core.ID]bool{}
	for i, id := range p.pool {
		names[i] = fmt.Sprintf("engineer %d", id)
		for _, e := range p.engineers {
			if e.ID == id {
				names[i] = e.Name
				provs[e.ProviderID] = true
			}
		}
	}
	s := strings.Join(names, ", ")
	if len(provs) == 1 {
		for id := range provs {
			s += " · " + p.providers[id].Name
		}
	}
	return st.Value.Render(common.Clean(s))
}

// testField is the work order to try the rule on, with the result under it.
type testField struct {
	*common.TextField
	x   *explanation
	err string
}

// Lines draws the input and the last test's result.
func (t *testField) Lines(focused bool, width int, st *common.Styles) []string {
	out := t.TextField.Lines(focused, width, st)
	switch {
	case t.err != "":
		for _, l := range common.Wrap(t.err, width) {
			out = append(out, st.FieldError.Render(l))
		}
	case t.x != nil:
		rule := func(s string) string {
			head := "─ " + common.Clean(s) + " "
			return st.Muted.Render(common.Truncate(head+strings.Repeat("─", max(0, width-common.Width(head))), width))
		}
		out = append(out, explanationLines(st, t.x, width, rule)...)
	}
	return out
}
