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
// engineers, with each engineer's region and open load; "/" filters either
// list. Disabled providers and engineers are not offered.
type picker struct {
	targets []target
	// region is the work order's region when one is assigned, to point out the
	// engineers who work there.
	region  string
	subject string

	loaded    bool
	providers common.Filtered[core.Provider]
	engineers []core.Engineer
	staffOf   common.Filtered[core.Engineer] // the chosen provider's
	loads     map[core.ID]int

	step  int // 0 providers, 1 engineers
	lists [2]*common.List
	st    *common.Styles
}

// init makes the picker's two lists.
func (p *picker) init(c *common.Common) {
	p.st = c.Styles
	p.lists[0] = common.NewList(c, providerCols)
	p.lists[0].NoTitle = true
	p.lists[0].Empty = "No service providers yet: add one in People (or `switchboard provider add`)."
	p.lists[1] = common.NewList(c, engineerCols)
	p.lists[1].NoTitle = true
	p.lists[1].Empty = "This provider has no engineers who take work: add one in People."
	for _, l := range p.lists {
		l.Y = 2 // under the title and the prompt line
	}
}

// setData installs the directory: enabled providers and engineers only.
func (p *picker) setData(ps []core.Provider, es []core.Engineer, loads map[core.ID]int) {
	p.loaded, p.loads = true, loads
	ps = slices.DeleteFunc(slices.Clone(ps), func(x core.Provider) bool { return x.Disabled })
	p.engineers = slices.DeleteFunc(slices.Clone(es), func(x core.Engineer) bool { return x.Disabled })
	p.providers.Set(ps, func(x core.Provider) string {
		return x.Name + " " + x.TenantID + " " + strings.Join(p.regions(x.ID), " ")
	})
	p.refilter()
}

// list is the list of the current step.
func (p *picker) list() *common.List { return p.lists[p.step] }

// refilter applies each list's filter; the engineers are the chosen provider's.
func (p *picker) refilter() {
	p.providers.Apply(p.lists[0].Filter())
	p.lists[0].SetLen(p.providers.Len())
	var staff []core.Engineer
	if pv, ok := p.provider(); ok {
		for _, e := range p.engineers {
			if e.ProviderID == pv.ID {
				staff = append(staff, e)
			}
		}
	}
	p.staffOf.Set(staff, func(e core.Engineer) string { return e.Name + " " + e.Region })
	p.staffOf.Apply(p.lists[1].Filter())
	p.lists[1].SetLen(p.staffOf.Len())
}

// regions are the regions provider id's engineers work in.
func (p *picker) regions(id core.ID) []string {
	var out []string
	for _, e := range p.engineers {
		if e.ProviderID == id && e.Region != "" && !slices.Contains(out, e.Region) {
			out = append(out, e.Region)
		}
	}
	return out
}

// provider is the provider under the providers' cursor.
func (p *picker) provider() (core.Provider, bool) {
	r := p.providers.Ref(p.lists[0].Cursor())
	if r == nil {
		return core.Provider{}, false
	}
	return *r, true
}

// chosen returns the engineer under the cursor on the engineer step.
func (p *picker) chosen() (core.Engineer, bool) {
	r := p.staffOf.Ref(p.lists[1].Cursor())
	if p.step != 1 || r == nil {
		return core.Engineer{}, false
	}
	return *r, true
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
func (p *picker) view(width, height int) string {
	st := p.st
	lines := []string{st.Title.Render(common.Truncate(common.Clean(p.title()), width))}
	if !p.loaded {
		lines = append(lines, st.Muted.Render("  loading providers and engineers…"))
		return strings.Join(lines, "\n")
	}
	l := p.list()
	l.SetSize(width, max(2, height-2))
	var prompt string
	if p.step == 0 {
		prompt = "Choose the service provider:"
	} else {
		pv, _ := p.provider()
		prompt = "Choose the engineer of " + common.Clean(pv.Name) + ":"
	}
	lines = append(lines, l.TitleLine(st.Muted.Render(prompt), ""))
	lines = append(lines, l.View("", "", p.row))
	return strings.Join(lines, "\n")
}

// row draws row i of the current step.
func (p *picker) row(i int) common.Row {
	if p.step == 0 {
		pv := p.providers.At(i)
		open, n := 0, 0
		for _, e := range p.engineers {
			if e.ProviderID == pv.ID {
				open += p.loads[e.ID]
				n++
			}
		}
		return common.Row{Cells: []string{pv.Name, pv.TenantID, strings.Join(p.regions(pv.ID), ", "), fmt.Sprint(n), fmt.Sprint(open)}}
	}
	e := p.staffOf.At(i)
	note := ""
	if p.region != "" && strings.EqualFold(e.Region, p.region) {
		note = "* works in " + e.Region
	}
	return common.Row{Cells: []string{e.Name, common.OrDash(e.Region), fmt.Sprint(p.loads[e.ID]), note}}
}
