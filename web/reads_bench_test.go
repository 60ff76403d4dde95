//go:build unix

package web_test

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store"
	"github.com/entente/entente/web"
)

// BenchmarkReads serves, through the whole handler, the reads that the page
// cache cannot answer because each asks for another URL (bench/reads.sh
// measures the same over HTTP): a random activity by id, a random
// programme's first page of activities (1,000), the member list on a random day, and
// a random partner's page on a random day. Requests run in parallel, as a
// server's do. Besides the wall time it reports the process's CPU time per
// request (cpu-ns/op), which other work on the machine disturbs less.
//
// Each engine reads a store with the default dataset and 20,000 synthetic
// activities, made for the run (PostgreSQL in a fresh schema of
// ENTENTE_TEST_POSTGRES's server, skipped without it); or the store named by
// ENTENTE_BENCH_SQLITE or ENTENTE_BENCH_POSTGRES, such as bench/README.md's
// million activities, with ENTENTE_BENCH_ACTIVITIES saying how many it holds.
//
//	go test ./web -run '^$' -bench Reads -benchtime 5000x
//	ENTENTE_BENCH_SQLITE=/work/benchdata/m.db ENTENTE_BENCH_ACTIVITIES=1000000 \
//	  go test ./web -run '^$' -bench 'Reads/SQLite' -cpuprofile cpu.out
func BenchmarkReads(b *testing.B) {
	b.Run("SQLite", func(b *testing.B) {
		dsn := os.Getenv("ENTENTE_BENCH_SQLITE")
		if dsn == "" {
			dsn = filepath.Join(b.TempDir(), "entente.db")
		}
		benchReads(b, dsn)
	})
	b.Run("PostgreSQL", func(b *testing.B) {
		dsn := os.Getenv("ENTENTE_BENCH_POSTGRES")
		if dsn == "" {
			dsn = pgtest.New(b)
		}
		benchReads(b, dsn)
	})
}

// benchActivities is how many synthetic activities BenchmarkReads makes
// when it is given no store.
const benchActivities = 20000

func benchReads(b *testing.B, dsn string) {
	ctx := entente.WithPrincipal(b.Context(), entente.Operator("bench"))
	st, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := service.New(st)
	n := benchActivities
	if v := os.Getenv("ENTENTE_BENCH_ACTIVITIES"); v != "" {
		fmt.Sscan(v, &n)
	}
	if empty, err := st.Empty(ctx); err != nil {
		b.Fatal(err)
	} else if empty {
		if _, err := svc.LoadDefault(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := svc.Generate(ctx, service.GenerateRequest{Partners: 40, Activities: n, Seed: 1, Force: true}); err != nil {
			b.Fatal(err)
		}
	}
	programmes, err := st.FindProgrammes(ctx, entente.Filter{Alliance: service.SyntheticAlliance})
	if err != nil || len(programmes) == 0 {
		b.Fatalf("synthetic programmes: %d, %v", len(programmes), err)
	}
	partners, err := svc.Partners(ctx, "NATO", entente.Date{})
	if err != nil || len(partners) == 0 {
		b.Fatalf("NATO partners: %d, %v", len(partners), err)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h, err := web.New(svc, web.Config{Logger: log, MaxInFlight: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	day := func(rng *rand.Rand) string {
		return fmt.Sprintf("%04d-%02d-%02d", 1949+rng.IntN(78), 1+rng.IntN(12), 1+rng.IntN(28))
	}
	cases := []struct {
		name string
		path func(rng *rand.Rand) string
	}{
		{"activity", func(rng *rand.Rand) string { return fmt.Sprintf("/api/v1/activities/SYN-A%08d", 1+rng.IntN(n)) }},
		{"programme", func(rng *rand.Rand) string {
			// The day does not change the list; it makes the URL new to the page cache.
			return "/api/v1/programmes/" + programmes[rng.IntN(len(programmes))].ID + "/activities?as_of=" + day(rng)
		}},
		{"page", func(rng *rand.Rand) string {
			// A day every synthetic programme was agreed by.
			return fmt.Sprintf("/programmes/%s?as_of=%04d-%02d-%02d", programmes[rng.IntN(len(programmes))].ID,
				2024+rng.IntN(4), 1+rng.IntN(12), 1+rng.IntN(28))
		}},
		{"members", func(rng *rand.Rand) string { return "/api/v1/alliances/NATO/members?as_of=" + day(rng) }},
		{"partner", func(rng *rand.Rand) string {
			return "/partners/" + partners[rng.IntN(len(partners))].Code + "?as_of=" + day(rng)
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var seed atomic.Uint64
			var failed atomic.Value
			runtime.GC()
			b.ReportAllocs()
			cpu := cpuTime()
			b.RunParallel(func(pb *testing.PB) {
				rng := rand.New(rand.NewPCG(seed.Add(1), 1))
				for pb.Next() {
					req := httptest.NewRequest("GET", c.path(rng), nil)
					req.RemoteAddr = "203.0.113.7:50000"
					req.Host = "localhost"
					w := &statusOnly{header: http.Header{}}
					h.ServeHTTP(w, req)
					if w.code != http.StatusOK {
						failed.Store(fmt.Sprintf("GET %s: %d", req.URL, w.code))
					}
				}
			})
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
			if f := failed.Load(); f != nil {
				b.Fatal(f)
			}
		})
	}
}

// statusOnly is a ResponseWriter that keeps the status and a header to
// fill, and discards the body.
type statusOnly struct {
	header http.Header
	code   int
}

func (w *statusOnly) Header() http.Header { return w.header }
func (w *statusOnly) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return len(p), nil
}
func (w *statusOnly) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}
