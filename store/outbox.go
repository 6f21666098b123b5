package store

import (
	"encoding/binary"
	"encoding/json"
	"time"

	"switchboard/core"
)

// dueKey orders live messages by when they are next due.
func dueKey(at time.Time, id core.ID) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(max(at.UnixNano(), 0)))
	binary.BigEndian.PutUint64(k[8:], uint64(id))
	return k
}

func (t *tx) PutMessage(m *core.Message) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	var old core.Message
	isNew := m.ID == 0 || t.loading
	if !isNew {
		var err error
		if old, err = t.Message(m.ID); err != nil {
			return err
		}
	}
	if err := put(t, bucketOutbox, &m.ID, m); err != nil {
		return err
	}
	if !isNew && old.State.Live() {
		if err := t.b(bucketOutboxDue).Delete(dueKey(old.NextAt, m.ID)); err != nil {
			return err
		}
	}
	if m.State.Live() {
		if err := t.b(bucketOutboxDue).Put(dueKey(m.NextAt, m.ID), nil); err != nil {
			return err
		}
	}
	if err := reindex(t, bucketOutboxByState, string(old.State), string(m.State), m.ID); err != nil {
		return err
	}
	if isNew || old.Key != m.Key {
		if old.Key != "" {
			if err := t.b(bucketOutboxByKey).Delete([]byte(old.Key)); err != nil {
				return err
			}
		}
		if m.Key != "" {
			if err := t.b(bucketOutboxByKey).Put([]byte(m.Key), itob(m.ID)); err != nil {
				return err
			}
		}
	}
	if old.WorkOrderID != m.WorkOrderID {
		if old.WorkOrderID != 0 {
			if err := t.b(bucketOutboxByWO).Delete(pairKey(old.WorkOrderID, m.ID)); err != nil {
				return err
			}
		}
		if m.WorkOrderID != 0 {
			if err := t.b(bucketOutboxByWO).Put(pairKey(m.WorkOrderID, m.ID), nil); err != nil {
				return err
			}
		}
	}
	if old.Group != m.Group {
		if old.Group != 0 {
			if err := t.b(bucketOutboxByGroup).Delete(pairKey(old.Group, m.ID)); err != nil {
				return err
			}
		}
		if m.Group != 0 {
			if err := t.b(bucketOutboxByGroup).Put(pairKey(m.Group, m.ID), nil); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *tx) Message(id core.ID) (core.Message, error) {
	return get[core.Message](t, bucketOutbox, id, "outbox message")
}

func (t *tx) MessageByKey(key string) (core.Message, error) {
	id := t.b(bucketOutboxByKey).Get([]byte(key))
	if id == nil {
		return core.Message{}, core.NotFoundf("There is no outbox message with key %q.", key)
	}
	return t.Message(btoi(id))
}

func (t *tx) DueMessages(now time.Time, limit int) ([]core.Message, error) {
	var out []core.Message
	end := uint64(max(now.UnixNano(), 0))
	c := t.b(bucketOutboxDue).Cursor()
	for k, _ := c.First(); k != nil && (limit <= 0 || len(out) < limit); k, _ = c.Next() {
		if binary.BigEndian.Uint64(k) > end {
			break
		}
		m, err := t.Message(btoi(k[8:]))
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// Messages walks the narrowest index q allows, newest first.
func (t *tx) Messages(q core.MessageQuery) ([]core.Message, error) {
	var out []core.Message
	take := func(raw []byte) (bool, error) {
		var m core.Message
		if err := json.Unmarshal(raw, &m); err != nil {
			return false, err
		}
		if q.Matches(&m) {
			out = append(out, m)
		}
		return q.Limit > 0 && len(out) >= q.Limit, nil
	}
	msgs := t.b(bucketOutbox)
	// walkPrefix visits an index's ids under prefix p from the newest.
	walkPrefix := func(index []byte, p []byte) error {
		c := t.b(index).Cursor()
		var k []byte
		// Seek just past the prefix range, then step back.
		end := append(append([]byte(nil), p...), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
		if k, _ = c.Seek(end); k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		for ; k != nil && hasPrefix(k, p); k, _ = c.Prev() {
			raw := msgs.Get(k[len(k)-8:])
			if raw == nil {
				continue
			}
			done, err := take(raw)
			if err != nil || done {
				return err
			}
		}
		return nil
	}
	var err error
	switch {
	case q.Group != 0:
		err = walkPrefix(bucketOutboxByGroup, itob(q.Group))
	case q.WorkOrder != 0:
		err = walkPrefix(bucketOutboxByWO, itob(q.WorkOrder))
	case q.State != "":
		err = walkPrefix(bucketOutboxByState, indexPrefix(string(q.State)))
	default:
		c := msgs.Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var done bool
			if done, err = take(v); err != nil || done {
				break
			}
		}
	}
	return out, err
}
