package ratings

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

func (m *Model) reportKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.by):
		m.by = cycle(m.by, len(core.AllCSATBy), common.Backward(msg.String()))
		m.top = 0
		return m.reportCmd()
	case key.Matches(msg, k.period):
		m.period = cycle(m.period, len(periods), common.Backward(msg.String()))
		return m.reportCmd()
	case key.Matches(msg, k.onlyCustomers):
		m.onlyCustomers = !m.onlyCustomers
		return m.reportCmd()
	case key.Matches(msg, k.reload):
		return tea.Batch(m.reportCmd(), loadTypesCmd(m.c.Svc))
	case key.Matches(msg, k.types):
		m.mode = modeTypes
		return nil
	case key.Matches(msg, k.rulesView):
		m.mode = modeRules
		return loadRulesCmd(m.c.Svc)
	case key.Matches(msg, k.up):
		m.top = max(0, m.top-1)
	case key.Matches(msg, k.down):
		if m.report != nil {
			m.top = min(max(0, len(m.report.Groups)-m.groupRows()), m.top+1)
		}
	}
	return nil
}

func cycle(i, n int, back bool) int {
	if back {
		return (i + n - 1) % n
	}
	return (i + 1) % n
}

// groupRows is how many groups fit between the summary and the trend.
func (m *Model) groupRows() int { return max(1, m.height-9) }

// reportView draws the summary, one bar per group and the trend line.
func (m *Model) reportView() string {
	st := m.c.Styles
	w := m.width
	by := core.AllCSATBy[m.by]
	p := periods[m.period]
	title := st.Title.Render("Customer satisfaction") + st.Muted.Render(fmt.Sprintf(" by %s · %s", byLabel(by), p.label))
	if q := m.query(); !q.From.IsZero() {
		title += st.Muted.Render(fmt.Sprintf(" (%s – %s)", q.From.Format("2006-01-02"), q.To.AddDate(0, 0, -1).Format("2006-01-02")))
	}
	if m.onlyCustomers {
		title += st.Muted.Render(" · customers only")
	}
	if m.loading {
		title += " " + m.busy.View()
	}
	lines := []string{common.Truncate(title, w)}
	rep := m.report
	switch {
	case m.repErr != nil:
		return strings.Join(append(lines, "", st.Error.Render(common.Truncate(m.repErr.Error(), w))), "\n")
	case rep == nil:
		return lines[0]
	case rep.Total.Count == 0:
		lines = append(lines, "", st.Muted.Render(common.Truncate("No rated evaluations in this period. Customers rate through the engineer's QR code (e on a work order at the evaluation node) or their invitation links.", w)))
		if rep.Unrated > 0 {
			lines = append(lines, st.Muted.Render(fmt.Sprintf("%d evaluation(s) without a rating.", rep.Unrated)))
		}
		return strings.Join(lines, "\n")
	}
	t := rep.Total
	sum := fmt.Sprintf("%s rated · average %.2f of 5 · %.1f%% satisfied (4★ and up)", common.Thousands(t.Count), t.Average, t.SatisfiedPct)
	if rep.Unrated > 0 {
		sum += fmt.Sprintf(" · %d without a rating", rep.Unrated)
	}
	if rep.Guests > 0 {
		sum += fmt.Sprintf(" · %d guest rating(s) left out", rep.Guests)
	}
	if rep.Repeats > 0 {
		sum += fmt.Sprintf(" · %d repeat(s) from one network left out", rep.Repeats)
	}
	lines = append(lines, st.Value.Render(common.Truncate(sum, w)), "")

	// Columns: name, rated, average, bar, satisfied, distribution.
	nameW := 22
	dist := " 1★  2★  3★  4★  5★"
	barW := w - 2 - nameW - 7 - 6 - 10 - common.Width(dist) - 4
	if barW < 10 {
		dist = ""
		barW = max(5, w-2-nameW-7-6-10-3)
	}
	head := fmt.Sprintf("  %s %6s %5s  %s %9s%s", common.Fit(strings.ToUpper(byLabel(by)), nameW), "RATED", "AVG", common.Fit("", barW), "SATISFIED", dist)
	lines = append(lines, st.TableHeader.Render(common.Truncate(head, w)))
	rows := m.groupRows()
	for i := m.top; i < min(len(rep.Groups), m.top+rows); i++ {
		g := rep.Groups[i]
		lines = append(lines, common.Truncate(m.groupLine(g.Name, g.CSATStat, nameW, barW, dist != ""), w))
	}
	if more := len(rep.Groups) - m.top - rows; more > 0 {
		lines = append(lines, st.Muted.Render(fmt.Sprintf("  … %d more (↓)", more)))
	}
	lines = append(lines, common.Truncate(m.groupLine("all", t, nameW, barW, dist != ""), w))
	lines = append(lines, "")
	lines = append(lines, m.trendLines(w)...)
	return strings.Join(lines, "\n")
}

func byLabel(b core.CSATBy) string {
	switch b {
	case core.CSATByType:
		return "record type"
	case core.CSATByForm:
		return "evaluation type"
	}
	return string(b)
}

// groupLine is one row: the name, counts, the average as a bar of barW cells
// (full at five stars), the share satisfied and the distribution.
func (m *Model) groupLine(name string, s core.CSATStat, nameW, barW int, dist bool) string {
	st := m.c.Styles
	filled := int(s.Average/5*float64(barW) + 0.5)
	bar := st.Bar.Render(strings.Repeat("█", filled)) + st.BarTrack.Render(strings.Repeat("░", barW-filled))
	line := fmt.Sprintf("  %s %6s %5.2f  %s %8.1f%%", common.Fit(common.Clean(name), nameW), common.Thousands(s.Count), s.Average, bar, s.SatisfiedPct)
	if dist {
		for _, n := range s.Distribution {
			line += fmt.Sprintf(" %3d", n)
		}
	}
	return line
}

// sparks are the trend line's levels, for averages from 1 to 5 stars.
var sparks = []rune("▁▂▃▄▅▆▇█")

// trendLines draws the average per period as a sparkline (a blank for a period
// without ratings), with its first and last periods and the lowest and highest.
func (m *Model) trendLines(w int) []string {
	st := m.c.Styles
	tr := m.report.Trend
	if len(tr) == 0 {
		return nil
	}
	label := fmt.Sprintf("Trend per %s: ", m.report.Period)
	room := max(1, w-common.Width(label)-2)
	if len(tr) > room {
		tr = tr[len(tr)-room:] // the most recent periods
	}
	var b strings.Builder
	lo, hi := 6.0, 0.0
	for _, p := range tr {
		if p.Count == 0 {
			b.WriteRune('·')
			continue
		}
		lo, hi = min(lo, p.Average), max(hi, p.Average)
		i := int((p.Average - 1) / 4 * float64(len(sparks)-1))
		b.WriteRune(sparks[max(0, min(len(sparks)-1, i))])
	}
	out := []string{st.Label.Render(label) + st.Bar.Render(b.String())}
	info := fmt.Sprintf("%s – %s", tr[0].Start.Format("2006-01-02"), tr[len(tr)-1].Start.Format("2006-01-02"))
	if hi > 0 {
		info += fmt.Sprintf(" · lowest %.2f · highest %.2f · latest %s", lo, hi, latest(tr))
	}
	out = append(out, st.Muted.Render(common.Truncate(strings.Repeat(" ", common.Width(label))+info, w)))
	return out
}

func latest(tr []core.CSATPoint) string {
	for i := len(tr) - 1; i >= 0; i-- {
		if tr[i].Count > 0 {
			return fmt.Sprintf("%.2f (%d)", tr[i].Average, tr[i].Count)
		}
	}
	return "-"
}

// View draws the current view.
func (m *Model) View() string {
	switch m.mode {
	case modeTypes:
		return m.typesView()
	case modeField:
		return m.form.view(m)
	case modeName:
		return m.name.view(m)
	case modeRules:
		return m.rulesView()
	case modeRuleForm:
		return m.ruleForm.view(m)
	}
	return m.reportView()
}
