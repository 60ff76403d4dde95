package web

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/entente/entente"
)

// Day spans (issue 13). A partner page asked for some day in the past
// reads alike on every day of a span around it, but for the day itself
// (service.ProfileSpan): between one dated fact and the next nothing on it
// changes. The page is rendered once per span for the public, with
// spanDay in place of the day, kept in the page cache, and served for each
// day of the span with that day written in: a page asked for a random day
// costs a lookup, not two dozen finds and a template.
//
// A page is kept only if writing the day into it gives, byte for byte, the
// page rendered for the day asked: a template that showed the day in some
// other form (its weekday, say) would fail that check, and its pages would
// be rendered every time as before.

// spanDay is the day a page kept for a span is rendered as. It is no day
// anyone may ask for (an as-of day ends in 2100), so its two written
// forms, ISO and human, stand for the day alone.
var spanDay = entente.Date{Year: 9999, Month: time.December, Day: 31}

// withDay is page, rendered for spanDay, as it reads for d: spanDay's ISO
// and human forms ("9999-12-31", "31 December 9999") replaced by d's, in
// one pass.
func withDay(page []byte, d entente.Date) []byte {
	iso, hum := []byte(d.String()), []byte(human(d))
	out := make([]byte, 0, len(page)+64)
	for {
		i := bytes.Index(page, spanYear)
		if i < 0 {
			return append(out, page...)
		}
		switch {
		case bytes.HasPrefix(page[i:], spanISO):
			out = append(append(out, page[:i]...), iso...)
			page = page[i+len(spanISO):]
		case bytes.HasSuffix(page[:i], spanHumanHead):
			out = append(append(out, page[:i-len(spanHumanHead)]...), hum...)
			page = page[i+len(spanYear):]
		default:
			out = append(out, page[:i+len(spanYear)]...)
			page = page[i+len(spanYear):]
		}
	}
}

// spanDay's written forms: ISO, and human as its head and year.
var (
	spanISO       = []byte(spanDay.String())
	spanYear      = []byte("9999")
	spanHumanHead = []byte("31 December ")
)

// maxSpans bounds the spans remembered, over all pages; past it, they are
// forgotten and learnt again.
const maxSpans = 100_000

// daySpans remembers, for each page, the spans of days its renderings
// were found to hold, for one generation of the page cache (a change to
// the store starts a new one, and forgets them).
type daySpans struct {
	mu    sync.Mutex
	gen   uint64
	n     int
	pages map[string][]entente.Period // by page; by From, the open start first
}

// find returns the span of page that holds day d, if one is known.
func (ds *daySpans) find(gen uint64, page string, d entente.Date) (entente.Period, bool) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if ds.gen != gen {
		return entente.Period{}, false
	}
	spans := ds.pages[page]
	i := sort.Search(len(spans), func(i int) bool { return spans[i].From.Compare(d) > 0 }) - 1
	if i < 0 || !spans[i].To.IsZero() && spans[i].To.Compare(d) < 0 {
		return entente.Period{}, false
	}
	return spans[i], true
}

// add remembers span for page, found in generation gen.
func (ds *daySpans) add(gen uint64, page string, span entente.Period) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if gen < ds.gen {
		return // found before the store changed
	}
	if gen > ds.gen || ds.n >= maxSpans || ds.pages == nil {
		ds.gen, ds.n, ds.pages = gen, 0, map[string][]entente.Period{}
	}
	spans := ds.pages[page]
	i := sort.Search(len(spans), func(i int) bool { return spans[i].From.Compare(span.From) >= 0 })
	if i < len(spans) && spans[i].From == span.From {
		return // found twice at once
	}
	ds.pages[page] = slices.Insert(spans, i, span)
	ds.n++
}

// spanPage names the page r asks for among those kept by span, or is ""
// when it may not be: for a signed-in reader or a client with a token (the
// cache holds only what the public sees), without a cache, and for today
// (the page cache keeps today's pages by their address).
func (s *Server) spanPage(r *http.Request, d entente.Date) string {
	if s.cache == nil || !public(r) || d.IsZero() || d == s.svc.Today() {
		return ""
	}
	q := r.URL.Query()
	q.Del("as_of")
	return r.URL.EscapedPath() + "?" + q.Encode()
}

// spanKey is the page cache's key for page's rendering kept for span.
func spanKey(page string, span entente.Period) string {
	return "span " + page + " " + span.From.String()
}

// spanned returns the page kept for the span that holds d, written for d,
// or nil.
func (s *Server) spanned(page string, d entente.Date) []byte {
	e := s.spanEntry(page, d)
	if e == nil {
		return nil
	}
	s.metrics.spanHits.Inc()
	return withDay(e.body, d)
}

// spanEntry returns the entry kept for the span of page that holds d, or
// nil.
func (s *Server) spanEntry(page string, d entente.Date) *entry {
	span, ok := s.spans.find(s.cache.gen.Load(), page, d)
	if !ok {
		return nil
	}
	return s.cache.get(spanKey(page, span))
}

// pastDay is the day q asks for (as_of), if it is one and not today.
func (s *Server) pastDay(q url.Values) (entente.Date, bool) {
	v := q.Get("as_of")
	if v == "" {
		return entente.Date{}, false
	}
	d, err := entente.ParseDate(v)
	if err != nil || d.Precision() != entente.PrecisionDay || d == s.svc.Today() {
		return entente.Date{}, false
	}
	return d, true
}

// keepAnswerSpan keeps e, an answer for day d that holds for span, for the
// whole span, and reports whether it did: not for a span of one day, nor
// for an answer whose body or headers name the day (a page, or a link to
// the next page of a list), which would be wrong on another.
func (s *Server) keepAnswerSpan(page string, gen uint64, span entente.Period, d entente.Date, e *entry) bool {
	if oneDay(span) {
		return false
	}
	day := d.String()
	if bytes.Contains(e.body, []byte(day)) {
		return false
	}
	for _, vs := range e.header {
		for _, v := range vs {
			if strings.Contains(v, day) {
				return false
			}
		}
	}
	s.putSpan(page, gen, span, e)
	return true
}

// keepSpan keeps atSpanDay, a page rendered for spanDay (its links carrying
// spanDay), for the span of days it holds, if written for d it reads as
// rendered, the page rendered for d (its links carrying d), and reports whether it did. gen is the page cache's generation
// from before the store was read.
func (s *Server) keepSpan(page string, gen uint64, span entente.Period, d entente.Date, atSpanDay, rendered []byte) bool {
	if oneDay(span) {
		return false
	}
	if human(spanDay) != string(spanHumanHead)+string(spanYear) || !bytes.Equal(withDay(atSpanDay, d), rendered) {
		s.log.Debug("a page for a span of days does not read as the day's", "page", page, "day", d)
		return false
	}
	s.putSpan(page, gen, span, &entry{status: http.StatusOK, header: http.Header{}, body: atSpanDay, gen: gen})
	return true
}

// oneDay reports whether span is a day of its own: no other day shares its
// answer, so there is nothing to keep.
func oneDay(span entente.Period) bool { return span.From == span.To && !span.From.IsZero() }

// putSpan keeps e, found in generation gen, for page's span.
func (s *Server) putSpan(page string, gen uint64, span entente.Period, e *entry) {
	s.cache.put(spanKey(page, span), e)
	s.spans.add(gen, page, span)
}
