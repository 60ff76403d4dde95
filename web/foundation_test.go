package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// newServer starts the real server over a fresh SQLite file holding the
// default dataset.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	return newStack(t).srv
}

func TestAPI(t *testing.T) {
	srv := newServer(t)
	tests := []struct {
		path   string
		status int
		ctype  string
		want   []string
	}{
		{"/healthz", 200, "text/plain", []string{"ok"}},
		{"/readyz", 200, "text/plain", []string{"ready"}},
		{"/api/v1/alliances/NATO", 200, "application/json", []string{`"member_count": 32`, `"treaty": "North Atlantic Treaty"`}},
		{"/api/v1/alliances/nato/members?as_of=1990-01-01", 200, "application/json", []string{`"code": "DEU"`}},
		{"/api/v1/countries/NZL", 200, "application/json", []string{`"type": "ITPP"`, `"groups": [`, `"IP4"`}},
		{"/api/v1/countries/NZL?as_of=2013-01-01", 200, "application/json", []string{`"status": "active"`}},
		{"/api/v1/alliances/NATO/accession/NZL", 200, "application/json", []string{`"eligible": false`, `"article": "10"`}},
		{"/api/v1/countries/XYZ", 404, "application/problem+json", []string{`"status": 404`, `unknown country \"XYZ\"`}},
		{"/api/v1/countries/NZ", 400, "application/problem+json", []string{"ISO 3166-1 alpha-3"}},
		{"/api/v1/alliances/ANZUS", 404, "application/problem+json", []string{`unknown alliance`}},
		{"/api/v1/countries/NZL?as_of=2013-02-30", 400, "application/problem+json", []string{"as_of"}},
		{"/countries/NZL", 200, "text/html", []string{"New Zealand"}},
		{"/countries/XYZ", 404, "text/html", []string{"unknown country"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, err := http.Get(srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.status {
				t.Errorf("status: got %d, want %d\n%s", res.StatusCode, tt.status, body)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.ctype) {
				t.Errorf("Content-Type: got %q, want %q", ct, tt.ctype)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(body), w) {
					t.Errorf("body lacks %q:\n%.600s", w, body)
				}
			}
		})
	}
	// The members endpoint answers as of the day asked.
	res, err := http.Get(srv.URL + "/api/v1/alliances/NATO/members?as_of=1999-03-12")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var ms []struct{ Code string }
	json.NewDecoder(res.Body).Decode(&ms)
	if len(ms) != 19 {
		t.Errorf("members on 1999-03-12: got %d, want 19", len(ms))
	}
}
