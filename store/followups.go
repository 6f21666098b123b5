package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"switchboard/core"
	"switchboard/store/internal/recordtext"
)

// queueKey is agent 0x00 due ‖ id: one agent's open tasks are a contiguous
// range in due-time order, so "next call" is a seek.
func queueKey(agent string, at time.Time, id core.ID) []byte {
	return append(indexPrefix(agent), dueKey(at, id)...)
}

// holdValue is the value of a task's queue index entries: its NotBefore as
// big-endian Unix nanos, or empty when it is not held back. With it a queue is
// counted (total, overdue, waiting) from its index alone.
func holdValue(notBefore *time.Time) []byte {
	if notBefore == nil {
		return []byte{}
	}
	v := make([]byte, 8)
	binary.BigEndian.PutUint64(v, uint64(max(notBefore.UnixNano(), 0)))
	return v
}

// queueEntry decodes an index entry whose key ends in due ‖ id.
func queueEntry(k, v []byte) core.FollowUpQueueEntry {
	n := len(k)
	e := core.FollowUpQueueEntry{
		ID:    btoi(k[n-8:]),
		DueAt: time.Unix(0, int64(binary.BigEndian.Uint64(k[n-16:n-8]))).UTC(),
	}
	if len(v) == 8 {
		nb := time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC()
		e.NotBefore = &nb
	}
	return e
}

func (t *tx) PutFollowUpTask(f *core.FollowUpTask) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	if f.WorkOrderID == 0 || strings.ContainsRune(f.Agent, 0) {
		return fmt.Errorf("store: a follow-up task needs a work order and an agent login without NUL")
	}
	if f.ID != 0 {
		old, err := t.FollowUpTask(f.ID)
		if err == nil {
			if err := t.b(bucketFollowUpQueue).Delete(queueKey(old.Agent, old.DueAt, old.ID)); err != nil {
				return err
			}
			if err := t.b(bucketFollowUpDue).Delete(dueKey(old.DueAt, old.ID)); err != nil {
				return err
			}
		} else if !errors.Is(err, core.ErrNotFound) {
			return err
		}
	}
	if err := put(t, bucketFollowUps, &f.ID, f); err != nil {
		return err
	}
	if err := t.b(bucketFollowUpByWO).Put(pairKey(f.WorkOrderID, f.ID), nil); err != nil {
		return err
	}
	if f.Status != core.FollowUpOpen {
		return nil
	}
	hold := holdValue(f.NotBefore)
	if err := t.b(bucketFollowUpQueue).Put(queueKey(f.Agent, f.DueAt, f.ID), hold); err != nil {
		return err
	}
	return t.b(bucketFollowUpDue).Put(dueKey(f.DueAt, f.ID), hold)
}

func (t *tx) FollowUpTask(id core.ID) (core.FollowUpTask, error) {
	return get[core.FollowUpTask](t, bucketFollowUps, id, "follow-up task")
}

func (t *tx) FollowUpTasksFor(wo core.ID) ([]core.FollowUpTask, error) {
	p := itob(wo)
	var out []core.FollowUpTask
	c := t.b(bucketFollowUpByWO).Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		f, err := t.FollowUpTask(btoi(k[8:]))
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func (t *tx) ScanFollowUpQueue(agent string, all bool, fn func(core.FollowUpQueueEntry) bool) error {
	var c interface {
		Seek([]byte) ([]byte, []byte)
		Next() ([]byte, []byte)
	}
	var prefix []byte
	if all {
		c = t.b(bucketFollowUpDue).Cursor()
	} else {
		prefix = indexPrefix(agent)
		c = t.b(bucketFollowUpQueue).Cursor()
	}
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) < len(prefix)+16 {
			return fmt.Errorf("store: follow-up queue index key %x is malformed", k)
		}
		if !fn(queueEntry(k, v)) {
			return nil
		}
	}
	return nil
}

func (t *tx) FollowUpTaskMentioning(id core.ID, text string) (core.FollowUpTask, bool, error) {
	raw := t.b(bucketFollowUps).Get(itob(id))
	if raw == nil {
		return core.FollowUpTask{}, false, core.NotFoundf("There is no follow-up task %d.", id)
	}
	if !recordtext.MayMention(raw, text) {
		return core.FollowUpTask{}, false, nil
	}
	var f core.FollowUpTask // declared here: decoding puts it on the heap
	if err := json.Unmarshal(raw, &f); err != nil {
		return f, false, fmt.Errorf("store: follow-up task %d is unreadable: %w", id, err)
	}
	return f, true, nil
}

func teamKey(name string) []byte { return []byte(strings.ToLower(strings.TrimSpace(name))) }

func (t *tx) PutFollowUpTeam(f *core.FollowUpTeam) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	if strings.TrimSpace(f.Name) == "" {
		return fmt.Errorf("store: a follow-up team needs a name")
	}
	raw, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return t.b(bucketFollowUpTeams).Put(teamKey(f.Name), raw)
}

func (t *tx) FollowUpTeam(name string) (core.FollowUpTeam, error) {
	var f core.FollowUpTeam
	raw := t.b(bucketFollowUpTeams).Get(teamKey(name))
	if raw == nil {
		return f, core.NotFoundf("There is no follow-up team %q.", name)
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return f, fmt.Errorf("store: follow-up team %q is unreadable: %w", name, err)
	}
	return f, nil
}

func (t *tx) FollowUpTeams() ([]core.FollowUpTeam, error) {
	var out []core.FollowUpTeam
	err := t.b(bucketFollowUpTeams).ForEach(func(k, raw []byte) error {
		var f core.FollowUpTeam
		if err := json.Unmarshal(raw, &f); err != nil {
			return fmt.Errorf("store: follow-up team %q is unreadable: %w", k, err)
		}
		out = append(out, f)
		return nil
	})
	return out, err
}

func (t *tx) DeleteFollowUpTeam(name string) error {
	return t.b(bucketFollowUpTeams).Delete(teamKey(name))
}

func (t *tx) PutAbsence(a core.Absence) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	raw, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return t.b(bucketFollowUpAbsence).Put([]byte(a.Login), raw)
}

func (t *tx) DeleteAbsence(login string) error {
	return t.b(bucketFollowUpAbsence).Delete([]byte(login))
}

func (t *tx) Absences() ([]core.Absence, error) {
	var out []core.Absence
	err := t.b(bucketFollowUpAbsence).ForEach(func(k, raw []byte) error {
		var a core.Absence
		if err := json.Unmarshal(raw, &a); err != nil {
			return fmt.Errorf("store: absence of %q is unreadable: %w", k, err)
		}
		out = append(out, a)
		return nil
	})
	return out, err
}
