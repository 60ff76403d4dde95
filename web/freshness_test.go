package web_test

import (
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store"
	"github.com/entente/entente/web"
)

// TestOtherWriterSeen serves a database through one store handle while a
// second handle, as another process would (`entente activity propose --db
// thatfile`), writes to it: the server's next response shows the write
// (issue 7, defect 4: on SQLite the cached pages and API answers stayed
// stale). On PostgreSQL the notification arrives asynchronously, so the
// check waits for it a little; on SQLite it must hold on the very next
// request. Counting a visit through the other handle is not a change and
// leaves the cache alone.
func TestOtherWriterSeen(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testOtherWriterSeen(t, filepath.Join(t.TempDir(), "entente.db"), 0) })
	t.Run("PostgreSQL", func(t *testing.T) { testOtherWriterSeen(t, pgtest.New(t), 5*time.Second) })
}

func testOtherWriterSeen(t *testing.T, dsn string, patience time.Duration) {
	server := openService(t, dsn)
	h, err := web.New(server, web.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, h)
	other, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	writer := service.New(other)

	const title = "Staff talks proposed by another process"
	pages := []string{"/api/v1/programmes/NZL-ITPP-2024/activities", "/programmes/NZL-ITPP-2024"}
	// Until the pages come from the cache: on PostgreSQL the notification
	// of the dataset's import may drop the cache a moment after start.
	hits := 0
	for deadline := time.Now().Add(10 * time.Second); ; {
		before := cacheHits(t, srv.URL)
		for _, p := range pages {
			for range 2 { // the second is served from the cache
				if _, body := get(t, nil, srv.URL+p); strings.Contains(body, title) {
					t.Fatalf("%s shows the activity before it was proposed", p)
				}
			}
		}
		if hits = cacheHits(t, srv.URL); hits-before >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cache served %d of the responses, want 2: the test would prove nothing", hits-before)
		}
		time.Sleep(50 * time.Millisecond)
	}

	// A visit counted by the other process is not a change to the records.
	// (On PostgreSQL a late notification of the set-up's writes could drop
	// the cache here, and visits send none: the check is SQLite's.)
	if err := writer.AddVisits(t.Context(), []entente.Visit{{Day: writer.Today(), Page: "/members", Count: 1}}); err != nil {
		t.Fatal(err)
	}
	get(t, nil, srv.URL+pages[1])
	if h := cacheHits(t, srv.URL); h != hits+1 && patience == 0 {
		t.Errorf("after a visit counted elsewhere: %d cache hits, want %d (the cache was dropped)", h, hits+1)
	}

	day, err := entente.ParseDate("2025-03-10")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := writer.ProposeActivity(operator(t), service.ProposeRequest{Programme: "NZL-ITPP-2024",
		Title: title, Kind: "staff-talks", Date: day}); err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		deadline := time.Now().Add(patience)
		for {
			_, body := get(t, nil, srv.URL+p)
			if strings.Contains(body, title) {
				break
			}
			if !time.Now().Before(deadline) {
				t.Fatalf("%s does not show the activity another process proposed", p)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// cacheHits reads the server's count of responses served from its cache.
func cacheHits(t *testing.T, base string) int {
	t.Helper()
	return counter(t, base, "entente_page_cache_hits_total")
}

// counter reads the value of the counter name from the server's /metrics.
func counter(t *testing.T, base, name string) int {
	t.Helper()
	_, body := get(t, nil, base+"/metrics")
	m := regexp.MustCompile(`(?m)^` + name + ` (\d+)$`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("/metrics has no %s:\n%s", name, body)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
