package rules

import (
	"fmt"
	"strings"

	"switchboard/core"
	"switchboard/tui/common"
)

const (
	colPriority = iota
	colName
	colEnabled
	colWhen
	colTarget
)

var columns = []common.Column{
	colPriority: {Title: "#", Width: 3, Right: true},
	colName:     {Title: "name", Weight: 2, Min: 10},
	colEnabled:  {Title: "on", Width: 3},
	colWhen:     {Title: "condition", Weight: 4, Min: 14, Hide: 2},
	colTarget:   {Title: "target", Weight: 3, Min: 14, Hide: 1},
}

// View draws the screen for its mode.
func (m *Model) View() string {
	switch m.mode {
	case modeForm:
		return m.form.view()
	case modeAuto:
		return m.autoForm.View()
	case modeWhatIf:
		return m.whatIf.view()
	}
	st := m.c.Styles
	rows := m.rowsRoom()
	msg := "No dispatch rules yet: every new work order waits in the manual queue."
	if m.may {
		msg += " Press n to add a rule."
	}
	m.list.Empty = msg
	m.list.SetSize(m.width, 2+rows)
	title := st.Title.Render("Dispatch rules") + st.Muted.Render(" — tried in priority order; the first match assigns")
	lines := strings.Split(m.list.View(title, m.counts(), func(i int) common.Row {
		r := m.shown.At(i)
		return m.row(&r)
	}), "\n")
	if !m.loaded {
		lines = lines[:min(2, len(lines))]
	}
	for len(lines) < 2+rows {
		lines = append(lines, "")
	}
	panel := m.panelLines()
	room := max(0, m.height-len(lines))
	if len(panel) > room {
		panel = panel[:room]
	}
	for _, l := range panel {
		lines = append(lines, common.Truncate(l, m.width))
	}
	if !m.may {
		for len(lines) < m.height-1 {
			lines = append(lines, "")
		}
		ro := st.Error.Render(common.Truncate("Read only: "+m.why, m.width))
		if len(lines) >= m.height {
			lines[m.height-1] = ro
		} else {
			lines = append(lines, ro)
		}
	}
	return strings.Join(lines, "\n")
}

// counts are the title line's right side: how many rules, how many on, or
// the order being saved.
func (m *Model) counts() string {
	var right string
	switch {
	case !m.loaded:
		right = "loading…"
	case len(m.moves) > 0:
		right = fmt.Sprintf("saving order (%d)…", len(m.moves))
	default:
		on := 0
		for _, r := range m.rules {
			if r.Enabled {
				on++
			}
		}
		right = fmt.Sprintf("%d rules, %d on ·", len(m.rules), on)
		var off []string
		for _, t := range core.DefaultRecordTypes {
			if v, ok := m.auto[t]; ok && !v {
				off = append(off, t)
			}
		}
		if len(off) > 0 {
			right = "not run for " + strings.Join(off, ", ") + " · " + right
		}
	}
	if s := m.busy.View(); s != "" {
		right = s + " " + right
	}
	return right
}

// row draws one rule: switched-off rules are dimmed.
func (m *Model) row(r *core.Rule) common.Row {
	st := m.c.Styles
	on := "on"
	if !r.Enabled {
		on = "off"
	}
	cells := []string{
		colPriority: fmt.Sprint(r.Priority),
		colName:     r.Name,
		colEnabled:  on,
		colWhen:     r.When,
		colTarget:   m.targetText(r),
	}
	style := func(col int, s string) string {
		if !r.Enabled && col != colPriority {
			return st.Disabled.Render(s)
		}
		return s
	}
	return common.Row{Cells: cells, Style: style}
}

// engineerName names an engineer, or says the engineer is gone.
func (m *Model) engineerName(id core.ID) string {
	if e, ok := m.engineers[id]; ok {
		return e.Name
	}
	return fmt.Sprintf("engineer %d (gone)", id)
}

// targetText is the target column: the engineer, or the pool with its policy
// and who is next up.
func (m *Model) targetText(r *core.Rule) string {
	if len(r.Engineers) == 1 {
		s := m.engineerName(r.Engineers[0])
		if p, ok := m.providers[r.ProviderID]; ok {
			s += " · " + p.Name
		}
		return s
	}
	names := make([]string, len(r.Engineers))
	for i, id := range r.Engineers {
		names[i] = m.engineerName(id)
	}
	s := fmt.Sprintf("%s · %s", strings.Join(names, ", "), r.Policy)
	if r.Policy == core.PolicyRoundRobin {
		s += " · next " + m.engineerName(r.NextUp())
	}
	return s
}

// rule draws a section rule with a title, the width of the screen.
func (m *Model) rule(title string) string {
	head := "─ " + common.Clean(title) + " "
	return m.c.Styles.Muted.Render(common.Truncate(head+strings.Repeat("─", max(0, m.width-common.Width(head))), m.width))
}

// panelLines is what goes under the list: the test prompt, the delete question,
// the test result, or the selected rule in full.
func (m *Model) panelLines() []string {
	st := m.c.Styles
	r, ok := m.selected()
	if !ok {
		return nil
	}
	label := fmt.Sprintf("rule %q (id %d)", r.Name, r.ID)
	var out []string
	add := func(s string) { out = append(out, s) }
	wrap := func(lead, text string, style func(...string) string) {
		ind := strings.Repeat(" ", common.Width(lead))
		for i, l := range common.Wrap(text, max(8, m.width-common.Width(lead))) {
			if i == 0 {
				add(lead + style(l))
			} else {
				add(ind + style(l))
			}
		}
	}
	plain := func(s ...string) string { return strings.Join(s, " ") }
	switch {
	case m.mode == modeTestFor:
		add(m.rule("test " + label + " on a work order"))
		add("  " + common.InputView(&m.number, st))
		return out
	case m.mode == modeConfirm:
		add(m.rule("delete " + label))
		add(st.Banner.Render(common.Truncate(fmt.Sprintf("  Delete rule %q (id %d)? y deletes it; any other key keeps it.", r.Name, r.ID), m.width)))
		return out
	case m.testErr != "":
		add(m.rule("test " + label))
		wrap("  ", m.testErr, st.Error.Render)
		return out
	case m.test != nil:
		return m.testLines(m.test)
	}
	add(m.rule(label))
	wrap("  when    ", r.When, st.Value.Render)
	target := ""
	if p, ok := m.providers[r.ProviderID]; ok {
		target = p.Name + " (tenant " + p.TenantID + "): "
	}
	names := make([]string, len(r.Engineers))
	for i, id := range r.Engineers {
		names[i] = m.engineerName(id)
		if e, ok := m.engineers[id]; ok && e.Region != "" {
			names[i] += " (" + e.Region + ")"
		}
	}
	wrap("  target  ", target+strings.Join(names, ", "), plain)
	policy := string(r.Policy)
	switch {
	case len(r.Engineers) > 1 && r.Policy == core.PolicyRoundRobin:
		policy += " · next up " + m.engineerName(r.NextUp())
	case len(r.Engineers) > 1 && r.Policy == core.PolicyLeastLoaded:
		policy += " · whoever has the fewest open work orders"
	case len(r.Engineers) > 1:
		policy += " · always " + m.engineerName(r.NextUp())
	}
	wrap("  policy  ", policy, plain)
	state := "enabled"
	if !r.Enabled {
		state = "disabled: skipped by dispatch"
	}
	wrap("  status  ", fmt.Sprintf("%s · priority %d · changed %s by %s", state, r.Priority,
		common.FormatTime(r.UpdatedAt, m.c.Location()), common.OrDash(r.UpdatedBy)), plain)
	return out
}

// testLines draws a test: the verdict, then each part with the fields it reads.
func (m *Model) testLines(x *explanation) []string {
	return explanationLines(m.c.Styles, x, m.width, m.rule)
}

// explanationLines draws an explanation for the list's panel and the form.
func explanationLines(st *common.Styles, x *explanation, width int, rule func(string) string) []string {
	var out []string
	what := "the condition"
	if x.ruleID != 0 {
		what = fmt.Sprintf("rule %q (id %d)", x.name, x.ruleID)
	}
	out = append(out, rule(fmt.Sprintf("%s on %s %s", what, x.number, x.subject)))
	verdict := st.NoMatch.Render("✗ would not take it: ") + x.verdict.Reason
	switch {
	case x.verdict.Matches && x.ruleID != 0 && x.verdict.Engineer == 0:
		verdict = st.NoMatch.Render("✗ ") + x.verdict.Reason
	case x.verdict.Matches && x.engineer != "":
		verdict = st.Match.Render("✓ would take it") + " and assign " + x.engineer + " (next up now)"
	case x.verdict.Matches:
		verdict = st.Match.Render("✓ matches: ") + x.verdict.Reason
	}
	out = append(out, common.Truncate("  "+verdict, width))
	if len(x.parts) <= 1 && !x.verdict.Matches {
		return out // the verdict already says which part failed and why
	}
	srcW := 0
	for _, p := range x.parts {
		srcW = max(srcW, common.Width(p.src))
	}
	srcW = min(srcW, max(12, (width-6)/2))
	for _, p := range x.parts {
		mark := st.Match.Render("✓")
		if !p.matches {
			mark = st.NoMatch.Render("✗")
		}
		note := p.values
		if p.err != "" {
			note = p.err
		}
		out = append(out, common.Truncate("    "+mark+" "+common.Fit(common.Clean(p.src), srcW)+"  "+st.Muted.Render(note), width))
	}
	return out
}
