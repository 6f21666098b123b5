package core

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrUnauthorized is returned (wrapped) for a missing, unknown or revoked API key.
var ErrUnauthorized = errors.New("unauthorized")

func unauthorized(format string, args ...any) error {
	return &sentinelError{msg: fmt.Sprintf(format, args...), sentinel: ErrUnauthorized}
}

// AddAPIKey makes a key for one integration (admins only). The secret is
// returned here and never again: only its SHA-256 is stored.
func (s *Service) AddAPIKey(as Actor, name string) (APIKey, string, error) {
	return s.AddAPIKeyRate(as, name, 0)
}

// AddAPIKeyRate is AddAPIKey for a key that may make rate requests a second
// (0: the server's default).
func (s *Service) AddAPIKeyRate(as Actor, name string, rate float64) (APIKey, string, error) {
	if err := require(as, "manage API keys", RoleAdmin); err != nil {
		return APIKey{}, "", err
	}
	name, verr := oneLine("name", "The integration's name", name, true, 60)
	if verr != nil {
		return APIKey{}, "", verr
	}
	if rate != 0 && (rate < 1 || rate > MaxAPIRate) {
		return APIKey{}, "", Invalid("rate", "An API key's rate is 1 to %d requests a second (0 for the default), not %g.", MaxAPIRate, rate)
	}
	secret := NewAPISecret()
	k := APIKey{Name: name, Prefix: secret[:len(APIKeyPrefix)+6], Hash: hex.EncodeToString(HashAPISecret(secret)), CreatedAt: s.Now(), CreatedBy: as.Label(), Rate: rate}
	err := s.store.Update(func(tx Tx) error {
		keys, err := tx.APIKeys()
		if err != nil {
			return err
		}
		for _, o := range keys {
			if o.Active() && strings.EqualFold(o.Name, name) {
				return Invalid("name", "An active API key is already named %q: give each integration its own name, or revoke the old key (`switchboard apikey revoke %d`).", o.Name, o.ID)
			}
		}
		return tx.PutAPIKey(&k)
	})
	if err != nil {
		return APIKey{}, "", err
	}
	s.broker.publish(Change{Kind: "apikey"})
	return k, secret, nil
}

// APIKeys lists every API key (revoked ones too), oldest first.
func (s *Service) APIKeys() ([]APIKey, error) {
	var out []APIKey
	err := s.store.View(func(tx Tx) error {
		var err error
		out, err = tx.APIKeys()
		return err
	})
	return out, err
}

// RevokeAPIKey stops a key from working, at once and for good (admins only).
func (s *Service) RevokeAPIKey(as Actor, id ID) (APIKey, error) {
	return s.changeAPIKey(as, id, "was already revoked", func(k *APIKey) {
		now := s.Now()
		k.RevokedAt, k.RevokedBy = &now, as.Label()
	})
}

// SetAPIKeyRate changes how many requests a second a key may make (admins
// only; 0: the server's default). The listener applies it from the key's
// next request.
func (s *Service) SetAPIKeyRate(as Actor, id ID, rate float64) (APIKey, error) {
	if rate != 0 && (rate < 1 || rate > MaxAPIRate) {
		return APIKey{}, Invalid("rate", "An API key's rate is 1 to %d requests a second (0 for the default), not %g.", MaxAPIRate, rate)
	}
	return s.changeAPIKey(as, id, "is revoked: make a new one", func(k *APIKey) { k.Rate = rate })
}

// changeAPIKey applies change to active key id (admins only); revoked says
// how a revoked key is refused.
func (s *Service) changeAPIKey(as Actor, id ID, revoked string, change func(*APIKey)) (APIKey, error) {
	if err := require(as, "manage API keys", RoleAdmin); err != nil {
		return APIKey{}, err
	}
	var k APIKey
	err := s.store.Update(func(tx Tx) error {
		var err error
		if k, err = tx.APIKey(id); errors.Is(err, ErrNotFound) {
			return NotFoundf("There is no API key %d: list them with `switchboard apikey list`.", id)
		} else if err != nil {
			return err
		}
		if !k.Active() {
			return Invalid("id", "API key %d (%s) %s (by %s).", id, k.Name, revoked, k.RevokedBy)
		}
		change(&k)
		return tx.PutAPIKey(&k)
	})
	if err == nil {
		s.broker.publish(Change{Kind: "apikey"})
	}
	return k, err
}

// RateText says a key's rate in words.
func RateText(rate float64) string {
	if rate == 0 {
		return "the server's default rate"
	}
	return strconv.FormatFloat(rate, 'g', -1, 64) + " requests a second"
}

// AuthenticateAPI finds the active key whose secret this is.
func (s *Service) AuthenticateAPI(secret string) (APIKey, error) {
	secret = strings.TrimSpace(secret)
	if secret == "" {
		return APIKey{}, unauthorized("An API key is required: send Authorization: Bearer KEY (keys are made with `switchboard apikey add`).")
	}
	var k APIKey
	err := s.store.View(func(tx Tx) error {
		var err error
		k, err = tx.APIKeyByHash(HashAPISecret(secret))
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return APIKey{}, unauthorized("The API key is not valid: check it, or ask an admin for a new one.")
	}
	if err != nil {
		return APIKey{}, err
	}
	if !k.Active() {
		return APIKey{}, unauthorized("The API key %s… was revoked: ask an admin for a new one.", k.Prefix)
	}
	return k, nil
}

// APIRequest is the idempotency part of an API write: the key the client sent
// (empty: none) and the fingerprint of the request (RequestHash).
type APIRequest struct {
	IdempotencyKey string
	Fingerprint    string
}

// APIReply is the outcome of an API write: the work order and, for a retry of
// a request already answered, the stored answer to send again.
type APIReply struct {
	WorkOrder WorkOrder
	Replay    *IdempotencyRecord
	// Body, when set, is the answer's JSON as stored for retries: sent as it
	// is, a retry gets the very same bytes.
	Body []byte
}

// CheckIdempotencyKey refuses keys a client should not send: empty is fine (no
// idempotency), otherwise 1–255 printable ASCII characters.
func CheckIdempotencyKey(k string) error {
	if len(k) > 255 {
		return Invalid("Idempotency-Key", "The Idempotency-Key is %d characters long; use at most 255 (a UUID is a good key).", len(k))
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return Invalid("Idempotency-Key", "The Idempotency-Key may hold only printable ASCII characters without spaces (a UUID is a good key).")
		}
	}
	return nil
}

// replayed returns the stored answer to a retried request, ErrNotFound when the
// key is new (or its record expired), or a validation error when the key was
// used for another request.
func replayed(tx Tx, key APIKey, req APIRequest, now time.Time) (*IdempotencyRecord, error) {
	if req.IdempotencyKey == "" {
		return nil, ErrNotFound
	}
	rec, err := tx.Idempotency(key.ID, req.IdempotencyKey)
	if err != nil {
		return nil, err
	}
	if now.Sub(rec.At) > IdempotencyTTL {
		return nil, ErrNotFound
	}
	if rec.Request != req.Fingerprint {
		return nil, Invalid("Idempotency-Key", "The Idempotency-Key %q was used at %s for another request: send a new key for a new request, or the same body to retry.", req.IdempotencyKey, rec.At.Format(time.RFC3339))
	}
	return &rec, nil
}

// APIBody is a work order as the API answers with it: JSON, HTML characters
// as they are, the history an array even when empty.
func APIBody(w WorkOrder) ([]byte, error) {
	if w.History == nil {
		w.History = []Event{}
	}
	// Written by hand: the bytes encoding/json writes with HTML left as it is
	// (TestJSONAppendersAreStandardJSON), at a fraction of the cost — every API
	// create encodes its answer inside the shared write transaction.
	return AppendWorkOrderJSON(make([]byte, 0, 2048), &w, false)
}

// remember stores the answer to a request made with an Idempotency-Key, and
// drops a few expired answers; it returns the answer's body.
func remember(tx Tx, key APIKey, req APIRequest, status int, w *WorkOrder, now time.Time) ([]byte, error) {
	if req.IdempotencyKey == "" {
		return nil, nil
	}
	body, err := APIBody(*w)
	if err != nil {
		return nil, err
	}
	if err := tx.PutIdempotency(&IdempotencyRecord{APIKey: key.ID, Key: req.IdempotencyKey, Request: req.Fingerprint, Status: status, Body: body, Number: w.Number, At: now}); err != nil {
		return nil, err
	}
	_, err = tx.PruneIdempotency(now.Add(-IdempotencyTTL), 8)
	return body, err
}

// APICreateWorkOrder creates a work order for an integration (R-IN-6): channel
// api, created by "api:NAME", owner by R-WO-4, dispatch and the "submitted"
// notice as for any new work order. A retry with the same Idempotency-Key gets
// the first answer back and never a second work order. Many clients write at
// once, so it writes with Batch.
func (s *Service) APICreateWorkOrder(key APIKey, req APIRequest, in NewWorkOrder) (APIReply, error) {
	if err := CheckIdempotencyKey(req.IdempotencyKey); err != nil {
		return APIReply{}, err
	}
	in.Channel = ChannelAPI
	if _, errs := validateNewWorkOrder(in); len(errs) > 0 {
		return APIReply{}, errs // before the batch: a refused request never rolls others back
	}
	var out APIReply
	err := s.store.Batch(func(tx Tx) error {
		out = APIReply{}
		now := s.Now()
		if rec, err := replayed(tx, key, req, now); err == nil {
			out.Replay = rec
			return nil
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		w, err := s.insertWorkOrder(tx, key.Actor(), in, now, nil)
		if err != nil {
			return err
		}
		d, err := s.newDispatcher(tx)
		if err != nil {
			return err
		}
		if _, err := d.dispatchOne(&w, now); err != nil {
			return err
		}
		if err := d.flush(); err != nil {
			return err
		}
		if err := s.enqueueEvent(tx, NoticeSubmitted, &w); err != nil {
			return err
		}
		if w.History, err = tx.Events(w.ID); err != nil {
			return err
		}
		out.WorkOrder = w
		out.Body, err = remember(tx, key, req, 201, &w, now)
		return err
	})
	if err != nil {
		return APIReply{}, err
	}
	if out.Replay == nil {
		s.broker.publish(Change{Kind: "work-order", WorkOrder: out.WorkOrder.ID, Number: out.WorkOrder.Number})
	}
	return out, nil
}

// APIUpdateWorkOrder changes a work order for an integration if it is still at
// version (required: the API never overwrites a change it has not seen); a
// stale version fails with a *ConflictError saying who changed what.
func (s *Service) APIUpdateWorkOrder(key APIKey, req APIRequest, number string, version uint64, patch WorkOrderPatch) (APIReply, error) {
	if err := CheckIdempotencyKey(req.IdempotencyKey); err != nil {
		return APIReply{}, err
	}
	n, err := ParseNumber(number)
	if err != nil {
		return APIReply{}, err
	}
	if version == 0 {
		return APIReply{}, Invalid("version", "version is required: send the version you last read (GET), so that a change made since is not overwritten.")
	}
	var out APIReply
	var changed bool
	err = s.store.Batch(func(tx Tx) error {
		out, changed = APIReply{}, false
		now := s.Now()
		if rec, err := replayed(tx, key, req, now); err == nil {
			out.Replay = rec
			return nil
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		w, ch, err := s.patchWorkOrder(tx, key.Actor(), ChannelAPI, FormatNumber(n), version, patch, now)
		if err != nil {
			return err
		}
		changed = ch
		if w.History, err = tx.Events(w.ID); err != nil {
			return err
		}
		out.WorkOrder = w
		out.Body, err = remember(tx, key, req, 200, &w, now)
		return err
	})
	if err != nil {
		return APIReply{}, err
	}
	if changed {
		s.broker.publish(Change{Kind: "work-order", WorkOrder: out.WorkOrder.ID, Number: out.WorkOrder.Number})
	}
	return out, nil
}

// APIFields maps the service's field names in validation errors to the API's
// JSON keys (the SPEC's work-order keys).
func APIField(field string) string {
	switch field {
	case "type":
		return "record_type"
	case "device":
		return "device_code"
	case "contact":
		return "contact_id"
	}
	return field
}

// APIWritableKeys are the work-order keys a client may send when creating.
var APIWritableKeys = []string{"subject", "description", "record_type", "priority", "contact_id", "phone", "email", "region", "address", "device_code", "due_at"}

// APIPatchKeys are the keys a client may send when updating.
var APIPatchKeys = []string{"version", "subject", "description", "priority", "region", "address"}

// IsAPIKey reports whether k is one of keys (for unknown-key messages).
func IsAPIKey(keys []string, k string) bool { return slices.Contains(keys, k) }
