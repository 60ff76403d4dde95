// Package visits counts consented page views in memory and adds the counts
// to the store in batches, so that serving a page never waits for the
// database (issue 8: a synchronous write per view, beside 64 writers,
// raised the writers' 503s and lost counts).
//
// A view takes the aggregator's mutex for a map increment and nothing
// else. Every Interval the counts gathered are swapped for an empty map
// and added in one call (one transaction, entente.Counter.AddVisits); if
// that fails they are merged back and tried again at the next interval.
// Close stops the interval and adds what is left, so a graceful shutdown
// loses no count.
//
// Memory is bounded: at most MaxPending (day, page, referrer) counts are
// held, a view that would need another is dropped and counted in Stats;
// and a day names at most entente.MaxReferrers referring hosts, the first
// ones seen, later ones counted as entente.OtherReferrer. The store applies
// the same bound again when it adds a batch, against the hosts other
// processes stored (entente.BoundReferrers).
package visits

import (
	"cmp"
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/entente/entente"
)

// DefaultInterval is how often counts are added to the store when Config
// names no interval.
const DefaultInterval = 10 * time.Second

// DefaultMaxPending bounds the counts held in memory when Config names no
// bound: some 32,000 (day, page, referrer) keys, a few MiB.
const DefaultMaxPending = 1 << 15

// flushTimeout bounds one flush at an interval.
const flushTimeout = 30 * time.Second

// Config configures an Aggregator.
type Config struct {
	// Add stores a batch of counts in one transaction
	// (service.Service.AddVisits).
	Add func(context.Context, []entente.Visit) error
	// Today is the day a view is counted on.
	Today func() entente.Date
	// Interval is the time between flushes; zero means DefaultInterval.
	Interval time.Duration
	// MaxPending bounds the counts held in memory; zero means
	// DefaultMaxPending.
	MaxPending int
	// Logger receives failed flushes and dropped views.
	Logger *slog.Logger
	// Flushed, if set, is told of every flush that had counts to add: how
	// many (day, page, referrer) counts it added, or why it failed (the
	// server's /metrics, Server.AnalyticsFlushed).
	Flushed func(n int, err error)
}

// Stats describe an aggregator's work since it started, for /metrics.
type Stats struct {
	Views    uint64 // views counted in memory
	Dropped  uint64 // views not counted as memory held MaxPending counts
	Flushes  uint64 // batches the store added
	Failures uint64 // batches the store refused (kept for the next flush)
	Rows     uint64 // (day, page, referrer) counts in the batches added
	Pending  int    // counts held in memory now
}

// key is what a count is kept under.
type key struct {
	day      entente.Date
	page     string
	referrer string
}

// Aggregator gathers page views in memory and flushes them to the store.
type Aggregator struct {
	add        func(context.Context, []entente.Visit) error
	today      func() entente.Date
	interval   time.Duration
	maxPending int
	log        *slog.Logger
	flushed    func(n int, err error)

	mu      sync.Mutex
	pending map[key]int64
	// day is the day named holds the referring hosts of.
	day   entente.Date
	named map[string]bool
	views uint64
	// dropped counts views dropped, and unlogged those not yet logged.
	dropped, unlogged uint64

	// flushing lets one flush run at a time: Close waits for the one
	// under way, then adds what it left.
	flushing                sync.Mutex
	flushes, failures, rows atomic.Uint64
	stop, done              chan struct{}
	stopOnce                sync.Once
}

// New returns an Aggregator and starts its flushes; Close stops them.
func New(cfg Config) *Aggregator {
	a := &Aggregator{add: cfg.Add, today: cfg.Today, interval: cmp.Or(cfg.Interval, DefaultInterval),
		maxPending: cmp.Or(cfg.MaxPending, DefaultMaxPending), log: cfg.Logger, flushed: cfg.Flushed,
		pending: map[key]int64{}, named: map[string]bool{}, stop: make(chan struct{}), done: make(chan struct{})}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.flushed == nil {
		a.flushed = func(int, error) {}
	}
	go a.run()
	return a
}

// Count counts one view of page from referrer (a host, "" for none),
// today. It touches only memory.
func (a *Aggregator) Count(page, referrer string) {
	day := a.today()
	a.mu.Lock()
	defer a.mu.Unlock()
	if day != a.day {
		a.day, a.named = day, map[string]bool{}
	}
	if referrer != "" && referrer != entente.OtherReferrer && !a.named[referrer] {
		if len(a.named) < entente.MaxReferrers {
			a.named[referrer] = true
		} else {
			referrer = entente.OtherReferrer
		}
	}
	k := key{day, page, referrer}
	if _, ok := a.pending[k]; !ok && len(a.pending) >= a.maxPending {
		a.dropped++
		a.unlogged++
		return
	}
	a.pending[k]++
	a.views++
}

// Pending returns the counts not yet added to the store.
func (a *Aggregator) Pending() []entente.Visit {
	a.mu.Lock()
	defer a.mu.Unlock()
	return visitsOf(a.pending)
}

func visitsOf(m map[key]int64) []entente.Visit {
	vs := make([]entente.Visit, 0, len(m))
	for k, n := range m {
		vs = append(vs, entente.Visit{Day: k.day, Page: k.page, Referrer: k.referrer, Count: n})
	}
	return vs
}

// Flush adds the counts gathered so far to the store, in one batch. On
// failure they are kept, as far as MaxPending allows, for the next flush.
func (a *Aggregator) Flush(ctx context.Context) error {
	a.flushing.Lock()
	defer a.flushing.Unlock()
	a.mu.Lock()
	var batch map[key]int64
	if len(a.pending) > 0 {
		batch, a.pending = a.pending, make(map[key]int64, len(a.pending))
	}
	dropped := a.unlogged
	a.unlogged = 0
	a.mu.Unlock()
	if dropped > 0 {
		a.log.Warn("visit counts dropped: too many waiting to be stored", "views", dropped, "max_pending", a.maxPending)
	}
	if batch == nil {
		return nil
	}
	if err := a.add(ctx, visitsOf(batch)); err != nil {
		a.failures.Add(1)
		a.restore(batch)
		a.flushed(0, err)
		return err
	}
	a.flushes.Add(1)
	a.rows.Add(uint64(len(batch)))
	a.flushed(len(batch), nil)
	return nil
}

// restore merges a batch the store refused back into the pending counts.
func (a *Aggregator) restore(batch map[key]int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, n := range batch {
		if _, ok := a.pending[k]; !ok && len(a.pending) >= a.maxPending {
			a.dropped += uint64(n)
			a.unlogged += uint64(n)
			continue
		}
		a.pending[k] += n
	}
}

// run flushes every interval until Close.
func (a *Aggregator) run() {
	defer close(a.done)
	t := time.NewTicker(a.interval)
	defer t.Stop()
	for {
		select {
		case <-a.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
		if err := a.Flush(ctx); err != nil {
			a.log.Warn("store visit counts: kept for the next try", "err", err, "pending", a.Stats().Pending)
		}
		cancel()
	}
}

// Close stops the interval's flushes and adds the counts left, trying
// again until ctx is done if the store refuses them. It returns the last
// error if counts remain unstored.
func (a *Aggregator) Close(ctx context.Context) error {
	a.stopOnce.Do(func() { close(a.stop) })
	<-a.done
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		err := a.Flush(ctx)
		if err == nil {
			return nil
		}
		a.log.Warn("store visit counts at shutdown", "err", err, "pending", a.Stats().Pending)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// Stats returns the aggregator's counters.
func (a *Aggregator) Stats() Stats {
	a.mu.Lock()
	st := Stats{Views: a.views, Dropped: a.dropped, Pending: len(a.pending)}
	a.mu.Unlock()
	st.Flushes, st.Failures, st.Rows = a.flushes.Load(), a.failures.Load(), a.rows.Load()
	return st
}

// Host returns the host of a referring URL, lower case, for counting, or
// OtherReferrer when it is not a plain host name or address. It returns ""
// for a URL with no host.
func Host(h string) string {
	h = strings.ToLower(h)
	if h == "" {
		return ""
	}
	if len(h) > 253 || strings.ContainsFunc(h, func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '.' || r == '-' || r == ':')
	}) {
		return entente.OtherReferrer
	}
	return h
}
