package web_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestListPages: the API's lists come a page at a time with a Link to the
// next; following the links yields the whole list in the same order as
// one big page; ?sort= orders by a declared field; a bad limit, cursor or
// sort is a 400 naming it. The activity list pages in the store by id, on
// both engines.
func TestListPages(t *testing.T) {
	onEngines(t, func(t *testing.T, dsn string) {
		s := stackOn(t, dsn)
		// follow reads every page of path, limit items at a time.
		follow := func(path string, limit string) (codes []string, pages int) {
			t.Helper()
			next := path + "?limit=" + limit
			if strings.Contains(path, "?") {
				next = path + "&limit=" + limit
			}
			for next != "" {
				res, body := get(t, http.DefaultClient, s.srv.URL+next)
				if res.StatusCode != 200 {
					t.Fatalf("%s: %d %s", next, res.StatusCode, body)
				}
				var items []struct {
					Code, ID string
				}
				if err := json.Unmarshal([]byte(body), &items); err != nil {
					t.Fatal(err)
				}
				for _, it := range items {
					codes = append(codes, it.Code+it.ID)
				}
				pages++
				next = ""
				if l := res.Header.Get("Link"); l != "" {
					next = strings.TrimSuffix(strings.TrimPrefix(l, "<"), `>; rel="next"`)
				}
			}
			return codes, pages
		}
		all, pages := follow("/api/v1/alliances/NATO/members", "1000")
		if len(all) != 32 || pages != 1 {
			t.Fatalf("members in one page: %d in %d pages", len(all), pages)
		}
		paged, pages := follow("/api/v1/alliances/NATO/members", "10")
		if !slices.Equal(paged, all) || pages != 4 {
			t.Errorf("members 10 at a time: %d pages, %v; want 4 and %v", pages, paged, all)
		}
		if first, _ := follow("/api/v1/alliances/NATO/members?sort=-joined", "1"); len(first) != 32 || first[0] != "SWE" {
			t.Errorf("members, latest first: %v", first)
		}
		byName, _ := follow("/api/v1/alliances/NATO/members?sort=name", "7")
		if byName[0] != "ALB" || !slices.Equal(slices.Sorted(slices.Values(byName)), slices.Sorted(slices.Values(all))) {
			t.Errorf("members by name: %v", byName)
		}
		res, _ := get(t, http.DefaultClient, s.srv.URL+"/api/v1/alliances/NATO/members?limit=5", "Accept", "text/csv")
		if !strings.Contains(res.Header.Get("Link"), `rel="next"`) {
			t.Errorf("a CSV page has no Link: %q", res.Header.Get("Link"))
		}

		// Activities, paged by id in the store.
		var ids []string
		for i := range 5 {
			a, err := s.svc.ProposeActivity(operator(t), service.ProposeRequest{Programme: "NZL-ITPP-2024", Title: "Talks " + string(rune('A'+i)), Kind: "staff-talks"})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, a.ID)
		}
		got, pages := follow("/api/v1/programmes/NZL-ITPP-2024/activities", "2")
		if !slices.Equal(got, ids) || pages != 3 {
			t.Errorf("activities 2 at a time: %d pages, %v; want 3 and %v", pages, got, ids)
		}
		if got, _ := follow("/api/v1/programmes/NZL-ITPP-2024/activities?status="+string(entente.ActivityProposed), "4"); !slices.Equal(got, ids) {
			t.Errorf("proposed activities 4 at a time: %v", got)
		}

		for _, c := range []struct{ path, want string }{
			{"/api/v1/alliances/NATO/members?limit=0", "limit"},
			{"/api/v1/alliances/NATO/members?limit=1001", "limit"},
			{"/api/v1/alliances/NATO/members?limit=ten", "limit"},
			{"/api/v1/alliances/NATO/members?cursor=%21%21", "cursor"},
			{"/api/v1/alliances/NATO/members?cursor=azE", "cursor"}, // a key cursor on an offset list
			{"/api/v1/programmes/NZL-ITPP-2024/activities?cursor=bzE", "cursor"},
			{"/api/v1/alliances/NATO/members?sort=height", "sort"},
			{"/api/v1/menu?order=code", "order"},
			{"/api/v1/programmes/NZL-NONE/activities", "NZL-NONE"},
		} {
			res, body := get(t, http.DefaultClient, s.srv.URL+c.path)
			want := http.StatusBadRequest
			if strings.Contains(c.path, "NONE") {
				want = http.StatusNotFound
			}
			if res.StatusCode != want || !strings.Contains(body, c.want) {
				t.Errorf("%s: %d %s, want %d naming %s", c.path, res.StatusCode, body, want, c.want)
			}
		}
	})
}
