//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/store"
)

// engines gives a fresh store's --db value on each engine.
var engines = []struct {
	name string
	db   func(t *testing.T) string
}{
	{"SQLite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "entente.db") }},
	{"PostgreSQL", func(t *testing.T) string { return pgtest.New(t) }},
}

// emptyStore reports whether the store at db holds no records and no audit
// event.
func emptyStore(t *testing.T, db string) bool {
	t.Helper()
	st, err := store.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	empty, err := st.Empty(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := st.View(t.Context(), func(r entente.Reader) error {
		evs, err := r.FindAuditEvents(t.Context(), entente.AuditFilter{Limit: 1})
		n = len(evs)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return empty && n == 0
}

// TestInterrupted: import, export and generate ignored Ctrl-C (issue 8).
// Stopped by a signal (their context cancelled) midway, an import and a
// generate leave the store as it was and export leaves no file; each says
// so and exits 130, on both engines. The import is stopped in the middle of
// its file, after some batches were written: the file is a pipe that the
// test fills halfway, then the signal comes, then the rest.
func TestInterrupted(t *testing.T) {
	src := scratch(t)
	if _, stderr, code := run(t, "generate", "--activities", "6000", "--partners", "3", src); code != 0 {
		t.Fatal(stderr)
	}
	doc := filepath.Join(t.TempDir(), "doc.json")
	if _, stderr, code := run(t, "export", "--out", doc, src); code != 0 {
		t.Fatal(stderr)
	}
	body, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			db := eng.db(t)
			fifo := filepath.Join(t.TempDir(), "doc.json")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			type result struct {
				stderr string
				code   int
			}
			done := make(chan result, 1)
			go func() {
				var out, errOut bytes.Buffer
				code := Main(ctx, []string{"import", fifo, "--db", db}, &out, &errOut)
				done <- result{errOut.String(), code}
			}()
			w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			// When the first two thirds are written, the import has read all
			// but a pipe's buffer of them: the records and a batch or two
			// of activities.
			if _, err := w.Write(body[:len(body)*2/3]); err != nil {
				t.Fatal(err)
			}
			cancel()
			w.Write(body[len(body)*2/3:]) // the import may have stopped reading
			w.Close()
			res := <-done
			if res.code != exitInterrupted || !strings.Contains(res.stderr, "entente import: interrupted; nothing was imported") {
				t.Fatalf("interrupted import: exit %d, %q; want 130 and a message", res.code, res.stderr)
			}
			if !emptyStore(t, db) {
				t.Fatal("an interrupted import left records or audit events")
			}

			// A signal before they start: export writes no file, generate
			// nothing.
			ctx, cancel = context.WithCancel(t.Context())
			cancel()
			out := filepath.Join(t.TempDir(), "out.json")
			for _, args := range [][]string{
				{"export", "--out", out, "--db", src},
				{"generate", "--activities", "100", "--db", db},
				{"import", doc, "--db", db},
			} {
				var stdout, stderr bytes.Buffer
				code := Main(ctx, args, &stdout, &stderr)
				if code != exitInterrupted || !strings.Contains(stderr.String(), "entente "+args[0]+": interrupted; ") {
					t.Errorf("%s with a cancelled context: exit %d, %q; want 130 and a message", args[0], code, stderr.String())
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("an interrupted export left %s (%v)", out, err)
			}
			if !emptyStore(t, db) {
				t.Error("an interrupted generate or import left records")
			}
			// And the store takes the whole import afterwards.
			if _, stderr, code := run(t, "import", doc, "--db", db); code != 0 || !strings.Contains(stderr, "6000 activities") {
				t.Errorf("import after the interruptions: exit %d, %s", code, stderr)
			}
		})
	}
}
