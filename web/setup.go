package web

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/secret"
)

// The first admin. While no account exists, serve prints a one-time link,
// /setup?token=..., whose page creates an admin and signs them in. The
// token is random (256 bits), held in memory only as its hash, expires
// after SetupLinkTTL and works once; once any account exists the page is
// gone (410) whatever the token.

// SetupLinkTTL is how long a setup link works.
const SetupLinkTTL = time.Hour

// setupLink is the pending setup token, if any.
type setupLink struct {
	mu      sync.Mutex
	hash    string // SHA-256 of the token; "" when none was made
	expires time.Time
	used    bool
}

// SetupToken makes a new setup token if the store holds no account, and
// returns it ("" if an account exists). A new token replaces the last.
func (s *Server) SetupToken(ctx context.Context) (string, error) {
	has, err := s.svc.HasAccounts(ctx)
	if err != nil || has {
		return "", err
	}
	tok := secret.Random("")
	s.setup.mu.Lock()
	defer s.setup.mu.Unlock()
	s.setup.hash, s.setup.expires, s.setup.used = secret.Hash(tok), s.svc.Now().Add(SetupLinkTTL), false
	return tok, nil
}

var (
	errSetupUnknown = entente.Errorf(entente.ENOTFOUND, "no such setup link: copy the whole link serve printed")
	errSetupGone    = &statusError{status: http.StatusGone, err: entente.Errorf(entente.ENOTFOUND,
		"this setup link has been used, has expired, or an account exists already: sign in, or restart serve for a new link while no account exists")}
)

// checkSetup returns why tok cannot set up the first admin, or nil. The
// caller holds s.setup.mu.
func (s *Server) checkSetup(r *http.Request, tok string) error {
	has, err := s.svc.HasAccounts(r.Context())
	if err != nil {
		return err
	}
	l := &s.setup
	switch {
	case has:
		return errSetupGone
	case l.hash == "" || tok == "" || subtle.ConstantTimeCompare([]byte(secret.Hash(tok)), []byte(l.hash)) != 1:
		return errSetupUnknown
	case l.used || !s.svc.Now().Before(l.expires):
		return errSetupGone
	}
	return nil
}

// setupData is the setup page's.
type setupData struct {
	Token, Name string
	Errors      formErrors
	MinLength   int
}

func (s *Server) renderSetup(w http.ResponseWriter, r *http.Request, status int, d setupData) {
	r = s.preSession(w, r)
	d.MinLength = entente.MinPasswordLength
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer") // the token is in the URL
	title := "Create the first administrator"
	if len(d.Errors) > 0 {
		title = "Error: " + title
	}
	s.render(w, r, status, "setup.html", page{Title: title, Data: d, Timeless: true})
}

func (s *Server) pageSetup(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("token")
	s.setup.mu.Lock()
	err := s.checkSetup(r, tok)
	s.setup.mu.Unlock()
	if err != nil {
		w.Header().Set("Cache-Control", "no-store")
		s.fail(w, r, err)
		return
	}
	s.renderSetup(w, r, http.StatusOK, setupData{Token: tok})
}

func (s *Server) postSetup(w http.ResponseWriter, r *http.Request) {
	tok := r.PostForm.Get("token")
	name, password, again := strings.TrimSpace(r.PostForm.Get("name")), r.PostForm.Get("password"), r.PostForm.Get("password2")
	s.setup.mu.Lock()
	defer s.setup.mu.Unlock()
	if err := s.checkSetup(r, tok); err != nil {
		w.Header().Set("Cache-Control", "no-store")
		s.fail(w, r, err)
		return
	}
	d := setupData{Token: tok, Name: name}
	if !entente.ValidAccountName(name) {
		d.Errors = append(d.Errors, fieldError{"name", "Enter a user name of 1 to 64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit"})
	}
	if n := utf8.RuneCountInString(password); n < entente.MinPasswordLength {
		d.Errors = append(d.Errors, fieldError{"password", "Enter a password of at least " + plural(entente.MinPasswordLength, "character")})
	} else if password != again {
		d.Errors = append(d.Errors, fieldError{"password2", "Enter the same password twice"})
	}
	if len(d.Errors) > 0 {
		s.renderSetup(w, r, http.StatusBadRequest, d)
		return
	}
	acct, err := s.svc.CreateFirstAdmin(r.Context(), name, password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setup.used = true
	s.log.Info("first admin created with the setup link", "user", acct.Name)
	sec, err := s.svc.StartSession(r.Context(), acct, s.clientAddress(r), r.UserAgent())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.startSession(w, r, sec, "/account")
}
