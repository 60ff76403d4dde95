package storetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/entente/entente"
)

// ReleasabilityFixture is PlanFixture with a marking other than PUBLIC on
// a record of every kind that carries one, so that a store which drops or
// mixes up a marking anywhere fails the round trip.
func ReleasabilityFixture() *entente.Dataset {
	ds := PlanFixture()
	toNZL := entente.ReleasableToCountries("NZL")
	toBoth := entente.ReleasableToCountries("NZL", "SWE")
	alliance := entente.AllianceOnly()
	ds.Countries[0].Releasability = alliance
	ds.Alliances[0].Releasability = alliance
	ds.Alliances[0].Articles[0].Releasability = toNZL
	ds.Memberships[0].Releasability = toBoth
	ds.Frameworks[0].Releasability = alliance
	ds.Partnerships[0].Releasability = toNZL
	ds.Groups[0].Releasability = toBoth
	ds.Areas[0].Releasability = alliance
	ds.Programmes[0].Releasability = toNZL
	ds.Operations[0].Releasability = alliance
	ds.Contributions[0].Releasability = toNZL
	ds.Meetings[0].Releasability = toBoth
	ds.Invitations[0].Releasability = toNZL
	ds.DefenceEvents[0].Releasability = alliance
	ds.Objectives[0].Releasability = toNZL
	ds.Goals[0].Releasability = alliance
	ds.Offers[0].Releasability = toBoth
	ds.Activities[0].Releasability = toNZL
	ds.Activities[1].Releasability = alliance
	ds.Reviews[0].Releasability = toNZL
	return ds
}

// testReleasability checks that every record's marking is stored and read
// back: by Import and Export, by the finds, and by Create and Update.
func testReleasability(t *testing.T, open func(t *testing.T) entente.Store) {
	if probs := ReleasabilityFixture().Validate(); len(probs) > 0 {
		t.Fatalf("fixture: %v", probs)
	}
	s := open(t)
	if err := s.Import(t.Context(), ReleasabilityFixture(), importEvent()); err != nil {
		t.Fatalf("Import: %v", err)
	}
	want := toJSON(t, ReleasabilityFixture())
	if n := strings.Count(want, `"releasability"`); n != 20 {
		t.Fatalf("fixture has %d markings in JSON, want 20", n)
	}
	sameJSON(t, "Export after Import", exportJSON(t, s), want)
	ds, err := s.Export(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	second := open(t)
	if err := second.Import(t.Context(), ds, importEvent()); err != nil {
		t.Fatalf("Import(export): %v", err)
	}
	sameJSON(t, "export → import → export", exportJSON(t, second), want)

	ctx := t.Context()
	a, err := s.FindActivity(ctx, "NZL-2024-ITPP-A002")
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Releasability.String(); got != "ALLIANCE" {
		t.Errorf("FindActivity: releasability %s, want ALLIANCE", got)
	}
	// FindActivities keeps to what its Viewer may read, in its query, so
	// that a page is read as a page.
	liaison := func(c string) *entente.Principal {
		return &entente.Principal{Kind: entente.PrincipalUser, ID: "user:9", Role: entente.RoleLiaison, Partner: c}
	}
	staff := &entente.Principal{Kind: entente.PrincipalUser, ID: "user:8", Role: entente.RoleStaff}
	for _, c := range []struct {
		name string
		f    entente.ActivityFilter
		want []string
	}{
		{"the public", entente.ActivityFilter{Programme: "NZL-2024-ITPP", Viewer: entente.Anonymous}, []string{"NZL-2024-ITPP-A003"}},
		{"NZL's liaison", entente.ActivityFilter{Programme: "NZL-2024-ITPP", Viewer: liaison("NZL")}, []string{"NZL-2024-ITPP-A001", "NZL-2024-ITPP-A003"}},
		{"SWE's liaison", entente.ActivityFilter{Programme: "NZL-2024-ITPP", Viewer: liaison("SWE")}, []string{"NZL-2024-ITPP-A003"}},
		{"staff", entente.ActivityFilter{Programme: "NZL-2024-ITPP", Viewer: staff}, []string{"NZL-2024-ITPP-A001", "NZL-2024-ITPP-A002", "NZL-2024-ITPP-A003"}},
		{"NZL's liaison, a page of one", entente.ActivityFilter{Programme: "NZL-2024-ITPP", Viewer: liaison("NZL"), Limit: 1}, []string{"NZL-2024-ITPP-A001"}},
		{"NZL's liaison, the next page", entente.ActivityFilter{Programme: "NZL-2024-ITPP", Viewer: liaison("NZL"), After: "NZL-2024-ITPP-A001", Limit: 1}, []string{"NZL-2024-ITPP-A003"}},
		// ProgrammeViewed checks the programme's marking (RELEASABLE_TO
		// NZL) in the same query: it hides A003, PUBLIC itself, from all
		// but NZL's liaison and staff.
		{"the public, with the programme's marking", entente.ActivityFilter{Viewer: entente.Anonymous, ProgrammeViewed: true}, []string{}},
		{"SWE's liaison, with the programme's marking", entente.ActivityFilter{ID: "NZL-2024-ITPP-A003", Viewer: liaison("SWE"), ProgrammeViewed: true}, []string{}},
		{"SWE's liaison, without the programme's marking", entente.ActivityFilter{ID: "NZL-2024-ITPP-A003", Viewer: liaison("SWE")}, []string{"NZL-2024-ITPP-A003"}},
		{"NZL's liaison, with the programme's marking", entente.ActivityFilter{Viewer: liaison("NZL"), ProgrammeViewed: true}, []string{"NZL-2024-ITPP-A001", "NZL-2024-ITPP-A003"}},
		{"NZL's liaison, with the programme's marking, a page", entente.ActivityFilter{Viewer: liaison("NZL"), ProgrammeViewed: true, Offset: 1, Limit: 1}, []string{"NZL-2024-ITPP-A003"}},
		{"staff, with the programme's marking", entente.ActivityFilter{Viewer: staff, ProgrammeViewed: true}, []string{"NZL-2024-ITPP-A001", "NZL-2024-ITPP-A002", "NZL-2024-ITPP-A003"}},
	} {
		got, err := keysOf(func(a entente.Activity) string { return a.ID })(s.FindActivities(ctx, c.f))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("FindActivities for %s: %v, want %v", c.name, got, c.want)
		}
	}
	// Update changes a marking; Create stores one.
	err = s.Update(ctx, func(tx entente.Tx) error {
		a.Releasability = entente.ReleasableToCountries("SWE")
		if err := tx.UpdateActivity(ctx, a); err != nil {
			return err
		}
		ps, err := tx.FindProgrammes(ctx, entente.Filter{ID: "NZL-2024-ITPP"})
		if err != nil {
			return err
		}
		p := ps[0]
		p.Releasability = entente.Releasability{}
		if err := tx.UpdateProgramme(ctx, &p); err != nil {
			return err
		}
		n := entente.Activity{ID: "NZL-2024-ITPP-A009", Programme: "NZL-2024-ITPP", Title: "Talks", Kind: "staff-talks",
			Status: entente.ActivityProposed, Invited: []string{}, Registrations: []entente.Registration{},
			Dates:      entente.ActivityDates{Proposed: d("2025-05-01")},
			Provenance: entente.Provenance{Sources: []string{}, Releasability: entente.ReleasableToCountries("NZL", "SWE")}}
		return tx.CreateActivity(ctx, &n)
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	for id, want := range map[string]string{"NZL-2024-ITPP-A002": "RELEASABLE_TO SWE", "NZL-2024-ITPP-A009": "RELEASABLE_TO NZL SWE"} {
		a, err := s.FindActivity(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Releasability.String(); got != want {
			t.Errorf("%s after Update: releasability %s, want %s", id, got, want)
		}
	}
	ps, err := s.FindProgrammes(ctx, entente.Filter{ID: "NZL-2024-ITPP"})
	if err != nil {
		t.Fatal(err)
	}
	if !ps[0].Releasability.IsZero() {
		t.Errorf("programme after Update: releasability %#v, want the zero value (PUBLIC)", ps[0].Releasability)
	}
}
