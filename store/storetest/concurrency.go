package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// The concurrency suite runs each rule that reads before it writes through
// the service, from many goroutines at once, and then checks that what was
// acknowledged, what is stored and what the audit log says agree: every
// write that returned nil is stored whole and audited once, nothing refused
// is stored or audited, and the rule held (ids distinct, capacity kept, one
// active programme, steps applied in an order the state machine allows).
//
// Each check is written against the service rather than the store, as the
// store alone has no rules; but it is here, in the store's suite, because
// whether a rule holds under concurrency is a property of the store's
// transactions and locks, and both engines must pass it.

// writers is how many goroutines write at once.
const writers = 32

// concurrencyDay is "today" for the service in these tests.
var concurrencyDay = time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)

func runConcurrency(t *testing.T, open func(t *testing.T) entente.Store) {
	t.Run("Proposals", func(t *testing.T) { testConcurrentProposals(t, open) })
	t.Run("SameID", func(t *testing.T) { testConcurrentSameID(t, open) })
	t.Run("Capacity", func(t *testing.T) { testConcurrentCapacity(t, open) })
	t.Run("Steps", func(t *testing.T) { testConcurrentSteps(t, open) })
	t.Run("Agreements", func(t *testing.T) { testConcurrentAgreements(t, open) })
	t.Run("Accession", func(t *testing.T) { testConcurrentAccession(t, open) })
}

// planService opens a store holding the plan fixture and a service over it
// whose day is concurrencyDay.
func planService(t *testing.T, open func(t *testing.T) entente.Store, ds *entente.Dataset) (*service.Service, entente.Store) {
	t.Helper()
	s := open(t)
	if err := s.Import(t.Context(), ds, importEvent()); err != nil {
		t.Fatalf("Import: %v", err)
	}
	svc := service.New(s)
	svc.Now = func() time.Time { return concurrencyDay }
	// However the writers interleaved, their events form one chain. The
	// check runs before the store is closed: cleanups run last first.
	t.Cleanup(func() { verifyAudit(t, s) })
	return svc, s
}

// hammer runs fn(0) ... fn(n-1) in n goroutines released together, and
// returns their errors by index.
func hammer(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// tally counts errors by code ("" for success), and fails t on any code
// not in allowed.
func tally(t *testing.T, what string, errs []error, allowed ...string) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, err := range errs {
		code := ""
		if err != nil {
			code = entente.ErrorCode(err)
		}
		if n[code] == 0 && code != "" && !slices.Contains(allowed, code) {
			t.Errorf("%s: unexpected error %v", what, err)
		}
		n[code]++
	}
	return n
}

// audited returns the audit events with action and, if key is not "", that
// key, oldest first.
func audited(t *testing.T, s entente.Store, action, key string) []entente.AuditEvent {
	t.Helper()
	var out []entente.AuditEvent
	for _, e := range auditEvents(t, s, 0) {
		if e.Action == action && (key == "" || e.Key == key) {
			out = append(out, e)
		}
	}
	slices.Reverse(out)
	return out
}

func testConcurrentProposals(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, s := planService(t, open, PlanFixture())
	ctx := staffCtx(t)
	const prog, each = "NZL-2024-ITPP", 4
	acked := make([][]entente.Activity, writers)
	errs := hammer(writers, func(w int) error {
		for i := range each {
			a, err := svc.ProposeActivity(ctx, service.ProposeRequest{Programme: prog,
				Title: fmt.Sprintf("writer %d, proposal %d", w, i)})
			if err != nil {
				return err
			}
			acked[w] = append(acked[w], *a)
		}
		return nil
	})
	tally(t, "ProposeActivity", errs)
	titles := map[string]string{}
	var dups, lost, changed, unaudited []string
	for _, as := range acked {
		for _, a := range as {
			if _, dup := titles[a.ID]; dup {
				dups = append(dups, a.ID)
			}
			titles[a.ID] = a.Title
		}
	}
	stored, err := s.FindActivities(ctx, entente.ActivityFilter{Programme: prog})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]entente.Activity{}
	for _, a := range stored {
		byID[a.ID] = a
	}
	keys := map[string]int{}
	evs := audited(t, s, "activity.propose", "")
	for _, e := range evs {
		keys[e.Key]++
	}
	n := 0
	for _, as := range acked {
		for _, a := range as {
			n++
			if got, ok := byID[a.ID]; !ok {
				lost = append(lost, a.ID)
			} else if got.Title != a.Title {
				changed = append(changed, a.ID)
			}
			if keys[a.ID] != 1 {
				unaudited = append(unaudited, a.ID)
			}
		}
	}
	some(t, dups, "of %d proposals acknowledged, %d got an id handed out before", n)
	some(t, lost, "of %d proposals acknowledged, %d are not stored", n)
	some(t, changed, "of %d proposals acknowledged, %d are stored with another proposal's title", n)
	some(t, unaudited, "of %d proposals acknowledged, %d do not have exactly one audit event", n)
	before := len(PlanFixture().Activities)
	t.Logf("%d proposals by %d writers: %d acknowledged, %d distinct ids, %d stored, %d audited", writers*each, writers, n, len(titles), len(stored)-before, len(evs))
	if len(stored) != before+n || len(evs) != n {
		t.Errorf("%d proposals acknowledged, %d stored (besides the fixture's %d), %d audited", n, len(stored)-before, before, len(evs))
	}
}

// some fails t if ids is not empty, with format's message (which takes a
// number before the count of ids) and the first few ids.
func some(t *testing.T, ids []string, format string, n int) {
	t.Helper()
	if len(ids) == 0 {
		return
	}
	slices.Sort(ids)
	t.Errorf(format+"; the first: %v", n, len(ids), ids[:min(5, len(ids))])
}

func testConcurrentSameID(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, s := planService(t, open, PlanFixture())
	ctx := staffCtx(t)
	const id = "NZL-2024-ITPP-SAME"
	errs := hammer(writers, func(w int) error {
		_, err := svc.ProposeActivity(ctx, service.ProposeRequest{ID: id, Programme: "NZL-2024-ITPP",
			Title: fmt.Sprintf("writer %d", w)})
		return err
	})
	n := tally(t, "ProposeActivity with one id", errs, entente.ECONFLICT)
	t.Logf("%d proposals of one id: %d acknowledged, %d conflicts", writers, n[""], n[entente.ECONFLICT])
	if n[""] != 1 || n[entente.ECONFLICT] != writers-1 {
		t.Errorf("%d proposals of one id: %d succeeded and %d were conflicts, want 1 and %d", writers, n[""], n[entente.ECONFLICT], writers-1)
	}
	winner := slices.IndexFunc(errs, func(err error) bool { return err == nil })
	a, err := s.FindActivity(ctx, id)
	if err != nil {
		t.Fatalf("FindActivity(%s): %v", id, err)
	}
	if want := fmt.Sprintf("writer %d", winner); winner >= 0 && a.Title != want {
		t.Errorf("stored title %q, but the proposal acknowledged was %q", a.Title, want)
	}
	if evs := audited(t, s, "activity.propose", id); len(evs) != n[""] {
		t.Errorf("%d audit events for %s, %d proposals acknowledged", len(evs), id, n[""])
	}
}

// openActivity proposes an activity with capacity, approves it, invites
// NZL and opens registration.
func openActivity(t *testing.T, svc *service.Service, id string, capacity int) {
	t.Helper()
	ctx := staffCtx(t)
	_, err := svc.ProposeActivity(ctx, service.ProposeRequest{ID: id, Programme: "NZL-2024-ITPP",
		Title: "Course", Capacity: capacity})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct {
		step entente.ActivityStep
		req  service.ActivityRequest
	}{
		{entente.StepApprove, service.ActivityRequest{}},
		{entente.StepInvite, service.ActivityRequest{Countries: []string{"NZL"}}},
		{entente.StepRegister, service.ActivityRequest{}},
	} {
		st.req.ID = id
		if _, err := svc.StepActivity(ctx, st.step, st.req); err != nil {
			t.Fatalf("%s %s: %v", st.step, id, err)
		}
	}
}

func testConcurrentCapacity(t *testing.T, open func(t *testing.T) entente.Store) {
	for _, capacity := range []int{5, 100} {
		t.Run(fmt.Sprint(capacity), func(t *testing.T) {
			svc, s := planService(t, open, PlanFixture())
			ctx := staffCtx(t)
			id := fmt.Sprintf("NZL-2024-ITPP-CAP%d", capacity)
			openActivity(t, svc, id, capacity)
			errs := hammer(writers, func(w int) error {
				_, err := svc.StepActivity(ctx, entente.StepRegister, service.ActivityRequest{ID: id,
					Country: "NZL", Participants: 1})
				return err
			})
			n := tally(t, "register", errs, entente.EREFUSED)
			t.Logf("%d registrations against capacity %d: %d acknowledged, %d refused", writers, capacity, n[""], n[entente.EREFUSED])
			if want := min(writers, capacity); n[""] != want {
				t.Errorf("%d registrations of one place each against capacity %d: %d acknowledged, want %d", writers, capacity, n[""], want)
			}
			a, err := s.FindActivity(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Registrations) != n[""] || a.Registered() > capacity {
				t.Errorf("stored %d registrations for %d places (capacity %d); %d acknowledged", len(a.Registrations), a.Registered(), capacity, n[""])
			}
			// One register event opened registration; the rest registered.
			if evs := audited(t, s, "activity.register", id); len(evs) != 1+n[""] {
				t.Errorf("%d register events audited, want %d: the opening and %d acknowledged", len(evs), 1+n[""], n[""])
			}
			checkChain(t, s, id)
		})
	}
}

func testConcurrentSteps(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, s := planService(t, open, PlanFixture())
	ctx := staffCtx(t)
	const id = "NZL-2024-ITPP-STEPS"
	if _, err := svc.ProposeActivity(ctx, service.ProposeRequest{ID: id, Programme: "NZL-2024-ITPP", Title: "Talks"}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		step entente.ActivityStep
		req  service.ActivityRequest
	}{
		{entente.StepApprove, service.ActivityRequest{}},
		{entente.StepInvite, service.ActivityRequest{Countries: []string{"NZL"}}},
		{entente.StepRegister, service.ActivityRequest{}},
		{entente.StepCancel, service.ActivityRequest{Reason: "clash"}},
	}
	errs := hammer(writers, func(w int) error {
		st := steps[w%len(steps)]
		st.req.ID = id
		_, err := svc.StepActivity(ctx, st.step, st.req)
		return err
	})
	n := tally(t, "activity steps", errs, entente.EREFUSED)
	t.Logf("%d concurrent steps on one activity: %d acknowledged, %d refused", writers, n[""], n[entente.EREFUSED])
	if n[""] == 0 {
		t.Errorf("no step of %d was acknowledged", writers)
	}
	evs := checkChain(t, s, id)
	if len(evs) != 1+n[""] {
		t.Errorf("%d audit events for %s, want %d: the proposal and %d steps acknowledged", len(evs), id, 1+n[""], n[""])
	}
	counts := map[string]int{}
	for _, e := range evs {
		counts[e.Action]++
	}
	for _, once := range []string{"activity.approve", "activity.cancel"} {
		if counts[once] > 1 {
			t.Errorf("%s acknowledged %d times on one activity", once, counts[once])
		}
	}
}

// checkChain checks that the audit events of activity id, oldest first,
// form one history: each starts from the state the one before ended in, and
// the last ends in the stored activity. Two steps that both read the same
// state and both wrote would show as a break. It returns the events.
func checkChain(t *testing.T, s entente.Store, id string) []entente.AuditEvent {
	t.Helper()
	var evs []entente.AuditEvent
	for _, e := range auditEvents(t, s, 0) {
		if e.Entity == "activity" && e.Key == id {
			evs = append(evs, e)
		}
	}
	slices.Reverse(evs)
	stored, err := s.FindActivity(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	prev, breaks, first := "", 0, ""
	for i, e := range evs {
		if i > 0 && canonicalActivity(t, string(e.Before)) != prev {
			if breaks++; first == "" {
				first = fmt.Sprintf("event %d, %s by %s", i, e.Action, e.Actor)
			}
		}
		prev = canonicalActivity(t, string(e.After))
	}
	if breaks > 0 {
		t.Errorf("%d of the %d audit events on %s started from a state the event before did not leave (lost updates); the first: %s", breaks, len(evs), id, first)
	}
	if got := toJSON(t, stored); prev != got {
		t.Errorf("stored activity %s is not the state its last audit event left", id)
	}
	return evs
}

// canonicalActivity re-encodes an audited activity the way toJSON does.
func canonicalActivity(t *testing.T, s string) string {
	t.Helper()
	var a entente.Activity
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		t.Fatalf("audited activity %q: %v", s, err)
	}
	return toJSON(t, &a)
}

func testConcurrentAgreements(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, s := planService(t, open, PlanFixture())
	ctx := staffCtx(t)
	errs := hammer(writers, func(w int) error {
		_, err := svc.AgreeProgramme(ctx, service.AgreeRequest{ID: fmt.Sprintf("NZL-NEXT-%02d", w), Alliance: "TESTA",
			Partner: "NZL", Type: "ITPP", Title: fmt.Sprintf("Programme %d", w)})
		return err
	})
	n := tally(t, "AgreeProgramme", errs, entente.EREFUSED, entente.ECONFLICT)
	ps, err := s.FindProgrammes(ctx, entente.Filter{Alliance: "TESTA", Country: "NZL"})
	if err != nil {
		t.Fatal(err)
	}
	var active []string
	successors := map[string][]string{}
	stored := map[string]bool{}
	for _, p := range ps {
		stored[p.ID] = true
		switch p.Status {
		case entente.ProgrammeActive, entente.ProgrammeAgreed, entente.ProgrammeUnderReview:
			active = append(active, p.ID)
		}
		if p.Supersedes != "" {
			successors[p.Supersedes] = append(successors[p.Supersedes], p.ID)
		}
	}
	for old, by := range successors {
		if len(by) > 1 {
			t.Errorf("%s is superseded by %d programmes, want one: %v", old, len(by), by)
		}
	}
	t.Logf("%d agreements for one partner: %d acknowledged; %d programmes in force", writers, n[""], len(active))
	if len(active) != 1 {
		t.Errorf("%d programmes in force for NZL after %d concurrent agreements, want 1: %v", len(active), n[""], active)
	}
	for w, err := range errs {
		if id := fmt.Sprintf("NZL-NEXT-%02d", w); err == nil && !stored[id] {
			t.Errorf("acknowledged programme %s is not stored", id)
		} else if err != nil && stored[id] {
			t.Errorf("refused programme %s is stored", id)
		}
	}
	if evs := audited(t, s, "programme.agree", ""); len(evs) != n[""] {
		t.Errorf("%d agreements audited, %d acknowledged", len(evs), n[""])
	}
	if evs := audited(t, s, "programme.supersede", ""); len(evs) != n[""] {
		t.Errorf("%d supersessions audited, want one for each of the %d agreements acknowledged", len(evs), n[""])
	}
}

// accessionFixture is Fixture with as many more founding members as there
// are writers, and two European countries that are not members.
func accessionFixture() *entente.Dataset {
	ds := Fixture()
	for i := range writers {
		code := fmt.Sprintf("Q%c%c", 'A'+i/26, 'A'+i%26)
		ds.Countries = append(ds.Countries, entente.Country{Code: code, Name: "Member " + code, Region: "Europe", Subregion: "Northern Europe", European: yes(),
			Provenance: src("src-members")})
		ds.Memberships = append(ds.Memberships, entente.Membership{Alliance: "TESTA", Country: code, Founding: true,
			Acceded: d("1949-08-24"), Provenance: src("src-members")})
	}
	for _, code := range []string{"XAA", "XAB"} {
		ds.Countries = append(ds.Countries, entente.Country{Code: code, Name: "Applicant " + code, Region: "Europe", Subregion: "Northern Europe", European: yes(),
			Provenance: src("src-members")})
	}
	ds.Sort()
	return ds
}

func testConcurrentAccession(t *testing.T, open func(t *testing.T) entente.Store) {
	svc, s := planService(t, open, accessionFixture())
	ctx := staffCtx(t)
	// Many applications of one country: one starts the accession.
	errs := hammer(writers, func(w int) error {
		_, err := svc.Accession(ctx, service.StepApply, service.StepRequest{Alliance: "TESTA", Country: "XAA"})
		return err
	})
	n := tally(t, "apply", errs, entente.EREFUSED, entente.ECONFLICT)
	if n[""] != 1 {
		t.Errorf("%d concurrent applications of XAA: %d acknowledged, want 1", writers, n[""])
	}
	if evs := audited(t, s, "accession.apply", "TESTA/XAA"); len(evs) != n[""] {
		t.Errorf("%d applications audited, %d acknowledged", len(evs), n[""])
	}

	// Every member consents at once: every consent is kept.
	if _, err := svc.Accession(ctx, service.StepApply, service.StepRequest{Alliance: "TESTA", Country: "XAB"}); err != nil {
		t.Fatal(err)
	}
	errs = hammer(writers, func(w int) error {
		by := fmt.Sprintf("Q%c%c", 'A'+w/26, 'A'+w%26)
		_, err := svc.Accession(ctx, service.StepConsent, service.StepRequest{Alliance: "TESTA", Country: "XAB", By: by})
		return err
	})
	n = tally(t, "consent", errs)
	ms, err := s.FindMemberships(ctx, entente.Filter{Alliance: "TESTA", Country: "XAB"})
	if err != nil || len(ms) != 1 {
		t.Fatalf("FindMemberships(XAB) = %d, %v; want one", len(ms), err)
	}
	t.Logf("%d concurrent consents: %d acknowledged, %d stored", writers, n[""], len(ms[0].Consents))
	if len(ms[0].Consents) != n[""] {
		t.Errorf("%d consents stored, %d acknowledged", len(ms[0].Consents), n[""])
	}
	evs := audited(t, s, "accession.consent", "")
	if len(evs) != n[""] {
		t.Errorf("%d consents audited, %d acknowledged", len(evs), n[""])
	}
	var lost []string
	for w, err := range errs {
		by := fmt.Sprintf("Q%c%c", 'A'+w/26, 'A'+w%26)
		if err == nil && !slices.ContainsFunc(ms[0].Consents, func(a entente.Assent) bool { return a.Country == by }) {
			lost = append(lost, by)
		}
	}
	some(t, lost, "of %d consents acknowledged, %d are not stored", n[""])
}

// staffCtx is t's context acting as a member of the alliance's staff, who
// may make every change these tests make through the service.
func staffCtx(t *testing.T) context.Context {
	return entente.WithPrincipal(t.Context(), &entente.Principal{Kind: entente.PrincipalUser, ID: "user:1", Name: "storetest", Role: entente.RoleStaff})
}
