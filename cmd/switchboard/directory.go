package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"switchboard/core"
)

// The directory's change commands: accounts, contacts, providers, engineers
// and devices edited after they were added, and disabled or enabled. Each is
// the twin of the console's People and Devices sections.

// changed returns a pointer to v when the flag was given on the command line:
// a patch changes only what was asked.
func changed(cmd *cobra.Command, flag string, v *string) *string {
	if cmd.Flags().Changed(flag) {
		return v
	}
	return nil
}

// needPatch refuses an edit that names no field.
func needPatch(cmd *cobra.Command, flags ...string) error {
	for _, f := range flags {
		if cmd.Flags().Changed(f) {
			return nil
		}
	}
	return usagef("%s changes nothing without at least one of --%s.", commandName(cmd), strings.Join(flags, ", --"))
}

func accountCmd(a *app) *cobra.Command {
	var name, region, phone, address string
	add := &cobra.Command{
		Use:   "add --name N [--region R] [--phone P] [--address A]",
		Short: "Add a customer account; prints JSON with its id",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			acc, err := a.svc.AddAccount(a.actor, name, region)
			if err != nil {
				return err
			}
			if phone != "" || address != "" {
				if acc, err = a.svc.EditAccount(a.actor, acc.ID, core.AccountPatch{Phone: changed(cmd, "phone", &phone), Address: changed(cmd, "address", &address)}); err != nil {
					return err
				}
			}
			a.log.Info("account added", "id", acc.ID, "by", a.actor.Label())
			return writeJSON(a.stdout, acc)
		}),
	}
	af := add.Flags()
	af.StringVar(&name, "name", "", "the account's name (required)")
	af.StringVar(&region, "region", "", "its region, e.g. East (region rules match it)")
	af.StringVar(&phone, "phone", "", "switchboard phone number")
	af.StringVar(&address, "address", "", "address (prefills its work orders')")
	_ = add.MarkFlagRequired("name")

	var asJSON bool
	list := &cobra.Command{
		Use:   "list [--json]",
		Short: "List customer accounts",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			d, err := a.directory()
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, nonNil(d.Accounts))
			}
			t := &table{head: []string{"ID", "NAME", "REGION", "PHONE", "ADDRESS"}}
			for _, x := range d.Accounts {
				t.add(fmt.Sprint(x.ID), x.Name, dash(x.Region), dash(x.Phone), dash(x.Address))
			}
			return t.write(a.stdout)
		}),
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of accounts")

	var eName, eRegion, ePhone, eAddress string
	edit := &cobra.Command{
		Use:   "edit ID [--name N] [--region R] [--phone P] [--address A]",
		Short: "Change an account; prints it as JSON",
		Args:  exactArgs("ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := core.ParseID("id", args[0])
			if err != nil {
				return err
			}
			if err := needPatch(cmd, "name", "region", "phone", "address"); err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			acc, err := a.svc.EditAccount(a.actor, id, core.AccountPatch{
				Name: changed(cmd, "name", &eName), Region: changed(cmd, "region", &eRegion),
				Phone: changed(cmd, "phone", &ePhone), Address: changed(cmd, "address", &eAddress),
			})
			if err != nil {
				return err
			}
			a.log.Info("account changed", "id", acc.ID, "by", a.actor.Label())
			return writeJSON(a.stdout, acc)
		}),
	}
	ef := edit.Flags()
	ef.StringVar(&eName, "name", "", "new name")
	ef.StringVar(&eRegion, "region", "", "new region (\"\" for none)")
	ef.StringVar(&ePhone, "phone", "", "new phone number")
	ef.StringVar(&eAddress, "address", "", "new address")
	return group("account", "Customer accounts: add, list, edit", add, list, edit)
}

func contactEditCmd(a *app) *cobra.Command {
	var name, phone, email, account string
	cmd := &cobra.Command{
		Use:   "edit ID [--name N] [--phone P] [--email E] [--account NAME]",
		Short: "Change a contact; --account \"\" takes it off its account; prints it as JSON",
		Args:  exactArgs("ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := core.ParseID("id", args[0])
			if err != nil {
				return err
			}
			if err := needPatch(cmd, "name", "phone", "email", "account"); err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			c, err := a.svc.EditContact(a.actor, id, core.ContactPatch{
				Name: changed(cmd, "name", &name), Phone: changed(cmd, "phone", &phone),
				Email: changed(cmd, "email", &email), AccountName: changed(cmd, "account", &account),
			})
			if err != nil {
				return err
			}
			a.log.Info("contact changed", "id", c.ID, "by", a.actor.Label())
			return writeJSON(a.stdout, c)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "new name")
	f.StringVar(&phone, "phone", "", "new phone number")
	f.StringVar(&email, "email", "", "new email")
	f.StringVar(&account, "account", "", "the account's `NAME` (created if new)")
	return cmd
}

func contactListCmd(a *app) *cobra.Command {
	var asJSON bool
	var search string
	cmd := &cobra.Command{
		Use:   "list [--search TEXT] [--json]",
		Short: "List contacts with their accounts",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			cs, err := a.svc.Contacts()
			if err != nil {
				return err
			}
			kept := cs[:0]
			for _, c := range cs {
				if search == "" || containsFold(strings.Join([]string{c.Name, c.Phone, c.Email, c.AccountName}, " "), search) {
					kept = append(kept, c)
				}
			}
			if asJSON {
				return writeJSON(a.stdout, nonNil(kept))
			}
			t := &table{head: []string{"ID", "NAME", "ACCOUNT", "PHONE", "EMAIL", "STATE"}}
			for _, c := range kept {
				state := "enabled"
				if c.Disabled {
					state = "disabled"
				}
				t.add(fmt.Sprint(c.ID), c.Name, dash(c.AccountName), dash(c.Phone), dash(c.Email), state)
			}
			return t.write(a.stdout)
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of contacts")
	cmd.Flags().StringVar(&search, "search", "", "only contacts whose name, phone, email or account has `TEXT`")
	return cmd
}

// containsFold reports whether s has sub in it, ignoring case.
func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(strings.TrimSpace(sub)))
}

// switchCmds are "disable ID" and "enable ID" for a kind of record.
func switchCmds(a *app, what string, set func(id core.ID, disabled bool) (string, error)) []*cobra.Command {
	mk := func(verb string, disabled bool, short string) *cobra.Command {
		return &cobra.Command{
			Use:   verb + " ID",
			Short: short,
			Args:  exactArgs("ID"),
			RunE: runE(func(cmd *cobra.Command, args []string) error {
				id, err := core.ParseID("id", args[0])
				if err != nil {
					return err
				}
				if err := a.open(); err != nil {
					return err
				}
				name, err := set(id, disabled)
				if err != nil {
					return err
				}
				a.log.Info(what+" "+verb+"d", "id", id, "by", a.actor.Label())
				fmt.Fprintf(a.stdout, "%s%s %d (%s) is %sd.\n", strings.ToUpper(what[:1]), what[1:], id, name, verb)
				return nil
			}),
		}
	}
	return []*cobra.Command{
		mk("disable", true, "Disable a "+what+": it gets no new work and is not offered; what it has stays"),
		mk("enable", false, "Enable a disabled "+what+" again"),
	}
}

func contactSwitchCmds(a *app) []*cobra.Command {
	return switchCmds(a, "contact", func(id core.ID, off bool) (string, error) {
		c, err := a.svc.SetContactDisabled(a.actor, id, off)
		return c.Name, err
	})
}

func providerEditCmds(a *app) []*cobra.Command {
	var name, tenant string
	edit := &cobra.Command{
		Use:   "edit ID [--name N] [--tenant-id T]",
		Short: "Change a service provider (admins only); prints it as JSON",
		Args:  exactArgs("ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := core.ParseID("id", args[0])
			if err != nil {
				return err
			}
			if err := needPatch(cmd, "name", "tenant-id"); err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			p, err := a.svc.EditProvider(a.actor, id, core.ProviderPatch{Name: changed(cmd, "name", &name), TenantID: changed(cmd, "tenant-id", &tenant)})
			if err != nil {
				return err
			}
			a.log.Info("provider changed", "id", p.ID, "by", a.actor.Label())
			return writeJSON(a.stdout, p)
		}),
	}
	edit.Flags().StringVar(&name, "name", "", "new name")
	edit.Flags().StringVar(&tenant, "tenant-id", "", "new external tenant ID")
	return append([]*cobra.Command{edit}, switchCmds(a, "provider", func(id core.ID, off bool) (string, error) {
		p, err := a.svc.SetProviderDisabled(a.actor, id, off)
		return p.Name, err
	})...)
}

func engineerEditCmds(a *app) []*cobra.Command {
	var name, phone, email, region, provider string
	edit := &cobra.Command{
		Use:   "edit ID [--name N] [--phone P] [--email E] [--region R] [--provider ID]",
		Short: "Change an engineer (admins only); prints it as JSON",
		Args:  exactArgs("ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := core.ParseID("id", args[0])
			if err != nil {
				return err
			}
			if err := needPatch(cmd, "name", "phone", "email", "region", "provider"); err != nil {
				return err
			}
			var prov core.ID
			if cmd.Flags().Changed("provider") {
				if prov, err = core.ParseID("provider", provider); err != nil {
					return err
				}
			}
			if err := a.open(); err != nil {
				return err
			}
			e, err := a.svc.EditEngineer(a.actor, id, core.EngineerPatch{
				Name: changed(cmd, "name", &name), Phone: changed(cmd, "phone", &phone), Email: changed(cmd, "email", &email),
				Region: changed(cmd, "region", &region), ProviderID: prov,
			})
			if err != nil {
				return err
			}
			a.log.Info("engineer changed", "id", e.ID, "by", a.actor.Label())
			return writeJSON(a.stdout, e)
		}),
	}
	f := edit.Flags()
	f.StringVar(&name, "name", "", "new name")
	f.StringVar(&phone, "phone", "", "new phone number")
	f.StringVar(&email, "email", "", "new email")
	f.StringVar(&region, "region", "", "new region")
	f.StringVar(&provider, "provider", "", "move to the provider with this `ID`")
	return append([]*cobra.Command{edit}, switchCmds(a, "engineer", func(id core.ID, off bool) (string, error) {
		e, err := a.svc.SetEngineerDisabled(a.actor, id, off)
		return e.Name, err
	})...)
}

func deviceEditCmd(a *app) *cobra.Command {
	var model, account, location string
	cmd := &cobra.Command{
		Use:   "edit CODE [--model M] [--account NAME] [--location L]",
		Short: "Change a device's model, account or location; its sticker stays valid; prints JSON",
		Args:  exactArgs("CODE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := needPatch(cmd, "model", "account", "location"); err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			d, err := a.svc.EditDevice(a.actor, args[0], core.DevicePatch{
				Model: changed(cmd, "model", &model), AccountName: changed(cmd, "account", &account), Location: changed(cmd, "location", &location),
			})
			if err != nil {
				return err
			}
			a.log.Info("device changed", "code", d.Code, "by", a.actor.Label())
			return writeJSON(a.stdout, d)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&model, "model", "", "new model")
	f.StringVar(&account, "account", "", "the account's `NAME` (\"\" for none; must exist)")
	f.StringVar(&location, "location", "", "new location")
	return cmd
}
