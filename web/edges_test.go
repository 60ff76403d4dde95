package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// do sends a request with no body and returns the response and its body.
func do(t *testing.T, st *stack, method, path string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, st.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.token != "" {
		req.Header.Set("Authorization", "Bearer "+st.token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// TestWrongMethod checks that a path served for some methods answers any
// other with 405 and an Allow header naming exactly the methods that work,
// through the one error renderer (problem details for the API, the error
// page for pages), and that a path served for no method stays a 404.
// Issue 7, defect 9: these answered 404.
func TestWrongMethod(t *testing.T) {
	st := newStack(t)
	tests := []struct {
		method, path, allow string
	}{
		{"POST", "/members", "GET, HEAD"},
		{"DELETE", "/", "GET, HEAD"},
		{"PUT", "/countries/NZL", "GET, HEAD"},
		{"POST", "/partners/NZL", "GET, HEAD"},
		{"GET", "/consent", "POST"},
		{"DELETE", "/programmes/NZL-ITPP-2024", "GET, HEAD"},
		{"POST", "/healthz", "GET, HEAD"},
		{"POST", "/static/style.css", "GET, HEAD"},
		{"DELETE", "/api/v1/alliances/NATO", "GET, HEAD"},
		{"POST", "/api/v1/alliances/NATO/members", "GET, HEAD"},
		{"PUT", "/api/v1/programmes", "GET, HEAD, POST"},
		{"DELETE", "/api/v1/programmes/NZL-ITPP-2024", "GET, HEAD"},
		{"GET", "/api/v1/programmes/NZL-ITPP-2024/goals", "POST"},
		{"PATCH", "/api/v1/activities", "POST"},
		{"GET", "/api/v1/activities/NZL-ITPP-2024-A001/approve", "POST"},
		{"PUT", "/api/v1/menu", "GET, HEAD, POST"},
		{"POST", "/api/v1/timeline", "GET, HEAD"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			res, body := do(t, st, tt.method, tt.path)
			if res.StatusCode != http.StatusMethodNotAllowed {
				t.Fatalf("status %d, want 405; body %.200s", res.StatusCode, body)
			}
			if got := res.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
			ct := res.Header.Get("Content-Type")
			if strings.HasPrefix(tt.path, "/api/") {
				var p struct {
					Status int
					Detail string
				}
				if ct != "application/problem+json" || json.Unmarshal([]byte(body), &p) != nil || p.Status != 405 ||
					!strings.Contains(p.Detail, tt.method) {
					t.Errorf("want problem details with status 405 naming %s; got %s %s", tt.method, ct, body)
				}
			} else if !strings.HasPrefix(ct, "text/html") || !strings.Contains(body, "Method Not Allowed") {
				t.Errorf("want the HTML error page saying Method Not Allowed; got %s %.300s", ct, body)
			}
			if res.Header.Get("Content-Security-Policy") == "" {
				t.Error("the 405 lacks the security headers")
			}
			// Every method Allow names is routed: not 405, and not the
			// 404 of a path no route takes (a record may be missing).
			for _, m := range strings.Split(tt.allow, ", ") {
				res, body := do(t, st, m, tt.path)
				if res.StatusCode == http.StatusMethodNotAllowed || strings.Contains(body, "no page at") {
					t.Errorf("%s %s, allowed, answers %d: %.200s", m, tt.path, res.StatusCode, body)
				}
			}
		})
	}
	for _, m := range []string{"GET", "POST", "DELETE"} {
		for _, path := range []string{"/nowhere", "/api/v1/nowhere"} {
			res, _ := do(t, st, m, path)
			if res.StatusCode != http.StatusNotFound || res.Header.Get("Allow") != "" {
				t.Errorf("%s %s: status %d, Allow %q; want 404 and no Allow", m, path, res.StatusCode, res.Header.Get("Allow"))
			}
		}
	}
}

// TestQueryValidation checks that the API refuses query parameters it does
// not read, values outside a parameter's set, and parents that do not
// exist, naming what is wrong; and that good queries still answer.
// Issue 7, defect 9: ?status=bogus and ?format=xml answered [] with 200,
// an unknown programme's activities [].
func TestQueryValidation(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testQueryValidation(t, newStack(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testQueryValidation(t, progStackPG(t)) })
}

func testQueryValidation(t *testing.T, st *stack) {
	tests := []struct {
		method, path string
		status       int
		want         []string // fragments of the problem's detail
	}{
		{"GET", "/api/v1/programmes/NZL-ITPP-2024/activities?status=bogus", 400, []string{"status", "bogus", "proposed", "held", "cancelled"}},
		{"GET", "/api/v1/menu?format=xml", 400, []string{"format", "xml", "json, csv"}},
		{"GET", "/api/v1/programmes/NOPE/activities", 404, []string{`"NOPE"`}},
		{"GET", "/api/v1/programmes/NOPE/activities?status=held", 404, []string{`"NOPE"`}},
		{"GET", "/api/v1/alliances/NATO/members?order=name", 400, []string{`"order"`, "as_of, limit, cursor, sort"}},
		{"GET", "/api/v1/alliances/NATO/members?sort=height", 400, []string{"sort", "height", "-joined"}},
		{"GET", "/api/v1/programmes/NZL-ITPP-2024/activities?stauts=held", 400, []string{`"stauts"`, "as_of, status"}},
		{"GET", "/api/v1/menu?format=csv&format=json", 400, []string{"format", "2 times"}},
		{"GET", "/api/v1/timeline?as_of=2020-01-01&as_of=2021-01-01", 400, []string{"as_of", "2 times"}},
		{"GET", "/api/v1/timeline?as_of=%zz", 400, []string{"malformed query"}},
		{"GET", "/api/v1/programmes?partner=NZL&status=draft", 400, []string{`"status"`, "as_of, partner"}},
		{"POST", "/api/v1/menu?format=yaml", 400, []string{"format", "yaml", "json, csv"}},
		{"POST", "/api/v1/activities?as_of=2024-01-01", 400, []string{`"as_of"`, "takes no query parameters"}},
		{"GET", "/api/v1/programmes/NZL-ITPP-2024/activities?status=proposed", 200, nil},
		{"GET", "/api/v1/programmes/NZL-ITPP-2024/activities?as_of=2025-01-01&status=", 200, nil},
		{"GET", "/api/v1/menu?format=csv", 200, nil},
		{"GET", "/api/v1/menu?format=json", 200, nil},
		{"GET", "/api/v1/timeline?country=NZL&as_of=2020-01-01", 200, nil},
		{"GET", "/api/v1/alliances/NATO/members?as_of=2000-01-01", 200, nil},
		{"GET", "/members?utm_source=newsletter", 200, nil}, // pages take links from elsewhere
	}
	for _, tt := range tests {
		res, body := do(t, st, tt.method, tt.path)
		if res.StatusCode != tt.status {
			t.Errorf("%s %s: status %d, want %d; body %.300s", tt.method, tt.path, res.StatusCode, tt.status, body)
			continue
		}
		if tt.status == 200 {
			continue
		}
		var p struct{ Detail string }
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Errorf("%s %s: not problem details: %v: %.300s", tt.method, tt.path, err, body)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(p.Detail, w) {
				t.Errorf("%s %s: detail %q does not say %q", tt.method, tt.path, p.Detail, w)
			}
		}
	}
}

// TestRequestBodyErrors: the API answered "cannot unmarshal string into Go
// struct field ActivityRequest.countries" (issue 7, defect 9). Problems in
// a request body are named by field path and expected kind, in words, every
// one of them.
func TestRequestBodyErrors(t *testing.T) {
	st := newStack(t)
	tests := []struct {
		path, body string
		want       []string
	}{
		{"/api/v1/activities/NZL-ITPP-2024-A001/invite", `{"countries": "NZL"}`,
			[]string{"countries: want a list of country codes (ISO 3166-1 alpha-3, e.g. NZL), got a string"}},
		{"/api/v1/activities/NZL-ITPP-2024-A001/register", `{"country": "NZL", "participants": "three"}`,
			[]string{"participants: want a whole number, got a string"}},
		{"/api/v1/activities/NZL-ITPP-2024-A001/hold", `{"date": "2024-+1", "colour": "red", "reason": 5}`,
			[]string{`date: "2024-+1" is not a date`, "colour: unknown field", "reason: want a string, got a number"}},
		{"/api/v1/activities", `{"programme": "NZL-ITPP-2024"} {"more": 1}`, []string{"more after the JSON value"}},
		{"/api/v1/activities", `{"programme": `, []string{"the JSON ends before the value is complete"}},
		{"/api/v1/activities", `[1, 2]`, []string{"want an object, got a list"}},
		{"/api/v1/programmes", `{"id": "X", "areas": [1]}`, []string{"areas: want a string, got a number"}},
	}
	for _, tt := range tests {
		code, body := progDo(t, st, "POST", tt.path, "application/json", tt.body)
		var p struct{ Detail string }
		if code != http.StatusBadRequest || json.Unmarshal([]byte(body), &p) != nil {
			t.Errorf("POST %s %s: status %d, want 400 problem details: %s", tt.path, tt.body, code, body)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(p.Detail, w) {
				t.Errorf("POST %s %s: detail %q does not say %q", tt.path, tt.body, p.Detail, w)
			}
		}
		if strings.Contains(p.Detail, "Go ") || strings.Contains(p.Detail, "Request") || strings.Contains(p.Detail, "entente.") {
			t.Errorf("POST %s: detail shows Go names: %q", tt.path, p.Detail)
		}
	}
}
