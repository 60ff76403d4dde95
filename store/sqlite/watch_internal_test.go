package sqlite

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/entente/entente"
)

// TestSHMWatch checks the read of the WAL index header that spares the
// change counter's query: an unchanged header is trusted at once, with no
// time to wait, and every commit by another handle is seen, however soon it
// follows the look before.
func TestSHMWatch(t *testing.T) {
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
	w := &shmWatch{path: path + "-shm"}
	defer w.close()
	if w.unchanged() {
		t.Fatal("the first look trusted a header it had never seen")
	}
	if !w.unchanged() {
		t.Fatal("an unchanged header was not trusted: every request would query")
	}
	for i := range 50 {
		write()
		if w.unchanged() {
			t.Fatalf("commit %d through another handle, just after the look, was missed", i)
		}
		if !w.unchanged() {
			t.Fatalf("after commit %d the unchanged header was not trusted", i)
		}
	}
	// A write that counts no change (page views) still moves the header:
	// one look reports it, and the next trusts the header again.
	if err := b.AddVisits(t.Context(), []entente.Visit{{Day: entente.MustParseDate("2026-01-02"), Page: "/", Count: 1}}); err != nil {
		t.Fatal(err)
	}
	if w.unchanged() {
		t.Error("a write was missed")
	}
	if !w.unchanged() {
		t.Error("the header was not trusted again after a write")
	}
}

// TestSHMWatchDistrusts checks that a header being written (its two copies
// differ), a header never written, a short file and a missing file are
// never trusted.
func TestSHMWatchDistrusts(t *testing.T) {
	dir := t.TempDir()
	header := make([]byte, 2*shmHeader)
	header[12] = 1 // isInit
	header[8] = 7  // iChange
	copy(header[shmHeader:], header[:shmHeader])
	torn := append([]byte(nil), header...)
	torn[shmHeader+8] = 8
	uninit := append([]byte(nil), header...)
	uninit[12], uninit[shmHeader+12] = 0, 0
	for name, content := range map[string][]byte{"torn": torn, "uninitialised": uninit, "short": header[:50]} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
		w := &shmWatch{path: p}
		for i := range 3 {
			if w.unchanged() {
				t.Errorf("%s header: look %d trusted it", name, i)
			}
		}
		w.close()
	}
	w := &shmWatch{path: filepath.Join(dir, "missing")}
	for i := range 2 {
		if w.unchanged() {
			t.Errorf("a missing file: look %d trusted it", i)
		}
	}
	// The same content, whole, is trusted from the second look.
	p := filepath.Join(dir, "whole")
	if err := os.WriteFile(p, header, 0o600); err != nil {
		t.Fatal(err)
	}
	w = &shmWatch{path: p}
	defer w.close()
	if w.unchanged() || !w.unchanged() {
		t.Error("a whole header: want the first look not to trust it and the second to")
	}
}
