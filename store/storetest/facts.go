package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// The record's facts written one at a time (issue 10, item 1): each kind
// created and corrected through the service, checked by the dataset's
// rules, audited with the write, found by search and in the change feed,
// hidden by its marking; concurrent correctors of one version: one wins.
func runFacts(t *testing.T, open func(t *testing.T) entente.Store) {
	t.Run("Create", func(t *testing.T) { testFactCreate(t, open) })
	t.Run("Refused", func(t *testing.T) { testFactRefused(t, open) })
	t.Run("Correct", func(t *testing.T) { testFactCorrect(t, open) })
	t.Run("Concurrent", func(t *testing.T) { testFactConcurrent(t, open) })
	t.Run("Released", func(t *testing.T) { testFactReleased(t, open) })
}

// newFacts are one new record of each kind, valid against Fixture.
func newFacts() map[string]any {
	return map[string]any{
		entente.FactSource: &entente.Source{ID: "src-new", Title: "A new source", URL: "https://example.org/new", Kind: entente.SourceNews},
		entente.FactPartnership: &entente.Partnership{Alliance: "TESTA", Country: "SWE", Framework: "GP",
			Period: entente.Period{From: d("2015-05"), To: d("2020")}, Provenance: src("src-partners")},
		entente.FactContribution: &entente.Contribution{ID: "nzl-opa-frigate", Country: "NZL", Operation: "OPA", Theatre: "Adriatic Sea",
			Period: entente.Period{From: d("1996-03"), To: d("1996-09")}, What: "a frigate with a helicopter", Provenance: src("src-ops")},
		entente.FactMeeting: &entente.Meeting{ID: "m-2025-hague", Alliance: "TESTA", Kind: "summit", Name: "The Hague Summit", City: "The Hague",
			Country: "BEL", Period: entente.Period{From: d("2025-06-24"), To: d("2025-06-25")}, Provenance: src("src-members")},
		entente.FactInvitation: &entente.Invitation{Meeting: "m-2025-hague", Country: "NZL", Level: "foreign-minister",
			Attended: entente.AttendedYes, Provenance: src("src-partners")},
		entente.FactDefenceEvent: &entente.DefenceEvent{ID: "art4-2025", Alliance: "TESTA", Article: "4", Date: d("2025-09-10"),
			Requesters: []string{"FRA"}, Summary: "consultations after airspace violations", Provenance: src("src-treaty")},
		entente.FactOperation: &entente.Operation{Code: "OP-NEW", Alliance: "TESTA", Name: "Baltic Guard", Kind: "maritime", Theatre: "Baltic Sea",
			Period: entente.Period{From: d("2024-01")}, Provenance: src("src-ops")},
		entente.FactFramework: &entente.Framework{Alliance: "TESTA", Code: "NEWFW", Name: "Northern Dialogue",
			Period: entente.Period{From: d("2010")}, Provenance: src("src-partners")},
		entente.FactGroup: &entente.Group{Alliance: "TESTA", Code: "GRP-NEW", Name: "Two partners", Members: []string{"NZL", "SWE"},
			Since: d("2022"), Provenance: src("src-partners")},
	}
}

func factService(t *testing.T, open func(t *testing.T) entente.Store) (*service.Service, entente.Store) {
	return planService(t, open, Fixture())
}

func testFactCreate(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, s := factService(t, open)
	ctx := staffCtx(t)
	for _, kind := range entente.FactKinds {
		rec := newFacts()[kind]
		key, err := service.FactKey(kind, rec)
		if err != nil {
			t.Fatal(err)
		}
		got, err := svc.CreateFact(ctx, kind, rec)
		if err != nil {
			t.Fatalf("create %s %s: %v", kind, key, err)
		}
		read, err := svc.Fact(ctx, kind, key)
		if err != nil {
			t.Fatalf("read %s %s: %v", kind, key, err)
		}
		if entente.Version(got) != entente.Version(read) {
			t.Errorf("%s %s: the write answered %+v, a read %+v", kind, key, got, read)
		}
		if evs := audited(t, s, kind+".add", key); len(evs) != 1 {
			t.Errorf("%s %s: %d %s.add events, want 1", kind, key, len(evs), kind)
		}
		// Creating it again is a conflict, writing nothing.
		if _, err := svc.CreateFact(ctx, kind, newFacts()[kind]); entente.ErrorCode(err) != entente.ECONFLICT {
			t.Errorf("%s %s created twice: %v, want %s", kind, key, err, entente.ECONFLICT)
		}
		if evs := audited(t, s, kind+".add", key); len(evs) != 1 {
			t.Errorf("%s %s: %d %s.add events after a refused create, want 1", kind, key, len(evs), kind)
		}
	}
	// The search index and the change feed are in step with the writes.
	res, err := svc.Search(ctx, service.SearchRequest{Q: "frigate helicopter"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(res.Hits, func(h entente.SearchHit) bool { return h.Key == "nzl-opa-frigate" }) {
		t.Errorf("search for the new contribution's words: %+v, want nzl-opa-frigate", res.Hits)
	}
	page, err := svc.Changes(ctx, 0, service.MaxChanges)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range page.Changes {
		seen[c.Entity] = true
	}
	for _, kind := range entente.FactKinds {
		if !seen[kind] {
			t.Errorf("no %s in the change feed after one was added", kind)
		}
	}
	// A partner's own feed has its contributions and invitations.
	rc, err := svc.RecentChanges(entente.WithPrincipal(t.Context(), entente.Anonymous), "NZL", 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{entente.FactContribution, entente.FactInvitation} {
		if !slices.ContainsFunc(rc, func(c service.Change) bool { return c.Entity == kind }) {
			t.Errorf("NZL's recent changes lack the %s added", kind)
		}
	}
}

// fieldsOf returns the fields a write's EINVALID error names.
func fieldsOf(err error) []string {
	var fe service.FieldErrors
	if !errors.As(err, &fe) {
		return nil
	}
	var out []string
	for _, p := range fe {
		out = append(out, p.Field)
	}
	return out
}

func testFactRefused(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, s := factService(t, open)
	ctx := staffCtx(t)
	before := len(auditEvents(t, s, 0))
	liaison := entente.WithPrincipal(t.Context(), &entente.Principal{Kind: entente.PrincipalUser, ID: "user:2", Role: entente.RoleLiaison, Partner: "NZL"})
	reader := entente.WithPrincipal(t.Context(), &entente.Principal{Kind: entente.PrincipalUser, ID: "user:3", Role: entente.RoleReader})
	for _, kind := range entente.FactKinds {
		if _, err := svc.CreateFact(liaison, kind, newFacts()[kind]); entente.ErrorCode(err) != entente.EFORBIDDEN {
			t.Errorf("a liaison creates a %s: %v, want %s", kind, err, entente.EFORBIDDEN)
		}
		if _, err := svc.CreateFact(reader, kind, newFacts()[kind]); entente.ErrorCode(err) != entente.EFORBIDDEN {
			t.Errorf("a reader creates a %s: %v, want %s", kind, err, entente.EFORBIDDEN)
		}
		if _, err := svc.CreateFact(t.Context(), kind, newFacts()[kind]); entente.ErrorCode(err) != entente.EUNAUTHORIZED {
			t.Errorf("no principal creates a %s: %v, want %s", kind, err, entente.EUNAUTHORIZED)
		}
	}
	bad := []struct {
		name, kind string
		rec        any
		field      string
	}{
		{"end before start", entente.FactContribution, &entente.Contribution{ID: "x1", Country: "NZL", Theatre: "Sea", What: "ship",
			Period: entente.Period{From: d("2001"), To: d("1999")}, Provenance: src("src-ops")}, "to"},
		{"outside the operation", entente.FactContribution, &entente.Contribution{ID: "x2", Country: "NZL", Operation: "OPA", Theatre: "Sea", What: "ship",
			Period: entente.Period{From: d("1980")}, Provenance: src("src-ops")}, "from"},
		{"unknown operation", entente.FactContribution, &entente.Contribution{ID: "x3", Country: "NZL", Operation: "NOPE", Theatre: "Sea", What: "ship",
			Period: entente.Period{From: d("2001")}, Provenance: src("src-ops")}, "operation"},
		{"no source", entente.FactContribution, &entente.Contribution{ID: "x4", Country: "NZL", Theatre: "Sea", What: "ship",
			Period: entente.Period{From: d("2001")}}, "sources"},
		{"unknown source", entente.FactContribution, &entente.Contribution{ID: "x5", Country: "NZL", Theatre: "Sea", What: "ship",
			Period: entente.Period{From: d("2001")}, Provenance: src("src-nope")}, "sources"},
		{"unknown country", entente.FactInvitation, &entente.Invitation{Meeting: "m-2024-brussels", Country: "XYZ", Level: "x",
			Attended: entente.AttendedYes, Provenance: src("src-ops")}, "country"},
		{"unknown meeting", entente.FactInvitation, &entente.Invitation{Meeting: "m-nope", Country: "NZL", Level: "x",
			Attended: entente.AttendedYes, Provenance: src("src-ops")}, "meeting"},
		{"unknown framework", entente.FactPartnership, &entente.Partnership{Alliance: "TESTA", Country: "NZL", Framework: "NOPE",
			Period: entente.Period{From: d("2020")}, Provenance: src("src-partners")}, "framework"},
		{"a member as partner", entente.FactPartnership, &entente.Partnership{Alliance: "TESTA", Country: "BEL", Framework: "PFP",
			Period: entente.Period{From: d("2020")}, Provenance: src("src-partners")}, "until"},
		{"an operation without a start", entente.FactOperation, &entente.Operation{Code: "OP-X", Alliance: "TESTA", Name: "x", Kind: "x", Theatre: "x",
			Provenance: src("src-ops")}, "from"},
		{"a framework of no alliance", entente.FactFramework, &entente.Framework{Alliance: "NOPE", Code: "FW-X", Name: "x",
			Provenance: src("src-partners")}, "alliance"},
		{"a group without members", entente.FactGroup, &entente.Group{Alliance: "TESTA", Code: "GRP-X", Name: "x",
			Provenance: src("src-partners")}, "members"},
		{"a group with an unknown member", entente.FactGroup, &entente.Group{Alliance: "TESTA", Code: "GRP-Y", Name: "x", Members: []string{"XYZ"},
			Provenance: src("src-partners")}, "members"},
		{"not a defence article", entente.FactDefenceEvent, &entente.DefenceEvent{ID: "e1", Alliance: "TESTA", Article: "9", Date: d("2020"),
			Requesters: []string{"FRA"}, Summary: "x", Provenance: src("src-treaty")}, "article"},
		{"before the founding", entente.FactMeeting, &entente.Meeting{ID: "m-old", Alliance: "TESTA", Kind: "summit", Name: "Old", City: "Rome",
			Period: entente.Period{From: d("1900")}, Provenance: src("src-members")}, "from"},
		{"no title", entente.FactSource, &entente.Source{ID: "s-x", URL: "https://example.org", Kind: entente.SourceNews}, "title"},
		{"no kind", entente.FactSource, &entente.Source{ID: "s-y", Title: "t", URL: "https://example.org"}, "kind"},
		{"not a code", entente.FactSource, &entente.Source{ID: "a b/c", Title: "t", URL: "https://example.org", Kind: entente.SourceNews}, "id"},
	}
	for _, tc := range bad {
		_, err := svc.CreateFact(ctx, tc.kind, tc.rec)
		if entente.ErrorCode(err) != entente.EINVALID {
			t.Errorf("%s: %v, want %s", tc.name, err, entente.EINVALID)
			continue
		}
		if f := fieldsOf(err); !slices.Contains(f, tc.field) {
			t.Errorf("%s: %v names fields %v, want %s", tc.name, err, f, tc.field)
		}
	}
	if after := len(auditEvents(t, s, 0)); after != before {
		t.Errorf("%d events audited by refused writes, want none", after-before)
	}
	if _, err := svc.Fact(ctx, entente.FactContribution, "x1"); entente.ErrorCode(err) != entente.ENOTFOUND {
		t.Errorf("a refused contribution reads: %v, want %s", err, entente.ENOTFOUND)
	}
}

// readFact reads a fact and its version.
func readFact(t *testing.T, svc *service.Service, ctx context.Context, kind, key string) (any, string) {
	t.Helper()
	x, err := svc.Fact(ctx, kind, key)
	if err != nil {
		t.Fatalf("read %s %s: %v", kind, key, err)
	}
	return x, entente.Version(x)
}

func testFactCorrect(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, s := factService(t, open)
	ctx := staffCtx(t)
	x, version := readFact(t, svc, ctx, entente.FactContribution, "nzl-opb")
	c := *x.(*entente.Contribution)
	c.What = "a provincial reconstruction team"
	corr := service.FactCorrection{Kind: entente.FactContribution, Key: "nzl-opb", Record: &c, Reason: "the source names the team",
		Source: "src-partners", IfMatch: version}
	before := len(auditEvents(t, s, 0))
	for _, tc := range []struct {
		name string
		edit func(*service.FactCorrection)
		code string
	}{
		{"no reason", func(c *service.FactCorrection) { c.Reason = " " }, entente.EINVALID},
		{"no source", func(c *service.FactCorrection) { c.Source = "" }, entente.EINVALID},
		{"unknown source", func(c *service.FactCorrection) { c.Source = "src-nope" }, entente.EINVALID},
		{"key changed", func(c *service.FactCorrection) { c.Key = "nzl-opa" }, entente.EINVALID},
		{"stale", func(c *service.FactCorrection) { c.IfMatch = `"0"` }, entente.ESTALE},
		{"unknown", func(c *service.FactCorrection) {
			o := *c.Record.(*entente.Contribution)
			o.ID = "nope"
			c.Key, c.Record = "nope", &o
		}, entente.ENOTFOUND},
	} {
		bad := corr
		tc.edit(&bad)
		if _, err := svc.CorrectFact(ctx, bad); entente.ErrorCode(err) != tc.code {
			t.Errorf("correction with %s: %v, want %s", tc.name, err, tc.code)
		}
	}
	noVersion := corr
	noVersion.IfMatch = ""
	if _, err := svc.CorrectFact(service.RequireVersions(ctx), noVersion); entente.ErrorCode(err) != entente.EPRECONDITION {
		t.Errorf("a correction naming no version where one is required: %v, want %s", err, entente.EPRECONDITION)
	}
	if after := len(auditEvents(t, s, 0)); after != before {
		t.Errorf("%d events audited by refused corrections, want none", after-before)
	}
	got, err := svc.CorrectFact(ctx, corr)
	if err != nil {
		t.Fatal(err)
	}
	stored := got.(*entente.Contribution)
	if stored.What != c.What || !slices.Contains(stored.Sources, "src-partners") || !slices.Contains(stored.Sources, "src-ops") {
		t.Errorf("stored %+v, want the new what and the correction's source added to the old", stored)
	}
	evs := audited(t, s, "contribution.correct", "nzl-opb")
	if len(evs) != 1 || !strings.Contains(string(evs[0].After), `"reason":"the source names the team"`) {
		t.Fatalf("audited %+v, want one contribution.correct carrying the reason", evs)
	}
	h, err := svc.History(ctx, entente.FactContribution, "nzl-opb")
	if err != nil {
		t.Fatal(err)
	}
	if cur := h.Current(); cur == nil || cur.Why != "the source names the team" || !slices.Contains(cur.Sources, "src-partners") {
		t.Errorf("history's current version %+v, want the correction's reason and source", h.Current())
	}
	// Every kind corrects through the same skeleton.
	facts := newFacts()
	for _, kind := range entente.FactKinds { // the meeting before its invitation
		rec := facts[kind]
		if _, err := svc.CreateFact(ctx, kind, rec); err != nil {
			t.Fatalf("create %s: %v", kind, err)
		}
		key, _ := service.FactKey(kind, rec)
		x, version := readFact(t, svc, ctx, kind, key)
		if _, err := svc.CorrectFact(ctx, service.FactCorrection{Kind: kind, Key: key, Record: x, Reason: "checked", Source: "src-treaty", IfMatch: version}); err != nil {
			t.Errorf("correct %s %s: %v", kind, key, err)
		}
		if evs := audited(t, s, kind+".correct", key); len(evs) != 1 {
			t.Errorf("%s %s: %d corrections audited, want 1", kind, key, len(evs))
		}
	}
}

func testFactConcurrent(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, s := factService(t, open)
	ctx := staffCtx(t)
	x, version := readFact(t, svc, ctx, entente.FactMeeting, "m-2023-vilnius")
	errs := hammer(writers, func(w int) error {
		m := *x.(*entente.Meeting)
		m.Name = fmt.Sprintf("writer %d", w)
		_, err := svc.CorrectFact(ctx, service.FactCorrection{Kind: entente.FactMeeting, Key: m.ID, Record: &m,
			Reason: fmt.Sprintf("writer %d", w), Source: "src-members", IfMatch: version})
		return err
	})
	winner := oneWinner(t, "meeting m-2023-vilnius", errs)
	stored, _ := readFact(t, svc, ctx, entente.FactMeeting, "m-2023-vilnius")
	want := fmt.Sprintf("writer %d", winner)
	if got := stored.(*entente.Meeting).Name; got != want {
		t.Errorf("stored name %q, but the correction acknowledged was %q", got, want)
	}
	evs := audited(t, s, "meeting.correct", "m-2023-vilnius")
	if len(evs) != 1 || !strings.Contains(string(evs[0].After), `"reason":"`+want+`"`) {
		t.Errorf("audited %d corrections, want 1, the winner's", len(evs))
	}
}

func testFactReleased(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, _ := factService(t, open)
	ctx := staffCtx(t)
	c := newFacts()[entente.FactContribution].(*entente.Contribution)
	c.Releasability = entente.AllianceOnly()
	if _, err := svc.CreateFact(ctx, entente.FactContribution, c); err != nil {
		t.Fatal(err)
	}
	public := entente.WithPrincipal(t.Context(), entente.Anonymous)
	if _, err := svc.Fact(public, entente.FactContribution, c.ID); entente.ErrorCode(err) != entente.ENOTFOUND {
		t.Errorf("the public reads an ALLIANCE contribution: %v, want %s", err, entente.ENOTFOUND)
	}
	// A correction that names no marking keeps the record's.
	x, version := readFact(t, svc, ctx, entente.FactContribution, c.ID)
	y := *x.(*entente.Contribution)
	y.Releasability = entente.Releasability{}
	got, err := svc.CorrectFact(ctx, service.FactCorrection{Kind: entente.FactContribution, Key: c.ID, Record: &y, Reason: "r", Source: "src-ops", IfMatch: version})
	if err != nil {
		t.Fatal(err)
	}
	if r := got.(*entente.Contribution).Releasability; r.Level != entente.ReleaseAlliance {
		t.Errorf("marking after a correction naming none: %v, want ALLIANCE", r)
	}
}
