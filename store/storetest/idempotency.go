package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// The idempotency suite runs API creates with an Idempotency-Key through
// service.Idempotent, as the web's handler does, so that the keys' store
// (reservation, committed mark in the write's transaction, answer) is
// checked on both engines.

func runIdempotency(t *testing.T, open func(t *testing.T) entente.Store) {
	t.Run("ConcurrentRetries", func(t *testing.T) { testIdempotentRetries(t, open) })
	t.Run("Bound", func(t *testing.T) { testIdempotencyBound(t, open) })
	t.Run("TakeOver", func(t *testing.T) { testIdempotencyTakeOver(t, open) })
	t.Run("Expiry", func(t *testing.T) { testIdempotencyExpiry(t, open) })
}

const idemProg = "NZL-2024-ITPP"

// propose is an API create as the web runs it: the activity proposed, its
// answer the JSON of the record and its address.
func propose(svc *service.Service, title string) func(context.Context) (*entente.IdempotentAnswer, error) {
	return func(ctx context.Context) (*entente.IdempotentAnswer, error) {
		a, err := svc.ProposeActivity(ctx, service.ProposeRequest{Programme: idemProg, Title: title})
		if err != nil {
			return &entente.IdempotentAnswer{Status: http.StatusUnprocessableEntity, Body: []byte(err.Error())}, nil
		}
		body, err := json.Marshal(a)
		return &entente.IdempotentAnswer{Status: http.StatusCreated, Body: body,
			Header: map[string]string{"Location": "/api/v1/activities/" + a.ID, "ETag": entente.Version(a)}}, err
	}
}

func idemReq(key, body string) service.IdempotentRequest {
	return service.IdempotentRequest{Key: key, Method: "POST", Path: "/api/v1/activities", BodyHash: body}
}

// titled returns the activities of idemProg titled title.
func titled(t *testing.T, svc *service.Service, ctx context.Context, title string) []entente.Activity {
	t.Helper()
	all, err := svc.Activities(ctx, entente.ActivityFilter{Programme: idemProg, Limit: 10000})
	if err != nil {
		t.Fatalf("Activities: %v", err)
	}
	var out []entente.Activity
	for _, a := range all {
		if a.Title == title {
			out = append(out, a)
		}
	}
	return out
}

func testIdempotentRetries(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, _ := planService(t, open, PlanFixture())
	ctx := staffCtx(t)
	answers := make([]*entente.IdempotentAnswer, writers)
	replays := make([]bool, writers)
	errs := hammer(writers, func(i int) error {
		var err error
		answers[i], replays[i], err = svc.Idempotent(ctx, idemReq("retry-1", "h1"), propose(svc, "retried"))
		return err
	})
	if n := tally(t, "retries", errs); n[""] != writers {
		t.Fatalf("retries: %v, want %d answers", n, writers)
	}
	first := 0
	for i, a := range answers {
		if !replays[i] {
			first++
		}
		if a.Status != answers[0].Status || string(a.Body) != string(answers[0].Body) ||
			fmt.Sprint(a.Header) != fmt.Sprint(answers[0].Header) {
			t.Errorf("answer %d = %d %v %s, want answer 0's %d %v %s", i, a.Status, a.Header, a.Body,
				answers[0].Status, answers[0].Header, answers[0].Body)
		}
	}
	if first != 1 {
		t.Errorf("%d answers were not replays, want 1", first)
	}
	if got := titled(t, svc, ctx, "retried"); len(got) != 1 {
		t.Errorf("%d activities stored, want 1: %v", len(got), got)
	}
	if answers[0].Status != http.StatusCreated || answers[0].Header["Location"] == "" {
		t.Errorf("answer = %d %v, want 201 with a Location", answers[0].Status, answers[0].Header)
	}
}

func testIdempotencyBound(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, _ := planService(t, open, PlanFixture())
	ctx := staffCtx(t)
	if _, _, err := svc.Idempotent(ctx, idemReq("k", "h1"), propose(svc, "bound")); err != nil {
		t.Fatalf("first: %v", err)
	}
	// Another body, method or path with a used key: refused, nothing run.
	for _, req := range []service.IdempotentRequest{idemReq("k", "h2"),
		{Key: "k", Method: "POST", Path: "/api/v1/programmes", BodyHash: "h1"}} {
		_, _, err := svc.Idempotent(ctx, req, propose(svc, "bound"))
		if entente.ErrorCode(err) != entente.EREFUSED {
			t.Errorf("%+v: %v, want %s", req, err, entente.EREFUSED)
		}
	}
	// Another principal's same key is its own.
	other := entente.WithPrincipal(t.Context(), &entente.Principal{Kind: entente.PrincipalUser, ID: "user:2", Name: "other", Role: entente.RoleStaff})
	_, replayed, err := svc.Idempotent(other, idemReq("k", "h1"), propose(svc, "bound"))
	if err != nil || replayed {
		t.Errorf("other principal: replayed %v, %v; want a new answer", replayed, err)
	}
	if got := titled(t, svc, ctx, "bound"); len(got) != 2 {
		t.Errorf("%d activities, want 2 (one per principal)", len(got))
	}
	// Keys that are not 1-255 printable ASCII.
	for _, k := range []string{"", "caf\u00e9", "tab\there", string(make([]byte, 256))} {
		if _, _, err := svc.Idempotent(ctx, idemReq(k, "h1"), propose(svc, "bad")); entente.ErrorCode(err) != entente.EINVALID {
			t.Errorf("key %q: %v, want %s", k, err, entente.EINVALID)
		}
	}
	// A refusal is an answer too, and replayed; a failure that wrote
	// nothing releases the key.
	fail := func(context.Context) (*entente.IdempotentAnswer, error) {
		return &entente.IdempotentAnswer{Status: http.StatusServiceUnavailable}, nil
	}
	if a, _, err := svc.Idempotent(ctx, idemReq("k503", "h"), fail); err != nil || a.Status != 503 {
		t.Fatalf("503: %v, %v", a, err)
	}
	if a, replayed, err := svc.Idempotent(ctx, idemReq("k503", "h"), propose(svc, "after 503")); err != nil || replayed || a.Status != 201 {
		t.Errorf("after a 503: %v replayed %v, %v; want the request run again", a, replayed, err)
	}
}

func testIdempotencyTakeOver(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, s := planService(t, open, PlanFixture())
	ctx := staffCtx(t)
	now := concurrencyDay
	p := entente.PrincipalFrom(ctx).ID
	// An attempt that reserved its key and stopped before writing (a
	// crash): a retry within the lease waits and is told "in progress";
	// after the lease it takes the key over.
	stale := &entente.IdempotencyKey{Principal: p, Key: "crash", Method: "POST", Path: "/api/v1/activities", BodyHash: "h",
		Token: "old", Created: now.Add(-time.Second), Expires: now.Add(entente.IdempotencyLifetime)}
	if held, err := s.ReserveIdempotencyKey(ctx, stale); err != nil || held != nil {
		t.Fatalf("Reserve: %v, %v", held, err)
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	_, _, err := svc.Idempotent(short, idemReq("crash", "h"), propose(svc, "taken over"))
	cancel()
	if code := entente.ErrorCode(err); code != entente.EUNAVAILABLE && code != entente.ECONFLICT {
		t.Errorf("within the lease: %v, want a wait cut short", err)
	}
	svc.Now = func() time.Time { return now.Add(entente.IdempotencyLease + time.Second) }
	a, replayed, err := svc.Idempotent(ctx, idemReq("crash", "h"), propose(svc, "taken over"))
	if err != nil || replayed || a.Status != http.StatusCreated {
		t.Fatalf("after the lease: %v replayed %v, %v", a, replayed, err)
	}
	// The old attempt, waking up, cannot commit a write under the key.
	late := entente.WithIdempotencyClaim(ctx, &entente.IdempotencyClaim{Principal: p, Key: "crash", Token: "old"})
	if _, err := svc.ProposeActivity(late, service.ProposeRequest{Programme: idemProg, Title: "taken over"}); entente.ErrorCode(err) != entente.ECONFLICT {
		t.Errorf("old attempt's write: %v, want %s", err, entente.ECONFLICT)
	}
	if got := titled(t, svc, ctx, "taken over"); len(got) != 1 {
		t.Errorf("%d activities, want 1", len(got))
	}
	// An attempt whose write committed but whose answer was never kept:
	// the change is not made again.
	lost := &entente.IdempotencyKey{Principal: p, Key: "lost", Method: "POST", Path: "/api/v1/activities", BodyHash: "h",
		Token: "t", Created: now, Expires: now.Add(entente.IdempotencyLifetime)}
	if _, err := s.ReserveIdempotencyKey(ctx, lost); err != nil {
		t.Fatal(err)
	}
	claim := entente.WithIdempotencyClaim(ctx, &entente.IdempotencyClaim{Principal: p, Key: "lost", Token: "t"})
	if _, err := svc.ProposeActivity(claim, service.ProposeRequest{Programme: idemProg, Title: "lost"}); err != nil {
		t.Fatal(err)
	}
	svc.Now = func() time.Time { return now.Add(2*entente.IdempotencyLease + time.Second) }
	if _, _, err := svc.Idempotent(ctx, idemReq("lost", "h"), propose(svc, "lost")); entente.ErrorCode(err) != entente.ECONFLICT {
		t.Errorf("committed, answer lost: %v, want %s", err, entente.ECONFLICT)
	}
	if got := titled(t, svc, ctx, "lost"); len(got) != 1 {
		t.Errorf("%d activities, want 1", len(got))
	}
}

func testIdempotencyExpiry(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, s := planService(t, open, PlanFixture())
	ctx := staffCtx(t)
	if _, _, err := svc.Idempotent(ctx, idemReq("old", "h"), propose(svc, "expiring")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Idempotent(ctx, idemReq("new", "h"), propose(svc, "kept")); err != nil {
		t.Fatal(err)
	}
	p := entente.PrincipalFrom(ctx).ID
	later := concurrencyDay.Add(entente.IdempotencyLifetime + time.Minute)
	svc.Now = func() time.Time { return later }
	// A key past its lifetime makes a new request.
	if _, replayed, err := svc.Idempotent(ctx, idemReq("old", "h"), propose(svc, "expiring")); err != nil || replayed {
		t.Errorf("expired key: replayed %v, %v; want run anew", replayed, err)
	}
	n, err := svc.PurgeIdempotencyKeys(ctx)
	if err != nil || n != 1 {
		t.Errorf("purge = %d, %v; want 1 (the key \"new\", expired; \"old\" was renewed)", n, err)
	}
	if _, err := s.FindIdempotencyKey(ctx, p, "new"); entente.ErrorCode(err) != entente.ENOTFOUND {
		t.Errorf("purged key: %v, want %s", err, entente.ENOTFOUND)
	}
	if _, err := s.FindIdempotencyKey(ctx, p, "old"); err != nil {
		t.Errorf("renewed key: %v", err)
	}
}
