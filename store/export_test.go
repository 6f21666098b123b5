package store

import (
	"bytes"
	"fmt"
	"maps"

	"switchboard/core"

	bolt "go.etcd.io/bbolt"
)

// IndexesAgree checks everything the store keeps beside a work order against
// the work order itself (issue 19: rows, search texts, indexes and load
// counters are written apart from it, some when a transaction function
// returns): its row is its Row, its search text its row's SearchText, the
// number, status-and-node, engineer and owner indexes hold exactly one entry for it
// and nothing else, and every engineer's load counter equals a recount.
func IndexesAgree(b *Bolt) error {
	return b.db.View(func(btx *bolt.Tx) error {
		rows, search := btx.Bucket(bucketWORows), btx.Bucket(bucketWOSearch)
		byNum, sn, byEng := btx.Bucket(bucketWOByNumber), btx.Bucket(bucketWOByStatusNode), btx.Bucket(bucketWOByEngineer)
		byOwner := btx.Bucket(bucketWOByOwner)
		n, engineered, owned := 0, 0, 0
		load := map[core.ID]uint64{}
		err := btx.Bucket(bucketWorkOrders).ForEach(func(k, v []byte) error {
			var w core.WorkOrder
			if err := decodeJSON(v, &w); err != nil {
				return err
			}
			n++
			row := w.Row()
			if got := rows.Get(k); !bytes.Equal(got, encodeRow(row)) {
				return fmt.Errorf("%s: its stored row is not its Row", w.Number)
			}
			if got := search.Get(k); !bytes.Equal(got, []byte(row.SearchText())) {
				return fmt.Errorf("%s: stored search text %q, its row says %q", w.Number, got, row.SearchText())
			}
			if got := byNum.Get([]byte(w.Number)); !bytes.Equal(got, k) {
				return fmt.Errorf("%s: the number index says %v", w.Number, got)
			}
			if sn.Get(statusNodeKey(w.Status, w.Node, w.ID)) == nil {
				return fmt.Errorf("%s: no status-and-node entry for %s at %s", w.Number, w.Status, w.Node)
			}
			if w.OutOwner != 0 {
				owned++
				if byOwner.Get(pairKey(w.OutOwner, w.ID)) == nil {
					return fmt.Errorf("%s: no owner index entry for terminal user %d", w.Number, w.OutOwner)
				}
			}
			if w.FieldOutDealUser != 0 {
				engineered++
				if byEng.Get(pairKey(w.FieldOutDealUser, w.ID)) == nil {
					return fmt.Errorf("%s: no engineer index entry for engineer %d", w.Number, w.FieldOutDealUser)
				}
				if w.Status.Open() {
					load[w.FieldOutDealUser]++
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("no work orders")
		}
		for name, c := range map[string]struct {
			b    *bolt.Bucket
			want int
		}{
			"rows": {rows, n}, "search texts": {search, n}, "number index": {byNum, n},
			"status-and-node index": {sn, n}, "engineer index": {byEng, engineered},
			"owner index": {byOwner, owned},
		} {
			if got := c.b.Stats().KeyN; got != c.want {
				return fmt.Errorf("the %s holds %d entries for %d work orders", name, got, c.want)
			}
		}
		stored := map[core.ID]uint64{}
		_ = btx.Bucket(bucketEngineerLoad).ForEach(func(k, v []byte) error {
			stored[btoi(k)] = uint64(btoi(v))
			return nil
		})
		if !maps.Equal(stored, load) {
			return fmt.Errorf("load counters %v, a recount says %v", stored, load)
		}
		return nil
	})
}

// SetLoadChunk makes Load commit every n puts and returns the previous value.
func SetLoadChunk(n int) int {
	old := loadChunk
	loadChunk = n
	return old
}
