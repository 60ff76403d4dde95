package storetest

import (
	"testing"
	"time"

	"github.com/entente/entente"
)

func runSessions(t *testing.T, open func(t *testing.T) entente.Store) {
	t.Run("Sessions", func(t *testing.T) { testSessions(t, open) })
	t.Run("SessionsExpire", func(t *testing.T) { testSessionsExpire(t, open) })
}

// sessionAccount adds an account named name and returns its id.
func sessionAccount(t *testing.T, s entente.Store, name string) int64 {
	t.Helper()
	a := &entente.Account{Name: name, Role: entente.RoleStaff, PasswordHash: "x", Created: time.Now()}
	createAccount(t, s, a)
	return a.ID
}

// sessionAt is a session of account begun at created, last seen at seen.
func sessionAt(account int64, hash string, created, seen time.Time) *entente.Session {
	return &entente.Session{Account: account, Hash: hash, Created: created, LastSeen: seen, Address: "192.0.2.1", UserAgent: "Mozilla/5.0 test"}
}

func testSessions(t *testing.T, open func(t *testing.T) entente.Store) {
	s := open(t)
	ctx := t.Context()
	alice, bob := sessionAccount(t, s, "alice"), sessionAccount(t, s, "bob")
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 123456789, time.FixedZone("CET", 3600))

	a1 := sessionAt(alice, "hash-a1", t0, t0)
	if err := s.CreateSession(ctx, a1); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	if a1.ID == 0 {
		t.Fatalf("CreateSession did not set the ID")
	}
	a2 := sessionAt(alice, "hash-a2", t0.Add(time.Minute), t0.Add(2*time.Minute))
	b1 := sessionAt(bob, "hash-b1", t0, t0)
	for _, sess := range []*entente.Session{a2, b1} {
		if err := s.CreateSession(ctx, sess); err != nil {
			t.Fatalf("CreateSession(%s): %v", sess.Hash, err)
		}
	}
	wantCode(t, "CreateSession(taken hash)", s.CreateSession(ctx, sessionAt(bob, "hash-a1", t0, t0)), entente.ECONFLICT)
	wantCode(t, "CreateSession(no account)", s.CreateSession(ctx, sessionAt(bob+alice+100, "hash-x", t0, t0)), entente.ECONFLICT)

	got, err := s.FindSessionByHash(ctx, "hash-a1")
	if err != nil {
		t.Fatalf("FindSessionByHash: %v", err)
	}
	want := *a1
	want.Created, want.LastSeen = t0.UTC().Truncate(time.Microsecond), t0.UTC().Truncate(time.Microsecond)
	sameJSON(t, "session read back", toJSON(t, got), toJSON(t, want))
	if got.Hash != "hash-a1" || !got.Created.Equal(want.Created) {
		t.Errorf("read back hash %q created %v, want hash-a1 %v", got.Hash, got.Created, want.Created)
	}
	_, err = s.FindSessionByHash(ctx, "hash-none")
	wantCode(t, "FindSessionByHash(unknown)", err, entente.ENOTFOUND)

	list, err := s.FindSessions(ctx, alice)
	if err != nil || len(list) != 2 || list[0].ID != a2.ID || list[1].ID != a1.ID {
		t.Fatalf("FindSessions(alice) = %+v, %v; want a2 then a1 (last seen first)", list, err)
	}

	// Touching a1 makes it the most recently seen.
	if err := s.TouchSession(ctx, a1.ID, t0.Add(5*time.Minute)); err != nil {
		t.Fatalf("TouchSession: %v", err)
	}
	list, _ = s.FindSessions(ctx, alice)
	if len(list) != 2 || list[0].ID != a1.ID || !list[0].LastSeen.Equal(t0.Add(5*time.Minute).UTC().Truncate(time.Microsecond)) {
		t.Fatalf("after TouchSession(a1): %+v", list)
	}

	// Bob cannot end Alice's session.
	wantCode(t, "DeleteSession(another's)", s.DeleteSession(ctx, bob, a1.ID), entente.ENOTFOUND)
	if _, err := s.FindSessionByHash(ctx, "hash-a1"); err != nil {
		t.Fatalf("a1 after bob's attempt: %v", err)
	}
	if err := s.DeleteSession(ctx, alice, a1.ID); err != nil {
		t.Fatalf("DeleteSession: %v", err)
	}
	_, err = s.FindSessionByHash(ctx, "hash-a1")
	wantCode(t, "FindSessionByHash(ended)", err, entente.ENOTFOUND)
	wantCode(t, "DeleteSession(again)", s.DeleteSession(ctx, alice, a1.ID), entente.ENOTFOUND)

	if err := s.DeleteSessions(ctx, alice); err != nil {
		t.Fatalf("DeleteSessions: %v", err)
	}
	if list, _ := s.FindSessions(ctx, alice); len(list) != 0 {
		t.Errorf("alice's sessions after DeleteSessions: %+v", list)
	}
	if list, _ := s.FindSessions(ctx, bob); len(list) != 1 {
		t.Errorf("bob's sessions after DeleteSessions(alice): %+v", list)
	}

	// A server key is made once and kept.
	k1, err := s.ServerKey(ctx, "csrf", "first")
	if err != nil || k1 != "first" {
		t.Fatalf("ServerKey(new) = %q, %v; want first", k1, err)
	}
	if k2, err := s.ServerKey(ctx, "csrf", "second"); err != nil || k2 != "first" {
		t.Errorf("ServerKey(again) = %q, %v; want the first kept", k2, err)
	}
	if k3, _ := s.ServerKey(ctx, "other", "third"); k3 != "third" {
		t.Errorf("ServerKey(other) = %q, want third", k3)
	}

	// Sessions are not records.
	if empty, err := s.Empty(ctx); err != nil || !empty {
		t.Errorf("Empty() with only accounts and sessions = %v, %v; want true", empty, err)
	}
}

func testSessionsExpire(t *testing.T, open func(t *testing.T) entente.Store) {
	s := open(t)
	ctx := t.Context()
	alice := sessionAccount(t, s, "alice")
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	sessions := map[string]*entente.Session{
		"fresh":    sessionAt(alice, "fresh", now.Add(-time.Hour), now.Add(-time.Minute)),
		"idle":     sessionAt(alice, "idle", now.Add(-time.Hour), now.Add(-entente.SessionIdle-time.Second)),
		"edge":     sessionAt(alice, "edge", now.Add(-time.Hour), now.Add(-entente.SessionIdle)), // exactly at the limit: kept by the store
		"old":      sessionAt(alice, "old", now.Add(-entente.SessionLifetime-time.Microsecond), now.Add(-time.Second)),
		"old-idle": sessionAt(alice, "old-idle", now.Add(-48*time.Hour), now.Add(-47*time.Hour)),
	}
	for _, sess := range sessions {
		if err := s.CreateSession(ctx, sess); err != nil {
			t.Fatalf("CreateSession(%s): %v", sess.Hash, err)
		}
	}
	n, err := s.DeleteExpiredSessions(ctx, now.Add(-entente.SessionIdle), now.Add(-entente.SessionLifetime))
	if err != nil || n != 3 {
		t.Fatalf("DeleteExpiredSessions = %d, %v; want 3 (idle, old, old-idle)", n, err)
	}
	for name, kept := range map[string]bool{"fresh": true, "edge": true, "idle": false, "old": false, "old-idle": false} {
		_, err := s.FindSessionByHash(ctx, name)
		if kept && err != nil || !kept && entente.ErrorCode(err) != entente.ENOTFOUND {
			t.Errorf("%s after DeleteExpiredSessions: %v, want kept %v", name, err, kept)
		}
	}
	// The domain's rule agrees with the store's at the edges.
	for name, want := range map[string]bool{"fresh": false, "idle": true, "edge": true, "old": true} {
		if got := sessions[name].Expired(now); got != want {
			t.Errorf("%s.Expired(now) = %v, want %v", name, got, want)
		}
	}
}
