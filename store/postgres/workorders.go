package postgres

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"switchboard/core"
)

func (t *tx) NextWorkOrderNumber() (uint64, error) {
	n, err := t.nextID("work_order_number")
	return uint64(n), err
}

// PutWorkOrder writes the record, its list row and its index columns, and
// moves the engineers' load counters, in the caller's transaction.
func (t *tx) PutWorkOrder(w *core.WorkOrder) error {
	var old struct {
		number, status, node string
		engineer             core.ID
	}
	if w.ID != 0 && !t.loading {
		err := t.queryRow(`SELECT number, status, node, engineer_id FROM work_orders WHERE id = $1`, w.ID).
			Scan(&old.number, &old.status, &old.node, &old.engineer)
		if errors.Is(err, pgx.ErrNoRows) {
			return core.NotFoundf("There is no work order %d.", w.ID)
		}
		if err != nil {
			return err
		}
		if old.number != w.Number {
			return fmt.Errorf("store: work order %d cannot change its number from %s to %s", w.ID, old.number, w.Number)
		}
	} else if err := t.assign("work_orders", &w.ID); err != nil { // (a loaded id stays)
		return err
	}
	hist := w.History
	w.History = nil
	raw, err := encode(w)
	w.History = hist
	if err != nil {
		return err
	}
	row := w.Row()
	rawRow, err := encode(row)
	if err != nil {
		return err
	}
	if err := t.exec(`INSERT INTO work_orders (id, number, status, node, engineer_id, search, row, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET status = excluded.status, node = excluded.node, engineer_id = excluded.engineer_id,
			search = excluded.search, row = excluded.row, doc = excluded.doc`,
		w.ID, w.Number, string(w.Status), string(w.Node), w.FieldOutDealUser, searchable(row.SearchText()), rawRow, raw); err != nil {
		return err // a taken number is refused when the write is sent (flushWrites)
	}
	return core.MoveLoad(old.engineer, core.Status(old.status), w, t.addLoad)
}

// addLoad moves an engineer's load counter by d; the transaction keeps the
// value and writes it when it finishes.
func (t *tx) addLoad(engineer core.ID, d int) error {
	n, err := t.load(engineer)
	if err != nil {
		return err
	}
	n += int64(d)
	if n < 0 {
		return fmt.Errorf("store: engineer %d's load would drop below zero", engineer)
	}
	if t.loads == nil {
		t.loads = map[core.ID]int64{}
	}
	if t.loadsChanged == nil {
		t.loadsChanged = map[core.ID]bool{}
	}
	t.loads[engineer], t.loadsChanged[engineer], t.dirty = n, true, true
	return nil // written once, when the transaction finishes
}

// load is an engineer's load, read once a read-write transaction.
func (t *tx) load(engineer core.ID) (int64, error) {
	if n, ok := t.loads[engineer]; ok {
		return n, nil
	}
	var n int64
	err := t.queryRow(`SELECT n FROM engineer_load WHERE engineer_id = $1`, engineer).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		n, err = 0, nil
	}
	if err == nil && t.writable {
		if t.loads == nil {
			t.loads = map[core.ID]int64{}
		}
		t.loads[engineer] = n
	}
	return n, err
}

func (t *tx) EngineerLoad(engineer core.ID) (int, error) {
	n, err := t.load(engineer)
	return int(n), err
}

func (t *tx) WorkOrder(id core.ID) (core.WorkOrder, error) {
	return one[core.WorkOrder](t, notFound("There is no work order %d.", id), `SELECT doc FROM work_orders WHERE id = $1`, id)
}

func (t *tx) WorkOrderVersion(id core.ID) (uint64, error) {
	var v int64
	err := t.queryRow(`SELECT (doc->>'version')::bigint FROM work_orders WHERE id = $1`, id).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, core.NotFoundf("There is no work order %d.", id)
	}
	return uint64(v), err
}

func (t *tx) WorkOrderByNumber(number string) (core.WorkOrder, error) {
	return one[core.WorkOrder](t, notFound("There is no work order %s.", number), `SELECT doc FROM work_orders WHERE number = $1`, number)
}

// CountWorkOrders is the work orders' id counter: work orders are never
// deleted, so the last id assigned is the count.
func (t *tx) CountWorkOrders() (int, error) {
	n, err := t.counter("work_orders")
	return int(n), err
}

func (t *tx) WorkOrderIDs(status core.Status, node core.Node) ([]core.ID, error) {
	rows, err := t.query(`SELECT id FROM work_orders WHERE status = $1 AND node = $2 ORDER BY id`, string(status), string(node))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[core.ID])
}

func (t *tx) WorkOrdersOwnedBy(owner core.ID, limit int) ([]core.ID, error) {
	if owner == 0 {
		return []core.ID{}, nil
	}
	q := `SELECT id FROM work_orders WHERE doc->>'out_owner' IS NOT NULL AND (doc->>'out_owner')::bigint = $1 ORDER BY id DESC`
	args := []any{int64(owner)}
	if limit > 0 {
		q += ` LIMIT $2`
		args = append(args, limit)
	}
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[core.ID])
}

// filters is the WHERE clause of q's status and node, with its arguments.
func filters(q core.WorkOrderQuery) (string, []any) {
	var where []string
	var args []any
	if q.Status != "" {
		args = append(args, string(q.Status))
		where = append(where, fmt.Sprintf("status = $%d", len(args)))
	}
	if q.Node != "" {
		args = append(args, string(q.Node))
		where = append(where, fmt.Sprintf("node = $%d", len(args)))
	}
	if len(where) == 0 {
		return "TRUE", args
	}
	return strings.Join(where, " AND "), args
}

// QueryWorkOrders pages in SQL when the query is plain (newest first, no
// text); otherwise the rows that pass the filters and contain the text are
// read, checked with the query's own Matches, sorted with its Compare and
// sliced — the same answer as the bbolt store's.
func (t *tx) QueryWorkOrders(q core.WorkOrderQuery) (core.WorkOrderPage, error) {
	where, args := filters(q)
	var page core.WorkOrderPage
	if q.Plain() {
		if err := t.queryRow(`SELECT count(*) FROM work_orders WHERE `+where, args...).Scan(&page.Total); err != nil {
			return page, err
		}
		sql := `SELECT engineer_id, row FROM work_orders WHERE ` + where + ` ORDER BY id DESC`
		if q.Limit > 0 {
			sql += fmt.Sprintf(" LIMIT %d", q.Limit)
		}
		if q.Offset > 0 {
			sql += fmt.Sprintf(" OFFSET %d", q.Offset)
		}
		rows, err := t.rows(sql, args...)
		page.Rows = rows
		return page, err
	}
	needle := q.SearchNeedle()
	if needle != "" {
		args = append(args, searchable(needle))
		where += fmt.Sprintf(" AND strpos(search, $%d) > 0", len(args))
	}
	all, err := t.rows(`SELECT engineer_id, row FROM work_orders WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return page, err
	}
	type keyed struct {
		k core.RowKey
		r *core.WorkOrderRow
	}
	var matches []keyed
	for i := range all {
		if q.Matches(&all[i], needle) {
			matches = append(matches, keyed{q.Key(&all[i]), &all[i]})
		}
	}
	slices.SortFunc(matches, func(a, b keyed) int { return q.Compare(a.k, b.k) })
	page.Total = len(matches)
	lo := min(q.Offset, len(matches))
	hi := len(matches)
	if q.Limit > 0 {
		hi = min(lo+q.Limit, hi)
	}
	page.Rows = make([]core.WorkOrderRow, 0, hi-lo)
	for _, m := range matches[lo:hi] {
		page.Rows = append(page.Rows, *m.r)
	}
	return page, nil
}

// searchable is a search text (or needle) as a text column can hold it: the
// NULs that part its fields become U+001F. The SQL match only narrows;
// the query's own Matches decides.
func searchable(s string) string { return strings.ReplaceAll(s, "\x00", "\x1f") }

// rows reads (engineer_id, row) pairs into list rows.
func (t *tx) rows(sql string, args ...any) ([]core.WorkOrderRow, error) {
	rs, err := t.query(sql, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []core.WorkOrderRow
	for rs.Next() {
		var eng core.ID
		var raw []byte
		if err := rs.Scan(&eng, &raw); err != nil {
			return nil, err
		}
		var r core.WorkOrderRow
		if err := decode(raw, &r); err != nil {
			return nil, fmt.Errorf("postgres: a work-order row is unreadable: %w", err)
		}
		r.EngineerID = eng
		out = append(out, r)
	}
	return out, rs.Err()
}

// --- history

func (t *tx) AppendEvent(wo core.ID, e core.Event) error {
	seq, err := t.nextID("events")
	if err != nil {
		return err
	}
	raw, err := encode(e)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO events (wo_id, seq, doc) VALUES ($1, $2, $3)`, wo, seq, raw)
}

func (t *tx) Events(wo core.ID) ([]core.Event, error) {
	return many[core.Event](t, `SELECT doc FROM events WHERE wo_id = $1 ORDER BY seq`, wo)
}

func (t *tx) LastEvent(wo core.ID) (core.Event, error) {
	return one[core.Event](t, notFound("Work order %d has no history.", wo), `SELECT doc FROM events WHERE wo_id = $1 ORDER BY seq DESC LIMIT 1`, wo)
}

// --- engineers' task inboxes

func (t *tx) PutTask(task *core.Task) error {
	if err := t.assign("tasks", &task.ID); err != nil {
		return err
	}
	raw, err := encode(task)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO tasks (id, engineer_id, doc) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET engineer_id = excluded.engineer_id, doc = excluded.doc`, task.ID, task.EngineerID, raw)
}

func (t *tx) Tasks(engineer core.ID) ([]core.Task, error) {
	return many[core.Task](t, `SELECT doc FROM tasks WHERE engineer_id = $1 ORDER BY id DESC`, engineer)
}

// --- dispatch rules

func (t *tx) PutRule(r *core.Rule) error {
	if err := t.assign("rules", &r.ID); err != nil {
		return err
	}
	raw, err := encode(r)
	if err != nil {
		return err
	}
	if err := t.exec(`INSERT INTO rules (id, kind, doc) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, doc = excluded.doc`, r.ID, string(r.Kind), raw); err != nil {
		return err
	}
	if err := t.exec(`DELETE FROM rule_next WHERE id = $1`, r.ID); err != nil {
		return err
	}
	return t.bumpDispatchGen()
}

func (t *tx) PutRulePointer(id core.ID, next int) error {
	return t.exec(`INSERT INTO rule_next (id, next) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET next = excluded.next`, id, next)
}

func (t *tx) RulePointer(id core.ID) (int, bool, error) {
	rows, err := t.query(`SELECT next FROM rule_next WHERE id = $1`, id)
	if err != nil {
		return 0, false, err
	}
	defer rows.Close()
	if !rows.Next() {
		return 0, false, rows.Err()
	}
	var next int
	if err := rows.Scan(&next); err != nil {
		return 0, false, err
	}
	return next, true, rows.Err()
}

func (t *tx) RulePointers() (map[core.ID]int, error) {
	rows, err := t.query(`SELECT id, next FROM rule_next`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[core.ID]int{}
	for rows.Next() {
		var id core.ID
		var next int
		if err := rows.Scan(&id, &next); err != nil {
			return nil, err
		}
		out[id] = next
	}
	return out, rows.Err()
}

func (t *tx) Rule(id core.ID) (core.Rule, error) {
	r, err := one[core.Rule](t, notFound("There is no rule %d.", id), `SELECT doc FROM rules WHERE id = $1`, id)
	if err != nil {
		return r, err
	}
	var next int
	switch err := t.queryRow(`SELECT next FROM rule_next WHERE id = $1`, id).Scan(&next); {
	case err == nil:
		r.Next = next
	case !errors.Is(err, pgx.ErrNoRows):
		return r, err
	}
	return r, nil
}

func (t *tx) Rules(kind core.RuleKind) ([]core.Rule, error) {
	rs, err := many[core.Rule](t, `SELECT doc FROM rules WHERE kind = $1 ORDER BY id`, string(kind))
	if err != nil {
		return nil, err
	}
	next, err := t.RulePointers()
	if err != nil {
		return nil, err
	}
	for i := range rs {
		if n, ok := next[rs[i].ID]; ok {
			rs[i].Next = n
		}
	}
	core.SortRules(rs)
	return rs, nil
}

func (t *tx) DeleteRule(id core.ID) error {
	tag, err := t.execNow(`DELETE FROM rules WHERE id = $1`, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return core.NotFoundf("There is no rule %d.", id)
	}
	if err := t.exec(`DELETE FROM rule_next WHERE id = $1`, id); err != nil {
		return err
	}
	return t.bumpDispatchGen()
}
