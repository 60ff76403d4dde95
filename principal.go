package entente

import (
	"context"
	"slices"
)

// Role is what a signed-in account may do. A principal with no account is
// RolePublic.
type Role string

// The roles, from most to least trusted.
const (
	// RoleAdmin manages accounts and tokens, and does everything staff do.
	RoleAdmin Role = "admin"
	// RoleStaff is the alliance's staff: reads and edits every record.
	RoleStaff Role = "staff"
	// RoleLiaison is a partner's liaison officer, bound to one partner
	// (Principal.Partner): reads what is released to that partner;
	// proposes, edits and reports activities and updates goals within its
	// own programmes; cannot approve or agree.
	RoleLiaison Role = "liaison"
	// RoleReader is signed in and reads what staff release to readers;
	// changes nothing.
	RoleReader Role = "reader"
	// RolePublic is anonymous: published records only, no change.
	RolePublic Role = "public"
)

// Roles are the roles an account may have, most trusted first.
var Roles = []Role{RoleAdmin, RoleStaff, RoleLiaison, RoleReader}

// ValidRole reports whether r is a role an account may have.
func ValidRole(r Role) bool { return slices.Contains(Roles, r) }

// Principal kinds: who is acting.
const (
	// PrincipalUser is a signed-in account (a browser session).
	PrincipalUser = "user"
	// PrincipalToken is an API token; it acts for its account, within its
	// scopes.
	PrincipalToken = "token"
	// PrincipalOperator is whoever runs the CLI with the database file or
	// DSN in hand: they could change the database directly, so the CLI
	// acts with admin rights, named in the audit as the local operator.
	PrincipalOperator = "operator"
	// PrincipalAnonymous is nobody in particular: the public.
	PrincipalAnonymous = "anonymous"
)

// Token scopes.
const (
	ScopeRead    = "read"
	ScopeWrite   = "write"
	ScopeAdmin   = "admin"
	ScopeMetrics = "metrics"
)

// Principal is who is acting in a request or a CLI run. The service layer
// reads it from the context (PrincipalFrom), never from a request body or
// a flag a client sets, and records it in the audit log.
type Principal struct {
	// Kind is one of the Principal* kinds.
	Kind string `json:"kind"`
	// ID identifies the principal in the audit log: "user:<id>",
	// "token:<id>", "operator:<name>" or "anonymous".
	ID string `json:"id"`
	// Name is the account's name, shown to people.
	Name string `json:"name"`
	Role Role   `json:"role"`
	// Partner is the ISO3 code of a liaison's partner; empty otherwise.
	Partner string `json:"partner,omitempty"`
	// Scopes limit a token (Kind PrincipalToken); empty for other kinds.
	Scopes []string `json:"scopes,omitempty"`
	// Address is the client's network address ("" for the CLI).
	Address string `json:"address,omitempty"`
}

// Anonymous is the principal of a request that is not signed in.
var Anonymous = &Principal{Kind: PrincipalAnonymous, ID: "anonymous", Name: "anonymous", Role: RolePublic}

// Operator returns the principal of the local operator named name (the OS
// user who runs the CLI).
func Operator(name string) *Principal {
	return &Principal{Kind: PrincipalOperator, ID: "operator:" + name, Name: name, Role: RoleAdmin}
}

// HasScope reports whether p may act within scope: every non-token
// principal has all scopes its role allows; a token only those it lists
// (admin implies write and read, write implies read).
func (p *Principal) HasScope(scope string) bool {
	if p.Kind != PrincipalToken {
		return true
	}
	for _, s := range p.Scopes {
		if s == scope || s == ScopeAdmin && (scope == ScopeWrite || scope == ScopeRead) || s == ScopeWrite && scope == ScopeRead {
			return true
		}
	}
	return false
}

// Authenticated reports whether p is someone rather than the public.
func (p *Principal) Authenticated() bool {
	return p != nil && p.Kind != PrincipalAnonymous && p.Role != RolePublic
}

type principalKey struct{}

// WithPrincipal returns a copy of ctx that carries p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal ctx carries, or Anonymous.
func PrincipalFrom(ctx context.Context) *Principal {
	if p, ok := ctx.Value(principalKey{}).(*Principal); ok && p != nil {
		return p
	}
	return Anonymous
}
