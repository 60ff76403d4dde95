package entente

import (
	"fmt"
	"slices"
	"strings"
)

// ReviewInterval is how long a programme in force may go without a review
// before it is listed as due for one; IndicatorWarning is how far ahead an
// unmet indicator's due date puts its goal on the review list.
const (
	ReviewIntervalMonths = 12
	IndicatorWarningDays = 90
)

// Tally counts a set of activities by where they stand.
type Tally struct {
	Total     int `json:"total"`
	Open      int `json:"open"` // proposed to registration-open
	Held      int `json:"held"`
	Reported  int `json:"reported"`
	Cancelled int `json:"cancelled"`
}

// addN counts n activities at status s.
func (t *Tally) addN(s ActivityStatus, n int) {
	t.Total += n
	switch s {
	case ActivityHeld:
		t.Held += n
	case ActivityReported:
		t.Reported += n
	case ActivityCancelled:
		t.Cancelled += n
	default:
		t.Open += n
	}
}

func (t *Tally) plus(o Tally) {
	t.Total += o.Total
	t.Open += o.Open
	t.Held += o.Held
	t.Reported += o.Reported
	t.Cancelled += o.Cancelled
}

// Completion is the share of activities not cancelled that have been
// reported, between 0 and 1; 0 when there are none.
func (t Tally) Completion() float64 {
	n := t.Total - t.Cancelled
	if n == 0 {
		return 0
	}
	return float64(t.Reported) / float64(n)
}

// How progress is computed (the one definition; the programme page and the
// API description say it in words):
//
//   - An indicator's progress is how far its current value has come from its
//     baseline to its target, between 0 and 1.
//   - A goal is measured by the mean of its indicators' progress; a goal with
//     no indicators, by the completion of its activities (reported ÷ not
//     cancelled); a goal with neither is not measured.
//   - An objective is the mean of its measured goals; with none it is not
//     measured.
//   - Activities that serve no goal of the programme form one more part,
//     measured by their completion when any is not cancelled.
//   - The programme is the mean of its measured parts: its measured
//     objectives and, if measured, the activities serving no goal. With no
//     measured part it is not measured.
//
// So the programme's figure is the plain mean of the figures shown beside
// it, and every activity is counted once: under its goal (and that goal's
// objective), or among the activities serving no goal. Activities count as
// they stood on the day (Activity.StatusOn); those proposed later are left
// out.

// IndicatorProgress is one indicator with its progress.
type IndicatorProgress struct {
	Indicator
	Progress float64 `json:"progress"`
	Overdue  bool    `json:"overdue,omitempty"`
}

// GoalProgress rolls up one goal: its indicators' progress and its
// activities' completion. Score is the indicators' mean progress when the
// goal has indicators, otherwise its activity completion; Measured is false
// when it has neither indicators nor activities not cancelled.
type GoalProgress struct {
	Code       string              `json:"code"`
	Title      string              `json:"title"`
	Indicators []IndicatorProgress `json:"indicators"`
	Activities Tally               `json:"activities"`
	Completion float64             `json:"completion"`
	Score      float64             `json:"score"`
	Measured   bool                `json:"measured"`
}

// ObjectiveProgress rolls up an objective: the mean score of its measured
// goals.
type ObjectiveProgress struct {
	Code       string         `json:"code"`
	Title      string         `json:"title"`
	Area       string         `json:"area"`
	Goals      []GoalProgress `json:"goals"`
	Activities Tally          `json:"activities"`
	Score      float64        `json:"score"`
	Measured   bool           `json:"measured"`
}

// Attention is an item overdue or due for review.
type Attention struct {
	Kind string `json:"kind"` // indicator, activity or programme
	Key  string `json:"key"`
	Due  Date   `json:"due,omitzero"`
	What string `json:"what"`
}

// ProgrammeProgress rolls up a whole programme on a day (see "How progress
// is computed" above).
type ProgrammeProgress struct {
	Programme  string              `json:"programme"`
	AsOf       Date                `json:"as_of"`
	Objectives []ObjectiveProgress `json:"objectives"`
	// Unassigned counts the activities that serve no goal; UnassignedScore is
	// their completion, a part of the programme's score when
	// UnassignedMeasured.
	Unassigned         Tally   `json:"unassigned"`
	UnassignedScore    float64 `json:"unassigned_score"`
	UnassignedMeasured bool    `json:"unassigned_measured"`
	// Activities counts every activity: the objectives' and the unassigned.
	Activities Tally   `json:"activities"`
	Score      float64 `json:"score"`
	Measured   bool    `json:"measured"`
	// Overdue lists the activities and indicators overdue on the day, or
	// the first of them (those due longest ago) where the caller asked for
	// a bounded list; OverdueCount counts them all.
	Overdue      []Attention `json:"overdue"`
	OverdueCount int         `json:"overdue_count"`
	DueForReview []Attention `json:"due_for_review"`
	LastReview   Date        `json:"last_review,omitzero"`
}

// mean is the mean of scores between 0 and 1; it stays between 0 and 1
// (never NaN) whatever it is given.
func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += unitInterval(x)
	}
	return unitInterval(s / float64(len(xs)))
}

// measured reports whether a tally of activities measures anything: some
// activity is not cancelled.
func (t Tally) measured() bool { return t.Total > t.Cancelled }

// CountOn tallies acts as a store's TallyActivities does: by goal, by
// status on day and by whether each was due before it, leaving out those
// not yet proposed on day; in the order of goal, status (workflow order)
// and due.
func CountOn(acts []Activity, day Date) []ActivityCount {
	type key struct {
		goal string
		st   ActivityStatus
		due  bool
	}
	n := map[key]int{}
	for i := range acts {
		a := &acts[i]
		if st := a.StatusOn(day); st != "" {
			n[key{a.Goal, st, a.Due().Before(day)}]++
		}
	}
	out := make([]ActivityCount, 0, len(n))
	for k, c := range n {
		out = append(out, ActivityCount{Goal: k.goal, Status: k.st, Due: k.due, N: c})
	}
	SortCounts(out)
	return out
}

// SortCounts orders counts by goal, status (workflow order) and due.
func SortCounts(counts []ActivityCount) {
	slices.SortFunc(counts, func(a, b ActivityCount) int {
		if c := strings.Compare(a.Goal, b.Goal); c != 0 {
			return c
		}
		if c := slices.Index(ActivityStatuses, a.Status) - slices.Index(ActivityStatuses, b.Status); c != 0 {
			return c
		}
		return cmpBool(a.Due, b.Due)
	})
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// Overdue returns the activities of acts overdue on day (Activity.OverdueOn),
// those due longest ago first, as a store's FindActivities orders them for
// ActivityFilter.OverdueOn.
func Overdue(acts []Activity, day Date) []Activity {
	var out []Activity
	for i := range acts {
		if acts[i].OverdueOn(day) {
			out = append(out, acts[i])
		}
	}
	slices.SortFunc(out, func(a, b Activity) int {
		if c := a.Due().Compare(b.Due()); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// Progress rolls up snap's indicators and the programme's activities acts
// on day today, and lists what is overdue and what is due for review.
func Progress(snap ProgrammeSnapshot, acts []Activity, reviews []Review, today Date) ProgrammeProgress {
	var mine []Activity
	for _, a := range acts {
		if a.Programme == snap.Programme.ID {
			mine = append(mine, a)
		}
	}
	return ProgressOf(snap, CountOn(mine, today), Overdue(mine, today), reviews, today)
}

// ProgressOf rolls up snap's indicators and the programme's activities on
// day today from their counts (CountOn, or a store's TallyActivities), and
// lists what is overdue and what is due for review. overdue are the
// activities overdue on the day, or the first of them (Overdue's order):
// OverdueCount counts them all whatever overdue holds.
func ProgressOf(snap ProgrammeSnapshot, counts []ActivityCount, overdue []Activity, reviews []Review, today Date) ProgrammeProgress {
	p := snap.Programme
	out := ProgrammeProgress{Programme: p.ID, AsOf: today, Objectives: []ObjectiveProgress{}, Overdue: []Attention{}, DueForReview: []Attention{}}
	byGoal := map[string]*Tally{}
	for _, c := range counts {
		t := byGoal[c.Goal]
		if t == nil {
			t = &Tally{}
			byGoal[c.Goal] = t
		}
		t.addN(c.Status, c.N)
		out.Activities.addN(c.Status, c.N)
		if c.Due && c.Status.Open() {
			out.OverdueCount += c.N
		}
	}
	for i := range overdue {
		a := &overdue[i]
		end := a.Due()
		out.Overdue = append(out.Overdue, Attention{Kind: "activity", Key: a.ID, Due: end,
			What: fmt.Sprintf("%s was due to be held by %s and is %s", a.Title, end, a.StatusOn(today))})
	}
	warn := Day(today.First().Time().AddDate(0, 0, IndicatorWarningDays))
	goalCodes := map[string]bool{}
	var parts []float64 // the measured objectives and unassigned activities
	for _, o := range snap.Objectives {
		op := ObjectiveProgress{Code: o.Code, Title: o.Title, Area: o.Area, Goals: []GoalProgress{}}
		var scores []float64
		for _, g := range snap.Goals {
			if g.Objective != o.Code {
				continue
			}
			goalCodes[g.Code] = true
			gp := GoalProgress{Code: g.Code, Title: g.Title, Indicators: []IndicatorProgress{}}
			if t := byGoal[g.Code]; t != nil {
				gp.Activities = *t
			}
			gp.Completion = gp.Activities.Completion()
			var ind []float64
			for _, in := range g.Indicators {
				ip := IndicatorProgress{Indicator: in, Progress: in.Progress()}
				if !in.Met() && !in.Due.IsZero() {
					switch {
					case in.Due.Last().Before(today):
						ip.Overdue = true
						out.OverdueCount++
						out.Overdue = append(out.Overdue, Attention{Kind: "indicator", Key: g.Key() + "/" + in.Name, Due: in.Due,
							What: fmt.Sprintf("%s: %s at %g of %g %s, due %s", g.Title, in.Name, in.Current, in.Target, in.Unit, in.Due)})
					case in.Due.First().OnOrBefore(warn):
						out.DueForReview = append(out.DueForReview, Attention{Kind: "indicator", Key: g.Key() + "/" + in.Name, Due: in.Due,
							What: fmt.Sprintf("%s: %s due %s, at %g of %g %s", g.Title, in.Name, in.Due, in.Current, in.Target, in.Unit)})
					}
				}
				gp.Indicators = append(gp.Indicators, ip)
				ind = append(ind, ip.Progress)
			}
			switch {
			case len(ind) > 0:
				gp.Score, gp.Measured = mean(ind), true
			case gp.Activities.measured():
				gp.Score, gp.Measured = gp.Completion, true
			}
			if gp.Measured {
				scores = append(scores, gp.Score)
			}
			op.Activities.plus(gp.Activities)
			op.Goals = append(op.Goals, gp)
		}
		op.Score, op.Measured = mean(scores), len(scores) > 0
		if op.Measured {
			parts = append(parts, op.Score)
		}
		out.Objectives = append(out.Objectives, op)
	}
	for g, t := range byGoal {
		if !goalCodes[g] {
			out.Unassigned.plus(*t)
		}
	}
	if out.Unassigned.measured() {
		out.UnassignedScore, out.UnassignedMeasured = out.Unassigned.Completion(), true
		parts = append(parts, out.UnassignedScore)
	}
	out.Score, out.Measured = mean(parts), len(parts) > 0
	for _, r := range reviews {
		if r.Programme == p.ID && r.Date.OnOrBefore(today) && (out.LastReview.IsZero() || out.LastReview.Before(r.Date)) {
			out.LastReview = r.Date
		}
	}
	if p.Status == ProgrammeActive || p.Status == ProgrammeAgreed || p.Status == ProgrammeUnderReview {
		since := out.LastReview
		if since.IsZero() {
			since = p.Agreed
		}
		if !since.IsZero() {
			due := since.AddMonths(ReviewIntervalMonths)
			if due.First().OnOrBefore(warn) {
				what := fmt.Sprintf("no review since it was agreed (%s)", p.Agreed)
				if !out.LastReview.IsZero() {
					what = fmt.Sprintf("last reviewed %s", out.LastReview)
				}
				out.DueForReview = append(out.DueForReview, Attention{Kind: "programme", Key: p.ID, Due: due, What: what})
			}
		}
	}
	byDue := func(a, b Attention) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		if a.Key < b.Key {
			return -1
		}
		if a.Key > b.Key {
			return 1
		}
		return 0
	}
	slices.SortFunc(out.Overdue, byDue)
	slices.SortFunc(out.DueForReview, byDue)
	return out
}
