package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"switchboard/core"
)

// userAdminCmds are the user commands beyond add and list: disable, enable,
// roles, and the SSH keys users log in with (R-ROLE-1).
func userAdminCmds(a *app) []*cobra.Command {
	setDisabled := func(disabled bool) func(cmd *cobra.Command, args []string) error {
		return func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			u, err := a.svc.SetUserDisabled(a.actor, args[0], disabled)
			if err != nil {
				return err
			}
			a.log.Info("user disabled", "login", u.Login, "disabled", disabled, "by", a.actor.Label())
			return writeJSON(a.stdout, u)
		}
	}
	disable := &cobra.Command{
		Use:   "disable LOGIN",
		Short: "Disable a user: they can no longer log in (admins only; never the last enabled admin)",
		Args:  exactArgs("LOGIN"),
		RunE:  runE(setDisabled(true)),
	}
	enable := &cobra.Command{
		Use:   "enable LOGIN",
		Short: "Enable a disabled user again (admins only)",
		Args:  exactArgs("LOGIN"),
		RunE:  runE(setDisabled(false)),
	}

	var roles string
	setRoles := &cobra.Command{
		Use:   "roles LOGIN --role R[,R]",
		Short: "Replace a user's roles (admins only; the last enabled admin keeps admin)",
		Example: `  switchboard user roles li.na --role dispatcher,follow-up
  switchboard user roles amy --role call-center`,
		Args: exactArgs("LOGIN"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			rs, err := core.ParseRoles(roles)
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			u, err := a.svc.SetUserRoles(a.actor, args[0], rs)
			if err != nil {
				return err
			}
			a.log.Info("user roles", "login", u.Login, "roles", roles, "by", a.actor.Label())
			return writeJSON(a.stdout, u)
		}),
	}
	setRoles.Flags().StringVar(&roles, "role", "", "the new roles, comma-separated: admin, dispatcher, call-center, follow-up, engineer (required)")
	_ = setRoles.MarkFlagRequired("role")

	return []*cobra.Command{disable, enable, setRoles, userKeyCmd(a)}
}

// userKeyCmd manages the SSH public keys users log in with to `serve --ssh`.
func userKeyCmd(a *app) *cobra.Command {
	add := &cobra.Command{
		Use:   "add LOGIN KEYFILE",
		Short: "Let LOGIN log in over SSH with the public key in KEYFILE (\"-\" reads stdin); admins, or the user for themselves",
		Example: `  switchboard user key add li.na ~/li.na.pub
  ssh-add -L | head -1 | switchboard user key add li.na -`,
		Args: exactArgs("LOGIN", "KEYFILE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			var data []byte
			var err error
			if args[1] == "-" {
				data, err = readAllLimited(cmd.InOrStdin(), 64<<10)
			} else {
				data, err = readFileLimited(args[1], 64<<10)
			}
			if err != nil {
				return core.Invalid("key", "Cannot read the key file %s (%v): give the public key, one line (the .pub file).", args[1], err)
			}
			if err := a.open(); err != nil {
				return err
			}
			k, err := a.svc.AddUserKey(a.actor, args[0], string(data))
			if err != nil {
				return err
			}
			a.log.Info("user key added", "login", args[0], "fingerprint", k.Fingerprint, "by", a.actor.Label())
			return writeJSON(a.stdout, k)
		}),
	}

	var asJSON bool
	list := &cobra.Command{
		Use:   "list [LOGIN] [--json]",
		Short: "List users' SSH keys (one user's, or everyone's)",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("%s takes at most one LOGIN, but got %q.", commandName(cmd), strings.Join(args, " "))
			}
			return nil
		},
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			var users []core.User
			if len(args) == 1 {
				u, err := a.svc.User(args[0])
				if err != nil {
					return err
				}
				users = []core.User{u}
			} else {
				var err error
				if users, err = a.svc.Users(); err != nil {
					return err
				}
			}
			type row struct {
				Login string `json:"login"`
				core.UserKey
			}
			var rows []row
			for _, u := range users {
				for _, k := range u.Keys {
					rows = append(rows, row{u.Login, k})
				}
			}
			if asJSON {
				return writeJSON(a.stdout, nonNil(rows))
			}
			t := &table{head: []string{"LOGIN", "FINGERPRINT", "TYPE", "COMMENT", "ADDED"}}
			for _, r := range rows {
				t.add(r.Login, r.Fingerprint, r.Type, dash(r.Comment), r.AddedAt.Format("2006-01-02")+" by "+r.AddedBy)
			}
			if len(rows) == 0 {
				fmt.Fprintln(a.stdout, "No SSH keys yet: add one with `switchboard user key add LOGIN KEYFILE`.")
				return nil
			}
			return t.write(a.stdout)
		}),
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of {login, fingerprint, type, comment, authorized_key, added_at, added_by}")

	remove := &cobra.Command{
		Use:   "remove LOGIN FINGERPRINT",
		Short: "Take an SSH key (by its SHA256:… fingerprint from `user key list`) from a user",
		Args:  exactArgs("LOGIN", "FINGERPRINT"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			k, err := a.svc.RemoveUserKey(a.actor, args[0], args[1])
			if err != nil {
				return err
			}
			a.log.Info("user key removed", "login", args[0], "fingerprint", k.Fingerprint, "by", a.actor.Label())
			return writeJSON(a.stdout, k)
		}),
	}
	return group("key", "SSH public keys users log in with (switchboard serve --ssh)", add, list, remove)
}

// readFileLimited reads a small file, saying plainly what is wrong with it.
func readFileLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAllLimited(f, limit)
}

// readAllLimited reads at most limit bytes of r and refuses more: a public key
// is one short line.
func readAllLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("it is larger than %d KiB", limit>>10)
	}
	return data, nil
}
