package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestConsentBackIsLocal: the consent form's "back" accepted /%09/evil
// (issue 8), which a browser, dropping the tab, reads as //evil. Only a
// local path goes back: one leading "/", no "//", no backslash and no
// control character once decoded; anything else goes to "/".
func TestConsentBackIsLocal(t *testing.T) {
	st := newStack(t)
	for _, tt := range []struct{ back, want string }{
		{"/members", "/members"},
		{"/partners/NZL?as_of=2020-01-01", "/partners/NZL?as_of=2020-01-01"},
		{"//evil.example/", "/"},
		{"/%09/evil.example/", "/"},
		{"/%2F/evil.example/", "/"},
		{"/%5Cevil.example/", "/"},
		{"/\\evil.example/", "/"},
		{"/a\tb", "/"},
		{"/%0d%0aSet-Cookie:x=1", "/"},
		{"/%zz", "/"},
		{"https://evil.example/", "/"},
		{"evil.example", "/"},
		{"", "/"},
	} {
		form := url.Values{"choice": {"reject"}, "back": {tt.back}}.Encode()
		req, _ := http.NewRequest("POST", st.srv.URL+"/consent", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || got != tt.want {
			t.Errorf("back=%q: %d to %q, want 303 to %q", tt.back, res.StatusCode, got, tt.want)
		}
	}
}

// TestMalformedQuery: /?as_of=2020-01-01;x answered the page as of today
// (issue 8): Go drops a query pair holding ";" without a word. A query
// that does not parse is refused with 400, on pages as on the API.
func TestMalformedQuery(t *testing.T) {
	st := newStack(t)
	for _, path := range []string{"/?as_of=2020-01-01;x", "/members?as_of=2020-01-01;x", "/members?as_of=%zz",
		"/api/v1/timeline?as_of=2020-01-01;x", "/api/v1/alliances/NATO/members?as_of=2020-01-01;x"} {
		res, body := do(t, st, "GET", path)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "malformed query") {
			t.Errorf("GET %s: %d, want 400 saying the query is malformed: %.200s", path, res.StatusCode, body)
		}
	}
	if res, _ := do(t, st, "GET", "/members?as_of=2020-01-01&utm_source=x"); res.StatusCode != http.StatusOK {
		t.Errorf("a well-formed query: %d, want 200", res.StatusCode)
	}
}
