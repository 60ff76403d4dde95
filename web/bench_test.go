//go:build unix

package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store"
	"github.com/entente/entente/web"
)

// BenchmarkCachedPage serves /partners/NZL from the page cache, as most
// requests are served: what counting and logging a request costs shows
// here. At log=info each request is also formatted as a JSON log line
// (written to io.Discard); at log=warn it is not. Besides the wall time it
// reports the process's CPU time per request (cpu-ns/op), which a machine
// busy with other work disturbs less.
//
//	go test ./web -run '^$' -bench CachedPage -count 6
func BenchmarkCachedPage(b *testing.B) {
	st, err := store.Open(b.Context(), filepath.Join(b.TempDir(), "entente.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := service.New(st)
	if _, err := svc.LoadDefault(entente.WithPrincipal(b.Context(), entente.Operator("bench"))); err != nil {
		b.Fatal(err)
	}
	// For two seconds after a write the SQLite store reads its change
	// counter on every request rather than trust the log's time (see
	// store/sqlite/watch.go): measure the steady state after it.
	time.Sleep(2500 * time.Millisecond)
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelWarn} {
		b.Run("log="+level.String(), func(b *testing.B) {
			log := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: level}))
			h, err := web.New(svc, web.Config{Logger: log})
			if err != nil {
				b.Fatal(err)
			}
			req := httptest.NewRequest("GET", "/partners/NZL", nil)
			req.RemoteAddr = "203.0.113.7:50000"
			req.Host = "localhost" // not httptest's example.com, which the server does not answer to
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("GET /partners/NZL: %d", w.Code)
			}
			for range 2000 { // warm up
				h.ServeHTTP(discard{header: http.Header{}}, req)
			}
			runtime.GC()
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				h.ServeHTTP(discard{header: http.Header{}}, req) // a fresh header, as net/http gives
			}
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// discard is a ResponseWriter that keeps nothing but a header to fill.
type discard struct{ header http.Header }

func (d discard) Header() http.Header         { return d.header }
func (d discard) Write(p []byte) (int, error) { return len(p), nil }
func (d discard) WriteHeader(int)             {}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
