package web

import (
	"net/http"
	"strings"

	"github.com/entente/entente"
)

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /metrics", s.serveMetrics)
	// The middleware serves static files before the mux; the route is
	// here so that they are counted under it.
	m.Handle("GET /static/", s.assets)
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	m.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := s.ready(r.Context()); err != nil {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ready\n"))
	})
	m.HandleFunc("GET /api/v1/openapi.json", s.apiOpenAPI)
	s.apiDocsRoutes()
	m.HandleFunc("GET /api/v1/alliances", s.apiAlliances)
	m.HandleFunc("GET /api/v1/alliances/{code}", s.apiAlliance)
	m.HandleFunc("GET /api/v1/alliances/{code}/members", s.apiMembers)
	m.HandleFunc("GET /api/v1/alliances/{code}/partners", s.apiPartners)
	m.HandleFunc("GET /api/v1/alliances/{code}/accession/{iso3}", s.apiAccessionCheck)
	m.HandleFunc("GET /api/v1/alliances/{code}/memberships/{iso3}", s.apiMembership)
	m.HandleFunc("GET /api/v1/countries/{iso3}", s.apiCountry)
	m.HandleFunc("GET /api/v1/sources", s.apiSources)
	m.HandleFunc("GET /api/v1/partners/{iso3}/profile", s.apiProfile)
	m.HandleFunc("GET /api/v1/timeline", s.apiTimeline)
	m.HandleFunc("GET /api/v1/coverage", s.apiCoverage)
	m.HandleFunc("GET /countries", s.pageCountries)
	m.HandleFunc("GET /countries/{iso3}", s.pageCountry)
	s.accessionRoutes()
	m.HandleFunc("GET /{$}", s.pageHome)
	m.HandleFunc("GET /members", s.pageMembers)
	m.HandleFunc("GET /partners", s.pagePartners)
	m.HandleFunc("GET /partners/{iso3}", s.pageProfile)
	m.HandleFunc("GET /operations", s.pageOperations)
	m.HandleFunc("GET /meetings", s.pageMeetings)
	m.HandleFunc("GET /collective-defence", s.pageDefence)
	m.HandleFunc("GET /sources", s.pageSources)
	m.HandleFunc("GET /coverage", s.pageCoverage)
	m.HandleFunc("GET /timeline", s.pageTimeline)
	m.HandleFunc("GET /privacy", s.pagePrivacy)
	m.HandleFunc("GET /stats", s.pageStats)
	m.HandleFunc("POST /consent", s.postConsent)
	m.HandleFunc("GET /login", s.pageLogin)
	m.HandleFunc("POST /login", s.postLogin)
	m.HandleFunc("POST /logout", s.postLogout)
	m.HandleFunc("GET /account", s.pageAccount)
	m.HandleFunc("POST /account/sessions/{id}/revoke", s.postRevokeSession)
	s.tokenRoutes()
	s.userRoutes()
	m.HandleFunc("GET /setup", s.pageSetup)
	m.HandleFunc("POST /setup", s.postSetup)
	m.HandleFunc("GET /programmes", s.pageProgrammes)
	s.programmeRoutes()
	s.programmeFormRoutes()
	s.calendarRoutes()
	s.menuUploadRoutes()
	s.auditRoutes()
	s.searchRoutes()
	s.historyRoutes()
	s.changeRoutes()
	s.resourceRoutes()
	s.factAPIRoutes()
	s.factFormRoutes()
	m.HandleFunc(catchAll, s.noRoute)
}

// catchAll is the pattern of the handler for requests no route takes. It
// matches every method, so the mux never answers by itself: wrong methods
// go through the one error renderer too.
const catchAll = "/"

// methods are the methods a route may be registered for. HEAD is allowed
// wherever GET is (the mux serves HEAD from GET routes).
var methods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// noRoute answers a request no route took: 405 with an Allow header when
// the path exists for other methods, else 404.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	if allow := s.allowed(r); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.fail(w, r, &statusError{status: http.StatusMethodNotAllowed, err: entente.Errorf(entente.EINVALID,
			"%s does not take %s; it takes %s", r.URL.Path, r.Method, strings.Join(allow, ", "))})
		return
	}
	s.fail(w, r, entente.Errorf(entente.ENOTFOUND, "no page at %s", r.URL.Path))
}

// allowed lists the methods some route other than the catch-all takes for
// r's path; static files take GET and HEAD.
func (s *Server) allowed(r *http.Request) []string {
	if strings.HasPrefix(r.URL.Path, "/static/") {
		return []string{http.MethodGet, http.MethodHead}
	}
	var allow []string
	for _, m := range methods {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != catchAll {
			allow = append(allow, m)
		}
	}
	return allow
}

// asOf reads ?as_of=.
func asOf(r *http.Request) (entente.Date, error) {
	d, err := entente.ParseDate(r.URL.Query().Get("as_of"))
	if err != nil {
		return d, entente.Errorf(entente.EINVALID, "as_of: %v", err)
	}
	return d, nil
}

func upper(r *http.Request, name string) string { return strings.ToUpper(r.PathValue(name)) }

// api answers a JSON read. get receives the as-of day (?as_of=, today when
// absent); reads that do not depend on it ignore it.
func (s *Server) api(w http.ResponseWriter, r *http.Request, get func(entente.Date) (any, error)) {
	s.answer(w, r, get, false)
}

// answer is api, and with versioned, record.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, get func(entente.Date) (any, error), versioned bool) {
	d, err := asOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	media := mediaJSON
	if csvAPI[r.Pattern] {
		// A list answers CSV to a client that asks for it (see csv.go).
		w.Header().Add("Vary", "Accept")
		var ok bool
		if media, ok = negotiate(r.Header.Get("Accept")); !ok {
			s.fail(w, r, notAcceptable(r.Header.Get("Accept")))
			return
		}
	}
	v, err := get(d)
	if _, list := listSorts[r.Pattern]; err == nil && list && !storePaged[r.Pattern] {
		v, err = pageList(w, r, v)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if t, rows := csvOf(v); media == mediaCSV && t != nil {
		if versioned {
			w.Header().Set("ETag", entente.Version(v))
		}
		s.writeCSV(w, r, t, rows, "")
		return
	}
	if versioned {
		s.writeJSONVersioned(w, http.StatusOK, v)
		return
	}
	s.writeJSON(w, http.StatusOK, v)
}

func (s *Server) apiAlliances(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(entente.Date) (any, error) { return s.svc.Alliances(r.Context()) })
}

// record answers a JSON read of one record like api, with the record's
// version (entente.Version of the value answered) as its strong ETag: a
// client sends it back as If-Match to change the record, or as
// If-None-Match to be answered 304 while it has not changed.
func (s *Server) record(w http.ResponseWriter, r *http.Request, get func(entente.Date) (any, error)) {
	s.answer(w, r, get, true)
}

func (s *Server) apiAlliance(w http.ResponseWriter, r *http.Request) {
	s.record(w, r, func(d entente.Date) (any, error) { return s.svc.Alliance(r.Context(), upper(r, "code"), d) })
}

func (s *Server) apiMembership(w http.ResponseWriter, r *http.Request) {
	s.record(w, r, func(entente.Date) (any, error) {
		return s.svc.Membership(r.Context(), upper(r, "code"), upper(r, "iso3"))
	})
}

func (s *Server) apiMembers(w http.ResponseWriter, r *http.Request) {
	s.apiSpanned(w, r, func(d entente.Date) (any, entente.Period, error) {
		return s.svc.MembersSpan(r.Context(), upper(r, "code"), d)
	})
}

func (s *Server) apiPartners(w http.ResponseWriter, r *http.Request) {
	s.apiSpanned(w, r, func(d entente.Date) (any, entente.Period, error) {
		return s.svc.PartnersSpan(r.Context(), upper(r, "code"), d)
	})
}

// apiSpanned is api for a read that tells the span of days around the day
// asked for on which its answer is the same: the cache keeps the answer
// once for the span (spans.go).
func (s *Server) apiSpanned(w http.ResponseWriter, r *http.Request, get func(entente.Date) (any, entente.Period, error)) {
	s.api(w, r, func(d entente.Date) (any, error) {
		v, span, err := get(d)
		if err == nil {
			holdsFor(w, span)
		}
		return v, err
	})
}

func (s *Server) apiAccessionCheck(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(d entente.Date) (any, error) {
		return s.svc.CheckAccession(r.Context(), upper(r, "code"), upper(r, "iso3"), d)
	})
}

func (s *Server) apiCountry(w http.ResponseWriter, r *http.Request) {
	s.record(w, r, func(d entente.Date) (any, error) { return s.svc.Country(r.Context(), upper(r, "iso3"), d) })
}

// apiSources lists the sources the caller may read, or those of them that
// ?id= names (comma-separated).
func (s *Server) apiSources(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(entente.Date) (any, error) {
		var ids []string
		if q := r.URL.Query().Get("id"); q != "" {
			ids = strings.Split(q, ",")
		}
		return s.svc.Sources(r.Context(), ids)
	})
}

func (s *Server) apiProfile(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(d entente.Date) (any, error) {
		a, err := s.allianceCode(r)
		if err != nil {
			return nil, err
		}
		return s.svc.Profile(r.Context(), a, upper(r, "iso3"), d)
	})
}

// apiCoverage is what the record holds (service.Coverage): as of ?as_of=
// when given, else every fact, as entente coverage prints it.
func (s *Server) apiCoverage(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(d entente.Date) (any, error) { return s.svc.Coverage(r.Context(), d) })
}

func (s *Server) apiTimeline(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(d entente.Date) (any, error) {
		a, err := s.allianceCode(r)
		if err != nil {
			return nil, err
		}
		return s.svc.Timeline(r.Context(), a, strings.ToUpper(r.URL.Query().Get("country")), d)
	})
}
