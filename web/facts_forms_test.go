package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// contributionValues are a new contribution's form values.
func contributionValues(csrf, id, from, to string) url.Values {
	return url.Values{"csrf": {csrf}, "key": {""}, "version": {""}, "id": {id}, "country": {"NZL"}, "operation": {"KFOR"},
		"theatre": {"Kosovo"}, "from": {from}, "to": {to}, "what": {"two staff officers"}, "sources": {"mfat-nato"},
		"note": {""}, "unconfirmed": {""}, "release": {"PUBLIC"}, "release-to": {""}}
}

// TestFactForms: staff add a contribution and a source through the forms
// (plain POSTs): errors summarised and beside their fields, values kept,
// a check-your-answers page that writes nothing, a confirmation after
// saving. A correction asks why and for a source; two correctors of one
// version: the second gets the conflict page with both values, nothing
// overwritten. A liaison and a reader get 403 and write nothing; the
// public is sent to sign in; the pages link the forms for staff only.
func TestFactForms(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testFactForms(t, newStack(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testFactForms(t, progStackPG(t)) })
}

func testFactForms(t *testing.T, st *stack) {
	base := st.srv.URL
	for _, u := range []struct {
		name, partner string
		role          entente.Role
	}{{"ann", "", entente.RoleStaff}, {"bob", "", entente.RoleStaff}, {"rita", "", entente.RoleReader}, {"lou", "NZL", entente.RoleLiaison}} {
		if _, err := st.svc.AddUser(operator(t), service.UserRequest{Name: u.name, Role: u.role, Partner: u.partner, Password: password}); err != nil {
			t.Fatal(err)
		}
	}
	ann, bob, rita, lou, public := browser(t), browser(t), browser(t), browser(t), browser(t)
	for c, name := range map[*http.Client]string{ann: "ann", bob: "bob", rita: "rita", lou: "lou"} {
		if res, _ := signIn(t, c, base, name, password, "/"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in %s: %d", name, res.StatusCode)
		}
	}

	// Who sees the forms.
	for _, p := range []struct{ path, link string }{{"/operations", "/facts/contributions/new"}, {"/sources", "/facts/sources/new"},
		{"/meetings", "/facts/meetings/new"}, {"/collective-defence", "/facts/defence-events/new"}, {"/partners/NZL", "/facts/partnerships/new?country=NZL"},
		{"/operations", "/facts/operations/KFOR"}, {"/partners", "/facts/groups/NATO/IP4"}, {"/partners", "/facts/frameworks/new?alliance=NATO"}} {
		if _, page := get(t, ann, base+p.path); !strings.Contains(page, `href="`+p.link) {
			t.Errorf("%s links no %s for staff", p.path, p.link)
		}
		for _, c := range []*http.Client{rita, lou, public} {
			if _, page := get(t, c, base+p.path); strings.Contains(page, "/facts/") {
				t.Errorf("%s links a fact form for someone who may not use it", p.path)
			}
		}
	}
	form := base + "/facts/contributions/new"
	for _, c := range []*http.Client{rita, lou} {
		if res, _ := get(t, c, form); res.StatusCode != http.StatusForbidden {
			t.Errorf("a reader or liaison opens the contribution form: %d, want 403", res.StatusCode)
		}
	}
	if res, _ := get(t, public, form); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("the public opens the contribution form: %d %s, want 303 to sign in", res.StatusCode, res.Header.Get("Location"))
	}
	before := progExport(t, st)
	for _, c := range []*http.Client{rita, lou} {
		tok := formToken(t, c, base+"/account")
		v := contributionValues(tok, "NZL-KFOR-FORM", "2000", "2001")
		v.Set("confirm", "yes")
		if res, _ := postForm(t, c, base+"/facts/contributions", v); res.StatusCode != http.StatusForbidden {
			t.Errorf("a reader or liaison posts the contribution form: %d, want 403", res.StatusCode)
		}
	}
	if progExport(t, st) != before {
		t.Fatal("a refused post wrote")
	}

	// Add, with errors first.
	_, page := get(t, ann, form)
	for _, want := range []string{`<label for="from">From</label>`, "A year (YYYY), a month (YYYY-MM) or a day (YYYY-MM-DD)", `<label for="sources">Sources</label>`, `name="csrf"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the contribution form lacks %q", want)
		}
	}
	tok := formTokenIn(t, page)
	bad := contributionValues(tok, "NZL-KFOR-FORM", "June 2000", "")
	bad.Set("theatre", "")
	res, page := postForm(t, ann, base+"/facts/contributions", bad)
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("a contribution with errors: %d", res.StatusCode)
	}
	for _, want := range []string{`<title>Error: `, `<a href="#theatre">Enter the theatre`, `<a href="#from">From must be a year (YYYY)`, `id="from-error"`, `value="June 2000"`, `value="NZL-KFOR-FORM"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the form with errors lacks %q", want)
		}
	}
	// The rules' refusal shows beside the field it concerns.
	res, page = postForm(t, ann, base+"/facts/contributions", contributionValues(tok, "NZL-KFOR-FORM", "2001", "1999"))
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, `<a href="#to">`) || !strings.Contains(page, `id="to-error"`) {
		t.Errorf("a contribution ending before it starts: %d, want the refusal beside to", res.StatusCode)
	}
	res, page = postForm(t, ann, base+"/facts/contributions", contributionValues(tok, "NZL-KFOR-FORM", "2000", "2001"))
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "Check your answers") || !strings.Contains(page, "Kosovo Force") {
		t.Fatalf("check your answers: %d\n%s", res.StatusCode, pageText(page))
	}
	if progExport(t, st) != before {
		t.Fatal("check your answers wrote")
	}
	ok := contributionValues(tok, "NZL-KFOR-FORM", "2000", "2001")
	ok.Set("confirm", "yes")
	res, _ = postForm(t, ann, base+"/facts/contributions", ok)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/facts/contributions/NZL-KFOR-FORM?saved=added" {
		t.Fatalf("add the contribution: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, page = get(t, ann, base+res.Header.Get("Location"))
	if text := pageText(page); !strings.Contains(text, "The contribution is added") || !strings.Contains(text, "What next") || !strings.Contains(text, "two staff officers") {
		t.Errorf("the confirmation: %s", text)
	}
	if _, page := get(t, public, base+"/operations"); !strings.Contains(page, "two staff officers") {
		t.Error("the added contribution is not on the operations page")
	}

	// Correct it: why and a source are asked for.
	_, annPage := get(t, ann, base+"/facts/contributions/NZL-KFOR-FORM")
	_, bobPage := get(t, bob, base+"/facts/contributions/NZL-KFOR-FORM")
	version := formVersion(t, annPage)
	if !strings.Contains(annPage, `<label for="reason">`) || !strings.Contains(annPage, `href="/facts/sources/new"`) || formVersion(t, bobPage) != version {
		t.Fatal("the correction form asks no reason, links no new source, or the two editors opened different versions")
	}
	corr := contributionValues(formTokenIn(t, annPage), "NZL-KFOR-FORM", "2000", "2001")
	corr.Set("key", "NZL-KFOR-FORM")
	corr.Set("version", version)
	corr.Set("what", "three staff officers")
	res, page = postForm(t, ann, base+"/facts/contributions", corr)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, `<a href="#reason">`) || !strings.Contains(page, `<a href="#source">`) {
		t.Errorf("a correction without reason or source: %d, want both asked for", res.StatusCode)
	}
	corr.Set("reason", "the ministry's figure")
	corr.Set("source", "nzdf-afghanistan")
	corr.Set("confirm", "yes")
	if res, _ := postForm(t, ann, base+"/facts/contributions", corr); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("ann's correction: %d", res.StatusCode)
	}
	after := progExport(t, st)
	theirs := contributionValues(formTokenIn(t, bobPage), "NZL-KFOR-FORM", "2000", "2001")
	theirs.Set("key", "NZL-KFOR-FORM")
	theirs.Set("version", version)
	theirs.Set("what", "four staff officers")
	theirs.Set("reason", "another figure")
	theirs.Set("source", "mfat-nato")
	theirs.Set("confirm", "yes")
	res, page = postForm(t, bob, base+"/facts/contributions", theirs)
	text := pageText(page)
	if res.StatusCode != http.StatusConflict || !strings.Contains(text, "was changed by someone else") || !strings.Contains(text, "three staff officers") ||
		!strings.Contains(text, "four staff officers") || !strings.Contains(text, "Nothing you entered has been saved") {
		t.Errorf("bob's stale correction: %d, want the conflict page with both values\n%s", res.StatusCode, text)
	}
	if progExport(t, st) != after {
		t.Fatal("a stale correction wrote")
	}
	if formVersion(t, page) == version {
		t.Error("the conflict page's form carries the old version")
	}
	// A correction keeps what its form does not show: the partnership's
	// quotation of its source.
	pq, err := st.svc.Fact(operator(t), entente.FactPartnership, "NATO/NZL/GLOBAL")
	if err != nil {
		t.Fatal(err)
	}
	p := pq.(*entente.Partnership)
	if len(p.Quotes) == 0 {
		t.Fatal("the test wants NATO/NZL/GLOBAL with a quotation")
	}
	_, page = get(t, ann, base+"/facts/partnerships/NATO/NZL/GLOBAL")
	pv := url.Values{"csrf": {formTokenIn(t, page)}, "key": {"NATO/NZL/GLOBAL"}, "version": {formVersion(t, page)}, "alliance": {"NATO"}, "country": {"NZL"},
		"framework": {"GLOBAL"}, "from": {p.From.String()}, "to": {p.To.String()}, "sources": {strings.Join(p.Sources, ",")},
		"note": {"Checked against the ministry's page."}, "release": {"PUBLIC"}, "reason": {"a note for readers"}, "source": {"mfat-nato"}, "confirm": {"yes"}}
	if res, page := postForm(t, ann, base+"/facts/partnerships", pv); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the partnership's correction: %d\n%s", res.StatusCode, pageText(page))
	}
	pq, _ = st.svc.Fact(operator(t), entente.FactPartnership, "NATO/NZL/GLOBAL")
	if got := pq.(*entente.Partnership); got.Note != "Checked against the ministry's page." || !slices.Equal(got.Quotes, p.Quotes) {
		t.Errorf("after the correction: note %q, quotes %v; want the note and the quotes kept %v", got.Note, got.Quotes, p.Quotes)
	}

	_, page = get(t, ann, base+"/history/contribution/NZL-KFOR-FORM")
	if !strings.Contains(pageText(page), "the ministry's figure") {
		t.Error("the history does not show why the contribution was corrected")
	}

	// A source, through the same form.
	_, page = get(t, ann, base+"/facts/sources/new")
	src := url.Values{"csrf": {formTokenIn(t, page)}, "key": {""}, "version": {""}, "id": {"form-source"}, "title": {"A source from the form"}, "kind": {"news"},
		"url": {"https://www.example.org/form"}, "document": {""}, "publisher": {""}, "accessed": {"2026-12"}, "confirm": {"yes"}}
	if res, _ := postForm(t, ann, base+"/facts/sources", src); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add a source: %d", res.StatusCode)
	}
	if _, page := get(t, public, base+"/sources"); !strings.Contains(page, "A source from the form") {
		t.Error("the added source is not on the sources page")
	}
}

// factRecords are records of each kind in the default dataset, by the
// path of their kind's API.
var factRecords = []struct{ kind, pattern, key string }{
	{entente.FactPartnership, "partnerships/{alliance}/{iso3}/{framework}", "NATO/UKR/NACC"},
	{entente.FactContribution, "contributions/{id}", "NZL-SFOR"},
	{entente.FactMeeting, "meetings/{id}", "SUMMIT-2022-MADRID"},
	{entente.FactInvitation, "invitations/{meeting}/{iso3}", "SUMMIT-2022-MADRID/NZL"},
	{entente.FactDefenceEvent, "defence-events/{id}", "NATO-A5-2001"},
	{entente.FactSource, "sources/{id}", "mfat-nato"},
	{entente.FactOperation, "operations/{code}", "KFOR"},
	{entente.FactFramework, "frameworks/{alliance}/{code}", "NATO/PFP"},
	{entente.FactGroup, "groups/{alliance}/{code}", "NATO/IP4"},
}

// addFactRows adds the facts' routes to the authorization matrix: every
// one reads a fact; only staff and admins add (an empty record: refused
// as invalid, writing nothing) and correct (from the version read).
func addFactRows(table map[string]route) {
	for _, fr := range factRecords {
		collection, _, _ := strings.Cut(fr.pattern, "/")
		path := "/api/v1/" + collection + "/" + fr.key
		table["GET /api/v1/"+fr.pattern] = route{path: fixed(path), want: everyone(http.StatusOK)}
		table["POST /api/v1/"+collection] = route{path: fixed("/api/v1/" + collection), body: fixed("{}"),
			want: staffOnly(http.StatusBadRequest, http.StatusUnauthorized)}
		table["PUT /api/v1/"+fr.pattern] = route{prepare: func(m *matrix, c *cell) {
			rec, err := m.svc.Fact(operator(m.t), fr.kind, fr.key)
			if err != nil {
				m.t.Fatal(err)
			}
			b, _ := json.Marshal(rec)
			c.made, c.version = string(b), entente.Version(rec)
		}, path: fixed(path), body: func(c cell) string {
			return `{"record":` + c.made + `,"reason":"checked again","source":"mfat-nato"}`
		}, want: staffOnly(http.StatusOK, http.StatusUnauthorized)}
	}
	table["GET /facts/{kind}/new"] = route{path: fixed("/facts/contributions/new?country=NZL"), want: staffOnly(http.StatusOK, http.StatusSeeOther)}
	table["GET /facts/{kind}/{key...}"] = route{path: fixed("/facts/invitations/SUMMIT-2022-MADRID/NZL"), want: staffOnly(http.StatusOK, http.StatusSeeOther)}
	// Without confirm=yes, the form answers its check-your-answers page
	// and writes nothing.
	table["POST /facts/{kind}"] = route{path: fixed("/facts/contributions"), body: func(c cell) string {
		v := contributionValues("", fmt.Sprintf("NZL-MATRIX-%d", c.n), "2000", "2001")
		v.Del("csrf")
		return v.Encode()
	}, want: staffOnly(http.StatusOK, http.StatusUnauthorized)}
}
