package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/browsertest"
	"github.com/entente/entente/service"
)

// TestBrowserGoalConflict, in Chromium with no JavaScript of ours: staff
// add a goal from the programme page (an error first), then two editors
// open it; the first saves; the second's save shows the conflict page
// with both values, nothing overwritten; the second applies their values
// from the new version on purpose. axe-core finds nothing on the goal form
// empty, with errors, in conflict and on the confirmation, at 390 and
// 1280 px.
func TestBrowserGoalConflict(t *testing.T) {
	b := browsertest.New(t)
	b.TabTimeout = 3 * time.Minute
	base, svc, _ := liveServer(t)
	for _, name := range []string{"ann", "bob"} {
		if _, err := svc.AddUser(operator(t), service.UserRequest{Name: name, Role: entente.RoleStaff, Password: password}); err != nil {
			t.Fatal(err)
		}
	}
	ann, bob := b.NewContext(t), b.NewContext(t)
	signInTab(t, ann, base, "ann", password)
	signInTab(t, bob, base, "bob", password)
	const prog = "/programmes/NZL-ITPP-2024"

	// Ann adds G1 from the programme page.
	navigate(t, ann, base+prog)
	click(t, ann, `main a[href="`+prog+`/goals/new"]`)
	waitPath(t, ann, prog+"/goals/new")
	checkPage(t, ann, "the new goal form")
	fill(t, ann, "code", "G1")
	fill(t, ann, "ind-1-name", "studies")
	fill(t, ann, "ind-1-target", "eight")
	click(t, ann, `main form button[type="submit"]`)
	if msg, _ := browsertest.Text(ann, ".error-summary a[href='#title']"); msg != "Enter the goal's title" {
		t.Errorf("the goal form's error summary says %q", msg)
	}
	if msg, _ := browsertest.Text(ann, "#ind-1-target-error"); !strings.Contains(msg, "as a number") {
		t.Errorf("the target's error beside it: %q", msg)
	}
	if v, _ := browsertest.Eval[string](ann, `document.getElementById("ind-1-name").value`); v != "studies" {
		t.Errorf("the entered name was not kept: %q", v)
	}
	checkPage(t, ann, "the goal form with errors")
	fill(t, ann, "title", "Joint studies")
	fill(t, ann, "ind-1-target", "8")
	fill(t, ann, "ind-1-current", "2")
	click(t, ann, `main form button[type="submit"]`)
	waitPath(t, ann, prog+"/goals/G1?saved=1")
	if h1, _ := browsertest.Text(ann, "h1"); h1 != "Goal G1 saved" {
		t.Errorf("the confirmation's heading: %q", h1)
	}
	checkPage(t, ann, "the goal's confirmation")

	// Both open G1; Ann saves first.
	navigate(t, ann, base+prog+"/goals/G1")
	navigate(t, bob, base+prog+"/goals/G1")
	fill(t, ann, "title", "Joint studies, Ann's")
	fill(t, ann, "ind-1-current", "3")
	click(t, ann, `main form button[type="submit"]`)
	waitPath(t, ann, prog+"/goals/G1?saved=1")
	fill(t, bob, "title", "Joint studies, Bob's")
	fill(t, bob, "ind-1-current", "4")
	click(t, bob, `main form button[type="submit"]`)
	waitPath(t, bob, prog+"/goals")
	if h1, _ := browsertest.Text(bob, "h1"); h1 != "Goal G1 was changed by someone else" {
		t.Errorf("the second editor's page: %q, want the conflict page", h1)
	}
	table, _ := browsertest.Text(bob, "main table")
	for _, want := range []string{"Joint studies, Ann's", "Joint studies, Bob's", "current 3", "current 4"} {
		if !strings.Contains(table, want) {
			t.Errorf("the conflict table lacks %q:\n%s", want, table)
		}
	}
	checkPage(t, bob, "the goal's conflict page")
	if g, err := svc.Goal(operator(t), "NZL-ITPP-2024", "G1"); err != nil || g.Title != "Joint studies, Ann's" || g.Indicators[0].Current != 3 {
		t.Fatalf("the goal after the conflict: %+v, %v; want Ann's, not overwritten", g, err)
	}
	// Bob applies his values to the new version.
	if v, _ := browsertest.Eval[string](bob, `document.getElementById("title").value`); v != "Joint studies, Bob's" {
		t.Errorf("the conflict page's form holds %q, want the submitted title", v)
	}
	click(t, bob, `main form button[type="submit"]`)
	waitPath(t, bob, prog+"/goals/G1?saved=1")
	if g, err := svc.Goal(operator(t), "NZL-ITPP-2024", "G1"); err != nil || g.Title != "Joint studies, Bob's" || g.Indicators[0].Current != 4 {
		t.Errorf("the goal after re-applying: %+v, %v", g, err)
	}
}
