package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/entente/entente/internal/browsertest"
)

// fill sets the value of the input with id to v, as typing would.
func fill(t *testing.T, ctx context.Context, id, v string) {
	t.Helper()
	js := fmt.Sprintf(`(document.getElementById(%q).value = %q, true)`, id, v)
	if _, err := browsertest.Eval[bool](ctx, js); err != nil {
		t.Fatal(err)
	}
}

// checkPage runs axe-core and the layout check on the page the tab shows,
// at a phone's width and a laptop's, and fails on any problem.
func checkPage(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	for _, width := range []int64{390, 1280} {
		if err := browsertest.SetViewport(ctx, width, 800); err != nil {
			t.Fatal(err)
		}
		vs, err := browsertest.AxeCurrent(ctx)
		if err != nil {
			t.Fatalf("%s at %d px: %v", what, width, err)
		}
		if len(vs) > 0 {
			t.Errorf("%s at %d px: %s", what, width, browsertest.FormatViolations(vs))
		}
		ps, err := browsertest.Layout(ctx)
		if err != nil {
			t.Fatalf("%s at %d px: %v", what, width, err)
		}
		if len(ps) > 0 {
			t.Errorf("%s at %d px:%s", what, width, browsertest.FormatLayout(ps))
		}
	}
}

// TestBrowserAccounts: the first admin through the setup link, signing
// out (which ends the session on the server) and in again, in Chromium,
// with no JavaScript of ours; axe-core finds nothing on the setup,
// sign-in (with and without errors) and account pages at 390 and 1280 px.
func TestBrowserAccounts(t *testing.T) {
	b := browsertest.New(t)
	// Ten axe runs in one tab outlast the default 30 s on a busy machine.
	b.TabTimeout = 3 * time.Minute
	base, svc, srv := liveServer(t)
	tok, err := srv.SetupToken(t.Context())
	if err != nil || tok == "" {
		t.Fatalf("SetupToken = %q, %v", tok, err)
	}
	ctx := b.NewContext(t)
	const pw = "a long enough admin password"

	// The setup link: its form, then an error (too short), then the admin.
	if err := browsertest.Navigate(ctx, base+"/setup?token="+url.QueryEscape(tok)); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, "/setup")
	fill(t, ctx, "name", "root")
	fill(t, ctx, "password", "short")
	fill(t, ctx, "password2", "short")
	click(t, ctx, `main form button[type="submit"]`)
	waitPath(t, ctx, "/setup")
	if msg, _ := browsertest.Text(ctx, ".error-summary"); !strings.Contains(msg, "at least 12 characters") {
		t.Errorf("the setup form's error summary says %q", msg)
	}
	checkPage(t, ctx, "/setup with an error")
	fill(t, ctx, "password", pw)
	fill(t, ctx, "password2", pw)
	click(t, ctx, `main form button[type="submit"]`)
	waitPath(t, ctx, "/account")
	if h1, _ := browsertest.Text(ctx, "h1"); h1 != "Your account" {
		t.Errorf("after setup the page's h1 is %q", h1)
	}
	if who, _ := browsertest.Text(ctx, "header .account a"); who != "root" {
		t.Errorf("the header names %q, want root", who)
	}
	checkPage(t, ctx, "/account")

	// Signing out ends the session on the server.
	click(t, ctx, `header .account button`)
	waitPath(t, ctx, "/")
	if link, _ := browsertest.Text(ctx, "header .account a"); link != "Sign in" {
		t.Errorf("after signing out the header shows %q", link)
	}
	if list, err := svc.Store.FindSessions(t.Context(), 1); err != nil || len(list) != 0 {
		t.Errorf("sessions on the server after signing out: %+v, %v", list, err)
	}
	cs, _ := browsertest.Cookies(ctx)
	for _, c := range cs {
		if c.Name == "entente-session" {
			t.Errorf("the session cookie is still in the browser: %+v", c)
		}
	}

	// Sign in from the header's link, with a wrong password first; the
	// browser comes back to the page it left.
	if err := browsertest.Navigate(ctx, base+"/members"); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, `header .account a`)
	waitPath(t, ctx, "/login?back=%2fmembers")
	checkPage(t, ctx, "/login")
	fill(t, ctx, "name", "root")
	fill(t, ctx, "password", "not the password")
	click(t, ctx, `main form button[type="submit"]`)
	waitPath(t, ctx, "/login")
	if msg, _ := browsertest.Text(ctx, ".error-summary"); !strings.Contains(msg, "not right") {
		t.Errorf("a wrong password's error summary says %q", msg)
	}
	checkPage(t, ctx, "/login with an error")
	fill(t, ctx, "password", pw)
	click(t, ctx, `main form button[type="submit"]`)
	waitPath(t, ctx, "/members")
	if who, _ := browsertest.Text(ctx, "header .account a"); who != "root" {
		t.Errorf("after signing in the header names %q", who)
	}
	if list, _ := svc.Store.FindSessions(t.Context(), 1); len(list) != 1 {
		t.Errorf("sessions after signing in again: %d, want 1", len(list))
	}
	// The used setup link is gone.
	if err := browsertest.Navigate(ctx, base+"/setup?token="+url.QueryEscape(tok)); err != nil {
		t.Fatal(err)
	}
	if h1, _ := browsertest.Text(ctx, "h1"); !strings.Contains(h1, "410") {
		t.Errorf("the used setup link shows %q, want 410", h1)
	}
}
