package main

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
)

// meter shows a long job's progress on standard error: a bar with the
// share done, the count, the rate and the time left. It draws only on a
// terminal and without --quiet; otherwise its methods do nothing, so a
// script's or a log's standard error stays clean.
type meter struct {
	bar *progressbar.ProgressBar
}

// meter returns the meter for a job doing what ("exporting"), counting
// units ("activities") or bytes.
func (e *env) meter(what, units string, bytes bool) *meter {
	if e.opts.quiet || !isTerminal(e.stderr) {
		return &meter{}
	}
	return newMeter(e.stderr, what, units, bytes)
}

// newMeter draws on w whatever w is.
func newMeter(w io.Writer, what, units string, bytes bool) *meter {
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100 * time.Millisecond),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionOnCompletion(func() { io.WriteString(w, "\n") }),
	}
	if bytes {
		opts = append(opts, progressbar.OptionShowBytes(true), progressbar.OptionShowTotalBytes(true))
	} else {
		opts = append(opts, progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString(units))
	}
	// -1: the total is not known yet, and the bar spins until set is
	// given one.
	return &meter{bar: progressbar.NewOptions64(-1, opts...)}
}

// set reports done of total (total < 0 when it is not known).
func (m *meter) set(done, total int64) {
	if m.bar == nil {
		return
	}
	if total != m.bar.GetMax64() {
		m.bar.ChangeMax64(total)
	}
	m.bar.Set64(done)
}

// finish draws the bar complete, or clears it if the job failed.
func (m *meter) finish(err error) {
	if m.bar == nil {
		return
	}
	if err != nil {
		m.bar.Exit()
		return
	}
	m.bar.Finish()
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
