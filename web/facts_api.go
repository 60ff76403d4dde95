package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/jsondec"
	"github.com/entente/entente/service"
)

// The record's facts through the API (issue 11, item 1): for each kind, a
// GET of one record with its version as ETag (304 to If-None-Match), a POST
// creating one (201 with Location; an Idempotency-Key replays the first
// answer, see idempotency.go) and a PUT correcting one, whose body is
// {"record": ..., "reason": ..., "source": ...} and which needs If-Match
// (428 without, 412 when stale). One table, one set of handlers.

// factRoute is where a kind of fact lives under /api/v1 and on the site:
// its collection's path and the path wildcards of its key, in key order.
type factRoute struct {
	kind, path string
	params     []string
}

var factRoutes = []factRoute{
	{entente.FactPartnership, "partnerships", []string{"alliance", "iso3", "framework"}},
	{entente.FactContribution, "contributions", []string{"id"}},
	{entente.FactMeeting, "meetings", []string{"id"}},
	{entente.FactInvitation, "invitations", []string{"meeting", "iso3"}},
	{entente.FactDefenceEvent, "defence-events", []string{"id"}},
	{entente.FactSource, "sources", []string{"id"}},
	{entente.FactOperation, "operations", []string{"code"}},
	{entente.FactFramework, "frameworks", []string{"alliance", "code"}},
	{entente.FactGroup, "groups", []string{"alliance", "code"}},
}

// factRouteOf returns the route of kind.
func factRouteOf(kind string) factRoute {
	for _, fr := range factRoutes {
		if fr.kind == kind {
			return fr
		}
	}
	panic("web: no route for fact kind " + kind)
}

// pattern is the route's path with its key's wildcards, under prefix.
func (fr factRoute) pattern(prefix string) string {
	return prefix + fr.path + "/{" + strings.Join(fr.params, "}/{") + "}"
}

// key reads the record's key from the request's path: codes of alliances
// and countries in capitals, as the store keeps them.
func (fr factRoute) key(r *http.Request) string {
	parts := make([]string, len(fr.params))
	for i, p := range fr.params {
		parts[i] = r.PathValue(p)
		if p == "alliance" || p == "iso3" {
			parts[i] = strings.ToUpper(parts[i])
		}
	}
	return strings.Join(parts, "/")
}

// href is the address of the record keyed key under prefix.
func (fr factRoute) href(prefix, key string) string {
	parts := strings.Split(key, "/")
	for i := range parts {
		parts[i] = url.PathEscape(parts[i])
	}
	return prefix + fr.path + "/" + strings.Join(parts, "/")
}

func (s *Server) factAPIRoutes() {
	for _, fr := range factRoutes {
		s.mux.HandleFunc("GET "+fr.pattern("/api/v1/"), s.apiFactGet(fr))
		s.mux.HandleFunc("POST /api/v1/"+fr.path, s.apiFactCreate(fr))
		s.mux.HandleFunc("PUT "+fr.pattern("/api/v1/"), s.apiFactCorrect(fr))
	}
}

func (s *Server) apiFactGet(fr factRoute) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.record(w, r, func(entente.Date) (any, error) { return s.svc.Fact(r.Context(), fr.kind, fr.key(r)) })
	}
}

func (s *Server) apiFactCreate(fr factRoute) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rec, _ := service.NewFact(fr.kind)
		if err := s.decode(w, r, rec); err != nil {
			s.fail(w, r, err)
			return
		}
		v, err := s.svc.CreateFact(service.RequireVersions(r.Context()), fr.kind, rec)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		key, _ := service.FactKey(fr.kind, v)
		w.Header().Set("Location", fr.href("/api/v1/", key))
		w.Header().Set("ETag", entente.Version(v))
		s.writeJSON(w, http.StatusCreated, v)
	}
}

// factCorrectionBody is a PUT's body.
type factCorrectionBody struct {
	// Record is the record as corrected, in the JSON of its kind.
	Record json.RawMessage `json:"record"`
	// Reason says why it is corrected; the audit log keeps it.
	Reason string `json:"reason"`
	// Source is the id of an existing source for the correction, which
	// the record cites from then on.
	Source string `json:"source"`
}

func (s *Server) apiFactCorrect(fr factRoute) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body factCorrectionBody
		if err := s.decode(w, r, &body); err != nil {
			s.fail(w, r, err)
			return
		}
		rec, _ := service.NewFact(fr.kind)
		if len(body.Record) == 0 {
			s.fail(w, r, entente.Errorf(entente.EINVALID, "record: is required: the %s as corrected", fr.kind))
			return
		}
		if err := jsondec.Request(body.Record, rec); err != nil {
			s.fail(w, r, err)
			return
		}
		v, err := s.svc.CorrectFact(service.RequireVersions(r.Context()), service.FactCorrection{Kind: fr.kind, Key: fr.key(r),
			Record: rec, Reason: body.Reason, Source: body.Source, IfMatch: r.Header.Get("If-Match")})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("ETag", entente.Version(v))
		s.writeJSON(w, http.StatusOK, v)
	}
}

func init() {
	// The facts' routes in the API's contract (openapi.go): each kind's
	// GET, POST and PUT, typed by the kind's Go type.
	for _, fr := range factRoutes {
		rec, _ := service.NewFact(fr.kind)
		t := reflect.TypeOf(rec)
		one := fr.pattern("/api/v1/")
		apiRoutes["GET "+one] = apiRoute{Summary: "One " + fr.kind + " with its sources; its ETag is the version a correction names (If-Match)",
			Out: t, AnyDay: true}
		apiRoutes["POST /api/v1/"+fr.path] = apiRoute{Summary: "Add a " + fr.kind + ", citing at least one existing source (staff and admins); 409 if one with its key exists",
			In: t, Out: t, Status: http.StatusCreated, Location: true, Errors: []int{http.StatusConflict}}
		apiRoutes["PUT "+one] = apiRoute{Summary: "Correct a " + fr.kind + " (staff and admins): the body is {\"record\": the " + fr.kind + " as corrected, \"reason\": why, \"source\": the id of an existing source for the correction, cited from then on}; the key cannot change; the audit log keeps the reason. If-Match names the version corrected: 428 without it, 412 when stale",
			In: typ[factCorrectionBody](), Need: []string{"record", "reason", "source"}, Out: t,
			Errors: []int{http.StatusPreconditionFailed, http.StatusPreconditionRequired}}
	}
}
