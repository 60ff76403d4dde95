package web_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/service"
)

// engines runs fn once on a fresh SQLite file and once on a fresh
// PostgreSQL schema, each holding the default dataset and served by the
// real handler.
func engines(t *testing.T, fn func(t *testing.T, st *stack)) {
	t.Helper()
	t.Run("SQLite", func(t *testing.T) { fn(t, stackOn(t, filepath.Join(t.TempDir(), "entente.db"))) })
	t.Run("PostgreSQL", func(t *testing.T) { fn(t, stackOn(t, pgtest.New(t))) })
}

// TestCountryRegionLine checks that a country page names the country's
// region and cites the country's own sources by their ids, linked to the
// sources page, and never prints the list of source records (defect 5 of
// issue 7: the line showed a Go slice of structs linked to /sources#%7b...).
func TestCountryRegionLine(t *testing.T) {
	engines(t, func(t *testing.T, st *stack) {
		for _, code := range []string{"NZL", "BEL", "UKR"} {
			c, err := st.svc.Store.FindCountry(t.Context(), code)
			if err != nil {
				t.Fatal(err)
			}
			_, body := get(t, nil, st.srv.URL+"/countries/"+code)
			lede := between(body, `<p class="lede">`, `</p>`)
			if !strings.Contains(pageText(lede), "Region: "+c.Place()) {
				t.Errorf("%s: region line %q lacks %q", code, pageText(lede), "Region: "+c.Place())
			}
			if strings.Contains(body, "%7b") || strings.Contains(body, "&{") || strings.Contains(lede, "{") {
				t.Errorf("%s: the page prints a Go value: %q", code, lede)
			}
			if len(c.Sources) == 0 {
				t.Fatalf("%s: the dataset cites no source for the country", code)
			}
			for _, id := range c.Sources {
				if !strings.Contains(lede, `href="/sources#`+id+`"`) {
					t.Errorf("%s: region line does not cite source %s: %q", code, id, lede)
				}
			}
		}
	})
}

// between returns the text of s after the first open and before the next
// close, or "" if either is missing.
func between(s, open, close string) string {
	_, after, ok := strings.Cut(s, open)
	if !ok {
		return ""
	}
	in, _, ok := strings.Cut(after, close)
	if !ok {
		return ""
	}
	return in
}

// onePlural finds a count of one followed by a plural noun ("1 activities").
var onePlural = regexp.MustCompile(`(?:^|[^0-9.,])1 (activities|members|partners|steps|waves|offers|sources|participants|countries|programmes|rows)\b`)

// TestNoOnePlural reads pages whose counts can be one (New Zealand's ITPP
// has one activity) and checks that none says "1 activities" (issue 7,
// defect 10).
func TestNoOnePlural(t *testing.T) {
	st := newStack(t)
	day, err := entente.ParseDate("2025-01-10")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.svc.ProposeActivity(operator(t), service.ProposeRequest{Programme: "NZL-ITPP-2024",
		Title: "Cyber defence staff talks", Kind: "staff-talks", Date: day}); err != nil {
		t.Fatal(err)
	}
	pages := []string{"/programmes/NZL-ITPP-2024", "/", "/members", "/members?as_of=1949-08-24", "/menu", "/sources", "/partners", "/timeline?country=NZL"}
	saw := false
	for _, p := range pages {
		res, body := get(t, nil, st.srv.URL+p)
		if res.StatusCode != 200 {
			t.Fatalf("%s: status %d", p, res.StatusCode)
		}
		text := pageText(body)
		if m := onePlural.FindString(text); m != "" {
			t.Errorf("%s says %q", p, m)
		}
		if p == "/programmes/NZL-ITPP-2024" {
			saw = strings.Contains(text, "1 activity")
		}
	}
	if !saw {
		t.Error(`/programmes/NZL-ITPP-2024 does not say "1 activity"`)
	}
}

// TestCountriesPage checks /countries lists every country of the store,
// each linked to its page under a heading of its UN M49 region, and marks
// members and partners as of the day asked for.
func TestCountriesPage(t *testing.T) {
	engines(t, func(t *testing.T, st *stack) {
		cs, err := st.svc.Store.FindCountries(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		_, body := get(t, nil, st.srv.URL+"/countries")
		for _, c := range cs {
			if !strings.Contains(body, `href="/countries/`+c.Code+`"`) {
				t.Errorf("/countries does not link to %s", c.Code)
			}
			if c.Region != "" && !strings.Contains(body, ">"+c.Region+"</h2>") {
				t.Errorf("/countries has no heading for region %q", c.Region)
			}
		}
		marker := func(body, code string) string {
			li := between(body, `href="/countries/`+code, `</li>`)
			switch {
			case strings.Contains(li, "tag member"):
				return "member"
			case strings.Contains(li, "tag partner"):
				return "partner"
			}
			return ""
		}
		_, old := get(t, nil, st.srv.URL+"/countries?as_of=2020-01-01")
		for _, tt := range []struct {
			body, code, want string
		}{{body, "FIN", "member"}, {old, "FIN", "partner"}, {body, "NZL", "partner"}, {body, "BEL", "member"}, {body, "BRA", ""}, {old, "BEL", "member"}} {
			if got := marker(tt.body, tt.code); got != tt.want {
				t.Errorf("%s marked %q, want %q", tt.code, got, tt.want)
			}
		}
	})
}
