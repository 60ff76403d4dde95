package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/entente/entente"
)

// TestVersionsAPI: every record GET answers a strong ETag, its version;
// If-None-Match with it is 304; a change of an existing record without
// If-Match is 428, with an old version 412, both problem details naming
// the record (and, when stale, its current version); nothing is written
// by either.
func TestVersionsAPI(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testVersionsAPI(t, newStack(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testVersionsAPI(t, progStackPG(t)) })
}

func testVersionsAPI(t *testing.T, st *stack) {
	status, body := progDo(t, st, "POST", "/api/v1/activities", "application/json", `{"programme":"NZL-ITPP-2024","title":"Talks","date":"2025-01-10"}`)
	if status != 201 {
		t.Fatalf("propose: %d %s", status, body)
	}
	status, body = progDo(t, st, "POST", "/api/v1/programmes/NZL-ITPP-2024/goals", "application/json",
		`{"code":"G1","objective":"climate-security","title":"Joint studies","indicators":[{"name":"studies","unit":"studies","baseline":0,"target":8,"current":5}]}`)
	if status != 200 {
		t.Fatalf("a new goal takes no version: %d %s", status, body)
	}
	for _, path := range []string{"/api/v1/programmes/NZL-ITPP-2024", "/api/v1/activities/NZL-ITPP-2024-A001", "/api/v1/alliances/NATO",
		"/api/v1/countries/NZL", "/api/v1/programmes/NZL-ITPP-2024/goals/G1", "/api/v1/programmes/NZL-ITPP-2024/objectives/climate-security",
		"/api/v1/alliances/NATO/memberships/FIN"} {
		tag := versionOf(t, st, path)
		if !strings.HasPrefix(tag, `"`) || len(tag) != 34 {
			t.Errorf("GET %s: ETag %q, want a strong entity tag", path, tag)
			continue
		}
		if status, body := progDo(t, st, "GET", path, "", "", "If-None-Match", tag); status != http.StatusNotModified || body != "" {
			t.Errorf("GET %s with If-None-Match its ETag: %d %q, want 304 and no body", path, status, body)
		}
		if status, _ := progDo(t, st, "GET", path, "", "", "If-None-Match", `"other"`); status != 200 {
			t.Errorf("GET %s with If-None-Match another tag: %d, want 200", path, status)
		}
	}
	// The goal's version is the same in the programme and on its own.
	_, body = progDo(t, st, "GET", "/api/v1/programmes/NZL-ITPP-2024", "", "")
	var p struct {
		GoalVersions map[string]string `json:"goal_versions"`
	}
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	goal := "/api/v1/programmes/NZL-ITPP-2024/goals/G1"
	v1 := versionOf(t, st, goal)
	if p.GoalVersions["G1"] != v1 {
		t.Errorf("goal_versions[G1] = %q, GET %s answers ETag %q", p.GoalVersions["G1"], goal, v1)
	}

	changes := []struct{ name, path, body, version string }{
		{"goal", "/api/v1/programmes/NZL-ITPP-2024/goals", `{"code":"G1","objective":"climate-security","title":"Joint studies, revised"}`, v1},
		{"objective", "/api/v1/programmes/NZL-ITPP-2024/objectives", `{"code":"climate-security","area":"climate-security","title":"Climate"}`,
			versionOf(t, st, "/api/v1/programmes/NZL-ITPP-2024/objectives/climate-security")},
		{"activity", "/api/v1/activities/NZL-ITPP-2024-A001/approve", `{"date":"2025-01-12"}`, versionOf(t, st, "/api/v1/activities/NZL-ITPP-2024-A001")},
	}
	for _, c := range changes {
		before := progExport(t, st)
		status, body := progDo(t, st, "POST", c.path, "application/json", c.body)
		if status != http.StatusPreconditionRequired || !strings.Contains(body, `"code": "precondition"`) || !strings.Contains(body, c.name+" ") {
			t.Errorf("%s without If-Match: %d, want 428 naming the %s\n%s", c.name, status, c.name, body)
		}
		status, body = progDo(t, st, "POST", c.path, "application/json", c.body, "If-Match", `"0123456789abcdef0123456789abcdef"`)
		if status != http.StatusPreconditionFailed || !strings.Contains(body, `"current_version": `+jsonString(c.version)) || !strings.Contains(body, `"record": "`+c.name) {
			t.Errorf("%s with a stale If-Match: %d, want 412 naming the %s and its current version %s\n%s", c.name, status, c.name, c.version, body)
		}
		if progExport(t, st) != before {
			t.Errorf("%s: a refused change wrote", c.name)
		}
		if status, body := progDo(t, st, "POST", c.path, "application/json", c.body, "If-Match", c.version); status != 200 {
			t.Errorf("%s with the current If-Match: %d\n%s", c.name, status, body)
		}
		// The change made, the version read before it is stale.
		if status, _ := progDo(t, st, "POST", c.path, "application/json", c.body, "If-Match", c.version); status != http.StatusPreconditionFailed {
			t.Errorf("%s again from the version before the change: %d, want 412", c.name, status)
		}
	}
	if v2 := versionOf(t, st, goal); v2 == v1 {
		t.Error("the goal's version did not change with the goal")
	}
	// A review creates a record: it needs no version, but one named is
	// checked against the programme.
	prog := versionOf(t, st, "/api/v1/programmes/NZL-ITPP-2024")
	if status, body := progDo(t, st, "POST", "/api/v1/programmes/NZL-ITPP-2024/reviews", "application/json", `{"note":"a look"}`, "If-Match", `"0123456789abcdef0123456789abcdef"`); status != http.StatusPreconditionFailed {
		t.Errorf("review from a stale programme: %d\n%s", status, body)
	}
	if status, body := progDo(t, st, "POST", "/api/v1/programmes/NZL-ITPP-2024/reviews", "application/json", `{"note":"a look"}`, "If-Match", prog); status != http.StatusCreated {
		t.Errorf("review from the programme's version: %d\n%s", status, body)
	}
	if status, body := progDo(t, st, "POST", "/api/v1/programmes/NZL-ITPP-2024/reviews", "application/json", `{"note":"another"}`); status != http.StatusCreated {
		t.Errorf("review naming no version: %d\n%s", status, body)
	}
	// A version named for a goal that does not exist is 412, not a create.
	if status, _ := progDo(t, st, "POST", "/api/v1/programmes/NZL-ITPP-2024/goals", "application/json", `{"code":"G9","objective":"climate-security","title":"New"}`, "If-Match", v1); status != http.StatusPreconditionFailed {
		t.Errorf("If-Match on a goal that does not exist: %d, want 412", status)
	}
	if code := entente.ErrorCode(entente.CheckVersion("x", 1, `"0"`)); code != entente.ESTALE {
		t.Fatal(code)
	}
}

// jsonString is s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestOpenAPIVersions: the document says which reads answer an ETag (and
// 304) and which changes take If-Match (and answer 412, and 428 when
// required).
func TestOpenAPIVersions(t *testing.T) {
	st := newStack(t)
	_, body := progDo(t, st, "GET", "/api/v1/openapi.json", "", "")
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string }
			Responses  map[string]struct {
				Headers map[string]any
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	has := func(path, method, param string) bool {
		for _, p := range doc.Paths[path][method].Parameters {
			if p.Name == param && p.In == "header" {
				return true
			}
		}
		return false
	}
	for _, p := range []string{"/api/v1/programmes/{id}", "/api/v1/activities/{id}", "/api/v1/alliances/{code}", "/api/v1/countries/{iso3}",
		"/api/v1/programmes/{id}/goals/{code}", "/api/v1/programmes/{id}/objectives/{code}", "/api/v1/alliances/{code}/memberships/{iso3}"} {
		get := doc.Paths[p]["get"]
		if _, ok := get.Responses["200"].Headers["ETag"]; !ok || !has(p, "get", "If-None-Match") {
			t.Errorf("GET %s: no ETag or If-None-Match documented", p)
		}
		if _, ok := get.Responses["304"]; !ok {
			t.Errorf("GET %s: no 304 documented", p)
		}
	}
	for _, p := range []string{"/api/v1/programmes/{id}/goals", "/api/v1/programmes/{id}/objectives", "/api/v1/activities/{id}/{step}"} {
		post := doc.Paths[p]["post"]
		_, r412 := post.Responses["412"]
		_, r428 := post.Responses["428"]
		if !has(p, "post", "If-Match") || !r412 || !r428 {
			t.Errorf("POST %s: If-Match %v, 412 %v, 428 %v documented; want all", p, has(p, "post", "If-Match"), r412, r428)
		}
	}
}
