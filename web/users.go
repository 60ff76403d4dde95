package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// The users page (/admin/users): an admin lists the accounts, adds one
// with a role (a liaison bound to its partner) and a first password, and
// disables or enables one, as `entente user` does. The service checks
// that the one acting is an admin; the others are answered 403.

func init() {
	pageParams["GET /admin/users/{name}"] = []string{"done"}
	pageParams["GET /account/password"] = []string{"done"}
}

func (s *Server) userRoutes() {
	m := s.mux
	m.HandleFunc("GET /admin/users", s.pageUsers)
	m.HandleFunc("POST /admin/users", s.postUser)
	m.HandleFunc("POST /admin/users/{name}/disable", s.postUserDisabled(true))
	m.HandleFunc("POST /admin/users/{name}/enable", s.postUserDisabled(false))
	m.HandleFunc("GET /admin/users/{name}", s.pageUser)
	m.HandleFunc("POST /admin/users/{name}/role", s.postUserRole)
	m.HandleFunc("POST /admin/users/{name}/password", s.postUserPassword)
	m.HandleFunc("GET /account/password", s.pageOwnPassword)
	m.HandleFunc("POST /account/password", s.postOwnPassword)
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
	d.Errors = append(d.Errors, roleErrors(role, f.Partner)...)
	d.Errors = append(d.Errors, passwordErrors("password", "a first password", password)...)
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

// roleErrors checks a role and a liaison's partner as the forms take them.
func roleErrors(role entente.Role, partner string) formErrors {
	switch {
	case !entente.ValidRole(role):
		return formErrors{{"role-" + string(entente.Roles[0]), "Choose a role"}}
	case role == entente.RoleLiaison && !entente.ValidCountryCode(partner):
		return formErrors{{"partner", "Enter the three-letter code of the liaison's partner, such as NZL"}}
	case role != entente.RoleLiaison && partner != "":
		return formErrors{{"partner", "Only a liaison is bound to a partner: leave the partner empty, or choose liaison"}}
	}
	return nil
}

// passwordErrors checks a new password's length; what names it in the
// message ("a first password").
func passwordErrors(field, what, password string) formErrors {
	if utf8.RuneCountInString(password) < entente.MinPasswordLength {
		return formErrors{{field, "Enter " + what + " of at least " + plural(entente.MinPasswordLength, "character")}}
	}
	return nil
}

// userData is the page of one account, for an admin: its role form and
// its password form.
type userData struct {
	User      entente.Account
	Form      userForm
	Errors    formErrors
	Roles     []roleChoice
	MinLength int
	// Done says what was just changed: "role" or "password".
	Done string
}

// renderUser renders the page of the account named in the path, which
// only an admin may read; another name is 404.
func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, status int, d userData) {
	users, err := s.svc.Users(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := r.PathValue("name")
	i := slices.IndexFunc(users, func(a entente.Account) bool { return a.Name == name })
	if i < 0 {
		s.fail(w, r, entente.Errorf(entente.ENOTFOUND, "no user named %q", name))
		return
	}
	d.User, d.MinLength = users[i], entente.MinPasswordLength
	if d.Form.Role == "" && len(d.Errors) == 0 {
		d.Form = userForm{Name: d.User.Name, Role: string(d.User.Role), Partner: d.User.Partner}
	}
	for _, role := range entente.Roles {
		d.Roles = append(d.Roles, roleChoice{role, roleHints[role]})
	}
	title := "User " + name
	if len(d.Errors) > 0 {
		title = "Error: " + title
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "user.html", page{Title: title, Data: d, Timeless: true})
}

func (s *Server) pageUser(w http.ResponseWriter, r *http.Request) {
	if s.signedInOr(w, r) == nil {
		return
	}
	s.renderUser(w, r, http.StatusOK, userData{Done: r.URL.Query().Get("done")})
}

// postUserRole changes an account's role and partner, as `entente user
// role` does.
func (s *Server) postUserRole(w http.ResponseWriter, r *http.Request) {
	if s.signedInOr(w, r) == nil {
		return
	}
	if _, err := s.svc.Users(r.Context()); err != nil { // an admin's only
		s.fail(w, r, err)
		return
	}
	name := r.PathValue("name")
	f := userForm{Name: name, Role: r.PostForm.Get("role"), Partner: strings.ToUpper(strings.TrimSpace(r.PostForm.Get("partner")))}
	d := userData{Form: f, Errors: roleErrors(entente.Role(f.Role), f.Partner)}
	if len(d.Errors) == 0 {
		_, err := s.svc.SetRole(r.Context(), name, entente.Role(f.Role), f.Partner)
		switch code := entente.ErrorCode(err); {
		case err == nil:
			s.userChanged(w, r, name, "role")
			return
		case code == entente.ENOTFOUND && f.Partner != "", code == entente.EINVALID && f.Partner != "":
			d.Errors = formErrors{{"partner", f.Partner + " is not a partner of any alliance here: enter a partner's code, such as NZL"}}
		case code == entente.EINVALID || code == entente.EREFUSED:
			d.Errors = formErrors{{"role-" + string(entente.Roles[0]), entente.ErrorMessage(err)}}
		default:
			s.fail(w, r, err)
			return
		}
	}
	s.renderUser(w, r, http.StatusBadRequest, d)
}

// postUserPassword sets an account's password, as `entente user passwd`
// does: an admin's way to let a user back in.
func (s *Server) postUserPassword(w http.ResponseWriter, r *http.Request) {
	if s.signedInOr(w, r) == nil {
		return
	}
	if _, err := s.svc.Users(r.Context()); err != nil { // an admin's only
		s.fail(w, r, err)
		return
	}
	name, password := r.PathValue("name"), r.PostForm.Get("new-password")
	d := userData{Errors: passwordErrors("new-password", "a new password", password)}
	if len(d.Errors) == 0 {
		err := s.svc.SetPassword(r.Context(), name, password)
		switch code := entente.ErrorCode(err); {
		case err == nil:
			s.userChanged(w, r, name, "password")
			return
		case code == entente.EINVALID:
			d.Errors = formErrors{{"new-password", entente.ErrorMessage(err)}}
		default:
			s.fail(w, r, err)
			return
		}
	}
	s.renderUser(w, r, http.StatusBadRequest, d)
}

// userChanged sends the browser back to the account's page, saying what
// changed.
func (s *Server) userChanged(w http.ResponseWriter, r *http.Request, name, what string) {
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, "/admin/users/"+url.PathEscape(name)+"?done="+what, http.StatusSeeOther)
}

// ownPasswordData is the page where a user changes their own password.
type ownPasswordData struct {
	Errors    formErrors
	MinLength int
	Done      bool
}

func (s *Server) renderOwnPassword(w http.ResponseWriter, r *http.Request, status int, d ownPasswordData) {
	d.MinLength = entente.MinPasswordLength
	title := "Change your password"
	if len(d.Errors) > 0 {
		title = "Error: " + title
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "password.html", page{Title: title, Data: d, Timeless: true})
}

func (s *Server) pageOwnPassword(w http.ResponseWriter, r *http.Request) {
	if s.signedInOr(w, r) == nil {
		return
	}
	s.renderOwnPassword(w, r, http.StatusOK, ownPasswordData{Done: r.URL.Query().Get("done") != ""})
}

// postOwnPassword changes the signed-in user's password, after checking
// the current one: a session left open is not enough to take the account.
func (s *Server) postOwnPassword(w http.ResponseWriter, r *http.Request) {
	si := s.signedInOr(w, r)
	if si == nil {
		return
	}
	current, password := r.PostForm.Get("current-password"), r.PostForm.Get("new-password")
	var d ownPasswordData
	if current == "" {
		d.Errors = append(d.Errors, fieldError{"current-password", "Enter your current password"})
	}
	d.Errors = append(d.Errors, passwordErrors("new-password", "a new password", password)...)
	if len(d.Errors) == 0 {
		if _, err := s.svc.Authenticate(r.Context(), si.account.Name, current); err != nil {
			if entente.ErrorCode(err) != entente.EUNAUTHORIZED {
				s.fail(w, r, err)
				return
			}
			d.Errors = formErrors{{"current-password", "Your current password is not that: enter it again"}}
		}
	}
	if len(d.Errors) == 0 {
		err := s.svc.SetPassword(r.Context(), si.account.Name, password)
		switch entente.ErrorCode(err) {
		case "":
			w.Header().Set("Cache-Control", "no-store")
			http.Redirect(w, r, "/account/password?done=1", http.StatusSeeOther)
			return
		case entente.EINVALID:
			d.Errors = formErrors{{"new-password", entente.ErrorMessage(err)}}
		default:
			s.fail(w, r, err)
			return
		}
	}
	s.renderOwnPassword(w, r, http.StatusBadRequest, d)
}
