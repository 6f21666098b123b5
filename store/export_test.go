package store

import (
	"bytes"
	"fmt"

	"switchboard/core"

	bolt "go.etcd.io/bbolt"
)

// SearchTextsAgree checks that every work order's stored search text is its
// row's SearchText (PutWorkOrder compares against the old row instead of
// reading the stored text back).
func SearchTextsAgree(b *Bolt) error {
	return b.db.View(func(btx *bolt.Tx) error {
		search := btx.Bucket(bucketWOSearch)
		n := 0
		err := btx.Bucket(bucketWORows).ForEach(func(k, v []byte) error {
			var r core.WorkOrderRow
			if err := decodeRow(v, &r); err != nil {
				return err
			}
			if got := search.Get(k); !bytes.Equal(got, []byte(r.SearchText())) {
				return fmt.Errorf("work order %d: stored search text %q, its row says %q", r.ID, got, r.SearchText())
			}
			n++
			return nil
		})
		if err == nil && n == 0 {
			err = fmt.Errorf("no work orders")
		}
		return err
	})
}
