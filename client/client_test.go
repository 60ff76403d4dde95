package client_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/client"
)

// TestNotEntente: answers from something that is not an entente server
// (a proxy's error page, a web page) are errors that say so, with the
// code of their status; problem details come back with their code, detail
// and reasons.
func TestNotEntente(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/alliances/BAD/members", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "<h1>Bad Gateway</h1>", http.StatusBadGateway)
	})
	mux.HandleFunc("/api/v1/alliances/HTML/members", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>hello</html>"))
	})
	mux.HandleFunc("/api/v1/alliances/NO/members", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer secret" {
			t.Errorf("Authorization: %q", r.Header.Get("Authorization"))
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		w.Write([]byte(`{"type":"about:blank","title":"Unprocessable","status":422,"detail":"refused: because","code":"refused","reasons":[{"article":"10","text":"unanimity"}]}`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, err := client.New(srv.URL+"/", "secret", srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]struct{ code, msg string }{
		"BAD":  {entente.EUNAVAILABLE, "502 Bad Gateway"},
		"HTML": {entente.EINTERNAL, "not JSON"},
		"NO":   {entente.EREFUSED, "refused: because"},
	} {
		_, err := c.Members(t.Context(), code, entente.Date{})
		if entente.ErrorCode(err) != want.code || !strings.Contains(entente.ErrorMessage(err)+err.Error(), want.msg) {
			t.Errorf("%s: %v (%s), want %s and %q", code, err, entente.ErrorCode(err), want.code, want.msg)
		}
		if code == "NO" && (len(entente.ErrorReasons(err)) != 1 || entente.ErrorReasons(err)[0].Article != "10") {
			t.Errorf("the refusal's reasons: %+v", entente.ErrorReasons(err))
		}
	}
	for _, bad := range []string{"ftp://x", "127.0.0.1:8080", "http://user:pw@host"} {
		if _, err := client.New(bad, "", nil); entente.ErrorCode(err) != entente.EINVALID {
			t.Errorf("New(%q): %v, want EINVALID", bad, err)
		}
	}
}
