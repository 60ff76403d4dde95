package service

import (
	"context"
	"fmt"

	"github.com/entente/entente"
)

// Right is what a write needs of its principal. Each write use case checks
// it once, through authorize, before it writes.
type Right int

const (
	// PartnerWork is work a partner's liaison does within its own
	// partner's programmes: proposing activities, registering, holding and
	// reporting them, updating goals. Staff and admins do it for every
	// partner.
	PartnerWork Right = iota
	// StaffWork is for the alliance's staff and admins: approving,
	// agreeing, reviewing, objectives, areas, menus, accession steps,
	// imports.
	StaffWork
	// AccountAdmin manages accounts and tokens: admins only, and a token
	// needs the admin scope.
	AccountAdmin
)

// authorize checks that the principal in ctx has right, for the records of
// partner (the ISO3 code whose programme the write touches; "" when the
// write belongs to no partner), and returns the principal. doing names the
// write in the refusal ("approve activities"). No principal is
// EUNAUTHORIZED; a principal without the right is EFORBIDDEN.
func authorize(ctx context.Context, right Right, partner, doing string) (*entente.Principal, error) {
	p := entente.PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, entente.Errorf(entente.EUNAUTHORIZED, "sign in, or send an API token, to %s", doing)
	}
	scope := entente.ScopeWrite
	if right == AccountAdmin {
		scope = entente.ScopeAdmin
	}
	if !p.HasScope(scope) {
		return nil, entente.Errorf(entente.EFORBIDDEN, "this token lacks the %s scope, which is needed to %s", scope, doing)
	}
	switch p.Role {
	case entente.RoleAdmin:
		return p, nil
	case entente.RoleStaff:
		if right != AccountAdmin {
			return p, nil
		}
	case entente.RoleLiaison:
		if right == PartnerWork && partner != "" && partner == p.Partner {
			return p, nil
		}
		if right == PartnerWork && partner != "" {
			return nil, entente.Errorf(entente.EFORBIDDEN, "a liaison for %s may %s only within %s's own programmes", p.Partner, doing, p.Partner)
		}
	}
	return nil, entente.Errorf(entente.EFORBIDDEN, "%s may not %s", roleName(p), doing)
}

// roleName names a principal's role in a refusal: "a reader", "a liaison
// for NZL".
func roleName(p *entente.Principal) string {
	switch {
	case p.Role == entente.RoleLiaison:
		return "a liaison for " + p.Partner
	case p.Role == entente.RoleAdmin:
		return "an admin"
	default:
		return fmt.Sprintf("a %s", p.Role)
	}
}
