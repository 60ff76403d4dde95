package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/entente/entente"
)

// queryParam is a query parameter an API route reads. Values, if set, is
// the closed set it may take (the empty value means the default).
type queryParam struct {
	Name   string
	Values []string
}

// queryParams lists, per API route pattern, the query parameters the route
// reads. Every GET route also reads as_of. An API request carrying any
// other parameter, a parameter twice, or a value outside its set is refused
// with a 400 naming the parameter and what it takes; a typo such as
// ?stauts=held then does not quietly answer the whole list.
var queryParams = map[string][]queryParam{
	"GET /api/v1/timeline":                   {{Name: "country"}, {Name: allianceParam}},
	"GET /api/v1/partners/{iso3}/profile":    {{Name: allianceParam}},
	"GET /api/v1/programmes":                 {{Name: "partner"}},
	"GET /api/v1/programmes/{id}/activities": {{Name: "status"}}, // the service checks the status,
	"GET /api/v1/menu":                       {{Name: "format", Values: []string{"json", "csv"}}},
	"POST /api/v1/menu":                      {{Name: "format", Values: []string{"json", "csv"}}, {Name: "name"}},
	"GET /api/v1/audit":                      {{Name: "entity"}, {Name: "key"}, {Name: "actor"}, {Name: "before"}, {Name: "limit"}},
	"GET /api/v1/changes":                    {{Name: "since"}, {Name: "limit"}},
	"GET /api/v1/sources":                    {{Name: "id"}},
}

// checkQuery refuses API requests whose query parameters the route does not
// read or whose values it does not take. Pages are lenient about
// parameters (links from elsewhere carry their own): they see only those
// they read (keepPageParams).
func (s *Server) checkQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			if _, pattern := s.mux.Handler(r); pattern != "" && pattern != catchAll {
				if err := validQuery(pattern, r); err != nil {
					s.fail(w, r, err)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// validQuery checks r's query against what the route pattern reads.
func validQuery(pattern string, r *http.Request) error {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return entente.Errorf(entente.EINVALID, "malformed query string: %v", err)
	}
	known := queryParams[pattern]
	if strings.HasPrefix(pattern, http.MethodGet+" ") {
		known = append([]queryParam{{Name: "as_of"}}, known...)
	}
	for _, name := range slices.Sorted(maps.Keys(q)) {
		i := slices.IndexFunc(known, func(p queryParam) bool { return p.Name == name })
		if i < 0 {
			return entente.Errorf(entente.EINVALID, "unknown query parameter %q: %s", name, reads(known))
		}
		vs := q[name]
		if len(vs) > 1 {
			return entente.Errorf(entente.EINVALID, "query parameter %s given %d times: give it once", name, len(vs))
		}
		if p := known[i]; p.Values != nil && vs[0] != "" && !slices.Contains(p.Values, vs[0]) {
			return entente.Errorf(entente.EINVALID, "query parameter %s: %q is not one of %s", name, vs[0], strings.Join(p.Values, ", "))
		}
	}
	return nil
}

// reads says which parameters a route reads.
func reads(known []queryParam) string {
	if len(known) == 0 {
		return "this request takes no query parameters"
	}
	var names []string
	for _, p := range known {
		names = append(names, p.Name)
	}
	return "this request reads " + strings.Join(names, ", ")
}

// maxURI bounds a request's path and query: no page or API call needs
// more, and the cache keys on them.
const maxURI = 8 << 10

// admit refuses a request whose URI is too long (414), or whose query
// string does not parse (400): Go would drop a pair holding ";" or a bad
// escape without a word, and as_of=2020-01-01;x would read as today.
func admit(r *http.Request) error {
	if n := len(r.URL.EscapedPath()) + len(r.URL.RawQuery); n > maxURI {
		return &statusError{status: http.StatusRequestURITooLong,
			err: entente.Errorf(entente.EINVALID, "the address is %d bytes long; at most %d are read", n, maxURI)}
	}
	if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
		return entente.Errorf(entente.EINVALID, "malformed query string: %v", err)
	}
	return nil
}

// pageParams lists, per page route pattern, the query parameters the page
// reads besides as_of and alliance, which every page reads.
var pageParams = map[string][]string{
	"GET /timeline":       {"country"},
	"GET /audit":          {"entity", "key", "actor", "before"},
	"GET /login":          {"back"},
	"GET /setup":          {"token"},
	"GET /account/tokens": {"all"},
	"GET /admin/users":    {"added"},
	// The record forms (issue 10): a confirmation's panel, the menu
	// search and the offer chosen.
	"GET /activities/{id}":         {"done"},
	"GET /programmes/{id}":         {"done"},
	"GET /programmes/agree":        {"partner", "done", "area"},
	"GET /programmes/{id}/propose": {"q", "area", "offer"},
	// A confirmed accession step's page says what was recorded.
	"GET /countries/{iso3}/accession": {"done", "by"},
	// The calendar's filters (a bad value is a 400 naming it).
	"GET /calendar":      {"month", "programme", "partner", "status", "area"},
	"GET /calendar/list": {"programme", "partner", "status", "area"},
	// An import's confirmation on the menu page.
	"GET /menu": {"imported", "file", "added", "replaced", "unchanged"},
}

// keepPageParams drops from a page request's query the parameters the page
// does not read, and puts the rest in canonical order: the page, its links
// and the cache key then depend on them alone, so ?utm_source=... or junk
// makes no page of its own. It returns r with that query.
func (s *Server) keepPageParams(r *http.Request) *http.Request {
	if r.URL.RawQuery == "" {
		return r
	}
	_, pattern := s.mux.Handler(r)
	q := r.URL.Query()
	for name := range q {
		if name != "as_of" && name != allianceParam && !slices.Contains(pageParams[pattern], name) {
			delete(q, name)
		}
	}
	u := *r.URL
	u.RawQuery = q.Encode()
	r2 := *r
	r2.URL = &u
	return &r2
}
