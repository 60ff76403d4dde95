package sqlite

import (
	"os"
	"sync"
	"time"
)

// settle is how old the write-ahead log's modification time must be, at
// the time it was recorded, before an unchanged size and time can be
// trusted to mean "nothing committed since". File systems stamp times with
// a coarse clock (a few milliseconds on Linux, seconds on some others), so
// a commit just after a look may leave the time as it was; one that comes
// once the recorded time is this old cannot.
const settle = 2 * time.Second

// walWatch tells, with one stat of the write-ahead log, that no process
// can have committed to the database since the last look that found a
// change. Every commit in WAL mode writes to the log, which moves its
// modification time. It spares the server a query per request (the change
// counter, see Dialect.Changes), a few microseconds against some tens.
type walWatch struct {
	path string

	mu   sync.Mutex
	size int64
	mod  time.Time
	at   time.Time // when size and mod were read; zero before the first look
}

// unchanged reports whether the log is as it was at the last look that
// returned false, and that look was late enough to trust (see settle).
// When it returns false the caller reads the change counter, and the log's
// state is recorded for the next call.
func (w *walWatch) unchanged() bool {
	now := time.Now()
	fi, err := os.Stat(w.path)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.at = time.Time{}
		return false
	}
	if !w.at.IsZero() && fi.Size() == w.size && fi.ModTime().Equal(w.mod) && w.mod.Before(w.at.Add(-settle)) {
		return true
	}
	w.size, w.mod, w.at = fi.Size(), fi.ModTime(), now
	return false
}
