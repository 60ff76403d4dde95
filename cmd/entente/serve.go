package main

import (
	"context"
	"crypto/tls"
	"flag"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/logbuf"
	"github.com/entente/entente/web"
)

func init() {
	commands = append(commands, &command{
		name:    "serve",
		summary: "serve the web UI and the JSON API",
		usage:   "[--addr 127.0.0.1:8080] [--db entente.db] [--alliance CODE] [--read-timeout 1m] [--write-timeout 1m] [--idle-timeout 2m] [--cache-mb 64] [--log-level info] [--tls-cert FILE --tls-key FILE] [--host NAME,...] [--trust-proxy CIDR,...] [--metrics-from CIDR,...] [--max-inflight N] [--shutdown-timeout 20s]",
		help: `
With no flags, serve creates ./entente.db, loads the embedded default dataset
({alliance}) into it and serves on 127.0.0.1:8080: this machine only. To be
reached from elsewhere, give another address (--addr :8080 listens on every
interface); serve then warns in its log, as it speaks plain HTTP, so put a
TLS proxy in front. SIGINT or SIGTERM shut it down gracefully: it stops
accepting connections at once and lets the requests in progress finish, for
up to --shutdown-timeout; any still running then are cut off and serve exits
with status 130.

A database file it cannot write (read-only) is served all the same: pages
and reads work, every write answers 503 naming the cause, and a warning says
so at start.

Reads are public. Every API write needs an API token (entente token create)
sent as 'Authorization: Bearer ent_...'; without one it answers 401.

The pages show one alliance: the one a page names with ?alliance=CODE, else
--alliance (ENTENTE_ALLIANCE), else the store's only alliance, or with
several the first by code. An alliance the store lacks is an error.

A request has --read-timeout to arrive (headers and body) and
--write-timeout to be answered; a keep-alive connection idle for
--idle-timeout is closed. Bodies are bounded too: 1 MiB for a JSON write,
64 MiB for a menu import (413 past that). Rendered pages are cached in
memory up to --cache-mb MiB, the least recently used dropped first.

At most --max-inflight requests are served at once (default 8 per CPU); one
more waits up to 100 ms for a turn, then is answered 503 with Retry-After,
so an overloaded server says so quickly rather than queueing without end.
/healthz, /readyz and /metrics are always answered.

Logs are JSON lines on standard error, at --log-level and above: debug,
info, warn or error. At info (the default) each request is logged: its
method, route, path (never the query string), status, bytes, duration and
the network it came from (its address with the last part cut: an IPv4 /24,
an IPv6 /48). Lines are written in batches: a warning or error at once,
others within a tenth of a second, and all before serve exits. Prometheus
metrics are served at /metrics.

Network. --tls-cert and --tls-key (PEM files) serve HTTPS; responses then
carry Strict-Transport-Security and session cookies are Secure and
__Host- prefixed. Behind a reverse proxy, --trust-proxy lists its networks:
only from those are X-Forwarded-For (the client's address, in the audit and
the login rate limit) and X-Forwarded-Proto (https: Secure cookies, HSTS)
believed. The server answers only to the host names --host lists (default:
localhost and the --addr host; literal addresses always), so that a page
elsewhere cannot reach a local server by DNS rebinding: another Host gets
421. /metrics answers the networks --metrics-from lists (default: loopback)
and API tokens with the metrics scope; others get 403.

Examples:
  entente serve
  entente serve --addr 0.0.0.0:8443 --host entente.example.org --tls-cert cert.pem --tls-key key.pem
  entente serve --trust-proxy 10.0.0.0/8 --host entente.example.org --metrics-from 10.1.2.0/24
  entente serve --addr 127.0.0.1:9000 --db /var/lib/entente/entente.db
  entente serve --addr :8080       # every interface: behind a TLS proxy
  ENTENTE_DB=postgres://entente@localhost/entente entente serve
  entente serve --dev              # read templates from ./web on every request
  entente serve --db synth.db --alliance SYNTH
  entente serve --log-level warn   # no line per request`,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.StringVar(&o.addr, "addr", defaultAddr, "address to listen on (host:port; ':8080' is every interface)")
			fs.BoolVar(&o.dev, "dev", false, "read templates and static files from ./web on each request")
			fs.StringVar(&o.alliance, "alliance", "", "the alliance pages show by default (default: the store's only alliance, or the first by code)")
			d := web.DefaultTimeouts
			fs.DurationVar(&o.serve.timeouts.Read, "read-timeout", d.Read, "time a request has to arrive, headers and body")
			fs.DurationVar(&o.serve.timeouts.Write, "write-timeout", d.Write, "time the server has to answer a request")
			fs.DurationVar(&o.serve.timeouts.Idle, "idle-timeout", d.Idle, "time a keep-alive connection may stay idle")
			fs.IntVar(&o.serve.cacheMB, "cache-mb", web.DefaultCacheBytes>>20, "MiB of rendered pages kept in memory")
			fs.StringVar(&o.serve.logLevel, "log-level", "info", "the least severe level logged: debug, info (each request), warn or error")
			fs.StringVar(&o.serve.tlsCert, "tls-cert", "", "PEM certificate (chain) file: serve HTTPS (with --tls-key)")
			fs.StringVar(&o.serve.tlsKey, "tls-key", "", "PEM private key file of --tls-cert")
			fs.StringVar(&o.serve.hosts, "host", "", "comma-separated host names the server answers to (default: localhost and the --addr host)")
			fs.StringVar(&o.serve.trustProxy, "trust-proxy", "", "comma-separated networks (CIDR) of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed")
			fs.StringVar(&o.serve.metricsFrom, "metrics-from", "127.0.0.0/8,::1/128", "comma-separated networks (CIDR) /metrics answers without a metrics token")
			fs.IntVar(&o.serve.maxInFlight, "max-inflight", web.DefaultMaxInFlight(), "requests served at once; past that, 503 with Retry-After")
			fs.DurationVar(&o.serve.shutdownTimeout, "shutdown-timeout", web.DefaultShutdownTimeout, "time requests in progress have to finish on SIGTERM or SIGINT")
		},
		run: runServe,
		// The run ends with an error after a signal only when the
		// shutdown timed out.
		interrupted: "requests still in progress when --shutdown-timeout ran out were cut off",
	})
}

func runServe(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("serve takes no arguments")
	}
	for _, t := range []struct {
		flag string
		d    time.Duration
	}{{"read-timeout", e.opts.serve.timeouts.Read}, {"write-timeout", e.opts.serve.timeouts.Write}, {"idle-timeout", e.opts.serve.timeouts.Idle},
		{"shutdown-timeout", e.opts.serve.shutdownTimeout}} {
		if t.d <= 0 {
			return usagef("--%s %v: want a positive duration such as 30s or 2m", t.flag, t.d)
		}
	}
	if e.opts.serve.cacheMB <= 0 || e.opts.serve.cacheMB > 1<<20 {
		return usagef("--cache-mb %d: want a whole number of MiB from 1 to %d", e.opts.serve.cacheMB, 1<<20)
	}
	if e.opts.serve.maxInFlight <= 0 || e.opts.serve.maxInFlight > 1<<20 {
		return usagef("--max-inflight %d: want a whole number of requests from 1 to %d", e.opts.serve.maxInFlight, 1<<20)
	}
	level, ok := logLevels[strings.ToLower(e.opts.serve.logLevel)]
	if !ok {
		return usagef("--log-level %q: want debug, info, warn or error", e.opts.serve.logLevel)
	}
	netCfg, err := e.opts.serve.network(e.opts.addr)
	if err != nil {
		return err
	}
	// The log's lines are batched (a line a request, one system call each,
	// cost a cached page a fifth of its rate); a record at Warn or above is
	// written out at once, the rest within logbuf.Interval, and all of it
	// before serve returns.
	lw := logbuf.New(e.stderr, logbuf.Interval)
	defer lw.Close()
	log := slog.New(logbuf.Handler(slog.NewJSONHandler(lw, &slog.HandlerOptions{Level: level}), lw))
	if err := e.open(ctx, true); err != nil {
		return err
	}
	if _, err := e.svc.DefaultAlliance(ctx, e.opts.alliance); err != nil {
		return err
	}
	// A store that cannot be written (a read-only file) is still served:
	// its pages and reads work, and every write answers 503 saying why.
	if w, ok := e.st.(interface{ Writable(context.Context) error }); ok {
		if err := w.Writable(ctx); err != nil {
			log.Warn("serving read-only: writes will answer 503", "reason", entente.ErrorMessage(err))
		}
	}
	cfg := netCfg
	cfg.Dev, cfg.DevDir, cfg.Logger, cfg.Alliance = e.opts.dev, "web", log, strings.ToUpper(e.opts.alliance)
	cfg.Timeouts, cfg.CacheBytes = e.opts.serve.timeouts, int64(e.opts.serve.cacheMB)<<20
	cfg.MaxInFlight, cfg.ShutdownTimeout = e.opts.serve.maxInFlight, e.opts.serve.shutdownTimeout
	srv, err := web.New(e.svc, cfg)
	if err != nil {
		return err
	}
	return srv.ListenAndServe(ctx, e.opts.addr, func(a net.Addr) {
		log.Info("listening", "addr", a.String(), "tls", cfg.TLS != nil, "db", redact(e.opts.db), "pid", os.Getpid())
		tok, err := srv.SetupToken(ctx)
		if err != nil {
			log.Error("cannot make the setup link", "err", err)
		} else if tok != "" {
			link := setupURL(a, cfg, tok)
			log.Warn("no account exists: open this link within the hour to create the first administrator (it works once)", "link", link)
		}
		if !loopback(a) && cfg.TLS == nil {
			log.Warn("listening beyond this machine without TLS: passwords, tokens and sessions cross the network in clear; serve behind a TLS proxy, or on 127.0.0.1",
				"addr", a.String())
		}
		lw.Flush() // the start-up lines, at once
	})
}

// defaultAddr is where serve listens unless told: this machine only, so a
// server started to try entente is not open to the network.
const defaultAddr = "127.0.0.1:8080"

// loopback reports whether a is a loopback address (127.0.0.0/8, ::1),
// which only this machine reaches. An unspecified address (0.0.0.0, ::) is
// every interface, so not loopback.
func loopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// serveOptions are serve's own flags.
type serveOptions struct {
	timeouts                                        web.Timeouts
	cacheMB                                         int
	logLevel                                        string
	tlsCert, tlsKey, hosts, trustProxy, metricsFrom string
	maxInFlight                                     int
	shutdownTimeout                                 time.Duration
}

// network reads the network flags into the part of web.Config they fill:
// TLS, the host names answered (with addr's host), trusted proxies and the
// networks /metrics answers.
func (o serveOptions) network(addr string) (web.Config, error) {
	var cfg web.Config
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return cfg, usagef("--tls-cert and --tls-key go together: give both or neither")
	}
	if o.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			return cfg, usagef("--tls-cert %s --tls-key %s: %v", o.tlsCert, o.tlsKey, err)
		}
		cfg.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	var err error
	if cfg.TrustProxy, err = prefixes("trust-proxy", o.trustProxy); err != nil {
		return cfg, err
	}
	if cfg.MetricsFrom, err = prefixes("metrics-from", o.metricsFrom); err != nil {
		return cfg, err
	}
	if cfg.MetricsFrom == nil {
		cfg.MetricsFrom = []netip.Prefix{} // none: tokens only
	}
	cfg.Hosts = splitList(o.hosts)
	for _, h := range cfg.Hosts {
		if strings.ContainsAny(h, "/:@ ") {
			return cfg, usagef("--host %q: want a host name such as entente.example.org, without scheme or port", h)
		}
	}
	if len(cfg.Hosts) == 0 {
		cfg.Hosts = slices.Clone(web.DefaultHosts)
		if h, _, err := net.SplitHostPort(addr); err == nil && h != "" {
			cfg.Hosts = append(cfg.Hosts, h)
		}
	}
	return cfg, nil
}

// prefixes reads a comma-separated list of networks (CIDR, or a single
// address) given to --flag.
func prefixes(flag, list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range splitList(list) {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				return nil, usagef("--%s %q: want networks such as 10.0.0.0/8,::1/128: %v", flag, v, err)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// logLevels are the values --log-level takes.
var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}

// redact hides a password in a database URL before it is logged.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			return u.Redacted()
		}
	}
	return dsn
}

// setupURL is the first admin's setup link on the listener a: its
// address, or localhost when it listens on every interface.
func setupURL(a net.Addr, cfg web.Config, token string) string {
	scheme := "http"
	if cfg.TLS != nil {
		scheme = "https"
	}
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		host, port = a.String(), ""
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	}
	return scheme + "://" + host + "/setup?token=" + url.QueryEscape(token)
}
