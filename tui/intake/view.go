package intake

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"switchboard/core"
	"switchboard/tui/common"
)

var (
	mailColumns = []common.Column{
		{Title: "ID", Width: 5, Right: true},
		{Title: "RECEIVED", Width: 16},
		{Title: "OUTCOME", Width: 11},
		{Title: "WO", Width: 9, Hide: 3},
		{Title: "FROM", Weight: 3, Min: 14},
		{Title: "SUBJECT", Weight: 4, Min: 12},
		{Title: "WHY", Weight: 4, Min: 10, Hide: 1},
	}
	ruleColumns = []common.Column{
		{Title: "POS", Width: 3, Right: true},
		{Title: "ID", Width: 4, Right: true},
		{Title: "NAME", Weight: 2, Min: 10},
		{Title: "ON", Width: 3},
		{Title: "WHEN", Weight: 4, Min: 16},
		{Title: "SETS", Weight: 3, Min: 12, Hide: 1},
	}
	keyColumns = []common.Column{
		{Title: "ID", Width: 4, Right: true},
		{Title: "NAME", Weight: 2, Min: 10},
		{Title: "KEY", Width: 12},
		{Title: "RATE/S", Width: 8, Right: true},
		{Title: "CREATED", Width: 16, Hide: 2},
		{Title: "BY", Width: 10, Hide: 1},
		{Title: "STATE", Weight: 3, Min: 8},
	}
)

// View draws the view tabs, the list of the current view and its panel.
func (m *Model) View() string {
	st := m.c.Styles
	if m.mode == modeRuleForm {
		return m.form.view()
	}
	if m.mode == modeSettings {
		return m.settingsForm.View()
	}
	var b strings.Builder
	// Tabs of the section's views; the counts go when the line is too narrow.
	var head string
	for _, counts := range []bool{true, false} {
		var tabs []string
		for v := range viewCount {
			label := viewTitles[v]
			if counts && v != viewImport {
				label = fmt.Sprintf("%s (%d)", label, m.count(v))
			}
			if v == m.view {
				tabs = append(tabs, st.ActiveTab.Render("["+label+"]"))
			} else {
				tabs = append(tabs, st.Tab.Render(" "+label+" "))
			}
		}
		head = strings.Join(tabs, " ")
		if common.Width(head) <= m.width {
			break
		}
	}
	if s := m.busy.View(); s != "" {
		head += " " + s
	}
	b.WriteString(common.Truncate(head, m.width) + "\n")
	b.WriteString(common.Truncate(st.Muted.Render(m.lead()), m.width) + "\n")
	switch {
	case m.view == viewImport:
		b.WriteString(strings.Join(m.importLines(m.height-2), "\n"))
		return b.String()
	case m.err != nil && !m.loaded:
		b.WriteString(st.Error.Render(common.Truncate(m.err.Error(), m.width)))
		return b.String()
	case !m.loaded:
		return b.String()
	}
	m.layout() // the panel under the list changes height (a raw message shown)
	l := m.list()
	l.Empty = m.empty()
	loc := m.c.Location()
	b.WriteString(l.View("", "", func(i int) common.Row {
		switch m.view {
		case viewQuarantine, viewLog:
			r := m.fQuarantine.At
			if m.view == viewLog {
				r = m.fLog.At
			}
			x := r(i)
			return common.Row{Cells: []string{fmt.Sprint(x.ID), common.FormatTime(x.ReceivedAt, loc), string(x.Outcome), common.OrDash(x.Number), common.OrDash(x.From), common.OrDash(x.Subject), common.OrDash(x.Reason)}}
		case viewRules:
			r := m.fRules.At(i)
			on, sets := "yes", "defaults"
			if !r.Enabled {
				on = "no"
			}
			if r.Mail != nil {
				sets = r.Mail.Describe()
			}
			var style func(int, string) string
			if !r.Enabled {
				style = func(_ int, s string) string { return st.Disabled.Render(s) }
			}
			return common.Row{Cells: []string{fmt.Sprint(r.Priority), fmt.Sprint(r.ID), r.Name, on, r.When, sets}, Style: style}
		}
		k := m.fKeys.At(i)
		state := "active"
		var style func(int, string) string
		if !k.Active() {
			state = "revoked " + common.FormatTime(*k.RevokedAt, loc) + " by " + k.RevokedBy
			style = func(_ int, s string) string { return st.Disabled.Render(s) }
		}
		return common.Row{Cells: []string{fmt.Sprint(k.ID), k.Name, k.Prefix + "…", rateCell(k.Rate), common.FormatTime(k.CreatedAt, loc), k.CreatedBy, state}, Style: style}
	}))
	b.WriteByte('\n')
	b.WriteString(strings.Join(m.panel(), "\n"))
	return b.String()
}

func (m *Model) count(v view) int {
	switch v {
	case viewQuarantine:
		return len(m.quarantine)
	case viewLog:
		return len(m.log)
	case viewRules:
		return len(m.rules)
	}
	return len(m.apiKeys)
}

// lead says what the view is, in one line.
func (m *Model) lead() string {
	switch m.view {
	case viewQuarantine:
		return "Mail that could not be read, kept whole: r release · F take in as it is · X delete"
	case viewLog:
		poll := "Maildir polling off (s sets a Maildir)"
		if m.settings.Maildir != "" {
			poll = fmt.Sprintf("polling %s every %s (s: settings)", m.settings.Maildir, time.Duration(m.settings.PollSeconds)*time.Second)
		}
		return "Everything received and what became of it, newest first · " + poll
	case viewRules:
		return "The first enabled rule whose condition matches sets the new work order's type, priority and region (R-IN-5)"
	case viewImport:
		return "Bring contacts or work orders in from a CSV file: a dry run first, then all or nothing"
	}
	return "Keys other systems use for the API under /api/v1 (Authorization: Bearer KEY; R-IN-6)"
}

func (m *Model) empty() string {
	switch m.view {
	case viewQuarantine:
		return "The quarantine is empty: every message received could be read."
	case viewLog:
		return "No mail received yet: pipe it to `switchboard mail ingest`, or set a Maildir to poll with s."
	case viewRules:
		return "No mail rules: mail becomes a normal-priority Repair work order. n adds a rule."
	}
	return "No API keys yet. n makes one (admins)."
}

// panelHeight is how many lines the panel under the list takes.
func (m *Model) panelHeight() int { return len(m.panel()) }

// panel is what shows under the list: the confirmation, the new key, the
// selected message's details.
func (m *Model) panel() []string {
	st := m.c.Styles
	w := m.width
	var out []string
	add := func(s string) { out = append(out, common.Truncate(s, w)) }
	switch {
	case m.secret != "":
		add("")
		add(st.Banner.Render(fmt.Sprintf("New API key %d for %q — shown only now, copy it:", m.secretFor.ID, m.secretFor.Name)))
		add(st.Value.Render("  " + m.secret))
		add(st.Muted.Render("Only its SHA-256 is stored. Any key hides it."))
		return out
	case m.mode == modeKeyName:
		add("")
		add(common.InputView(&m.keyName, st))
		return out
	case m.mode == modeConfirm:
		add("")
		switch m.view {
		case viewQuarantine:
			if r, ok := m.selectedMail(); ok {
				add(st.Banner.Render(fmt.Sprintf("Delete quarantined mail %d (%s) for good? y deletes, any other key keeps it.", r.ID, common.Clean(r.Subject))))
			}
		case viewRules:
			if r, ok := m.selectedRule(); ok {
				add(st.Banner.Render(fmt.Sprintf("Delete mail rule %q (id %d)? y deletes, any other key keeps it.", r.Name, r.ID)))
			}
		case viewKeys:
			if k, ok := m.selectedKey(); ok {
				add(st.Banner.Render(fmt.Sprintf("Revoke API key %d (%s)? The integration stops working at once. y revokes.", k.ID, k.Name)))
			}
		}
		return out
	}
	r, ok := m.selectedMail()
	if !ok {
		return nil
	}
	add("")
	add(st.Section.Render(fmt.Sprintf("Mail %d · %s", r.ID, r.Outcome)))
	field := func(label, v string) {
		if strings.TrimSpace(v) != "" {
			add(st.Label.Render(common.Fit(label, 11)) + " " + st.Value.Render(common.Clean(v)))
		}
	}
	field("From", r.From)
	field("Subject", r.Subject)
	field("Source", fmt.Sprintf("%s, %s", r.Source, core.HumanBytes(int64(r.Size))))
	field("Work order", r.Number)
	field("Why", r.Reason)
	for _, l := range r.Log {
		field("Log", l)
	}
	if m.view == viewQuarantine && m.failedRelease == r.ID {
		add(st.Banner.Render("It still cannot be read: F takes it in as it is (raw text as the description, the original attached)."))
	}
	if m.view == viewQuarantine && m.showRaw {
		add(st.Section.Render("Raw message"))
		if m.rawID == r.ID && m.raw != nil {
			lines := strings.Split(strings.ToValidUTF8(string(m.raw), "\uFFFD"), "\n")
			room := max(3, m.height/2)
			for i, l := range lines {
				if i == room {
					add(st.Muted.Render(fmt.Sprintf("… %d more lines (switchboard mail quarantine show %d --raw)", len(lines)-room, r.ID)))
					break
				}
				add("  " + common.Clean(strings.TrimRight(l, "\r")))
			}
		}
	}
	return out
}

// rateCell is a key's rate in the list: "default" or the number.
func rateCell(r float64) string {
	if r == 0 {
		return "default"
	}
	return strconv.FormatFloat(r, 'g', -1, 64)
}
