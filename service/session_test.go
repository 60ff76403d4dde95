package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/secret"
	"github.com/entente/entente/service"
)

// addUser adds an account with password to svc's store.
func addUser(t *testing.T, svc *service.Service, name, password string, role entente.Role) *entente.Account {
	t.Helper()
	h, err := secret.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	a := &entente.Account{Name: name, Role: role, PasswordHash: h, Created: svc.Now()}
	if err := svc.Store.Update(t.Context(), func(tx entente.Tx) error { return tx.CreateAccount(t.Context(), a) }); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestSessionExpiry: a session ends 30 minutes after its last request
// (sliding, by the service's clock) and 12 hours after it began however
// busy; last-seen is written at most once a minute.
func TestSessionExpiry(t *testing.T) {
	onEngines(t, func(t *testing.T, svc *service.Service) {
		ctx := t.Context()
		clock := now
		svc.Now = func() time.Time { return clock }
		addUser(t, svc, "alice", "correct horse battery", entente.RoleStaff)

		sec, acct, err := svc.SignIn(ctx, "alice", "correct horse battery", "192.0.2.1", "Mozilla/5.0")
		if err != nil || acct.Name != "alice" || len(sec) < 43 {
			t.Fatalf("SignIn = %q, %v, %v", sec, acct, err)
		}
		// Active every 20 minutes: alive after 11 h 40 min, past the idle
		// limit many times over.
		for clock.Sub(now) < entente.SessionLifetime-20*time.Minute {
			clock = clock.Add(20 * time.Minute)
			if _, _, err := svc.Session(ctx, sec); err != nil {
				t.Fatalf("at +%v, active every 20 min: %v", clock.Sub(now), err)
			}
		}
		clock = now.Add(entente.SessionLifetime)
		_, _, err = svc.Session(ctx, sec)
		wantCode(t, "at the absolute limit", err, entente.EUNAUTHORIZED)
		if list, _ := svc.Store.FindSessions(ctx, acct.ID); len(list) != 0 {
			t.Errorf("the ended session is still stored: %+v", list)
		}

		// Idle: alive at 29 minutes, ended at 30.
		clock = now
		sec, _, err = svc.SignIn(ctx, "alice", "correct horse battery", "192.0.2.1", "Mozilla/5.0")
		if err != nil {
			t.Fatal(err)
		}
		clock = now.Add(entente.SessionIdle - time.Minute)
		if _, _, err := svc.Session(ctx, sec); err != nil {
			t.Fatalf("after 29 idle minutes: %v", err)
		}
		clock = clock.Add(entente.SessionIdle)
		_, _, err = svc.Session(ctx, sec)
		wantCode(t, "after 30 idle minutes", err, entente.EUNAUTHORIZED)

		// Last seen moves at most once a minute.
		clock = now
		sec, _, _ = svc.SignIn(ctx, "alice", "correct horse battery", "", "")
		clock = now.Add(30 * time.Second)
		s1, _, err := svc.Session(ctx, sec)
		if err != nil || !s1.LastSeen.Equal(now) {
			t.Fatalf("30 s later: last seen %v, %v; want unchanged %v", s1.LastSeen, err, now)
		}
		clock = now.Add(61 * time.Second)
		s2, _, _ := svc.Session(ctx, sec)
		stored, _ := svc.Store.FindSessionByHash(ctx, secret.Hash(sec))
		if !s2.LastSeen.Equal(clock) || !stored.LastSeen.Equal(clock) {
			t.Errorf("61 s later: last seen %v, stored %v; want %v", s2.LastSeen, stored.LastSeen, clock)
		}
	})
}

// TestSignIn: a wrong password and an unknown user get the same answer; a
// disabled account cannot sign in, and its sessions stop working; the
// store never holds the cookie's secret; a user ends only their own
// sessions.
func TestSignIn(t *testing.T) {
	onEngines(t, func(t *testing.T, svc *service.Service) {
		ctx := t.Context()
		alice := addUser(t, svc, "alice", "correct horse battery", entente.RoleStaff)
		bob := addUser(t, svc, "bob", "another long password", entente.RoleReader)
		_, _, wrong := svc.SignIn(ctx, "alice", "wrong password!", "", "")
		_, _, unknown := svc.SignIn(ctx, "mallory", "wrong password!", "", "")
		if entente.ErrorCode(wrong) != entente.EUNAUTHORIZED || entente.ErrorMessage(wrong) != entente.ErrorMessage(unknown) ||
			entente.ErrorCode(unknown) != entente.EUNAUTHORIZED {
			t.Errorf("wrong password: %v; unknown user: %v; want the same 401", wrong, unknown)
		}

		sec, _, err := svc.SignIn(ctx, "alice", "correct horse battery", "192.0.2.1", strings.Repeat("Mozilla ", 100))
		if err != nil {
			t.Fatal(err)
		}
		list, err := svc.Sessions(ctx, alice.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("Sessions(alice) = %+v, %v", list, err)
		}
		if list[0].Hash == sec || strings.Contains(list[0].Hash, sec) || list[0].Hash != secret.Hash(sec) {
			t.Errorf("stored %q for the secret %q: want its SHA-256 only", list[0].Hash, sec)
		}
		if len(list[0].UserAgent) > 256 || list[0].Address != "192.0.2.1" {
			t.Errorf("stored user agent of %d bytes, address %q", len(list[0].UserAgent), list[0].Address)
		}

		wantCode(t, "bob revokes alice's session", svc.RevokeSession(ctx, bob.ID, list[0].ID), entente.ENOTFOUND)
		if _, _, err := svc.Session(ctx, sec); err != nil {
			t.Fatalf("alice's session after bob's attempt: %v", err)
		}

		alice.Disabled = true
		if err := svc.Store.Update(ctx, func(tx entente.Tx) error { return tx.UpdateAccount(ctx, alice) }); err != nil {
			t.Fatal(err)
		}
		_, _, err = svc.Session(ctx, sec)
		wantCode(t, "a disabled account's session", err, entente.EUNAUTHORIZED)
		_, _, err = svc.SignIn(ctx, "alice", "correct horse battery", "", "")
		if entente.ErrorMessage(err) != entente.ErrorMessage(unknown) {
			t.Errorf("a disabled account signs in: %v", err)
		}

		if err := svc.EndSession(ctx, sec); err != nil {
			t.Fatal(err)
		}
		if list, _ := svc.Store.FindSessions(ctx, alice.ID); len(list) != 0 {
			t.Errorf("after EndSession: %+v", list)
		}
		if err := svc.EndSession(ctx, sec); err != nil {
			t.Errorf("EndSession twice: %v", err)
		}
	})
}
