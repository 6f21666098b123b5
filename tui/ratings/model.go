// Package ratings is the console's ratings section: the CSAT report (by
// engineer, provider or type over a period, with bar charts and a trend line)
// and the evaluation record types with their layouts and permissions
// (R-EVAL-1, R-ROLE-4), which admins edit here.
package ratings

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

type mode int

const (
	modeReport mode = iota
	modeTypes
	modeField    // the field form over the types view
	modeName     // naming a new record type
	modeRules    // the evaluation rules (R-EVAL-3)
	modeRuleForm // adding or editing one
)

// periods are the report's windows, ending today; 0 is "all time".
var periods = []struct {
	days  int
	label string
	trend string
}{
	{7, "last 7 days", core.PeriodDay},
	{30, "last 30 days", core.PeriodDay},
	{90, "last 90 days", core.PeriodWeek},
	{365, "last 12 months", core.PeriodMonth},
	{0, "all time", core.PeriodMonth},
}

type keyMap struct {
	up, down, left, right, back, reload           key.Binding
	by, period, types, report, rulesView          key.Binding
	moveUp, moveDown, toggle, edit, add, addType  key.Binding
	del, confirm, guests, users, save, next, prev key.Binding
	choicePrev, choiceNext                        key.Binding
	onlyCustomers                                 key.Binding
}

// Model is the ratings section.
type Model struct {
	c             *common.Common
	keys          keyMap
	width, height int
	mode          mode

	// Report.
	by     int // index in core.AllCSATBy
	period int // index in periods
	// onlyCustomers leaves guests' ratings (QR codes) out of the report.
	onlyCustomers bool
	report        *core.CSATReport
	repSeq        int
	top           int
	repErr        error
	busy          common.Busy
	loading       bool

	// Record types.
	types      []core.EvaluationType
	typesErr   error
	typeCur    int
	fieldCur   int
	onFields   bool // the cursor is in the fields pane
	confirming string
	saving     bool
	may        bool
	why        string
	form       *fieldForm
	name       *nameForm

	// Evaluation rules.
	rules    []core.Rule
	rulesErr error
	// ruleList and shownRules are the rules' cursor, window and "/" filter.
	ruleList   *common.List
	shownRules common.Filtered[core.Rule]
	ruleForm   *ruleForm
}

// New returns the section; Init loads the report and the record types.
func New(c *common.Common) *Model {
	k := c.Keys
	m := &Model{c: c, period: 2, busy: common.NewBusy(c.Styles), keys: keyMap{
		up: k.Up, down: k.Down, left: k.Left, right: k.Right, back: k.Back, reload: k.Reload,
		by: k.ReportBy, period: k.ReportPeriod, types: k.EvalTypes, report: k.EvalReport, rulesView: k.EvalRules,
		moveUp: k.MoveUp, moveDown: k.MoveDown, toggle: k.Toggle, edit: k.Edit, add: k.New, addType: k.NewType,
		del: k.Delete, confirm: k.Confirm, guests: k.ToggleGuests, users: k.ToggleUsers, save: k.Save,
		next: k.NextField, prev: k.PrevField, choicePrev: k.PrevChoice, choiceNext: k.NextChoice,
		onlyCustomers: key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "customers only")),
	}}
	m.keys.toggle.SetHelp("space", "required")
	m.keys.add.SetHelp("n", "new field")
	m.keys.edit.SetHelp("enter", "edit field")
	m.may, m.why = mayEdit(c.Actor)
	m.ruleList = common.NewList(c, ruleColumns)
	m.ruleList.KeyMap.PageDown = common.Without(m.ruleList.KeyMap.PageDown, " ")
	m.ruleList.SetPlaceholder("name, condition, record type")
	m.ruleList.Empty = "No evaluation rules yet: press n to add one (or `switchboard rule add --kind evaluation`)."
	return m
}

// mayEdit: record types and layouts belong to admins (R-ROLE-1).
func mayEdit(a core.Actor) (bool, string) {
	if a.Kind == core.SubmitterInternal && a.User.Has(core.RoleAdmin) {
		return true, ""
	}
	return false, a.Label() + " may not change evaluation record types: that needs the role admin."
}

// reportMsg carries a computed report.
type reportMsg struct {
	seq int
	rep core.CSATReport
	err error
}

// typesMsg carries the record types (after a load or a save).
type typesMsg struct {
	types []core.EvaluationType
	saved string // what a save did, for the footer
	err   error
}

func (m *Model) query() core.CSATQuery {
	p := periods[m.period]
	q := core.CSATQuery{By: core.AllCSATBy[m.by], Period: p.trend, Loc: m.c.Location(), OnlyCustomers: m.onlyCustomers}
	if p.days > 0 {
		now := m.c.Now()
		end := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location()).AddDate(0, 0, 1)
		q.From, q.To = end.AddDate(0, 0, -p.days), end
	}
	return q
}

func (m *Model) reportCmd() tea.Cmd {
	m.repSeq++
	m.loading = true
	svc, q, seq := m.c.Svc, m.query(), m.repSeq
	return tea.Batch(func() tea.Msg {
		rep, err := svc.CSATReport(q)
		return reportMsg{seq: seq, rep: rep, err: err}
	}, m.busy.StartCmd())
}

func loadTypesCmd(svc *core.Service) tea.Cmd {
	return func() tea.Msg {
		ts, err := svc.EvaluationTypes()
		return typesMsg{types: ts, err: err}
	}
}

func saveTypesCmd(svc *core.Service, as core.Actor, ts []core.EvaluationType, what string) tea.Cmd {
	return func() tea.Msg {
		out, err := svc.SetEvaluationTypes(as, ts)
		return typesMsg{types: out, saved: what, err: err}
	}
}

// Init loads the report and the record types.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.reportCmd(), loadTypesCmd(m.c.Svc), loadRulesCmd(m.c.Svc))
}

// SetSize gives the section its area.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	if m.form != nil {
		m.form.setWidth(w)
	}
	m.ruleList.SetSize(w, max(3, h-3))
}

// Capturing is true while a text field of a form has the keyboard.
func (m *Model) Capturing() bool {
	switch m.mode {
	case modeField:
		return m.form.capturing()
	case modeName:
		return true
	case modeRuleForm:
		return m.ruleForm.isText()
	case modeRules:
		return m.ruleList.Filtering()
	}
	return false
}

// Update handles keys, results and change notices.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch m.mode {
		case modeField:
			return m.formKey(msg)
		case modeName:
			return m.nameKey(msg)
		case modeTypes:
			return m.typesKey(msg)
		case modeRules:
			return m.rulesKey(msg)
		case modeRuleForm:
			return m.ruleFormKey(msg)
		}
		return m.reportKey(msg)
	case reportMsg:
		if msg.seq != m.repSeq {
			return nil
		}
		m.loading = false
		m.busy.Stop()
		if msg.err != nil {
			m.repErr = msg.err
			return common.ErrorCmd(msg.err)
		}
		rep := msg.rep
		m.report, m.repErr = &rep, nil
		m.top = min(m.top, max(0, len(rep.Groups)-1))
		return nil
	case typesMsg:
		m.saving = false
		if msg.err != nil {
			if msg.saved != "" {
				return common.ErrorCmd(msg.err) // the list stays as it was
			}
			m.typesErr = msg.err
			return common.ErrorCmd(msg.err)
		}
		m.types, m.typesErr = msg.types, nil
		if m.ruleForm != nil && len(m.ruleForm.types) == 0 {
			for _, t := range m.types {
				m.ruleForm.types = append(m.ruleForm.types, t.Name)
			}
		}
		m.typeCur = min(m.typeCur, max(0, len(m.types)-1))
		m.fieldCur = min(m.fieldCur, max(0, len(m.curType().Fields)-1))
		if msg.saved != "" {
			m.form, m.mode = nil, modeTypes
			return common.StatusCmd(msg.saved)
		}
		return nil
	case rulesMsg:
		m.saving = false
		if msg.err != nil {
			if m.mode == modeRuleForm && msg.done == "refused" {
				m.ruleForm.err = msg.err.Error()
				return nil
			}
			if msg.done == "" {
				m.rulesErr = msg.err
			}
			return common.ErrorCmd(msg.err)
		}
		m.rules, m.rulesErr = msg.rules, nil
		m.refilterRules()
		if msg.done != "" {
			if m.mode == modeRuleForm {
				m.ruleForm, m.mode = nil, modeRules
			}
			return common.StatusCmd(msg.done)
		}
		return nil
	case common.RulesChangedMsg:
		return loadRulesCmd(m.c.Svc)
	case common.WorkOrdersChangedMsg:
		if m.mode == modeReport && !m.loading {
			return m.reportCmd() // a new evaluation, perhaps
		}
		return nil
	}
	if m.form != nil {
		if cmd := m.form.update(msg); cmd != nil {
			return cmd
		}
	}
	return m.busy.Update(msg)
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	switch m.mode {
	case modeField:
		return m.form.help(m.keys)
	case modeName:
		return []key.Binding{m.keys.save, m.keys.back}
	case modeRuleForm:
		return m.ruleForm.help(m.keys)
	case modeRules:
		k := m.ruleKeys()
		if m.confirming != "" {
			return []key.Binding{k.confirm, k.back}
		}
		if m.ruleList.Filtering() {
			return m.ruleList.ShortHelp()
		}
		return append([]key.Binding{k.edit, k.add, k.toggle, k.moveUp, k.moveDown, k.del, k.report, k.types}, m.ruleList.ShortHelp()...)
	case modeTypes:
		k := m.typeKeys()
		if m.confirming != "" {
			return []key.Binding{k.confirm, k.back}
		}
		return []key.Binding{k.left, k.right, k.edit, k.add, k.toggle, k.moveUp, k.moveDown, k.del, k.guests, k.users, k.addType, k.report}
	}
	k := m.keys
	return []key.Binding{k.by, k.period, k.onlyCustomers, k.up, k.down, k.types, k.rulesView, k.reload}
}

// FullHelp lists every key of the current view.
func (m *Model) FullHelp() [][]key.Binding {
	switch m.mode {
	case modeField, modeName, modeRuleForm, modeRules:
		return [][]key.Binding{m.ShortHelp()}
	case modeTypes:
		k := m.typeKeys()
		return [][]key.Binding{{k.up, k.down, k.left, k.right}, {k.edit, k.add, k.toggle, k.moveUp, k.moveDown, k.del}, {k.guests, k.users, k.addType, k.report, k.reload}}
	}
	k := m.keys
	return [][]key.Binding{{k.by, k.period, k.onlyCustomers, k.up, k.down}, {k.types, k.rulesView, k.reload}}
}
