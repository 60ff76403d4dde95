package web_test

import (
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/browsertest"
	"github.com/entente/entente/service"
)

// TestBrowserActivityConflict, in Chromium with no JavaScript of ours: two
// staff open the same proposed activity. Ann edits it first; Bob's edit,
// from the page he opened before, is the conflict page (her values beside
// his, her change listed, nothing of his saved); then Ann approves it and
// Bob's cancellation, from his stale page, is the step's conflict page.
// axe-core and the layout check find nothing on either at 390 and 1280 px.
func TestBrowserActivityConflict(t *testing.T) {
	b := browsertest.New(t)
	b.TabTimeout = 4 * time.Minute
	base, svc, _ := liveServer(t)
	for _, name := range []string{"ann", "bob"} {
		if _, err := svc.AddUser(operator(t), service.UserRequest{Name: name, Role: entente.RoleStaff, Password: password}); err != nil {
			t.Fatal(err)
		}
	}
	a, err := svc.ProposeActivity(operator(t), service.ProposeRequest{Programme: "NZL-ITPP-2024", Title: "Maritime staff talks", Kind: "staff-talks", Capacity: 12})
	if err != nil {
		t.Fatal(err)
	}
	ann, bob := b.NewContext(t), b.NewContext(t)
	signInTab(t, ann, base, "ann", password)
	signInTab(t, bob, base, "bob", password)
	page, edit := "/activities/"+a.ID, "/activities/"+a.ID+"/edit"

	// Both open the edit form; Ann saves first.
	navigate(t, ann, base+edit)
	navigate(t, bob, base+edit)
	fill(t, ann, "location", "Wellington")
	submit(t, ann, edit)
	waitPath(t, ann, page+"?done=edit")
	fill(t, bob, "location", "Brussels")
	fill(t, bob, "capacity", "20")
	submit(t, bob, edit)
	waitText(t, bob, "h1", "was changed by someone else")
	wantText(t, bob, "main table", "Wellington")
	wantText(t, bob, "main table", "Brussels")
	wantText(t, bob, "ol.versions", "activity.edit")
	checkPage(t, bob, "the activity edit's conflict page")
	if got, _ := svc.Activity(operator(t), a.ID); got.Location != "Wellington" || got.Capacity != 12 {
		t.Fatalf("after the conflict: %+v; want Ann's edit, not overwritten", got)
	}
	if v, _ := browsertest.Eval[string](bob, `document.getElementById("location").value`); v != "Brussels" {
		t.Errorf("the conflict page's form holds %q, want the value Bob entered", v)
	}

	// Bob fills in a cancellation and reaches its check page; Ann approves
	// the activity meanwhile; Bob's confirmation is the step's conflict
	// page.
	navigate(t, bob, base+page)
	fill(t, bob, "cancel-reason", "No ship available")
	submit(t, bob, page+"/steps/cancel")
	waitText(t, bob, "h1", "Check your answers")
	navigate(t, ann, base+page)
	submit(t, ann, page+"/steps/approve")
	waitPath(t, ann, page+"?done=approve")
	click(t, bob, `main form input[name="confirm"] ~ button`)
	waitText(t, bob, ".conflict h2", "Nothing was saved")
	wantText(t, bob, ".conflict", "activity.approve")
	wantText(t, bob, ".conflict dl", "No ship available")
	checkPage(t, bob, "the activity step's conflict page")
	if got, _ := svc.Activity(operator(t), a.ID); got.Status != entente.ActivityApproved {
		t.Errorf("after the stale cancellation the activity is %s, want approved", got.Status)
	}
}
