package entente

import "time"

// StoreObserver is told what a store does, for metrics. Its methods run on
// the store's calls, so they must be cheap and must not block.
type StoreObserver interface {
	// StoreCall reports that a store call took d. op is one of a few fixed
	// names, never a record's key, so it can label a metric: "update" (a
	// write transaction, retries included), "view" (a read-only
	// transaction), "read" (one query outside a transaction), "import",
	// "export", "ping", "empty", "add_visits" and "visits".
	StoreCall(op string, d time.Duration)
	// StoreAborted reports that the database aborted a write transaction
	// to let another go ahead (a deadlock broken, a serialisation
	// failure); retried says whether the store runs it again, or gave up.
	StoreAborted(retried bool)
}

// Observable is a store that reports its calls to observers.
type Observable interface {
	// Observe adds o to the store's observers, for as long as the store
	// is open.
	Observe(o StoreObserver)
}
