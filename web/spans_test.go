package web_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/web"
)

// TestDaySpans: a partner page, or the member or partner list, asked for a
// day in the past, served from the answer kept for the span of days around
// it (spans.go), is byte for byte the answer a server without a cache
// gives for that day: for days in one span and on either side of a change
// (New Zealand's IPCP, 4 June 2012), for an address in lower case, with
// the alliance named, a list in pages, on both engines. After a change to
// the store the spans are forgotten: the page shows it.
func TestDaySpans(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testDaySpans(t, filepath.Join(t.TempDir(), "entente.db")) })
	t.Run("PostgreSQL", func(t *testing.T) { testDaySpans(t, pgtest.New(t)) })
}

func testDaySpans(t *testing.T, dsn string) {
	svc := openService(t, dsn)
	cached := serveWith(t, svc, web.Config{})
	plain := serveWith(t, svc, web.Config{NoCache: true})
	// Each day, then the day after: most of those fall in a span the first
	// kept (the cache keeps pages by their address too, so the same day
	// asked again would not reach the spans).
	var paths [2][]string
	for _, p := range []string{"/partners/NZL?", "/partners/nzl?", "/partners/UKR?", "/partners/JPN?alliance=NATO&",
		"/api/v1/alliances/NATO/members?", "/api/v1/alliances/nato/partners?", "/api/v1/alliances/NATO/members?limit=5&"} {
		for _, day := range []string{"2015-06-01", "2016-11-29", "2012-06-02", "2012-06-03", "2012-06-04",
			"2019-01-01", "1950-03-01", "2024-07-11", "2031-01-01"} {
			d := entente.MustParseDate(day)
			paths[0] = append(paths[0], p+"as_of="+day)
			paths[1] = append(paths[1], p+"as_of="+entente.Day(d.Time().AddDate(0, 0, 1)).String())
		}
	}
	same := func(path string) string {
		t.Helper()
		// A visitor whose browser asks not to be tracked: no consent
		// banner, whose form's token is the server's own.
		res, got := get(t, nil, cached.URL+path, "Sec-GPC", "1")
		_, want := get(t, nil, plain.URL+path, "Sec-GPC", "1")
		if res.StatusCode != 200 {
			t.Fatalf("%s: %s", path, res.Status)
		}
		if got != want {
			t.Fatalf("%s differs from the page rendered for its day:\n%s", path, firstDiff(got, want))
		}
		return got
	}
	before := spanHits(t, cached.URL)
	for _, round := range paths {
		for _, p := range round {
			same(p)
		}
	}
	n := len(paths[0]) + len(paths[1])
	hits := spanHits(t, cached.URL) - before
	if hits < len(paths[1])/2 {
		t.Errorf("%d of %d pages were served from a span of days", hits, n)
	}
	t.Logf("%d of %d pages served from a span of days", hits, n)

	// New Zealand deployed somewhere in 2015: the span that held 1 June
	// 2015 is no more, and the pages show it.
	p, err := svc.Profile(t.Context(), "NATO", "NZL", entente.MustParseDate("2015-06-01"))
	if err != nil {
		t.Fatal(err)
	}
	c := &entente.Contribution{ID: "NZL-SPAN-TEST", Country: "NZL", Theatre: "Testland", What: "a deployment the test makes",
		Period:     entente.Period{From: entente.MustParseDate("2015-03-01")},
		Provenance: entente.Provenance{Sources: []string{p.Sources[0].ID}}}
	if _, err := svc.CreateFact(operator(t), "contribution", c); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/partners/NZL?as_of=2015-06-02", "/partners/NZL?as_of=2015-02-28"} {
		body := same(path)
		if strings.Contains(body, "Testland") != strings.HasSuffix(path, "06-02") {
			t.Errorf("%s: the deployment from 1 March 2015 is shown %v", path, strings.Contains(body, "Testland"))
		}
	}
}

// spanHits reads the server's count of pages served from a span of days.
func spanHits(t *testing.T, base string) int {
	t.Helper()
	return counter(t, base, "entente_page_span_hits_total")
}
