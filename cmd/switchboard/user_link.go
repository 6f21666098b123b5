package main

import (
	"github.com/spf13/cobra"
)

// userLinkCmd links an internal user to an OS user (issue 9): whoever is logged in
// as that OS user — at this machine or over SSH — acts as the user.
func userLinkCmd(a *app) *cobra.Command {
	var osUser string
	cmd := &cobra.Command{
		Use:   "link LOGIN --os-user NAME",
		Short: "Link an internal user to an OS user, who then acts as it (admins only); prints JSON",
		Long: `Link an internal user to the OS user NAME: the console and commands run by that
OS user (its processes, or its connections to the server's socket) act as the
internal user. Without a link, an OS user acts as the internal user of the same
login, and the OS user who owns the database as the built-in admin. Only admins
may act as somebody else with --as. --os-user "" removes the link.`,
		Example: `  switchboard user link li.na --os-user lina
  switchboard user link li.na --os-user ""`,
		Args: exactArgs("LOGIN"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			u, err := a.svc.LinkOSUser(a.actor, args[0], osUser)
			if err != nil {
				return err
			}
			a.log.Info("user linked to OS user", "login", u.Login, "os_user", u.OSUser, "by", a.actor.Label())
			return writeJSON(a.stdout, u)
		}),
	}
	cmd.Flags().StringVar(&osUser, "os-user", "", "the OS user `NAME` (as `id -un` prints it)")
	_ = cmd.MarkFlagRequired("os-user")
	return cmd
}

// userCallAccountCmd binds a follow-up agent to their own call account.
func userCallAccountCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "call-account LOGIN ACCOUNT",
		Short: "Bind a user to their own call account, which the follow-up dialer calls from (admins only); \"\" unbinds",
		Long: `Bind a follow-up agent to their own call account — a SIP extension or seat —
(seed 002 §6.2). Each call they place gives it to the dialer: {account} in the
dial command, "account" in the webhook's JSON. A dial command with {account}
refuses agents without one. ACCOUNT "" unbinds.`,
		Example: `  switchboard user call-account li.na 8001
  switchboard followup dialer set --command "linphonec -c 'call {phone}' --identity sip:{account}@pbx"`,
		Args: exactArgs("LOGIN", "ACCOUNT"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			u, err := a.svc.SetCallAccount(a.actor, args[0], args[1])
			if err != nil {
				return err
			}
			a.log.Info("call account bound", "login", u.Login, "account", u.CallAccount, "by", a.actor.Label())
			return writeJSON(a.stdout, u)
		}),
	}
}
