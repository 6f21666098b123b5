package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"switchboard/core"
	"switchboard/store"
	"switchboard/store/postgres"
)

func migrateCmd(a *app) *cobra.Command {
	var to string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "migrate --to postgres://…|FILE",
		Short: "Copy the database into an empty PostgreSQL database (or PostgreSQL into a new file), and check the copy",
		Long: `Copy everything in the bbolt database (--db, or the default) into an empty
PostgreSQL database, in one transaction: people, rules, work orders with their
history, tasks, settings, links, devices, the outbox, timers, reports, mail,
attachments, API keys, evaluations, follow-ups. Ids and work-order numbers stay
as they are; the copy continues numbering after them. Then the copy is checked:
the counts of every kind of record, and a sample of work orders compared whole
(with their history, reports, evaluations, follow-ups, links and files).
Stop the server on the bbolt file first. The other way, --db postgres://…
migrate --to FILE copies PostgreSQL (one snapshot, servers may run) into a new
bbolt file.`,
		Example: `  switchboard --db /srv/sb/switchboard.db migrate --to 'postgres://switchboard@db.example.com/switchboard'
  switchboard --db 'postgres://switchboard@db.example.com/switchboard' migrate --to /srv/sb/back.db`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			from, named, err := a.resolveDB()
			if err != nil {
				return err
			}
			toPG := postgres.IsDSN(to) && !isPGHandle(from)
			toFile := isPGHandle(from) && to != "" && !postgres.IsDSN(to)
			if !toPG && !toFile {
				return core.Invalid("to", "Copy a bbolt file into PostgreSQL (--db FILE migrate --to postgres://…) or PostgreSQL into a new bbolt file (--db postgres://… migrate --to FILE).")
			}
			if err := a.mustExist(from, named); err != nil {
				return err // not an empty copy of a mistyped path
			}
			a.startLog(from) // after the arguments are checked: a refused call leaves no log behind
			start := time.Now()
			var src, dst core.Store
			var target string
			var finish func() error // the bbolt copy: closed and given its name once checked
			if toPG {
				b, err := store.Open(from, store.Options{})
				if err != nil {
					return err
				}
				defer b.Close()
				p, err := postgres.Open(context.Background(), to)
				if err != nil {
					return err
				}
				defer p.Close()
				src, dst, target = b, p, "PostgreSQL"
				err = p.Load(b.CopyTo)
				if errors.Is(err, postgres.ErrNotEmpty) {
					return core.Invalid("to", "The PostgreSQL database already has users or work orders: copy into a new, empty database (createdb), so nothing is mixed.")
				}
				if err != nil {
					return err
				}
			} else {
				file, err := a.abs(to)
				if err != nil {
					return err
				}
				if _, err := os.Stat(file); err == nil {
					return core.Invalid("to", "%s exists: copy into a new file, so nothing is mixed or overwritten.", to)
				}
				// The copy is made in FILE.partial and renamed when it is whole
				// and checked: Load commits as it goes, and a copy that stopped
				// halfway must never open as FILE.
				partial := file + ".partial"
				if _, err := os.Stat(partial); err == nil {
					return core.Invalid("to", "%s is left from a copy that stopped halfway: remove it, then copy again.", partial)
				}
				p, _, err := openStore(from, store.Options{})
				if err != nil {
					return err
				}
				defer p.Close()
				b, err := store.Open(partial, store.Options{})
				if err != nil {
					return err
				}
				whole := false
				defer func() {
					if !whole {
						b.Close()
						_ = os.Remove(partial)
					}
				}()
				src, dst, target = p, b, file
				if err := b.Load(p.(*postgres.Postgres).CopyTo); err != nil {
					return err
				}
				finish = func() error {
					if err := b.Close(); err != nil {
						return err
					}
					if err := os.Rename(partial, file); err != nil {
						return err
					}
					whole = true
					return nil
				}
			}
			copied := time.Since(start)
			rep, err := compareStores(src, dst)
			if err != nil {
				return err
			}
			if finish != nil {
				if err := finish(); err != nil {
					return err
				}
			}
			a.log.Info("migrated", "to", target, "work_orders", rep.Counts["work orders"], "seconds", copied.Seconds())
			if asJSON {
				return writeJSON(a.stdout, rep)
			}
			fmt.Fprintf(a.stdout, "Copied the database into %s in %.1fs: %s work orders, %s history events, %s users.\n",
				target, copied.Seconds(), thousands(rep.Counts["work orders"]), thousands(rep.Counts["history events"]), thousands(rep.Counts["users"]))
			fmt.Fprintf(a.stdout, "Checked: the counts of %d kinds of record agree, and %d work orders compared whole are identical.\n", len(rep.Counts), rep.Sampled)
			fmt.Fprintf(a.stdout, "Use it with --db '%s' (or SWITCHBOARD_DB).\n", to)
			return nil
		}),
	}
	cmd.Flags().StringVar(&to, "to", "", "the empty PostgreSQL database to copy into, `postgres://…`, or a new bbolt FILE")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"counts", "sampled"} as JSON`)
	return markLocal(cmd)
}

// counted is a count, or why there is none.
type counted struct {
	n   int
	err error
}

func lenOf[T any](v []T, err error) counted { return counted{len(v), err} }

// migrationReport is what compareStores found equal.
type migrationReport struct {
	Counts  map[string]int `json:"counts"`
	Sampled int            `json:"sampled"`
}

// compareStores checks a copy: every kind's count, and up to 500 work orders
// spread over the ids compared whole with what hangs off them. A difference
// is an error naming it.
func compareStores(a, b core.Store) (migrationReport, error) {
	rep := migrationReport{Counts: map[string]int{}}
	type side struct {
		counts  map[string]int
		samples map[core.ID]string
	}
	var ids []core.ID
	read := func(st core.Store) (side, error) {
		s := side{counts: map[string]int{}, samples: map[core.ID]string{}}
		err := st.View(func(tx core.Tx) error {
			n, err := tx.CountWorkOrders()
			if err != nil {
				return err
			}
			s.counts["work orders"] = n
			if ids == nil {
				stride := max(1, n/500)
				for id := 1; id <= n; id += stride {
					ids = append(ids, core.ID(id))
				}
			}
			for name, c := range map[string]counted{
				"users": lenOf(tx.Users()), "accounts": lenOf(tx.Accounts()), "contacts": lenOf(tx.Contacts()),
				"terminal users": lenOf(tx.TerminalUsers()), "providers": lenOf(tx.Providers()), "engineers": lenOf(tx.Engineers()),
				"dispatch rules": lenOf(tx.Rules(core.RuleDispatch)), "mail rules": lenOf(tx.Rules(core.RuleMail)),
				"evaluation rules": lenOf(tx.Rules(core.RuleEvaluation)), "follow-up rules": lenOf(tx.Rules(core.RuleFollowUp)),
				"devices": lenOf(tx.Devices()), "outbox messages": lenOf(tx.Messages(core.MessageQuery{})), "timers": lenOf(tx.Timers(0)),
				"mail": lenOf(tx.MailRecords(core.MailQuery{})), "API keys": lenOf(tx.APIKeys()),
				"follow-up teams": lenOf(tx.FollowUpTeams()), "absences": lenOf(tx.Absences()),
			} {
				if c.err != nil {
					return fmt.Errorf("counting %s: %w", name, c.err)
				}
				s.counts[name] = c.n
			}
			evals := 0
			if err := tx.ScanEvaluationRows(time.Time{}, time.Time{}, func(core.EvaluationRow) bool { evals++; return true }); err != nil {
				return err
			}
			s.counts["evaluations"] = evals
			events := 0
			for id := 1; id <= n; id++ {
				ev, err := tx.Events(core.ID(id))
				if err != nil {
					return err
				}
				events += len(ev)
			}
			s.counts["history events"] = events
			for _, id := range ids {
				w, err := tx.WorkOrder(id)
				if err != nil {
					return err
				}
				var whole struct {
					W           core.WorkOrder
					Events      []core.Event
					Reports     []core.ServiceReport
					Evaluations []core.Evaluation
					FollowUps   []core.FollowUpTask
					Links       []core.Link
					Files       []core.Attachment
					Load        int
				}
				whole.W = w
				if whole.Events, err = tx.Events(id); err != nil {
					return err
				}
				if whole.Reports, err = tx.Reports(id); err != nil {
					return err
				}
				if whole.Evaluations, err = tx.EvaluationsFor(id); err != nil {
					return err
				}
				if whole.FollowUps, err = tx.FollowUpTasksFor(id); err != nil {
					return err
				}
				if whole.Links, err = tx.LinksFor(id); err != nil {
					return err
				}
				if whole.Files, err = tx.Attachments(id); err != nil {
					return err
				}
				if w.FieldOutDealUser != 0 {
					if whole.Load, err = tx.EngineerLoad(w.FieldOutDealUser); err != nil {
						return err
					}
				}
				raw, err := json.Marshal(whole)
				if err != nil {
					return err
				}
				s.samples[id] = string(raw)
			}
			return nil
		})
		return s, err
	}
	sa, err := read(a)
	if err != nil {
		return rep, fmt.Errorf("reading the bbolt database: %w", err)
	}
	sb, err := read(b)
	if err != nil {
		return rep, fmt.Errorf("reading the copy: %w", err)
	}
	for k, n := range sa.counts {
		if sb.counts[k] != n {
			return rep, fmt.Errorf("the copy has %d %s, the bbolt database %d: it is not complete; drop the PostgreSQL database and run migrate again", sb.counts[k], k, n)
		}
		rep.Counts[k] = n
	}
	for _, id := range ids {
		if sa.samples[id] != sb.samples[id] {
			return rep, fmt.Errorf("work order %d differs in the copy: drop the PostgreSQL database and run migrate again (and report this)", id)
		}
	}
	rep.Sampled = len(ids)
	return rep, nil
}
