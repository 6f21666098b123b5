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
	waiting   int
	err       error
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
// without writing anything.
type whatIf struct {
	c      *common.Common
	keys   keyMap
	width  int
	height int
	table  common.Table

	seq       int
	loaded    bool
	proposals []core.Proposal
	waiting   int
	err       error
	cursor    int
	top       int
	// stale is set when work orders changed since the run.
	stale bool
	busy  common.Busy
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
	return &whatIf{
		c:    c,
		keys: keyMap{up: km.Up, down: km.Down, pageUp: km.PageUp, pageDown: km.PageDown, home: km.Home, end: km.End, back: back, whatIf: again, open: km.Open},
		busy: common.NewBusy(c.Styles),
	}
}

func (w *whatIf) setSize(width, height int) {
	if width != w.width {
		w.table = common.NewTable(whatIfColumns, width)
	}
	w.width, w.height = width, height
	w.clamp()
}

func (w *whatIf) runCmd() tea.Cmd {
	w.seq++
	w.stale = false
	return tea.Batch(whatIfCmd(w.c.Svc, w.seq), w.busy.StartCmd())
}

func (w *whatIf) update(msg whatIfMsg) {
	if msg.seq != w.seq {
		return
	}
	w.busy.Stop()
	w.loaded = true
	w.proposals, w.waiting, w.err = msg.proposals, msg.waiting, msg.err
	w.clamp()
}

func (w *whatIf) rows() int { return max(1, w.height-4) }

func (w *whatIf) clamp() {
	n := len(w.proposals)
	h := w.rows()
	w.cursor = max(0, min(w.cursor, n-1))
	if w.cursor < w.top {
		w.top = w.cursor
	}
	if w.cursor >= w.top+h {
		w.top = w.cursor - h + 1
	}
	w.top = max(0, min(w.top, n-h))
}

// keyCmd handles a key; done is true when the user leaves.
func (w *whatIf) keyCmd(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := w.keys
	h := w.rows()
	switch {
	case key.Matches(msg, k.back):
		return nil, true
	case key.Matches(msg, k.whatIf):
		return w.runCmd(), false
	case key.Matches(msg, k.up):
		w.cursor--
	case key.Matches(msg, k.down):
		w.cursor++
	case key.Matches(msg, k.pageUp):
		w.cursor -= h
		w.top -= h
	case key.Matches(msg, k.pageDown):
		w.cursor += h
		w.top += h
	case key.Matches(msg, k.home):
		w.cursor = 0
	case key.Matches(msg, k.end):
		w.cursor = len(w.proposals) - 1
	case key.Matches(msg, k.open):
		if w.cursor < len(w.proposals) {
			return common.NavigateCmd(common.Push, common.DetailScreen, w.proposals[w.cursor].Number), false
		}
	}
	w.clamp()
	return nil, false
}

func (w *whatIf) shortHelp() []key.Binding {
	return []key.Binding{w.keys.back, w.keys.whatIf, w.keys.open}
}

func (w *whatIf) fullHelp() [][]key.Binding {
	k := w.keys
	return [][]key.Binding{{k.up, k.down, k.pageUp, k.pageDown, k.home, k.end}, {k.open, k.whatIf, k.back}}
}

func (w *whatIf) view() string {
	st := w.c.Styles
	lines := make([]string, 0, w.height)
	add := func(s string) { lines = append(lines, common.Truncate(s, w.width)) }
	title := st.Title.Render("What if dispatch ran now") + st.Muted.Render(" — nothing is written")
	if s := w.busy.View(); s != "" {
		title += " " + s
	}
	add(title)
	switch {
	case !w.loaded:
		add(st.Muted.Render("  trying every rule on the waiting work orders…"))
		return strings.Join(lines, "\n")
	case w.err != nil:
		add(st.Error.Render("  " + w.err.Error()))
		return strings.Join(lines, "\n")
	}
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
	if w.stale {
		summary += " Work orders changed since: press w to run again."
	}
	add("  " + summary)
	add(st.TableHeader.Render(w.table.Header))
	if len(w.proposals) == 0 {
		add(st.Muted.Render("  Nothing waits at the dispatch node."))
		return strings.Join(lines, "\n")
	}
	for i := w.top; i < min(len(w.proposals), w.top+w.rows()); i++ {
		p := w.proposals[i]
		to, why := "manual queue", common.ShortDispatchReason(p.Reason)
		if p.RuleID != 0 {
			to = p.EngineerName
			why = fmt.Sprintf("rule %q", p.RuleName)
		}
		matched := p.RuleID != 0
		style := func(col int, s string) string {
			switch {
			case col == 2 && matched:
				return st.Match.Render(s)
			case col == 2:
				return st.Muted.Render(s)
			}
			return s
		}
		lines = append(lines, w.table.Line(st, []string{p.Number, p.Subject, to, why}, i == w.cursor, style))
	}
	// The full reason of the row under the cursor.
	if w.cursor < len(w.proposals) && len(lines) < w.height {
		p := w.proposals[w.cursor]
		for len(lines) < w.height-1 {
			lines = append(lines, "")
		}
		text := p.Reason
		if p.RuleID != 0 {
			text = fmt.Sprintf("rule %q (id %d) would assign %s", p.RuleName, p.RuleID, p.EngineerName)
		}
		add(st.Muted.Render("  " + p.Number + ": " + common.Clean(text)))
	}
	return strings.Join(lines, "\n")
}
