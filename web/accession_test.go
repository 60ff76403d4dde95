package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestAccessionForms takes Serbia through the accession forms on both
// engines: each step's form refuses an empty or bad answer (400, the error
// summary linking to the field, the value kept), shows a "check your
// answers" page that writes nothing, and records the step only when that
// page is confirmed, answering with what happened and what comes next; a
// step the rule refuses shows its reasons with the treaty's article
// beside the field; a stale form is a conflict; a reader is refused
// (403) and the public too (401), writing nothing.
func TestAccessionForms(t *testing.T) {
	engines(t, testAccessionForms)
}

func testAccessionForms(t *testing.T, st *stack) {
	addAccount(t, st.svc, "desk", password, entente.RoleStaff)
	addAccount(t, st.svc, "desk2", password, entente.RoleStaff)
	addAccount(t, st.svc, "reader", password, entente.RoleReader)
	staff, staff2, reader, public := browser(t), browser(t), browser(t), browser(t)
	for c, name := range map[*http.Client]string{staff: "desk", staff2: "desk2", reader: "reader"} {
		if res, _ := signIn(t, c, st.srv.URL, name, password, "/"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in %s: %d", name, res.StatusCode)
		}
	}
	base := st.srv.URL + "/countries/SRB/accession"
	today := st.svc.Today().String()

	// The page: public, with the rule's reasons and their article; the
	// steps only for staff.
	res, body := get(t, public, base)
	if res.StatusCode != 200 || !strings.Contains(body, "Serbia: accession to") || !strings.Contains(body, "<strong>Article 10:</strong>") ||
		strings.Contains(body, "Record a step") {
		t.Fatalf("the public's accession page: %d\n%s", res.StatusCode, between(body, "<main", "</main>"))
	}
	if _, body := get(t, public, st.srv.URL+"/countries/SRB"); !strings.Contains(body, `href="/countries/SRB/accession"`) {
		t.Error("the country page does not link to its accession page")
	}
	res, body = get(t, staff, base)
	if res.StatusCode != 200 || !strings.Contains(body, `href="/countries/SRB/accession/apply"`) || !strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
		t.Fatalf("staff's accession page: %d %q\n%s", res.StatusCode, res.Header.Get("Cache-Control"), between(body, "<main", "</main>"))
	}

	// Refused by role, writing nothing.
	before := auditLen(t, st)
	if res, _ := get(t, reader, base+"/apply"); res.StatusCode != http.StatusForbidden {
		t.Errorf("a reader's apply form: %d, want 403", res.StatusCode)
	}
	if res, _ := get(t, public, base+"/apply"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the public's apply form: %d, want 303 to sign in", res.StatusCode)
	}
	_, rbody := get(t, reader, st.srv.URL+"/account")
	if res, _ := postForm(t, reader, base+"/apply", url.Values{"csrf": {formTokenIn(t, rbody)}, "date": {today}, "confirm": {"yes"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a reader's apply: %d, want 403", res.StatusCode)
	}
	ptok := formToken(t, public, st.srv.URL+"/login")
	if res, _ := postForm(t, public, base+"/apply", url.Values{"csrf": {ptok}, "date": {today}, "confirm": {"yes"}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the public's apply: %d, want 401", res.StatusCode)
	}
	if res, _ := get(t, staff, base+"/join"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown step: %d, want 404", res.StatusCode)
	}

	// The empty form, then errors with the values kept.
	res, body = get(t, staff, base+"/apply")
	if res.StatusCode != 200 || !strings.Contains(body, `<label for="date">`) || !strings.Contains(body, `id="date-hint"`) || !strings.Contains(body, `value="`+today+`"`) {
		t.Fatalf("the apply form: %d\n%s", res.StatusCode, between(body, "<main", "</main>"))
	}
	tok := formTokenIn(t, body)
	for _, bad := range []string{"", "2025", "2025-13-01"} {
		res, body = postForm(t, staff, base+"/apply", url.Values{"csrf": {tok}, "date": {bad}})
		if res.StatusCode != 400 || !strings.Contains(body, `<a href="#date">`) || !strings.HasPrefix(pageTitle(body), "Error: ") ||
			!strings.Contains(body, `value="`+bad+`"`) || !strings.Contains(body, `aria-invalid="true"`) {
			t.Errorf("apply on %q: %d\n%s", bad, res.StatusCode, between(body, "<main", "</form>"))
		}
	}

	// Check your answers: nothing written; change brings the form back.
	res, body = postForm(t, staff, base+"/apply", url.Values{"csrf": {tok}, "date": {"2026-03-02"}})
	if res.StatusCode != 200 || !strings.Contains(body, "<h1>Check your answers</h1>") || !strings.Contains(body, "SRB will have applied on 2 March 2026") ||
		!strings.Contains(body, `name="confirm" value="yes"`) {
		t.Fatalf("apply's check page: %d\n%s", res.StatusCode, between(body, "<main", "</main>"))
	}
	if n := auditLen(t, st); n != before {
		t.Fatalf("the check page wrote: audit %d, was %d", n, before)
	}
	res, body = postForm(t, staff, base+"/apply", url.Values{"csrf": {tok}, "date": {"2026-03-02"}, "edit": {"1"}})
	if res.StatusCode != 200 || !strings.Contains(body, `id="date" name="date" value="2026-03-02"`) {
		t.Errorf("change your answers: %d\n%s", res.StatusCode, between(body, "<main", "</form>"))
	}
	res, _ = postForm(t, staff, base+"/apply", url.Values{"csrf": {tok}, "date": {"2026-03-02"}, "confirm": {"yes"}})
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/countries/SRB/accession?done=apply" {
		t.Fatalf("apply confirmed: %d %q", res.StatusCode, loc)
	}
	_, body = get(t, staff, st.srv.URL+res.Header.Get("Location"))
	if !strings.Contains(body, `<div class="panel" role="status">`) || !strings.Contains(body, "Recorded the application to join of Serbia.") ||
		!strings.Contains(body, "Next: the consent of each member") {
		t.Errorf("the confirmation: %s", between(body, "<main", "</dl>"))
	}
	if n := auditLen(t, st); n != before+1 {
		t.Errorf("apply wrote %d audit events, want 1", n-before)
	}

	// Consent: the member is asked for, and listed among those missing.
	_, body = get(t, staff, base+"/consent")
	if !strings.Contains(body, `<option value="BEL">BEL</option>`) || !strings.Contains(body, "Still to consent: ALB, BEL,") {
		t.Errorf("the consent form: %s", between(body, "<main", "</form>"))
	}
	version := html.UnescapeString(between(body, `name="version" value="`, `"`))
	if version == "" {
		t.Error("the consent form carries no version")
	}
	res, body = postForm(t, staff, base+"/consent", url.Values{"csrf": {tok}, "date": {"2026-03-03"}, "version": {version}})
	if res.StatusCode != 400 || !strings.Contains(body, `<a href="#by">Choose the member`) {
		t.Errorf("consent without a member: %d\n%s", res.StatusCode, between(body, "<main", "</form>"))
	}
	res, body = postForm(t, staff, base+"/consent", url.Values{"csrf": {tok}, "date": {"2026-03-03"}, "by": {"BEL"}, "version": {version}})
	if res.StatusCode != 200 || !strings.Contains(body, "BEL&#39;s consent will be recorded: 1 member will have consented.") {
		t.Fatalf("consent's check page: %d\n%s", res.StatusCode, between(body, "<main", "</main>"))
	}
	// Another desk records CAN's consent meanwhile: the first desk's
	// confirmation, made from the older version, is a conflict.
	if _, err := st.svc.Accession(operator(t), service.StepConsent, service.StepRequest{Alliance: "NATO", Country: "SRB", By: "CAN", Date: entente.MustParseDate("2026-03-03")}); err != nil {
		t.Fatal(err)
	}
	mid := auditLen(t, st)
	res, body = postForm(t, staff, base+"/consent", url.Values{"csrf": {tok}, "date": {"2026-03-03"}, "by": {"BEL"}, "version": {version}, "confirm": {"yes"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "Nothing was recorded: the accession changed") || !strings.Contains(body, "<ins>") ||
		!strings.Contains(between(body, "What changed since", "</div>"), "CAN") || !strings.Contains(body, `<option value="BEL" selected>`) || auditLen(t, st) != mid {
		t.Errorf("a stale consent: %d\n%s", res.StatusCode, between(body, "<main", "</form>"))
	}
	res, _ = postForm(t, staff, base+"/consent", url.Values{"csrf": {tok}, "date": {"2026-03-03"}, "by": {"BEL"}, "confirm": {"yes"}})
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/countries/SRB/accession?by=BEL&done=consent" {
		t.Fatalf("consent confirmed: %d %q", res.StatusCode, loc)
	}
	_, body = get(t, staff, st.srv.URL+res.Header.Get("Location"))
	if !strings.Contains(body, "Recorded BEL&#39;s consent to the invitation of Serbia.") || !strings.Contains(body, "2 consented") {
		t.Errorf("consent's confirmation: %s", between(body, "<main", "</table>"))
	}

	// The rule refuses: the reasons, with the article, beside the field.
	mid = auditLen(t, st)
	res, body = postForm(t, staff, base+"/consent", url.Values{"csrf": {tok}, "date": {"2026-03-04"}, "by": {"BEL"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "BEL already gave its consent") || !strings.Contains(body, `<a href="#by">`) {
		t.Errorf("a second consent by BEL: %d\n%s", res.StatusCode, between(body, "<main", "</form>"))
	}
	res, body = postForm(t, staff, base+"/invite", url.Values{"csrf": {tok}, "date": {"2026-03-04"}, "confirm": {"yes"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "<strong>Article 10:</strong> an invitation needs the consent of all") ||
		!strings.Contains(body, `<a href="#date">`) {
		t.Errorf("an invitation without every consent: %d\n%s", res.StatusCode, between(body, "<main", "</form>"))
	}
	nzl := st.srv.URL + "/countries/NZL/accession/apply"
	res, body = postForm(t, staff, nzl, url.Values{"csrf": {tok}, "date": {"2026-03-04"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "<strong>Article 10:</strong>") {
		t.Errorf("New Zealand applies: %d\n%s", res.StatusCode, between(body, "<main", "</form>"))
	}
	if n := auditLen(t, st); n != mid {
		t.Errorf("refused steps wrote %d audit events", n-mid)
	}
}
