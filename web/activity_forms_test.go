package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// formUser is a signed-in browser and its session's CSRF token.
type formUser struct {
	c    *http.Client
	csrf string
}

// signedInAs adds an account with role (bound to partner, for a liaison),
// signs a browser in as it and returns it.
func signedInAs(t *testing.T, s *stack, name string, role entente.Role, partner string) formUser {
	t.Helper()
	if _, err := s.svc.AddUser(operator(t), service.UserRequest{Name: name, Role: role, Partner: partner, Password: password}); err != nil {
		t.Fatal(err)
	}
	c := browser(t)
	if res, _ := signIn(t, c, s.srv.URL, name, password, "/account"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("signing in as %s: %d", name, res.StatusCode)
	}
	return formUser{c, formToken(t, c, s.srv.URL+"/account")}
}

// post sends form (with the CSRF token) to path.
func (u formUser) post(t *testing.T, s *stack, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	f := url.Values{"csrf": {u.csrf}}
	for k, v := range form {
		f[k] = v
	}
	return postForm(t, u.c, s.srv.URL+path, f)
}

// addOffer puts an offer on the menu, as `entente menu import` does.
func addOffer(t *testing.T, svc *service.Service, code, title string, capacity int) {
	t.Helper()
	csv := "code,title,kind,provider,capacity,area\n" + code + "," + title + ",course,Alliance School," + strconv.Itoa(capacity) + ",cyber-defence\n"
	if _, err := svc.ImportMenu(operator(t), "menu.csv", "csv", strings.NewReader(csv)); err != nil {
		t.Fatal(err)
	}
}

// wantForm fails t unless the answer has status and, in its text, every
// one of the fragments.
func wantForm(t *testing.T, what string, res *http.Response, body string, status int, fragments ...string) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("%s: %d, want %d\n%.2000s", what, res.StatusCode, status, pageText(body))
	}
	text := html.UnescapeString(body)
	for _, f := range fragments {
		if !strings.Contains(text, f) {
			t.Errorf("%s: the page lacks %q\n%.3000s", what, f, pageText(body))
		}
	}
}

// version is the activity's current version, as its forms carry it.
func version(t *testing.T, svc *service.Service, id string) string {
	t.Helper()
	a, err := svc.Activity(operator(t), id)
	if err != nil {
		t.Fatal(err)
	}
	return entente.Version(*a)
}

// TestActivityForms drives every activity form through plain HTTP POSTs,
// as a browser without JavaScript does, on both engines: each form empty,
// with an error (the values kept, the error summary linking to the field,
// a rule's refusal beside its field), refused by role (nothing written)
// and sent with success (a confirmation).
func TestActivityForms(t *testing.T) {
	onEngines(t, func(t *testing.T, dsn string) {
		s := stackOn(t, dsn)
		addOffer(t, s.svc, "CYB-101", "Cyber defence course", 5)
		staff := signedInAs(t, s, "sam", entente.RoleStaff, "")
		kiri := signedInAs(t, s, "kiri", entente.RoleLiaison, "NZL")
		bruce := signedInAs(t, s, "bruce", entente.RoleLiaison, "AUS")
		reader := signedInAs(t, s, "rita", entente.RoleReader, "")
		const prog = "NZL-ITPP-2024"
		propose := "/programmes/" + prog + "/propose"

		// The propose page: the menu search (a GET form) finds the offer.
		res, body := get(t, kiri.c, s.srv.URL+propose+"?q=cyber+course&area=cyber-defence")
		wantForm(t, "the propose page, searched", res, body, 200, "Find an offer on the cooperation menu", "Cyber defence course (CYB-101)", "Use this offer")
		res, body = get(t, kiri.c, s.srv.URL+propose+"?q=submarine")
		wantForm(t, "a search that finds nothing", res, body, 200, "No offer matches")
		res, body = get(t, kiri.c, s.srv.URL+propose+"?offer=CYB-101")
		wantForm(t, "the propose page with an offer", res, body, 200, "From menu offer CYB-101", "Leave it empty to take the offer's title")
		// Refused by role: a reader, another partner's liaison; the
		// public is sent to sign in.
		for _, u := range []formUser{reader, bruce} {
			if res, _ := get(t, u.c, s.srv.URL+propose); res.StatusCode != 403 {
				t.Errorf("the propose page for a reader or AUS's liaison: %d, want 403", res.StatusCode)
			}
		}
		if res, _ := get(t, browser(t), s.srv.URL+propose); res.StatusCode != 303 {
			t.Errorf("the propose page for the public: %d, want 303", res.StatusCode)
		}
		n := auditLen(t, s)
		if res, _ := bruce.post(t, s, propose, url.Values{"title": {"Not yours"}}); res.StatusCode != 403 {
			t.Errorf("AUS's liaison proposes under NZL's programme: %d, want 403", res.StatusCode)
		}
		if auditLen(t, s) != n {
			t.Fatal("a refused proposal wrote")
		}

		// Empty: the title is asked for; errors keep the values.
		res, body = kiri.post(t, s, propose, url.Values{})
		wantForm(t, "an empty proposal", res, body, 400, "There is a problem", `href="#title"`, "Enter the activity's title, or choose a menu offer")
		res, body = kiri.post(t, s, propose, url.Values{"title": {"Staff talks"}, "capacity": {"many"}, "from": {"2025-13"}})
		wantForm(t, "a proposal with errors", res, body, 400, `href="#capacity"`, `href="#from"`, `value="Staff talks"`, `value="many"`, "The capacity must be a whole number")
		res, body = kiri.post(t, s, propose, url.Values{"title": {"Staff talks"}, "from": {"2026"}, "to": {"2025"}})
		wantForm(t, "a period that ends before it starts", res, body, 400, `value="Staff talks"`, "error-message")
		if auditLen(t, s) != n {
			t.Fatal("a proposal with errors wrote")
		}

		// From the offer: the confirmation, and what comes next.
		res, _ = kiri.post(t, s, propose, url.Values{"offer": {"CYB-101"}})
		if res.StatusCode != 303 {
			t.Fatalf("the proposal from the offer: %d", res.StatusCode)
		}
		loc := res.Header.Get("Location")
		id := strings.TrimSuffix(strings.TrimPrefix(loc, "/activities/"), "?done=propose")
		res, body = get(t, kiri.c, s.srv.URL+loc)
		wantForm(t, "the proposal's confirmation", res, body, 200, "Activity proposed", "What happens next", "Cyber defence course", "edit it")
		a, err := s.svc.Activity(operator(t), id)
		if err != nil || a.Offer != "CYB-101" || a.Capacity != 5 || a.Status != entente.ActivityProposed {
			t.Fatalf("the activity proposed: %+v, %v", a, err)
		}
		// The liaison sees no staff step; staff see approve and cancel.
		_, body = get(t, kiri.c, s.srv.URL+"/activities/"+id)
		if strings.Contains(body, "/steps/approve") || strings.Contains(body, "/steps/cancel") {
			t.Error("the liaison's activity page shows staff's steps")
		}
		_, body = get(t, browser(t), s.srv.URL+"/activities/"+id)
		if strings.Contains(body, "<form class=\"stacked\" method=\"post\"") || strings.Contains(body, "/edit\"") {
			t.Error("the public's activity page shows a form")
		}
		_, body = get(t, staff.c, s.srv.URL+"/activities/"+id)
		if !strings.Contains(body, "/steps/approve") || !strings.Contains(body, "/steps/cancel") || !strings.Contains(body, `name="version" value="`) {
			t.Error("staff's activity page lacks approve, cancel or the version")
		}

		// Edit while proposed.
		edit := "/activities/" + id + "/edit"
		res, body = get(t, kiri.c, s.srv.URL+edit)
		wantForm(t, "the edit page", res, body, 200, `value="Cyber defence course"`, `value="5"`)
		// A liaison's proposal is released to its partner: hidden from a
		// reader, as a missing one; another partner's liaison is refused
		// on one staff proposed.
		if res, _ := get(t, reader.c, s.srv.URL+edit); res.StatusCode != 404 {
			t.Errorf("the edit page for a reader: %d, want 404", res.StatusCode)
		}
		res, body = kiri.post(t, s, edit, url.Values{"title": {""}, "capacity": {"4"}, "version": {version(t, s.svc, id)}})
		wantForm(t, "an edit without a title", res, body, 400, `href="#title"`, "Enter the activity's title", `value="4"`)
		// Two editors: the form is opened, someone else saves first; the
		// form's save is the conflict page, nothing of it saved.
		opened := version(t, s.svc, id)
		cur, _ := s.svc.Activity(operator(t), id)
		if _, err := s.svc.EditActivity(operator(t), service.EditRequest{ID: id, Goal: cur.Goal, Title: cur.Title, Kind: cur.Kind, Location: "Auckland",
			From: cur.From, To: cur.To, Capacity: cur.Capacity, IfMatch: opened}); err != nil {
			t.Fatal(err)
		}
		res, body = kiri.post(t, s, edit, url.Values{"title": {"Cyber course"}, "capacity": {"4"}, "version": {opened}})
		wantForm(t, "an edit from a stale version", res, body, 409, "was changed by someone else", "Nothing you entered has been saved",
			`<td>Auckland</td>`, `<td>Cyber course <strong>(differs)</strong>`, "activity.edit", `<ins>Auckland</ins>`, `value="Cyber course"`,
			`name="version" value="`+version(t, s.svc, id)+`"`)
		if a, _ := s.svc.Activity(operator(t), id); a.Title == "Cyber course" || a.Location != "Auckland" {
			t.Errorf("the stale edit overwrote the other: %+v", a)
		}
		res, _ = kiri.post(t, s, edit, url.Values{"title": {"Cyber defence course, Wellington"}, "kind": {"course"}, "location": {"Wellington"}, "capacity": {"5"}, "version": {version(t, s.svc, id)}})
		if res.StatusCode != 303 || res.Header.Get("Location") != "/activities/"+id+"?done=edit" {
			t.Fatalf("the edit: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		res, body = get(t, kiri.c, s.srv.URL+"/activities/"+id+"?done=edit")
		wantForm(t, "the edit's confirmation", res, body, 200, "Activity changed", "Wellington")
		if evs, _ := s.svc.Store.FindAuditEvents(t.Context(), entente.AuditFilter{Key: id, Limit: 1}); len(evs) != 1 || evs[0].Action != "activity.edit" {
			t.Errorf("the edit's audit event: %+v", evs)
		}

		// Approve: the liaison may not; staff may.
		step := func(u formUser, key string, form url.Values) (*http.Response, string) {
			t.Helper()
			if form == nil {
				form = url.Values{}
			}
			form.Set("version", version(t, s.svc, id))
			return u.post(t, s, "/activities/"+id+"/steps/"+key, form)
		}
		n = auditLen(t, s)
		if res, _ := step(kiri, "approve", nil); res.StatusCode != 403 {
			t.Errorf("the liaison approves: %d, want 403", res.StatusCode)
		}
		if auditLen(t, s) != n {
			t.Fatal("a refused step wrote")
		}
		res, body = step(staff, "approve", url.Values{"date": {"2025"}})
		wantForm(t, "an approval dated by a year", res, body, 400, `href="#approve-date"`, "Enter the day, as YYYY-MM-DD", `value="2025"`)
		res, body = step(staff, "approve", nil)
		if res.StatusCode != 303 {
			t.Fatalf("staff approve: %d\n%s", res.StatusCode, pageText(body))
		}
		res, body = get(t, staff.c, s.srv.URL+res.Header.Get("Location"))
		wantForm(t, "the approval's confirmation", res, body, 200, "The activity is approved.", "Staff send the invitations next")

		// Invite: none chosen; a country neither member nor partner,
		// refused by the rule beside the field; then members and partners.
		res, body = step(staff, "invite", nil)
		wantForm(t, "invitations to nobody", res, body, 400, `href="#invite-countries"`, "Choose at least one member or partner")
		res, body = step(staff, "invite", url.Values{"countries": {"CHN"}})
		wantForm(t, "an invitation to China", res, body, 422, `href="#invite-countries"`, "Refused by the rules", "only members and partners of NATO may be invited")
		res, body = step(staff, "invite", url.Values{"countries": {"NZL", "AUS"}})
		if res.StatusCode != 303 {
			t.Fatalf("the invitations: %d\n%s", res.StatusCode, pageText(body))
		}

		// The liaison opens registration and registers up to capacity;
		// the next registration is refused beside the participants.
		if res, body := step(kiri, "open", nil); res.StatusCode != 303 {
			t.Fatalf("opening registration: %d\n%s", res.StatusCode, pageText(body))
		}
		res, body = step(kiri, "register", url.Values{"participants": {"3"}})
		wantForm(t, "a registration without a country", res, body, 400, `href="#register-country"`, "Choose the country")
		if res, body := step(kiri, "register", url.Values{"country": {"NZL"}, "participants": {"3"}}); res.StatusCode != 303 {
			t.Fatalf("NZL registers 3: %d\n%s", res.StatusCode, pageText(body))
		}
		if res, body := step(kiri, "register", url.Values{"country": {"AUS"}, "participants": {"2"}}); res.StatusCode != 303 {
			t.Fatalf("AUS registers 2: %d\n%s", res.StatusCode, pageText(body))
		}
		res, body = step(kiri, "register", url.Values{"country": {"NZL"}, "participants": {"1"}})
		wantForm(t, "a registration past capacity", res, body, 422, `href="#register-participants"`, "registration stops at capacity: 5 of 5 places taken", `id="register-participants-error"`, `value="1"`)

		// Hold: check your answers, change them, then confirm.
		res, body = step(kiri, "hold", nil)
		wantForm(t, "holding: check your answers", res, body, 200, "Check your answers before you record that the activity was held", "This cannot be undone", `name="confirm" value="yes"`)
		res, body = step(kiri, "hold", url.Values{"change": {"yes"}, "date": {"2099-01-01"}})
		wantForm(t, "holding: change your answers", res, body, 200, `value="2099-01-01"`, "Record that it was held")
		if a, _ := s.svc.Activity(operator(t), id); a.Status != entente.ActivityRegistrationOpen {
			t.Fatalf("checking the answers took the step: %s", a.Status)
		}
		if res, body := step(kiri, "hold", url.Values{"confirm": {"yes"}}); res.StatusCode != 303 {
			t.Fatalf("holding: %d\n%s", res.StatusCode, pageText(body))
		}

		// Report: outcome asked for; participants past capacity refused
		// beside the field; then the report.
		res, body = step(kiri, "report", url.Values{"confirm": {"yes"}})
		wantForm(t, "a report without an outcome", res, body, 400, `href="#report-outcome"`, "Enter the outcome")
		res, body = step(kiri, "report", url.Values{"outcome": {"Trained"}, "participants": {"9"}, "confirm": {"yes"}})
		wantForm(t, "a report of too many", res, body, 422, `href="#report-participants"`, "takes at most 5", ">Trained</textarea>")
		res, body = step(kiri, "report", url.Values{"outcome": {"Five trained"}, "participants": {"5"}, "feedback": {"Useful"}})
		wantForm(t, "reporting: check your answers", res, body, 200, "Check your answers before you report the activity", "Five trained", "Useful")
		res, _ = step(kiri, "report", url.Values{"outcome": {"Five trained"}, "participants": {"5"}, "feedback": {"Useful"}, "confirm": {"yes"}})
		if res.StatusCode != 303 {
			t.Fatalf("reporting: %d", res.StatusCode)
		}
		res, body = get(t, kiri.c, s.srv.URL+res.Header.Get("Location"))
		wantForm(t, "the report's confirmation", res, body, 200, "The activity is reported.", "Five trained")
		if a, _ := s.svc.Activity(operator(t), id); a.Status != entente.ActivityReported || a.Participants != 5 || a.Feedback != "Useful" {
			t.Errorf("the activity reported: %+v", a)
		}

		// Cancel another, with a reason; a stale form is refused.
		res, _ = staff.post(t, s, propose, url.Values{"title": {"Bespoke seminar"}, "kind": {"seminar"}})
		if res.StatusCode != 303 {
			t.Fatalf("a bespoke proposal: %d", res.StatusCode)
		}
		id = strings.TrimSuffix(strings.TrimPrefix(res.Header.Get("Location"), "/activities/"), "?done=propose")
		for _, u := range []formUser{reader, bruce} {
			if res, _ := get(t, u.c, s.srv.URL+"/activities/"+id+"/edit"); res.StatusCode != 403 {
				t.Errorf("the edit page of staff's proposal for a reader or AUS's liaison: %d, want 403", res.StatusCode)
			}
			if res, _ := step(u, "hold", nil); res.StatusCode != 403 {
				t.Errorf("a reader or AUS's liaison holds NZL's activity: %d, want 403", res.StatusCode)
			}
		}
		res, body = step(staff, "cancel", url.Values{"confirm": {"yes"}})
		wantForm(t, "a cancellation without a reason", res, body, 400, `href="#cancel-reason"`, "Enter why")
		res, body = staff.post(t, s, "/activities/"+id+"/steps/cancel", url.Values{"reason": {"No venue"}, "confirm": {"yes"}, "version": {`"old"`}})
		wantForm(t, "a stale cancellation", res, body, 409, "Nothing was saved: the activity changed after you opened this page",
			"not in the record's history any more", "<dt>Reason</dt><dd>No venue</dd>", ">No venue</textarea>")
		res, _ = step(staff, "cancel", url.Values{"reason": {"No venue"}, "confirm": {"yes"}})
		if res.StatusCode != 303 {
			t.Fatalf("the cancellation: %d", res.StatusCode)
		}
		res, body = get(t, staff.c, s.srv.URL+res.Header.Get("Location"))
		wantForm(t, "the cancellation's confirmation", res, body, 200, "The activity is cancelled.", "No venue")
		// An edit once it is no longer proposed is refused.
		res, body = kiri.post(t, s, "/activities/"+id+"/edit", url.Values{"title": {"Too late"}})
		wantForm(t, "an edit of a cancelled activity", res, body, 422, "edited only while it is proposed")
	})
}
