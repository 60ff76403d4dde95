package service_test

import (
	"slices"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestAccessionWorkflow takes Finland through every step into TESTA, checks
// that each refused step writes nothing, and that the new member's
// partnership ends on the day it accedes.
func TestAccessionWorkflow(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		ctx := staff(t)
		step := func(st service.Step, by, day string) (*entente.Membership, error) {
			return svc.Accession(ctx, st, service.StepRequest{Alliance: "TESTA", Country: "FIN", By: by, Date: d(day)})
		}
		must := func(st service.Step, by, day string) *entente.Membership {
			t.Helper()
			m, err := step(st, by, day)
			if err != nil {
				t.Fatalf("%s %s on %s: %v", st, by, day, err)
			}
			return m
		}
		refused := func(st service.Step, by, day, code string) {
			t.Helper()
			before := export(t, svc)
			_, err := step(st, by, day)
			refusedUnchanged(t, svc, string(st)+" "+by+" on "+day, before, err, code)
		}

		refused(service.StepConsent, "BEL", "2026-01-06", entente.EREFUSED) // has not applied
		_, err := svc.Accession(ctx, service.StepApply, service.StepRequest{Alliance: "TESTA", Country: "NZL", Date: d("2026-01-05")})
		wantCode(t, "NZL applies (not a European state)", err, entente.EREFUSED)
		_, err = svc.Accession(ctx, service.StepApply, service.StepRequest{Alliance: "TESTA", Country: "FIN", Date: d("1900-01-01")})
		wantCode(t, "apply before the founding", err, entente.EREFUSED)

		if m := must(service.StepApply, "", "2026-01-05"); m.Applied != d("2026-01-05") || len(m.Sources) == 0 {
			t.Fatalf("apply wrote %+v, want Applied 2026-01-05 and a source", m)
		}
		refused(service.StepApply, "", "2026-01-06", entente.EREFUSED)      // applied already
		refused(service.StepConsent, "", "2026-01-06", entente.EINVALID)    // by whom?
		refused(service.StepConsent, "FRA", "2026-01-06", entente.EREFUSED) // FRA left in 1967
		must(service.StepConsent, "BEL", "2026-01-06")
		must(service.StepConsent, "CAN", "2026-01-06")
		refused(service.StepConsent, "CAN", "2026-01-06", entente.EREFUSED) // twice
		refused(service.StepInvite, "", "2026-01-07", entente.EREFUSED)     // SWE has not consented
		must(service.StepConsent, "SWE", "2026-01-06")
		refused(service.StepSign, "", "2026-01-07", entente.EREFUSED) // not invited yet
		must(service.StepInvite, "", "2026-01-07")
		refused(service.StepSign, "", "2026-01-06", entente.EREFUSED) // before the invitation
		must(service.StepSign, "", "2026-01-08")
		for _, by := range []string{"BEL", "CAN"} {
			must(service.StepRatify, by, "2026-01-09")
		}
		refused(service.StepDeposit, "", "2026-01-10", entente.EREFUSED) // SWE has not ratified
		must(service.StepRatify, "SWE", "2026-01-09")
		m := must(service.StepDeposit, "", "2026-01-10")
		if m.Acceded != d("2026-01-10") || len(m.Consents) != 3 || len(m.Ratifications) != 3 {
			t.Fatalf("deposit wrote %+v, want Acceded 2026-01-10 with 3 consents and 3 ratifications", m)
		}

		for day, want := range map[string]bool{"2026-01-09": false, "2026-01-10": true, "2026-06-01": true} {
			ms, err := svc.Members(ctx, "TESTA", d(day))
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.Contains(codes(ms, func(m service.Member) string { return m.Code }), "FIN"); got != want {
				t.Errorf("FIN a member on %s: %v, want %v", day, got, want)
			}
		}
		ps, err := svc.Country(ctx, "FIN", d("2026-06-01"))
		if err != nil {
			t.Fatal(err)
		}
		if len(ps.Partnerships) != 0 {
			t.Errorf("FIN's partnerships after accession: %+v, want none (ended on accession)", ps.Partnerships)
		}
		ps, err = svc.Country(ctx, "FIN", d("2026-01-09"))
		if err != nil {
			t.Fatal(err)
		}
		if len(ps.Partnerships) != 1 || ps.Partnerships[0].To != d("2026-01-10") {
			t.Errorf("FIN's partnerships the day before accession: %+v, want PFP ending 2026-01-10", ps.Partnerships)
		}

		evs, err := svc.Store.FindAuditEvents(ctx, entente.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range evs {
			if e.Actor == staffPrincipal.ID && e.Action != "import" {
				actions = append(actions, e.Action)
			}
		}
		slices.Reverse(actions) // oldest first
		want := []string{"accession.apply", "accession.consent", "accession.consent", "accession.consent", "accession.invite",
			"accession.sign", "accession.ratify", "accession.ratify", "accession.ratify", "accession.deposit", "partnership.end"}
		if !slices.Equal(actions, want) {
			t.Errorf("audit actions = %v\nwant %v", actions, want)
		}
	})
}

// TestCheckAccession checks the verdicts for a member, a European partner
// and a state outside the treaty area, and the errors for unknown input.
func TestCheckAccession(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		ctx := staff(t)
		for code, want := range map[string]bool{"FIN": true, "NZL": false, "BEL": false} {
			v, err := svc.CheckAccession(ctx, "TESTA", code, d("2026-01-01"))
			if err != nil {
				t.Fatalf("CheckAccession(%s): %v", code, err)
			}
			if v.Eligible != want || len(v.Reasons) == 0 {
				t.Errorf("CheckAccession(%s) = eligible %v with %d reasons, want %v with reasons", code, v.Eligible, len(v.Reasons), want)
			}
		}
		_, err := svc.CheckAccession(ctx, "TESTA", "nz", entente.Date{})
		wantCode(t, "CheckAccession(nz)", err, entente.EINVALID)
		_, err = svc.CheckAccession(ctx, "NOPE", "FIN", entente.Date{})
		wantCode(t, "CheckAccession(alliance NOPE)", err, entente.ENOTFOUND)
	})
}

// TestAccessionDryRun: a dry run answers what the step would write, or its
// refusal, and writes nothing; it is refused by role as the step is; the
// accession's state names the members whose consent is missing.
func TestAccessionDryRun(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		ctx := staff(t)
		before := export(t, svc)
		m, err := svc.Accession(ctx, service.StepApply, service.StepRequest{Alliance: "TESTA", Country: "FIN", Date: d("2026-01-05"), DryRun: true})
		if err != nil || m.Applied != d("2026-01-05") {
			t.Fatalf("dry apply: %+v, %v", m, err)
		}
		_, err = svc.Accession(ctx, service.StepApply, service.StepRequest{Alliance: "TESTA", Country: "NZL", Date: d("2026-01-05"), DryRun: true})
		wantCode(t, "dry apply of NZL", err, entente.EREFUSED)
		reader := as(t, &entente.Principal{Kind: entente.PrincipalUser, ID: "r", Role: entente.RoleReader})
		_, err = svc.Accession(reader, service.StepApply, service.StepRequest{Alliance: "TESTA", Country: "FIN", Date: d("2026-01-05"), DryRun: true})
		wantCode(t, "a reader's dry apply", err, entente.EFORBIDDEN)
		wantCode(t, "a reader may run accession steps", service.MayRunAccession(reader), entente.EFORBIDDEN)
		if err := service.MayRunAccession(ctx); err != nil {
			t.Errorf("staff may not run accession steps: %v", err)
		}
		if after := export(t, svc); after != before {
			t.Fatal("a dry run wrote")
		}

		v, err := svc.AccessionState(ctx, "TESTA", "FIN", d("2026-01-05"))
		if err != nil || v.Membership != nil || !v.Verdict.Eligible || len(v.NoConsent) != len(v.Members) || len(v.Members) == 0 {
			t.Fatalf("FIN before applying: %+v, %v", v, err)
		}
		if _, err := svc.Accession(ctx, service.StepApply, service.StepRequest{Alliance: "TESTA", Country: "FIN", Date: d("2026-01-05")}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Accession(ctx, service.StepConsent, service.StepRequest{Alliance: "TESTA", Country: "FIN", By: "BEL", Date: d("2026-01-06")}); err != nil {
			t.Fatal(err)
		}
		v, err = svc.AccessionState(ctx, "TESTA", "FIN", d("2026-01-06"))
		if err != nil || v.Status != entente.StatusApplied || slices.Contains(v.NoConsent, "BEL") || len(v.NoConsent) != len(v.Members)-1 {
			t.Fatalf("FIN after BEL's consent: %+v, %v", v, err)
		}
		// A step made from the version before BEL's consent is stale.
		stale := entente.Version(entente.Membership{})
		before = export(t, svc)
		_, err = svc.Accession(ctx, service.StepConsent, service.StepRequest{Alliance: "TESTA", Country: "FIN", By: "CAN", Date: d("2026-01-06"), IfMatch: stale})
		refusedUnchanged(t, svc, "a consent from a stale version", before, err, entente.ESTALE)
		if _, err := svc.Accession(ctx, service.StepConsent, service.StepRequest{Alliance: "TESTA", Country: "FIN", By: "CAN", Date: d("2026-01-06"),
			IfMatch: entente.Version(*v.Membership)}); err != nil {
			t.Fatalf("a consent from the current version: %v", err)
		}
	})
}
