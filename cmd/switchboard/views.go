package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// viewCmd lists and removes the acting user's saved views: the filter and sort
// of the work-order list or the board saved in the console with v and
// recalled with V or the palette (:).
func viewCmd(a *app) *cobra.Command {
	var asJSON bool
	list := &cobra.Command{
		Use:   "list [--json]",
		Short: "List your saved views (saved in the console with v)",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			vs, err := a.svc.Views(a.actor)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, nonNil(vs))
			}
			if len(vs) == 0 {
				fmt.Fprintln(a.stdout, "No saved views yet: in the console, filter or sort the work-order list or the board and press v.")
				return nil
			}
			t := &table{head: []string{"NAME", "LIST", "STATUS", "NODE", "SORT", "FILTER", "SAVED"}}
			for _, v := range vs {
				sort := v.Query.Sort
				if sort != "" && v.Query.Asc {
					sort += " (ascending)"
				}
				t.add(v.Name, v.Screen, dash(string(v.Query.Status)), dash(string(v.Query.Node)), dash(sort), dash(v.Query.Text), when(v.SavedAt))
			}
			return t.write(a.stdout)
		}),
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of {name, screen, query, saved_at}")

	rm := &cobra.Command{
		Use:   "rm NAME",
		Short: "Remove one of your saved views",
		Args:  exactArgs("NAME"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			if err := a.svc.DeleteView(a.actor, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Removed saved view %q.\n", args[0])
			return nil
		}),
	}
	return group("view", "Your saved views of the work-order list and the board", list, rm)
}
