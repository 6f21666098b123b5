package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"switchboard/core"
)

// followUpCmd is the CLI twin of the Follow-up section (R-FU-1..5, R-APP-3).
func followUpCmd(a *app) *cobra.Command {
	c := group("followup", "Service follow-up: the plug-in, the call queue, outcomes, teams and rotation, absence, the dialer",
		fuSwitchCmd(a, true), fuSwitchCmd(a, false), fuShowCmd(a), fuSetCmd(a), fuQueueCmd(a), fuNextCmd(a), fuCallCmd(a),
		fuRecordCmd(a), fuReassignCmd(a), fuTasksCmd(a), fuStartCmd(a), fuTeamCmd(a), fuRotateCmd(a), fuAbsentCmd(a), fuDialerCmd(a))
	c.Aliases = []string{"follow-up", "fu"}
	return c
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func fuSwitchCmd(a *app, on bool) *cobra.Command {
	use, short := "enable", "Switch the follow-up plug-in on: follow-up nodes make tasks (admins)"
	if !on {
		use, short = "disable", "Switch the follow-up plug-in off: follow-up nodes are passed (admins)"
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			c, err := a.svc.SetFollowUpEnabled(a.actor, on)
			if err != nil {
				return err
			}
			state := "off: work orders pass the follow-up node without tasks"
			if c.Enabled {
				state = "on: follow-up nodes make follow-up tasks"
			}
			fmt.Fprintf(a.stdout, "The follow-up plug-in is %s.\n", state)
			return nil
		}),
	}
}

// followUpState is what `followup show --json` prints.
type followUpState struct {
	Config   core.FollowUpConfig `json:"config"`
	Teams    []core.FollowUpTeam `json:"teams"`
	Absences []core.Absence      `json:"absences"`
}

func fuShowCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show [--json]",
		Short: "The plug-in's settings, the teams with their rotation pointers, and who is absent",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			var st followUpState
			var err error
			if st.Config, err = a.svc.FollowUpConfig(); err != nil {
				return err
			}
			if st.Teams, err = a.svc.FollowUpTeams(); err != nil {
				return err
			}
			if st.Absences, err = a.svc.Absences(); err != nil {
				return err
			}
			st.Teams, st.Absences = nonNil(st.Teams), nonNil(st.Absences)
			if asJSON {
				return writeJSON(a.stdout, st)
			}
			c := st.Config
			on := "off (switch it on with `switchboard followup enable`)"
			if c.Enabled {
				on = "on"
			}
			fmt.Fprintf(a.stdout, "Follow-up plug-in: %s\nSLA: tasks are due %s after they are made\nRetry: %s after no answer or a busy line; %d failed calls close a task\nDialer: %s (timeout %s)\n",
				on, c.SLA, c.RetryAfter, c.MaxAttempts, c.Dialer, c.Dialer.Timeout)
			if err := writeTeams(a.stdout, st.Teams); err != nil {
				return err
			}
			if len(st.Absences) == 0 {
				fmt.Fprintln(a.stdout, "Nobody is marked absent.")
				return nil
			}
			var names []string
			for _, x := range st.Absences {
				names = append(names, fmt.Sprintf("%s (since %s)", x.Login, when(x.Since)))
			}
			fmt.Fprintf(a.stdout, "Absent: %s\n", strings.Join(names, ", "))
			return nil
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print settings, teams and absences as JSON")
	return cmd
}

func writeTeams(w io.Writer, ts []core.FollowUpTeam) error {
	if len(ts) == 0 {
		_, err := fmt.Fprintln(w, "No follow-up teams yet: add one with `switchboard followup team add --name NAME --members LOGIN,LOGIN`.")
		return err
	}
	t := &table{head: []string{"TEAM", "LEAD", "MEMBERS (rotation order)", "NEXT UP"}}
	for _, x := range ts {
		t.add(x.Name, dash(x.Lead), strings.Join(x.Members, ", "), x.NextUp())
	}
	return t.write(w)
}

func fuSetCmd(a *app) *cobra.Command {
	var sla, retry string
	var maxAttempts int
	cmd := &cobra.Command{
		Use:     "set [--sla D] [--retry D] [--max-attempts N]",
		Short:   "Change the follow-up SLA, the retry delay and the attempt limit (admins)",
		Example: `  switchboard followup set --sla 48h --retry 3h --max-attempts 4`,
		Args:    noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			var p core.FollowUpPatch
			f := cmd.Flags()
			if !f.Changed("sla") && !f.Changed("retry") && !f.Changed("max-attempts") {
				return usagef("followup set needs --sla, --retry or --max-attempts.")
			}
			for _, x := range []struct {
				flag, v string
				dst     **core.Duration
			}{{"sla", sla, &p.SLA}, {"retry", retry, &p.RetryAfter}} {
				if f.Changed(x.flag) {
					d, err := core.ParseDuration(x.v)
					if err != nil || d <= 0 {
						return usagef("--%s wants a duration like 24h or 2d, not %q.", x.flag, x.v)
					}
					*x.dst = &d
				}
			}
			if f.Changed("max-attempts") {
				p.MaxAttempts = &maxAttempts
			}
			if err := a.open(); err != nil {
				return err
			}
			c, err := a.svc.SetFollowUpConfig(a.actor, p)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "SLA %s, retry after %s, at most %d failed calls.\n", c.SLA, c.RetryAfter, c.MaxAttempts)
			return nil
		}),
	}
	f := cmd.Flags()
	f.StringVar(&sla, "sla", "", "a new task is due this `DURATION` after it is made (e.g. 24h, 2d)")
	f.StringVar(&retry, "retry", "", "after no answer or busy, try again after this `DURATION`")
	f.IntVar(&maxAttempts, "max-attempts", 0, "failed calls (no answer, busy) that close a task unreached")
	return cmd
}

func fuQueueCmd(a *app) *cobra.Command {
	var q core.QueueQuery
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "queue [--agent LOGIN | --all] [--filter TEXT] [--offset N] [--limit N] [--json]",
		Short: "A follow-up call queue in due order, overdue first (follow-up agents; leads see others')",
		Long: `The acting agent's call queue (R-FU-5): open follow-up tasks ordered by due
time, so overdue ones come first, with the overdue count. Team leads and admins
may give --agent LOGIN for another agent's queue, or --all for every agent's
(and the unassigned tasks).`,
		Example: `  switchboard --as amy followup queue
  switchboard --as lead followup queue --all --json`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if q.Offset < 0 || q.Limit < 0 {
				return usagef("--offset and --limit take a number of tasks, 0 or more.")
			}
			if err := a.open(); err != nil {
				return err
			}
			res, err := a.svc.FollowUpQueue(a.actor, q)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, res)
			}
			if !res.Enabled {
				fmt.Fprintln(a.stdout, "Note: the follow-up plug-in is off; an admin switches it on with `switchboard followup enable`.")
			}
			whose := res.Agent + "'s queue"
			if res.All {
				whose = "every agent's queue"
			}
			fmt.Fprintf(a.stdout, "%s: %d task(s), %d overdue, %d waiting for a callback or retry\n", whose, res.Total, res.Overdue, res.Waiting)
			return writeQueue(a.stdout, res)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&q.Agent, "agent", "", "another agent's queue (team leads and admins)")
	f.BoolVar(&q.All, "all", false, "every agent's queue (team leads and admins)")
	f.StringVar(&q.Filter, "filter", "", "only tasks that mention `TEXT` (number, customer, phone, subject, agent)")
	f.IntVar(&q.Offset, "offset", 0, "skip the first `N` tasks (a page further down)")
	f.IntVar(&q.Limit, "limit", 0, "at most `N` tasks (the counts cover all; 0: all)")
	f.BoolVar(&asJSON, "json", false, "print the queue as JSON")
	return cmd
}

func writeQueue(w io.Writer, q core.FollowUpQueue) error {
	if len(q.Tasks) == 0 {
		_, err := fmt.Fprintln(w, "No open follow-up tasks.")
		return err
	}
	t := &table{head: []string{"TASK", "DUE", "", "WORK ORDER", "CUSTOMER", "PHONE", "AGENT", "ATTEMPTS", "SUBJECT"}, fitTo: 180, flex: 8}
	for _, x := range q.Tasks {
		mark := ""
		switch {
		case x.Overdue(q.Now):
			mark = "OVERDUE"
		case !x.Ready(q.Now):
			mark = "from " + x.NotBefore.Local().Format("01-02 15:04")
		}
		t.add(fmt.Sprint(x.ID), when(x.DueAt), mark, x.Number, x.Customer, dash(x.Phone), dash(x.Agent), x.AttemptsLine(time.Local), x.Subject)
	}
	return t.write(w)
}

func fuNextCmd(a *app) *cobra.Command {
	var agent string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "next [--agent LOGIN] [--json]",
		Short: "The next call: the first task of the queue that is due to be called now",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			t, err := a.svc.NextFollowUpCall(a.actor, agent)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, t)
			}
			fmt.Fprintf(a.stdout, "Task %d: call %s on %s about %s %q (due %s; attempts: %s)\n", t.ID, t.Customer, dash(t.Phone), t.Number, t.Subject, when(t.DueAt), t.AttemptsLine(time.Local))
			return nil
		}),
	}
	cmd.Flags().StringVar(&agent, "agent", "", "another agent's queue (team leads and admins)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the task as JSON")
	return cmd
}

func taskID(s string) (core.ID, error) { return core.ParseID("task", strings.TrimPrefix(s, "#")) }

func fuCallCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "call TASK [--json]",
		Short: "Dial the task's customer through the configured integration (command or webhook)",
		Args:  exactArgs("TASK"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := taskID(args[0])
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			r, err := a.svc.DialFollowUp(context.Background(), a.actor, id)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, r)
			}
			fmt.Fprintf(a.stdout, "Calling %s for task %d (%s: %s). Record the outcome with `switchboard followup record %d --outcome …`.\n", r.Phone, r.Task, r.Via, r.Detail, r.Task)
			return nil
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}

func fuRecordCmd(a *app) *cobra.Command {
	var outcome, at, note string
	var fields []string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "record TASK --outcome O [--at TIME] [--field KEY=VALUE …] [--note T]",
		Short: "Record a call's outcome: reached (with the follow-up form), no-answer, busy, wrong-number, callback",
		Long: `Record what a follow-up call came to (R-FU-5). reached saves the follow-up
form — the fields of the task's evaluation record type, given as --field
KEY=VALUE (repeat a key for several choices) — as a Service Evaluation record
linked to the work order (R-FU-2). no-answer and busy bring the task back after
the retry delay until the attempt limit closes it; wrong-number closes it;
callback brings it back at --at. See the form's fields with
switchboard evaluation type list.`,
		Example: `  switchboard followup record 12 --outcome reached --field overall=5 --field comment="Very happy"
  switchboard followup record 12 --outcome no-answer
  switchboard followup record 12 --outcome callback --at "2026-11-03 15:00"`,
		Args: exactArgs("TASK"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := taskID(args[0])
			if err != nil {
				return err
			}
			o, err := core.ParseOutcome(outcome)
			if err != nil {
				return err
			}
			r := core.CallResult{Outcome: o, Note: note}
			if len(fields) > 0 {
				r.Answers = map[string][]string{}
				for _, kv := range fields {
					k, v, ok := strings.Cut(kv, "=")
					if !ok || strings.TrimSpace(k) == "" {
						return usagef("--field wants KEY=VALUE, not %q.", kv)
					}
					k = strings.TrimSpace(k)
					r.Answers[k] = append(r.Answers[k], v)
				}
			}
			if err := a.open(); err != nil {
				return err
			}
			if at != "" {
				t, err := core.ParseCallbackTime(at, a.svc.Now(), time.Local)
				if err != nil {
					return usagef("--at wants a time like 2026-11-03 15:00, 15:00, tomorrow 9:30, +2h or RFC 3339, not %q.", at)
				}
				r.At = &t
			}
			t, err := a.svc.RecordFollowUpCall(a.actor, id, r)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, t)
			}
			switch t.Status {
			case core.FollowUpDone:
				fmt.Fprintf(a.stdout, "Task %d done: evaluation %d saved for %s.\n", t.ID, t.EvaluationID, t.Number)
			case core.FollowUpClosed:
				fmt.Fprintf(a.stdout, "Task %d closed (%s) after %d attempt(s).\n", t.ID, t.Outcome, len(t.Attempts))
			default:
				fmt.Fprintf(a.stdout, "Task %d: %s recorded; it comes back at %s.\n", t.ID, o, whenp(t.NotBefore))
			}
			return nil
		}),
	}
	f := cmd.Flags()
	f.StringVar(&outcome, "outcome", "", "reached, no-answer, busy, wrong-number or callback (required)")
	f.StringVar(&at, "at", "", "callback: the agreed `TIME` (2026-11-03 15:00, 15:00, +2h)")
	f.StringArrayVar(&fields, "field", nil, "reached: a form answer `KEY=VALUE` (repeatable)")
	f.StringVar(&note, "note", "", "a note for the history")
	f.BoolVar(&asJSON, "json", false, "print the task as JSON")
	_ = cmd.MarkFlagRequired("outcome")
	return cmd
}

func fuReassignCmd(a *app) *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "reassign TASK --to LOGIN",
		Short: "Move a task to another agent's queue (team leads and admins)",
		Args:  exactArgs("TASK"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := taskID(args[0])
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			t, err := a.svc.ReassignFollowUp(a.actor, id, to)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Task %d (%s) is now in %s's queue.\n", t.ID, t.Number, t.Agent)
			return nil
		}),
	}
	cmd.Flags().StringVar(&to, "to", "", "the agent's `LOGIN` (required)")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

func fuTasksCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "tasks NUMBER [--json]",
		Short: "A work order's follow-up tasks with every attempt",
		Args:  exactArgs("NUMBER"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			ts, err := a.svc.FollowUpTasksFor(args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, ts)
			}
			if len(ts) == 0 {
				fmt.Fprintln(a.stdout, "No follow-up tasks.")
				return nil
			}
			t := &table{head: []string{"TASK", "STATUS", "OUTCOME", "AGENT", "FORM", "DUE", "EVALUATION", "ATTEMPTS"}}
			for _, x := range ts {
				ev := "-"
				if x.EvaluationID != 0 {
					ev = fmt.Sprint(x.EvaluationID)
				}
				t.add(fmt.Sprint(x.ID), string(x.Status), dash(string(x.Outcome)), dash(x.Agent), x.Type, when(x.DueAt), ev, x.AttemptsLine(time.Local))
			}
			return t.write(a.stdout)
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the tasks as JSON")
	return cmd
}

func fuStartCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "start NUMBER",
		Short: "Run the follow-up node for a work order already waiting there without an open task (leads and admins)",
		Long: `Work orders brought in at the follow-up node (a CSV import, another system)
wait there without a call to make; start makes the node's follow-up task for
one of them now, as the node would on arrival (admins and team leads). In the
console: S on the work order.`,
		Args: exactArgs("NUMBER"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			ts, err := a.svc.StartFollowUp(a.actor, args[0])
			if err != nil {
				return err
			}
			return writeJSON(a.stdout, ts)
		}),
	}
}

func fuTeamCmd(a *app) *cobra.Command {
	var t core.FollowUpTeam
	var members string
	add := &cobra.Command{
		Use:   "add --name T --members LOGIN,LOGIN [--lead LOGIN]",
		Short: "Add a team (or replace one of that name): members in rotation order and its lead (admins)",
		Long: `A team shares follow-up tasks by rotation (R-FU-4): each new task goes to the
member the rotation pointer names, skipping those marked absent, and the pointer
moves past them. Its lead (and any admin) sees every agent's queue and may
reassign tasks. Replacing a team keeps the pointer on the same person.`,
		Example: `  switchboard followup team add --name East --members amy,bob,cai --lead amy`,
		Args:    noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			t.Members = splitList(members)
			if err := a.open(); err != nil {
				return err
			}
			saved, err := a.svc.SaveFollowUpTeam(a.actor, t)
			if err != nil {
				return err
			}
			return writeJSON(a.stdout, saved)
		}),
	}
	add.Flags().StringVar(&t.Name, "name", "", "the team's `NAME` (required)")
	add.Flags().StringVar(&members, "members", "", "follow-up agents' `LOGINS` in rotation order (required)")
	add.Flags().StringVar(&t.Lead, "lead", "", "the team lead's `LOGIN`")
	_ = add.MarkFlagRequired("name")
	_ = add.MarkFlagRequired("members")

	var asJSON bool
	list := &cobra.Command{
		Use:   "list [--json]",
		Short: "Teams with their members, leads and who is next up",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			ts, err := a.svc.FollowUpTeams()
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, nonNil(ts))
			}
			return writeTeams(a.stdout, ts)
		}),
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print the teams as JSON")

	remove := &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a team no follow-up node or rule uses (admins)",
		Args:  exactArgs("NAME"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			if err := a.svc.DeleteFollowUpTeam(a.actor, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Team %s removed.\n", args[0])
			return nil
		}),
	}
	return group("team", "Follow-up teams that share tasks by rotation", add, list, remove)
}

func fuRotateCmd(a *app) *cobra.Command {
	var team, next string
	cmd := &cobra.Command{
		Use:     "rotate --team T --next LOGIN",
		Short:   "Move a team's rotation pointer: LOGIN gets the team's next task (admins)",
		Example: `  switchboard followup rotate --team East --next bob`,
		Args:    noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			t, err := a.svc.RotateFollowUpTeam(a.actor, team, next)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Team %s: %s gets the next task (rotation %s).\n", t.Name, t.NextUp(), strings.Join(t.Members, " → "))
			return nil
		}),
	}
	cmd.Flags().StringVar(&team, "team", "", "the team's `NAME` (required)")
	cmd.Flags().StringVar(&next, "next", "", "the member's `LOGIN` who gets the next task (required)")
	_ = cmd.MarkFlagRequired("team")
	_ = cmd.MarkFlagRequired("next")
	return cmd
}

func fuAbsentCmd(a *app) *cobra.Command {
	var off bool
	cmd := &cobra.Command{
		Use:   "absent LOGIN [--off]",
		Short: "Mark a follow-up agent absent (rotation and named staff skip them), or back with --off",
		Long: `Mark a follow-up agent absent: new tasks skip them (the rotation moves to the
next member, named staff fall to the next name). Tasks already in their queue
stay; a team lead reassigns them. Admins and team leads mark anyone; an agent
may mark themselves.`,
		Args: exactArgs("LOGIN"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			if err := a.svc.SetAbsent(a.actor, args[0], !off); err != nil {
				return err
			}
			if off {
				fmt.Fprintf(a.stdout, "%s is back: new follow-up tasks reach them again.\n", args[0])
			} else {
				fmt.Fprintf(a.stdout, "%s is absent: new follow-up tasks skip them.\n", args[0])
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&off, "off", false, "clear the absence")
	return cmd
}

func fuDialerCmd(a *app) *cobra.Command {
	var d core.DialerConfig
	var timeout string
	set := &cobra.Command{
		Use:   "set (--command TEMPLATE | --webhook URL) [--timeout D]",
		Short: "Set the call integration: a softphone command or a click-to-call webhook (admins)",
		Long: `Set how the console's call action dials (R-FU-5).

--command is a command template: it is split into words like a shell would
(quotes group words) but never run by a shell; {phone} is replaced inside its
word by the customer's number as digits with a leading + (a number with any
other character than digits, +, -, spaces and parentheses is refused).
--webhook is an http(s) address that receives a POST with
{"phone": …, "task": …, "agent": …} as JSON. Both are stopped after --timeout.`,
		Example: `  switchboard followup dialer set --command 'linphonec -c "call {phone}"'
  switchboard followup dialer set --webhook https://pbx.example.com/click-to-call --timeout 5s`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if (d.Command == "") == (d.Webhook == "") {
				return usagef("followup dialer set needs --command TEMPLATE or --webhook URL (one of them).")
			}
			if timeout != "" {
				t, err := time.ParseDuration(timeout)
				if err != nil {
					return usagef("--timeout wants a duration like 10s, not %q.", timeout)
				}
				d.Timeout = core.Duration(t)
			}
			if err := a.open(); err != nil {
				return err
			}
			c, err := a.svc.SetFollowUpConfig(a.actor, core.FollowUpPatch{Dialer: &d})
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Dialer: %s (timeout %s).\n", c.Dialer, c.Dialer.Timeout)
			return nil
		}),
	}
	set.Flags().StringVar(&d.Command, "command", "", "softphone command `TEMPLATE` with {phone}")
	set.Flags().StringVar(&d.Webhook, "webhook", "", "click-to-call webhook `URL`")
	set.Flags().StringVar(&timeout, "timeout", "", "stop the command or webhook after this `DURATION` (default 10s)")
	clear := &cobra.Command{
		Use:   "clear",
		Short: "Remove the call integration: agents dial by hand (admins)",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			if _, err := a.svc.SetFollowUpConfig(a.actor, core.FollowUpPatch{Dialer: &core.DialerConfig{}}); err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, "Dialer removed: agents dial by hand.")
			return nil
		}),
	}
	return group("dialer", "The call integration the console's call action uses", set, clear)
}

// writeFollowUpRules prints follow-up rules in priority order (R-FU-3).
func writeFollowUpRules(w io.Writer, rs []core.Rule) error {
	if len(rs) == 0 {
		_, err := fmt.Fprintln(w, "No follow-up rules yet: at a follow-up node set to rule-based, work orders pass without tasks. Add one with `switchboard rule add --kind followup`.")
		return err
	}
	t := &table{head: []string{"POS", "ID", "NAME", "ON", "WHEN", "FORM", "PEOPLE"}}
	yes := map[bool]string{true: "yes", false: "no"}
	for _, r := range rs {
		t.add(strconv.Itoa(r.Priority), fmt.Sprint(r.ID), r.Name, yes[r.Enabled], r.When, r.EvalType, core.FollowUpPeople{Staff: r.FollowUpStaff, Team: r.FollowUpTeam}.String())
	}
	return t.write(w)
}
