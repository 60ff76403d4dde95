package service

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/secret"
)

// Sessions: a browser signs in with a name and a password and gets a
// random 256-bit secret for its cookie; the store keeps the secret's
// SHA-256 only. Each request presents the secret back (Session), which
// ends the session once idle for entente.SessionIdle or older than
// entente.SessionLifetime, by the service's clock.

// errBadSignIn is the one answer to a wrong name or password, so the answer
// does not tell which names exist.
var errBadSignIn = entente.Errorf(entente.EUNAUTHORIZED, "the user name or the password is not right")

// errNoSession is the answer to a cookie that names no live session.
var errNoSession = entente.Errorf(entente.EUNAUTHORIZED, "not signed in, or the session has ended: sign in again")

// maxUserAgent is how much of a browser's User-Agent a session keeps.
const maxUserAgent = 256

// checkPassword returns the account named name if password is its
// password and it is enabled. An unknown name, a disabled account and a
// wrong password give the same error after the same work.
func (s *Service) checkPassword(ctx context.Context, name, password string) (*entente.Account, error) {
	acct, err := s.Store.FindAccount(ctx, name)
	if entente.ErrorCode(err) == entente.ENOTFOUND {
		secret.CheckNobody(password)
		return nil, errBadSignIn
	}
	if err != nil {
		return nil, err
	}
	ok, err := secret.CheckPassword(acct.PasswordHash, password)
	if err != nil {
		return nil, entente.Errorf(entente.EINTERNAL, "the password of %s cannot be checked: %v", acct.Name, err)
	}
	if !ok || acct.Disabled {
		return nil, errBadSignIn
	}
	return acct, nil
}

// SignIn checks name and password and starts a session for the account
// from address with userAgent. It returns the secret for the session's
// cookie, which is not stored anywhere. A wrong name or password is
// EUNAUTHORIZED, the same for both.
func (s *Service) SignIn(ctx context.Context, name, password, address, userAgent string) (string, *entente.Account, error) {
	acct, err := s.checkPassword(ctx, name, password)
	if err != nil {
		return "", nil, err
	}
	sec, err := s.StartSession(ctx, acct, address, userAgent)
	return sec, acct, err
}

// StartSession starts a session for acct and returns its cookie's secret.
// Sessions ended by time are swept out on the way.
func (s *Service) StartSession(ctx context.Context, acct *entente.Account, address, userAgent string) (string, error) {
	now := s.Now().UTC()
	if _, err := s.Store.DeleteExpiredSessions(ctx, now.Add(-entente.SessionIdle), now.Add(-entente.SessionLifetime)); err != nil {
		return "", err
	}
	sec := secret.Random("")
	sess := &entente.Session{Account: acct.ID, Hash: secret.Hash(sec), Created: now, LastSeen: now,
		Address: address, UserAgent: clip(userAgent, maxUserAgent)}
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return "", err
	}
	return sec, nil
}

// clip cuts s to at most n bytes, on a rune boundary, and replaces what is
// not valid UTF-8.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Session returns the live session whose cookie secret is sec, and its
// account. A session past its idle or absolute limit is ended here; one
// whose account is disabled answers as none. Its last-seen time moves on,
// written at most once every entente.SessionTouch.
func (s *Service) Session(ctx context.Context, sec string) (*entente.Session, *entente.Account, error) {
	if sec == "" {
		return nil, nil, errNoSession
	}
	sess, err := s.Store.FindSessionByHash(ctx, secret.Hash(sec))
	if entente.ErrorCode(err) == entente.ENOTFOUND {
		return nil, nil, errNoSession
	}
	if err != nil {
		return nil, nil, err
	}
	now := s.Now().UTC()
	if sess.Expired(now) {
		if err := s.Store.DeleteSession(ctx, sess.Account, sess.ID); err != nil && entente.ErrorCode(err) != entente.ENOTFOUND {
			return nil, nil, err
		}
		return nil, nil, errNoSession
	}
	acct, err := s.Store.FindAccountByID(ctx, sess.Account)
	if entente.ErrorCode(err) == entente.ENOTFOUND {
		return nil, nil, errNoSession
	}
	if err != nil {
		return nil, nil, err
	}
	if acct.Disabled {
		return nil, nil, errNoSession
	}
	if now.Sub(sess.LastSeen) >= entente.SessionTouch {
		if err := s.Store.TouchSession(ctx, sess.ID, now); err != nil {
			return nil, nil, err
		}
		sess.LastSeen = now
	}
	return sess, acct, nil
}

// EndSession ends the session whose cookie secret is sec (signing out).
// A session that has ended already is not an error.
func (s *Service) EndSession(ctx context.Context, sec string) error {
	sess, err := s.Store.FindSessionByHash(ctx, secret.Hash(sec))
	if entente.ErrorCode(err) == entente.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	err = s.Store.DeleteSession(ctx, sess.Account, sess.ID)
	if entente.ErrorCode(err) == entente.ENOTFOUND {
		return nil
	}
	return err
}

// Sessions returns the live sessions of the account, most recently seen
// first.
func (s *Service) Sessions(ctx context.Context, account int64) ([]entente.Session, error) {
	all, err := s.Store.FindSessions(ctx, account)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	live := all[:0]
	for _, sess := range all {
		if !sess.Expired(now) {
			live = append(live, sess)
		}
	}
	return live, nil
}

// RevokeSession ends the account's session with id: a user ends their own
// sessions only. ENOTFOUND if the account has no session with that id.
func (s *Service) RevokeSession(ctx context.Context, account, id int64) error {
	return s.Store.DeleteSession(ctx, account, id)
}

// HasAccounts reports whether any account exists.
func (s *Service) HasAccounts(ctx context.Context) (bool, error) {
	all, err := s.Store.FindAccounts(ctx)
	return len(all) > 0, err
}

// CreateFirstAdmin creates the first account, an admin named name with
// password, from the setup link: ECONFLICT once any account exists, so
// the link cannot make a second admin.
func (s *Service) CreateFirstAdmin(ctx context.Context, name, password string) (*entente.Account, error) {
	if n := utf8.RuneCountInString(password); n < entente.MinPasswordLength {
		return nil, entente.Errorf(entente.EINVALID, "the password has %d characters: it needs at least %d", n, entente.MinPasswordLength)
	}
	a := &entente.Account{Name: name, Role: entente.RoleAdmin, Created: s.Now().UTC()}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	h, err := secret.HashPassword(password)
	if err != nil {
		return nil, entente.Errorf(entente.EINTERNAL, "hash the password: %v", err)
	}
	a.PasswordHash = h
	err = s.Store.Update(ctx, func(tx entente.Tx) error {
		all, err := tx.FindAccounts(ctx)
		if err != nil {
			return err
		}
		if len(all) > 0 {
			return entente.Errorf(entente.ECONFLICT, "an account exists already: the setup link makes only the first")
		}
		if err := tx.CreateAccount(ctx, a); err != nil {
			return err
		}
		// Whoever opened the one-time link made the first admin: the
		// audit names the link and the address it was opened from.
		who := &entente.Principal{Kind: entente.PrincipalAnonymous, ID: "setup-link", Name: "setup link", Role: entente.RolePublic,
			Address: entente.PrincipalFrom(ctx).Address}
		return tx.AddAuditEvent(ctx, s.audit(who, "create", "account", a.Name, nil, a))
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}
