package sqlstore

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/entente/entente"
)

var _ entente.Observable = (*Store)(nil)

// observers are the store's entente.StoreObservers. The list is replaced,
// never changed in place, so that calls read it without taking a lock; with
// no observer a call costs one atomic load and reads no clock.
type observers struct {
	mu   sync.Mutex // serialises Observe
	list atomic.Pointer[[]entente.StoreObserver]
}

// Observe adds o to the observers told of every store call and of every
// transaction the database aborts.
func (s *Store) Observe(o entente.StoreObserver) { s.obs.add(o) }

func (obs *observers) add(o entente.StoreObserver) {
	obs.mu.Lock()
	defer obs.mu.Unlock()
	var list []entente.StoreObserver
	if old := obs.list.Load(); old != nil {
		list = append(list, *old...)
	}
	list = append(list, o)
	obs.list.Store(&list)
}

// start is when a call starts, or the zero time if no one observes, so
// that `defer s.obs.done(op, s.obs.start())` reads the clock only when the
// duration is wanted. A nil *observers observes nothing.
func (obs *observers) start() time.Time {
	if obs == nil || obs.list.Load() == nil {
		return time.Time{}
	}
	return time.Now()
}

// done reports that op, started at start, has ended.
func (obs *observers) done(op string, start time.Time) {
	if start.IsZero() {
		return
	}
	d := time.Since(start)
	for _, o := range *obs.list.Load() {
		o.StoreCall(op, d)
	}
}

// aborted reports a write transaction the database aborted.
func (obs *observers) aborted(retried bool) {
	if l := obs.list.Load(); l != nil {
		for _, o := range *l {
			o.StoreAborted(retried)
		}
	}
}
