package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/entente/entente/web"
)

// The API's contract, checked (issue 11, item 3): every /api/v1 request
// the web tests make through serve, and its answer, is validated against
// the OpenAPI document by kin-openapi's openapi3filter (which validates
// OpenAPI 3.1 documents' schemas as JSON Schema 2020-12): the request's
// path and query parameters, headers, security and body; the answer's
// status (one the operation documents), headers and body. A request the
// document says is invalid must be refused (4xx); its answer is checked
// like any other.

func init() {
	openapi3filter.RegisterBodyDecoder("image/svg+xml", openapi3filter.FileBodyDecoder)
}

// contract is the loaded document and a mux of its routes, which finds
// each request's route by Go's own rules.
type contract struct {
	doc *openapi3.T
	mux *http.ServeMux
}

// loadContract loads and validates the document once for the test binary.
var loadContract = sync.OnceValues(func() (*contract, error) {
	b, err := json.Marshal(web.OpenAPIDoc())
	if err != nil {
		return nil, err
	}
	l := openapi3.NewLoader()
	doc, err := l.LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("load the OpenAPI document: %w", err)
	}
	if err := doc.Validate(l.Context, openapi3.EnableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("the OpenAPI document is not valid: %w", err)
	}
	c := &contract{doc: doc, mux: http.NewServeMux()}
	for _, pattern := range web.APIPatterns() {
		c.mux.HandleFunc(pattern, func(http.ResponseWriter, *http.Request) {})
	}
	return c, nil
})

// mustContract is the contract, or t fails.
func mustContract(t testing.TB) *contract {
	t.Helper()
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// serve serves h for t over HTTP like httptest.NewServer, checking every
// /api/v1 request and answer against the contract: a mismatch fails t.
func serve(t testing.TB, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(checked(t, h))
	t.Cleanup(srv.Close)
	return srv
}

// checked wraps h so that every /api/v1 request and its answer are
// checked against the contract, failing t on a mismatch.
func checked(t testing.TB, h http.Handler) http.Handler {
	c := mustContract(t)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1" && !strings.HasPrefix(r.URL.Path, "/api/v1/") {
			h.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("contract: read the body of %s %s: %v", r.Method, r.URL, err)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sent := r.Clone(r.Context())
		rec := &tee{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if err := c.check(sent, body, rec.answer()); err != nil {
			t.Errorf("contract: %s %s: %v", sent.Method, sent.URL.RequestURI(), err)
		}
	})
}

// answer is a response as it went out.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// check validates the request (with its body) and the answer to it.
func (c *contract) check(r *http.Request, body []byte, a answer) error {
	_, pattern := c.mux.Handler(r)
	if pattern == "" {
		return nil // no route: the server's 404 or 405, not the API's
	}
	method, p, _ := strings.Cut(pattern, " ")
	path := web.OpenAPIPath(p)
	item := c.doc.Paths.Value(path)
	op := item.GetOperation(method)
	r.Body = io.NopCloser(bytes.NewReader(body))
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: pathParams(p, r.URL.Path),
		Route:   &routers.Route{Spec: c.doc, Path: path, PathItem: item, Method: method, Operation: op},
		Options: &openapi3filter.Options{AuthenticationFunc: bearer, MultiError: true}}
	reqErr := openapi3filter.ValidateRequest(context.Background(), in)
	if reqErr != nil && (a.status < 400 || a.status >= 500) {
		return fmt.Errorf("answered %d to a request the document says is invalid: %v", a.status, reqErr)
	}
	resBody := a.body
	if a.header.Get("Content-Encoding") == "gzip" && len(resBody) > 0 {
		zr, err := gzip.NewReader(bytes.NewReader(resBody))
		if err != nil {
			return fmt.Errorf("gzip answer: %v", err)
		}
		if resBody, err = io.ReadAll(zr); err != nil {
			return fmt.Errorf("gzip answer: %v", err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: a.status, Header: a.header,
		Body: io.NopCloser(bytes.NewReader(resBody)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true,
			ExcludeResponseBody: r.Method == http.MethodHead || a.status == http.StatusNotModified}}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fmt.Errorf("answer %d does not match the document: %v\n%s", a.status, err, clip(resBody))
	}
	// RFC 9457, section 3.1.2: a problem's status is the answer's (a
	// rule across the body and the status line that a schema cannot say).
	var prob struct{ Status int }
	if strings.HasPrefix(a.header.Get("Content-Type"), "application/problem+json") && r.Method != http.MethodHead &&
		json.Unmarshal(resBody, &prob) == nil && prob.Status != a.status {
		return fmt.Errorf("answer %d is a problem whose status is %d", a.status, prob.Status)
	}
	return nil
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "..."
	}
	return string(b)
}

// pathParams are the values of pattern's wildcards in path.
func pathParams(pattern, path string) map[string]string {
	out := map[string]string{}
	ps, vs := strings.Split(pattern, "/"), strings.Split(path, "/")
	for i, seg := range ps {
		if !strings.HasPrefix(seg, "{") || i >= len(vs) {
			continue
		}
		name := strings.Trim(seg, "{.}")
		if strings.HasSuffix(seg, "...}") {
			out[name] = strings.Join(vs[i:], "/")
			continue
		}
		out[name] = vs[i]
	}
	return out
}

// bearer is the document's bearer scheme: a request carries a token.
func bearer(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme, token, _ := strings.Cut(in.RequestValidationInput.Request.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "bearer") || strings.TrimSpace(token) == "" {
		return errors.New("no bearer token")
	}
	return nil
}

// tee passes a response on while keeping a copy.
type tee struct {
	http.ResponseWriter
	status int
	header http.Header
	buf    bytes.Buffer
}

func (t *tee) WriteHeader(code int) {
	if t.status == 0 {
		t.status = code
		t.header = t.ResponseWriter.Header().Clone()
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *tee) Write(b []byte) (int, error) {
	if t.status == 0 {
		t.WriteHeader(http.StatusOK)
	}
	t.buf.Write(b)
	return t.ResponseWriter.Write(b)
}

func (t *tee) Unwrap() http.ResponseWriter { return t.ResponseWriter }

func (t *tee) answer() answer {
	if t.status == 0 {
		t.WriteHeader(http.StatusOK)
	}
	return answer{status: t.status, header: t.header, body: t.buf.Bytes()}
}

// TestOpenAPIRoutes walks every route the server registers and fails if an
// /api/v1 route is not in the OpenAPI document, or the document has an
// operation no route takes.
func TestOpenAPIRoutes(t *testing.T) {
	st := newStack(t)
	c := mustContract(t)
	routed := map[string]bool{}
	for _, pattern := range st.h.Routes() {
		method, p, ok := strings.Cut(pattern, " ")
		if !ok || (p != "/api/v1" && !strings.HasPrefix(p, "/api/v1/")) {
			continue
		}
		routed[method+" "+web.OpenAPIPath(p)] = true
		item := c.doc.Paths.Value(web.OpenAPIPath(p))
		if item == nil || item.GetOperation(method) == nil {
			t.Errorf("%s is routed but the OpenAPI document does not describe it (apiRoutes in openapi.go)", pattern)
		}
	}
	if len(routed) < 30 {
		t.Fatalf("only %d API routes found: %v", len(routed), slices.Sorted(maps.Keys(routed)))
	}
	for p, item := range c.doc.Paths.Map() {
		for method := range item.Operations() {
			if !routed[method+" "+p] {
				t.Errorf("the OpenAPI document describes %s %s, which no route takes", method, p)
			}
		}
	}
}

// spy is a testing.TB that keeps the errors reported to it.
type spy struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (s *spy) Errorf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errors = append(s.errors, fmt.Sprintf(format, args...))
}

func (s *spy) Helper() {}

// TestContractCheckFails feeds the contract check answers that break the
// document, and requests that break it and are taken: each must be
// reported; a good answer must not be.
func TestContractCheckFails(t *testing.T) {
	cases := []struct {
		name, method, path, ctype, body string
		hdr                             []string
		answer                          func(w http.ResponseWriter)
		want                            string // in the error; "" for none
	}{
		{name: "good list", method: "GET", path: "/api/v1/alliances", answer: jsonAnswer(200, `[]`)},
		{name: "object for a list", method: "GET", path: "/api/v1/alliances", answer: jsonAnswer(200, `{"code": "X"}`), want: "does not match"},
		{name: "null for a list", method: "GET", path: "/api/v1/alliances", answer: jsonAnswer(200, `null`), want: "does not match"},
		{name: "field of the wrong type", method: "GET", path: "/api/v1/alliances/X/memberships/FIN",
			answer: jsonAnswer(200, `{"alliance": "X", "country": 7}`), want: "country"},
		{name: "field missing", method: "GET", path: "/api/v1/alliances/X/memberships/FIN",
			answer: jsonAnswer(200, `{"alliance": "X"}`), want: "country"},
		{name: "field unknown", method: "GET", path: "/api/v1/alliances/X/memberships/FIN",
			answer: jsonAnswer(200, `{"alliance": "X", "country": "FIN", "colour": "red"}`), want: "colour"},
		{name: "bad date", method: "GET", path: "/api/v1/alliances/X/memberships/FIN",
			answer: jsonAnswer(200, `{"alliance": "X", "country": "FIN", "applied": "2024-13"}`), want: "applied"},
		{name: "bad enum", method: "GET", path: "/api/v1/activities/A1",
			answer: jsonAnswer(200, `{"status": "dreaming"}`), want: "does not match"},
		{name: "undocumented status", method: "GET", path: "/api/v1/alliances", answer: jsonAnswer(http.StatusTeapot, `[]`), want: "418"},
		{name: "problem not RFC 9457", method: "GET", path: "/api/v1/alliances/X", answer: func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(404)
			io.WriteString(w, `{"error": "no"}`)
		}, want: "does not match"},
		{name: "no Location on a create", method: "POST", path: "/api/v1/activities", ctype: "application/json", body: `{"programme": "P"}`,
			hdr: []string{"Authorization", "Bearer ent_x"}, answer: jsonAnswer(201, `{}`), want: "Location"},
		{name: "a write without a token taken", method: "POST", path: "/api/v1/programmes/P/reviews", ctype: "application/json",
			body: `{"note": "n"}`, answer: jsonAnswer(201, `{}`), want: "document says is invalid"},
		{name: "a bad body taken", method: "POST", path: "/api/v1/programmes/P/goals", ctype: "application/json",
			body: `{"code": 7}`, hdr: []string{"Authorization", "Bearer ent_x"}, answer: jsonAnswer(200, `{}`), want: "document says is invalid"},
		{name: "a 401 without a challenge", method: "GET", path: "/api/v1/audit", answer: func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(401)
			io.WriteString(w, `{"type": "about:blank", "title": "Unauthorized", "status": 401}`)
		}, want: "WWW-Authenticate"},
		{name: "a versioned read without its ETag", method: "GET", path: "/api/v1/programmes/P/goals/G1",
			answer: func(w http.ResponseWriter) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"programme": "P", "code": "G1", "title": "t"}`)
			}, want: "ETag"},
		{name: "a problem's status not the answer's", method: "GET", path: "/api/v1/alliances/X", answer: func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(404)
			io.WriteString(w, `{"type": "about:blank", "title": "Bad Request", "status": 400}`)
		}, want: "whose status is 400"},
		{name: "a bad body refused", method: "POST", path: "/api/v1/programmes/P/goals", ctype: "application/json",
			body: `{"code": 7}`, hdr: []string{"Authorization", "Bearer ent_x"}, answer: func(w http.ResponseWriter) {
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(400)
				io.WriteString(w, `{"type": "about:blank", "title": "Bad Request", "status": 400, "detail": "code: want a string"}`)
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &spy{TB: t}
			h := checked(s, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { c.answer(w) }))
			req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			for i := 0; i+1 < len(c.hdr); i += 2 {
				req.Header.Set(c.hdr[i], c.hdr[i+1])
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
			got := strings.Join(s.errors, "\n")
			switch {
			case c.want == "" && got != "":
				t.Errorf("a good exchange was reported: %s", got)
			case c.want != "" && !strings.Contains(got, c.want):
				t.Errorf("reported %q, want an error naming %q", got, c.want)
			}
		})
	}
}

// jsonAnswer answers body with status, and an ETag.
func jsonAnswer(status int, body string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("ETag", `"v1"`)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// TestAPIDocs reads /api/docs: every operation of the document is there
// with its method and path, every schema with its fields, without a
// script or anything from another site, and the footer links to it.
func TestAPIDocs(t *testing.T) {
	st := newStack(t)
	c := mustContract(t)
	res, body := get(t, nil, st.srv.URL+"/api/docs")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /api/docs: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for p, item := range c.doc.Paths.Map() {
		for method, op := range item.Operations() {
			h := between(body, `<h3 id="`+op.OperationID+`">`, `</h3>`)
			if want := "<code>" + method + `</code> <code class="path">` + p + "</code>"; h != want {
				t.Errorf("%s %s: heading %q, want %q", method, p, h, want)
			}
			for _, prm := range op.Parameters {
				if !strings.Contains(body, "<code>"+prm.Value.Name+"</code>") {
					t.Errorf("%s %s: parameter %s not shown", method, p, prm.Value.Name)
				}
			}
		}
	}
	for name, sc := range c.doc.Components.Schemas {
		sec := between(body, `<h3 id="schema-`+name+`">`, `<h3 `)
		if sec == "" {
			sec = between(body, `<h3 id="schema-`+name+`">`, `</section>`)
		}
		if sec == "" {
			t.Errorf("schema %s not shown", name)
			continue
		}
		for f := range sc.Value.Properties {
			if !strings.Contains(sec, "<code>"+f+"</code>") {
				t.Errorf("schema %s: field %s not shown", name, f)
			}
		}
	}
	for _, bad := range []string{"<script src", "https://", "http://"} {
		if i := strings.Index(body, bad); i >= 0 && !strings.Contains(body[i:min(i+40, len(body))], "application/ld+json") {
			t.Errorf("the page has %q: %.80s", bad, body[i:])
		}
	}
	if !strings.Contains(body, `<a href="/api/docs">API</a>`) {
		t.Error("the footer does not link to /api/docs")
	}
}

// TestContractBounds sends every query parameter the document bounds its
// bounds and the values just past them, and every closed set a value
// outside it: the server must take what the document allows (200) and
// refuse what it does not (400), on both engines.
func TestContractBounds(t *testing.T) {
	c := mustContract(t)
	sample := strings.NewReplacer("{code}", "NATO", "{iso3}", "NZL", "{id}", "NZL-ITPP-2024")
	required := map[string]string{"partner": "NZL", "q": "partner"}
	engines(t, func(t *testing.T, st *stack) {
		tried := 0
		for p, item := range c.doc.Paths.Map() {
			op := item.Get
			if op == nil || strings.Contains(p, "{") && sample.Replace(p) == p {
				continue
			}
			for _, prm := range op.Parameters {
				v := prm.Value
				if v.In != "query" || v.Schema == nil || v.Schema.Value == nil {
					continue
				}
				s := v.Schema.Value
				var good, bad []string
				if s.Min != nil {
					good = append(good, fmt.Sprint(int(*s.Min)))
					bad = append(bad, fmt.Sprint(int(*s.Min)-1), "x")
				}
				if s.Max != nil {
					good = append(good, fmt.Sprint(int(*s.Max)))
					bad = append(bad, fmt.Sprint(int(*s.Max)+1))
				}
				if len(s.Enum) > 0 {
					good = append(good, fmt.Sprint(s.Enum[len(s.Enum)-1]))
					bad = append(bad, "nonesuch")
				}
				for _, val := range append(good, bad...) {
					u := sample.Replace(p) + "?" + v.Name + "=" + val
					for _, other := range op.Parameters {
						if o := other.Value; o.Required && o.In == "query" && o.Name != v.Name {
							u += "&" + o.Name + "=" + required[o.Name]
						}
					}
					res, body := get(t, nil, st.srv.URL+u, "Authorization", "Bearer "+st.token)
					want := http.StatusOK
					if slices.Contains(bad, val) {
						want = http.StatusBadRequest
					}
					if res.StatusCode != want {
						t.Errorf("GET %s: %d, want %d: %.200s", u, res.StatusCode, want, body)
					}
					tried++
				}
			}
		}
		if tried < 15 {
			t.Errorf("only %d bounds tried", tried)
		}
	})
}

// TestContractRequiredFields posts to every write route a body without the
// fields the document requires of it: the server must refuse it (the
// contract check fails a 2xx), on both engines.
func TestContractRequiredFields(t *testing.T) {
	c := mustContract(t)
	sample := strings.NewReplacer("{id}", "NZL-ITPP-2024")
	engines(t, func(t *testing.T, st *stack) {
		tried := 0
		for p, item := range c.doc.Paths.Map() {
			op := item.Post
			if op == nil || op.RequestBody == nil || strings.Contains(sample.Replace(p), "{") {
				continue
			}
			mt := op.RequestBody.Value.Content.Get("application/json")
			if mt == nil || mt.Schema == nil || len(mt.Schema.Value.Required) == 0 {
				continue
			}
			res, err := post(st.srv.URL+sample.Replace(p), st.token, "application/json", `{}`)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("POST %s {} (without %v): %d, want 400 or 422", p, mt.Schema.Value.Required, res.StatusCode)
			}
			tried++
		}
		if tried < 4 {
			t.Errorf("only %d write routes tried", tried)
		}
	})
}
