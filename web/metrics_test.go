package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/store/storetest"
	"github.com/entente/entente/web"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads base's /metrics, checking it is Prometheus's text format.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	res, body := get(t, nil, base+"/metrics")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d\n%s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("/metrics Content-Type %q, want Prometheus's text format", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, body)
	}
	return fams
}

// sample finds the metric of family name whose labels include all of
// labels (name, value, ...), or nil.
func sample(fams map[string]*dto.MetricFamily, name string, labels ...string) *dto.Metric {
	f := fams[name]
	if f == nil {
		return nil
	}
next:
	for _, m := range f.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, l := range m.GetLabel() {
				if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		return m
	}
	return nil
}

// value is the value of a counter or gauge sample, or a histogram's count;
// -1 when there is no such sample.
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	m := sample(fams, name, labels...)
	switch {
	case m == nil:
		return -1
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	}
	return -1
}

// TestMetrics checks the counts /metrics gives: requests by the route's
// pattern (never the raw path) and status, their latency, the page cache,
// the store's time by operation and whether it is up, and the process and
// Go runtime collectors.
func TestMetrics(t *testing.T) {
	s := newStack(t)
	const n = 5
	for range n {
		get(t, nil, s.srv.URL+"/partners/NZL")
	}
	get(t, nil, s.srv.URL+"/partners/XXX")
	get(t, nil, s.srv.URL+"/no-such-page")
	get(t, nil, s.srv.URL+"/nor-this/one")
	_, home := get(t, nil, s.srv.URL+"/")
	css := regexp.MustCompile(`/static/style\.[0-9a-f]+\.css`).FindString(home)
	if css == "" {
		t.Fatal("the home page links no stylesheet")
	}
	get(t, nil, s.srv.URL+css)
	get(t, nil, s.srv.URL+"/api/v1/alliances")
	fams := scrape(t, s.srv.URL)

	for _, c := range []struct {
		route, code string
		want        float64
	}{
		{"GET /partners/{iso3}", "200", n},
		{"GET /partners/{iso3}", "404", 1},
		{"/", "404", 2}, // the catch-all, for every path no route takes
		{"GET /api/v1/alliances", "200", 1},
	} {
		if got := value(fams, "entente_http_requests_total", "route", c.route, "code", c.code); got != c.want {
			t.Errorf("requests of %q answered %s: %v, want %v", c.route, c.code, got, c.want)
		}
	}
	if got := value(fams, "entente_http_request_duration_seconds", "route", "GET /partners/{iso3}"); got != n+1 {
		t.Errorf("latency histogram of GET /partners/{iso3} counts %v, want %d", got, n+1)
	}
	for _, m := range fams["entente_http_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "route" && (strings.Contains(l.GetValue(), "NZL") || strings.Contains(l.GetValue(), "no-such")) {
				t.Errorf("a route label holds a raw path: %q", l.GetValue())
			}
		}
	}
	if got := value(fams, "entente_http_requests_total", "route", "GET /static/", "code", "200"); got != 1 {
		t.Errorf("static files counted %v times under GET /static/, want 1", got)
	}
	// The page was rendered once and then served from the cache.
	if got := value(fams, "entente_page_cache_hits_total"); got != n-1 {
		t.Errorf("%v cache hits, want %d", got, n-1)
	}
	if got := value(fams, "entente_page_cache_entries"); got < 1 {
		t.Errorf("%v entries in the page cache, want some", got)
	}
	if got := value(fams, "entente_page_cache_bytes"); got < 1000 {
		t.Errorf("the page cache holds %v bytes, want a page's worth", got)
	}
	for _, op := range []string{"view", "ping"} {
		if got := value(fams, "entente_store_duration_seconds", "op", op); got < 1 {
			t.Errorf("store time of %q calls counts %v, want some", op, got)
		}
	}
	for name, want := range map[string]float64{"entente_store_up": 1, "entente_store_write_retries_total": 0,
		"entente_store_write_conflicts_total": 0} {
		if got := value(fams, name); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	for _, name := range []string{"process_resident_memory_bytes", "go_goroutines", "entente_analytics_flushes_total"} {
		if fams[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		}
	}

	// A cache hit counts one more.
	get(t, nil, s.srv.URL+"/partners/NZL")
	if got := value(scrape(t, s.srv.URL), "entente_page_cache_hits_total"); got != n {
		t.Errorf("after one more visit, %v cache hits, want %d", got, n)
	}
}

// TestMetricsRetries forces two transactions into a deadlock through the
// store the server reports on: on PostgreSQL the database aborts one and
// the store runs it again, which /metrics counts; SQLite runs its write
// transactions one at a time, so nothing is aborted.
func TestMetricsRetries(t *testing.T) {
	engines(t, func(t *testing.T, st *stack) {
		attempts := storetest.CrossLocks(t, st.svc.Store,
			func(ctx context.Context, tx entente.Tx) error { return tx.LockAlliance(ctx, "NATO") },
			func(ctx context.Context, tx entente.Tx) error { return tx.LockProgramme(ctx, "NZL-ITPP-2024") })
		pg := strings.HasSuffix(t.Name(), "PostgreSQL")
		if pg && attempts < 3 {
			t.Errorf("%d attempts on PostgreSQL, want a deadlock aborted and run again", attempts)
		}
		fams := scrape(t, st.srv.URL)
		retried := float64(attempts - 2)
		for _, name := range []string{"entente_store_write_conflicts_total", "entente_store_write_retries_total"} {
			if got := value(fams, name); got != retried {
				t.Errorf("%s = %v, want %v (the transactions ran %d times)", name, got, retried, attempts)
			}
		}
		if got := value(fams, "entente_store_duration_seconds", "op", "update"); got != 2 {
			t.Errorf("store time counts %v updates, want 2", got)
		}
	})
}

// TestMetricsPromtool checks the real /metrics output with Prometheus's own
// checker, `promtool check metrics`, which also lints names, units and
// help texts.
func TestMetricsPromtool(t *testing.T) {
	promtool := tool(t, "promtool", "prometheus")
	s := newStack(t)
	for _, p := range []string{"/", "/", "/partners/NZL", "/no-such-page", "/api/v1/alliances"} {
		get(t, nil, s.srv.URL+p)
	}
	_, body := get(t, nil, s.srv.URL+"/metrics")
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

// tool finds a program on PATH, or skips the test naming the Debian
// package that has it; with ENTENTE_REQUIRE_TOOLS set (.ci/run sets it) a
// missing program fails the test instead.
func tool(t *testing.T, name, debian string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	msg := name + " not found: apt-get install --no-install-recommends " + debian + " (.ci/run does)"
	if os.Getenv("ENTENTE_REQUIRE_TOOLS") != "" {
		t.Fatal(msg + "; ENTENTE_REQUIRE_TOOLS is set")
	}
	t.Skip(msg)
	return ""
}

// TestAccessLog checks the one line logged per request at Info: method,
// route, path without the query string, status, bytes, duration and the
// network the request came from, not the address; and that a level above
// Info logs none.
func TestAccessLog(t *testing.T) {
	svc := openService(t, t.TempDir()+"/entente.db")
	var buf bytes.Buffer
	h, err := web.New(svc, web.Config{Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/partners/NZL?q=someone@example.org", nil)
	req.Host = "localhost" // not httptest's example.com, which the server does not answer to
	req.RemoteAddr = "203.0.113.77:51234"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var line struct {
		Level, Msg, Method, Route, Path, Remote string
		Status                                  int
		Bytes, Duration                         int64
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d lines logged for one request, want 1:\n%s", len(lines), buf.String())
	}
	if err := json.Unmarshal([]byte(lines[0]), &line); err != nil {
		t.Fatal(err)
	}
	if line.Level != "INFO" || line.Msg != "request" || line.Method != "GET" || line.Route != "GET /partners/{iso3}" ||
		line.Path != "/partners/NZL" || line.Status != 200 || line.Bytes != int64(w.Body.Len()) || line.Duration <= 0 ||
		line.Remote != "203.0.113.0/24" {
		t.Errorf("access log line %s", lines[0])
	}
	for _, leak := range []string{"someone", "203.0.113.77", "51234"} {
		if strings.Contains(lines[0], leak) {
			t.Errorf("access log line holds %q: %s", leak, lines[0])
		}
	}

	quiet, err := web.New(svc, web.Config{Logger: slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	quietReq := httptest.NewRequest("GET", "/partners/NZL", nil)
	quietReq.Host = "localhost"
	quiet.ServeHTTP(httptest.NewRecorder(), quietReq)
	if buf.Len() != 0 {
		t.Errorf("at level warn a request logged %q", buf.String())
	}
}
