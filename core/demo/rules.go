package demo

import (
	"fmt"
	"time"

	"switchboard/core"
)

// ruleSpec is one of the demo company's dispatch rules; engineers are named.
type ruleSpec struct {
	Name, When string
	Engineers  []string
	Policy     core.PoolPolicy
	Disabled   bool
}

// ruleSpecs cover part of the work on purpose, so the manual queue has work
// orders in it, each with the engine's reason.
var ruleSpecs = []ruleSpec{
	{"East urgent repairs", `record_type == "Repair" && region == "East" && priority in ["urgent", "high"]`, []string{"张伟", "陈强", "徐磊", "吴静"}, core.PolicyLeastLoaded, false},
	{"North cold chain", `region == "North" && record_type in ["Repair", "Maintenance"]`, []string{"王刚", "刘洋", "赵磊"}, core.PolicyRoundRobin, false},
	{"South maintenance", `region == "South" && record_type == "Maintenance"`, []string{"黄俊", "林峰"}, core.PolicyRoundRobin, false},
	{"Lifts and escalators (West)", `region == "West" && (subject contains "电梯" || subject contains "levator" || subject contains "scalator")`, []string{"Mike Turner"}, core.PolicyFixed, false},
	{"Central installations (under review)", `record_type == "Installation" && region == "Central"`, []string{"周杰", "杨帆"}, core.PolicyRoundRobin, true},
}

// rules saves the demo's dispatch rules and keeps them compiled, so that the
// work orders still waiting at the dispatch node carry the engine's real verdict.
func (p *people) rules() error {
	byName := map[string]core.ID{}
	for _, e := range p.c.engineers {
		byName[e.Name] = e.ID
	}
	var compiled []core.CompiledRule
	for _, rs := range ruleSpecs {
		in := core.NewRule{Kind: core.RuleDispatch, Name: rs.Name, When: rs.When, Policy: rs.Policy, Disabled: rs.Disabled}
		for _, n := range rs.Engineers {
			in.Engineers = append(in.Engineers, byName[n])
		}
		r, err := p.svc.AddRule(p.admin, in)
		if err != nil {
			return fmt.Errorf("rule %s: %w", rs.Name, err)
		}
		cond, err := core.CompileCondition(r.When)
		if err != nil {
			return err
		}
		compiled = append(compiled, core.CompiledRule{Rule: r, Cond: cond})
	}
	p.c.rules = core.NewRuleSet(compiled)
	return nil
}

// processes gives the demo company's record types processes of their own
// (R-FLOW-1): installations ask the customer to confirm the address and
// register the new device, invited by SMS and email as soon as the node is
// reached, and give up after three days; repairs tell the customer by SMS when
// the engineer finishes. Every type keeps all five nodes, so the demo's work
// orders (spread over every node) fit their processes.
func (p *people) processes() error {
	inst := core.DefaultProcessNodes()
	inst[2].Timeout = core.Duration(72 * time.Hour)
	inst[2].Task = &core.TaskSettings{Mode: core.TaskInvite, Methods: []core.InviteMethod{core.InviteLink, core.InviteSMS, core.InviteEmail},
		AutoInvite: true, EditFields: []string{"address", "phone"}, Create: &core.CreateObject{Object: "device", Fields: []string{"model", "location"}}}
	repair := core.DefaultProcessNodes()
	repair[1].PostActions = []core.PostAction{{Kind: core.PostSMS, Notice: core.NoticeAction{Event: core.NoticeCompleted,
		Templates: map[core.NoticeChannel]core.Template{core.NoticeSMS: {Body: "Dear customer: #Engineer# has finished the work on #WorkOrderNumber# - #Subject#. Reply to this message if anything is still wrong."}}}}}
	_, err := p.svc.SetProcesses(p.admin, []core.Process{
		{RecordType: "Repair", Nodes: repair},
		{RecordType: "Installation", Nodes: inst},
	})
	return err
}
