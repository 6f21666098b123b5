package store

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	bolt "go.etcd.io/bbolt"

	"switchboard/core"
)

// PutRule stores a rule whole, its round-robin pointer (Next) included: a
// pointer kept apart by PutRulePointer is folded back into it.
func (t *tx) PutRule(r *core.Rule) error {
	if err := t.beforePut(); err != nil {
		return err
	}
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
	if err := t.beforePut(); err != nil {
		return err
	}
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

func (t *tx) RulePointer(id core.ID) (int, bool, error) {
	v := t.b(bucketRuleNext).Get(itob(id))
	if v == nil {
		return 0, false, nil
	}
	return int(btoi(v)), true, nil
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
	n, err := t.load(engineer)
	return int(n), err
}

// load is the engineer's load as this transaction has moved it.
func (t *tx) load(engineer core.ID) (int64, error) {
	if n, ok := t.loads[engineer]; ok {
		return n, nil
	}
	v := t.b(bucketEngineerLoad).Get(itob(engineer))
	if v == nil {
		return 0, nil
	}
	return int64(btoi(v)), nil
}

// addLoad moves an engineer's load counter by d. The counters a transaction
// function moved are written once when it returns (writeLoads): a dispatch
// run moves one engineer's thousands of times in a transaction.
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
	t.loads[engineer] = n
	return nil
}

// writeLoads writes the load counters the transaction function moved.
func (t *tx) writeLoads() error {
	if len(t.loads) == 0 {
		return nil
	}
	b := t.b(bucketEngineerLoad)
	for _, id := range slices.Sorted(maps.Keys(t.loads)) {
		var err error
		if n := t.loads[id]; n == 0 {
			err = b.Delete(itob(id))
		} else {
			err = b.Put(itob(id), itob(core.ID(n)))
		}
		if err != nil {
			return err
		}
	}
	clear(t.loads)
	return nil
}

func (t *tx) PutTask(task *core.Task) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	if t.loading {
		if err := putFast(t, bucketTasks, &task.ID, task); err != nil {
			return err
		}
	} else {
		if task.ID == 0 {
			n, err := t.b(bucketTasks).NextSequence()
			if err != nil {
				return err
			}
			task.ID = core.ID(n)
		}
		c := *task
		t.tasks = append(t.tasks, &c) // written when the transaction function returns (flush)
	}
	return t.b(bucketTasksByEngineer).Put(pairKey(task.EngineerID, task.ID), nil)
}

func (t *tx) Tasks(engineer core.ID) ([]core.Task, error) {
	if len(t.tasks) > 0 { // put in this transaction function: write them first
		if err := t.flush(); err != nil {
			return nil, err
		}
	}
	p := itob(engineer)
	tasks := t.b(bucketTasks)
	c := t.b(bucketTasksByEngineer).Cursor()
	var out []core.Task
	for k := lastOf(c, engineer); k != nil && hasPrefix(k, p); k, _ = c.Prev() {
		var task core.Task
		if err := json.Unmarshal(tasks.Get(k[8:]), &task); err != nil {
			return nil, err
		}
		out = append(out, task)
	}
	return out, nil
}
