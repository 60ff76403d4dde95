package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/entente/entente"
)

var secretShown = regexp.MustCompile(`<code id="token-secret">(ent_[A-Za-z0-9_-]+)</code>`)

// TestTokensPage: a signed-in user creates a token on /account/tokens
// (errors first, with the values kept), sees its secret once, uses it,
// and revokes it; another user's token is neither listed nor revocable;
// the public's form is 401 and writes nothing; an admin lists everyone's.
func TestTokensPage(t *testing.T) {
	s := newStack(t)
	addAccount(t, s.svc, "alice", password, entente.RoleStaff)
	addAccount(t, s.svc, "bob", password, entente.RoleReader)
	addAccount(t, s.svc, "root", password, entente.RoleAdmin)
	alice, bob, root, public := browser(t), browser(t), browser(t), browser(t)
	for c, name := range map[*http.Client]string{alice: "alice", bob: "bob", root: "root"} {
		if res, _ := signIn(t, c, s.srv.URL, name, password, "/"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in %s: %d", name, res.StatusCode)
		}
	}
	base := s.srv.URL + "/account/tokens"

	_, body := get(t, alice, s.srv.URL+"/account")
	if !strings.Contains(body, `href="/account/tokens"`) {
		t.Error("the account page does not link to the tokens page")
	}
	res, body := get(t, alice, base)
	if res.StatusCode != 200 || !strings.Contains(body, "You have no tokens") || strings.Contains(body, `id="scope-admin"`) ||
		!strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
		t.Fatalf("alice's tokens page: %d %q, admin scope offered: %v", res.StatusCode, res.Header.Get("Cache-Control"), strings.Contains(body, `id="scope-admin"`))
	}
	tok := formTokenIn(t, body)

	// Errors: no scope, a bad partner code; the values are kept.
	res, body = postForm(t, alice, base, url.Values{"csrf": {tok}, "partner": {"nz"}, "expires": {"30"}})
	if res.StatusCode != 400 || !strings.Contains(body, `<a href="#scope-read">Choose at least one scope</a>`) ||
		!strings.Contains(body, `<a href="#partner">Enter a partner`) || !strings.Contains(body, `value="NZ"`) ||
		!regexp.MustCompile(`id="expires-30"[^>]* checked`).MatchString(body) || !strings.HasPrefix(pageTitle(body), "Error: ") {
		t.Errorf("a form without scope: %d\n%s", res.StatusCode, between(body, "<main", "</form>"))
	}
	for _, f := range []url.Values{
		{"csrf": {tok}, "scope": {"admin"}, "expires": {"90"}},                     // staff may not
		{"csrf": {tok}, "scope": {"write"}, "expires": {"7"}},                      // not offered
		{"csrf": {tok}, "scope": {"write"}, "expires": {"90"}, "partner": {"FRA"}}, // a member, no partner
	} {
		if res, body := postForm(t, alice, base, f); res.StatusCode != 400 || !strings.Contains(body, "error-summary") {
			t.Errorf("form %v: %d, want 400 with the error summary", f, res.StatusCode)
		}
	}
	if ts, _ := s.svc.Store.FindTokens(t.Context(), 0); len(ts) != 1 { // the stack's staff token
		t.Fatalf("refused forms made tokens: %+v", ts)
	}

	// Created: the secret, once; it works, bound to NZL.
	res, body = postForm(t, alice, base, url.Values{"csrf": {tok}, "scope": {"read", "write"}, "partner": {"nzl"}, "expires": {"30"}})
	m := secretShown.FindStringSubmatch(body)
	if res.StatusCode != http.StatusCreated || m == nil || !strings.Contains(body, "Copy your new token now") {
		t.Fatalf("create: %d\n%s", res.StatusCode, between(body, "<main", "</table>"))
	}
	sec := m[1]
	row := between(body, `<tr id="token-`, "</tr>")
	if !strings.Contains(row, "read, write") || !strings.Contains(row, "NZL") || !strings.Contains(row, "active") {
		t.Errorf("the new token's row: %s", row)
	}
	if _, again := get(t, alice, base); strings.Contains(again, sec) || strings.Contains(again, sec[4:20]) {
		t.Error("the secret is shown again")
	}
	if res, _ := get(t, nil, s.srv.URL+"/api/v1/alliances", "Authorization", "Bearer "+sec); res.StatusCode != 200 {
		t.Errorf("the new token reads: %d", res.StatusCode)
	}
	if res, _ := send(t, s, "POST", "/api/v1/activities", sec, `{"programme":"AUS-ITPP-2023","title":"Talks","date":"2025-03-01"}`); res.StatusCode != 403 {
		t.Errorf("the NZL-bound token proposes for AUS: %d, want 403", res.StatusCode)
	}
	ts, _ := s.svc.Tokens(operator(t), "alice")
	if len(ts) != 1 || ts[0].Partner != "NZL" || ts[0].Expires.IsZero() {
		t.Fatalf("alice's tokens: %+v", ts)
	}
	id := strconv.FormatInt(ts[0].ID, 10)

	// Bob sees none of alice's, and cannot revoke hers: 404 as for none.
	_, bobs := get(t, bob, base)
	if strings.Contains(bobs, `id="token-`+id+`"`) {
		t.Error("bob's page lists alice's token")
	}
	res, _ = postForm(t, bob, base+"/"+id+"/revoke", url.Values{"csrf": {formTokenIn(t, bobs)}})
	res2, _ := postForm(t, bob, base+"/99999/revoke", url.Values{"csrf": {formTokenIn(t, bobs)}})
	if res.StatusCode != 404 || res2.StatusCode != 404 {
		t.Errorf("bob revokes alice's token: %d, a missing one: %d; want 404 for both", res.StatusCode, res2.StatusCode)
	}
	if res, _ := get(t, bob, base+"?all=1"); res.StatusCode != 403 {
		t.Errorf("bob lists every token: %d, want 403", res.StatusCode)
	}

	// The public: 401 (after a valid pre-session CSRF token), nothing written.
	ptok := formToken(t, public, s.srv.URL+"/login")
	n := auditLen(t, s)
	for _, path := range []string{base, base + "/" + id + "/revoke"} {
		if res, _ := postForm(t, public, s.srv.URL+strings.TrimPrefix(path, s.srv.URL), url.Values{"csrf": {ptok}, "scope": {"read"}, "expires": {"90"}}); res.StatusCode != 401 {
			t.Errorf("the public posts %s: %d, want 401", path, res.StatusCode)
		}
	}
	if auditLen(t, s) != n {
		t.Error("the public's forms wrote")
	}

	// The admin sees every account's tokens and the admin scope.
	_, all := get(t, root, base+"?all=1")
	if !strings.Contains(all, `id="token-`+id+`"`) || !strings.Contains(all, "<td>alice</td>") {
		t.Error("the admin's list of every token misses alice's")
	}
	if _, own := get(t, root, base); !strings.Contains(own, `id="scope-admin"`) || strings.Contains(own, `id="token-`+id+`"`) {
		t.Error("the admin's own page: want the admin scope offered and only the admin's tokens")
	}

	// Revoked: it stops working.
	res, _ = postForm(t, alice, base+"/"+id+"/revoke", url.Values{"csrf": {tok}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account/tokens" {
		t.Fatalf("revoke: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := get(t, nil, s.srv.URL+"/api/v1/alliances", "Authorization", "Bearer "+sec); res.StatusCode != 401 {
		t.Errorf("the revoked token reads: %d, want 401", res.StatusCode)
	}
	if _, body := get(t, alice, base); !strings.Contains(between(body, `<tr id="token-`+id, "</tr>"), "revoked") {
		t.Error("the list does not show the token revoked")
	}
}

// auditLen is how many events the audit holds.
func auditLen(t *testing.T, s *stack) int {
	t.Helper()
	evs, err := s.svc.Store.FindAuditEvents(t.Context(), entente.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(evs)
}

// pageTitle is the text of body's <title>.
func pageTitle(body string) string { return between(body, "<title>", "</title>") }

// TestUsersPage: an admin adds a liaison on /admin/users (an error
// first, with the values kept) and disables them, which signs them out;
// staff get 403 and the public 401, and nothing is written.
func TestUsersPage(t *testing.T) {
	s := newStack(t)
	addAccount(t, s.svc, "root", password, entente.RoleAdmin)
	addAccount(t, s.svc, "alice", password, entente.RoleStaff)
	root, alice, kiri, public := browser(t), browser(t), browser(t), browser(t)
	signIn(t, root, s.srv.URL, "root", password, "/")
	signIn(t, alice, s.srv.URL, "alice", password, "/")
	base := s.srv.URL + "/admin/users"

	res, body := get(t, root, base)
	if res.StatusCode != 200 || !strings.Contains(body, `id="user-alice"`) {
		t.Fatalf("the users page: %d", res.StatusCode)
	}
	if _, acct := get(t, root, s.srv.URL+"/account"); !strings.Contains(acct, `href="/admin/users"`) {
		t.Error("the admin's account page does not link to the users page")
	}
	tok := formTokenIn(t, body)

	// Staff and the public may not; nothing is written.
	n := auditLen(t, s)
	_, aliceAcct := get(t, alice, s.srv.URL+"/account")
	atok := formTokenIn(t, aliceAcct)
	if res, _ := get(t, alice, base); res.StatusCode != 403 {
		t.Errorf("staff GET /admin/users: %d, want 403", res.StatusCode)
	}
	if strings.Contains(aliceAcct, `href="/admin/users"`) {
		t.Error("staff's account page links to the users page")
	}
	form := url.Values{"name": {"kiri"}, "role": {"liaison"}, "partner": {"NZL"}, "password": {password}}
	for _, c := range []struct {
		who    string
		client *http.Client
		csrf   string
		want   int
	}{{"staff", alice, atok, 403}, {"the public", public, formToken(t, public, s.srv.URL+"/login"), 401}} {
		f := url.Values{"csrf": {c.csrf}}
		for k, v := range form {
			f[k] = v
		}
		for _, path := range []string{base, base + "/alice/disable"} {
			if res, _ := postForm(t, c.client, s.srv.URL+strings.TrimPrefix(path, s.srv.URL), f); res.StatusCode != c.want {
				t.Errorf("%s posts %s: %d, want %d", c.who, path, res.StatusCode, c.want)
			}
		}
	}
	if auditLen(t, s) != n {
		t.Fatal("a refused form wrote")
	}

	// A liaison without a partner: the error, the values kept.
	res, body = postForm(t, root, base, url.Values{"csrf": {tok}, "name": {"kiri"}, "role": {"liaison"}, "password": {password}})
	if res.StatusCode != 400 || !strings.Contains(body, `<a href="#partner">`) || !strings.Contains(body, `value="kiri"`) ||
		!regexp.MustCompile(`id="role-liaison"[^>]* checked`).MatchString(body) {
		t.Errorf("a liaison without partner: %d\n%s", res.StatusCode, between(body, "<main", "</form>"))
	}
	f := url.Values{"csrf": {tok}}
	for k, v := range form {
		f[k] = v
	}
	res, _ = postForm(t, root, base, f)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/users?added=kiri" {
		t.Fatalf("add kiri: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := postForm(t, root, base, f); res.StatusCode != 400 {
		t.Errorf("add kiri again: %d, want 400", res.StatusCode)
	}
	a, err := s.svc.Store.FindAccount(t.Context(), "kiri")
	if err != nil || a.Role != entente.RoleLiaison || a.Partner != "NZL" {
		t.Fatalf("kiri: %+v, %v", a, err)
	}
	if res, _ := signIn(t, kiri, s.srv.URL, "kiri", password, "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("kiri signs in: %d", res.StatusCode)
	}
	if res, _ := postForm(t, root, base+"/kiri/disable", url.Values{"csrf": {tok}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable kiri: %d", res.StatusCode)
	}
	if res, _ := get(t, kiri, s.srv.URL+"/account"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("kiri disabled is still signed in: %d", res.StatusCode)
	}
	if res, _ := postForm(t, root, base+"/root/disable", url.Values{"csrf": {tok}}); res.StatusCode != 422 {
		t.Errorf("the admin disables themselves: %d, want 422", res.StatusCode)
	}
}
