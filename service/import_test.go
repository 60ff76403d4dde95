package service_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/dataset"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store"
)

// exportJSON streams svc's store out as the JSON document.
func exportJSON(t *testing.T, svc *service.Service) []byte {
	t.Helper()
	var b bytes.Buffer
	jw := dataset.NewJSONWriter(&b)
	if err := svc.ExportStream(t.Context(), jw.Base, jw.Activity); err != nil {
		t.Fatal(err)
	}
	if err := jw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// cancelAfter reads r and cancels when more than n bytes have been read.
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel func()
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	if c.n -= k; c.n < 0 {
		c.cancel()
	}
	return k, err
}

// TestImportStream: a streamed import of a generated store, on both engines,
// exports the same bytes (activities come out of the database in the order
// Dataset.Sort gives, COLLATE "C" on PostgreSQL); an import cancelled
// halfway, after some batches were written, leaves the store empty with no
// audit event, and the same import then succeeds (issue 8: import ignored
// Ctrl-C).
func TestImportStream(t *testing.T) {
	src := openSQLite(t)
	if _, err := src.Generate(staff(t), service.GenerateRequest{Partners: 3, Activities: 6000, Seed: 5, Batch: 1000}); err != nil {
		t.Fatal(err)
	}
	doc := exportJSON(t, src)
	dsns := map[string]func(t *testing.T) string{
		"SQLite":     func(t *testing.T) string { return filepath.Join(t.TempDir(), "entente.db") },
		"PostgreSQL": func(t *testing.T) string { return pgtest.New(t) },
	}
	for _, name := range []string{"SQLite", "PostgreSQL"} {
		t.Run(name, func(t *testing.T) {
			st, err := store.Open(t.Context(), dsns[name](t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			svc := service.New(st)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			parts := 0
			err = svc.ImportStream(entente.WithPrincipal(ctx, staffPrincipal), "half", func(ctx context.Context, add func(*entente.Dataset) error) error {
				r := &cancelAfter{r: bytes.NewReader(doc), n: len(doc) / 2, cancel: cancel}
				return dataset.StreamJSON(ctx, "doc.json", r, func(part *entente.Dataset) error {
					parts++
					return add(part)
				})
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("cancelled import: %v, want context.Canceled", err)
			}
			if parts < 2 {
				t.Fatalf("the import was cancelled after %d parts, want the records and some activities written first", parts)
			}
			empty, err := st.Empty(t.Context())
			if err != nil || !empty {
				t.Fatalf("after a cancelled import the store is empty: %v (%v), want true", empty, err)
			}
			events, err := st.FindAuditEvents(t.Context(), entente.AuditFilter{Limit: 10})
			if err != nil || len(events) != 0 {
				t.Fatalf("after a cancelled import the audit log holds %d events (%v), want none", len(events), err)
			}
			err = svc.ImportStream(staff(t), "whole", func(ctx context.Context, add func(*entente.Dataset) error) error {
				return dataset.StreamJSON(ctx, "doc.json", bytes.NewReader(doc), add)
			})
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			if got := exportJSON(t, svc); !bytes.Equal(got, doc) {
				t.Errorf("export → import → export: %d and %d bytes, not identical", len(doc), len(got))
			}
			// Exporting stops when cancelled, with the context's error.
			ctx, cancel = context.WithCancel(t.Context())
			defer cancel()
			n := 0
			err = svc.ExportStream(ctx, func(*entente.Dataset) error { return nil }, func(*entente.Activity) error {
				if n++; n == 100 {
					cancel()
				}
				return nil
			})
			if !errors.Is(err, context.Canceled) || n >= 6000 {
				t.Errorf("cancelled export: %v after %d activities, want context.Canceled before the end", err, n)
			}
		})
	}
}
