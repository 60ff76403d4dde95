package entente

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Account is someone who signs in: a user with a role. Accounts are not
// records of the alliance: they are neither exported nor imported, and an
// empty store may hold some.
type Account struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Role Role   `json:"role"`
	// Partner is the ISO3 code of a liaison's partner; empty for the other
	// roles.
	Partner  string `json:"partner,omitempty"`
	Disabled bool   `json:"disabled"`
	// PasswordHash is the password's hash as a PHC string (argon2id with
	// its salt and parameters); never shown, never audited.
	PasswordHash string    `json:"-"`
	Created      time.Time `json:"created"`
}

// MinPasswordLength is the shortest password an account may have, in
// characters. Length is the only rule (NIST SP 800-63B): no composition
// rules, which push people to predictable substitutions.
const MinPasswordLength = 12

// ValidAccountName reports whether name may name an account: 1 to 64
// letters, digits, '.', '_', '-' or '@', starting with a letter or digit.
func ValidAccountName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for i, c := range name {
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-' && c != '@') {
			return false
		}
	}
	return true
}

// Validate checks the account's name, role and partner binding: a liaison
// is bound to one partner (whether that country exists is the service's
// check), the other roles to none.
func (a *Account) Validate() error {
	switch {
	case !ValidAccountName(a.Name):
		return Errorf(EINVALID, "%q is not a user name: use 1 to 64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit", a.Name)
	case !ValidRole(a.Role):
		return Errorf(EINVALID, "%q is not a role: want one of %s", a.Role, joinRoles())
	case a.Role == RoleLiaison && !ValidCountryCode(a.Partner):
		return Errorf(EINVALID, "a liaison is bound to one partner: give its ISO3 code (--partner NZL)")
	case a.Role != RoleLiaison && a.Partner != "":
		return Errorf(EINVALID, "only a liaison is bound to a partner; a %s is not", a.Role)
	}
	return nil
}

func joinRoles() string {
	s := ""
	for i, r := range Roles {
		if i > 0 {
			s += ", "
		}
		s += string(r)
	}
	return s
}

// Principal returns the principal of the account signed in (a browser
// session, or the CLI's --as).
func (a *Account) Principal() *Principal {
	return &Principal{Kind: PrincipalUser, ID: "user:" + strconv.FormatInt(a.ID, 10), Name: a.Name, Role: a.Role, Partner: a.Partner}
}

// Token is an API token: a bearer secret that acts for its account within
// its scopes. The store keeps only the secret's hash.
type Token struct {
	ID      int64 `json:"id"`
	Account int64 `json:"account"`
	// User is the account's name, filled in by the finds.
	User   string   `json:"user"`
	Scopes []string `json:"scopes"`
	// Partner, if set, binds the token to one partner: it acts as that
	// partner's liaison at most, whatever its account's role.
	Partner string `json:"partner,omitempty"`
	// Hash is the hex SHA-256 of the secret; never shown.
	Hash    string    `json:"-"`
	Created time.Time `json:"created"`
	// Expires, LastUsed and Revoked are zero when the token never
	// expires, has not been used, or is not revoked.
	Expires  time.Time `json:"expires,omitzero"`
	LastUsed time.Time `json:"last_used,omitzero"`
	Revoked  time.Time `json:"revoked,omitzero"`
}

// Scopes a token may be given.
var Scopes = []string{ScopeRead, ScopeWrite, ScopeAdmin, ScopeMetrics}

// ValidateScopes checks a token's scopes: at least one, each known.
func ValidateScopes(scopes []string) error {
	if len(scopes) == 0 {
		return Errorf(EINVALID, "a token needs at least one scope: read, write, admin or metrics")
	}
	for _, s := range scopes {
		if !slices.Contains(Scopes, s) {
			return Errorf(EINVALID, "%q is not a scope: want read, write, admin or metrics", s)
		}
	}
	return nil
}

// Usable reports whether the token may be used at now: not revoked, not
// expired.
func (t *Token) Usable(now time.Time) bool {
	return t.Revoked.IsZero() && (t.Expires.IsZero() || now.Before(t.Expires))
}

// Principal returns the principal of a request bearing the token, for its
// account acct. A token bound to a partner acts as that partner's liaison
// whatever its account's role.
func (t *Token) Principal(acct *Account) *Principal {
	p := &Principal{Kind: PrincipalToken, ID: "token:" + strconv.FormatInt(t.ID, 10), Name: acct.Name,
		Role: acct.Role, Partner: acct.Partner, Scopes: slices.Clone(t.Scopes)}
	if t.Partner != "" && (p.Role == RoleAdmin || p.Role == RoleStaff || p.Role == RoleLiaison) {
		p.Role, p.Partner = RoleLiaison, t.Partner
	}
	return p
}

// String names the token in messages: "token 7 of alice".
func (t *Token) String() string { return fmt.Sprintf("token %d of %s", t.ID, t.User) }

// AccountReader reads accounts and tokens. Single finds return ENOTFOUND
// when nothing matches.
type AccountReader interface {
	// FindAccount returns the account named name.
	FindAccount(ctx context.Context, name string) (*Account, error)
	// FindAccountByID returns the account with id.
	FindAccountByID(ctx context.Context, id int64) (*Account, error)
	// FindAccounts returns every account, by name.
	FindAccounts(ctx context.Context) ([]Account, error)
	// FindToken returns the token with id.
	FindToken(ctx context.Context, id int64) (*Token, error)
	// FindTokenByHash returns the token whose secret hashes to hash.
	FindTokenByHash(ctx context.Context, hash string) (*Token, error)
	// FindTokens returns the tokens of the account with id account (0:
	// every account's), by id.
	FindTokens(ctx context.Context, account int64) ([]Token, error)
}

// AccountTx writes accounts and tokens. Create sets the ID (and Created if
// zero) and returns ECONFLICT for a name or hash taken; Update returns
// ENOTFOUND when there is no such row.
type AccountTx interface {
	// CreateAccount adds a; its name must be free.
	CreateAccount(ctx context.Context, a *Account) error
	// UpdateAccount stores a's role, partner, disabled flag and password
	// hash.
	UpdateAccount(ctx context.Context, a *Account) error
	// CreateToken adds t.
	CreateToken(ctx context.Context, t *Token) error
	// RevokeToken marks the token with id revoked at at; revoking a
	// revoked token keeps its first time.
	RevokeToken(ctx context.Context, id int64, at time.Time) error
}

// TokenToucher records that a token was used, outside any transaction.
type TokenToucher interface {
	// TouchToken sets the token's last-used time to at unless it was
	// already set within TouchInterval before at, so a busy token costs
	// one write a minute rather than one a request. It is not a change of
	// the records: caches keep their pages.
	TouchToken(ctx context.Context, id int64, at time.Time) error
}

// TouchInterval is how stale a token's last-used time may get.
const TouchInterval = time.Minute
