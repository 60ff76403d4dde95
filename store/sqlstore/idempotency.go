package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/entente/entente"
)

var _ entente.IdempotencyStore = (*Store)(nil)

// Idempotency keys are written straight to the database, outside Update:
// a key's reservation commits before the request's writes start. Only the
// committed mark is set inside Update (claimIdempotencyKey), in the same
// transaction as the write it answers.

const idemCols = "principal, key, method, path, body_hash, token, committed, done, status, header, body, created, expires"

func scanIdem(rows *sql.Rows) (*entente.IdempotencyKey, error) {
	var k entente.IdempotencyKey
	var header, body string
	err := rows.Scan(&k.Principal, &k.Key, &k.Method, &k.Path, &k.BodyHash, &k.Token, &k.Committed, &k.Done,
		&k.Answer.Status, &header, &body, timeCol{&k.Created}, timeCol{&k.Expires})
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(header), &k.Answer.Header); err != nil {
		return nil, err
	}
	if k.Done {
		k.Answer.Body = []byte(body)
	}
	return &k, nil
}

// ReserveIdempotencyKey inserts k unless a live key holds its place.
func (s *Store) ReserveIdempotencyKey(ctx context.Context, k *entente.IdempotencyKey) (*entente.IdempotencyKey, error) {
	if k == nil {
		return nil, nothing("idempotency key")
	}
	// Three tries: a row found by the insert may be released (deleted)
	// before it is read.
	for range 3 {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2 AND expires < $3`,
			k.Principal, k.Key, timeArg(k.Created)); err != nil {
			return nil, s.d.wrap("reserve idempotency key", err)
		}
		res, err := s.db.ExecContext(ctx, `INSERT INTO idempotency_keys (principal, key, method, path, body_hash, token, created, expires)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (principal, key) DO NOTHING`,
			k.Principal, k.Key, k.Method, k.Path, k.BodyHash, k.Token, timeArg(k.Created), timeArg(k.Expires))
		if err != nil {
			return nil, s.d.wrap("reserve idempotency key", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, s.d.wrap("reserve idempotency key", err)
		} else if n == 1 {
			return nil, nil
		}
		found, err := s.FindIdempotencyKey(ctx, k.Principal, k.Key)
		if entente.ErrorCode(err) == entente.ENOTFOUND {
			continue
		}
		return found, err
	}
	return nil, entente.Errorf(entente.EUNAVAILABLE, "reserve idempotency key: it was taken and released three times; try again")
}

// FindIdempotencyKey returns the row for principal and key.
func (s *Store) FindIdempotencyKey(ctx context.Context, principal, key string) (*entente.IdempotencyKey, error) {
	var out *entente.IdempotencyKey
	err := s.reader.each(ctx, "find idempotency key", "SELECT "+idemCols+" FROM idempotency_keys WHERE principal = $1 AND key = $2",
		[]any{principal, key}, func(rows *sql.Rows) error {
			var err error
			out, err = scanIdem(rows)
			return err
		})
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, entente.Errorf(entente.ENOTFOUND, "no such idempotency key")
	}
	return out, nil
}

// exec reports whether query changed a row.
func (s *Store) changed(ctx context.Context, op, query string, args ...any) (bool, error) {
	res, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return false, s.d.wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.d.wrap(op, err)
	}
	return n > 0, nil
}

// TakeOverIdempotencyKey gives a stale reservation to a new attempt.
func (s *Store) TakeOverIdempotencyKey(ctx context.Context, principal, key, old, token string, created time.Time) (bool, error) {
	return s.changed(ctx, "take over idempotency key", `UPDATE idempotency_keys SET token = $4, created = $5
		WHERE principal = $1 AND key = $2 AND token = $3 AND committed = $6 AND done = $6`,
		principal, key, old, token, timeArg(created), false)
}

// CompleteIdempotencyKey stores the answer.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, principal, key, token string, a *entente.IdempotentAnswer) (bool, error) {
	header, err := json.Marshal(a.Header)
	if err != nil {
		return false, s.d.wrap("complete idempotency key", err)
	}
	return s.changed(ctx, "complete idempotency key", `UPDATE idempotency_keys SET done = $4, status = $5, header = $6, body = $7
		WHERE principal = $1 AND key = $2 AND token = $3`,
		principal, key, token, true, a.Status, string(header), string(a.Body))
}

// ReleaseIdempotencyKey deletes a reservation whose attempt wrote nothing.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, principal, key, token string) (bool, error) {
	return s.changed(ctx, "release idempotency key", `DELETE FROM idempotency_keys
		WHERE principal = $1 AND key = $2 AND token = $3 AND committed = $4`, principal, key, token, false)
}

// DeleteExpiredIdempotencyKeys purges the keys that expired before at.
func (s *Store) DeleteExpiredIdempotencyKeys(ctx context.Context, at time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE expires < $1`, timeArg(at))
	if err != nil {
		return 0, s.d.wrap("purge idempotency keys", err)
	}
	n, err := res.RowsAffected()
	return n, s.d.wrap("purge idempotency keys", err)
}

// claimIdempotencyKey marks the key ctx's claim names committed, in the
// transaction q is, if the claim's attempt still holds it: ECONFLICT
// otherwise, so that the write rolls back (a retry took the key over).
func claimIdempotencyKey(ctx context.Context, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, d *Dialect) error {
	c := entente.IdempotencyClaimFrom(ctx)
	if c == nil {
		return nil
	}
	res, err := q.ExecContext(ctx, `UPDATE idempotency_keys SET committed = $4 WHERE principal = $1 AND key = $2 AND token = $3`,
		c.Principal, c.Key, c.Token, true)
	if err != nil {
		return d.wrap("claim idempotency key", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return d.wrap("claim idempotency key", err)
	} else if n == 0 {
		return entente.Errorf(entente.ECONFLICT, "Idempotency-Key %q: another attempt of this request took the key over; its answer is the one kept", c.Key)
	}
	return nil
}
