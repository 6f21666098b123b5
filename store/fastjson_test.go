package store

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"switchboard/core"
)

// TestFastJSONIsStandardJSON: what the store writes with encodeFast (a work
// order, a history event, a task: core's hand-written appenders, which
// TestJSONAppendersAreStandardJSON compares over random records; an
// idempotency record: goccy/go-json) comes out byte for byte as encoding/json
// writes it, and goccy reads it back equal. A field tagged omitzero (which
// goccy ignores) fails here.
func TestFastJSONIsStandardJSON(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 30, 0, 123456789, time.FixedZone("CST", 8*3600))
	due := at.Add(48 * time.Hour)
	for _, tc := range []struct {
		name string
		v    any
	}{
		{"work order, empty", &core.WorkOrder{}},
		{"work order", &core.WorkOrder{ID: 42, Number: "WO-000042", Subject: `冷库 <温度> "过高" & 'more'`, Description: "line 1\nline 2\t\u2028end", RecordType: "Repair",
			Priority: core.PriorityUrgent, Status: core.StatusAssigned, Node: core.NodeService, Channel: core.ChannelAPI, AccountID: 3, AccountName: "北京华联商厦",
			ContactID: 9, ContactName: "张伟", Phone: "+86 138 0013 8000", Email: "zhang@example.cn", Region: "华北", Address: "建国路 88 号", DeviceCode: "AC-0042",
			OutOwner: 5, OutOwnerRule: "R-WO-4 case 1: x", CreatedBy: "api:ERP", CreatedAt: at, UpdatedAt: at, DueAt: &due, NodeDueAt: &due, Version: 7,
			AssignUser: "dora", AssignWay: core.AssignManual, AssignTime: &at, FieldPartner: 2, FieldFwssf: 2, FieldOutDealUser: 7,
			FieldDownstreamOuterTenantName: "华东服务", FieldDownstreamOuterTenantID: "T-1001", EngineerName: "李师傅", PhoneCheck: core.PhoneVerified,
			Objects: []core.WorkOrderObject{{Type: "payment", Label: "Payment fee", Values: []core.ObjectValue{{Key: "amount", Label: "Amount", Value: "120"}}, CreatedAt: at, CreatedBy: "customer"}}}},
		{"event", core.Event{At: at, By: "system", Channel: core.ChannelSystem, Kind: core.EventAssigned, Detail: `rule #1 "East" matched <b>`}},
		{"task", &core.Task{ID: 1, EngineerID: 7, WorkOrderID: 42, Number: "WO-000042", Subject: "x & y", Kind: "assigned", Detail: "…", At: at}},
		{"idempotency record", &core.IdempotencyRecord{APIKey: 3, Key: "erp-1", Request: "ab12", Status: 201, Number: "WO-000042", At: at}},
	} {
		std, err := json.Marshal(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		fast, err := encodeFast(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		if string(std) != string(fast) {
			t.Errorf("%s: goccy writes\n%s\nencoding/json writes\n%s", tc.name, fast, std)
		}
		back := reflect.New(reflect.TypeOf(tc.v)).Interface()
		want := reflect.New(reflect.TypeOf(tc.v)).Interface()
		if err := decodeJSON(std, back); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(std, want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, want) {
			t.Errorf("%s: goccy reads %+v, encoding/json %+v", tc.name, back, want)
		}
	}
	// Every field of the types written fast is covered above: a new one
	// tagged omitzero would be written differently.
	for _, typ := range []reflect.Type{reflect.TypeOf(core.WorkOrder{}), reflect.TypeOf(core.Event{}), reflect.TypeOf(core.Task{}), reflect.TypeOf(core.IdempotencyRecord{})} {
		for i := range typ.NumField() {
			if tag := typ.Field(i).Tag.Get("json"); strings.Contains(tag, "omitzero") {
				t.Errorf("%s.%s is tagged omitzero, which goccy/go-json does not honour: write it with encoding/json", typ.Name(), typ.Field(i).Name)
			}
		}
	}
}

// TestIdempotencyRecordFormats: a record reads back whole, its body byte for
// byte; one stored in the earlier all-JSON form is still read.
func TestIdempotencyRecordFormats(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	r := core.IdempotencyRecord{APIKey: 3, Key: "erp-1", Request: "ab12", Status: 201, Body: []byte(`{"number":"WO-000042","subject":"<冷库>"}`), Number: "WO-000042", At: at}
	raw, err := encodeIdempotency(&r)
	if err != nil {
		t.Fatal(err)
	}
	old, err := json.Marshal(&r)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"new": raw, "old": old} {
		var got core.IdempotencyRecord
		if err := decodeIdempotency(b, &got); err != nil || !reflect.DeepEqual(got, r) {
			t.Errorf("%s form: %+v %v, want %+v", name, got, err, r)
		}
	}
	if len(raw) >= len(old) {
		t.Errorf("the new form (%d bytes) is not smaller than the old (%d)", len(raw), len(old))
	}
}

// TestIdempotencyRecordPlacement (issue 19): a record is kept in the by-time
// bucket with only its time under its key; a whole record left by-key by an
// earlier version is read, replaced by a new put, and pruned like the rest.
func TestIdempotencyRecordPlacement(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "i.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	rec := func(key string, at time.Time) *core.IdempotencyRecord {
		return &core.IdempotencyRecord{APIKey: 3, Key: key, Request: "r-" + key, Status: 201, Body: []byte(`{"k":"` + key + `"}`), At: at}
	}
	if err := st.Update(func(ct core.Tx) error {
		t := ct.(*tx)
		// As the earlier version wrote it: the whole record under its key.
		old := rec("old", at)
		raw, err := encodeIdempotency(old)
		if err != nil {
			return err
		}
		if err := t.b(bucketIdempotency).Put(idemKey(3, "old"), raw); err != nil {
			return err
		}
		if err := t.b(bucketIdemByTime).Put(idemTimeKey(at, 3, "old"), nil); err != nil {
			return err
		}
		if err := t.PutIdempotency(rec("new", at.Add(time.Minute))); err != nil {
			return err
		}
		return t.PutIdempotency(rec("again", at.Add(2*time.Minute)))
	}); err != nil {
		t.Fatal(err)
	}
	read := func(key string) (core.IdempotencyRecord, error) {
		var r core.IdempotencyRecord
		err := st.View(func(tx core.Tx) error {
			var err error
			r, err = tx.Idempotency(3, key)
			return err
		})
		return r, err
	}
	for _, k := range []string{"old", "new", "again"} {
		if r, err := read(k); err != nil || r.Request != "r-"+k || string(r.Body) != `{"k":"`+k+`"}` {
			t.Errorf("%s: %+v %v", k, r, err)
		}
	}
	// A second put of "old" and of "again" replaces each: one record each.
	if err := st.Update(func(tx core.Tx) error {
		if err := tx.PutIdempotency(rec("old", at.Add(3*time.Minute))); err != nil {
			return err
		}
		return tx.PutIdempotency(rec("again", at.Add(4*time.Minute)))
	}); err != nil {
		t.Fatal(err)
	}
	count := func() (byKey, byTime int) {
		_ = st.View(func(ct core.Tx) error {
			t := ct.(*tx)
			byKey, byTime = t.b(bucketIdempotency).Stats().KeyN, t.b(bucketIdemByTime).Stats().KeyN
			return nil
		})
		return
	}
	if k, b := count(); k != 3 || b != 3 {
		t.Errorf("after replacing: %d by key, %d by time; want 3 and 3", k, b)
	}
	if r, err := read("old"); err != nil || !r.At.Equal(at.Add(3*time.Minute)) {
		t.Errorf("the replaced old record: %+v %v", r, err)
	}
	// Pruning up to 3½ minutes drops "new" and the replaced "old".
	var pruned int
	if err := st.Update(func(tx core.Tx) error {
		var err error
		pruned, err = tx.PruneIdempotency(at.Add(3*time.Minute+30*time.Second), 10)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if k, b := count(); pruned != 2 || k != 1 || b != 1 {
		t.Errorf("pruned %d, left %d by key and %d by time; want 2, 1, 1", pruned, k, b)
	}
	if _, err := read("again"); err != nil {
		t.Errorf("the newest record: %v", err)
	}
}
