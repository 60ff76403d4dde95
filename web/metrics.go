package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus collectors. They live in a registry
// of the server's own, not the library's global one, so that several
// Servers in one process (the tests start many) each count their own and
// never register a name twice.
//
// Requests are labelled by the route's pattern as registered with the mux
// (route), never by the raw path, so the number of series is bounded by the
// routes: every path no route takes is counted under the catch-all "/".
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec   // route, code
	latency  *prometheus.HistogramVec // route
	store    *prometheus.HistogramVec // op
	// conflicts are write transactions the database aborted to let another
	// go ahead; retries those the store ran again.
	conflicts, retries     prometheus.Counter
	cacheHits, cacheMisses prometheus.Counter
	spanHits               prometheus.Counter
	flushes                *prometheus.CounterVec // outcome
	flushed                prometheus.Counter
	storeUp                prometheus.Gauge
	serve                  http.Handler
}

// latencyBuckets are the bounds, in seconds, of the request and store
// time histograms: from a cached page (a tenth of a millisecond) to a
// write that waited for locks or an import (seconds).
var latencyBuckets = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// newMetrics registers the server's collectors; cache, when not nil, is
// the page cache whose size is reported at each scrape.
func newMetrics(cache *pageCache) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	f := promauto.With(m.reg)
	m.requests = f.NewCounterVec(prometheus.CounterOpts{Name: "entente_http_requests_total",
		Help: "HTTP requests answered, by the route's pattern and the status code."}, []string{"route", "code"})
	m.latency = f.NewHistogramVec(prometheus.HistogramOpts{Name: "entente_http_request_duration_seconds",
		Help:    "Time from a request's arrival to the end of its answer, by the route's pattern.",
		Buckets: latencyBuckets}, []string{"route"})
	m.store = f.NewHistogramVec(prometheus.HistogramOpts{Name: "entente_store_duration_seconds",
		Help: "Time of store calls, by operation: update (a write transaction, retries included), view (a read-only " +
			"transaction), read (one query outside a transaction), import, export, ping, empty, add_visits, visits.",
		Buckets: latencyBuckets}, []string{"op"})
	m.conflicts = f.NewCounter(prometheus.CounterOpts{Name: "entente_store_write_conflicts_total",
		Help: "Write transactions the database aborted to let another go ahead (PostgreSQL deadlock or serialisation failure)."})
	m.retries = f.NewCounter(prometheus.CounterOpts{Name: "entente_store_write_retries_total",
		Help: "Write transactions the store ran again after the database aborted them."})
	m.cacheHits = f.NewCounter(prometheus.CounterOpts{Name: "entente_page_cache_hits_total",
		Help: "Responses served from the page cache."})
	m.cacheMisses = f.NewCounter(prometheus.CounterOpts{Name: "entente_page_cache_misses_total",
		Help: "Responses rendered because the page cache had none."})
	m.spanHits = f.NewCounter(prometheus.CounterOpts{Name: "entente_page_span_hits_total",
		Help: "Answers for a past day served from the one kept in the cache for the span of days around it."})
	m.flushes = f.NewCounterVec(prometheus.CounterOpts{Name: "entente_analytics_flushes_total",
		Help: "Flushes of the visit counts aggregated in memory to the store, by outcome (ok, error)."}, []string{"outcome"})
	m.flushes.WithLabelValues("ok")
	m.flushes.WithLabelValues("error")
	m.flushed = f.NewCounter(prometheus.CounterOpts{Name: "entente_analytics_flushed_counts_total",
		Help: "Aggregated visit counts (day, page, referrer) written to the store by flushes."})
	m.storeUp = f.NewGauge(prometheus.GaugeOpts{Name: "entente_store_up",
		Help: "Whether the database answered the last scrape's ping (1) or not (0)."})
	if cache != nil {
		f.NewGaugeFunc(prometheus.GaugeOpts{Name: "entente_page_cache_entries", Help: "Responses held in the page cache."},
			func() float64 { n, _ := cache.stats(); return float64(n) })
		f.NewGaugeFunc(prometheus.GaugeOpts{Name: "entente_page_cache_bytes",
			Help: "What the page cache's responses cost in bytes, against its bound (--cache-mb)."},
			func() float64 { _, b := cache.stats(); return float64(b) })
	}
	m.reg.MustRegister(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), collectors.NewGoCollector())
	m.serve = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
	return m
}

// codes holds the decimal text of the status codes 100 to 599, so that
// labelling a request allocates nothing.
var codes = func() (c [600]string) {
	for i := 100; i < len(c); i++ {
		c[i] = strconv.Itoa(i)
	}
	return c
}()

func codeLabel(status int) string {
	if status >= 100 && status < len(codes) {
		return codes[status]
	}
	return "other"
}

// observe counts one answered request of route.
func (m *metrics) observe(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, codeLabel(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// StoreCall implements entente.StoreObserver.
func (m *metrics) StoreCall(op string, d time.Duration) {
	m.store.WithLabelValues(op).Observe(d.Seconds())
}

// StoreAborted implements entente.StoreObserver.
func (m *metrics) StoreAborted(retried bool) {
	m.conflicts.Inc()
	if retried {
		m.retries.Inc()
	}
}

// AnalyticsFlushed counts one flush of the visit counts aggregated in
// memory: n counts written, or err. Whatever flushes them calls it.
func (s *Server) AnalyticsFlushed(n int, err error) {
	if err != nil {
		s.metrics.flushes.WithLabelValues("error").Inc()
		return
	}
	s.metrics.flushes.WithLabelValues("ok").Inc()
	s.metrics.flushed.Add(float64(n))
}

// serveMetrics answers a scrape in Prometheus's text format (or another
// the scraper asks for), after asking whether the database answers.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	up := 1.0
	if err := s.ready(r.Context()); err != nil {
		up = 0
	}
	s.metrics.storeUp.Set(up)
	w.Header().Set("Cache-Control", "no-store")
	s.metrics.serve.ServeHTTP(w, r)
}
