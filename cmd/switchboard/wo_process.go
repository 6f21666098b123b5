package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func woAdvanceCmd(a *app) *cobra.Command {
	var note string
	var version uint64
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "advance NUMBER [--note T] [--version V] [--json]",
		Short: "Complete the work order's current process node and move it to the next",
		Long: `Complete the work order's current process node and move it to the next, as an
engineer's "Complete" does: service → terminal-task → evaluation → follow-up → end
(completed). A work order waiting at the dispatch node moves on by assignment
(switchboard dispatch assign).`,
		Example: `  switchboard wo advance WO-000042 --note "compressor replaced"`,
		Args:    exactArgs("NUMBER"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			w, err := a.svc.AdvanceWorkOrder(a.actor, args[0], version, note)
			if err != nil {
				return err
			}
			a.log.Info("work order advanced", "number", w.Number, "node", w.Node, "by", a.actor.Label())
			if asJSON {
				return writeJSON(a.stdout, w)
			}
			fmt.Fprintf(a.stdout, "%s is now at the %s node (%s).\n", w.Number, w.Node, w.Status)
			return nil
		}),
	}
	cmd.Flags().StringVar(&note, "note", "", "what was done, for the history")
	cmd.Flags().Uint64Var(&version, "version", 0, "the version `V` you read; refuse if it changed since")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the work order as JSON")
	return cmd
}

func woTerminateCmd(a *app) *cobra.Command {
	var reason string
	var version uint64
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "terminate NUMBER --reason T [--version V] [--json]",
		Short:   "Terminate an open work order, with a reason",
		Example: `  switchboard wo terminate WO-000042 --reason "customer cancelled: duplicate of WO-000041"`,
		Args:    exactArgs("NUMBER"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			w, err := a.svc.TerminateWorkOrder(a.actor, args[0], version, reason)
			if err != nil {
				return err
			}
			a.log.Info("work order terminated", "number", w.Number, "by", a.actor.Label())
			if asJSON {
				return writeJSON(a.stdout, w)
			}
			fmt.Fprintf(a.stdout, "%s is terminated.\n", w.Number)
			return nil
		}),
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why it is terminated (required)")
	cmd.Flags().Uint64Var(&version, "version", 0, "the version `V` you read; refuse if it changed since")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the work order as JSON")
	_ = cmd.MarkFlagRequired("reason")
	return cmd
}
