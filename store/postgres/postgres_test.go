package postgres_test

import (
	"context"
	"database/sql"
	"strings"
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

// TestShared runs the suite's tests that open two handles on one schema, as
// two processes would.
func TestShared(t *testing.T) {
	base := pgtest.URL(t)
	storetest.RunShared(t, func(t *testing.T) (entente.Store, entente.Store) {
		u := pgtest.Schema(t, base)
		return open(t, u), open(t, u)
	})
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
// deadlock: Update runs the aborted one again, both commit, and the store
// tells its observers of each abort and retry.
func TestDeadlockRetried(t *testing.T) {
	s := open(t, pgtest.New(t))
	ctx := t.Context()
	if err := s.Import(ctx, storetest.PlanFixture(), nil); err != nil {
		t.Fatal(err)
	}
	var rec storetest.Recorder
	s.(entente.Observable).Observe(&rec)
	lock := func(id string) func(context.Context, entente.Tx) error {
		return func(ctx context.Context, tx entente.Tx) error { return tx.LockActivity(ctx, id) }
	}
	attempts := storetest.CrossLocks(t, s, lock("NZL-2024-ITPP-A001"), lock("NZL-2024-ITPP-A002"))
	// At least one transaction ran twice; under load the server may abort
	// a retry too.
	if attempts < 3 {
		t.Errorf("%d attempts, want at least 3: one transaction aborted and run again", attempts)
	}
	if aborted, retried := rec.Aborts(); aborted != attempts-2 || retried != aborted {
		t.Errorf("observer told of %d aborts, %d retried; want %d of each", aborted, retried, attempts-2)
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

// TestImportAnalyzes checks that an import leaves the large tables analysed
// and vacuumed: a server whose autovacuum is off (or has not come round yet)
// planned a programme's count over a million activities as if it had 25
// rows, fetching every one from the heap (135 ms where 20 would do).
func TestImportAnalyzes(t *testing.T) {
	u := pgtest.New(t)
	s := open(t, u)
	if err := s.Import(t.Context(), storetest.PlanFixture(), nil); err != nil {
		t.Fatalf("Import: %v", err)
	}
	db, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, table := range []string{"activities", "activity_tally", "search_docs"} {
		var analyzed, vacuumed bool
		err := db.QueryRowContext(t.Context(), `SELECT last_analyze IS NOT NULL, last_vacuum IS NOT NULL FROM pg_stat_user_tables
			WHERE relname = $1 AND schemaname = current_schema()`, table).Scan(&analyzed, &vacuumed)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if !analyzed || !vacuumed {
			t.Errorf("%s after Import: analysed %t, vacuumed %t; want both", table, analyzed, vacuumed)
		}
	}
}
