package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/entente/entente"
	"github.com/entente/entente/dataset"
)

// The rest of the record under /api/v1 (issue 11, item 1): countries, an
// alliance's frameworks, partner groups, operations, meetings and
// collective-defence events, the whole-store export, and GET /api/v1, an
// index of what is there read from the OpenAPI document.

func (s *Server) resourceRoutes() {
	m := s.mux
	m.HandleFunc("GET /api/v1", s.apiIndexAnswer)
	m.HandleFunc("GET /api/v1/countries", s.apiCountries)
	m.HandleFunc("GET /api/v1/alliances/{code}/frameworks", s.apiFrameworks)
	m.HandleFunc("GET /api/v1/alliances/{code}/groups", s.apiGroups)
	m.HandleFunc("GET /api/v1/alliances/{code}/operations", s.apiOperations)
	m.HandleFunc("GET /api/v1/alliances/{code}/operations/{op}", s.apiOperation)
	m.HandleFunc("GET /api/v1/alliances/{code}/meetings", s.apiMeetings)
	m.HandleFunc("GET /api/v1/alliances/{code}/defence-events", s.apiDefenceEvents)
	m.HandleFunc("GET /api/v1/export", s.apiExport)
}

// apiIndex is the API's index (GET /api/v1).
type apiIndex struct {
	// Description says what the API is.
	Description string `json:"description"`
	// OpenAPI is the address of the OpenAPI document.
	OpenAPI string `json:"openapi"`
	// Resources are the API's addresses, in path order.
	Resources []apiResource `json:"resources"`
}

// apiResource is one address of the API.
type apiResource struct {
	// Path is the address, with its parameters in braces.
	Path string `json:"path"`
	// Methods are the HTTP methods it takes.
	Methods []string `json:"methods"`
	// Summary says what it answers (its GET's, when it has one).
	Summary string `json:"summary"`
}

// apiIndexAnswer answers GET /api/v1: every address of the API with its methods
// and what it is, from the OpenAPI document, so the two cannot differ.
func (s *Server) apiIndexAnswer(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(entente.Date) (any, error) { return theAPIIndex() })
}

// theAPIIndex is the API's index, made once from the OpenAPI document: the
// routes and types both are made from do not change while the program runs.
var theAPIIndex = sync.OnceValues(func() (apiIndex, error) {
	out := apiIndex{"entente's JSON API: every address, its methods and what it answers; the OpenAPI document describes each in full",
		"/api/v1/openapi.json", []apiResource{}}
	b, err := json.Marshal(theOpenAPIDoc())
	if err != nil {
		return out, err
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Summary string `json:"summary"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return out, err
	}
	for path, ops := range doc.Paths {
		res := apiResource{Path: path}
		for method, op := range ops {
			if !slices.Contains([]string{"get", "post", "put", "patch", "delete"}, method) {
				continue
			}
			res.Methods = append(res.Methods, strings.ToUpper(method))
			if res.Summary == "" || method == "get" {
				res.Summary = op.Summary
			}
		}
		slices.Sort(res.Methods)
		out.Resources = append(out.Resources, res)
	}
	slices.SortFunc(out.Resources, func(a, b apiResource) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
})

func (s *Server) apiCountries(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(entente.Date) (any, error) { return s.svc.BrowseCountries(r.Context()) })
}

func (s *Server) apiFrameworks(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(d entente.Date) (any, error) {
		fs, _, err := s.svc.BrowsePartnerships(r.Context(), upper(r, "code"), d)
		return fs, err
	})
}

func (s *Server) apiGroups(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(d entente.Date) (any, error) {
		_, gs, err := s.svc.BrowsePartnerships(r.Context(), upper(r, "code"), d)
		return gs, err
	})
}

func (s *Server) apiOperations(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(d entente.Date) (any, error) {
		ops, _, err := s.svc.BrowseOperations(r.Context(), upper(r, "code"), d)
		return ops, err
	})
}

// apiOperation answers one operation with its contributors, as it stood
// on the day.
func (s *Server) apiOperation(w http.ResponseWriter, r *http.Request) {
	s.record(w, r, func(d entente.Date) (any, error) {
		ops, _, err := s.svc.BrowseOperations(r.Context(), upper(r, "code"), d)
		if err != nil {
			return nil, err
		}
		code := upper(r, "op")
		for _, op := range ops {
			if strings.EqualFold(op.Code, code) {
				return op, nil
			}
		}
		return nil, entente.Errorf(entente.ENOTFOUND, "no operation %q of %s (on %s it may not have begun yet)", r.PathValue("op"), upper(r, "code"), s.svc.Today())
	})
}

func (s *Server) apiMeetings(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(d entente.Date) (any, error) { return s.svc.BrowseMeetings(r.Context(), upper(r, "code"), d) })
}

func (s *Server) apiDefenceEvents(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(d entente.Date) (any, error) { return s.svc.BrowseDefenceEvents(r.Context(), upper(r, "code"), d) })
}

// apiExport streams the whole store as one JSON document (the format of
// entente import), as the caller may read it: read from one snapshot, one
// activity at a time, so memory does not grow with the store. An error
// after the first byte cannot change the status: the document is cut
// short (invalid JSON) and the error logged.
func (s *Server) apiExport(w http.ResponseWriter, r *http.Request) {
	if _, err := asOf(r); err != nil {
		s.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("as_of") != "" {
		s.fail(w, r, entente.Errorf(entente.EINVALID, "as_of: the export is the whole record, every day of it; leave as_of out"))
		return
	}
	var jw *dataset.JSONWriter
	started := false
	start := func() {
		if !started {
			started = true
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Disposition", `attachment; filename="entente-export.json"`)
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusOK)
			jw = dataset.NewJSONWriter(w)
		}
	}
	err := s.svc.ExportStream(r.Context(), func(ds *entente.Dataset) error {
		start()
		return jw.Base(ds)
	}, func(a *entente.Activity) error { return jw.Activity(a) })
	if err == nil {
		err = jw.Close()
	}
	if err != nil && !started {
		s.fail(w, r, err)
		return
	}
	if err != nil {
		s.log.Error("export cut short", "err", err)
	}
}
