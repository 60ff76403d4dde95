package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// The history of a record (issue 10, item 4): GET /history/{entity}/{key}
// lists its versions, oldest first, each with when, why, its sources, who
// made it (for staff and admins, who read the audit log) and what changed,
// field by field; GET /api/v1/history/{entity}/{key} is the same as JSON.
// With ?as_of= the page marks the version in force at the end of that day,
// so a record's page viewed as of a day links to the version it showed.
// The service decides what the principal may see: a record hidden from it
// is not found here either.

func init() {
	extraFuncs["historyHref"] = historyHref
}

func (s *Server) historyRoutes() {
	s.mux.HandleFunc("GET /history/{entity}/{key...}", s.pageHistory)
	s.mux.HandleFunc("GET /api/v1/history/{entity}/{key...}", s.apiHistory)
}

// historyHref is the address of a record's history: keys keep their
// slashes (a goal is PROGRAMME/CODE), each segment escaped.
func historyHref(entity, key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "/history/" + url.PathEscape(entity) + "/" + strings.Join(parts, "/")
}

// historyPage is what history.html shows.
type historyPage struct {
	*service.RecordHistory
	// InForce is the number of the version in force at the end of the
	// page's day; 0 when the record had none yet.
	InForce int
	// Dated says the page was asked about a day (?as_of=).
	Dated bool
	// RecordHref is the record's own page, where it has one.
	RecordHref string
}

func (s *Server) pageHistory(w http.ResponseWriter, r *http.Request) {
	entity, key := r.PathValue("entity"), r.PathValue("key")
	s.view(w, r, "history.html", "", func(d entente.Date) (page, error) {
		h, err := s.svc.History(r.Context(), entity, key)
		if err != nil {
			return page{}, err
		}
		hp := historyPage{RecordHistory: h, Dated: r.URL.Query().Get("as_of") != "", RecordHref: recordHref(entity, key)}
		if v := h.InForce(d); v != nil {
			hp.InForce = v.N
		}
		return page{Title: "History of " + entity + " " + key, Data: hp}, nil
	})
}

func (s *Server) apiHistory(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(entente.Date) (any, error) {
		return s.svc.History(r.Context(), r.PathValue("entity"), r.PathValue("key"))
	})
}

// recordHref is the page of the record the audit log names entity and
// key, or "" when it has none of its own.
func recordHref(entity, key string) string {
	switch entity {
	case "activity":
		return "/activities/" + url.PathEscape(key)
	case "programme":
		return "/programmes/" + url.PathEscape(key)
	case "objective", "goal":
		prog, _, _ := strings.Cut(key, "/")
		return "/programmes/" + url.PathEscape(prog)
	case "membership", "partnership":
		parts := strings.Split(key, "/")
		if len(parts) > 1 {
			return "/countries/" + url.PathEscape(parts[1])
		}
	case entente.FactContribution:
		return "/operations"
	case entente.FactMeeting, entente.FactInvitation:
		meeting, _, _ := strings.Cut(key, "/")
		return "/meetings#" + url.PathEscape(meeting)
	case entente.FactDefenceEvent:
		return "/collective-defence#" + url.PathEscape(key)
	case entente.FactSource:
		return "/sources#" + url.PathEscape(key)
	}
	return ""
}
