package group

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Issue 19: Batch calls share transactions (so they share fsyncs), a failing
// call gets its own error and the rest commit, and a panicking call neither
// takes the process down nor leaves the others waiting.
func TestGroupCommit(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "g.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("b")); return err }); err != nil {
		t.Fatal(err)
	}
	g := &Committer[*bolt.Tx]{Update: db.Update}
	const calls = 400
	boom := errors.New("boom")
	var mu sync.Mutex
	txs := map[int]bool{}
	errs := make([]error, calls)
	var wg sync.WaitGroup
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = g.Do(func(tx *bolt.Tx) error {
				mu.Lock()
				txs[tx.ID()] = true
				mu.Unlock()
				if err := tx.Bucket([]byte("b")).Put(fmt.Appendf(nil, "%03d", i), []byte("x")); err != nil {
					return err
				}
				switch i {
				case 77:
					return boom
				case 123:
					panic("a bug in one write")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	err = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("b"))
		for i := range calls {
			v := b.Get(fmt.Appendf(nil, "%03d", i))
			switch i {
			case 77:
				if !errors.Is(errs[i], boom) || v != nil {
					t.Errorf("the failing call: err %v, value %q", errs[i], v)
				}
			case 123:
				if errs[i] == nil || !strings.Contains(errs[i].Error(), "a bug in one write") || v != nil {
					t.Errorf("the panicking call: err %v, value %q", errs[i], v)
				}
			default:
				if errs[i] != nil || string(v) != "x" {
					t.Errorf("call %d: err %v, value %q", i, errs[i], v)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Two solo re-runs and a handful of rolled-back groups aside, the calls
	// shared their transactions.
	if len(txs) > calls/4 {
		t.Errorf("%d calls ran in %d transactions: they are not being grouped", calls, len(txs))
	}
	// The writer goroutine ends once nobody waits.
	for start := time.Now(); ; time.Sleep(time.Millisecond) {
		g.mu.Lock()
		writing, queued := g.writing, len(g.queue)
		g.mu.Unlock()
		if !writing && queued == 0 {
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("the writer did not stop: writing %v, %d queued", writing, queued)
		}
	}
}
