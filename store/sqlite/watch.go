package sqlite

import (
	"bytes"
	"os"
	"sync"
)

// shmWatch tells, with one read of 96 bytes, that no process can have
// committed to the database since the last look that found a change. It
// spares the server a query per request (the change counter, see
// Dialect.Changes), a system call against some tens of microseconds.
//
// It reads the header of the WAL index, the "-shm" file that every
// connection to a database in WAL mode maps into memory to share the
// log's state (SQLite's file format, "The WAL-Index File Format"). A
// writer rewrites that header at every commit, and a reader's transaction
// begins by reading it: its 48 bytes hold the count of committed
// transactions, the last frame and a checksum, so a commit cannot leave it
// as it was. The writer writes the header's two copies one after the
// other; copies that differ are a commit under way, and are not trusted.
//
// An earlier watch compared the log's size and modification time, which
// had to be old enough to trust (file times are stamped with a coarse
// clock): for two seconds after any write, even one that changes no record
// (the page views counted every ten seconds), every request queried.
//
// SQLite removes the -shm file only when its last connection to the
// database closes; the store's pool keeps its connections open, and the
// watch opens the file once the store has opened the database, so the file
// it reads is the one the writers write. If it cannot read it (another
// VFS, a file system without shared memory) every look reports a change,
// which costs the query and nothing else.
type shmWatch struct {
	path string

	mu   sync.Mutex
	f    *os.File
	last [2 * shmHeader]byte
	seen bool // last holds a header a look found and returned false for
}

// shmHeader is the size of one copy of the WAL index header.
const shmHeader = 48

// unchanged reports whether the WAL index header is as it was at the last
// look that returned false. When it returns false the caller reads the
// change counter, and the header is recorded for the next call.
func (w *shmWatch) unchanged() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		f, err := os.Open(w.path)
		if err != nil {
			return false
		}
		w.f = f
	}
	var buf [2 * shmHeader]byte
	if n, err := w.f.ReadAt(buf[:], 0); err != nil || n < len(buf) {
		// Not yet written (a fresh file), or truncated by a first
		// connection starting afresh: nothing to trust.
		w.seen = false
		return false
	}
	// isInit (byte 12) is set once a header is written; two copies
	// that differ are a header being written.
	if buf[12] == 0 || !bytes.Equal(buf[:shmHeader], buf[shmHeader:]) {
		w.seen = false
		return false
	}
	if w.seen && buf == w.last {
		return true
	}
	w.last, w.seen = buf, true
	return false
}

// close closes the file the watch reads.
func (w *shmWatch) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
}
