package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// The audit log, for staff: GET /audit (a page) and GET /api/v1/audit (its
// JSON), filtered by record (?entity=&key=) and by actor (?actor=), newest
// first, a page at a time (?before=ID, the next page's link); GET
// /api/v1/audit/verify checks its hash chain. Who may read them is decided
// in one place, the service (service.AuditLog and VerifyAudit let staff and
// admins only): the handlers pass the request's context on and render the
// refusal like any other error.

func (s *Server) auditRoutes() {
	s.mux.HandleFunc("GET /audit", s.pageAudit)
	s.mux.HandleFunc("GET /api/v1/audit", s.apiAudit)
	s.mux.HandleFunc("GET /api/v1/audit/verify", s.apiAuditVerify)
}

// auditFilter reads the audit log's query parameters; limit only when the
// API asks (a page shows service.AuditPageSize events).
func auditFilter(r *http.Request, api bool) (entente.AuditFilter, error) {
	q := r.URL.Query()
	f := entente.AuditFilter{Entity: q.Get("entity"), Key: q.Get("key"), Actor: q.Get("actor")}
	whole := func(name string) (int64, error) {
		v := q.Get(name)
		if v == "" {
			return 0, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return 0, entente.Errorf(entente.EINVALID, "%s: %q is not a whole number of 1 or more", name, v)
		}
		return n, nil
	}
	var err error
	if f.Before, err = whole("before"); err != nil {
		return f, err
	}
	if api {
		n, err := whole("limit")
		if err != nil {
			return f, err
		}
		if n > service.MaxAuditPage {
			return f, entente.Errorf(entente.EINVALID, "limit: at most %d events a page", service.MaxAuditPage)
		}
		f.Limit = int(n)
	}
	return f, nil
}

// auditHref is the address of the audit log under f, at path.
func auditHref(path string, f entente.AuditFilter) string {
	q := url.Values{}
	for name, v := range map[string]string{"entity": f.Entity, "key": f.Key, "actor": f.Actor} {
		if v != "" {
			q.Set(name, v)
		}
	}
	if f.Before > 0 {
		q.Set("before", strconv.FormatInt(f.Before, 10))
	}
	if f.Limit > 0 && path != "/audit" {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// auditResponse is the API's page of the log: the events, each with its
// before and after as JSON objects and its changes, and the next page's
// address.
type auditResponse struct {
	Events []service.AuditEntry `json:"events"`
	Next   string               `json:"next,omitempty"`
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) {
	// Private to staff: neither the page cache nor the browser keeps it.
	w.Header().Set("Cache-Control", "no-store")
	s.api(w, r, func(entente.Date) (any, error) {
		f, err := auditFilter(r, true)
		if err != nil {
			return nil, err
		}
		p, err := s.svc.AuditLog(r.Context(), f)
		if err != nil {
			return nil, err
		}
		out := auditResponse{Events: p.Events}
		if p.Next > 0 {
			next := p.Filter
			next.Before = p.Next
			out.Next = auditHref("/api/v1/audit", next)
		}
		return out, nil
	})
}

func (s *Server) apiAuditVerify(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	s.api(w, r, func(entente.Date) (any, error) { return s.svc.VerifyAudit(r.Context()) })
}

// auditView is what the audit page shows of one event.
type auditView struct {
	service.AuditEntry
	// RecordHref and ActorHref filter the log by the event's record, and
	// by its actor.
	RecordHref, ActorHref string
}

type auditData struct {
	Filter   entente.AuditFilter
	Filtered bool
	Events   []auditView
	NextHref string
}

func (s *Server) pageAudit(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	s.view(w, r, "audit.html", "Audit log", func(entente.Date) (page, error) {
		f, err := auditFilter(r, false)
		if err != nil {
			return page{}, err
		}
		p, err := s.svc.AuditLog(r.Context(), f)
		if err != nil {
			return page{}, err
		}
		d := auditData{Filter: f, Filtered: f.Entity != "" || f.Key != "" || f.Actor != "" || f.Before > 0}
		for _, e := range p.Events {
			d.Events = append(d.Events, auditView{AuditEntry: e,
				RecordHref: auditHref("/audit", entente.AuditFilter{Entity: e.Entity, Key: e.Key}),
				ActorHref:  auditHref("/audit", entente.AuditFilter{Actor: e.Actor})})
		}
		if p.Next > 0 {
			next := p.Filter
			next.Before, next.Limit = p.Next, 0
			d.NextHref = auditHref("/audit", next)
		}
		return page{Data: d, Timeless: true}, nil
	})
}
