package store

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"switchboard/core"
)

func (t *tx) NextWorkOrderNumber() (uint64, error) {
	return t.b(bucketWONumberSeq).NextSequence()
}

// PutWorkOrder writes the record, its compact row and its index entries together.
func (t *tx) PutWorkOrder(w *core.WorkOrder) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	// What the indexes hold for the work order now comes from its row, which
	// is cheap to decode; the work order itself is not read again.
	var old core.WorkOrderRow
	switch {
	case w.ID != 0 && t.pending[w.ID]:
		// Created in this transaction function: nothing of it is written yet.
		prev := t.wo[w.ID]
		if prev.Number != w.Number {
			return fmt.Errorf("store: work order %d cannot change its number from %s to %s", w.ID, prev.Number, w.Number)
		}
		if err := core.MoveLoad(prev.FieldOutDealUser, prev.Status, w, t.addLoad); err != nil {
			return err
		}
		t.holdWorkOrder(w)
		return nil
	case w.ID != 0 && !t.loading:
		raw := t.seen.raw
		if t.seen.id != w.ID || raw == nil {
			raw = t.b(bucketWORows).Get(itob(w.ID))
		}
		if raw == nil {
			return core.NotFoundf("There is no work order %d.", w.ID)
		}
		if err := viewRow(raw, &old); err != nil {
			return err
		}
		if old.Number != w.Number {
			return fmt.Errorf("store: work order %d cannot change its number from %s to %s", w.ID, old.Number, w.Number)
		}
		old.Number = strings.Clone(old.Number) // viewed: the row is overwritten below
		old.Status, old.Node = core.Status(strings.Clone(string(old.Status))), core.Node(strings.Clone(string(old.Node)))
	}
	if w.ID == 0 {
		n, err := t.b(bucketWorkOrders).NextSequence()
		if err != nil {
			return err
		}
		w.ID = core.ID(n)
		if t.fresh == nil {
			t.fresh = map[core.ID][]core.Event{}
		}
		t.fresh[w.ID] = []core.Event{}
	}
	if err := core.MoveLoad(old.EngineerID, old.Status, w, t.addLoad); err != nil {
		return err
	}
	t.holdWorkOrder(w) // written once when the transaction function returns (flush)
	if old.Number == "" && !t.loading {
		// A new work order's row and index entries are written once too
		// (settle): an API create puts it again when it dispatches it.
		if t.pending == nil {
			t.pending = map[core.ID]bool{}
		}
		t.pending[w.ID] = true
		return nil
	}
	return t.index(w, &old)
}

// settle writes the rows and index entries of the work orders created in
// this transaction function so far. Everything that reads rows or indexes
// settles first, and so does flush.
func (t *tx) settle() error {
	if len(t.pending) == 0 {
		return nil
	}
	for _, id := range slices.Sorted(maps.Keys(t.pending)) {
		if err := t.index(t.wo[id], &core.WorkOrderRow{}); err != nil {
			return err
		}
	}
	clear(t.pending)
	return nil
}

// index writes w's row, search text and index entries, where they differ
// from old's (the row stored before; zero for a new work order).
func (t *tx) index(w *core.WorkOrder, old *core.WorkOrderRow) error {
	id := itob(w.ID)
	row := w.Row()
	// The stored search text is the old row's: compared without reading it
	// (or making it).
	var text []byte
	switch {
	case t.loading:
		if text = []byte(row.SearchText()); bytes.Equal(t.b(bucketWOSearch).Get(id), text) {
			text = nil
		}
	case old.Number == "" || !old.SameSearchText(&row): // new, or changed
		text = []byte(row.SearchText())
	}
	t.seen = seenRow{}
	if err := t.b(bucketWORows).Put(id, encodeRow(row)); err != nil {
		return err
	}
	if text != nil {
		if err := t.b(bucketWOSearch).Put(id, text); err != nil {
			return err
		}
		t.searchChanged(w.ID, text)
	}
	if old.Number == "" {
		byNum := t.b(bucketWOByNumber)
		if byNum.Get([]byte(w.Number)) != nil {
			return fmt.Errorf("store: work-order number %s is already taken", w.Number)
		}
		if err := byNum.Put([]byte(w.Number), id); err != nil {
			return err
		}
	}
	if old.EngineerID != w.FieldOutDealUser {
		if err := reindexPair(t.b(bucketWOByEngineer), old.EngineerID, w.FieldOutDealUser, w.ID); err != nil {
			return err
		}
	}
	if old.OwnerID != w.OutOwner {
		if err := reindexPair(t.b(bucketWOByOwner), old.OwnerID, w.OutOwner, w.ID); err != nil {
			return err
		}
	}
	if old.Status != w.Status || old.Node != w.Node {
		sn := t.b(bucketWOByStatusNode)
		if old.Status != "" {
			if err := sn.Delete(statusNodeKey(old.Status, old.Node, w.ID)); err != nil {
				return err
			}
		}
		return sn.Put(statusNodeKey(w.Status, w.Node, w.ID), nil)
	}
	return nil
}

func (t *tx) WorkOrder(id core.ID) (core.WorkOrder, error) {
	if w, ok := t.wo[id]; ok {
		return copyWorkOrder(w), nil
	}
	return get[core.WorkOrder](t, bucketWorkOrders, id, "work order")
}

func (t *tx) WorkOrderVersion(id core.ID) (uint64, error) {
	if w, ok := t.wo[id]; ok {
		return w.Version, nil
	}
	var row core.WorkOrderRow
	raw := t.b(bucketWORows).Get(itob(id))
	if raw == nil {
		return 0, core.NotFoundf("There is no work order %d.", id)
	}
	if err := viewRow(raw, &row); err != nil {
		return 0, fmt.Errorf("store: work order %d's row is unreadable: %w", id, err)
	}
	// A dispatch run checks the version and then puts the work order: the
	// put reads the same row for its index changes.
	t.seen = seenRow{id: id, raw: raw}
	return row.Version, nil
}

func (t *tx) WorkOrderByNumber(number string) (core.WorkOrder, error) {
	if err := t.settle(); err != nil {
		return core.WorkOrder{}, err
	}
	id := t.b(bucketWOByNumber).Get([]byte(number))
	if id == nil {
		return core.WorkOrder{}, core.NotFoundf("There is no work order %s.", number)
	}
	return t.WorkOrder(btoi(id))
}

// CountWorkOrders is the work_orders bucket's sequence: work orders are never
// deleted, so the last id assigned is the count, read in O(1).
func (t *tx) CountWorkOrders() (int, error) {
	return int(t.b(bucketWorkOrders).Sequence()), nil
}

// QueryWorkOrders pages by cursor when the query is plain (no text, newest first):
// it walks the status or node index (or the rows) backwards and decodes only the
// rows on the page. Otherwise it scans the compact rows, filters, sorts and slices.
func (t *tx) QueryWorkOrders(q core.WorkOrderQuery) (core.WorkOrderPage, error) {
	if err := t.settle(); err != nil {
		return core.WorkOrderPage{}, err
	}
	if q.Plain() {
		return t.queryPlain(q)
	}
	return t.queryScan(q)
}

// WorkOrderIDs walks the status-and-node index: the ids, oldest first,
// without reading a row.
func (t *tx) WorkOrderIDs(status core.Status, node core.Node) ([]core.ID, error) {
	if err := t.settle(); err != nil {
		return nil, err
	}
	p := indexPrefix(string(status) + "\x00" + string(node))
	var out []core.ID
	c := t.b(bucketWOByStatusNode).Cursor()
	for k, _ := c.Seek(p); k != nil && hasPrefix(k, p); k, _ = c.Next() {
		out = append(out, btoi(k[len(p):]))
	}
	return out, nil
}

// reindexPair moves id's entry in a (key id ‖ id) index from old to now; 0
// is no entry.
func reindexPair(idx *bolt.Bucket, old, now, id core.ID) error {
	if old != 0 {
		if err := idx.Delete(pairKey(old, id)); err != nil {
			return err
		}
	}
	if now != 0 {
		return idx.Put(pairKey(now, id), nil)
	}
	return nil
}

// WorkOrdersOwnedBy lists the work orders owner owns, newest first, at most
// limit of them (0: all).
func (t *tx) WorkOrdersOwnedBy(owner core.ID, limit int) ([]core.ID, error) {
	if err := t.settle(); err != nil {
		return nil, err
	}
	var out []core.ID
	if owner == 0 {
		return out, nil
	}
	p := itob(owner)
	c := t.b(bucketWOByOwner).Cursor()
	for k := lastOf(c, owner); k != nil && hasPrefix(k, p) && (limit == 0 || len(out) < limit); k, _ = c.Prev() {
		out = append(out, btoi(k[len(p):]))
	}
	return out, nil
}

func (t *tx) row(id []byte) (core.WorkOrderRow, error) {
	var r core.WorkOrderRow
	raw := t.b(bucketWORows).Get(id)
	if raw == nil {
		return r, fmt.Errorf("store: index names work order %d but it has no row", btoi(id))
	}
	return r, decodeRow(raw, &r)
}

func (t *tx) queryPlain(q core.WorkOrderQuery) (core.WorkOrderPage, error) {
	var page core.WorkOrderPage
	take := func(id []byte) error {
		if page.Total >= q.Offset && (q.Limit == 0 || len(page.Rows) < q.Limit) {
			r, err := t.row(id)
			if err != nil {
				return err
			}
			page.Rows = append(page.Rows, r)
		}
		page.Total++
		return nil
	}
	switch {
	case q.Status != "" && q.Node != "":
		// One status-and-node range, walked backwards from its end.
		p := indexPrefix(string(q.Status) + "\x00" + string(q.Node))
		c := t.b(bucketWOByStatusNode).Cursor()
		for k := lastWithPrefix(c, p); k != nil; k = prevWithPrefix(c, p) {
			if err := take(k[len(p):]); err != nil {
				return page, err
			}
		}
		return page, nil
	case q.Status != "" || q.Node != "":
		// The status-and-node ranges of the status (or of the node), merged
		// newest first: a handful of ranges, each walked backwards.
		return page, t.mergeStatusNode(q.Status, q.Node, take)
	}
	n, _ := t.CountWorkOrders()
	page.Total = n
	c := t.b(bucketWORows).Cursor()
	i := 0
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		if i >= q.Offset {
			if q.Limit != 0 && len(page.Rows) >= q.Limit {
				break
			}
			var r core.WorkOrderRow
			if err := decodeRow(v, &r); err != nil {
				return page, err
			}
			page.Rows = append(page.Rows, r)
		}
		i++
	}
	return page, nil
}

// lastWithPrefix moves c to the last key starting with p (nil when none).
func lastWithPrefix(c *bolt.Cursor, p []byte) []byte {
	end := append(bytes.Clone(p[:len(p)-1]), p[len(p)-1]+1)
	k, _ := c.Seek(end)
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	if k == nil || !hasPrefix(k, p) {
		return nil
	}
	return k
}

// prevWithPrefix moves c back one key, nil past the start of p's keys.
func prevWithPrefix(c *bolt.Cursor, p []byte) []byte {
	k, _ := c.Prev()
	if k == nil || !hasPrefix(k, p) {
		return nil
	}
	return k
}

// mergeStatusNode calls take with the id of every work order with the status
// (or at the node; one of them is set), newest first. The status-and-node
// index holds status 0x00 node 0x00 id: its ranges are found by skipping from
// one to the next, and those of the status (or node) are merged by id. (One
// index instead of three: a work order's change writes a third as many keys.)
func (t *tx) mergeStatusNode(status core.Status, node core.Node, take func(id []byte) error) error {
	b := t.b(bucketWOByStatusNode)
	var ranges [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil; {
		if len(k) < 8+2 {
			return fmt.Errorf("store: status-and-node index key %q is too short", k)
		}
		p := bytes.Clone(k[:len(k)-8]) // status 0x00 node 0x00
		s, n, ok := bytes.Cut(p[:len(p)-1], []byte{0})
		if !ok {
			return fmt.Errorf("store: status-and-node index key %q has no node", k)
		}
		if (status == "" || string(s) == string(status)) && (node == "" || string(n) == string(node)) {
			ranges = append(ranges, p)
		}
		// The next range: past every key of this one.
		k, _ = c.Seek(append(bytes.Clone(p[:len(p)-1]), 1))
	}
	type stream struct {
		c   *bolt.Cursor
		p   []byte
		key []byte
	}
	var streams []stream
	for _, p := range ranges {
		c := b.Cursor()
		if k := lastWithPrefix(c, p); k != nil {
			streams = append(streams, stream{c, p, k})
		}
	}
	for len(streams) > 0 {
		best := 0
		for i := 1; i < len(streams); i++ {
			if bytes.Compare(streams[i].key[len(streams[i].p):], streams[best].key[len(streams[best].p):]) > 0 {
				best = i
			}
		}
		s := &streams[best]
		if err := take(s.key[len(s.p):]); err != nil {
			return err
		}
		if s.key = prevWithPrefix(s.c, s.p); s.key == nil {
			streams = append(streams[:best], streams[best+1:]...)
		}
	}
	return nil
}

// queryScan views every row in place (no allocation), keeps only the sort keys of
// matches, sorts those and decodes just the rows of the requested page. A
// search in creation order needs no sort: queryTextByID walks the rows in
// that order instead.
func (t *tx) queryScan(q core.WorkOrderQuery) (core.WorkOrderPage, error) {
	if q.SearchNeedle() != "" && (q.Sort == "" || q.Sort == core.SortCreated) {
		return t.queryTextByID(q)
	}
	needle := q.SearchNeedle()
	nb := []byte(needle)
	var keys []core.RowKey
	var r core.WorkOrderRow
	search := t.b(bucketWOSearch)
	err := t.b(bucketWORows).ForEach(func(k, v []byte) error {
		if needle != "" {
			// The search text first: most rows end here, undecoded.
			if text := search.Get(k); text != nil && !bytes.Contains(text, nb) {
				return nil
			}
		}
		if err := viewRow(v, &r); err != nil {
			return err
		}
		if q.Matches(&r, needle) {
			keys = append(keys, q.Key(&r))
		}
		return nil
	})
	if err != nil {
		return core.WorkOrderPage{}, err
	}
	slices.SortFunc(keys, q.Compare)
	page := core.WorkOrderPage{Total: len(keys)}
	lo := min(q.Offset, len(keys))
	hi := len(keys)
	if q.Limit > 0 {
		hi = min(lo+q.Limit, len(keys))
	}
	page.Rows = make([]core.WorkOrderRow, 0, hi-lo)
	for _, k := range keys[lo:hi] {
		row, err := t.row(itob(k.ID))
		if err != nil {
			return page, err
		}
		page.Rows = append(page.Rows, row)
	}
	return page, nil
}

// queryTextByID is a text search in creation order (newest first, or oldest
// with Asc): the search texts are walked in id order, only a match with a
// status or node filter has its row decoded to check it, and only the page's
// rows are decoded whole — every match is counted.
func (t *tx) queryTextByID(q core.WorkOrderQuery) (core.WorkOrderPage, error) {
	nb := []byte(q.SearchNeedle())
	filtered := q.Status != "" || q.Node != ""
	var page core.WorkOrderPage
	rows := t.b(bucketWORows)
	newest, _ := t.CountWorkOrders() // ids above it were committed after this transaction began
	var r core.WorkOrderRow
	var err error
	t.db.searchMatches(nb, q.Asc, func(id core.ID) bool {
		if int(id) > newest {
			return true
		}
		var raw []byte
		if filtered {
			if raw = rows.Get(itob(id)); raw == nil {
				return true
			}
			if err = viewRow(raw, &r); err != nil {
				return false
			}
			if !q.MatchesFilters(&r) {
				return true
			}
		}
		if page.Total >= q.Offset && (q.Limit == 0 || len(page.Rows) < q.Limit) {
			if raw == nil {
				if raw = rows.Get(itob(id)); raw == nil {
					return true
				}
			}
			var row core.WorkOrderRow
			if err = decodeRow(raw, &row); err != nil {
				return false
			}
			page.Rows = append(page.Rows, row)
		}
		page.Total++
		return true
	})
	return page, err
}

// --- history

func (t *tx) AppendEvent(wo core.ID, e core.Event) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	b := t.b(bucketEvents)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	if h, ok := t.fresh[wo]; ok {
		t.fresh[wo] = append(h, e)
	}
	if t.loading {
		raw, err := encodeFast(e)
		if err != nil {
			return err
		}
		return b.Put(eventKey(wo, seq), raw)
	}
	// Written when the transaction function returns (flush).
	if t.eventsOf == nil {
		t.eventsOf = map[core.ID][]int{}
	}
	t.eventsOf[wo] = append(t.eventsOf[wo], len(t.events))
	t.events = append(t.events, heldEvent{key: eventKey(wo, seq), e: e})
	return nil
}

func (t *tx) Events(wo core.ID) ([]core.Event, error) {
	if h, ok := t.fresh[wo]; ok {
		if len(h) == 0 {
			return nil, nil
		}
		return slices.Clone(h), nil
	}
	p := itob(wo)
	var out []core.Event
	c := t.b(bucketEvents).Cursor()
	for k, v := c.Seek(p); k != nil && hasPrefix(k, p); k, v = c.Next() {
		var e core.Event
		if err := decodeJSON(v, &e); err != nil {
			return nil, fmt.Errorf("store: history of work order %d is unreadable: %w", wo, err)
		}
		out = append(out, e)
	}
	for _, i := range t.eventsOf[wo] { // appended since, not written yet
		out = append(out, t.events[i].e)
	}
	return out, nil
}

func (t *tx) LastEvent(wo core.ID) (core.Event, error) {
	if h, ok := t.fresh[wo]; ok {
		if len(h) == 0 {
			return core.Event{}, core.NotFoundf("Work order %d has no history.", wo)
		}
		return h[len(h)-1], nil
	}
	if held := t.eventsOf[wo]; len(held) > 0 {
		return t.events[held[len(held)-1]].e, nil
	}
	var e core.Event
	c := t.b(bucketEvents).Cursor()
	var k, v []byte
	if k, _ = c.Seek(itob(wo + 1)); k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	if k == nil || !hasPrefix(k, itob(wo)) {
		return e, core.NotFoundf("Work order %d has no history.", wo)
	}
	return e, decodeJSON(v, &e)
}
