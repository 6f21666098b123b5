package process

import (
	"fmt"
	"strings"

	"switchboard/core"
	"switchboard/tui/common"
)

// typesWidth is the width of the record-type column.
const typesWidth = 16

// nodeWidth is the width of the node-name column.
const nodeWidth = 15

// nodeHelp says what each node is for, in the picker and the panel.
var nodeHelp = map[core.Node]string{
	core.NodeDispatch:     "assignment to a provider's engineer, by rule or by hand",
	core.NodeService:      "the engineer's work on site",
	core.NodeTerminalTask: "the customer confirms or adds details through a link, or staff do it for them",
	core.NodeEvaluation:   "the customer rates the service",
	core.NodeFollowUp:     "a follow-up agent calls the customer back",
	core.NodeEnd:          "the work order is completed",
}

// View draws the screen for its mode.
func (m *Model) View() string {
	if m.mode == modeForm {
		return m.form.view()
	}
	if m.mode == modeObjects {
		return m.objForm.View()
	}
	st := m.c.Styles
	lines := []string{m.titleBar(), ""}
	if !m.loaded {
		return strings.Join(lines, "\n")
	}
	rw := m.rightWidth()
	head := st.TableHeader.Render(common.Fit("  Record type", typesWidth)) + st.Muted.Render(" │ ") +
		st.TableHeader.Render(common.Truncate("   #  "+common.Fit("node", nodeWidth)+" settings", rw))
	lines = append(lines, head)
	left := m.typeLines()
	right := m.nodeLines(rw)
	for i := range max(len(left), len(right)) {
		l, r := strings.Repeat(" ", typesWidth), ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		lines = append(lines, l+st.Muted.Render(" │ ")+r)
	}
	lines = append(lines, "")
	for _, l := range m.panelLines(m.width) {
		lines = append(lines, common.Truncate(l, m.width))
	}
	if !m.may {
		for len(lines) < m.height-1 {
			lines = append(lines, "")
		}
		ro := st.Error.Render(common.Truncate("Read only: "+m.why, m.width))
		if len(lines) >= m.height {
			lines = append(lines[:m.height-1], ro)
		} else {
			lines = append(lines, ro)
		}
	}
	return strings.Join(lines, "\n")
}

// rightWidth is the room the node list has beside the record types.
func (m *Model) rightWidth() int { return max(10, m.width-typesWidth-3) }

func (m *Model) titleBar() string {
	st := m.c.Styles
	left := st.Title.Render("Processes") + st.Muted.Render(" — the nodes a work order of each record type goes through, in order")
	right := ""
	switch {
	case !m.loaded:
		right = "loading…"
	case len(m.queue) > 0:
		right = fmt.Sprintf("saving (%d)…", len(m.queue))
	}
	if s := m.busy.View(); s != "" {
		right = s + " " + right
	}
	right = st.Muted.Render(right)
	left = common.Truncate(left, max(0, m.width-common.Width(right)-1))
	return common.Truncate(left+strings.Repeat(" ", max(1, m.width-common.Width(left)-common.Width(right)))+right, m.width)
}

// typeLines are the record types, the selected one marked.
func (m *Model) typeLines() []string {
	st := m.c.Styles
	out := make([]string, len(m.procs))
	for i, p := range m.procs {
		text := common.Fit(common.Clean(p.RecordType), typesWidth-2)
		switch {
		case i == m.typeIdx && m.pane == paneTypes:
			out[i] = st.SelectedRow.Render("> " + text)
		case i == m.typeIdx:
			out[i] = st.Marked.Render("› " + text)
		default:
			out[i] = "  " + text
		}
	}
	return out
}

// nodeLines are the selected process's nodes with what their settings do,
// then the implicit end node.
func (m *Model) nodeLines(w int) []string {
	st := m.c.Styles
	p, ok := m.proc()
	if !ok {
		return nil
	}
	var out []string
	h := m.rowsRoom()
	for i := m.top; i < min(len(p.Nodes), m.top+h); i++ {
		n := p.Nodes[i]
		line := fmt.Sprintf("%2d  %s %s", i+1, common.Fit(string(n.Node), nodeWidth), common.Clean(core.DescribeNode(n)))
		switch {
		case i == m.cursor && m.pane == paneNodes:
			out = append(out, st.SelectedRow.Render(common.Fit("> "+line, w)))
		case i == m.cursor:
			out = append(out, common.Truncate("› "+line, w))
		default:
			out = append(out, common.Truncate("  "+line, w))
		}
	}
	if len(p.Nodes) == 0 {
		out = append(out, st.Muted.Render(common.Truncate("  No nodes: press n to add one.", w)))
	}
	end := fmt.Sprintf("  %2d  %s %s", len(p.Nodes)+1, common.Fit(string(core.NodeEnd), nodeWidth), nodeHelp[core.NodeEnd]+" (always last)")
	return append(out, st.Muted.Render(common.Truncate(end, w)))
}

// rule draws a section rule with a title, w cells wide.
func rule(st *common.Styles, title string, w int) string {
	head := "─ " + common.Clean(title) + " "
	return st.Muted.Render(common.Truncate(head+strings.Repeat("─", max(0, w-common.Width(head))), w))
}

// panelLines is what goes under the lists: the picker, the remove question, or
// the selected node's settings in full.
func (m *Model) panelLines(w int) []string {
	st := m.c.Styles
	p, ok := m.proc()
	if !ok {
		return nil
	}
	var out []string
	add := func(s string) { out = append(out, s) }
	switch m.mode {
	case modePick:
		add(rule(st, "add a node to the "+p.RecordType+" process", w))
		for i, n := range m.missing {
			line := common.Fit(string(n), nodeWidth) + " " + nodeHelp[n]
			if i == m.pick {
				add(st.SelectedRow.Render(common.Fit("> "+line, w)))
			} else {
				add("  " + line)
			}
		}
		add(st.Muted.Render("  It goes to its usual place in the order; K and J move it from there."))
		return out
	case modeConfirm:
		if m.cursor < len(p.Nodes) {
			n := p.Nodes[m.cursor]
			add(rule(st, fmt.Sprintf("remove the %s node", n.Node), w))
			q := fmt.Sprintf("Remove the %s node from the %s process?", n.Node, p.RecordType)
			if d := core.DescribeNode(n); d != "-" {
				q += " Its settings go with it (" + d + ")."
			}
			q += " Work orders at it move to the end when they next move on. y removes it; any other key keeps it."
			for _, l := range common.Wrap(q, max(10, w-2)) {
				add("  " + st.Banner.Render(l))
			}
		}
		return out
	}
	if m.cursor >= len(p.Nodes) {
		return nil
	}
	n := p.Nodes[m.cursor]
	add(rule(st, fmt.Sprintf("%s · node %d of %d: %s — %s", p.RecordType, m.cursor+1, len(p.Nodes), n.Node, nodeHelp[n.Node]), w))
	for _, l := range nodeDetails(n) {
		lead := "  " + common.Fit(l[0], 12)
		ind := strings.Repeat(" ", common.Width(lead))
		for i, s := range common.Wrap(l[1], max(10, w-common.Width(lead))) {
			if i == 0 {
				add(st.Label.Render(lead) + st.Value.Render(s))
			} else {
				add(ind + st.Value.Render(s))
			}
		}
	}
	return out
}

// nodeDetails are a node's settings as label/text pairs for the panel.
func nodeDetails(n core.ProcessNode) [][2]string {
	var out [][2]string
	add := func(label, text string) { out = append(out, [2]string{label, text}) }
	switch {
	case n.Node == core.NodeDispatch:
		add("timeout", "none: the node ends when an engineer is assigned")
	case n.Timeout > 0:
		add("timeout", fmt.Sprintf("%s: then the node completes by itself (status only, no data)", n.Timeout))
	default:
		add("timeout", "none: the node waits until someone completes it")
	}
	if t := n.Task; t != nil {
		how := "invite the account by " + strings.Join(names(t.Methods), ", ")
		if t.Mode == core.TaskOnBehalf {
			how = "act on their behalf (staff fill the form)"
		} else if t.AutoInvite {
			how += ", automatically on arrival"
		} else {
			how += ", when staff press \"Invite account\""
		}
		add("task", how)
		if t.Processor == "" {
			add("processor", "the assigned engineer")
		} else {
			add("processor", t.Processor)
		}
		content := "confirm only"
		if len(t.EditFields) > 0 {
			content = "edit " + strings.Join(t.EditFields, ", ")
		}
		if c := t.Create; c != nil {
			content += fmt.Sprintf("; create a %s (%s)", c.Object, strings.Join(c.Fields, ", "))
		}
		add("customer", content)
	}
	if len(n.PostActions) == 0 {
		add("then", "nothing is sent when the node completes")
	}
	for i, a := range n.PostActions {
		label := ""
		if i == 0 {
			label = "then"
		}
		add(label, fmt.Sprintf("%d. %s", i+1, describeAction(a)))
	}
	return out
}

// describeAction says what a post-action sends, to whom and how.
func describeAction(a core.PostAction) string {
	kind := "external notification"
	if a.Kind == core.PostSMS {
		kind = "SMS notification"
	}
	var to []string
	for _, r := range a.Notice.Recipients {
		switch r.Kind {
		case core.RecipientOwner:
			to = append(to, "external owner")
		case core.RecipientEngineer:
			to = append(to, "engineer")
		case core.RecipientStaff:
			to = append(to, "staff "+r.Login)
		default:
			to = append(to, r.Address)
		}
	}
	if len(to) == 0 {
		to = []string{"external owner"}
	}
	via := "every channel whose preset is on"
	if len(a.Notice.Channels) > 0 {
		via = strings.Join(names(a.Notice.Channels), ", ")
	}
	return fmt.Sprintf("%s %q → %s · %s", kind, a.Notice.Event.Title(), strings.Join(to, ", "), via)
}
