package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store"
	"github.com/entente/entente/web"
)

// onEngines runs test on a fresh SQLite file and a fresh PostgreSQL schema
// (skipped without ENTENTE_TEST_POSTGRES), each with the default dataset.
func onEngines(t *testing.T, test func(t *testing.T, dsn string)) {
	t.Run("SQLite", func(t *testing.T) { test(t, filepath.Join(t.TempDir(), "entente.db")) })
	t.Run("PostgreSQL", func(t *testing.T) { test(t, pgtest.New(t)) })
}

// counting serves svc with visits flushed only when asked (an interval of
// an hour), closed when t ends.
func counting(t *testing.T, svc *service.Service, cfg web.Config) (*web.Server, *httptest.Server) {
	t.Helper()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if cfg.VisitFlushInterval == 0 {
		cfg.VisitFlushInterval = time.Hour
	}
	h, err := web.New(svc, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, h)
	t.Cleanup(func() { srv.Close(); h.Close() })
	return h, srv
}

// view fetches path as a visitor who accepted counting, from referrer
// (none when ""), and returns the status.
func view(t *testing.T, c *http.Client, base, path, referrer string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("Cookie", "consent=yes")
	if referrer != "" {
		req.Header.Set("Referer", referrer)
	}
	if c == nil {
		c = http.DefaultClient
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func stats(t *testing.T, svc *service.Service) *service.Stats {
	t.Helper()
	st, err := svc.Stats(t.Context(), entente.Date{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// holdCountLock blocks writes of visit counts to the database at dsn, as a
// long write by another process does, until the returned function is
// called: on SQLite a write transaction from a second handle (it holds
// the file's write lock), on PostgreSQL a lock on the counts' table.
func holdCountLock(t *testing.T, dsn string) (release func()) {
	t.Helper()
	held, done, finished := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	if strings.HasPrefix(dsn, "postgres") {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		go func() {
			tx, err := db.Begin()
			if err == nil {
				_, err = tx.Exec("LOCK TABLE analytics_visits IN EXCLUSIVE MODE")
			}
			close(held)
			if err == nil {
				<-done
				err = tx.Rollback()
			}
			finished <- err
		}()
	} else {
		other, err := store.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		go func() {
			finished <- other.Update(context.Background(), func(entente.Tx) error {
				close(held)
				<-done
				return nil
			})
		}()
	}
	<-held
	var once sync.Once
	release = func() {
		once.Do(func() {
			close(done)
			if err := <-finished; err != nil {
				t.Errorf("holding the write lock: %v", err)
			}
		})
	}
	t.Cleanup(release)
	return release
}

// TestViewIsNotAWrite: a consented page view counts in memory; it neither
// waits for nor fails on a database whose write lock another writer holds,
// and the count is stored by the next flush once the lock is free (issue
// 8: each view was a write, which waited up to the busy timeout on SQLite
// and until the lock was free on PostgreSQL).
func TestViewIsNotAWrite(t *testing.T) {
	onEngines(t, func(t *testing.T, dsn string) {
		svc := openService(t, dsn)
		h, srv := counting(t, svc, web.Config{})
		c := &http.Client{Timeout: 3 * time.Second}
		view(t, c, srv.URL, "/members", "") // the page is cached: the views below do not read the store
		release := holdCountLock(t, dsn)
		const views = 20
		slowest := time.Duration(0)
		for i := range views - 1 {
			start := time.Now()
			if code := view(t, c, srv.URL, "/members", fmt.Sprintf("https://news%d.example/a", i%2)); code != http.StatusOK {
				t.Fatalf("view %d: status %d", i, code)
			}
			slowest = max(slowest, time.Since(start))
		}
		if slowest > time.Second {
			t.Errorf("a view took %v while another writer held the lock: it waited for the database", slowest)
		}
		// A flush meanwhile fails, and keeps the counts.
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		if strings.HasPrefix(dsn, "postgres") {
			if err := h.Flush(ctx); err == nil {
				t.Error("a flush succeeded while the counts' table was locked")
			}
			if st := h.VisitStats(); st.Failures != 1 || st.Pending != 3 {
				t.Errorf("after a failed flush: %+v, want 1 failure and 3 counts kept", st)
			}
		}
		release()
		if err := h.Flush(t.Context()); err != nil {
			t.Fatal(err)
		}
		st := stats(t, svc)
		if st.Total != views || len(st.Referrers) != 2 || st.Referrers[0].Count+st.Referrers[1].Count != views-1 {
			t.Errorf("stored after the flush: %+v, want %d views", st, views)
		}
		// /metrics counts the flushes by outcome, and the counts written.
		failed := 0
		if strings.HasPrefix(dsn, "postgres") {
			failed = 1
		}
		_, metrics := get(t, nil, srv.URL+"/metrics")
		for _, line := range []string{`entente_analytics_flushes_total{outcome="ok"} 1`,
			fmt.Sprintf(`entente_analytics_flushes_total{outcome="error"} %d`, failed), "entente_analytics_flushed_counts_total 3"} {
			if !strings.Contains(metrics, line+"\n") {
				t.Errorf("/metrics lacks %q", line)
			}
		}
	})
}

// TestShutdownStoresCounts: views counted in memory are stored when the
// server shuts down (ListenAndServe's graceful shutdown), not lost.
func TestShutdownStoresCounts(t *testing.T) {
	onEngines(t, func(t *testing.T, dsn string) {
		svc := openService(t, dsn)
		h, err := web.New(svc, web.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), VisitFlushInterval: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		addr, done := make(chan net.Addr, 1), make(chan error, 1)
		go func() { done <- h.ListenAndServe(ctx, "127.0.0.1:0", func(a net.Addr) { addr <- a }) }()
		base := "http://" + (<-addr).String()
		for _, p := range []string{"/", "/members", "/partners/NZL", "/members"} {
			if code := view(t, nil, base, p, "https://news.example.org/"); code != http.StatusOK {
				t.Fatalf("%s: %d", p, code)
			}
		}
		if st := stats(t, svc); st.Total != 0 {
			t.Fatalf("%d views stored before the shutdown: the test would prove nothing", st.Total)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if st := stats(t, svc); st.Total != 4 || st.Pages[0] != (service.Tally{Name: "/members", Count: 2}) {
			t.Errorf("after the shutdown: %+v, want the 4 views", st)
		}
	})
}

// TestReferrerBound: a day names at most entente.MaxReferrers referring
// hosts; visits from more are counted as entente.OtherReferrer, on the
// stats page before the flush and in the store after it.
func TestReferrerBound(t *testing.T) {
	svc := openService(t, filepath.Join(t.TempDir(), "entente.db"))
	h, srv := counting(t, svc, web.Config{})
	const hosts = entente.MaxReferrers + 10
	for i := range hosts {
		view(t, nil, srv.URL, "/members", fmt.Sprintf("https://site%02d.example/page", i))
	}
	_, body := get(t, nil, srv.URL+"/stats")
	if !strings.Contains(body, entente.OtherReferrer) || !strings.Contains(body, "site49.example") || strings.Contains(body, "site50.example") {
		t.Errorf("the stats page before the flush does not show hosts 0 to 49 and %q", entente.OtherReferrer)
	}
	if _, body := get(t, nil, srv.URL+"/privacy"); !strings.Contains(body, fmt.Sprintf("at most %d referring sites", entente.MaxReferrers)) {
		t.Errorf("the privacy page does not give the bound of %d referring sites", entente.MaxReferrers)
	}
	if err := h.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	st := stats(t, svc)
	if len(st.Referrers) != entente.MaxReferrers+1 || st.Referrers[0] != (service.Tally{Name: entente.OtherReferrer, Count: 10}) || st.Total != hosts {
		t.Errorf("stored: %d referrers, first %+v, total %d; want %d, 10 from %q, %d", len(st.Referrers), st.Referrers[0], st.Total,
			entente.MaxReferrers+1, entente.OtherReferrer, hosts)
	}
	// A Referer that is no host name counts as the others, and the site's
	// own pages as none.
	view(t, nil, srv.URL, "/members", "https://"+strings.Repeat("x", 300)+".example/")
	view(t, nil, srv.URL, "/members", srv.URL+"/partners")
	h.Flush(t.Context())
	if st := stats(t, svc); st.Total != hosts+2 || st.Referrers[0].Count != 11 {
		t.Errorf("after two more views: %+v", st)
	}
}

// TestCountedPages: only pages some route answered with 200 are counted,
// under their canonical path: not a path no route takes, not a record that
// does not exist, not the API, the static files or a HEAD.
func TestCountedPages(t *testing.T) {
	svc := openService(t, filepath.Join(t.TempDir(), "entente.db"))
	h, srv := counting(t, svc, web.Config{})
	for _, p := range []string{"/partners/NZL", "/partners/nzl", "/countries/ukr", "/", "/no-such-page", "/partners/XYZ",
		"/members/", "/api/v1/alliances", "/programmes/nope", "/stats", "/privacy"} {
		view(t, nil, srv.URL, p, "")
	}
	req, _ := http.NewRequest("HEAD", srv.URL+"/members", nil)
	req.Header.Set("Cookie", "consent=yes")
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
	}
	if err := h.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range stats(t, svc).Pages {
		got = append(got, fmt.Sprintf("%s %d", p.Name, p.Count))
	}
	slices.Sort(got)
	if want := []string{"/ 1", "/countries/UKR 1", "/partners/NZL 2", "/privacy 1"}; !slices.Equal(got, want) {
		t.Errorf("pages counted: %q, want %q", got, want)
	}
}

// TestConcurrentViews: many views at once, while flushes run every few
// milliseconds, are all stored: the exact total.
func TestConcurrentViews(t *testing.T) {
	onEngines(t, func(t *testing.T, dsn string) {
		svc := openService(t, dsn)
		// Every view must be answered and counted: no bound on requests at
		// once, which would turn some of 32 clients away with 503.
		h, srv := counting(t, svc, web.Config{VisitFlushInterval: 5 * time.Millisecond, MaxInFlight: -1})
		const workers, views = 32, 25
		pages := []string{"/", "/members", "/partners/NZL", "/countries/UKR", "/timeline"}
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range views {
					if code := view(t, nil, srv.URL, pages[(w+i)%len(pages)], fmt.Sprintf("https://s%d.example/", w%4)); code != http.StatusOK {
						t.Errorf("status %d", code)
					}
				}
			})
		}
		wg.Wait()
		if err := h.Close(); err != nil {
			t.Fatal(err)
		}
		st := stats(t, svc)
		if st.Total != workers*views {
			t.Errorf("stored %d views, want %d", st.Total, workers*views)
		}
		for _, p := range st.Pages {
			if p.Count != int64(workers*views/len(pages)) {
				t.Errorf("%s: %d views, want %d", p.Name, p.Count, workers*views/len(pages))
			}
		}
		if vs := h.VisitStats(); vs.Views != workers*views || vs.Flushes < 2 || vs.Pending != 0 {
			t.Errorf("VisitStats = %+v", vs)
		}
	})
}

// BenchmarkView serves a cached page to a visitor who accepted counting
// and to one who did not: the difference is what counting costs a request.
func BenchmarkView(b *testing.B) {
	svc := openService(b, filepath.Join(b.TempDir(), "entente.db"))
	h, err := web.New(svc, web.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	for _, c := range []string{"yes", "no"} {
		b.Run("consent="+c, func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest("GET", "/partners/NZL", nil)
					req.Host = "localhost" // not httptest's example.com, which the server does not answer to
					req.Header.Set("Cookie", "consent="+c)
					req.Header.Set("Referer", "https://news.example.org/story")
					w := httptest.NewRecorder()
					h.ServeHTTP(w, req)
					if w.Code != http.StatusOK {
						b.Fatalf("status %d", w.Code)
					}
				}
			})
		})
	}
}
