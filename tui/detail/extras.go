package detail

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// The detail screen's twins of `evaluation list`, `wo attachment` and
// `followup start`: the Evaluations section, a to save an attachment where the
// person is, S to open the follow-up node's task for a work order waiting there
// without one.

// evaluationsSection lists what the evaluation node decided and the
// evaluations received (R-EVAL-1..6); it is left out before the work order
// reached the node and while none were received.
func (m *Model) evaluationsSection(b *strings.Builder) {
	ev := m.evals
	if ev.Request == nil && len(ev.Evaluations) == 0 {
		return
	}
	st := m.c.Styles
	b.WriteString(st.Section.Render(fmt.Sprintf("Evaluations (%d)", len(ev.Evaluations))) + "\n")
	if r := ev.Request; r != nil {
		how := "by QR code"
		if r.Mode == core.EvalModeRules {
			how = fmt.Sprintf("by rule %q (id %d)", r.RuleName, r.RuleID)
			if r.RuleID == 0 {
				how = "by rules (none matched)"
			}
		}
		var inv []string
		for _, x := range r.Invites {
			inv = append(inv, string(x))
		}
		line := fmt.Sprintf("  %s evaluation %s via %s", r.Type, how, common.OrDash(strings.Join(inv, ", ")))
		if r.Fallback {
			line += ", message priority"
		}
		if r.Mandatory {
			line += ", mandatory"
		}
		for _, l := range common.Wrap(line, max(10, m.width-2)) {
			b.WriteString(st.Muted.Render(l) + "\n")
		}
	}
	loc := m.c.Location()
	for _, e := range ev.Evaluations {
		rating := "not rated"
		if e.Scale > 0 && e.Score > 0 {
			rating = fmt.Sprintf("%d/%d ★", e.Score, e.Scale)
		}
		head := fmt.Sprintf("  %s  #%d %s  %s  via %s by %s", common.FormatTime(e.SubmittedAt, loc), e.ID, e.Type, rating, e.Via, common.OrDash(common.Clean(e.By)))
		b.WriteString(st.Value.Render(common.Truncate(head, m.width)) + "\n")
		for _, x := range e.Answers {
			if v := x.Value(); v != "" {
				for _, l := range common.Wrap(common.Clean(x.Label+": "+v), max(10, m.width-6)) {
					b.WriteString("      " + st.Muted.Render(l) + "\n")
				}
			}
		}
	}
	b.WriteByte('\n')
}

// SafeName is the file name proposed for an attachment: the base name only
// (a mail's "../../.profile" proposes ".profile" in the person's directory,
// and the console never writes over a file), without control characters.
func SafeName(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '/' || r == '\\' {
			return '_'
		}
		return r
	}, filepath.Base(strings.ReplaceAll(name, "\\", "/")))
	if name == "" || name == "." || name == ".." {
		return "attachment"
	}
	return name
}

// attachKey is a (save an attachment) with the state it applies in.
func (m *Model) attachKey() key.Binding {
	b := m.keys.attachment
	b.SetEnabled(m.wo != nil && len(m.attachments) > 0)
	return b
}

// followKey is S (start follow-up calls): for a work order waiting at the
// follow-up node; core says why when it has a task already or the plug-in is off.
func (m *Model) followKey() key.Binding {
	b := m.keys.startFollowUp
	b.SetEnabled(m.wo != nil && m.wo.Status.Open() && m.wo.Node == core.NodeFollowUp)
	return b
}

// extraKey handles a and S in view mode.
func (m *Model) extraKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	switch {
	case key.Matches(msg, m.attachKey()):
		if len(m.attachments) == 1 {
			return m.saveAttachmentAs(0), true
		}
		m.mode, m.pick = modeAttachment, 0
		return nil, true
	case key.Matches(msg, m.followKey()):
		svc, as, number := m.c.Svc, m.c.Actor, m.wo.Number
		return func() tea.Msg {
			ts, err := svc.StartFollowUp(as, number)
			if err != nil {
				return common.ErrorMsg{Err: err}
			}
			var qs []string
			for _, t := range ts {
				if t.Status != core.FollowUpOpen {
					continue
				}
				qs = append(qs, fmt.Sprintf("task %d in %s's queue", t.ID, common.OrDash(t.Agent)))
			}
			return common.StatusMsg{Text: fmt.Sprintf("Follow-up calls started for %s: %s.", number, strings.Join(qs, ", "))}
		}, true
	}
	return nil, false
}

// saveAttachmentAs asks where to save attachment i.
func (m *Model) saveAttachmentAs(i int) tea.Cmd {
	m.attIndex, m.mode = i, modeSaveAs
	a := m.attachments[i]
	return m.saveAs.Open(fmt.Sprintf("attachment #%d", a.ID), SafeName(a.Filename))
}

// attachmentKey handles keys while an attachment is picked or its file named.
func (m *Model) attachmentKey(msg tea.KeyMsg) tea.Cmd {
	if m.mode == modeAttachment {
		switch {
		case key.Matches(msg, m.keys.up):
			m.pick = max(0, m.pick-1)
		case key.Matches(msg, m.keys.down):
			m.pick = max(0, min(len(m.attachments)-1, m.pick+1))
		case key.Matches(msg, m.actions.choose):
			return m.saveAttachmentAs(m.pick)
		}
		return nil
	}
	name, done, cmd := m.saveAs.Update(msg)
	if !done {
		return cmd
	}
	m.mode = modeView
	if name == "" {
		return common.StatusCmd("Nothing saved.")
	}
	a := m.attachments[m.attIndex]
	svc, number := m.c.Svc, m.wo.Number
	return common.SaveFileCmd(m.c, fmt.Sprintf("attachment #%d of %s", a.ID, number), name, 0o600, func() ([]byte, error) {
		_, data, err := svc.AttachmentData(number, a.ID)
		return data, err
	})
}

// attachmentView draws the picker or the save-as line.
func (m *Model) attachmentView(line func(string)) {
	st := m.c.Styles
	if m.mode == modeAttachment {
		line(st.Section.Render("Save which attachment of " + m.wo.Number + "?"))
		for i, a := range m.attachments {
			cur := "  "
			if i == m.pick {
				cur = "› "
			}
			line(cur + fmt.Sprintf("#%d  %s  %s, %s", a.ID, common.Clean(a.Filename), common.Clean(a.ContentType), core.HumanBytes(a.Size)))
		}
		line(st.Muted.Render("  ↑/↓ choose · enter names the file · esc cancels"))
		return
	}
	line(m.saveAs.View(m.c.Styles, m.width))
	line(st.Muted.Render("  a relative path is in the directory you started the console in · enter saves · esc cancels"))
}
