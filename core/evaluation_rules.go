package core

import (
	"fmt"
	"slices"
	"strings"
)

// validateEvaluationRule checks an evaluation rule (R-EVAL-3): a name, a
// work-order scope condition, an existing evaluation record type and at least
// one invitation method. Dispatch fields are cleared: they mean nothing here.
func validateEvaluationRule(tx Tx, r *Rule) (*Condition, error) {
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
		errs = append(errs, Invalid("type", "There is no evaluation record type %q: use %s (`switchboard evaluation type list`).", r.EvalType, evalTypeNames(types)))
	}
	var invites []EvalInvite
	for _, m := range r.EvalInvites {
		m2, err := ParseEvalInvite(string(m))
		if err != nil {
			errs = append(errs, err.(*ValidationError))
			continue
		}
		if !slices.Contains(invites, m2) {
			invites = append(invites, m2)
		}
	}
	r.EvalInvites = invites
	if len(invites) == 0 {
		errs = append(errs, Invalid("via", "An evaluation rule needs at least one invitation method: %s (e.g. --via qr,sms).", joinNames(AllEvalInvites)))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return cond, nil
}

// applyEvaluation copies the evaluation fields of a patch onto r.
func (p RulePatch) applyEvaluation(r *Rule) {
	if p.EvalType != nil {
		r.EvalType = *p.EvalType
	}
	if p.EvalInvites != nil {
		r.EvalInvites = slices.Clone(p.EvalInvites)
	}
	if p.MessagePriority != nil {
		r.MessagePriority = *p.MessagePriority
	}
	if p.Mandatory != nil {
		r.Mandatory = *p.Mandatory
	}
}

// MatchEvaluationRule runs evaluation rules (already in priority order) against
// env: the first enabled rule whose condition matches decides (R-EVAL-3). When
// none does, tried says why each failed.
func MatchEvaluationRule(rules []CompiledRule, env *RuleEnv) (match *CompiledRule, tried []RuleTrial) {
	for i := range rules {
		r := &rules[i]
		if !r.Enabled {
			tried = append(tried, RuleTrial{RuleID: r.ID, Name: r.Name, Reason: "disabled"})
			continue
		}
		ok, err := r.Cond.Match(env)
		switch {
		case err != nil:
			tried = append(tried, RuleTrial{RuleID: r.ID, Name: r.Name, Reason: err.Error()})
		case ok:
			return r, tried
		default:
			tried = append(tried, RuleTrial{RuleID: r.ID, Name: r.Name, Reason: r.Cond.Explain(env)})
		}
	}
	return nil, tried
}

// evaluationRules reads and compiles the evaluation rules in priority order.
func (s *Service) evaluationRules(tx Tx) ([]CompiledRule, error) {
	rs, err := s.rulesOf(tx, RuleEvaluation)
	if err != nil {
		return nil, err
	}
	out := make([]CompiledRule, 0, len(rs))
	for _, r := range rs {
		cond, err := s.conds.get(r.When)
		if err != nil {
			return nil, fmt.Errorf("evaluation rule #%d %s: %w", r.ID, r.Name, err)
		}
		out = append(out, CompiledRule{Rule: r, Cond: cond})
	}
	return out, nil
}

// describeInvites says how a request invites: "QR code, then sms, email in turn".
func describeInvites(r *EvaluationRequest) string {
	var parts []string
	if r.HasQR() {
		parts = append(parts, "QR code shown by the engineer")
	}
	if auto := r.Automatic(); len(auto) > 0 {
		how := "all at once"
		if r.Fallback && len(auto) > 1 {
			how = "in that order until one delivers"
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", joinList(auto), how))
	}
	return strings.Join(parts, "; ")
}

func joinList[T ~string](xs []T) string {
	names := make([]string, len(xs))
	for i, x := range xs {
		names[i] = string(x)
	}
	return strings.Join(names, ", ")
}
