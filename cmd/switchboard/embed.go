package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// embedCmd shows or sets the sites that may frame the smart form (R-IN-7).
func embedCmd(a *app) *cobra.Command {
	var clear, asJSON bool
	cmd := &cobra.Command{
		Use:   "embed [ORIGIN…] [--clear] [--json]",
		Short: "The sites that may show the smart form (/embed) in a frame (admins): show, or set",
		Long: `The smart form (/embed, R-IN-7) goes into the company's own site or app in
an iframe. Browsers show it only inside the sites named here (sent as the
Content-Security-Policy frame-ancestors of /embed and of its receipt); every
other page of the web listener may be framed by nobody. Naming sites replaces
the list; --clear empties it.`,
		Example: `  switchboard embed https://www.example.com https://app.example.com
  switchboard embed --clear`,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if clear && len(args) > 0 {
				return usagef("embed takes sites or --clear, not both.")
			}
			if err := a.open(); err != nil {
				return err
			}
			var origins []string
			var err error
			if clear || len(args) > 0 {
				origins, err = a.svc.SetEmbedOrigins(a.actor, args)
			} else {
				origins, err = a.svc.EmbedOrigins()
			}
			if err != nil {
				return err
			}
			if asJSON {
				if origins == nil {
					origins = []string{}
				}
				return writeJSON(a.stdout, origins)
			}
			if len(origins) == 0 {
				_, err = fmt.Fprintln(a.stdout, "No site may frame the smart form (switchboard embed https://www.example.com allows one).")
				return err
			}
			_, err = fmt.Fprintf(a.stdout, "The smart form /embed may be framed by: %s\n", strings.Join(origins, ", "))
			return err
		}),
	}
	cmd.Flags().BoolVar(&clear, "clear", false, "let no site frame it")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}
