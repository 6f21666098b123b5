package store

import (
	"crypto/rand"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"switchboard/core"
)

// PutRule stores a rule whole, its round-robin pointer (Next) included: a
// pointer kept apart by PutRulePointer is folded back into it.
func (t *tx) PutRule(r *core.Rule) error {
	if err := put(t, bucketRules, &r.ID, r); err != nil {
		return err
	}
	if err := t.b(bucketRuleNext).Delete(itob(r.ID)); err != nil {
		return err
	}
	return bumpDispatchGen(t.tx)
}

// PutRulePointer moves a round-robin rule's next-up pointer without
// rewriting the rule, so dispatch's decoded rules stay current.
func (t *tx) PutRulePointer(id core.ID, next int) error {
	return t.b(bucketRuleNext).Put(itob(id), itob(core.ID(next)))
}

// RulePointers are the pointers PutRulePointer moved since their rules were
// last stored whole.
func (t *tx) RulePointers() (map[core.ID]int, error) {
	out := map[core.ID]int{}
	err := t.b(bucketRuleNext).ForEach(func(k, v []byte) error {
		out[btoi(k)] = int(btoi(v))
		return nil
	})
	return out, err
}

func (t *tx) Rule(id core.ID) (core.Rule, error) {
	r, err := get[core.Rule](t, bucketRules, id, "rule")
	if v := t.b(bucketRuleNext).Get(itob(id)); err == nil && v != nil {
		r.Next = int(btoi(v))
	}
	return r, err
}

func (t *tx) Rules(kind core.RuleKind) ([]core.Rule, error) {
	rs, err := all[core.Rule](t, bucketRules)
	if err != nil {
		return nil, err
	}
	next := t.b(bucketRuleNext)
	out := rs[:0]
	for _, r := range rs {
		if r.Kind == kind {
			if v := next.Get(itob(r.ID)); v != nil {
				r.Next = int(btoi(v))
			}
			out = append(out, r)
		}
	}
	core.SortRules(out)
	return out, nil
}

func (t *tx) DeleteRule(id core.ID) error {
	if t.b(bucketRules).Get(itob(id)) == nil {
		return core.NotFoundf("There is no rule %d.", id)
	}
	if err := t.b(bucketRuleNext).Delete(itob(id)); err != nil {
		return err
	}
	if err := t.b(bucketRules).Delete(itob(id)); err != nil {
		return err
	}
	return bumpDispatchGen(t.tx)
}

// DispatchGeneration is the value keyDispatchGen holds now (0 before any change).
func (t *tx) DispatchGeneration() (uint64, error) {
	v := t.b(bucketMeta).Get(keyDispatchGen)
	if len(v) != 8 {
		return 0, nil
	}
	return uint64(btoi(v)), nil
}

// bumpDispatchGen gives keyDispatchGen a new random value: unlike a counter,
// a value from a transaction that rolled back never comes back.
func bumpDispatchGen(t *bolt.Tx) error {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	return t.Bucket(bucketMeta).Put(keyDispatchGen, b[:])
}

// EngineerLoad is the engineer's count of open work orders, kept by
// PutWorkOrder in the engineer_load bucket: O(1), whatever their number.
func (t *tx) EngineerLoad(engineer core.ID) (int, error) {
	v := t.b(bucketEngineerLoad).Get(itob(engineer))
	if v == nil {
		return 0, nil
	}
	return int(btoi(v)), nil
}

// addLoad moves an engineer's load counter by d.
func (t *tx) addLoad(engineer core.ID, d int) error {
	b := t.b(bucketEngineerLoad)
	n := int64(0)
	if v := b.Get(itob(engineer)); v != nil {
		n = int64(btoi(v))
	}
	n += int64(d)
	if n < 0 {
		return fmt.Errorf("store: engineer %d's load would drop below zero", engineer)
	}
	if n == 0 {
		return b.Delete(itob(engineer))
	}
	return b.Put(itob(engineer), itob(core.ID(n)))
}

func (t *tx) PutTask(task *core.Task) error {
	if err := putFast(t, bucketTasks, &task.ID, task); err != nil {
		return err
	}
	return t.b(bucketTasksByEngineer).Put(pairKey(task.EngineerID, task.ID), nil)
}

func (t *tx) Tasks(engineer core.ID) ([]core.Task, error) {
	p := itob(engineer)
	tasks := t.b(bucketTasks)
	c := t.b(bucketTasksByEngineer).Cursor()
	var out []core.Task
	k, _ := c.Seek(itob(engineer + 1))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	for ; k != nil && hasPrefix(k, p); k, _ = c.Prev() {
		var task core.Task
		if err := json.Unmarshal(tasks.Get(k[8:]), &task); err != nil {
			return nil, err
		}
		out = append(out, task)
	}
	return out, nil
}
