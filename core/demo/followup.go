package demo

import (
	"fmt"
	"time"

	"switchboard/core"
)

// DemoFollowUpTasks is how many work orders waiting at the follow-up node get
// a follow-up task in the demo (the rest wait there as they were imported).
const DemoFollowUpTasks = 6

// followUp switches the follow-up plug-in on (R-FU-1), makes the follow-up
// staff a team that shares tasks by rotation with the first as its lead
// (R-FU-4), points every process's follow-up node at it (R-FU-3), and starts
// follow-up calls for a few work orders waiting at the node, so a follow-up
// user finds a queue in the Follow-up section, two of them already tried.
func followUp(svc *core.Service, admin core.Actor, staff []core.Actor) (int, error) {
	if len(staff) == 0 {
		return 0, nil
	}
	if _, err := svc.SetFollowUpEnabled(admin, true); err != nil {
		return 0, err
	}
	team := core.FollowUpTeam{Name: "Service desk", Lead: staff[0].User.Login}
	for _, a := range staff {
		team.Members = append(team.Members, a.User.Login)
	}
	if _, err := svc.SaveFollowUpTeam(admin, team); err != nil {
		return 0, err
	}
	ps, err := svc.Processes()
	if err != nil {
		return 0, err
	}
	for i := range ps {
		for j := range ps[i].Nodes {
			if ps[i].Nodes[j].Node == core.NodeFollowUp {
				ps[i].Nodes[j].FollowUp = &core.FollowUpSettings{Mode: core.FollowUpStandard, Type: core.EvalTypeStandard, People: core.FollowUpPeople{Team: team.Name}}
			}
		}
	}
	if _, err := svc.SetProcesses(admin, ps); err != nil {
		return 0, err
	}
	page, err := svc.ListWorkOrders(core.WorkOrderQuery{Status: core.StatusInProgress, Node: core.NodeFollowUp, Limit: DemoFollowUpTasks})
	if err != nil {
		return 0, err
	}
	var tasks []core.FollowUpTask
	for _, row := range page.Rows {
		ts, err := svc.StartFollowUp(admin, row.Number)
		if err != nil {
			return len(tasks), fmt.Errorf("follow-up of %s: %w", row.Number, err)
		}
		tasks = append(tasks, ts...)
	}
	// A queue mid-morning: one customer did not answer the first call (back
	// after the retry delay), another asked to be called back this afternoon.
	byLogin := map[string]core.Actor{}
	for _, a := range staff {
		byLogin[a.User.Login] = a
	}
	later := svc.Now().Add(3 * time.Hour)
	for i, r := range []core.CallResult{{Outcome: core.OutcomeNoAnswer}, {Outcome: core.OutcomeCallback, At: &later, Note: "in a meeting; call after lunch"}} {
		if i+1 >= len(tasks) {
			break
		}
		t := tasks[i+1]
		agent, ok := byLogin[t.Agent]
		if !ok {
			continue
		}
		if _, err := svc.RecordFollowUpCall(agent, t.ID, r); err != nil {
			return len(tasks), fmt.Errorf("follow-up call of %s: %w", t.Number, err)
		}
	}
	return len(tasks), nil
}
