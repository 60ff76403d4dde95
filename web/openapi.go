package web

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// The API's contract (issue 11, item 3): an OpenAPI 3.1 document made
// from apiRoutes, one line a route, whose request and response schemas are
// made from the Go types the handlers decode and encode (apischema.go),
// and whose query parameters are those the routes read (queryParams).
// Tests check that every /api/v1 route the mux has is in apiRoutes and
// the other way round, and validate every API request and response of the
// web tests against the document (contract_test.go). /api/docs renders it
// (apidocs.go).

// apiOpenAPI serves the OpenAPI 3.1 document of the API.
func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, http.StatusOK, theOpenAPIDoc())
}

// theOpenAPIDoc is the OpenAPI document, made once: the routes and types it
// is made from do not change while the program runs. It is shared: read it,
// never change it.
var theOpenAPIDoc = sync.OnceValue(openAPIDoc)

// apiRoute describes a route of the API: one line of apiRoutes.
type apiRoute struct {
	// Summary says what the route answers or does.
	Summary string
	// In is the type of the JSON request body, nil when it takes none;
	// Need names the fields of it that must be given.
	In   reflect.Type
	Need []string
	// Out is the type of the answer's JSON body; Status its status (200
	// when 0); Media its media type when not JSON (Out is then nil).
	Out    reflect.Type
	Status int
	Media  string
	// Location: a 201 names the new record's address in Location.
	Location bool
	// AnyDay: the answer does not depend on as_of (which every GET takes).
	AnyDay bool
	// Errors are the statuses of problems particular to the route, beyond
	// those every route (and every write) may answer.
	Errors []int
}

// typ is the reflect.Type of T, for apiRoutes.
func typ[T any]() reflect.Type { return reflect.TypeFor[T]() }

// apiRoutes are the API's routes by mux pattern. A new route is one line
// here; its path parameters' descriptions are in pathParamDocs, its query
// parameters' in queryParamDocs.
var apiRoutes = map[string]apiRoute{
	"GET /api/v1/openapi.json": {Summary: "This document: the API's OpenAPI 3.1 description", Out: typ[map[string]any](), AnyDay: true},
	"GET /api/v1/alliances":    {Summary: "The alliances the store holds, with their treaty articles", Out: typ[[]entente.Alliance](), AnyDay: true},
	"GET /api/v1/alliances/{code}": {Summary: "An alliance with its treaty articles and member count",
		Out: typ[*service.AllianceView]()},
	"GET /api/v1/alliances/{code}/members": {Summary: "The members on a day, in order of accession", Out: typ[[]service.Member]()},
	"GET /api/v1/alliances/{code}/partners": {Summary: "The partners on a day, with frameworks and groups. A partnership counts from its since; where the sources give none, since is its framework's start (or the alliance's founding) and since_bound names which: the earliest it can have begun",
		Out: typ[[]service.Partner]()},
	"GET /api/v1/alliances/{code}/accession/{iso3}": {Summary: "Whether a country may be invited to join, with the articles that decide it",
		Out: typ[entente.Verdict]()},
	"GET /api/v1/alliances/{code}/memberships/{iso3}": {Summary: "A country's membership record with the alliance: its accession steps so far (404 if it never applied); its ETag is the version an accession step names",
		Out: typ[*entente.Membership](), AnyDay: true},
	"GET /api/v1/countries/{iso3}":        {Summary: "Everything about one country, with sources", Out: typ[*service.CountryView]()},
	"GET /api/v1/partners/{iso3}/profile": {Summary: "The facts of a partner's public page", Out: typ[*service.Profile]()},
	"GET /api/v1/timeline":                {Summary: "Memberships, programmes, deployments and meetings on one axis", Out: typ[*service.Timeline]()},
	"GET /api/v1/coverage": {Summary: "What the record holds: facts per kind (with those citing a primary source, official text, official site or government, and those marked unconfirmed), per decade and per date precision, sources per kind, and the records marked unconfirmed. With as_of, facts dated later are left out",
		Out: typ[*service.Coverage]()},
	"GET /api/v1":           {Summary: "This index: every address of the API, its methods and what it answers", Out: typ[apiIndex](), AnyDay: true},
	"GET /api/v1/countries": {Summary: "The countries and territories of ISO 3166-1, with their UN M49 regions", Out: typ[[]entente.Country](), AnyDay: true},
	"GET /api/v1/sources":   {Summary: "The sources the caller may read (those only hidden records cite are left out), or those ?id= names", Out: typ[[]entente.Source](), AnyDay: true},
	"GET /api/v1/alliances/{code}/frameworks": {Summary: "The alliance's partnership frameworks that existed on the day, each with its partners then",
		Out: typ[[]service.FrameworkView]()},
	"GET /api/v1/alliances/{code}/groups": {Summary: "The alliance's named groups of partners (such as the Indo-Pacific partners) that existed on the day",
		Out: typ[[]service.GroupView]()},
	"GET /api/v1/alliances/{code}/operations": {Summary: "The alliance's operations and missions begun by the day, each with the contributions recorded",
		Out: typ[[]service.OperationView]()},
	"GET /api/v1/alliances/{code}/operations/{op}": {Summary: "One operation or mission with its contributions, as it stood on the day (404 before it began)",
		Out: typ[service.OperationView]()},
	"GET /api/v1/alliances/{code}/meetings": {Summary: "The alliance's summits and ministerial meetings held by the day, newest first, with the partners invited",
		Out: typ[[]service.MeetingView]()},
	"GET /api/v1/alliances/{code}/defence-events": {Summary: "Requests for consultations and invocations of the collective-defence article by the day, oldest first",
		Out: typ[[]service.DefenceEventView]()},
	"GET /api/v1/export": {Summary: "The whole record as one JSON document in the format entente import reads, as the caller may read it; streamed, so a store of any size comes whole",
		Out: typ[entente.Dataset]()},
	"POST /api/v1/alliances/{code}/accession/{iso3}/{step}": {Summary: "An accession step: apply, consent (by a member), invite, sign, ratify (by a member), deposit or withdraw, refused (422, with the articles) where the treaty's rules forbid it; dry_run answers the record the step would write, or its refusal, writing nothing. An application answers 201 with the membership's address; a step on an existing membership names its version (the ETag of GET .../memberships/{iso3}) in If-Match",
		In: typ[accessionStepBody](), Out: typ[*entente.Membership]()},
	"GET /api/v1/audit": {Summary: "Staff only: the audit log, newest first, a page at a time: each event's principal, address, time, action, record, before and after (JSON objects, null when none), the fields it changed, and its place in the hash chain (prev_hash, hash); next is the next page's address",
		Out: typ[auditResponse](), AnyDay: true, Errors: []int{http.StatusForbidden}},
	"GET /api/v1/audit/verify": {Summary: "Staff only: walks the audit log's hash chain from the oldest event; events is how many held, broken the first broken link (its id and what differs)",
		Out: typ[*entente.AuditCheck](), AnyDay: true, Errors: []int{http.StatusForbidden}},
	"GET /api/v1/search": {Summary: "Full-text search of the records the caller may read: hits best first, each with its kind, key, title and snippet (matched words between ⟦ and ⟧) and the path of its page; total and facets by kind, country and decade count every hit",
		Out: typ[searchAnswer](), AnyDay: true},
	"GET /api/v1/history/{entity}/{key...}": {Summary: "The versions of one record, oldest first: each with its number, the audit event that made it (none for the version an imported dataset wrote), when, the action, who made it (staff and admins only), why, the sources it cites, the fields it changed and the record as it left it. A record the caller may not read is 404",
		Out: typ[*service.RecordHistory](), AnyDay: true},
	"GET /api/v1/changes": {Summary: "The change feed: every change the caller may see, in commit order, each with its event id, time, action, record kind and key, the record as the change left it, the partner it concerns, and who made it (staff and admins only); cursor is the last event read (changes hidden from the caller are passed over), next the following page, more whether it has changes already. Mirror from since=0 until more is false, then poll from the cursor",
		Out: typ[changesAnswer](), AnyDay: true},
	"GET /api/v1/programmes": {Summary: "A partner's programmes agreed by the day, oldest first, with structure and progress; status is the status on that day (draft, agreed, active, under-review, superseded), the only status field",
		Out: typ[[]service.ProgrammeView]()},
	"POST /api/v1/programmes": {Summary: "Agree a programme, superseding the partner's programme in force; carry_over copies open goals",
		In: typ[service.AgreeRequest](), Need: []string{"partner", "type", "title", "agreed"}, Out: typ[*service.AgreeResult](), Status: http.StatusCreated},
	"GET /api/v1/programmes/{id}": {Summary: "One programme as it stood on the day (status is that day's; 404 before it was agreed), with its objectives, goals (and the version of each, objective_versions and goal_versions by code), reviews and progress. Its ETag without as_of is the programme's version, which a review may name",
		Out: typ[*service.ProgrammeView]()},
	"GET /api/v1/programmes/{id}/progress": {Summary: "Progress roll-up, overdue and due-for-review lists. An indicator's progress runs from its baseline to its target; a goal is the mean of its indicators (without any, the completion of its activities: reported of those not cancelled); an objective is the mean of its measured goals; activities serving no goal are one more part (unassigned, unassigned_score); the programme's score is the mean of its measured objectives and, if measured, the unassigned part. measured is false where nothing can be measured; activities count as they stood on the day",
		Out: typ[entente.ProgrammeProgress]()},
	"GET /api/v1/programmes/{id}/progress.svg": {Summary: "Progress as an SVG bar chart", Media: "image/svg+xml"},
	"GET /api/v1/programmes/{id}/diff/{other}": {Summary: "Added, removed and changed objectives, goals and indicators between two programmes or review snapshots",
		Out: typ[*entente.ProgrammeDiff](), AnyDay: true},
	"GET /api/v1/programmes/{id}/activities": {Summary: "A programme's activities (at most 1000); 404 if the programme does not exist",
		Out: typ[[]entente.Activity](), AnyDay: true},
	"POST /api/v1/programmes/{id}/reviews": {Summary: "Record a review: a dated snapshot with a note",
		In: typ[service.ReviewRequest](), Out: typ[*entente.Review](), Status: http.StatusCreated},
	"POST /api/v1/programmes/{id}/objectives": {Summary: "Add or change a strategic objective; a change names the objective's version in If-Match",
		In: typ[service.ObjectiveRequest](), Need: []string{"title"}, Out: typ[*entente.Objective]()},
	"GET /api/v1/programmes/{id}/objectives/{code}": {Summary: "One objective of the programme; its ETag (also the programme's objective_versions[code]) is the version a change names",
		Out: typ[*entente.Objective](), AnyDay: true},
	"POST /api/v1/programmes/{id}/goals": {Summary: "Add or change a partnership goal and its indicators; a change names the goal's version in If-Match",
		In: typ[service.GoalRequest](), Need: []string{"code", "title"}, Out: typ[*entente.Goal]()},
	"GET /api/v1/programmes/{id}/goals/{code}": {Summary: "One goal of the programme with its indicators; its ETag (also the programme's goal_versions[code]) is the version a change names",
		Out: typ[*entente.Goal](), AnyDay: true},
	"POST /api/v1/activities": {Summary: "Propose an activity, bespoke or from a menu offer",
		In: typ[service.ProposeRequest](), Need: []string{"programme"}, Out: typ[*entente.Activity](), Status: http.StatusCreated, Location: true},
	"GET /api/v1/activities/{id}": {Summary: "One activity; its ETag is the version a workflow step names", Out: typ[*entente.Activity](), AnyDay: true},
	"POST /api/v1/activities/{id}/{step}": {Summary: "A workflow step: approve, invite, register, hold, report or cancel, taken from the activity's version named in If-Match",
		In: typ[service.ActivityRequest](), Out: typ[*entente.Activity]()},
	"GET /api/v1/menu": {Summary: "The cooperation menu (format=csv for the menu file's CSV)", Out: typ[[]entente.Offer](), AnyDay: true},
	"POST /api/v1/menu": {Summary: "Import offers from CSV (Content-Type text/csv) or JSON (a list of offers), all or nothing",
		In: typ[[]entente.Offer](), Out: typ[menuImported](), Errors: []int{http.StatusRequestEntityTooLarge}},
}

// pathParamDocs describe the path parameters, by the segment before them
// and their name ("programmes/{id}"), or by name alone.
var pathParamDocs = map[string]string{
	"{alliance}":          "alliance code, as listed by GET /api/v1/alliances",
	"{framework}":         "the partnership framework's code, e.g. PFP",
	"{meeting}":           "the meeting's id",
	"contributions/{id}":  "the contribution's id",
	"meetings/{id}":       "the meeting's id",
	"defence-events/{id}": "the collective-defence event's id",
	"sources/{id}":        "the source's id",
	"operations/{op}":     "the operation's code, e.g. ISAF",
	"{code}":              "alliance code, as listed by GET /api/v1/alliances",
	"{iso3}":              "ISO 3166-1 alpha-3 country code, e.g. NZL",
	"programmes/{id}":     "programme id, e.g. NZL-ITPP-2024",
	"activities/{id}":     "activity id, e.g. NZL-ITPP-2024-A001",
	"{other}":             "programme or review id",
	"goals/{code}":        "the goal's code, e.g. G1",
	"objectives/{code}":   "the objective's code, e.g. cyber-defence",
	"{step}":              "the workflow step: " + strings.Join(strs(entente.ActivitySteps), ", "),
	"history/{entity}":    "the kind of record: " + strings.Join(service.HistoryKinds, ", "),
	"{key}":               "the record's key, as the audit log names it; a goal's or objective's is PROGRAMME/CODE, a membership's ALLIANCE/ISO3, a partnership's ALLIANCE/ISO3/FRAMEWORK (slashes kept)",
	"partners/{iso3}":     "the partner's ISO 3166-1 alpha-3 code, e.g. NZL",
	"alliances/{code}":    "alliance code, as listed by GET /api/v1/alliances",
	"accession/{iso3}":    "ISO 3166-1 alpha-3 code of the country, e.g. UKR",
	"memberships/{iso3}":  "ISO 3166-1 alpha-3 code of the country, e.g. FIN",
	"countries/{iso3}":    "ISO 3166-1 alpha-3 country code, e.g. NZL",
	"diff/{other}":        "the programme or review id to compare with",
}

// queryParamDocs describe the query parameters, by route pattern and name
// ("GET /api/v1/audit limit") or by name alone: a description, after
// "integer: " for a whole number, or "integer MIN..MAX: " for one in that
// range (MAX may be left out).
var queryParamDocs = map[string]string{
	"limit":                    fmt.Sprintf("integer 1..%d: items in the page (default %d)", maxPageSize, defaultPageSize),
	"cursor":                   "where the page starts: the cursor in the previous page's Link (rel=\"next\"); the first page when absent",
	"sort":                     "order by this field (a leading - reverses it); the list's own order when absent, and for ties",
	"GET /api/v1/sources id":   "source ids, comma-separated: only those",
	"GET /api/v1/export as_of": "refused (400): the export holds every day of the record",
	"as_of":                    "answer as of this day (YYYY, YYYY-MM or YYYY-MM-DD); today when absent",
	"alliance":                 "the alliance's code; the server's default alliance when absent",
	"country":                  "only what concerns this country (ISO 3166 alpha-3)",
	"partner":                  "ISO3 code of the partner",
	"status":                   "only this status: " + strings.Join(strs(entente.ActivityStatuses), ", "),
	"format":                   "json or csv: the menu file's format",
	"name":                     "file name for error messages",
	"entity":                   "the kind of record: activity, programme, membership, ...",
	"key":                      "the record's key, as its events name it",
	"actor":                    "the principal's id: user:3, token:7, operator:ann",
	"before":                   "integer 1..: only events older than this event id (the next page)",
	"GET /api/v1/audit limit":  fmt.Sprintf("integer 1..%d: events a page (default %d)", service.MaxAuditPage, service.AuditPageSize),
	"q": fmt.Sprintf(`the words to find: every word must match, in any form; "quoted words" as a phrase; word* as a prefix (at most %d bytes, 12 terms)`,
		entente.MaxSearchLength),
	"kind":                           "only records of this kind",
	"decade":                         "integer: only records of this decade, by its first year (1990)",
	"GET /api/v1/search limit":       fmt.Sprintf("integer 1..%d: hits a page (default %d)", entente.MaxHits, entente.DefaultHits),
	"offset":                         fmt.Sprintf("integer 0..%d: hits to skip", service.MaxSearchOffset),
	"since":                          "integer 0..: the cursor of the page before (0 or absent: from the first change)",
	"GET /api/v1/changes limit":      fmt.Sprintf("integer 1..%d: changes a page (default %d)", service.MaxChanges, service.DefaultChanges),
	"GET /api/v1/search country":     "only records about this country (ISO 3166 alpha-3)",
	"GET /api/v1/timeline country":   "only this country's events (ISO 3166 alpha-3)",
	"GET /api/v1/programmes partner": "ISO3 code of the partner",
}

// intParam reads the "integer MIN..MAX: " before a parameter's
// description into its schema.
var intParam = regexp.MustCompile(`^integer(?: ([0-9]+)\.\.([0-9]*))?: `)

// problemStatuses are the problems any API request may be answered with
// (a bad query or token, an unknown record, an address too long, a host
// the server does not answer to, an internal error, a busy database), and
// those any write may be.
var (
	problemStatuses = []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusNotFound, http.StatusRequestURITooLong,
		http.StatusMisdirectedRequest, http.StatusInternalServerError, http.StatusServiceUnavailable}
	writeProblemStatuses = []int{http.StatusForbidden, http.StatusConflict, http.StatusRequestEntityTooLarge,
		http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}
)

// openAPIPath is the OpenAPI path of a mux path: {key...} is {key}.
func openAPIPath(p string) string { return strings.ReplaceAll(p, "...}", "}") }

// openAPIDoc is the API's OpenAPI 3.1 document.
func openAPIDoc() map[string]any {
	g := newSchemaGen()
	g.ref(reflect.TypeFor[Problem]())
	paths := map[string]any{}
	for _, pattern := range slices.Sorted(maps.Keys(apiRoutes)) {
		method, p, _ := strings.Cut(pattern, " ")
		item, _ := paths[openAPIPath(p)].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[openAPIPath(p)] = item
		}
		item[strings.ToLower(method)] = apiRoutes[pattern].operation(g, pattern)
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "entente API", "version": "1",
			"description": "The record of an alliance and its partnerships. Reads are open to all (a token shows more: what is released to its holder); writes need a bearer token. Errors are problem details (RFC 9457), each with a code and, where a rule refused the request, its reasons. An HTML rendering of this document is at /api/docs."},
		"paths":      paths,
		"components": map[string]any{"schemas": g.defs},
		// A request may carry a token or none: reads answer what the
		// caller may see.
		"security": []any{map[string]any{}, map[string]any{"bearer": []any{}}},
	}
	declareAuth(doc)
	declareIdempotency(doc)
	versionsOpenAPI(doc)
	pagingOpenAPI(doc)
	accessionOpenAPI(doc)
	csvOpenAPI(doc)
	problemHeaders(doc)
	return doc
}

// problemHeaders declares the headers problems of some statuses carry:
// a 401's WWW-Authenticate challenge (RFC 9110, section 15.5.2), a 503's
// Retry-After.
func problemHeaders(doc map[string]any) {
	headers := map[string]map[string]any{
		"401": {"WWW-Authenticate": map[string]any{"required": true, "schema": map[string]any{"type": "string", "pattern": "^Bearer "},
			"description": `the challenge: Bearer realm="entente", with error="invalid_token" when the token sent is not valid`}},
		"503": {"Retry-After": map[string]any{"required": true, "schema": map[string]any{"type": "string", "pattern": "^[0-9]+$"},
			"description": "seconds to wait before trying again"}},
	}
	for _, item := range doc["paths"].(map[string]any) {
		for _, op := range item.(map[string]any) {
			rs := op.(map[string]any)["responses"].(map[string]any)
			for code, hs := range headers {
				if r, ok := rs[code].(map[string]any); ok {
					r = maps.Clone(r)
					r["headers"] = hs
					rs[code] = r
				}
			}
		}
	}
}

// operation is the OpenAPI operation of the route pattern.
func (rt apiRoute) operation(g *schemaGen, pattern string) map[string]any {
	method, p, _ := strings.Cut(pattern, " ")
	params := []any{}
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		if !strings.HasPrefix(seg, "{") {
			continue
		}
		name := strings.Trim(seg, "{.}")
		desc := pathParamDocs[segs[i-1]+"/{"+name+"}"]
		if desc == "" {
			desc = pathParamDocs["{"+name+"}"]
		}
		params = append(params, map[string]any{"name": name, "in": "path", "required": true, "description": desc,
			"schema": map[string]any{"type": "string"}})
	}
	var query []queryParam
	if method == http.MethodGet {
		query = append(query, queryParam{Name: "as_of"})
	}
	for _, q := range append(query, queryParams[pattern]...) {
		desc := queryParamDocs[pattern+" "+q.Name]
		if desc == "" {
			desc = queryParamDocs[q.Name]
		}
		schema := map[string]any{"type": "string"}
		if m := intParam.FindStringSubmatch(desc); m != nil {
			desc, schema = desc[len(m[0]):], map[string]any{"type": "integer"}
			if m[1] != "" {
				schema["minimum"], _ = strconv.Atoi(m[1])
			}
			if m[2] != "" {
				schema["maximum"], _ = strconv.Atoi(m[2])
			}
		}
		switch {
		case q.Values != nil:
			schema["enum"] = append([]string{""}, q.Values...)
		case q.Name == "as_of":
			schema = g.ref(typeDate)
			if rt.AnyDay {
				desc = "accepted, so that links can carry it everywhere; this answer does not depend on the day"
			}
		}
		params = append(params, map[string]any{"name": q.Name, "in": "query", "required": q.Required, "description": desc, "schema": schema})
	}
	tag := strings.Split(strings.TrimPrefix(p, "/api/v1/"), "/")[0]
	if p == "/api/v1" {
		tag = "index"
	}
	op := map[string]any{"summary": rt.Summary, "operationId": operationID(pattern), "parameters": params, "tags": []any{tag}}
	if rt.In != nil {
		content := map[string]any{"application/json": map[string]any{"schema": g.body(deref(rt.In), rt.Need...)}}
		if pattern == "POST /api/v1/menu" {
			content["text/csv"] = map[string]any{"schema": map[string]any{"type": "string",
				"description": "the menu file: the columns are in docs/csv.md"}}
		}
		op["requestBody"] = map[string]any{"required": false, "content": content}
	}
	status := strconv.Itoa(cmp.Or(rt.Status, http.StatusOK))
	ok := map[string]any{"description": http.StatusText(cmp.Or(rt.Status, http.StatusOK))}
	switch {
	case rt.Media != "":
		ok["content"] = map[string]any{rt.Media: map[string]any{"schema": map[string]any{"type": "string"}}}
	case rt.Out != nil:
		// A handler answers a record or an error, never null.
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.ref(deref(rt.Out))}}
	}
	if rt.Location {
		ok["headers"] = map[string]any{"Location": map[string]any{"required": true, "description": "the new record's address in the API",
			"schema": map[string]any{"type": "string"}}}
	}
	responses := map[string]any{status: ok}
	errs := slices.Concat(problemStatuses, rt.Errors)
	if method != http.MethodGet {
		errs = append(errs, writeProblemStatuses...)
	}
	for _, code := range errs {
		responses[strconv.Itoa(code)] = problemResponse(http.StatusText(code))
	}
	op["responses"] = responses
	return op
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// operationID names an operation after its method and path:
// "get_alliances_code_members".
func operationID(pattern string) string {
	method, p, _ := strings.Cut(pattern, " ")
	id := strings.ToLower(method)
	for _, seg := range strings.Split(strings.TrimPrefix(p, "/api/v1/"), "/") {
		seg = strings.Trim(seg, "{.}")
		id += "_" + strings.NewReplacer("-", "_", ".", "_").Replace(seg)
	}
	return id
}

// problemResponse is a response of problem details (RFC 9457).
func problemResponse(desc string) map[string]any {
	return map[string]any{"description": desc + problemSuffix,
		"content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
}

const problemSuffix = ": problem details (RFC 9457)"

// menuImported is the answer to a menu import.
type menuImported struct {
	// Imported counts the offers written.
	Imported int `json:"imported"`
}
