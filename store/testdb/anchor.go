package testdb

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Anchors: what the engine's benchmarks are measured against, in the same
// run — bbolt by itself writing what Switchboard writes, with nothing of
// Switchboard around it.

// Change is one key of one bucket that a run wrote (Value) or deleted.
type Change struct {
	Bucket, Key, Value []byte
	Delete             bool
}

// Changes is the key/value difference between two bbolt files — everything a
// run between them wrote — in bucket and key order.
func Changes(before, after string) ([]Change, error) {
	snap := func(path string) (map[string]map[string][]byte, error) {
		db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
		if err != nil {
			return nil, err
		}
		defer db.Close()
		out := map[string]map[string][]byte{}
		err = db.View(func(tx *bolt.Tx) error {
			return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
				m := map[string][]byte{}
				out[string(name)] = m
				return b.ForEach(func(k, v []byte) error {
					if v == nil {
						return fmt.Errorf("bucket %s holds a nested bucket %x: not compared", name, k)
					}
					m[string(k)] = bytes.Clone(v)
					return nil
				})
			})
		})
		return out, err
	}
	a, err := snap(before)
	if err != nil {
		return nil, err
	}
	b, err := snap(after)
	if err != nil {
		return nil, err
	}
	var out []Change
	for name, kb := range b {
		ka := a[name]
		for k, v := range kb {
			if old, ok := ka[k]; !ok || !bytes.Equal(old, v) {
				out = append(out, Change{Bucket: []byte(name), Key: []byte(k), Value: v})
			}
		}
		for k := range ka {
			if _, ok := kb[k]; !ok {
				out = append(out, Change{Bucket: []byte(name), Key: []byte(k), Delete: true})
			}
		}
	}
	slices.SortFunc(out, func(x, y Change) int {
		if c := bytes.Compare(x.Bucket, y.Bucket); c != 0 {
			return c
		}
		return bytes.Compare(x.Key, y.Key)
	})
	return out, nil
}

// Replay writes changes into the bbolt file at path (a copy of the run's
// "before") in txs transactions, each fsynced, and returns the time taken.
// Each bucket's changes, in key order, are cut into txs consecutive slices and
// transaction t writes slice t of every bucket: a run that works through work
// orders in id order touches the same neighbourhoods together.
func Replay(path string, changes []Change, txs int) (time.Duration, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	txs = max(1, txs)
	var buckets [][]Change
	for i := 0; i < len(changes); {
		j := i
		for j < len(changes) && bytes.Equal(changes[j].Bucket, changes[i].Bucket) {
			j++
		}
		buckets = append(buckets, changes[i:j])
		i = j
	}
	start := time.Now()
	for t := range txs {
		var part []Change
		for _, bc := range buckets {
			part = append(part, bc[len(bc)*t/txs:len(bc)*(t+1)/txs]...)
		}
		err := db.Update(func(tx *bolt.Tx) error {
			for _, c := range part {
				b, err := tx.CreateBucketIfNotExists(c.Bucket)
				if err != nil {
					return err
				}
				if c.Delete {
					err = b.Delete(c.Key)
				} else {
					err = b.Put(c.Key, c.Value)
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

// RawResult is the anchor's throughput and the latency of its operations.
type RawResult struct {
	PerSecond float64
	P50, P99  time.Duration
}

// RawBatch is the anchor of concurrent creates: clients goroutines call
// bbolt's Batch (MaxBatchDelay 1 ms; fsync on) on the bbolt file at path
// until ops operations are done, each writing keys keys of bytes/keys bytes
// each into keys buckets under increasing ids — the shape of one work order's
// create; a second run on the same file goes on after the first's ids. It
// returns operations per second and their latency: with clients always
// waiting, no store can answer them faster than this disk commits.
func RawBatch(path string, clients, ops, keys, size int) (RawResult, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return RawResult{}, err
	}
	defer db.Close()
	db.MaxBatchDelay = time.Millisecond
	names := make([][]byte, keys)
	first := 0 // ids go on after an earlier run's: every run appends
	if err := db.Update(func(tx *bolt.Tx) error {
		for i := range names {
			names[i] = fmt.Appendf(nil, "anchor_%02d", i)
			b, err := tx.CreateBucketIfNotExists(names[i])
			if err != nil {
				return err
			}
			if k, _ := b.Cursor().Last(); len(k) == 8 {
				first = max(first, int(binary.BigEndian.Uint64(k))+1)
			}
		}
		return nil
	}); err != nil {
		return RawResult{}, err
	}
	value := bytes.Repeat([]byte("x"), max(1, size/keys))
	var mu sync.Mutex
	next, firstErr := 0, error(nil)
	lat := make([]time.Duration, 0, ops)
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				n := next
				next++
				mu.Unlock()
				if n >= ops {
					return
				}
				t0 := time.Now()
				err := db.Batch(func(tx *bolt.Tx) error {
					var k [8]byte
					binary.BigEndian.PutUint64(k[:], uint64(first+n))
					for _, name := range names {
						if err := tx.Bucket(name).Put(k[:], value); err != nil {
							return err
						}
					}
					return nil
				})
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					firstErr = err
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	r := RawResult{PerSecond: float64(len(lat)) / time.Since(start).Seconds()}
	if len(lat) > 0 {
		slices.Sort(lat)
		r.P50, r.P99 = lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)]
	}
	return r, firstErr
}
