package service

import (
	"context"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/secret"
)

// maxPasswordBytes bounds a password, so hashing one costs what hashing
// any other does.
const maxPasswordBytes = 1024

// checkPassword applies the password rules: at least
// entente.MinPasswordLength characters and nothing else (no composition
// rules), and no more than maxPasswordBytes.
func checkPassword(pw string) error {
	switch {
	case pw == "":
		return entente.Errorf(entente.EINVALID, "no password given: there is no default password; give one of at least %d characters", entente.MinPasswordLength)
	case utf8.RuneCountInString(pw) < entente.MinPasswordLength:
		return entente.Errorf(entente.EINVALID, "the password has %d characters: give at least %d (a few words make a good one)", utf8.RuneCountInString(pw), entente.MinPasswordLength)
	case len(pw) > maxPasswordBytes:
		return entente.Errorf(entente.EINVALID, "the password is longer than %d bytes", maxPasswordBytes)
	case !utf8.ValidString(pw):
		return entente.Errorf(entente.EINVALID, "the password is not valid UTF-8")
	}
	return nil
}

// checkPartner checks that code names a country that is a partner of some
// alliance in the store, for a liaison's or a token's binding.
func checkPartner(ctx context.Context, r entente.Reader, code string) error {
	if _, err := country(ctx, r, code); err != nil {
		return err
	}
	ps, err := r.FindPartnerships(ctx, entente.Filter{Country: code})
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		return entente.Errorf(entente.EINVALID, "%s is no alliance's partner: a liaison is bound to a partner", code)
	}
	return nil
}

// authorizeSelf is authorize for AccountAdmin, except that a signed-in
// user (not a token) may also act on their own account, named name.
func authorizeSelf(ctx context.Context, name, doing string) (*entente.Principal, error) {
	if p := entente.PrincipalFrom(ctx); p.Kind == entente.PrincipalUser && p.Name == name {
		return p, nil
	}
	return authorize(ctx, AccountAdmin, "", doing)
}

// UserRequest adds an account.
type UserRequest struct {
	Name     string
	Role     entente.Role
	Partner  string
	Password string
}

// AddUser adds an account with a password. Only an admin may.
func (s *Service) AddUser(ctx context.Context, req UserRequest) (*entente.Account, error) {
	who, err := authorize(ctx, AccountAdmin, "", "add users")
	if err != nil {
		return nil, err
	}
	a := &entente.Account{Name: req.Name, Role: req.Role, Partner: req.Partner, Created: s.Now().UTC()}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if err := checkPassword(req.Password); err != nil {
		return nil, err
	}
	if a.PasswordHash, err = secret.HashPassword(req.Password); err != nil {
		return nil, err
	}
	err = s.Store.Update(ctx, func(tx entente.Tx) error {
		if _, err := tx.FindAccount(ctx, a.Name); err == nil {
			return entente.Errorf(entente.ECONFLICT, "user %s exists already", a.Name)
		} else if entente.ErrorCode(err) != entente.ENOTFOUND {
			return err
		}
		if a.Partner != "" {
			if err := checkPartner(ctx, tx, a.Partner); err != nil {
				return err
			}
		}
		if err := tx.CreateAccount(ctx, a); err != nil {
			return err
		}
		return tx.AddAuditEvent(ctx, s.audit(who, "user.add", "account", a.Name, nil, a))
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Users lists the accounts. Only an admin may.
func (s *Service) Users(ctx context.Context) ([]entente.Account, error) {
	if _, err := authorize(ctx, AccountAdmin, "", "list users"); err != nil {
		return nil, err
	}
	return s.Store.FindAccounts(ctx)
}

// changeUser runs change on the account named name and stores it with an
// audit event, action, in one transaction.
func (s *Service) changeUser(ctx context.Context, who *entente.Principal, name, action string, change func(tx entente.Tx, a *entente.Account) error) (*entente.Account, error) {
	var out *entente.Account
	err := s.Store.Update(ctx, func(tx entente.Tx) error {
		a, err := tx.FindAccount(ctx, name)
		if err != nil {
			return err
		}
		before := *a
		if err := change(tx, a); err != nil {
			return err
		}
		if err := tx.UpdateAccount(ctx, a); err != nil {
			return err
		}
		out = a
		// The audit holds the account without its hash (Account's JSON
		// leaves it out): a password change shows as an event, not a value.
		return tx.AddAuditEvent(ctx, s.audit(who, action, "account", a.Name, before, *a))
	})
	return out, err
}

// SetUserDisabled disables or enables an account. A disabled account cannot
// sign in, and its tokens and sessions stop working. Only an admin may.
func (s *Service) SetUserDisabled(ctx context.Context, name string, disabled bool) (*entente.Account, error) {
	action, doing := "user.enable", "enable users"
	if disabled {
		action, doing = "user.disable", "disable users"
	}
	who, err := authorize(ctx, AccountAdmin, "", doing)
	if err != nil {
		return nil, err
	}
	return s.changeUser(ctx, who, name, action, func(_ entente.Tx, a *entente.Account) error {
		a.Disabled = disabled
		return nil
	})
}

// SetPassword changes an account's password: an admin, or the user
// themselves.
func (s *Service) SetPassword(ctx context.Context, name, password string) error {
	who, err := authorizeSelf(ctx, name, "change passwords")
	if err != nil {
		return err
	}
	if err := checkPassword(password); err != nil {
		return err
	}
	hash, err := secret.HashPassword(password)
	if err != nil {
		return err
	}
	_, err = s.changeUser(ctx, who, name, "user.passwd", func(_ entente.Tx, a *entente.Account) error {
		a.PasswordHash = hash
		return nil
	})
	return err
}

// SetRole changes an account's role and partner binding. Only an admin may.
func (s *Service) SetRole(ctx context.Context, name string, role entente.Role, partner string) (*entente.Account, error) {
	who, err := authorize(ctx, AccountAdmin, "", "change roles")
	if err != nil {
		return nil, err
	}
	return s.changeUser(ctx, who, name, "user.role", func(tx entente.Tx, a *entente.Account) error {
		a.Role, a.Partner = role, partner
		if err := a.Validate(); err != nil {
			return err
		}
		if partner != "" {
			return checkPartner(ctx, tx, partner)
		}
		return nil
	})
}

// errSignIn is the one answer to a failed sign-in, whatever failed: an
// unknown name, a wrong password or a disabled account.
func errSignIn() error {
	return entente.Errorf(entente.EUNAUTHORIZED, "wrong user name or password")
}

// Authenticate checks a user name and password and returns the account.
// An unknown user, a wrong password and a disabled account get the same
// error, after about the same time: an unknown name is checked against a
// dummy hash.
func (s *Service) Authenticate(ctx context.Context, name, password string) (*entente.Account, error) {
	a, err := s.Store.FindAccount(ctx, name)
	if entente.ErrorCode(err) == entente.ENOTFOUND {
		secret.CheckNobody(password)
		return nil, errSignIn()
	} else if err != nil {
		return nil, err
	}
	ok, err := secret.CheckPassword(a.PasswordHash, password)
	if err != nil {
		return nil, &entente.Error{Code: entente.EINTERNAL, Message: "user " + a.Name + ": stored password hash", Err: err}
	}
	if !ok || a.Disabled {
		return nil, errSignIn()
	}
	return a, nil
}

// ActAs returns the principal of the account named name, for the CLI's
// --as: it acts with that account's role. An unknown or disabled account
// is refused.
func (s *Service) ActAs(ctx context.Context, name string) (*entente.Principal, error) {
	a, err := s.Store.FindAccount(ctx, name)
	if entente.ErrorCode(err) == entente.ENOTFOUND {
		return nil, entente.Errorf(entente.EINVALID, "--as %s: no such user", name)
	} else if err != nil {
		return nil, err
	}
	if a.Disabled {
		return nil, entente.Errorf(entente.EFORBIDDEN, "--as %s: the user is disabled", name)
	}
	return a.Principal(), nil
}

// TokenRequest creates an API token for an account.
type TokenRequest struct {
	User    string
	Scopes  []string
	Partner string
	// TTL is how long the token lasts; 0: until revoked.
	TTL time.Duration
}

// CreateToken makes a token for req.User and returns its secret, which is
// shown once: the store keeps only its SHA-256. An admin may create one
// for anyone, a signed-in user for themselves. The admin scope needs an
// admin account; a liaison's token is bound to its own partner.
func (s *Service) CreateToken(ctx context.Context, req TokenRequest) (string, *entente.Token, error) {
	who, err := authorizeSelf(ctx, req.User, "create tokens")
	if err != nil {
		return "", nil, err
	}
	scopes := slices.Compact(slices.Sorted(slices.Values(req.Scopes)))
	if err := entente.ValidateScopes(scopes); err != nil {
		return "", nil, err
	}
	if req.TTL < 0 {
		return "", nil, entente.Errorf(entente.EINVALID, "a token's lifetime must be positive")
	}
	now := s.Now().UTC()
	sec := secret.NewToken()
	t := &entente.Token{Scopes: scopes, Partner: req.Partner, Hash: secret.Hash(sec), Created: now}
	if req.TTL > 0 {
		t.Expires = now.Add(req.TTL)
	}
	err = s.Store.Update(ctx, func(tx entente.Tx) error {
		a, err := tx.FindAccount(ctx, req.User)
		if err != nil {
			return err
		}
		if a.Disabled {
			return entente.Errorf(entente.EREFUSED, "user %s is disabled: enable it first", a.Name)
		}
		if slices.Contains(scopes, entente.ScopeAdmin) && a.Role != entente.RoleAdmin {
			return entente.Errorf(entente.EINVALID, "the admin scope is for an admin's token; %s is a %s", a.Name, a.Role)
		}
		if a.Role == entente.RoleLiaison && t.Partner != "" && t.Partner != a.Partner {
			return entente.Errorf(entente.EINVALID, "%s is a liaison for %s: its tokens cannot be bound to %s", a.Name, a.Partner, t.Partner)
		}
		if t.Partner != "" {
			if err := checkPartner(ctx, tx, t.Partner); err != nil {
				return err
			}
		}
		t.Account, t.User = a.ID, a.Name
		if err := tx.CreateToken(ctx, t); err != nil {
			return err
		}
		return tx.AddAuditEvent(ctx, s.audit(who, "token.create", "token", tokenKey(t.ID), nil, t))
	})
	if err != nil {
		return "", nil, err
	}
	return sec, t, nil
}

func tokenKey(id int64) string { return "token:" + strconv.FormatInt(id, 10) }

// Tokens lists the tokens of the account named user ("": every account's),
// never their secrets. An admin may list any; a user their own.
func (s *Service) Tokens(ctx context.Context, user string) ([]entente.Token, error) {
	if user == "" {
		if _, err := authorize(ctx, AccountAdmin, "", "list tokens"); err != nil {
			return nil, err
		}
		return s.Store.FindTokens(ctx, 0)
	}
	if _, err := authorizeSelf(ctx, user, "list tokens"); err != nil {
		return nil, err
	}
	a, err := s.Store.FindAccount(ctx, user)
	if err != nil {
		return nil, err
	}
	return s.Store.FindTokens(ctx, a.ID)
}

// RevokeToken revokes the token with id: it stops working at once. An
// admin may revoke any; a user their own.
func (s *Service) RevokeToken(ctx context.Context, id int64) (*entente.Token, error) {
	t, err := s.Store.FindToken(ctx, id)
	if err != nil {
		return nil, err
	}
	who, err := authorizeSelf(ctx, t.User, "revoke tokens")
	if err != nil {
		return nil, err
	}
	err = s.Store.Update(ctx, func(tx entente.Tx) error {
		before, err := tx.FindToken(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.RevokeToken(ctx, id, s.Now().UTC()); err != nil {
			return err
		}
		if t, err = tx.FindToken(ctx, id); err != nil {
			return err
		}
		return tx.AddAuditEvent(ctx, s.audit(who, "token.revoke", "token", tokenKey(id), before, t))
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// errToken is the one answer to a bearer token that does not authenticate.
func errToken() error {
	return entente.Errorf(entente.EUNAUTHORIZED, "the API token is not valid: unknown, expired or revoked")
}

// AuthenticateToken returns the principal of a request bearing the token
// secret sec: the token's account, role, partner and scopes. Its Address
// is left to the caller, who knows the client (web's network edge).
// An unknown, expired or revoked token, or one of a disabled account, is
// EUNAUTHORIZED. The token's last use is recorded at most once a minute.
func (s *Service) AuthenticateToken(ctx context.Context, sec string) (*entente.Principal, error) {
	t, err := s.Store.FindTokenByHash(ctx, secret.Hash(sec))
	if entente.ErrorCode(err) == entente.ENOTFOUND {
		return nil, errToken()
	} else if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	if !t.Usable(now) {
		return nil, errToken()
	}
	a, err := s.Store.FindAccountByID(ctx, t.Account)
	if err != nil {
		return nil, err
	}
	if a.Disabled {
		return nil, errToken()
	}
	if t.LastUsed.IsZero() || now.Sub(t.LastUsed) >= entente.TouchInterval {
		// Best effort: a database busy with another writer must not
		// turn away a request that may only read, and a time missed
		// now is set by the next use.
		_ = s.Store.TouchToken(ctx, t.ID, now)
	}
	return t.Principal(a), nil
}
