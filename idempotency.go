package entente

import (
	"context"
	"time"
)

// An API client that retries a create after a timeout sends the same
// Idempotency-Key with it, and gets the first attempt's answer again rather
// than a second record. The key is kept in the store, scoped to the
// principal that sent it and bound to the request it came with (method,
// path and a hash of the body).
//
// A key's life: a reservation row is inserted first, under the unique
// (principal, key), in its own short transaction, with a random token
// naming the attempt that holds it. The attempt's writes then run with an
// IdempotencyClaim in their context, and the store's Update marks the row
// committed in the same transaction as the write (only if the token still
// holds it; otherwise the write rolls back). Last, the answer is stored on
// the row. So a crash after the write commits leaves a committed row whose
// answer is missing, never a write whose key was lost; and a crash before
// it leaves an uncommitted reservation that a retry takes over once its
// lease has run out.

// IdempotencyLifetime is how long a key is kept: a retry within it gets
// the first answer; after it the key is forgotten (and purged), and the
// same key makes a new request.
const IdempotencyLifetime = 24 * time.Hour

// IdempotencyLease is how long an attempt that has not committed holds its
// key: a retry after that takes the key over and runs the request again.
// The first attempt, if still running, then cannot commit (its token no
// longer holds the row), so there are never two records.
const IdempotencyLease = time.Minute

// MaxIdempotencyKey is the longest key taken, in bytes.
const MaxIdempotencyKey = 255

// ValidIdempotencyKey reports whether k is 1 to MaxIdempotencyKey
// printable ASCII characters (space to tilde).
func ValidIdempotencyKey(k string) bool {
	if len(k) == 0 || len(k) > MaxIdempotencyKey {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// IdempotencyKey is a stored key with the request it is bound to and,
// once the request has been answered, the answer.
type IdempotencyKey struct {
	// Principal is the ID of the principal that sent the key.
	Principal string
	Key       string
	// Method, Path (with the query) and BodyHash (hex SHA-256 of the
	// body) bind the key to one request.
	Method, Path, BodyHash string
	// Token names the attempt holding the key.
	Token string
	// Committed is set in the transaction of the attempt's first write.
	Committed bool
	// Done is set when the answer is stored.
	Done   bool
	Answer IdempotentAnswer
	// Created is when the holding attempt reserved the key; Expires when
	// the key is forgotten.
	Created, Expires time.Time
}

// SameRequest reports whether k is bound to the request o describes.
func (k *IdempotencyKey) SameRequest(o *IdempotencyKey) bool {
	return k.Method == o.Method && k.Path == o.Path && k.BodyHash == o.BodyHash
}

// IdempotentAnswer is the answer stored for a key: the status, the headers
// a client reads (Content-Type, Location, ETag) and the body.
type IdempotentAnswer struct {
	Status int
	Header map[string]string
	Body   []byte
}

// IdempotencyStore keeps idempotency keys, outside Update: a reservation
// must commit before the request's writes start.
type IdempotencyStore interface {
	// ReserveIdempotencyKey inserts k as a reservation unless a key with
	// its principal and key exists that has not expired (an expired one
	// is replaced). It returns nil when k was inserted, else the row that
	// holds the key.
	ReserveIdempotencyKey(ctx context.Context, k *IdempotencyKey) (*IdempotencyKey, error)
	// FindIdempotencyKey returns the row for principal and key; ENOTFOUND
	// if there is none.
	FindIdempotencyKey(ctx context.Context, principal, key string) (*IdempotencyKey, error)
	// TakeOverIdempotencyKey gives the key to the attempt named token if it
	// is still held by the attempt named old, not committed and not done;
	// it reports whether it did. created restarts the lease.
	TakeOverIdempotencyKey(ctx context.Context, principal, key, old, token string, created time.Time) (bool, error)
	// CompleteIdempotencyKey stores the answer on the key if the attempt
	// named token holds it, and reports whether it did.
	CompleteIdempotencyKey(ctx context.Context, principal, key, token string, a *IdempotentAnswer) (bool, error)
	// ReleaseIdempotencyKey deletes the key if the attempt named token
	// holds it and has not committed (it wrote nothing), and reports
	// whether it did.
	ReleaseIdempotencyKey(ctx context.Context, principal, key, token string) (bool, error)
	// DeleteExpiredIdempotencyKeys removes the keys that expired before
	// at, and returns how many.
	DeleteExpiredIdempotencyKeys(ctx context.Context, at time.Time) (int64, error)
}

// IdempotencyClaim names the attempt whose writes a context carries: the
// store's Update marks the key committed in each write transaction, or
// fails (ECONFLICT) if the attempt no longer holds it.
type IdempotencyClaim struct {
	Principal, Key, Token string
}

type claimKey struct{}

// WithIdempotencyClaim returns ctx carrying c.
func WithIdempotencyClaim(ctx context.Context, c *IdempotencyClaim) context.Context {
	return context.WithValue(ctx, claimKey{}, c)
}

// IdempotencyClaimFrom returns the claim ctx carries, or nil.
func IdempotencyClaimFrom(ctx context.Context) *IdempotencyClaim {
	c, _ := ctx.Value(claimKey{}).(*IdempotencyClaim)
	return c
}
