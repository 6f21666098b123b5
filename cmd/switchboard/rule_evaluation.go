package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"switchboard/core"
)

// kindFlags refuses flags that belong to the other kind of rule, and asks for
// the ones a kind needs.
func kindFlags(cmd *cobra.Command, k core.RuleKind) error {
	f := cmd.Flags()
	own := map[core.RuleKind][]string{
		core.RuleDispatch:   {"engineer", "policy"},
		core.RuleMail:       {"type", "priority", "region"},
		core.RuleEvaluation: {"type", "via", "message-priority", "mandatory"},
		core.RuleFollowUp:   {"type", "staff", "team"},
	}
	for _, n := range []string{"engineer", "policy", "type", "priority", "region", "via", "message-priority", "mandatory", "staff", "team"} {
		if f.Changed(n) && !slices.Contains(own[k], n) {
			return usagef("--%s does not belong to a %s rule (it takes %s).", n, k, "--"+strings.Join(own[k], ", --"))
		}
	}
	switch {
	case k == core.RuleDispatch && !f.Changed("engineer"):
		return usagef("rule add --kind dispatch needs --engineer ID (list them with `switchboard engineer list`).")
	case k == core.RuleEvaluation && !f.Changed("via"):
		return usagef("rule add --kind evaluation needs --via METHODS: qr, wechat, sms or email, in order.")
	case k == core.RuleFollowUp && f.Changed("staff") == f.Changed("team"):
		return usagef("rule add --kind followup needs --staff LOGIN[,LOGIN] or --team NAME (one of them).")
	}
	return nil
}

// writeEvaluationRules prints evaluation rules in priority order (R-EVAL-3).
func writeEvaluationRules(w io.Writer, rs []core.Rule) error {
	if len(rs) == 0 {
		_, err := fmt.Fprintln(w, "No evaluation rules yet: at an evaluation node set to rule-based matching, no evaluation is asked for. Add one with `switchboard rule add --kind evaluation`.")
		return err
	}
	t := &table{head: []string{"POS", "ID", "NAME", "ON", "WHEN", "TYPE", "VIA", "PRIORITY", "MANDATORY"}}
	yes := map[bool]string{true: "yes", false: "no"}
	for _, r := range rs {
		var via []string
		for _, m := range r.EvalInvites {
			via = append(via, string(m))
		}
		prio := "all at once"
		if r.MessagePriority {
			prio = "in order"
		}
		t.add(strconv.Itoa(r.Priority), fmt.Sprint(r.ID), r.Name, yes[r.Enabled], r.When, r.EvalType, strings.Join(via, ", "), prio, yes[r.Mandatory])
	}
	return t.write(w)
}
