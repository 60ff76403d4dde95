package web_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/secret"
	"github.com/entente/entente/service"
	"github.com/entente/entente/web"
)

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// formTokenIn returns the CSRF token of the first form in body.
func formTokenIn(t *testing.T, body string) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token in the page:\n%.600s", body)
	}
	return m[1]
}

// formToken fetches u with c and returns its first form's CSRF token.
func formToken(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	_, body := get(t, c, u)
	return formTokenIn(t, body)
}

// clock is a settable clock for the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// withClock makes svc read its time from a clock starting now, and
// returns the clock.
func withClock(svc *service.Service) *clock {
	c := &clock{t: time.Now().UTC()}
	svc.Now = c.now
	return c
}

// addAccount adds an account to svc's store.
func addAccount(t *testing.T, svc *service.Service, name, password string, role entente.Role) *entente.Account {
	t.Helper()
	h, err := secret.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	a := &entente.Account{Name: name, Role: role, PasswordHash: h, Created: time.Now()}
	if err := svc.Store.Update(t.Context(), func(tx entente.Tx) error { return tx.CreateAccount(t.Context(), a) }); err != nil {
		t.Fatal(err)
	}
	return a
}

// browser is an HTTP client with its own cookie jar that does not follow
// redirects, so tests see them.
func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// postForm posts form to u with c, returning the response and its body.
func postForm(t *testing.T, c *http.Client, u string, form url.Values, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

// signIn signs c in at base as name with password, coming from the
// sign-in page as a browser does, and returns the answer to the POST.
func signIn(t *testing.T, c *http.Client, base, name, password, back string) (*http.Response, string) {
	t.Helper()
	tok := formToken(t, c, base+"/login")
	return postForm(t, c, base+"/login", url.Values{"name": {name}, "password": {password}, "back": {back}, "csrf": {tok}})
}

// cookieOf returns the cookie named name among res's, or nil.
func cookieOf(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

const password = "correct horse battery staple"

// TestSignInSignOut: signing in sets a session cookie (HttpOnly,
// SameSite=Lax, Path=/, for the browser's session), sends the browser
// back, and the header shows the name with a sign-out button; the
// database holds only the secret's hash; signing out ends the session on
// the server, so the old cookie, sent again, is anonymous.
func TestSignInSignOut(t *testing.T) {
	dir := t.TempDir()
	s := stackOn(t, filepath.Join(dir, "entente.db"))
	addAccount(t, s.svc, "alice", password, entente.RoleStaff)
	c := browser(t)

	_, body := get(t, c, s.srv.URL+"/members")
	if !strings.Contains(body, `href="/login?back=%2fmembers">Sign in</a>`) {
		t.Errorf("the anonymous header has no Sign in link back to the page:\n%s", between(body, "<header", "</header>"))
	}
	res, body := signIn(t, c, s.srv.URL, "alice", password, "/members")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/members" {
		t.Fatalf("sign in: %d to %q\n%.500s", res.StatusCode, res.Header.Get("Location"), body)
	}
	ck := cookieOf(res, "entente-session")
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure || ck.MaxAge != 0 || ck.Domain != "" {
		t.Fatalf("session cookie: %+v", ck)
	}
	if len(ck.Value) < 43 {
		t.Errorf("session secret %q: want 256 bits", ck.Value)
	}
	_, body = get(t, c, s.srv.URL+"/members")
	header := between(body, "<header", "</header>")
	if !strings.Contains(header, `<a href="/account">alice</a>`) || !strings.Contains(header, `action="/logout"`) || strings.Contains(header, "Sign in") {
		t.Errorf("signed-in header:\n%s", header)
	}
	res, body = get(t, c, s.srv.URL+"/account")
	if res.StatusCode != 200 || !strings.Contains(body, "alice") || !strings.Contains(body, "(this browser)") ||
		!strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
		t.Errorf("account page: %d %s\n%.400s", res.StatusCode, res.Header.Get("Cache-Control"), between(body, "<main", "</main>"))
	}

	// The database never holds the cookie's value.
	for _, f := range []string{"entente.db", "entente.db-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(ck.Value)) {
			t.Errorf("%s holds the session cookie's value", f)
		}
		if f == "entente.db-wal" && len(b) > 0 && !bytes.Contains(b, []byte(secret.Hash(ck.Value))) && !dbHolds(t, filepath.Join(dir, "entente.db"), secret.Hash(ck.Value)) {
			t.Errorf("neither file holds the secret's hash: is the session stored at all?")
		}
	}

	// Signing out needs the form's token, ends the session on the server,
	// and an old copy of the cookie is anonymous.
	res, _ = postForm(t, c, s.srv.URL+"/logout", url.Values{})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("sign out without the CSRF token: %d, want 403", res.StatusCode)
	}
	tok := formToken(t, c, s.srv.URL+"/members")
	res, _ = postForm(t, c, s.srv.URL+"/logout", url.Values{"csrf": {tok}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", res.StatusCode)
	}
	if gone := cookieOf(res, "entente-session"); gone == nil || gone.MaxAge >= 0 {
		t.Errorf("sign out does not delete the cookie: %+v", gone)
	}
	list, err := s.svc.Store.FindSessions(t.Context(), 1)
	if err != nil || len(list) != 0 {
		t.Errorf("sessions on the server after sign out: %+v, %v", list, err)
	}
	res, _ = get(t, browser(t), s.srv.URL+"/account", "Cookie", "entente-session="+ck.Value)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("the old cookie after sign out: %d to %q, want the sign-in page", res.StatusCode, res.Header.Get("Location"))
	}
	// A sign-out form left open past the session's end still signs out.
	res, _ = postForm(t, browser(t), s.srv.URL+"/logout", url.Values{"csrf": {tok}}, "Cookie", "entente-session="+ck.Value)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("signing out of an ended session: %d, want 303", res.StatusCode)
	}
	_, body = get(t, nil, s.srv.URL+"/members", "Cookie", "entente-session="+ck.Value)
	if strings.Contains(between(body, "<header", "</header>"), "alice") {
		t.Errorf("the old cookie still shows alice")
	}
}

// dbHolds reports whether the file at path holds s.
func dbHolds(t *testing.T, path, s string) bool {
	b, err := os.ReadFile(path)
	return err == nil && bytes.Contains(b, []byte(s))
}

// TestSessionFixation: a session secret planted in the browser before it
// signs in (a known value, or a session the attacker holds) is not the
// one it has after: signing in always makes a new one, and ends the one
// the browser came with.
func TestSessionFixation(t *testing.T) {
	s := newStack(t)
	addAccount(t, s.svc, "alice", password, entente.RoleStaff)
	addAccount(t, s.svc, "mallory", password+"!", entente.RoleReader)
	u, _ := url.Parse(s.srv.URL)

	// The attacker's own session, planted in the victim's browser.
	m := browser(t)
	res, _ := signIn(t, m, s.srv.URL, "mallory", password+"!", "/")
	planted := cookieOf(res, "entente-session").Value
	c := browser(t)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: "entente-session", Value: planted, Path: "/"}})
	res, _ = signIn(t, c, s.srv.URL, "alice", password, "/")
	got := cookieOf(res, "entente-session")
	if got == nil || got.Value == planted {
		t.Fatalf("after sign-in the browser keeps the planted session: %+v", got)
	}
	if _, body := get(t, m, s.srv.URL+"/account"); strings.Contains(body, "alice") {
		t.Errorf("the attacker's browser sees alice's account")
	}
	if _, _, err := s.svc.Session(t.Context(), planted); entente.ErrorCode(err) != entente.EUNAUTHORIZED {
		t.Errorf("the planted session still works after the victim signed in over it: %v", err)
	}

	// A made-up value is not adopted either.
	c = browser(t)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: "entente-session", Value: "fixed-by-attacker-000000000000000000000000000", Path: "/"}})
	res, _ = signIn(t, c, s.srv.URL, "alice", password, "/")
	if got := cookieOf(res, "entente-session"); got == nil || strings.HasPrefix(got.Value, "fixed-by-attacker") {
		t.Errorf("a made-up session value was adopted: %+v", got)
	}
}

// TestSessionIdleAndAbsoluteExpiry: by the service's clock, a session
// unused for 30 minutes ends, and one used every 20 minutes ends 12 hours
// after it began.
func TestSessionIdleAndAbsoluteExpiry(t *testing.T) {
	s := newStack(t)
	clk := withClock(s.svc)
	addAccount(t, s.svc, "alice", password, entente.RoleStaff)
	signedIn := func(c *http.Client) bool {
		res, _ := get(t, c, s.srv.URL+"/account")
		return res.StatusCode == http.StatusOK
	}
	c := browser(t)
	signIn(t, c, s.srv.URL, "alice", password, "/")
	clk.add(entente.SessionIdle - time.Minute)
	if !signedIn(c) {
		t.Fatal("signed out after 29 idle minutes")
	}
	clk.add(entente.SessionIdle)
	if signedIn(c) {
		t.Error("still signed in after 30 idle minutes")
	}

	c = browser(t)
	signIn(t, c, s.srv.URL, "alice", password, "/")
	for range int(entente.SessionLifetime/(20*time.Minute)) - 1 {
		clk.add(20 * time.Minute)
		if !signedIn(c) {
			t.Fatal("signed out while in use before 12 hours")
		}
	}
	clk.add(20 * time.Minute)
	if signedIn(c) {
		t.Error("still signed in 12 hours after signing in")
	}
}

// TestCSRF: a state-changing form without its token, or with another
// session's, is refused with 403 and a page saying what to do, before the
// handler runs; an API write signed in by the session cookie needs the
// token in a header; a request with no cookie (a script with a bearer
// token, or nobody) needs none.
func TestCSRF(t *testing.T) {
	s := newStack(t)
	addAccount(t, s.svc, "alice", password, entente.RoleStaff)
	addAccount(t, s.svc, "bob", password, entente.RoleStaff)
	a, b := browser(t), browser(t)
	signIn(t, a, s.srv.URL, "alice", password, "/")
	signIn(t, b, s.srv.URL, "bob", password, "/")
	aTok, bTok := formToken(t, a, s.srv.URL+"/members"), formToken(t, b, s.srv.URL+"/members")
	if aTok == bTok {
		t.Fatal("two sessions have the same CSRF token")
	}
	for _, tc := range []struct {
		what string
		c    *http.Client
		path string
		form url.Values
	}{
		{"sign out, no token", a, "/logout", url.Values{}},
		{"sign out, bob's token", a, "/logout", url.Values{"csrf": {bTok}}},
		{"sign out, a made-up token", a, "/logout", url.Values{"csrf": {"x"}}},
		{"consent, no token", a, "/consent", url.Values{"choice": {"accept"}}},
		{"sign in, no token", browser(t), "/login", url.Values{"name": {"alice"}, "password": {password}}},
		{"sign in, a token without its cookie", browser(t), "/login", url.Values{"name": {"alice"}, "password": {password}, "csrf": {aTok}}},
		{"anonymous consent, no token", browser(t), "/consent", url.Values{"choice": {"accept"}}},
	} {
		res, body := postForm(t, tc.c, s.srv.URL+tc.path, tc.form)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "reload the page") || len(res.Cookies()) != 0 {
			t.Errorf("%s: %d, cookies %v\n%.300s", tc.what, res.StatusCode, res.Cookies(), between(body, "<main", "</main>"))
		}
	}
	if res, _ := get(t, a, s.srv.URL+"/account"); res.StatusCode != http.StatusOK {
		t.Errorf("alice is signed out after the refused forms: %d", res.StatusCode)
	}

	// The API: a cookie-signed-in write needs the header.
	apiPost := func(c *http.Client, hdr ...string) (int, string) {
		req, _ := http.NewRequest("POST", s.srv.URL+"/api/v1/activities", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res.StatusCode, string(body)
	}
	if code, body := apiPost(a); code != http.StatusForbidden || !strings.Contains(body, "X-CSRF-Token") {
		t.Errorf("API write with the session cookie and no token: %d %s", code, body)
	}
	if code, body := apiPost(a, "X-CSRF-Token", aTok); code == http.StatusForbidden || strings.Contains(body, "CSRF") {
		t.Errorf("API write with the session cookie and its token: %d %s", code, body)
	}
	if code, body := apiPost(&http.Client{}, "Authorization", "Bearer ent_test"); strings.Contains(body, "CSRF") {
		t.Errorf("API write with a bearer token was asked for a CSRF token: %d %s", code, body)
	}
}

// TestSignInRateLimit: after 5 failed attempts on one account the next
// is refused with 429, Retry-After and a message saying how long to
// wait, the right password included; a minute later one more attempt is
// allowed. One address trying many accounts is limited too.
func TestSignInRateLimit(t *testing.T) {
	s := newStack(t)
	clk := withClock(s.svc)
	addAccount(t, s.svc, "alice", password, entente.RoleStaff)
	c := browser(t)
	var wrong string
	for i := range 5 {
		res, body := signIn(t, c, s.srv.URL, "alice", "wrong password "+strconv.Itoa(i), "/")
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, res.StatusCode)
		}
		wrong = between(body, "<main", "</main>")
	}
	if !strings.Contains(wrong, "There is a problem") || !strings.Contains(wrong, "The user name or the password is not right") {
		t.Errorf("a wrong password's page has no error summary:\n%s", wrong)
	}
	_, unknown := signIn(t, browser(t), s.srv.URL, "nobody", "wrong password 0", "/")
	noToken := func(s string) string { return csrfInput.ReplaceAllString(s, "") }
	if noToken(strings.ReplaceAll(between(unknown, "<main", "</main>"), "nobody", "alice")) != noToken(wrong) {
		t.Errorf("an unknown user's page differs from a wrong password's:\n%s\n---\n%s", between(unknown, "<main", "</main>"), wrong)
	}
	res, body := signIn(t, c, s.srv.URL, "alice", password, "/")
	retry, _ := strconv.Atoi(res.Header.Get("Retry-After"))
	if res.StatusCode != http.StatusTooManyRequests || retry < 1 || retry > 60 || !strings.Contains(body, "Too many attempts") {
		t.Fatalf("6th attempt: %d, Retry-After %q\n%s", res.StatusCode, res.Header.Get("Retry-After"), between(body, "<main", "</main>"))
	}
	if cookieOf(res, "entente-session") != nil {
		t.Error("a refused attempt got a session")
	}
	clk.add(time.Minute)
	if res, _ := signIn(t, c, s.srv.URL, "alice", password, "/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a minute later, the right password: %d", res.StatusCode)
	}

	// One address, many accounts: 20 attempts, then 429.
	clk.add(time.Hour)
	var last *http.Response
	for i := range 21 {
		last, _ = signIn(t, c, s.srv.URL, "user"+strconv.Itoa(i), "wrong password", "/")
		if i < 20 && last.StatusCode != http.StatusUnauthorized {
			t.Fatalf("address attempt %d: %d", i+1, last.StatusCode)
		}
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("21st attempt from one address: %d, Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
	}
}

// TestSignInReturnPath: after signing in the browser goes back only to a
// path on this site; anything else goes to "/".
func TestSignInReturnPath(t *testing.T) {
	s := newStack(t)
	addAccount(t, s.svc, "alice", password, entente.RoleStaff)
	for _, tc := range []struct{ back, want string }{
		{"/partners/NZL?as_of=2020-01-01", "/partners/NZL?as_of=2020-01-01"},
		{"//evil.example/", "/"},
		{"/\\evil.example/", "/"},
		{"/%5Cevil.example/", "/"},
		{"/%2F/evil.example/", "/"},
		{"/%09/evil.example/", "/"},
		{"https://evil.example/", "/"},
		{"evil.example", "/"},
		{"", "/"},
	} {
		res, _ := signIn(t, browser(t), s.srv.URL, "alice", password, tc.back)
		if got := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || got != tc.want {
			t.Errorf("back=%q: %d to %q, want 303 to %q", tc.back, res.StatusCode, got, tc.want)
		}
	}
	// The sign-in page carries only a local back, too.
	_, body := get(t, nil, s.srv.URL+"/login?back="+url.QueryEscape("//evil.example/"))
	if !strings.Contains(body, `name="back" value="/"`) {
		t.Errorf("the sign-in page keeps back=//evil.example/")
	}
}

// TestRevokeSession: the account page lists each browser's session, and
// ending one from another browser signs that one out.
func TestRevokeSession(t *testing.T) {
	s := newStack(t)
	alice := addAccount(t, s.svc, "alice", password, entente.RoleStaff)
	bob := addAccount(t, s.svc, "bob", password, entente.RoleStaff)
	laptop, phone, other := browser(t), browser(t), browser(t)
	signIn(t, laptop, s.srv.URL, "alice", password, "/")
	req, _ := http.NewRequest("GET", s.srv.URL+"/login", nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1")
	phone.Transport = uaTransport{req.Header.Get("User-Agent")}
	signIn(t, phone, s.srv.URL, "alice", password, "/")
	signIn(t, other, s.srv.URL, "bob", password, "/")

	_, body := get(t, laptop, s.srv.URL+"/account")
	if !strings.Contains(body, "Safari on iOS") || strings.Count(body, `/revoke"`) != 2 {
		t.Fatalf("account page lists:\n%s", between(body, "<table", "</table>"))
	}
	list, _ := s.svc.Sessions(t.Context(), alice.ID)
	var phoneID int64
	for _, sess := range list {
		if strings.Contains(sess.UserAgent, "iPhone") {
			phoneID = sess.ID
		}
	}
	bobs, _ := s.svc.Sessions(t.Context(), bob.ID)
	tok := formTokenIn(t, body)
	// Alice cannot end Bob's session.
	if res, _ := postForm(t, laptop, s.srv.URL+"/account/sessions/"+strconv.FormatInt(bobs[0].ID, 10)+"/revoke", url.Values{"csrf": {tok}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("alice ends bob's session: %d, want 404", res.StatusCode)
	}
	if res, _ := get(t, other, s.srv.URL+"/account"); res.StatusCode != http.StatusOK {
		t.Errorf("bob signed out by alice: %d", res.StatusCode)
	}
	res, _ := postForm(t, laptop, s.srv.URL+"/account/sessions/"+strconv.FormatInt(phoneID, 10)+"/revoke", url.Values{"csrf": {tok}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account" {
		t.Fatalf("revoke: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := get(t, phone, s.srv.URL+"/account"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the phone is still signed in after its session was ended: %d", res.StatusCode)
	}
	if res, _ := get(t, laptop, s.srv.URL+"/account"); res.StatusCode != http.StatusOK {
		t.Errorf("the laptop was signed out too: %d", res.StatusCode)
	}
}

// uaTransport sends every request with one User-Agent.
type uaTransport struct{ ua string }

func (u uaTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("User-Agent", u.ua)
	return http.DefaultTransport.RoundTrip(r)
}

// TestSignedInPagesNotCached: a signed-in page is neither served from the
// page cache nor kept in it, so no visitor sees another's header.
func TestSignedInPagesNotCached(t *testing.T) {
	s := newStack(t)
	addAccount(t, s.svc, "alice", password, entente.RoleStaff)
	get(t, nil, s.srv.URL+"/operations") // cached for anonymous visitors
	c := browser(t)
	signIn(t, c, s.srv.URL, "alice", password, "/")
	res, body := get(t, c, s.srv.URL+"/operations")
	if !strings.Contains(between(body, "<header", "</header>"), "alice") || !strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
		t.Errorf("signed in, /operations came from the anonymous cache: %s", res.Header.Get("Cache-Control"))
	}
	get(t, c, s.srv.URL+"/meetings")
	if _, body := get(t, nil, s.srv.URL+"/meetings"); strings.Contains(body, "alice") {
		t.Errorf("an anonymous visitor got alice's cached page")
	}
}

// TestSetupLink: while no account exists the server makes a one-time
// link; its page creates an admin and signs them in; the link then
// answers 410, as does any link once an account exists, and an expired
// link; a wrong token is 404.
func TestSetupLink(t *testing.T) {
	svc := openService(t, filepath.Join(t.TempDir(), "entente.db"))
	clk := withClock(svc)
	h, err := web.New(svc, web.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := newTestServer(t, h)
	tok, err := h.SetupToken(t.Context())
	if err != nil || len(tok) < 43 {
		t.Fatalf("SetupToken = %q, %v", tok, err)
	}
	c := browser(t)
	if res, _ := get(t, c, srv+"/setup?token=wrong"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a wrong token: %d, want 404", res.StatusCode)
	}
	res, body := get(t, c, srv+"/setup?token="+tok)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Create the first administrator") {
		t.Fatalf("setup page: %d", res.StatusCode)
	}
	csrf := formTokenIn(t, body)
	res, body = postForm(t, c, srv+"/setup", url.Values{"csrf": {csrf}, "token": {tok}, "name": {"root"}, "password": {"too short"}, "password2": {"too short"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "There is a problem") || !strings.Contains(body, "at least 12 characters") {
		t.Errorf("a short password: %d\n%s", res.StatusCode, between(body, "<main", "</main>"))
	}
	res, _ = postForm(t, c, srv+"/setup", url.Values{"token": {tok}, "name": {"root"}, "password": {password}, "password2": {password}})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("setup without the CSRF token: %d, want 403", res.StatusCode)
	}
	res, _ = postForm(t, c, srv+"/setup", url.Values{"csrf": {csrf}, "token": {tok}, "name": {"root"}, "password": {password}, "password2": {password}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account" || cookieOf(res, "entente-session") == nil {
		t.Fatalf("setup: %d to %q, cookies %v", res.StatusCode, res.Header.Get("Location"), res.Cookies())
	}
	if _, body := get(t, c, srv+"/account"); !strings.Contains(body, "root") || !strings.Contains(body, "admin") {
		t.Errorf("after setup the account page shows:\n%s", between(body, "<main", "</main>"))
	}
	if res, _ := get(t, browser(t), srv+"/setup?token="+tok); res.StatusCode != http.StatusGone {
		t.Errorf("the used link: %d, want 410", res.StatusCode)
	}
	c2 := browser(t)
	_, body = get(t, c2, srv+"/login")
	res, _ = postForm(t, c2, srv+"/setup", url.Values{"csrf": {formTokenIn(t, body)}, "token": {tok}, "name": {"root2"}, "password": {password}, "password2": {password}})
	if res.StatusCode != http.StatusGone {
		t.Errorf("the used link, posted again: %d, want 410", res.StatusCode)
	}
	if again, err := h.SetupToken(t.Context()); again != "" || err != nil {
		t.Errorf("SetupToken with an account: %q, %v", again, err)
	}
	if accts, _ := svc.Store.FindAccounts(t.Context()); len(accts) != 1 || accts[0].Role != entente.RoleAdmin {
		t.Errorf("accounts after setup: %+v", accts)
	}

	// An expired link.
	svc2 := openService(t, filepath.Join(t.TempDir(), "entente.db"))
	clk2 := withClock(svc2)
	h2, _ := web.New(svc2, web.Config{})
	srv2 := newTestServer(t, h2)
	tok2, _ := h2.SetupToken(t.Context())
	clk2.add(web.SetupLinkTTL)
	if res, _ := get(t, nil, srv2+"/setup?token="+tok2); res.StatusCode != http.StatusGone {
		t.Errorf("an expired link: %d, want 410", res.StatusCode)
	}
	_ = clk
}

// newTestServer serves h on a random port and returns its base URL.
func newTestServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptestServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestSessionCookieTLS: under TLS the session cookie is Secure and
// __Host- prefixed (Path=/, no Domain), as is the sign-in form's.
func TestSessionCookieTLS(t *testing.T) {
	base, c, svc := serveTLSService(t, web.Config{})
	addAccount(t, svc, "alice", password, entente.RoleStaff)
	jar, _ := cookiejar.New(nil)
	c.Jar = jar
	res, _ := get(t, c, base+"/login")
	pre := cookieOf(res, "__Host-entente-csrf")
	if pre == nil || !pre.Secure || !pre.HttpOnly || pre.Path != "/" || pre.Domain != "" {
		t.Errorf("pre-session cookie under TLS: %+v (all: %v)", pre, res.Cookies())
	}
	res, _ = signIn(t, c, base, "alice", password, "/")
	ck := cookieOf(res, "__Host-entente-session")
	if ck == nil || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Domain != "" {
		t.Fatalf("session cookie under TLS: %+v (all: %v)", ck, res.Cookies())
	}
	if res, body := get(t, c, base+"/account"); res.StatusCode != http.StatusOK || !strings.Contains(body, "alice") {
		t.Errorf("account page under TLS: %d", res.StatusCode)
	}
	// The same secret in a cookie without the prefix is not read.
	if res, _ := get(t, &http.Client{Transport: c.Transport, CheckRedirect: c.CheckRedirect}, base+"/account", "Cookie", "entente-session="+ck.Value); res.StatusCode != http.StatusSeeOther {
		t.Errorf("an unprefixed cookie is honoured under TLS: %d", res.StatusCode)
	}
}
