package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

var versionInput = regexp.MustCompile(`name="version" value="([^"]*)"`)

// formVersion is the version a form page carries.
func formVersion(t *testing.T, body string) string {
	t.Helper()
	m := versionInput.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no version field in the form:\n%.600s", body)
	}
	return html.UnescapeString(m[1])
}

// goalFormValues are a goal form's values as a browser posts them.
func goalFormValues(csrf, version, code, title, current string) url.Values {
	return url.Values{"csrf": {csrf}, "version": {version}, "code": {code}, "objective": {"climate-security"}, "title": {title},
		"ind-1-name": {"studies"}, "ind-1-unit": {"studies"}, "ind-1-baseline": {"0"}, "ind-1-target": {"8"}, "ind-1-current": {current},
		"ind-1-due": {"2026-06"}, "ind-2-name": {""}, "ind-2-unit": {""}, "ind-2-baseline": {""}, "ind-2-target": {""}, "ind-2-current": {""}, "ind-2-due": {""}}
}

// TestGoalForms: staff add a goal through the form (plain POSTs, no
// JavaScript): errors are summarised, shown beside their fields and the
// values kept; the confirmation says what was saved. Two editors open
// the same goal; the first saves; the second's save answers the conflict
// page (409) with both values, nothing overwritten, and a form carrying
// the new version that applies the second's values on purpose. A reader
// gets no form (403), the public is sent to sign in, and the programme
// page links the forms only for those who may use them.
func TestGoalForms(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testGoalForms(t, newStack(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testGoalForms(t, progStackPG(t)) })
}

func testGoalForms(t *testing.T, st *stack) {
	base := st.srv.URL
	for _, u := range []struct {
		name string
		role entente.Role
	}{{"ann", entente.RoleStaff}, {"bob", entente.RoleStaff}, {"rita", entente.RoleReader}} {
		if _, err := st.svc.AddUser(operator(t), service.UserRequest{Name: u.name, Role: u.role, Password: password}); err != nil {
			t.Fatal(err)
		}
	}
	ann, bob, rita, public := browser(t), browser(t), browser(t), browser(t)
	for c, name := range map[*http.Client]string{ann: "ann", bob: "bob", rita: "rita"} {
		if res, _ := signIn(t, c, base, name, password, "/"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in %s: %d", name, res.StatusCode)
		}
	}
	prog := base + "/programmes/NZL-ITPP-2024"

	// Who sees the forms.
	if _, page := get(t, ann, prog); !strings.Contains(page, `href="/programmes/NZL-ITPP-2024/goals/new"`) || !strings.Contains(page, `href="/programmes/NZL-ITPP-2024/objectives/new"`) {
		t.Error("the programme page links no goal or objective form for staff")
	}
	if _, page := get(t, rita, prog); strings.Contains(page, "/goals/new") {
		t.Error("the programme page links the goal form for a reader")
	}
	if res, _ := get(t, rita, prog+"/goals/new"); res.StatusCode != http.StatusForbidden {
		t.Errorf("a reader opens the goal form: %d, want 403", res.StatusCode)
	}
	if res, _ := get(t, public, prog+"/goals/new"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("the public opens the goal form: %d %s, want 303 to sign in", res.StatusCode, res.Header.Get("Location"))
	}
	tok := formToken(t, rita, base+"/account")
	before := progExport(t, st)
	if res, _ := postForm(t, rita, prog+"/goals", goalFormValues(tok, "", "G1", "Joint studies", "5")); res.StatusCode != http.StatusForbidden {
		t.Errorf("a reader posts the goal form: %d, want 403", res.StatusCode)
	}
	if progExport(t, st) != before {
		t.Fatal("a reader's post wrote")
	}

	// Add, with errors first.
	_, page := get(t, ann, prog+"/goals/new")
	if formVersion(t, page) != "" || !strings.Contains(page, `<label for="ind-1-due">Due</label>`) {
		t.Fatalf("the new goal form:\n%s", page)
	}
	tok = formTokenIn(t, page)
	bad := goalFormValues(tok, "", "G 1", "Joint studies", "five")
	bad.Set("ind-1-due", "June")
	res, page := postForm(t, ann, prog+"/goals", bad)
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("a goal with errors: %d", res.StatusCode)
	}
	for _, want := range []string{`<title>Error: `, `<a href="#code">Enter a code`, `<a href="#ind-1-current">Enter the current value of indicator 1 as a number`,
		`<a href="#ind-1-due">Enter the due date of indicator 1 as YYYY, YYYY-MM or YYYY-MM-DD`, `id="ind-1-current-error"`, `value="five"`, `value="Joint studies"`, `value="June"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the form with errors lacks %q", want)
		}
	}
	if progExport(t, st) != before {
		t.Fatal("a form with errors wrote")
	}
	// The service's refusal shows beside the field it concerns.
	unknown := goalFormValues(tok, "", "G1", "Joint studies", "5")
	unknown.Set("objective", "nope")
	res, page = postForm(t, ann, prog+"/goals", unknown)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, `<a href="#objective">programme NZL-ITPP-2024 has no objective`) || !strings.Contains(page, `id="objective-error"`) {
		t.Errorf("a goal under an unknown objective: %d, want the refusal beside the objective", res.StatusCode)
	}
	res, _ = postForm(t, ann, prog+"/goals", goalFormValues(tok, "", "G1", "Joint studies", "5"))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/programmes/NZL-ITPP-2024/goals/G1?saved=1" {
		t.Fatalf("add the goal: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, page = get(t, ann, base+res.Header.Get("Location"))
	if text := pageText(page); !strings.Contains(text, "Goal G1 saved") || !strings.Contains(text, "studies: 5 of 8 studies (baseline 0), due June 2026") {
		t.Errorf("the confirmation does not say what was saved:\n%s", text)
	}
	// A "new" goal whose code is taken is refused, not an overwrite.
	res, page = postForm(t, ann, prog+"/goals", goalFormValues(tok, "", "G1", "Someone else's G1", "1"))
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "A goal G1 exists already") {
		t.Errorf("a new goal with a taken code: %d", res.StatusCode)
	}

	// Two editors open G1.
	_, annPage := get(t, ann, prog+"/goals/G1")
	_, bobPage := get(t, bob, prog+"/goals/G1")
	v := formVersion(t, annPage)
	if v == "" || formVersion(t, bobPage) != v {
		t.Fatalf("the two editors' forms carry versions %q and %q", v, formVersion(t, bobPage))
	}
	if !strings.Contains(annPage, `value="5"`) {
		t.Error("the edit form does not hold the goal's current value")
	}
	res, _ = postForm(t, ann, prog+"/goals", goalFormValues(formTokenIn(t, annPage), v, "G1", "Joint studies (Ann)", "6"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the first editor saves: %d", res.StatusCode)
	}
	afterAnn := progExport(t, st)
	res, page = postForm(t, bob, prog+"/goals", goalFormValues(formTokenIn(t, bobPage), v, "G1", "Joint studies (Bob)", "7"))
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("the second editor saves from the old version: %d, want 409", res.StatusCode)
	}
	text := pageText(page)
	for _, want := range []string{"Goal G1 was changed by someone else", "Nothing you entered has been saved",
		"Title Joint studies (Ann) Joint studies (Bob) (differs)", "current 6", "current 7", "Apply your changes to the saved version"} {
		if !strings.Contains(text, want) {
			t.Errorf("the conflict page lacks %q:\n%s", want, text)
		}
	}
	if progExport(t, st) != afterAnn {
		t.Fatal("the stale save wrote")
	}
	if g, _ := st.svc.Goal(operator(t), "NZL-ITPP-2024", "G1"); g.Title != "Joint studies (Ann)" {
		t.Fatalf("the goal after the stale save: %q, want the first editor's", g.Title)
	}
	// The conflict page's form carries the new version and Bob's values:
	// saving it applies them on purpose.
	nv := formVersion(t, page)
	if nv == v || !strings.Contains(page, `value="Joint studies (Bob)"`) {
		t.Fatalf("the conflict form carries version %q (the old was %q) and not the submitted values", nv, v)
	}
	res, _ = postForm(t, bob, prog+"/goals", goalFormValues(formTokenIn(t, page), nv, "G1", "Joint studies (Bob)", "7"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("re-applying from the new version: %d", res.StatusCode)
	}
	if g, _ := st.svc.Goal(operator(t), "NZL-ITPP-2024", "G1"); g.Title != "Joint studies (Bob)" || g.Indicators[0].Current != 7 {
		t.Errorf("the goal after re-applying: %+v", g)
	}
}

// TestObjectiveForm: staff add and change an objective; a stale save is
// the conflict page; a liaison, who may change goals, gets no objective
// form.
func TestObjectiveForm(t *testing.T) {
	st := newStack(t)
	base := st.srv.URL
	for _, u := range []struct {
		name    string
		role    entente.Role
		partner string
	}{{"ann", entente.RoleStaff, ""}, {"kiri", entente.RoleLiaison, "NZL"}} {
		if _, err := st.svc.AddUser(operator(t), service.UserRequest{Name: u.name, Role: u.role, Partner: u.partner, Password: password}); err != nil {
			t.Fatal(err)
		}
	}
	ann, kiri := browser(t), browser(t)
	signIn(t, ann, base, "ann", password, "/")
	signIn(t, kiri, base, "kiri", password, "/")
	prog := base + "/programmes/NZL-ITPP-2024"
	if res, _ := get(t, kiri, prog+"/objectives/new"); res.StatusCode != http.StatusForbidden {
		t.Errorf("a liaison opens the objective form: %d, want 403", res.StatusCode)
	}
	if _, page := get(t, kiri, prog); !strings.Contains(page, "/goals/new") || strings.Contains(page, "/objectives/new") {
		t.Error("the programme page should link the goal form, not the objective form, for its partner's liaison")
	}
	_, page := get(t, ann, prog+"/objectives/new")
	res, page := postForm(t, ann, prog+"/objectives", url.Values{"csrf": {formTokenIn(t, page)}, "version": {""}, "code": {"space"}, "area": {""}, "title": {""}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, `<a href="#area">Choose`) || !strings.Contains(page, `<a href="#title">Enter`) {
		t.Fatalf("an objective with errors: %d", res.StatusCode)
	}
	res, _ = postForm(t, ann, prog+"/objectives", url.Values{"csrf": {formTokenIn(t, page)}, "version": {""}, "code": {"space"}, "area": {"cyber-defence"}, "title": {"Space"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add an objective: %d", res.StatusCode)
	}
	_, page = get(t, ann, prog+"/objectives/space")
	v := formVersion(t, page)
	if _, err := st.svc.PutObjective(operator(t), service.ObjectiveRequest{Programme: "NZL-ITPP-2024", Code: "space", Area: "cyber-defence", Title: "Space, by another"}); err != nil {
		t.Fatal(err)
	}
	res, page = postForm(t, ann, prog+"/objectives", url.Values{"csrf": {formTokenIn(t, page)}, "version": {v}, "code": {"space"}, "area": {"cyber-defence"}, "title": {"Space and cyber"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(pageText(page), "Title Space, by another Space and cyber (differs)") {
		t.Errorf("a stale objective: %d\n%s", res.StatusCode, pageText(page))
	}
	if o, _ := st.svc.Objective(operator(t), "NZL-ITPP-2024", "space"); o.Title != "Space, by another" {
		t.Errorf("the stale save overwrote: %q", o.Title)
	}
}
