package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	bolterrors "go.etcd.io/bbolt/errors"

	bolt "go.etcd.io/bbolt"

	"switchboard/core"
)

// migration moves the schema from version i to i+1 (its index in migrations + 1).
type migration struct {
	name string
	up   func(*bolt.Tx) error
}

// migrations run in order; each runs in one Update that also bumps schema_version.
// Append only: never edit or reorder a migration that has shipped.
var migrations = []migration{
	{"create buckets", func(t *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := t.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return nil
	}},
	{"index work orders by status and node", func(t *bolt.Tx) error {
		idx, err := t.CreateBucketIfNotExists(bucketWOByStatusNode)
		if err != nil {
			return err
		}
		var r core.WorkOrderRow
		var keys [][]byte
		if err := t.Bucket(bucketWORows).ForEach(func(k, v []byte) error {
			if err := viewRow(v, &r); err != nil {
				return fmt.Errorf("work order %d: %w", btoi(k), err)
			}
			keys = append(keys, statusNodeKey(r.Status, r.Node, r.ID))
			return nil
		}); err != nil {
			return err
		}
		return putSorted(idx, keys) // the same entries, in key order
	}},
	{"dispatch rules, engineer index and task inbox", func(t *bolt.Tx) error {
		for _, name := range [][]byte{bucketRules, bucketWOByEngineer, bucketTasks, bucketTasksByEngineer} {
			if _, err := t.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		var keys [][]byte
		if err := t.Bucket(bucketWorkOrders).ForEach(func(k, v []byte) error {
			var w struct {
				Engineer core.ID `json:"field_outDealUser__c"`
			}
			if err := json.Unmarshal(v, &w); err != nil {
				return fmt.Errorf("work order %d: %w", btoi(k), err)
			}
			if w.Engineer != 0 {
				keys = append(keys, pairKey(w.Engineer, btoi(k)))
			}
			return nil
		}); err != nil {
			return err
		}
		return putSorted(t.Bucket(bucketWOByEngineer), keys) // the same entries, in key order
	}},
	{"customer links and devices", func(t *bolt.Tx) error {
		for _, name := range [][]byte{bucketLinks, bucketDevices} {
			if _, err := t.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	}},
	{"notification outbox", func(t *bolt.Tx) error {
		for _, name := range outboxBuckets {
			if _, err := t.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	}},
	{"process node timers and links by work order", func(t *bolt.Tx) error {
		if _, err := t.CreateBucketIfNotExists(bucketTimers); err != nil {
			return err
		}
		idx, err := t.CreateBucketIfNotExists(bucketLinksByWO)
		if err != nil {
			return err
		}
		return t.Bucket(bucketLinks).ForEach(func(k, v []byte) error {
			var l struct {
				WorkOrder core.ID `json:"work_order"`
			}
			if err := json.Unmarshal(v, &l); err != nil {
				return fmt.Errorf("link %x: %w", k[:4], err)
			}
			if l.WorkOrder == 0 {
				return nil
			}
			return idx.Put(append(itob(l.WorkOrder), k...), nil)
		})
	}},
	{"service reports", func(t *bolt.Tx) error {
		for _, name := range [][]byte{bucketReports, bucketReportDrafts} {
			if _, err := t.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	}},
	{"email intake, attachments and API keys", func(t *bolt.Tx) error {
		for _, name := range intakeBuckets {
			if _, err := t.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	}},
	{"service evaluations and evaluation requests", func(t *bolt.Tx) error {
		for _, name := range evaluationBucketNames {
			if _, err := t.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	}},
	{"follow-up tasks, teams and absences", func(t *bolt.Tx) error {
		for _, name := range followUpBucketNames {
			if _, err := t.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	}},
	{"follow-up queue index entries carry their tasks' hold times", func(t *bolt.Tx) error {
		tasks := t.Bucket(bucketFollowUps)
		for _, name := range [][]byte{bucketFollowUpQueue, bucketFollowUpDue} {
			b := t.Bucket(name)
			var keys [][]byte
			if err := b.ForEach(func(k, _ []byte) error {
				keys = append(keys, bytes.Clone(k))
				return nil
			}); err != nil {
				return err
			}
			for _, k := range keys {
				if len(k) < 16 {
					return fmt.Errorf("follow-up index key %x is malformed", k)
				}
				var f struct {
					NotBefore *time.Time `json:"not_before"`
				}
				raw := tasks.Get(k[len(k)-8:])
				if raw == nil {
					// An entry without its task: nothing to call; drop it.
					if err := b.Delete(k); err != nil {
						return err
					}
					continue
				}
				if err := json.Unmarshal(raw, &f); err != nil {
					return fmt.Errorf("follow-up task %d is unreadable: %w", btoi(k[len(k)-8:]), err)
				}
				if err := b.Put(k, holdValue(f.NotBefore)); err != nil {
					return err
				}
			}
		}
		return nil
	}},
	{"rows carry their engineer, search texts apart; engineer load counters; round-robin pointers apart", func(t *bolt.Tx) error {
		if _, err := t.CreateBucketIfNotExists(bucketRuleNext); err != nil {
			return err
		}
		search, err := t.CreateBucketIfNotExists(bucketWOSearch)
		if err != nil {
			return err
		}
		// Counted afresh, also when the migration runs again.
		if t.Bucket(bucketEngineerLoad) != nil {
			if err := t.DeleteBucket(bucketEngineerLoad); err != nil {
				return err
			}
		}
		if _, err := t.CreateBucket(bucketEngineerLoad); err != nil {
			return err
		}
		engineer := map[core.ID]core.ID{}
		if err := t.Bucket(bucketWOByEngineer).ForEach(func(k, _ []byte) error {
			engineer[btoi(k[8:])] = btoi(k[:8])
			return nil
		}); err != nil {
			return err
		}
		rows := t.Bucket(bucketWORows)
		var rewritten [][2][]byte
		load := map[core.ID]int{}
		if err := rows.ForEach(func(k, v []byte) error {
			var r core.WorkOrderRow
			if err := decodeRow(v, &r); err != nil {
				return fmt.Errorf("work order %d: %w", btoi(k), err)
			}
			r.EngineerID = engineer[r.ID]
			if r.EngineerID != 0 && r.Status.Open() {
				load[r.EngineerID]++
			}
			rewritten = append(rewritten, [2][]byte{bytes.Clone(k), encodeRow(r)}, [2][]byte{bytes.Clone(k), []byte(r.SearchText())})
			return nil
		}); err != nil {
			return err
		}
		for i := 0; i < len(rewritten); i += 2 {
			if err := rows.Put(rewritten[i][0], rewritten[i][1]); err != nil {
				return err
			}
			if err := search.Put(rewritten[i+1][0], rewritten[i+1][1]); err != nil {
				return err
			}
		}
		lb := t.Bucket(bucketEngineerLoad)
		for e, n := range load {
			if err := lb.Put(itob(e), itob(core.ID(n))); err != nil {
				return err
			}
		}
		return bumpDispatchGen(t)
	}},
	{"evaluation report rows say whether a customer or a guest rated, and repeats", func(t *bolt.Tx) error {
		evals, rows := t.Bucket(bucketEvaluations), t.Bucket(bucketEvalByTime)
		if evals == nil || rows == nil {
			return nil
		}
		var rewritten [][2][]byte
		if err := evals.ForEach(func(k, v []byte) error {
			var e core.Evaluation
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("evaluation %d is unreadable: %w", btoi(k), err)
			}
			rewritten = append(rewritten, [2][]byte{evalTimeKey(e.SubmittedAt, e.ID), encodeEvalRow(e.Row())})
			return nil
		}); err != nil {
			return err
		}
		return putAll(rows, rewritten)
	}},
	{"drop the status-only and node-only indexes", func(t *bolt.Tx) error {
		// Issue 19: a filter on the status or the node alone merges the ranges
		// of the status-and-node index; the two others cost every change of a
		// work order four more key writes.
		for _, name := range []string{"wo_by_status", "wo_by_node"} {
			if err := t.DeleteBucket([]byte(name)); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
				return fmt.Errorf("drop bucket %s: %w", name, err)
			}
		}
		return nil
	}},
	{"index terminal users by WeChat openid", func(t *bolt.Tx) error {
		// Issue 19: binding a customer's WeChat read every terminal user to
		// see whether someone else held the openid.
		idx, err := t.CreateBucketIfNotExists(bucketTerminalByOpenID)
		if err != nil {
			return err
		}
		var keys [][]byte
		if err := t.Bucket(bucketTerminalUsers).ForEach(func(k, v []byte) error {
			var u core.TerminalUser
			if err := json.Unmarshal(v, &u); err != nil {
				return fmt.Errorf("terminal user %d: %w", btoi(k), err)
			}
			for _, key := range []string{openIDKey("o", u.WeChatOpenID), openIDKey("m", u.MiniProgramOpenID)} {
				if key != "" {
					keys = append(keys, indexKey(key, u.ID))
				}
			}
			return nil
		}); err != nil {
			return err
		}
		return putSorted(idx, keys) // same entries as before, in key order
	}},
	{"rows carry their external owner; work orders by owner", func(t *bolt.Tx) error {
		// A customer's page found their work orders by a text search for
		// their phone: one they own under another phone (made from their
		// email, or with a colleague's number) was missing.
		if t.Bucket(bucketWOByOwner) != nil {
			if err := t.DeleteBucket(bucketWOByOwner); err != nil {
				return err
			}
		}
		idx, err := t.CreateBucket(bucketWOByOwner)
		if err != nil {
			return err
		}
		rows := t.Bucket(bucketWORows)
		var rewritten [][2][]byte
		var owned [][]byte
		if err := t.Bucket(bucketWorkOrders).ForEach(func(k, v []byte) error {
			var w struct {
				OutOwner core.ID `json:"out_owner"`
			}
			if err := decodeJSON(v, &w); err != nil {
				return fmt.Errorf("work order %d: %w", btoi(k), err)
			}
			var r core.WorkOrderRow
			raw := rows.Get(k)
			if raw == nil {
				return fmt.Errorf("work order %d has no row", btoi(k))
			}
			if err := decodeRow(raw, &r); err != nil {
				return fmt.Errorf("work order %d: %w", btoi(k), err)
			}
			r.OwnerID = w.OutOwner
			rewritten = append(rewritten, [2][]byte{bytes.Clone(k), encodeRow(r)})
			if w.OutOwner != 0 {
				owned = append(owned, pairKey(w.OutOwner, btoi(k)))
			}
			return nil
		}); err != nil {
			return err
		}
		if err := putAll(rows, rewritten); err != nil {
			return err
		}
		return putSorted(idx, owned)
	}},
}

// putAll puts key/value pairs.
func putAll(b *bolt.Bucket, kvs [][2][]byte) error {
	for _, kv := range kvs {
		if err := b.Put(kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}

// putSorted puts keys (empty values) into a bucket a migration builds, in
// key order: bbolt splits a bucket's nodes only when it commits, so keys put
// out of order into a new bucket each moved all the others before them —
// quadratic (19 s for the owners of 128,000 work orders; sorted, a fraction
// of one).
func putSorted(b *bolt.Bucket, keys [][]byte) error {
	slices.SortFunc(keys, bytes.Compare)
	for _, k := range keys {
		if err := b.Put(k, nil); err != nil {
			return err
		}
	}
	return nil
}

// SchemaVersionCurrent is the schema version this build writes.
var SchemaVersionCurrent = len(migrations)

func schemaVersion(t *bolt.Tx) int {
	m := t.Bucket(bucketMeta)
	if m == nil {
		return 0
	}
	v, _ := strconv.Atoi(string(m.Get(keySchemaVersion)))
	return v
}

func (b *Bolt) migrate() error {
	var have int
	if err := b.db.View(func(t *bolt.Tx) error { have = schemaVersion(t); return nil }); err != nil {
		return err
	}
	if have > len(migrations) {
		return fmt.Errorf("the database %s was written by a newer switchboard (schema %d; this one knows up to %d): upgrade switchboard", b.path, have, len(migrations))
	}
	for i := have; i < len(migrations); i++ {
		m := migrations[i]
		err := b.db.Update(func(t *bolt.Tx) error {
			if err := m.up(t); err != nil {
				return err
			}
			meta, err := t.CreateBucketIfNotExists(bucketMeta)
			if err != nil {
				return err
			}
			return meta.Put(keySchemaVersion, []byte(strconv.Itoa(i+1)))
		})
		if err != nil {
			return fmt.Errorf("migration %d (%s) failed: %w", i+1, m.name, err)
		}
	}
	return nil
}
