package ratings

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

func (m *Model) curType() core.EvaluationType {
	if m.typeCur < len(m.types) {
		return m.types[m.typeCur]
	}
	return core.EvaluationType{}
}

// typeKeys are the types view's keys, enabled as they apply.
func (m *Model) typeKeys() keyMap {
	k := m.keys
	t := m.curType()
	edit := m.may && !m.saving && len(m.types) > 0
	onField := edit && m.onFields && len(t.Fields) > 0
	k.left.SetEnabled(m.onFields)
	k.right.SetEnabled(!m.onFields)
	k.left.SetHelp("←", "types")
	k.right.SetHelp("→", "fields")
	k.edit.SetEnabled(onField)
	k.add.SetEnabled(edit)
	k.toggle.SetEnabled(onField)
	k.moveUp.SetEnabled(onField && m.fieldCur > 0)
	k.moveDown.SetEnabled(onField && m.fieldCur < len(t.Fields)-1)
	k.del.SetEnabled(edit && (m.onFields && len(t.Fields) > 1 || !m.onFields && len(m.types) > 1))
	if m.onFields {
		k.del.SetHelp("X/del", "delete field")
	} else {
		k.del.SetHelp("X/del", "delete type")
	}
	k.guests.SetEnabled(edit)
	k.users.SetEnabled(edit)
	k.addType.SetEnabled(m.may && !m.saving)
	k.confirm.SetEnabled(m.confirming != "")
	return k
}

// cloneTypes copies the types deeply, for a change that may be refused.
func cloneTypes(ts []core.EvaluationType) []core.EvaluationType {
	out := make([]core.EvaluationType, len(ts))
	for i, t := range ts {
		out[i] = t
		out[i].Fields = slices.Clone(t.Fields)
		for j := range out[i].Fields {
			out[i].Fields[j].Options = slices.Clone(t.Fields[j].Options)
			out[i].Fields[j].OptionsZH = slices.Clone(t.Fields[j].OptionsZH)
		}
	}
	return out
}

// change saves the types after fn changed a copy of them.
func (m *Model) change(what string, fn func(ts []core.EvaluationType) []core.EvaluationType) tea.Cmd {
	ts := fn(cloneTypes(m.types))
	m.saving = true
	return saveTypesCmd(m.c.Svc, m.c.Actor, ts, what)
}

func (m *Model) typesKey(msg tea.KeyMsg) tea.Cmd {
	k := m.typeKeys()
	if m.confirming != "" {
		what := m.confirming
		m.confirming = ""
		if !key.Matches(msg, k.confirm) {
			return common.StatusCmd("Nothing deleted.")
		}
		return m.delete(what)
	}
	t := m.curType()
	switch {
	case key.Matches(msg, k.back), key.Matches(msg, k.report):
		m.mode = modeReport
		return m.reportCmd()
	case key.Matches(msg, k.reload):
		return loadTypesCmd(m.c.Svc)
	case key.Matches(msg, k.rulesView):
		m.mode = modeRules
		return loadRulesCmd(m.c.Svc)
	case key.Matches(msg, k.up):
		if m.onFields {
			m.fieldCur = max(0, m.fieldCur-1)
		} else {
			m.typeCur = max(0, m.typeCur-1)
			m.fieldCur = 0
		}
	case key.Matches(msg, k.down):
		if m.onFields {
			m.fieldCur = min(max(0, len(t.Fields)-1), m.fieldCur+1)
		} else {
			m.typeCur = min(max(0, len(m.types)-1), m.typeCur+1)
			m.fieldCur = 0
		}
	case key.Matches(msg, k.left):
		m.onFields = false
	case key.Matches(msg, k.right):
		m.onFields = true
	case key.Matches(msg, k.edit):
		m.form = newFieldForm(m.c, t.Name, m.fieldCur, &t.Fields[m.fieldCur], m.width)
		m.mode = modeField
		return m.form.focusCmd()
	case key.Matches(msg, k.add):
		m.form = newFieldForm(m.c, t.Name, -1, nil, m.width)
		m.mode = modeField
		return m.form.focusCmd()
	case key.Matches(msg, k.toggle):
		i, f := m.typeCur, t.Fields[m.fieldCur]
		what := fmt.Sprintf("%s: %s is now required.", t.Name, f.Key)
		if f.Required {
			what = fmt.Sprintf("%s: %s is now optional.", t.Name, f.Key)
		}
		fc := m.fieldCur
		return m.change(what, func(ts []core.EvaluationType) []core.EvaluationType {
			ts[i].Fields[fc].Required = !ts[i].Fields[fc].Required
			return ts
		})
	case key.Matches(msg, k.moveUp), key.Matches(msg, k.moveDown):
		i, fc := m.typeCur, m.fieldCur
		to := fc - 1
		if key.Matches(msg, k.moveDown) {
			to = fc + 1
		}
		m.fieldCur = to
		return m.change(fmt.Sprintf("%s: %s moved to position %d.", t.Name, t.Fields[fc].Key, to+1), func(ts []core.EvaluationType) []core.EvaluationType {
			fs := ts[i].Fields
			fs[fc], fs[to] = fs[to], fs[fc]
			return ts
		})
	case key.Matches(msg, k.del):
		if m.onFields {
			m.confirming = "field"
		} else {
			m.confirming = "type"
		}
	case key.Matches(msg, k.guests):
		i := m.typeCur
		what := fmt.Sprintf("Guests (anyone scanning a QR code) may now create %s evaluations.", t.Name)
		if t.Guests {
			what = fmt.Sprintf("Guests may no longer create %s evaluations: QR codes of this type refuse them.", t.Name)
		}
		return m.change(what, func(ts []core.EvaluationType) []core.EvaluationType { ts[i].Guests = !ts[i].Guests; return ts })
	case key.Matches(msg, k.users):
		i := m.typeCur
		what := fmt.Sprintf("Customers (terminal users) may now create %s evaluations.", t.Name)
		if t.TerminalUsers {
			what = fmt.Sprintf("Customers (terminal users) may no longer create %s evaluations.", t.Name)
		}
		return m.change(what, func(ts []core.EvaluationType) []core.EvaluationType {
			ts[i].TerminalUsers = !ts[i].TerminalUsers
			return ts
		})
	case key.Matches(msg, k.addType):
		m.name = newNameForm(m.c)
		m.mode = modeName
		return m.name.input.Focus()
	}
	return nil
}

func (m *Model) delete(what string) tea.Cmd {
	t := m.curType()
	i := m.typeCur
	if what == "type" {
		m.typeCur = max(0, i-1)
		return m.change(fmt.Sprintf("Record type %s deleted.", t.Name), func(ts []core.EvaluationType) []core.EvaluationType {
			return slices.Delete(ts, i, i+1)
		})
	}
	fc := m.fieldCur
	m.fieldCur = max(0, fc-1)
	return m.change(fmt.Sprintf("%s: field %s deleted.", t.Name, t.Fields[fc].Key), func(ts []core.EvaluationType) []core.EvaluationType {
		ts[i].Fields = slices.Delete(ts[i].Fields, fc, fc+1)
		return ts
	})
}

// typesView lists the record types on the left and the selected type's layout
// on the right, with who may create evaluations of it.
func (m *Model) typesView() string {
	st := m.c.Styles
	w := m.width
	lines := []string{common.Truncate(st.Title.Render("Evaluation record types")+st.Muted.Render(" — layouts customers fill in; the first star field is the overall rating the report reads"), w)}
	switch {
	case m.typesErr != nil:
		return strings.Join(append(lines, st.Error.Render(common.Truncate(m.typesErr.Error(), w))), "\n")
	case m.types == nil:
		return lines[0]
	}
	leftW := min(28, max(16, w/4))
	rightW := max(10, w-leftW-3)
	var left, right []string
	left = append(left, st.TableHeader.Render(common.Fit("  TYPE", leftW)))
	for i, t := range m.types {
		line := common.Fit(fmt.Sprintf("  %s", common.Clean(t.Name)), leftW-9) + st.Muted.Render(fmt.Sprintf("%2d fields", len(t.Fields)))
		if i == m.typeCur {
			line = common.Fit("> "+common.Clean(t.Name), leftW-9) + fmt.Sprintf("%2d fields", len(t.Fields))
			if !m.onFields {
				line = st.SelectedRow.Render(common.Fit(line, leftW))
			}
		}
		left = append(left, common.Fit(line, leftW))
	}
	t := m.curType()
	yes := func(b bool) string {
		if b {
			return st.Match.Render("yes")
		}
		return st.NoMatch.Render("no")
	}
	right = append(right, st.TableHeader.Render(common.Truncate(fmt.Sprintf("FIELDS OF %s", strings.ToUpper(t.Name)), rightW)))
	right = append(right, common.Truncate(st.Label.Render("customers (terminal users) may create: ")+yes(t.TerminalUsers)+st.Label.Render("   guests (QR code) may create: ")+yes(t.Guests), rightW))
	for j, f := range t.Fields {
		kind := string(f.Kind)
		switch f.Kind {
		case core.EvalStars:
			kind = fmt.Sprintf("stars 1–%d", f.Scale)
		case core.EvalSingle, core.EvalMultiple:
			kind = fmt.Sprintf("%s (%d)", f.Kind, len(f.Options))
		}
		req := ""
		if f.Required {
			req = "required"
		}
		marker := "  "
		if j == m.fieldCur && m.onFields {
			marker = "> "
		}
		line := fmt.Sprintf("%s%d %s %s %s %s", marker, j+1, common.Fit(f.Key, 10), common.Fit(kind, 14), common.Fit(req, 8), common.Clean(f.Label))
		line = common.Truncate(line, rightW)
		if j == m.fieldCur && m.onFields {
			line = st.SelectedRow.Render(common.Fit(line, rightW))
		}
		right = append(right, line)
	}
	if f := m.curField(); f != nil && len(f.Options) > 0 {
		right = append(right, "", common.Truncate(st.Label.Render("options: ")+common.Clean(strings.Join(f.Options, " | ")), rightW))
	}
	n := max(len(left), len(right))
	for i := range n {
		l, r := "", ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		lines = append(lines, common.Fit(l, leftW)+st.Muted.Render(" │ ")+r)
	}
	if m.confirming != "" {
		what := fmt.Sprintf("Delete the record type %s? Evaluations already made keep their answers. y deletes, any other key keeps it.", t.Name)
		if m.confirming == "field" {
			what = fmt.Sprintf("Delete the field %s from %s? Evaluations already made keep their answers. y deletes, any other key keeps it.", t.Fields[m.fieldCur].Key, t.Name)
		}
		lines = append(lines, "", st.Banner.Render(common.Truncate(what, w)))
	}
	if !m.may {
		lines = append(lines, "", st.Error.Render(common.Truncate("Read only: "+m.why, w)))
	}
	return strings.Join(lines, "\n")
}

func (m *Model) curField() *core.EvalField {
	t := m.curType()
	if m.onFields && m.fieldCur < len(t.Fields) {
		return &t.Fields[m.fieldCur]
	}
	return nil
}
