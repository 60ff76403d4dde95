package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// cacheServer serves the default dataset from a fresh SQLite store with a
// page cache of maxBytes.
func cacheServer(t *testing.T, maxBytes int64) *Server {
	t.Helper()
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "entente.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := service.New(st)
	if _, err := svc.LoadDefault(entente.WithPrincipal(t.Context(), entente.Operator("test"))); err != nil {
		t.Fatal(err)
	}
	s, err := New(svc, Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), CacheBytes: maxBytes})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func serveGet(t *testing.T, s *Server, uri string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	req := httptest.NewRequest("GET", uri, nil)
	req.Host = "localhost" // not httptest's example.com, which the server does not answer to
	s.ServeHTTP(w, req)
	return w
}

// TestCacheKeysOnWhatPagesRead: the cache keyed on the whole URI, and 600
// GETs of /?x=<900 KB> took the server from 37 MB to 1.79 GB (issue 8).
// Parameters a page does not read make no entry of their own, and the
// page does not show them; a URL over 8 KiB is refused with 414.
func TestCacheKeysOnWhatPagesRead(t *testing.T) {
	s := cacheServer(t, DefaultCacheBytes)
	junk := strings.Repeat("j", 4000)
	for i := range 50 {
		w := serveGet(t, s, fmt.Sprintf("/members?x%d=%s&utm_source=%d", i, junk, i))
		if w.Code != http.StatusOK || strings.Contains(w.Body.String(), junk) {
			t.Fatalf("junk %d: %d, or the page shows the junk", i, w.Code)
		}
	}
	if n, _ := s.cache.stats(); n != 1 {
		t.Errorf("50 junk parameter URLs of one page made %d cache entries, want 1", n)
	}
	// What a page reads does make pages of their own, in any order.
	serveGet(t, s, "/timeline?country=NZL&as_of=2020-01-01")
	serveGet(t, s, "/timeline?as_of=2020-01-01&country=NZL&junk=1")
	serveGet(t, s, "/timeline?country=AUS")
	if n, _ := s.cache.stats(); n != 3 {
		t.Errorf("two timelines: %d cache entries, want 3", n)
	}
	if w := serveGet(t, s, "/members?x="+strings.Repeat("y", maxURI)); w.Code != http.StatusRequestURITooLong {
		t.Errorf("a URL over %d bytes: %d, want 414", maxURI, w.Code)
	}
}

// TestCacheByteBound: past its bound in bytes the cache drops its least
// recently used entries.
func TestCacheByteBound(t *testing.T) {
	const bound = 256 << 10
	s := cacheServer(t, bound)
	for i := range 60 {
		day := fmt.Sprintf("/?as_of=%d-06-01", 1950+i)
		if w := serveGet(t, s, day); w.Code != http.StatusOK {
			t.Fatalf("%s: %d", day, w.Code)
		}
		serveGet(t, s, "/?as_of=1949-06-01") // kept in use
		if n, b := s.cache.stats(); b > bound {
			t.Fatalf("after %d pages: %d entries of %d bytes, over the bound %d", i+1, n, b, bound)
		}
	}
	n, b := s.cache.stats()
	if n >= 60 || n < 2 {
		t.Errorf("%d entries of %d bytes: want some, not all 61", n, b)
	}
	hits := testutil.ToFloat64(s.metrics.cacheHits)
	serveGet(t, s, "/?as_of=1949-06-01")
	if testutil.ToFloat64(s.metrics.cacheHits) == hits {
		t.Error("the page in use was evicted")
	}
}
