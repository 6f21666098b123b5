package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	gojson "github.com/goccy/go-json"
	bolt "go.etcd.io/bbolt"

	"switchboard/core"
)

// tx adapts a bbolt transaction to core.Tx.
type tx struct {
	tx *bolt.Tx
	db *Bolt
	// search collects the search texts this transaction changed, for the
	// in-memory index once it commits.
	search searchChanges
	// loading: records arrive with their ids from another database (Load);
	// a work order or message with an id is new here, not a change.
	loading bool
	// fresh holds the history of the work orders this transaction function
	// created: all of it was appended here, so Events and LastEvent answer
	// from it instead of a cursor and decoding (an API create returns its
	// history; dispatch reads the last event).
	fresh map[core.ID][]core.Event
	// wo holds the work orders put in this transaction function, written
	// (encoded) once when it returns: a create that dispatches puts its work
	// order twice and encoded it twice (issue 19).
	wo map[core.ID]*core.WorkOrder
	// loads are the engineers' load counters this transaction function moved,
	// as they now are: written once when it returns.
	loads map[core.ID]int64
	// pending are the work orders created in this transaction function whose
	// rows and index entries are not written yet (settle).
	pending map[core.ID]bool
	// events and tasks are history events and tasks put in this transaction
	// function, written when it returns (flush); eventsOf indexes events by
	// work order, for Events and LastEvent.
	events   []heldEvent
	eventsOf map[core.ID][]int
	tasks    []*core.Task
	// heldIdx are the people indexes' new entries (heldIndexes): index →
	// value → ids, and heldNames the account-name index's (lower-cased name
	// → id), written in key order when the function returns.
	heldIdx   map[string]map[string][]core.ID
	heldNames map[string]core.ID
	// rotate commits and begins the next transaction (Load only: see
	// beforePut); loadPuts counts the puts since.
	rotate   func() error
	loadPuts int
	// seen is the last row WorkOrderVersion read, as stored, until a row is
	// written: PutWorkOrder of the same work order uses it instead of
	// searching the B-tree again.
	seen seenRow
}

type seenRow struct {
	id  core.ID
	raw []byte
}

// heldEvent is a history event to write at flush.
type heldEvent struct {
	key []byte
	e   core.Event
}

// run calls fn with a tx on btx and writes what it held back.
func (b *Bolt) run(btx *bolt.Tx, fn func(core.Tx) error) error {
	t := &tx{tx: btx, db: b}
	if err := fn(t); err != nil {
		return err
	}
	return t.flush()
}

// holdWorkOrder keeps a copy of w (without its history) to write at flush.
func (t *tx) holdWorkOrder(w *core.WorkOrder) {
	if t.wo == nil {
		t.wo = map[core.ID]*core.WorkOrder{}
	}
	bare := *w
	bare.History = nil
	c := copyWorkOrder(&bare)
	t.wo[w.ID] = &c
}

// copyWorkOrder copies w deep enough that changing either leaves the other
// as it was.
func copyWorkOrder(w *core.WorkOrder) core.WorkOrder {
	c := *w
	for _, p := range []**time.Time{&c.DueAt, &c.NodeDueAt, &c.AssignTime} {
		if *p != nil {
			v := **p
			*p = &v
		}
	}
	if w.Objects != nil {
		c.Objects = make([]core.WorkOrderObject, len(w.Objects))
		for i, o := range w.Objects {
			o.Values = slices.Clone(o.Values)
			c.Objects[i] = o
		}
	}
	c.History = slices.Clone(w.History)
	return c
}

// flush writes what the transaction function held back: the rows and
// indexes of new work orders, the load counters, then the work orders, the
// history events and the tasks it put — encoded first, on every processor
// when there are many (a dispatch run's 2,000 work orders, their events and
// tasks: encoding is most of a flush, and the records are the transaction's
// own copies), and written in key order.
func (t *tx) flush() error {
	if err := t.settle(); err != nil {
		return err
	}
	if err := t.writeLoads(); err != nil {
		return err
	}
	if err := t.writeHeldIndexes(); err != nil {
		return err
	}
	if len(t.wo) == 0 && len(t.events) == 0 && len(t.tasks) == 0 {
		return nil
	}
	type record struct {
		bucket []byte
		key    []byte
		raw    []byte
		err    error
	}
	recs := make([]record, 0, len(t.wo)+len(t.events)+len(t.tasks))
	for _, id := range slices.Sorted(maps.Keys(t.wo)) {
		recs = append(recs, record{bucket: bucketWorkOrders, key: itob(id)})
	}
	nwo := len(recs)
	for i := range t.events {
		recs = append(recs, record{bucket: bucketEvents, key: t.events[i].key})
	}
	nev := len(recs)
	for _, task := range t.tasks {
		recs = append(recs, record{bucket: bucketTasks, key: itob(task.ID)})
	}
	encode := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			r := &recs[i]
			switch {
			case i < nwo:
				r.raw, r.err = encodeFast(t.wo[btoi(r.key)])
			case i < nev:
				r.raw, r.err = encodeFast(t.events[i-nwo].e)
			default:
				r.raw, r.err = encodeFast(t.tasks[i-nev])
			}
		}
	}
	if workers := runtime.GOMAXPROCS(0); len(recs) >= flushParallel && workers > 1 {
		var wg sync.WaitGroup
		for k := range workers {
			wg.Go(func() { encode(len(recs)*k/workers, len(recs)*(k+1)/workers) })
		}
		wg.Wait()
	} else {
		encode(0, len(recs))
	}
	// Events are held in the order they were appended: written in key order.
	slices.SortFunc(recs[nwo:nev], func(a, b record) int { return bytes.Compare(a.key, b.key) })
	var b *bolt.Bucket
	for i := range recs {
		r := &recs[i]
		if r.err != nil {
			return r.err
		}
		if i == 0 || i == nwo || i == nev {
			b = t.b(r.bucket)
		}
		if err := b.Put(r.key, r.raw); err != nil {
			return err
		}
	}
	clear(t.wo)
	t.events, t.eventsOf, t.tasks = t.events[:0], nil, t.tasks[:0]
	return nil
}

// holdMost bounds what one transaction function holds: past it, what is held
// is written before the next put (beforePut). An import of 50,000 work orders in
// one transaction held a copy of each, and of each one's history, until it
// returned (630 MB resident); a dispatch batch (2,000) stays below it.
const holdMost = 8192

// beforePut runs first in every put, where no bucket of the transaction is
// held. In Load it commits every loadChunk puts (see Load); and once the
// function holds more than holdMost work orders or events it writes them
// (reads see the same either way).
func (t *tx) beforePut() error {
	if t.rotate != nil {
		if t.loadPuts++; t.loadPuts >= loadChunk {
			t.loadPuts = 0
			return t.rotate()
		}
	}
	if len(t.wo) < holdMost && len(t.events) < holdMost {
		return nil
	}
	clear(t.fresh) // their histories are written: Events reads them
	return t.flush()
}

// flushParallel is how many held records are worth encoding in parallel.
const flushParallel = 256

// searchChanged records id's new search text for the index.
func (t *tx) searchChanged(id core.ID, text []byte) {
	if t.db == nil {
		return
	}
	if t.search == nil {
		t.search = searchChanges{}
		ch, db := t.search, t.db
		t.tx.OnCommit(func() { db.applySearch(ch) })
	}
	t.search[id] = text
}

func (t *tx) b(name []byte) *bolt.Bucket {
	b := t.tx.Bucket(name)
	if t.tx.Writable() && appendMostly[string(name)] {
		b.FillPercent = appendFill
	}
	return b
}

// appendMostly buckets get keys in increasing order (sequence ids), so pages that
// split are never written to again: filling them to 90% instead of bbolt's default
// 50% roughly halves the file. FillPercent is per transaction, so it is set here.
var appendMostly = map[string]bool{
	string(bucketWorkOrders): true, string(bucketWORows): true, string(bucketWOSearch): true,
	string(bucketEvents): true, string(bucketWOByNumber): true,
	string(bucketUsers): true, string(bucketContacts): true, string(bucketTerminalUsers): true,
}

const appendFill = 0.9

// get decodes the JSON record id of bucket into v.
func get[T any](t *tx, bucket []byte, id core.ID, kind string) (T, error) {
	var v T
	raw := t.b(bucket).Get(itob(id))
	if raw == nil {
		return v, core.NotFoundf("There is no %s %d.", kind, id)
	}
	if err := decodeJSON(raw, &v); err != nil {
		return v, fmt.Errorf("store: %s %d is unreadable: %w", kind, id, err)
	}
	return v, nil
}

// decodeJSON reads a stored record. Records are written with encoding/json
// and read with goccy/go-json, which decodes the same JSON into the same
// values three times faster (a work order: 17 µs → 6 µs); a dispatch run
// over 100,000 work orders reads every one of them.
func decodeJSON(raw []byte, v any) error { return gojson.UnmarshalNoEscape(raw, v) }

// encodeFast writes the records every work-order change writes — the work
// order, its history event, an engineer's task — with core's hand-written
// appenders and anything else with goccy/go-json; both byte for byte what
// encoding/json writes for these types (TestFastJSONIsStandardJSON here,
// TestJSONAppendersAreStandardJSON in core; goccy ignores omitzero, which
// they must not use).
func encodeFast(v any) ([]byte, error) {
	switch v := v.(type) {
	case *core.WorkOrder:
		return core.AppendWorkOrderJSON(make([]byte, 0, 1536), v, true)
	case core.Event:
		return core.AppendEventJSON(make([]byte, 0, 256), &v)
	case *core.Task:
		return core.AppendTaskJSON(make([]byte, 0, 256), v)
	}
	return gojson.Marshal(v)
}

// putFast is put with encodeFast.
func putFast(t *tx, bucket []byte, id *core.ID, v any) error {
	bk := t.b(bucket)
	if *id == 0 {
		n, err := bk.NextSequence()
		if err != nil {
			return err
		}
		*id = core.ID(n)
	}
	raw, err := encodeFast(v)
	if err != nil {
		return err
	}
	return bk.Put(itob(*id), raw)
}

// put assigns *id from the bucket's sequence when zero and stores v as JSON.
func put(t *tx, bucket []byte, id *core.ID, v any) error {
	bk := t.b(bucket)
	if *id == 0 {
		n, err := bk.NextSequence()
		if err != nil {
			return err
		}
		*id = core.ID(n)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return bk.Put(itob(*id), raw)
}

// all decodes every record of bucket in id order.
func all[T any](t *tx, bucket []byte) ([]T, error) {
	var out []T
	err := t.b(bucket).ForEach(func(k, raw []byte) error {
		var v T
		if err := decodeJSON(raw, &v); err != nil {
			return fmt.Errorf("store: record %d of %s is unreadable: %w", btoi(k), bucket, err)
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// byIndex returns the records whose index key starts with value.
func byIndex[T any](t *tx, index, bucket []byte, value, kind string) ([]T, error) {
	if value == "" {
		return nil, nil
	}
	p := indexPrefix(value)
	var ids []core.ID
	c := t.b(index).Cursor()
	for k, _ := c.Seek(p); k != nil && hasPrefix(k, p); k, _ = c.Next() {
		ids = append(ids, btoi(k[len(p):]))
	}
	if held := t.heldIdx[string(index)][value]; len(held) > 0 {
		ids = append(ids, held...)
		slices.Sort(ids) // in key order, as if written
	}
	var out []T
	for _, id := range ids {
		v, err := get[T](t, bucket, id, kind)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// heldIndexes are the people indexes (contacts and terminal users by phone,
// email and WeChat identity): their new entries are held for the whole
// transaction function and written in key order when it returns. Importing
// 50,000 customers in one transaction put their random phones and emails into
// one growing node each — bbolt splits nodes only at commit — and took 15 s
// (10,000: 0.4 s). They are read through byIndex only, which sees what is held.
var heldIndexes = map[string]bool{
	string(bucketContactsByPhone): true, string(bucketContactsByEmail): true,
	string(bucketTerminalByPhone): true, string(bucketTerminalByEmail): true, string(bucketTerminalByOpenID): true,
}

// writeHeldIndexes writes the held index entries, each index in key order.
func (t *tx) writeHeldIndexes() error {
	for _, name := range slices.Sorted(maps.Keys(t.heldIdx)) {
		var keys [][]byte
		for value, ids := range t.heldIdx[name] {
			for _, id := range ids {
				keys = append(keys, indexKey(value, id))
			}
		}
		slices.SortFunc(keys, bytes.Compare)
		b := t.b([]byte(name))
		for _, k := range keys {
			if err := b.Put(k, nil); err != nil {
				return err
			}
		}
	}
	clear(t.heldIdx)
	if len(t.heldNames) > 0 {
		b := t.b(bucketAccountsByName)
		for _, name := range slices.Sorted(maps.Keys(t.heldNames)) {
			if err := b.Put([]byte(name), itob(t.heldNames[name])); err != nil {
				return err
			}
		}
		clear(t.heldNames)
	}
	return nil
}

// reindex moves a non-unique index entry from old to new value.
func reindex(t *tx, index []byte, old, new string, id core.ID) error {
	if old == new {
		return nil
	}
	if name := string(index); heldIndexes[name] {
		if old != "" {
			if ids := t.heldIdx[name][old]; slices.Contains(ids, id) {
				t.heldIdx[name][old] = slices.DeleteFunc(ids, func(x core.ID) bool { return x == id })
			} else if err := t.b(index).Delete(indexKey(old, id)); err != nil {
				return err
			}
		}
		if new != "" {
			if t.heldIdx == nil {
				t.heldIdx = map[string]map[string][]core.ID{}
			}
			if t.heldIdx[name] == nil {
				t.heldIdx[name] = map[string][]core.ID{}
			}
			t.heldIdx[name][new] = append(t.heldIdx[name][new], id)
		}
		return nil
	}
	return reindexNow(t, index, old, new, id)
}

// reindexNow moves a non-unique index entry from old to new value in the
// bucket itself.
func reindexNow(t *tx, index []byte, old, new string, id core.ID) error {
	if old == new {
		return nil
	}
	b := t.b(index)
	if old != "" {
		if err := b.Delete(indexKey(old, id)); err != nil {
			return err
		}
	}
	if new != "" {
		return b.Put(indexKey(new, id), nil)
	}
	return nil
}

// --- users

func (t *tx) PutUser(u *core.User) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	var old core.User
	if u.ID != 0 {
		old, _ = t.User(u.ID)
	}
	if err := put(t, bucketUsers, &u.ID, u); err != nil {
		return err
	}
	idx := t.b(bucketUsersByLogin)
	if old.Login != "" && old.Login != u.Login {
		if err := idx.Delete([]byte(old.Login)); err != nil {
			return err
		}
	}
	return idx.Put([]byte(u.Login), itob(u.ID))
}

func (t *tx) User(id core.ID) (core.User, error) { return get[core.User](t, bucketUsers, id, "user") }

func (t *tx) UserByLogin(login string) (core.User, error) {
	id := t.b(bucketUsersByLogin).Get([]byte(login))
	if id == nil {
		return core.User{}, core.NotFoundf("There is no user %q.", login)
	}
	return t.User(btoi(id))
}

func (t *tx) Users() ([]core.User, error) { return all[core.User](t, bucketUsers) }

// --- accounts

func (t *tx) PutAccount(a *core.Account) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	var old core.Account
	if a.ID != 0 {
		old, _ = t.Account(a.ID)
	}
	if err := put(t, bucketAccounts, &a.ID, a); err != nil {
		return err
	}
	// The name index is held like the people indexes (heldIndexes): an
	// import of 50,000 contacts of as many companies wrote their names out
	// of order into one growing node (7.0 s; held, 2.0 s).
	if old.Name != "" && !strings.EqualFold(old.Name, a.Name) {
		oldKey := strings.ToLower(old.Name)
		if id, ok := t.heldNames[oldKey]; ok {
			if id == a.ID {
				delete(t.heldNames, oldKey)
			}
		} else if err := t.b(bucketAccountsByName).Delete([]byte(oldKey)); err != nil {
			return err
		}
	}
	if t.heldNames == nil {
		t.heldNames = map[string]core.ID{}
	}
	t.heldNames[strings.ToLower(a.Name)] = a.ID
	return nil
}

func (t *tx) Account(id core.ID) (core.Account, error) {
	return get[core.Account](t, bucketAccounts, id, "account")
}

func (t *tx) AccountByName(name string) (core.Account, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	if id, ok := t.heldNames[key]; ok {
		return t.Account(id)
	}
	id := t.b(bucketAccountsByName).Get([]byte(key))
	if id == nil {
		return core.Account{}, core.NotFoundf("There is no account named %q.", name)
	}
	return t.Account(btoi(id))
}

func (t *tx) Accounts() ([]core.Account, error) { return all[core.Account](t, bucketAccounts) }

// --- contacts

func (t *tx) PutContact(c *core.Contact) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	var old core.Contact
	if c.ID != 0 {
		old, _ = t.Contact(c.ID)
	}
	if err := put(t, bucketContacts, &c.ID, c); err != nil {
		return err
	}
	if err := reindex(t, bucketContactsByPhone, old.Phone, c.Phone, c.ID); err != nil {
		return err
	}
	return reindex(t, bucketContactsByEmail, old.Email, c.Email, c.ID)
}

func (t *tx) Contact(id core.ID) (core.Contact, error) {
	return get[core.Contact](t, bucketContacts, id, "contact")
}

func (t *tx) ContactsByPhone(phone string) ([]core.Contact, error) {
	return byIndex[core.Contact](t, bucketContactsByPhone, bucketContacts, phone, "contact")
}

func (t *tx) ContactsByEmail(email string) ([]core.Contact, error) {
	return byIndex[core.Contact](t, bucketContactsByEmail, bucketContacts, email, "contact")
}

func (t *tx) Contacts() ([]core.Contact, error) { return all[core.Contact](t, bucketContacts) }

// --- terminal users

func (t *tx) PutTerminalUser(u *core.TerminalUser) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	var old core.TerminalUser
	if u.ID != 0 {
		old, _ = t.TerminalUser(u.ID)
	}
	if err := put(t, bucketTerminalUsers, &u.ID, u); err != nil {
		return err
	}
	if err := reindex(t, bucketTerminalByPhone, old.Phone, u.Phone, u.ID); err != nil {
		return err
	}
	if err := reindex(t, bucketTerminalByOpenID, openIDKey("o", old.WeChatOpenID), openIDKey("o", u.WeChatOpenID), u.ID); err != nil {
		return err
	}
	if err := reindex(t, bucketTerminalByOpenID, openIDKey("m", old.MiniProgramOpenID), openIDKey("m", u.MiniProgramOpenID), u.ID); err != nil {
		return err
	}
	return reindex(t, bucketTerminalByEmail, old.Email, u.Email, u.ID)
}

// openIDKey is an openid's value in the terminal_by_openid index, by kind
// ("o" official account, "m" mini program); "" for none.
func openIDKey(kind, openid string) string {
	if openid == "" {
		return ""
	}
	return kind + "\x00" + openid
}

func (t *tx) TerminalUsersByOpenID(openid string) ([]core.TerminalUser, error) {
	if openid == "" {
		return nil, nil
	}
	out, err := byIndex[core.TerminalUser](t, bucketTerminalByOpenID, bucketTerminalUsers, openIDKey("o", openid), "terminal user")
	if err != nil {
		return nil, err
	}
	mini, err := byIndex[core.TerminalUser](t, bucketTerminalByOpenID, bucketTerminalUsers, openIDKey("m", openid), "terminal user")
	for _, u := range mini {
		if !slices.ContainsFunc(out, func(o core.TerminalUser) bool { return o.ID == u.ID }) {
			out = append(out, u)
		}
	}
	return out, err
}

func (t *tx) TerminalUsers() ([]core.TerminalUser, error) {
	return all[core.TerminalUser](t, bucketTerminalUsers)
}

func (t *tx) TerminalUser(id core.ID) (core.TerminalUser, error) {
	return get[core.TerminalUser](t, bucketTerminalUsers, id, "terminal user")
}

func (t *tx) TerminalUsersByPhone(phone string) ([]core.TerminalUser, error) {
	return byIndex[core.TerminalUser](t, bucketTerminalByPhone, bucketTerminalUsers, phone, "terminal user")
}

func (t *tx) TerminalUsersByEmail(email string) ([]core.TerminalUser, error) {
	return byIndex[core.TerminalUser](t, bucketTerminalByEmail, bucketTerminalUsers, email, "terminal user")
}

// --- providers and engineers

func (t *tx) PutProvider(p *core.Provider) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	if err := put(t, bucketProviders, &p.ID, p); err != nil {
		return err
	}
	return bumpDispatchGen(t.tx)
}

func (t *tx) Provider(id core.ID) (core.Provider, error) {
	return get[core.Provider](t, bucketProviders, id, "provider")
}

func (t *tx) Providers() ([]core.Provider, error) { return all[core.Provider](t, bucketProviders) }

func (t *tx) PutEngineer(e *core.Engineer) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	if err := put(t, bucketEngineers, &e.ID, e); err != nil {
		return err
	}
	return bumpDispatchGen(t.tx)
}

func (t *tx) Engineer(id core.ID) (core.Engineer, error) {
	return get[core.Engineer](t, bucketEngineers, id, "engineer")
}

func (t *tx) Engineers() ([]core.Engineer, error) { return all[core.Engineer](t, bucketEngineers) }

// --- settings

func (t *tx) Setting(name string) ([]byte, error) {
	v := t.b(bucketSettings).Get([]byte(name))
	if v == nil {
		return nil, nil
	}
	return append([]byte(nil), v...), nil
}

func (t *tx) PutSetting(name string, value []byte) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	if err := t.b(bucketSettings).Put([]byte(name), value); err != nil {
		return err
	}
	if strings.HasPrefix(name, core.DispatchSettingPrefix) {
		return bumpDispatchGen(t.tx)
	}
	return nil
}
