package core

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// RuleKind says which process a rule belongs to; rules of one kind share one
// priority order. Evaluation and follow-up rules will join dispatch rules here.
type RuleKind string

// Rule kinds.
const (
	RuleDispatch RuleKind = "dispatch"
)

// PoolPolicy decides which engineer of a rule's pool gets the work order.
type PoolPolicy string

// Pool policies.
const (
	PolicyFixed       PoolPolicy = "fixed"        // always the first engineer
	PolicyRoundRobin  PoolPolicy = "round-robin"  // the next-up pointer moves on each time
	PolicyLeastLoaded PoolPolicy = "least-loaded" // fewest open work orders; ties by pool order
)

// AllPolicies lists the pool policies.
var AllPolicies = []PoolPolicy{PolicyFixed, PolicyRoundRobin, PolicyLeastLoaded}

// Rule is an automatic dispatch rule (R-DISP-1, R-DISP-6): when its condition
// matches a work order at the dispatch node, it assigns one engineer of its pool;
// the provider follows from the engineers.
type Rule struct {
	ID         ID         `json:"id"`
	Kind       RuleKind   `json:"kind"`
	Name       string     `json:"name"`
	When       string     `json:"when"`
	Enabled    bool       `json:"enabled"`
	Priority   int        `json:"priority"` // 1 is tried first
	ProviderID ID         `json:"provider_id"`
	Engineers  []ID       `json:"engineers"`
	Policy     PoolPolicy `json:"policy"`
	// Next is the round-robin pointer: the index in Engineers of the next engineer up.
	Next      int       `json:"next"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// NextUp is the engineer the rule would pick next under its policy, ignoring load.
func (r *Rule) NextUp() ID {
	if len(r.Engineers) == 0 {
		return 0
	}
	if r.Policy == PolicyRoundRobin {
		return r.Engineers[r.Next%len(r.Engineers)]
	}
	return r.Engineers[0]
}

// CompiledRule is a rule with its condition compiled.
type CompiledRule struct {
	Rule
	Cond *Condition
}

// RuleTrial is one rule tried by the engine and why it did not assign.
type RuleTrial struct {
	RuleID ID     `json:"rule_id"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Decision is the engine's verdict for one work order.
type Decision struct {
	Rule     *CompiledRule // the rule that matched, nil for the manual queue
	Engineer ID            // the engineer chosen by the rule's policy
	Advance  bool          // the rule's round-robin pointer must move on
	Tried    []RuleTrial   // rules tried before (and instead of) a match
}

// Decide runs rules (already in priority order) against env: the first enabled
// rule whose condition matches assigns (R-DISP-1); with none, the work order goes
// to the manual queue (R-DISP-2) and Tried says why each rule failed. load gives an
// engineer's open work orders, for least-loaded pools.
func Decide(rules []CompiledRule, env *RuleEnv, load func(ID) int) Decision {
	var d Decision
	for i := range rules {
		r := &rules[i]
		if !r.Enabled {
			d.Tried = append(d.Tried, RuleTrial{r.ID, r.Name, "disabled"})
			continue
		}
		if len(r.Engineers) == 0 {
			d.Tried = append(d.Tried, RuleTrial{r.ID, r.Name, "has no engineers"})
			continue
		}
		ok, err := r.Cond.Match(env)
		if err != nil {
			d.Tried = append(d.Tried, RuleTrial{r.ID, r.Name, err.Error()})
			continue
		}
		if !ok {
			d.Tried = append(d.Tried, RuleTrial{r.ID, r.Name, r.Cond.Explain(env)})
			continue
		}
		d.Rule = r
		switch r.Policy {
		case PolicyRoundRobin:
			d.Engineer, d.Advance = r.Engineers[r.Next%len(r.Engineers)], true
		case PolicyLeastLoaded:
			best, bestLoad := r.Engineers[0], load(r.Engineers[0])
			for _, e := range r.Engineers[1:] {
				if l := load(e); l < bestLoad {
					best, bestLoad = e, l
				}
			}
			d.Engineer = best
		default:
			d.Engineer = r.Engineers[0]
		}
		return d
	}
	return d
}

// ManualReason summarises why no rule matched, for the history and the board.
// It lists at most max rules and says how many more there were.
func (d Decision) ManualReason(max int) string {
	if len(d.Tried) == 0 {
		return "no automatic dispatch rules are configured: waiting in the manual queue"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "no automatic dispatch rule matched (%d tried): ", len(d.Tried))
	for i, t := range d.Tried {
		if i == max {
			fmt.Fprintf(&b, "; and %d more (see `switchboard rule test`)", len(d.Tried)-max)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "#%d %s: %s", t.RuleID, t.Name, t.Reason)
	}
	return b.String()
}

// SortRules orders rules by priority, then id.
func SortRules(rs []Rule) {
	slices.SortFunc(rs, func(a, b Rule) int {
		if a.Priority != b.Priority {
			return a.Priority - b.Priority
		}
		return int(a.ID) - int(b.ID)
	})
}

// Task is an entry in an engineer's task inbox: the standard task notification
// an engineer receives when a work order is assigned to them (R-DISP-5).
type Task struct {
	ID          ID        `json:"id"`
	EngineerID  ID        `json:"engineer_id"`
	WorkOrderID ID        `json:"work_order_id"`
	Number      string    `json:"number"`
	Subject     string    `json:"subject"`
	Kind        string    `json:"kind"`
	Detail      string    `json:"detail"`
	At          time.Time `json:"at"`
}
