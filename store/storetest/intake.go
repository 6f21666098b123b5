package storetest

import (
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"switchboard/core"
)

// testMailLog (R-IN-5): mail records keep the first record of a Message-ID, the
// quarantine index follows the outcome, raw bytes come and go, threads map
// Message-IDs to work orders.
func testMailLog(t *testing.T, st core.Store) {
	a := core.MailRecord{MessageID: "<Abc@Example.COM>", ReceivedAt: t0, Outcome: core.MailQuarantined, Subject: "first"}
	b := core.MailRecord{MessageID: "abc@example.com", ReceivedAt: t0.Add(time.Minute), Outcome: core.MailDuplicate, Subject: "again"}
	c := core.MailRecord{ReceivedAt: t0.Add(2 * time.Minute), Outcome: core.MailCreated, Subject: "no id"}
	update(t, st, func(tx core.Tx) error {
		for _, m := range []*core.MailRecord{&a, &b, &c} {
			if err := tx.PutMailRecord(m); err != nil {
				return err
			}
		}
		return tx.PutMailRaw(a.ID, []byte("raw bytes"))
	})
	view(t, st, func(tx core.Tx) error {
		if got, err := tx.MailRecordByMessageID("ABC@example.com"); err != nil || got.ID != a.ID {
			t.Errorf("by Message-ID: %+v %v; want the first record %d", got, err, a.ID)
		}
		if _, err := tx.MailRecordByMessageID(""); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("empty Message-ID found: %v", err)
		}
		all, err := tx.MailRecords(core.MailQuery{})
		if err != nil || len(all) != 3 || all[0].ID != c.ID || all[2].ID != a.ID {
			t.Errorf("log newest first: %+v %v", all, err)
		}
		if one, _ := tx.MailRecords(core.MailQuery{Limit: 1}); len(one) != 1 || one[0].ID != c.ID {
			t.Errorf("limit 1: %+v", one)
		}
		q, err := tx.MailRecords(core.MailQuery{Quarantined: true})
		if err != nil || len(q) != 1 || q[0].ID != a.ID {
			t.Errorf("quarantine: %+v %v", q, err)
		}
		if raw, err := tx.MailRaw(a.ID); err != nil || string(raw) != "raw bytes" {
			t.Errorf("raw: %q %v", raw, err)
		}
		return nil
	})
	a.Outcome = core.MailReleased
	update(t, st, func(tx core.Tx) error {
		if err := tx.PutMailRecord(&a); err != nil {
			return err
		}
		if err := tx.PutMailRaw(a.ID, nil); err != nil {
			return err
		}
		if err := tx.PutMailThread("<Thread-1@Example.com>", 42); err != nil {
			return err
		}
		return tx.PutMailThread("", 43) // ignored
	})
	view(t, st, func(tx core.Tx) error {
		if q, _ := tx.MailRecords(core.MailQuery{Quarantined: true}); len(q) != 0 {
			t.Errorf("released record still in quarantine: %+v", q)
		}
		if _, err := tx.MailRaw(a.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("dropped raw bytes still there: %v", err)
		}
		if wo, err := tx.MailThread("thread-1@example.com"); err != nil || wo != 42 {
			t.Errorf("thread: %d %v", wo, err)
		}
		if _, err := tx.MailThread("other@example.com"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("unknown thread: %v", err)
		}
		return nil
	})
}

// testAttachments: files are listed per work order in order and read back whole.
func testAttachments(t *testing.T, st core.Store) {
	a := core.Attachment{WorkOrderID: 7, Filename: "报价单.pdf", ContentType: "application/pdf", Size: 3, At: t0}
	b := core.Attachment{WorkOrderID: 8, Filename: "x.png", ContentType: "image/png", Size: 0, At: t0}
	c := core.Attachment{WorkOrderID: 7, Filename: "log.txt", ContentType: "text/plain", Size: 2, At: t0}
	update(t, st, func(tx core.Tx) error {
		if err := tx.PutAttachment(&a, []byte("PDF")); err != nil {
			return err
		}
		if err := tx.PutAttachment(&b, nil); err != nil {
			return err
		}
		return tx.PutAttachment(&c, []byte("ok"))
	})
	view(t, st, func(tx core.Tx) error {
		got, err := tx.Attachments(7)
		if err != nil || len(got) != 2 || got[0].Filename != "报价单.pdf" || got[1].ID != c.ID {
			t.Errorf("attachments of 7: %+v %v", got, err)
		}
		if data, err := tx.AttachmentData(a.ID); err != nil || string(data) != "PDF" {
			t.Errorf("data: %q %v", data, err)
		}
		if data, err := tx.AttachmentData(b.ID); err != nil || len(data) != 0 {
			t.Errorf("empty file: %q %v", data, err)
		}
		if none, _ := tx.Attachments(9); len(none) != 0 {
			t.Errorf("attachments of 9: %+v", none)
		}
		return nil
	})
	if err := st.Update(func(tx core.Tx) error { return tx.PutAttachment(&core.Attachment{Filename: "orphan"}, nil) }); err == nil {
		t.Error("an attachment without a work order was stored")
	}
}

// testAPIKeys (R-IN-6): keys are found by the hash of their secret only, and
// idempotency records are scoped per key and pruned oldest first.
func testAPIKeys(t *testing.T, st core.Store) {
	secret := core.NewAPISecret()
	k := core.APIKey{Name: "erp", Prefix: secret[:8], Hash: hex.EncodeToString(core.HashAPISecret(secret)), CreatedAt: t0}
	update(t, st, func(tx core.Tx) error { return tx.PutAPIKey(&k) })
	view(t, st, func(tx core.Tx) error {
		if got, err := tx.APIKeyByHash(core.HashAPISecret(secret)); err != nil || got.ID != k.ID || got.Name != "erp" {
			t.Errorf("by hash: %+v %v", got, err)
		}
		if _, err := tx.APIKeyByHash([]byte(secret)); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("found by the plain secret: %v", err)
		}
		return nil
	})
	if err := st.Update(func(tx core.Tx) error { return tx.PutAPIKey(&core.APIKey{Name: "bad", Hash: "zz"}) }); err == nil {
		t.Error("a key without a SHA-256 was stored")
	}
	recs := []core.IdempotencyRecord{
		{APIKey: k.ID, Key: "a", Status: 201, Body: []byte(`{"n":1}`), At: t0},
		{APIKey: k.ID + 1, Key: "a", Status: 201, Body: []byte(`{"n":2}`), At: t0.Add(time.Hour)},
		{APIKey: k.ID, Key: "b", Status: 422, At: t0.Add(2 * time.Hour)},
	}
	update(t, st, func(tx core.Tx) error {
		for i := range recs {
			if err := tx.PutIdempotency(&recs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, st, func(tx core.Tx) error {
		if r, err := tx.Idempotency(k.ID, "a"); err != nil || string(r.Body) != `{"n":1}` {
			t.Errorf("key a of %d: %+v %v", k.ID, r, err)
		}
		if r, err := tx.Idempotency(k.ID+1, "a"); err != nil || string(r.Body) != `{"n":2}` {
			t.Errorf("key a of another API key: %+v %v", r, err)
		}
		if _, err := tx.Idempotency(k.ID, "c"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("unknown key: %v", err)
		}
		return nil
	})
	var n int
	update(t, st, func(tx core.Tx) error {
		var err error
		n, err = tx.PruneIdempotency(t0.Add(90*time.Minute), 10)
		return err
	})
	view(t, st, func(tx core.Tx) error {
		_, errA := tx.Idempotency(k.ID, "a")
		_, errB := tx.Idempotency(k.ID, "b")
		if n != 2 || !errors.Is(errA, core.ErrNotFound) || errB != nil {
			t.Errorf("prune dropped %d (%v, %v); want the two older records", n, errA, errB)
		}
		return nil
	})
}
