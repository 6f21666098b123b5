package store

import (
	"bytes"
	"slices"
	"sync"

	bolt "go.etcd.io/bbolt"

	"switchboard/core"
)

// searchIndex is every work order's search text (core's SearchText) in one
// contiguous buffer in memory, so that a keystroke's search is one bytes.Index
// sweep over about 10 MB instead of 100,000 small comparisons. The process
// holding the database file is the only writer (bbolt locks the file), so it
// sees every change: a write transaction's changes are applied when it commits
// (bbolt's OnCommit), never before and never for one that rolled back. Built
// from bucketWOSearch on the first text search.
type searchIndex struct {
	mu    sync.RWMutex
	built bool
	// buf holds the entries, each its text, slack (0 bytes: a needle never
	// holds one) and a closing 0x01; an entry is rewritten in place while the
	// new text fits.
	buf     []byte
	entries []searchEntry
	// at is the current entry of each work order.
	at map[core.ID]int
	// ordered is true while the entries are in id order (a text that outgrew
	// its room moved to the end); dead counts entries left behind.
	ordered bool
	dead    int
}

type searchEntry struct {
	id         core.ID
	start, end int // end: the 0x01
	dead       bool
}

// slack is the room left after a text: an assignment adds the engineer's
// name, which then fits where it is.
const slack = 24

func (x *searchIndex) reset() {
	x.buf, x.entries, x.at, x.ordered, x.dead = x.buf[:0], x.entries[:0], map[core.ID]int{}, true, 0
}

// add appends id's text as a new entry.
func (x *searchIndex) add(id core.ID, text []byte) {
	if n := len(x.entries); n > 0 && x.entries[n-1].id >= id {
		x.ordered = false
	}
	start := len(x.buf)
	x.buf = append(x.buf, text...)
	x.buf = append(x.buf, make([]byte, slack)...)
	x.buf = append(x.buf, 1)
	x.at[id] = len(x.entries)
	x.entries = append(x.entries, searchEntry{id: id, start: start, end: len(x.buf) - 1})
}

// set makes text id's search text.
func (x *searchIndex) set(id core.ID, text []byte) {
	if i, ok := x.at[id]; ok {
		e := x.entries[i]
		if len(text) <= e.end-e.start {
			n := copy(x.buf[e.start:e.end], text)
			clear(x.buf[e.start+n : e.end])
			return
		}
		clear(x.buf[e.start:e.end]) // the old text can no longer match
		x.entries[i].dead = true
		x.dead++
	}
	x.add(id, text)
	if x.dead > len(x.entries)/4 {
		x.compact()
	}
}

// compact rewrites the entries in id order without the dead ones.
func (x *searchIndex) compact() {
	type live struct {
		id   core.ID
		text []byte
	}
	all := make([]live, 0, len(x.at))
	for id, i := range x.at {
		e := x.entries[i]
		all = append(all, live{id, bytes.TrimRight(x.buf[e.start:e.end], "\x00")})
	}
	slices.SortFunc(all, func(a, b live) int { return int(a.id) - int(b.id) })
	old := x.buf
	x.buf = make([]byte, 0, len(old))
	x.entries, x.at, x.ordered, x.dead = x.entries[:0], make(map[core.ID]int, len(all)), true, 0
	for _, l := range all {
		x.add(l.id, l.text)
	}
}

// build reads every search text.
func (x *searchIndex) build(t *tx) {
	x.reset()
	_ = t.b(bucketWOSearch).ForEach(func(k, v []byte) error {
		x.add(btoi(k), v)
		return nil
	})
	x.built = true
}

// matches calls fn with the ids whose text holds needle, newest first (oldest
// first with asc), until fn returns false.
func (x *searchIndex) matches(needle []byte, asc bool, fn func(core.ID) bool) {
	var ids []core.ID
	k := 0 // the entries are in buffer order: the one holding a hit is found walking forward
	for pos := 0; pos < len(x.buf); {
		i := bytes.Index(x.buf[pos:], needle)
		if i < 0 {
			break
		}
		at := pos + i
		for k < len(x.entries) && x.entries[k].end < at {
			k++
		}
		if k == len(x.entries) {
			break
		}
		if e := &x.entries[k]; !e.dead {
			ids = append(ids, e.id)
		}
		pos = x.entries[k].end + 1
		k++
	}
	if !x.ordered {
		slices.Sort(ids)
	}
	if asc {
		for _, id := range ids {
			if !fn(id) {
				return
			}
		}
		return
	}
	for i := len(ids) - 1; i >= 0; i-- {
		if !fn(ids[i]) {
			return
		}
	}
}

// searchChanges are a write transaction's new search texts, applied to the
// index when it commits.
type searchChanges map[core.ID][]byte

func (b *Bolt) applySearch(ch searchChanges) {
	x := &b.search
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.built {
		return // built from the committed bucket when first needed
	}
	for id, text := range ch {
		x.set(id, text)
	}
}

// searchMatches runs matches on the index, building it first if need be (from
// the newest committed texts, in a transaction of its own: a commit that
// lands meanwhile is applied after it).
func (b *Bolt) searchMatches(needle []byte, asc bool, fn func(core.ID) bool) {
	x := &b.search
	x.mu.RLock()
	if !x.built {
		x.mu.RUnlock()
		x.mu.Lock()
		if !x.built {
			_ = b.db.View(func(btx *bolt.Tx) error {
				x.build(&tx{tx: btx, db: b})
				return nil
			})
		}
		x.mu.Unlock()
		x.mu.RLock()
	}
	defer x.mu.RUnlock()
	x.matches(needle, asc, fn)
}
