package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	"switchboard/core"
)

// reportKey is the work order's id followed by the version, so a work order's
// versions are one contiguous, ordered key range.
func reportKey(wo core.ID, version int) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(wo))
	binary.BigEndian.PutUint64(k[8:], uint64(version))
	return k
}

func (t *tx) PutReportDraft(wo core.ID, d *core.ReportDraft) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	b := t.b(bucketReportDrafts)
	if d == nil {
		return b.Delete(itob(wo))
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return b.Put(itob(wo), raw)
}

func (t *tx) ReportDraft(wo core.ID) (core.ReportDraft, error) {
	var d core.ReportDraft
	raw := t.b(bucketReportDrafts).Get(itob(wo))
	if raw == nil {
		return d, core.NotFoundf("Work order %d has no report draft.", wo)
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return d, fmt.Errorf("store: the report draft of work order %d is unreadable: %w", wo, err)
	}
	return d, nil
}

// PutReport enforces what the store can of R-REP-2: versions are added in order
// and a signed version is never replaced.
func (t *tx) PutReport(r *core.ServiceReport) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	if r.WorkOrderID == 0 || r.Version < 1 {
		return fmt.Errorf("store: a report version needs its work order and a version from 1, not %d/%d", r.WorkOrderID, r.Version)
	}
	b := t.b(bucketReports)
	key := reportKey(r.WorkOrderID, r.Version)
	if old := b.Get(key); old != nil {
		var prev struct {
			Signature json.RawMessage `json:"signature"`
		}
		if err := json.Unmarshal(old, &prev); err != nil {
			return fmt.Errorf("store: report v%d of work order %d is unreadable: %w", r.Version, r.WorkOrderID, err)
		}
		if len(prev.Signature) > 0 && string(prev.Signature) != "null" {
			return fmt.Errorf("report v%d of %s is signed and cannot be changed; a change must be a new version: %w", r.Version, r.Number, core.ErrReportLocked)
		}
	} else {
		latest := 0
		c := b.Cursor()
		prefix := itob(r.WorkOrderID)
		for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
			latest = int(binary.BigEndian.Uint64(k[8:]))
		}
		if r.Version != latest+1 {
			return fmt.Errorf("store: report v%d of work order %d cannot be added: the next version is %d", r.Version, r.WorkOrderID, latest+1)
		}
	}
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

func (t *tx) Report(wo core.ID, version int) (core.ServiceReport, error) {
	var r core.ServiceReport
	raw := t.b(bucketReports).Get(reportKey(wo, version))
	if raw == nil {
		return r, core.NotFoundf("Work order %d has no report version %d.", wo, version)
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, fmt.Errorf("store: report v%d of work order %d is unreadable: %w", version, wo, err)
	}
	return r, nil
}

func (t *tx) Reports(wo core.ID) ([]core.ServiceReport, error) {
	var out []core.ServiceReport
	c := t.b(bucketReports).Cursor()
	prefix := itob(wo)
	for k, raw := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, raw = c.Next() {
		var r core.ServiceReport
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, fmt.Errorf("store: report v%d of work order %d is unreadable: %w", binary.BigEndian.Uint64(k[8:]), wo, err)
		}
		out = append(out, r)
	}
	return out, nil
}
