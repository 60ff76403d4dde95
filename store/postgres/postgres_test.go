package postgres_test

import (
	"strings"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/store/postgres"
	"github.com/entente/entente/store/storetest"
)

// open opens the store at u, closed when t ends (before the schema is
// dropped, as cleanups run last first).
func open(t *testing.T, u string) entente.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), u)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	base := pgtest.URL(t)
	storetest.Run(t, func(t *testing.T) entente.Store { return open(t, pgtest.Schema(t, base)) })
}

// TestReopen checks that migrations are recorded: opening the same schema
// again neither fails nor loses data.
func TestReopen(t *testing.T) {
	u := pgtest.Schema(t, pgtest.URL(t))
	if err := open(t, u).Import(t.Context(), storetest.Fixture(), nil); err != nil {
		t.Fatalf("Import: %v", err)
	}
	if empty, err := open(t, u).Empty(t.Context()); err != nil || empty {
		t.Fatalf("Empty() after reopening = %v, %v; want false, nil", empty, err)
	}
}

// TestUnreachable checks that a server nobody answers for gives EUNAVAILABLE
// quickly, with a message naming the host and port tried.
func TestUnreachable(t *testing.T) {
	start := time.Now()
	s, err := postgres.Open(t.Context(), "postgres://127.0.0.1:1/x")
	if s != nil {
		s.Close()
	}
	if got := entente.ErrorCode(err); got != entente.EUNAVAILABLE {
		t.Fatalf("Open(unreachable): code %q (%v), want %q", got, err, entente.EUNAVAILABLE)
	}
	if msg := entente.ErrorMessage(err); !strings.Contains(msg, "127.0.0.1:1") {
		t.Errorf("Open(unreachable): message %q, want it to name 127.0.0.1:1", msg)
	}
	if d := time.Since(start); d > postgres.DefaultConnectTimeout+time.Second {
		t.Errorf("Open(unreachable) took %v, want at most the connect timeout", d)
	}
}

func TestInvalidURL(t *testing.T) {
	_, err := postgres.Open(t.Context(), "postgres://user:secret@host:notaport/db")
	if got := entente.ErrorCode(err); got != entente.EINVALID {
		t.Fatalf("Open(bad URL): code %q (%v), want %q", got, err, entente.EINVALID)
	}
	if msg := entente.ErrorMessage(err); strings.Contains(msg, "secret") {
		t.Errorf("Open(bad URL): message %q shows the password", msg)
	}
}
