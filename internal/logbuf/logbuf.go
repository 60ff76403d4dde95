// Package logbuf batches a log's lines: under load a server logs a line
// per request, and one system call per line to standard error cost a
// cached page a fifth of its rate. A Writer keeps the lines in a buffer
// and writes them out when it fills, every Interval, and at once after a
// record at Warn or above (Handler), so that what matters is never held
// back; Close writes out the rest. A process killed outright loses at most
// the last Interval of lines below Warn.
package logbuf

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Interval is how long a line below Warn may wait in the buffer.
const Interval = 100 * time.Millisecond

// size is the buffer's size: some hundreds of lines.
const size = 64 << 10

// Writer is a buffered io.Writer safe for concurrent use. Each Write is
// kept whole and in order; the buffer is written out when it cannot take
// the next Write, every Interval, on Flush and on Close.
type Writer struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

// New returns a Writer writing to out, which it flushes every interval
// until Close.
func New(out io.Writer, interval time.Duration) *Writer {
	w := &Writer{buf: bufio.NewWriterSize(out, size), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				w.Flush()
			case <-w.stop:
				return
			}
		}
	}()
	return w
}

// Write adds p to the buffer, writing the buffer out first if p does not
// fit, so that a line is not split between two writes unless it is longer
// than the buffer.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(p) > w.buf.Available() && w.buf.Buffered() > 0 {
		if err := w.buf.Flush(); err != nil {
			return 0, err
		}
	}
	return w.buf.Write(p)
}

// Flush writes out what the buffer holds.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Flush()
}

// Close stops the periodic flush and writes out the rest. Writes after
// Close are still written out, by the next Flush or Close.
func (w *Writer) Close() error {
	select {
	case <-w.stop:
	default:
		close(w.stop)
		<-w.done
	}
	return w.Flush()
}

// Handler returns h, which writes to w, flushing w after every record at
// Warn or above.
func Handler(h slog.Handler, w *Writer) slog.Handler { return &handler{Handler: h, w: w} }

type handler struct {
	slog.Handler
	w *Writer
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		if ferr := h.w.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	return &handler{Handler: h.Handler.WithAttrs(as), w: h.w}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{Handler: h.Handler.WithGroup(name), w: h.w}
}
