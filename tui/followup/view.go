package followup

import (
	"fmt"
	"strings"
	"time"

	"switchboard/core"
	"switchboard/tui/common"
)

// columns of the queue; the agent column shows in the all-agents view.
func (m *Model) columns() []common.Column {
	cols := []common.Column{
		{Title: "due", Width: 16},
		{Title: "", Width: 11},
		{Title: "number", Width: 9},
		{Title: "customer", Weight: 2, Min: 10},
		{Title: "phone", Width: 15, Hide: 3},
	}
	if m.all {
		cols = append(cols, common.Column{Title: "agent", Width: 10, Hide: 2})
	}
	return append(cols,
		common.Column{Title: "tries", Width: 5, Right: true, Hide: 4},
		common.Column{Title: "work order", Weight: 3, Min: 10, Hide: 1})
}

// View draws the queue with the selected task's panel, or the call panel,
// the form, or why the queue is not shown.
func (m *Model) View() string {
	st := m.c.Styles
	lines := make([]string, 0, m.height)
	add := func(s string) { lines = append(lines, common.Truncate(s, m.width)) }
	para := func(s string, style func(...string) string) {
		for _, l := range common.Wrap(s, m.width-2) {
			add("  " + style(l))
		}
	}
	switch {
	case m.mode == settingsMode:
		return m.set.view(m.width, m.height)
	case m.refusal != "":
		add(st.Title.Render("Follow-up call queue"))
		add("")
		para(m.refusal, st.Error.Render)
		return strings.Join(lines, "\n")
	case !m.loaded:
		add(st.Title.Render("Follow-up call queue") + "  " + st.Muted.Render("loading… ") + m.busy.View())
		return strings.Join(lines, "\n")
	case m.err != nil && m.q.Total == 0:
		add(st.Title.Render("Follow-up call queue"))
		add("")
		para(m.err.Error(), st.Error.Render)
		return strings.Join(lines, "\n")
	case !m.q.Enabled:
		add(st.Title.Render("Follow-up call queue"))
		add("")
		para("The follow-up plug-in is off — an admin switches it on (s: settings, or `switchboard followup enable`). While it is off no follow-up node runs and there are no calls to make.", st.Banner.Render)
		return strings.Join(lines, "\n")
	case m.mode == callMode || m.mode == callbackMode:
		return m.callView()
	case m.mode == formMode:
		return m.formView()
	}
	m.list.Empty = "No follow-up calls in this queue. New tasks arrive when work orders reach the follow-up node."
	m.list.NoMatch = "No task in this queue mentions that: esc clears the filter."
	whose := "my queue (" + m.c.Actor.User.Login + ")"
	if m.all {
		whose = "every agent's queue"
	}
	title := st.Title.Render("Follow-up call queue") + st.Muted.Render(" — "+whose)
	lines = append(lines, strings.Split(m.list.View(title, m.counts(), func(i int) common.Row {
		t, ok := m.at(i)
		if !ok {
			return common.Row{Loading: true} // on its way from the store
		}
		return m.row(t)
	}), "\n")...)
	if m.mode == reassignMode {
		add(st.Section.Render(fmt.Sprintf("Reassign task %d (%s) to:", m.task.ID, m.task.Number)))
		add("  " + common.InputView(&m.input, st))
		add(st.Muted.Render("  enter moves it · esc cancels"))
		return strings.Join(lines, "\n")
	}
	if t, ok := m.selected(); ok {
		lines = append(lines, m.panel(t)...)
	}
	return strings.Join(lines, "\n")
}

// counts are the title line's right side: tasks, overdue, waiting.
func (m *Model) counts() string {
	st := m.c.Styles
	over := fmt.Sprintf("%d overdue", m.q.Overdue)
	if m.q.Overdue > 0 {
		over = st.Overdue.Render(over)
	}
	right := st.Muted.Render(fmt.Sprintf("%d task(s) · ", m.q.Total)) + over + st.Muted.Render(fmt.Sprintf(" · %d waiting ·", m.q.Waiting))
	if s := m.busy.View(); s != "" {
		right = s + " " + right
	}
	return right
}

func (m *Model) row(t core.FollowUpTask) common.Row {
	st := m.c.Styles
	now := m.q.Now
	mark := ""
	switch {
	case t.Overdue(now):
		mark = "OVERDUE " + common.Age(now, t.DueAt)
	case !t.Ready(now):
		mark = "from " + t.NotBefore.In(m.c.Location()).Format("15:04")
	}
	cells := []string{common.FormatTime(t.DueAt, m.c.Location()), mark, t.Number, t.Customer, common.OrDash(t.Phone)}
	if m.all {
		agent := t.Agent
		if agent == "" {
			agent = "(nobody)"
		}
		cells = append(cells, agent)
	}
	cells = append(cells, fmt.Sprintf("%d/%d", t.Failed(), t.MaxAttempts), t.Subject)
	overdue := t.Overdue(now)
	return common.Row{Cells: cells, Style: func(col int, cell string) string {
		switch {
		case overdue && (col == 0 || col == 1):
			return st.Overdue.Render(cell)
		case !t.Ready(now):
			return st.Muted.Render(cell)
		}
		return cell
	}}
}

// panel describes the selected task under the queue.
func (m *Model) panel(t core.FollowUpTask) []string {
	st := m.c.Styles
	loc := m.c.Location()
	w := m.width
	line := func(label, value string) string {
		return common.Truncate("  "+st.Label.Render(label)+" "+common.Clean(value), w)
	}
	out := []string{
		common.Truncate(st.Section.Render(fmt.Sprintf("%s  %s", t.Number, common.Clean(t.Subject))), w),
		line("Customer:", fmt.Sprintf("%s · %s · %s work order · form %s", t.Customer, common.OrDash(t.Phone), t.RecordType, t.Type)),
		line("Due:     ", dueText(t, m.q.Now, loc)),
		line("Attempts:", t.AttemptsLine(loc)),
		line("Dialer:  ", m.cfg.Dialer.String()),
	}
	if m.all || t.Team != "" {
		who := t.Agent
		if who == "" {
			who = "nobody yet"
		}
		if t.Team != "" {
			who += " (team " + t.Team + ")"
		}
		out = append(out, line("Agent:   ", who))
	}
	return out
}

func dueText(t core.FollowUpTask, now time.Time, loc *time.Location) string {
	s := common.FormatTime(t.DueAt, loc)
	switch {
	case t.Overdue(now):
		s += " — overdue by " + common.Age(now, t.DueAt)
	case !t.Ready(now):
		s += " — waits until " + common.FormatTime(*t.NotBefore, loc)
	}
	return s
}

// callView is the call panel: who to call, the dial's outcome, the outcome keys.
func (m *Model) callView() string {
	st := m.c.Styles
	t := m.task
	loc := m.c.Location()
	lines := []string{st.Title.Render(fmt.Sprintf("Call %s", common.Clean(t.Customer))), ""}
	add := func(s string) { lines = append(lines, common.Truncate(s, m.width)) }
	add("  " + st.Label.Render("Phone:     ") + " " + st.Value.Render(common.OrDash(t.Phone)))
	add("  " + st.Label.Render("Work order:") + " " + common.Clean(fmt.Sprintf("%s  %s (%s)", t.Number, t.Subject, t.RecordType)))
	add("  " + st.Label.Render("Due:       ") + " " + dueText(t, m.q.Now, loc))
	add("  " + st.Label.Render("Attempts:  ") + " " + fmt.Sprintf("%s (%d of %d failed calls used)", t.AttemptsLine(loc), t.Failed(), t.MaxAttempts))
	add("  " + st.Label.Render("Form:      ") + " " + t.Type)
	add("")
	switch {
	case strings.TrimSpace(t.Phone) == "":
		for _, l := range common.Wrap("This customer has no phone number on record: find one on "+t.Number+" or its contact, or record the outcome (w wrong number closes the task).", m.width-2) {
			add("  " + st.Error.Render(l))
		}
	case !m.cfg.Dialer.Configured():
		for _, l := range common.Wrap("No call integration is set: dial "+common.OrDash(t.Phone)+" by hand (an admin sets one in the settings, s on the queue).", m.width-2) {
			add("  " + st.Muted.Render(l))
		}
	case m.dialing:
		add("  " + st.Muted.Render("Dialling "+t.Phone+" … ") + m.busy.View())
	case m.dialErr != nil:
		for _, l := range common.Wrap(strings.TrimSuffix(m.dialErr.Error(), ".")+". Dial by hand, or press d to try again.", m.width-2) {
			add("  " + st.Error.Render(l))
		}
	case m.dialed != "":
		add("  " + st.StatusOK.Render(m.dialed))
	}
	add("")
	if m.mode == callbackMode {
		add(st.Section.Render("  Call back at:"))
		add("    " + common.InputView(&m.input, st))
		add(st.Muted.Render("    enter saves the callback · esc goes back"))
		return strings.Join(lines, "\n")
	}
	add(st.Section.Render("  How did the call go?"))
	add("    r reached: fill the follow-up form   a no answer   b busy   w wrong number   c call back at a time")
	return strings.Join(lines, "\n")
}

func (m *Model) formView() string {
	st := m.c.Styles
	t := m.task
	lines := []string{
		common.Truncate(st.Title.Render(fmt.Sprintf("Follow-up form (%s)", t.Type))+st.Muted.Render(fmt.Sprintf(" — %s · %s", t.Number, common.Clean(t.Customer))), m.width),
		st.Muted.Render("  Saved as a Service Evaluation record of the work order. * required."),
		"",
	}
	lines = append(lines, m.form.view(m.width)...)
	return strings.Join(lines, "\n")
}
