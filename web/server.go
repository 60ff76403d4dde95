// Package web serves entente over HTTP: the HTML pages and the JSON API under
// /api/v1, both from the same service, with one error renderer.
//
// Pages are rendered on the server from html/template; every page works
// without JavaScript. Templates and static files are embedded, or read from
// disk on each request in dev mode. Rendered responses are cached until the
// store reports a change (see cache.go), and served with ETags and gzip.
package web

import (
	"cmp"
	"context"
	"crypto/tls"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/visits"
	"github.com/entente/entente/service"
)

//go:embed templates static
var embedded embed.FS

// Server is entente's HTTP surface.
type Server struct {
	svc    *service.Service
	log    *slog.Logger
	dev    bool
	files  fs.FS
	assets *assets
	tmpl   func() (*template.Template, error)
	mux    *routeMux
	ready  func(context.Context) error
	cache  *pageCache
	// spans are the spans of days a page kept in the cache holds (spans.go).
	spans daySpans
	// poll, when the store learns of other processes' changes only by
	// looking (SQLite), looks before the cache serves a response.
	poll func(context.Context) error
	// metrics are served at /metrics.
	metrics *metrics
	// handler is mux wrapped in the middleware (headers, consent,
	// counting, cache).
	handler http.Handler
	// alliance is the code of the alliance pages show when the request
	// names none; "" is the store's default (see service.DefaultAlliance).
	alliance string
	// maxJSON and maxImport bound request bodies: JSON writes, and the menu
	// import.
	maxJSON, maxImport int64
	// uploads are the menu files previewed and awaiting confirmation.
	uploads  uploads
	timeouts Timeouts
	// The network edge (network.go): TLS, trusted proxies, the host
	// names answered, and the networks /metrics answers.
	tls                     *tls.Config
	trustProxy, metricsFrom []netip.Prefix
	hosts                   []string
	// Signing in (session.go, csrf.go, setup.go): the attempts' limits,
	// the anonymous forms' CSRF key once read, and the first admin's
	// setup link.
	limits  *signInLimits
	csrfKey atomic.Pointer[string]
	setup   setupLink
	// visits counts consented page views in memory and adds them to the
	// store every VisitFlushInterval (see internal/visits).
	visits *visits.Aggregator
	// limiter bounds the requests served at once (see overload.go); nil
	// is no bound.
	limiter *inflight
	// shutdownTimeout is how long a shutdown waits for requests in flight.
	shutdownTimeout time.Duration
	// purgedKeys is when expired idempotency keys were last purged (Unix
	// seconds; see idempotency.go).
	purgedKeys atomic.Int64
}

// Config configures a Server.
type Config struct {
	// Dev reads templates and static files from DevDir on every request
	// instead of the embedded copies, so they can be edited without a
	// rebuild, and turns the page cache off.
	Dev    bool
	DevDir string
	Logger *slog.Logger
	// NoCache turns the page cache off (benchmarks compare with it).
	NoCache bool
	// Alliance is the code of the alliance pages show when a request names
	// none with ?alliance=CODE; empty means the store's only alliance, or
	// the first in code order.
	Alliance string
	// MaxJSONBody and MaxImportBody bound request bodies in bytes: a JSON
	// write's, and a menu import's; past them the answer is 413. Zero
	// means DefaultMaxJSONBody and DefaultMaxImportBody.
	MaxJSONBody, MaxImportBody int64
	// CacheBytes bounds the page cache; zero means DefaultCacheBytes.
	CacheBytes int64
	// Timeouts bound a connection's time (see Timeouts); zero fields take
	// DefaultTimeouts'.
	Timeouts Timeouts
	// TLS, if set, makes ListenAndServe serve HTTPS with it (certificates
	// included), and responses carry Strict-Transport-Security.
	TLS *tls.Config
	// TrustProxy are the networks of reverse proxies whose
	// X-Forwarded-For and X-Forwarded-Proto are believed: they decide the
	// client's address and whether it came over TLS (Secure cookies,
	// HSTS). From any other peer those headers are ignored.
	TrustProxy []netip.Prefix
	// Hosts are the host names the server answers to (DNS rebinding
	// protection); literal addresses are always answered. Empty means
	// DefaultHosts.
	Hosts []string
	// MetricsFrom are the networks /metrics answers without a token; nil
	// means Loopback.
	MetricsFrom []netip.Prefix
	// VisitFlushInterval is how often the page views counted in memory
	// are added to the store; zero means visits.DefaultInterval (10 s).
	VisitFlushInterval time.Duration
	// MaxInFlight bounds the requests served at once, /healthz, /readyz
	// and /metrics apart; a request past it waits up to QueueWait for one
	// to finish, then is answered 503 with Retry-After. Zero means
	// DefaultMaxInFlight(), a negative number no bound.
	MaxInFlight int
	// QueueWait is that wait; zero means DefaultQueueWait.
	QueueWait time.Duration
	// ShutdownTimeout is how long ListenAndServe, once its context is
	// done, waits for requests in flight to finish before it closes their
	// connections; zero means DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
}

// DefaultShutdownTimeout is the ShutdownTimeout a Config leaves zero: long
// enough for any ordinary request, and short enough to finish within the
// 30 s a container orchestrator commonly allows between SIGTERM and SIGKILL.
const DefaultShutdownTimeout = 20 * time.Second

// Timeouts bound how long a connection may take: to send its headers
// (ReadHeader), its whole request (Read), for the server to answer
// (Write, from the end of the headers), and to stay open idle between
// requests (Idle). MaxHeaderBytes bounds the request line and headers.
type Timeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
	MaxHeaderBytes                int
}

// DefaultTimeouts are the Timeouts a Config leaves zero: a request (a menu
// import of 64 MiB included) has a minute to arrive and a minute to be
// answered; an idle keep-alive connection is closed after two.
var DefaultTimeouts = Timeouts{ReadHeader: 10 * time.Second, Read: time.Minute, Write: time.Minute,
	Idle: 2 * time.Minute, MaxHeaderBytes: 64 << 10}

// orDefault fills t's zero fields from DefaultTimeouts.
func (t Timeouts) orDefault() Timeouts {
	d := DefaultTimeouts
	return Timeouts{ReadHeader: cmp.Or(t.ReadHeader, d.ReadHeader), Read: cmp.Or(t.Read, d.Read),
		Write: cmp.Or(t.Write, d.Write), Idle: cmp.Or(t.Idle, d.Idle), MaxHeaderBytes: cmp.Or(t.MaxHeaderBytes, d.MaxHeaderBytes)}
}

// New returns a Server for svc.
func New(svc *service.Service, cfg Config) (*Server, error) {
	s := &Server{svc: svc, log: cfg.Logger, dev: cfg.Dev, alliance: cfg.Alliance, mux: newRouteMux(), ready: svc.Store.Ping}
	s.timeouts = cfg.Timeouts.orDefault()
	s.limits = newSignInLimits()
	s.tls, s.trustProxy, s.metricsFrom = cfg.TLS, cfg.TrustProxy, cfg.MetricsFrom
	if s.metricsFrom == nil {
		s.metricsFrom = Loopback
	}
	hosts := cfg.Hosts
	if len(hosts) == 0 {
		hosts = DefaultHosts
	}
	for _, h := range hosts {
		s.hosts = append(s.hosts, strings.TrimSuffix(strings.ToLower(h), "."))
	}
	s.maxJSON, s.maxImport = cmp.Or(cfg.MaxJSONBody, DefaultMaxJSONBody), cmp.Or(cfg.MaxImportBody, DefaultMaxImportBody)
	if n := cmp.Or(cfg.MaxInFlight, DefaultMaxInFlight()); n > 0 {
		s.limiter = newInflight(n, cmp.Or(cfg.QueueWait, DefaultQueueWait))
	}
	s.shutdownTimeout = cmp.Or(cfg.ShutdownTimeout, DefaultShutdownTimeout)
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	s.files = embedded
	if cfg.Dev {
		dir := cfg.DevDir
		if dir == "" {
			dir = "web"
		}
		s.files = os.DirFS(dir)
	}
	var err error
	if s.assets, err = loadAssets(s.files, cfg.Dev); err != nil {
		return nil, err
	}
	parse := func() (*template.Template, error) {
		return template.New("").Funcs(s.funcs()).ParseFS(s.files, "templates/*.html")
	}
	t, err := parse()
	if err != nil {
		return nil, err
	}
	s.tmpl = func() (*template.Template, error) { return t, nil }
	if cfg.Dev {
		s.tmpl = parse
	}
	if !cfg.Dev && !cfg.NoCache {
		s.cache = newPageCache(cmp.Or(cfg.CacheBytes, DefaultCacheBytes))
		if n, ok := svc.Store.(entente.Notifier); ok {
			n.OnChange(s.cache.invalidate)
		}
		if p, ok := svc.Store.(entente.ChangePoller); ok {
			s.poll = p.PollChanges
		}
	}
	s.metrics = newMetrics(s.cache)
	if o, ok := svc.Store.(entente.Observable); ok {
		o.Observe(s.metrics)
	}
	s.routes()
	// The request's host and client are settled first (network.go), and
	// the bound on requests at once (overload.go), then
	// who is acting: an API token (auth.go) or a session (session.go), so
	// that the cache and the handlers see it, and an API write from the
	// public is refused before anything else reads it.
	s.handler = s.edge(s.limit(s.authenticate(s.sessions(s.requirePrincipal(s.guardMetrics(s.middleware(s.checkCSRF(s.idempotent(s.mux)))))))))
	s.visits = visits.New(visits.Config{Add: svc.AddVisits, Today: svc.Today, Interval: cfg.VisitFlushInterval, Logger: s.log,
		Flushed: s.AnalyticsFlushed})
	return s, nil
}

// ServeHTTP serves a request, counting it by its route and logging it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	s.handler.ServeHTTP(rw, r)
	d := time.Since(start)
	route := s.route(r, rw)
	s.metrics.observe(route, rw.status, d)
	s.accessLog(r, route, rw, d)
}

// route is the pattern of the route that took r, as registered with the
// mux ("GET /partners/{iso3}"; the catch-all "/" for a path no route
// takes). The mux sets it as r.Pattern on the request it is given; when the
// middleware gave it a copy of r, or served a page from the cache without
// it, the middleware noted it on the writer (noteRoute), and failing that
// the mux is asked again.
func (s *Server) route(r *http.Request, rw *statusWriter) string {
	if rw.route != "" {
		return rw.route
	}
	if r.Pattern != "" {
		return r.Pattern
	}
	if _, p := s.mux.Handler(r); p != "" {
		return p
	}
	return "none"
}

// noteRoute tells ServeHTTP's writer, if w is it, the pattern of the route
// that answers, which spares asking the mux again.
func noteRoute(w http.ResponseWriter, route string) {
	if sw, ok := w.(*statusWriter); ok {
		sw.route = route
	}
}

// accessLog logs one line per request at Info: the method, the route's
// pattern, the path (never the query string, which may carry what a
// visitor typed), the status, the bytes of the body sent, the time taken
// and the network the request came from: its address with the host part
// cut (an IPv4 /24, an IPv6 /48), as the privacy page says no visitor's IP
// address is kept.
func (s *Server) accessLog(r *http.Request, route string, rw *statusWriter, d time.Duration) {
	ctx := r.Context()
	if !s.log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	remote := r.RemoteAddr // behind a trusted proxy, the client's
	if a := s.readClient(r).addr; a.IsValid() {
		remote = a.String()
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "request", slog.String("method", r.Method), slog.String("route", route),
		slog.String("path", r.URL.Path), slog.Int("status", rw.status), slog.Int64("bytes", rw.bytes),
		slog.Duration("duration", d), slog.String("remote", remoteNet(remote)))
}

// remoteNet is the network of a request's remote address: its host part
// cut, so that it names no one. An address that is not IP (a Unix socket)
// is returned as it is.
func remoteNet(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return addr
	}
	bits := 48
	if ip = ip.Unmap(); ip.Is4() {
		bits = 24
	}
	p, _ := ip.WithZone("").Prefix(bits)
	return p.String()
}

// statusWriter remembers the status and counts the bytes of the body
// written through it; route is the answering route's pattern, when the
// middleware knows it (see noteRoute).
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	route  string
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// ListenAndServe serves on addr until ctx is done, then shuts down
// gracefully: it stops listening at once, so new connections are refused,
// and lets the requests in flight finish, for up to the ShutdownTimeout;
// those still running then are cut off, and it returns an error saying so.
// Then it stores the page views counted in memory (Close).
func (s *Server) ListenAndServe(ctx context.Context, addr string, started func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return entente.Errorf(entente.EUNAVAILABLE, "cannot listen on %s: %v", addr, err)
	}
	if started != nil {
		started(ln.Addr())
	}
	t := s.timeouts
	srv := &http.Server{Handler: s, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, WriteTimeout: t.Write,
		IdleTimeout: t.Idle, MaxHeaderBytes: t.MaxHeaderBytes}
	defer s.Close()
	errc := make(chan error, 1)
	go func() {
		if s.tls != nil {
			// ServeTLS takes the certificates from TLSConfig, and adds
			// HTTP/2 to what it offers.
			srv.TLSConfig = s.tls.Clone()
			errc <- srv.ServeTLS(ln, "", "")
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "timeout", s.shutdownTimeout)
	shutdown, cancel := context.WithTimeout(context.Background(), s.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		srv.Close()
		if errors.Is(err, context.DeadlineExceeded) {
			return entente.Errorf(entente.EINTERNAL, "shutdown: requests still in progress after %v were cut off (--shutdown-timeout)", s.shutdownTimeout)
		}
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
