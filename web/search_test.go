package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestSearch: /api/v1/search and /search find a record by a word of its
// text on both engines, mark the words matched, link the hit to its page,
// escape what a record's text holds, and answer a query or filter they
// cannot read with 400 naming it (issue 12, item 1).
func TestSearch(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testSearch(t, newStack(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testSearch(t, progStackPG(t)) })
}

func testSearch(t *testing.T, st *stack) {
	res, body := get(t, nil, st.srv.URL+"/api/v1/search?q=Bamyan")
	var got struct {
		Total int
		Hits  []struct{ Kind, Key, Title, Snippet, Path string }
		Kinds []struct {
			Value string
			Count int
		}
	}
	if res.StatusCode != 200 || json.Unmarshal([]byte(body), &got) != nil || len(got.Hits) == 0 {
		t.Fatalf("search Bamyan: %d %.300s", res.StatusCode, body)
	}
	if h := got.Hits[0]; h.Kind != "contribution" || h.Key != "NZL-BAMYAN-PRT" || h.Path != "/countries/NZL" || !strings.Contains(h.Title, "⟦Bamyan⟧") {
		t.Errorf("the first hit for Bamyan: %+v; want New Zealand's ISAF contribution, linked to New Zealand's page, the word marked", h)
	}
	for _, tt := range []struct{ query, want string }{
		{"q=%22Bamyan", "q: a quote is not closed"},
		{"", "q: give a word"},
		{"q=%2A%2A%2A", "q: give a word"},
		{"q=Bamyan&kind=spaceship", `kind: \"spaceship\" is not one of`},
		{"q=Bamyan&decade=1995", "decade: 1995 is not a decade"},
		{"q=Bamyan&decade=nineties", "decade:"},
		{"q=Bamyan&limit=1000", "limit: 1000"},
		{"q=Bamyan&country=NZ", "country:"},
		{"q=" + url.QueryEscape(strings.Repeat("word ", 50)), "q: the query is 250 bytes long"},
	} {
		res, body := get(t, nil, st.srv.URL+"/api/v1/search?"+tt.query)
		if res.StatusCode != 400 || !strings.Contains(body, tt.want) {
			t.Errorf("search ?%s: %d %.300s; want 400 saying %q", tt.query, res.StatusCode, body, tt.want)
		}
	}

	// The page: hits marked and escaped, the form keeping the query.
	if _, err := st.svc.ProposeActivity(operator(t), service.ProposeRequest{Programme: "NZL-ITPP-2024",
		Title: `<script>alert("x")</script> Zanzibar staff talks`, Kind: "staff-talks"}); err != nil {
		t.Fatal(err)
	}
	res, body = get(t, nil, st.srv.URL+"/search?q=zanzibar")
	if res.StatusCode != 200 || !strings.Contains(body, "<mark>Zanzibar</mark>") || !strings.Contains(body, "&lt;script&gt;") ||
		strings.Contains(body, "<script>alert") || !strings.Contains(body, `value="zanzibar"`) || !strings.Contains(body, `href="/activities/NZL-ITPP-2024-A`) {
		t.Errorf("the search page for zanzibar: %d\n%s", res.StatusCode, body)
	}
	res, body = get(t, nil, st.srv.URL+"/search?q=%22zanzibar")
	if res.StatusCode != 400 || !strings.Contains(body, `class="error-summary"`) || !strings.Contains(body, `href="#q"`) ||
		!strings.Contains(body, "a quote is not closed") || !strings.Contains(body, `value="&#34;zanzibar"`) {
		t.Errorf("the search page for an unclosed quote: %d\n%s", res.StatusCode, body)
	}
	// Every page has the search box.
	_, body = get(t, nil, st.srv.URL+"/members")
	if !strings.Contains(body, `role="search"`) || !strings.Contains(body, `action="/search"`) {
		t.Errorf("/members has no search box")
	}
}

// TestSearchMore: a search that matches more records than its window
// (entente.SearchWindow) says so: "more than" on the page, with the
// facets' counts named as those of the window, more and the window as the
// total in the API; and paging stops at the window.
func TestSearchMore(t *testing.T) {
	st := newStack(t)
	ctx := t.Context()
	err := st.svc.Store.Update(ctx, func(tx entente.Tx) error {
		for i := range entente.SearchWindow + 1 {
			a := &entente.Activity{ID: fmt.Sprintf("NZL-ITPP-2024-Q%04d", i), Programme: "NZL-ITPP-2024", Title: fmt.Sprintf("Quokka drill %d", i),
				Kind: "exercise", Location: "Rottnest", Status: entente.ActivityProposed, Invited: []string{}, Registrations: []entente.Registration{},
				Dates:      entente.ActivityDates{Proposed: entente.MustParseDate("2025-05-01")},
				Provenance: entente.Provenance{Sources: []string{}}}
			if err := tx.CreateActivity(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	window := strconv.Itoa(entente.SearchWindow)
	res, body := get(t, nil, st.srv.URL+"/api/v1/search?q=quokka")
	var got struct {
		Total int
		More  bool
		Hits  []struct{ Key string }
	}
	if res.StatusCode != 200 || json.Unmarshal([]byte(body), &got) != nil || !got.More || got.Total != entente.SearchWindow || len(got.Hits) != entente.DefaultHits {
		t.Errorf("search quokka: %d %.300s; want more, total %s", res.StatusCode, body, window)
	}
	res, body = get(t, nil, st.srv.URL+"/search?q=quokka")
	if res.StatusCode != 200 || !strings.Contains(body, "More than "+window+" records found") || !strings.Contains(body, "Counts of the first "+window+" found") ||
		!strings.Contains(body, `rel="next"`) {
		t.Errorf("the search page for quokka: %d\n%s", res.StatusCode, body)
	}
	last := strconv.Itoa(service.MaxSearchOffset)
	res, body = get(t, nil, st.srv.URL+"/search?q=quokka&offset="+last)
	if res.StatusCode != 200 || strings.Contains(body, `rel="next"`) || !strings.Contains(body, "<mark>Quokka</mark>") {
		t.Errorf("the last page of quokka (offset %s): %d; want a hit and no next page\n%s", last, res.StatusCode, body)
	}
	res, body = get(t, nil, st.srv.URL+"/api/v1/search?q=quokka&offset="+window)
	if res.StatusCode != 400 || !strings.Contains(body, "offset: "+window) {
		t.Errorf("search quokka past the window: %d %.300s; want 400 naming offset", res.StatusCode, body)
	}
}
