package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/entente/entente"
)

// The records the leak test hides: an AUS activity released to AUS only,
// in Australia's public programme, and a programme (with a review)
// released to AUS only.
const (
	hiddenActivity  = "AUS-ITPP-2023-A001"
	hiddenProgramme = "PAK-IPCP-2025"
	hiddenReview    = "PAK-IPCP-2025-R1"
	hiddenTitle     = "Closely held staff talks"
)

// hide writes the hidden records into st as staff, through the API.
func hide(t *testing.T, st *stack) {
	t.Helper()
	toAUS := `"releasability":{"level":"RELEASABLE_TO","to":["AUS"]}`
	for _, w := range []struct{ path, body string }{
		{"/api/v1/activities", `{"programme":"AUS-ITPP-2023","title":"` + hiddenTitle + `","kind":"staff-talks","date":"2025-01-10",` + toAUS + `}`},
		{"/api/v1/programmes", `{"id":"` + hiddenProgramme + `","alliance":"NATO","partner":"PAK","type":"IPCP","title":"Pakistan's closely held programme","agreed":"2025-03-01","areas":["cyber-defence"],` + toAUS + `}`},
		{"/api/v1/programmes/" + hiddenProgramme + "/reviews", `{"date":"2025-06-01","note":"closely held review",` + toAUS + `}`},
	} {
		res, err := post(st.srv.URL+w.path, st.token, "application/json", w.body)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("POST %s: %d %s", w.path, res.StatusCode, b)
		}
	}
}

// leakURLs are the GET URLs of every route of st's server that could show
// the hidden records, their absence, or a count or chart including them:
// each route whose path has wildcards, once for each hidden record and
// once for the public record next to it.
func leakURLs(t *testing.T, st *stack) []string {
	t.Helper()
	skip := map[string]bool{"/metrics": true, "/healthz": true, "/readyz": true, "/setup": true, "/login": true}
	values := map[string][]string{
		"{id}":    {hiddenActivity, hiddenProgramme, "AUS-ITPP-2023", "AUS-ITPP-2023-A999"},
		"{other}": {hiddenProgramme, hiddenReview, "AUS-IPCP-2013"},
		"{iso3}":  {"AUS", "PAK", "NZL"},
		"{code}":  {"NATO"},
		"{step}":  {"apply"},
		"{$}":     {""},
		// Histories of the hidden records, and of one that does not
		// exist (a public record's history carries the time its store
		// was made, which differs between the two stores).
		"{entity}": {"activity", "programme"},
		"{key...}": {hiddenActivity, hiddenProgramme, "AUS-ITPP-2023-A999"},
		// The partners' Atom feeds.
		"{feed}": {"AUS.atom", "PAK.atom", "NZL.atom"},
		// An account's page, for admins only.
		"{name}": {"nobody"},
		// Operations.
		"{op}": {"ISAF", "NOSUCHOP"},
		// The record's facts (facts_api.go).
		"{alliance}":  {"NATO"},
		"{framework}": {"NACC"},
		"{meeting}":   {"SUMMIT-2022-MADRID"},
		"{kind}":      {"contributions", "partnerships"},
	}
	var urls []string
	for _, pattern := range st.h.Routes() {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok || method != "GET" || skip[path] || strings.HasPrefix(path, "/static/") {
			continue
		}
		paths := []string{path}
		for w, vs := range values {
			var next []string
			for _, p := range paths {
				if !strings.Contains(p, w) {
					next = append(next, p)
					continue
				}
				for _, v := range vs {
					next = append(next, strings.ReplaceAll(p, w, v))
				}
			}
			paths = next
		}
		for _, p := range paths {
			if strings.Contains(p, "{") {
				t.Fatalf("route %s: no value for a wildcard in %s", pattern, p)
			}
			urls = append(urls, p)
		}
	}
	// Queries that select the hidden records.
	urls = append(urls, "/api/v1/timeline?country=AUS", "/api/v1/timeline?country=PAK", "/timeline?country=AUS",
		"/api/v1/programmes?partner=PAK", "/api/v1/programmes?partner=AUS", "/programmes?partner=AUS",
		"/api/v1/programmes/AUS-ITPP-2023/activities?status=proposed", "/api/v1/programmes/"+hiddenProgramme+"/activities?status=proposed",
		"/api/v1/changes?since=0&limit=1000", "/api/v1/changes?limit=1")
	return urls
}

// fetch GETs u as the holder of token ("" for the public), as JSON when
// json is set, and returns the status, content type and body.
func fetch(t *testing.T, st *stack, token, u string, asJSON bool) (int, string, string) {
	t.Helper()
	hdr := []string{}
	if token != "" {
		hdr = append(hdr, "Authorization", "Bearer "+token)
	}
	if asJSON {
		hdr = append(hdr, "Accept", "application/json")
	}
	res, body := get(t, nil, st.srv.URL+u, hdr...)
	// The consent form's CSRF token is signed with a key each store makes
	// at random: the one difference between two stores that says nothing
	// about their records.
	body = csrfValue.ReplaceAllString(body, `name="csrf" value="…"`)
	// The change feed's cursor is the last audit event it read, shown or
	// not: it passes over hidden changes, so it says that changes were
	// made (as any id does), never what they were or to what.
	body = changeCursor.ReplaceAllString(body, `${1}…`)
	return res.StatusCode, res.Header.Get("Content-Type"), body
}

var (
	csrfValue    = regexp.MustCompile(`name="csrf" value="[^"]*"`)
	changeCursor = regexp.MustCompile(`("cursor": |since=)[0-9]+`)
)

// TestLeak is the leak test of issue 9: an AUS activity and a programme
// RELEASABLE TO AUS, written by staff, are invisible to New Zealand's
// liaison, to a reader and to the public through every page and API route
// (record pages, lists, programme pages, progress and its chart, diffs,
// counts, timelines, profiles, sources): each answer is byte for byte the
// answer of a second store where they were never written, so a hidden
// record's page is that of a record that does not exist. Australia's
// liaison and staff do see them, so the test can fail.
func TestLeak(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testLeak(t, newStack(t), newStack(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testLeak(t, progStackPG(t), progStackPG(t)) })
}

func testLeak(t *testing.T, marked, bare *stack) {
	hide(t, marked)
	who := map[string][2]string{}
	for _, p := range []struct {
		name, partner string
		role          entente.Role
	}{{"nzl", "NZL", entente.RoleLiaison}, {"reader", "", entente.RoleReader}} {
		who[p.name] = [2]string{
			tokenFor(t, marked.svc, "leak-"+p.name, p.role, p.partner, "read"),
			tokenFor(t, bare.svc, "leak-"+p.name, p.role, p.partner, "read"),
		}
	}
	who["public"] = [2]string{"", ""}
	urls := leakURLs(t, marked)
	compared := 0
	for name, tokens := range who {
		for _, u := range urls {
			for _, asJSON := range []bool{false, true} {
				gs, gt, gb := fetch(t, marked, tokens[0], u, asJSON)
				ws, wt, wb := fetch(t, bare, tokens[1], u, asJSON)
				if gs != ws || gt != wt || gb != wb {
					t.Errorf("%s GET %s (json %v): with the hidden records %d %s, %d bytes; without them %d %s, %d bytes%s",
						name, u, asJSON, gs, gt, len(gb), ws, wt, len(wb), firstDiff(gb, wb))
				}
				if strings.Contains(gb, hiddenTitle) || strings.Contains(gb, hiddenProgramme) && !strings.Contains(u, hiddenProgramme) {
					t.Errorf("%s GET %s (json %v) names a hidden record", name, u, asJSON)
				}
				compared++
			}
		}
	}
	t.Logf("%d answers compared (%d URLs × %d principals × HTML and JSON)", compared, len(urls), len(who))

	// Those it is released to see it.
	aus := tokenFor(t, marked.svc, "leak-aus", entente.RoleLiaison, "AUS", "read")
	for _, tok := range []string{aus, marked.token} {
		for _, u := range []string{"/api/v1/activities/" + hiddenActivity, "/activities/" + hiddenActivity, "/api/v1/programmes/" + hiddenProgramme,
			"/programmes/" + hiddenProgramme, "/api/v1/programmes/AUS-ITPP-2023/diff/" + hiddenReview} {
			status, _, body := fetch(t, marked, tok, u, false)
			if status != http.StatusOK {
				t.Errorf("GET %s as AUS liaison or staff: %d, want 200: %.200s", u, status, body)
			}
		}
		_, _, body := fetch(t, marked, tok, "/api/v1/programmes/AUS-ITPP-2023/activities", true)
		if !strings.Contains(body, hiddenTitle) {
			t.Errorf("AUS-ITPP-2023's activities as AUS liaison or staff lack the activity released to AUS")
		}
	}
	// And the hidden activity's answer is exactly that of a missing one.
	_, _, missing := fetch(t, marked, who["nzl"][0], "/api/v1/activities/"+hiddenActivity, true)
	var problem struct{ Detail string }
	if err := json.Unmarshal([]byte(missing), &problem); err != nil || problem.Detail != `unknown activity "`+hiddenActivity+`"` {
		t.Errorf("hidden activity as NZL liaison: %s, want the not-found problem of a missing activity", missing)
	}
}

// firstDiff shows where two bodies first differ.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-80)
	return fmt.Sprintf("; first difference at byte %d:\n  with:    %q\n  without: %q", i, a[lo:min(len(a), i+80)], b[lo:min(len(b), i+80)])
}

// TestCacheAudience checks that the page cache never serves one
// principal's answer to another: staff, then the public, then Australia's
// liaison ask for the same URLs, which staff see with a record released to
// AUS; the public must get the public page, and the liaison its own.
func TestCacheAudience(t *testing.T) {
	st := newStack(t)
	hide(t, st)
	aus := tokenFor(t, st.svc, "cache-aus", entente.RoleLiaison, "AUS", "read")
	for _, u := range []string{"/programmes/AUS-ITPP-2023", "/api/v1/programmes/AUS-ITPP-2023/activities", "/activities/" + hiddenActivity} {
		for _, asJSON := range []bool{false, true} {
			_, _, staff := fetch(t, st, st.token, u, asJSON)
			if !strings.Contains(staff, hiddenTitle) {
				t.Fatalf("staff GET %s lacks the hidden activity: %.300s", u, staff)
			}
			for range 2 { // the second from the cache, if cached
				if _, _, public := fetch(t, st, "", u, asJSON); strings.Contains(public, hiddenTitle) {
					t.Errorf("public GET %s after staff's (json %v) shows the activity released to AUS", u, asJSON)
				}
			}
			if _, _, liaison := fetch(t, st, aus, u, asJSON); !strings.Contains(liaison, hiddenTitle) {
				t.Errorf("AUS liaison GET %s after the public's (json %v) lacks the activity released to AUS", u, asJSON)
			}
			if _, _, public := fetch(t, st, "", u, asJSON); strings.Contains(public, hiddenTitle) {
				t.Errorf("public GET %s after the AUS liaison's (json %v) shows the activity released to AUS", u, asJSON)
			}
		}
	}
}
