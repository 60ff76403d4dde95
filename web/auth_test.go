package web_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
	"github.com/entente/entente/web"
)

// authStack is a stack whose server is at hand, with an activity proposed
// for the write routes to name.
func authStack(t *testing.T) (*stack, *web.Server, string) {
	t.Helper()
	svc := openService(t, filepath.Join(t.TempDir(), "entente.db"))
	h, err := web.New(svc, web.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, h)
	a, err := svc.ProposeActivity(operator(t), service.ProposeRequest{Programme: "NZL-ITPP-2024", Title: "Staff talks", Date: entente.MustParseDate("2025-03-01")})
	if err != nil {
		t.Fatal(err)
	}
	return &stack{srv: srv, svc: svc}, h, a.ID
}

// send makes a request with a body and, if token is not "", a bearer token.
func send(t *testing.T, st *stack, method, path, token, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, st.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if strings.Contains(path, "/menu") {
		req.Header.Set("Content-Type", "text/csv")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// writeRoutes are the server's API write routes, from its own route list,
// with their path parameters filled in from real records and a body that
// staff could write.
func writeRoutes(t *testing.T, h *web.Server, activity string) map[string][2]string {
	t.Helper()
	bodies := map[string]string{
		"POST /api/v1/programmes":                 `{"id":"NZL-ITPP-2029","alliance":"NATO","partner":"NZL","type":"ITPP","title":"Next","agreed":"2029-01-01"}`,
		"POST /api/v1/programmes/{id}/reviews":    `{"note":"a look"}`,
		"POST /api/v1/programmes/{id}/objectives": `{"code":"cyber-9","area":"cyber-defence","title":"Cyber"}`,
		"POST /api/v1/programmes/{id}/goals":      `{"code":"G9","objective":"cyber-defence","title":"A goal"}`,
		"POST /api/v1/activities":                 `{"programme":"NZL-ITPP-2024","title":"Talks","date":"2025-03-01"}`,
		"POST /api/v1/activities/{id}/{step}":     `{"date":"2025-03-02"}`,
		"POST /api/v1/menu":                       "code,title,kind,provider,capacity,area\nPCM-1,Cyber course,course,NATO School,20,cyber-defence\n",
	}
	param := regexp.MustCompile(`\{[a-z0-9]+\}`)
	out := map[string][2]string{}
	for _, pattern := range h.Routes() {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok || !strings.HasPrefix(path, "/api/") || method == "GET" || method == "HEAD" {
			continue
		}
		filled := param.ReplaceAllStringFunc(path, func(p string) string {
			switch {
			case p == "{step}":
				return "approve"
			case strings.HasPrefix(path, "/api/v1/activities/"):
				return activity
			}
			return "NZL-ITPP-2024"
		})
		if strings.HasSuffix(filled, "/menu") {
			filled += "?name=menu.csv"
		}
		out[pattern] = [2]string{method + " " + filled, bodies[pattern]}
	}
	if len(out) < 7 {
		t.Fatalf("the router lists %d API write routes (%v), want every one of them", len(out), h.Routes())
	}
	for p := range bodies {
		if _, ok := out[p]; !ok {
			t.Errorf("route %s is gone from the router's list", p)
		}
	}
	return out
}

// TestAnonymousWrites: every API write route, taken from the router's own
// list, answers the public 401 with WWW-Authenticate: Bearer and writes
// nothing, with a body staff could write.
func TestAnonymousWrites(t *testing.T) {
	st, h, activity := authStack(t)
	before := progExport(t, st)
	for pattern, rb := range writeRoutes(t, h, activity) {
		method, path, _ := strings.Cut(rb[0], " ")
		for _, auth := range []string{"", "Basic YWRtaW46YWRtaW4="} {
			req, _ := http.NewRequest(method, st.srv.URL+path, strings.NewReader(rb[1]))
			req.Header.Set("Content-Type", "application/json")
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var p web.Problem
			json.NewDecoder(res.Body).Decode(&p)
			res.Body.Close()
			if res.StatusCode != 401 || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") || p.Code != entente.EUNAUTHORIZED {
				t.Errorf("%s (%s) with Authorization %q: %d, WWW-Authenticate %q, %+v; want 401 asking for a bearer token",
					pattern, path, auth, res.StatusCode, res.Header.Get("WWW-Authenticate"), p)
			}
		}
	}
	if progExport(t, st) != before {
		t.Fatal("an anonymous write changed the store")
	}
}

// TestTokens: a valid token authenticates; an unknown, malformed or revoked
// one is 401 with error="invalid_token", on reads too; the token's last
// use is recorded.
func TestTokens(t *testing.T) {
	st, _, _ := authStack(t)
	tok := staffToken(t, st.svc)
	if res, _ := send(t, st, "GET", "/api/v1/alliances", tok, ""); res.StatusCode != 200 {
		t.Errorf("GET with a valid token: %d", res.StatusCode)
	}
	ts, err := st.svc.Store.FindTokens(t.Context(), 0)
	if err != nil || len(ts) != 1 || ts[0].LastUsed.IsZero() {
		t.Errorf("after a request: tokens %+v, %v; want its last use recorded", ts, err)
	}
	if _, err := st.svc.RevokeToken(operator(t), ts[0].ID); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{tok, tok[:20], "ent_nope", "x"} {
		for _, method := range []string{"GET", "POST"} {
			res, body := send(t, st, method, "/api/v1/activities", bad, `{"programme":"NZL-ITPP-2024","title":"Talks"}`)
			if method == "GET" {
				res, body = send(t, st, method, "/api/v1/alliances", bad, "")
			}
			if res.StatusCode != 401 || res.Header.Get("WWW-Authenticate") != `Bearer realm="entente", error="invalid_token"` ||
				!strings.Contains(body, `"code": "unauthorized"`) || res.Header.Get("Content-Security-Policy") == "" {
				t.Errorf("%s with token %q: %d, %q, %s", method, bad, res.StatusCode, res.Header.Get("WWW-Authenticate"), body)
			}
		}
	}
	// A page with a bad token is the error page, with the same status.
	res, body := send(t, st, "GET", "/members", "ent_nope", "")
	if res.StatusCode != 401 || !strings.Contains(body, "<html") {
		t.Errorf("page with a bad token: %d, %.80s", res.StatusCode, body)
	}
}

// TestForgedActor: a body naming its actor is refused, naming the field,
// and the audit shows the token's principal.
func TestForgedActor(t *testing.T) {
	st, _, _ := authStack(t)
	tok := staffToken(t, st.svc)
	before := progExport(t, st)
	res, body := send(t, st, "POST", "/api/v1/activities", tok, `{"programme":"NZL-ITPP-2024","title":"Forged","actor":"Secretary General (forged)"}`)
	if res.StatusCode != 400 || !strings.Contains(body, "actor") {
		t.Errorf("a body with an actor: %d %s; want 400 naming the field", res.StatusCode, body)
	}
	if progExport(t, st) != before {
		t.Fatal("the refused write changed the store")
	}
	res, body = send(t, st, "POST", "/api/v1/activities", tok, `{"programme":"NZL-ITPP-2024","title":"Real"}`)
	if res.StatusCode != 201 {
		t.Fatalf("propose: %d %s", res.StatusCode, body)
	}
	evs, err := st.svc.Store.FindAuditEvents(t.Context(), entente.AuditFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := st.svc.Store.FindTokens(t.Context(), 0)
	if want := "token:" + strconv.FormatInt(ts[0].ID, 10); evs[0].Actor != want || strings.Contains(string(evs[0].After), "forged") {
		t.Errorf("audit actor %q, want %q", evs[0].Actor, want)
	}
	if evs[0].Address != "127.0.0.1" {
		t.Errorf("audit address %q, want the client's, 127.0.0.1", evs[0].Address)
	}
}

// TestRoles: a reader and a read-only token are 403; NZL's liaison cannot
// approve, AUS's cannot touch NZL's programme, and NZL's proposes within
// its own.
func TestRoles(t *testing.T) {
	st, _, activity := authStack(t)
	reader := tokenFor(t, st.svc, "rita", entente.RoleReader, "", "write")
	readOnly := tokenFor(t, st.svc, "sam", entente.RoleStaff, "", "read")
	nzl := tokenFor(t, st.svc, "kiri", entente.RoleLiaison, "NZL", "write")
	aus := tokenFor(t, st.svc, "bruce", entente.RoleLiaison, "AUS", "write")
	propose := `{"programme":"NZL-ITPP-2024","title":"Talks","date":"2025-03-01"}`
	before := progExport(t, st)
	for _, c := range []struct {
		who, token, path, body string
	}{
		{"a reader", reader, "/api/v1/activities", propose},
		{"a read-only token", readOnly, "/api/v1/activities", propose},
		{"NZL's liaison", nzl, "/api/v1/activities/" + activity + "/approve", `{"date":"2025-03-02"}`},
		{"NZL's liaison", nzl, "/api/v1/programmes", `{"id":"NZL-ITPP-2029","alliance":"NATO","partner":"NZL","type":"ITPP","title":"Next","agreed":"2029-01-01"}`},
		{"AUS's liaison", aus, "/api/v1/activities", propose},
		{"AUS's liaison", aus, "/api/v1/programmes/NZL-ITPP-2024/goals", `{"code":"G9","objective":"cyber-defence","title":"A goal"}`},
	} {
		res, body := send(t, st, "POST", c.path, c.token, c.body)
		if res.StatusCode != 403 || !strings.Contains(body, `"code": "forbidden"`) {
			t.Errorf("%s POST %s: %d %s; want 403", c.who, c.path, res.StatusCode, body)
		}
	}
	if progExport(t, st) != before {
		t.Fatal("a forbidden write changed the store")
	}
	if res, body := send(t, st, "POST", "/api/v1/activities", nzl, propose); res.StatusCode != 201 {
		t.Errorf("NZL's liaison proposes for NZL: %d %s; want 201", res.StatusCode, body)
	}
}

// TestOpenAPIDeclaresBearer: the API description names the token scheme
// and every write operation needs it.
func TestOpenAPIDeclaresBearer(t *testing.T) {
	st, h, activity := authStack(t)
	_, body := send(t, st, "GET", "/api/v1/openapi.json", "", "")
	var doc struct {
		Components struct {
			SecuritySchemes map[string]struct{ Type, Scheme string }
		}
		Paths map[string]map[string]struct {
			Security  []map[string][]string
			Responses map[string]any
		}
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if s := doc.Components.SecuritySchemes["bearer"]; s.Type != "http" || s.Scheme != "bearer" {
		t.Errorf("securitySchemes: %+v", doc.Components.SecuritySchemes)
	}
	for pattern := range writeRoutes(t, h, activity) {
		method, path, _ := strings.Cut(pattern, " ")
		op, ok := doc.Paths[path][strings.ToLower(method)]
		if !ok {
			t.Errorf("%s: not in the OpenAPI document", pattern)
			continue
		}
		if len(op.Security) != 1 || op.Security[0]["bearer"] == nil || op.Responses["401"] == nil {
			t.Errorf("%s: security %v, responses %v; want the bearer scheme and a 401", pattern, op.Security, op.Responses)
		}
	}
}
