package web

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
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
	Record json.RawMessage `json:"record"`
	Reason string          `json:"reason"`
	Source string          `json:"source"`
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

// addFactOpenAPIPaths adds the facts' operations to paths, beside those a
// path has already (GET /api/v1/sources lists the sources).
func addFactOpenAPIPaths(paths map[string]any) {
	for p, item := range factOpenAPIPaths() {
		cur, ok := paths[p].(map[string]any)
		if !ok {
			paths[p] = item
			continue
		}
		maps.Copy(cur, item.(map[string]any))
	}
}

// factOpenAPIPaths describes the facts' routes, in the style of
// programmeOpenAPIPaths: each kind's GET, POST and PUT, with the versions
// they answer and need.
func factOpenAPIPaths() map[string]any {
	str := map[string]any{"type": "string"}
	problem := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/problem+json": map[string]any{}}}
	}
	etag := map[string]any{"ETag": map[string]any{"description": "the record's version; send it back as If-Match to correct it", "schema": str}}
	answer := func(status string) map[string]any {
		return map[string]any{status: map[string]any{"description": "the record as stored", "headers": etag, "content": map[string]any{"application/json": map[string]any{}}},
			"400": problem("invalid: the problem names each field, as the dataset's rules do"), "401": problem("no principal"),
			"403": problem("only staff and admins change the record's facts"), "404": problem("no such record, or hidden from the caller")}
	}
	body := func(desc string) map[string]any {
		return map[string]any{"required": true, "description": desc, "content": map[string]any{"application/json": map[string]any{}}}
	}
	out := map[string]any{}
	for _, fr := range factRoutes {
		var params []any
		for _, p := range fr.params {
			params = append(params, map[string]any{"name": p, "in": "path", "required": true, "description": "part of the " + fr.kind + "'s key", "schema": str})
		}
		get := map[string]any{"summary": "One " + fr.kind + " with its sources; its ETag is the version a correction names",
			"parameters": append(slices.Clone(params),
				map[string]any{"name": "as_of", "in": "query", "required": false, "description": "accepted; this answer does not depend on the day", "schema": str},
				map[string]any{"name": "If-None-Match", "in": "header", "required": false, "description": "the ETag of a copy the client holds: 304 while the record has not changed", "schema": str}),
			"responses": answer("200")}
		get["responses"].(map[string]any)["304"] = map[string]any{"description": "Not Modified", "headers": etag}
		put := map[string]any{"summary": "Correct a " + fr.kind + ": the body is {\"record\": the " + fr.kind + " as corrected, \"reason\": why, \"source\": the id of an existing source for the correction, cited from then on}; the key cannot change; the audit log keeps the reason",
			"parameters": append(slices.Clone(params), map[string]any{"name": "If-Match", "in": "header", "required": true,
				"description": "the version (ETag) of the record the correction was made from", "schema": str}),
			"requestBody": body("the correction"), "responses": answer("200")}
		put["responses"].(map[string]any)["412"] = problem("Precondition Failed: the record has changed since the version If-Match named; nothing was written")
		put["responses"].(map[string]any)["428"] = problem("Precondition Required: If-Match is missing; nothing was written")
		post := map[string]any{"summary": "Add a " + fr.kind + ", citing at least one existing source; 409 if one with its key exists. Location is its address",
			"requestBody": body("the new " + fr.kind), "responses": answer("201")}
		out["/api/v1/"+fr.path+"/{"+strings.Join(fr.params, "}/{")+"}"] = map[string]any{"get": get, "put": put}
		out["/api/v1/"+fr.path] = map[string]any{"post": post}
	}
	return out
}
