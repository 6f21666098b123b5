package main

import (
	"strings"

	"github.com/spf13/cobra"

	"switchboard/core"
)

// roleCmd is the record types each role (and door) may create.
func roleCmd(a *app) *cobra.Command {
	var types string
	var all, asJSON bool
	cmd := &cobra.Command{
		Use:   "types [ROLE|api|email|web] [--types T,T… | --all] [--json]",
		Short: "Which work-order record types each role, the API, email and the web forms may create (admins set)",
		Long: `Work-order record types by role (seed 003: assign record types to roles). A
role or door with a list may create only those types; without one, every type;
admins always may. The doors are api (integrations), email (mail intake and its
rules) and web (the customers' forms). Enforced in the console, the CLI, the
API, mail rules and the web forms.`,
		Example: `  switchboard role types
  switchboard role types call-center --types Repair,Inspection
  switchboard role types api --all`,
		Args: cobra.MaximumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			set := cmd.Flags().Changed("types") || all
			if set && len(args) == 0 {
				return usagef("role types --types needs the ROLE (or api, email, web) to set.")
			}
			if cmd.Flags().Changed("types") && all {
				return usagef("role types takes --types or --all, not both.")
			}
			if err := a.open(); err != nil {
				return err
			}
			if set {
				var list []string
				if !all {
					list = strings.Split(types, ",")
				}
				got, err := a.svc.SetRoleRecordTypes(a.actor, args[0], list)
				if err != nil {
					return err
				}
				a.log.Info("role record types set", "role", args[0], "types", got, "by", a.actor.Label())
			}
			m, err := a.svc.RoleRecordTypes()
			if err != nil {
				return err
			}
			holders := core.TypeHolders()
			if len(args) == 1 {
				holders = []string{strings.ToLower(args[0])}
			}
			if asJSON {
				out := map[string][]string{}
				for _, h := range holders {
					out[h] = m[h]
					if out[h] == nil {
						out[h] = []string{}
					}
				}
				return writeJSON(a.stdout, out)
			}
			t := &table{head: []string{"ROLE", "MAY CREATE"}}
			t.add("admin", "every type (always)")
			for _, h := range holders {
				t.add(h, core.DescribeRoleTypes(m[h]))
			}
			return t.write(a.stdout)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&types, "types", "", "the record `TYPES` it may create, comma-separated (e.g. Repair,Inspection)")
	f.BoolVar(&all, "all", false, "let it create every type again")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return group("role", "Roles: the record types each may create", cmd)
}
