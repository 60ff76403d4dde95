package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/browsertest"
	"github.com/entente/entente/service"
)

// TestBrowserRoles, in Chromium with no JavaScript of ours: the first
// admin through the one-time setup link makes an API token on the tokens
// page (an error first) and a liaison for NZL on the users page (an error
// first); staff agree an AUS programme, released to AUS only; the liaison
// signs in, sees NZL's programmes and not that one (its page is a 404, as
// for none), may write within NZL's and not AUS's, and signs out, which
// ends the session on the server: the old cookie no longer works. axe-core
// finds nothing on the login, account, tokens and users pages, with and
// without errors, at 390 and 1280 px.
func TestBrowserRoles(t *testing.T) {
	b := browsertest.New(t)
	b.TabTimeout = 3 * time.Minute
	base, svc, srv := liveServer(t)
	setup, err := srv.SetupToken(t.Context())
	if err != nil || setup == "" {
		t.Fatalf("SetupToken = %q, %v", setup, err)
	}
	const adminPW, liaisonPW = "the first admin's long password", "kiri's own long password"

	// The first admin, through the setup link.
	admin := b.NewContext(t)
	navigate(t, admin, base+"/setup?token="+url.QueryEscape(setup))
	fill(t, admin, "name", "root")
	fill(t, admin, "password", adminPW)
	fill(t, admin, "password2", adminPW)
	click(t, admin, `main form button[type="submit"]`)
	waitPath(t, admin, "/account")
	checkPage(t, admin, "/account (admin)")

	// A token: no scope first, then write.
	click(t, admin, `main a[href="/account/tokens"]`)
	waitPath(t, admin, "/account/tokens")
	checkPage(t, admin, "/account/tokens")
	click(t, admin, `form[action="/account/tokens"] button[type="submit"]`)
	if msg, _ := browsertest.Text(admin, ".error-summary a[href='#scope-read']"); msg != "Choose at least one scope" {
		t.Errorf("the tokens form's error summary says %q", msg)
	}
	checkPage(t, admin, "/account/tokens with an error")
	click(t, admin, "#scope-write")
	click(t, admin, `form[action="/account/tokens"] button[type="submit"]`)
	sec, err := browsertest.Text(admin, "#token-secret")
	if err != nil || !strings.HasPrefix(sec, "ent_") {
		t.Fatalf("the new token's secret: %q, %v", sec, err)
	}
	if h, _ := browsertest.Text(admin, "#new-token h2"); h != "Copy your new token now" {
		t.Errorf("the secret's heading: %q", h)
	}
	checkPage(t, admin, "/account/tokens with a new token")
	if res, _ := get(t, nil, base+"/api/v1/alliances", "Authorization", "Bearer "+sec); res.StatusCode != 200 {
		t.Errorf("the token made on the page reads: %d", res.StatusCode)
	}

	// A liaison for NZL: without a partner first.
	navigate(t, admin, base+"/admin/users")
	checkPage(t, admin, "/admin/users")
	fill(t, admin, "name", "kiri")
	click(t, admin, "#role-liaison")
	fill(t, admin, "password", liaisonPW)
	click(t, admin, `form[action="/admin/users"] button[type="submit"]`)
	if msg, _ := browsertest.Text(admin, ".error-summary a[href='#partner']"); !strings.Contains(msg, "partner") {
		t.Errorf("the users form's error summary says %q", msg)
	}
	checkPage(t, admin, "/admin/users with an error")
	fill(t, admin, "partner", "NZL")
	fill(t, admin, "password", liaisonPW)
	click(t, admin, `form[action="/admin/users"] button[type="submit"]`)
	waitPath(t, admin, "/admin/users?added=kiri")
	if row, _ := browsertest.Text(admin, "#user-kiri"); !strings.Contains(row, "liaison") || !strings.Contains(row, "NZL") {
		t.Errorf("kiri's row: %q", row)
	}
	click(t, admin, `header .account button`)
	waitPath(t, admin, "/")

	// Staff agree a programme with Australia: something the liaison may
	// not touch.
	if _, err := svc.AddUser(operator(t), service.UserRequest{Name: "sam", Role: entente.RoleStaff, Password: "staff's long password"}); err != nil {
		t.Fatal(err)
	}
	sam, err := svc.ActAs(t.Context(), "sam")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AgreeProgramme(entente.WithPrincipal(t.Context(), sam), service.AgreeRequest{ID: "AUS-ITPP-2026", Alliance: "NATO",
		Partner: "AUS", Type: "ITPP", Title: "Australia's next programme", Agreed: entente.MustParseDate("2026-01-15")}); err != nil {
		t.Fatal(err)
	}
	// Released to Australia only: marked behind the services, which
	// refuse to narrow a programme that supersedes a published one.
	mark(t, svc, entente.ReleasableToCountries("AUS"), "AUS-ITPP-2026")

	// The liaison signs in.
	kiri := b.NewContext(t)
	navigate(t, kiri, base+"/login")
	checkPage(t, kiri, "/login")
	fill(t, kiri, "name", "kiri")
	fill(t, kiri, "password", liaisonPW)
	click(t, kiri, `main form button[type="submit"]`)
	waitPath(t, kiri, "/")
	navigate(t, kiri, base+"/account")
	if role, _ := browsertest.Text(kiri, "dl.facts"); !strings.Contains(role, "liaison for NZL") {
		t.Errorf("kiri's account page: %q", role)
	}
	checkPage(t, kiri, "/account (liaison)")
	navigate(t, kiri, base+"/account/tokens")
	checkPage(t, kiri, "/account/tokens (liaison)")
	navigate(t, kiri, base+"/programmes")
	list, _ := browsertest.Text(kiri, "main table")
	if !strings.Contains(list, "New Zealand") || strings.Contains(list, "Australia's next programme") {
		t.Errorf("the liaison's programmes list: want NZL's programme and not AUS's, released to AUS only:\n%s", list)
	}
	// AUS's hidden programme is a page that does not exist.
	for _, id := range []string{"AUS-ITPP-2026", "AUS-ITPP-2099"} {
		navigate(t, kiri, base+"/programmes/"+id)
		if h1, _ := browsertest.Text(kiri, "h1"); !strings.Contains(h1, "404") {
			t.Errorf("the liaison opens /programmes/%s: %q, want 404", id, h1)
		}
	}

	// What the liaison may write, through the API with its session and
	// the session's CSRF token: within NZL's programme, not AUS's (403),
	// and AUS's hidden one is not found (404), as one that does not exist.
	navigate(t, kiri, base+"/account")
	for _, c := range []struct {
		programme string
		want      int
	}{{"NZL-ITPP-2024", 201}, {"AUS-ITPP-2026", 404}, {"AUS-ITPP-2023", 403}} {
		js := fmt.Sprintf(`fetch("/api/v1/activities", {method: "POST", headers: {"Content-Type": "application/json",
			"X-CSRF-Token": document.querySelector("input[name=csrf]").value},
			body: JSON.stringify({programme: %q, title: "Liaison talks", date: "2026-03-01"})}).then(r => r.status)`, c.programme)
		if status, err := browsertest.Eval[int](kiri, js); err != nil || status != c.want {
			t.Errorf("the liaison proposes an activity in %s: %d (%v), want %d", c.programme, status, err, c.want)
		}
	}
	acts, err := svc.Store.FindActivities(t.Context(), entente.ActivityFilter{Programme: "AUS-ITPP-2026"})
	if err != nil || len(acts) != 0 {
		t.Errorf("AUS-ITPP-2026's activities after the liaison's refused write: %+v, %v", acts, err)
	}

	// Signing out ends the session on the server: the old cookie is dead.
	old := sessionCookieOf(t, kiri)
	click(t, kiri, `header .account button`)
	waitPath(t, kiri, "/")
	req, _ := http.NewRequest("GET", base+"/account", nil)
	req.AddCookie(&http.Cookie{Name: "entente-session", Value: old})
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("/account with the signed-out cookie: %d %s, want 303 to /login", res.StatusCode, res.Header.Get("Location"))
	}
}

// navigate loads u in the tab.
func navigate(t *testing.T, ctx context.Context, u string) {
	t.Helper()
	if err := browsertest.Navigate(ctx, u); err != nil {
		t.Fatal(err)
	}
}

// sessionCookieOf returns the value of the tab's session cookie.
func sessionCookieOf(t *testing.T, ctx context.Context) string {
	t.Helper()
	cs, err := browsertest.Cookies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name == "entente-session" && c.Value != "" {
			return c.Value
		}
	}
	t.Fatal("the browser has no session cookie")
	return ""
}
