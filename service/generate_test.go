package service_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store"
	"github.com/entente/entente/store/sqlite"
)

func openSQLite(tb testing.TB) *service.Service {
	tb.Helper()
	st, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "entente.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return service.New(st)
}

// BenchmarkGenerate measures generate into a fresh SQLite file; it reports
// activities per second. The goal is at least 50,000/s; run it with
// -benchtime=1x and -benchmem, or measure the binary with /usr/bin/time -v
// for peak memory.
func BenchmarkGenerate(b *testing.B) {
	const n = 100_000
	for b.Loop() {
		b.StopTimer()
		svc := openSQLite(b)
		b.StartTimer()
		if _, err := svc.Generate(staff(b), service.GenerateRequest{Partners: 200, Activities: n, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "activities/s")
}

// TestGenerateDeterministic checks that a seed always gives the same data,
// that every record is flagged synthetic, and that the data is a dataset
// entente itself accepts.
func TestGenerateDeterministic(t *testing.T) {
	var exports [2]*entente.Dataset
	for i := range exports {
		svc := openSQLite(t)
		if _, err := svc.Generate(staff(t), service.GenerateRequest{Partners: 5, Activities: 2500, Seed: 42, Batch: 1000}); err != nil {
			t.Fatal(err)
		}
		ds, err := svc.Export(staff(t))
		if err != nil {
			t.Fatal(err)
		}
		exports[i] = ds
	}
	a, b := exports[0], exports[1]
	if len(a.Activities) != 2500 || len(b.Activities) != 2500 {
		t.Fatalf("got %d and %d activities, want 2500", len(a.Activities), len(b.Activities))
	}
	for i := range a.Activities {
		if a.Activities[i].ID != b.Activities[i].ID || a.Activities[i].Status != b.Activities[i].Status || a.Activities[i].Programme != b.Activities[i].Programme {
			t.Fatalf("activity %d differs between runs with the same seed: %+v / %+v", i, a.Activities[i], b.Activities[i])
		}
	}
	for _, p := range a.Validate() {
		t.Errorf("generated data: %s", p)
	}
	for _, act := range a.Activities {
		if !act.Synthetic {
			t.Fatalf("activity %s is not flagged synthetic", act.ID)
		}
	}
	for _, c := range a.Countries {
		if len(c.Sources) != 1 || c.Sources[0] != service.SyntheticSource.ID {
			t.Errorf("country %s cites %v, want only %s", c.Code, c.Sources, service.SyntheticSource.ID)
		}
	}
}

// TestGenerateRefusesRealData checks that generate will not write into a
// database holding the default dataset unless forced.
func TestGenerateRefusesRealData(t *testing.T) {
	svc := openSQLite(t)
	if _, err := svc.LoadDefault(staff(t)); err != nil {
		t.Fatal(err)
	}
	before, _ := svc.Export(staff(t))
	_, err := svc.Generate(staff(t), service.GenerateRequest{Partners: 3, Activities: 10, Seed: 1})
	if entente.ErrorCode(err) != entente.EREFUSED {
		t.Fatalf("Generate into the default dataset: %v, want refused", err)
	}
	after, _ := svc.Export(staff(t))
	if len(after.Countries) != len(before.Countries) || len(after.Activities) != 0 {
		t.Fatalf("a refused generate wrote records")
	}
	if _, err := svc.Generate(staff(t), service.GenerateRequest{Partners: 3, Activities: 10, Seed: 1, Force: true}); err != nil {
		t.Fatalf("Generate --force: %v", err)
	}
}

// TestGenerateAllOrNothing cancels a run after its second batch, on both
// engines: nothing may be left (a batch per transaction once left a partial
// store that a rerun refused as "already holds synthetic data"), and a rerun
// writes the whole alliance.
func TestGenerateAllOrNothing(t *testing.T) {
	dsns := map[string]func(t *testing.T) string{
		"SQLite":     func(t *testing.T) string { return filepath.Join(t.TempDir(), "entente.db") },
		"PostgreSQL": func(t *testing.T) string { return pgtest.New(t) },
	}
	for _, name := range []string{"SQLite", "PostgreSQL"} {
		t.Run(name, func(t *testing.T) {
			st, err := store.Open(staff(t), dsns[name](t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			svc := service.New(st)
			ctx, cancel := context.WithCancel(staff(t))
			defer cancel()
			batches := 0
			req := service.GenerateRequest{Partners: 3, Activities: 500, Seed: 3, Batch: 100,
				Progress: func(done, total int) {
					if batches++; batches == 2 {
						cancel()
					}
				}}
			if _, err := svc.Generate(ctx, req); !errors.Is(err, context.Canceled) {
				t.Fatalf("cancelled Generate: %v, want context.Canceled", err)
			}
			if batches != 2 {
				t.Fatalf("the run wrote %d batches before it stopped, want 2", batches)
			}
			empty, err := st.Empty(staff(t))
			if err != nil || !empty {
				t.Fatalf("after a cancelled run the store is empty: %v (%v), want true", empty, err)
			}
			events, err := st.FindAuditEvents(staff(t), entente.AuditFilter{Limit: 10})
			if err != nil || len(events) != 0 {
				t.Fatalf("after a cancelled run the audit log holds %d events (%v), want none", len(events), err)
			}
			req.Progress = nil
			res, err := svc.Generate(staff(t), req)
			if err != nil {
				t.Fatalf("rerun: %v", err)
			}
			ds, err := svc.Export(staff(t))
			if err != nil {
				t.Fatal(err)
			}
			if res.Activities != 500 || len(ds.Activities) != 500 {
				t.Fatalf("rerun wrote %d activities (reported %d), want 500", len(ds.Activities), res.Activities)
			}
		})
	}
}
