package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"switchboard/core"
)

// maxImportFile bounds what an import reads: far above a real migration's size.
const maxImportFile = 512 << 20

func importCmd(a *app) *cobra.Command {
	var dryRun, asJSON bool
	var encoding string
	cmd := &cobra.Command{
		Use:   "import contacts|work-orders FILE.csv [--dry-run] [--json]",
		Short: "Bring contacts or work orders in from a CSV file (all or nothing)",
		Long: `Bring contacts or work orders in from a CSV file whose first line names the
columns. Every bad row is reported with its line, column and reason, and nothing
is written until the whole file is clean; --dry-run only checks.

contacts columns:    ` + strings.Join(core.ContactCSVColumns, ", ") + ` (name required; terminal_user yes/no)
work-orders columns: ` + strings.Join(core.WorkOrderCSVColumns, ", ") + `
                     (subject required; the same as export work-orders writes)

Imported work orders get new numbers (the file's number is kept in their history)
and their external owner by R-WO-4. Importing work orders is for admins.

The file is UTF-8 (a byte-order mark is fine). A CSV that Excel on Chinese
Windows saves is GBK: import it with --encoding gbk, or save it as "CSV UTF-8".`,
		Example: `  switchboard import contacts customers.csv --dry-run
  switchboard import work-orders old-system.csv`,
		Args: exactArgs("contacts|work-orders", "FILE.csv"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			what := strings.ToLower(args[0])
			if what != "contacts" && what != "work-orders" {
				return usagef("import takes contacts or work-orders, not %q.", args[0])
			}
			f, err := a.openFile(args[1], os.O_RDONLY, 0)
			if err != nil {
				return core.Invalid("file", "Cannot read %s: %v.", args[1], errors.Unwrap(err))
			}
			defer f.Close()
			if err := a.open(); err != nil {
				return err
			}
			r, err := core.CSVReader(io.LimitReader(f, maxImportFile), encoding)
			if err != nil {
				return core.Invalid("encoding", "--encoding takes utf-8 or gbk, not %q.", encoding)
			}
			var rep core.ImportReport
			if what == "contacts" {
				rep, err = a.svc.ImportContactsCSV(a.actor, r, dryRun)
			} else {
				rep, err = a.svc.ImportWorkOrdersCSV(a.actor, r, dryRun)
			}
			if err != nil {
				return err
			}
			a.log.Info("import", "what", what, "file", args[1], "rows", rep.Rows, "imported", rep.Imported, "problems", len(rep.Problems), "dry_run", dryRun, "by", a.actor.Label())
			if asJSON {
				rep.Problems = nonNil(rep.Problems)
				if err := writeJSON(a.stdout, rep); err != nil {
					return err
				}
			}
			if n := len(rep.Problems); n > 0 {
				if !asJSON {
					for _, p := range rep.Problems {
						fmt.Fprintf(a.stderr, "%s: %s\n", args[1], p)
					}
				}
				if rep.Rows == 0 { // the file itself, or its header
					return core.Invalid("file", "%s has %d problem(s); nothing was imported. Fix them and run the import again.", args[1], n)
				}
				return core.Invalid("file", "%s has %d problem(s) in %d row(s); nothing was imported. Fix them and run the import again.", args[1], n, rep.Rows)
			}
			if asJSON {
				return nil
			}
			switch {
			case dryRun:
				fmt.Fprintf(a.stdout, "%s is clean: %s %s would be imported (dry run, nothing written).\n", args[1], thousands(rep.Rows), what)
			case what == "work-orders" && rep.Imported > 0:
				fmt.Fprintf(a.stdout, "Imported %s work orders (%s to %s).\n", thousands(rep.Imported), rep.First, rep.Last)
			default:
				fmt.Fprintf(a.stdout, "Imported %s %s.\n", thousands(rep.Imported), what)
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "check the file and report problems; write nothing")
	cmd.Flags().StringVar(&encoding, "encoding", "utf-8", "the file's text encoding: utf-8, or gbk (Excel's CSV on Chinese Windows)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

func exportCmd(a *app) *cobra.Command {
	var asCSV, bom bool
	var status, node, out string
	cmd := &cobra.Command{
		Use:     "export work-orders --csv [--status S] [--node N] [--out FILE] [--bom]",
		Short:   "Write work orders as CSV, with the SPEC's keys as the header",
		Example: `  switchboard export work-orders --csv --status completed --out done.csv`,
		Args:    exactArgs("work-orders"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if strings.ToLower(args[0]) != "work-orders" {
				return usagef("export takes work-orders, not %q.", args[0])
			}
			if !asCSV {
				return usagef("export work-orders needs --csv (the only format so far).")
			}
			q := core.WorkOrderQuery{Status: core.Status(strings.ToLower(status)), Node: core.Node(strings.ToLower(node))}
			if err := a.open(); err != nil {
				return err
			}
			if _, err := a.svc.ListWorkOrders(core.WorkOrderQuery{Status: q.Status, Node: q.Node, Limit: 1}); err != nil {
				return err // refuses unknown statuses and nodes before a file is made
			}
			w := a.stdout
			var f *os.File
			if out != "" {
				var err error
				if f, err = a.openFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); err != nil {
					return core.Invalid("out", "Cannot create %s: %v (it must not exist yet).", out, errors.Unwrap(err))
				}
				w = f
			}
			if bom {
				if _, err := io.WriteString(w, "\ufeff"); err != nil {
					return err
				}
			}
			n, err := a.svc.ExportWorkOrdersCSV(w, q)
			if f != nil {
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					_ = a.remove(out)
				}
			}
			if err != nil {
				return err
			}
			a.log.Info("export", "rows", n, "out", out)
			if out != "" {
				fmt.Fprintf(a.stdout, "Wrote %s work orders to %s.\n", thousands(n), out)
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&bom, "bom", false, "start with a UTF-8 byte-order mark, so that Excel shows Chinese text (import reads it either way)")
	cmd.Flags().BoolVar(&asCSV, "csv", false, "write CSV")
	cmd.Flags().StringVar(&status, "status", "", "only this STATUS")
	cmd.Flags().StringVar(&node, "node", "", "only this process NODE")
	cmd.Flags().StringVar(&out, "out", "", "write to FILE (which must not exist) instead of standard output")
	return cmd
}
