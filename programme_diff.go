package entente

import (
	"fmt"
	"slices"
	"strings"
)

// Diff operations.
const (
	DiffAdded   = "added"
	DiffRemoved = "removed"
	DiffChanged = "changed"
)

// FieldChange is one field that differs.
type FieldChange struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Change is one difference between two programmes: a record of a kind
// (programme, objective, goal or indicator) added, removed or changed.
type Change struct {
	Kind   string        `json:"kind"`
	Key    string        `json:"key"`
	Op     string        `json:"op"`
	Title  string        `json:"title"`
	Fields []FieldChange `json:"fields,omitempty"`
}

// ProgrammeDiff lists what changed from one programme, or review snapshot,
// to another.
type ProgrammeDiff struct {
	From    string   `json:"from"`
	To      string   `json:"to"`
	Changes []Change `json:"changes"`
}

// Count returns how many changes have op.
func (d *ProgrammeDiff) Count(op string) int {
	n := 0
	for _, c := range d.Changes {
		if c.Op == op {
			n++
		}
	}
	return n
}

type fieldList struct{ out []FieldChange }

func (f *fieldList) cmp(name, a, b string) {
	if a != b {
		f.out = append(f.out, FieldChange{name, a, b})
	}
}

func num(x float64) string { return fmt.Sprintf("%g", x) }

// Diff compares two snapshots, labelled from and to (programme ids or
// review ids). Objectives are matched by code, then by area, so that two
// programmes that name their objectives by area line up; goals by code
// (carried-over goals keep theirs); indicators by name.
func Diff(a, b ProgrammeSnapshot, from, to string) ProgrammeDiff {
	d := ProgrammeDiff{From: from, To: to, Changes: []Change{}}
	pa, pb := a.Programme, b.Programme
	var f fieldList
	f.cmp("type", pa.Type, pb.Type)
	f.cmp("title", pa.Title, pb.Title)
	f.cmp("agreed", pa.Agreed.String(), pb.Agreed.String())
	f.cmp("period", pa.Period.String(), pb.Period.String())
	f.cmp("status", string(pa.Status), string(pb.Status))
	f.cmp("areas", strings.Join(pa.Areas, ", "), strings.Join(pb.Areas, ", "))
	if len(f.out) > 0 {
		d.Changes = append(d.Changes, Change{Kind: "programme", Key: pb.ID, Op: DiffChanged, Title: pb.Title, Fields: f.out})
	}

	// Objectives.
	matched := map[string]string{} // a's objective code → b's
	usedB := map[string]bool{}
	for _, oa := range a.Objectives {
		if slices.ContainsFunc(b.Objectives, func(o Objective) bool { return o.Code == oa.Code }) {
			matched[oa.Code], usedB[oa.Code] = oa.Code, true
		}
	}
	for _, oa := range a.Objectives {
		if _, ok := matched[oa.Code]; ok {
			continue
		}
		for _, ob := range b.Objectives {
			if !usedB[ob.Code] && ob.Area == oa.Area {
				matched[oa.Code], usedB[ob.Code] = ob.Code, true
				break
			}
		}
	}
	objB := map[string]Objective{}
	for _, o := range b.Objectives {
		objB[o.Code] = o
	}
	for _, oa := range a.Objectives {
		code, ok := matched[oa.Code]
		if !ok {
			d.Changes = append(d.Changes, Change{Kind: "objective", Key: oa.Code, Op: DiffRemoved, Title: oa.Title})
			continue
		}
		ob := objB[code]
		var f fieldList
		f.cmp("code", oa.Code, ob.Code)
		f.cmp("area", oa.Area, ob.Area)
		f.cmp("title", oa.Title, ob.Title)
		if len(f.out) > 0 {
			d.Changes = append(d.Changes, Change{Kind: "objective", Key: ob.Code, Op: DiffChanged, Title: ob.Title, Fields: f.out})
		}
	}
	for _, ob := range b.Objectives {
		if !usedB[ob.Code] {
			d.Changes = append(d.Changes, Change{Kind: "objective", Key: ob.Code, Op: DiffAdded, Title: ob.Title})
		}
	}

	// Goals and their indicators.
	goalB := map[string]Goal{}
	for _, g := range b.Goals {
		goalB[g.Code] = g
	}
	goalA := map[string]bool{}
	for _, ga := range a.Goals {
		goalA[ga.Code] = true
		gb, ok := goalB[ga.Code]
		if !ok {
			d.Changes = append(d.Changes, Change{Kind: "goal", Key: ga.Code, Op: DiffRemoved, Title: ga.Title})
			for _, in := range ga.Indicators {
				d.Changes = append(d.Changes, Change{Kind: "indicator", Key: ga.Code + "/" + in.Name, Op: DiffRemoved, Title: in.Name})
			}
			continue
		}
		var f fieldList
		f.cmp("title", ga.Title, gb.Title)
		if m, ok := matched[ga.Objective]; !ok || m != gb.Objective {
			f.cmp("objective", ga.Objective, gb.Objective)
		}
		if len(f.out) > 0 {
			d.Changes = append(d.Changes, Change{Kind: "goal", Key: gb.Code, Op: DiffChanged, Title: gb.Title, Fields: f.out})
		}
		d.Changes = append(d.Changes, diffIndicators(gb.Code, ga.Indicators, gb.Indicators)...)
	}
	for _, gb := range b.Goals {
		if !goalA[gb.Code] {
			d.Changes = append(d.Changes, Change{Kind: "goal", Key: gb.Code, Op: DiffAdded, Title: gb.Title})
			for _, in := range gb.Indicators {
				d.Changes = append(d.Changes, Change{Kind: "indicator", Key: gb.Code + "/" + in.Name, Op: DiffAdded, Title: in.Name})
			}
		}
	}
	return d
}

func diffIndicators(goal string, as, bs []Indicator) []Change {
	var out []Change
	for _, ia := range as {
		i := slices.IndexFunc(bs, func(x Indicator) bool { return x.Name == ia.Name })
		if i < 0 {
			out = append(out, Change{Kind: "indicator", Key: goal + "/" + ia.Name, Op: DiffRemoved, Title: ia.Name})
			continue
		}
		ib := bs[i]
		var f fieldList
		f.cmp("unit", ia.Unit, ib.Unit)
		f.cmp("baseline", num(ia.Baseline), num(ib.Baseline))
		f.cmp("target", num(ia.Target), num(ib.Target))
		f.cmp("current", num(ia.Current), num(ib.Current))
		f.cmp("due", ia.Due.String(), ib.Due.String())
		if len(f.out) > 0 {
			out = append(out, Change{Kind: "indicator", Key: goal + "/" + ib.Name, Op: DiffChanged, Title: ib.Name, Fields: f.out})
		}
	}
	for _, ib := range bs {
		if !slices.ContainsFunc(as, func(x Indicator) bool { return x.Name == ib.Name }) {
			out = append(out, Change{Kind: "indicator", Key: goal + "/" + ib.Name, Op: DiffAdded, Title: ib.Name})
		}
	}
	return out
}

// Text renders the diff for a terminal: one line per change, marked + for
// added, - for removed and ~ for changed, with changed fields indented.
func (d *ProgrammeDiff) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s → %s: %d added, %d removed, %d changed\n", d.From, d.To, d.Count(DiffAdded), d.Count(DiffRemoved), d.Count(DiffChanged))
	mark := map[string]string{DiffAdded: "+", DiffRemoved: "-", DiffChanged: "~"}
	for _, c := range d.Changes {
		fmt.Fprintf(&b, "%s %s %s: %s\n", mark[c.Op], c.Kind, c.Key, c.Title)
		for _, f := range c.Fields {
			fmt.Fprintf(&b, "    %s: %q → %q\n", f.Field, f.From, f.To)
		}
	}
	if len(d.Changes) == 0 {
		b.WriteString("no differences\n")
	}
	return b.String()
}
