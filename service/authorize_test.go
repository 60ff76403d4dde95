package service_test

import (
	"context"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store/storetest"
)

var (
	readerP  = &entente.Principal{Kind: entente.PrincipalUser, ID: "user:2", Name: "rita", Role: entente.RoleReader}
	liaisonN = &entente.Principal{Kind: entente.PrincipalUser, ID: "user:3", Name: "kiri", Role: entente.RoleLiaison, Partner: "NZL"}
	liaisonF = &entente.Principal{Kind: entente.PrincipalUser, ID: "user:4", Name: "aino", Role: entente.RoleLiaison, Partner: "FIN"}
	readTok  = &entente.Principal{Kind: entente.PrincipalToken, ID: "token:9", Name: "planner", Role: entente.RoleStaff, Scopes: []string{entente.ScopeRead}}
	staffTok = &entente.Principal{Kind: entente.PrincipalToken, ID: "token:8", Name: "planner", Role: entente.RoleStaff, Scopes: []string{entente.ScopeWrite}, Address: "192.0.2.7:1234"}
)

// writes are every write use case of the service, each as one call.
func writes(svc *service.Service) map[string]func(ctx context.Context) error {
	menu := "code,title,area,kind,provider,capacity,from,to,sources\nMC-9,Course,maritime,course,BEL,10,2026-09-01,2026-09-05,src-partners\n"
	return map[string]func(ctx context.Context) error{
		"Accession": func(ctx context.Context) error {
			_, err := svc.Accession(ctx, service.StepApply, service.StepRequest{Alliance: "TESTA", Country: "FIN"})
			return err
		},
		"ProposeActivity": func(ctx context.Context) error {
			_, err := svc.ProposeActivity(ctx, service.ProposeRequest{Programme: "NZL-2024-ITPP", Title: "Talks"})
			return err
		},
		"StepActivity approve": func(ctx context.Context) error {
			_, err := svc.StepActivity(ctx, entente.StepApprove, service.ActivityRequest{ID: "NZL-2024-ITPP-A900"})
			return err
		},
		"StepActivity register": func(ctx context.Context) error {
			_, err := svc.StepActivity(ctx, entente.StepRegister, service.ActivityRequest{ID: "NZL-2024-ITPP-A900"})
			return err
		},
		"ReviewProgramme": func(ctx context.Context) error {
			_, err := svc.ReviewProgramme(ctx, service.ReviewRequest{Programme: "NZL-2024-ITPP", Note: "n"})
			return err
		},
		"AgreeProgramme": func(ctx context.Context) error {
			_, err := svc.AgreeProgramme(ctx, service.AgreeRequest{ID: "NZL-ITPP-2027", Alliance: "TESTA", Partner: "NZL", Type: "ITPP", Title: "t"})
			return err
		},
		"PutObjective": func(ctx context.Context) error {
			_, err := svc.PutObjective(ctx, service.ObjectiveRequest{Programme: "NZL-2024-ITPP", Area: "cyber", Title: "Cyber"})
			return err
		},
		"PutGoal": func(ctx context.Context) error {
			_, err := svc.PutGoal(ctx, service.GoalRequest{Programme: "NZL-2024-ITPP", Code: "G9", Objective: "cyber-1", Title: "g"})
			return err
		},
		"AddArea": func(ctx context.Context) error {
			_, err := svc.AddArea(ctx, "space", "Space")
			return err
		},
		"ImportMenu": func(ctx context.Context) error {
			_, err := svc.ImportMenu(ctx, "menu.csv", "csv", strings.NewReader(menu))
			return err
		},
		"Generate": func(ctx context.Context) error {
			_, err := svc.Generate(ctx, service.GenerateRequest{Partners: 1, Seed: 1, Force: true})
			return err
		},
		"Import": func(ctx context.Context) error { return svc.Import(ctx, storetest.Fixture(), "again") },
		"AddUser": func(ctx context.Context) error {
			_, err := svc.AddUser(ctx, service.UserRequest{Name: "eve", Role: entente.RoleAdmin, Password: "a long enough password"})
			return err
		},
		"SetUserDisabled": func(ctx context.Context) error {
			_, err := svc.SetUserDisabled(ctx, "planner", true)
			return err
		},
		"SetPassword": func(ctx context.Context) error { return svc.SetPassword(ctx, "planner", "another long password") },
		"SetRole": func(ctx context.Context) error {
			_, err := svc.SetRole(ctx, "planner", entente.RoleAdmin, "")
			return err
		},
		"CreateToken": func(ctx context.Context) error {
			_, _, err := svc.CreateToken(ctx, service.TokenRequest{User: "planner", Scopes: []string{"write"}})
			return err
		},
	}
}

// setUp adds what the writes name: a user, an objective and an activity.
func setUp(t *testing.T, svc *service.Service) *entente.Activity {
	t.Helper()
	ctx := staff(t)
	if _, err := svc.AddUser(as(t, entente.Operator("root")), service.UserRequest{Name: "planner", Role: entente.RoleStaff, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PutObjective(ctx, service.ObjectiveRequest{Programme: "NZL-2024-ITPP", Code: "cyber-1", Area: "cyber", Title: "Cyber"}); err != nil {
		t.Fatal(err)
	}
	a, err := svc.ProposeActivity(ctx, service.ProposeRequest{ID: "NZL-2024-ITPP-A900", Programme: "NZL-2024-ITPP", Title: "Talks"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// state is what a refused write must leave as it was: the records, the
// audit log, the accounts and the tokens.
func state(t *testing.T, svc *service.Service) string {
	t.Helper()
	ctx := staff(t)
	evs, err := svc.Store.FindAuditEvents(ctx, entente.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	as, err := svc.Store.FindAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := svc.Store.FindTokens(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	return export(t, svc) + toJSON(t, evs) + toJSON(t, as) + toJSON(t, ts)
}

// TestWritesNeedAPrincipal: every write use case refuses the public with
// EUNAUTHORIZED, a reader and a read-only token with EFORBIDDEN, and a
// staff member's by-passing nothing; none of the refusals writes anything.
func TestWritesNeedAPrincipal(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		setUp(t, svc)
		for name, write := range writes(svc) {
			for _, c := range []struct {
				who  *entente.Principal
				want string
			}{
				{nil, entente.EUNAUTHORIZED},
				{entente.Anonymous, entente.EUNAUTHORIZED},
				{readerP, entente.EFORBIDDEN},
				{readTok, entente.EFORBIDDEN},
			} {
				before := state(t, svc)
				ctx := t.Context()
				if c.who != nil {
					ctx = as(t, c.who)
				}
				err := write(ctx)
				if got := entente.ErrorCode(err); got != c.want {
					t.Errorf("%s as %v: error code %q (%v), want %q", name, c.who, got, err, c.want)
				}
				if state(t, svc) != before {
					t.Errorf("%s as %v was refused but wrote", name, c.who)
				}
			}
		}
	})
}

// TestLiaison: a liaison works within its own partner's programmes only,
// and never approves, agrees, reviews, imports menus or runs accession
// steps.
func TestLiaison(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		ctx := staff(t)
		a := setUp(t, svc)

		// Another partner's liaison touches nothing of NZL's.
		before := state(t, svc)
		for name, write := range writes(svc) {
			if err := write(as(t, liaisonF)); entente.ErrorCode(err) != entente.EFORBIDDEN {
				t.Errorf("%s as the FIN liaison: %v, want forbidden", name, err)
			}
		}
		// NZL's liaison may not do the staff's work.
		for _, name := range []string{"Accession", "StepActivity approve", "ReviewProgramme", "AgreeProgramme", "PutObjective",
			"AddArea", "ImportMenu", "Generate", "Import", "AddUser", "SetUserDisabled", "SetPassword", "SetRole", "CreateToken"} {
			if err := writes(svc)[name](as(t, liaisonN)); entente.ErrorCode(err) != entente.EFORBIDDEN {
				t.Errorf("%s as the NZL liaison: %v, want forbidden", name, err)
			}
		}
		if state(t, svc) != before {
			t.Fatal("refused writes changed the store")
		}
		_, err := svc.StepActivity(as(t, liaisonN), entente.StepApprove, service.ActivityRequest{ID: a.ID})
		if e := entente.ErrorMessage(err); !strings.Contains(e, "liaison for NZL may not approve") {
			t.Errorf("approve as the NZL liaison: %q, want it to say a liaison may not approve", e)
		}

		// Within its programme, it proposes and updates goals, as itself.
		nctx := as(t, liaisonN)
		p, err := svc.ProposeActivity(nctx, service.ProposeRequest{Programme: "NZL-2024-ITPP", Title: "Liaison's talks"})
		if err != nil {
			t.Fatalf("propose as the NZL liaison: %v", err)
		}
		if _, err := svc.PutGoal(nctx, service.GoalRequest{Programme: "NZL-2024-ITPP", Code: "G9", Objective: "cyber-1", Title: "A goal"}); err != nil {
			t.Fatalf("goal as the NZL liaison: %v", err)
		}
		if _, err := svc.StepActivity(ctx, entente.StepApprove, service.ActivityRequest{ID: p.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.StepActivity(ctx, entente.StepInvite, service.ActivityRequest{ID: p.ID, Countries: []string{"NZL"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.StepActivity(nctx, entente.StepRegister, service.ActivityRequest{ID: p.ID, Country: "NZL", Participants: 2}); err != nil {
			t.Fatalf("register as the NZL liaison: %v", err)
		}
		evs, err := svc.Store.FindAuditEvents(ctx, entente.AuditFilter{Limit: 4})
		if err != nil {
			t.Fatal(err)
		}
		if evs[0].Action != "activity.register" || evs[0].Actor != "user:3" || evs[3].Action != "goal.put" || evs[3].Actor != "user:3" {
			t.Errorf("audit: %+v, want the liaison (user:3) as the actor of its register and goal", evs)
		}
	})
}

// TestAuditActor: the audit names the principal from the context.
func TestAuditActor(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		if _, err := svc.AddArea(as(t, staffTok), "space", "Space"); err != nil {
			t.Fatal(err)
		}
		evs, err := svc.Store.FindAuditEvents(t.Context(), entente.AuditFilter{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if evs[0].Actor != "token:8" {
			t.Errorf("audit actor %q, want token:8", evs[0].Actor)
		}
	})
}
