package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/browsertest"
	"github.com/entente/entente/service"
)

// scripts turns the tab's JavaScript on or off.
func scripts(t *testing.T, ctx context.Context, on bool) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		t.Fatal(err)
	}
}

// checkPageNoJS runs checkPage (axe-core and the layout check inject their
// script) on a tab browsing with JavaScript off, and turns it off again.
func checkPageNoJS(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	scripts(t, ctx, true)
	checkPage(t, ctx, what)
	scripts(t, ctx, false)
}

// TestBrowserFactForms: staff add a contribution and a source in Chromium
// with JavaScript turned off, from the pages where they appear: an error
// first, then the check-your-answers page, then the confirmation. axe-core
// and the layout check find nothing on each form empty, with errors and
// confirmed, at 390 and 1280 px; a second corrector of one version gets
// the conflict page, which passes them too.
func TestBrowserFactForms(t *testing.T) {
	b := browsertest.New(t)
	b.TabTimeout = 3 * time.Minute
	base, svc, _ := liveServer(t)
	for _, name := range []string{"ann", "bob"} {
		if _, err := svc.AddUser(operator(t), service.UserRequest{Name: name, Role: entente.RoleStaff, Password: password}); err != nil {
			t.Fatal(err)
		}
	}
	// signedIn opens a tab signed in as name, browsing with JavaScript off.
	signedIn := func(name string) context.Context {
		ctx := b.NewContext(t)
		signInTab(t, ctx, base, name, password)
		scripts(t, ctx, false)
		return ctx
	}
	ctx := signedIn("ann")

	// A contribution, from the operations page.
	navigate(t, ctx, base+"/operations")
	click(t, ctx, `main a[href="/facts/contributions/new"]`)
	waitPath(t, ctx, "/facts/contributions/new")
	checkPageNoJS(t, ctx, "the new contribution form")
	fill(t, ctx, "id", "NZL-KFOR-BROWSER")
	fill(t, ctx, "country", "NZL")
	fill(t, ctx, "operation", "KFOR")
	fill(t, ctx, "from", "June 2000")
	fill(t, ctx, "what", "two staff officers")
	fill(t, ctx, "sources", "mfat-nato")
	submit(t, ctx, "/facts/contributions")
	waitPath(t, ctx, "/facts/contributions")
	wantText(t, ctx, ".error-summary a[href='#theatre']", "Enter the theatre")
	wantText(t, ctx, "#from-error", "From must be a year (YYYY)")
	if v, _ := browsertest.Eval[string](ctx, `document.getElementById("what").value`); v != "two staff officers" {
		t.Errorf("the entered value was not kept: %q", v)
	}
	checkPageNoJS(t, ctx, "the contribution form with errors")
	fill(t, ctx, "theatre", "Kosovo")
	fill(t, ctx, "from", "2000")
	submit(t, ctx, "/facts/contributions")
	waitText(t, ctx, "h1", "Check your answers")
	checkPageNoJS(t, ctx, "the contribution's check-your-answers page")
	click(t, ctx, `main .buttons form:first-child button[type="submit"]`)
	waitPath(t, ctx, "/facts/contributions/NZL-KFOR-BROWSER?saved=added")
	wantText(t, ctx, "h1", "The contribution is added")
	checkPageNoJS(t, ctx, "the contribution's confirmation")
	if _, err := svc.Fact(operator(t), entente.FactContribution, "NZL-KFOR-BROWSER"); err != nil {
		t.Fatalf("the contribution after the form: %v", err)
	}

	// Two editors correct it from one version: the second gets the
	// conflict page, theirs beside the first's, nothing overwritten.
	bob := signedIn("bob")
	const correct = "/facts/contributions/NZL-KFOR-BROWSER"
	navigate(t, ctx, base+correct)
	navigate(t, bob, base+correct)
	checkPageNoJS(t, ctx, "the contribution's correction form")
	for _, e := range []struct {
		tab       context.Context
		what, why string
	}{{ctx, "three staff officers", "the ministry's figure"}, {bob, "four staff officers", "another figure"}} {
		fill(t, e.tab, "what", e.what)
		fill(t, e.tab, "reason", e.why)
		fill(t, e.tab, "source", "nzdf-afghanistan")
	}
	submit(t, ctx, "/facts/contributions")
	waitText(t, ctx, "h1", "Check your answers")
	click(t, ctx, `main .buttons form:first-child button[type="submit"]`)
	waitPath(t, ctx, correct+"?saved=corrected")
	// Checking the answers finds the version stale already.
	submit(t, bob, "/facts/contributions")
	waitText(t, bob, "h1", "Contribution NZL-KFOR-BROWSER was changed by someone else")
	wantText(t, bob, "main table", "three staff officers")
	wantText(t, bob, "main table", "four staff officers")
	checkPageNoJS(t, bob, "the contribution's conflict page")
	if x, err := svc.Fact(operator(t), entente.FactContribution, "NZL-KFOR-BROWSER"); err != nil || x.(*entente.Contribution).What != "three staff officers" {
		t.Errorf("the contribution after the conflict: %+v, %v; want the first correction, not overwritten", x, err)
	}

	// A source, from the sources page.
	navigate(t, ctx, base+"/sources")
	click(t, ctx, `main a[href="/facts/sources/new"]`)
	waitPath(t, ctx, "/facts/sources/new")
	checkPageNoJS(t, ctx, "the new source form")
	submit(t, ctx, "/facts/sources")
	waitPath(t, ctx, "/facts/sources")
	wantText(t, ctx, ".error-summary a[href='#id']", "Enter the id")
	wantText(t, ctx, ".error-summary a[href='#kind']", "")
	checkPageNoJS(t, ctx, "the source form with errors")
	fill(t, ctx, "id", "browser-source")
	fill(t, ctx, "kind", "official-site")
	fill(t, ctx, "title", "A source added in the browser")
	fill(t, ctx, "url", "https://www.example.org/browser")
	submit(t, ctx, "/facts/sources")
	waitText(t, ctx, "h1", "Check your answers")
	click(t, ctx, `main .buttons form:first-child button[type="submit"]`)
	waitPath(t, ctx, "/facts/sources/browser-source?saved=added")
	wantText(t, ctx, "h1", "The source is added")
	checkPageNoJS(t, ctx, "the source's confirmation")
}
