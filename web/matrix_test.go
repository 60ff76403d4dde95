package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/secret"
	"github.com/entente/entente/service"
	"github.com/entente/entente/web"
)

// The authorization matrix: every route the router lists × every kind of
// principal × a record of NZL's, one of AUS's and one of neither's (JPN's
// programme, standing for the alliance's own records) → the status
// expected. A route the table does not name fails the test, so a new
// route must say who may use it.

// principal is one of the matrix's: its account, API token (every token
// has the write scope, an admin's the admin scope too: refusals come from
// the role, not the scope), browser session and that session's CSRF token.
type principal struct {
	name    string
	role    entente.Role
	partner string
	acct    *entente.Account
	token   string
	session string
	csrf    string
}

func (p *principal) public() bool { return p.role == entente.RolePublic }

// record is one column: a partner's programmes, the newer and the older,
// and who may see them: NZL's are PUBLIC (as the default dataset is),
// AUS's RELEASABLE TO AUS, JPN's ALLIANCE.
type record struct {
	name, partner, programme, older string
	release                         entente.Releasability
}

// mark sets the releasability of the programmes ids, as a migration or
// an import would: behind the services, which would refuse to narrow a
// published record.
func mark(t *testing.T, svc *service.Service, r entente.Releasability, ids ...string) {
	t.Helper()
	err := svc.Store.Update(t.Context(), func(tx entente.Tx) error {
		for _, id := range ids {
			ps, err := tx.FindProgrammes(t.Context(), entente.Filter{ID: id})
			if err != nil {
				return err
			}
			if len(ps) != 1 {
				return fmt.Errorf("programme %s: found %d", id, len(ps))
			}
			p := &ps[0]
			p.Releasability = r
			if err := tx.UpdateProgramme(t.Context(), p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// sees reports whether c's principal may see c's record.
func (c cell) sees() bool {
	if c.p.public() {
		return entente.Anonymous.MaySee(c.r.release)
	}
	return (&entente.Principal{Kind: entente.PrincipalUser, Role: c.p.role, Partner: c.p.partner}).MaySee(c.r.release)
}

// released is a read of the record: 404 for whom it is hidden from, as
// for a record that does not exist.
func released(status int) func(cell) int {
	return func(c cell) int {
		if !c.sees() {
			return http.StatusNotFound
		}
		return status
	}
}

// cell is one request of the matrix; n numbers it, for fresh names.
type cell struct {
	p *principal
	r record
	n int
	// made is what the cell's fresh record is (an activity's id, a
	// session's or token's id, a user's name), made before the request.
	made string
	// version, if set, is sent as If-Match: the version of the record
	// the cell changes, as its GET answers it.
	version string
}

// route says how to request a route for a cell and what it answers.
type route struct {
	// prepare, if set, makes the cell's fresh record first.
	prepare func(m *matrix, c *cell)
	path    func(c cell) string
	// body is a JSON body for the API, form values for pages (the CSRF
	// token is added).
	body func(c cell) string
	want func(c cell) int
}

func fixed(path string) func(cell) string { return func(cell) string { return path } }

// The expectations.
func everyone(status int) func(cell) int { return func(cell) int { return status } }

// signedIn: the public is sent to sign in (a page) or refused (a form).
func signedIn(status, public int) func(cell) int {
	return func(c cell) int {
		if c.p.public() {
			return public
		}
		return status
	}
}

func adminOnly(status, public int) func(cell) int {
	return func(c cell) int {
		switch {
		case c.p.public():
			return public
		case c.p.role == entente.RoleAdmin:
			return status
		}
		return http.StatusForbidden
	}
}

// staffOnly is for what staff and admins may do or read.
func staffOnly(status, public int) func(cell) int {
	return func(c cell) int {
		switch {
		case c.p.public():
			return public
		case c.p.role == entente.RoleAdmin || c.p.role == entente.RoleStaff:
			return status
		}
		return http.StatusForbidden
	}
}

// partnerWork is for what a liaison may do within its own partner's
// programmes, and staff and admins within every one.
func partnerWork(status int) func(cell) int {
	return func(c cell) int {
		switch {
		case c.p.public():
			return http.StatusUnauthorized
		case c.p.role == entente.RoleAdmin || c.p.role == entente.RoleStaff:
			return status
		case c.p.role == entente.RoleLiaison && c.p.partner == c.r.partner:
			return status
		}
		return http.StatusForbidden
	}
}

// matrix is the server under test and its principals.
type matrix struct {
	t     *testing.T
	svc   *service.Service
	base  string
	n     int
	staff *principal
}

// activity proposes a fresh activity in c's programme.
func (m *matrix) activity(c *cell) {
	a, err := m.svc.ProposeActivity(operator(m.t), service.ProposeRequest{Programme: c.r.programme, Title: fmt.Sprintf("Matrix talks %d", c.n),
		Date: entente.MustParseDate("2025-03-01")})
	if err != nil {
		m.t.Fatal(err)
	}
	c.made = a.ID
	c.version = entente.Version(*a)
}

// session starts a fresh session for c's principal (staff's for the
// public).
func (m *matrix) session(c *cell) {
	p := c.p
	if p.public() {
		p = m.staff
	}
	sec, err := m.svc.StartSession(m.t.Context(), p.acct, "127.0.0.1", "matrix")
	if err != nil {
		m.t.Fatal(err)
	}
	s, err := m.svc.Store.FindSessionByHash(m.t.Context(), secret.Hash(sec))
	if err != nil {
		m.t.Fatal(err)
	}
	c.made = strconv.FormatInt(s.ID, 10) + " " + sec
}

// token makes a fresh token for c's principal (staff's for the public).
func (m *matrix) token(c *cell) {
	p := c.p
	if p.public() {
		p = m.staff
	}
	_, t, err := m.svc.CreateToken(operator(m.t), service.TokenRequest{User: p.acct.Name, Scopes: []string{"read"}})
	if err != nil {
		m.t.Fatal(err)
	}
	c.made = strconv.FormatInt(t.ID, 10)
}

// user adds a fresh reader, disabled if disabled.
func (m *matrix) user(disabled bool) func(*matrix, *cell) {
	return func(m *matrix, c *cell) {
		name := fmt.Sprintf("matrix-user-%d", c.n)
		if _, err := m.svc.AddUser(operator(m.t), service.UserRequest{Name: name, Role: entente.RoleReader, Password: password}); err != nil {
			m.t.Fatal(err)
		}
		if disabled {
			if _, err := m.svc.SetUserDisabled(operator(m.t), name, true); err != nil {
				m.t.Fatal(err)
			}
		}
		c.made = name
	}
}

// hiddenOr is a write to the record that finds it first: the public is
// refused first (401); a record hidden from the principal is not found,
// as one that does not exist; else want decides. (Writes that check the
// role first, staff's reviews and objectives, refuse a hidden record
// and a missing one alike: 403.)
func hiddenOr(want func(cell) int) func(cell) int {
	return func(c cell) int {
		if !c.p.public() && !c.sees() {
			return http.StatusNotFound
		}
		return want(c)
	}
}

// signInFirst is a form's page: the public is sent to sign in (303);
// else want decides.
func signInFirst(want func(cell) int) func(cell) int {
	return func(c cell) int {
		if c.p.public() {
			return http.StatusSeeOther
		}
		return want(c)
	}
}

// recordForm is a goal or objective form (programme_forms.go): the public
// is sent to sign in (a page, 303) or refused (a post, 401); a programme
// hidden from the principal is not found; else want decides.
func recordForm(public int, want func(cell) int) func(cell) int {
	return func(c cell) int {
		switch {
		case c.p.public():
			return public
		case !c.sees():
			return http.StatusNotFound
		}
		return want(c)
	}
}

// routeTable is the matrix's table: every route of the router, by its
// pattern.
func routeTable(static string) map[string]route {
	read := everyone(http.StatusOK)
	prog := func(suffix string) func(cell) string {
		return func(c cell) string { return "/api/v1/programmes/" + c.r.programme + suffix }
	}
	table := map[string]route{
		"GET /metrics":     {path: fixed("/metrics"), want: read}, // from loopback
		"GET /static/":     {path: fixed(static), want: read},
		"GET /healthz":     {path: fixed("/healthz"), want: read},
		"GET /readyz":      {path: fixed("/readyz"), want: read},
		"GET /{$}":         {path: fixed("/"), want: read},
		"/":                {path: fixed("/no-such-page"), want: everyone(http.StatusNotFound)},
		"GET /members":     {path: fixed("/members"), want: read},
		"GET /partners":    {path: fixed("/partners"), want: read},
		"GET /countries":   {path: fixed("/countries"), want: read},
		"GET /operations":  {path: fixed("/operations"), want: read},
		"GET /meetings":    {path: fixed("/meetings"), want: read},
		"GET /sources":     {path: fixed("/sources"), want: read},
		"GET /coverage":    {path: fixed("/coverage"), want: read},
		"GET /timeline":    {path: fixed("/timeline"), want: read},
		"GET /privacy":     {path: fixed("/privacy"), want: read},
		"GET /stats":       {path: fixed("/stats"), want: read},
		"GET /menu":        {path: fixed("/menu"), want: read},
		"GET /search":      {path: func(c cell) string { return "/search?q=" + c.r.programme }, want: read},
		"GET /programmes":  {path: fixed("/programmes"), want: read},
		"GET /login":       {path: fixed("/login"), want: read},
		"GET /setup":       {path: fixed("/setup"), want: everyone(http.StatusGone)}, // accounts exist
		"GET /audit":       {path: fixed("/audit"), want: staffOnly(http.StatusOK, http.StatusUnauthorized)},
		"GET /account":     {path: fixed("/account"), want: signedIn(http.StatusOK, http.StatusSeeOther)},
		"GET /admin/users": {path: fixed("/admin/users"), want: adminOnly(http.StatusOK, http.StatusSeeOther)},
		"GET /admin/users/{name}": {prepare: func(m *matrix, c *cell) { m.user(false)(m, c) },
			path: func(c cell) string { return "/admin/users/" + c.made }, want: adminOnly(http.StatusOK, http.StatusSeeOther)},
		"GET /account/password":             {path: fixed("/account/password"), want: signedIn(http.StatusOK, http.StatusSeeOther)},
		"GET /account/tokens":               {path: fixed("/account/tokens"), want: signedIn(http.StatusOK, http.StatusSeeOther)},
		"GET /collective-defence":           {path: fixed("/collective-defence"), want: read},
		"GET /countries/{iso3}":             {path: func(c cell) string { return "/countries/" + c.r.partner }, want: read},
		"GET /partners/{iso3}":              {path: func(c cell) string { return "/partners/" + c.r.partner }, want: read},
		"GET /calendar":                     {path: fixed("/calendar?month=2025-03"), want: read},
		"GET /calendar/list":                {path: fixed("/calendar/list?partner=NZL"), want: read},
		"GET /programmes/{id}/calendar.ics": {path: func(c cell) string { return "/programmes/" + c.r.programme + "/calendar.ics" }, want: released(http.StatusOK)},
		"GET /countries/{iso3}/accession":   {path: func(c cell) string { return "/countries/" + c.r.partner + "/accession" }, want: read},
		"GET /countries/{iso3}/accession/{step}": {path: func(c cell) string { return "/countries/" + c.r.partner + "/accession/apply" },
			want: staffOnly(http.StatusOK, http.StatusSeeOther)},
		"GET /programmes/{id}":              {path: func(c cell) string { return "/programmes/" + c.r.programme }, want: released(http.StatusOK)},
		"GET /programmes/{id}/diff/{other}": {path: func(c cell) string { return "/programmes/" + c.r.older + "/diff/" + c.r.programme }, want: released(http.StatusOK)},
		"GET /history/{entity}/{key...}":    {prepare: (*matrix).activity, path: func(c cell) string { return "/history/activity/" + c.made }, want: released(http.StatusOK)},
		"GET /activities/{id}":              {prepare: (*matrix).activity, path: func(c cell) string { return "/activities/" + c.made }, want: released(http.StatusOK)},
		"GET /programmes/{id}/goals/new": {path: func(c cell) string { return "/programmes/" + c.r.programme + "/goals/new" },
			want: recordForm(http.StatusSeeOther, partnerWork(http.StatusOK))},
		"GET /programmes/{id}/goals/{code}": {path: func(c cell) string { return "/programmes/" + c.r.programme + "/goals/G-MATRIX" },
			want: recordForm(http.StatusSeeOther, partnerWork(http.StatusOK))},
		"GET /programmes/{id}/objectives/new": {path: func(c cell) string { return "/programmes/" + c.r.programme + "/objectives/new" },
			want: recordForm(http.StatusSeeOther, staffOnly(http.StatusOK, http.StatusSeeOther))},
		"GET /programmes/{id}/objectives/{code}": {path: func(c cell) string { return "/programmes/" + c.r.programme + "/objectives/cyber-defence" },
			want: recordForm(http.StatusSeeOther, staffOnly(http.StatusOK, http.StatusSeeOther))},
		"POST /programmes/{id}/goals": {path: func(c cell) string { return "/programmes/" + c.r.programme + "/goals" }, body: func(c cell) string {
			return url.Values{"version": {""}, "code": {fmt.Sprintf("F%d", c.n)}, "objective": {"cyber-defence"}, "title": {"A goal from the form"}}.Encode()
		}, want: recordForm(http.StatusUnauthorized, partnerWork(http.StatusSeeOther))},
		"POST /programmes/{id}/objectives": {path: func(c cell) string { return "/programmes/" + c.r.programme + "/objectives" }, body: func(c cell) string {
			return url.Values{"version": {""}, "code": {fmt.Sprintf("form-%d", c.n)}, "area": {"cyber-defence"}, "title": {"An objective from the form"}}.Encode()
		}, want: recordForm(http.StatusUnauthorized, staffOnly(http.StatusSeeOther, http.StatusUnauthorized))},

		"POST /consent": {path: fixed("/consent"), body: fixed("choice=reject&back=/"), want: everyone(http.StatusSeeOther)},
		"POST /login":   {path: fixed("/login"), body: fixed("name=&password="), want: everyone(http.StatusBadRequest)},
		"POST /logout":  {prepare: (*matrix).session, path: fixed("/logout"), want: everyone(http.StatusSeeOther)},
		"POST /setup":   {path: fixed("/setup"), body: fixed("token=x&name=x&password=x&password2=x"), want: everyone(http.StatusGone)},
		"POST /account/sessions/{id}/revoke": {prepare: (*matrix).session, path: func(c cell) string {
			id, _, _ := strings.Cut(c.made, " ")
			return "/account/sessions/" + id + "/revoke"
		}, want: signedIn(http.StatusSeeOther, http.StatusUnauthorized)},
		// The rule refuses the partners' applications (not European
		// states): a form sent as far as the rule writes nothing.
		"POST /countries/{iso3}/accession/{step}": {path: func(c cell) string { return "/countries/" + c.r.partner + "/accession/apply" },
			body: fixed("date=2026-03-02&confirm=yes"), want: staffOnly(http.StatusUnprocessableEntity, http.StatusUnauthorized)},
		// A form without its file, and a confirmation of no preview:
		// refused by role first, and writing nothing either way.
		"POST /menu/preview":   {path: fixed("/menu/preview"), body: fixed("file="), want: staffOnly(http.StatusBadRequest, http.StatusUnauthorized)},
		"POST /menu/import":    {path: fixed("/menu/import"), body: fixed("token=x&sha256=y"), want: staffOnly(http.StatusBadRequest, http.StatusUnauthorized)},
		"POST /account/tokens": {path: fixed("/account/tokens"), body: fixed("scope=read&expires=90"), want: signedIn(http.StatusCreated, http.StatusUnauthorized)},
		"POST /account/tokens/{id}/revoke": {prepare: (*matrix).token, path: func(c cell) string { return "/account/tokens/" + c.made + "/revoke" },
			want: signedIn(http.StatusSeeOther, http.StatusUnauthorized)},
		"POST /admin/users": {path: fixed("/admin/users"), body: func(c cell) string {
			return url.Values{"name": {fmt.Sprintf("matrix-new-%d", c.n)}, "role": {"reader"}, "password": {password}}.Encode()
		}, want: adminOnly(http.StatusSeeOther, http.StatusUnauthorized)},
		"POST /admin/users/{name}/disable": {prepare: func(m *matrix, c *cell) { m.user(false)(m, c) },
			path: func(c cell) string { return "/admin/users/" + c.made + "/disable" }, want: adminOnly(http.StatusSeeOther, http.StatusUnauthorized)},
		"POST /admin/users/{name}/role": {prepare: func(m *matrix, c *cell) { m.user(false)(m, c) }, body: fixed("role=staff"),
			path: func(c cell) string { return "/admin/users/" + c.made + "/role" }, want: adminOnly(http.StatusSeeOther, http.StatusUnauthorized)},
		"POST /admin/users/{name}/password": {prepare: func(m *matrix, c *cell) { m.user(false)(m, c) },
			body: fixed(url.Values{"new-password": {password}}.Encode()),
			path: func(c cell) string { return "/admin/users/" + c.made + "/password" }, want: adminOnly(http.StatusSeeOther, http.StatusUnauthorized)},
		// A wrong current password: the form answers 400 and changes
		// nothing, so the matrix's principals keep theirs.
		"POST /account/password": {path: fixed("/account/password"), body: fixed("current-password=not+it&new-password=another+long+password"),
			want: signedIn(http.StatusBadRequest, http.StatusUnauthorized)},
		"POST /admin/users/{name}/enable": {prepare: func(m *matrix, c *cell) { m.user(true)(m, c) },
			path: func(c cell) string { return "/admin/users/" + c.made + "/enable" }, want: adminOnly(http.StatusSeeOther, http.StatusUnauthorized)},

		"GET /api/v1/openapi.json":                        {path: fixed("/api/v1/openapi.json"), want: read},
		"GET /api/docs":                                   {path: fixed("/api/docs"), want: read},
		"GET /api/v1/alliances":                           {path: fixed("/api/v1/alliances"), want: read},
		"GET /api/v1":                                     {path: fixed("/api/v1"), want: read},
		"GET /api/v1/countries":                           {path: fixed("/api/v1/countries?limit=5"), want: read},
		"GET /api/v1/alliances/{code}/frameworks":         {path: fixed("/api/v1/alliances/NATO/frameworks"), want: read},
		"GET /api/v1/alliances/{code}/groups":             {path: fixed("/api/v1/alliances/NATO/groups"), want: read},
		"GET /api/v1/alliances/{code}/operations":         {path: fixed("/api/v1/alliances/NATO/operations"), want: read},
		"GET /api/v1/alliances/{code}/operations/{op}":    {path: fixed("/api/v1/alliances/NATO/operations/ISAF"), want: read},
		"GET /api/v1/alliances/{code}/meetings":           {path: fixed("/api/v1/alliances/NATO/meetings"), want: read},
		"GET /api/v1/alliances/{code}/defence-events":     {path: fixed("/api/v1/alliances/NATO/defence-events"), want: read},
		"GET /api/v1/export":                              {path: fixed("/api/v1/export"), want: read},
		"GET /api/v1/alliances/{code}":                    {path: fixed("/api/v1/alliances/NATO"), want: read},
		"GET /api/v1/alliances/{code}/members":            {path: fixed("/api/v1/alliances/NATO/members"), want: read},
		"GET /api/v1/alliances/{code}/partners":           {path: fixed("/api/v1/alliances/NATO/partners"), want: read},
		"GET /api/v1/alliances/{code}/accession/{iso3}":   {path: func(c cell) string { return "/api/v1/alliances/NATO/accession/" + c.r.partner }, want: read},
		"GET /api/v1/alliances/{code}/memberships/{iso3}": {path: fixed("/api/v1/alliances/NATO/memberships/FIN"), want: read},
		"GET /api/v1/countries/{iso3}":                    {path: func(c cell) string { return "/api/v1/countries/" + c.r.partner }, want: read},
		"GET /api/v1/partners/{iso3}/profile":             {path: func(c cell) string { return "/api/v1/partners/" + c.r.partner + "/profile" }, want: read},
		"GET /api/v1/coverage":                            {path: fixed("/api/v1/coverage"), want: read},
		"GET /api/v1/timeline":                            {path: func(c cell) string { return "/api/v1/timeline?country=" + c.r.partner }, want: read},
		"GET /api/v1/programmes":                          {path: func(c cell) string { return "/api/v1/programmes?partner=" + c.r.partner }, want: read},
		"GET /api/v1/programmes/{id}":                     {path: prog(""), want: released(http.StatusOK)},
		"GET /api/v1/programmes/{id}/progress":            {path: prog("/progress"), want: released(http.StatusOK)},
		"GET /api/v1/programmes/{id}/progress.svg":        {path: prog("/progress.svg"), want: released(http.StatusOK)},
		"GET /api/v1/programmes/{id}/activities":          {path: prog("/activities"), want: released(http.StatusOK)},
		"GET /api/v1/programmes/{id}/goals/{code}":        {path: prog("/goals/G-MATRIX"), want: released(http.StatusOK)},
		"GET /api/v1/programmes/{id}/objectives/{code}":   {path: prog("/objectives/cyber-defence"), want: released(http.StatusOK)},
		"GET /api/v1/programmes/{id}/diff/{other}":        {path: func(c cell) string { return "/api/v1/programmes/" + c.r.older + "/diff/" + c.r.programme }, want: released(http.StatusOK)},
		"GET /api/v1/history/{entity}/{key...}":           {prepare: (*matrix).activity, path: func(c cell) string { return "/api/v1/history/activity/" + c.made }, want: released(http.StatusOK)},
		"GET /api/v1/activities/{id}":                     {prepare: (*matrix).activity, path: func(c cell) string { return "/api/v1/activities/" + c.made }, want: released(http.StatusOK)},
		"GET /api/v1/menu":                                {path: fixed("/api/v1/menu"), want: read},
		"GET /api/v1/sources":                             {path: fixed("/api/v1/sources"), want: read},
		"GET /api/v1/search":                              {path: func(c cell) string { return "/api/v1/search?q=" + c.r.programme }, want: read},
		"GET /api/v1/audit":                               {path: fixed("/api/v1/audit?limit=1"), want: staffOnly(http.StatusOK, http.StatusUnauthorized)},
		"GET /api/v1/audit/verify":                        {path: fixed("/api/v1/audit/verify"), want: staffOnly(http.StatusOK, http.StatusUnauthorized)},
		"GET /api/v1/changes":                             {path: fixed("/api/v1/changes?limit=5"), want: read},
		"GET /feeds/changes.atom":                         {path: fixed("/feeds/changes.atom"), want: read},
		"GET /feeds/partners/{feed}":                      {path: func(c cell) string { return "/feeds/partners/" + c.r.partner + ".atom" }, want: read},

		"POST /api/v1/programmes": {path: fixed("/api/v1/programmes"), body: func(c cell) string {
			return fmt.Sprintf(`{"id":"%s-ITPP-%d","alliance":"NATO","partner":%q,"type":"ITPP","title":"Matrix %d","agreed":"%d-01-01"}`,
				c.r.partner, 2100+c.n, c.r.partner, c.n, 2030+c.n)
		}, want: staffOnly(http.StatusCreated, http.StatusUnauthorized)},
		"POST /api/v1/programmes/{id}/reviews": {path: prog("/reviews"), body: fixed(`{"note":"a look"}`), want: staffOnly(http.StatusCreated, http.StatusUnauthorized)},
		"POST /api/v1/programmes/{id}/objectives": {path: prog("/objectives"), body: func(c cell) string {
			return fmt.Sprintf(`{"code":"matrix-%d","area":"cyber-defence","title":"Cyber %d"}`, c.n, c.n)
		}, want: staffOnly(http.StatusOK, http.StatusUnauthorized)},
		"POST /api/v1/programmes/{id}/goals": {path: prog("/goals"), body: func(c cell) string {
			return fmt.Sprintf(`{"code":"M%d","objective":"cyber-defence","title":"A goal %d"}`, c.n, c.n)
		}, want: hiddenOr(partnerWork(http.StatusOK))},
		"POST /api/v1/activities": {path: fixed("/api/v1/activities"), body: func(c cell) string {
			return fmt.Sprintf(`{"programme":%q,"title":"Matrix %d","date":"2025-03-01"}`, c.r.programme, c.n)
		}, want: hiddenOr(partnerWork(http.StatusCreated))},
		// An application by a partner (already a partner, so refused by
		// the rules for staff: nothing is written either way).
		"POST /api/v1/alliances/{code}/accession/{iso3}/{step}": {path: func(c cell) string { return "/api/v1/alliances/NATO/accession/" + c.r.partner + "/apply" },
			body: fixed(`{"date":"2026-03-02"}`), want: staffOnly(http.StatusUnprocessableEntity, http.StatusUnauthorized)},
		"POST /api/v1/activities/{id}/{step}": {prepare: (*matrix).activity, path: func(c cell) string { return "/api/v1/activities/" + c.made + "/approve" },
			body: fixed(`{"date":"2025-03-02"}`), want: hiddenOr(staffOnly(http.StatusOK, http.StatusUnauthorized))},
		"POST /activities/{id}/steps/{step}": {prepare: (*matrix).activity, path: func(c cell) string { return "/activities/" + c.made + "/steps/approve" },
			body: fixed("date=2025-03-02"), want: hiddenOr(staffOnly(http.StatusSeeOther, http.StatusUnauthorized))},
		"GET /activities/{id}/edit": {prepare: (*matrix).activity, path: func(c cell) string { return "/activities/" + c.made + "/edit" },
			want: signInFirst(hiddenOr(partnerWork(http.StatusOK)))},
		"POST /activities/{id}/edit": {prepare: (*matrix).activity, path: func(c cell) string { return "/activities/" + c.made + "/edit" },
			body: func(c cell) string { return fmt.Sprintf("title=Matrix+edited+%d", c.n) }, want: hiddenOr(partnerWork(http.StatusSeeOther))},
		"GET /programmes/{id}/propose": {path: func(c cell) string { return "/programmes/" + c.r.programme + "/propose" },
			want: signInFirst(hiddenOr(partnerWork(http.StatusOK)))},
		"POST /programmes/{id}/propose": {path: func(c cell) string { return "/programmes/" + c.r.programme + "/propose" },
			body: func(c cell) string { return fmt.Sprintf("title=Matrix+form+%d", c.n) }, want: hiddenOr(partnerWork(http.StatusSeeOther))},
		"GET /programmes/agree": {path: fixed("/programmes/agree"), want: staffOnly(http.StatusOK, http.StatusSeeOther)},
		// Without confirm=yes, agreeing shows the check-your-answers page
		// and writes nothing.
		"POST /programmes/agree": {path: fixed("/programmes/agree"), body: func(c cell) string {
			return fmt.Sprintf("partner=%s&code=%s-ITPP-%d&type=ITPP&title=Matrix+%d", c.r.partner, c.r.partner, 3100+c.n, c.n)
		}, want: staffOnly(http.StatusOK, http.StatusUnauthorized)},
		"POST /programmes/{id}/reviews": {path: func(c cell) string { return "/programmes/" + c.r.programme + "/reviews" },
			body: fixed("note=a+look"), want: staffOnly(http.StatusSeeOther, http.StatusUnauthorized)},
		"POST /areas": {path: fixed("/areas"), body: func(c cell) string { return fmt.Sprintf("code=matrix-area-%d&name=Matrix+%d", c.n, c.n) },
			want: staffOnly(http.StatusSeeOther, http.StatusUnauthorized)},
		"POST /api/v1/menu": {path: fixed("/api/v1/menu?name=menu.csv"), body: func(c cell) string {
			return fmt.Sprintf("code,title,kind,provider,capacity,area\nMATRIX-%d,Cyber course,course,NATO School,20,cyber-defence\n", c.n)
		}, want: staffOnly(http.StatusOK, http.StatusUnauthorized)},
	}
	addFactRows(table)
	return table
}

// TestAuthorizationMatrix runs the matrix on SQLite and PostgreSQL: one
// store per engine, fresh records for the cells that use one up. Every
// refused cell (401, 403) must leave the audit as it was: nothing written.
func TestAuthorizationMatrix(t *testing.T) {
	onEngines(t, func(t *testing.T, dsn string) {
		svc := openService(t, dsn)
		h, err := web.New(svc, web.Config{Logger: quietLog, MaxInFlight: -1})
		if err != nil {
			t.Fatal(err)
		}
		srv := serve(t, h)
		m := &matrix{t: t, svc: svc, base: srv.URL}
		ps := m.principals()
		records := []record{
			{"NZL", "NZL", "NZL-ITPP-2024", "NZL-IPCP-2012", entente.Releasability{}},
			{"AUS", "AUS", "AUS-ITPP-2023", "AUS-IPCP-2013", entente.ReleasableToCountries("AUS")},
			{"ALLIANCE", "JPN", "JPN-ITPP-2023", "JPN-IPCP-2014", entente.AllianceOnly()},
		}
		for _, r := range records[1:] { // the goals' objective, and the marking
			if _, err := svc.PutObjective(operator(t), service.ObjectiveRequest{Programme: r.programme, Code: "cyber-defence", Area: "cyber-defence", Title: "Cyber defence"}); err != nil {
				t.Fatal(err)
			}
			mark(t, svc, r.release, r.programme, r.older)
		}
		for _, r := range records { // a goal to read
			if _, err := svc.PutGoal(operator(t), service.GoalRequest{Programme: r.programme, Code: "G-MATRIX", Objective: "cyber-defence", Title: "A goal to read"}); err != nil {
				t.Fatal(err)
			}
		}

		// An asset's address carries its checksum: the stylesheet's.
		_, home := m.get("/", "")
		static := between(home, `<link rel="stylesheet" href="`, `"`)
		if !strings.HasPrefix(static, "/static/") {
			t.Fatalf("no stylesheet in the home page: %q", static)
		}
		table := routeTable(static)
		routes := h.Routes()
		for _, pattern := range routes {
			if _, ok := table[pattern]; !ok {
				t.Errorf("route %s has no row in the authorization matrix: add one saying who may use it", pattern)
			}
		}
		for pattern := range table {
			if !slices.Contains(routes, pattern) {
				t.Errorf("the matrix has a row for %s, which the router no longer lists", pattern)
			}
		}
		// Agreeing a programme supersedes the partner's active one: last.
		slices.SortStableFunc(routes, func(a, b string) int {
			return boolInt(a == "POST /api/v1/programmes") - boolInt(b == "POST /api/v1/programmes")
		})
		cells, fails := 0, 0
		for _, pattern := range routes {
			row, ok := table[pattern]
			if !ok {
				continue
			}
			for _, p := range ps {
				for _, r := range records {
					m.n++
					c := cell{p: p, r: r, n: m.n}
					if row.prepare != nil {
						row.prepare(m, &c)
					}
					want := row.want(c)
					before := m.lastAudit()
					got, body := m.do(pattern, row, c)
					cells++
					if got != want {
						fails++
						t.Errorf("%s as %s on the %s record: %d, want %d\n%.300s", pattern, p.name, r.name, got, want, body)
					}
					if (want == http.StatusUnauthorized || want == http.StatusForbidden) && m.lastAudit() != before {
						t.Errorf("%s as %s on the %s record was refused but wrote to the audit", pattern, p.name, r.name)
					}
				}
			}
		}
		t.Logf("authorization matrix: %d routes × %d principals × %d records = %d cells (%d failed)", len(routes), len(ps), len(records), cells, fails)
		if want := len(routes) * len(ps) * len(records); cells != want {
			t.Errorf("ran %d cells, want %d", cells, want)
		}
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// principals adds the matrix's accounts, with a token and a session each.
func (m *matrix) principals() []*principal {
	t := m.t
	ps := []*principal{
		{name: "public", role: entente.RolePublic},
		{name: "reader", role: entente.RoleReader},
		{name: "liaison NZL", role: entente.RoleLiaison, partner: "NZL"},
		{name: "liaison AUS", role: entente.RoleLiaison, partner: "AUS"},
		{name: "staff", role: entente.RoleStaff},
		{name: "admin", role: entente.RoleAdmin},
	}
	for _, p := range ps {
		if p.public() {
			// A visitor with a pre-session cookie and its token: the
			// public's forms pass the CSRF check, so what answers is the
			// authorization.
			c := browser(t)
			p.csrf = formToken(t, c, m.base+"/login")
			u, _ := url.Parse(m.base)
			for _, ck := range c.Jar.Cookies(u) {
				if ck.Name == "entente-csrf" {
					p.session = "entente-csrf=" + ck.Value
				}
			}
			continue
		}
		name := strings.ReplaceAll(p.name, " ", "-")
		a, err := m.svc.AddUser(operator(t), service.UserRequest{Name: name, Role: p.role, Partner: p.partner, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		p.acct = a
		scopes := []string{"write"}
		if p.role == entente.RoleAdmin {
			scopes = append(scopes, "admin")
		}
		if p.token, _, err = m.svc.CreateToken(operator(t), service.TokenRequest{User: name, Scopes: scopes}); err != nil {
			t.Fatal(err)
		}
		sec, err := m.svc.StartSession(t.Context(), a, "127.0.0.1", "matrix")
		if err != nil {
			t.Fatal(err)
		}
		p.session = "entente-session=" + sec
		_, body := m.get("/account", p.session)
		p.csrf = formTokenIn(t, body)
		if p.role == entente.RoleStaff {
			m.staff = p
		}
	}
	return ps
}

// get fetches path with the cookie.
func (m *matrix) get(path, cookie string) (int, string) {
	req, _ := http.NewRequest("GET", m.base+path, nil)
	req.Header.Set("Cookie", cookie)
	return m.roundTrip(req)
}

func (m *matrix) roundTrip(req *http.Request) (int, string) {
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// do makes c's request for the route: to the API with the principal's
// token, to pages with its session cookie (and CSRF token on forms).
func (m *matrix) do(pattern string, row route, c cell) (int, string) {
	method, _, ok := strings.Cut(pattern, " ")
	if !ok {
		method = "GET"
	}
	path := row.path(c)
	body := ""
	if row.body != nil {
		body = row.body(c)
	}
	api := strings.HasPrefix(path, "/api/")
	if !api && method == "POST" {
		v, _ := url.ParseQuery(body)
		v.Set("csrf", c.p.csrf)
		body = v.Encode()
	}
	req, _ := http.NewRequest(method, m.base+path, strings.NewReader(body))
	if c.version != "" {
		req.Header.Set("If-Match", c.version)
	}
	switch {
	case api && strings.HasPrefix(path, "/api/v1/menu"):
		req.Header.Set("Content-Type", "text/csv")
	case api:
		req.Header.Set("Content-Type", "application/json")
	default:
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	switch {
	case api && c.p.token != "":
		req.Header.Set("Authorization", "Bearer "+c.p.token)
	case !api && pattern == "POST /logout" && !c.p.public():
		// Signing out ends the session: a fresh one, whose CSRF token
		// the form carries.
		_, sec, _ := strings.Cut(c.made, " ")
		req.Header.Set("Cookie", "entente-session="+sec)
		_, page := m.get("/account", "entente-session="+sec)
		v, _ := url.ParseQuery(body)
		v.Set("csrf", formTokenIn(m.t, page))
		req.Body = io.NopCloser(strings.NewReader(v.Encode()))
		req.ContentLength = int64(len(v.Encode()))
	case !api:
		req.Header.Set("Cookie", c.p.session)
	}
	return m.roundTrip(req)
}

// lastAudit is the id of the audit's newest event.
func (m *matrix) lastAudit() int64 {
	evs, err := m.svc.Store.FindAuditEvents(m.t.Context(), entente.AuditFilter{Limit: 1})
	if err != nil {
		m.t.Fatal(err)
	}
	if len(evs) == 0 {
		return 0
	}
	return evs[0].ID
}
