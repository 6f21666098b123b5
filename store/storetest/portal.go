package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"switchboard/core"
)

// testLinks: links are found by the hash of their token, never by the token, and
// keep purpose, work order, expiry and use counts.
func testLinks(t *testing.T, st core.Store) {
	tok := core.NewToken()
	exp := t0.Add(time.Hour)
	l := core.Link{Hash: core.HashToken(tok), Purpose: core.PurposeTerminalTask, WorkOrder: 7, ExpiresAt: &exp, CreatedAt: t0, CreatedBy: "admin"}
	update(t, st, func(tx core.Tx) error { return tx.PutLink(&l) })
	view(t, st, func(tx core.Tx) error {
		got, err := tx.Link(core.HashToken(tok))
		if err != nil || got.Purpose != core.PurposeTerminalTask || got.WorkOrder != 7 || !got.ExpiresAt.Equal(exp) || got.Uses != 0 || string(got.Hash) != string(l.Hash) {
			t.Errorf("Link = %+v, %v", got, err)
		}
		if _, err := tx.Link([]byte(tok)); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("link found by its plain token: %v", err)
		}
		if _, err := tx.Link(core.HashToken(core.NewToken())); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("unknown link: %v", err)
		}
		return nil
	})
	l.Uses++
	l.UsedAt = &exp
	update(t, st, func(tx core.Tx) error { return tx.PutLink(&l) })
	view(t, st, func(tx core.Tx) error {
		if got, _ := tx.Link(l.Hash); got.Uses != 1 || got.UsedAt == nil {
			t.Errorf("use not kept: %+v", got)
		}
		return nil
	})
	if err := st.Update(func(tx core.Tx) error { return tx.PutLink(&core.Link{Hash: []byte("short")}) }); err == nil {
		t.Errorf("a link keyed by something other than a SHA-256 was stored")
	}
}

// testDevices: devices by code, listed in code order, replaced in place.
func testDevices(t *testing.T, st core.Store) {
	for _, c := range []string{"FRZ-2", "AC-1", "FRZ-10"} {
		update(t, st, func(tx core.Tx) error {
			return tx.PutDevice(&core.Device{Code: c, Model: "m " + c, AccountID: 3, AccountName: "上海浦东仓储", CreatedAt: t0})
		})
	}
	update(t, st, func(tx core.Tx) error {
		return tx.PutDevice(&core.Device{Code: "AC-1", Model: "Daikin", Location: "roof"})
	})
	view(t, st, func(tx core.Tx) error {
		ds, err := tx.Devices()
		if err != nil || len(ds) != 3 || ds[0].Code != "AC-1" || ds[1].Code != "FRZ-10" || ds[2].Code != "FRZ-2" {
			t.Errorf("Devices = %+v, %v", ds, err)
		}
		d, err := tx.Device("AC-1")
		if err != nil || d.Model != "Daikin" || d.Location != "roof" {
			t.Errorf("Device = %+v, %v", d, err)
		}
		if d, _ := tx.Device("FRZ-2"); d.AccountName != "上海浦东仓储" {
			t.Errorf("account name = %q", d.AccountName)
		}
		if _, err := tx.Device("nope"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("missing device: %v", err)
		}
		return nil
	})
}

// testBatch: 64 concurrent Batch writers, one of them failing, lose nothing and
// leak nothing of the failed call.
func testBatch(t *testing.T, st core.Store) {
	const writers = 64
	boom := errors.New("boom")
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = st.Batch(func(tx core.Tx) error {
				if err := tx.PutSetting(fmt.Sprintf("batch.%d", i), []byte("x")); err != nil {
					return err
				}
				if i == 13 {
					return boom
				}
				return nil
			})
		}()
	}
	wg.Wait()
	view(t, st, func(tx core.Tx) error {
		for i := range writers {
			v, _ := tx.Setting(fmt.Sprintf("batch.%d", i))
			switch {
			case i == 13 && (!errors.Is(errs[i], boom) || v != nil):
				t.Errorf("failed writer: err %v, value %q", errs[i], v)
			case i != 13 && (errs[i] != nil || string(v) != "x"):
				t.Errorf("writer %d: err %v, value %q", i, errs[i], v)
			}
		}
		return nil
	})
}
