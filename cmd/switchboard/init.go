package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// initCmd makes a new, empty database where --db (or SWITCHBOARD_DB, or the
// default) says. Every other command but the console, serve and demo refuses
// a named path with no database there (app.mustExist).
func initCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Make a new, empty database (where --db says, or the default one)",
		Long: `Make a new, empty database, with the built-in admin, at the path --db (or
SWITCHBOARD_DB) names, or the default database. Commands refuse a --db path
where there is no database — a mistyped path is an error, not a new empty
database — so a script starts a new one with init (the console, serve and
demo make theirs themselves). A database already there is left as it is.`,
		Example: `  switchboard --db /srv/sb/switchboard.db init
  switchboard --db /srv/sb/switchboard.db wo create --subject "Freezer not cooling"`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			p, _, err := a.resolveDB()
			if err != nil {
				return err
			}
			shown := displayDB(p)
			if isPGHandle(p) { // made with createdb; opening it brings its tables up to date
				if err := a.openAt(p); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "The PostgreSQL database %s is ready: its tables are up to date.\n", shown)
				return nil
			}
			if _, err := os.Stat(p); err == nil {
				fmt.Fprintf(a.stdout, "There is a database at %s already: left as it is.\n", shown)
				return nil
			} else if err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			a.mayCreate = true
			if err := a.openAt(p); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Made a new, empty database at %s. Open the console on it with `switchboard --db %s`, or fill it with a demo company: `switchboard --db %s demo`.\n", shown, quoteArg(shown), quoteArg(shown))
			return nil
		}),
	}
	return markLocal(cmd)
}
