package web_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/dataset"
)

// TestAPIResources: the rest of the record under /api/v1 (countries,
// frameworks, groups, operations, meetings, collective-defence events, the
// export) answers what the pages show; an unknown alliance or operation is
// a 404; GET /api/v1 lists every documented address; the export, as the
// public, reads back as the service's export for the public, on both
// engines.
func TestAPIResources(t *testing.T) {
	onEngines(t, func(t *testing.T, dsn string) {
		s := stackOn(t, dsn)
		read := func(path string, v any) {
			t.Helper()
			res, body := get(t, http.DefaultClient, s.srv.URL+path)
			if res.StatusCode != 200 {
				t.Fatalf("%s: %d %s", path, res.StatusCode, body)
			}
			if err := json.Unmarshal([]byte(body), v); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		var countries []entente.Country
		read("/api/v1/countries?limit=1000", &countries)
		if len(countries) != 249 {
			t.Errorf("%d countries, want ISO 3166-1's 249", len(countries))
		}
		var keyed []struct {
			Code, ID, Name string
			Partners       []struct{ Code string }
			Contributors   []struct{ Country string }
			Invitees       []struct{ Code string }
			Members        []string
		}
		has := func(path, key string, check func(i int) bool) {
			t.Helper()
			keyed = nil
			read(path, &keyed)
			i := slices.IndexFunc(keyed, func(k struct {
				Code, ID, Name string
				Partners       []struct{ Code string }
				Contributors   []struct{ Country string }
				Invitees       []struct{ Code string }
				Members        []string
			}) bool {
				return k.Code == key || k.ID == key
			})
			if i < 0 || !check(i) {
				t.Errorf("%s: %s missing or wrong in %+v", path, key, keyed)
			}
		}
		has("/api/v1/alliances/NATO/frameworks", "PFP", func(i int) bool { return len(keyed[i].Partners) > 0 })
		has("/api/v1/alliances/NATO/frameworks?as_of=1993-01-01", "NACC", func(int) bool { return true })
		has("/api/v1/alliances/NATO/groups", "IP4", func(i int) bool { return slices.Contains(keyed[i].Members, "NZL") })
		has("/api/v1/alliances/NATO/operations", "ISAF", func(i int) bool {
			return slices.ContainsFunc(keyed[i].Contributors, func(c struct{ Country string }) bool { return c.Country == "NZL" })
		})
		var op struct {
			Code         string
			Contributors []struct{ Country string }
		}
		read("/api/v1/alliances/NATO/operations/isaf", &op)
		if op.Code != "ISAF" || len(op.Contributors) == 0 {
			t.Errorf("ISAF: %+v", op)
		}
		read("/api/v1/alliances/NATO/meetings?sort=from&limit=1", &keyed)
		if len(keyed) != 1 {
			t.Errorf("the first meeting: %+v", keyed)
		}
		var events []entente.DefenceEvent
		read("/api/v1/alliances/NATO/defence-events", &events)
		if !slices.ContainsFunc(events, func(e entente.DefenceEvent) bool { return e.Article == "5" }) {
			t.Errorf("no Article 5 event in %+v", events)
		}
		for _, path := range []string{"/api/v1/alliances/NOPE/operations", "/api/v1/alliances/NOPE/meetings", "/api/v1/alliances/NOPE/frameworks",
			"/api/v1/alliances/NOPE/defence-events", "/api/v1/alliances/NATO/operations/NOSUCHOP"} {
			if res, body := get(t, http.DefaultClient, s.srv.URL+path); res.StatusCode != 404 {
				t.Errorf("%s: %d %s, want 404", path, res.StatusCode, body)
			}
		}

		// The index lists every documented address.
		var index struct {
			Resources []struct {
				Path    string
				Methods []string
			}
		}
		read("/api/v1", &index)
		var doc struct{ Paths map[string]any }
		read("/api/v1/openapi.json", &doc)
		if len(index.Resources) != len(doc.Paths) || !slices.ContainsFunc(index.Resources, func(r struct {
			Path    string
			Methods []string
		}) bool {
			return r.Path == "/api/v1/activities" && slices.Contains(r.Methods, "POST")
		}) {
			t.Errorf("the index lists %d addresses, the document %d", len(index.Resources), len(doc.Paths))
		}

		// The export, as the public.
		res, err := http.Get(s.srv.URL + "/api/v1/export")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("the export's Content-Disposition: %q", res.Header.Get("Content-Disposition"))
		}
		got, err := dataset.ReadJSON("export", res.Body)
		if err != nil {
			t.Fatal(err)
		}
		want, err := s.svc.Export(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(want)
		if string(a) != string(b) {
			t.Errorf("the API's export differs from the service's: %d and %d bytes", len(a), len(b))
		}
		if res, _ := get(t, http.DefaultClient, s.srv.URL+"/api/v1/export?as_of=2000-01-01"); res.StatusCode != 400 {
			t.Errorf("an export as of a day: %d, want 400", res.StatusCode)
		}
	})
}
