package web_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/entente/entente"
)

// TestAPISources: GET /api/v1/sources lists the sources, or those ?id=
// names (unknown ids are left out); a parameter given twice is a 400.
func TestAPISources(t *testing.T) {
	onEngines(t, func(t *testing.T, dsn string) {
		s := stackOn(t, dsn)
		list := func(query string) []entente.Source {
			t.Helper()
			res, body := get(t, http.DefaultClient, s.srv.URL+"/api/v1/sources"+query)
			if res.StatusCode != 200 {
				t.Fatalf("sources%s: %d %s", query, res.StatusCode, body)
			}
			var out []entente.Source
			if err := json.Unmarshal([]byte(body), &out); err != nil {
				t.Fatal(err)
			}
			return out
		}
		all := list("")
		if len(all) < 50 {
			t.Errorf("%d sources, want the dataset's (more than 50)", len(all))
		}
		some := list("?id=mfat-nato,nato-news-88122,no-such-source")
		if len(some) != 2 || some[0].ID == some[1].ID || some[0].Title == "" {
			t.Errorf("two sources by id: %+v", some)
		}
		if res, _ := get(t, http.DefaultClient, s.srv.URL+"/api/v1/sources?id=a&id=b"); res.StatusCode != 400 {
			t.Errorf("id twice: %d, want 400", res.StatusCode)
		}
	})
}
