package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/entente/entente"
)

// testSearch checks the full-text index: it follows every write in the
// same transaction (a created, changed or rolled-back record), reads words
// in any form, phrases and prefixes, and shows only what the viewer may
// read, in the hits and in the counts.
func testSearch(t *testing.T, open func(t *testing.T) entente.Store) {
	ctx := t.Context()
	s := open(t)
	if err := s.Import(ctx, PlanFixture(), importEvent()); err != nil {
		t.Fatalf("Import: %v", err)
	}
	se, ok := s.(entente.Searcher)
	if !ok {
		t.Fatalf("%T does not search", s)
	}
	staff := &entente.Principal{Kind: entente.PrincipalUser, ID: "user:staff", Role: entente.RoleStaff}
	search := func(viewer *entente.Principal, q string) *entente.SearchResult {
		t.Helper()
		terms, err := entente.ParseSearch(q)
		if err != nil {
			t.Fatalf("ParseSearch(%q): %v", q, err)
		}
		res, err := se.Search(ctx, entente.SearchQuery{Terms: terms, Viewer: viewer})
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		sum := 0
		for _, f := range res.Kinds {
			sum += f.Count
		}
		if sum != res.Total || len(res.Hits) > res.Total {
			t.Errorf("Search(%q): total %d, kinds add up to %d, %d hits", q, res.Total, sum, len(res.Hits))
		}
		return res
	}
	keys := func(res *entente.SearchResult) string {
		var ks []string
		for _, h := range res.Hits {
			ks = append(ks, h.Kind+":"+h.Key)
		}
		return strings.Join(ks, " ")
	}
	activity := func(id, title string, r entente.Releasability) *entente.Activity {
		return &entente.Activity{ID: id, Programme: "NZL-2024-ITPP", Title: title, Kind: "course", Location: "Stone Town",
			Status: entente.ActivityProposed, Invited: []string{}, Registrations: []entente.Registration{},
			Dates:      entente.ActivityDates{Proposed: d("2025-05-01")},
			Provenance: entente.Provenance{Sources: []string{}, Releasability: r}}
	}
	if res := search(staff, "zanzibar"); res.Total != 0 {
		t.Fatalf("zanzibar before any record names it: %s", keys(res))
	}
	err := s.Update(ctx, func(tx entente.Tx) error {
		return tx.CreateActivity(ctx, activity("NZL-2024-ITPP-A101", "Zanzibar maritime workshop", entente.Releasability{}))
	})
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{
		"zanzibar":              "activity:NZL-2024-ITPP-A101",
		"ZANZIBAR workshops":    "activity:NZL-2024-ITPP-A101", // case and word form
		"zanzi*":                "activity:NZL-2024-ITPP-A101",
		`"maritime workshop"`:   "activity:NZL-2024-ITPP-A101",
		`"workshop maritime"`:   "",
		`zanzibar "stone town"`: "activity:NZL-2024-ITPP-A101", // the body counts too
		"zanzibar nowhere":      "",
		`zanzibar -"'*:&|!()<>\` + "`" + `" OR NEAR`: "", // the engines' syntax is only separators: "or" and "near" are words
		`zanzibar -'*:&|!()<>\` + "`":                "activity:NZL-2024-ITPP-A101",
	} {
		if got := keys(search(staff, q)); got != want {
			t.Errorf("search %s: %q, want %q", q, got, want)
		}
	}
	res := search(staff, "zanzibar")
	if h := res.Hits[0]; !strings.Contains(h.Title, entente.HighlightStart+"Zanzibar"+entente.HighlightEnd) || h.Country != "NZL" || h.Year != 0 && h.Year != 2025 {
		t.Errorf("hit: %+v; want the title's match marked, country NZL", h)
	}

	// A write rolled back leaves nothing in the index; a change of title
	// moves the record from the old words to the new.
	err = s.Update(ctx, func(tx entente.Tx) error {
		if err := tx.CreateActivity(ctx, activity("NZL-2024-ITPP-A102", "Kilimanjaro exercise", entente.Releasability{})); err != nil {
			return err
		}
		return errors.New("roll back")
	})
	if err == nil {
		t.Fatal("the update that fails committed")
	}
	if res := search(staff, "kilimanjaro"); res.Total != 0 {
		t.Errorf("kilimanjaro after its write was rolled back: %s", keys(res))
	}
	changeTitle(t, s, "NZL-2024-ITPP-A101", "Pemba maritime workshop")
	if res := search(staff, "zanzibar"); res.Total != 0 {
		t.Errorf("zanzibar after the title changed: %s", keys(res))
	}
	if got := keys(search(staff, "pemba")); got != "activity:NZL-2024-ITPP-A101" {
		t.Errorf("pemba after the title changed: %q", got)
	}

	// Releasability: an activity released to AUS only.
	// It cites a source of its own, which no other record cites: the
	// source's title would tell of the activity.
	err = s.Update(ctx, func(tx entente.Tx) error {
		if err := tx.EnsureSource(ctx, &entente.Source{ID: "serengeti-memo", Title: "Memo on the Serengeti briefing"}); err != nil {
			return err
		}
		a := activity("NZL-2024-ITPP-A103", "Serengeti briefing", entente.ReleasableToCountries("AUS"))
		a.Sources = []string{"serengeti-memo"}
		return tx.CreateActivity(ctx, a)
	})
	if err != nil {
		t.Fatal(err)
	}
	liaison := func(iso3 string) *entente.Principal {
		return &entente.Principal{Kind: entente.PrincipalUser, ID: "user:" + iso3, Role: entente.RoleLiaison, Partner: iso3}
	}
	public := &entente.Principal{Kind: entente.PrincipalAnonymous, Role: entente.RolePublic}
	reader := &entente.Principal{Kind: entente.PrincipalUser, ID: "user:r", Role: entente.RoleReader}
	// Staff see the activity and its source; the AUS liaison the
	// activity, and not the source, which a record not PUBLIC cites (to
	// those who do not see everything, such a source is not shown: it
	// could tell of a record they may not read); no one else either.
	for _, tt := range []struct {
		name   string
		viewer *entente.Principal
		want   string
	}{{"staff", staff, "activity:NZL-2024-ITPP-A103 source:serengeti-memo"}, {"the AUS liaison", liaison("AUS"), "activity:NZL-2024-ITPP-A103"},
		{"the NZL liaison", liaison("NZL"), ""}, {"a reader", reader, ""}, {"the public", public, ""}, {"no principal", nil, ""}} {
		res := search(tt.viewer, "serengeti")
		if got := keys(res); got != tt.want || len(res.Countries) > 1 {
			t.Errorf("serengeti, as %s: %q (total %d, facets %v %v); want %q", tt.name, got, res.Total, res.Kinds, res.Countries, tt.want)
		}
	}
	// A record of a programme the viewer may not read is hidden with it,
	// whatever its own marking.
	err = s.Update(ctx, func(tx entente.Tx) error {
		ps, err := tx.FindProgrammes(ctx, entente.Filter{ID: "NZL-2024-ITPP"})
		if err != nil {
			return err
		}
		p := ps[0]
		p.Releasability = entente.ReleasableToCountries("NZL")
		return tx.UpdateProgramme(ctx, &p)
	})
	if err != nil {
		t.Fatal(err)
	}
	if res := search(liaison("AUS"), "serengeti"); res.Total != 0 {
		t.Errorf("serengeti as the AUS liaison, its programme released to NZL only: %s", keys(res))
	}
	if res := search(liaison("NZL"), "pemba"); res.Total != 1 {
		t.Errorf("pemba as the NZL liaison, in a programme released to NZL: %d hits", res.Total)
	}
	if res := search(public, "pemba"); res.Total != 0 {
		t.Errorf("pemba as the public, in a programme released to NZL: %s", keys(res))
	}

	// Filters and pages.
	terms, _ := entente.ParseSearch("maritime")
	all, err := se.Search(ctx, entente.SearchQuery{Terms: terms, Viewer: staff})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total < 2 {
		t.Fatalf("maritime: %d hits, want the objective and the activity at least", all.Total)
	}
	only, err := se.Search(ctx, entente.SearchQuery{Terms: terms, Viewer: staff, Kind: "activity"})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range only.Hits {
		if h.Kind != "activity" {
			t.Errorf("kind=activity gave a %s", h.Kind)
		}
	}
	var pages []string
	for off := 0; off < all.Total; off++ {
		p, err := se.Search(ctx, entente.SearchQuery{Terms: terms, Viewer: staff, Limit: 1, Offset: off})
		if err != nil || len(p.Hits) != 1 {
			t.Fatalf("page %d: %v %v", off, p, err)
		}
		pages = append(pages, p.Hits[0].Kind+":"+p.Hits[0].Key)
	}
	if got := keys(all); got != strings.Join(pages, " ") {
		t.Errorf("one hit a page gives %v; all at once %s: the order is not stable", pages, got)
	}

	// The window: up to it, every hit is counted and ranked; past it,
	// the total is the window, More is set, the facets count the hits in
	// the window, and no page goes past it.
	for _, window := range []int{all.Total, all.Total + 1, entente.SearchWindow} {
		res, err := se.Search(ctx, entente.SearchQuery{Terms: terms, Viewer: staff, Window: window})
		if err != nil {
			t.Fatal(err)
		}
		if res.More || res.Total != all.Total || keys(res) != keys(all) {
			t.Errorf("maritime, window %d: more %v, total %d, %s; want all %d: %s", window, res.More, res.Total, keys(res), all.Total, keys(all))
		}
	}
	for window := 1; window < all.Total; window++ {
		res, err := se.Search(ctx, entente.SearchQuery{Terms: terms, Viewer: staff, Window: window})
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, f := range res.Kinds {
			sum += f.Count
		}
		if !res.More || res.Total != window || sum != window || len(res.Hits) != window {
			t.Errorf("maritime, window %d of %d hits: more %v, total %d, kinds add up to %d, %d hits", window, all.Total, res.More, res.Total, sum, len(res.Hits))
		}
		past, err := se.Search(ctx, entente.SearchQuery{Terms: terms, Viewer: staff, Window: window, Offset: window})
		if err != nil || len(past.Hits) != 0 || !past.More {
			t.Errorf("maritime, window %d, the page past it: %v %v", window, past, err)
		}
	}
	// The window counts only what the viewer may read: the public's
	// window is not filled by hidden records.
	if res, err := se.Search(ctx, entente.SearchQuery{Terms: []entente.SearchTerm{{Words: []string{"pemba"}}}, Viewer: public, Window: 1}); err != nil || res.Total != 0 || res.More {
		t.Errorf("pemba as the public, window 1: %v %v", res, err)
	}
}

// testSearchWindow searches more records than a window holds: the total
// is the window and More is set, whatever the engine's shortcut for words
// that match many records, and a record whose title matches comes before
// one that matches in its body only.
func testSearchWindow(t *testing.T, open func(t *testing.T) entente.Store) {
	ctx := t.Context()
	s := open(t)
	if err := s.Import(ctx, PlanFixture(), importEvent()); err != nil {
		t.Fatalf("Import: %v", err)
	}
	se := s.(entente.Searcher)
	// 2,600 activities: every fourth with the word in its title, the
	// others in their location. More than SQLite reads for bm25's
	// statistics (2,500), and more than the window.
	const n = 2600
	err := s.Update(ctx, func(tx entente.Tx) error {
		for i := range n {
			title, location := fmt.Sprintf("Drill %d", i), "Quokka Island"
			if i%4 == 3 {
				title, location = fmt.Sprintf("Quokka drill %d", i), "Rottnest"
			}
			a := &entente.Activity{ID: fmt.Sprintf("NZL-2024-ITPP-Q%04d", i), Programme: "NZL-2024-ITPP", Title: title, Kind: "exercise",
				Location: location, Status: entente.ActivityProposed, Invited: []string{}, Registrations: []entente.Registration{},
				Dates:      entente.ActivityDates{Proposed: d("2025-05-01")},
				Provenance: entente.Provenance{Sources: []string{}}}
			if err := tx.CreateActivity(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	public := &entente.Principal{Kind: entente.PrincipalAnonymous, Role: entente.RolePublic}
	for _, q := range []string{"quokka", "quokka drill", "quok*"} {
		terms, err := entente.ParseSearch(q)
		if err != nil {
			t.Fatal(err)
		}
		res, err := se.Search(ctx, entente.SearchQuery{Terms: terms, Viewer: public, Limit: entente.MaxHits})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		want := entente.SearchWindow // all n match, in the title or the body
		if !res.More || res.Total != want || len(res.Hits) != entente.MaxHits || len(res.Kinds) != 1 || res.Kinds[0].Count != want {
			t.Errorf("%s: more %v, total %d, %d hits, kinds %v; want more, %d", q, res.More, res.Total, len(res.Hits), res.Kinds, want)
		}
		for i, h := range res.Hits {
			if !strings.Contains(h.Title, entente.HighlightStart) {
				t.Errorf("%s: hit %d, %s, has no match in its title, before the %d titles that match", q, i+1, h.Title, n/4)
				break
			}
		}
	}
}

// changeTitle changes an activity's title in a transaction of its own.
func changeTitle(t *testing.T, s entente.Store, id, title string) {
	t.Helper()
	ctx := context.Background()
	err := s.Update(ctx, func(tx entente.Tx) error {
		a, err := tx.FindActivity(ctx, id)
		if err != nil {
			return err
		}
		a.Title = title
		return tx.UpdateActivity(ctx, a)
	})
	if err != nil {
		t.Fatal(err)
	}
}
