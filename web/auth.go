package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/entente/entente"
)

// This file is who is acting in a request: the bearer tokens of the API.
// Browser sessions put their principal into the request the same way,
// through withPrincipal (session.go).

// authenticate reads an API token from "Authorization: Bearer <token>" and
// puts its principal into the request. A request without the header is the
// public's (entente.Anonymous), whatever the context it arrived with. A
// token that is not valid (unknown, expired, revoked, its account
// disabled), or another scheme, is answered 401 with
// WWW-Authenticate: Bearer error="invalid_token", whatever the method: a
// client that sent credentials learns they are bad rather than getting
// the public's answer.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The answers given here carry the headers every response does.
		securityHeaders(w.Header())
		r = withPrincipal(r, entente.Anonymous)
		h := r.Header.Get("Authorization")
		if h == "" {
			next.ServeHTTP(w, r)
			return
		}
		scheme, token, _ := strings.Cut(h, " ")
		token = strings.TrimSpace(token)
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="entente", error="invalid_request"`)
			s.fail(w, r, entente.Errorf(entente.EUNAUTHORIZED, "the Authorization header takes an API token: Authorization: Bearer ent_..."))
			return
		}
		p, err := s.svc.AuthenticateToken(r.Context(), token)
		if err != nil {
			if entente.ErrorCode(err) == entente.EUNAUTHORIZED {
				w.Header().Set("WWW-Authenticate", `Bearer realm="entente", error="invalid_token"`)
			}
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, withPrincipal(r, p))
	})
}

// requirePrincipal refuses an API write (POST, PUT, PATCH or DELETE under
// /api/) from the public with 401 and WWW-Authenticate: Bearer, before its
// handler reads the body: nothing is written. The service checks each
// write's rights again (entente's authorization lives there); this makes
// the API's answer the same for every write route, whether or not the
// route's input is valid.
func (s *Server) requirePrincipal(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPIWrite(r) && !entente.PrincipalFrom(r.Context()).Authenticated() && s.routed(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="entente"`)
			s.fail(w, r, entente.Errorf(entente.EUNAUTHORIZED, "an API write needs an API token: send Authorization: Bearer ent_... (entente token create)"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// routed reports whether a route other than the catch-all takes r: a
// method a path does not take stays a 405, and an unknown path a 404.
func (s *Server) routed(r *http.Request) bool {
	_, pattern := s.mux.Handler(r)
	return pattern != "" && pattern != catchAll
}

// writeMethods change state.
var writeMethods = []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// isAPIWrite reports whether r would change state through the API.
func isAPIWrite(r *http.Request) bool {
	return slices.Contains(writeMethods, r.Method) && strings.HasPrefix(r.URL.Path, "/api/")
}

// routeMux is the server's mux, remembering the patterns registered on it
// so that tests can go through every route (Server.Routes).
type routeMux struct {
	*http.ServeMux
	patterns []string
}

func newRouteMux() *routeMux { return &routeMux{ServeMux: http.NewServeMux()} }

// HandleFunc registers handler for pattern and remembers the pattern.
func (m *routeMux) HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request)) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.HandleFunc(pattern, handler)
}

// Handle registers handler for pattern and remembers the pattern.
func (m *routeMux) Handle(pattern string, handler http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, handler)
}

// Routes returns the patterns of every route, such as
// "POST /api/v1/activities/{id}/{step}", in the order they were registered.
func (s *Server) Routes() []string { return slices.Clone(s.mux.patterns) }

// declareAuth adds the bearer token scheme to the OpenAPI document and
// marks every write operation as needing it, with its 401 and 403.
func declareAuth(doc map[string]any) {
	doc["components"].(map[string]any)["securitySchemes"] = map[string]any{
		"bearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "ent_ followed by 43 base64url characters",
			"description": "an API token from 'entente token create'; writes need the write scope. A token that is not valid is answered 401 with WWW-Authenticate: Bearer, whatever the request"}}
	for _, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			o, ok := op.(map[string]any)
			if !ok || !slices.Contains(writeMethods, strings.ToUpper(method)) {
				continue
			}
			o["security"] = []any{map[string]any{"bearer": []any{}}}
			if rs, ok := o["responses"].(map[string]any); ok {
				rs["401"] = problemResponse("Unauthorized: a write needs a valid API token")
				rs["403"] = problemResponse("Forbidden: the token's account or scope may not make this change")
			}
		}
	}
}
