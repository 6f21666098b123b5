package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"switchboard/core"
)

// CopyTo writes everything the database holds, from one snapshot, into dst,
// a transaction of another store that keeps the ids it is given
// (`switchboard migrate --to FILE`, issue 21; store.Bolt.CopyTo is the other
// direction). It returns where work-order numbers continue.
func (p *Postgres) CopyTo(dst core.Tx) (numbers uint64, err error) {
	ctx := context.Background()
	ptx, err := p.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return 0, err
	}
	defer ptx.Rollback(ctx)
	t := &tx{ctx: ctx, tx: ptx}
	n, err := t.counter("work_order_number")
	if err != nil {
		return 0, err
	}
	steps := []struct {
		what string
		run  func() error
	}{
		{"users", func() error { return stream(t, `SELECT doc FROM users ORDER BY id`, dst.PutUser) }},
		{"accounts", func() error { return stream(t, `SELECT doc FROM accounts ORDER BY id`, dst.PutAccount) }},
		{"contacts", func() error { return stream(t, `SELECT doc FROM contacts ORDER BY id`, dst.PutContact) }},
		{"terminal users", func() error { return stream(t, `SELECT doc FROM terminal_users ORDER BY id`, dst.PutTerminalUser) }},
		{"providers", func() error { return stream(t, `SELECT doc FROM providers ORDER BY id`, dst.PutProvider) }},
		{"engineers", func() error { return stream(t, `SELECT doc FROM engineers ORDER BY id`, dst.PutEngineer) }},
		{"rules", func() error { return stream(t, `SELECT doc FROM rules ORDER BY id`, dst.PutRule) }},
		{"rule pointers", func() error {
			ptrs, err := t.RulePointers()
			for id, next := range ptrs {
				if err == nil {
					err = dst.PutRulePointer(id, next)
				}
			}
			return err
		}},
		{"work orders", func() error { return stream(t, `SELECT doc FROM work_orders ORDER BY id`, dst.PutWorkOrder) }},
		{"history", func() error {
			return rowsOf(t, `SELECT wo_id, doc FROM events ORDER BY seq`, func(r pgx.Rows) error {
				var wo core.ID
				var raw []byte
				var e core.Event
				if err := r.Scan(&wo, &raw); err != nil {
					return err
				}
				if err := decode(raw, &e); err != nil {
					return err
				}
				return dst.AppendEvent(wo, e)
			})
		}},
		{"tasks", func() error { return stream(t, `SELECT doc FROM tasks ORDER BY id`, dst.PutTask) }},
		{"settings", func() error {
			return rowsOf(t, `SELECT name, value FROM settings ORDER BY name`, func(r pgx.Rows) error {
				var name string
				var v []byte
				if err := r.Scan(&name, &v); err != nil {
					return err
				}
				return dst.PutSetting(name, v)
			})
		}},
		{"links", func() error {
			return rowsOf(t, `SELECT hash, doc FROM links ORDER BY hash`, func(r pgx.Rows) error {
				var hash, raw []byte
				var l core.Link
				if err := r.Scan(&hash, &raw); err != nil {
					return err
				}
				if err := decode(raw, &l); err != nil {
					return err
				}
				l.Hash = hash
				return dst.PutLink(&l)
			})
		}},
		{"devices", func() error { return stream(t, `SELECT doc FROM devices ORDER BY code`, dst.PutDevice) }},
		{"outbox", func() error { return stream(t, `SELECT doc FROM outbox ORDER BY id`, dst.PutMessage) }},
		{"timers", func() error {
			return stream(t, `SELECT doc FROM timers ORDER BY at, wo_id`, func(tm *core.Timer) error { return dst.PutTimer(*tm) })
		}},
		{"report drafts", func() error {
			return rowsOf(t, `SELECT wo_id, doc FROM report_drafts ORDER BY wo_id`, func(r pgx.Rows) error {
				var wo core.ID
				var raw []byte
				var d core.ReportDraft
				if err := r.Scan(&wo, &raw); err != nil {
					return err
				}
				if err := decode(raw, &d); err != nil {
					return err
				}
				return dst.PutReportDraft(wo, &d)
			})
		}},
		{"reports", func() error { return stream(t, `SELECT doc FROM reports ORDER BY wo_id, version`, dst.PutReport) }},
		{"mail", func() error { return stream(t, `SELECT doc FROM mail_log ORDER BY id`, dst.PutMailRecord) }},
		{"raw mail", func() error {
			return rowsOf(t, `SELECT id, raw FROM mail_raw ORDER BY id`, func(r pgx.Rows) error {
				var id core.ID
				var raw []byte
				if err := r.Scan(&id, &raw); err != nil {
					return err
				}
				return dst.PutMailRaw(id, raw)
			})
		}},
		{"mail threads", func() error {
			return rowsOf(t, `SELECT msgid, wo_id FROM mail_threads ORDER BY msgid`, func(r pgx.Rows) error {
				var id string
				var wo core.ID
				if err := r.Scan(&id, &wo); err != nil {
					return err
				}
				return dst.PutMailThread(id, wo)
			})
		}},
		{"attachments", func() error {
			return rowsOf(t, `SELECT doc, data FROM attachments ORDER BY id`, func(r pgx.Rows) error {
				var raw, data []byte
				var a core.Attachment
				if err := r.Scan(&raw, &data); err != nil {
					return err
				}
				if err := decode(raw, &a); err != nil {
					return err
				}
				return dst.PutAttachment(&a, data)
			})
		}},
		{"API keys", func() error { return stream(t, `SELECT doc FROM api_keys ORDER BY id`, dst.PutAPIKey) }},
		{"idempotency answers", func() error {
			return rowsOf(t, `SELECT doc, body FROM idempotency ORDER BY at, api_key, key`, func(r pgx.Rows) error {
				var raw, body []byte
				var rec core.IdempotencyRecord
				if err := r.Scan(&raw, &body); err != nil {
					return err
				}
				if err := decode(raw, &rec); err != nil {
					return err
				}
				rec.Body = body
				return dst.PutIdempotency(&rec)
			})
		}},
		{"evaluations", func() error { return stream(t, `SELECT doc FROM evaluations ORDER BY id`, dst.PutEvaluation) }},
		{"evaluation requests", func() error {
			return stream(t, `SELECT doc FROM evaluation_requests ORDER BY wo_id`, dst.PutEvaluationRequest)
		}},
		{"follow-up tasks", func() error { return stream(t, `SELECT doc FROM follow_ups ORDER BY id`, dst.PutFollowUpTask) }},
		{"follow-up teams", func() error {
			return stream(t, `SELECT doc FROM follow_up_teams ORDER BY name_lower`, dst.PutFollowUpTeam)
		}},
		{"absences", func() error {
			return stream(t, `SELECT doc FROM absences ORDER BY login`, func(a *core.Absence) error { return dst.PutAbsence(*a) })
		}},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			return 0, fmt.Errorf("copying %s: %w", s.what, err)
		}
	}
	return uint64(n), ptx.Commit(ctx)
}

// stream decodes each JSON record q returns and hands it to fn, without
// holding them all.
func stream[T any](t *tx, q string, fn func(*T) error) error {
	return rowsOf(t, q, func(r pgx.Rows) error {
		var raw []byte
		if err := r.Scan(&raw); err != nil {
			return err
		}
		var v T
		if err := decode(raw, &v); err != nil {
			return fmt.Errorf("a record is unreadable: %w", err)
		}
		return fn(&v)
	})
}

// rowsOf calls fn for each row q returns.
func rowsOf(t *tx, q string, fn func(pgx.Rows) error) error {
	rows, err := t.query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
