package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"switchboard/core"
)

func apikeyCmd(a *app) *cobra.Command {
	var name string
	var addJSON bool
	var rate float64
	add := &cobra.Command{
		Use:   "add --name N [--rate R] [--json]",
		Short: "Make an API key for one integration (admins); the key is printed once",
		Long: `Make a key another system uses for the integration API (R-IN-6) under
/api/v1 on the web listener: it sends Authorization: Bearer KEY. The key is
printed now and never again — only its SHA-256 is stored — so keep it in the
other system's secret store. Give each integration its own key, so one can be
revoked without stopping the others. The API is described at
/api/v1/openapi.json.`,
		Example: `  switchboard apikey add --name "ERP"
  curl -H "Authorization: Bearer sbk_…" -H "Content-Type: application/json" \
       -H "Idempotency-Key: order-7731" -d '{"subject":"冷库温度过高","priority":"high"}' \
       http://127.0.0.1:8080/api/v1/work-orders`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			k, secret, err := a.svc.AddAPIKeyRate(a.actor, name, rate)
			if err != nil {
				return err
			}
			a.log.Info("API key added", "id", k.ID, "name", k.Name, "prefix", k.Prefix, "by", a.actor.Label())
			if addJSON {
				return writeJSON(a.stdout, struct {
					core.APIKey
					Key string `json:"key"`
				}{k, secret})
			}
			fmt.Fprintf(a.stdout, "%s\n", secret)
			fmt.Fprintf(a.stderr, "API key %d for %q. This is the only time it is shown: store it now.\n", k.ID, k.Name)
			return nil
		}),
	}
	add.Flags().StringVar(&name, "name", "", "the integration's `NAME`, e.g. ERP (required)")
	add.Flags().BoolVar(&addJSON, "json", false, "print the key and its record as JSON")
	add.Flags().Float64Var(&rate, "rate", 0, "requests a second the key may make (default: the server's 50); for bulk loads")
	_ = add.MarkFlagRequired("name")

	var listJSON bool
	list := &cobra.Command{
		Use:   "list [--json]",
		Short: "List API keys (their prefixes, never the keys)",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			ks, err := a.svc.APIKeys()
			if err != nil {
				return err
			}
			if listJSON {
				return writeJSON(a.stdout, nonNil(ks))
			}
			if len(ks) == 0 {
				fmt.Fprintln(a.stdout, "No API keys yet: make one with `switchboard apikey add --name N`.")
				return nil
			}
			t := &table{head: []string{"ID", "NAME", "KEY", "RATE/S", "CREATED", "BY", "STATE"}}
			for _, k := range ks {
				state := "active"
				if !k.Active() {
					state = "revoked " + when(*k.RevokedAt) + " by " + k.RevokedBy
				}
				rate := "default"
				if k.Rate != 0 {
					rate = strconv.FormatFloat(k.Rate, 'g', -1, 64)
				}
				t.add(fmt.Sprint(k.ID), k.Name, k.Prefix+"…", rate, when(k.CreatedAt), k.CreatedBy, state)
			}
			return t.write(a.stdout)
		}),
	}
	list.Flags().BoolVar(&listJSON, "json", false, "print a JSON array")

	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Stop an API key from working, at once and for good (admins)",
		Args:  exactArgs("ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := core.ParseID("id", args[0])
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			k, err := a.svc.RevokeAPIKey(a.actor, id)
			if err != nil {
				return err
			}
			a.log.Info("API key revoked", "id", k.ID, "name", k.Name, "by", a.actor.Label())
			fmt.Fprintf(a.stdout, "API key %d (%s, %s…) is revoked.\n", k.ID, k.Name, k.Prefix)
			return nil
		}),
	}
	setRate := &cobra.Command{
		Use:   "rate ID R",
		Short: "Let an API key make R requests a second (0: the server's default) (admins)",
		Example: `  switchboard apikey rate 3 500   # a busy integration
  switchboard apikey rate 3 0     # back to the default`,
		Args: exactArgs("ID", "R"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := core.ParseID("id", args[0])
			if err != nil {
				return err
			}
			r, err := strconv.ParseFloat(args[1], 64)
			if err != nil {
				return core.Invalid("rate", "The rate is a number of requests a second (0 for the default), not %q.", args[1])
			}
			if err := a.open(); err != nil {
				return err
			}
			k, err := a.svc.SetAPIKeyRate(a.actor, id, r)
			if err != nil {
				return err
			}
			a.log.Info("API key rate set", "id", k.ID, "rate", k.Rate, "by", a.actor.Label())
			fmt.Fprintf(a.stdout, "API key %d (%s) may make %s.\n", k.ID, k.Name, core.RateText(k.Rate))
			return nil
		}),
	}
	return group("apikey", "API keys for the integration API (R-IN-6): add, list, rate, revoke", add, list, setRate, revoke)
}
