package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/entente/entente"
)

var funcs = template.FuncMap{
	"join": strings.Join,
}

func (s *Server) routes() {
	m := s.mux
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
	m.HandleFunc("GET /api/v1/alliances/{code}", s.apiAlliance)
	m.HandleFunc("GET /api/v1/alliances/{code}/members", s.apiMembers)
	m.HandleFunc("GET /api/v1/alliances/{code}/partners", s.apiPartners)
	m.HandleFunc("GET /api/v1/alliances/{code}/accession/{iso3}", s.apiAccessionCheck)
	m.HandleFunc("GET /api/v1/countries/{iso3}", s.apiCountry)
	m.HandleFunc("GET /countries/{iso3}", s.pageCountry)
	m.HandleFunc("GET /{$}", s.pageHome)
	s.programmeRoutes()
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, entente.Errorf(entente.ENOTFOUND, "no page at %s", r.URL.Path))
	})
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

func (s *Server) apiAlliance(w http.ResponseWriter, r *http.Request) {
	d, err := asOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.svc.Alliance(r.Context(), upper(r, "code"), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, v)
}

func (s *Server) apiMembers(w http.ResponseWriter, r *http.Request) {
	d, err := asOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.svc.Members(r.Context(), upper(r, "code"), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, v)
}

func (s *Server) apiPartners(w http.ResponseWriter, r *http.Request) {
	d, err := asOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.svc.Partners(r.Context(), upper(r, "code"), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, v)
}

func (s *Server) apiAccessionCheck(w http.ResponseWriter, r *http.Request) {
	d, err := asOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.svc.CheckAccession(r.Context(), upper(r, "code"), upper(r, "iso3"), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, v)
}

func (s *Server) apiCountry(w http.ResponseWriter, r *http.Request) {
	d, err := asOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.svc.Country(r.Context(), upper(r, "iso3"), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, v)
}

func (s *Server) pageCountry(w http.ResponseWriter, r *http.Request) {
	d, err := asOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.svc.Country(r.Context(), upper(r, "iso3"), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "country.html", v)
}

func (s *Server) pageHome(w http.ResponseWriter, r *http.Request) {
	d, err := asOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	members, err := s.svc.Members(r.Context(), "NATO", d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "home.html", members)
}
