package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/browsertest"
	"github.com/entente/entente/service"
)

// TestUserForms: an admin changes a user's role and sets a new password
// on the user's page, as `entente user role` and `entente user passwd` do,
// with errors beside the fields and nothing written on a refusal; a user
// changes their own password after giving the current one; staff may not
// change others.
func TestUserForms(t *testing.T) {
	s := newStack(t)
	addAccount(t, s.svc, "root", password, entente.RoleAdmin)
	addAccount(t, s.svc, "alice", password, entente.RoleStaff)
	addAccount(t, s.svc, "rua", password, entente.RoleReader)
	root, alice := browser(t), browser(t)
	signIn(t, root, s.srv.URL, "root", password, "/")
	signIn(t, alice, s.srv.URL, "alice", password, "/")
	page := s.srv.URL + "/admin/users/rua"

	res, body := get(t, root, page)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="role-reader" name="role" value="reader" aria-describedby="role-reader-hint" checked`) {
		t.Fatalf("rua's page: %d, or the current role is not chosen", res.StatusCode)
	}
	if _, list := get(t, root, s.srv.URL+"/admin/users"); !strings.Contains(list, `href="/admin/users/rua"`) {
		t.Error("the users page does not link to rua's page")
	}
	tok := formTokenIn(t, body)
	post := func(c *http.Client, path string, f url.Values) (*http.Response, string) {
		t.Helper()
		f.Set("csrf", tok)
		return postForm(t, c, s.srv.URL+path, f)
	}

	// Errors beside their fields; nothing written.
	n := auditLen(t, s)
	for _, c := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"role": {"liaison"}}, "partner"},
		{url.Values{"role": {"reader"}, "partner": {"NZL"}}, "partner"},
		{url.Values{"role": {"overlord"}}, "role-admin"},
		{url.Values{"role": {"liaison"}, "partner": {"ZZZ"}}, "partner"},
	} {
		res, body := post(root, "/admin/users/rua/role", c.form)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `href="#`+c.field+`"`) || !strings.Contains(body, `id="`+strings.SplitN(c.field, "-", 2)[0]+`-error"`) {
			t.Errorf("role %v: %d, want 400 with the error at %s", c.form, res.StatusCode, c.field)
		}
	}
	if res, body := post(root, "/admin/users/rua/password", url.Values{"new-password": {"short"}}); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="new-password-error"`) {
		t.Errorf("a short password: %d", res.StatusCode)
	}
	if auditLen(t, s) != n {
		t.Fatal("a refused form wrote to the audit log")
	}

	// The role and the password change.
	// A change answers 303 to the page, which says what changed.
	done := func(c *http.Client, res *http.Response, want string) {
		t.Helper()
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || loc == "" {
			t.Fatalf("%s: %d to %q, want 303", want, res.StatusCode, loc)
		}
		if _, body := get(t, c, s.srv.URL+loc); !strings.Contains(pageText(body), want) {
			t.Errorf("%s does not say %q", loc, want)
		}
	}
	res, _ = post(root, "/admin/users/rua/role", url.Values{"role": {"liaison"}, "partner": {"nzl"}})
	done(root, res, "The role of rua is now liaison for NZL")
	if a, err := s.svc.Store.FindAccount(t.Context(), "rua"); err != nil || a.Role != entente.RoleLiaison || a.Partner != "NZL" {
		t.Errorf("rua after the role change: %+v, %v", a, err)
	}
	const fresh = "a fresh password for rua"
	res, _ = post(root, "/admin/users/rua/password", url.Values{"new-password": {fresh}})
	done(root, res, "The password of rua is changed")
	if _, err := s.svc.Authenticate(t.Context(), "rua", fresh); err != nil {
		t.Errorf("rua with the new password: %v", err)
	}

	// Staff may not; an unknown user is 404.
	if res, _ := get(t, alice, page); res.StatusCode != http.StatusForbidden {
		t.Errorf("staff GET rua's page: %d, want 403", res.StatusCode)
	}
	_, acct := get(t, alice, s.srv.URL+"/account")
	atok := formTokenIn(t, acct)
	if res, _ := postForm(t, alice, s.srv.URL+"/admin/users/rua/password", url.Values{"csrf": {atok}, "new-password": {"staff's choice of password"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("staff setting rua's password: %d, want 403", res.StatusCode)
	}
	if res, _ := get(t, root, s.srv.URL+"/admin/users/nobody"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown user's page: %d, want 404", res.StatusCode)
	}

	// Alice changes her own: the current password first.
	if !strings.Contains(acct, `href="/account/password"`) {
		t.Error("the account page does not link to the password form")
	}
	own := func(current, next string) (*http.Response, string) {
		return postForm(t, alice, s.srv.URL+"/account/password", url.Values{"csrf": {atok}, "current-password": {current}, "new-password": {next}})
	}
	if res, body := own("not my password", "alice's next password"); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="current-password-error"`) {
		t.Errorf("a wrong current password: %d", res.StatusCode)
	}
	if res, body := own(password, "short"); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="new-password-error"`) {
		t.Errorf("a short new password: %d", res.StatusCode)
	}
	res, _ = own(password, "alice's next password")
	done(alice, res, "Your password is changed")
	if _, err := s.svc.Authenticate(t.Context(), "alice", "alice's next password"); err != nil {
		t.Errorf("alice with her new password: %v", err)
	}
}

// TestBrowserUserForms: the user's page and the password page in
// Chromium, empty, with an error and confirmed: axe finds nothing, and
// nothing reaches past the edge at 390 and 1280 px.
func TestBrowserUserForms(t *testing.T) {
	b := browsertest.New(t)
	base, svc, _ := liveServer(t)
	for _, u := range []service.UserRequest{{Name: "root", Role: entente.RoleAdmin}, {Name: "rua", Role: entente.RoleReader}} {
		u.Password = password
		if _, err := svc.AddUser(operator(t), u); err != nil {
			t.Fatal(err)
		}
	}
	root := b.NewContext(t)
	signInTab(t, root, base, "root", password)
	navigate(t, root, base+"/admin/users")
	click(t, root, `a[href="/admin/users/rua"]`)
	waitPath(t, root, "/admin/users/rua")
	checkPage(t, root, "a user's page")
	click(t, root, "#role-liaison")
	submit(t, root, "/admin/users/rua/role")
	waitPath(t, root, "/admin/users/rua/role")
	wantText(t, root, `.error-summary a[href="#partner"]`, "Enter the three-letter code")
	checkPage(t, root, "the role form with an error")
	fill(t, root, "partner", "NZL")
	submit(t, root, "/admin/users/rua/role")
	waitPath(t, root, "/admin/users/rua?done=role")
	wantText(t, root, ".panel", "is now liaison for NZL")
	checkPage(t, root, "the role's confirmation")

	navigate(t, root, base+"/account/password")
	checkPage(t, root, "the password form")
	fill(t, root, "current-password", "not it")
	fill(t, root, "new-password", "root's next password")
	submit(t, root, "/account/password")
	waitPath(t, root, "/account/password")
	wantText(t, root, `.error-summary a[href="#current-password"]`, "Your current password is not that")
	checkPage(t, root, "the password form with an error")
	fill(t, root, "current-password", password)
	fill(t, root, "new-password", "root's next password")
	submit(t, root, "/account/password")
	waitPath(t, root, "/account/password?done=1")
	wantText(t, root, ".panel", "Your password is changed")
	checkPage(t, root, "the password's confirmation")
}
