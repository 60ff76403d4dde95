package sqlite

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/entente/entente"
)

// TestWALWatch checks the stat that spares the change counter's query: it
// trusts an unchanged log only once the log's time is old enough, and a
// commit by another handle after that is never missed.
func TestWALWatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "entente.db")
	a, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	write := func() {
		t.Helper()
		err := b.Update(t.Context(), func(tx entente.Tx) error {
			return tx.AddAuditEvent(t.Context(), &entente.AuditEvent{Actor: "test", Action: "test", Entity: "test", Key: "1"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	write()
	w := &walWatch{path: path + "-wal"}
	if w.unchanged() {
		t.Fatal("the first look trusted a log it had never seen")
	}
	if w.unchanged() {
		t.Error("a log written just now was trusted: a commit in the same clock tick could be missed")
	}
	// Age the log, as a quiet database's would be.
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path+"-wal", old, old); err != nil {
		t.Fatal(err)
	}
	w.unchanged() // records the aged log
	if !w.unchanged() {
		t.Fatal("a settled, unchanged log was not trusted: every request would query")
	}
	write()
	if w.unchanged() {
		t.Error("a commit through another handle after the look was missed")
	}
}
