package web

import (
	"maps"
	"slices"
)

// No lost update (issue 10, item 3; issue 11, item 4). Every record the
// API serves by itself answers its version as a strong ETag (record in
// routes.go): entente.Version of the JSON value answered. A client sends
// it back as If-None-Match (304 while the record has not changed) or as
// If-Match on a change. Every change of an existing record must name one:
// the service checks it inside the write's transaction, after it has read
// and locked the record, and refuses a change that names none (428
// Precondition Required) or one that is no longer the record's (412
// Precondition Failed, whose problem details name the record and its
// current version). Creates take none; a version named for a record that
// does not exist is 412. The browser's forms carry the version they were
// opened with in a hidden field and show a conflict page instead of a 412
// (programme_forms.go).

// versionedReads are the API's single-record reads, whose ETag is the
// record's version.
var versionedReads = []string{
	"/api/v1/alliances/{code}",
	"/api/v1/alliances/{code}/memberships/{iso3}",
	"/api/v1/countries/{iso3}",
	"/api/v1/programmes/{id}",
	"/api/v1/programmes/{id}/goals/{code}",
	"/api/v1/programmes/{id}/objectives/{code}",
	"/api/v1/activities/{id}",
}

// versionedChanges are the API's changes of existing records, by path,
// and whether they require If-Match: a review creates a record, so
// If-Match is optional there (checked against the programme when given).
var versionedChanges = map[string]bool{
	"/api/v1/programmes/{id}/goals":                    true,
	"/api/v1/programmes/{id}/objectives":               true,
	"/api/v1/activities/{id}/{step}":                   true,
	"/api/v1/programmes/{id}/reviews":                  false,
	"/api/v1/alliances/{code}/accession/{iso3}/{step}": true,
}

// versionsOpenAPI documents ETag, If-None-Match and If-Match with their
// 304, 412 and 428 answers on the routes above.
func versionsOpenAPI(doc map[string]any) {
	paths := doc["paths"].(map[string]any)
	problem := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/problem+json": map[string]any{}}}
	}
	etag := map[string]any{"description": "the record's version: a strong entity tag of its JSON encoding; send it back as If-Match to change the record",
		"schema": map[string]any{"type": "string"}}
	for _, p := range versionedReads {
		item, _ := paths[p].(map[string]any)
		get, _ := item["get"].(map[string]any)
		if get == nil {
			continue
		}
		get["parameters"] = append(slices.Clone(get["parameters"].([]any)), map[string]any{"name": "If-None-Match", "in": "header", "required": false,
			"description": "the ETag of a copy the client holds: answered 304 Not Modified, with no body, while the record has not changed",
			"schema":      map[string]any{"type": "string"}})
		rs := get["responses"].(map[string]any)
		rs = maps.Clone(rs)
		if ok, _ := rs["200"].(map[string]any); ok != nil {
			ok = maps.Clone(ok)
			ok["headers"] = map[string]any{"ETag": etag}
			rs["200"] = ok
		}
		rs["304"] = map[string]any{"description": "Not Modified: the record's version is still the If-None-Match named", "headers": map[string]any{"ETag": etag}}
		get["responses"] = rs
	}
	for p, required := range versionedChanges {
		item, _ := paths[p].(map[string]any)
		post, _ := item["post"].(map[string]any)
		if post == nil {
			continue
		}
		desc := "the version (ETag) of the record as the client read it (GET its address); required when the change is to an existing record, absent for a new one; * names any version"
		if !required {
			desc = "optional: the version (ETag) of the programme (GET /api/v1/programmes/{id}) the review was made from; refused with 412 if the programme has changed since"
		}
		params, _ := post["parameters"].([]any)
		post["parameters"] = append(slices.Clone(params), map[string]any{"name": "If-Match", "in": "header", "required": false,
			"description": desc, "schema": map[string]any{"type": "string"}})
		rs := maps.Clone(post["responses"].(map[string]any))
		rs["412"] = problem("Precondition Failed: the record has changed since the version If-Match named (or does not exist); nothing was written. record and current_version name it and its version now: read it again, and make the change from there")
		if required {
			rs["428"] = problem("Precondition Required: a change of an existing record must name the version it was made from in If-Match; nothing was written")
		}
		post["responses"] = rs
	}
}
