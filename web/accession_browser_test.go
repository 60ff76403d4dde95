package web_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/browsertest"
	"github.com/entente/entente/service"
)

// waitFor waits until the tab's page, loaded, has an element matching sel
// (after a click that sends a form and brings a page with it).
func waitFor(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	js := `document.readyState === "complete" && document.querySelector(` + strconv.Quote(sel) + `) !== null`
	for {
		ok, err := browsertest.Eval[bool](ctx, js)
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s on the tab's page (%v)", sel, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// signInTab signs the tab in as name from the sign-in page.
func signInTab(t *testing.T, ctx context.Context, base, name, pw string) {
	t.Helper()
	navigate(t, ctx, base+"/login")
	fill(t, ctx, "name", name)
	fill(t, ctx, "password", pw)
	click(t, ctx, `main form button[type="submit"]`)
	waitFor(t, ctx, "header .account form")
}

// TestBrowserAccession: staff take Serbia's application and a member's
// consent through the forms in Chromium, with no JavaScript of ours; axe
// finds nothing on each form empty, with errors, on its "check your
// answers" page and on the confirmation, at 390 and 1280 px.
func TestBrowserAccession(t *testing.T) {
	b := browsertest.New(t)
	b.TabTimeout = 5 * time.Minute
	base, svc, _ := liveServer(t)
	const pw = "the desk officer's long password"
	if _, err := svc.AddUser(operator(t), service.UserRequest{Name: "desk", Role: entente.RoleStaff, Password: pw}); err != nil {
		t.Fatal(err)
	}
	ctx := b.NewContext(t)
	signInTab(t, ctx, base, "desk", pw)

	navigate(t, ctx, base+"/countries/SRB/accession")
	checkPage(t, ctx, "the accession page (staff)")
	click(t, ctx, `main a[href="/countries/SRB/accession/apply"]`)
	waitFor(t, ctx, "#date")
	checkPage(t, ctx, "the apply form")
	fill(t, ctx, "date", "2026-13")
	click(t, ctx, `main form.stacked button[type="submit"]`)
	waitFor(t, ctx, `.error-summary a[href="#date"]`)
	checkPage(t, ctx, "the apply form with an error")
	fill(t, ctx, "date", "2026-03-02")
	click(t, ctx, `main form.stacked button[type="submit"]`)
	waitFor(t, ctx, `input[name="confirm"]`)
	checkPage(t, ctx, "apply: check your answers")
	click(t, ctx, `main form:has(input[name="confirm"]) button[type="submit"]`)
	waitFor(t, ctx, `.panel[role="status"]`)
	waitPath(t, ctx, "/countries/SRB/accession?done=apply")
	checkPage(t, ctx, "apply: the confirmation")

	navigate(t, ctx, base+"/countries/SRB/accession/consent")
	checkPage(t, ctx, "the consent form")
	click(t, ctx, `main form.stacked button[type="submit"]`)
	waitFor(t, ctx, `.error-summary a[href="#by"]`)
	checkPage(t, ctx, "the consent form with an error")
	if _, err := browsertest.Eval[bool](ctx, `(document.getElementById("by").value = "BEL", true)`); err != nil {
		t.Fatal(err)
	}
	fill(t, ctx, "date", "2026-03-01") // before the application: the rule refuses
	click(t, ctx, `main form.stacked button[type="submit"]`)
	waitFor(t, ctx, `#reasons`)
	checkPage(t, ctx, "the consent form refused by the rule")
	fill(t, ctx, "date", "2026-03-03")
	click(t, ctx, `main form.stacked button[type="submit"]`)
	waitFor(t, ctx, `input[name="confirm"]`)
	checkPage(t, ctx, "consent: check your answers")
	click(t, ctx, `main form:has(input[name="confirm"]) button[type="submit"]`)
	waitFor(t, ctx, `.panel[role="status"]`)
	checkPage(t, ctx, "consent: the confirmation")
}
