package board

import (
	"fmt"
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// directoryMsg carries the providers, their engineers and each engineer's open
// load for the assignment picker.
type directoryMsg struct {
	providers []core.Provider
	engineers []core.Engineer
	loads     map[core.ID]int
	err       error
}

// loadDirectory reads the picker's data.
//
// The service has no call for an engineer's open load yet (the engine reads it
// through its storage port), so the picker counts the open work orders per
// engineer from the list rows, which carry the engineer's name, not its id: two
// engineers with the same name share a count.
func loadDirectory(svc *core.Service) directoryMsg {
	d, err := svc.Directory()
	if err != nil {
		return directoryMsg{err: err}
	}
	byName := map[string]int{}
	for _, st := range []core.Status{core.StatusAssigned, core.StatusInProgress} {
		p, err := svc.ListWorkOrders(core.WorkOrderQuery{Status: st})
		if err != nil {
			return directoryMsg{err: err}
		}
		for i := range p.Rows {
			if n := p.Rows[i].EngineerName; n != "" {
				byName[n]++
			}
		}
	}
	loads := make(map[core.ID]int, len(d.Engineers))
	for _, e := range d.Engineers {
		loads[e.ID] = byName[e.Name]
	}
	return directoryMsg{providers: d.Providers, engineers: d.Engineers, loads: loads}
}

func directoryCmd(svc *core.Service) tea.Cmd {
	return func() tea.Msg { return loadDirectory(svc) }
}

// picker chooses the engineer to assign: first a provider, then one of its
// engineers, with each engineer's region and open load.
type picker struct {
	targets []target
	// region is the work order's region when one is assigned, to point out the
	// engineers who work there.
	region  string
	subject string

	loaded    bool
	providers []core.Provider
	engineers []core.Engineer
	loads     map[core.ID]int

	provider int // cursor on providers
	step     int // 0 providers, 1 engineers
	engineer int // cursor on the chosen provider's engineers
}

// staff returns the engineers of provider index p.
func (p *picker) staff(i int) []core.Engineer {
	if i < 0 || i >= len(p.providers) {
		return nil
	}
	id := p.providers[i].ID
	var out []core.Engineer
	for _, e := range p.engineers {
		if e.ProviderID == id {
			out = append(out, e)
		}
	}
	return out
}

// move moves the cursor of the current step by d, within its list.
func (p *picker) move(d int) {
	n := len(p.providers)
	cur := &p.provider
	if p.step == 1 {
		n = len(p.staff(p.provider))
		cur = &p.engineer
	}
	*cur = max(0, min(n-1, *cur+d))
}

// chosen returns the engineer under the cursor on the engineer step.
func (p *picker) chosen() (core.Engineer, bool) {
	es := p.staff(p.provider)
	if p.step != 1 || p.engineer >= len(es) {
		return core.Engineer{}, false
	}
	return es[p.engineer], true
}

// title says what is being assigned.
func (p *picker) title() string {
	if len(p.targets) == 1 {
		s := "Assign " + p.targets[0].number
		if p.subject != "" {
			s += " " + p.subject
		}
		if p.region != "" {
			s += " (region " + p.region + ")"
		}
		return s
	}
	return fmt.Sprintf("Assign %d work orders", len(p.targets))
}

var (
	providerCols = []common.Column{
		{Title: "provider", Weight: 3, Min: 12},
		{Title: "tenant", Width: 12, Hide: 3},
		{Title: "regions", Weight: 2, Min: 10, Hide: 2},
		{Title: "engineers", Width: 9, Right: true},
		{Title: "open", Width: 5, Right: true, Hide: 1},
	}
	engineerCols = []common.Column{
		{Title: "engineer", Weight: 2, Min: 10},
		{Title: "region", Width: 8},
		{Title: "open", Width: 5, Right: true},
		{Title: "", Weight: 1, Min: 12, Hide: 1},
	}
)

// view draws the picker in width × height.
func (p *picker) view(st *common.Styles, width, height int) string {
	lines := []string{st.Title.Render(common.Truncate(common.Clean(p.title()), width))}
	if !p.loaded {
		lines = append(lines, st.Muted.Render("  loading providers and engineers…"))
		return strings.Join(lines, "\n")
	}
	var t common.Table
	var rows [][]string
	cur := p.provider
	if p.step == 0 {
		lines = append(lines, st.Muted.Render(common.Truncate("Choose the service provider:", width)))
		t = common.NewTable(providerCols, width)
		for i, pv := range p.providers {
			es := p.staff(i)
			open := 0
			for _, e := range es {
				open += p.loads[e.ID]
			}
			var regions []string
			for _, e := range es {
				if e.Region != "" && !slices.Contains(regions, e.Region) {
					regions = append(regions, e.Region)
				}
			}
			rows = append(rows, []string{pv.Name, pv.TenantID, strings.Join(regions, ", "), fmt.Sprint(len(es)), fmt.Sprint(open)})
		}
	} else {
		pv := p.providers[p.provider]
		lines = append(lines, st.Muted.Render(common.Truncate("Choose the engineer of "+common.Clean(pv.Name)+":", width)))
		t = common.NewTable(engineerCols, width)
		for _, e := range p.staff(p.provider) {
			note := ""
			if p.region != "" && strings.EqualFold(e.Region, p.region) {
				note = "* works in " + e.Region
			}
			rows = append(rows, []string{e.Name, common.OrDash(e.Region), fmt.Sprint(p.loads[e.ID]), note})
		}
		cur = p.engineer
	}
	lines = append(lines, st.TableHeader.Render(t.Header))
	room := max(1, height-len(lines))
	if len(rows) == 0 {
		msg := "  No service providers yet: add one with `switchboard provider add`."
		if p.step == 1 {
			msg = "  This provider has no engineers: add one with `switchboard engineer add`."
		}
		lines = append(lines, st.Muted.Render(common.Truncate(msg, width)))
		return strings.Join(lines, "\n")
	}
	top := max(0, min(cur-room/2, len(rows)-room))
	for i := top; i < min(len(rows), top+room); i++ {
		lines = append(lines, t.Line(st, rows[i], i == cur, nil))
	}
	return strings.Join(lines, "\n")
}
