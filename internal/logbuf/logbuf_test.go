package logbuf_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/entente/entente/internal/logbuf"
)

// out is what a Writer writes to, readable while it writes; it counts the
// writes it is given.
type out struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (o *out) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.writes++
	return o.b.Write(p)
}

func (o *out) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// TestLinesWhole: lines logged from many goroutines come out whole, each
// goroutine's in order, all of them once Close returns, in far fewer
// writes than lines.
func TestLinesWhole(t *testing.T) {
	o := &out{}
	w := logbuf.New(o, 5*time.Millisecond)
	log := slog.New(logbuf.Handler(slog.NewJSONHandler(w, nil), w))
	const workers, lines = 8, 2000
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			for i := range lines {
				log.Info("request", "worker", g, "i", i, "path", strings.Repeat("x", i%300))
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	next := make([]int, workers)
	got := strings.Split(strings.TrimSuffix(o.String(), "\n"), "\n")
	for _, l := range got {
		var rec struct{ Worker, I int }
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("a line is not whole: %v: %.80q", err, l)
		}
		if rec.I != next[rec.Worker] {
			t.Fatalf("worker %d: line %d after %d", rec.Worker, rec.I, next[rec.Worker]-1)
		}
		next[rec.Worker]++
	}
	if len(got) != workers*lines {
		t.Errorf("%d lines, want %d", len(got), workers*lines)
	}
	if o.writes > len(got)/10 {
		t.Errorf("%d writes for %d lines: not batched", o.writes, len(got))
	}
}

// TestWarnAtOnce: a record at Warn or above is written out at once, with
// the lines before it; one below waits for the interval or Close.
func TestWarnAtOnce(t *testing.T) {
	o := &out{}
	w := logbuf.New(o, time.Hour)
	log := slog.New(logbuf.Handler(slog.NewJSONHandler(w, nil), w)).With("app", "entente")
	log.Info("first")
	if s := o.String(); s != "" {
		t.Fatalf("an Info line was written before the interval: %q", s)
	}
	log.Warn("second")
	if s := o.String(); !strings.Contains(s, `"first"`) || !strings.Contains(s, `"second"`) {
		t.Fatalf("after a Warn: %q, want both lines", s)
	}
	log.WithGroup("g").Error("third")
	if s := o.String(); !strings.Contains(s, `"third"`) {
		t.Fatalf("after an Error in a group: %q", s)
	}
	log.Info("fourth")
	if strings.Contains(o.String(), "fourth") {
		t.Fatal("an Info line was written before the interval")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(o.String(), "fourth") {
		t.Fatal("Close did not write out the last line")
	}
	if err := w.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
}

// TestInterval: a line below Warn is written out within the interval.
func TestInterval(t *testing.T) {
	o := &out{}
	w := logbuf.New(o, 10*time.Millisecond)
	defer w.Close()
	fmt.Fprintln(w, "a line")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(o.String(), "a line") {
		if time.Now().After(deadline) {
			t.Fatal("the line was not written out within 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestLongLine: a line longer than the buffer is written whole, after what
// came before it.
func TestLongLine(t *testing.T) {
	o := &out{}
	w := logbuf.New(o, time.Hour)
	fmt.Fprintln(w, "short")
	long := strings.Repeat("y", 200<<10) + "\n"
	if _, err := w.Write([]byte(long)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := o.String(); got != "short\n"+long {
		t.Errorf("got %d bytes, want %d in order", len(got), len("short\n"+long))
	}
}
