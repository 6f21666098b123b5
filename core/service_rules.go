package core

import (
	"errors"
	"slices"
)

// NewRule is the input of AddRule.
type NewRule struct {
	Kind      RuleKind
	Name      string
	When      string
	Engineers []ID
	Policy    PoolPolicy // default fixed
	Disabled  bool
	// Mail is a mail rule's action (kind mail).
	Mail *MailAction
	// Evaluation rules (R-EVAL-3).
	EvalType        string
	EvalInvites     []EvalInvite
	MessagePriority bool
	Mandatory       bool
	// Follow-up rules (R-FU-3): EvalType is the form; staff or a team.
	FollowUpStaff []string
	FollowUpTeam  string
}

// canManageRules: the dispatch issue gives rule changes to dispatchers and admins;
// mail rules (R-IN-5) follow the same roles.
func canManageRules(as Actor) error {
	return require(as, "change dispatch rules", RoleAdmin, RoleDispatcher)
}

// Evaluation and follow-up rules decide how customers are asked for ratings
// and called back: company configuration, like notification settings, so
// admins only (R-ROLE-1).
func canManageRulesOf(as Actor, kind RuleKind) error {
	switch kind {
	case RuleMail:
		return require(as, "change mail rules", RoleAdmin, RoleDispatcher)
	case RuleEvaluation:
		return require(as, "change evaluation rules", RoleAdmin)
	case RuleFollowUp:
		return require(as, "change follow-up rules", RoleAdmin)
	}
	return canManageRules(as)
}

// validateRule checks a rule's fields against the directory inside tx.
func validateRule(tx Tx, r *Rule) (*Condition, error) {
	switch r.Kind {
	case RuleDispatch:
	case RuleMail:
		cond, err := validateMailRule(r)
		if err == nil && r.Mail != nil && r.Mail.RecordType != "" {
			// The type must be one mail may create (record types per role).
			err = mayUseType(tx, Actor{}, ChannelEmail, r.Mail.RecordType)
		}
		return cond, err
	case RuleEvaluation:
		return validateEvaluationRule(tx, r)
	case RuleFollowUp:
		return validateFollowUpRule(tx, r)
	default:
		return nil, Invalid("kind", "Rule kind %q is unknown: use dispatch, mail, evaluation or followup.", r.Kind)
	}
	var errs ValidationErrors
	if r.Mail != nil {
		errs = append(errs, Invalid("kind", "Only mail rules set a record type, priority or region; a dispatch rule assigns engineers."))
	}
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
	if r.Policy == "" {
		r.Policy = PolicyFixed
	}
	if !slices.Contains(AllPolicies, r.Policy) {
		errs = append(errs, Invalid("policy", "Policy %q is unknown: use fixed, round-robin or least-loaded.", r.Policy))
	}
	if len(r.Engineers) == 0 {
		errs = append(errs, Invalid("engineer", "A dispatch rule needs a target engineer: give --engineer ID (list them with `switchboard engineer list`)."))
	}
	r.ProviderID = 0
	seen := map[ID]bool{}
	for _, id := range r.Engineers {
		if seen[id] {
			errs = append(errs, Invalid("engineer", "Engineer %d is in the pool twice.", id))
			continue
		}
		seen[id] = true
		e, err := tx.Engineer(id)
		if errors.Is(err, ErrNotFound) {
			errs = append(errs, Invalid("engineer", "There is no engineer %d: list them with `switchboard engineer list`.", id))
			continue
		} else if err != nil {
			return nil, err
		}
		switch {
		case r.ProviderID == 0:
			r.ProviderID = e.ProviderID
		case r.ProviderID != e.ProviderID:
			errs = append(errs, Invalid("engineer", "Engineer %d (%s) works for another provider: a rule's pool must be engineers of one provider.", id, e.Name))
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return cond, nil
}

// AddRule saves a rule at the lowest priority of its kind (R-DISP-6). The
// condition is compiled and type-checked first; a bad one is refused with its
// position and reason.
func (s *Service) AddRule(as Actor, in NewRule) (Rule, error) {
	if in.Kind == "" {
		in.Kind = RuleDispatch
	}
	if err := canManageRulesOf(as, in.Kind); err != nil {
		return Rule{}, err
	}
	now := s.Now()
	r := Rule{Kind: in.Kind, Name: in.Name, When: in.When, Enabled: !in.Disabled, Engineers: slices.Clone(in.Engineers),
		Policy: in.Policy, CreatedAt: now, UpdatedAt: now, UpdatedBy: as.Label(),
		EvalType: in.EvalType, EvalInvites: slices.Clone(in.EvalInvites), MessagePriority: in.MessagePriority, Mandatory: in.Mandatory,
		FollowUpStaff: slices.Clone(in.FollowUpStaff), FollowUpTeam: in.FollowUpTeam}
	if in.Mail != nil {
		a := *in.Mail
		r.Mail = &a
	}
	err := s.store.Update(func(tx Tx) error {
		if _, err := validateRule(tx, &r); err != nil {
			return err
		}
		rs, err := tx.Rules(r.Kind)
		if err != nil {
			return err
		}
		r.Priority = len(rs) + 1
		return tx.PutRule(&r)
	})
	if err != nil {
		return Rule{}, err
	}
	s.broker.publish(Change{Kind: "rule"})
	return r, nil
}

// RulePatch changes a rule; nil fields stay as they are.
type RulePatch struct {
	Name      *string
	When      *string
	Engineers []ID // nil: unchanged
	Policy    *PoolPolicy
	Enabled   *bool
	// Next moves the round-robin pointer (an admin correcting the rotation).
	Next *int
	// Mail replaces a mail rule's action.
	Mail *MailAction
	// Evaluation rules (R-EVAL-3); nil fields stay as they are.
	EvalType        *string
	EvalInvites     []EvalInvite
	MessagePriority *bool
	Mandatory       *bool
	// Follow-up rules (R-FU-3); nil fields stay as they are. Setting staff
	// clears the team and the other way round.
	FollowUpStaff []string
	FollowUpTeam  *string
}

// UpdateRule edits a rule in place, keeping its priority.
func (s *Service) UpdateRule(as Actor, id ID, p RulePatch) (Rule, error) {
	var r Rule
	err := s.store.Update(func(tx Tx) error {
		var err error
		if r, err = s.rule(tx, id); err != nil {
			return err
		}
		if err := canManageRulesOf(as, r.Kind); err != nil {
			return err
		}
		if p.Mail != nil {
			a := *p.Mail
			r.Mail = &a
		}
		if p.Name != nil {
			r.Name = *p.Name
		}
		if p.When != nil {
			r.When = *p.When
		}
		if p.Engineers != nil {
			r.Engineers = slices.Clone(p.Engineers)
			r.Next = 0
		}
		if p.Policy != nil {
			r.Policy = *p.Policy
		}
		if p.Enabled != nil {
			r.Enabled = *p.Enabled
		}
		if p.Next != nil {
			if *p.Next < 0 || *p.Next >= max(len(r.Engineers), 1) {
				return Invalid("next", "The round-robin pointer must be between 0 and %d.", len(r.Engineers)-1)
			}
			r.Next = *p.Next
		}
		p.applyEvaluation(&r)
		p.applyFollowUp(&r)
		if _, err := validateRule(tx, &r); err != nil {
			return err
		}
		r.UpdatedAt, r.UpdatedBy = s.Now(), as.Label()
		return tx.PutRule(&r)
	})
	if err != nil {
		return Rule{}, err
	}
	s.broker.publish(Change{Kind: "rule"})
	return r, nil
}

func (s *Service) rule(tx Tx, id ID) (Rule, error) {
	r, err := tx.Rule(id)
	if errors.Is(err, ErrNotFound) {
		return r, NotFoundf("There is no rule %d: list rules with `switchboard rule list --kind dispatch` (or --kind mail).", id)
	}
	return r, err
}

// MoveRule puts rule id at position to (1 = tried first) among its kind and
// renumbers the others ("adjust priority", R-DISP-6).
func (s *Service) MoveRule(as Actor, id ID, to int) ([]Rule, error) {
	var out []Rule
	err := s.store.Update(func(tx Tx) error {
		r, err := s.rule(tx, id)
		if err != nil {
			return err
		}
		if err := canManageRulesOf(as, r.Kind); err != nil {
			return err
		}
		rs, err := tx.Rules(r.Kind)
		if err != nil {
			return err
		}
		if to < 1 || to > len(rs) {
			return Invalid("to", "Position %d is out of range: there are %d %s rules, so use 1 to %d.", to, len(rs), r.Kind, len(rs))
		}
		i := slices.IndexFunc(rs, func(x Rule) bool { return x.ID == id })
		moved := rs[i]
		rs = slices.Delete(rs, i, i+1)
		rs = slices.Insert(rs, to-1, moved)
		for j := range rs {
			if rs[j].Priority != j+1 {
				rs[j].Priority = j + 1
				if err := tx.PutRule(&rs[j]); err != nil {
					return err
				}
			}
		}
		out = rs
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.broker.publish(Change{Kind: "rule"})
	return out, nil
}

// DeleteRule removes a rule and closes the gap in the priority order.
func (s *Service) DeleteRule(as Actor, id ID) error {
	err := s.store.Update(func(tx Tx) error {
		r, err := s.rule(tx, id)
		if err != nil {
			return err
		}
		if err := canManageRulesOf(as, r.Kind); err != nil {
			return err
		}
		if err := tx.DeleteRule(id); err != nil {
			return err
		}
		rs, err := tx.Rules(r.Kind)
		if err != nil {
			return err
		}
		for j := range rs {
			if rs[j].Priority != j+1 {
				rs[j].Priority = j + 1
				if err := tx.PutRule(&rs[j]); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err == nil {
		s.broker.publish(Change{Kind: "rule"})
	}
	return err
}

// Rules lists the rules of a kind in priority order.
func (s *Service) Rules(kind RuleKind) ([]Rule, error) {
	if _, err := ParseRuleKind(string(kind)); err != nil {
		return nil, err
	}
	var rs []Rule
	err := s.store.View(func(tx Tx) error {
		var err error
		rs, err = tx.Rules(kind)
		return err
	})
	return rs, err
}

// RuleTest is the answer to "would this rule take this work order, and why".
type RuleTest struct {
	RuleID   ID     `json:"rule_id,omitempty"`
	Number   string `json:"number"`
	Matches  bool   `json:"matches"`
	Reason   string `json:"reason"`
	Engineer ID     `json:"engineer,omitempty"`
}

// TestCondition evaluates an unsaved condition against a work order (R-DISP-6:
// a rule can be tested before it is saved).
func (s *Service) TestCondition(when, number string) (RuleTest, error) {
	cond, err := CompileCondition(when)
	if err != nil {
		return RuleTest{}, err
	}
	w, err := s.WorkOrder(number)
	if err != nil {
		return RuleTest{}, err
	}
	env := EnvFor(&w, s.Now().Unix())
	ok, err := cond.Match(&env)
	if err != nil {
		return RuleTest{}, err
	}
	t := RuleTest{Number: w.Number, Matches: ok, Reason: "the condition is true"}
	if !ok {
		t.Reason = cond.Explain(&env)
	}
	return t, nil
}

// TestRule says whether a saved rule matches a work order and which engineer it
// would pick now, without writing anything.
func (s *Service) TestRule(id ID, number string) (RuleTest, error) {
	var r Rule
	err := s.store.View(func(tx Tx) error {
		var err error
		r, err = s.rule(tx, id)
		return err
	})
	if err != nil {
		return RuleTest{}, err
	}
	if r.Kind == RuleMail {
		return s.testMailRule(r, number)
	}
	t, err := s.TestCondition(r.When, number)
	if err != nil {
		return RuleTest{}, err
	}
	t.RuleID = id
	if t.Matches {
		if !r.Enabled {
			t.Reason = "the condition is true, but the rule is disabled"
		} else {
			t.Engineer = r.NextUp()
		}
	}
	return t, nil
}

// MoveRulePointer moves a round-robin rule's next-up pointer to engineer (one of
// its pool), or, with engineer 0, on to the following engineer: a dispatcher
// correcting the rotation (someone is off today, someone had a heavy week).
func (s *Service) MoveRulePointer(as Actor, id ID, engineer ID) (Rule, error) {
	var r Rule
	err := s.store.View(func(tx Tx) error {
		var err error
		r, err = tx.Rule(id)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return Rule{}, NotFoundf("There is no rule %d: list them with `switchboard rule list`.", id)
	} else if err != nil {
		return Rule{}, err
	}
	if r.Policy != PolicyRoundRobin || len(r.Engineers) < 2 {
		return Rule{}, Invalid("next", "Rule %d %q has no rotation to move: only a round-robin pool of two or more engineers has a next-up pointer.", r.ID, r.Name)
	}
	next := (r.Next + 1) % len(r.Engineers)
	if engineer != 0 {
		if next = slices.Index(r.Engineers, engineer); next < 0 {
			return Rule{}, Invalid("engineer", "Engineer %d is not in the pool of rule %d %q.", engineer, r.ID, r.Name)
		}
	}
	return s.UpdateRule(as, id, RulePatch{Next: &next})
}
