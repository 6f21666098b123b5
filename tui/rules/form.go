package rules

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

// field is one input of the rule form, in tab order.
type field int

const (
	fName field = iota
	fWhen
	fPool
	fPolicy
	fEnabled
	fTest
	fieldCount
)

// fieldSpec is a field's label, the service's name for it in validation errors,
// and whether text is typed into it.
type fieldSpec struct {
	label, name string
	text        bool
}

var fieldSpecs = [fieldCount]fieldSpec{
	fName:    {"Name", "name", true},
	fWhen:    {"Condition", "when", true},
	fPool:    {"Engineers", "engineer", false},
	fPolicy:  {"Policy", "policy", false},
	fEnabled: {"Enabled", "enabled", false},
	fTest:    {"Test with", "test", true},
}

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

type formKeys struct {
	next, prev, up, down, left, right, toggle, save, back, enter, test key.Binding
}

// form adds a rule or edits one. The condition is compiled as it is typed, and
// the rule can be tried on a work order before it is saved (R-DISP-6).
type form struct {
	c       *common.Common
	keys    formKeys
	width   int
	height  int
	editing *core.Rule

	focus  field
	inputs [fieldCount]textinput.Model // name, condition and test number

	// condErr is the compiler's verdict on the condition as typed ("" = valid).
	condErr string

	engineers  []core.Engineer // every engineer, by provider
	providers  map[core.ID]core.Provider
	pool       []core.ID // chosen, in pool order
	poolCursor int
	policy     int // index into core.AllPolicies
	enabled    bool

	errs    map[string]string // the service's messages by field name
	banner  string
	saving  bool
	testSeq int
	test    *explanation
	testErr string
	busy    common.Busy
}

func newForm(c *common.Common, r *core.Rule, number string, engineers map[core.ID]core.Engineer, providers map[core.ID]core.Provider) *form {
	km := c.Keys
	up, down := km.Up, km.Down
	up.SetKeys("up")
	down.SetKeys("down")
	back := km.Back
	back.SetHelp("esc", "cancel")
	enter := km.Open
	enter.SetHelp("enter", "next field")
	toggle := km.Select
	toggle.SetHelp("space", "add/remove engineer")
	f := &form{
		c: c,
		keys: formKeys{
			next: km.NextField, prev: km.PrevField, up: up, down: down,
			left: km.PrevChoice, right: common.Without(km.NextChoice, " "), toggle: toggle,
			save: km.Save, back: back, enter: enter, test: km.RunTest,
		},
		editing:   r,
		providers: providers,
		enabled:   true,
		busy:      common.NewBusy(c.Styles),
	}
	f.keys.right.SetHelp("→", "next choice")
	for _, e := range engineers {
		f.engineers = append(f.engineers, e)
	}
	slices.SortFunc(f.engineers, func(a, b core.Engineer) int {
		if a.ProviderID != b.ProviderID {
			return int(a.ProviderID) - int(b.ProviderID)
		}
		return int(a.ID) - int(b.ID)
	})
	st := c.Styles
	for fl := range fieldCount {
		if !fieldSpecs[fl].text {
			continue
		}
		in := textinput.New()
		in.Prompt = ""
		in.TextStyle = st.InputText
		in.PlaceholderStyle = st.InputPlaceholder
		f.inputs[fl] = in
	}
	f.inputs[fName].CharLimit = 100
	f.inputs[fName].Placeholder = "e.g. East repairs"
	f.inputs[fWhen].CharLimit = 2000
	f.inputs[fWhen].Placeholder = `e.g. record_type == "Repair" && region in ["East", "North"]`
	f.inputs[fTest].CharLimit = 20
	f.inputs[fTest].Placeholder = "a work order number; enter tries the rule on it"
	f.inputs[fTest].SetValue(number)
	if r != nil {
		f.inputs[fName].SetValue(r.Name)
		f.inputs[fWhen].SetValue(r.When)
		f.pool = slices.Clone(r.Engineers)
		f.policy = max(0, slices.Index(core.AllPolicies, r.Policy))
		f.enabled = r.Enabled
		f.validate()
	}
	return f
}

func (f *form) initCmd() tea.Cmd { return f.focusCmd(fName) }

func (f *form) setSize(width, height int) {
	f.width, f.height = width, height
	for fl := range fieldCount {
		if fieldSpecs[fl].text {
			f.inputs[fl].Width = max(10, width-formLabelWidth-4)
		}
	}
}

func (f *form) capturing() bool { return fieldSpecs[f.focus].text }

func (f *form) focusCmd(fl field) tea.Cmd {
	if fieldSpecs[f.focus].text {
		f.inputs[f.focus].Blur()
	}
	f.focus = fl
	if fieldSpecs[fl].text {
		return f.inputs[fl].Focus()
	}
	return nil
}

// validate compiles the condition as typed: the same check the service makes
// when the rule is saved, so what it accepts here saves.
func (f *form) validate() {
	f.condErr = ""
	if strings.TrimSpace(f.inputs[fWhen].Value()) == "" {
		return
	}
	if _, err := core.CompileCondition(f.inputs[fWhen].Value()); err != nil {
		f.condErr = err.Error()
	}
}

// input is what the form would save.
func (f *form) input() core.NewRule {
	return core.NewRule{
		Kind:      core.RuleDispatch,
		Name:      f.inputs[fName].Value(),
		When:      f.inputs[fWhen].Value(),
		Engineers: f.pool,
		Policy:    core.AllPolicies[f.policy],
		Disabled:  !f.enabled,
	}
}

// update handles results and cursor blinks.
func (f *form) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case savedMsg:
		f.saving = false
		f.busy.Stop()
		if msg.err == nil {
			verb := "Saved"
			if msg.added {
				verb = "Added"
			}
			return common.StatusCmd(fmt.Sprintf("%s rule %q (id %d) at priority %d.", verb, msg.rule.Name, msg.rule.ID, msg.rule.Priority))
		}
		if fe := core.FieldErrors(msg.err); fe != nil {
			f.errs = fe
			for fl := range fieldCount {
				if _, bad := fe[fieldSpecs[fl].name]; bad {
					return tea.Batch(f.focusCmd(fl), common.ErrorCmd(common.Sentence("The rule was not saved: correct the fields marked below.")))
				}
			}
		}
		f.banner = msg.err.Error()
		return common.ErrorCmd(msg.err)
	case explainedMsg:
		if msg.seq != f.testSeq {
			return nil
		}
		f.busy.Stop()
		if msg.err != nil {
			f.test, f.testErr = nil, msg.err.Error()
			return nil
		}
		x := msg.x
		f.test, f.testErr = &x, ""
		return nil
	}
	cmd := f.busy.Update(msg)
	if fieldSpecs[f.focus].text {
		var c2 tea.Cmd
		f.inputs[f.focus], c2 = f.inputs[f.focus].Update(msg)
		cmd = tea.Batch(cmd, c2)
	}
	return cmd
}

// keyCmd handles a key; done is true when the form closes.
func (f *form) keyCmd(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := f.keys
	switch {
	case key.Matches(msg, k.back):
		return nil, true
	case key.Matches(msg, k.save):
		return f.saveCmd(), false
	case key.Matches(msg, k.test):
		return f.testCmd(), false
	case f.focus == fTest && key.Matches(msg, k.enter):
		return f.testCmd(), false
	case key.Matches(msg, k.next), key.Matches(msg, k.enter):
		return f.focusCmd((f.focus + 1) % fieldCount), false
	case key.Matches(msg, k.prev):
		return f.focusCmd((f.focus + fieldCount - 1) % fieldCount), false
	case key.Matches(msg, k.up):
		if f.focus == fPool && f.poolCursor > 0 {
			f.poolCursor--
			return nil, false
		}
		return f.focusCmd((f.focus + fieldCount - 1) % fieldCount), false
	case key.Matches(msg, k.down):
		if f.focus == fPool && f.poolCursor < len(f.engineers)-1 {
			f.poolCursor++
			return nil, false
		}
		return f.focusCmd((f.focus + 1) % fieldCount), false
	case f.focus == fPool && key.Matches(msg, k.toggle):
		f.togglePool()
		return nil, false
	case f.focus == fPolicy || f.focus == fEnabled:
		d := 0
		switch {
		case key.Matches(msg, k.left):
			d = -1
		case key.Matches(msg, k.right), key.Matches(msg, k.toggle):
			d = 1
		}
		if f.focus == fPolicy {
			n := len(core.AllPolicies)
			f.policy = ((f.policy+d)%n + n) % n
			delete(f.errs, "policy")
		} else if d != 0 {
			f.enabled = !f.enabled
		}
		return nil, false
	case !fieldSpecs[f.focus].text:
		return nil, false
	}
	before := f.inputs[f.focus].Value()
	var cmd tea.Cmd
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
	if f.inputs[f.focus].Value() != before {
		delete(f.errs, fieldSpecs[f.focus].name)
		if f.focus == fWhen {
			f.validate()
			f.test, f.testErr = nil, "" // it tried another condition
		}
	}
	return cmd, false
}

// togglePool adds the engineer under the cursor to the end of the pool, or takes
// them out.
func (f *form) togglePool() {
	if f.poolCursor >= len(f.engineers) {
		return
	}
	id := f.engineers[f.poolCursor].ID
	if i := slices.Index(f.pool, id); i >= 0 {
		f.pool = slices.Delete(f.pool, i, i+1)
	} else {
		f.pool = append(f.pool, id)
	}
	delete(f.errs, "engineer")
}

func (f *form) saveCmd() tea.Cmd {
	if f.saving {
		return nil
	}
	f.saving = true
	f.banner = ""
	return tea.Batch(saveCmd(f.c.Svc, f.c.Actor, f.editing, f.input()), f.busy.StartCmd())
}

// testCmd tries the condition as typed on the work order in the test field.
func (f *form) testCmd() tea.Cmd {
	n := strings.TrimSpace(f.inputs[fTest].Value())
	if n == "" {
		f.test, f.testErr = nil, "Type a work-order number in Test with, then press enter."
		return f.focusCmd(fTest)
	}
	if f.condErr != "" {
		f.test, f.testErr = nil, "Correct the condition first: "+f.condErr
		return nil
	}
	f.testSeq++
	f.test, f.testErr = nil, ""
	names := make(map[core.ID]string, len(f.engineers))
	for _, e := range f.engineers {
		names[e.ID] = e.Name
	}
	return tea.Batch(explainCmd(f.c.Svc, true, f.testSeq, 0, f.inputs[fName].Value(), f.inputs[fWhen].Value(), n, names), f.busy.StartCmd())
}

func (f *form) shortHelp() []key.Binding {
	k := f.bindings()
	switch f.focus {
	case fPool:
		return []key.Binding{k.save, k.toggle, k.up, k.down, k.next, k.back}
	case fPolicy, fEnabled:
		return []key.Binding{k.save, k.left, k.right, k.next, k.back}
	case fTest:
		return []key.Binding{k.save, k.test, k.next, k.back}
	}
	return []key.Binding{k.save, k.next, k.prev, k.test, k.back}
}

func (f *form) fullHelp() [][]key.Binding {
	k := f.bindings()
	return [][]key.Binding{{k.next, k.prev, k.enter, k.up, k.down}, {k.toggle, k.left, k.right}, {k.test, k.save, k.back}}
}

func (f *form) bindings() formKeys {
	k := f.keys
	k.toggle.SetEnabled(f.focus == fPool)
	choice := f.focus == fPolicy || f.focus == fEnabled
	k.left.SetEnabled(choice)
	k.right.SetEnabled(choice)
	k.save.SetEnabled(!f.saving)
	if f.focus == fTest {
		k.test.SetHelp("enter/ctrl+t", "test")
	} else {
		k.test.SetHelp("ctrl+t", "test")
	}
	if f.focus == fPool {
		k.up.SetHelp("↑", "previous engineer")
		k.down.SetHelp("↓", "next engineer")
	} else {
		k.up.SetHelp("↑", "previous field")
		k.down.SetHelp("↓", "next field")
	}
	return k
}
