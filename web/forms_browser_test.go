package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/browsertest"
	"github.com/entente/entente/service"
)

// submit clicks the submit button of the form posting to action.
func submit(t *testing.T, ctx context.Context, action string) {
	t.Helper()
	click(t, ctx, fmt.Sprintf(`form[action=%q] button[type="submit"]`, action))
}

// wantText fails t unless the element sel's text holds want.
func wantText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	got, err := browsertest.Text(ctx, sel)
	if err != nil || !strings.Contains(got, want) {
		t.Errorf("%s says %q (%v), want %q in it", sel, got, err, want)
	}
}

// waitText waits until the element sel's text holds want (after a click
// that loads a page at the address the tab shows already).
func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		got, err := browsertest.Eval[string](ctx, fmt.Sprintf(`document.readyState === "complete" && document.querySelector(%q) ? document.querySelector(%q).textContent : ""`, sel, sel))
		if err == nil && strings.Contains(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s says %q (%v), want %q in it", sel, got, err, want)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// TestBrowserActivityForms is the activity's journey in Chromium, through
// the pages' own forms (plain POSTs: the pages have no script): NZL's
// liaison finds a menu offer by a search of the menu and proposes an
// activity from it (an error first) and edits it; staff approve it and
// send the invitations (none chosen first); the liaison opens registration
// and registers participants up to capacity, the next registration
// refused beside its field; the liaison holds and reports it, each through
// its check-your-answers page; staff cancel another, with a reason.
// axe-core and the layout check find nothing on each form empty, with an
// error and confirmed, at 390 and 1280 px.
func TestBrowserActivityForms(t *testing.T) {
	b := browsertest.New(t)
	b.TabTimeout = 6 * time.Minute
	base, svc, _ := liveServer(t)
	addOffer(t, svc, "CYB-101", "Cyber defence course", 3)
	for _, u := range []service.UserRequest{{Name: "kiri", Role: entente.RoleLiaison, Partner: "NZL"}, {Name: "sam", Role: entente.RoleStaff}} {
		u.Password = password
		if _, err := svc.AddUser(operator(t), u); err != nil {
			t.Fatal(err)
		}
	}
	const prog = "NZL-ITPP-2024"
	propose := "/programmes/" + prog + "/propose"

	// The liaison: from the programme's page to the menu search, an offer,
	// an error, the proposal.
	kiri := b.NewContext(t)
	signInTab(t, kiri, base, "kiri", password)
	navigate(t, kiri, base+"/programmes/"+prog)
	click(t, kiri, `a[href="`+propose+`"]`)
	waitPath(t, kiri, propose)
	checkPage(t, kiri, "the propose form")
	fill(t, kiri, "q", "cyber course")
	submit(t, kiri, propose)
	waitPath(t, kiri, propose+"?q=cyber+course&area=")
	click(t, kiri, `a[href*="offer=CYB-101"]`)
	waitPath(t, kiri, propose+"?offer=CYB-101&q=cyber+course")
	wantText(t, kiri, "#offer", "From menu offer CYB-101")
	fill(t, kiri, "capacity", "lots")
	click(t, kiri, `form.stacked[method="post"] button[type="submit"]`)
	waitPath(t, kiri, propose)
	wantText(t, kiri, `.error-summary a[href="#capacity"]`, "The capacity must be a whole number")
	checkPage(t, kiri, "the propose form with an error")
	fill(t, kiri, "capacity", "")
	click(t, kiri, `form.stacked[method="post"] button[type="submit"]`)
	waitPath(t, kiri, "/activities/"+prog+"-A001?done=propose")
	id := prog + "-A001"
	act := "/activities/" + id
	wantText(t, kiri, ".panel", "Activity proposed")
	checkPage(t, kiri, "the proposal's confirmation")

	// Edit while proposed: an error, then the change.
	click(t, kiri, `main a[href="`+act+`/edit"]`)
	waitPath(t, kiri, act+"/edit")
	checkPage(t, kiri, "the edit form")
	fill(t, kiri, "title", "")
	submit(t, kiri, act+"/edit")
	waitText(t, kiri, `.error-summary a[href="#title"]`, "Enter the activity's title")
	checkPage(t, kiri, "the edit form with an error")
	fill(t, kiri, "title", "Cyber defence course, Wellington")
	fill(t, kiri, "location", "Wellington")
	submit(t, kiri, act+"/edit")
	waitPath(t, kiri, act+"?done=edit")
	wantText(t, kiri, ".panel", "Activity changed")
	checkPage(t, kiri, "the edit's confirmation")

	// Staff approve it and send the invitations.
	sam := b.NewContext(t)
	signInTab(t, sam, base, "sam", password)
	navigate(t, sam, base+act)
	checkPage(t, sam, "the activity's step forms (staff)")
	submit(t, sam, act+"/steps/approve")
	waitPath(t, sam, act+"?done=approve")
	wantText(t, sam, ".panel", "The activity is approved.")
	checkPage(t, sam, "the approval's confirmation")
	submit(t, sam, act+"/steps/invite")
	waitPath(t, sam, act+"/steps/invite")
	wantText(t, sam, `.error-summary a[href="#invite-countries"]`, "Choose at least one member or partner")
	checkPage(t, sam, "the invitations with an error")
	click(t, sam, "#invite-NZL")
	click(t, sam, "#invite-AUS")
	submit(t, sam, act+"/steps/invite")
	waitPath(t, sam, act+"?done=invite")
	checkPage(t, sam, "the invitations' confirmation")

	// The liaison opens registration and registers up to capacity.
	navigate(t, kiri, base+act)
	checkPage(t, kiri, "the activity's step forms (liaison)")
	submit(t, kiri, act+"/steps/open")
	waitPath(t, kiri, act+"?done=open")
	for _, r := range []struct{ country, n string }{{"NZL", "2"}, {"AUS", "1"}} {
		navigate(t, kiri, base+act)
		fill(t, kiri, "register-country", r.country)
		fill(t, kiri, "register-participants", r.n)
		submit(t, kiri, act+"/steps/register")
		waitPath(t, kiri, act+"?done=register")
	}
	checkPage(t, kiri, "the registration's confirmation")
	fill(t, kiri, "register-country", "NZL")
	fill(t, kiri, "register-participants", "1")
	submit(t, kiri, act+"/steps/register")
	waitPath(t, kiri, act+"/steps/register")
	wantText(t, kiri, "#register-participants-error", "registration stops at capacity: 3 of 3 places taken")
	wantText(t, kiri, `.error-summary a[href="#register-participants"]`, "capacity")
	checkPage(t, kiri, "a registration past capacity")

	// Hold and report, each through its check-your-answers page.
	navigate(t, kiri, base+act)
	submit(t, kiri, act+"/steps/hold")
	waitPath(t, kiri, act+"/steps/hold")
	wantText(t, kiri, "h1", "Check your answers")
	checkPage(t, kiri, "holding: check your answers")
	click(t, kiri, `main form input[name="confirm"] ~ button`)
	waitPath(t, kiri, act+"?done=hold")
	checkPage(t, kiri, "the hold's confirmation")
	submit(t, kiri, act+"/steps/report")
	waitPath(t, kiri, act+"/steps/report")
	wantText(t, kiri, `.error-summary a[href="#report-outcome"]`, "Enter the outcome")
	checkPage(t, kiri, "the report with an error")
	fill(t, kiri, "report-outcome", "Three officers trained in incident response")
	fill(t, kiri, "report-participants", "3")
	fill(t, kiri, "report-feedback", "Useful; run it again")
	submit(t, kiri, act+"/steps/report")
	waitText(t, kiri, "h1", "Check your answers")
	wantText(t, kiri, "dl.summary", "Three officers trained")
	click(t, kiri, `main form input[name="confirm"] ~ button`)
	waitPath(t, kiri, act+"?done=report")
	wantText(t, kiri, ".panel", "The activity is reported.")
	checkPage(t, kiri, "the report's confirmation")

	// Staff cancel a bespoke one: a reason asked for, the check page,
	// the confirmation.
	navigate(t, sam, base+propose)
	fill(t, sam, "title", "Cyber staff talks")
	click(t, sam, `form.stacked[method="post"] button[type="submit"]`)
	waitPath(t, sam, "/activities/"+prog+"-A002?done=propose")
	other := "/activities/" + prog + "-A002"
	submit(t, sam, other+"/steps/cancel")
	waitPath(t, sam, other+"/steps/cancel")
	wantText(t, sam, `.error-summary a[href="#cancel-reason"]`, "Enter why the activity is cancelled")
	checkPage(t, sam, "the cancellation with an error")
	fill(t, sam, "cancel-reason", "No venue this year")
	submit(t, sam, other+"/steps/cancel")
	waitText(t, sam, "h1", "Check your answers before you cancel the activity")
	checkPage(t, sam, "cancelling: check your answers")
	click(t, sam, `main form input[name="confirm"] ~ button`)
	waitPath(t, sam, other+"?done=cancel")
	wantText(t, sam, ".panel", "The activity is cancelled.")
	checkPage(t, sam, "the cancellation's confirmation")

	a, err := svc.Activity(operator(t), id)
	if err != nil || a.Status != entente.ActivityReported || a.Registered() != 3 || a.Participants != 3 || a.Location != "Wellington" {
		t.Errorf("the activity at the end: %+v, %v", a, err)
	}

	// The history page, linked from the activity's, shows each step as a
	// version with the account that took it.
	navigate(t, sam, base+act)
	click(t, sam, `a[href="/history/activity/`+id+`"]`)
	waitPath(t, sam, "/history/activity/"+id)
	text, err := browsertest.Text(sam, "main")
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct{ action, by string }{{"activity.propose", "kiri"}, {"activity.edit", "kiri"}, {"activity.approve", "sam"},
		{"activity.invite", "sam"}, {"activity.register", "kiri"}, {"activity.register", "kiri"}, {"activity.register", "kiri"},
		{"activity.hold", "kiri"}, {"activity.report", "kiri"}}
	for i, s := range steps {
		v, err := browsertest.Text(sam, fmt.Sprintf("#v%d", i+1))
		if err != nil || !strings.Contains(v, fmt.Sprintf("Version %d: %s", i+1, s.action)) || !strings.Contains(v, s.by+" (user:") {
			t.Errorf("history version %d: %q (%v), want %s by %s", i+1, v, err, s.action, s.by)
		}
	}
	if !strings.Contains(text, "Three officers trained in incident response") {
		t.Error("the history does not give the report's outcome as why")
	}
	checkPage(t, sam, "the activity's history")
	shots(t, func(dir string) {
		if err := browsertest.SetViewport(sam, 1280, 900); err != nil {
			t.Fatal(err)
		}
		if err := browsertest.ScreenshotView(sam, filepath.Join(dir, "history-activity.png")); err != nil {
			t.Fatal(err)
		}
		navigate(t, kiri, base+propose+"?q=cyber+course&area=")
		if err := browsertest.SetViewport(kiri, 1280, 900); err != nil {
			t.Fatal(err)
		}
		if err := browsertest.ScreenshotView(kiri, filepath.Join(dir, "form-propose.png")); err != nil {
			t.Fatal(err)
		}
	})
}

// shots runs take with the directory the README's screenshots are kept
// in when ENTENTE_UPDATE_SCREENSHOTS is set, else with a scratch one (they
// are still taken, so a page that cannot be drawn fails).
func shots(t *testing.T, take func(dir string)) {
	t.Helper()
	dir := t.TempDir()
	if os.Getenv("ENTENTE_UPDATE_SCREENSHOTS") != "" {
		dir = "../docs/screenshots"
	}
	take(dir)
}

// TestBrowserProgrammeForms: staff, in Chromium through the pages' forms,
// agree a successor to NZL's programme (an error first, then its
// check-your-answers page), record a review of it (an error first) and
// add a cooperation area (an error first); axe-core and the layout check
// find nothing on each form empty, with an error and confirmed.
func TestBrowserProgrammeForms(t *testing.T) {
	b := browsertest.New(t)
	b.TabTimeout = 6 * time.Minute
	base, svc, _ := liveServer(t)
	if _, err := svc.AddUser(operator(t), service.UserRequest{Name: "sam", Role: entente.RoleStaff, Password: password}); err != nil {
		t.Fatal(err)
	}
	sam := b.NewContext(t)
	signInTab(t, sam, base, "sam", password)

	// Agree: from the programme's page.
	navigate(t, sam, base+"/programmes/NZL-ITPP-2024")
	click(t, sam, `main a[href="/programmes/agree?partner=NZL"]`)
	waitPath(t, sam, "/programmes/agree?partner=NZL")
	checkPage(t, sam, "the agree form")
	fill(t, sam, "code", "NZL-ITPP-2028")
	fill(t, sam, "agreed", "28 March")
	submit(t, sam, "/programmes/agree")
	waitPath(t, sam, "/programmes/agree")
	wantText(t, sam, `.error-summary a[href="#agreed"]`, "must be a year (YYYY), a month (YYYY-MM) or a day")
	checkPage(t, sam, "the agree form with errors")
	fill(t, sam, "type", "ITPP")
	fill(t, sam, "title", "Individually Tailored Partnership Programme")
	fill(t, sam, "agreed", svc.Today().String())
	click(t, sam, "#areas")
	submit(t, sam, "/programmes/agree")
	waitText(t, sam, "h1", "Check your answers")
	wantText(t, sam, "dl.summary", "NZL-ITPP-2024")
	checkPage(t, sam, "agreeing: check your answers")
	click(t, sam, `main form input[name="confirm"] ~ button`)
	waitPath(t, sam, "/programmes/NZL-ITPP-2028?done=agree")
	wantText(t, sam, ".panel", "Programme agreed")
	checkPage(t, sam, "the agreement's confirmation")

	// A review of the new programme.
	submit(t, sam, "/programmes/NZL-ITPP-2028/reviews")
	waitPath(t, sam, "/programmes/NZL-ITPP-2028/reviews")
	wantText(t, sam, `.error-summary a[href="#review-note"]`, "Enter a note")
	checkPage(t, sam, "the review with an error")
	fill(t, sam, "review-note", "A good start")
	submit(t, sam, "/programmes/NZL-ITPP-2028/reviews")
	waitPath(t, sam, "/programmes/NZL-ITPP-2028?done=review")
	wantText(t, sam, ".panel", "Review recorded")
	checkPage(t, sam, "the review's confirmation")

	// An area.
	navigate(t, sam, base+"/programmes/agree")
	submit(t, sam, "/areas")
	waitPath(t, sam, "/areas")
	wantText(t, sam, `.error-summary a[href="#area-code"]`, "Enter the area's code")
	checkPage(t, sam, "the area form with errors")
	fill(t, sam, "area-code", "maritime-security")
	fill(t, sam, "area-name", "Maritime security")
	submit(t, sam, "/areas")
	waitPath(t, sam, "/programmes/agree?area=maritime-security&done=area")
	wantText(t, sam, ".panel", "Area added")
	checkPage(t, sam, "the area's confirmation")
}
