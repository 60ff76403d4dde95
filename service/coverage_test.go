package service_test

import (
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestCoverage: the figures for the fixture store, counted by hand from its
// records (store/storetest/fixture.go and fixture() here), on both engines.
func TestCoverage(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		c, err := svc.Coverage(entente.WithPrincipal(t.Context(), nil), entente.Date{})
		if err != nil {
			t.Fatal(err)
		}
		// Memberships BEL, CAN, FRA, SWE; partnerships NZL GP and PFP, SWE
		// and FIN PFP; frameworks GP, PFP; two meetings, three invitations,
		// operations OPA and OPB, three contributions, two defence events,
		// three programmes, no activity; four sources.
		want := map[string][3]int{ // count, primary, unconfirmed
			"membership": {4, 4, 0}, "partnership": {4, 0, 1}, "framework": {2, 0, 0}, "meeting": {2, 0, 0},
			"invitation": {3, 0, 0}, "operation": {2, 0, 0}, "contribution": {3, 0, 1}, "defence-event": {2, 2, 0},
			"programme": {3, 1, 0}, "activity": {0, 0, 0}, "source": {4, 0, 0},
		}
		if len(c.Kinds) != len(want) {
			t.Errorf("%d kinds, want %d", len(c.Kinds), len(want))
		}
		for _, k := range c.Kinds {
			if got := [3]int{k.Count, k.Primary, k.Unconfirmed}; got != want[k.Kind] {
				t.Errorf("%s: count, primary, unconfirmed = %v, want %v", k.Kind, got, want[k.Kind])
			}
		}
		// The memberships cite src-members (official site), the defence
		// events and the 2012 programme src-treaty (official text): 7 of 25.
		if c.Facts != 25 || c.Primary != 7 {
			t.Errorf("facts %d, primary %d; want 25 and 7", c.Facts, c.Primary)
		}
		if want := (service.PrecisionCounts{Day: 15, Month: 4, Year: 6}); c.Precision != want {
			t.Errorf("precision %+v, want %+v", c.Precision, want)
		}
		wantDecades := []service.DecadeCount{{"1940s", 3}, {"1950s", 0}, {"1960s", 0}, {"1970s", 0}, {"1980s", 0},
			{"1990s", 6}, {"2000s", 4}, {"2010s", 4}, {"2020s", 8}}
		if !equalSlices(c.Decades, wantDecades) {
			t.Errorf("decades %v, want %v", c.Decades, wantDecades)
		}
		wantSources := []service.SourceKindCount{{"official-text", "Official text", 1}, {"official-site", "Official site", 1},
			{"government", "Government", 0}, {"news", "News", 1}, {"reference", "Reference work", 0}, {"secondary", "Secondary", 1}}
		if !equalSlices(c.Sources, wantSources) {
			t.Errorf("sources %v, want %v", c.Sources, wantSources)
		}
		wantUnconfirmed := []service.UnconfirmedFact{
			{"article", "TESTA 13", "the exact wording"},
			{"contribution", "nzl-adriatic", "the exact dates"},
			{"partnership", "TESTA NZL PFP", "the end year"},
		}
		if !equalSlices(c.Unconfirmed, wantUnconfirmed) {
			t.Errorf("unconfirmed %v, want %v", c.Unconfirmed, wantUnconfirmed)
		}

		// As of 1 January 2000: the three founding memberships and the six
		// facts of the 1990s; the 2005 partnership's doubt is not listed.
		c, err = svc.Coverage(entente.WithPrincipal(t.Context(), nil), d("2000-01-01"))
		if err != nil {
			t.Fatal(err)
		}
		if c.Facts != 9 || len(c.Decades) != 6 || len(c.Unconfirmed) != 2 || c.Kinds[len(c.Kinds)-1].Count != 4 {
			t.Errorf("as of 2000: %d facts, decades %v, unconfirmed %v, sources %d; want 9, 1940s to 1990s, 2, 4",
				c.Facts, c.Decades, c.Unconfirmed, c.Kinds[len(c.Kinds)-1].Count)
		}
	})
}

func equalSlices[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
