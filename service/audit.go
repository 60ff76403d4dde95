package service

import (
	"context"

	"github.com/entente/entente"
)

// AuditPageSize is how many audit events a page of the log holds unless
// asked for another number; MaxAuditPage is the most one may ask for.
const (
	AuditPageSize = 50
	MaxAuditPage  = 500
)

// AuditEntry is an audit event with what it changed, field by field.
type AuditEntry struct {
	entente.AuditEvent
	Changes []entente.AuditChange `json:"changes"`
}

// AuditPage is one page of the audit log, newest first.
type AuditPage struct {
	Filter entente.AuditFilter `json:"-"`
	Events []AuditEntry        `json:"events"`
	// Next is the Before of the next, older page; 0 when this is the last.
	Next int64 `json:"next,omitempty"`
}

// AuditLog returns a page of the audit events f selects, newest first
// (f.Limit of them, AuditPageSize when zero), each with its changes. Only
// staff and admins read the audit log.
func (s *Service) AuditLog(ctx context.Context, f entente.AuditFilter) (*AuditPage, error) {
	if err := requireStaff(ctx, "read the audit log"); err != nil {
		return nil, err
	}
	switch {
	case f.Limit == 0:
		f.Limit = AuditPageSize
	case f.Limit < 0 || f.Limit > MaxAuditPage:
		return nil, entente.Errorf(entente.EINVALID, "limit %d: a page holds 1 to %d events", f.Limit, MaxAuditPage)
	}
	if f.Before < 0 {
		return nil, entente.Errorf(entente.EINVALID, "before %d: give an event id, 1 or more", f.Before)
	}
	want := f.Limit
	f.Limit++ // one more tells whether there is a next page
	evs, err := s.Store.FindAuditEvents(ctx, f)
	if err != nil {
		return nil, err
	}
	f.Limit = want
	page := &AuditPage{Filter: f, Events: []AuditEntry{}}
	if len(evs) > want {
		evs = evs[:want]
		page.Next = evs[want-1].ID
	}
	for _, e := range evs {
		page.Events = append(page.Events, AuditEntry{AuditEvent: e, Changes: entente.AuditDiff(e.Before, e.After)})
	}
	return page, nil
}

// VerifyAudit walks the audit chain, oldest first, on one snapshot of the
// store, and returns how many events held and the first broken link. Only
// staff and admins may ask.
func (s *Service) VerifyAudit(ctx context.Context) (*entente.AuditCheck, error) {
	if err := requireStaff(ctx, "verify the audit log"); err != nil {
		return nil, err
	}
	return view(ctx, s, func(r entente.Reader) (*entente.AuditCheck, error) {
		return entente.VerifyAudit(ctx, r)
	})
}

// requireStaff is the one check that guards reading the audit log, on every
// surface that asks the service (pages, API): the principal in ctx must be
// signed in as staff or admin; a token needs the read scope. authorize is
// for writes (a token needs the write scope there), hence a check of its
// own, worded alike.
func requireStaff(ctx context.Context, doing string) error {
	p := entente.PrincipalFrom(ctx)
	if !p.Authenticated() {
		return entente.Errorf(entente.EUNAUTHORIZED, "sign in as staff, or send a staff API token, to %s", doing)
	}
	if !p.HasScope(entente.ScopeRead) {
		return entente.Errorf(entente.EFORBIDDEN, "this token lacks the read scope, which is needed to %s", doing)
	}
	if p.Role != entente.RoleStaff && p.Role != entente.RoleAdmin {
		return entente.Errorf(entente.EFORBIDDEN, "%s may not %s: staff and admins only", roleName(p), doing)
	}
	return nil
}
