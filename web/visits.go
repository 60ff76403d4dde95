package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/entente/entente/internal/visits"
)

// count counts a consented page view, in memory (see internal/visits): the
// page, the day and the host of an external referrer. Nothing that
// identifies the visitor is kept. Only a page some route answered is
// counted (the middleware counts 200s), under its canonical path, so a
// visitor cannot make up pages to count.
func (s *Server) count(r *http.Request) {
	page := s.visitPage(r)
	if page == "" {
		return
	}
	ref := ""
	if u, err := url.Parse(r.Referer()); err == nil && u.Host != "" && u.Host != r.Host {
		ref = visits.Host(u.Hostname())
	}
	s.visits.Count(page, ref)
}

// upperWildcards are the path wildcards whose handlers read them in upper
// case (see upper): /partners/nzl is the page /partners/NZL.
var upperWildcards = map[string]bool{"{iso3}": true, "{code}": true}

// visitPage returns the page r's path counts as: its path, with the
// wildcards read in upper case written so, or "" when no route but the
// catch-all takes it.
func (s *Server) visitPage(r *http.Request) string {
	_, pattern := s.mux.Handler(r)
	if pattern == "" || pattern == catchAll {
		return ""
	}
	_, route, _ := strings.Cut(pattern, " ")
	want, got := strings.Split(route, "/"), strings.Split(r.URL.Path, "/")
	if len(want) != len(got) {
		return r.URL.Path
	}
	for i, seg := range want {
		if upperWildcards[seg] {
			got[i] = strings.ToUpper(got[i])
		}
	}
	return strings.Join(got, "/")
}

// Flush adds the page views counted in memory to the store now, rather
// than at the next interval (Config.VisitFlushInterval).
func (s *Server) Flush(ctx context.Context) error { return s.visits.Flush(ctx) }

// Close stops the interval's flushes and adds the views counted in memory
// to the store, trying again for up to closeTimeout if the store refuses.
// ListenAndServe calls it once the requests in flight are done; a caller
// serving s otherwise calls it before closing the store.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	if err := s.visits.Close(ctx); err != nil {
		s.log.Error("visit counts lost at shutdown", "err", err, "pending", s.visits.Stats().Pending)
		return err
	}
	return nil
}

// closeTimeout bounds how long Close keeps trying to store the counts.
const closeTimeout = 10 * time.Second

// VisitStats returns the visit aggregator's counters (views counted and
// dropped, flushes, failed flushes, counts stored, counts waiting), for
// /metrics.
func (s *Server) VisitStats() visits.Stats { return s.visits.Stats() }
