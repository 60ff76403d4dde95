package web

import (
	"net/http"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// apiOpenAPI serves a short OpenAPI 3.1 description of the API.
func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, http.StatusOK, openAPIDoc())
}

// openAPIDoc describes the API. Its query parameters are those the routes
// read (queryParams); a test keeps the two in step.
func openAPIDoc() map[string]any {
	asOf := map[string]any{"name": "as_of", "in": "query", "required": false,
		"description": "answer as of this day (YYYY, YYYY-MM or YYYY-MM-DD); today when absent", "schema": map[string]any{"type": "string"}}
	path := func(name, desc string) map[string]any {
		return map[string]any{"name": name, "in": "path", "required": true, "description": desc, "schema": map[string]any{"type": "string"}}
	}
	code, iso3 := path("code", "alliance code, as listed by GET /api/v1/alliances"), path("iso3", "ISO 3166-1 alpha-3 country code, e.g. NZL")
	alliance := map[string]any{"name": "alliance", "in": "query", "required": false,
		"description": "the alliance's code; the server's default alliance when absent", "schema": map[string]any{"type": "string"}}
	problem := map[string]any{"description": "problem details (RFC 9457)", "content": map[string]any{"application/problem+json": map[string]any{}}}
	op := func(summary string, params ...any) map[string]any {
		return map[string]any{"get": map[string]any{"summary": summary, "parameters": append(params, asOf),
			"responses": map[string]any{"200": map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{}}},
				"400": problem, "404": problem}}}
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": "entente API", "version": "1"},
		"paths": map[string]any{
			"/api/v1/alliances":                           op("The alliances the store holds, with their treaty articles"),
			"/api/v1/alliances/{code}":                    op("An alliance with its treaty articles and member count", code),
			"/api/v1/alliances/{code}/members":            op("The members on a day, in order of accession", code),
			"/api/v1/alliances/{code}/partners":           op("The partners on a day, with frameworks and groups. A partnership counts from its since; where the sources give none, since is its framework's start (or the alliance's founding) and since_bound names which: the earliest it can have begun", code),
			"/api/v1/alliances/{code}/accession/{iso3}":   op("Whether a country may be invited to join, with the articles that decide it", code, iso3),
			"/api/v1/alliances/{code}/memberships/{iso3}": op("A country's membership record with the alliance: its accession steps so far (404 if it never applied); its ETag is the version an accession step names. as_of is accepted; the record does not depend on the day", code, iso3),
			"/api/v1/countries/{iso3}":                    op("Everything about one country, with sources", iso3),
			"/api/v1/sources": op("The sources the caller may read (those only hidden records cite are left out), or those ?id= names", map[string]any{"name": "id", "in": "query", "required": false,
				"description": "source ids, comma-separated: only those", "schema": map[string]any{"type": "string"}}),
			"/api/v1":                                  op("This index: every address of the API, its methods and what it answers"),
			"/api/v1/countries":                        op("The countries and territories of ISO 3166-1, with their UN M49 regions"),
			"/api/v1/alliances/{code}/frameworks":      op("The alliance's partnership frameworks that existed on the day, each with its partners then", code),
			"/api/v1/alliances/{code}/groups":          op("The alliance's named groups of partners (such as the Indo-Pacific partners) that existed on the day", code),
			"/api/v1/alliances/{code}/operations":      op("The alliance's operations and missions begun by the day, each with the contributions recorded", code),
			"/api/v1/alliances/{code}/operations/{op}": op("One operation or mission with its contributions, as it stood on the day", code, path("op", "the operation's code, e.g. ISAF")),
			"/api/v1/alliances/{code}/meetings":        op("The alliance's summits and ministerial meetings held by the day, newest first, with the partners invited", code),
			"/api/v1/alliances/{code}/defence-events":  op("Requests for consultations and invocations of the collective-defence article by the day, oldest first", code),
			"/api/v1/export": map[string]any{"get": map[string]any{"summary": "The whole record as one JSON document in the format entente import reads, as the caller may read it; streamed, so a store of any size comes whole",
				"parameters": []any{map[string]any{"name": "as_of", "in": "query", "required": false, "description": "refused (400): the export holds every day of the record", "schema": map[string]any{"type": "string"}}},
				"responses":  map[string]any{"200": map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{}}}}}},
			"/api/v1/partners/{iso3}/profile": op("The facts of a partner's public page", iso3, alliance),
			"/api/v1/timeline":                op("Memberships, programmes, deployments and meetings on one axis", map[string]any{"name": "country", "in": "query", "schema": map[string]any{"type": "string"}}, alliance),
		},
	}
	paths := doc["paths"].(map[string]any)
	paths["/api/v1/alliances/{code}/accession/{iso3}/{step}"] = map[string]any{"post": map[string]any{
		"summary":     "An accession step: apply, consent (by a member), invite, sign, ratify (by a member), deposit or withdraw, refused (422, with the articles) where the treaty's rules forbid it. The body is {\"by\": ISO3 of the member that consents or ratifies, \"date\": YYYY-MM-DD (today when absent), \"dry_run\": true to get the record the step would write, or its refusal, writing nothing}. An application answers 201 with the membership's address; a step on an existing membership names its version (the ETag of GET .../memberships/{iso3}) in If-Match",
		"parameters":  []any{code, iso3, path("step", "apply, consent, invite, sign, ratify, deposit or withdraw")},
		"requestBody": map[string]any{"content": map[string]any{"application/json": map[string]any{}}},
		"responses": map[string]any{"200": map[string]any{"description": "OK: the membership after the step", "content": map[string]any{"application/json": map[string]any{}}},
			"201": map[string]any{"description": "Created: the application", "content": map[string]any{"application/json": map[string]any{}}},
			"400": problem, "404": problem, "422": problem}}}
	qp := func(name, typ, desc string) map[string]any {
		return map[string]any{"name": name, "in": "query", "required": false, "description": desc, "schema": map[string]any{"type": typ}}
	}
	paths["/api/v1/audit"] = op("Staff only: the audit log, newest first, a page at a time: each event's principal, address, time, action, record, before and after (JSON objects, null when none), the fields it changed, and its place in the hash chain (prev_hash, hash); next is the next page's address",
		qp("entity", "string", "the kind of record: activity, programme, membership, ..."),
		qp("key", "string", "the record's key, as its events name it"),
		qp("actor", "string", "the principal's id: user:3, token:7, operator:ann"),
		qp("before", "integer", "only events older than this event id (the next page)"),
		qp("limit", "integer", "events a page, 1 to 500 (default 50)"))
	paths["/api/v1/audit/verify"] = op("Staff only: walks the audit log's hash chain from the oldest event; events is how many held, broken the first broken link (its id and what differs)")
	paths["/api/v1/search"] = op("Full-text search of the records the caller may read: hits best first, each with its kind, key, title and snippet (matched words between ⟦ and ⟧) and the path of its page; total and facets by kind, country and decade count every hit",
		qp("q", "string", `the words to find: every word must match, in any form; "quoted words" as a phrase; word* as a prefix (at most 200 bytes, 12 terms)`),
		qp("kind", "string", "only records of this kind: "+strings.Join(entente.SearchKinds, ", ")),
		qp("country", "string", "only records about this country (ISO 3166 alpha-3)"),
		qp("decade", "integer", "only records of this decade, by its first year (1990)"),
		qp("limit", "integer", "hits a page, 1 to 100 (default 20)"),
		qp("offset", "integer", "hits to skip, 0 to 1000"))
	paths["/api/v1/history/{entity}/{key}"] = op("The versions of one record, oldest first: each with its number, the audit event that made it (none for the version an imported dataset wrote), when, the action, who made it (staff and admins only), why, the sources it cites, the fields it changed and the record as it left it. A record the caller may not read is 404",
		path("entity", "the kind of record: "+strings.Join(service.HistoryKinds, ", ")),
		path("key", "the record's key, as the audit log names it; a goal's or objective's is PROGRAMME/CODE, a membership's ALLIANCE/ISO3, a partnership's ALLIANCE/ISO3/FRAMEWORK (slashes kept)"))
	paths["/api/v1/changes"] = op("The change feed: every change the caller may see, in commit order, each with its event id, time, action, record kind and key, the record as the change left it, the partner it concerns, and who made it (staff and admins only); cursor is the last event read (changes hidden from the caller are passed over), next the following page, more whether it has changes already. Mirror from since=0 until more is false, then poll from the cursor",
		qp("since", "integer", "the cursor of the page before (0 or absent: from the first change)"),
		qp("limit", "integer", "changes a page, 1 to 1000 (default 100)"))
	for p, item := range programmeOpenAPIPaths() {
		paths[p] = item
	}
	addFactOpenAPIPaths(paths)
	declareAuth(doc)
	declareIdempotency(doc)
	versionsOpenAPI(doc)
	pagingOpenAPI(doc)
	csvOpenAPI(doc)
	return doc
}
