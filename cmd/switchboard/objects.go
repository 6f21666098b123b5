package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"switchboard/core"
)

// objectCmd is the object types a terminal task may let customers create.
func objectCmd(a *app) *cobra.Command {
	var name, label string
	var fields []string
	var addJSON bool
	add := &cobra.Command{
		Use:   "add --name N [--label L] --field KEY:LABEL[:required]…",
		Short: "Define (or redefine) an object type customers may create on a terminal task (admins)",
		Long: `Define a small object type — a name and up to 12 fields — that a terminal-task
node lets the customer create (seed 000: "create associated objects", e.g. a
payment fee). Then choose it in the node's settings (Process section, or the
process JSON: "create": {"object": "payment"}). What the customer types is kept
with the work order and shown to staff.`,
		Example: `  switchboard object add --name payment --label "Payment fee" --field amount:Amount:required --field method:Method`,
		Args:    noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			t := core.ObjectType{Name: name, Label: label}
			for _, f := range fields {
				parts := strings.SplitN(f, ":", 3)
				of := core.ObjectField{Key: parts[0]}
				if len(parts) > 1 {
					of.Label = parts[1]
				}
				if len(parts) > 2 {
					if !strings.EqualFold(parts[2], "required") {
						return core.Invalid("fields", "--field %q: the third part is required or nothing.", f)
					}
					of.Required = true
				}
				t.Fields = append(t.Fields, of)
			}
			if err := a.open(); err != nil {
				return err
			}
			got, err := a.svc.SaveObjectType(a.actor, t)
			if err != nil {
				return err
			}
			if addJSON {
				return writeJSON(a.stdout, got)
			}
			_, err = fmt.Fprintf(a.stdout, "Object type %s (%s) saved with %d field(s).\n", got.Name, got.Label, len(got.Fields))
			return err
		}),
	}
	f := add.Flags()
	f.StringVar(&name, "name", "", "the type's `NAME` (lower case, e.g. payment)")
	f.StringVar(&label, "label", "", "what customers and staff read, e.g. \"Payment fee\"")
	f.StringArrayVar(&fields, "field", nil, "a field as `KEY:LABEL[:required]` (repeat)")
	f.BoolVar(&addJSON, "json", false, "print JSON")
	_ = add.MarkFlagRequired("name")

	var listJSON bool
	list := &cobra.Command{
		Use:   "list [--json]",
		Short: "List the object types",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			ts, err := a.svc.ObjectTypes()
			if err != nil {
				return err
			}
			if listJSON {
				return writeJSON(a.stdout, nonNil(ts))
			}
			if len(ts) == 0 {
				_, err := fmt.Fprintln(a.stdout, "No object types yet (a terminal task can always register a device): `switchboard object add --name payment --field amount:Amount:required`.")
				return err
			}
			t := &table{head: []string{"NAME", "LABEL", "FIELDS"}}
			for _, o := range ts {
				var fs []string
				for _, f := range o.Fields {
					s := f.Key + " (" + f.Label + ")"
					if f.Required {
						s += "*"
					}
					fs = append(fs, s)
				}
				t.add(o.Name, o.Label, strings.Join(fs, ", "))
			}
			return t.write(a.stdout)
		}),
	}
	list.Flags().BoolVar(&listJSON, "json", false, "print JSON")

	rm := &cobra.Command{
		Use:   "rm NAME",
		Short: "Remove an object type no process uses (admins)",
		Args:  exactArgs("NAME"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			if err := a.svc.RemoveObjectType(a.actor, args[0]); err != nil {
				return err
			}
			_, err := fmt.Fprintf(a.stdout, "Object type %s removed.\n", args[0])
			return err
		}),
	}
	return group("object", "Object types customers may create on a terminal task (besides a device)", add, list, rm)
}
