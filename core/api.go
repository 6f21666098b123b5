package core

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Integration API (R-IN-6): other systems create and update work orders with an
// API key. The key is shown once when it is made; the store keeps only its
// SHA-256, so a stolen database does not give the keys away.

// APIKey is one integration's key, without the secret.
type APIKey struct {
	ID   ID     `json:"id"`
	Name string `json:"name"`
	// Prefix is the secret's first characters, so people can tell keys apart.
	Prefix string `json:"prefix"`
	// Hash is the hex SHA-256 of the secret.
	Hash      string     `json:"hash"`
	CreatedAt time.Time  `json:"created_at"`
	CreatedBy string     `json:"created_by"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	RevokedBy string     `json:"revoked_by,omitempty"`
	// Rate is how many requests a second the key may make; 0 is the
	// server's default (50). An integration that sends in bulk (a migration,
	// a load test) is given more.
	Rate float64 `json:"rate,omitempty"`
}

// MaxAPIRate bounds an API key's rate.
const MaxAPIRate = 100_000

// Active reports whether the key still opens the API.
func (k APIKey) Active() bool { return k.RevokedAt == nil }

// Actor is who the key acts as in work-order history: "api:NAME".
func (k APIKey) Actor() Actor { return Actor{Name: "api:" + k.Name} }

// APIKeyPrefix starts every API key, so a leaked one is recognisable.
const APIKeyPrefix = "sbk_"

// NewAPISecret returns a fresh key: the prefix and 130 random bits.
func NewAPISecret() string { return APIKeyPrefix + strings.ToLower(rand.Text()) }

// HashAPISecret is the SHA-256 of a key's secret, as stored.
func HashAPISecret(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// IdempotencyRecord is the remembered outcome of one API request made with an
// Idempotency-Key: a retry with the same key and body gets the same answer, and
// never a second work order.
type IdempotencyRecord struct {
	APIKey ID     `json:"api_key"`
	Key    string `json:"key"`
	// Request is the hex SHA-256 of the method, path and body: the same key with
	// another request is refused.
	Request string    `json:"request"`
	Status  int       `json:"status"`
	Body    []byte    `json:"body"`
	Number  string    `json:"number,omitempty"`
	At      time.Time `json:"at"`
}

// IdempotencyTTL is how long a request's outcome is remembered.
const IdempotencyTTL = 24 * time.Hour

// RequestHash fingerprints a request for IdempotencyRecord.Request.
func RequestHash(method, path string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(method + " " + path + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}
