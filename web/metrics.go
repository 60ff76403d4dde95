package web

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"time"
)

// metrics are the server's counters for Prometheus, kept in atomics so that
// counting takes no lock on the request path.
type metrics struct {
	start time.Time
	// requests counts answers by status class: requests[2] is 2xx.
	requests [6]atomic.Uint64
	// micros is the total time spent answering, in microseconds.
	micros              atomic.Uint64
	cacheHit, cacheMiss atomic.Uint64
}

func newMetrics() *metrics { return &metrics{start: time.Now()} }

// observe counts one answered request.
func (m *metrics) observe(status int, d time.Duration) {
	if c := status / 100; c >= 1 && c <= 5 {
		m.requests[c].Add(1)
	}
	m.micros.Add(uint64(d.Microseconds()))
}

// serveMetrics writes the counters in Prometheus's text format, with
// whether the database answers right now.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	up := 1
	if err := s.ready(r.Context()); err != nil {
		up = 0
	}
	m := s.metrics
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprint(w, "# HELP entente_http_requests_total HTTP requests answered, by status class.\n# TYPE entente_http_requests_total counter\n")
	for c := 1; c <= 5; c++ {
		fmt.Fprintf(w, "entente_http_requests_total{code=\"%dxx\"} %d\n", c, m.requests[c].Load())
	}
	fmt.Fprintf(w, "# HELP entente_http_request_seconds_total Time spent answering HTTP requests.\n# TYPE entente_http_request_seconds_total counter\nentente_http_request_seconds_total %.6f\n",
		float64(m.micros.Load())/1e6)
	fmt.Fprintf(w, "# HELP entente_page_cache_hits_total Responses served from the page cache.\n# TYPE entente_page_cache_hits_total counter\nentente_page_cache_hits_total %d\n", m.cacheHit.Load())
	fmt.Fprintf(w, "# HELP entente_page_cache_misses_total Responses rendered because the page cache had none.\n# TYPE entente_page_cache_misses_total counter\nentente_page_cache_misses_total %d\n", m.cacheMiss.Load())
	fmt.Fprintf(w, "# HELP entente_store_up Whether the database answered this scrape (1) or not (0).\n# TYPE entente_store_up gauge\nentente_store_up %d\n", up)
	fmt.Fprintf(w, "# HELP entente_start_time_seconds When this server started, in Unix seconds.\n# TYPE entente_start_time_seconds gauge\nentente_start_time_seconds %d\n", m.start.Unix())
}
