package entente

import (
	"strings"
	"testing"
)

func planFixture() (Programme, []Objective, []Goal) {
	p := Programme{ID: "P1", Partner: "NZL", Type: "IPCP", Title: "Old", Agreed: MustParseDate("2012-06-04"), Status: ProgrammeActive, Areas: []string{"cyber", "dr"}}
	objs := []Objective{
		{Programme: "P1", Code: "cyber", Area: "cyber", Title: "Cyber defence"},
		{Programme: "P1", Code: "dr", Area: "dr", Title: "Disaster relief"},
	}
	goals := []Goal{
		{Programme: "P1", Code: "G1", Objective: "cyber", Title: "Train", Indicators: []Indicator{
			{Name: "courses", Unit: "courses", Baseline: 0, Target: 4, Current: 2, Due: MustParseDate("2013-06")},
		}},
		{Programme: "P1", Code: "G2", Objective: "dr", Title: "Exercise", Indicators: []Indicator{
			{Name: "exercises", Unit: "exercises", Baseline: 0, Target: 1, Current: 1},
		}},
		{Programme: "P1", Code: "G3", Objective: "cyber", Title: "No indicators"},
	}
	return p, objs, goals
}

func TestIndicatorProgress(t *testing.T) {
	tests := []struct {
		in   Indicator
		want float64
	}{
		{Indicator{Baseline: 0, Target: 4, Current: 2}, 0.5},
		{Indicator{Baseline: 0, Target: 4, Current: 9}, 1},
		{Indicator{Baseline: 10, Target: 2, Current: 6}, 0.5}, // a target below the baseline
		{Indicator{Baseline: 0, Target: 4, Current: -1}, 0},
		{Indicator{Baseline: 3, Target: 3, Current: 3}, 1},
		{Indicator{Baseline: 3, Target: 3, Current: 2}, 0},
	}
	for _, tt := range tests {
		if got := tt.in.Progress(); got != tt.want {
			t.Errorf("%+v: progress %g, want %g", tt.in, got, tt.want)
		}
	}
}

func TestProgress(t *testing.T) {
	p, objs, goals := planFixture()
	acts := []Activity{
		{ID: "a1", Programme: "P1", Goal: "G3", Status: ActivityReported},
		{ID: "a2", Programme: "P1", Goal: "G3", Status: ActivityApproved, Period: Period{From: MustParseDate("2012-09-01")}, Title: "late"},
		{ID: "a3", Programme: "P1", Goal: "G3", Status: ActivityCancelled},
		{ID: "a4", Programme: "P1", Status: ActivityProposed},
		{ID: "x", Programme: "OTHER", Status: ActivityReported},
	}
	got := Progress(Snapshot(p, objs, goals), acts, nil, MustParseDate("2013-07-01"))
	if got.Activities.Total != 4 || got.Activities.Reported != 1 || got.Unassigned.Total != 1 {
		t.Errorf("activities %+v, unassigned %+v", got.Activities, got.Unassigned)
	}
	cyber := got.Objectives[0]
	if cyber.Goals[0].Score != 0.5 || cyber.Goals[1].Score != 0.5 || cyber.Score != 0.5 {
		t.Errorf("cyber: %+v", cyber)
	}
	// The programme is the mean of its parts: cyber 0.5, disaster relief 1
	// and the one activity serving no goal (proposed, so 0 complete). It was
	// 0.75 when activities serving no goal were left out.
	if got.Objectives[1].Score != 1 || got.UnassignedScore != 0 || !got.UnassignedMeasured || got.Score != 0.5 {
		t.Errorf("dr %g, unassigned %g, programme %g; want 1, 0 and 0.5", got.Objectives[1].Score, got.UnassignedScore, got.Score)
	}
	var overdue []string
	for _, a := range got.Overdue {
		overdue = append(overdue, a.Kind+" "+a.Key)
	}
	if strings.Join(overdue, "; ") != "activity a2; indicator P1/G1/courses" {
		t.Errorf("overdue %v", overdue)
	}
	if len(got.DueForReview) != 1 || got.DueForReview[0].Kind != "programme" {
		t.Errorf("due for review %+v, want the programme (agreed over a year ago, never reviewed)", got.DueForReview)
	}
	reviewed := Progress(Snapshot(p, objs, goals), acts, []Review{{Programme: "P1", Date: MustParseDate("2013-06-01")}}, MustParseDate("2013-07-01"))
	if len(reviewed.DueForReview) != 0 || reviewed.LastReview.String() != "2013-06-01" {
		t.Errorf("after a review: due %+v, last %s", reviewed.DueForReview, reviewed.LastReview)
	}
}

func TestDiff(t *testing.T) {
	p, objs, goals := planFixture()
	q := p
	q.ID, q.Type, q.Title, q.Areas = "P2", "ITPP", "New", []string{"cyber", "climate"}
	qObjs := []Objective{
		{Programme: "P2", Code: "cyber", Area: "cyber", Title: "Cyber defence"},
		{Programme: "P2", Code: "climate", Area: "climate", Title: "Climate"},
	}
	qGoals := []Goal{
		{Programme: "P2", Code: "G1", Objective: "cyber", Title: "Train", Indicators: []Indicator{
			{Name: "courses", Unit: "courses", Baseline: 0, Target: 6, Current: 2, Due: MustParseDate("2013-06")},
			{Name: "people", Unit: "people", Target: 10},
		}},
		{Programme: "P2", Code: "G9", Objective: "climate", Title: "Assess"},
	}
	d := Diff(Snapshot(p, objs, goals), Snapshot(q, qObjs, qGoals), "P1", "P2")
	var lines []string
	for _, c := range d.Changes {
		lines = append(lines, c.Op+" "+c.Kind+" "+c.Key)
	}
	want := []string{
		"changed programme P2",
		"removed objective dr",
		"added objective climate",
		"changed indicator G1/courses",
		"added indicator G1/people",
		"removed goal G2",
		"removed indicator G2/exercises",
		"removed goal G3",
		"added goal G9",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	text := d.Text()
	for _, frag := range []string{"P1 → P2: 3 added, 4 removed, 2 changed", `target: "4" → "6"`, "- objective dr: Disaster relief"} {
		if !strings.Contains(text, frag) {
			t.Errorf("text lacks %q:\n%s", frag, text)
		}
	}
	same := Diff(Snapshot(p, objs, goals), Snapshot(p, objs, goals), "P1", "P1")
	if len(same.Changes) != 0 || !strings.Contains(same.Text(), "no differences") {
		t.Errorf("a programme differs from itself: %+v", same.Changes)
	}
}

func TestCarryOver(t *testing.T) {
	_, objs, goals := planFixture()
	next := &Programme{ID: "P2"}
	nextObjs := []Objective{{Programme: "P2", Code: "cyber-2024", Area: "cyber", Title: "Cyber"}}
	addObjs, carried := CarryOver(objs, goals, next, nextObjs, nil)
	// G2 is met and stays behind; G1 and G3 are open and go under the
	// successor's cyber objective.
	if len(addObjs) != 0 {
		t.Errorf("added objectives %+v, want none", addObjs)
	}
	if len(carried) != 2 || carried[0].Code != "G1" || carried[0].Objective != "cyber-2024" || carried[0].Programme != "P2" || carried[0].CarriedFrom != "P1/G1" {
		t.Fatalf("carried %+v", carried)
	}
	// With no objective in the area, one is added.
	goals[1].Indicators[0].Current = 0
	addObjs, carried = CarryOver(objs, goals, next, nextObjs, nil)
	if len(addObjs) != 1 || addObjs[0].Area != "dr" || addObjs[0].Programme != "P2" || len(carried) != 3 {
		t.Errorf("added %+v, carried %d", addObjs, len(carried))
	}
}

func TestNewReview(t *testing.T) {
	p, objs, goals := planFixture()
	snap := Snapshot(p, objs, goals)
	if _, err := NewReview("R1", snap, MustParseDate("2014-01-01"), "fine", "me"); err != nil {
		t.Fatalf("review: %v", err)
	}
	if _, err := NewReview("R1", snap, MustParseDate("2011-01-01"), "", ""); ErrorCode(err) != EREFUSED {
		t.Errorf("review before agreement: %v, want refused", err)
	}
	if _, err := NewReview("R1", snap, MustParseDate("2014"), "", ""); ErrorCode(err) != EINVALID {
		t.Errorf("review dated a year: %v, want invalid", err)
	}
	snap.Programme.Status = ProgrammeSuperseded
	if _, err := NewReview("R1", snap, MustParseDate("2014-01-01"), "", ""); ErrorCode(err) != EREFUSED {
		t.Errorf("review of a superseded programme: %v, want refused", err)
	}
}

func TestValidatePlan(t *testing.T) {
	ds := &Dataset{
		Sources:    []Source{{ID: "s", Title: "S", URL: "https://example.org"}},
		Objectives: []Objective{{Programme: "nope", Code: "bad code", Area: "x", Title: ""}},
		Goals:      []Goal{{Programme: "nope", Code: "G", Objective: "o", Title: "t", Indicators: []Indicator{{}}}},
		Offers:     []Offer{{Code: "O", Title: "t", Kind: "party", Provider: "p", Capacity: -1}},
		Activities: []Activity{{ID: "A", Programme: "nope", Status: "lost", Title: "t", Offer: "missing"}},
	}
	var got []string
	for _, p := range ds.Validate() {
		got = append(got, p.String())
	}
	all := strings.Join(got, "\n")
	for _, frag := range []string{`[objective nope bad code]: programme: unknown programme "nope"`, "is not a code", "[goal nope G]: objective: unknown objective",
		"indicator 1: a name is required", `[offer O]: kind: "party" is not a kind`, "[offer O]: capacity: -1 is negative",
		`[activity A]: status: "lost" is not an activity status`, `[activity A]: offer: unknown menu offer "missing"`,
		"[objective nope bad code]: sources: is required"} {
		if !strings.Contains(all, frag) {
			t.Errorf("problems lack %q:\n%s", frag, all)
		}
	}
}

// TestProgrammeStatusOn: one status for a programme on a day. Before it was
// agreed it has none (it does not exist yet); agreed but not begun it is
// agreed; a successor agreed by the day supersedes it; a draft stays draft.
func TestProgrammeStatusOn(t *testing.T) {
	d := MustParseDate
	old := Programme{ID: "OLD", Partner: "NZL", Agreed: d("2012-06-04"), Status: ProgrammeSuperseded}
	next := Programme{ID: "NEXT", Partner: "NZL", Agreed: d("2028-01-15"), Period: Period{From: d("2028-03-01")}, Status: ProgrammeActive, Supersedes: "OLD"}
	review := Programme{ID: "REV", Partner: "AUS", Agreed: d("2023-07"), Status: ProgrammeUnderReview}
	draft := Programme{ID: "DRAFT", Partner: "JPN", Status: ProgrammeDraft}
	all := []Programme{old, next, review, draft}
	tests := []struct {
		p    *Programme
		on   string
		want ProgrammeStatus
	}{
		{&old, "2000-01-01", ""},
		{&old, "2012-06-04", ProgrammeActive},
		{&old, "2028-01-14", ProgrammeActive},
		{&old, "2028-01-15", ProgrammeActive},
		{&old, "2028-03-01", ProgrammeSuperseded},
		{&next, "2026-12-01", ""},
		{&next, "2028-01-15", ProgrammeAgreed},
		{&next, "2028-03-01", ProgrammeActive},
		{&review, "2023-06-30", ""},
		{&review, "2023-07-01", ProgrammeUnderReview},
		{&draft, "2000-01-01", ProgrammeDraft},
	}
	for _, tt := range tests {
		if got := ProgrammeStatusOn(tt.p, all, d(tt.on)); got != tt.want {
			t.Errorf("%s on %s: got %q, want %q", tt.p.ID, tt.on, got, tt.want)
		}
	}
	for on, want := range map[string]string{"2028-02-01": "OLD", "2028-03-01": "NEXT"} {
		if p := ActiveProgrammeOn(all[:2], d(on)); p == nil || p.ID != want {
			t.Errorf("in force on %s: %v, want %s (a successor supersedes from the day it takes effect)", on, p, want)
		}
	}
}

// TestProgressPartsAddUp is New Zealand's ITPP as a new user met it: three
// objectives, no goals, one activity serving no goal, reported. Progress
// showed 0% (the activity was ignored); with one goal added the objectives
// showed 0%, 63%, 0% and the programme 63%. Now objectives with nothing to
// measure say so, the activity counts, and the programme is the mean of the
// parts shown.
func TestProgressPartsAddUp(t *testing.T) {
	p := Programme{ID: "NZL-ITPP-2024", Partner: "NZL", Agreed: MustParseDate("2024"), Status: ProgrammeActive}
	objs := []Objective{{Programme: p.ID, Code: "a", Title: "A"}, {Programme: p.ID, Code: "b", Title: "B"}, {Programme: p.ID, Code: "c", Title: "C"}}
	day := MustParseDate("2025-03-01")
	acts := []Activity{{ID: "x1", Programme: p.ID, Status: ActivityReported,
		Dates: ActivityDates{Proposed: MustParseDate("2025-01-10"), Reported: MustParseDate("2025-02-03")}}}
	got := Progress(Snapshot(p, objs, nil), acts, nil, day)
	if got.Activities.Total != 1 || got.Activities.Reported != 1 || got.Unassigned.Total != 1 {
		t.Errorf("activities %+v, unassigned %+v: the activity serving no goal must count", got.Activities, got.Unassigned)
	}
	if !got.Measured || got.Score != 1 {
		t.Errorf("programme %g (measured %v), want 1: its one measured part is the reported activity", got.Score, got.Measured)
	}
	for _, o := range got.Objectives {
		if o.Measured {
			t.Errorf("objective %s measured with no goals", o.Code)
		}
	}
	goals := []Goal{{Programme: p.ID, Code: "G1", Objective: "b", Title: "g", Indicators: []Indicator{{Name: "n", Baseline: 0, Target: 8, Current: 5}}}}
	got = Progress(Snapshot(p, objs, goals), acts, nil, day)
	if got.Objectives[0].Measured || !got.Objectives[1].Measured || got.Objectives[1].Score != 0.625 || got.Objectives[2].Measured {
		t.Errorf("objectives %+v, want only B measured, at 0.625", got.Objectives)
	}
	var parts []float64
	for _, o := range got.Objectives {
		if o.Measured {
			parts = append(parts, o.Score)
		}
	}
	if got.UnassignedMeasured {
		parts = append(parts, got.UnassignedScore)
	}
	if got.Score != mean(parts) || got.Score != (0.625+1)/2 {
		t.Errorf("programme %g, want the mean of the parts shown %v", got.Score, parts)
	}
	total := got.Unassigned.Total
	for _, o := range got.Objectives {
		total += o.Activities.Total
	}
	if total != got.Activities.Total {
		t.Errorf("activities: objectives and unassigned hold %d, the programme %d", total, got.Activities.Total)
	}
	// On a day before the activity was reported it counts as it stood then.
	early := Progress(Snapshot(p, objs, nil), acts, nil, MustParseDate("2025-01-20"))
	if early.Activities.Reported != 0 || early.Activities.Open != 1 || early.Score != 0 {
		t.Errorf("on 2025-01-20: %+v score %g, want the activity open and nothing complete", early.Activities, early.Score)
	}
	before := Progress(Snapshot(p, objs, nil), acts, nil, MustParseDate("2025-01-01"))
	if before.Activities.Total != 0 || before.Measured {
		t.Errorf("on 2025-01-01, before the activity was proposed: %+v measured %v", before.Activities, before.Measured)
	}
}
