package rules

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// WhatIfLimit is how many waiting work orders (oldest first) a what-if run
// looks at: enough to judge a rule set, quick enough to wait for.
const WhatIfLimit = 500

// whatIfMsg carries the proposals of a what-if run.
type whatIfMsg struct {
	seq       int
	proposals []core.Proposal
	drafts    []core.DraftProposal
	waiting   int
	err       error
}

// whatIfDraftCmd runs a draft rule set beside the saved one.
func whatIfDraftCmd(svc *core.Service, seq int, draft []core.Rule) tea.Cmd {
	return func() tea.Msg {
		ds, err := svc.WhatIfDraft(WhatIfLimit, draft)
		msg := whatIfMsg{seq: seq, drafts: ds, err: err}
		// Listed as the draft's proposals; the saved verdicts stay in drafts.
		for _, d := range ds {
			msg.proposals = append(msg.proposals, d.Draft)
		}
		if err == nil {
			p, err := svc.ListWorkOrders(core.WorkOrderQuery{Status: core.StatusNew, Node: core.NodeDispatch, Limit: 1})
			msg.waiting, msg.err = p.Total, err
		}
		return msg
	}
}

func draftWhere(p core.Proposal) string {
	if p.EngineerID == 0 {
		return "manual queue"
	}
	return p.EngineerName
}

func whatIfCmd(svc *core.Service, seq int) tea.Cmd {
	return func() tea.Msg {
		ps, err := svc.WhatIfDispatch(WhatIfLimit)
		msg := whatIfMsg{seq: seq, proposals: ps, err: err}
		if err == nil {
			p, err := svc.ListWorkOrders(core.WorkOrderQuery{Status: core.StatusNew, Node: core.NodeDispatch, Limit: 1})
			msg.waiting, msg.err = p.Total, err
		}
		return msg
	}
}

// whatIf shows where the rule set would send the waiting work orders now,
// without writing anything; "/" filters the proposals.
type whatIf struct {
	c      *common.Common
	keys   keyMap
	width  int
	height int
	list   *common.List
	shown  common.Filtered[core.Proposal]

	seq       int
	loaded    bool
	proposals []core.Proposal
	waiting   int
	err       error
	// stale is set when work orders changed since the run.
	stale bool
	busy  common.Busy
	// draft is the rule set with the form's rule, when the form asked
	// (issue 20.9); drafts are its verdicts beside the saved rules'.
	draft  []core.Rule
	drafts map[string]core.DraftProposal // by work-order number
}

var whatIfColumns = []common.Column{
	{Title: "number", Width: 9},
	{Title: "subject", Weight: 2, Min: 12, Hide: 1},
	{Title: "would go to", Weight: 2, Min: 12},
	{Title: "by rule / why it would wait", Weight: 3, Min: 14},
}

func newWhatIf(c *common.Common) *whatIf {
	km := c.Keys
	back := km.Back
	back.SetHelp("esc", "back to rules")
	again := km.WhatIf
	again.SetHelp("w", "run again")
	l := common.NewList(c, whatIfColumns)
	l.Y = 2
	l.NoTitle = true
	l.Empty = "Nothing waits at the dispatch node."
	l.SetPlaceholder("number, subject, engineer, rule")
	return &whatIf{
		c:    c,
		keys: keyMap{back: back, whatIf: again, open: km.Open},
		busy: common.NewBusy(c.Styles),
		list: l,
	}
}

func (w *whatIf) setSize(width, height int) {
	w.width, w.height = width, height
	w.list.SetSize(width, max(2, height-3))
}

func (w *whatIf) runCmd() tea.Cmd {
	w.seq++
	w.stale = false
	if w.draft != nil {
		return tea.Batch(whatIfDraftCmd(w.c.Svc, w.seq, w.draft), w.busy.StartCmd())
	}
	return tea.Batch(whatIfCmd(w.c.Svc, w.seq), w.busy.StartCmd())
}

func (w *whatIf) update(msg whatIfMsg) {
	if msg.seq != w.seq {
		return
	}
	w.busy.Stop()
	w.loaded = true
	w.proposals, w.waiting, w.err = msg.proposals, msg.waiting, msg.err
	w.drafts = make(map[string]core.DraftProposal, len(msg.drafts))
	for _, d := range msg.drafts {
		w.drafts[d.Number] = d
	}
	w.shown.Set(w.proposals, func(p core.Proposal) string {
		return strings.Join([]string{p.Number, p.Subject, p.EngineerName, p.RuleName, p.Reason}, " ")
	})
	w.shown.Apply(w.list.Filter())
	w.list.SetLen(w.shown.Len())
}

// capturing reports whether the filter has the keyboard.
func (w *whatIf) capturing() bool { return w.list.Filtering() }

// keyCmd handles a key; done is true when the user leaves.
func (w *whatIf) keyCmd(msg tea.KeyMsg) (tea.Cmd, bool) {
	cmd, ev := w.list.Update(msg)
	if ev.Has(common.ListFilterChanged) {
		w.shown.Apply(w.list.Filter())
		w.list.SetLen(w.shown.Len())
	}
	if ev.Has(common.ListHandled) {
		return cmd, false
	}
	k := w.keys
	switch {
	case key.Matches(msg, k.back):
		return nil, true
	case key.Matches(msg, k.whatIf):
		return w.runCmd(), false
	case key.Matches(msg, k.open):
		if p := w.shown.Ref(w.list.Cursor()); p != nil {
			return common.NavigateCmd(common.Push, common.DetailScreen, p.Number), false
		}
	}
	return nil, false
}

func (w *whatIf) shortHelp() []key.Binding {
	if w.list.Filtering() {
		return w.list.ShortHelp()
	}
	return append([]key.Binding{w.keys.back, w.keys.whatIf, w.keys.open}, w.list.ShortHelp()...)
}

func (w *whatIf) fullHelp() [][]key.Binding {
	k := w.keys
	return [][]key.Binding{w.list.FullHelp(), {k.open, k.whatIf, k.back}}
}

func (w *whatIf) view() string {
	st := w.c.Styles
	lines := make([]string, 0, w.height)
	add := func(s string) { lines = append(lines, common.Truncate(s, w.width)) }
	title := st.Title.Render("What if dispatch ran now") + st.Muted.Render(" — nothing is written")
	if w.draft != nil {
		title = st.Title.Render("What if with this rule") + st.Muted.Render(" — the form's rule in the rule set; nothing is saved")
	}
	if s := w.busy.View(); s != "" {
		title += " " + s
	}
	switch {
	case !w.loaded:
		add(title)
		add(st.Muted.Render("  trying every rule on the waiting work orders…"))
		return strings.Join(lines, "\n")
	case w.err != nil:
		add(title)
		add(st.Error.Render("  " + w.err.Error()))
		return strings.Join(lines, "\n")
	}
	add(w.list.TitleLine(title, ""))
	assigned := 0
	for _, p := range w.proposals {
		if p.RuleID != 0 {
			assigned++
		}
	}
	summary := fmt.Sprintf("%d of %d waiting work orders would be assigned, %d would stay in the manual queue.",
		assigned, len(w.proposals), len(w.proposals)-assigned)
	if w.waiting > len(w.proposals) {
		summary = fmt.Sprintf("Of the oldest %d of %d waiting work orders, %d would be assigned and %d would stay in the manual queue.",
			len(w.proposals), w.waiting, assigned, len(w.proposals)-assigned)
	}
	if w.draft != nil {
		changed := 0
		for _, d := range w.drafts {
			if d.Changed {
				changed++
			}
		}
		summary = fmt.Sprintf("With this rule %d of %d waiting work orders would go elsewhere (* : where they go now). esc goes back to the form.", changed, len(w.drafts))
	}
	if w.stale {
		summary += " Work orders changed since: press w to run again."
	}
	add("  " + summary)
	lines = append(lines, w.list.View("", "", func(i int) common.Row {
		p := w.shown.At(i)
		to, why := "manual queue", common.ShortDispatchReason(p.Reason)
		if p.RuleID != 0 {
			to = p.EngineerName
			why = fmt.Sprintf("rule %q", p.RuleName)
		}
		matched := p.RuleID != 0 || p.EngineerID != 0
		if p.EngineerID != 0 && p.RuleID == 0 {
			to, why = p.EngineerName, fmt.Sprintf("rule %q (new)", p.RuleName)
		}
		if d, ok := w.drafts[p.Number]; ok && d.Changed {
			why = "* now: " + draftWhere(d.Now) + " · " + why
		}
		return common.Row{Cells: []string{p.Number, p.Subject, to, why}, Style: func(col int, s string) string {
			switch {
			case col == 2 && matched:
				return st.Match.Render(s)
			case col == 2:
				return st.Muted.Render(s)
			}
			return s
		}}
	}))
	// The full reason of the row under the cursor.
	if p := w.shown.Ref(w.list.Cursor()); p != nil {
		text := p.Reason
		if p.RuleID != 0 {
			text = fmt.Sprintf("rule %q (id %d) would assign %s", p.RuleName, p.RuleID, p.EngineerName)
		}
		add(st.Muted.Render("  " + p.Number + ": " + common.Clean(text)))
	}
	return strings.Join(lines, "\n")
}
