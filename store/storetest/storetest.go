// Package storetest is the test suite every entente.Store must pass. The
// SQLite and PostgreSQL stores both run it (store/sqlite, store/postgres), so
// the two engines cannot drift apart: a query, type or constraint that
// behaves differently on one of them fails here.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/entente/entente"
)

// Run runs the suite. open must return a new, empty store on each call and
// close it when the test ends (t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) entente.Store) {
	t.Run("Empty", func(t *testing.T) { testEmpty(t, open) })
	t.Run("ImportExport", func(t *testing.T) { testImportExport(t, open) })
	t.Run("ImportNotEmpty", func(t *testing.T) { testImportNotEmpty(t, open) })
	t.Run("ImportRollsBack", func(t *testing.T) { testImportRollsBack(t, open) })
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, open) })
	t.Run("Stream", func(t *testing.T) { runStream(t, open) })
	t.Run("Find", func(t *testing.T) { testFind(t, open) })
	t.Run("FindCountry", func(t *testing.T) { testFindCountry(t, open) })
	t.Run("FindCountriesIn", func(t *testing.T) { testFindCountriesIn(t, open) })
	t.Run("FindAlliance", func(t *testing.T) { testFindAlliance(t, open) })
	t.Run("UpdateCommits", func(t *testing.T) { testUpdateCommits(t, open) })
	t.Run("UpdateRollsBack", func(t *testing.T) { testUpdateRollsBack(t, open) })
	t.Run("UpdateReplaces", func(t *testing.T) { testUpdateReplaces(t, open) })
	t.Run("WriteRefused", func(t *testing.T) { testWriteRefused(t, open) })
	t.Run("WriteRules", func(t *testing.T) { testWriteRules(t, open) })
	t.Run("EnsureSource", func(t *testing.T) { testEnsureSource(t, open) })
	t.Run("Lock", func(t *testing.T) { testLock(t, open) })
	t.Run("AuditEvents", func(t *testing.T) { testAuditEvents(t, open) })
	t.Run("AuditChain", func(t *testing.T) { testAuditChain(t, open) })
	t.Run("ConcurrentUpdates", func(t *testing.T) { testConcurrentUpdates(t, open) })
	t.Run("Plan", func(t *testing.T) { runPlan(t, open) })
	t.Run("Releasability", func(t *testing.T) { testReleasability(t, open) })
	t.Run("Tally", func(t *testing.T) { runTally(t, open) })
	t.Run("Search", func(t *testing.T) { testSearch(t, open) })
	t.Run("SearchWindow", func(t *testing.T) { testSearchWindow(t, open) })
	t.Run("View", func(t *testing.T) { runView(t, open) })
	t.Run("Concurrency", func(t *testing.T) { runConcurrency(t, open) })
	t.Run("Idempotency", func(t *testing.T) { runIdempotency(t, open) })
	t.Run("Changes", func(t *testing.T) { runChanges(t, open) })
	t.Run("Versions", func(t *testing.T) { runVersions(t, open) })
	t.Run("Facts", func(t *testing.T) { runFacts(t, open) })
	runAccounts(t, open)
	t.Run("Observe", func(t *testing.T) { testObserve(t, open) })
	runSessions(t, open)
}

// imported opens a store holding the fixture.
func imported(t *testing.T, open func(t *testing.T) entente.Store) entente.Store {
	t.Helper()
	s := open(t)
	if err := s.Import(t.Context(), Fixture(), importEvent()); err != nil {
		t.Fatalf("Import(fixture): %v", err)
	}
	return s
}

func importEvent() *entente.AuditEvent {
	return &entente.AuditEvent{Actor: "storetest", Action: "import", Entity: "dataset", Key: "fixture"}
}

// exportJSON exports s as indented JSON, the form compared throughout.
func exportJSON(t *testing.T, s entente.Store) string {
	t.Helper()
	ds, err := s.Export(t.Context())
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	return toJSON(t, ds)
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	return string(b)
}

// sameJSON fails t unless got and want are equal, showing the first line
// that differs rather than two pages of JSON.
func sameJSON(t *testing.T, what, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Fatalf("%s differs at line %d:\ngot:  %s\nwant: %s", what, i+1, gl, wl)
		}
	}
}

// wantCode fails t unless err carries the entente error code.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := entente.ErrorCode(err); got != code {
		t.Fatalf("%s: error code = %q (%v), want %q", what, got, err, code)
	}
}

func auditEvents(t *testing.T, r entente.Reader, limit int) []entente.AuditEvent {
	t.Helper()
	evs, err := r.FindAuditEvents(t.Context(), entente.AuditFilter{Limit: limit})
	if err != nil {
		t.Fatalf("FindAuditEvents: %v", err)
	}
	return evs
}

func testEmpty(t *testing.T, open func(t *testing.T) entente.Store) {
	s := open(t)
	ctx := t.Context()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	empty, err := s.Empty(ctx)
	if err != nil || !empty {
		t.Fatalf("Empty() of a new store = %v, %v; want true, nil", empty, err)
	}
	got := exportJSON(t, s)
	if strings.Contains(got, "null") {
		t.Errorf("Export of an empty store has null lists, want []:\n%s", got)
	}
	if evs := auditEvents(t, s, 0); evs == nil || len(evs) != 0 {
		t.Errorf("FindAuditEvents of a new store = %#v, want an empty list", evs)
	}
}

func testImportExport(t *testing.T, open func(t *testing.T) entente.Store) {
	s := imported(t, open)
	empty, err := s.Empty(t.Context())
	if err != nil || empty {
		t.Fatalf("Empty() after Import = %v, %v; want false, nil", empty, err)
	}
	sameJSON(t, "Export after Import", exportJSON(t, s), toJSON(t, Fixture()))

	evs := auditEvents(t, s, 0)
	if len(evs) != 1 || evs[0].Action != "import" || evs[0].Key != "fixture" || evs[0].At.IsZero() {
		t.Fatalf("audit events after Import = %+v, want one import event with a time", evs)
	}
}

func testImportNotEmpty(t *testing.T, open func(t *testing.T) entente.Store) {
	s := imported(t, open)
	want := exportJSON(t, s)
	other := &entente.Dataset{Sources: []entente.Source{{ID: "other", Title: "Other", URL: "https://example.org/other"}}}
	err := s.Import(t.Context(), other, importEvent())
	wantCode(t, "Import into a non-empty store", err, entente.ECONFLICT)
	if msg := entente.ErrorMessage(err); !strings.Contains(msg, "not empty") {
		t.Errorf("Import into a non-empty store: message %q, want it to say the store is not empty", msg)
	}
	sameJSON(t, "Export after refused Import", exportJSON(t, s), want)
	if n := len(auditEvents(t, s, 0)); n != 1 {
		t.Errorf("audit events after refused Import = %d, want 1", n)
	}
}

func testImportRollsBack(t *testing.T, open func(t *testing.T) entente.Store) {
	s := open(t)
	ds := Fixture()
	// The last record written refers to an unknown country, so everything
	// before it must be undone.
	ds.DefenceEvents[1].Requesters = append(ds.DefenceEvents[1].Requesters, "XYZ")
	err := s.Import(t.Context(), ds, importEvent())
	wantCode(t, "Import of a dataset naming an unknown country", err, entente.ECONFLICT)
	empty, err := s.Empty(t.Context())
	if err != nil || !empty {
		t.Errorf("Empty() after failed Import = %v, %v; want true, nil", empty, err)
	}
	if n := len(auditEvents(t, s, 0)); n != 0 {
		t.Errorf("audit events after failed Import = %d, want 0", n)
	}
}

func testRoundTrip(t *testing.T, open func(t *testing.T) entente.Store) {
	first := imported(t, open)
	ds, err := first.Export(t.Context())
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	want := toJSON(t, ds)
	second := open(t)
	if err := second.Import(t.Context(), ds, importEvent()); err != nil {
		t.Fatalf("Import(export): %v", err)
	}
	sameJSON(t, "export → import → export", exportJSON(t, second), want)
}

// keysOf turns a Find's result into record keys, so that the cases below
// state compactly which records, in which order, a filter must return.
func keysOf[T any](key func(T) string) func([]T, error) ([]string, error) {
	return func(list []T, err error) ([]string, error) {
		if list == nil && err == nil {
			return nil, errors.New("nil list, want an empty one")
		}
		out := []string{}
		for _, x := range list {
			out = append(out, key(x))
		}
		return out, err
	}
}

var (
	countryKey    = func(c entente.Country) string { return c.Code }
	allianceKey   = func(a entente.Alliance) string { return a.Code }
	membershipKey = func(m entente.Membership) string {
		return fmt.Sprint(m.Alliance, " ", m.Country, m.Consents, m.Ratifications)
	}
	frameworkKey   = func(f entente.Framework) string { return f.Alliance + " " + f.Code }
	partnershipKey = func(p entente.Partnership) string { return p.Alliance + " " + p.Country + " " + p.Framework }
	groupKey       = func(g entente.Group) string { return fmt.Sprint(g.Alliance, " ", g.Code, g.Members) }
	areaKey        = func(a entente.Area) string { return a.Code }
	programmeKey   = func(p entente.Programme) string { return fmt.Sprint(p.ID, p.Areas) }
	operationKey   = func(o entente.Operation) string { return o.Code }
	contributionK  = func(c entente.Contribution) string { return c.ID }
	meetingKey     = func(m entente.Meeting) string { return m.ID }
	invitationKey  = func(in entente.Invitation) string { return in.Meeting + " " + in.Country }
	eventKey       = func(e entente.DefenceEvent) string { return fmt.Sprint(e.ID, e.Requesters) }
	sourceKey      = func(s entente.Source) string { return s.ID }
)

func testFind(t *testing.T, open func(t *testing.T) entente.Store) {
	type F = entente.Filter
	const (
		swe = "TESTA SWE[{CAN 2022-06-29} {BEL 2022-06-29}] [{CAN 2022-07-05} {BEL 2022-10} {FRA }]"
		bel = "TESTA BEL[] []"
		can = "TESTA CAN[] []"
		fra = "TESTA FRA[] []"
		ip  = "TESTA IP[NZL]"
		nth = "TESTA NORTH[SWE CAN BEL]"
		itp = "NZL-2024-ITPP[maritime cyber interop]"
		ipc = "NZL-IPCP-2012[interop]"
		ipa = "SWE-IPAP-2016[]"
		a4  = "art4-2022[SWE BEL FRA]"
		a5  = "art5-2001[CAN]"
	)
	tests := []struct {
		name string
		find func(ctx context.Context, r entente.Reader) ([]string, error)
		want []string
	}{
		{"Countries", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(countryKey)(r.FindCountries(ctx))
		}, []string{"BEL", "CAN", "FRA", "NZL", "SWE"}},
		{"Alliances", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(allianceKey)(r.FindAlliances(ctx))
		}, []string{"TESTA"}},
		{"Memberships", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(membershipKey)(r.FindMemberships(ctx, F{}))
		}, []string{bel, can, fra, swe}},
		{"Memberships/Alliance", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(membershipKey)(r.FindMemberships(ctx, F{Alliance: "TESTA"}))
		}, []string{bel, can, fra, swe}},
		{"Memberships/UnknownAlliance", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(membershipKey)(r.FindMemberships(ctx, F{Alliance: "NOPE"}))
		}, []string{}},
		{"Memberships/Country", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(membershipKey)(r.FindMemberships(ctx, F{Country: "SWE"}))
		}, []string{swe}},
		{"Memberships/AllianceCountry", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(membershipKey)(r.FindMemberships(ctx, F{Alliance: "TESTA", Country: "NZL"}))
		}, []string{}},
		{"Frameworks", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(frameworkKey)(r.FindFrameworks(ctx, F{}))
		}, []string{"TESTA GP", "TESTA PFP"}},
		{"Frameworks/Alliance", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(frameworkKey)(r.FindFrameworks(ctx, F{Alliance: "TESTA"}))
		}, []string{"TESTA GP", "TESTA PFP"}},
		{"Frameworks/UnknownAlliance", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(frameworkKey)(r.FindFrameworks(ctx, F{Alliance: "NOPE"}))
		}, []string{}},
		{"Partnerships", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(partnershipKey)(r.FindPartnerships(ctx, F{}))
		}, []string{"TESTA NZL GP", "TESTA NZL PFP", "TESTA SWE PFP"}},
		{"Partnerships/Alliance", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(partnershipKey)(r.FindPartnerships(ctx, F{Alliance: "NOPE"}))
		}, []string{}},
		{"Partnerships/Country", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(partnershipKey)(r.FindPartnerships(ctx, F{Country: "NZL"}))
		}, []string{"TESTA NZL GP", "TESTA NZL PFP"}},
		{"Partnerships/Framework", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(partnershipKey)(r.FindPartnerships(ctx, F{Framework: "PFP"}))
		}, []string{"TESTA NZL PFP", "TESTA SWE PFP"}},
		{"Partnerships/AllFields", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(partnershipKey)(r.FindPartnerships(ctx, F{Alliance: "TESTA", Country: "SWE", Framework: "PFP"}))
		}, []string{"TESTA SWE PFP"}},
		{"Groups", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(groupKey)(r.FindGroups(ctx, F{}))
		}, []string{ip, nth}},
		{"Groups/Alliance", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(groupKey)(r.FindGroups(ctx, F{Alliance: "NOPE"}))
		}, []string{}},
		{"Groups/ID", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(groupKey)(r.FindGroups(ctx, F{ID: "NORTH"}))
		}, []string{nth}},
		// A group found by one member still lists all its members.
		{"Groups/Country", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(groupKey)(r.FindGroups(ctx, F{Country: "BEL"}))
		}, []string{nth}},
		{"Groups/CountryInNone", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(groupKey)(r.FindGroups(ctx, F{Country: "FRA"}))
		}, []string{}},
		{"Areas", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(areaKey)(r.FindAreas(ctx))
		}, []string{"cyber", "interop", "maritime"}},
		{"Programmes", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(programmeKey)(r.FindProgrammes(ctx, F{}))
		}, []string{itp, ipc, ipa}},
		{"Programmes/Alliance", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(programmeKey)(r.FindProgrammes(ctx, F{Alliance: "TESTA"}))
		}, []string{itp, ipc, ipa}},
		{"Programmes/Country", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(programmeKey)(r.FindProgrammes(ctx, F{Country: "NZL"}))
		}, []string{itp, ipc}},
		{"Programmes/ID", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(programmeKey)(r.FindProgrammes(ctx, F{ID: "SWE-IPAP-2016"}))
		}, []string{ipa}},
		{"Operations", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(operationKey)(r.FindOperations(ctx, F{}))
		}, []string{"OPA", "OPB"}},
		{"Operations/Alliance", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(operationKey)(r.FindOperations(ctx, F{Alliance: "NOPE"}))
		}, []string{}},
		{"Operations/ID", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(operationKey)(r.FindOperations(ctx, F{ID: "OPB"}))
		}, []string{"OPB"}},
		{"Contributions", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(contributionK)(r.FindContributions(ctx, F{}))
		}, []string{"nzl-adriatic", "nzl-opb", "swe-opa"}},
		{"Contributions/Country", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(contributionK)(r.FindContributions(ctx, F{Country: "NZL"}))
		}, []string{"nzl-adriatic", "nzl-opb"}},
		{"Contributions/Operation", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(contributionK)(r.FindContributions(ctx, F{Operation: "OPA"}))
		}, []string{"swe-opa"}},
		{"Contributions/ID", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(contributionK)(r.FindContributions(ctx, F{ID: "nzl-adriatic"}))
		}, []string{"nzl-adriatic"}},
		{"Meetings", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(meetingKey)(r.FindMeetings(ctx, F{}))
		}, []string{"m-2023-vilnius", "m-2024-brussels"}},
		{"Meetings/Alliance", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(meetingKey)(r.FindMeetings(ctx, F{Alliance: "TESTA"}))
		}, []string{"m-2023-vilnius", "m-2024-brussels"}},
		{"Meetings/ID", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(meetingKey)(r.FindMeetings(ctx, F{ID: "m-2024-brussels"}))
		}, []string{"m-2024-brussels"}},
		{"Invitations", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(invitationKey)(r.FindInvitations(ctx, F{}))
		}, []string{"m-2023-vilnius NZL", "m-2023-vilnius SWE", "m-2024-brussels NZL"}},
		{"Invitations/Meeting", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(invitationKey)(r.FindInvitations(ctx, F{Meeting: "m-2023-vilnius"}))
		}, []string{"m-2023-vilnius NZL", "m-2023-vilnius SWE"}},
		{"Invitations/Country", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(invitationKey)(r.FindInvitations(ctx, F{Country: "NZL"}))
		}, []string{"m-2023-vilnius NZL", "m-2024-brussels NZL"}},
		{"Invitations/MeetingCountry", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(invitationKey)(r.FindInvitations(ctx, F{Meeting: "m-2024-brussels", Country: "NZL"}))
		}, []string{"m-2024-brussels NZL"}},
		{"DefenceEvents", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(eventKey)(r.FindDefenceEvents(ctx, F{}))
		}, []string{a4, a5}},
		{"DefenceEvents/Alliance", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(eventKey)(r.FindDefenceEvents(ctx, F{Alliance: "NOPE"}))
		}, []string{}},
		// An event found by one requester still lists all its requesters.
		{"DefenceEvents/Country", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(eventKey)(r.FindDefenceEvents(ctx, F{Country: "BEL"}))
		}, []string{a4}},
		{"DefenceEvents/ID", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(eventKey)(r.FindDefenceEvents(ctx, F{ID: "art5-2001"}))
		}, []string{a5}},
		{"Sources", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(sourceKey)(r.FindSources(ctx, nil))
		}, []string{"src-members", "src-ops", "src-partners", "src-treaty"}},
		{"Sources/IDs", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(sourceKey)(r.FindSources(ctx, []string{"src-treaty", "unknown", "src-members", "src-treaty"}))
		}, []string{"src-members", "src-treaty"}},
		{"Sources/UnknownIDs", func(ctx context.Context, r entente.Reader) ([]string, error) {
			return keysOf(sourceKey)(r.FindSources(ctx, []string{"unknown"}))
		}, []string{}},
	}
	s := imported(t, open)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.find(t.Context(), s)
			if err != nil {
				t.Fatalf("find: %v", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
	// Inside a transaction the same finds give the same answers.
	err := s.Update(t.Context(), func(tx entente.Tx) error {
		for _, tt := range tests {
			got, err := tt.find(t.Context(), tx)
			if err != nil {
				return fmt.Errorf("%s: %w", tt.name, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s in a transaction: got %q, want %q", tt.name, got, tt.want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func testFindCountry(t *testing.T, open func(t *testing.T) entente.Store) {
	s := imported(t, open)
	got, err := s.FindCountry(t.Context(), "NZL")
	if err != nil {
		t.Fatalf("FindCountry(NZL): %v", err)
	}
	sameJSON(t, "FindCountry(NZL)", toJSON(t, got), toJSON(t, Fixture().Countries[3]))

	for _, code := range []string{"XYZ", "nzl", ""} {
		_, err := s.FindCountry(t.Context(), code)
		wantCode(t, fmt.Sprintf("FindCountry(%q)", code), err, entente.ENOTFOUND)
		msg := entente.ErrorMessage(err)
		if !strings.Contains(msg, fmt.Sprintf("%q", code)) || !strings.Contains(msg, "ISO 3166-1 alpha-3") {
			t.Errorf("FindCountry(%q): message %q, want it to name the code and the expected form", code, msg)
		}
	}
}

// testFindCountriesIn reads the countries named, in canonical order, each
// once, skipping unknown codes, outside a transaction and inside one, and
// the same query again (the second run reuses its prepared statement on
// SQLite).
func testFindCountriesIn(t *testing.T, open func(t *testing.T) entente.Store) {
	s := imported(t, open)
	ctx := t.Context()
	all := Fixture().Countries
	byCode := map[string]entente.Country{}
	for _, c := range all {
		byCode[c.Code] = c
	}
	check := func(r entente.Reader, codes []string, want []string) {
		t.Helper()
		got, err := r.FindCountriesIn(ctx, codes)
		if err != nil {
			t.Fatalf("FindCountriesIn(%q): %v", codes, err)
		}
		var wantCs []entente.Country
		for _, c := range want {
			wantCs = append(wantCs, byCode[c])
		}
		if wantCs == nil {
			wantCs = []entente.Country{}
		}
		sameJSON(t, fmt.Sprintf("FindCountriesIn(%q)", codes), toJSON(t, got), toJSON(t, wantCs))
	}
	a, b := all[len(all)-1].Code, all[0].Code
	for range 2 {
		check(s, []string{a, "XYZ", b, a}, []string{b, a})
		check(s, nil, nil)
		check(s, []string{"XYZ"}, nil)
		err := s.View(ctx, func(r entente.Reader) error {
			check(r, []string{a, b}, []string{b, a})
			check(r, []string{all[1].Code}, []string{all[1].Code})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func testFindAlliance(t *testing.T, open func(t *testing.T) entente.Store) {
	s := imported(t, open)
	got, err := s.FindAlliance(t.Context(), "TESTA")
	if err != nil {
		t.Fatalf("FindAlliance(TESTA): %v", err)
	}
	sameJSON(t, "FindAlliance(TESTA)", toJSON(t, got), toJSON(t, Fixture().Alliances[0]))
	var numbers []string
	for _, a := range got.Articles {
		numbers = append(numbers, a.Number)
		if a.Alliance != "TESTA" {
			t.Errorf("article %s: Alliance = %q, want TESTA", a.Number, a.Alliance)
		}
	}
	if want := []string{"4", "5", "10", "13"}; !slices.Equal(numbers, want) {
		t.Errorf("articles %q, want %q in numeric order", numbers, want)
	}

	_, err = s.FindAlliance(t.Context(), "NOPE")
	wantCode(t, "FindAlliance(NOPE)", err, entente.ENOTFOUND)
	if msg := entente.ErrorMessage(err); !strings.Contains(msg, `"NOPE"`) {
		t.Errorf("FindAlliance(NOPE): message %q, want it to name the code", msg)
	}
}

func testUpdateCommits(t *testing.T, open func(t *testing.T) entente.Store) {
	s := imported(t, open)
	ctx := t.Context()
	in := entente.Invitation{Meeting: "m-2024-brussels", Country: "SWE", Level: "foreign-minister",
		Attended: entente.AttendedYes, Provenance: src("src-partners")}
	ev := entente.AuditEvent{Actor: "tester", Action: "create", Entity: "invitation", Key: "m-2024-brussels SWE", After: json.RawMessage(toJSON(t, in))}
	err := s.Update(ctx, func(tx entente.Tx) error {
		if err := tx.CreateInvitation(ctx, &in); err != nil {
			return err
		}
		got, err := tx.FindInvitations(ctx, entente.Filter{Meeting: in.Meeting, Country: in.Country})
		if err != nil {
			return err
		}
		if len(got) != 1 {
			t.Errorf("inside the transaction: %d invitations, want its own write", len(got))
		}
		return tx.AddAuditEvent(ctx, &ev)
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	got, err := s.FindInvitations(ctx, entente.Filter{Meeting: in.Meeting, Country: in.Country})
	if err != nil {
		t.Fatalf("FindInvitations: %v", err)
	}
	if len(got) != 1 {
		t.Fatalf("after commit: %d invitations, want 1", len(got))
	}
	sameJSON(t, "committed invitation", toJSON(t, got[0]), toJSON(t, in))
	evs := auditEvents(t, s, 1)
	if len(evs) != 1 || evs[0].ID != ev.ID || evs[0].Key != ev.Key || string(evs[0].After) != string(ev.After) || !evs[0].At.Equal(ev.At) {
		t.Fatalf("newest audit event = %+v, want %+v", evs, ev)
	}
}

func testUpdateRollsBack(t *testing.T, open func(t *testing.T) entente.Store) {
	s := imported(t, open)
	ctx := t.Context()
	want := exportJSON(t, s)
	wantEvents := auditEvents(t, s, 0)
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx entente.Tx) error {
		m := Fixture().Memberships[3]
		m.Consents = nil
		m.Withdrawn = d("2030")
		if err := tx.UpdateMembership(ctx, &m); err != nil {
			return err
		}
		in := entente.Invitation{Meeting: "m-2024-brussels", Country: "SWE", Level: "foreign-minister",
			Attended: entente.AttendedYes, Provenance: src("src-partners")}
		if err := tx.CreateInvitation(ctx, &in); err != nil {
			return err
		}
		if err := tx.AddAuditEvent(ctx, &entente.AuditEvent{Actor: "tester", Action: "update", Entity: "membership", Key: "TESTA SWE"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want fn's error back", err)
	}
	sameJSON(t, "Export after rolled-back Update", exportJSON(t, s), want)
	sameJSON(t, "audit events after rolled-back Update", toJSON(t, auditEvents(t, s, 0)), toJSON(t, wantEvents))
}

// testUpdateReplaces checks that Update methods change a record and its
// child rows in place.
func testUpdateReplaces(t *testing.T, open func(t *testing.T) entente.Store) {
	tests := []struct {
		name string
		put  func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error
	}{
		{"Membership", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			m := &ds.Memberships[3] // SWE
			m.Consents = m.Consents[:1]
			m.Ratifications = nil
			m.Notice = d("2030-01")
			m.Note = "changed"
			return tx.UpdateMembership(ctx, m)
		}},
		{"Partnership", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			p := &ds.Partnerships[0] // NZL GP
			p.To = d("2030")
			p.Suspended = entente.Period{From: d("2022-03-01")}
			p.Unconfirmed = "the end"
			return tx.UpdatePartnership(ctx, p)
		}},
		{"Programme", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			p := &ds.Programmes[1] // NZL-IPCP-2012, which the other supersedes
			p.Title = "Changed"
			p.Areas = []string{"cyber", "maritime"}
			return tx.UpdateProgramme(ctx, p)
		}},
		{"ProgrammeNoAreas", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			p := &ds.Programmes[0]
			p.Areas = []string{}
			p.Supersedes = ""
			return tx.UpdateProgramme(ctx, p)
		}},
		{"Contribution", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			c := &ds.Contributions[0] // nzl-adriatic, no operation
			c.Operation = "OPA"
			// Stored sources come back as an empty list, not null.
			c.Sources = nil
			if err := tx.UpdateContribution(ctx, c); err != nil {
				return err
			}
			c.Sources = []string{}
			return nil
		}},
		{"Invitation", func(ctx context.Context, tx entente.Tx, ds *entente.Dataset) error {
			in := &ds.Invitations[0]
			in.Attended = entente.AttendedNo
			in.Attendee = ""
			return tx.UpdateInvitation(ctx, in)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := imported(t, open)
			want := Fixture()
			err := s.Update(t.Context(), func(tx entente.Tx) error { return tt.put(t.Context(), tx, want) })
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			sameJSON(t, "Export after Update", exportJSON(t, s), toJSON(t, want))
		})
	}
}

// testWriteRefused checks that a write naming an unknown record, or
// creating one that exists, is ECONFLICT; that changing one that does not
// exist is ENOTFOUND, not a silent insert; and that either leaves the store
// unchanged.
func testWriteRefused(t *testing.T, open func(t *testing.T) entente.Store) {
	ds := Fixture()
	tests := []struct {
		name string
		code string // ECONFLICT when ""
		put  func(ctx context.Context, tx entente.Tx) error
	}{
		{"MembershipUnknownCountry", "", func(ctx context.Context, tx entente.Tx) error {
			m := ds.Memberships[0]
			m.Country = "XYZ"
			return tx.CreateMembership(ctx, &m)
		}},
		{"MembershipUnknownConsenter", "", func(ctx context.Context, tx entente.Tx) error {
			m := ds.Memberships[3]
			m.Consents = append(slices.Clone(m.Consents), entente.Assent{Country: "XYZ"})
			return tx.UpdateMembership(ctx, &m)
		}},
		{"PartnershipUnknownCountry", "", func(ctx context.Context, tx entente.Tx) error {
			p := ds.Partnerships[0]
			p.Country = "XYZ"
			return tx.CreatePartnership(ctx, &p)
		}},
		{"PartnershipUnknownFramework", "", func(ctx context.Context, tx entente.Tx) error {
			p := ds.Partnerships[0]
			p.Framework = "NOPE"
			return tx.CreatePartnership(ctx, &p)
		}},
		{"ProgrammeUnknownPartner", "", func(ctx context.Context, tx entente.Tx) error {
			p := ds.Programmes[2]
			p.Partner = "XYZ"
			return tx.UpdateProgramme(ctx, &p)
		}},
		{"ProgrammeUnknownArea", "", func(ctx context.Context, tx entente.Tx) error {
			p := ds.Programmes[2]
			p.Areas = []string{"nope"}
			return tx.UpdateProgramme(ctx, &p)
		}},
		{"ProgrammeUnknownSuperseded", "", func(ctx context.Context, tx entente.Tx) error {
			p := ds.Programmes[2]
			p.Supersedes = "nope"
			return tx.UpdateProgramme(ctx, &p)
		}},
		{"ContributionUnknownCountry", "", func(ctx context.Context, tx entente.Tx) error {
			c := ds.Contributions[0]
			c.ID, c.Country = "new", "XYZ"
			return tx.CreateContribution(ctx, &c)
		}},
		{"ContributionUnknownOperation", "", func(ctx context.Context, tx entente.Tx) error {
			c := ds.Contributions[0]
			c.Operation = "NOPE"
			return tx.UpdateContribution(ctx, &c)
		}},
		{"InvitationUnknownCountry", "", func(ctx context.Context, tx entente.Tx) error {
			in := ds.Invitations[0]
			in.Country = "XYZ"
			return tx.CreateInvitation(ctx, &in)
		}},
		{"InvitationUnknownMeeting", "", func(ctx context.Context, tx entente.Tx) error {
			in := ds.Invitations[0]
			in.Meeting = "nope"
			return tx.CreateInvitation(ctx, &in)
		}},
		// Creating a record whose key exists is a conflict, never an
		// overwrite.
		{"MembershipExists", "", func(ctx context.Context, tx entente.Tx) error {
			m := ds.Memberships[3]
			m.Note = "overwritten"
			return tx.CreateMembership(ctx, &m)
		}},
		{"PartnershipExists", "", func(ctx context.Context, tx entente.Tx) error {
			return tx.CreatePartnership(ctx, &ds.Partnerships[0])
		}},
		{"ProgrammeExists", "", func(ctx context.Context, tx entente.Tx) error {
			p := ds.Programmes[2]
			p.Title = "Overwritten"
			return tx.CreateProgramme(ctx, &p)
		}},
		{"ContributionExists", "", func(ctx context.Context, tx entente.Tx) error {
			return tx.CreateContribution(ctx, &ds.Contributions[0])
		}},
		{"InvitationExists", "", func(ctx context.Context, tx entente.Tx) error {
			return tx.CreateInvitation(ctx, &ds.Invitations[0])
		}},
		{"MembershipMissing", entente.ENOTFOUND, func(ctx context.Context, tx entente.Tx) error {
			m := ds.Memberships[0]
			m.Country = "NZL"
			return tx.UpdateMembership(ctx, &m)
		}},
		{"PartnershipMissing", entente.ENOTFOUND, func(ctx context.Context, tx entente.Tx) error {
			p := ds.Partnerships[0]
			p.Country = "FRA" // no longer a member from 1967
			return tx.UpdatePartnership(ctx, &p)
		}},
		{"ProgrammeMissing", entente.ENOTFOUND, func(ctx context.Context, tx entente.Tx) error {
			p := ds.Programmes[2]
			p.ID = "SWE-NEW"
			return tx.UpdateProgramme(ctx, &p)
		}},
		{"ContributionMissing", entente.ENOTFOUND, func(ctx context.Context, tx entente.Tx) error {
			c := ds.Contributions[0]
			c.ID = "new"
			return tx.UpdateContribution(ctx, &c)
		}},
		{"InvitationMissing", entente.ENOTFOUND, func(ctx context.Context, tx entente.Tx) error {
			in := ds.Invitations[0]
			in.Country = "CAN"
			return tx.UpdateInvitation(ctx, &in)
		}},
	}
	s := imported(t, open)
	want := exportJSON(t, s)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Update(t.Context(), func(tx entente.Tx) error {
				if err := tx.AddAuditEvent(t.Context(), &entente.AuditEvent{Actor: "tester", Action: "put", Entity: "x", Key: "y"}); err != nil {
					return err
				}
				return tt.put(t.Context(), tx)
			})
			code := tt.code
			if code == "" {
				code = entente.ECONFLICT
			}
			wantCode(t, "Update with a refused write", err, code)
			sameJSON(t, "Export after refused write", exportJSON(t, s), want)
			if n := len(auditEvents(t, s, 0)); n != 1 {
				t.Errorf("audit events after refused write = %d, want 1 (the import's)", n)
			}
		})
	}
}

// testEnsureSource checks that EnsureSource adds a new source and keeps an
// existing one as it is.
func testEnsureSource(t *testing.T, open func(t *testing.T) entente.Store) {
	s := imported(t, open)
	ctx := t.Context()
	want := Fixture()
	added := entente.Source{ID: "src-new", Title: "New", URL: "https://example.org/new"}
	want.Sources = append(want.Sources, added)
	want.Sort()
	err := s.Update(ctx, func(tx entente.Tx) error {
		changed := Fixture().Sources[0]
		changed.Title = "Changed"
		if err := tx.EnsureSource(ctx, &changed); err != nil {
			return err
		}
		if err := tx.EnsureSource(ctx, &added); err != nil {
			return err
		}
		return tx.EnsureSource(ctx, &added)
	})
	if err != nil {
		t.Fatalf("EnsureSource: %v", err)
	}
	sameJSON(t, "Export after EnsureSource", exportJSON(t, s), toJSON(t, want))
}

// testLock checks that the Lock methods accept existing and missing records
// alike. That the locks serialise writers is the concurrency suite's to
// show.
func testLock(t *testing.T, open func(t *testing.T) entente.Store) {
	s := open(t)
	ctx := t.Context()
	if err := s.Import(ctx, PlanFixture(), importEvent()); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"", "nope", "TESTA", "NZL-2024-ITPP", "NZL-2024-ITPP-A001"} {
		err := s.Update(ctx, func(tx entente.Tx) error {
			if err := tx.LockAlliance(ctx, key); err != nil {
				return err
			}
			if err := tx.LockProgramme(ctx, key); err != nil {
				return err
			}
			return tx.LockActivity(ctx, key)
		})
		if err != nil {
			t.Errorf("locks on %q: %v", key, err)
		}
	}
}

func testAuditEvents(t *testing.T, open func(t *testing.T) entente.Store) {
	s := open(t)
	ctx := t.Context()
	at := time.Date(2025, 3, 4, 5, 6, 7, 123456000, time.UTC)
	events := []*entente.AuditEvent{
		{Actor: "alice", Action: "create", Entity: "membership", Key: "TESTA SWE", After: json.RawMessage(`{"a":1}`)},
		{At: at, Actor: "bob", Action: "update", Entity: "membership", Key: "TESTA SWE", Before: json.RawMessage(`{"a":1}`), After: json.RawMessage(`{"a":2}`)},
		{Actor: "carol", Action: "delete", Entity: "invitation", Key: "m NZL", Before: json.RawMessage(`{"b":1}`)},
	}
	before := time.Now().Add(-time.Minute)
	var lastID int64
	for i, e := range events {
		if err := s.Update(ctx, func(tx entente.Tx) error { return tx.AddAuditEvent(ctx, e) }); err != nil {
			t.Fatalf("AddAuditEvent %d: %v", i, err)
		}
		if e.ID <= lastID {
			t.Errorf("event %d: ID %d, want more than the previous %d", i, e.ID, lastID)
		}
		lastID = e.ID
	}
	if !events[1].At.Equal(at) {
		t.Errorf("a given At became %v, want %v kept", events[1].At, at)
	}
	if events[0].At.Before(before) || events[0].At.After(time.Now().Add(time.Minute)) {
		t.Errorf("a zero At became %v, want about now", events[0].At)
	}

	got := auditEvents(t, s, 0)
	want := []entente.AuditEvent{*events[2], *events[1], *events[0]}
	sameJSON(t, "FindAuditEvents (newest first)", toJSON(t, got), toJSON(t, want))
	got = auditEvents(t, s, 2)
	sameJSON(t, "FindAuditEvents (Limit 2)", toJSON(t, got), toJSON(t, want[:2]))
}

// testConcurrentUpdates checks that writers queue rather than fail: on SQLite
// this needs both the busy timeout and write transactions that take the lock
// when they begin.
func testConcurrentUpdates(t *testing.T, open func(t *testing.T) entente.Store) {
	s := imported(t, open)
	ctx := t.Context()
	const writers, each = 6, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				errs <- s.Update(ctx, func(tx entente.Tx) error {
					// Read, then write: the pattern that deadlocks deferred
					// SQLite transactions.
					if _, err := tx.FindInvitations(ctx, entente.Filter{}); err != nil {
						return err
					}
					in := entente.Invitation{Meeting: "m-2023-vilnius", Country: "SWE", Level: fmt.Sprintf("level-%d-%d", w, i),
						Attended: entente.AttendedUnknown, Provenance: src("src-partners")}
					if err := tx.UpdateInvitation(ctx, &in); err != nil {
						return err
					}
					return tx.AddAuditEvent(ctx, &entente.AuditEvent{Actor: fmt.Sprint("writer ", w), Action: "update", Entity: "invitation", Key: "m-2024-brussels SWE"})
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent Update: %v", err)
		}
	}
	if n := len(auditEvents(t, s, 0)); n != 1+writers*each {
		t.Errorf("audit events = %d, want %d", n, 1+writers*each)
	}
	if n := verifyAudit(t, s); n != 1+writers*each {
		t.Errorf("audit chain verified %d events, want %d", n, 1+writers*each)
	}
}
