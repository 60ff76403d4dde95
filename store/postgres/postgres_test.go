package postgres_test

import (
	"database/sql"
	"strings"
	"sync"
	"sync/atomic"
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
func TestAuditTampering(t *testing.T) {
	base := pgtest.URL(t)
	storetest.RunTampering(t, func(t *testing.T) (entente.Store, *sql.DB) {
		u := pgtest.Schema(t, base)
		db, err := sql.Open("pgx", u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return open(t, u), db
	}, "DROP TRIGGER audit_events_no_update ON audit_events", "DROP TRIGGER audit_events_no_delete ON audit_events")
}

// TestAuditTruncateRefused: TRUNCATE skips row triggers, so the audit
// tables have statement triggers of their own.
func TestAuditTruncateRefused(t *testing.T) {
	u := pgtest.New(t)
	open(t, u)
	db, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"TRUNCATE audit_events", "TRUNCATE audit_chain"} {
		if _, err := db.ExecContext(t.Context(), q); err == nil || !strings.Contains(err.Error(), "refused") {
			t.Errorf("%s: error %v, want the trigger's refusal", q, err)
		}
	}
}

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

// TestDeadlockRetried makes two transactions lock two activities in
// opposite orders, so that PostgreSQL aborts one of them to break the
// deadlock: Update runs the aborted one again, and both commit.
func TestDeadlockRetried(t *testing.T) {
	s := open(t, pgtest.New(t))
	ctx := t.Context()
	if err := s.Import(ctx, storetest.PlanFixture(), nil); err != nil {
		t.Fatal(err)
	}
	ids := []string{"NZL-2024-ITPP-A001", "NZL-2024-ITPP-A002"}
	var held sync.WaitGroup
	held.Add(2)
	var attempts atomic.Int32
	errs := make(chan error, 2)
	for i := range 2 {
		go func() {
			first := true
			errs <- s.Update(ctx, func(tx entente.Tx) error {
				attempts.Add(1)
				if err := tx.LockActivity(ctx, ids[i]); err != nil {
					return err
				}
				if first {
					// Both hold their first lock before either asks
					// for its second.
					first = false
					held.Done()
					held.Wait()
				}
				if err := tx.LockActivity(ctx, ids[1-i]); err != nil {
					return err
				}
				return tx.AddAuditEvent(ctx, &entente.AuditEvent{Actor: "test", Action: "lock", Entity: "activity", Key: ids[i]})
			})
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("Update: %v, want the deadlocked transaction run again", err)
		}
	}
	// At least one transaction ran twice; under load the server may abort
	// a retry too.
	if n := attempts.Load(); n < 3 {
		t.Errorf("%d attempts, want at least 3: one transaction aborted and run again", n)
	}
	evs, err := s.FindAuditEvents(ctx, entente.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 {
		t.Errorf("%d audit events, want 2: one per committed transaction", len(evs))
	}
}

// TestNotifyOwnSchema checks that a change is announced to the other
// processes using the same schema, and not to stores in other schemas of the
// same database (whose caches it would drop for nothing).
func TestNotifyOwnSchema(t *testing.T) {
	base := pgtest.URL(t)
	schemaA, schemaB := pgtest.Schema(t, base), pgtest.Schema(t, base)
	writer, sameSchema, otherSchema := open(t, schemaA), open(t, schemaA), open(t, schemaB)
	type notifier interface{ OnChange(func()) }
	var same, other atomic.Int32
	sameSchema.(notifier).OnChange(func() { same.Add(1) })
	otherSchema.(notifier).OnChange(func() { other.Add(1) })
	if err := writer.Import(t.Context(), storetest.Fixture(), nil); err != nil {
		t.Fatalf("Import: %v", err)
	}
	for deadline := time.Now().Add(10 * time.Second); same.Load() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a store in the same schema was not told of the change")
		}
	}
	// The notifications of one commit arrive together: once the same
	// schema's listener has heard it, the other's has had its chance.
	time.Sleep(200 * time.Millisecond)
	if n := other.Load(); n != 0 {
		t.Errorf("a store in another schema was told of the change %d times, want 0", n)
	}
}
