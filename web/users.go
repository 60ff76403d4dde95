package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// The users page (/admin/users): an admin lists the accounts, adds one
// with a role (a liaison bound to its partner) and a first password, and
// disables or enables one, as `entente user` does. The service checks
// that the one acting is an admin; the others are answered 403.

func (s *Server) userRoutes() {
	m := s.mux
	m.HandleFunc("GET /admin/users", s.pageUsers)
	m.HandleFunc("POST /admin/users", s.postUser)
	m.HandleFunc("POST /admin/users/{name}/disable", s.postUserDisabled(true))
	m.HandleFunc("POST /admin/users/{name}/enable", s.postUserDisabled(false))
}

// roleHints say what each role may do, on the form.
var roleHints = map[entente.Role]string{
	entente.RoleAdmin:   "Manages users and tokens, and does what staff do.",
	entente.RoleStaff:   "The alliance's staff: reads and changes every record.",
	entente.RoleLiaison: "A partner's liaison: works within that partner's own programmes; cannot approve or agree.",
	entente.RoleReader:  "Signs in to read; changes nothing.",
}

// usersData is the users page's.
type usersData struct {
	Me     *entente.Account
	Users  []entente.Account
	Form   userForm
	Errors formErrors
	// Added names the account just added.
	Added     string
	Roles     []roleChoice
	MinLength int
}

type userForm struct {
	Name, Role, Partner string
}

type roleChoice struct {
	Role entente.Role
	Hint string
}

// renderUsers lists the accounts, which only an admin may, and renders
// the page with d's form.
func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, si *signedIn, status int, d usersData) {
	users, err := s.svc.Users(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Me, d.Users, d.MinLength = si.account, users, entente.MinPasswordLength
	for _, role := range entente.Roles {
		d.Roles = append(d.Roles, roleChoice{role, roleHints[role]})
	}
	title := "Users"
	if len(d.Errors) > 0 {
		title = "Error: " + title
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "users.html", page{Title: title, Data: d, Timeless: true})
}

func (s *Server) pageUsers(w http.ResponseWriter, r *http.Request) {
	si := s.signedInOr(w, r)
	if si == nil {
		return
	}
	s.renderUsers(w, r, si, http.StatusOK, usersData{Added: r.URL.Query().Get("added"), Form: userForm{Role: string(entente.RoleReader)}})
}

// postUser adds an account from the form.
func (s *Server) postUser(w http.ResponseWriter, r *http.Request) {
	si := s.signedInOr(w, r)
	if si == nil {
		return
	}
	// Only an admin may see the form's answer, errors included.
	if _, err := s.svc.Users(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	f := userForm{Name: strings.TrimSpace(r.PostForm.Get("name")), Role: r.PostForm.Get("role"),
		Partner: strings.ToUpper(strings.TrimSpace(r.PostForm.Get("partner")))}
	password := r.PostForm.Get("password")
	d := usersData{Form: f}
	role := entente.Role(f.Role)
	if !entente.ValidAccountName(f.Name) {
		d.Errors = append(d.Errors, fieldError{"name", "Enter a user name of 1 to 64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit"})
	}
	switch {
	case !entente.ValidRole(role):
		d.Errors = append(d.Errors, fieldError{"role-" + string(entente.Roles[0]), "Choose a role"})
	case role == entente.RoleLiaison && !entente.ValidCountryCode(f.Partner):
		d.Errors = append(d.Errors, fieldError{"partner", "Enter the three-letter code of the liaison's partner, such as NZL"})
	case role != entente.RoleLiaison && f.Partner != "":
		d.Errors = append(d.Errors, fieldError{"partner", "Only a liaison is bound to a partner: leave the partner empty, or choose liaison"})
	}
	if utf8.RuneCountInString(password) < entente.MinPasswordLength {
		d.Errors = append(d.Errors, fieldError{"password", "Enter a first password of at least " + plural(entente.MinPasswordLength, "character")})
	}
	if len(d.Errors) == 0 {
		_, err := s.svc.AddUser(r.Context(), service.UserRequest{Name: f.Name, Role: role, Partner: f.Partner, Password: password})
		switch code := entente.ErrorCode(err); {
		case err == nil:
			w.Header().Set("Cache-Control", "no-store")
			http.Redirect(w, r, "/admin/users?added="+url.QueryEscape(f.Name), http.StatusSeeOther)
			return
		case code == entente.ECONFLICT:
			d.Errors = formErrors{{"name", "A user named " + f.Name + " exists already: choose another name"}}
		case (code == entente.EINVALID || code == entente.ENOTFOUND) && f.Partner != "":
			d.Errors = formErrors{{"partner", f.Partner + " is not a partner of any alliance here: enter a partner's code, such as NZL"}}
		case code == entente.EINVALID:
			d.Errors = formErrors{{"password", entente.ErrorMessage(err)}}
		default:
			s.fail(w, r, err)
			return
		}
	}
	s.renderUsers(w, r, si, http.StatusBadRequest, d)
}

// postUserDisabled disables or enables the account named in the path.
func (s *Server) postUserDisabled(disabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		si := s.signedInOr(w, r)
		if si == nil {
			return
		}
		if _, err := s.svc.Users(r.Context()); err != nil { // an admin's only
			s.fail(w, r, err)
			return
		}
		name := r.PathValue("name")
		if disabled && name == si.account.Name {
			s.fail(w, r, entente.Errorf(entente.EREFUSED, "you cannot disable your own account: another admin can"))
			return
		}
		if _, err := s.svc.SetUserDisabled(r.Context(), name, disabled); err != nil {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	}
}
