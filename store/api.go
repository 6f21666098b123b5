package store

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"

	"switchboard/core"
)

// --- API keys (R-IN-6)

func (t *tx) PutAPIKey(k *core.APIKey) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	hash, err := hex.DecodeString(k.Hash)
	if err != nil || len(hash) != 32 {
		return fmt.Errorf("store: an API key is kept by its 32-byte SHA-256, not %q", k.Hash)
	}
	if err := put(t, bucketAPIKeys, &k.ID, k); err != nil {
		return err
	}
	return t.b(bucketAPIKeysByHash).Put(hash, itob(k.ID))
}

func (t *tx) APIKey(id core.ID) (core.APIKey, error) {
	return get[core.APIKey](t, bucketAPIKeys, id, "API key")
}

func (t *tx) APIKeyByHash(hash []byte) (core.APIKey, error) {
	id := t.b(bucketAPIKeysByHash).Get(hash)
	if id == nil || len(hash) == 0 {
		return core.APIKey{}, core.NotFoundf("There is no such API key.")
	}
	return t.APIKey(btoi(id))
}

func (t *tx) APIKeys() ([]core.APIKey, error) { return all[core.APIKey](t, bucketAPIKeys) }

// --- idempotency records

func idemKey(apiKey core.ID, key string) []byte {
	return append(itob(apiKey), key...)
}

func idemTimeKey(at time.Time, apiKey core.ID, key string) []byte {
	k := make([]byte, 8, 16+len(key))
	binary.BigEndian.PutUint64(k, uint64(max(at.UnixNano(), 0)))
	return append(k, idemKey(apiKey, key)...)
}

// An idempotency record lives in the by-time bucket, as the value of its
// time+key: records are written in time order, so they go to the end of that
// bucket, page after page. The by-key bucket maps the key to the record's
// time (8 bytes) and stays small: client keys arrive in random order, and with
// whole records (1.5 KB each) there every answer dirtied and split a page of
// its own (issue 19). A by-key value longer than 8 bytes is a record written
// before, read as it is.
func (t *tx) PutIdempotency(r *core.IdempotencyRecord) error {
	if err := t.beforePut(); err != nil {
		return err
	}
	if r.Key == "" || r.APIKey == 0 {
		return fmt.Errorf("store: an idempotency record needs its API key and key")
	}
	k := idemKey(r.APIKey, r.Key)
	b := t.b(bucketIdempotency)
	byTime := t.b(bucketIdemByTime)
	if old := b.Get(k); old != nil {
		at, legacy := idemAt(old)
		if legacy != nil {
			var o core.IdempotencyRecord
			if err := decodeIdempotency(legacy, &o); err == nil {
				at = idemTimeKey(o.At, o.APIKey, o.Key)[:8]
			}
		}
		if at != nil {
			if err := byTime.Delete(append(bytes.Clone(at), k...)); err != nil {
				return err
			}
		}
	}
	raw, err := encodeIdempotency(r)
	if err != nil {
		return err
	}
	tk := idemTimeKey(r.At, r.APIKey, r.Key)
	if err := b.Put(k, tk[:8:8]); err != nil {
		return err
	}
	return byTime.Put(tk, raw)
}

// idemAt splits a by-key value: the record's time, or a whole record written
// before records moved to the by-time bucket.
func idemAt(v []byte) (at, legacy []byte) {
	if len(v) == 8 {
		return v, nil
	}
	return nil, v
}

// An idempotency record is stored as 0x01, the uvarint length of the record
// without its body as JSON, that JSON, then the body as it is (already JSON:
// base64 inside JSON would make it a third larger and cost a second encoding).
// A record written before starts with '{' and is read as before.
func encodeIdempotency(r *core.IdempotencyRecord) ([]byte, error) {
	meta := *r
	meta.Body = nil
	head, err := encodeFast(&meta)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, 1+binary.MaxVarintLen64+len(head)+len(r.Body))
	out = append(out, 1)
	out = binary.AppendUvarint(out, uint64(len(head)))
	out = append(out, head...)
	return append(out, r.Body...), nil
}

func decodeIdempotency(raw []byte, r *core.IdempotencyRecord) error {
	if len(raw) > 0 && raw[0] == '{' {
		return decodeJSON(raw, r)
	}
	if len(raw) < 2 || raw[0] != 1 {
		return fmt.Errorf("store: idempotency record in an unknown format")
	}
	n, k := binary.Uvarint(raw[1:])
	if k <= 0 || uint64(len(raw)-1-k) < n {
		return fmt.Errorf("store: idempotency record is cut short")
	}
	if err := decodeJSON(raw[1+k:1+k+int(n)], r); err != nil {
		return err
	}
	r.Body = bytes.Clone(raw[1+k+int(n):])
	return nil
}

var errNoIdempotency = core.NotFoundf("No request was made with this Idempotency-Key.")

func (t *tx) Idempotency(apiKey core.ID, key string) (core.IdempotencyRecord, error) {
	var r core.IdempotencyRecord
	k := idemKey(apiKey, key)
	v := t.b(bucketIdempotency).Get(k)
	if v == nil {
		return r, errNoIdempotency // every API create asks first: no message to format
	}
	raw := v
	if at, legacy := idemAt(v); legacy == nil {
		if raw = t.b(bucketIdemByTime).Get(append(bytes.Clone(at), k...)); raw == nil {
			return r, fmt.Errorf("store: idempotency record %q has lost its answer", key)
		}
	}
	if err := decodeIdempotency(raw, &r); err != nil {
		return r, fmt.Errorf("store: idempotency record %q is unreadable: %w", key, err)
	}
	return r, nil
}

func (t *tx) PruneIdempotency(before time.Time, limit int) (int, error) {
	end := uint64(max(before.UnixNano(), 0))
	byTime := t.b(bucketIdemByTime)
	recs := t.b(bucketIdempotency)
	c := byTime.Cursor()
	var old [][]byte
	for k, _ := c.First(); k != nil && len(old) < limit; k, _ = c.Next() {
		if binary.BigEndian.Uint64(k) >= end {
			break
		}
		old = append(old, append([]byte(nil), k...))
	}
	for _, k := range old {
		if err := byTime.Delete(k); err != nil {
			return 0, err
		}
		if err := recs.Delete(k[8:]); err != nil {
			return 0, err
		}
	}
	return len(old), nil
}
