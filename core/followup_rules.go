package core

import (
	"fmt"
	"slices"
	"strings"
)

// validateFollowUpRule checks a follow-up rule (R-FU-3): a name, a work-order
// condition, an existing evaluation record type for the form, and people —
// follow-up staff who exist, or an existing team (R-FU-4). Fields of other
// kinds are cleared.
func validateFollowUpRule(tx Tx, r *Rule) (*Condition, error) {
	var errs ValidationErrors
	name, verr := oneLine("name", "Rule name", r.Name, true, 100)
	if verr != nil {
		errs = append(errs, verr)
	}
	r.Name = name
	cond, err := CompileCondition(r.When)
	if err != nil {
		errs = append(errs, err.(*ValidationError))
	} else {
		r.When = cond.Source
	}
	r.Engineers, r.ProviderID, r.Policy, r.Next = nil, 0, "", 0
	r.EvalInvites, r.MessagePriority, r.Mandatory, r.Mail = nil, false, false, nil
	types, err := readEvaluationTypes(tx)
	if err != nil {
		return nil, err
	}
	r.EvalType = strings.TrimSpace(r.EvalType)
	if r.EvalType == "" {
		r.EvalType = types[0].Name
	}
	if t, ok := findEvalType(types, r.EvalType); ok {
		r.EvalType = t.Name
	} else {
		errs = append(errs, Invalid("type", "There is no evaluation record type %q for the follow-up form: use %s (`switchboard evaluation type list`).", r.EvalType, evalTypeNames(types)))
	}
	p := FollowUpPeople{Staff: r.FollowUpStaff, Team: r.FollowUpTeam}
	errs = append(errs, p.normalize("people")...)
	if p.Empty() {
		errs = append(errs, Invalid("people", "A follow-up rule needs people: --staff LOGIN[,LOGIN] or --team NAME (`switchboard followup team list`)."))
	}
	if err := checkPeople(tx, p, "people"); err != nil {
		errs = append(errs, err.(*ValidationError))
	}
	r.FollowUpStaff, r.FollowUpTeam = p.Staff, p.Team
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return cond, nil
}

// checkPeople refuses staff who are not follow-up users and teams that do not exist.
func checkPeople(tx Tx, p FollowUpPeople, field string) error {
	for _, login := range p.Staff {
		if err := checkAgent(tx, login, field); err != nil {
			return err
		}
	}
	if p.Team != "" {
		if _, err := tx.FollowUpTeam(p.Team); err != nil {
			return Invalid(field, "There is no follow-up team %q: add it with `switchboard followup team add --name %s --members LOGIN,LOGIN`.", p.Team, p.Team)
		}
	}
	return nil
}

// checkAgent refuses a login that is not an enabled user with the follow-up
// role (admins may also take calls).
func checkAgent(tx Tx, login, field string) error {
	u, err := tx.UserByLogin(login)
	if err != nil {
		return Invalid(field, "There is no user %q: list them with `switchboard user list`.", login)
	}
	if u.Disabled {
		return Invalid(field, "User %q is disabled and cannot take follow-up calls.", login)
	}
	if !u.Has(RoleFollowUp, RoleAdmin) {
		return Invalid(field, "User %q (%s) is not a follow-up agent: give them the follow-up role first.", login, joinRoles(u.Roles))
	}
	return nil
}

// applyFollowUp copies the follow-up fields of a patch onto r.
func (p RulePatch) applyFollowUp(r *Rule) {
	if p.FollowUpStaff != nil {
		r.FollowUpStaff = slices.Clone(p.FollowUpStaff)
		if len(p.FollowUpStaff) > 0 {
			r.FollowUpTeam = ""
		}
	}
	if p.FollowUpTeam != nil {
		r.FollowUpTeam = *p.FollowUpTeam
		if *p.FollowUpTeam != "" {
			r.FollowUpStaff = nil
		}
	}
}

// followUpRules reads and compiles the follow-up rules in priority order.
func (s *Service) followUpRules(tx Tx) ([]CompiledRule, error) {
	rs, err := s.rulesOf(tx, RuleFollowUp)
	if err != nil {
		return nil, err
	}
	out := make([]CompiledRule, 0, len(rs))
	for _, r := range rs {
		cond, err := s.conds.get(r.When)
		if err != nil {
			return nil, fmt.Errorf("follow-up rule #%d %s: %w", r.ID, r.Name, err)
		}
		out = append(out, CompiledRule{Rule: r, Cond: cond})
	}
	return out, nil
}
