package store

import (
	"bytes"
	"encoding/binary"

	bolt "go.etcd.io/bbolt"

	"switchboard/core"
)

// itob encodes an id as an 8-byte big-endian key so keys sort numerically.
func itob(id core.ID) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(id))
	return b
}

func btoi(b []byte) core.ID { return core.ID(binary.BigEndian.Uint64(b)) }

// indexKey builds "value 0x00 id" for a non-unique secondary index.
func indexKey(value string, id core.ID) []byte {
	k := make([]byte, 0, len(value)+9)
	k = append(k, value...)
	k = append(k, 0)
	return append(k, itob(id)...)
}

// indexPrefix is the prefix shared by every key of value in a non-unique index.
func indexPrefix(value string) []byte {
	return append([]byte(value), 0)
}

// hasPrefix reports whether k starts with p.
func hasPrefix(k, p []byte) bool { return bytes.HasPrefix(k, p) }

// eventKey is the work order's id followed by the event's sequence, so one work
// order's history is a contiguous, ordered key range.
func eventKey(wo core.ID, seq uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(wo))
	binary.BigEndian.PutUint64(k[8:], seq)
	return k
}

// statusNodeKey is the key of the combined status/node index.
func statusNodeKey(s core.Status, n core.Node, id core.ID) []byte {
	return indexKey(string(s)+"\x00"+string(n), id)
}

// pairKey is a parent id followed by a child id (engineer ‖ work order, …), so a
// parent's children are one contiguous key range.
func pairKey(parent, child core.ID) []byte {
	return append(itob(parent), itob(child)...)
}

// lastOf positions c on the last key that starts with parent's 8 bytes (or
// on the key before them when there is none), for walking a (parent ‖ child)
// index newest first with Prev.
func lastOf(c *bolt.Cursor, parent core.ID) []byte {
	k, _ := c.Seek(itob(parent + 1))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	return k
}
