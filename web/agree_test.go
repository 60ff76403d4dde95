package web_test

import (
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestProgrammeForms drives the programme's forms through plain HTTP POSTs
// on both engines: agreeing a programme (empty, with errors, refused by a
// rule beside its field, through its check-your-answers page, superseding
// NZL's programme in force with its open goal carried over), recording a
// review (an error, a refusal, the confirmation) and adding an area; the
// liaison, a reader and the public are refused and nothing is written.
func TestProgrammeForms(t *testing.T) {
	onEngines(t, func(t *testing.T, dsn string) {
		s := stackOn(t, dsn)
		staff := signedInAs(t, s, "sam", entente.RoleStaff, "")
		kiri := signedInAs(t, s, "kiri", entente.RoleLiaison, "NZL")
		reader := signedInAs(t, s, "rita", entente.RoleReader, "")
		if _, err := s.svc.PutGoal(operator(t), service.GoalRequest{Programme: "NZL-ITPP-2024", Code: "G1", Objective: "cyber-defence", Title: "A cyber goal",
			Indicators: []entente.Indicator{{Name: "exercises", Baseline: 0, Target: 4, Current: 1}}}); err != nil {
			t.Fatal(err)
		}
		today := s.svc.Today().String()

		if _, body := get(t, staff.c, s.srv.URL+"/programmes"); !strings.Contains(body, `href="/programmes/agree"`) {
			t.Error("staff's programmes page does not link to the agree form")
		}
		if _, body := get(t, kiri.c, s.srv.URL+"/programmes"); strings.Contains(body, `href="/programmes/agree"`) {
			t.Error("the liaison's programmes page links to the agree form")
		}
		res, body := get(t, staff.c, s.srv.URL+"/programmes/agree?partner=NZL")
		wantForm(t, "the agree page", res, body, 200, "Agree a programme", `value="NZL"`, "Cyber defence", "Carry over open goals", "Add a cooperation area")
		for _, u := range []formUser{kiri, reader} {
			if res, _ := get(t, u.c, s.srv.URL+"/programmes/agree"); res.StatusCode != 403 {
				t.Errorf("the agree page for a liaison or reader: %d, want 403", res.StatusCode)
			}
		}
		if res, _ := get(t, browser(t), s.srv.URL+"/programmes/agree"); res.StatusCode != 303 {
			t.Errorf("the agree page for the public: %d, want 303", res.StatusCode)
		}
		n := auditLen(t, s)
		good := url.Values{"partner": {"NZL"}, "code": {"NZL-ITPP-2028"}, "type": {"ITPP"}, "title": {"Individually Tailored Partnership Programme"},
			"agreed": {today}, "areas": {"cyber-defence", "climate-security"}, "carry_over": {"yes"}}
		with := func(k, v string) url.Values {
			f := url.Values{}
			for key, vs := range good {
				f[key] = vs
			}
			f.Set(k, v)
			return f
		}
		for _, u := range []formUser{kiri, reader} {
			for _, path := range []string{"/programmes/agree", "/programmes/NZL-ITPP-2024/reviews", "/areas"} {
				if res, _ := u.post(t, s, path, with("confirm", "yes")); res.StatusCode != 403 {
					t.Errorf("a liaison or reader posts %s: %d, want 403", path, res.StatusCode)
				}
			}
		}
		if auditLen(t, s) != n {
			t.Fatal("a refused form wrote")
		}

		res, body = staff.post(t, s, "/programmes/agree", url.Values{})
		wantForm(t, "an empty agreement", res, body, 400, `href="#partner"`, `href="#code"`, `href="#type"`, `href="#title"`)
		res, body = staff.post(t, s, "/programmes/agree", with("agreed", "2028-13"))
		wantForm(t, "a bad date", res, body, 400, `href="#agreed"`, "must be a year (YYYY), a month (YYYY-MM) or a day", `value="2028-13"`, `value="NZL-ITPP-2028"`)
		res, body = staff.post(t, s, "/programmes/agree", with("partner", "BEL"))
		wantForm(t, "checking a member's programme", res, body, 200, "Check your answers before you agree the programme", "BEL has no programme in force")
		f := with("partner", "BEL")
		f.Set("confirm", "yes")
		res, body = staff.post(t, s, "/programmes/agree", f)
		wantForm(t, "a member's programme", res, body, 422, `href="#partner"`, "Refused by the rules", "a member is not its own alliance's partner", `id="partner-error"`)
		if auditLen(t, s) != n {
			t.Fatal("a refused agreement wrote")
		}

		// Check, change, check again, agree.
		res, body = staff.post(t, s, "/programmes/agree", good)
		wantForm(t, "checking the agreement", res, body, 200, "Check your answers", "NZL-ITPP-2024, Individually Tailored Partnership Programme", "carried over from NZL-ITPP-2024", "Climate change and security", "This cannot be undone")
		res, body = staff.post(t, s, "/programmes/agree", with("change", "yes"))
		wantForm(t, "changing the answers", res, body, 200, `value="NZL-ITPP-2028"`, `value="climate-security" checked`)
		if auditLen(t, s) != n {
			t.Fatal("checking the answers wrote")
		}
		res, _ = staff.post(t, s, "/programmes/agree", with("confirm", "yes"))
		if res.StatusCode != 303 || res.Header.Get("Location") != "/programmes/NZL-ITPP-2028?done=agree" {
			t.Fatalf("the agreement: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		res, body = get(t, staff.c, s.srv.URL+"/programmes/NZL-ITPP-2028?done=agree")
		wantForm(t, "the agreement's confirmation", res, body, 200, "Programme agreed", `it supersedes <a href="/programmes/NZL-ITPP-2024">NZL-ITPP-2024</a>, and 1 open goal carried over`, "What happens next")
		res, body = staff.post(t, s, "/programmes/agree", with("confirm", "yes"))
		wantForm(t, "the same id again", res, body, 409, `href="#code"`, "already exists")

		// Reviews: errors, a refusal by the rule, then one.
		res, body = staff.post(t, s, "/programmes/NZL-ITPP-2028/reviews", url.Values{"date": {"2026"}})
		wantForm(t, "an empty review", res, body, 400, `href="#review-note"`, `href="#review-date"`, "Enter the day", "Record a review")
		res, body = staff.post(t, s, "/programmes/NZL-ITPP-2024/reviews", url.Values{"note": {"Looking back"}})
		wantForm(t, "a review of a superseded programme", res, body, 422, `href="#review-date"`, "only a programme in force is reviewed", ">Looking back</textarea>")
		_, body = get(t, staff.c, s.srv.URL+"/programmes/NZL-ITPP-2028")
		opened := html.UnescapeString(between(between(body, `action="/programmes/NZL-ITPP-2028/reviews"`, "</form>"), `name="version" value="`, `"`))
		if opened == "" {
			t.Fatal("the review form carries no version")
		}
		res, _ = staff.post(t, s, "/programmes/NZL-ITPP-2028/reviews", url.Values{"note": {"A good start"}, "version": {opened}})
		if res.StatusCode != 303 {
			t.Fatalf("the review: %d", res.StatusCode)
		}
		res, body = get(t, staff.c, s.srv.URL+res.Header.Get("Location"))
		wantForm(t, "the review's confirmation", res, body, 200, "Review recorded", "A good start")
		// A second review written on the page as it was before the first
		// is refused: it would snapshot what its writer has not seen.
		mid := auditLen(t, s)
		res, body = staff.post(t, s, "/programmes/NZL-ITPP-2028/reviews", url.Values{"note": {"Also good"}, "version": {opened}})
		wantForm(t, "a review from a stale page", res, body, 409, `href="#review-note"`, "nothing was recorded", ">Also good</textarea>", "A good start")
		if n := auditLen(t, s); n != mid {
			t.Errorf("the stale review wrote %d audit events", n-mid)
		}
		_, body = get(t, kiri.c, s.srv.URL+"/programmes/NZL-ITPP-2028")
		if strings.Contains(body, `action="/programmes/NZL-ITPP-2028/reviews"`) || strings.Contains(body, "/programmes/agree") {
			t.Error("the liaison's programme page shows staff's forms")
		}

		// Areas.
		res, body = staff.post(t, s, "/areas", url.Values{"partner": {"NZL"}})
		wantForm(t, "an empty area", res, body, 400, `href="#area-code"`, `href="#area-name"`)
		res, _ = staff.post(t, s, "/areas", url.Values{"code": {"maritime-security"}, "name": {"Maritime security"}, "partner": {"NZL"}})
		if res.StatusCode != 303 {
			t.Fatalf("adding an area: %d", res.StatusCode)
		}
		res, body = get(t, staff.c, s.srv.URL+res.Header.Get("Location"))
		wantForm(t, "the area's confirmation", res, body, 200, "Area added", "Maritime security (maritime-security)", `value="NZL"`)
		res, body = staff.post(t, s, "/areas", url.Values{"code": {"maritime-security"}, "name": {"Again"}})
		wantForm(t, "an area twice", res, body, 400, "There is an area maritime-security already", `value="Again"`)
	})
}

// TestProgrammePageOverdue: a programme with more overdue activities than
// its page lists says how many there are and lists those due longest ago,
// with where the whole list is (a programme of a million-activity store
// had ten thousand, and a page of 1.4 MB).
func TestProgrammePageOverdue(t *testing.T) {
	onEngines(t, func(t *testing.T, dsn string) {
		s := stackOn(t, dsn)
		for i := range 52 {
			day := entente.MustParseDate(fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i/12))
			if _, err := s.svc.ProposeActivity(operator(t), service.ProposeRequest{Programme: "NZL-ITPP-2024", Title: fmt.Sprintf("Late talks %d", i),
				Kind: "staff-talks", From: day, To: day}); err != nil {
				t.Fatal(err)
			}
		}
		_, body := get(t, nil, s.srv.URL+"/programmes/NZL-ITPP-2024")
		text := pageText(body)
		if !strings.Contains(text, "52 activities and indicators are overdue; the 50 due longest ago are listed") ||
			!strings.Contains(body, `href="/api/v1/programmes/NZL-ITPP-2024/progress"`) {
			t.Errorf("the page does not say how many are overdue and where the list is:\n%s", between(text, "Overdue", "Due for review"))
		}
		overdue := between(body, "<h3>Overdue</h3>", "<h3>Due for review</h3>")
		if n := strings.Count(overdue, "<li>"); n != 50 {
			t.Errorf("the page lists %d overdue items, want 50", n)
		}
		// The two due latest (2025-12-05 and 2025-11-05) are left out.
		if strings.Contains(overdue, "Late talks 47") || !strings.Contains(overdue, "Late talks 0") {
			t.Errorf("the items listed are not those due longest ago:\n%s", overdue)
		}
	})
}
