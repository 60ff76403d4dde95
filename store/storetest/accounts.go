package storetest

import (
	"testing"
	"time"

	"github.com/entente/entente"
)

func runAccounts(t *testing.T, open func(t *testing.T) entente.Store) {
	t.Run("Accounts", func(t *testing.T) { testAccounts(t, open) })
	t.Run("Tokens", func(t *testing.T) { testTokens(t, open) })
	t.Run("TouchToken", func(t *testing.T) { testTouchToken(t, open) })
}

func createAccount(t *testing.T, s entente.Store, a *entente.Account) {
	t.Helper()
	if err := s.Update(t.Context(), func(tx entente.Tx) error { return tx.CreateAccount(t.Context(), a) }); err != nil {
		t.Fatalf("CreateAccount(%s): %v", a.Name, err)
	}
}

func testAccounts(t *testing.T, open func(t *testing.T) entente.Store) {
	s := open(t)
	ctx := t.Context()
	created := time.Date(2026, 1, 2, 3, 4, 5, 678901234, time.UTC)
	bob := &entente.Account{Name: "bob", Role: entente.RoleLiaison, Partner: "NZL", PasswordHash: "$argon2id$bob", Created: created}
	alice := &entente.Account{Name: "alice", Role: entente.RoleStaff, PasswordHash: "$argon2id$alice"}
	createAccount(t, s, bob)
	createAccount(t, s, alice)
	if bob.ID == 0 || alice.ID == bob.ID {
		t.Errorf("IDs %d and %d: want two distinct ids set", bob.ID, alice.ID)
	}
	if want := created.Truncate(time.Microsecond); !bob.Created.Equal(want) {
		t.Errorf("Created = %v, want %v (to the microsecond)", bob.Created, want)
	}
	if alice.Created.IsZero() {
		t.Error("a zero Created stayed zero, want now")
	}

	// Accounts are not records: the store is still empty and takes an import.
	if empty, err := s.Empty(ctx); err != nil || !empty {
		t.Errorf("Empty() with only accounts = %v, %v; want true", empty, err)
	}
	if err := s.Import(ctx, Fixture(), importEvent()); err != nil {
		t.Fatalf("Import with accounts present: %v", err)
	}

	got, err := s.FindAccount(ctx, "bob")
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "FindAccount(bob)", toJSON(t, got), toJSON(t, bob))
	if got.PasswordHash != "$argon2id$bob" {
		t.Errorf("PasswordHash = %q, want it stored", got.PasswordHash)
	}
	if got, err := s.FindAccountByID(ctx, alice.ID); err != nil || got.Name != "alice" || got.Role != entente.RoleStaff {
		t.Errorf("FindAccountByID(%d) = %+v, %v; want alice", alice.ID, got, err)
	}
	_, err = s.FindAccount(ctx, "carol")
	wantCode(t, "FindAccount(unknown)", err, entente.ENOTFOUND)
	_, err = s.FindAccountByID(ctx, 9999)
	wantCode(t, "FindAccountByID(unknown)", err, entente.ENOTFOUND)
	all, err := s.FindAccounts(ctx)
	if err != nil || len(all) != 2 || all[0].Name != "alice" || all[1].Name != "bob" {
		t.Errorf("FindAccounts() = %+v, %v; want alice, bob", all, err)
	}

	err = s.Update(ctx, func(tx entente.Tx) error {
		return tx.CreateAccount(ctx, &entente.Account{Name: "bob", Role: entente.RoleReader, PasswordHash: "x"})
	})
	wantCode(t, "CreateAccount(taken name)", err, entente.ECONFLICT)

	bob.Role, bob.Partner, bob.Disabled, bob.PasswordHash = entente.RoleReader, "", true, "$argon2id$new"
	if err := s.Update(ctx, func(tx entente.Tx) error { return tx.UpdateAccount(ctx, bob) }); err != nil {
		t.Fatalf("UpdateAccount: %v", err)
	}
	got, _ = s.FindAccount(ctx, "bob")
	if got.Role != entente.RoleReader || got.Partner != "" || !got.Disabled || got.PasswordHash != "$argon2id$new" || !got.Created.Equal(bob.Created) {
		t.Errorf("after UpdateAccount: %+v", got)
	}
	err = s.Update(ctx, func(tx entente.Tx) error {
		return tx.UpdateAccount(ctx, &entente.Account{ID: 9999, Name: "ghost", Role: entente.RoleReader})
	})
	wantCode(t, "UpdateAccount(unknown)", err, entente.ENOTFOUND)

	// A rolled-back creation leaves nothing.
	err = s.Update(ctx, func(tx entente.Tx) error {
		if err := tx.CreateAccount(ctx, &entente.Account{Name: "dave", Role: entente.RoleReader, PasswordHash: "x"}); err != nil {
			return err
		}
		return entente.Errorf(entente.EREFUSED, "no")
	})
	wantCode(t, "Update returning an error", err, entente.EREFUSED)
	_, err = s.FindAccount(ctx, "dave")
	wantCode(t, "FindAccount(rolled back)", err, entente.ENOTFOUND)
}

func testTokens(t *testing.T, open func(t *testing.T) entente.Store) {
	s := open(t)
	ctx := t.Context()
	alice := &entente.Account{Name: "alice", Role: entente.RoleStaff, PasswordHash: "x"}
	bob := &entente.Account{Name: "bob", Role: entente.RoleLiaison, Partner: "NZL", PasswordHash: "x"}
	createAccount(t, s, alice)
	createAccount(t, s, bob)
	expires := time.Date(2027, 3, 1, 12, 0, 0, 999999999, time.UTC)
	tokens := []*entente.Token{
		{Account: alice.ID, Scopes: []string{"write", "read"}, Hash: "hash-a1", Expires: expires},
		{Account: bob.ID, Scopes: []string{"read"}, Partner: "NZL", Hash: "hash-b1"},
		{Account: alice.ID, Scopes: []string{"admin"}, Hash: "hash-a2"},
	}
	for _, tk := range tokens {
		if err := s.Update(ctx, func(tx entente.Tx) error { return tx.CreateToken(ctx, tk) }); err != nil {
			t.Fatalf("CreateToken(%s): %v", tk.Hash, err)
		}
	}
	if !tokens[0].Expires.Equal(expires.Truncate(time.Microsecond)) {
		t.Errorf("Expires = %v, want %v to the microsecond", tokens[0].Expires, expires)
	}

	got, err := s.FindTokenByHash(ctx, "hash-a1")
	if err != nil {
		t.Fatal(err)
	}
	want := *tokens[0]
	want.User = "alice"
	sameJSON(t, "FindTokenByHash", toJSON(t, got), toJSON(t, want))
	if got.Hash != "hash-a1" || !got.LastUsed.IsZero() || !got.Revoked.IsZero() {
		t.Errorf("FindTokenByHash = %+v", got)
	}
	if got, err := s.FindToken(ctx, tokens[1].ID); err != nil || got.User != "bob" || got.Partner != "NZL" || !got.Expires.IsZero() {
		t.Errorf("FindToken(%d) = %+v, %v", tokens[1].ID, got, err)
	}
	_, err = s.FindTokenByHash(ctx, "nope")
	wantCode(t, "FindTokenByHash(unknown)", err, entente.ENOTFOUND)
	_, err = s.FindToken(ctx, 9999)
	wantCode(t, "FindToken(unknown)", err, entente.ENOTFOUND)

	ids := func(ts []entente.Token, err error) []int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		out := []int64{}
		for _, tk := range ts {
			out = append(out, tk.ID)
		}
		return out
	}
	if got, want := ids(s.FindTokens(ctx, 0)), []int64{tokens[0].ID, tokens[1].ID, tokens[2].ID}; toJSON(t, got) != toJSON(t, want) {
		t.Errorf("FindTokens(all) = %v, want %v", got, want)
	}
	if got, want := ids(s.FindTokens(ctx, alice.ID)), []int64{tokens[0].ID, tokens[2].ID}; toJSON(t, got) != toJSON(t, want) {
		t.Errorf("FindTokens(alice) = %v, want %v", got, want)
	}

	err = s.Update(ctx, func(tx entente.Tx) error {
		return tx.CreateToken(ctx, &entente.Token{Account: bob.ID, Scopes: []string{"read"}, Hash: "hash-a1"})
	})
	wantCode(t, "CreateToken(taken hash)", err, entente.ECONFLICT)
	err = s.Update(ctx, func(tx entente.Tx) error {
		return tx.CreateToken(ctx, &entente.Token{Account: 9999, Scopes: []string{"read"}, Hash: "hash-x"})
	})
	wantCode(t, "CreateToken(unknown account)", err, entente.ECONFLICT)

	first := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	for _, at := range []time.Time{first, first.Add(time.Hour)} {
		if err := s.Update(ctx, func(tx entente.Tx) error { return tx.RevokeToken(ctx, tokens[0].ID, at) }); err != nil {
			t.Fatalf("RevokeToken: %v", err)
		}
	}
	if got, _ := s.FindToken(ctx, tokens[0].ID); !got.Revoked.Equal(first) {
		t.Errorf("Revoked = %v, want the first revocation %v kept", got.Revoked, first)
	}
	err = s.Update(ctx, func(tx entente.Tx) error { return tx.RevokeToken(ctx, 9999, first) })
	wantCode(t, "RevokeToken(unknown)", err, entente.ENOTFOUND)
}

// testTouchToken checks that a token's last use is recorded at most once a
// TouchInterval.
func testTouchToken(t *testing.T, open func(t *testing.T) entente.Store) {
	s := open(t)
	ctx := t.Context()
	a := &entente.Account{Name: "alice", Role: entente.RoleStaff, PasswordHash: "x"}
	createAccount(t, s, a)
	tk := &entente.Token{Account: a.ID, Scopes: []string{"read"}, Hash: "h"}
	if err := s.Update(ctx, func(tx entente.Tx) error { return tx.CreateToken(ctx, tk) }); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 6, 1, 9, 59, 59, 500000000, time.UTC)
	for _, step := range []struct {
		at, want time.Time
	}{
		{t0, t0},                       // first use
		{t0.Add(30 * time.Second), t0}, // within the interval: kept
		{t0.Add(59 * time.Second), t0}, // still within
		{t0.Add(61 * time.Second), t0.Add(61 * time.Second)}, // past it: moved
		{t0.Add(62 * time.Second), t0.Add(61 * time.Second)},
		{t0.Add(time.Hour), t0.Add(time.Hour)},
	} {
		if err := s.TouchToken(ctx, tk.ID, step.at); err != nil {
			t.Fatalf("TouchToken: %v", err)
		}
		got, err := s.FindToken(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.LastUsed.Equal(step.want) {
			t.Errorf("after TouchToken(%v): LastUsed = %v, want %v", step.at, got.LastUsed, step.want)
		}
	}
}
