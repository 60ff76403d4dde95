package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/secret"
)

// Cross-site request forgery. Every form that changes something carries a
// token in its "csrf" field, on top of the cross-origin check (Sec-Fetch-Site
// and Origin, see middleware), and a request without the right one is
// refused with 403 before its handler runs:
//
//   - signed in, the token is bound to the session: an HMAC of the
//     session's secret, which only the session's own pages can show;
//   - signed out, the sign-in and setup forms set a pre-session cookie
//     (random, HttpOnly, SameSite=Lax, __Host- under TLS) and carry an HMAC
//     of it: a signed double-submit, so a page elsewhere cannot sign a
//     visitor in as someone else;
//   - the consent banner, on pages cached for every anonymous visitor and
//     shown before any cookie may be set, carries a token signed with a
//     key the servers share (server_keys) for the day. It is not bound to
//     the visitor, so it proves only that the form came from one of our
//     pages; there the cross-origin check does the work.
//
// API requests with a bearer token carry no cookie and need no token; an
// API request authenticated by a session cookie that changes state must
// send the session's token in the X-CSRF-Token header.

// csrfField is the form field, and csrfHeader the header, a token comes in.
const (
	csrfField  = "csrf"
	csrfHeader = "X-CSRF-Token"
)

// csrfMarker stands for the request's token in rendered pages: the
// template function csrf writes it, render replaces it.
const csrfMarker = "csrf-token-slot-4b1d"

// maxForm bounds a form's body: the forms are a few short fields.
const maxForm = 64 << 10

// bound returns the token bound to a cookie's secret.
func bound(sec string) string {
	m := hmac.New(sha256.New, []byte(sec))
	m.Write([]byte("entente csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// anonymousToken is the consent banner's token for day (YYYY-MM-DD).
func (s *Server) anonymousToken(r *http.Request, day string) string {
	key := s.csrfKey.Load()
	if key == nil {
		k, err := s.svc.Store.ServerKey(r.Context(), "csrf", secret.Random(""))
		if err != nil {
			s.log.Warn("read the CSRF key", "err", err)
			return ""
		}
		key = &k
		s.csrfKey.Store(key)
	}
	return bound(*key + " " + day)
}

type csrfCtxKey struct{}

// csrfToken is the token r's forms carry: the session's when signed in,
// else the pre-session cookie's when the handler set one (sign-in and
// setup), else the anonymous token of the day.
func (s *Server) csrfToken(r *http.Request) string {
	if si := signedInFrom(r); si != nil {
		return bound(si.secret)
	}
	if t, ok := r.Context().Value(csrfCtxKey{}).(string); ok {
		return t
	}
	return s.anonymousToken(r, s.svc.Today().String())
}

// csrfOK reports whether tok is a token r may send: bound to its session
// or its pre-session cookie, or, for the consent form of a visitor not
// signed in, the anonymous token of today or yesterday.
func (s *Server) csrfOK(r *http.Request, tok string) bool {
	if tok == "" {
		return false
	}
	eq := func(want string) bool { return want != "" && hmac.Equal([]byte(tok), []byte(want)) }
	si := signedInFrom(r)
	if si != nil && eq(bound(si.secret)) {
		return true
	}
	if c, err := r.Cookie(s.cookieName(r, preSessionCookie)); err == nil && c.Value != "" && eq(bound(c.Value)) {
		return true
	}
	if si == nil && r.URL.Path == "/consent" {
		now := s.svc.Now().UTC()
		return eq(s.anonymousToken(r, entente.Day(now).String())) || eq(s.anonymousToken(r, entente.Day(now.AddDate(0, 0, -1)).String()))
	}
	return false
}

// errCSRF is the answer to a form without its token.
var errCSRF = entente.Errorf(entente.EFORBIDDEN, "this form has expired or did not come from this site's own page, so it was not sent: "+
	"go back, reload the page and send it again")

// checkCSRF refuses a state-changing request without its token: a page's
// form (the "csrf" field, or the header), or an API request signed in by
// a session cookie (the header). Safe methods and requests that carry no
// session cookie to the API (bearer tokens, or nobody) pass.
func (s *Server) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		if _, pattern := s.mux.Handler(r); pattern == "" || pattern == catchAll {
			// No route takes it: the answer is 404 or 405 whatever
			// the token, and nothing changes.
			next.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			if signedInFrom(r) != nil && !s.csrfOK(r, r.Header.Get(csrfHeader)) {
				s.fail(w, r, entente.Errorf(entente.EFORBIDDEN, "a request signed in by a session cookie that changes something must send the session's CSRF token in the %s header; "+
					"scripts should use an API token (Authorization: Bearer) instead", csrfHeader))
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if r.URL.Path == "/logout" && signedInFrom(r) == nil {
			// No live session (it timed out while the page was open):
			// signing out only deletes the cookie, which a forgery
			// cannot turn to anyone's harm, so the stale form works.
			next.ServeHTTP(w, r)
			return
		}
		tok := r.Header.Get(csrfHeader)
		if tok == "" {
			if err := s.parseForm(w, r); err != nil {
				s.fail(w, r, err)
				return
			}
			tok = r.PostForm.Get(csrfField)
		}
		if !s.csrfOK(r, tok) {
			w.Header().Set("Cache-Control", "no-store")
			s.fail(w, r, errCSRF)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// parseForm reads a page's form, at most maxForm bytes; a file upload
// (multipart/form-data) only where a route takes one (uploadRoutes), at
// most s.maxImport bytes, of which at most maxForm are held in memory and
// the rest in temporary files, removed when the request ends.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		if err := r.ParseForm(); err != nil {
			return entente.Errorf(entente.EINVALID, "the form could not be read: %v", err)
		}
		return nil
	}
	limit := int64(maxForm)
	if _, pattern := s.mux.Handler(r); uploadRoutes[pattern] {
		limit = s.maxImport
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseMultipartForm(maxForm); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return tooLarge(mb.Limit)
		}
		return entente.Errorf(entente.EINVALID, "the form could not be read: %v", err)
	}
	return nil
}
