package web_test

import (
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/dataset"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store"
	"github.com/entente/entente/web"
)

// ldNode is a node of a page's JSON-LD graph, as a consumer reads it.
type ldNode struct {
	Type          string   `json:"@type"`
	ID            string   `json:"@id"`
	Name          string   `json:"name"`
	AlternateName string   `json:"alternateName"`
	Identifier    string   `json:"identifier"`
	SameAs        string   `json:"sameAs"`
	FoundingDate  string   `json:"foundingDate"`
	StartDate     string   `json:"startDate"`
	EndDate       string   `json:"endDate"`
	ProgramName   string   `json:"programName"`
	Location      *ldNode  `json:"location"`
	Organizer     *ldNode  `json:"organizer"`
	Hosting       *ldNode  `json:"hostingOrganization"`
	Member        []ldNode `json:"member"`
}

var ldScript = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

// jsonLD parses the page's one JSON-LD script with encoding/json, and
// returns its nodes and the page's text without it (what a reader sees).
func jsonLD(t *testing.T, body string) ([]ldNode, string) {
	t.Helper()
	ms := ldScript.FindAllStringSubmatch(body, -1)
	if len(ms) != 1 {
		t.Fatalf("%d JSON-LD scripts, want 1", len(ms))
	}
	if strings.Contains(ms[0][1], `"@type":""`) {
		t.Errorf("a node with an empty @type: %s", ms[0][1])
	}
	var doc struct {
		Context string   `json:"@context"`
		Graph   []ldNode `json:"@graph"`
	}
	if err := json.Unmarshal([]byte(ms[0][1]), &doc); err != nil {
		t.Fatalf("JSON-LD: %v\n%s", err, ms[0][1])
	}
	if doc.Context != "https://schema.org" {
		t.Errorf("@context %q, want https://schema.org", doc.Context)
	}
	return doc.Graph, pageText(ldScript.ReplaceAllString(body, ""))
}

func ofType(nodes []ldNode, typ string) []ldNode {
	var out []ldNode
	for _, n := range nodes {
		if n.Type == typ {
			out = append(out, n)
		}
	}
	return out
}

func one(t *testing.T, nodes []ldNode, typ string) ldNode {
	t.Helper()
	got := ofType(nodes, typ)
	if len(got) != 1 {
		t.Fatalf("%d %s nodes, want 1: %+v", len(got), typ, nodes)
	}
	return got[0]
}

// wd is the Wikidata page of a record's id, "" for none.
func wd(id string) string {
	if id == "" {
		return ""
	}
	return "https://www.wikidata.org/wiki/" + id
}

// TestJSONLD: the public pages embed schema.org JSON-LD that encoding/json
// reads: the alliance as an Organization (with its members on the members
// page, for the day asked), a country as a Country with its Wikidata item as
// sameAs and the alliance membership, operations and meetings as Events, a
// partner's frameworks as ProgramMemberships. What it says is what the page
// shows, on both engines (issue 12, item 4).
func TestJSONLD(t *testing.T) {
	engines(t, func(t *testing.T, st *stack) {
		ctx := t.Context()
		a, err := st.svc.Store.FindAlliance(ctx, "NATO")
		if err != nil {
			t.Fatal(err)
		}
		if a.Wikidata == "" {
			t.Fatal("the default alliance has no Wikidata id")
		}
		wikidataOf := func(code string) string {
			c, err := st.svc.Store.FindCountry(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			return c.Wikidata
		}

		// The home page: the alliance, founded when its treaty was signed.
		_, body := get(t, nil, st.srv.URL+"/")
		nodes, text := jsonLD(t, body)
		org := one(t, nodes, "Organization")
		if org.Name != a.Name || org.AlternateName != a.Code || org.SameAs != wd(a.Wikidata) || org.FoundingDate != a.Signed.String() {
			t.Errorf("home page Organization %+v, want %s (%s), %s, founded %s", org, a.Name, a.Code, wd(a.Wikidata), a.Signed)
		}
		if !strings.Contains(text, a.Name) || !strings.Contains(body, `href="`+wd(a.Wikidata)+`"`) {
			t.Errorf("the home page does not show the alliance's name and Wikidata link")
		}

		// The members page, as of a day: exactly that day's members.
		for day, want := range map[string]int{"1990-01-01": 16, "2025-01-01": 32, "1949-01-01": 0} {
			_, body := get(t, nil, st.srv.URL+"/members?as_of="+day)
			nodes, text := jsonLD(t, body)
			org := one(t, nodes, "Organization")
			countries := ofType(nodes, "Country")
			if len(org.Member) != want || len(countries) != want {
				t.Errorf("members as of %s: %d members, %d countries, want %d", day, len(org.Member), len(countries), want)
			}
			for i, c := range countries {
				if org.Member[i].ID != c.ID || c.ID != "/countries/"+c.Identifier {
					t.Errorf("member %d refers to %q, country node is %q", i, org.Member[i].ID, c.ID)
				}
				if !strings.Contains(text, c.Name) {
					t.Errorf("members as of %s: %s is in the JSON-LD, not on the page", day, c.Name)
				}
				if c.SameAs != wd(wikidataOf(c.Identifier)) {
					t.Errorf("%s sameAs %q, want %q", c.Identifier, c.SameAs, wd(wikidataOf(c.Identifier)))
				}
			}
		}

		// A country page: the Country, and the alliance only on a day it
		// is a member.
		for _, tc := range []struct {
			code, day string
			member    bool
		}{{"NZL", "", false}, {"SWE", "2023-01-01", false}, {"SWE", "2025-01-01", true}, {"BEL", "1990-01-01", true}} {
			u := "/countries/" + tc.code
			if tc.day != "" {
				u += "?as_of=" + tc.day
			}
			_, body := get(t, nil, st.srv.URL+u)
			nodes, text := jsonLD(t, body)
			c := one(t, nodes, "Country")
			want := wd(wikidataOf(tc.code))
			if c.Identifier != tc.code || c.SameAs != want || want == "" {
				t.Errorf("%s: Country %+v, want sameAs %q", u, c, want)
			}
			if !strings.Contains(text, c.Name) || !strings.Contains(body, `href="`+want+`"`) {
				t.Errorf("%s: the page does not show %s and its Wikidata link", u, c.Name)
			}
			orgs := ofType(nodes, "Organization")
			if got := len(orgs) == 1 && len(orgs[0].Member) == 1 && orgs[0].Member[0].ID == c.ID; got != tc.member {
				t.Errorf("%s: alliance membership in JSON-LD %v, want %v: %+v", u, got, tc.member, orgs)
			}
			if tc.member && orgs[0].SameAs != wd(a.Wikidata) {
				t.Errorf("%s: the alliance's sameAs %q", u, orgs[0].SameAs)
			}
		}

		// Operations and meetings: one Event for each section the page
		// shows, in the same order, organised by the alliance.
		sections := regexp.MustCompile(`<section id="([^"]+)" aria-labelledby`)
		for _, u := range []string{"/operations", "/operations?as_of=2000-01-01", "/meetings", "/meetings?as_of=2000-01-01"} {
			_, body := get(t, nil, st.srv.URL+u)
			nodes, text := jsonLD(t, body)
			org := one(t, nodes, "Organization")
			events := ofType(nodes, "Event")
			var shown, ids []string
			for _, m := range sections.FindAllStringSubmatch(body, -1) {
				shown = append(shown, m[1])
			}
			for _, e := range events {
				_, frag, _ := strings.Cut(e.ID, "#")
				ids = append(ids, frag)
				if e.StartDate == "" || e.Location == nil || e.Location.Type != "Place" || e.Location.Name == "" {
					t.Errorf("%s: event %s lacks a start or a place: %+v", u, e.Name, e)
				}
				if e.Organizer == nil || e.Organizer.ID != org.ID {
					t.Errorf("%s: event %s is not organised by the alliance node", u, e.Name)
				}
				if !strings.Contains(text, e.Name) || !strings.Contains(text, e.Location.Name) {
					t.Errorf("%s: event %q in %q is not on the page", u, e.Name, e.Location.Name)
				}
				if _, err := entente.ParseDate(e.StartDate); err != nil {
					t.Errorf("%s: startDate %q: %v", u, e.StartDate, err)
				}
			}
			if len(ids) == 0 || !slices.Equal(ids, shown) {
				t.Errorf("%s: events %v, the page shows %v", u, ids, shown)
			}
		}

		// The partner page: the partner with its Wikidata item and a
		// programme membership for each framework the page names.
		_, body = get(t, nil, st.srv.URL+"/partners/NZL")
		nodes, text = jsonLD(t, body)
		c := one(t, nodes, "Country")
		if c.SameAs != wd(wikidataOf("NZL")) || !strings.Contains(body, `href="`+c.SameAs+`"`) {
			t.Errorf("partner page Country %+v: sameAs not the Wikidata link the page shows", c)
		}
		org = one(t, nodes, "Organization")
		if len(org.Member) != 0 {
			t.Errorf("the partner page makes New Zealand a member: %+v", org)
		}
		pms := ofType(nodes, "ProgramMembership")
		if len(pms) == 0 {
			t.Error("the partner page has no programme membership")
		}
		for _, pm := range pms {
			if pm.Hosting == nil || pm.Hosting.ID != org.ID || len(pm.Member) != 1 || pm.Member[0].ID != c.ID || !strings.Contains(text, pm.ProgramName) {
				t.Errorf("partner page: %+v", pm)
			}
		}
	})
}

// TestJSONLDCannotCloseScript: a record whose text holds "</script>" cannot
// end the JSON-LD script early or open another: the page has exactly one
// script element, and its JSON still reads back to the same title.
func TestJSONLDCannotCloseScript(t *testing.T) {
	const evil = `Op </script><script>alert(1)</script> & <!-- "quoted"`
	ctx := t.Context()
	ds, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	for i := range ds.Operations {
		if ds.Operations[i].Code == "ISAF" {
			ds.Operations[i].Name = evil
		}
	}
	for i := range ds.Meetings {
		ds.Meetings[i].Name = evil
	}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "evil.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Import(ctx, ds, nil); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(service.New(st), web.Config{Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	for _, u := range []string{"/operations", "/meetings"} {
		_, body := get(t, nil, srv.URL+u)
		if n := strings.Count(strings.ToLower(body), "<script"); n != 1 {
			t.Errorf("%s: %d script elements, want only the JSON-LD", u, n)
		}
		if strings.Contains(body, "alert(1)</script>") {
			t.Errorf("%s: the title closed a script element", u)
		}
		nodes, _ := jsonLD(t, body)
		found := false
		for _, e := range ofType(nodes, "Event") {
			found = found || e.Name == evil
		}
		if !found {
			t.Errorf("%s: no event reads back with the title %q", u, evil)
		}
	}
}
