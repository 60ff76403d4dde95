package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/store/sqlite"
	"github.com/entente/entente/store/sqlstore"
	"github.com/entente/entente/store/storetest"
)

// openFile opens a store in a new file under t's temporary directory, so
// that every connection of the pool sees the same database (each connection
// to ":memory:" would get its own).
func openFile(t *testing.T, opts ...sqlite.Option) (*sqlstore.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "entente.db")
	s, err := sqlite.Open(t.Context(), path, opts...)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) entente.Store {
		s, _ := openFile(t)
		return s
	})
}

func TestAuditTampering(t *testing.T) {
	storetest.RunTampering(t, func(t *testing.T) (entente.Store, *sql.DB) {
		s, path := openFile(t)
		db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return s, db
	}, "DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete")
}

// TestShared runs the suite's tests that open two handles on one file, as
// two processes would.
func TestShared(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T) (entente.Store, entente.Store) {
		a, path := openFile(t)
		b, err := sqlite.Open(t.Context(), path)
		if err != nil {
			t.Fatalf("Open(%s) again: %v", path, err)
		}
		t.Cleanup(func() { b.Close() })
		return a, b
	})
}

func TestMemory(t *testing.T) {
	s, err := sqlite.Open(t.Context(), ":memory:")
	if err != nil {
		t.Fatalf("Open(:memory:): %v", err)
	}
	defer s.Close()
	if err := s.Import(t.Context(), storetest.Fixture(), nil); err != nil {
		t.Fatalf("Import: %v", err)
	}
	// With more than one connection, a second one would see an empty
	// database.
	empty, err := s.Empty(t.Context())
	if err != nil || empty {
		t.Fatalf("Empty() after Import = %v, %v; want false, nil", empty, err)
	}
}

// TestReopen checks that migrations are recorded: opening an existing
// database again neither fails nor loses data.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "entente.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := s.Import(t.Context(), storetest.Fixture(), nil); err != nil {
		t.Fatalf("Import: %v", err)
	}
	s.Close()
	s, err = sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open again: %v", err)
	}
	defer s.Close()
	if empty, err := s.Empty(t.Context()); err != nil || empty {
		t.Fatalf("Empty() after reopening = %v, %v; want false, nil", empty, err)
	}
}

// TestLocked holds the write lock from a second handle on the same file, as
// another process would, and checks that writers get EUNAVAILABLE with a
// message saying why (after the busy timeout, never a panic) while readers
// carry on, as WAL allows.
func TestLocked(t *testing.T) {
	ctx := t.Context()
	s, path := openFile(t, sqlite.BusyTimeout(100*time.Millisecond))
	if err := s.Import(ctx, storetest.Fixture(), nil); err != nil {
		t.Fatalf("Import: %v", err)
	}

	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatalf("sql.Open: %v", err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatalf("Conn: %v", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatalf("BEGIN IMMEDIATE: %v", err)
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK")

	start := time.Now()
	called := false
	err = s.Update(ctx, func(tx entente.Tx) error {
		called = true
		return nil
	})
	if got := entente.ErrorCode(err); got != entente.EUNAVAILABLE {
		t.Fatalf("Update while locked: code %q (%v), want %q", got, err, entente.EUNAVAILABLE)
	}
	if msg := entente.ErrorMessage(err); !strings.Contains(msg, "locked by another process") {
		t.Errorf("Update while locked: message %q, want it to say the database is locked by another process", msg)
	}
	if called {
		t.Errorf("Update while locked ran fn, want it refused before")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Update while locked took %v, want about the busy timeout", d)
	}

	// Readers are not blocked by the writer.
	if _, err := s.Export(ctx); err != nil {
		t.Errorf("Export while locked: %v, want it to read", err)
	}

	// Once the lock is released, writes succeed again.
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatalf("ROLLBACK: %v", err)
	}
	if err := s.Update(ctx, func(tx entente.Tx) error { return nil }); err != nil {
		t.Errorf("Update after the lock was released: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		path string
		code string
	}{
		{"Empty", "", entente.EINVALID},
		{"Query", "x.db?mode=ro", entente.EINVALID},
		{"MissingDirectory", filepath.Join(t.TempDir(), "missing", "entente.db"), entente.EUNAVAILABLE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := sqlite.Open(t.Context(), tt.path)
			if s != nil {
				s.Close()
			}
			if got := entente.ErrorCode(err); got != tt.code {
				t.Fatalf("Open(%q): code %q (%v), want %q", tt.path, got, err, tt.code)
			}
			var e *entente.Error
			if !errors.As(err, &e) {
				t.Fatalf("Open(%q): error %T, want *entente.Error", tt.path, err)
			}
		})
	}
}

// TestPollChanges opens two handles on one file, as two processes would,
// and checks that PollChanges on one runs its change hooks exactly when the
// other committed a change to the records since the last poll: not when
// nothing happened, not for a counted visit, once for a write (issue 7,
// defect 4).
func TestPollChanges(t *testing.T) {
	a, path := openFile(t)
	b, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var seen atomic.Int64
	a.OnChange(func() { seen.Add(1) })
	poll := func(want int64, when string) {
		t.Helper()
		if err := a.PollChanges(t.Context()); err != nil {
			t.Fatalf("%s: PollChanges: %v", when, err)
		}
		if n := seen.Load(); n != want {
			t.Errorf("%s: %d changes seen, want %d", when, n, want)
		}
	}
	poll(0, "nothing written")
	if err := b.AddVisits(t.Context(), []entente.Visit{{Day: entente.Date{Year: 2026, Month: 1, Day: 2}, Page: "/", Count: 1}}); err != nil {
		t.Fatal(err)
	}
	poll(0, "after a visit counted through the other handle")
	if err := b.Import(t.Context(), storetest.Fixture(), nil); err != nil {
		t.Fatal(err)
	}
	poll(1, "after an import through the other handle")
	poll(1, "polled again")
	err = b.Update(t.Context(), func(tx entente.Tx) error {
		return tx.AddAuditEvent(t.Context(), &entente.AuditEvent{Actor: "test", Action: "test", Entity: "test", Key: "1"})
	})
	if err != nil {
		t.Fatal(err)
	}
	poll(2, "after a write through the other handle")
	// A rolled-back transaction changed nothing.
	_ = b.Update(t.Context(), func(tx entente.Tx) error { return errors.New("no") })
	poll(2, "after a rolled-back write")
}

// TestOpenWhileWriting: opening an up-to-date database takes no write lock,
// so a command (a backup, say) opens it while another process holds a long
// write transaction, instead of waiting out the busy timeout behind it.
func TestOpenWhileWriting(t *testing.T) {
	a, path := openFile(t)
	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- a.Update(t.Context(), func(tx entente.Tx) error {
			if err := tx.AddAuditEvent(t.Context(), &entente.AuditEvent{Actor: "test", Action: "test", Entity: "test", Key: "1"}); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	b, err := sqlite.Open(t.Context(), path, sqlite.BusyTimeout(200*time.Millisecond))
	close(release)
	if err != nil {
		t.Fatalf("Open while another handle writes: %v", err)
	}
	b.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestReadSlots: no more than two Views a CPU run at once on a file's
// store, however many are asked for together; and a View nested in
// another, with every slot taken, goes on after a short wait rather than
// waiting for itself.
func TestReadSlots(t *testing.T) {
	s, _ := openFile(t)
	ctx := t.Context()
	slots := 2 * runtime.GOMAXPROCS(0)
	var in, most atomic.Int64
	var wg sync.WaitGroup
	for range 4 * slots {
		wg.Go(func() {
			err := s.View(ctx, func(r entente.Reader) error {
				n := in.Add(1)
				defer in.Add(-1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				time.Sleep(2 * time.Millisecond)
				_, err := r.FindCountries(ctx)
				return err
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if m := most.Load(); m > int64(slots) || m < 2 {
		t.Errorf("%d Views ran at once, want 2 to %d", m, slots)
	}

	// Every slot held, one of the holders asks for another View.
	held := make(chan struct{})
	release := make(chan struct{})
	for range slots - 1 {
		wg.Go(func() {
			s.View(ctx, func(entente.Reader) error { held <- struct{}{}; <-release; return nil })
		})
	}
	for range slots - 1 {
		<-held
	}
	start := time.Now()
	err := s.View(ctx, func(entente.Reader) error {
		return s.View(ctx, func(r entente.Reader) error { _, err := r.FindCountries(ctx); return err })
	})
	close(release)
	wg.Wait()
	if err != nil || time.Since(start) > 10*time.Second {
		t.Errorf("a nested View with every slot taken: %v after %v", err, time.Since(start))
	}
}
