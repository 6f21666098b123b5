package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"switchboard/core"
)

func userCmd(a *app) *cobra.Command {
	var in core.NewUser
	var roles, engineer string
	add := &cobra.Command{
		Use:   "add --login L --name N --role R[,R] [flags]",
		Short: "Add an internal user (admins only); prints JSON with its id",
		Example: `  switchboard user add --login li.na --name 李娜 --role dispatcher
  switchboard user add --login amy --name "Amy Lee" --role call-center,follow-up`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			rs, err := core.ParseRoles(roles)
			if err != nil {
				return err
			}
			in.Roles = rs
			if engineer != "" {
				if in.EngineerID, err = core.ParseID("engineer", engineer); err != nil {
					return err
				}
			}
			if err := a.open(); err != nil {
				return err
			}
			u, err := a.svc.AddUser(a.actor, in)
			if err != nil {
				return err
			}
			a.log.Info("user added", "login", u.Login, "by", a.actor.Label())
			return writeJSON(a.stdout, u)
		}),
	}
	f := add.Flags()
	f.StringVar(&in.Login, "login", "", "login name, e.g. li.na (required)")
	f.StringVar(&in.Name, "name", "", "display name (required)")
	f.StringVar(&roles, "role", "", "roles, comma-separated: admin, dispatcher, call-center, follow-up, engineer (required)")
	f.StringVar(&in.Phone, "phone", "", "phone number")
	f.StringVar(&in.Email, "email", "", "email address")
	f.StringVar(&engineer, "engineer", "", "for an engineer user: the `ID` of their engineer record (`engineer list`), so they see their tasks and act on their work orders")
	f.StringVar(&in.OSUser, "os-user", "", "the OS user `NAME` who acts as this user in the console and CLI (see `user link`)")
	for _, n := range []string{"login", "name", "role"} {
		_ = add.MarkFlagRequired(n)
	}

	var asJSON bool
	list := &cobra.Command{
		Use:   "list [--json]",
		Short: "List internal users and their roles",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			users, err := a.svc.Users()
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, nonNil(users))
			}
			t := &table{head: []string{"LOGIN", "NAME", "ROLES", "PHONE", "EMAIL"}}
			for _, u := range users {
				rs := make([]string, len(u.Roles))
				for i, r := range u.Roles {
					rs[i] = string(r)
				}
				login := u.Login
				if u.Disabled {
					login += " (disabled)"
				}
				t.add(login, u.Name, strings.Join(rs, ","), dash(u.Phone), dash(u.Email))
			}
			return t.write(a.stdout)
		}),
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of users")
	return group("user", "Internal users and their roles", append([]*cobra.Command{add, list, userLinkCmd(a), userCallAccountCmd(a)}, userAdminCmds(a)...)...)
}

func providerCmd(a *app) *cobra.Command {
	var name, tenant string
	add := &cobra.Command{
		Use:   "add --name N --tenant-id ID",
		Short: "Add a service provider (admins only); prints JSON with its id",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			p, err := a.svc.AddProvider(a.actor, name, tenant)
			if err != nil {
				return err
			}
			a.log.Info("provider added", "id", p.ID, "by", a.actor.Label())
			return writeJSON(a.stdout, p)
		}),
	}
	add.Flags().StringVar(&name, "name", "", "the provider's name (required)")
	add.Flags().StringVar(&tenant, "tenant-id", "", "its external tenant ID (required)")
	_ = add.MarkFlagRequired("name")
	_ = add.MarkFlagRequired("tenant-id")

	var asJSON bool
	list := &cobra.Command{
		Use:   "list [--json]",
		Short: "List service providers",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			d, err := a.directory()
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, nonNil(d.Providers))
			}
			t := &table{head: []string{"ID", "NAME", "TENANT ID", "ENGINEERS"}}
			for _, p := range d.Providers {
				n := 0
				for _, e := range d.Engineers {
					if e.ProviderID == p.ID {
						n++
					}
				}
				t.add(fmt.Sprint(p.ID), p.Name, p.TenantID, fmt.Sprint(n))
			}
			return t.write(a.stdout)
		}),
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of providers")
	return group("provider", "Service providers (partner enterprises): add, list, edit, disable, enable", append([]*cobra.Command{add, list}, providerEditCmds(a)...)...)
}

func engineerCmd(a *app) *cobra.Command {
	var in core.NewEngineer
	var provider string
	add := &cobra.Command{
		Use:   "add --name N --provider ID [flags]",
		Short: "Add a provider's engineer (admins only); prints JSON with its id",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := core.ParseID("provider", provider)
			if err != nil {
				return err
			}
			in.ProviderID = id
			if err := a.open(); err != nil {
				return err
			}
			e, err := a.svc.AddEngineer(a.actor, in)
			if err != nil {
				return err
			}
			a.log.Info("engineer added", "id", e.ID, "by", a.actor.Label())
			return writeJSON(a.stdout, e)
		}),
	}
	f := add.Flags()
	f.StringVar(&in.Name, "name", "", "the engineer's name (required)")
	f.StringVar(&provider, "provider", "", "the provider's `ID` (required)")
	f.StringVar(&in.Phone, "phone", "", "phone number")
	f.StringVar(&in.Email, "email", "", "email address")
	f.StringVar(&in.Region, "region", "", "region the engineer covers, e.g. East")
	_ = add.MarkFlagRequired("name")
	_ = add.MarkFlagRequired("provider")

	var asJSON bool
	list := &cobra.Command{
		Use:   "list [--json]",
		Short: "List engineers with their providers",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			d, err := a.directory()
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, nonNil(d.Engineers))
			}
			names := map[core.ID]string{}
			for _, p := range d.Providers {
				names[p.ID] = p.Name
			}
			t := &table{head: []string{"ID", "NAME", "PROVIDER", "REGION", "PHONE"}}
			for _, e := range d.Engineers {
				t.add(fmt.Sprint(e.ID), e.Name, names[e.ProviderID], dash(e.Region), dash(e.Phone))
			}
			return t.write(a.stdout)
		}),
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of engineers")
	return group("engineer", "Service providers' engineers: add, list, edit, disable, enable", append([]*cobra.Command{add, list}, engineerEditCmds(a)...)...)
}

func (a *app) directory() (core.Directory, error) {
	if err := a.open(); err != nil {
		return core.Directory{}, err
	}
	return a.svc.Directory()
}
