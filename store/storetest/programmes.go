package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/entente/entente"
)

// PlanFixture is Fixture with programme structure, a cooperation menu,
// activities at several workflow steps and a review: every column of the
// programme tables, optional ones set on some records and empty on others.
// It is in canonical order, as Export returns it.
func PlanFixture() *entente.Dataset {
	ds := Fixture()
	none := entente.Provenance{Sources: []string{}}
	ds.Objectives = []entente.Objective{
		{Programme: "NZL-2024-ITPP", Code: "cyber", Area: "cyber", Title: "Cyber defence", Provenance: src("src-partners")},
		{Programme: "NZL-2024-ITPP", Code: "maritime", Area: "maritime", Title: "Maritime security", Synthetic: true,
			Provenance: entente.Provenance{Sources: []string{"src-partners"}, Note: "made up", Unconfirmed: "all of it"}},
		{Programme: "NZL-IPCP-2012", Code: "interop", Area: "interop", Title: "Interoperability", Provenance: src("src-partners")},
	}
	ds.Goals = []entente.Goal{
		{Programme: "NZL-2024-ITPP", Code: "G1", Objective: "cyber", Title: "Train cyber defenders", Provenance: none,
			Indicators: []entente.Indicator{
				{Name: "courses attended", Unit: "courses", Baseline: 0, Target: 4, Current: 1.5, Due: d("2026-06")},
				{Name: "staff trained", Unit: "people", Baseline: 2, Target: 20, Current: 7},
			}},
		{Programme: "NZL-2024-ITPP", Code: "G2", Objective: "maritime", Title: "Exercise at sea", CarriedFrom: "NZL-IPCP-2012/G1",
			Synthetic: true, Provenance: src("src-ops"), Indicators: []entente.Indicator{}},
		{Programme: "NZL-IPCP-2012", Code: "G1", Objective: "interop", Title: "Exercise at sea", Provenance: none,
			Indicators: []entente.Indicator{{Name: "exercises", Baseline: 0, Target: 2, Current: 1, Due: d("2014")}}},
	}
	ds.Offers = []entente.Offer{
		{Code: "PCM-CYB-01", Title: "Cyber defence course", Area: "cyber", Kind: "course", Provider: "TESTA School", Capacity: 12,
			Location: "Oberammergau", Period: entente.Period{From: d("2025-03-03"), To: d("2025-03-07")}, Provenance: src("src-partners")},
		{Code: "PCM-EVT-02", Title: "Partners' day", Kind: "event", Provider: "TESTA HQ", Recurrence: "annual", Synthetic: true, Provenance: none},
	}
	ds.Activities = []entente.Activity{
		{ID: "NZL-2024-ITPP-A001", Programme: "NZL-2024-ITPP", Goal: "G1", Offer: "PCM-CYB-01", Title: "Cyber defence course", Kind: "course",
			Proposer: "NZL", Location: "Oberammergau", Period: entente.Period{From: d("2025-03-03"), To: d("2025-03-07")}, Capacity: 12,
			Status: entente.ActivityReported, Invited: []string{"NZL", "SWE"},
			Registrations: []entente.Registration{{Country: "NZL", Participants: 4, Date: d("2025-02-01")}, {Country: "SWE", Participants: 2}},
			Outcome:       "Completed", Participants: 6, Feedback: "Useful",
			Dates: entente.ActivityDates{Proposed: d("2025-01-02"), Approved: d("2025-01-03"), InvitationsSent: d("2025-01-04"),
				RegistrationOpened: d("2025-01-05"), Held: d("2025-03-07"), Reported: d("2025-03-20")}, Provenance: none},
		{ID: "NZL-2024-ITPP-A002", Programme: "NZL-2024-ITPP", Title: "Staff talks", Kind: "staff-talks", Status: entente.ActivityCancelled,
			Invited: []string{}, Registrations: []entente.Registration{}, CancelReason: "postponed",
			Dates: entente.ActivityDates{Proposed: d("2025-02-01"), Cancelled: d("2025-02-02")}, Synthetic: true, Provenance: src("src-ops")},
		{ID: "NZL-2024-ITPP-A003", Programme: "NZL-2024-ITPP", Goal: "G2", Title: "Port visit", Kind: "event", Status: entente.ActivityProposed,
			Invited: []string{}, Registrations: []entente.Registration{}, Dates: entente.ActivityDates{Proposed: d("2025-04-01")}, Provenance: none},
	}
	ds.Reviews = []entente.Review{{ID: "NZL-2024-ITPP-R1", Programme: "NZL-2024-ITPP", Date: d("2025-06-30"), Note: "Mid-term", Actor: "storetest",
		Snapshot: deepCopy(entente.ProgrammeSnapshot{Programme: ds.Programmes[0], Objectives: ds.Objectives[:2], Goals: ds.Goals[:2]}), Provenance: none}}
	ds.Sort()
	return ds
}

// deepCopy copies v through JSON, so the copy shares no slices with it.
func deepCopy[T any](v T) T {
	var out T
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

// runPlan is the part of the suite for programme structure, the menu,
// activities and reviews.
func runPlan(t *testing.T, open func(t *testing.T) entente.Store) {
	t.Run("Valid", func(t *testing.T) {
		for _, p := range PlanFixture().Validate() {
			t.Errorf("plan fixture: %s", p)
		}
	})
	t.Run("ImportExport", func(t *testing.T) {
		s := open(t)
		if err := s.Import(t.Context(), PlanFixture(), importEvent()); err != nil {
			t.Fatalf("Import: %v", err)
		}
		want := toJSON(t, PlanFixture())
		sameJSON(t, "Export after Import", exportJSON(t, s), want)
		// And again, from the export.
		ds, err := s.Export(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		second := open(t)
		if err := second.Import(t.Context(), ds, importEvent()); err != nil {
			t.Fatalf("Import(export): %v", err)
		}
		sameJSON(t, "export → import → export", exportJSON(t, second), want)
	})
	t.Run("EmptyCountsPlan", func(t *testing.T) {
		s := open(t)
		ds := &entente.Dataset{Sources: []entente.Source{{ID: "s", Title: "S", URL: "https://example.org"}}}
		if err := s.Import(t.Context(), ds, nil); err != nil {
			t.Fatal(err)
		}
		if empty, _ := s.Empty(t.Context()); empty {
			t.Fatal("Empty() with a source = true")
		}
	})
	t.Run("Find", func(t *testing.T) { testPlanFind(t, open) })
	t.Run("Write", func(t *testing.T) { testPlanWrite(t, open) })
	t.Run("AddRecords", func(t *testing.T) { testAddRecords(t, open) })
	t.Run("RollsBack", func(t *testing.T) {
		s := open(t)
		if err := s.Import(t.Context(), PlanFixture(), importEvent()); err != nil {
			t.Fatal(err)
		}
		want := exportJSON(t, s)
		boom := errors.New("boom")
		err := s.Update(t.Context(), func(tx entente.Tx) error {
			a := PlanFixture().Activities[2]
			a.Status = entente.ActivityApproved
			if err := tx.UpdateActivity(t.Context(), &a); err != nil {
				return err
			}
			g := PlanFixture().Goals[0]
			g.Indicators = nil
			if err := tx.UpdateGoal(t.Context(), &g); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Update = %v, want boom", err)
		}
		sameJSON(t, "Export after rolled-back Update", exportJSON(t, s), want)
	})
}

func testPlanFind(t *testing.T, open func(t *testing.T) entente.Store) {
	s := open(t)
	ctx := t.Context()
	if err := s.Import(ctx, PlanFixture(), importEvent()); err != nil {
		t.Fatal(err)
	}
	actIDs := keysOf(func(a entente.Activity) string { return a.ID })
	tests := []struct {
		name string
		got  func() ([]string, error)
		want []string
	}{
		{"Objectives", func() ([]string, error) {
			return keysOf(func(o entente.Objective) string { return o.Key() })(s.FindObjectives(ctx, ""))
		}, []string{"NZL-2024-ITPP/cyber", "NZL-2024-ITPP/maritime", "NZL-IPCP-2012/interop"}},
		{"ObjectivesOfProgramme", func() ([]string, error) {
			return keysOf(func(o entente.Objective) string { return o.Key() })(s.FindObjectives(ctx, "NZL-IPCP-2012"))
		}, []string{"NZL-IPCP-2012/interop"}},
		{"ObjectivesNone", func() ([]string, error) {
			return keysOf(func(o entente.Objective) string { return o.Key() })(s.FindObjectives(ctx, "SWE-IPAP-2016"))
		}, []string{}},
		{"Goals", func() ([]string, error) {
			return keysOf(func(g entente.Goal) string { return g.Key() })(s.FindGoals(ctx, "NZL-2024-ITPP"))
		}, []string{"NZL-2024-ITPP/G1", "NZL-2024-ITPP/G2"}},
		{"Offers", func() ([]string, error) {
			return keysOf(func(o entente.Offer) string { return o.Code })(s.FindOffers(ctx, ""))
		}, []string{"PCM-CYB-01", "PCM-EVT-02"}},
		{"Offer", func() ([]string, error) {
			return keysOf(func(o entente.Offer) string { return o.Code })(s.FindOffers(ctx, "PCM-EVT-02"))
		}, []string{"PCM-EVT-02"}},
		{"ActivitiesAll", func() ([]string, error) { return actIDs(s.FindActivities(ctx, entente.ActivityFilter{})) },
			[]string{"NZL-2024-ITPP-A001", "NZL-2024-ITPP-A002", "NZL-2024-ITPP-A003"}},
		{"ActivitiesByGoal", func() ([]string, error) {
			return actIDs(s.FindActivities(ctx, entente.ActivityFilter{Programme: "NZL-2024-ITPP", Goal: "G2"}))
		}, []string{"NZL-2024-ITPP-A003"}},
		{"ActivitiesByStatus", func() ([]string, error) {
			return actIDs(s.FindActivities(ctx, entente.ActivityFilter{Status: entente.ActivityCancelled}))
		}, []string{"NZL-2024-ITPP-A002"}},
		{"ActivitiesByOffer", func() ([]string, error) {
			return actIDs(s.FindActivities(ctx, entente.ActivityFilter{Offer: "PCM-CYB-01"}))
		}, []string{"NZL-2024-ITPP-A001"}},
		{"ActivitiesPaged", func() ([]string, error) {
			return actIDs(s.FindActivities(ctx, entente.ActivityFilter{Limit: 1, Offset: 1}))
		}, []string{"NZL-2024-ITPP-A002"}},
		{"ActivitiesAfter", func() ([]string, error) {
			return actIDs(s.FindActivities(ctx, entente.ActivityFilter{After: "NZL-2024-ITPP-A001", Limit: 1}))
		}, []string{"NZL-2024-ITPP-A002"}},
		{"ActivitiesAfterLast", func() ([]string, error) {
			return actIDs(s.FindActivities(ctx, entente.ActivityFilter{Programme: "NZL-2024-ITPP", After: "NZL-2024-ITPP-A003"}))
		}, []string{}},
		{"ActivitiesOtherProgramme", func() ([]string, error) {
			return actIDs(s.FindActivities(ctx, entente.ActivityFilter{Programme: "NZL-IPCP-2012"}))
		}, []string{}},
		{"Reviews", func() ([]string, error) {
			return keysOf(func(r entente.Review) string { return r.ID })(s.FindReviews(ctx, "NZL-2024-ITPP"))
		}, []string{"NZL-2024-ITPP-R1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.got()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if n, err := s.CountActivities(ctx, "NZL-2024-ITPP"); err != nil || n != 3 {
		t.Errorf("CountActivities = %d, %v; want 3", n, err)
	}
	if n, err := s.CountActivities(ctx, ""); err != nil || n != 3 {
		t.Errorf("CountActivities(all) = %d, %v; want 3", n, err)
	}
	a, err := s.FindActivity(ctx, "NZL-2024-ITPP-A001")
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "FindActivity", toJSON(t, a), toJSON(t, PlanFixture().Activities[0]))
	_, err = s.FindActivity(ctx, "nope")
	wantCode(t, "FindActivity(unknown)", err, entente.ENOTFOUND)
	r, err := s.FindReview(ctx, "NZL-2024-ITPP-R1")
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "FindReview", toJSON(t, r), toJSON(t, PlanFixture().Reviews[0]))
	_, err = s.FindReview(ctx, "nope")
	wantCode(t, "FindReview(unknown)", err, entente.ENOTFOUND)
}

func testPlanWrite(t *testing.T, open func(t *testing.T) entente.Store) {
	tests := []struct {
		name string
		put  func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error
		code string // "" when it must succeed
	}{
		{"Objective", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			ds.Objectives[0].Title = "Cyber resilience"
			return tx.UpdateObjective(ctx, &ds.Objectives[0])
		}, ""},
		{"GoalIndicators", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			g := &ds.Goals[0]
			g.Indicators = append(g.Indicators[:1], entente.Indicator{Name: "new", Target: 1, Current: 0.25})
			g.Indicators[0].Current = 3
			return tx.UpdateGoal(ctx, g)
		}, ""},
		{"Offer", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			ds.Offers[1].Capacity, ds.Offers[1].Area = 99, "maritime"
			return tx.UpdateOffer(ctx, &ds.Offers[1])
		}, ""},
		{"NewActivity", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			a := entente.Activity{ID: "B1", Programme: "SWE-IPAP-2016", Title: "Visit", Kind: "event", Status: entente.ActivityProposed,
				Invited: []string{}, Registrations: []entente.Registration{}, Dates: entente.ActivityDates{Proposed: d("2020-01-01")},
				Provenance: entente.Provenance{Sources: []string{}}}
			ds.Activities = append(ds.Activities, a)
			return tx.CreateActivity(ctx, &a)
		}, ""},
		{"ActivityStep", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			a := &ds.Activities[2]
			a.Status, a.Invited, a.Dates.Approved = entente.ActivityInvitationsSent, []string{"NZL", "SWE"}, d("2025-04-02")
			a.Registrations = []entente.Registration{{Country: "NZL", Participants: 3}}
			return tx.UpdateActivity(ctx, a)
		}, ""},
		{"NewReview", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			r := deepCopy(ds.Reviews[0])
			r.ID, r.Note, r.Snapshot.Goals = "NZL-2024-ITPP-R2", "changed", []entente.Goal{}
			ds.Reviews = append(ds.Reviews, r)
			return tx.CreateReview(ctx, &r)
		}, ""},
		{"NewObjectiveAndGoal", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			o := entente.Objective{Programme: "SWE-IPAP-2016", Code: "cyber", Area: "cyber", Title: "Cyber", Provenance: src("src-partners")}
			g := entente.Goal{Programme: "SWE-IPAP-2016", Code: "G1", Objective: "cyber", Title: "Train", Provenance: src("src-partners"),
				Indicators: []entente.Indicator{{Name: "courses", Target: 2}}}
			ds.Objectives, ds.Goals = append(ds.Objectives, o), append(ds.Goals, g)
			if err := tx.CreateObjective(ctx, &o); err != nil {
				return err
			}
			return tx.CreateGoal(ctx, &g)
		}, ""},
		{"NewOffer", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			o := entente.Offer{Code: "PCM-NEW", Title: "New", Kind: "course", Provider: "TESTA", Provenance: src("src-partners")}
			ds.Offers = append(ds.Offers, o)
			return tx.CreateOffer(ctx, &o)
		}, ""},
		{"ActivityExists", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			a := ds.Activities[2]
			a.Title = "Overwritten"
			return tx.CreateActivity(ctx, &a)
		}, entente.ECONFLICT},
		{"ReviewExists", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			r := ds.Reviews[0]
			r.Note = "Overwritten"
			return tx.CreateReview(ctx, &r)
		}, entente.ECONFLICT},
		{"ObjectiveExists", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			return tx.CreateObjective(ctx, &ds.Objectives[0])
		}, entente.ECONFLICT},
		{"GoalExists", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			return tx.CreateGoal(ctx, &ds.Goals[0])
		}, entente.ECONFLICT},
		{"OfferExists", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			return tx.CreateOffer(ctx, &ds.Offers[0])
		}, entente.ECONFLICT},
		{"UpdateMissingActivity", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			a := ds.Activities[0]
			a.ID = "NZL-2024-ITPP-A999"
			return tx.UpdateActivity(ctx, &a)
		}, entente.ENOTFOUND},
		{"UpdateMissingGoal", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			g := ds.Goals[0]
			g.Code = "G9"
			return tx.UpdateGoal(ctx, &g)
		}, entente.ENOTFOUND},
		{"UpdateMissingObjective", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			o := ds.Objectives[0]
			o.Code = "none"
			return tx.UpdateObjective(ctx, &o)
		}, entente.ENOTFOUND},
		{"UpdateMissingOffer", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			o := ds.Offers[0]
			o.Code = "PCM-NONE"
			return tx.UpdateOffer(ctx, &o)
		}, entente.ENOTFOUND},
		{"ActivityUnknownProgramme", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			a := ds.Activities[0]
			a.ID, a.Programme = "X1", "NOPE"
			return tx.CreateActivity(ctx, &a)
		}, entente.ECONFLICT},
		{"ActivityUnknownGoal", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			a := ds.Activities[0]
			a.ID, a.Goal = "X2", "G9"
			return tx.CreateActivity(ctx, &a)
		}, entente.ECONFLICT},
		{"ActivityUnknownOffer", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			a := ds.Activities[0]
			a.ID, a.Offer = "X3", "PCM-NONE"
			return tx.CreateActivity(ctx, &a)
		}, entente.ECONFLICT},
		{"GoalUnknownObjective", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			g := ds.Goals[0]
			g.Code, g.Objective = "G7", "nothing"
			return tx.CreateGoal(ctx, &g)
		}, entente.ECONFLICT},
		{"ObjectiveUnknownArea", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			o := ds.Objectives[0]
			o.Code, o.Area = "x", "nowhere"
			return tx.CreateObjective(ctx, &o)
		}, entente.ECONFLICT},
	}
	// Refused writes leave the store as it was, so they share one.
	refusing := open(t)
	if err := refusing.Import(t.Context(), PlanFixture(), importEvent()); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := refusing
			ctx := t.Context()
			if tt.code == "" {
				s = open(t)
				if err := s.Import(ctx, PlanFixture(), importEvent()); err != nil {
					t.Fatal(err)
				}
			}
			before := exportJSON(t, s)
			ds := PlanFixture()
			err := s.Update(ctx, func(tx entente.Tx) error { return tt.put(ctx, tx, ds) })
			if tt.code != "" {
				wantCode(t, tt.name, err, tt.code)
				sameJSON(t, "Export after refused write", exportJSON(t, s), before)
				return
			}
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			ds.Sort()
			sameJSON(t, "Export after write", exportJSON(t, s), toJSON(t, ds))
		})
	}
}

func testAddRecords(t *testing.T, open func(t *testing.T) entente.Store) {
	s := open(t)
	ctx := t.Context()
	if err := s.Import(ctx, Fixture(), importEvent()); err != nil {
		t.Fatal(err)
	}
	plan := PlanFixture()
	add := &entente.Dataset{Objectives: plan.Objectives, Goals: plan.Goals, Offers: plan.Offers, Reviews: plan.Reviews}
	// Many activities, to cross the bulk path's batch boundaries.
	var acts []entente.Activity
	for i := range 150 {
		a := plan.Activities[i%3]
		a.ID = a.ID + "-" + strings.Repeat("x", i/3%2) + string(rune('a'+i%26)) + string(rune('a'+i/26))
		acts = append(acts, a)
	}
	add.Activities = acts
	err := s.Update(ctx, func(tx entente.Tx) error { return tx.AddRecords(ctx, add) })
	if err != nil {
		t.Fatalf("AddRecords: %v", err)
	}
	if n, err := s.CountActivities(ctx, ""); err != nil || n != 150 {
		t.Fatalf("CountActivities = %d, %v; want 150", n, err)
	}
	before := exportJSON(t, s)
	err = s.Update(ctx, func(tx entente.Tx) error {
		return tx.AddRecords(ctx, &entente.Dataset{Activities: acts[:1]})
	})
	wantCode(t, "AddRecords of an existing activity", err, entente.ECONFLICT)
	sameJSON(t, "Export after refused AddRecords", exportJSON(t, s), before)
}
