package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"switchboard/core"
)

// evalTimeKey is the submission time (big-endian Unix nanos) ‖ evaluation id,
// so a cursor walks a period's evaluations in order.
func evalTimeKey(at time.Time, id core.ID) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(at.UnixNano()))
	binary.BigEndian.PutUint64(k[8:], uint64(id))
	return k
}

// Flags of an evaluation report row (its last byte; rows written before
// they existed have none and are rewritten by a migration).
const (
	evalRowIdentified = 1 << iota
	evalRowRepeat
)

// encodeEvalRow packs the report row kept as the time index's value: work
// order, engineer and provider ids, score and scale, the two type names and
// the flags.
func encodeEvalRow(r core.EvaluationRow) []byte {
	rt, et := clip255(r.RecordType), clip255(r.Type)
	var flags byte
	if r.Identified {
		flags |= evalRowIdentified
	}
	if r.Repeat {
		flags |= evalRowRepeat
	}
	b := make([]byte, 0, 8*3+2+2+len(rt)+len(et)+1)
	b = binary.BigEndian.AppendUint64(b, uint64(r.WorkOrder))
	b = binary.BigEndian.AppendUint64(b, uint64(r.Engineer))
	b = binary.BigEndian.AppendUint64(b, uint64(r.Provider))
	b = append(b, byte(max(0, min(255, r.Score))), byte(max(0, min(255, r.Scale))))
	b = append(b, byte(len(rt)))
	b = append(b, rt...)
	b = append(b, byte(len(et)))
	b = append(b, et...)
	return append(b, flags)
}

func clip255(s string) string {
	if len(s) > 255 {
		return s[:255]
	}
	return s
}

var errEvalRow = errors.New("store: an evaluation report row is truncated")

// interner hands out one string per distinct type name, so a report over a
// hundred thousand rows allocates a handful of strings rather than two per row.
type interner map[string]string

func (in interner) get(b []byte) string {
	if s, ok := in[string(b)]; ok { // no allocation for the lookup
		return s
	}
	s := string(b)
	if len(in) < 1024 {
		in[s] = s
	}
	return s
}

// decodeEvalRow unpacks a time-index entry into r.
func decodeEvalRow(k, v []byte, r *core.EvaluationRow, names interner) error {
	if len(k) != 16 || len(v) < 8*3+3 {
		return errEvalRow
	}
	r.At = time.Unix(0, int64(binary.BigEndian.Uint64(k))).UTC()
	r.ID = core.ID(binary.BigEndian.Uint64(k[8:]))
	r.WorkOrder = core.ID(binary.BigEndian.Uint64(v))
	r.Engineer = core.ID(binary.BigEndian.Uint64(v[8:]))
	r.Provider = core.ID(binary.BigEndian.Uint64(v[16:]))
	r.Score, r.Scale = int(v[24]), int(v[25])
	v = v[26:]
	n := int(v[0])
	if len(v) < 1+n+1 {
		return errEvalRow
	}
	r.RecordType = names.get(v[1 : 1+n])
	v = v[1+n:]
	m := int(v[0])
	if len(v) < 1+m {
		return errEvalRow
	}
	r.Type = names.get(v[1 : 1+m])
	r.Identified, r.Repeat = false, false
	if len(v) > 1+m {
		f := v[1+m]
		r.Identified, r.Repeat = f&evalRowIdentified != 0, f&evalRowRepeat != 0
	}
	return nil
}

func (t *tx) PutEvaluation(e *core.Evaluation) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	if e.WorkOrderID == 0 || e.SubmittedAt.IsZero() {
		return fmt.Errorf("store: an evaluation needs a work order and a submission time")
	}
	var old *core.Evaluation
	if e.ID != 0 {
		if o, err := t.Evaluation(e.ID); err == nil {
			old = &o
		}
	}
	b := t.b(bucketEvaluations)
	if t.tx.Writable() {
		b.FillPercent = appendFill // ids only grow
	}
	if err := put(t, bucketEvaluations, &e.ID, e); err != nil {
		return err
	}
	if old != nil {
		if err := t.b(bucketEvalByTime).Delete(evalTimeKey(old.SubmittedAt, old.ID)); err != nil {
			return err
		}
		if err := t.b(bucketEvalByWO).Delete(pairKey(old.WorkOrderID, old.ID)); err != nil {
			return err
		}
		if old.EngineerID != 0 {
			if err := t.b(bucketEvalByEngineer).Delete(pairKey(old.EngineerID, old.ID)); err != nil {
				return err
			}
		}
	}
	if err := t.b(bucketEvalByTime).Put(evalTimeKey(e.SubmittedAt, e.ID), encodeEvalRow(e.Row())); err != nil {
		return err
	}
	if err := t.b(bucketEvalByWO).Put(pairKey(e.WorkOrderID, e.ID), nil); err != nil {
		return err
	}
	if e.EngineerID != 0 {
		return t.b(bucketEvalByEngineer).Put(pairKey(e.EngineerID, e.ID), nil)
	}
	return nil
}

func (t *tx) Evaluation(id core.ID) (core.Evaluation, error) {
	return get[core.Evaluation](t, bucketEvaluations, id, "evaluation")
}

func (t *tx) EvaluationsFor(wo core.ID) ([]core.Evaluation, error) {
	p := itob(wo)
	var out []core.Evaluation
	c := t.b(bucketEvalByWO).Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		e, err := t.Evaluation(btoi(k[8:]))
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func (t *tx) EvaluationsByEngineer(engineer core.ID, limit int) ([]core.Evaluation, error) {
	p := itob(engineer)
	var out []core.Evaluation
	c := t.b(bucketEvalByEngineer).Cursor()
	for k := lastOf(c, engineer); k != nil && bytes.HasPrefix(k, p) && (limit <= 0 || len(out) < limit); k, _ = c.Prev() {
		e, err := t.Evaluation(btoi(k[8:]))
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func (t *tx) ScanEvaluationRows(from, to time.Time, fn func(core.EvaluationRow) bool) error {
	var r core.EvaluationRow
	names := interner{}
	c := t.b(bucketEvalByTime).Cursor()
	start := evalTimeKey(from, 0)
	if from.IsZero() {
		start = nil
	}
	var end uint64 = 1<<64 - 1
	if !to.IsZero() {
		end = uint64(to.UnixNano())
	}
	var k, v []byte
	if start == nil {
		k, v = c.First()
	} else {
		k, v = c.Seek(start)
	}
	for ; k != nil; k, v = c.Next() {
		if binary.BigEndian.Uint64(k) >= end {
			return nil
		}
		if err := decodeEvalRow(k, v, &r, names); err != nil {
			return fmt.Errorf("%w (key %x)", err, k)
		}
		if !fn(r) {
			return nil
		}
	}
	return nil
}

func (t *tx) PutEvaluationRequest(r *core.EvaluationRequest) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	if r.WorkOrder == 0 {
		return fmt.Errorf("store: an evaluation request needs a work order")
	}
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return t.b(bucketEvalRequests).Put(itob(r.WorkOrder), raw)
}

func (t *tx) EvaluationRequest(wo core.ID) (core.EvaluationRequest, error) {
	return get[core.EvaluationRequest](t, bucketEvalRequests, wo, "evaluation request for work order")
}
