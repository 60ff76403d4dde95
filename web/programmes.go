package web

import (
	"bytes"
	"context"
	"html/template"
	"io"
	"net/http"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// programmeRoutes registers the programme, activity and menu pages and API
// (issue 3). Writes take JSON bodies; each answers with the record written,
// or with problem details naming the rule that refused it.
func (s *Server) programmeRoutes() {
	m := s.mux
	m.HandleFunc("GET /api/v1/programmes", s.apiProgrammes)
	m.HandleFunc("POST /api/v1/programmes", write(s, http.StatusCreated, s.svc.AgreeProgramme, func(r *http.Request, q *service.AgreeRequest) {}))
	m.HandleFunc("GET /api/v1/programmes/{id}", s.apiProgramme)
	m.HandleFunc("GET /api/v1/programmes/{id}/progress", s.apiProgress)
	m.HandleFunc("GET /api/v1/programmes/{id}/progress.svg", s.apiProgressSVG)
	m.HandleFunc("GET /api/v1/programmes/{id}/diff/{other}", s.apiDiff)
	m.HandleFunc("GET /api/v1/programmes/{id}/activities", s.apiProgrammeActivities)
	m.HandleFunc("POST /api/v1/programmes/{id}/reviews", write(s, http.StatusCreated, s.svc.ReviewProgramme, func(r *http.Request, q *service.ReviewRequest) {
		q.Programme, q.IfMatch = r.PathValue("id"), r.Header.Get("If-Match")
	}))
	m.HandleFunc("POST /api/v1/programmes/{id}/objectives", write(s, http.StatusOK, s.svc.PutObjective, func(r *http.Request, q *service.ObjectiveRequest) {
		q.Programme, q.IfMatch = r.PathValue("id"), r.Header.Get("If-Match")
	}))
	m.HandleFunc("GET /api/v1/programmes/{id}/objectives/{code}", s.apiObjective)
	m.HandleFunc("POST /api/v1/programmes/{id}/goals", write(s, http.StatusOK, s.svc.PutGoal, func(r *http.Request, q *service.GoalRequest) {
		q.Programme, q.IfMatch = r.PathValue("id"), r.Header.Get("If-Match")
	}))
	m.HandleFunc("GET /api/v1/programmes/{id}/goals/{code}", s.apiGoal)
	m.HandleFunc("POST /api/v1/activities", write(s, http.StatusCreated, s.svc.ProposeActivity, func(r *http.Request, q *service.ProposeRequest) {}, func(a *entente.Activity) string { return "/api/v1/activities/" + a.ID }))
	m.HandleFunc("GET /api/v1/activities/{id}", s.apiActivity)
	m.HandleFunc("POST /api/v1/activities/{id}/{step}", s.apiActivityStep)
	m.HandleFunc("GET /api/v1/menu", s.apiMenu)
	m.HandleFunc("POST /api/v1/menu", s.apiMenuImport)
	m.HandleFunc("GET /programmes/{id}", s.pageProgramme)
	m.HandleFunc("GET /programmes/{id}/diff/{other}", s.pageDiff)
	m.HandleFunc("GET /activities/{id}", s.pageActivity)
	m.HandleFunc("GET /menu", s.pageMenu)
	s.activityFormRoutes()
	s.agreeRoutes()
}

// write makes a handler for a JSON write: it decodes the body into a
// request, lets prepare fill in what the path decides (the record's id),
// runs the use case and answers with what it wrote (and its address, if
// location is given), or with problem details naming the rule that refused
// it. Who acts comes from the request's context, never from the body.
// A change of an existing record must name the version it was made from
// (If-Match, which prepare copies into the request): the service refuses
// one that names none (428) or an old one (412).
func write[Req, Res any](s *Server, status int, run func(context.Context, Req) (Res, error), prepare func(*http.Request, *Req), location ...func(Res) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req Req
		if err := s.decode(w, r, &req); err != nil {
			s.fail(w, r, err)
			return
		}
		prepare(r, &req)
		v, err := run(service.RequireVersions(r.Context()), req)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, loc := range location {
			w.Header().Set("Location", loc(v))
		}
		s.writeJSON(w, status, v)
	}
}

// actor is who makes an API change: the body's actor, else "api".
func (s *Server) apiProgrammes(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(d entente.Date) (any, error) {
		partner := strings.ToUpper(r.URL.Query().Get("partner"))
		if partner == "" {
			return nil, entente.Errorf(entente.EINVALID, "name the partner: /api/v1/programmes?partner=NZL")
		}
		return s.svc.ProgrammesOf(r.Context(), partner, d)
	})
}

func (s *Server) apiProgramme(w http.ResponseWriter, r *http.Request) {
	s.record(w, r, func(d entente.Date) (any, error) { return s.svc.Programme(r.Context(), r.PathValue("id"), d) })
}

func (s *Server) apiGoal(w http.ResponseWriter, r *http.Request) {
	s.record(w, r, func(entente.Date) (any, error) {
		return s.svc.Goal(r.Context(), r.PathValue("id"), r.PathValue("code"))
	})
}

func (s *Server) apiObjective(w http.ResponseWriter, r *http.Request) {
	s.record(w, r, func(entente.Date) (any, error) {
		return s.svc.Objective(r.Context(), r.PathValue("id"), r.PathValue("code"))
	})
}

func (s *Server) apiProgress(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(d entente.Date) (any, error) {
		return s.svc.Progress(r.Context(), r.PathValue("id"), d)
	})
}

func (s *Server) apiProgressSVG(w http.ResponseWriter, r *http.Request) {
	d, err := asOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.svc.Programme(r.Context(), r.PathValue("id"), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	io.WriteString(w, ProgressSVG(v.Progress))
}

func (s *Server) apiDiff(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(entente.Date) (any, error) {
		return s.svc.DiffProgrammes(r.Context(), r.PathValue("id"), r.PathValue("other"))
	})
}

func (s *Server) apiProgrammeActivities(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(entente.Date) (any, error) {
		p, err := pageOf(r)
		if err == nil && p.offset > 0 {
			err = entente.Errorf(entente.EINVALID, "cursor: not a cursor this list gave; start again without one")
		}
		if err != nil {
			return nil, err
		}
		as, err := s.svc.Activities(r.Context(), entente.ActivityFilter{Programme: r.PathValue("id"),
			Status: entente.ActivityStatus(r.URL.Query().Get("status")), After: p.after, Limit: p.limit + 1})
		if err == nil && len(as) > p.limit {
			as = as[:p.limit]
			setNext(w, r, 'k', as[len(as)-1].ID)
		}
		return as, err
	})
}

func (s *Server) apiActivity(w http.ResponseWriter, r *http.Request) {
	s.record(w, r, func(entente.Date) (any, error) { return s.svc.Activity(r.Context(), r.PathValue("id")) })
}

func (s *Server) apiActivityStep(w http.ResponseWriter, r *http.Request) {
	step := entente.ActivityStep(r.PathValue("step"))
	known := false
	for _, st := range entente.ActivitySteps {
		known = known || st == step
	}
	if !known {
		s.fail(w, r, entente.Errorf(entente.ENOTFOUND, "no activity step %q: want approve, invite, register, hold, report or cancel", step))
		return
	}
	var req service.ActivityRequest
	if err := s.decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	req.ID, req.IfMatch = r.PathValue("id"), r.Header.Get("If-Match")
	v, err := s.svc.StepActivity(service.RequireVersions(r.Context()), step, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, v)
}

func (s *Server) apiMenu(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "Accept")
	media, ok := negotiate(r.Header.Get("Accept"))
	if !ok && r.URL.Query().Get("format") == "" {
		s.fail(w, r, notAcceptable(r.Header.Get("Accept")))
		return
	}
	offers, err := s.svc.Menu(r.Context())
	if err == nil && r.URL.Query().Get("format") == "" {
		// A page of the list; ?format= asks for the whole menu file.
		var page any
		if page, err = pageList(w, r, offers); err == nil {
			offers = page.([]entente.Offer)
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if media == mediaCSV && r.URL.Query().Get("format") == "" {
		t, rows := csvOf(offers)
		s.writeCSV(w, r, t, rows, "")
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		var buf bytes.Buffer
		if err := service.WriteMenuCSV(&buf, offers); err != nil {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Write(buf.Bytes())
		return
	}
	if offers == nil {
		offers = []entente.Offer{}
	}
	s.writeJSON(w, http.StatusOK, offers)
}

// apiMenuImport imports a menu posted as CSV (Content-Type text/csv) or
// JSON (application/json), all or nothing; ?format= may say which when the
// Content-Type does not. A body past s.maxImport is refused with 413.
func (s *Server) apiMenuImport(w http.ResponseWriter, r *http.Request) {
	mt, ok := mediaType(r)
	if !ok || (mt != "text/csv" && mt != "application/json") {
		s.fail(w, r, unsupportedType(r.Header.Get("Content-Type"), "text/csv", "application/json"))
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = map[string]string{"text/csv": "csv", "application/json": "json"}[mt]
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "request"
	}
	body := &overLimit{r: http.MaxBytesReader(w, r.Body, s.maxImport), limit: s.maxImport}
	n, err := s.svc.ImportMenu(r.Context(), name, format, body)
	if body.over {
		err = tooLarge(body.limit)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, menuImported{Imported: n})
}

// programmePage is the programme page's data.
type programmePage struct {
	*service.ProgrammeView
	Chart      template.HTML
	Rows       []ChartRow
	Activities []entente.Activity
	More       int
	// MayPropose: the one signed in may propose activities under it;
	// MayStaff: may review it and agree its successor.
	MayPropose, MayStaff bool
	// CarriedOver counts its goals carried over from the programme it
	// superseded; Done is the form just sent with success (agree,
	// review), for the panel.
	CarriedOver int
	Done        string
	// OverdueShown are the overdue items the page lists: the
	// maxOverdueShown due longest ago, of Progress.Overdue.
	OverdueShown []entente.Attention
	// The review form's values and problems, and the version of the
	// programme (as it stands today) the form was opened with.
	Review        struct{ Note, Date string }
	ReviewVersion string
	Problems      formProblems
	// MayGoals and MayObjectives say whether the signed-in principal may
	// change the programme's goals and objectives: the page then links
	// their forms (programme_forms.go).
	MayGoals, MayObjectives bool
}

// diffPage is the diff page's data.
type diffPage struct {
	*entente.ProgrammeDiff
	Added, Removed, Changed int
}

func (s *Server) pageDiff(w http.ResponseWriter, r *http.Request) {
	s.view(w, r, "programme-diff.html", "", func(d entente.Date) (page, error) {
		v, err := s.svc.DiffProgrammes(r.Context(), r.PathValue("id"), r.PathValue("other"))
		if err != nil {
			return page{}, err
		}
		return page{Title: "Changes from " + v.From + " to " + v.To, Data: diffPage{ProgrammeDiff: v,
			Added: v.Count(entente.DiffAdded), Removed: v.Count(entente.DiffRemoved), Changed: v.Count(entente.DiffChanged)}}, nil
	})
}

func (s *Server) pageMenu(w http.ResponseWriter, r *http.Request) {
	s.view(w, r, "menu.html", "Cooperation menu", func(d entente.Date) (page, error) {
		offers, err := s.svc.Menu(r.Context())
		p := page{Data: offers, Extra: s.menuExtra(r)}
		if p.Extra != nil {
			w.Header().Set("Cache-Control", "no-store")
		}
		return p, err
	})
}
