package store

import (
	"encoding/json"

	"switchboard/core"
)

func (t *tx) PutRule(r *core.Rule) error { return put(t, bucketRules, &r.ID, r) }

func (t *tx) Rule(id core.ID) (core.Rule, error) { return get[core.Rule](t, bucketRules, id, "rule") }

func (t *tx) Rules(kind core.RuleKind) ([]core.Rule, error) {
	rs, err := all[core.Rule](t, bucketRules)
	if err != nil {
		return nil, err
	}
	out := rs[:0]
	for _, r := range rs {
		if r.Kind == kind {
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
	return t.b(bucketRules).Delete(itob(id))
}

// EngineerLoad walks the engineer's slice of the engineer index and counts the
// work orders whose status is still open.
func (t *tx) EngineerLoad(engineer core.ID) (int, error) {
	p := itob(engineer)
	rows := t.b(bucketWORows)
	c := t.b(bucketWOByEngineer).Cursor()
	n := 0
	var r core.WorkOrderRow
	for k, _ := c.Seek(p); k != nil && hasPrefix(k, p); k, _ = c.Next() {
		if err := viewRow(rows.Get(k[8:]), &r); err != nil {
			return 0, err
		}
		if r.Status.Open() {
			n++
		}
	}
	return n, nil
}

func (t *tx) PutTask(task *core.Task) error {
	if err := put(t, bucketTasks, &task.ID, task); err != nil {
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
