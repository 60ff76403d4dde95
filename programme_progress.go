package entente

import (
	"fmt"
	"slices"
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

func (t *Tally) add(s ActivityStatus) {
	t.Total++
	switch s {
	case ActivityHeld:
		t.Held++
	case ActivityReported:
		t.Reported++
	case ActivityCancelled:
		t.Cancelled++
	default:
		t.Open++
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

// IndicatorProgress is one indicator with its progress.
type IndicatorProgress struct {
	Indicator
	Progress float64 `json:"progress"`
	Overdue  bool    `json:"overdue,omitempty"`
}

// GoalProgress rolls up one goal: its indicators' progress and its
// activities' completion. Score is the indicators' mean progress when the
// goal has indicators, otherwise its activity completion.
type GoalProgress struct {
	Code       string              `json:"code"`
	Title      string              `json:"title"`
	Indicators []IndicatorProgress `json:"indicators"`
	Activities Tally               `json:"activities"`
	Completion float64             `json:"completion"`
	Score      float64             `json:"score"`
}

// ObjectiveProgress rolls up an objective: the mean score of its goals.
type ObjectiveProgress struct {
	Code       string         `json:"code"`
	Title      string         `json:"title"`
	Area       string         `json:"area"`
	Goals      []GoalProgress `json:"goals"`
	Activities Tally          `json:"activities"`
	Score      float64        `json:"score"`
}

// Attention is an item overdue or due for review.
type Attention struct {
	Kind string `json:"kind"` // indicator, activity or programme
	Key  string `json:"key"`
	Due  Date   `json:"due,omitzero"`
	What string `json:"what"`
}

// ProgrammeProgress rolls up a whole programme on a day.
type ProgrammeProgress struct {
	Programme  string              `json:"programme"`
	AsOf       Date                `json:"as_of"`
	Objectives []ObjectiveProgress `json:"objectives"`
	// Unassigned counts activities that serve no goal.
	Unassigned   Tally       `json:"unassigned"`
	Activities   Tally       `json:"activities"`
	Score        float64     `json:"score"`
	Overdue      []Attention `json:"overdue"`
	DueForReview []Attention `json:"due_for_review"`
	LastReview   Date        `json:"last_review,omitzero"`
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// Progress rolls up snap's indicators and the programme's activities on day
// today, and lists what is overdue and what is due for review.
func Progress(snap ProgrammeSnapshot, acts []Activity, reviews []Review, today Date) ProgrammeProgress {
	p := snap.Programme
	out := ProgrammeProgress{Programme: p.ID, AsOf: today, Objectives: []ObjectiveProgress{}, Overdue: []Attention{}, DueForReview: []Attention{}}
	byGoal := map[string]*Tally{}
	for i := range acts {
		a := &acts[i]
		if a.Programme != p.ID {
			continue
		}
		out.Activities.add(a.Status)
		if t := byGoal[a.Goal]; t != nil {
			t.add(a.Status)
		} else {
			t := &Tally{}
			t.add(a.Status)
			byGoal[a.Goal] = t
		}
		end := a.To
		if end.IsZero() {
			end = a.From
		}
		if !end.IsZero() && end.Last().Before(today) && a.Status != ActivityHeld && a.Status != ActivityReported && a.Status != ActivityCancelled {
			out.Overdue = append(out.Overdue, Attention{Kind: "activity", Key: a.ID, Due: end,
				What: fmt.Sprintf("%s was due to be held by %s and is %s", a.Title, end, a.Status)})
		}
	}
	warn := Day(today.First().Time().AddDate(0, 0, IndicatorWarningDays))
	goalCodes := map[string]bool{}
	var objScores []float64
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
			if len(ind) > 0 {
				gp.Score = mean(ind)
			} else {
				gp.Score = gp.Completion
			}
			scores = append(scores, gp.Score)
			op.Activities.plus(gp.Activities)
			op.Goals = append(op.Goals, gp)
		}
		op.Score = mean(scores)
		if len(scores) > 0 {
			objScores = append(objScores, op.Score)
		}
		out.Objectives = append(out.Objectives, op)
	}
	for g, t := range byGoal {
		if !goalCodes[g] {
			out.Unassigned.plus(*t)
		}
	}
	out.Score = mean(objScores)
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
