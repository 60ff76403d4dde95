package service

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/entente/entente"
)

// FactKind is one kind of fact the record holds, as coverage counts it.
type FactKind struct {
	// Kind is the record kind ("membership", "defence-event"), Label its
	// plural in words.
	Kind  string `json:"kind"`
	Label string `json:"label"`
	Count int    `json:"count"`
	// Primary is how many cite at least one primary source (an official
	// text, the alliance's site or a government's), Unconfirmed how many
	// say what a source could not confirm. Zero for sources.
	Primary     int `json:"primary"`
	Unconfirmed int `json:"unconfirmed"`
}

// DecadeCount is how many facts are dated in a decade ("1990s").
type DecadeCount struct {
	Decade string `json:"decade"`
	Count  int    `json:"count"`
}

// PrecisionCounts is how many facts are dated to the day, the month, the
// year only, or not at all.
type PrecisionCounts struct {
	Day     int `json:"day"`
	Month   int `json:"month"`
	Year    int `json:"year"`
	Undated int `json:"undated"`
}

// SourceKindCount is how many sources are of one kind ("" unclassified).
type SourceKindCount struct {
	Kind  entente.SourceKind `json:"kind"`
	Label string             `json:"label"`
	Count int                `json:"count"`
}

// UnconfirmedFact is a record marked unconfirmed: what a source could not
// confirm about it.
type UnconfirmedFact struct {
	Kind string `json:"kind"`
	Key  string `json:"key"`
	What string `json:"what"`
}

// Coverage says what the record holds: how many facts of each kind, when
// they are dated and how precisely, how many rest on a primary source, and
// which are marked unconfirmed. AsOf, when set, leaves out the facts dated
// after it (undated facts and the sources stay in).
type Coverage struct {
	AsOf entente.Date `json:"as_of,omitzero"`
	// Facts counts every fact of Kinds but the sources.
	Facts       int               `json:"facts"`
	Primary     int               `json:"primary"`
	Kinds       []FactKind        `json:"kinds"`
	Decades     []DecadeCount     `json:"decades"`
	Precision   PrecisionCounts   `json:"precision"`
	Sources     []SourceKindCount `json:"sources"`
	Unconfirmed []UnconfirmedFact `json:"unconfirmed"`
}

// PrimaryShare is the share of facts citing a primary source, from 0 to 1.
func (c *Coverage) PrimaryShare() float64 {
	if c.Facts == 0 {
		return 0
	}
	return float64(c.Primary) / float64(c.Facts)
}

// coverageKinds are the kinds coverage counts, in the order it lists them.
var coverageKinds = []struct{ kind, label string }{
	{"membership", "Memberships"}, {"partnership", "Partnerships"}, {"framework", "Partnership frameworks"},
	{"meeting", "Meetings"}, {"invitation", "Invitations"}, {"operation", "Operations"},
	{"contribution", "Contributions"}, {"defence-event", "Collective-defence events"},
	{"programme", "Programmes"}, {"activity", "Activities"}, {"source", "Sources"},
}

// Coverage computes what the record holds, as the principal in ctx may see
// it, as of asOf (everything when zero). It reads the store once, streaming
// the activities, so its memory does not grow with them.
func (s *Service) Coverage(ctx context.Context, asOf entente.Date) (*Coverage, error) {
	t := newTally(asOf)
	err := s.ExportStream(ctx, t.base, func(a *entente.Activity) error {
		t.fact("activity", a.ID, a.From, a.Provenance)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t.result(), nil
}

// tally gathers the coverage figures as the records stream past.
type tally struct {
	c       Coverage
	kinds   map[string]*FactKind
	decades map[int]int
	primary map[string]bool
}

func newTally(asOf entente.Date) *tally {
	t := &tally{c: Coverage{AsOf: asOf}, kinds: map[string]*FactKind{}, decades: map[int]int{}, primary: map[string]bool{}}
	for _, k := range coverageKinds {
		t.kinds[k.kind] = &FactKind{Kind: k.kind, Label: k.label}
	}
	return t
}

// base counts every record of ds, which holds all but the activities.
func (t *tally) base(ds *entente.Dataset) error {
	byKind := map[entente.SourceKind]int{}
	for _, s := range ds.Sources {
		t.primary[s.ID] = s.Kind.Primary()
		byKind[s.Kind]++
	}
	t.kinds["source"].Count = len(ds.Sources)
	for _, k := range append(slices.Clone(entente.SourceKinds), "") {
		if n := byKind[k]; n > 0 || k != "" {
			t.c.Sources = append(t.c.Sources, SourceKindCount{Kind: k, Label: k.Label(), Count: n})
		}
	}
	meetings := map[string]entente.Date{}
	for _, m := range ds.Meetings {
		meetings[m.ID] = m.From
		t.fact("meeting", m.ID, m.From, m.Provenance)
	}
	for _, m := range ds.Memberships {
		t.fact("membership", m.Alliance+" "+m.Country, m.Acceded, m.Provenance)
	}
	for _, p := range ds.Partnerships {
		t.fact("partnership", p.Alliance+" "+p.Country+" "+p.Framework, p.From, p.Provenance)
	}
	for _, f := range ds.Frameworks {
		t.fact("framework", f.Alliance+" "+f.Code, f.From, f.Provenance)
	}
	for _, in := range ds.Invitations {
		t.fact("invitation", in.Meeting+" "+in.Country, meetings[in.Meeting], in.Provenance)
	}
	for _, o := range ds.Operations {
		t.fact("operation", o.Code, o.From, o.Provenance)
	}
	for _, c := range ds.Contributions {
		t.fact("contribution", c.ID, c.From, c.Provenance)
	}
	for _, e := range ds.DefenceEvents {
		t.fact("defence-event", e.ID, e.Date, e.Provenance)
	}
	for _, p := range ds.Programmes {
		t.fact("programme", p.ID, p.Agreed, p.Provenance)
	}
	// Records that are not counted as facts may still be marked
	// unconfirmed; the list shows them too.
	eachProvenance(ds, func(kind, key string, p entente.Provenance) {
		if _, fact := t.kinds[kind]; !fact {
			t.unconfirmed(kind, key, p)
		}
	})
	return nil
}

// fact counts one fact dated on (zero when undated), unless it is dated
// after the coverage's as-of day.
func (t *tally) fact(kind, key string, on entente.Date, p entente.Provenance) {
	if !t.c.AsOf.IsZero() && !on.IsZero() && t.c.AsOf.Before(on.First()) {
		return
	}
	k := t.kinds[kind]
	k.Count++
	t.c.Facts++
	if slices.ContainsFunc(p.Sources, func(id string) bool { return t.primary[id] }) {
		k.Primary++
		t.c.Primary++
	}
	if p.Unconfirmed != "" {
		k.Unconfirmed++
	}
	t.unconfirmed(kind, key, p)
	switch on.Precision() {
	case entente.PrecisionDay:
		t.c.Precision.Day++
	case entente.PrecisionMonth:
		t.c.Precision.Month++
	case entente.PrecisionYear:
		t.c.Precision.Year++
	default:
		t.c.Precision.Undated++
	}
	if !on.IsZero() {
		t.decades[on.Year/10*10]++
	}
}

func (t *tally) unconfirmed(kind, key string, p entente.Provenance) {
	if p.Unconfirmed != "" {
		t.c.Unconfirmed = append(t.c.Unconfirmed, UnconfirmedFact{Kind: kind, Key: key, What: p.Unconfirmed})
	}
}

func (t *tally) result() *Coverage {
	c := t.c
	for _, k := range coverageKinds {
		c.Kinds = append(c.Kinds, *t.kinds[k.kind])
	}
	// Every decade from the first to the last, those without a fact too,
	// so the list reads as a time line.
	c.Decades = []DecadeCount{}
	if ys := slices.Sorted(maps.Keys(t.decades)); len(ys) > 0 {
		for y := ys[0]; y <= ys[len(ys)-1]; y += 10 {
			c.Decades = append(c.Decades, DecadeCount{Decade: fmt.Sprintf("%ds", y), Count: t.decades[y]})
		}
	}
	if c.Unconfirmed == nil {
		c.Unconfirmed = []UnconfirmedFact{}
	}
	slices.SortStableFunc(c.Unconfirmed, func(a, b UnconfirmedFact) int {
		return cmpString(a.Kind+" "+a.Key, b.Kind+" "+b.Key)
	})
	return &c
}

// CitedQuote is a quotation of a source by a record that cites it.
type CitedQuote struct {
	Kind string `json:"kind"`
	Key  string `json:"key"`
	Text string `json:"text"`
}

// SourceQuotes returns, by source id, the quotations the records the
// principal in ctx may see make of each source, in record order.
func (s *Service) SourceQuotes(ctx context.Context) (map[string][]CitedQuote, error) {
	out := map[string][]CitedQuote{}
	add := func(kind, key string, p entente.Provenance) {
		for _, q := range p.Quotes {
			out[q.Source] = append(out[q.Source], CitedQuote{Kind: kind, Key: key, Text: q.Text})
		}
	}
	err := s.ExportStream(ctx, func(ds *entente.Dataset) error {
		eachProvenance(ds, add)
		return nil
	}, func(a *entente.Activity) error {
		add("activity", a.ID, a.Provenance)
		return nil
	})
	return out, err
}

// eachProvenance calls fn with every record of ds that carries provenance
// but the activities: its kind and key as the dataset text format names
// them ("partnership", "ABC NZL GLOBAL").
func eachProvenance(ds *entente.Dataset, fn func(kind, key string, p entente.Provenance)) {
	for _, c := range ds.Countries {
		fn("country", c.Code, c.Provenance)
	}
	for _, a := range ds.Alliances {
		fn("alliance", a.Code, a.Provenance)
		for _, art := range a.Articles {
			fn("article", a.Code+" "+art.Number, art.Provenance)
		}
	}
	for _, m := range ds.Memberships {
		fn("membership", m.Alliance+" "+m.Country, m.Provenance)
	}
	for _, f := range ds.Frameworks {
		fn("framework", f.Alliance+" "+f.Code, f.Provenance)
	}
	for _, p := range ds.Partnerships {
		fn("partnership", p.Alliance+" "+p.Country+" "+p.Framework, p.Provenance)
	}
	for _, g := range ds.Groups {
		fn("group", g.Alliance+" "+g.Code, g.Provenance)
	}
	for _, a := range ds.Areas {
		fn("area", a.Code, a.Provenance)
	}
	for _, p := range ds.Programmes {
		fn("programme", p.ID, p.Provenance)
	}
	for _, o := range ds.Objectives {
		fn("objective", o.Programme+" "+o.Code, o.Provenance)
	}
	for _, g := range ds.Goals {
		fn("goal", g.Programme+" "+g.Code, g.Provenance)
	}
	for _, o := range ds.Operations {
		fn("operation", o.Code, o.Provenance)
	}
	for _, c := range ds.Contributions {
		fn("contribution", c.ID, c.Provenance)
	}
	for _, m := range ds.Meetings {
		fn("meeting", m.ID, m.Provenance)
	}
	for _, in := range ds.Invitations {
		fn("invitation", in.Meeting+" "+in.Country, in.Provenance)
	}
	for _, e := range ds.DefenceEvents {
		fn("defence-event", e.ID, e.Provenance)
	}
	for _, o := range ds.Offers {
		fn("offer", o.Code, o.Provenance)
	}
	for _, r := range ds.Reviews {
		fn("review", r.ID, r.Provenance)
	}
}
