package postgres

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"switchboard/core"
	"switchboard/store/internal/recordtext"
)

// nanos is t as the bbolt store's keys order it: Unix nanoseconds, not
// before 1970.
func nanos(t time.Time) int64 { return max(t.UnixNano(), 0) }

// --- customer links and devices

func (t *tx) PutLink(l *core.Link) error {
	if len(l.Hash) != 32 {
		return fmt.Errorf("store: a link is keyed by a 32-byte SHA-256, not %d bytes", len(l.Hash))
	}
	raw, err := encode(l)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO links (hash, wo_id, doc) VALUES ($1, $2, $3)
		ON CONFLICT (hash) DO UPDATE SET wo_id = excluded.wo_id, doc = excluded.doc`, l.Hash, l.WorkOrder, raw)
}

func (t *tx) Link(hash []byte) (core.Link, error) {
	l, err := one[core.Link](t, notFound("There is no such link."), `SELECT doc FROM links WHERE hash = $1`, hash)
	if err == nil {
		l.Hash = append([]byte(nil), hash...)
	}
	return l, err
}

func (t *tx) LinksFor(wo core.ID) ([]core.Link, error) {
	rows, err := t.query(`SELECT hash, doc FROM links WHERE wo_id = $1 AND wo_id <> 0 ORDER BY hash`, wo)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.Link
	for rows.Next() {
		var hash, raw []byte
		if err := rows.Scan(&hash, &raw); err != nil {
			return nil, err
		}
		var l core.Link
		if err := decode(raw, &l); err != nil {
			return nil, fmt.Errorf("postgres: a link is unreadable: %w", err)
		}
		l.Hash = hash
		out = append(out, l)
	}
	return out, rows.Err()
}

func (t *tx) PutDevice(d *core.Device) error {
	if d.Code == "" {
		return fmt.Errorf("store: a device needs a code")
	}
	raw, err := encode(d)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO devices (code, doc) VALUES ($1, $2) ON CONFLICT (code) DO UPDATE SET doc = excluded.doc`, d.Code, raw)
}

func (t *tx) Device(code string) (core.Device, error) {
	return one[core.Device](t, notFound("There is no device %s.", code), `SELECT doc FROM devices WHERE code = $1`, code)
}

func (t *tx) Devices() ([]core.Device, error) {
	return many[core.Device](t, `SELECT doc FROM devices ORDER BY code`)
}

// --- the outbox

func (t *tx) PutMessage(m *core.Message) error {
	if m.ID != 0 && !t.loading {
		var exists bool
		if err := t.queryRow(`SELECT EXISTS (SELECT 1 FROM outbox WHERE id = $1)`, m.ID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return core.NotFoundf("There is no outbox message %d.", m.ID)
		}
	}
	if err := t.assign("outbox", &m.ID); err != nil {
		return err
	}
	raw, err := encode(m)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO outbox (id, key, state, wo_id, grp, live, next_at, doc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET key = excluded.key, state = excluded.state, wo_id = excluded.wo_id, grp = excluded.grp,
			live = excluded.live, next_at = excluded.next_at, doc = excluded.doc`,
		m.ID, m.Key, string(m.State), m.WorkOrderID, m.Group, m.State.Live(), nanos(m.NextAt), raw)
}

func (t *tx) Message(id core.ID) (core.Message, error) {
	return one[core.Message](t, notFound("There is no outbox message %d.", id), `SELECT doc FROM outbox WHERE id = $1`, id)
}

func (t *tx) MessageByKey(key string) (core.Message, error) {
	return one[core.Message](t, notFound("There is no outbox message with key %q.", key),
		`SELECT doc FROM outbox WHERE key = $1 AND key <> '' ORDER BY id DESC LIMIT 1`, key)
}

func (t *tx) DueMessages(now time.Time, limit int) ([]core.Message, error) {
	q := `SELECT doc FROM outbox WHERE live AND next_at <= $1 ORDER BY next_at, id`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	return many[core.Message](t, q, nanos(now))
}

// Messages walks the narrowest index newest first, as the bbolt store does,
// and keeps the messages q matches, up to its limit.
func (t *tx) Messages(q core.MessageQuery) ([]core.Message, error) {
	sql, arg := `SELECT doc FROM outbox WHERE TRUE`, any(nil)
	switch {
	case q.Group != 0:
		sql, arg = `SELECT doc FROM outbox WHERE grp = $1`, q.Group
	case q.WorkOrder != 0:
		sql, arg = `SELECT doc FROM outbox WHERE wo_id = $1`, q.WorkOrder
	case q.State != "":
		sql, arg = `SELECT doc FROM outbox WHERE state = $1`, string(q.State)
	}
	var args []any
	if arg != nil {
		args = append(args, arg)
	}
	rows, err := t.query(sql+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.Message
	for rows.Next() && (q.Limit <= 0 || len(out) < q.Limit) {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		var m core.Message
		if err := decode(raw, &m); err != nil {
			return nil, fmt.Errorf("postgres: an outbox message is unreadable: %w", err)
		}
		if q.Matches(&m) {
			out = append(out, m)
		}
	}
	return out, rows.Err()
}

// --- node timers

func (t *tx) PutTimer(tm core.Timer) error {
	if tm.WorkOrder == 0 || tm.At.IsZero() {
		return fmt.Errorf("store: a timer needs a work order and a due time")
	}
	raw, err := encode(tm)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO timers (at, wo_id, doc) VALUES ($1, $2, $3) ON CONFLICT (at, wo_id) DO UPDATE SET doc = excluded.doc`,
		tm.At.UnixNano(), tm.WorkOrder, raw)
}

func (t *tx) DeleteTimer(at time.Time, wo core.ID) error {
	return t.exec(`DELETE FROM timers WHERE at = $1 AND wo_id = $2`, at.UnixNano(), wo)
}

func (t *tx) DueTimers(now time.Time, limit int) ([]core.Timer, error) {
	q := `SELECT doc FROM timers WHERE at <= $1 ORDER BY at, wo_id`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	return many[core.Timer](t, q, now.UnixNano())
}

func (t *tx) Timers(limit int) ([]core.Timer, error) {
	return t.DueTimers(time.Unix(0, 1<<63-1), limit)
}

// --- service reports

func (t *tx) PutReportDraft(wo core.ID, d *core.ReportDraft) error {
	if d == nil {
		return t.exec(`DELETE FROM report_drafts WHERE wo_id = $1`, wo)
	}
	raw, err := encode(d)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO report_drafts (wo_id, doc) VALUES ($1, $2) ON CONFLICT (wo_id) DO UPDATE SET doc = excluded.doc`, wo, raw)
}

func (t *tx) ReportDraft(wo core.ID) (core.ReportDraft, error) {
	return one[core.ReportDraft](t, notFound("Work order %d has no report draft.", wo), `SELECT doc FROM report_drafts WHERE wo_id = $1`, wo)
}

// signed reports whether a stored report version carries a signature.
func signed(raw []byte) (bool, error) {
	var r struct {
		Signature json.RawMessage `json:"signature"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return false, err
	}
	return len(r.Signature) > 0 && string(r.Signature) != "null", nil
}

func (t *tx) PutReport(r *core.ServiceReport) error {
	if r.WorkOrderID == 0 || r.Version < 1 {
		return fmt.Errorf("store: a report version needs its work order and a version from 1, not %d/%d", r.WorkOrderID, r.Version)
	}
	var wasSigned bool
	err := t.queryRow(`SELECT signed FROM reports WHERE wo_id = $1 AND version = $2`, r.WorkOrderID, r.Version).Scan(&wasSigned)
	switch {
	case err == nil:
		if wasSigned {
			return fmt.Errorf("report v%d of %s is signed and cannot be changed; a change must be a new version: %w", r.Version, r.Number, core.ErrReportLocked)
		}
	case errors.Is(err, pgx.ErrNoRows):
		var latest int
		if err := t.queryRow(`SELECT coalesce(max(version), 0) FROM reports WHERE wo_id = $1`, r.WorkOrderID).Scan(&latest); err != nil {
			return err
		}
		if r.Version != latest+1 {
			return fmt.Errorf("store: report v%d of work order %d cannot be added: the next version is %d", r.Version, r.WorkOrderID, latest+1)
		}
	default:
		return err
	}
	raw, err := encode(r)
	if err != nil {
		return err
	}
	isSigned, err := signed(raw)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO reports (wo_id, version, signed, doc) VALUES ($1, $2, $3, $4)
		ON CONFLICT (wo_id, version) DO UPDATE SET signed = excluded.signed, doc = excluded.doc`, r.WorkOrderID, r.Version, isSigned, raw)
}

func (t *tx) Report(wo core.ID, version int) (core.ServiceReport, error) {
	return one[core.ServiceReport](t, notFound("Work order %d has no report version %d.", wo, version),
		`SELECT doc FROM reports WHERE wo_id = $1 AND version = $2`, wo, version)
}

func (t *tx) Reports(wo core.ID) ([]core.ServiceReport, error) {
	return many[core.ServiceReport](t, `SELECT doc FROM reports WHERE wo_id = $1 ORDER BY version`, wo)
}

// --- mail intake

func (t *tx) PutMailRecord(m *core.MailRecord) error {
	if err := t.assign("mail_log", &m.ID); err != nil {
		return err
	}
	raw, err := encode(m)
	if err != nil {
		return err
	}
	if err := t.exec(`INSERT INTO mail_log (id, quarantined, doc) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET quarantined = excluded.quarantined, doc = excluded.doc`,
		m.ID, m.Outcome == core.MailQuarantined, raw); err != nil {
		return err
	}
	if id := core.NormalizeMessageID(m.MessageID); id != "" {
		return t.exec(`INSERT INTO mail_by_msgid (msgid, id) VALUES ($1, $2) ON CONFLICT (msgid) DO NOTHING`, id, m.ID)
	}
	return nil
}

func (t *tx) MailRecord(id core.ID) (core.MailRecord, error) {
	return one[core.MailRecord](t, notFound("There is no mail %d.", id), `SELECT doc FROM mail_log WHERE id = $1`, id)
}

func (t *tx) MailRecordByMessageID(messageID string) (core.MailRecord, error) {
	id := core.NormalizeMessageID(messageID)
	return one[core.MailRecord](t, notFound("No mail with Message-ID %s was received.", messageID),
		`SELECT l.doc FROM mail_by_msgid i JOIN mail_log l ON l.id = i.id WHERE i.msgid = $1 AND i.msgid <> ''`, id)
}

func (t *tx) MailRecords(q core.MailQuery) ([]core.MailRecord, error) {
	sql := `SELECT doc FROM mail_log`
	if q.Quarantined {
		sql += ` WHERE quarantined`
	}
	sql += ` ORDER BY id DESC`
	if q.Limit > 0 {
		sql += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	return many[core.MailRecord](t, sql)
}

func (t *tx) PutMailRaw(id core.ID, raw []byte) error {
	if raw == nil {
		return t.exec(`DELETE FROM mail_raw WHERE id = $1`, id)
	}
	return t.exec(`INSERT INTO mail_raw (id, raw) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET raw = excluded.raw`, id, raw)
}

func (t *tx) MailRaw(id core.ID) ([]byte, error) {
	var raw []byte
	err := t.queryRow(`SELECT raw FROM mail_raw WHERE id = $1`, id).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, core.NotFoundf("The raw bytes of mail %d are not kept.", id)
	}
	if raw == nil && err == nil {
		raw = []byte{}
	}
	return raw, err
}

func (t *tx) PutMailThread(messageID string, wo core.ID) error {
	id := core.NormalizeMessageID(messageID)
	if id == "" {
		return nil
	}
	return t.exec(`INSERT INTO mail_threads (msgid, wo_id) VALUES ($1, $2) ON CONFLICT (msgid) DO UPDATE SET wo_id = excluded.wo_id`, id, wo)
}

func (t *tx) MailThread(messageID string) (core.ID, error) {
	id := core.NormalizeMessageID(messageID)
	var wo core.ID
	err := t.queryRow(`SELECT wo_id FROM mail_threads WHERE msgid = $1 AND msgid <> ''`, id).Scan(&wo)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, core.NotFoundf("No work order has mail %s.", messageID)
	}
	return wo, err
}

// --- attachments

func (t *tx) PutAttachment(a *core.Attachment, data []byte) error {
	if a.WorkOrderID == 0 {
		return fmt.Errorf("store: an attachment needs its work order")
	}
	if err := t.assign("attachments", &a.ID); err != nil {
		return err
	}
	raw, err := encode(a)
	if err != nil {
		return err
	}
	if data == nil {
		data = []byte{}
	}
	return t.exec(`INSERT INTO attachments (id, wo_id, doc, data) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET wo_id = excluded.wo_id, doc = excluded.doc, data = excluded.data`, a.ID, a.WorkOrderID, raw, data)
}

func (t *tx) Attachments(wo core.ID) ([]core.Attachment, error) {
	return many[core.Attachment](t, `SELECT doc FROM attachments WHERE wo_id = $1 ORDER BY id`, wo)
}

func (t *tx) AttachmentData(id core.ID) ([]byte, error) {
	var data []byte
	err := t.queryRow(`SELECT data FROM attachments WHERE id = $1`, id).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, core.NotFoundf("There is no attachment %d.", id)
	}
	if data == nil && err == nil {
		data = []byte{}
	}
	return data, err
}

// --- the integration API

func (t *tx) PutAPIKey(k *core.APIKey) error {
	hash, err := hex.DecodeString(k.Hash)
	if err != nil || len(hash) != 32 {
		return fmt.Errorf("store: an API key is kept by its 32-byte SHA-256, not %q", k.Hash)
	}
	if err := t.assign("api_keys", &k.ID); err != nil {
		return err
	}
	raw, err := encode(k)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO api_keys (id, hash, doc) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, doc = excluded.doc`, k.ID, hash, raw)
}

func (t *tx) APIKey(id core.ID) (core.APIKey, error) {
	return one[core.APIKey](t, notFound("There is no API key %d.", id), `SELECT doc FROM api_keys WHERE id = $1`, id)
}

func (t *tx) APIKeyByHash(hash []byte) (core.APIKey, error) {
	if len(hash) == 0 {
		return core.APIKey{}, core.NotFoundf("There is no such API key.")
	}
	return one[core.APIKey](t, notFound("There is no such API key."), `SELECT doc FROM api_keys WHERE hash = $1 ORDER BY id DESC LIMIT 1`, hash)
}

func (t *tx) APIKeys() ([]core.APIKey, error) {
	return many[core.APIKey](t, `SELECT doc FROM api_keys ORDER BY id`)
}

func (t *tx) PutIdempotency(r *core.IdempotencyRecord) error {
	if r.Key == "" || r.APIKey == 0 {
		return fmt.Errorf("store: an idempotency record needs its API key and key")
	}
	meta := *r
	meta.Body = nil
	raw, err := encode(&meta)
	if err != nil {
		return err
	}
	body := r.Body
	if body == nil {
		body = []byte{}
	}
	return t.exec(`INSERT INTO idempotency (api_key, key, at, doc, body) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (api_key, key) DO UPDATE SET at = excluded.at, doc = excluded.doc, body = excluded.body`,
		r.APIKey, r.Key, nanos(r.At), raw, body)
}

func (t *tx) Idempotency(apiKey core.ID, key string) (core.IdempotencyRecord, error) {
	var r core.IdempotencyRecord
	var raw, body []byte
	err := t.queryRow(`SELECT doc, body FROM idempotency WHERE api_key = $1 AND key = $2`, apiKey, key).Scan(&raw, &body)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, core.NotFoundf("No request was made with Idempotency-Key %q.", key)
	}
	if err != nil {
		return r, err
	}
	if err := decode(raw, &r); err != nil {
		return r, fmt.Errorf("store: idempotency record %q is unreadable: %w", key, err)
	}
	r.Body = body
	return r, nil
}

func (t *tx) PruneIdempotency(before time.Time, limit int) (int, error) {
	tag, err := t.execNow(`DELETE FROM idempotency WHERE (api_key, key) IN (
		SELECT api_key, key FROM idempotency WHERE at < $1 ORDER BY at, api_key, key LIMIT $2)`, nanos(before), limit)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// --- service evaluations

func clip255(s string) string {
	if len(s) > 255 {
		return s[:255]
	}
	return s
}

func (t *tx) PutEvaluation(e *core.Evaluation) error {
	if e.WorkOrderID == 0 || e.SubmittedAt.IsZero() {
		return fmt.Errorf("store: an evaluation needs a work order and a submission time")
	}
	if err := t.assign("evaluations", &e.ID); err != nil {
		return err
	}
	raw, err := encode(e)
	if err != nil {
		return err
	}
	r := e.Row()
	// The report row as the bbolt store keeps it: scores in a byte, names
	// cut at 255 bytes.
	return t.exec(`INSERT INTO evaluations (id, wo_id, engineer_id, provider_id, submitted, score, scale, record_type, type, identified, repeat, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (id) DO UPDATE SET wo_id = excluded.wo_id, engineer_id = excluded.engineer_id, provider_id = excluded.provider_id,
			submitted = excluded.submitted, score = excluded.score, scale = excluded.scale, record_type = excluded.record_type,
			type = excluded.type, identified = excluded.identified, repeat = excluded.repeat, doc = excluded.doc`,
		e.ID, e.WorkOrderID, e.EngineerID, r.Provider, e.SubmittedAt.UnixNano(), max(0, min(255, r.Score)), max(0, min(255, r.Scale)),
		clip255(r.RecordType), clip255(r.Type), r.Identified, r.Repeat, raw)
}

func (t *tx) Evaluation(id core.ID) (core.Evaluation, error) {
	return one[core.Evaluation](t, notFound("There is no evaluation %d.", id), `SELECT doc FROM evaluations WHERE id = $1`, id)
}

func (t *tx) EvaluationsFor(wo core.ID) ([]core.Evaluation, error) {
	return many[core.Evaluation](t, `SELECT doc FROM evaluations WHERE wo_id = $1 ORDER BY id`, wo)
}

func (t *tx) EvaluationsByEngineer(engineer core.ID, limit int) ([]core.Evaluation, error) {
	q := `SELECT doc FROM evaluations WHERE engineer_id = $1 AND engineer_id <> 0 ORDER BY id DESC`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	return many[core.Evaluation](t, q, engineer)
}

func (t *tx) ScanEvaluationRows(from, to time.Time, fn func(core.EvaluationRow) bool) error {
	lo, hi := int64(0), int64(1<<63-1)
	if !from.IsZero() {
		lo = from.UnixNano()
	}
	if !to.IsZero() {
		hi = to.UnixNano()
	}
	rows, err := t.query(`SELECT id, submitted, wo_id, engineer_id, provider_id, score, scale, record_type, type, identified, repeat
		FROM evaluations WHERE submitted >= $1 AND submitted < $2 ORDER BY submitted, id`, lo, hi)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r core.EvaluationRow
		var at int64
		if err := rows.Scan(&r.ID, &at, &r.WorkOrder, &r.Engineer, &r.Provider, &r.Score, &r.Scale, &r.RecordType, &r.Type, &r.Identified, &r.Repeat); err != nil {
			return err
		}
		r.At = time.Unix(0, at).UTC()
		if !fn(r) {
			return nil
		}
	}
	return rows.Err()
}

func (t *tx) PutEvaluationRequest(r *core.EvaluationRequest) error {
	if r.WorkOrder == 0 {
		return fmt.Errorf("store: an evaluation request needs a work order")
	}
	raw, err := encode(r)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO evaluation_requests (wo_id, doc) VALUES ($1, $2) ON CONFLICT (wo_id) DO UPDATE SET doc = excluded.doc`, r.WorkOrder, raw)
}

func (t *tx) EvaluationRequest(wo core.ID) (core.EvaluationRequest, error) {
	return one[core.EvaluationRequest](t, notFound("There is no evaluation request for work order %d.", wo),
		`SELECT doc FROM evaluation_requests WHERE wo_id = $1`, wo)
}

// --- service follow-up

func (t *tx) PutFollowUpTask(f *core.FollowUpTask) error {
	if f.WorkOrderID == 0 || strings.ContainsRune(f.Agent, 0) {
		return fmt.Errorf("store: a follow-up task needs a work order and an agent login without NUL")
	}
	if err := t.assign("follow_ups", &f.ID); err != nil {
		return err
	}
	raw, err := encode(f)
	if err != nil {
		return err
	}
	var notBefore *int64
	if f.NotBefore != nil {
		nb := nanos(*f.NotBefore)
		notBefore = &nb
	}
	return t.exec(`INSERT INTO follow_ups (id, wo_id, agent, due, open, not_before, doc) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO UPDATE SET wo_id = excluded.wo_id, agent = excluded.agent, due = excluded.due, open = excluded.open,
			not_before = excluded.not_before, doc = excluded.doc`,
		f.ID, f.WorkOrderID, f.Agent, nanos(f.DueAt), f.Status == core.FollowUpOpen, notBefore, raw)
}

func (t *tx) FollowUpTask(id core.ID) (core.FollowUpTask, error) {
	return one[core.FollowUpTask](t, notFound("There is no follow-up task %d.", id), `SELECT doc FROM follow_ups WHERE id = $1`, id)
}

func (t *tx) FollowUpTasksFor(wo core.ID) ([]core.FollowUpTask, error) {
	return many[core.FollowUpTask](t, `SELECT doc FROM follow_ups WHERE wo_id = $1 ORDER BY id`, wo)
}

func (t *tx) ScanFollowUpQueue(agent string, all bool, fn func(core.FollowUpQueueEntry) bool) error {
	q, args := `SELECT id, due, not_before FROM follow_ups WHERE open AND agent = $1 ORDER BY due, id`, []any{agent}
	if all {
		q, args = `SELECT id, due, not_before FROM follow_ups WHERE open ORDER BY due, id`, nil
	}
	rows, err := t.query(q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e core.FollowUpQueueEntry
		var due int64
		var nb *int64
		if err := rows.Scan(&e.ID, &due, &nb); err != nil {
			return err
		}
		e.DueAt = time.Unix(0, due).UTC()
		if nb != nil {
			v := time.Unix(0, *nb).UTC()
			e.NotBefore = &v
		}
		if !fn(e) {
			return nil
		}
	}
	return rows.Err()
}

// FollowUpTaskMentioning looks for text in the task's JSON before decoding it
// (the json column keeps the bytes the service wrote).
func (t *tx) FollowUpTaskMentioning(id core.ID, text string) (core.FollowUpTask, bool, error) {
	var raw []byte
	err := t.queryRow(`SELECT doc FROM follow_ups WHERE id = $1`, id).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return core.FollowUpTask{}, false, core.NotFoundf("There is no follow-up task %d.", id)
	}
	if err != nil || !recordtext.MayMention(raw, text) {
		return core.FollowUpTask{}, false, err
	}
	var f core.FollowUpTask
	if err := decode(raw, &f); err != nil {
		return f, false, fmt.Errorf("postgres: follow-up task %d is unreadable: %w", id, err)
	}
	return f, true, nil
}

func teamKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

func (t *tx) PutFollowUpTeam(f *core.FollowUpTeam) error {
	if strings.TrimSpace(f.Name) == "" {
		return fmt.Errorf("store: a follow-up team needs a name")
	}
	raw, err := encode(f)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO follow_up_teams (name_lower, doc) VALUES ($1, $2) ON CONFLICT (name_lower) DO UPDATE SET doc = excluded.doc`, teamKey(f.Name), raw)
}

func (t *tx) FollowUpTeam(name string) (core.FollowUpTeam, error) {
	return one[core.FollowUpTeam](t, notFound("There is no follow-up team %q.", name), `SELECT doc FROM follow_up_teams WHERE name_lower = $1`, teamKey(name))
}

func (t *tx) FollowUpTeams() ([]core.FollowUpTeam, error) {
	return many[core.FollowUpTeam](t, `SELECT doc FROM follow_up_teams ORDER BY name_lower`)
}

func (t *tx) DeleteFollowUpTeam(name string) error {
	return t.exec(`DELETE FROM follow_up_teams WHERE name_lower = $1`, teamKey(name))
}

func (t *tx) PutAbsence(a core.Absence) error {
	raw, err := encode(a)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO absences (login, doc) VALUES ($1, $2) ON CONFLICT (login) DO UPDATE SET doc = excluded.doc`, a.Login, raw)
}

func (t *tx) DeleteAbsence(login string) error {
	return t.exec(`DELETE FROM absences WHERE login = $1`, login)
}

func (t *tx) Absences() ([]core.Absence, error) {
	return many[core.Absence](t, `SELECT doc FROM absences ORDER BY login`)
}
