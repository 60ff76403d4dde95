package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// The API tokens page (/account/tokens): a signed-in user lists, creates
// and revokes their own tokens; an admin may list every account's
// (?all=1) and revoke any. It goes through the service, which checks who
// may: the same rules as `entente token`. A new token's secret is shown
// once, in the answer to the form that made it, and never again.

func (s *Server) tokenRoutes() {
	m := s.mux
	m.HandleFunc("GET /account/tokens", s.pageTokens)
	m.HandleFunc("POST /account/tokens", s.postToken)
	m.HandleFunc("POST /account/tokens/{id}/revoke", s.postRevokeToken)
}

// tokenExpiries are the lifetimes the form offers, in days (0: until
// revoked), the first the default.
var tokenExpiries = []int{90, 30, 365, 0}

// tokensData is the tokens page's.
type tokensData struct {
	Account *entente.Account
	// All is set when an admin lists every account's tokens.
	All    bool
	Tokens []tokenRow
	// Form is the creation form's values, kept after an error.
	Form   tokenForm
	Errors formErrors
	// Secret is the token just created, shown once; Created is its row.
	Secret  string
	Created *tokenRow
	// Scopes are the scopes the account may give, with what each allows.
	Scopes   []scopeChoice
	Expiries []int
}

type tokenForm struct {
	Scopes  []string
	Partner string
	Expires int
}

// Has reports whether the form has scope ticked.
func (f tokenForm) Has(scope string) bool { return slices.Contains(f.Scopes, scope) }

type scopeChoice struct{ Name, Hint string }

// tokenRow is one token as the page lists it.
type tokenRow struct {
	ID                         int64
	Name, User, Scopes         string
	Partner                    string
	Created, LastUsed, Expires time.Time
	// Status is "active", "revoked" or "expired".
	Status string
}

func newTokenRow(t *entente.Token, now time.Time) tokenRow {
	row := tokenRow{ID: t.ID, Name: "Token " + strconv.FormatInt(t.ID, 10), User: t.User, Scopes: strings.Join(t.Scopes, ", "),
		Partner: t.Partner, Created: t.Created, LastUsed: t.LastUsed, Expires: t.Expires, Status: "active"}
	switch {
	case !t.Revoked.IsZero():
		row.Status = "revoked"
	case !t.Usable(now):
		row.Status = "expired"
	}
	return row
}

// scopeChoices are the scopes a's tokens may have: the admin scope is an
// admin's only.
func scopeChoices(a *entente.Account) []scopeChoice {
	cs := []scopeChoice{
		{entente.ScopeRead, "Read through the API what your account may read."},
		{entente.ScopeWrite, "Make the changes your account may make (includes read)."},
	}
	if a.Role == entente.RoleAdmin {
		cs = append(cs, scopeChoice{entente.ScopeAdmin, "Manage accounts and tokens (includes write and read)."})
	}
	return append(cs, scopeChoice{entente.ScopeMetrics, "Read /metrics, for a monitoring system."})
}

// renderTokens lists the tokens and renders the page with d's form,
// errors or new secret.
func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, si *signedIn, status int, d tokensData) {
	user := si.account.Name
	if d.All {
		user = ""
	}
	list, err := s.svc.Tokens(r.Context(), user)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.svc.Now()
	d.Account, d.Scopes, d.Expiries = si.account, scopeChoices(si.account), tokenExpiries
	for i := len(list) - 1; i >= 0; i-- { // newest first
		d.Tokens = append(d.Tokens, newTokenRow(&list[i], now))
	}
	title := "API tokens"
	if len(d.Errors) > 0 {
		title = "Error: " + title
	}
	// The page may hold a secret: no cache keeps it, no referrer names it.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, status, "tokens.html", page{Title: title, Data: d, Timeless: true})
}

func (s *Server) pageTokens(w http.ResponseWriter, r *http.Request) {
	si := s.signedInOr(w, r)
	if si == nil {
		return
	}
	d := tokensData{All: r.URL.Query().Get("all") == "1", Form: tokenForm{Expires: tokenExpiries[0]}}
	s.renderTokens(w, r, si, http.StatusOK, d)
}

// postToken creates a token for the signed-in user from the form and
// shows its secret, once.
func (s *Server) postToken(w http.ResponseWriter, r *http.Request) {
	si := s.signedInOr(w, r)
	if si == nil {
		return
	}
	f := tokenForm{Scopes: r.PostForm["scope"], Partner: strings.ToUpper(strings.TrimSpace(r.PostForm.Get("partner")))}
	d := tokensData{Form: f}
	days, err := strconv.Atoi(r.PostForm.Get("expires"))
	if err != nil || !slices.Contains(tokenExpiries, days) {
		d.Errors = append(d.Errors, fieldError{"expires-" + strconv.Itoa(tokenExpiries[0]), "Choose when the token expires"})
	}
	d.Form.Expires = days
	allowed := scopeChoices(si.account)
	for _, sc := range f.Scopes {
		if !slices.ContainsFunc(allowed, func(c scopeChoice) bool { return c.Name == sc }) {
			d.Errors = append(d.Errors, fieldError{"scope-" + allowed[0].Name, "Choose only the scopes listed; " + sc + " is not one you may give"})
			break
		}
	}
	if len(f.Scopes) == 0 {
		d.Errors = append(d.Errors, fieldError{"scope-" + allowed[0].Name, "Choose at least one scope"})
	}
	if si.account.Role == entente.RoleLiaison {
		f.Partner = "" // a liaison's tokens are its partner's whatever the form says
	} else if f.Partner != "" && !entente.ValidCountryCode(f.Partner) {
		d.Errors = append(d.Errors, fieldError{"partner", "Enter a partner's three-letter code, such as NZL, or leave it empty"})
	}
	if len(d.Errors) > 0 {
		slices.SortStableFunc(d.Errors, func(a, b fieldError) int { return fieldOrder(a.Field) - fieldOrder(b.Field) })
		s.renderTokens(w, r, si, http.StatusBadRequest, d)
		return
	}
	sec, t, err := s.svc.CreateToken(r.Context(), service.TokenRequest{User: si.account.Name, Scopes: f.Scopes, Partner: f.Partner,
		TTL: time.Duration(days) * 24 * time.Hour})
	if code := entente.ErrorCode(err); code == entente.EINVALID || code == entente.ENOTFOUND && f.Partner != "" {
		// The binding is what the service may find wrong that the form
		// could not (the country is no partner).
		d.Errors = formErrors{{"partner", f.Partner + " is not a partner of any alliance here: enter a partner's code, such as NZL, or leave it empty"}}
		if f.Partner == "" {
			d.Errors = formErrors{{"scope-" + allowed[0].Name, entente.ErrorMessage(err)}}
		}
		s.renderTokens(w, r, si, http.StatusBadRequest, d)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	row := newTokenRow(t, s.svc.Now())
	s.renderTokens(w, r, si, http.StatusCreated, tokensData{Secret: sec, Created: &row, Form: tokenForm{Expires: tokenExpiries[0]}})
}

// fieldOrder is the order of the token form's fields, for its error
// summary.
func fieldOrder(field string) int {
	switch {
	case strings.HasPrefix(field, "scope"):
		return 0
	case field == "partner":
		return 1
	}
	return 2
}

// postRevokeToken revokes one of the user's tokens (an admin's: any).
func (s *Server) postRevokeToken(w http.ResponseWriter, r *http.Request) {
	si := s.signedInOr(w, r)
	if si == nil {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, entente.Errorf(entente.ENOTFOUND, "no token %q", r.PathValue("id")))
		return
	}
	if _, err := s.svc.RevokeToken(r.Context(), id); err != nil {
		if code := entente.ErrorCode(err); code == entente.ENOTFOUND || code == entente.EFORBIDDEN {
			// Another's token is answered as one that does not exist.
			err = entente.Errorf(entente.ENOTFOUND, "you have no token %d", id)
		}
		s.fail(w, r, err)
		return
	}
	back := "/account/tokens"
	if r.PostForm.Get("all") == "1" {
		back += "?all=1"
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, back, http.StatusSeeOther)
}
