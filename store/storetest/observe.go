package storetest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/entente/entente"
)

// Recorder is an entente.StoreObserver that remembers what it was told.
type Recorder struct {
	mu      sync.Mutex
	calls   map[string]int
	aborted int
	retried int
}

// StoreCall implements entente.StoreObserver.
func (r *Recorder) StoreCall(op string, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.calls == nil {
		r.calls = map[string]int{}
	}
	r.calls[op]++
}

// StoreAborted implements entente.StoreObserver.
func (r *Recorder) StoreAborted(retried bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.aborted++
	if retried {
		r.retried++
	}
}

// Calls is how many calls of op were reported.
func (r *Recorder) Calls(op string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[op]
}

// Aborts is how many aborted transactions were reported, and how many of
// them were run again.
func (r *Recorder) Aborts() (aborted, retried int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.aborted, r.retried
}

// crossWait is how long a CrossLocks transaction waits, holding its first
// lock, for the other to hold its own: long enough for the other to begin
// on a loaded machine, and shorter than SQLite's busy timeout (5 s), for
// which the other waits to begin at all there.
const crossWait = 2 * time.Second

// CrossLocks runs two write transactions on s at once, the first taking
// lock a then lock b, the second b then a, each waiting after its first
// lock for the other to hold its own (up to crossWait). On an engine with
// row locks (PostgreSQL) they deadlock, the database aborts one, and the
// store runs it again; on one whose write transactions run one at a time
// (SQLite) the second begins only once the first has committed, so the
// first stops waiting and nothing deadlocks. Both must commit, each with an
// audit event. CrossLocks returns how many times the transactions ran in
// all: 2, plus one for each run the database aborted.
func CrossLocks(t *testing.T, s entente.Store, a, b func(context.Context, entente.Tx) error) int {
	t.Helper()
	ctx := t.Context()
	var attempts atomic.Int32
	held := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
	var once [2]sync.Once
	errs := make(chan error, 2)
	for i, locks := range [2][2]func(context.Context, entente.Tx) error{{a, b}, {b, a}} {
		go func() {
			errs <- s.Update(ctx, func(tx entente.Tx) error {
				attempts.Add(1)
				if err := locks[0](ctx, tx); err != nil {
					return err
				}
				once[i].Do(func() { close(held[i]) })
				select {
				case <-held[1-i]:
				case <-time.After(crossWait):
				}
				if err := locks[1](ctx, tx); err != nil {
					return err
				}
				return tx.AddAuditEvent(ctx, &entente.AuditEvent{Actor: "storetest", Action: "cross-locks", Entity: "test"})
			})
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("Update: %v, want both transactions to commit (a deadlocked one run again)", err)
		}
	}
	return int(attempts.Load())
}

// testObserve checks that an Observable store reports its calls by
// operation and every transaction the database aborted.
func testObserve(t *testing.T, open func(t *testing.T) entente.Store) {
	s := open(t)
	o, ok := s.(entente.Observable)
	if !ok {
		t.Skip("the store reports nothing to observers")
	}
	var rec Recorder
	o.Observe(&rec)
	ctx := t.Context()
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Empty(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Import(ctx, PlanFixture(), importEvent()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindCountries(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.View(ctx, func(r entente.Reader) error { _, err := r.FindCountries(ctx); return err }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Export(ctx); err != nil {
		t.Fatal(err)
	}
	lock := func(id string) func(context.Context, entente.Tx) error {
		return func(ctx context.Context, tx entente.Tx) error { return tx.LockActivity(ctx, id) }
	}
	attempts := CrossLocks(t, s, lock("NZL-2024-ITPP-A001"), lock("NZL-2024-ITPP-A002"))
	// One read outside a transaction: the view's and the export's reads
	// are part of their own time.
	for op, want := range map[string]int{"ping": 1, "empty": 1, "import": 1, "read": 1, "view": 1, "export": 1, "update": 2} {
		if got := rec.Calls(op); got != want {
			t.Errorf("%d %q calls reported, want %d", got, op, want)
		}
	}
	aborted, retried := rec.Aborts()
	if aborted != attempts-2 || retried != aborted {
		t.Errorf("%d transactions aborted and %d retried reported; the two transactions ran %d times, so want %d and %d",
			aborted, retried, attempts, attempts-2, attempts-2)
	}
}
