package entente

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// A programme's structure follows the Individually Tailored Partnership
// Programme (ITPP) model: strategic objectives (the
// "ends"), each in a cooperation area; partnership goals (the "ways"), each
// with measurable indicators; and supporting activities (the "means"), many
// drawn from the cooperation menu.

// Objective is a strategic objective of a programme, in one cooperation
// area. It is keyed by its programme and its code.
type Objective struct {
	Programme string `json:"programme"`
	Code      string `json:"code"`
	Area      string `json:"area"`
	Title     string `json:"title"`
	// Synthetic marks generated demo or benchmark data, never real facts.
	Synthetic bool `json:"synthetic,omitempty"`
	Provenance
}

// Key is the objective's key as "PROGRAMME/CODE".
func (o *Objective) Key() string { return o.Programme + "/" + o.Code }

// Goal is a partnership goal under an objective, measured by its indicators.
// It is keyed by its programme and its code; goal codes are unique within a
// programme.
type Goal struct {
	Programme  string      `json:"programme"`
	Code       string      `json:"code"`
	Objective  string      `json:"objective"`
	Title      string      `json:"title"`
	Indicators []Indicator `json:"indicators"`
	// CarriedFrom names the goal ("PROGRAMME/CODE") this one was carried
	// over from when its programme superseded the earlier one.
	CarriedFrom string `json:"carried_from,omitempty"`
	Synthetic   bool   `json:"synthetic,omitempty"`
	Provenance
}

// Key is the goal's key as "PROGRAMME/CODE".
func (g *Goal) Key() string { return g.Programme + "/" + g.Code }

// Indicator measures a goal: where it started (Baseline), where it should be
// by Due (Target), and where it is (Current), in Unit.
type Indicator struct {
	Name     string  `json:"name"`
	Unit     string  `json:"unit"`
	Baseline float64 `json:"baseline"`
	Target   float64 `json:"target"`
	Current  float64 `json:"current"`
	Due      Date    `json:"due,omitzero"`
}

// Progress is how far the indicator has come from its baseline to its
// target, between 0 and 1. A target equal to the baseline is met when the
// current value reaches it. Targets may lie below the baseline (fewer
// incidents, say).
//
// It is always a number between 0 and 1, even for values CheckIndicator
// refuses: a range too wide for a float64 is measured in halves, and what
// is not a number counts as no progress.
func (i Indicator) Progress() float64 {
	span, done := i.Target-i.Baseline, i.Current-i.Baseline
	if math.IsInf(span, 0) || math.IsInf(done, 0) {
		span, done = i.Target/2-i.Baseline/2, i.Current/2-i.Baseline/2
	}
	if span == 0 {
		if i.Current == i.Target {
			return 1
		}
		return 0
	}
	return unitInterval(done / span)
}

// unitInterval clamps x to [0, 1]; NaN is 0.
func unitInterval(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return math.Max(0, math.Min(1, x))
}

// CheckIndicator refuses an indicator without a name, or whose values are
// not finite numbers or lie so far apart that the distance between them is
// not one (a baseline of -1e308 and a target of 1e308). n numbers it in its
// goal, from 1, for the message.
func CheckIndicator(n int, in Indicator) error {
	if strings.TrimSpace(in.Name) == "" {
		return Errorf(EINVALID, "indicator %d needs a name", n)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"baseline", in.Baseline}, {"target", in.Target}, {"current", in.Current}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return Errorf(EINVALID, "indicator %d: %s: want a finite number", n, f.name)
		}
	}
	if math.IsInf(in.Target-in.Baseline, 0) || math.IsInf(in.Current-in.Baseline, 0) {
		return Errorf(EINVALID, "indicator %d: baseline %g, target %g and current %g lie too far apart to measure progress", n, in.Baseline, in.Target, in.Current)
	}
	return nil
}

// Met reports whether the indicator has reached its target.
func (i Indicator) Met() bool { return i.Progress() >= 1 }

// Open reports whether the goal still has work to do: it has no indicators,
// or one of them is not met.
func (g *Goal) Open() bool {
	if len(g.Indicators) == 0 {
		return true
	}
	for _, in := range g.Indicators {
		if !in.Met() {
			return true
		}
	}
	return false
}

// ValidCode reports whether s can be a code: letters, digits, '-', '_' and
// '.', no spaces or slashes, so it fits in keys, URLs and the text format.
func ValidCode(s string) bool {
	if s == "" || len(s) > 80 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return true
}

// CarryOver copies the open goals of a superseded programme into its
// successor, each under the successor's objective in the same area. It adds
// an objective (same code, area and title) where the successor has none in
// that area. It returns the objectives to add and the goals to write; goals
// whose code the successor already uses are skipped.
func CarryOver(oldObjs []Objective, oldGoals []Goal, next *Programme, nextObjs []Objective, nextGoals []Goal) ([]Objective, []Goal) {
	areaOf := map[string]string{}
	for _, o := range oldObjs {
		areaOf[o.Code] = o.Area
	}
	byArea := map[string]string{}
	codes := map[string]bool{}
	for _, o := range nextObjs {
		if _, ok := byArea[o.Area]; !ok {
			byArea[o.Area] = o.Code
		}
		codes[o.Code] = true
	}
	used := map[string]bool{}
	for _, g := range nextGoals {
		used[g.Code] = true
	}
	var addObjs []Objective
	var goals []Goal
	for _, g := range oldGoals {
		if !g.Open() || used[g.Code] {
			continue
		}
		area := areaOf[g.Objective]
		obj, ok := byArea[area]
		if !ok {
			i := slices.IndexFunc(oldObjs, func(o Objective) bool { return o.Code == g.Objective })
			if i < 0 {
				continue
			}
			o := oldObjs[i]
			o.Programme = next.ID
			for codes[o.Code] {
				o.Code += "-2"
			}
			codes[o.Code] = true
			byArea[area] = o.Code
			addObjs = append(addObjs, o)
			obj = o.Code
		}
		ng := g
		ng.Programme, ng.Objective = next.ID, obj
		ng.CarriedFrom = g.Key()
		ng.Indicators = slices.Clone(g.Indicators)
		goals = append(goals, ng)
		used[g.Code] = true
	}
	return addObjs, goals
}

// validatePlan checks the programme structure, the menu and the activities
// of a dataset; Validate calls it.
func (v *validator) validatePlan(programmes map[string]*Programme, areas map[string]bool) {
	ds := v.ds
	optionalProv := func(ref Ref, p Provenance) {
		for _, s := range p.Sources {
			if !v.sources[s] {
				v.addf(ref, "sources", "unknown source %q", s)
			}
		}
		v.releasability(ref, p.Releasability)
	}
	seen := map[string]bool{}
	objs := map[string]bool{}
	for _, o := range ds.Objectives {
		ref := Ref{"objective", o.Programme + " " + o.Code}
		v.dup(seen, ref)
		objs[o.Programme+" "+o.Code] = true
		if programmes[o.Programme] == nil {
			v.addf(ref, "programme", "unknown programme %q", o.Programme)
		}
		if !ValidCode(o.Code) {
			v.addf(ref, "", "%q is not a code (letters, digits, '-', '_', '.')", o.Code)
		}
		if !areas[o.Area] {
			v.addf(ref, "area", "unknown area %q", o.Area)
		}
		v.required(ref, "title", o.Title)
		if o.Synthetic {
			optionalProv(ref, o.Provenance)
		} else {
			v.provenance(ref, o.Provenance)
		}
	}
	clear(seen)
	for _, g := range ds.Goals {
		ref := Ref{"goal", g.Programme + " " + g.Code}
		v.dup(seen, ref)
		if !ValidCode(g.Code) {
			v.addf(ref, "", "%q is not a code (letters, digits, '-', '_', '.')", g.Code)
		}
		if !objs[g.Programme+" "+g.Objective] {
			v.addf(ref, "objective", "unknown objective %q of programme %s", g.Objective, g.Programme)
		}
		v.required(ref, "title", g.Title)
		for i, in := range g.Indicators {
			if strings.TrimSpace(in.Name) == "" {
				v.addf(ref, "indicators", "indicator %d: a name is required", i+1)
			} else if err := CheckIndicator(i+1, in); err != nil {
				v.addf(ref, "indicators", "%s", ErrorMessage(err))
			}
		}
		optionalProv(ref, g.Provenance)
	}
	clear(seen)
	offers := map[string]bool{}
	for _, o := range ds.Offers {
		ref := Ref{"offer", o.Code}
		v.dup(seen, ref)
		offers[o.Code] = true
		for _, p := range o.Problems() {
			v.addf(ref, p.Field, "%s", p.Message)
		}
		if o.Area != "" && !areas[o.Area] {
			v.addf(ref, "area", "unknown area %q", o.Area)
		}
		optionalProv(ref, o.Provenance)
	}
	clear(seen)
	check := newActivityCheck(ds, programmes, offers, v.sources)
	for i := range ds.Activities {
		a := &ds.Activities[i]
		v.dup(seen, Ref{"activity", a.ID})
		v.problems = append(v.problems, check.problems(a)...)
	}
	clear(seen)
	for _, r := range ds.Reviews {
		ref := Ref{"review", r.ID}
		v.dup(seen, ref)
		if programmes[r.Programme] == nil {
			v.addf(ref, "programme", "unknown programme %q", r.Programme)
		}
		if r.Date.IsZero() {
			v.addf(ref, "date", "is required")
		}
		optionalProv(ref, r.Provenance)
	}
}

// activityCheck checks activities one at a time against the records they
// refer to: Validate runs it on every activity of a dataset, and a streaming
// import (dataset.StreamJSON) on each activity as it is read, so that both
// apply the same rules without the import holding every activity.
type activityCheck struct {
	programmes map[string]*Programme
	goals      map[string]bool // "programme code"
	offers     map[string]bool
	sources    map[string]bool
}

func newActivityCheck(ds *Dataset, programmes map[string]*Programme, offers, sources map[string]bool) *activityCheck {
	c := &activityCheck{programmes: programmes, goals: map[string]bool{}, offers: offers, sources: sources}
	for _, g := range ds.Goals {
		c.goals[g.Programme+" "+g.Code] = true
	}
	return c
}

// ActivityCheck returns a function that checks one activity against the
// records of ds (its programme, goal, menu offer and sources): every problem
// Validate would report for it, except that its id is used twice, which
// needs every other activity. ds itself should be valid (Validate).
func (ds *Dataset) ActivityCheck() func(a *Activity) []Problem {
	programmes := map[string]*Programme{}
	for i := range ds.Programmes {
		programmes[ds.Programmes[i].ID] = &ds.Programmes[i]
	}
	offers, sources := map[string]bool{}, map[string]bool{}
	for _, o := range ds.Offers {
		offers[o.Code] = true
	}
	for _, s := range ds.Sources {
		sources[s.ID] = true
	}
	return newActivityCheck(ds, programmes, offers, sources).problems
}

// problems checks a.
func (c *activityCheck) problems(a *Activity) []Problem {
	var out []Problem
	ref := Ref{"activity", a.ID}
	add := func(field, format string, args ...any) {
		out = append(out, Problem{Ref: ref, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if c.programmes[a.Programme] == nil {
		add("programme", "unknown programme %q", a.Programme)
	}
	if a.Goal != "" && !c.goals[a.Programme+" "+a.Goal] {
		add("goal", "unknown goal %q of programme %s", a.Goal, a.Programme)
	}
	if a.Offer != "" && !c.offers[a.Offer] {
		add("offer", "unknown menu offer %q", a.Offer)
	}
	if !ValidActivityStatus(a.Status) {
		add("status", "%q is not an activity status (%s)", a.Status, activityStatusList())
	}
	if strings.TrimSpace(a.Title) == "" {
		add("title", "is required")
	}
	for _, s := range a.Sources {
		if !c.sources[s] {
			add("sources", "unknown source %q", s)
		}
	}
	if err := a.Releasability.Check(); err != nil {
		field, msg, _ := strings.Cut(ErrorMessage(err), ": ")
		add(field, "%s", msg)
	}
	return out
}

// Review is a recorded look at a programme on a day: a note and a snapshot
// of its objectives, goals and indicators as they stood, for later diffs.
type Review struct {
	ID        string            `json:"id"`
	Programme string            `json:"programme"`
	Date      Date              `json:"date"`
	Note      string            `json:"note,omitempty"`
	Actor     string            `json:"actor,omitempty"`
	Snapshot  ProgrammeSnapshot `json:"snapshot"`
	Synthetic bool              `json:"synthetic,omitempty"`
	Provenance
}

// ProgrammeSnapshot is a programme with its objectives and goals, as a
// review records it and as a diff compares it.
type ProgrammeSnapshot struct {
	Programme  Programme   `json:"programme"`
	Objectives []Objective `json:"objectives"`
	Goals      []Goal      `json:"goals"`
}

// Snapshot gathers the programme's own objectives and goals.
func Snapshot(p Programme, objs []Objective, goals []Goal) ProgrammeSnapshot {
	s := ProgrammeSnapshot{Programme: p, Objectives: []Objective{}, Goals: []Goal{}}
	for _, o := range objs {
		if o.Programme == p.ID {
			s.Objectives = append(s.Objectives, o)
		}
	}
	for _, g := range goals {
		if g.Programme == p.ID {
			s.Goals = append(s.Goals, g)
		}
	}
	return s
}

// NewReview records a review of the programme on day d.
func NewReview(id string, snap ProgrammeSnapshot, d Date, note, actor string) (Review, error) {
	const rule = "programme: review"
	p := snap.Programme
	if d.IsZero() || d.Precision() != PrecisionDay {
		return Review{}, Errorf(EINVALID, "%s: the date must be a day (YYYY-MM-DD), got %q", rule, d)
	}
	if p.Status == ProgrammeDraft || p.Status == ProgrammeSuperseded {
		return Review{}, refuse(rule, Reason{Record: "programme " + p.ID, Text: fmt.Sprintf(
			"only a programme in force is reviewed; %s is %s", p.ID, p.Status)})
	}
	if !p.Agreed.IsZero() && d.Before(p.Agreed) {
		return Review{}, refuse(rule, Reason{Record: "programme " + p.ID, Field: "date", Text: fmt.Sprintf(
			"%s is before the programme was agreed (%s)", d, p.Agreed)})
	}
	return Review{ID: id, Programme: p.ID, Date: d, Note: note, Actor: actor, Snapshot: snap,
		Provenance: Provenance{Sources: []string{}}}, nil
}

// sortPlan puts the programme structure, menu, activities and reviews in
// canonical order; Sort calls it.
func (ds *Dataset) sortPlan() {
	slices.SortFunc(ds.Objectives, func(a, b Objective) int {
		return cmp.Or(cmp.Compare(a.Programme, b.Programme), cmp.Compare(a.Code, b.Code))
	})
	slices.SortFunc(ds.Goals, func(a, b Goal) int {
		return cmp.Or(cmp.Compare(a.Programme, b.Programme), cmp.Compare(a.Code, b.Code))
	})
	slices.SortFunc(ds.Offers, func(a, b Offer) int { return cmp.Compare(a.Code, b.Code) })
	slices.SortFunc(ds.Activities, func(a, b Activity) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(ds.Reviews, func(a, b Review) int { return cmp.Compare(a.ID, b.ID) })
}
