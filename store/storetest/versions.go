package storetest

import (
	"fmt"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// No lost update (issue 10, item 3): writers that all read one version of
// a record and each change it naming that version race; exactly one is
// acknowledged, every other is refused as stale (ESTALE) and writes
// nothing, and the record stored is the winner's. The version is checked
// inside the write's transaction after the record is locked, so this holds
// at commit on both engines.
func runVersions(t *testing.T, open func(t *testing.T) entente.Store) {
	t.Run("Goal", func(t *testing.T) { testStaleGoal(t, open) })
	t.Run("Objective", func(t *testing.T) { testStaleObjective(t, open) })
	t.Run("Step", func(t *testing.T) { testStaleStep(t, open) })
	t.Run("Accession", func(t *testing.T) { testStaleAccession(t, open) })
}

// oneWinner checks that of errs exactly one is nil and the rest ESTALE,
// and returns the winner's index.
func oneWinner(t *testing.T, what string, errs []error) int {
	t.Helper()
	n := tally(t, what, errs, entente.ESTALE)
	t.Logf("%d writers from one version of %s: %d acknowledged, %d stale", len(errs), what, n[""], n[entente.ESTALE])
	if n[""] != 1 || n[entente.ESTALE] != len(errs)-1 {
		t.Fatalf("%s: %d acknowledged and %d stale of %d writers from one version, want exactly one acknowledged", what, n[""], n[entente.ESTALE], len(errs))
	}
	for i, err := range errs {
		if err == nil {
			return i
		}
	}
	return -1
}

func testStaleGoal(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, s := planService(t, open, PlanFixture())
	ctx := staffCtx(t)
	g, err := svc.Goal(ctx, "NZL-2024-ITPP", "G1")
	if err != nil {
		t.Fatal(err)
	}
	version := entente.Version(*g)
	before := len(audited(t, s, "goal.put", "NZL-2024-ITPP/G1"))
	errs := hammer(writers, func(w int) error {
		_, err := svc.PutGoal(ctx, service.GoalRequest{Programme: "NZL-2024-ITPP", Code: "G1", Objective: "cyber",
			Title: fmt.Sprintf("writer %d", w), Indicators: g.Indicators, IfMatch: version})
		return err
	})
	winner := oneWinner(t, "goal G1", errs)
	stored, err := svc.Goal(ctx, "NZL-2024-ITPP", "G1")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("writer %d", winner); stored.Title != want {
		t.Errorf("stored title %q, but the change acknowledged was %q", stored.Title, want)
	}
	if evs := audited(t, s, "goal.put", "NZL-2024-ITPP/G1"); len(evs)-before != 1 {
		t.Errorf("%d goal.put events audited, want 1", len(evs)-before)
	}
	// The winner's version is the goal's version now; the old one is
	// stale, the new one is taken.
	if _, err := svc.PutGoal(ctx, service.GoalRequest{Programme: "NZL-2024-ITPP", Code: "G1", Objective: "cyber", Title: "again", IfMatch: version}); entente.ErrorCode(err) != entente.ESTALE {
		t.Errorf("a change from the old version: %v, want %s", err, entente.ESTALE)
	}
	if _, err := svc.PutGoal(ctx, service.GoalRequest{Programme: "NZL-2024-ITPP", Code: "G1", Objective: "cyber", Title: "again", IfMatch: entente.Version(*stored)}); err != nil {
		t.Errorf("a change from the current version: %v", err)
	}
	// A version named for a goal that does not exist is stale too: the
	// writer believed it changed a record, and would create one.
	if _, err := svc.PutGoal(ctx, service.GoalRequest{Programme: "NZL-2024-ITPP", Code: "G-NEW", Objective: "cyber", Title: "new", IfMatch: version}); entente.ErrorCode(err) != entente.ESTALE {
		t.Errorf("a version named for a new goal: %v, want %s", err, entente.ESTALE)
	}
	// Where versions are required (the API), naming none is refused, but
	// a create needs none.
	req := service.RequireVersions(ctx)
	if _, err := svc.PutGoal(req, service.GoalRequest{Programme: "NZL-2024-ITPP", Code: "G1", Objective: "cyber", Title: "blind"}); entente.ErrorCode(err) != entente.EPRECONDITION {
		t.Errorf("a change naming no version where one is required: %v, want %s", err, entente.EPRECONDITION)
	}
	if _, err := svc.PutGoal(req, service.GoalRequest{Programme: "NZL-2024-ITPP", Code: "G-NEW", Objective: "cyber", Title: "new"}); err != nil {
		t.Errorf("a new goal where versions are required: %v", err)
	}
}

func testStaleObjective(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, _ := planService(t, open, PlanFixture())
	ctx := staffCtx(t)
	o, err := svc.Objective(ctx, "NZL-2024-ITPP", "cyber")
	if err != nil {
		t.Fatal(err)
	}
	version := entente.Version(*o)
	errs := hammer(writers, func(w int) error {
		_, err := svc.PutObjective(ctx, service.ObjectiveRequest{Programme: "NZL-2024-ITPP", Code: "cyber", Area: "cyber",
			Title: fmt.Sprintf("writer %d", w), IfMatch: version})
		return err
	})
	winner := oneWinner(t, "objective cyber", errs)
	if stored, err := svc.Objective(ctx, "NZL-2024-ITPP", "cyber"); err != nil {
		t.Fatal(err)
	} else if want := fmt.Sprintf("writer %d", winner); stored.Title != want {
		t.Errorf("stored title %q, but the change acknowledged was %q", stored.Title, want)
	}
}

func testStaleStep(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, s := planService(t, open, PlanFixture())
	ctx := staffCtx(t)
	const id = "NZL-2024-ITPP-STALE"
	openActivity(t, svc, id, 100)
	a, err := svc.Activity(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	version := entente.Version(*a)
	// Places enough for all: without versions every registration would
	// be taken; from one version, one is.
	errs := hammer(writers, func(w int) error {
		_, err := svc.StepActivity(ctx, entente.StepRegister, service.ActivityRequest{ID: id, Country: "NZL", Participants: 1, IfMatch: version})
		return err
	})
	oneWinner(t, "activity "+id, errs)
	stored, err := s.FindActivity(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Registrations) != 1 {
		t.Errorf("stored %d registrations, 1 acknowledged", len(stored.Registrations))
	}
	checkChain(t, s, id)
	req := service.RequireVersions(ctx)
	if _, err := svc.StepActivity(req, entente.StepRegister, service.ActivityRequest{ID: id, Country: "NZL", Participants: 1}); entente.ErrorCode(err) != entente.EPRECONDITION {
		t.Errorf("a step naming no version where one is required: %v, want %s", err, entente.EPRECONDITION)
	}
}

func testStaleAccession(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, s := planService(t, open, PlanFixture())
	ctx := staffCtx(t)
	ms, err := s.FindMemberships(ctx, entente.Filter{})
	if err != nil || len(ms) == 0 {
		t.Fatalf("no membership in the fixture: %v", err)
	}
	m := ms[0]
	got, err := svc.Membership(ctx, m.Alliance, m.Country)
	if err != nil {
		t.Fatal(err)
	}
	if entente.Version(*got) != entente.Version(m) {
		t.Fatal("Membership returns another representation than the store's")
	}
	// A step from an old version is stale before any rule is asked.
	if _, err := svc.Accession(ctx, service.StepSign, service.StepRequest{Alliance: m.Alliance, Country: m.Country, IfMatch: `"0"`}); entente.ErrorCode(err) != entente.ESTALE {
		t.Errorf("an accession step from another version: %v, want %s", err, entente.ESTALE)
	}
	if _, err := svc.Accession(service.RequireVersions(ctx), service.StepSign, service.StepRequest{Alliance: m.Alliance, Country: m.Country}); entente.ErrorCode(err) != entente.EPRECONDITION {
		t.Errorf("an accession step naming no version where one is required: %v, want %s", err, entente.EPRECONDITION)
	}
}
