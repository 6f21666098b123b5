package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"switchboard/core"
)

func processCmd(a *app) *cobra.Command {
	return group("process", "Process nodes per record type: show, export, import (R-FLOW-1)",
		processShowCmd(a), processExportCmd(a), processImportCmd(a))
}

func processShowCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show [TYPE] [--json]",
		Short: "Show the process of every record type, or of one",
		Example: `  switchboard process show
  switchboard process show Repair --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			var ps []core.Process
			if len(args) == 1 {
				p, err := a.svc.Process(args[0])
				if err != nil {
					return err
				}
				ps = []core.Process{p}
			} else {
				var err error
				if ps, err = a.svc.Processes(); err != nil {
					return err
				}
			}
			if asJSON {
				return writeJSON(a.stdout, core.ProcessFile{Processes: ps})
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			for _, p := range ps {
				fmt.Fprintf(tw, "%s\n", p.RecordType)
				for i, n := range p.Nodes {
					fmt.Fprintf(tw, "  %d. %s\t%s\n", i+1, n.Node, core.DescribeNode(n))
				}
				fmt.Fprintf(tw, "  %d. end\tcompleted\n", len(p.Nodes)+1)
			}
			return tw.Flush()
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (the same shape process import reads)")
	return cmd
}

func processExportCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "export [FILE]",
		Short: "Write every record type's process as a JSON file (stdout without FILE)",
		Long: `Write every record type's process — its nodes in order, their timeouts,
terminal-task settings and post-actions — as indented JSON that
switchboard process import reads back. Edit it and import it to change processes.`,
		Example: `  switchboard process export processes.json
  switchboard process export > processes.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			data, err := a.svc.ExportProcesses()
			if err != nil {
				return err
			}
			if len(args) == 0 || args[0] == "-" {
				_, err = a.stdout.Write(data)
				return err
			}
			if err := a.writeFile(args[0], data, 0o644); err != nil {
				return fmt.Errorf("cannot write %s: %w", args[0], err)
			}
			fmt.Fprintf(a.stdout, "Wrote the processes of %d record types to %s.\n", strings.Count(string(data), `"record_type"`), args[0])
			return nil
		}),
	}
}

func processImportCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Replace the processes listed in a JSON file (all or nothing)",
		Long: `Read a process file (as process export writes it; "-" reads stdin) and save
every process in it. Record types the file does not list keep their process. If
anything in the file is wrong, nothing is saved and every problem is listed.

Nodes: dispatch, service, terminal-task, evaluation, follow-up (the end node
follows the last). Each node may have "timeout" ("90m", "48h", "3d") and
"post_actions"; the terminal-task node has "task" settings (mode invite|on-behalf,
processor, edit_fields, create, methods link|wechat|sms|email, auto_invite).`,
		Example: `  switchboard process export p.json && $EDITOR p.json && switchboard process import p.json`,
		Args:    exactArgs("FILE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			var data []byte
			var err error
			if args[0] == "-" {
				data, err = io.ReadAll(io.LimitReader(cmd.InOrStdin(), 1<<20))
			} else {
				data, err = a.readFile(args[0])
			}
			if err != nil {
				return core.Invalid("file", "Cannot read %s: %v.", args[0], err)
			}
			if err := a.open(); err != nil {
				return err
			}
			ps, err := a.svc.ImportProcesses(a.actor, data)
			if err != nil {
				return err
			}
			names := make([]string, len(ps))
			for i, p := range ps {
				names[i] = p.RecordType
			}
			a.log.Info("processes imported", "record_types", names, "by", a.actor.Label())
			fmt.Fprintf(a.stdout, "Saved the process of %s.\n", strings.Join(names, ", "))
			return nil
		}),
	}
}

func timersCmd(a *app) *cobra.Command {
	var asJSON, fire bool
	cmd := &cobra.Command{
		Use:   "timers [--fire] [--json]",
		Short: "List pending node timeouts; --fire completes the nodes that are due now",
		Long: `List the pending node timeouts (R-FLOW-3), earliest first. The console and
switchboard serve fire due timers by themselves every few seconds, also for
timeouts that passed while nothing was running; --fire does it once, now.`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			if fire {
				n, err := a.svc.FireDueTimers()
				if err != nil {
					return err
				}
				if !asJSON {
					fmt.Fprintf(a.stdout, "%d node(s) completed by their timeout.\n", n)
					return nil
				}
			}
			ts, err := a.svc.PendingTimers(0)
			if err != nil {
				return err
			}
			if asJSON {
				if ts == nil {
					ts = []core.Timer{}
				}
				return writeJSON(a.stdout, ts)
			}
			if len(ts) == 0 {
				fmt.Fprintln(a.stdout, "No node timeouts are pending.")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "DUE\tWORK ORDER\tNODE")
			for _, t := range ts {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", t.At.Local().Format("2006-01-02 15:04"), t.Number, t.Node)
			}
			return tw.Flush()
		}),
	}
	cmd.Flags().BoolVar(&fire, "fire", false, "complete the nodes whose timeout has passed")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// woTaskCmd is "act on their behalf" (R-TASK-1) from the command line.
func woTaskCmd(a *app) *cobra.Command {
	var fields, object []string
	var comment string
	var version uint64
	var asJSON, show bool
	cmd := &cobra.Command{
		Use:   "task NUMBER [--show] [--field KEY=VALUE …] [--object KEY=VALUE …] [--comment T]",
		Short: "Show or fill the terminal task of a work order on the customer's behalf",
		Long: `At the terminal-task node, --show prints what the node lets the customer do: the
work-order fields they may edit and the object they may create. Without --show,
fill the task on the customer's behalf (the node's "act on their behalf"): the
same checks apply as on the customer's page, and the work order moves on.`,
		Example: `  switchboard wo task WO-000042 --show
  switchboard wo task WO-000042 --field phone=13900001111 --object code=FRZ-7 --comment "by phone"`,
		Args: exactArgs("NUMBER"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			in := core.TaskInput{Comment: comment, Fields: map[string]string{}}
			for _, f := range fields {
				k, v, ok := strings.Cut(f, "=")
				if !ok {
					return usagef("--field %q is not KEY=VALUE, e.g. --field phone=13900001111", f)
				}
				in.Fields[strings.TrimSpace(k)] = v
			}
			for _, f := range object {
				k, v, ok := strings.Cut(f, "=")
				if !ok {
					return usagef("--object %q is not KEY=VALUE, e.g. --object code=FRZ-7", f)
				}
				if in.Object == nil {
					in.Object = map[string]string{}
				}
				in.Object[strings.TrimSpace(k)] = v
			}
			if err := a.open(); err != nil {
				return err
			}
			if show {
				v, ts, err := a.svc.TaskFor(args[0])
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(a.stdout, map[string]any{"task": v, "settings": ts})
				}
				fmt.Fprintf(a.stdout, "%s %s — terminal task (%s", v.Number, v.Subject, ts.Mode)
				if ts.Processor != "" {
					fmt.Fprintf(a.stdout, ", processor %s", ts.Processor)
				}
				fmt.Fprintln(a.stdout, ")")
				for _, f := range v.Fields {
					fmt.Fprintf(a.stdout, "  --field %s=%q\n", f.Key, f.Value)
				}
				for _, f := range v.ObjectFields {
					fmt.Fprintf(a.stdout, "  --object %s=…   (new %s)\n", f.Key, v.Object)
				}
				if len(ts.Methods) > 0 {
					fmt.Fprintf(a.stdout, "  invite with: switchboard invite %s --via %s\n", v.Number, strings.Join(methodNames(ts.Methods), "|"))
				}
				return nil
			}
			w, err := a.svc.CompleteTaskOnBehalf(a.actor, args[0], version, in)
			if err != nil {
				return err
			}
			a.log.Info("terminal task completed on behalf", "number", w.Number, "by", a.actor.Label())
			if asJSON {
				return writeJSON(a.stdout, w)
			}
			fmt.Fprintf(a.stdout, "%s: the terminal task is done; now at the %s node (%s).\n", w.Number, w.Node, w.Status)
			return nil
		}),
	}
	f := cmd.Flags()
	f.BoolVar(&show, "show", false, "print what the task lets the customer do, change nothing")
	f.StringArrayVar(&fields, "field", nil, "set a work-order field the node opens, `KEY=VALUE` (repeatable)")
	f.StringArrayVar(&object, "object", nil, "a field of the object the node creates, `KEY=VALUE` (repeatable)")
	f.StringVar(&comment, "comment", "", "the customer's comment, for the history")
	f.Uint64Var(&version, "version", 0, "the version `V` you read; refuse if it changed since")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func methodNames(ms []core.InviteMethod) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m)
	}
	return out
}

// startTimers fires due process timers every few seconds until the returned
// function is called (the console and serve run it; R-FLOW-3).
func (a *app) startTimers() func() {
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		a.svc.RunTimers(ctx, 5*time.Second, a.log)
	}()
	return func() { cancel(); <-stopped }
}
