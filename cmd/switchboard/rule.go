package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"switchboard/core"
)

// parseIDs reads "3" or "3,4,5" into ids.
func parseIDs(field, s string) ([]core.ID, error) {
	var out []core.ID
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		id, err := core.ParseID(field, part)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

func parseKind(s string) (core.RuleKind, error) {
	k, err := core.ParseRuleKind(s)
	if err != nil {
		return "", core.Invalid("kind", "Rule kind %q is unknown: use --kind dispatch, --kind mail, --kind evaluation or --kind followup.", s)
	}
	return k, nil
}

func ruleCmd(a *app) *cobra.Command {
	var in core.NewRule
	var kind, engineers, policy, via, ruleType, staff string
	var mailAction core.MailAction
	var mailPriority string
	add := &cobra.Command{
		Use:   "add --kind dispatch|mail|evaluation|followup --name N --when EXPR (--engineer ID[,ID…] [--policy P] | [--type T] [--priority P] [--region R] | --type T --via M[,M…] [--message-priority] [--mandatory]) [--disabled]",
		Short: "Add a rule at the lowest priority (dispatchers and admins); prints JSON with id and priority",
		Long: `Add a rule at the lowest priority of its kind (R-DISP-1, R-DISP-6, R-IN-5).

Dispatch rules: the condition (--when) is an expression over the work-order JSON
keys in the syntax of expr-lang/expr; it is compiled and type-checked now, and a
bad one is refused with its position and reason. Fields: ` + strings.Join(core.RuleFields(), ", ") + `.
--engineer takes one engineer, or a pool of engineers of one provider with
--policy fixed (the first), round-robin (the next-up pointer moves on each time)
or least-loaded (the fewest open work orders).

Mail rules decide what a received email becomes: the first enabled rule whose
condition matches sets --type, --priority and --region of the new work order
(unset ones keep Repair, normal and the contact's region). Fields: ` + strings.Join(core.MailFields(), ", ") + `
(to and cc are lists: "support@example.com" in to).

Evaluation rules (--kind evaluation, R-EVAL-3) decide, at an evaluation node set to
rule-based matching, how a work order is evaluated: --type the evaluation record
type, --via the invitation methods in order (qr: the engineer shows the QR code;
wechat, sms, email: a personal #URL# link sent automatically), --message-priority
to try those channels in order until one delivers (otherwise all at once), and
--mandatory to hold the work order at the node until an evaluation arrives.

Follow-up rules (--kind followup, R-FU-3) decide, at a follow-up node set to
rule-based, who calls the customer and with which form: --type the evaluation
record type whose layout is the follow-up form, and the people: --staff
LOGIN[,LOGIN] (the first one present gets the task) or --team NAME (rotation
among a fixed team; see switchboard followup team).`,
		Example: `  switchboard rule add --kind dispatch --name "East repairs" --when 'record_type == "Repair" && region in ["East", "North"]' --engineer 3
  switchboard rule add --kind dispatch --name "Lifts" --when 'subject contains "电梯"' --engineer 4,5,6 --policy round-robin
  switchboard rule add --kind mail --name "VIP" --when 'from_domain == "bigcustomer.com"' --priority urgent --region East
  switchboard rule add --kind mail --name "Installs" --when 'subject contains "安装" || body contains "install"' --type Installation
  switchboard rule add --kind evaluation --name "VIP" --when 'account_name == "Northwind"' --type Detailed --via qr,wechat,sms --message-priority --mandatory
  switchboard rule add --kind followup --name "Maintenance survey" --when 'record_type == "Maintenance"' --type Detailed --team East`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			k, err := parseKind(kind)
			if err != nil {
				return err
			}
			if err := kindFlags(cmd, k); err != nil {
				return err
			}
			ids, err := parseIDs("engineer", engineers)
			if err != nil {
				return err
			}
			switch k {
			case core.RuleMail:
				mailAction.RecordType = ruleType
				mailAction.Priority = core.Priority(mailPriority)
				in.Mail = &mailAction
			case core.RuleEvaluation:
				in.EvalType = ruleType
				if in.EvalInvites, err = core.ParseEvalInvites(via); err != nil {
					return err
				}
			case core.RuleFollowUp:
				in.EvalType = ruleType
				in.FollowUpStaff = splitList(staff)
			}
			in.Kind, in.Engineers = k, ids
			if k == core.RuleDispatch {
				in.Policy = core.PoolPolicy(strings.ToLower(policy))
			}
			if err := a.open(); err != nil {
				return err
			}
			r, err := a.svc.AddRule(a.actor, in)
			if err != nil {
				return err
			}
			a.log.Info("rule added", "id", r.ID, "by", a.actor.Label())
			return writeJSON(a.stdout, r)
		}),
	}
	f := add.Flags()
	f.StringVar(&kind, "kind", "dispatch", "rule `KIND`: dispatch, mail, evaluation or followup")
	f.StringVar(&in.Name, "name", "", "the rule's name (required)")
	f.StringVar(&in.When, "when", "", "the condition `EXPR`, e.g. region == \"East\" (required)")
	f.StringVar(&engineers, "engineer", "", "dispatch: target engineer `ID`, or a pool ID,ID,… of one provider (required)")
	f.StringVar(&policy, "policy", "fixed", "dispatch: how a pool chooses: fixed, round-robin or least-loaded")
	f.StringVar(&ruleType, "type", "", "mail: the work order's record `TYPE`; evaluation: the evaluation record type (default Standard)")
	f.StringVar(&mailPriority, "priority", "", "mail: the `PRIORITY` the work order gets")
	f.StringVar(&mailAction.Region, "region", "", "mail: the `REGION` the work order gets")
	f.StringVar(&via, "via", "", "evaluation: invitation `METHODS` in order: qr, wechat, sms, email (required)")
	f.BoolVar(&in.MessagePriority, "message-priority", false, "evaluation: try the channels in order until one delivers (default: all at once)")
	f.BoolVar(&in.Mandatory, "mandatory", false, "evaluation: the work order waits at the node until an evaluation is submitted")
	f.StringVar(&staff, "staff", "", "followup: follow-up staff `LOGINS`, comma-separated (the first present gets the task)")
	f.StringVar(&in.FollowUpTeam, "team", "", "followup: the `TEAM` whose members take turns (rotation)")
	f.BoolVar(&in.Disabled, "disabled", false, "save the rule switched off")
	for _, n := range []string{"name", "when"} {
		_ = add.MarkFlagRequired(n)
	}

	var listKind string
	var asJSON bool
	list := &cobra.Command{
		Use:   "list --kind KIND [--json]",
		Short: "List rules in priority order (the first is tried first)",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			k, err := parseKind(listKind)
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			rs, err := a.svc.Rules(k)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, nonNil(rs))
			}
			switch k {
			case core.RuleMail:
				return writeMailRules(a.stdout, rs)
			case core.RuleEvaluation:
				return writeEvaluationRules(a.stdout, rs)
			case core.RuleFollowUp:
				return writeFollowUpRules(a.stdout, rs)
			}
			d, err := a.svc.Directory()
			if err != nil {
				return err
			}
			names := map[core.ID]string{}
			for _, e := range d.Engineers {
				names[e.ID] = e.Name
			}
			t := &table{head: []string{"POS", "ID", "NAME", "ON", "WHEN", "ENGINEERS", "POLICY", "NEXT UP"}}
			for _, r := range rs {
				var es []string
				for _, id := range r.Engineers {
					es = append(es, fmt.Sprintf("%s (%d)", names[id], id))
				}
				on := "yes"
				if !r.Enabled {
					on = "no"
				}
				next := "—"
				if r.Policy == core.PolicyRoundRobin {
					next = names[r.NextUp()]
				}
				t.add(strconv.Itoa(r.Priority), fmt.Sprint(r.ID), r.Name, on, r.When, strings.Join(es, ", "), string(r.Policy), next)
			}
			if len(rs) == 0 {
				fmt.Fprintln(a.stdout, "No dispatch rules yet: every new work order waits in the manual queue. Add one with `switchboard rule add`.")
				return nil
			}
			return t.write(a.stdout)
		}),
	}
	list.Flags().StringVar(&listKind, "kind", "dispatch", "rule `KIND`: dispatch, mail, evaluation or followup")
	list.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of rules")

	var to int
	var moveJSON bool
	move := &cobra.Command{
		Use:     "move ID --to POS",
		Short:   "Move a rule to position POS (1 is tried first) and renumber the others",
		Example: `  switchboard rule move 7 --to 1`,
		Args:    exactArgs("ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := core.ParseID("rule", args[0])
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("to") {
				return usagef("rule move needs --to POS.")
			}
			if err := a.open(); err != nil {
				return err
			}
			rs, err := a.svc.MoveRule(a.actor, id, to)
			if err != nil {
				return err
			}
			a.log.Info("rule moved", "id", id, "to", to, "by", a.actor.Label())
			if moveJSON {
				return writeJSON(a.stdout, rs)
			}
			fmt.Fprintf(a.stdout, "Rule %d is now at position %d of %d.\n", id, to, len(rs))
			return nil
		}),
	}
	move.Flags().IntVar(&to, "to", 0, "the new position `POS` (1 is tried first)")
	move.Flags().BoolVar(&moveJSON, "json", false, "print the rules in their new order as JSON")

	var testJSON bool
	test := &cobra.Command{
		Use:   "test ID NUMBER|MAIL-ID [--json]",
		Short: "Say whether rule ID matches work order NUMBER (a mail rule: received mail MAIL-ID), and why",
		Args:  exactArgs("ID", "NUMBER|MAIL-ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := core.ParseID("rule", args[0])
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			res, err := a.svc.TestRule(id, args[1])
			if err != nil {
				return err
			}
			if testJSON {
				return writeJSON(a.stdout, res)
			}
			verdict := "does not match"
			if res.Matches {
				verdict = "matches"
			}
			fmt.Fprintf(a.stdout, "Rule %d %s %s: %s.\n", id, verdict, res.Number, res.Reason)
			if res.Engineer != 0 {
				fmt.Fprintf(a.stdout, "It would assign engineer %d.\n", res.Engineer)
			}
			return nil
		}),
	}
	test.Flags().BoolVar(&testJSON, "json", false, "print the verdict as JSON")

	toggle := func(use, short string, on bool) *cobra.Command {
		return &cobra.Command{
			Use: use + " ID", Short: short, Args: exactArgs("ID"),
			RunE: runE(func(cmd *cobra.Command, args []string) error {
				id, err := core.ParseID("rule", args[0])
				if err != nil {
					return err
				}
				if err := a.open(); err != nil {
					return err
				}
				r, err := a.svc.UpdateRule(a.actor, id, core.RulePatch{Enabled: &on})
				if err != nil {
					return err
				}
				a.log.Info("rule "+use+"d", "id", id, "by", a.actor.Label())
				return writeJSON(a.stdout, r)
			}),
		}
	}
	del := &cobra.Command{
		Use: "delete ID", Short: "Delete a rule and close the gap in the order", Args: exactArgs("ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := core.ParseID("rule", args[0])
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			if err := a.svc.DeleteRule(a.actor, id); err != nil {
				return err
			}
			a.log.Info("rule deleted", "id", id, "by", a.actor.Label())
			fmt.Fprintf(a.stdout, "Rule %d deleted.\n", id)
			return nil
		}),
	}
	var nextEng string
	next := &cobra.Command{
		Use:   "next ID [--engineer ENGINEER]",
		Short: "Move a round-robin rule's next-up pointer: to --engineer, or on to the following engineer of its pool",
		Args:  exactArgs("ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := core.ParseID("rule", args[0])
			if err != nil {
				return err
			}
			var eng core.ID
			if cmd.Flags().Changed("engineer") {
				if eng, err = core.ParseID("engineer", nextEng); err != nil {
					return err
				}
			}
			if err := a.open(); err != nil {
				return err
			}
			r, err := a.svc.MoveRulePointer(a.actor, id, eng)
			if err != nil {
				return err
			}
			a.log.Info("rule pointer moved", "id", id, "next", r.NextUp(), "by", a.actor.Label())
			fmt.Fprintf(a.stdout, "Rule %d %q: engineer %d is next up.\n", r.ID, r.Name, r.NextUp())
			return nil
		}),
	}
	next.Flags().StringVar(&nextEng, "engineer", "", "the `ENGINEER` id to be next up (one of the pool)")
	return group("rule", "Dispatch, mail and evaluation rules in priority order: add, list, move, test, next, enable, disable, delete",
		add, list, move, test, next, toggle("enable", "Switch a rule on", true), toggle("disable", "Switch a rule off (it is skipped)", false), del)
}

func dispatchCmd(a *app) *cobra.Command {
	var runJSON bool
	run := &cobra.Command{
		Use:   "run [--json]",
		Short: "Run automatic dispatch over the work orders waiting at the dispatch node",
		Long: `Try the dispatch rules, in priority order, on every work order waiting at the
dispatch node, oldest first (R-DISP-1). The first matching rule assigns; the others
stay in the manual queue with the reason no rule matched (R-DISP-2).`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			throughputGC()
			res, err := a.svc.RunDispatch(a.actor)
			if err != nil {
				return err
			}
			a.log.Info("dispatch run", "assigned", res.Assigned, "manual", res.Manual, "by", a.actor.Label())
			if runJSON {
				return writeJSON(a.stdout, res)
			}
			fmt.Fprintf(a.stdout, "Assigned %s; %s wait in the manual queue.\n", thousands(res.Assigned), thousands(res.Manual))
			return nil
		}),
	}
	run.Flags().BoolVar(&runJSON, "json", false, `print {"assigned":N,"manual":M}`)

	var engineer string
	var version uint64
	var assignJSON, reassign bool
	assignC := &cobra.Command{
		Use:   "assign NUMBER --engineer ID [--version V] [--reassign] [--json]",
		Short: "Assign a work order by hand (dispatchers and admins)",
		Long: `Assign a work order to an engineer by hand (R-DISP-2): assign_user is you and
assign_way__c is manual; the provider follows from the engineer (R-WO-2). A work
order that already has an engineer is refused, saying who gave it to whom and
when — of several dispatchers assigning it at once exactly one wins — unless you
give --reassign (or the --version you read): then it is re-assigned, keeping the
previous assignment in its history. With --version, the assignment is refused if
someone changed the work order since you read that version, and you are told who.`,
		Example: `  switchboard --as dora dispatch assign WO-000042 --engineer 7
  switchboard --as dora dispatch assign WO-000042 --engineer 9 --reassign`,
		Args: exactArgs("NUMBER"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := core.ParseID("engineer", engineer)
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			assign := a.svc.AssignWorkOrder
			if reassign {
				assign = a.svc.ReassignWorkOrder
			}
			w, err := assign(a.actor, args[0], version, id)
			if err != nil {
				return err
			}
			a.log.Info("work order assigned", "number", w.Number, "engineer", id, "by", a.actor.Label())
			if assignJSON {
				return writeJSON(a.stdout, w)
			}
			fmt.Fprintf(a.stdout, "%s assigned to %s (%s).\n", w.Number, w.EngineerName, w.FieldDownstreamOuterTenantName)
			return nil
		}),
	}
	assignC.Flags().StringVar(&engineer, "engineer", "", "the engineer's `ID` (required)")
	assignC.Flags().Uint64Var(&version, "version", 0, "the version `V` you read; refuse if it changed since")
	assignC.Flags().BoolVar(&assignJSON, "json", false, "print the work order as JSON")
	assignC.Flags().BoolVar(&reassign, "reassign", false, "take it from the engineer who has it")
	_ = assignC.MarkFlagRequired("engineer")

	var limit int
	var whatJSON, onlyChanged bool
	var draftFile string
	whatif := &cobra.Command{
		Use:   "what-if [--rules FILE] [--changed] [--limit N] [--json]",
		Short: "Show where automatic dispatch would send the waiting work orders, writing nothing",
		Long: `Show where automatic dispatch would send the waiting work orders now, writing
nothing. With --rules FILE, try a draft rule set before saving it: FILE is a
JSON array of dispatch rules in priority order, as ` + "`rule list --kind dispatch --json`" + `
prints them (edit, add or drop rules; a new rule needs no id) — each work order
is shown with where it goes now and where it would go with the draft.`,
		Example: `  switchboard dispatch what-if
  switchboard rule list --kind dispatch --json > draft.json   # then edit draft.json
  switchboard dispatch what-if --rules draft.json --changed`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			if draftFile != "" {
				return whatIfDraft(a, draftFile, limit, onlyChanged, whatJSON)
			}
			ps, err := a.svc.WhatIfDispatch(limit)
			if err != nil {
				return err
			}
			if whatJSON {
				return writeJSON(a.stdout, nonNil(ps))
			}
			t := &table{head: []string{"NUMBER", "SUBJECT", "RULE", "ENGINEER", "OR WHY NOT"}}
			for _, p := range ps {
				rule := "—"
				if p.RuleID != 0 {
					rule = fmt.Sprintf("#%d %s", p.RuleID, p.RuleName)
				}
				t.add(p.Number, p.Subject, rule, dash(p.EngineerName), dash(p.Reason))
			}
			return t.write(a.stdout)
		}),
	}
	whatif.Flags().IntVar(&limit, "limit", 50, "at most N work orders, oldest first (0: all)")
	whatif.Flags().BoolVar(&whatJSON, "json", false, "print a JSON array of proposals")
	whatif.Flags().StringVar(&draftFile, "rules", "", "a draft rule set (JSON `FILE`) to try against the saved one")
	whatif.Flags().BoolVar(&onlyChanged, "changed", false, "with --rules: only the work orders the draft sends elsewhere")

	var recordType string
	auto := &cobra.Command{
		Use:   "auto on|off --type T",
		Short: "Switch the dispatch node's automatic rules on or off for a record type (admins; R-DISP-3)",
		Args:  exactArgs("on|off"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			var on bool
			switch strings.ToLower(args[0]) {
			case "on":
				on = true
			case "off":
			default:
				return usagef("dispatch auto takes on or off, not %q.", args[0])
			}
			if err := a.open(); err != nil {
				return err
			}
			if err := a.svc.SetAutoDispatch(a.actor, recordType, on); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Automatic dispatch for %s work orders is %s.\n", recordType, args[0])
			return nil
		}),
	}
	auto.Flags().StringVar(&recordType, "type", "", "the record `TYPE`, e.g. Installation (required)")
	_ = auto.MarkFlagRequired("type")

	var tasksJSON bool
	tasks := &cobra.Command{
		Use:   "tasks ENGINEER-ID [--json]",
		Short: "An engineer's task inbox: the work orders assigned to them (R-DISP-5)",
		Args:  exactArgs("ENGINEER-ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := core.ParseID("engineer", args[0])
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			ts, err := a.svc.EngineerTasks(id)
			if err != nil {
				return err
			}
			if tasksJSON {
				return writeJSON(a.stdout, nonNil(ts))
			}
			t := &table{head: []string{"AT", "NUMBER", "SUBJECT", "WHAT"}}
			for _, x := range ts {
				t.add(when(x.At), x.Number, x.Subject, x.Detail)
			}
			return t.write(a.stdout)
		}),
	}
	tasks.Flags().BoolVar(&tasksJSON, "json", false, "print a JSON array of tasks")
	return group("dispatch", "Dispatch: run the rules, assign by hand, what-if, engineers' inboxes", run, assignC, whatif, auto, tasks)
}

// writeMailRules prints mail rules in priority order with what each sets.
func writeMailRules(w io.Writer, rs []core.Rule) error {
	if len(rs) == 0 {
		_, err := fmt.Fprintln(w, "No mail rules yet: mail becomes a normal-priority Repair work order. Add one with `switchboard rule add --kind mail`.")
		return err
	}
	t := &table{head: []string{"POS", "ID", "NAME", "ON", "WHEN", "SETS"}}
	for _, r := range rs {
		on := "yes"
		if !r.Enabled {
			on = "no"
		}
		sets := "defaults"
		if r.Mail != nil {
			sets = r.Mail.Describe()
		}
		t.add(strconv.Itoa(r.Priority), fmt.Sprint(r.ID), r.Name, on, r.When, sets)
	}
	return t.write(w)
}

// whatIfDraft is `dispatch what-if --rules FILE`: the saved rules and the
// draft side by side.
func whatIfDraft(a *app, file string, limit int, onlyChanged, asJSON bool) error {
	p, err := a.abs(file)
	if err != nil {
		return err
	}
	raw, err := readFileLimited(p, 4<<20)
	if err != nil {
		return core.Invalid("rules", "%s: %v", file, err)
	}
	var draft []core.Rule
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&draft); err != nil {
		return core.Invalid("rules", "%s is not a JSON array of rules (as `switchboard rule list --kind dispatch --json` prints): %v", file, err)
	}
	ds, err := a.svc.WhatIfDraft(limit, draft)
	if err != nil {
		return err
	}
	changed := 0
	for _, d := range ds {
		if d.Changed {
			changed++
		}
	}
	if asJSON {
		if onlyChanged {
			ds = slices.DeleteFunc(ds, func(d core.DraftProposal) bool { return !d.Changed })
		}
		return writeJSON(a.stdout, nonNil(ds))
	}
	where := func(p core.Proposal) string {
		if p.EngineerID == 0 {
			return "manual queue"
		}
		return p.EngineerName + " (" + p.RuleName + ")"
	}
	t := &table{head: []string{"", "NUMBER", "SUBJECT", "NOW", "WITH THE DRAFT"}}
	for _, d := range ds {
		if onlyChanged && !d.Changed {
			continue
		}
		mark := ""
		if d.Changed {
			mark = "*"
		}
		t.add(mark, d.Number, d.Subject, where(d.Now), where(d.Draft))
	}
	if err := t.write(a.stdout); err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.stdout, "%d of %d waiting work orders would go elsewhere with the draft (*). Nothing was saved.\n", changed, len(ds))
	return err
}
