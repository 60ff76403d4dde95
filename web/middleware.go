package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/entente/entente"
)

// csp allows nothing but our own origin: no inline script, no inline style,
// no framing, forms posting only to us.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries.
func securityHeaders(h http.Header) {
	for _, kv := range securityHeaderValues {
		h[kv.key] = kv.value
	}
}

// securityHeaderValues are the headers every answer carries, their keys in
// canonical form (TestSecurityHeaderKeys) and their values shared by every
// answer: set by assignment, not canonicalised and allocated each time (a
// tenth of a cached page's CPU). Each value has no room to grow, so an Add
// to one copies it, and a Set replaces it.
var securityHeaderValues = []struct {
	key   string
	value []string
}{
	{"Content-Security-Policy", []string{csp}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"Referrer-Policy", []string{"strict-origin-when-cross-origin"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
	{"Permissions-Policy", []string{"interest-cohort=(), browsing-topics=()"}},
}

// middleware wraps the mux: security headers on everything; for pages, the
// visitor's consent decides the banner and whether the visit is counted;
// GET responses are cached until the store changes.
func (s *Server) middleware(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	next = s.checkQuery(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header())
		if err := admit(r); err != nil {
			s.fail(w, r, err)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			// Forms post only from our own pages: a cross-site POST (a
			// forged consent, say) is refused.
			cop.Handler(next).ServeHTTP(w, r)
			return
		}
		path := r.URL.Path
		if strings.HasPrefix(path, "/static/") {
			s.assets.ServeHTTP(w, r)
			return
		}
		if path == "/healthz" || path == "/readyz" || path == "/stats" || path == "/metrics" {
			w.Header().Set("Cache-Control", "no-store")
			next.ServeHTTP(w, r)
			return
		}
		page := !strings.HasPrefix(path, "/api/")
		if page {
			r = s.keepPageParams(r)
		}
		// A signed-in page shows who is signed in, and a page or API answer
		// for any authenticated principal (a session or an API token) may
		// hold records released to it alone (releasability): it is neither
		// served from the cache nor kept in it. The cache holds only what
		// the public sees, so it can serve it to anyone anonymous.
		who := entente.PrincipalFrom(r.Context())
		cache, personal := s.cache, !public(r)
		if personal {
			cache = nil
		}
		c := consentOf(r)
		// Only a view of what everyone may see is counted: the page
		// counts are published (/stats), so the path of a record released
		// to some must not appear there.
		counted := page && c == consentYes && r.Method == http.MethodGet && !who.SeesAll() && who.Role != entente.RoleLiaison
		// Pages answer as of today unless asked otherwise, so the day is
		// part of the key: yesterday's pages are not served tomorrow. The
		// query is in its canonical order; a page's has only what it reads.
		q := r.URL.Query()
		keyOf := func(q url.Values) string {
			key := s.svc.Today().String() + " " + r.Method + " " + r.URL.EscapedPath() + "?" + q.Encode()
			if page {
				key = string(c) + " " + key
			}
			if wantsJSON(r) {
				key += " json"
			}
			return key + apiFormat(r)
		}
		key := keyOf(q)
		// An API answer for a day in the past may hold for a span of days
		// around it (spans.go): it is kept once for the span, under its key
		// without the day. (A page names its day: the partner page keeps
		// its spans itself.)
		var spanned string
		day, past := s.pastDay(q)
		if cache != nil && past && !page {
			q.Del("as_of")
			spanned = keyOf(q)
		}
		if cache != nil {
			s.pollChanges(r)
			e := cache.get(key)
			if e == nil && spanned != "" {
				if e = s.spanEntry(spanned, day); e != nil {
					s.metrics.spanHits.Inc()
				}
			}
			if e != nil {
				s.metrics.cacheHits.Inc()
				if counted {
					s.count(r) // a page served from the cache is a visit too
				}
				noteRoute(w, e.route)
				e.serve(w, r)
				return
			}
		}
		if cache != nil {
			s.metrics.cacheMisses.Inc()
		}
		rec := &recorder{header: http.Header{}}
		var gen uint64
		if cache != nil {
			gen = cache.gen.Load()
		}
		ctx := withConsent(r.Context(), c)
		inner := r.WithContext(ctx)
		next.ServeHTTP(rec, inner)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		h := rec.header // the recorder's own: no handler holds it now
		if personal && h.Get("Cache-Control") != "no-store" {
			h.Set("Cache-Control", "private, no-store")
		} else if h.Get("Cache-Control") == "" {
			h.Set("Cache-Control", "no-cache")
		}
		h.Add("Vary", "Cookie, Sec-GPC, DNT")
		e := newEntry(rec.status, h, rec.buf.Bytes())
		if acceptsGzip(r) {
			e.compress(dynamicLevel) // before it is shared, so a hit need not
		}
		e.gen = gen
		// The mux set the route's pattern on the request it was given, a
		// copy of r: kept with the entry, so that a hit is counted under it.
		e.route = inner.Pattern
		noteRoute(w, e.route)
		switch {
		case cache == nil || rec.elsewhere || rec.status != http.StatusOK || strings.Contains(h.Get("Cache-Control"), "no-store"):
		case rec.span != nil && spanned != "" && s.keepAnswerSpan(spanned, gen, *rec.span, day, e):
		default:
			cache.put(key, e)
		}
		if counted && rec.status == http.StatusOK {
			s.count(r)
		}
		e.serve(w, r)
	})
}

// pollChanges asks the store whether another process changed it since the
// last request (SQLite; PostgreSQL tells us by LISTEN/NOTIFY), which drops
// the cache if so. If the store cannot tell, the cache is dropped too: a
// page rendered anew is better than one that may be stale.
func (s *Server) pollChanges(r *http.Request) {
	if s.poll == nil {
		return
	}
	if err := s.poll(r.Context()); err != nil {
		s.log.Warn("poll the store for changes", "err", err)
		s.cache.invalidate()
	}
}

// public reports whether r is the public's: no one signed in, no token.
func public(r *http.Request) bool {
	return signedInFrom(r) == nil && !entente.PrincipalFrom(r.Context()).Authenticated()
}
