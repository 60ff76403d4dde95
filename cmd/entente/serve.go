package main

import (
	"context"
	"flag"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/entente/entente/web"
)

func init() {
	commands = append(commands, &command{
		name:    "serve",
		summary: "serve the web UI and the JSON API",
		usage:   "[--addr :8080] [--db entente.db] [--alliance CODE] [--read-timeout 1m] [--write-timeout 1m] [--idle-timeout 2m] [--cache-mb 64] [--log-level info]",
		help: `
With no flags, serve creates ./entente.db, loads the embedded default dataset
({alliance}) into it and serves on :8080. SIGINT or SIGTERM shut it down
gracefully.

The pages show one alliance: the one a page names with ?alliance=CODE, else
--alliance (ENTENTE_ALLIANCE), else the store's only alliance, or with
several the first by code. An alliance the store lacks is an error.

A request has --read-timeout to arrive (headers and body) and
--write-timeout to be answered; a keep-alive connection idle for
--idle-timeout is closed. Bodies are bounded too: 1 MiB for a JSON write,
64 MiB for a menu import (413 past that). Rendered pages are cached in
memory up to --cache-mb MiB, the least recently used dropped first.

Logs are JSON lines on standard error, at --log-level and above: debug,
info, warn or error. At info (the default) each request is logged: its
method, route, path (never the query string), status, bytes, duration and
the network it came from (its address with the last part cut: an IPv4 /24,
an IPv6 /48). Prometheus metrics are served at /metrics.

Examples:
  entente serve
  entente serve --addr 127.0.0.1:9000 --db /var/lib/entente/entente.db
  ENTENTE_DB=postgres://entente@localhost/entente entente serve
  entente serve --dev              # read templates from ./web on every request
  entente serve --db synth.db --alliance SYNTH
  entente serve --log-level warn   # no line per request`,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.StringVar(&o.addr, "addr", ":8080", "address to listen on")
			fs.BoolVar(&o.dev, "dev", false, "read templates and static files from ./web on each request")
			fs.StringVar(&o.alliance, "alliance", "", "the alliance pages show by default (default: the store's only alliance, or the first by code)")
			d := web.DefaultTimeouts
			fs.DurationVar(&o.serve.timeouts.Read, "read-timeout", d.Read, "time a request has to arrive, headers and body")
			fs.DurationVar(&o.serve.timeouts.Write, "write-timeout", d.Write, "time the server has to answer a request")
			fs.DurationVar(&o.serve.timeouts.Idle, "idle-timeout", d.Idle, "time a keep-alive connection may stay idle")
			fs.IntVar(&o.serve.cacheMB, "cache-mb", web.DefaultCacheBytes>>20, "MiB of rendered pages kept in memory")
			fs.StringVar(&o.serve.logLevel, "log-level", "info", "the least severe level logged: debug, info (each request), warn or error")
		},
		run: runServe,
	})
}

func runServe(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("serve takes no arguments")
	}
	for _, t := range []struct {
		flag string
		d    time.Duration
	}{{"read-timeout", e.opts.serve.timeouts.Read}, {"write-timeout", e.opts.serve.timeouts.Write}, {"idle-timeout", e.opts.serve.timeouts.Idle}} {
		if t.d <= 0 {
			return usagef("--%s %v: want a positive duration such as 30s or 2m", t.flag, t.d)
		}
	}
	if e.opts.serve.cacheMB <= 0 || e.opts.serve.cacheMB > 1<<20 {
		return usagef("--cache-mb %d: want a whole number of MiB from 1 to %d", e.opts.serve.cacheMB, 1<<20)
	}
	level, ok := logLevels[strings.ToLower(e.opts.serve.logLevel)]
	if !ok {
		return usagef("--log-level %q: want debug, info, warn or error", e.opts.serve.logLevel)
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: level}))
	if err := e.open(ctx, true); err != nil {
		return err
	}
	if _, err := e.svc.DefaultAlliance(ctx, e.opts.alliance); err != nil {
		return err
	}
	srv, err := web.New(e.svc, web.Config{Dev: e.opts.dev, DevDir: "web", Logger: log, Alliance: strings.ToUpper(e.opts.alliance),
		Timeouts: e.opts.serve.timeouts, CacheBytes: int64(e.opts.serve.cacheMB) << 20})
	if err != nil {
		return err
	}
	return srv.ListenAndServe(ctx, e.opts.addr, func(a net.Addr) {
		log.Info("listening", "addr", a.String(), "db", redact(e.opts.db), "pid", os.Getpid())
	})
}

// serveOptions are serve's own flags.
type serveOptions struct {
	timeouts web.Timeouts
	cacheMB  int
	logLevel string
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
