package service_test

import (
	"slices"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestProgrammeAgree agrees a new programme for NZL, which supersedes the
// one in force and carries its open goal over, and checks each programme's
// state before and after the day; refused agreements write nothing.
func TestProgrammeAgree(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		ctx := staff(t)
		if _, err := svc.PutObjective(ctx, service.ObjectiveRequest{Programme: "NZL-2024-ITPP", Area: "maritime", Title: "Maritime security"}); err != nil {
			t.Fatalf("PutObjective: %v", err)
		}
		goal := service.GoalRequest{Programme: "NZL-2024-ITPP", Code: "G1", Objective: "maritime", Title: "Shared picture",
			Indicators: []entente.Indicator{{Name: "exercises", Baseline: 0, Target: 4, Current: 1}}}
		if _, err := svc.PutGoal(ctx, goal); err != nil {
			t.Fatalf("PutGoal: %v", err)
		}
		req := service.AgreeRequest{ID: "NZL-ITPP-2026", Alliance: "TESTA", Partner: "NZL", Type: "ITPP",
			Title: "Individually Tailored Partnership Programme 2026", Agreed: d("2026-03-01"), Areas: []string{"cyber"}, CarryOver: true}

		for name, bad := range map[string]func(r *service.AgreeRequest){
			"an id in use":             func(r *service.AgreeRequest) { r.ID = "NZL-2024-ITPP" },
			"a malformed id":           func(r *service.AgreeRequest) { r.ID = "NZL 2026" },
			"an unknown area":          func(r *service.AgreeRequest) { r.Areas = []string{"space"} },
			"no title":                 func(r *service.AgreeRequest) { r.Title = "" },
			"a member as partner":      func(r *service.AgreeRequest) { r.Partner = "SWE" },
			"before the one in force":  func(r *service.AgreeRequest) { r.Agreed = d("2024-01-01") },
			"before the founding":      func(r *service.AgreeRequest) { r.Agreed = d("1900-01-01") },
			"an unknown alliance":      func(r *service.AgreeRequest) { r.Alliance = "NOPE" },
			"a malformed country code": func(r *service.AgreeRequest) { r.Partner = "nz" },
			"an unknown country":       func(r *service.AgreeRequest) { r.Partner = "XYZ" },
		} {
			before := export(t, svc)
			r := req
			bad(&r)
			_, err := svc.AgreeProgramme(ctx, r)
			if entente.ErrorCode(err) == "" || entente.ErrorCode(err) == entente.EINTERNAL {
				t.Errorf("agree with %s: error %v, want a refusal", name, err)
			}
			if export(t, svc) != before {
				t.Errorf("agree with %s was refused but changed the store", name)
			}
		}

		res, err := svc.AgreeProgramme(ctx, req)
		if err != nil {
			t.Fatalf("AgreeProgramme: %v", err)
		}
		if !slices.Equal(res.Superseded, []string{"NZL-2024-ITPP"}) || res.Programme.Supersedes != "NZL-2024-ITPP" {
			t.Errorf("agree superseded %v (supersedes %q), want NZL-2024-ITPP", res.Superseded, res.Programme.Supersedes)
		}
		if len(res.CarriedOver) != 1 || res.CarriedOver[0].Code != "G1" || res.CarriedOver[0].Programme != "NZL-ITPP-2026" {
			t.Errorf("carried over %+v, want G1 under NZL-ITPP-2026", res.CarriedOver)
		}
		objs := codes(res.Objectives, func(o entente.Objective) string { return o.Code })
		if !slices.Contains(objs, "cyber") || !slices.Contains(objs, "maritime") {
			t.Errorf("objectives of the new programme = %v, want cyber (its area) and maritime (carried over)", objs)
		}

		for _, tc := range []struct{ day, id, supersededBy string }{
			{"2026-02-28", "NZL-2024-ITPP", ""},
			{"2026-03-01", "NZL-2024-ITPP", "NZL-ITPP-2026"},
			{"2025-01-01", "NZL-IPCP-2012", "NZL-2024-ITPP"},
		} {
			v, err := svc.Programme(ctx, tc.id, d(tc.day))
			if err != nil {
				t.Fatalf("Programme(%s, %s): %v", tc.id, tc.day, err)
			}
			if v.SupersededBy != tc.supersededBy {
				t.Errorf("Programme(%s, %s).SupersededBy = %q, want %q", tc.id, tc.day, v.SupersededBy, tc.supersededBy)
			}
		}
		vs, err := svc.ProgrammesOf(ctx, "NZL", d("2026-06-01"))
		if err != nil {
			t.Fatal(err)
		}
		if got := codes(vs, func(v service.ProgrammeView) string { return v.ID }); !slices.Equal(got, []string{"NZL-IPCP-2012", "NZL-2024-ITPP", "NZL-ITPP-2026"}) {
			t.Errorf("ProgrammesOf(NZL) = %v, want the three, oldest first", got)
		}
		vs, err = svc.ProgrammesOf(ctx, "NZL-ITPP-2026", entente.Date{})
		if err != nil || len(vs) != 1 || len(vs[0].Goals) != 1 || len(vs[0].Objectives) != 2 {
			t.Errorf("ProgrammesOf(NZL-ITPP-2026) = %+v, %v; want it with 2 objectives and 1 goal", vs, err)
		}
		_, err = svc.ProgrammesOf(ctx, "XYZ", entente.Date{})
		wantCode(t, "ProgrammesOf(XYZ)", err, entente.ENOTFOUND)
		_, err = svc.ProgrammesOf(ctx, "NOPE-1", entente.Date{})
		wantCode(t, "ProgrammesOf(NOPE-1)", err, entente.ENOTFOUND)
	})
}

// TestObjectivesAndGoals adds and changes objectives and goals, and checks
// the refusals: a superseded programme, an unknown area or objective, a
// missing title or indicator name.
func TestObjectivesAndGoals(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		ctx := staff(t)
		obj := service.ObjectiveRequest{Programme: "NZL-2024-ITPP", Code: "cyber-1", Area: "cyber", Title: "Cyber defence"}
		if _, err := svc.PutObjective(ctx, obj); err != nil {
			t.Fatalf("PutObjective: %v", err)
		}
		obj.Title = "Cyber defence and resilience"
		if o, err := svc.PutObjective(ctx, obj); err != nil || o.Title != obj.Title {
			t.Fatalf("PutObjective (change) = %+v, %v", o, err)
		}
		goal := service.GoalRequest{Programme: "NZL-2024-ITPP", Code: "G1", Objective: "cyber-1", Title: "Joint exercise",
			Indicators: []entente.Indicator{{Name: "exercises", Target: 2}}}
		if _, err := svc.PutGoal(ctx, goal); err != nil {
			t.Fatalf("PutGoal: %v", err)
		}
		v, err := svc.Programme(ctx, "NZL-2024-ITPP", entente.Date{})
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Objectives) != 1 || v.Objectives[0].Title != obj.Title || len(v.Goals) != 1 || v.Goals[0].Objective != "cyber-1" {
			t.Errorf("programme after the puts: objectives %+v, goals %+v", v.Objectives, v.Goals)
		}

		for name, tc := range map[string]struct {
			put  func() error
			code string
		}{
			"objective on a superseded programme": {func() error {
				_, err := svc.PutObjective(ctx, service.ObjectiveRequest{Programme: "NZL-IPCP-2012", Area: "cyber", Title: "x"})
				return err
			}, entente.EREFUSED},
			"objective in an unknown area": {func() error {
				_, err := svc.PutObjective(ctx, service.ObjectiveRequest{Programme: "NZL-2024-ITPP", Area: "space", Title: "x"})
				return err
			}, entente.EINVALID},
			"objective without a title": {func() error {
				_, err := svc.PutObjective(ctx, service.ObjectiveRequest{Programme: "NZL-2024-ITPP", Area: "cyber"})
				return err
			}, entente.EINVALID},
			"objective of an unknown programme": {func() error {
				_, err := svc.PutObjective(ctx, service.ObjectiveRequest{Programme: "NOPE", Area: "cyber", Title: "x"})
				return err
			}, entente.ENOTFOUND},
			"goal under an unknown objective": {func() error {
				_, err := svc.PutGoal(ctx, service.GoalRequest{Programme: "NZL-2024-ITPP", Code: "G2", Objective: "nope", Title: "x"})
				return err
			}, entente.EINVALID},
			"goal with an unnamed indicator": {func() error {
				_, err := svc.PutGoal(ctx, service.GoalRequest{Programme: "NZL-2024-ITPP", Code: "G2", Objective: "cyber-1", Title: "x",
					Indicators: []entente.Indicator{{Target: 1}}})
				return err
			}, entente.EINVALID},
			"goal on a superseded programme": {func() error {
				_, err := svc.PutGoal(ctx, service.GoalRequest{Programme: "NZL-IPCP-2012", Code: "G2", Objective: "cyber-1", Title: "x"})
				return err
			}, entente.EREFUSED},
		} {
			before := export(t, svc)
			err := tc.put()
			t.Run(name, func(t *testing.T) { refusedUnchanged(t, svc, name, before, err, tc.code) })
		}
	})
}

// TestReviewAndDiff reviews a programme, changes it, and compares the
// review's snapshot with the programme as it is now.
func TestReviewAndDiff(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		ctx := staff(t)
		r, err := svc.ReviewProgramme(ctx, service.ReviewRequest{Programme: "NZL-2024-ITPP", Date: d("2026-01-15"), Note: "first look"})
		if err != nil {
			t.Fatalf("ReviewProgramme: %v", err)
		}
		if r.ID != "NZL-2024-ITPP-R1" {
			t.Errorf("review id = %q, want NZL-2024-ITPP-R1", r.ID)
		}
		if _, err := svc.PutObjective(ctx, service.ObjectiveRequest{Programme: "NZL-2024-ITPP", Area: "cyber", Title: "Cyber"}); err != nil {
			t.Fatal(err)
		}
		diff, err := svc.DiffProgrammes(ctx, r.ID, "NZL-2024-ITPP")
		if err != nil {
			t.Fatalf("DiffProgrammes: %v", err)
		}
		if diff.Count("added") != 1 || len(diff.Changes) != 1 {
			t.Errorf("diff since the review = %+v, want the one added objective", diff.Changes)
		}
		_, err = svc.DiffProgrammes(ctx, "NOPE", "NZL-2024-ITPP")
		wantCode(t, "DiffProgrammes(NOPE)", err, entente.ENOTFOUND)
	})
}
