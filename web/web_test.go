package web_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store"
	"github.com/entente/entente/web"
)

// stack is the real server over a fresh SQLite store with the default
// dataset, and the service behind it.
type stack struct {
	srv *httptest.Server
	svc *service.Service
	h   *web.Server
	// token is a staff member's API token, which progDo and do send;
	// "" sends none.
	token string
}

func newStack(t *testing.T) *stack {
	t.Helper()
	return stackOn(t, filepath.Join(t.TempDir(), "entente.db"))
}

// openService opens the store at dsn (an SQLite path or a PostgreSQL URL),
// closed when t ends, and loads the default dataset into it.
func openService(t testing.TB, dsn string) *service.Service {
	t.Helper()
	st, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := service.New(st)
	if _, err := svc.LoadDefault(operator(t)); err != nil {
		t.Fatal(err)
	}
	return svc
}

// quietLog discards what a test server logs (a line per request at Info).
var quietLog = slog.New(slog.DiscardHandler)

// stackOn serves the store at dsn through the real handler.
func stackOn(t *testing.T, dsn string) *stack {
	t.Helper()
	svc := openService(t, dsn)
	// The account is made before the server, whose metrics then count
	// only what the test does.
	token := staffToken(t, svc)
	h, err := web.New(svc, web.Config{Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, h)
	return &stack{srv: srv, svc: svc, h: h, token: token}
}

// post sends body to u with token as a bearer token.
func post(u, token, ctype, body string) (*http.Response, error) {
	req, err := http.NewRequest("POST", u, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+token)
	return http.DefaultClient.Do(req)
}

// operator is t's context acting as the local operator, who may do
// anything, as the CLI does.
func operator(t testing.TB) context.Context {
	return entente.WithPrincipal(t.Context(), entente.Operator("test"))
}

// staffToken adds a staff account to svc's store and returns an API token
// for it with the write scope.
func staffToken(t *testing.T, svc *service.Service) string {
	t.Helper()
	return tokenFor(t, svc, fmt.Sprintf("staff%d", staffAccounts.Add(1)), entente.RoleStaff, "", "write")
}

// staffAccounts numbers the staff accounts staffToken adds, as two stacks
// may share one database.
var staffAccounts atomic.Int64

// tokenFor adds an account named name with role (bound to partner, for a
// liaison) and returns a token for it with scopes.
func tokenFor(t *testing.T, svc *service.Service, name string, role entente.Role, partner string, scopes ...string) string {
	t.Helper()
	if _, err := svc.AddUser(operator(t), service.UserRequest{Name: name, Role: role, Partner: partner, Password: "a test password of some length"}); err != nil {
		t.Fatal(err)
	}
	sec, _, err := svc.CreateToken(operator(t), service.TokenRequest{User: name, Scopes: scopes})
	if err != nil {
		t.Fatal(err)
	}
	return sec
}

// get fetches path with the given headers (name, value, ...), returning the
// response and its (decoded) body.
func get(t *testing.T, c *http.Client, u string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if c == nil {
		c = http.DefaultClient
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r io.Reader = res.Body
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

var (
	tags   = regexp.MustCompile(`(?s)<[^>]*>`)
	spaces = regexp.MustCompile(`\s+`)
)

// pageText is what a reader sees: no tags, entities decoded, whitespace
// collapsed.
func pageText(s string) string {
	s = tags.ReplaceAllString(s, " ")
	return spaces.ReplaceAllString(html.UnescapeString(s), " ")
}

// fact is one line of testdata/seed-page-facts.txt.
type fact struct {
	line    int
	what    string
	needles []string
}

// readFacts reads the list of the original page's facts.
func readFacts(t *testing.T, path string) []fact {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []fact
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		what, needles, ok := strings.Cut(line, "::")
		if !ok {
			t.Fatalf("%s:%d: no \"::\" in %q", path, n, line)
		}
		fc := fact{line: n, what: strings.TrimSpace(what)}
		for _, nd := range strings.Split(needles, "|") {
			fc.needles = append(fc.needles, strings.TrimSpace(nd))
		}
		out = append(out, fc)
	}
	if len(out) < 30 {
		t.Fatalf("%s: only %d facts", path, len(out))
	}
	return out
}

// checkFacts reports every fact whose phrases text lacks.
func checkFacts(t *testing.T, facts []fact, text string) {
	t.Helper()
	lower := strings.ToLower(text)
	for _, f := range facts {
		for _, nd := range f.needles {
			if !strings.Contains(lower, strings.ToLower(nd)) {
				t.Errorf("line %d: %s: the page lacks %q", f.line, f.what, nd)
			}
		}
	}
}

// TestPartnerPageFacts holds /partners/NZL against every fact of the
// original "NATO and New Zealand" page.
func TestPartnerPageFacts(t *testing.T) {
	s := newStack(t)
	res, body := get(t, nil, s.srv.URL+"/partners/NZL")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	checkFacts(t, readFacts(t, "testdata/seed-page-facts.txt"), pageText(body))
	// Every "On this page" link lands on a section of the page.
	for _, m := range regexp.MustCompile(`<nav class="toc"(?s:.*?)</nav>`).FindAllString(body, 1) {
		links := regexp.MustCompile(`href="#([^"]+)"`).FindAllStringSubmatch(m, -1)
		if len(links) < 5 {
			t.Errorf("the index has %d links, want 5", len(links))
		}
		for _, l := range links {
			if !strings.Contains(body, `id="`+l[1]+`"`) {
				t.Errorf("index link #%s has no target", l[1])
			}
		}
	}
}

// TestOtherPartners: the page is generic.
func TestOtherPartners(t *testing.T) {
	s := newStack(t)
	for code, want := range map[string][]string{
		"AUS": {"NATO and Australia", "Indo-Pacific partners", "New Zealand", "On this page"},
		"JPN": {"NATO and Japan", "Individually Tailored Partnership Programme"},
		"KOR": {"NATO and Republic of Korea", "Indo-Pacific partners"},
		"EGY": {"NATO and Egypt", "What is NATO?", "Mediterranean Dialogue"},
	} {
		res, body := get(t, nil, s.srv.URL+"/partners/"+code)
		if res.StatusCode != 200 {
			t.Errorf("%s: status %d", code, res.StatusCode)
			continue
		}
		text := pageText(body)
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: page lacks %q", code, w)
			}
		}
	}
	// A member has no partner page.
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if res, _ := get(t, c, s.srv.URL+"/partners/BEL"); res.StatusCode != http.StatusFound {
		t.Errorf("/partners/BEL: status %d, want a redirect to the country page", res.StatusCode)
	}
}

func TestPages(t *testing.T) {
	s := newStack(t)
	pages := map[string][]string{
		"/":                                 {"at a glance", "<svg", "<title id=", "<desc id=", "<table", "32 members"},
		"/members":                          {"Members by accession", "29 March 2004", "Sweden"},
		"/countries/NZL":                    {"New Zealand", "ITPP", `title="“NATO and New Zealand have had regular contacts since 2001.”"`, `class="quote">: the source says <q>`},
		"/partners":                         {"Partner groups", "Partnership for Peace", "Indo-Pacific partners"},
		"/programmes":                       {"Partnership programmes", "NZL-ITPP-2024", "superseded"},
		"/operations":                       {"Operations and contributors", "International Security Assistance Force", "New Zealand"},
		"/meetings":                         {"Meetings and invitations", "Madrid", "Jacinda Ardern"},
		"/collective-defence":               {"Article 4", "Article 5", "Türkiye"},
		"/sources":                          {"Sources", "mfat-nato", `<h2 id="kind-official-text">Official text`, `<span class="source-kind">Government</span>`, "quotation of this source", "Quoted for the programme NZL-IPCP-2012."},
		"/partners/NZL":                     {`class="quote">: the source says <q>NATO Secretary General Anders Fogh Rasmussen`},
		"/api/v1/coverage?as_of=1950-01-01": {`"as_of": "1950-01-01"`, `"kind": "membership"`, `"unconfirmed": [`},
		"/sources?kind=news":                {"Sources: news", `<strong aria-current="page">News (`, "taipeitimes-nz-itpp-2023", `<a href="/sources">All (`},
		"/coverage":                         {"What the record holds", "<svg", "Facts by kind", "Facts by decade", "Sources by kind", "Marked unconfirmed", "NZL-ITPP-2024", "cite a primary source"},
		"/coverage?as_of=1950-01-01":        {"as of 1 January 1950", "Memberships"},
		"/timeline":                         {"<svg", "<title id=", "Country", "Sweden"},
		"/timeline?country=NZL":             {"Timeline: New Zealand", "Bosnia and Herzegovina", "Madrid 2022"},
		"/privacy":                          {"What we collect", "Sec-GPC", "IP address"},
		"/stats":                            {"Visit statistics", "Visits per page"},
	}
	for path, want := range pages {
		res, body := get(t, nil, s.srv.URL+path)
		if res.StatusCode != 200 {
			t.Errorf("%s: status %d", path, res.StatusCode)
			continue
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", path, w)
			}
		}
		for _, bad := range []string{"<script>", " style=\"", "<style"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s has %q: the CSP forbids inline script and style", path, bad)
			}
		}
	}
	// A source kind the page does not know is a 400 naming the field.
	if res, body := get(t, nil, s.srv.URL+"/sources?kind=blog"); res.StatusCode != 400 || !strings.Contains(body, "kind: &#34;blog&#34; is not a source kind") {
		t.Errorf("/sources?kind=blog: status %d: %s", res.StatusCode, pageText(body))
	}
	// One error renderer: HTML for pages, problem details for the API.
	res, body := get(t, nil, s.srv.URL+"/partners/XYZ")
	if res.StatusCode != 404 || !strings.Contains(body, "unknown country") || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("/partners/XYZ: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	res, _ = get(t, nil, s.srv.URL+"/api/v1/partners/XYZ/profile")
	if res.StatusCode != 404 || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("API 404: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res, body := get(t, nil, s.srv.URL+"/api/v1/openapi.json"); res.StatusCode != 200 || !strings.Contains(body, `"openapi": "3.1.0"`) || !strings.Contains(body, `"/api/v1/activities/{id}`) {
		t.Errorf("openapi: %d", res.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := newStack(t)
	for _, path := range []string{"/", "/partners/NZL", "/api/v1/countries/NZL", "/nope"} {
		res, _ := get(t, nil, s.srv.URL+path)
		csp := res.Header.Get("Content-Security-Policy")
		for _, w := range []string{"script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
			if !strings.Contains(csp, w) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, w)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code", path)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", path, res.Header)
		}
	}
}

func TestCachingETagGzipAssets(t *testing.T) {
	s := newStack(t)
	u := s.srv.URL + "/countries/UKR"
	res, body := get(t, nil, u, "Accept-Encoding", "gzip")
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("no gzip: %v", res.Header)
	}
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if res, _ := get(t, nil, u, "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET: status %d, want 304", res.StatusCode)
	}
	if strings.Contains(pageText(body), "NATO: applied") {
		t.Fatal("UKR has applied already?")
	}
	// A write through the service invalidates the cached page.
	if _, err := s.svc.Accession(operator(t), service.StepApply, service.StepRequest{Alliance: "NATO", Country: "UKR"}); err != nil {
		t.Fatal(err)
	}
	res, body = get(t, nil, u, "If-None-Match", etag)
	if res.StatusCode != 200 || !strings.Contains(pageText(body), "NATO: applied") {
		t.Errorf("after the write: status %d, page still stale", res.StatusCode)
	}
	// Static assets: hashed URL, long lifetime; the plain name is not served.
	m := regexp.MustCompile(`href="(/static/style\.[0-9a-f]{10}\.css)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no hashed stylesheet link")
	}
	res, css := get(t, nil, s.srv.URL+m[1])
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") || !strings.Contains(css, "@media print") {
		t.Errorf("stylesheet: %d %v", res.StatusCode, res.Header)
	}
	if res, _ := get(t, nil, s.srv.URL+"/static/style.css"); res.StatusCode != 404 {
		t.Errorf("unhashed asset: %d", res.StatusCode)
	}
}

func TestConsent(t *testing.T) {
	s := newStack(t)
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	visits := func() int64 {
		if err := s.h.Flush(t.Context()); err != nil {
			t.Fatal(err)
		}
		st, err := s.svc.Stats(t.Context(), s.svc.Today())
		if err != nil {
			t.Fatal(err)
		}
		return st.Total
	}
	// Undecided: a banner with two equal buttons, no cookie, no count.
	res, body := get(t, nil, s.srv.URL+"/members")
	if !strings.Contains(body, `value="accept">Accept</button>`) || !strings.Contains(body, `value="reject">Reject</button>`) {
		t.Error("no consent banner with Accept and Reject")
	}
	if len(res.Cookies()) != 0 {
		t.Errorf("cookies before a choice: %v", res.Cookies())
	}
	// GPC and DNT: a refusal, no banner.
	for _, h := range []string{"Sec-GPC", "DNT"} {
		if _, body := get(t, nil, s.srv.URL+"/members", h, "1"); strings.Contains(body, `value="accept"`) {
			t.Errorf("%s: 1 still shows the banner", h)
		}
	}
	tok := formToken(t, nil, s.srv.URL+"/privacy")
	post := func(choice string, hdr ...string) *http.Response {
		req, _ := http.NewRequest("POST", s.srv.URL+"/consent", strings.NewReader(url.Values{"choice": {choice}, "back": {"/members"}, "csrf": {tok}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := (&http.Client{CheckRedirect: noRedirect}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	// A forged cross-site POST is refused.
	if res := post("accept", "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"); res.StatusCode != http.StatusForbidden || len(res.Cookies()) != 0 {
		t.Errorf("cross-site consent: status %d, cookies %v", res.StatusCode, res.Cookies())
	}
	// Reject: remembered, no banner, nothing counted.
	res = post("reject", "Sec-Fetch-Site", "same-origin")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/members" {
		t.Errorf("reject: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	ck := res.Cookies()
	if len(ck) != 1 || ck[0].Value != "no" || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteLaxMode {
		t.Fatalf("reject cookie: %v", ck)
	}
	_, body = get(t, nil, s.srv.URL+"/members", "Cookie", "consent=no")
	if strings.Contains(body, `value="accept">Accept`) {
		t.Error("banner shown after reject")
	}
	if n := visits(); n != 0 {
		t.Errorf("visits after reject: %d", n)
	}
	// Accept: counted, with the referring host only.
	res = post("accept", "Origin", s.srv.URL)
	if ck := res.Cookies(); len(ck) != 1 || ck[0].Value != "yes" {
		t.Fatalf("accept cookie: %v", ck)
	}
	get(t, nil, s.srv.URL+"/members", "Cookie", "consent=yes", "Referer", "https://news.example.org/story?id=1")
	get(t, nil, s.srv.URL+"/members", "Cookie", "consent=yes")
	get(t, nil, s.srv.URL+"/members", "Cookie", "consent=yes", "Sec-GPC", "1")
	if err := s.h.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	st, err := s.svc.Stats(t.Context(), s.svc.Today())
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 2 || len(st.Referrers) != 1 || st.Referrers[0].Name != "news.example.org" {
		t.Errorf("stats: %+v", st)
	}
	_, body = get(t, nil, s.srv.URL+"/stats")
	if !strings.Contains(body, "news.example.org") || !strings.Contains(body, "<svg") {
		t.Error("stats page lacks the referrer chart")
	}
	// An open redirect through "back" is refused.
	req, _ := http.NewRequest("POST", s.srv.URL+"/consent", strings.NewReader("choice=reject&back=//evil.example/&csrf="+tok))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err = (&http.Client{CheckRedirect: noRedirect}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Header.Get("Location") != "/" {
		t.Errorf("back=//evil.example/ redirected to %q", res.Header.Get("Location"))
	}
	// A choice that is neither gets the error page, and no cookie.
	req, _ = http.NewRequest("POST", s.srv.URL+"/consent", strings.NewReader("choice=maybe&csrf="+tok))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 400 || !strings.Contains(string(b), `must be &#34;accept&#34; or &#34;reject&#34;`) || len(res.Cookies()) != 0 {
		t.Errorf("choice=maybe: %d, cookies %v\n%.300s", res.StatusCode, res.Cookies(), b)
	}
}

// TestDevMode: --dev reads templates and static files from disk.
func TestDevMode(t *testing.T) {
	s := newStack(t)
	h, err := web.New(s.svc, web.Config{Dev: true, DevDir: ".", Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	res, body := get(t, nil, srv.URL+"/partners/NZL")
	if res.StatusCode != 200 || !strings.Contains(body, "NATO and New Zealand") {
		t.Fatalf("dev mode: %d", res.StatusCode)
	}
	m := regexp.MustCompile(`href="(/static/style\.[0-9a-f]{10}\.css)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no stylesheet link")
	}
	if res, _ := get(t, nil, srv.URL+m[1]); res.StatusCode != 200 {
		t.Errorf("dev stylesheet: %d", res.StatusCode)
	}
	req, _ := http.NewRequest("HEAD", s.srv.URL+"/members", nil)
	hres, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	hres.Body.Close()
	if hres.StatusCode != 200 || hres.Header.Get("ETag") == "" {
		t.Errorf("HEAD /members: %d %v", hres.StatusCode, hres.Header)
	}
}

// TestCacheKeepsToTheDay checks that a page cached today, which answers as
// of today, is not served tomorrow.
func TestCacheKeepsToTheDay(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 11, 26, 23, 59, 0, 0, time.UTC).Unix())
	svc := openService(t, filepath.Join(t.TempDir(), "entente.db"))
	svc.Now = func() time.Time { return time.Unix(now.Load(), 0).UTC() }
	h, err := web.New(svc, web.Config{Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	if _, body := get(t, nil, srv.URL+"/"); !strings.Contains(body, "26 November 2026") {
		t.Fatalf("home page today does not name today:\n%.400s", body)
	}
	now.Add(120)
	if _, body := get(t, nil, srv.URL+"/"); !strings.Contains(body, "27 November 2026") {
		t.Errorf("home page after midnight still names yesterday:\n%.400s", body)
	}
}

// TestTimelineMarksUnconfirmed checks that a deployment whose dates and
// operation a source could not confirm is drawn faint and dashed, and says
// so in the table, rather than passing for a confirmed span.
func TestTimelineMarksUnconfirmed(t *testing.T) {
	s := newStack(t)
	_, body := get(t, nil, s.srv.URL+"/timeline?country=NZL")
	// New Zealand's deployments to the Arabian Gulf and the Mediterranean
	// (MFAT names neither operation nor dates) are unconfirmed; its service
	// under IFOR in 1996 (named by the 2012 programme's text) and under SFOR
	// are confirmed and drawn plainly.
	for _, want := range []string{`class="k-deployment unconfirmed"`, "from 1996 (unconfirmed)", "<td>1996</td>",
		"<td>December 1996 to December 2004</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("timeline lacks %q", want)
		}
	}
}
