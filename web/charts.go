package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// The charts are SVG drawn on the server: no script, no inline style (the
// stylesheet colours them through classes). Each has a <title> and a <desc>
// and is labelled by them; the page shows the same data as a table.

func esc(s string) string { return html.EscapeString(s) }

// yearFrac places a date on a continuous year axis (its first day).
func yearFrac(d entente.Date) float64 {
	f := d.First()
	t := f.Time()
	return float64(f.Year) + float64(t.YearDay()-1)/365.25
}

func svgOpen(b *strings.Builder, id string, w, h int, title, desc string) {
	fmt.Fprintf(b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d">`, w, h, id, id)
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
}

// membershipChart draws the member count over time as a step line.
func membershipChart(id string, pts []service.Point, asOf entente.Date) template.HTML {
	if len(pts) == 0 {
		return ""
	}
	const w, h, left, right, top, bottom = 720, 300, 44, 16, 14, 34
	x0, x1 := float64(pts[0].Date.Year), float64(asOf.Year)+1
	maxN := 0
	for _, p := range pts {
		maxN = max(maxN, p.Count)
	}
	ymax := float64((maxN/5 + 1) * 5)
	px := func(x float64) float64 { return left + (x-x0)/(x1-x0)*(w-left-right) }
	py := func(n float64) float64 { return top + (1-n/ymax)*(h-top-bottom) }
	first, last := pts[0], pts[len(pts)-1]
	desc := fmt.Sprintf("A step chart of the number of members from %s (%d) to %s (%d), one step for each accession.",
		human(first.Date), first.Count, human(asOf), last.Count)
	var b strings.Builder
	svgOpen(&b, id, w, h, "Members over time", desc)
	for n := 0.0; n <= ymax; n += 5 {
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, left, w-right, py(n), py(n))
		fmt.Fprintf(&b, `<text class="tick" x="%d" y="%.1f" text-anchor="end">%d</text>`, left-6, py(n)+4, int(n))
	}
	for y := int(x0+9) / 10 * 10; float64(y) < x1; y += 10 {
		fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%d" text-anchor="middle">%d</text>`, px(float64(y)), h-12, y)
	}
	var path strings.Builder
	for i, p := range pts {
		x := px(yearFrac(p.Date))
		if i == 0 {
			fmt.Fprintf(&path, "M%.1f %.1f", x, py(float64(p.Count)))
		} else {
			fmt.Fprintf(&path, " H%.1f V%.1f", x, py(float64(p.Count)))
		}
	}
	fmt.Fprintf(&path, " H%.1f", px(yearFrac(asOf)))
	fmt.Fprintf(&b, `<path class="line" d="%s"/>`, path.String())
	for _, p := range pts {
		fmt.Fprintf(&b, `<circle class="dot" cx="%.1f" cy="%.1f" r="3.5"/>`, px(yearFrac(p.Date)), py(float64(p.Count)))
	}
	fmt.Fprintf(&b, `<text class="label" x="%.1f" y="%.1f" text-anchor="end">%d</text>`, px(yearFrac(asOf)), py(float64(last.Count))-8, last.Count)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// barChart draws tallies as horizontal bars.
func barChart(id, title, desc string, rows []service.Tally) template.HTML {
	if len(rows) == 0 {
		return ""
	}
	const w, label, row, top = 720, 240, 26, 8
	h := top*2 + row*len(rows)
	var maxN int64 = 1
	for _, r := range rows {
		maxN = max(maxN, r.Count)
	}
	var b strings.Builder
	svgOpen(&b, id, w, h, title, desc)
	for i, r := range rows {
		y := top + i*row
		bw := math.Max(1, float64(r.Count)/float64(maxN)*float64(w-label-60))
		name := shorten(r.Name, 34)
		fmt.Fprintf(&b, `<text class="tick" x="%d" y="%d" text-anchor="end">%s</text>`, label-8, y+17, esc(name))
		fmt.Fprintf(&b, `<rect class="bar" x="%d" y="%d" width="%.1f" height="%d"/>`, label, y+4, bw, row-8)
		fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%d">%d</text>`, float64(label)+bw+6, y+17, r.Count)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// timelineRow is one row of the timeline chart: a span or a point, or
// several points of one kind on one day, drawn together.
type timelineRow struct {
	Kind   string
	Label  string
	Href   string
	From   entente.Date
	To     entente.Date
	Span   bool
	Period string
	// Unconfirmed rows are drawn dashed and faint: a source could not
	// confirm their dates or their operation.
	Unconfirmed bool
}

// timelineRows merges points of one kind on one day (the seven states that
// joined on 29 March 2004 are one row).
func timelineRows(items []service.TimelineItem) []timelineRow {
	var out []timelineRow
	for _, it := range items {
		if n := len(out); n > 0 && !it.Span && !out[n-1].Span && out[n-1].Kind == it.Kind && out[n-1].From == it.From && it.Kind == "membership" {
			prev := &out[n-1]
			prev.Label = strings.TrimSuffix(prev.Label, " joins")
			prev.Label = strings.TrimSuffix(prev.Label, " join") + ", " + it.Name + " join"
			prev.Href = ""
			continue
		}
		label, href := timelineLabel(it)
		r := timelineRow{Kind: it.Kind, Label: label, Href: href, From: it.From, To: it.To, Span: it.Span,
			Unconfirmed: it.Unconfirmed != ""}
		if it.Span {
			r.Period = humanPeriod(entente.Period{From: it.From, To: it.To})
		} else {
			r.Period = human(it.From)
		}
		if r.Unconfirmed {
			r.Period += " (unconfirmed)"
		}
		out = append(out, r)
	}
	return out
}

// timelineLabel is how the timeline names an item, and where it links.
func timelineLabel(it service.TimelineItem) (label, href string) {
	switch it.Kind {
	case "membership":
		return it.Name + " joins", "/countries/" + it.Ref
	case "programme":
		return it.Name + " " + it.Type, "/programmes/" + it.Ref
	case "deployment":
		return it.Name, "/operations#" + it.Ref
	case "summit":
		return fmt.Sprintf("%s %d", it.Name, it.From.Year), "/meetings#" + it.Ref
	}
	return it.Name, ""
}

var kindNames = map[string]string{"membership": "Accession", "programme": "Programme", "deployment": "Deployment", "summit": "Meeting"}

const (
	// maxLabel is the longest timeline label drawn in full, in characters.
	maxLabel = 40
	// labelEm is a generous width of one character of a label (12 px
	// sans-serif), in the chart's units.
	labelEm = 7
)

// timelineChart draws the rows on one time axis.
func timelineChart(id, title string, rows []timelineRow, asOf entente.Date) template.HTML {
	if len(rows) == 0 {
		return ""
	}
	const w, right, row, top, bottom = 960, 16, 20, 10, 34
	x0, x1 := math.Inf(1), float64(asOf.Year)+1
	longest := 0
	for _, r := range rows {
		x0 = math.Min(x0, float64(r.From.Year))
		longest = max(longest, min(len([]rune(r.Label)), maxLabel+1))
	}
	// The labels stand right-aligned left of the axis: the margin is as
	// wide as the longest label needs, so that none is cut at the edge.
	left := float64(min(max(longest*labelEm+18, 120), 320))
	x0 = math.Floor(x0/5) * 5
	h := top + bottom + row*len(rows)
	px := func(x float64) float64 { return left + (x-x0)/(x1-x0)*(w-left-right) }
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.Kind]++
	}
	var parts []string
	for _, k := range service.TimelineKinds {
		if counts[k] > 0 {
			parts = append(parts, plural(counts[k], strings.ToLower(kindNames[k])+" row"))
		}
	}
	desc := fmt.Sprintf("Events from %d to %s on one time axis: %s. The table below lists them.", int(x0), human(asOf), strings.Join(parts, ", "))
	var b strings.Builder
	svgOpen(&b, id, w, h, title, desc)
	step := 5
	if x1-x0 > 40 {
		step = 10
	}
	for y := int(x0); float64(y) <= x1; y += step {
		fmt.Fprintf(&b, `<line class="grid" x1="%.1f" x2="%.1f" y1="%d" y2="%d"/>`, px(float64(y)), px(float64(y)), top, h-bottom+4)
		fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%d" text-anchor="middle">%d</text>`, px(float64(y)), h-12, y)
	}
	for i, r := range rows {
		y := top + i*row
		a := px(yearFrac(r.From))
		cls := "k-" + r.Kind
		if r.Unconfirmed {
			cls += " unconfirmed"
		}
		if r.Span {
			to := asOf
			if !r.To.IsZero() {
				to = r.To.Last()
			}
			end := math.Max(a+3, px(yearFrac(to)+1.0/365))
			fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%d" width="%.1f" height="%d" rx="2"/>`, cls, a, y+4, end-a, row-8)
		} else {
			fmt.Fprintf(&b, `<circle class="%s" cx="%.1f" cy="%d" r="5"/>`, cls, a, y+row/2)
		}
		label := shorten(r.Label, maxLabel)
		fmt.Fprintf(&b, `<text class="tick" x="%.0f" y="%d" text-anchor="end">%s</text>`, left-10, y+row/2+4, esc(label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// shorten cuts s to at most n characters (runes, never bytes, so no
// character is split), ending a shortened label with "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return string(rs[:n-1]) + "…"
}
