package web

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/secret"
)

// Sessions in the browser. The session cookie holds the session's random
// secret (the store keeps its hash: service.Session); it is HttpOnly,
// SameSite=Lax, Path=/ and, under TLS (ours or a trusted proxy's), Secure
// and __Host- prefixed, so no other site or subdomain can set or read it.
// It has no Max-Age: closing the browser ends it on this side, and the
// server ends it after SessionIdle idle or SessionLifetime in all.

// Cookie names, before the __Host- prefix secure requests add.
const (
	sessionCookie    = "entente-session"
	preSessionCookie = "entente-csrf"
)

// cookieName is base under TLS with the __Host- prefix, else base.
func (s *Server) cookieName(r *http.Request, base string) string {
	if s.clientOf(r).secure {
		return "__Host-" + base
	}
	return base
}

// setCookie sets (maxAge 0: for the browser's session; below 0: deletes)
// the cookie named base with the flags every cookie of ours has.
func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, base, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(r, base), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.clientOf(r).secure, SameSite: http.SameSiteLaxMode})
}

// signedIn is the session a request came with.
type signedIn struct {
	secret  string
	session *entente.Session
	account *entente.Account
}

type signedInKey struct{}

// signedInFrom returns the session r came with, or nil.
func signedInFrom(r *http.Request) *signedIn {
	si, _ := r.Context().Value(signedInKey{}).(*signedIn)
	return si
}

// withPrincipal returns r carrying p, for the service layer to read
// (entente.PrincipalFrom), with p's Address the client's as the network
// edge worked it out (trusted proxies considered). It is the one place web
// sets who is acting: a browser's session here, an API token likewise.
func withPrincipal(r *http.Request, p *entente.Principal) *http.Request {
	c, ok := r.Context().Value(clientKey{}).(client)
	if !ok { // no trusted proxies: the client is the peer
		c = (&Server{}).readClient(r)
	}
	if c.addr.IsValid() {
		q := *p // p may be shared (entente.Anonymous): set the address on a copy
		q.Address = c.addr.String()
		p = &q
	}
	return r.WithContext(entente.WithPrincipal(r.Context(), p))
}

// sessions puts the principal of the request's session, if it has a live
// one, in its context. A request with an Authorization header is left to
// the bearer-token check: it is a script's, not a browser's. A cookie
// naming no live session is deleted, and the request is anonymous.
func (s *Server) sessions(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(s.cookieName(r, sessionCookie))
		if err != nil || c.Value == "" || r.Header.Get("Authorization") != "" || strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		sess, acct, err := s.svc.Session(r.Context(), c.Value)
		if err != nil {
			if entente.ErrorCode(err) != entente.EUNAUTHORIZED {
				s.fail(w, r, err)
				return
			}
			s.setCookie(w, r, sessionCookie, "", -1)
			next.ServeHTTP(w, r)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), signedInKey{}, &signedIn{secret: c.Value, session: sess, account: acct}))
		next.ServeHTTP(w, withPrincipal(r, acct.Principal()))
	})
}

// preSession makes sure the visitor has a pre-session cookie for the
// sign-in and setup forms, and returns r carrying the token bound to it.
func (s *Server) preSession(w http.ResponseWriter, r *http.Request) *http.Request {
	v := ""
	if c, err := r.Cookie(s.cookieName(r, preSessionCookie)); err == nil && len(c.Value) >= 43 {
		v = c.Value
	} else {
		v = secret.Random("")
		s.setCookie(w, r, preSessionCookie, v, 0)
	}
	return r.WithContext(context.WithValue(r.Context(), csrfCtxKey{}, bound(v)))
}

// fieldError is one entry of a form's error summary: the field it is
// about (its id, for the link) and what to do.
type fieldError struct {
	Field, Text string
}

// formErrors are a form's errors, in the order of its fields.
type formErrors []fieldError

// For returns the error about field, or "".
func (es formErrors) For(field string) string {
	for _, e := range es {
		if e.Field == field {
			return e.Text
		}
	}
	return ""
}

// loginData is the sign-in page's.
type loginData struct {
	Name   string
	Back   string
	Errors formErrors
	// Signed is the account already signed in, if any.
	Signed *entente.Account
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, d loginData) {
	r = s.preSession(w, r)
	if si := signedInFrom(r); si != nil {
		d.Signed = si.account
	}
	w.Header().Set("Cache-Control", "no-store")
	title := "Sign in"
	if len(d.Errors) > 0 {
		title = "Error: " + title
	}
	s.render(w, r, status, "login.html", page{Title: title, Data: d, Timeless: true})
}

func (s *Server) pageLogin(w http.ResponseWriter, r *http.Request) {
	s.renderLogin(w, r, http.StatusOK, loginData{Back: localPath(r.URL.Query().Get("back"))})
}

// errSignInText is what a wrong name or password is told: the same for both.
const errSignInText = "The user name or the password is not right"

func (s *Server) postLogin(w http.ResponseWriter, r *http.Request) {
	name, password := strings.TrimSpace(r.PostForm.Get("name")), r.PostForm.Get("password")
	d := loginData{Name: name, Back: localPath(r.PostForm.Get("back"))}
	if name == "" {
		d.Errors = append(d.Errors, fieldError{"name", "Enter your user name"})
	}
	if password == "" {
		d.Errors = append(d.Errors, fieldError{"password", "Enter your password"})
	}
	if len(d.Errors) > 0 {
		s.renderLogin(w, r, http.StatusBadRequest, d)
		return
	}
	addr, now := s.clientOf(r).addr, s.svc.Now()
	key := strings.ToLower(name)
	if ok, wait := s.limits.take(key, addr, now); !ok {
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		d.Errors = formErrors{{"name", "Too many attempts to sign in to this account or from your network. Wait " + waitText(secs) + " and try again"}}
		s.renderLogin(w, r, http.StatusTooManyRequests, d)
		return
	}
	sec, _, err := s.svc.SignIn(r.Context(), name, password, s.clientAddress(r), r.UserAgent())
	if entente.ErrorCode(err) == entente.EUNAUTHORIZED {
		d.Errors = formErrors{{"name", errSignInText}}
		s.renderLogin(w, r, http.StatusUnauthorized, d)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.limits.give(key, addr, now)
	s.startSession(w, r, sec, d.Back)
}

// startSession hands the browser its new session and sends it to back.
// The session the browser came with, if any, ends: signing in always
// gives a new secret, so one planted in the browser before (session
// fixation) is worth nothing after.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, sec, back string) {
	if c, err := r.Cookie(s.cookieName(r, sessionCookie)); err == nil && c.Value != "" {
		if err := s.svc.EndSession(r.Context(), c.Value); err != nil {
			s.log.Warn("end the previous session", "err", err)
		}
	}
	s.setCookie(w, r, sessionCookie, sec, 0)
	s.setCookie(w, r, preSessionCookie, "", -1)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// clientAddress is the client's address as text ("" if unknown).
func (s *Server) clientAddress(r *http.Request) string {
	if a := s.clientOf(r).addr; a.IsValid() {
		return a.String()
	}
	return ""
}

// waitText says how long secs seconds is, rounded up to minutes past one.
func waitText(secs int) string {
	if secs <= 60 {
		return plural(secs, "second", "seconds")
	}
	m := (secs + 59) / 60
	return plural(m, "minute", "minutes")
}

// postLogout ends the session on the server and deletes its cookie.
func (s *Server) postLogout(w http.ResponseWriter, r *http.Request) {
	if si := signedInFrom(r); si != nil {
		if err := s.svc.EndSession(r.Context(), si.secret); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.setCookie(w, r, sessionCookie, "", -1)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// accountData is the account page's.
type accountData struct {
	Account  *entente.Account
	Current  int64
	Sessions []sessionRow
}

type sessionRow struct {
	ID                int64
	Created, LastSeen time.Time
	Address, Browser  string
	Current           bool
}

// signedInOr returns the session r came with. A visitor who is not signed
// in is sent to the sign-in page, to come back to r's path after, when
// asking for a page, and answered 401 when sending a form: a change from
// the public is refused, as in the API, and nothing is written. It
// returns nil then.
func (s *Server) signedInOr(w http.ResponseWriter, r *http.Request) *signedIn {
	si := signedInFrom(r)
	if si == nil {
		w.Header().Set("Cache-Control", "no-store")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			s.fail(w, r, entente.Errorf(entente.EUNAUTHORIZED, "sign in to do this: you are not signed in, or your session has ended"))
			return nil
		}
		http.Redirect(w, r, "/login?back="+url.QueryEscape(localPath(r.URL.RequestURI())), http.StatusSeeOther)
	}
	return si
}

func (s *Server) pageAccount(w http.ResponseWriter, r *http.Request) {
	si := s.signedInOr(w, r)
	if si == nil {
		return
	}
	list, err := s.svc.Sessions(r.Context(), si.account.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := accountData{Account: si.account, Current: si.session.ID}
	for _, sess := range list {
		d.Sessions = append(d.Sessions, sessionRow{ID: sess.ID, Created: sess.Created, LastSeen: sess.LastSeen,
			Address: sess.Address, Browser: browserName(sess.UserAgent), Current: sess.ID == si.session.ID})
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "account.html", page{Title: "Your account", Data: d, Timeless: true})
}

// postRevokeSession ends one of the user's sessions; ending the current
// one signs this browser out.
func (s *Server) postRevokeSession(w http.ResponseWriter, r *http.Request) {
	si := s.signedInOr(w, r)
	if si == nil {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, entente.Errorf(entente.ENOTFOUND, "no session %q", r.PathValue("id")))
		return
	}
	if err := s.svc.RevokeSession(r.Context(), si.account.ID, id); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if id == si.session.ID {
		s.setCookie(w, r, sessionCookie, "", -1)
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

// browserName shortens a User-Agent to the browser and system a person
// recognises ("Firefox on Linux"), or its first 40 characters.
func browserName(ua string) string {
	if ua == "" {
		return "unknown"
	}
	var browser string
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"HeadlessChrome/", "Headless Chrome"},
		{"Chrome/", "Chrome"}, {"Safari/", "Safari"}, {"curl/", "curl"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	var system string
	for _, o := range []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.token) {
			system = o.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	}
	if r := []rune(ua); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return ua
}
