package visits_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/visits"
)

// sink is a store of counts for tests: it sums what is added, and fails or
// blocks when told to.
type sink struct {
	mu      sync.Mutex
	counts  map[string]int64
	batches int
	fail    atomic.Int32  // the next this many adds fail
	block   chan struct{} // when not nil, an add waits for it to close
}

func newSink() *sink { return &sink{counts: map[string]int64{}} }

func (s *sink) add(ctx context.Context, vs []entente.Visit) error {
	if s.block != nil {
		<-s.block
	}
	if s.fail.Add(-1) >= 0 {
		return errors.New("database is locked")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches++
	for _, v := range vs {
		s.counts[v.Day.String()+" "+v.Page+" "+v.Referrer] += v.Count
	}
	return nil
}

func (s *sink) batchCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.batches
}

func (s *sink) total() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := int64(0)
	for _, c := range s.counts {
		n += c
	}
	return n
}

var day = entente.MustParseDate("2026-03-02")

// newAggregator returns an aggregator over s that flushes only when asked
// (its interval is an hour), closed when t ends.
func newAggregator(t *testing.T, s *sink, today func() entente.Date) *visits.Aggregator {
	t.Helper()
	if today == nil {
		today = func() entente.Date { return day }
	}
	a := visits.New(visits.Config{Add: s.add, Today: today, Interval: time.Hour})
	t.Cleanup(func() { a.Close(context.Background()) })
	return a
}

func TestCountAndFlush(t *testing.T) {
	s := newSink()
	a := newAggregator(t, s, nil)
	a.Count("/members", "")
	a.Count("/members", "")
	a.Count("/members", "news.example.org")
	if n := len(a.Pending()); n != 2 {
		t.Errorf("%d counts pending, want 2", n)
	}
	if s.total() != 0 {
		t.Fatal("a view reached the store before a flush")
	}
	if err := a.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if s.counts["2026-03-02 /members "] != 2 || s.counts["2026-03-02 /members news.example.org"] != 1 || s.batches != 1 {
		t.Errorf("stored %v in %d batches", s.counts, s.batches)
	}
	if err := a.Flush(t.Context()); err != nil || s.batches != 1 {
		t.Errorf("a flush with nothing to add: %v, %d batches (want no call)", err, s.batches)
	}
	if st := a.Stats(); st != (visits.Stats{Views: 3, Flushes: 1, Rows: 2}) {
		t.Errorf("Stats = %+v", st)
	}
}

// TestFailedFlushKeeps: a flush the store refuses keeps its counts for the
// next one, with the views counted meanwhile.
func TestFailedFlushKeeps(t *testing.T) {
	s := newSink()
	a := newAggregator(t, s, nil)
	a.Count("/", "")
	s.fail.Store(1)
	if err := a.Flush(t.Context()); err == nil {
		t.Fatal("Flush did not report the store's failure")
	}
	a.Count("/", "")
	a.Count("/members", "")
	if err := a.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if s.counts["2026-03-02 / "] != 2 || s.counts["2026-03-02 /members "] != 1 {
		t.Errorf("stored %v", s.counts)
	}
	if st := a.Stats(); st.Failures != 1 || st.Flushes != 1 || st.Pending != 0 {
		t.Errorf("Stats = %+v", st)
	}
}

// TestReferrerBound: a day names at most entente.MaxReferrers hosts in
// memory, the first seen; the next day starts afresh.
func TestReferrerBound(t *testing.T) {
	s := newSink()
	var today atomic.Value
	today.Store(day)
	a := newAggregator(t, s, func() entente.Date { return today.Load().(entente.Date) })
	for i := range entente.MaxReferrers + 10 {
		a.Count("/", fmt.Sprintf("h%02d.example", i))
	}
	a.Count("/", "h00.example")
	a.Count("/", "")
	next := entente.MustParseDate("2026-03-03")
	today.Store(next)
	a.Count("/", "late.example")
	if err := a.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	named := 0
	for k := range s.counts {
		if k != "2026-03-02 / "+entente.OtherReferrer && k[:10] == "2026-03-02" && k != "2026-03-02 / " {
			named++
		}
	}
	if named != entente.MaxReferrers || s.counts["2026-03-02 / "+entente.OtherReferrer] != 10 || s.counts["2026-03-02 / h00.example"] != 2 {
		t.Errorf("%d hosts named, other %d, h00 %d; want %d, 10, 2", named, s.counts["2026-03-02 / "+entente.OtherReferrer],
			s.counts["2026-03-02 / h00.example"], entente.MaxReferrers)
	}
	if s.counts["2026-03-03 / late.example"] != 1 {
		t.Errorf("the next day does not name its first host: %v", s.counts)
	}
}

// TestMaxPending: past MaxPending counts, a view that needs another is
// dropped and counted as dropped; views of pages held still count.
func TestMaxPending(t *testing.T) {
	s := newSink()
	a := visits.New(visits.Config{Add: s.add, Today: func() entente.Date { return day }, Interval: time.Hour, MaxPending: 2})
	defer a.Close(context.Background())
	a.Count("/a", "")
	a.Count("/b", "")
	a.Count("/c", "")
	a.Count("/a", "")
	if st := a.Stats(); st.Views != 3 || st.Dropped != 1 || st.Pending != 2 {
		t.Errorf("Stats = %+v, want 3 views, 1 dropped, 2 pending", st)
	}
}

// TestFlushDoesNotBlockViews: while a flush waits for the store, views
// are counted at once, and arrive with the next flush.
func TestFlushDoesNotBlockViews(t *testing.T) {
	s := newSink()
	s.block = make(chan struct{})
	a := newAggregator(t, s, nil)
	a.Count("/", "")
	flushed := make(chan error)
	go func() { flushed <- a.Flush(context.Background()) }()
	time.Sleep(20 * time.Millisecond) // let the flush take its batch
	start := time.Now()
	for range 1000 {
		a.Count("/members", "")
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("1000 views took %v during a flush", d)
	}
	close(s.block)
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	if err := a.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if s.counts["2026-03-02 / "] != 1 || s.counts["2026-03-02 /members "] != 1000 {
		t.Errorf("stored %v", s.counts)
	}
}

// TestConcurrent: many goroutines count while flushes run, some failing:
// the store ends with every view.
func TestConcurrent(t *testing.T) {
	s := newSink()
	a := newAggregator(t, s, nil)
	const workers, views = 16, 2000
	stop := make(chan struct{})
	var flusher sync.WaitGroup
	flusher.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if i%3 == 0 {
				s.fail.Store(1)
			}
			a.Flush(context.Background())
		}
	})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range views {
				a.Count(fmt.Sprintf("/p%d", (w+i)%7), fmt.Sprintf("h%d.example", i%3))
			}
		})
	}
	wg.Wait()
	close(stop)
	flusher.Wait()
	s.fail.Store(0)
	if err := a.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := s.total(); n != workers*views {
		t.Errorf("stored %d views, want %d", n, workers*views)
	}
	if st := a.Stats(); st.Failures == 0 || st.Views != workers*views || st.Dropped != 0 {
		t.Errorf("Stats = %+v: want some failed flushes, every view counted", st)
	}
}

// TestCloseRetries: Close stores what is left, trying again while the
// store refuses, and stops the interval's flushes.
func TestCloseRetries(t *testing.T) {
	s := newSink()
	a := visits.New(visits.Config{Add: s.add, Today: func() entente.Date { return day }, Interval: 5 * time.Millisecond})
	a.Count("/", "")
	for deadline := time.Now().Add(10 * time.Second); s.total() != 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the interval did not flush in 10 s")
		}
	}
	a.Count("/", "")
	s.fail.Store(2)
	if err := a.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if s.total() != 2 {
		t.Errorf("after Close the store holds %d views, want 2", s.total())
	}
	batches := s.batchCount()
	a.Count("/", "")
	time.Sleep(30 * time.Millisecond)
	if s.batchCount() != batches {
		t.Error("flushes went on after Close")
	}
	// A store that never answers: Close gives up when its context ends.
	s.fail.Store(1 << 30)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if err := a.Close(ctx); err == nil {
		t.Error("Close reported success with counts unstored")
	}
}

func TestHost(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "",
		"News.Example.ORG":        "news.example.org",
		"127.0.0.1":               "127.0.0.1",
		"::1":                     "::1",
		"bad host":                entente.OtherReferrer,
		"évil.example":            entente.OtherReferrer,
		string(make([]byte, 300)): entente.OtherReferrer,
	} {
		if got := visits.Host(in); got != want {
			t.Errorf("Host(%.20q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkCount is the cost a view adds to a request.
func BenchmarkCount(b *testing.B) {
	s := newSink()
	a := visits.New(visits.Config{Add: s.add, Today: func() entente.Date { return day }, Interval: 10 * time.Millisecond})
	defer a.Close(context.Background())
	pages := []string{"/", "/members", "/partners", "/partners/NZL", "/countries/UKR", "/timeline"}
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			a.Count(pages[i%len(pages)], "")
			i++
		}
	})
}
