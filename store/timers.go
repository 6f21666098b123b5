package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"switchboard/core"
)

// timerKey is due time (big-endian Unix nanos) ‖ work order id, so a cursor walks
// timers in due order.
func timerKey(at time.Time, wo core.ID) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(at.UnixNano()))
	binary.BigEndian.PutUint64(k[8:], uint64(wo))
	return k
}

func (t *tx) PutTimer(tm core.Timer) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	if tm.WorkOrder == 0 || tm.At.IsZero() {
		return fmt.Errorf("store: a timer needs a work order and a due time")
	}
	raw, err := json.Marshal(tm)
	if err != nil {
		return err
	}
	return t.b(bucketTimers).Put(timerKey(tm.At, tm.WorkOrder), raw)
}

func (t *tx) DeleteTimer(at time.Time, wo core.ID) error {
	return t.b(bucketTimers).Delete(timerKey(at, wo))
}

func (t *tx) DueTimers(now time.Time, limit int) ([]core.Timer, error) {
	end := uint64(now.UnixNano())
	var out []core.Timer
	c := t.b(bucketTimers).Cursor()
	for k, v := c.First(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Next() {
		if binary.BigEndian.Uint64(k) > end {
			break
		}
		var tm core.Timer
		if err := json.Unmarshal(v, &tm); err != nil {
			return nil, fmt.Errorf("store: timer %x is unreadable: %w", k, err)
		}
		out = append(out, tm)
	}
	return out, nil
}

func (t *tx) Timers(limit int) ([]core.Timer, error) {
	return t.DueTimers(time.Unix(0, 1<<63-1), limit)
}
