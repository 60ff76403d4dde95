package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
)

// TestSearchCLI: `entente search` gives the same best hit on both engines
// for a shared set of queries over the default dataset, Bamyan first of all
// (issue 12: New Zealand's ISAF contribution), and refuses a query it
// cannot read with exit status 2.
func TestSearchCLI(t *testing.T) {
	engines := map[string]string{"SQLite": filepath.Join(t.TempDir(), "entente.db"), "PostgreSQL": pgtest.New(t)}
	shared := map[string]string{
		"Bamyan":                  "contribution NZL-BAMYAN-PRT",
		"Ocean Shield":            "operation OCEAN-SHIELD",
		"IP4":                     "group NATO/IP4",
		"Libya":                   "country LBY",
		"NZL-ITPP-2024":           "programme NZL-ITPP-2024",
		`"Individually Tailored"`: "",
		"cyber":                   "",
	}
	first := map[string]map[string]string{}
	for name, db := range engines {
		first[name] = map[string]string{}
		for q := range shared {
			out, errOut, code := run(t, "search", q, "--json", "--db", db)
			var res struct {
				Total int
				Hits  []struct{ Kind, Key, Title string }
			}
			if code != 0 || json.Unmarshal([]byte(out), &res) != nil {
				t.Fatalf("%s: search %s: exit %d: %s %s", name, q, code, out, errOut)
			}
			if len(res.Hits) == 0 {
				t.Errorf("%s: search %s: no hit", name, q)
				continue
			}
			first[name][q] = res.Hits[0].Kind + " " + res.Hits[0].Key
		}
	}
	for q, want := range shared {
		a, b := first["SQLite"][q], first["PostgreSQL"][q]
		if a != b {
			t.Errorf("search %s: SQLite's best hit is %s, PostgreSQL's %s", q, a, b)
		}
		if want != "" && a != want {
			t.Errorf("search %s: best hit %s, want %s", q, a, want)
		}
	}
	out, errOut, code := run(t, "search", "Bamyan", "--db", engines["SQLite"])
	if code != 0 || !strings.HasPrefix(out, "1. International Security Assistance Force: New Zealand") || !strings.Contains(out, "[Bamyan]") ||
		!regexp.MustCompile(`(?m)^by kind: .*\bcontribution 1\b`).MatchString(out) {
		t.Errorf("search Bamyan: exit %d\n%s%s", code, out, errOut)
	}
	for _, args := range [][]string{{"search", `"Bamyan`}, {"search"}, {"search", "x", "--kind", "ship"}, {"search", "x", "--decade", "1995"}} {
		if _, errOut, code := run(t, append(args, "--db", engines["SQLite"])...); code != 2 {
			t.Errorf("%s: exit %d, want 2: %s", args, code, errOut)
		}
	}
}

// TestSearchCLIMore: a search matching more records than its window says
// "more than" and that the counts are of the window.
func TestSearchCLIMore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "entente.db")
	if _, errOut, code := run(t, "generate", "--partners", "2", "--activities", strconv.Itoa(entente.SearchWindow+100), "--db", db); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, errOut)
	}
	out, errOut, code := run(t, "search", "synthetic", "--db", db)
	want := fmt.Sprintf("more than %d hits; the best 20 of the first %d found shown, and those %d counted below", entente.SearchWindow, entente.SearchWindow, entente.SearchWindow)
	if code != 0 || !strings.Contains(out, want) {
		t.Errorf("search synthetic over %d activities: exit %d; want %q\n%s%s", entente.SearchWindow+100, code, want, out, errOut)
	}
}
