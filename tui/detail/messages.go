package detail

import (
	"fmt"
	"strings"

	"switchboard/core"
	"switchboard/tui/common"
)

// messagesSection lists the notifications sent for the work order and their
// outcome (R-NOTE-5); it is left out while there are none.
func (m *Model) messagesSection(b *strings.Builder) {
	if len(m.messages) == 0 {
		return
	}
	st := m.c.Styles
	b.WriteString(st.Section.Render(fmt.Sprintf("Messages (%d)", len(m.messages))) + "\n")
	loc := m.c.Location()
	for _, x := range m.messages {
		to := core.MaskAddress(x.Recipient.Address)
		if to == "" {
			to = x.Recipient.Name
		}
		head := fmt.Sprintf("  %s  #%d %-9s %-12s %-22s to %s, %d tries", common.FormatTime(x.UpdatedAt, loc), x.ID, x.State, x.Channel, x.Event, common.OrDash(common.Clean(to)), x.Attempts)
		b.WriteString(st.Value.Render(common.Truncate(head, m.width)) + "\n")
		if x.Reason != "" {
			for _, l := range common.Wrap(x.Reason, max(10, m.width-6)) {
				b.WriteString("      " + st.Muted.Render(l) + "\n")
			}
		}
	}
	b.WriteByte('\n')
}

// attachmentsSection lists the files kept with the work order (an email's
// attachments, R-IN-5); it is left out while there are none.
func (m *Model) attachmentsSection(b *strings.Builder) {
	if len(m.attachments) == 0 {
		return
	}
	st := m.c.Styles
	b.WriteString(st.Section.Render(fmt.Sprintf("Attachments (%d)", len(m.attachments))) + st.Muted.Render("  a saves one where you are") + "\n")
	for _, a := range m.attachments {
		line := fmt.Sprintf("  #%d  %s  %s, %s  (%s)", a.ID, common.Clean(a.Filename), common.Clean(a.ContentType), core.HumanBytes(a.Size), a.Source)
		b.WriteString(st.Value.Render(common.Truncate(line, m.width)) + "\n")
	}
	b.WriteByte('\n')
}
