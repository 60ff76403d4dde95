package web

import (
	"context"
	"net/http"
	"runtime"
	"time"

	"github.com/entente/entente"
)

// DefaultQueueWait is how long a request waits for one in progress to finish
// when MaxInFlight are already being served, before it is answered 503.
const DefaultQueueWait = 100 * time.Millisecond

// DefaultMaxInFlight is the MaxInFlight a Config leaves zero: eight
// requests per CPU the Go runtime uses (16 on two cores).
//
// A request is mostly CPU work (rendering a page, gzip, JSON) with short
// waits on the database in between; a few per core keep every core busy
// through those waits, while more only lengthen each one's time and the
// memory held: past the bound, queueing adds latency, not throughput. The
// bound also caps the database connections one instance opens (the pool
// grows to the requests that query at once), well below PostgreSQL's
// default max_connections of 100 even with several instances sharing it.
func DefaultMaxInFlight() int { return 8 * runtime.GOMAXPROCS(0) }

// inflight admits at most cap(slots) requests at once. A request that finds
// every slot taken waits its turn (senders on a channel are woken in
// order) for at most wait, then is refused: under overload the server
// answers 503 quickly instead of queueing without end, and what it does
// accept is served in bounded time.
type inflight struct {
	slots chan struct{}
	wait  time.Duration
}

func newInflight(n int, wait time.Duration) *inflight {
	return &inflight{slots: make(chan struct{}, n), wait: wait}
}

// acquire takes a slot, waiting at most l.wait, and reports whether it got
// one; release gives it back.
func (l *inflight) acquire(ctx context.Context) bool {
	select {
	case l.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

func (l *inflight) release() { <-l.slots }

// unlimited are the paths the limiter lets through always: a monitor must
// be able to see that a busy server is alive, ready and busy.
func unlimited(path string) bool {
	return path == "/healthz" || path == "/readyz" || path == "/metrics"
}

// limit wraps next in the limiter: a request that gets no slot in time is
// answered 503 with Retry-After by the one error renderer.
func (s *Server) limit(next http.Handler) http.Handler {
	if s.limiter == nil {
		return next
	}
	busy := entente.Errorf(entente.EUNAVAILABLE, "the server is busy: %d requests are in progress, the most it serves at once; try again shortly", cap(s.limiter.slots))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if unlimited(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		if !s.limiter.acquire(r.Context()) {
			securityHeaders(w.Header())
			s.fail(w, r, busy)
			return
		}
		defer s.limiter.release()
		next.ServeHTTP(w, r)
	})
}
