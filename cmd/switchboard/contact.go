package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"switchboard/core"
)

func contactCmd(a *app) *cobra.Command {
	return group("contact", "Customer contacts: add, list, lookup, edit, disable, enable",
		append([]*cobra.Command{contactAddCmd(a), contactListCmd(a), contactLookupCmd(a), contactEditCmd(a)}, contactSwitchCmds(a)...)...)
}

// contactJSON is a contact with its account's name, as `contact add` prints it.
type contactJSON struct {
	core.Contact
	AccountName    string `json:"account_name,omitempty"`
	AccountCreated bool   `json:"account_created"`
}

func contactAddCmd(a *app) *cobra.Command {
	var in core.NewContact
	cmd := &cobra.Command{
		Use:   "add --name N [flags]",
		Short: "Add a contact, optionally with its account and linked terminal user",
		Long: `Add a contact and print it as JSON with its id and terminal_user_id (null when
it has none). --account finds the account by name, or creates it. --terminal-user
also creates the terminal user bound to the contact (it needs --phone or --email).`,
		Example: `  switchboard contact add --name 王伟 --phone "138 0013 8000" --account 上海华东制冷设备有限公司 --terminal-user
  switchboard contact add --name "Mary Smith" --email mary@northwind.example.com --account "Northwind Facilities"`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			res, err := a.svc.AddContact(a.actor, in)
			if err != nil {
				return err
			}
			out := contactJSON{Contact: res.Contact, AccountCreated: res.AccountCreated}
			if res.Account != nil {
				out.AccountName = res.Account.Name
			}
			a.log.Info("contact added", "id", res.Contact.ID, "by", a.actor.Label())
			return writeJSON(a.stdout, out)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&in.Name, "name", "", "the person's name (required)")
	f.StringVar(&in.Phone, "phone", "", "phone number")
	f.StringVar(&in.Email, "email", "", "email address")
	f.StringVar(&in.AccountName, "account", "", "the account's `NAME` (created if new)")
	f.BoolVar(&in.TerminalUser, "terminal-user", false, "also create the terminal user linked to this contact")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func contactLookupCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "lookup PHONE [--json]",
		Short: "Find the contacts with a phone number (what the call center does)",
		Args:  exactArgs("PHONE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if _, err := core.NormalizePhone(args[0]); err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			found, err := a.svc.LookupCaller(args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, nonNil(found))
			}
			if len(found) == 0 {
				_, err := fmt.Fprintf(a.stdout, "No contact has phone %s.\n", args[0])
				return err
			}
			t := &table{head: []string{"ID", "NAME", "ACCOUNT", "PHONE", "EMAIL", "TERMINAL USER"}}
			for _, m := range found {
				acct, tu := "-", "-"
				if m.Account != nil {
					acct = m.Account.Name
				}
				if m.TerminalUser != nil {
					tu = fmt.Sprint(m.TerminalUser.ID)
				}
				t.add(fmt.Sprint(m.Contact.ID), m.Contact.Name, acct, dash(m.Contact.Phone), dash(m.Contact.Email), tu)
			}
			return t.write(a.stdout)
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of matches")
	return cmd
}

func terminalUserCmd(a *app) *cobra.Command {
	var in core.NewTerminalUser
	add := &cobra.Command{
		Use:   "add --name N (--phone P | --email E)",
		Short: "Add a terminal user bound to no contact; prints JSON with its id",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			tu, err := a.svc.AddTerminalUser(a.actor, in)
			if err != nil {
				return err
			}
			a.log.Info("terminal user added", "id", tu.ID, "by", a.actor.Label())
			return writeJSON(a.stdout, tu)
		}),
	}
	f := add.Flags()
	f.StringVar(&in.Name, "name", "", "the person's name (required)")
	f.StringVar(&in.Phone, "phone", "", "phone number (signs in with it)")
	f.StringVar(&in.Email, "email", "", "email address (signs in with it)")
	f.StringVar(&in.WeChatOpenID, "wechat-openid", "", "WeChat official-account open ID, for a registered follower")
	_ = add.MarkFlagRequired("name")
	return group("terminal-user", "Terminal users (customers' people who act through links)", add)
}
