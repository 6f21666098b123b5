package core

import (
	"fmt"
	"math/bits"
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
	// RuleMail rules decide what a received email becomes (R-IN-5): their
	// conditions read MailEnv and their Mail action sets record type, priority
	// and region.
	RuleMail RuleKind = "mail"
	// RuleEvaluation rules pick how a work order at the evaluation node is
	// evaluated (R-EVAL-3).
	RuleEvaluation RuleKind = "evaluation"
	// RuleFollowUp rules pick the follow-up form and the people at a
	// rule-based follow-up node (R-FU-3).
	RuleFollowUp RuleKind = "followup"
)

// AllRuleKinds lists the rule kinds.
var AllRuleKinds = []RuleKind{RuleDispatch, RuleMail, RuleEvaluation, RuleFollowUp}

// ParseRuleKind reads a kind as typed.
func ParseRuleKind(s string) (RuleKind, error) {
	k := RuleKind(strings.ToLower(strings.TrimSpace(s)))
	if k == "follow-up" {
		k = RuleFollowUp
	}
	if !slices.Contains(AllRuleKinds, k) {
		return "", Invalid("kind", "Rule kind %q is unknown: use dispatch, mail, evaluation or followup.", s)
	}
	return k, nil
}

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
	// Mail is a mail rule's action (kind mail only).
	Mail *MailAction `json:"mail,omitempty"`

	// Evaluation rules (R-EVAL-3): the evaluation record type, the invitation
	// methods in priority order, message priority (fallback in that order, or
	// all at once) and mandatory evaluation.
	EvalType        string       `json:"eval_type,omitempty"`
	EvalInvites     []EvalInvite `json:"eval_invites,omitempty"`
	MessagePriority bool         `json:"message_priority,omitempty"`
	Mandatory       bool         `json:"mandatory,omitempty"`

	// Follow-up rules (R-FU-3, R-FU-4): EvalType is the follow-up form's
	// record type; the people are named staff or a team that rotates.
	FollowUpStaff []string `json:"followup_staff,omitempty"`
	FollowUpTeam  string   `json:"followup_team,omitempty"`
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
	// Steps is how far the pointer moves: one, plus the unavailable engineers
	// it passed over.
	Steps int
	// Skipped counts the rules tried before (and instead of) a match.
	Skipped int
	// Tried says why each rule failed; it is filled only when no rule matched
	// (explaining costs far more than matching), for at most explainMax rules.
	Tried []RuleTrial
	index int // Rule's place in its set, for Advance
}

// explainMax is how many failed rules a manual-queue decision explains.
const explainMax = 10

// Decide runs rules (already in priority order) against env: the first enabled
// rule whose condition matches assigns (R-DISP-1); with none, the work order goes
// to the manual queue (R-DISP-2) and Tried says why the first rules failed. load
// gives an engineer's open work orders, for least-loaded pools. To decide many
// work orders against the same rules, build a RuleSet once.
func Decide(rules []CompiledRule, env *RuleEnv, load func(ID) int) Decision {
	return NewRuleSet(rules).Decide(env, load, nil)
}

// RuleSet is rules in priority order with an index on their equality tests: a
// rule whose condition requires, say, region == "East" is only tried for work
// orders in the East. With hundreds of rules most are never looked at. A RuleSet
// is not safe for concurrent use.
type RuleSet struct {
	rules   []CompiledRule // shared, read only
	always  []int32        // enabled rules without an indexable test
	indexes []fieldIndex
	next    []int    // the round-robin pointers, by rule: the set's own (-1: not read yet)
	scratch []uint64 // a bit per rule: the candidates of one Decide
	// pointer reads a rule's pointer when a decision first needs it
	// (WithPointerSource); err is the first error it returned.
	pointer func(ID) (int, bool, error)
	err     error
}

type fieldIndex struct {
	get     func(*RuleEnv) string
	byValue map[string][]int32
}

// NewRuleSet indexes rules (already in priority order). Disabled rules and rules
// without engineers are never candidates.
func NewRuleSet(rules []CompiledRule) *RuleSet {
	rs := &RuleSet{rules: rules, next: make([]int, len(rules))}
	for i := range rules {
		rs.next[i] = rules[i].Next
	}
	byField := map[string]int{}
	for i := range rules {
		r := &rules[i]
		if !r.Enabled || len(r.Engineers) == 0 {
			continue
		}
		if len(r.Cond.filters) == 0 {
			rs.always = append(rs.always, int32(i))
			continue
		}
		f := &r.Cond.filters[0]
		k, ok := byField[f.field]
		if !ok {
			k = len(rs.indexes)
			byField[f.field] = k
			rs.indexes = append(rs.indexes, fieldIndex{get: f.get, byValue: map[string][]int32{}})
		}
		for _, v := range f.values {
			rs.indexes[k].byValue[v] = append(rs.indexes[k].byValue[v], int32(i))
		}
	}
	return rs
}

// Rules returns the rules in priority order.
func (rs *RuleSet) Rules() []CompiledRule { return rs.rules }

// WithPointerSource is rs with round-robin pointers of its own, each read
// with pointer (the rule's own Next when it says none) the first time a
// decision needs it: a create reads the pointer of the one rule that assigns
// it, not every pointer of every rule (with 500 round-robin rules in use,
// reading them all cost a create 55 µs).
//
// A nil pointer leaves every rule's own Next: a set of its own for matching
// on another goroutine (Match uses a set's scratch space).
func (rs *RuleSet) WithPointerSource(pointer func(ID) (next int, ok bool, err error)) *RuleSet {
	next := make([]int, len(rs.rules))
	for i := range next {
		next[i] = -1
	}
	return &RuleSet{rules: rs.rules, always: rs.always, indexes: rs.indexes, next: next, pointer: pointer}
}

// Err is the first error reading a pointer returned (WithPointerSource): a
// decision made after it may have used the rule's own pointer instead.
func (rs *RuleSet) Err() error { return rs.err }

// pointerAt is rule i's round-robin pointer, read when first needed.
func (rs *RuleSet) pointerAt(i int) int {
	if rs.next[i] >= 0 {
		return rs.next[i]
	}
	r := &rs.rules[i]
	n := r.Next
	if rs.pointer != nil {
		p, ok, err := rs.pointer(r.ID)
		switch {
		case err != nil:
			if rs.err == nil {
				rs.err = err
			}
		case ok && len(r.Engineers) > 0:
			n = p % len(r.Engineers)
		}
	}
	rs.next[i] = n
	return n
}

// Advance moves the round-robin pointer of d's rule on by d.Steps and
// returns where it now points.
func (rs *RuleSet) Advance(d Decision) int {
	i := d.index
	rs.next[i] = (rs.pointerAt(i) + d.Steps) % len(rs.rules[i].Engineers)
	return rs.next[i]
}

// Decide is Decide over the rule set.
//
// available, when set, says whether an engineer can take work (not disabled,
// nor their provider): a rule passes over the others in its pool, and a rule
// whose whole pool is unavailable does not assign.
func (rs *RuleSet) Decide(env *RuleEnv, load func(ID) int, available func(ID) bool) Decision {
	for w, bitsLeft := range rs.candidates(env) {
		for bitsLeft != 0 {
			i := w*64 + bits.TrailingZeros64(bitsLeft)
			bitsLeft &= bitsLeft - 1
			if ok, err := rs.rules[i].Cond.Match(env); err != nil || !ok {
				continue
			}
			if d, ok := rs.pick(i, load, available); ok {
				return d
			}
		}
	}
	return rs.noRule(env)
}

// Match is the half of Decide that reads only the work order and the rules:
// the indexes of the rules whose conditions env meets, in priority order,
// appended to into — up to the first whose pool has an engineer available
// (later ones would never be picked). A dispatch run matches the next batch
// on another goroutine while the current one is written (issue 19); Pick
// then chooses, with the loads and pointers of the transaction that assigns.
// With the same rules and availability, Pick(Match) decides as Decide does.
func (rs *RuleSet) Match(env *RuleEnv, into []int32, available func(ID) bool) []int32 {
	for w, bitsLeft := range rs.candidates(env) {
		for bitsLeft != 0 {
			i := w*64 + bits.TrailingZeros64(bitsLeft)
			bitsLeft &= bitsLeft - 1
			r := &rs.rules[i]
			if ok, err := r.Cond.Match(env); err != nil || !ok {
				continue
			}
			into = append(into, int32(i))
			if available == nil || slices.ContainsFunc(r.Engineers, available) {
				return into
			}
		}
	}
	return into
}

// Pick is Decide over the rules matched (Match's answer for env, over a set
// with the same rules).
func (rs *RuleSet) Pick(matched []int32, env *RuleEnv, load func(ID) int, available func(ID) bool) Decision {
	for _, i := range matched {
		if d, ok := rs.pick(int(i), load, available); ok {
			return d
		}
	}
	return rs.noRule(env)
}

// candidates are the rules worth trying for env, in priority order: one bit
// per rule, set for the rules without an indexed test and for those whose
// test the work order passes.
func (rs *RuleSet) candidates(env *RuleEnv) []uint64 {
	cand := rs.scratch
	if words := (len(rs.rules) + 63) / 64; len(cand) != words {
		cand = make([]uint64, words)
		rs.scratch = cand
	} else {
		clear(cand)
	}
	for _, i := range rs.always {
		cand[i/64] |= 1 << (i % 64)
	}
	for k := range rs.indexes {
		for _, i := range rs.indexes[k].byValue[rs.indexes[k].get(env)] {
			cand[i/64] |= 1 << (i % 64)
		}
	}
	return cand
}

// pick is the decision of rule i, which matched, if its pool has an engineer.
func (rs *RuleSet) pick(i int, load func(ID) int, available func(ID) bool) (Decision, bool) {
	r := &rs.rules[i]
	next := 0
	if r.Policy == PolicyRoundRobin {
		next = rs.pointerAt(i)
	}
	eng, steps, ok := pickEngineer(r, next, load, available)
	if !ok {
		return Decision{}, false
	}
	return Decision{Rule: r, Skipped: i, Engineer: eng, Advance: steps > 0, Steps: steps, index: i}, true
}

// noRule is the decision when no rule assigns: the manual queue, with why
// the first rules did not.
func (rs *RuleSet) noRule(env *RuleEnv) Decision {
	d := Decision{Skipped: len(rs.rules)}
	for i := range rs.rules[:min(explainMax, len(rs.rules))] {
		d.Tried = append(d.Tried, Explain(&rs.rules[i], env))
	}
	return d
}

// pickEngineer chooses the engineer of r's pool by its policy among the available
// ones, a round-robin pool from next on; steps is how far its pointer moves
// (past the unavailable).
func pickEngineer(r *CompiledRule, next int, load func(ID) int, available func(ID) bool) (eng ID, steps int, ok bool) {
	can := func(id ID) bool { return available == nil || available(id) }
	n := len(r.Engineers)
	switch r.Policy {
	case PolicyRoundRobin:
		for k := range n {
			if e := r.Engineers[(next+k)%n]; can(e) {
				return e, k + 1, true
			}
		}
		return 0, 0, false
	case PolicyLeastLoaded:
		bestLoad := 0
		for _, e := range r.Engineers {
			if !can(e) {
				continue
			}
			if l := load(e); !ok || l < bestLoad {
				eng, bestLoad, ok = e, l, true
			}
		}
		return eng, 0, ok
	}
	for _, e := range r.Engineers {
		if can(e) {
			return e, 0, true
		}
	}
	return 0, 0, false
}

// Explain says why rule r does not assign a work order with env.
func Explain(r *CompiledRule, env *RuleEnv) RuleTrial {
	t := RuleTrial{RuleID: r.ID, Name: r.Name}
	switch ok, err := r.Cond.Match(env); {
	case !r.Enabled:
		t.Reason = "disabled"
	case len(r.Engineers) == 0:
		t.Reason = "has no engineers"
	case err != nil:
		t.Reason = err.Error()
	case ok:
		t.Reason = "matches"
	default:
		t.Reason = r.Cond.Explain(env)
	}
	return t
}

// ManualReason summarises why no rule matched, for the history and the board.
func (d Decision) ManualReason() string {
	if d.Skipped == 0 {
		return "no automatic dispatch rules are configured: waiting in the manual queue"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "no automatic dispatch rule matched (%d tried): ", d.Skipped)
	for i, t := range d.Tried {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "#%d %s: %s", t.RuleID, t.Name, t.Reason)
	}
	if more := d.Skipped - len(d.Tried); more > 0 {
		fmt.Fprintf(&b, "; and %d more (see `switchboard rule test`)", more)
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
