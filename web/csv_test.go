package web_test

import (
	"encoding/csv"
	"encoding/json"
	"html"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// Issue 12, item 2: every list page has a "Download CSV" link giving the
// table it shows, for its day and filters, and the API's list endpoints
// answer CSV to Accept: text/csv; the headers are those docs/csv.md
// documents, and cells a spreadsheet would run are defused.

func TestCSV(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testCSV(t, newStack(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testCSV(t, progStackPG(t)) })
}

func testCSV(t *testing.T, st *stack) {
	// Rows for the lists the default dataset leaves empty: an activity
	// and two menu offers, one titled like a formula.
	if _, err := st.svc.ProposeActivity(operator(t), service.ProposeRequest{Programme: "NZL-ITPP-2024", Title: "Cyber defence staff talks",
		Kind: "staff-talks", Date: entente.MustParseDate("2025-01-10")}); err != nil {
		t.Fatal(err)
	}
	menu := strings.Join(service.MenuColumns, ",") + "\n" +
		"CSV-1,Cyber defence course,,course,NATO,20,Tallinn,2025-03-01,2025-03-05,,,\n" +
		"CSV-2,\"-2 ways to plan, +1\",,course,NATO,,,,,annual,,\n"
	if _, err := st.svc.ImportMenu(operator(t), "test.csv", "csv", strings.NewReader(menu)); err != nil {
		t.Fatal(err)
	}
	t.Run("Pages", func(t *testing.T) { testCSVPages(t, st) })
	t.Run("API", func(t *testing.T) { testCSVAPI(t, st) })
	t.Run("Accept", func(t *testing.T) { testCSVAccept(t, st) })
	t.Run("FormulaInjection", func(t *testing.T) { testCSVInjection(t, st) })
}

// documentedHeaders reads docs/csv.md: each table's columns, in order.
func documentedHeaders(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile("../docs/csv.md")
	if err != nil {
		t.Fatal(err)
	}
	out, table := map[string][]string{}, ""
	col := regexp.MustCompile("^\\| `([a-z0-9_]+)` \\|")
	for _, line := range strings.Split(string(b), "\n") {
		if name, ok := strings.CutPrefix(line, "## "); ok {
			table = name
		} else if m := col.FindStringSubmatch(line); m != nil && table != "" {
			out[table] = append(out[table], m[1])
		}
	}
	return out
}

// readCSV checks that res is CSV and parses body: the header and the rows.
func readCSV(t *testing.T, what string, res *http.Response, body string) ([]string, [][]string) {
	t.Helper()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d, want 200\n%s", what, res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("%s: Content-Type %q, want text/csv; charset=utf-8", what, ct)
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v\n%s", what, err, body)
	}
	if len(recs) == 0 {
		t.Fatalf("%s: no header", what)
	}
	return recs[0], recs[1:]
}

var csvLink = regexp.MustCompile(`<a href="([^"]*format=csv[^"]*)">Download CSV</a>`)

// csvPage is a list page, the table its link gives and how many rows the
// page shows on the day.
type csvPage struct {
	path, table string
	rows        func(d entente.Date) int
}

func testCSVPages(t *testing.T, st *stack) {
	ctx := t.Context()
	public := *st
	public.token = ""
	count := func(n int, err error) int {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	apiLen := func(path string) int {
		t.Helper()
		_, body := do(t, st, "GET", path)
		var v []json.RawMessage
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return len(v)
	}
	pages := []csvPage{
		{"/members", "members", func(d entente.Date) int { return apiLen("/api/v1/alliances/NATO/members?as_of=" + d.String()) }},
		{"/countries", "countries", func(entente.Date) int { cs, err := st.svc.BrowseCountries(ctx); return count(len(cs), err) }},
		{"/partners", "partners", func(d entente.Date) int { return apiLen("/api/v1/alliances/NATO/partners?as_of=" + d.String()) }},
		{"/programmes", "programmes", func(d entente.Date) int {
			ps, err := st.svc.BrowseProgrammes(ctx, "NATO", d)
			return count(len(ps), err)
		}},
		{"/operations", "operations", func(d entente.Date) int {
			ops, loose, err := st.svc.BrowseOperations(ctx, "NATO", d)
			n := len(loose)
			for _, o := range ops {
				n += max(1, len(o.Contributors))
			}
			return count(n, err)
		}},
		{"/meetings", "meetings", func(d entente.Date) int {
			ms, err := st.svc.BrowseMeetings(ctx, "NATO", d)
			n := 0
			for _, m := range ms {
				n += max(1, len(m.Invitees))
			}
			return count(n, err)
		}},
		{"/collective-defence", "collective-defence", func(d entente.Date) int {
			evs, err := st.svc.BrowseDefenceEvents(ctx, "NATO", d)
			return count(len(evs), err)
		}},
		{"/sources", "sources", func(entente.Date) int { s, err := st.svc.BrowseSources(ctx); return count(len(s), err) }},
		{"/timeline?country=NZL", "timeline", func(d entente.Date) int {
			tl, err := st.svc.Timeline(ctx, "NATO", "NZL", d)
			if err != nil {
				t.Fatal(err)
			}
			return len(tl.Items)
		}},
		{"/menu", "menu", func(entente.Date) int { m, err := st.svc.Menu(ctx); return count(len(m), err) }},
	}
	docs := documentedHeaders(t)
	check := func(t *testing.T, s *stack, p csvPage, day string, want int) {
		t.Helper()
		path := p.path
		if day != "" {
			path += map[bool]string{true: "&", false: "?"}[strings.Contains(path, "?")] + "as_of=" + day
		}
		res, body := do(t, s, "GET", path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, res.StatusCode)
		}
		m := csvLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no Download CSV link", path)
		}
		link := html.UnescapeString(m[1])
		if day != "" && !strings.Contains(link, "as_of="+day) {
			t.Errorf("%s: the CSV link %s does not keep the day", path, link)
		}
		if strings.Contains(p.path, "country=NZL") && !strings.Contains(link, "country=NZL") {
			t.Errorf("%s: the CSV link %s does not keep the filter", path, link)
		}
		res, body = do(t, s, "GET", link)
		header, rows := readCSV(t, link, res, body)
		if !slices.Equal(header, docs[p.table]) {
			t.Errorf("%s: header %v, documented %v", link, header, docs[p.table])
		}
		if len(rows) != want || (want == 0 && day == "") {
			t.Errorf("%s: %d rows, the page shows %d (and every list has rows today)", link, len(rows), want)
		}
		cd := res.Header.Get("Content-Disposition")
		wantDay := day
		if wantDay == "" {
			wantDay = st.svc.Today().String()
		}
		if !strings.HasPrefix(cd, "attachment; filename=") || !strings.Contains(cd, p.table) || !strings.Contains(cd, wantDay+".csv") {
			t.Errorf("%s: Content-Disposition %q, want an attachment named for %s and %s", link, cd, p.table, wantDay)
		}
	}
	for _, day := range []string{"1990-01-01", ""} {
		d := st.svc.Today()
		if day != "" {
			d = entente.MustParseDate(day)
		}
		for _, p := range pages {
			check(t, &public, p, day, p.rows(d))
		}
	}
	// On 1990-01-01 NATO had 16 members.
	res, body := do(t, &public, "GET", "/members?as_of=1990-01-01&format=csv")
	if _, rows := readCSV(t, "members 1990", res, body); len(rows) != 16 {
		t.Errorf("/members?as_of=1990-01-01&format=csv: %d rows, want 16", len(rows))
	}

	// A programme's activities, as the page lists them.
	const prog = "/programmes/NZL-ITPP-2024"
	_, page := do(t, &public, "GET", prog)
	check(t, &public, csvPage{prog, "activities", func(entente.Date) int { return 0 }}, "", strings.Count(page, `<td><a href="/activities/`))

	// The audit log, for staff: the page's events; nobody else gets it.
	_, page = do(t, st, "GET", "/audit?entity=activity")
	check(t, st, csvPage{"/audit?entity=activity", "audit", nil}, "", strings.Count(page, `<article class="audit-event"`))
	if res, _ := do(t, &public, "GET", "/audit?format=csv"); res.StatusCode == http.StatusOK || strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("/audit?format=csv without signing in: %d %s, want refused", res.StatusCode, res.Header.Get("Content-Type"))
	}

	// A format a page does not have is a 400, not the page.
	if res, _ := do(t, &public, "GET", "/members?format=xml"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("/members?format=xml: %d, want 400", res.StatusCode)
	}
}

// testCSVAPI: each list endpoint answers CSV to Accept: text/csv, with the
// documented header and the rows of its JSON answer.
func testCSVAPI(t *testing.T, st *stack) {
	docs := documentedHeaders(t)
	for _, c := range []struct {
		path, table, list string // list: the JSON field holding the list, "" for a bare array
	}{
		{"/api/v1/alliances", "alliances", ""},
		{"/api/v1/alliances/NATO/members?as_of=1990-01-01", "members", ""},
		{"/api/v1/alliances/NATO/members", "members", ""},
		{"/api/v1/alliances/NATO/partners?as_of=2000-01-01", "partners", ""},
		{"/api/v1/timeline?country=NZL", "timeline", "items"},
		{"/api/v1/programmes?partner=NZL", "programmes", ""},
		{"/api/v1/programmes/NZL-ITPP-2024/activities", "activities", ""},
		{"/api/v1/menu", "menu", ""},
		{"/api/v1/audit", "audit", "events"},
	} {
		res, body := do(t, st, "GET", c.path, "Accept", "text/csv")
		header, rows := readCSV(t, c.path, res, body)
		if !slices.Equal(header, docs[c.table]) {
			t.Errorf("%s: header %v, documented %v", c.path, header, docs[c.table])
		}
		if !strings.Contains(res.Header.Get("Vary"), "Accept") {
			t.Errorf("%s: Vary %q does not name Accept", c.path, res.Header.Get("Vary"))
		}
		_, body = do(t, st, "GET", c.path, "Accept", "application/json")
		var list []json.RawMessage
		if c.list == "" {
			if err := json.Unmarshal([]byte(body), &list); err != nil {
				t.Fatalf("%s: %v", c.path, err)
			}
		} else {
			var obj map[string]json.RawMessage
			if err := json.Unmarshal([]byte(body), &obj); err != nil {
				t.Fatalf("%s: %v", c.path, err)
			}
			if err := json.Unmarshal(obj[c.list], &list); err != nil {
				t.Fatalf("%s: %s: %v", c.path, c.list, err)
			}
		}
		if len(rows) != len(list) || len(rows) == 0 {
			t.Errorf("%s: %d CSV rows, %d in JSON", c.path, len(rows), len(list))
		}
	}
}

// testCSVAccept: the Accept header picks CSV or JSON, one that takes
// neither is a 406 problem, and the page cache keeps the two apart.
func testCSVAccept(t *testing.T, st *stack) {
	public := *st
	public.token = "" // so that the answers go through the page cache
	const path = "/api/v1/alliances/NATO/members?as_of=1990-01-01"
	for _, c := range []struct{ accept, want string }{
		{"", "application/json"},
		{"application/json", "application/json"},
		{"text/csv", "text/csv"},
		{"*/*", "application/json"},
		{"text/csv", "text/csv"}, // from the cache
		{"text/csv;q=0.5, application/json", "application/json"},
		{"application/json;q=0.5, text/csv", "text/csv"},
		{"", "application/json"}, // from the cache, after CSV
		{"text/html", "application/problem+json"},
		{"application/xml, text/plain", "application/problem+json"},
	} {
		var hdr []string
		if c.accept != "" {
			hdr = []string{"Accept", c.accept}
		}
		res, body := do(t, &public, "GET", path, hdr...)
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, c.want) {
			t.Errorf("Accept %q: Content-Type %q, want %s\n%s", c.accept, ct, c.want, body)
		}
		switch c.want {
		case "text/csv":
			if _, rows := readCSV(t, path, res, body); len(rows) != 16 {
				t.Errorf("Accept %q: %d rows, want 16", c.accept, len(rows))
			}
		case "application/json":
			var ms []service.Member
			if err := json.Unmarshal([]byte(body), &ms); err != nil || len(ms) != 16 {
				t.Errorf("Accept %q: %d members (%v), want 16", c.accept, len(ms), err)
			}
		default:
			if res.StatusCode != http.StatusNotAcceptable || !strings.Contains(body, "text/csv") || !strings.Contains(body, "application/json") {
				t.Errorf("Accept %q: %d %s, want 406 naming text/csv and application/json", c.accept, res.StatusCode, body)
			}
		}
	}
}

// testCSVInjection: a title that begins with = reaches the CSV with a
// quote before it, on the page's download and in the API.
func testCSVInjection(t *testing.T, st *stack) {
	const title = `=HYPERLINK("http://example.com/x","click")`
	a, err := st.svc.ProposeActivity(operator(t), service.ProposeRequest{Programme: "NZL-ITPP-2024", Title: title,
		Kind: "staff-talks", Date: entente.MustParseDate("2025-01-10")})
	if err != nil {
		t.Fatal(err)
	}
	public := *st
	public.token = ""
	res, body := do(t, &public, "GET", "/menu?format=csv")
	if _, rows := readCSV(t, "/menu?format=csv", res, body); !slices.ContainsFunc(rows, func(r []string) bool { return r[1] == "'-2 ways to plan, +1" }) {
		t.Errorf("/menu?format=csv: no offer titled '-2 ways to plan, +1 in\n%s", body)
	}
	for _, path := range []string{"/programmes/NZL-ITPP-2024?format=csv", "/api/v1/programmes/NZL-ITPP-2024/activities"} {
		res, body := do(t, &public, "GET", path, "Accept", "text/csv")
		header, rows := readCSV(t, path, res, body)
		col := slices.Index(header, "title")
		found := false
		for _, r := range rows {
			if r[0] == a.ID {
				found = true
				if r[col] != "'"+title {
					t.Errorf("%s: title cell %q, want %q", path, r[col], "'"+title)
				}
			}
		}
		if !found {
			t.Errorf("%s: no row for %s", path, a.ID)
		}
	}
}
