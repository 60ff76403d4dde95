package service_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestAuditLogStaffOnly: the audit log and its verification answer staff
// and admins only; the public is asked to sign in, others are refused.
func TestAuditLogStaffOnly(t *testing.T) {
	svc := service.New(engines[0].open(t))
	for _, c := range []struct {
		who  *entente.Principal
		code string
	}{
		{nil, entente.EUNAUTHORIZED},
		{entente.Anonymous, entente.EUNAUTHORIZED},
		{&entente.Principal{Kind: entente.PrincipalUser, ID: "user:2", Role: entente.RoleReader}, entente.EFORBIDDEN},
		{&entente.Principal{Kind: entente.PrincipalUser, ID: "user:3", Role: entente.RoleLiaison, Partner: "NZL"}, entente.EFORBIDDEN},
		{&entente.Principal{Kind: entente.PrincipalToken, ID: "token:1", Role: entente.RoleStaff, Scopes: []string{entente.ScopeMetrics}}, entente.EFORBIDDEN},
		{&entente.Principal{Kind: entente.PrincipalToken, ID: "token:2", Role: entente.RoleStaff, Scopes: []string{entente.ScopeRead}}, ""},
		{&entente.Principal{Kind: entente.PrincipalUser, ID: "user:4", Role: entente.RoleStaff}, ""},
		{entente.Operator("ann"), ""},
	} {
		ctx := t.Context()
		if c.who != nil {
			ctx = entente.WithPrincipal(ctx, c.who)
		}
		_, err := svc.AuditLog(ctx, entente.AuditFilter{})
		_, verr := svc.VerifyAudit(ctx)
		if got, vgot := entente.ErrorCode(err), entente.ErrorCode(verr); got != c.code || vgot != c.code {
			t.Errorf("%+v: AuditLog %q (%v), VerifyAudit %q; want %q", c.who, got, err, vgot, c.code)
		}
	}
}

// TestAuditLogPages: pages of the log, newest first, with what each event
// changed field by field.
func TestAuditLogPages(t *testing.T) {
	st := engines[0].open(t)
	svc := service.New(st)
	ctx := entente.WithPrincipal(t.Context(), &entente.Principal{Kind: entente.PrincipalUser, ID: "user:1", Role: entente.RoleStaff})
	for i := range 5 {
		err := st.Update(ctx, func(tx entente.Tx) error {
			return tx.AddAuditEvent(ctx, &entente.AuditEvent{At: time.Now(), Actor: fmt.Sprint("user:", i%2), Action: "activity.step",
				Entity: "activity", Key: "A-1", Before: json.RawMessage(fmt.Sprintf(`{"status":"s%d","title":"T"}`, i)),
				After: json.RawMessage(fmt.Sprintf(`{"status":"s%d","title":"T","n":[%d]}`, i+1, i))})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	p, err := svc.AuditLog(ctx, entente.AuditFilter{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Events) != 2 || p.Events[0].ID != 5 || p.Next != 4 {
		t.Fatalf("first page: %d events, first %d, next %d; want 2, 5 and 4", len(p.Events), p.Events[0].ID, p.Next)
	}
	want := []entente.AuditChange{{Field: "n[0]", After: "4", Added: true}, {Field: "status", Before: "s4", After: "s5"}}
	if got := p.Events[0].Changes; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("changes: %+v, want %+v", got, want)
	}
	p, err = svc.AuditLog(ctx, entente.AuditFilter{Actor: "user:0", Before: 5, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Events) != 2 || p.Events[0].ID != 3 || p.Events[1].ID != 1 || p.Next != 0 {
		t.Errorf("user:0 before 5: %+v, want events 3 and 1 and no next page", p)
	}
	for _, bad := range []entente.AuditFilter{{Limit: -1}, {Limit: service.MaxAuditPage + 1}, {Before: -2}} {
		if _, err := svc.AuditLog(ctx, bad); entente.ErrorCode(err) != entente.EINVALID {
			t.Errorf("AuditLog(%+v): %v, want EINVALID", bad, err)
		}
	}
	c, err := svc.VerifyAudit(ctx)
	if err != nil || !c.OK() || c.Events != 5 {
		t.Errorf("VerifyAudit: %+v, %v; want 5 events verified", c, err)
	}
}
