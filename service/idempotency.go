package service

import (
	"context"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/secret"
)

// IdempotentRequest is what an Idempotency-Key is bound to.
type IdempotentRequest struct {
	Key    string
	Method string
	// Path is the request's path with its query.
	Path string
	// BodyHash is the hex SHA-256 of the request's body.
	BodyHash string
}

// IdempotencyWait is how long a request waits for another attempt holding
// its key to answer before it is answered 409 (in progress).
const IdempotencyWait = 10 * time.Second

// idempotencyPoll is how often a waiting request looks at the key again.
const idempotencyPoll = 20 * time.Millisecond

// Idempotent runs run once per Idempotency-Key of the principal in ctx and
// answers every request with that key with run's first answer:
//
//   - a new key is reserved, run runs with the key's claim in its context
//     (so its writes commit with the key's committed mark) and its answer
//     is stored; an error or a 5xx answer from an attempt that wrote
//     nothing releases the key, so that a retry runs again;
//   - a key answered already replays its answer (replayed is true), if the
//     request is the one it was used for: another request (method, path or
//     body) is EREFUSED (HTTP 422) naming the key;
//   - a key another attempt holds is waited for, up to IdempotencyWait,
//     and its answer replayed; after that the answer is ECONFLICT (HTTP
//     409, in progress). Waiting, rather than answering 409 at once, gives
//     the retrying client what it wanted in the common case: its first
//     attempt was still running when it gave up on it.
//   - a reservation that never committed and is older than
//     IdempotencyLease is taken over (its attempt crashed or hangs: if it
//     is still running it can no longer commit).
//   - a key whose attempt committed but whose answer was not stored
//     within IdempotencyLease (the server stopped between the two) is
//     ECONFLICT: the change was made, and it is not made again.
//
// Keys expire after entente.IdempotencyLifetime; the expired are purged
// now and then (PurgeIdempotencyKeys).
func (s *Service) Idempotent(ctx context.Context, req IdempotentRequest, run func(context.Context) (*entente.IdempotentAnswer, error)) (ans *entente.IdempotentAnswer, replayed bool, err error) {
	if !entente.ValidIdempotencyKey(req.Key) {
		return nil, false, entente.Errorf(entente.EINVALID, "Idempotency-Key: want 1 to %d printable ASCII characters", entente.MaxIdempotencyKey)
	}
	p := entente.PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, false, entente.Errorf(entente.EUNAUTHORIZED, "Idempotency-Key: only an authenticated principal's keys are kept")
	}
	now := s.Now().UTC()
	k := &entente.IdempotencyKey{Principal: p.ID, Key: req.Key, Method: req.Method, Path: req.Path, BodyHash: req.BodyHash,
		Token: secret.Random(""), Created: now, Expires: now.Add(entente.IdempotencyLifetime)}
	held, err := s.Store.ReserveIdempotencyKey(ctx, k)
	if err != nil {
		return nil, false, err
	}
	deadline := time.Now().Add(IdempotencyWait)
	for held != nil {
		switch {
		case !held.SameRequest(k):
			return nil, false, entente.Errorf(entente.EREFUSED,
				"Idempotency-Key %q was used for another request (%s %s with another body, or another method or path): send a new key for a new request",
				req.Key, held.Method, held.Path)
		case held.Done:
			return &held.Answer, true, nil
		case held.Committed && s.Now().UTC().Sub(held.Created) > entente.IdempotencyLease:
			return nil, false, entente.Errorf(entente.ECONFLICT,
				"Idempotency-Key %q: the request was carried out, but the server stopped before its answer was kept; read the record rather than send it again", req.Key)
		case !held.Committed && s.Now().UTC().Sub(held.Created) > entente.IdempotencyLease:
			ok, err := s.Store.TakeOverIdempotencyKey(ctx, p.ID, req.Key, held.Token, k.Token, now)
			if err != nil {
				return nil, false, err
			}
			if ok {
				held = nil
				continue
			}
		case time.Now().After(deadline):
			return nil, false, entente.Errorf(entente.ECONFLICT,
				"Idempotency-Key %q: a request with this key is in progress; try again in a moment", req.Key)
		default:
			select {
			case <-ctx.Done():
				return nil, false, entente.Errorf(entente.EUNAVAILABLE, "Idempotency-Key %q: %v", req.Key, ctx.Err())
			case <-time.After(idempotencyPoll):
			}
		}
		held, err = s.Store.FindIdempotencyKey(ctx, p.ID, req.Key)
		if entente.ErrorCode(err) == entente.ENOTFOUND {
			// Released by an attempt that wrote nothing: reserve anew.
			if held, err = s.Store.ReserveIdempotencyKey(ctx, k); err != nil {
				return nil, false, err
			}
		} else if err != nil {
			return nil, false, err
		}
	}
	ans, err = run(entente.WithIdempotencyClaim(ctx, &entente.IdempotencyClaim{Principal: p.ID, Key: req.Key, Token: k.Token}))
	// The key is kept or released even if the client has gone.
	bg := context.WithoutCancel(ctx)
	if err != nil || ans.Status >= 500 /* the server failed */ {
		released, rerr := s.Store.ReleaseIdempotencyKey(bg, p.ID, req.Key, k.Token)
		if rerr != nil || released || err != nil {
			return ans, false, err
		}
	}
	if _, err := s.Store.CompleteIdempotencyKey(bg, p.ID, req.Key, k.Token, ans); err != nil {
		return nil, false, err
	}
	return ans, false, nil
}

// PurgeIdempotencyKeys removes the keys that have expired.
func (s *Service) PurgeIdempotencyKeys(ctx context.Context) (int64, error) {
	return s.Store.DeleteExpiredIdempotencyKeys(ctx, s.Now().UTC())
}
