package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"switchboard/core"
)

// defaultTableLimit is how many rows `wo list` prints for people when --limit is not given.
const defaultTableLimit = 50

var sortKeys = []core.SortKey{core.SortCreated, core.SortUpdated, core.SortPriority, core.SortStatus, core.SortSubject, core.SortAccount}

func woListCmd(a *app) *cobra.Command {
	var q core.WorkOrderQuery
	var status, node, sort string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [flags]",
		Short: "List work orders, newest first",
		Long: `List work orders, newest first, as a table or (--json) as a JSON array of
work-order rows (number, subject, record_type, priority, status, node, channel,
account_name, contact_name, engineer_name, phone, region, created_at, updated_at,
version). Use ` + "`wo show NUMBER --json`" + ` for every field and the history.`,
		Example: `  switchboard wo list --status new
  switchboard wo list --node dispatch --sort priority --limit 20
  switchboard wo list --search 冷库 --json | jq -r '.[].number'`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			q.Status, q.Node, q.Sort = core.Status(strings.ToLower(status)), core.Node(strings.ToLower(node)), core.SortKey(strings.ToLower(sort))
			if q.Sort != "" && !slices.Contains(sortKeys, q.Sort) {
				return core.Invalid("sort", "Sort key %q is unknown: use created, updated, priority, status, subject or account.", sort)
			}
			if !cmd.Flags().Changed("limit") && !asJSON {
				q.Limit = defaultTableLimit
			}
			if err := a.open(); err != nil {
				return err
			}
			page, err := a.svc.ListWorkOrders(q)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, nonNil(page.Rows))
			}
			return writeWorkOrderTable(a, q, page)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&status, "status", "", "only this `STATUS`: new, assigned, in-progress, completed or terminated")
	f.StringVar(&node, "node", "", "only this process `NODE`: dispatch, service, terminal-task, evaluation, follow-up, end or terminated")
	f.StringVar(&q.Text, "search", "", "only work orders whose number, subject, account, contact, engineer, phone or region contain `TEXT`")
	f.StringVar(&sort, "sort", "", "order by `KEY`: created (default), updated, priority, status, subject or account")
	f.BoolVar(&q.Asc, "asc", false, "reverse the order (oldest / least urgent / A–Z first)")
	f.IntVar(&q.Offset, "offset", 0, "skip the first `N` matches")
	f.IntVar(&q.Limit, "limit", 0, "at most `N` work orders (default 50 in the table, all with --json; 0 means all)")
	f.BoolVar(&asJSON, "json", false, "print a JSON array of work-order rows")
	return cmd
}

// writeWorkOrderTable prints a page of rows and where it is in the whole; on a
// terminal the subject column takes the width the others leave.
func writeWorkOrderTable(a *app, q core.WorkOrderQuery, page core.WorkOrderPage) error {
	if len(page.Rows) == 0 {
		msg := "No work orders match."
		if page.Total > 0 {
			msg = fmt.Sprintf("No rows past %s: %s work orders match.", thousands(q.Offset), thousands(page.Total))
		}
		_, err := fmt.Fprintln(a.stdout, msg)
		return err
	}
	t := &table{
		head: []string{"NUMBER", "STATUS", "NODE", "PRIORITY", "SUBJECT", "ACCOUNT", "ENGINEER", "CREATED"},
		max:  []int{0, 0, 0, 0, 48, 24, 14, 0},
		flex: 4,
	}
	created := when
	if w := a.terminalWidth(); w > 0 {
		t.fitTo = w
		if w < 150 {
			// a narrow screen: give the subject room before the rest
			t.max[5], t.max[6] = 20, 12
			created = func(at time.Time) string { return at.Local().Format("2006-01-02") }
		}
	}
	for _, r := range page.Rows {
		t.add(r.Number, string(r.Status), string(r.Node), string(r.Priority), r.Subject, dash(r.AccountName), dash(r.EngineerName), created(r.CreatedAt))
	}
	if err := t.write(a.stdout); err != nil {
		return err
	}
	from, to := q.Offset+1, q.Offset+len(page.Rows)
	if from == 1 && to == page.Total {
		_, err := fmt.Fprintf(a.stdout, "%s work orders\n", thousands(page.Total))
		return err
	}
	next := ""
	if to < page.Total {
		next = fmt.Sprintf(" (next page: --offset %d; all: --limit 0)", to)
	}
	_, err := fmt.Fprintf(a.stdout, "%s–%s of %s work orders%s\n", thousands(from), thousands(to), thousands(page.Total), next)
	return err
}
