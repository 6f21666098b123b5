package detail

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"switchboard/core"
	"switchboard/tui/common"
)

// View draws the title line and the scrollable content.
func (m *Model) View() string {
	st := m.c.Styles
	var title string
	switch {
	case m.wo != nil:
		w := m.wo
		title = st.Title.Render(w.Number) + "  " + st.Value.Render(common.Clean(w.Subject))
		tags := fmt.Sprintf("  %s · %s · %s", w.Status, w.Node, w.Priority)
		if m.vp.TotalLineCount() > m.vp.Height {
			tags += fmt.Sprintf("  %3d%%", int(m.vp.ScrollPercent()*100))
		}
		tags = st.Muted.Render(tags)
		title = common.Truncate(title, m.width-common.Width(tags)) + tags
	case m.err != nil:
		title = st.Title.Render(m.number)
	default:
		title = st.Title.Render(m.number) + "  " + st.Muted.Render("loading… ") + m.busy.View()
	}
	title = common.Fit(title, m.width)
	switch {
	case m.wo != nil && m.mode != modeView:
		return title + "\n" + m.actionView()
	case m.wo != nil:
		return title + "\n" + m.vp.View()
	case m.err != nil:
		return title + "\n\n" + st.Error.Render(common.Truncate("  "+m.err.Error(), m.width)) +
			"\n" + st.Muted.Render(common.Truncate("  esc goes back to the list; ctrl+r tries again.", m.width))
	}
	return title
}

// field is one labelled value.
type field struct{ label, value string }

// content renders every section for the current width.
func (m *Model) content() string {
	w := m.wo
	loc := m.c.Location()
	ts := func(t *time.Time) string {
		if t == nil {
			return "—"
		}
		return common.FormatTime(*t, loc)
	}
	var b strings.Builder
	m.section(&b, "Summary", []field{
		{"Number", w.Number},
		{"Subject", w.Subject},
		{"Description", w.Description},
		{"Record type", w.RecordType},
		{"Priority", string(w.Priority)},
		{"Status", string(w.Status)},
		{"Process node", nodeText(w, loc)},
		{"Acceptance channel", string(w.Channel)},
		{"Created by", w.CreatedBy},
		{"Created at", common.FormatTime(w.CreatedAt, loc) + " (" + ago(m.c.Now(), w.CreatedAt) + ")"},
		{"Updated at", common.FormatTime(w.UpdatedAt, loc)},
		{"Due", ts(w.DueAt)},
		{"Version", strconv.FormatUint(w.Version, 10)},
	})
	m.reportSection(&b)
	m.section(&b, "Customer", []field{
		{"Account", w.AccountName},
		{"Contact (contact_id)", named(w.ContactID, w.ContactName)},
		{"Phone", core.PhoneWithCheck(*w)},
		{"Email", w.Email},
		{"Region", w.Region},
		{"Address", w.Address},
		{"Device", w.DeviceCode},
	})
	if len(w.Objects) > 0 {
		// What the customer created on the terminal task (issue 20.12).
		var fs []field
		for _, o := range w.Objects {
			for _, v := range o.Values {
				fs = append(fs, field{o.Label + " · " + v.Label, v.Value})
			}
			fs = append(fs, field{o.Label + " · created", common.FormatTime(o.CreatedAt, m.c.Location()) + " by " + common.Clean(o.CreatedBy)})
		}
		m.section(&b, "Created by the customer", fs)
	}
	owner := "none"
	if w.OutOwner != 0 {
		owner = "terminal user " + named(w.OutOwner, m.owner)
	}
	m.section(&b, "External owner", []field{
		{"External owner (out_owner)", owner},
		{"How it was resolved (R-WO-4)", w.OutOwnerRule},
	})
	dispatcher := w.AssignUser
	if dispatcher == "" && w.AssignWay == core.AssignAuto {
		dispatcher = "— (automatic dispatch)"
	}
	m.section(&b, "Dispatch", []field{
		{"Dispatcher (assign_user)", dispatcher},
		{"Dispatch method (assign_way__c)", w.AssignWay},
		{"Dispatch time (assign_time__c)", ts(w.AssignTime)},
		{"Service implementation partner (field_partner__c)", named(w.FieldPartner, w.FieldDownstreamOuterTenantName)},
		{"Downstream service provider (field_fwssf__c)", named(w.FieldFwssf, w.FieldDownstreamOuterTenantName)},
		{"Service provider engineer (field_outDealUser__c)", named(w.FieldOutDealUser, w.EngineerName)},
		{"Connected enterprise name (field_downstreamOuterTenantName__c)", w.FieldDownstreamOuterTenantName},
		{"Connected enterprise ID (field_downstreamOuterTenantId__c)", w.FieldDownstreamOuterTenantID},
	})
	m.invitationsSection(&b)
	m.evaluationsSection(&b)
	m.messagesSection(&b)
	m.attachmentsSection(&b)
	m.history(&b)
	return strings.TrimRight(b.String(), "\n")
}

// named writes a record id with its name: "7 · Zhang Wei".
func named(id core.ID, name string) string {
	if id == 0 {
		return ""
	}
	if name == "" {
		return common.IDText(id)
	}
	return common.IDText(id) + " · " + name
}

// section writes a heading and its fields as two aligned columns; when the labels
// leave too little room for values (a narrow terminal), each value goes under its
// label instead.
func (m *Model) section(b *strings.Builder, title string, fields []field) {
	st := m.c.Styles
	b.WriteString(st.Section.Render(common.Truncate(title, m.width)))
	b.WriteByte('\n')
	labelW := 0
	for _, f := range fields {
		labelW = max(labelW, common.Width(f.label))
	}
	const indent = 2
	valueW := m.width - indent - labelW - 2
	stacked := valueW < 24
	if stacked {
		valueW = m.width - indent - 2
	}
	for _, f := range fields {
		lines := common.Wrap(common.OrDash(f.value), valueW)
		if stacked {
			b.WriteString(strings.Repeat(" ", indent) + st.Label.Render(common.Truncate(f.label, m.width-indent)) + "\n")
			for _, l := range lines {
				b.WriteString(strings.Repeat(" ", indent+2) + st.Value.Render(l) + "\n")
			}
			continue
		}
		for i, l := range lines {
			label := ""
			if i == 0 {
				label = f.label
			}
			b.WriteString(strings.Repeat(" ", indent) + st.Label.Render(common.Fit(label, labelW)) + "  " + st.Value.Render(l) + "\n")
		}
	}
	b.WriteByte('\n')
}

// history writes the timeline: at, by, channel, kind and detail, oldest first; a
// long detail wraps under itself.
func (m *Model) history(b *strings.Builder) {
	st := m.c.Styles
	w := m.wo
	b.WriteString(st.Section.Render(fmt.Sprintf("History (%d)", len(w.History))))
	b.WriteByte('\n')
	loc := m.c.Location()
	// Columns as wide as their widest value, within reason.
	byW, chW, kindW := len("by"), len("channel"), len("kind")
	for _, e := range w.History {
		byW = max(byW, common.Width(common.Clean(e.By)))
		chW = max(chW, common.Width(string(e.Channel)))
		kindW = max(kindW, common.Width(common.Clean(e.Kind)))
	}
	byW, chW, kindW = min(byW, 20), min(chW, 12), min(kindW, 12)
	const atW, indent = len(common.TimeLayout), 2
	fixed := indent + atW + 1 + byW + 1 + chW + 1 + kindW + 1
	detailW := m.width - fixed
	if detailW < 20 {
		// Too narrow for a table: one event per block.
		for _, e := range w.History {
			b.WriteString("  " + st.Label.Render(common.Truncate(fmt.Sprintf("%s  %s  %s  %s", common.FormatTime(e.At, loc), common.Clean(e.By), e.Channel, e.Kind), m.width-2)) + "\n")
			for _, l := range common.Wrap(common.OrDash(e.Detail), m.width-4) {
				b.WriteString("    " + st.Value.Render(l) + "\n")
			}
		}
		return
	}
	head := strings.Repeat(" ", indent) + common.Fit("at", atW) + " " + common.Fit("by", byW) + " " + common.Fit("channel", chW) + " " + common.Fit("kind", kindW) + " " + "detail"
	b.WriteString(st.TableHeader.Render(common.Truncate(head, m.width)))
	b.WriteByte('\n')
	for _, e := range w.History {
		lines := common.Wrap(common.OrDash(e.Detail), detailW)
		prefix := strings.Repeat(" ", indent) + common.Fit(common.FormatTime(e.At, loc), atW) + " " +
			common.Fit(common.Clean(e.By), byW) + " " + common.Fit(string(e.Channel), chW) + " " + common.Fit(common.Clean(e.Kind), kindW) + " "
		for i, l := range lines {
			if i == 0 {
				b.WriteString(st.Label.Render(prefix) + st.Value.Render(l) + "\n")
			} else {
				b.WriteString(strings.Repeat(" ", fixed) + st.Value.Render(l) + "\n")
			}
		}
	}
	if len(w.History) == 0 {
		b.WriteString("  " + st.Muted.Render("No history recorded.") + "\n")
	}
}

// ago words a relative age: "3d ago", "just now".
func ago(now, t time.Time) string {
	a := common.Age(now, t)
	if a == "now" {
		return "just now"
	}
	return a + " ago"
}

// nodeText is the node, with its timeout when it has one.
func nodeText(w *core.WorkOrder, loc *time.Location) string {
	if w.NodeDueAt == nil {
		return string(w.Node)
	}
	return fmt.Sprintf("%s (completes by itself at %s unless done first)", w.Node, common.FormatTime(*w.NodeDueAt, loc))
}

// invitationsSection lists the terminal-task links issued for the work order
// and whether each is open, used or expired; at the terminal-task node with none
// issued it says how to invite.
func (m *Model) invitationsSection(b *strings.Builder) {
	w := m.wo
	if len(m.invitations) == 0 && w.Node != core.NodeTerminalTask {
		return
	}
	var fields []field
	loc := m.c.Location()
	for _, inv := range m.invitations {
		v := inv.State
		switch {
		case inv.UsedAt != nil:
			v += " " + common.FormatTime(*inv.UsedAt, loc)
		case inv.Why != "":
			v += ": " + inv.Why
		case inv.State == "expired":
			v += " " + common.FormatTime(*inv.ExpiresAt, loc)
		case inv.ExpiresAt != nil:
			v += ", expires " + common.FormatTime(*inv.ExpiresAt, loc)
		}
		fields = append(fields, field{common.FormatTime(inv.IssuedAt, loc) + " by " + common.Clean(inv.IssuedBy), v})
	}
	if len(fields) == 0 {
		fields = append(fields, field{"Invitations", "none yet: press i to invite the account, or t to fill the task on their behalf"})
	}
	m.section(b, "Terminal-task invitations (R-TASK-2)", fields)
}
