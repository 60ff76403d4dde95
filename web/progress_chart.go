package web

import (
	"fmt"
	"html"
	"strings"

	"github.com/entente/entente"
)

// The progress chart of a programme: drawn here, from the roll-up the
// service computes (entente.ProgrammeProgress), for the programme page, the
// API's progress.svg and the CLI's "programme plan --svg".

// ChartRow is one bar of a progress chart and one row of the data table
// beside it.
type ChartRow struct {
	Level string  `json:"level"` // programme, objective, goal or unassigned
	Key   string  `json:"key"`
	Label string  `json:"label"`
	Score float64 `json:"score"`
	// Percent is Score as a whole percentage, for tables.
	Percent int `json:"percent"`
	// Measured is false when the row has nothing to measure (no indicators,
	// no activities); it then shows no figure and counts for nothing.
	Measured   bool          `json:"measured"`
	Activities entente.Tally `json:"activities"`
}

// Figure is the row's progress as shown: "63%", or "not measured".
func (r ChartRow) Figure() string {
	if !r.Measured {
		return "not measured"
	}
	return fmt.Sprintf("%d%%", r.Percent)
}

// ChartRows flattens a progress roll-up into rows: the programme, then each
// objective followed by its goals, then the activities serving no goal when
// there are any. The programme's figure is the mean of the measured
// objectives' and the unassigned activities' figures.
func ChartRows(p entente.ProgrammeProgress) []ChartRow {
	row := func(level, key, label string, score float64, measured bool, t entente.Tally) ChartRow {
		return ChartRow{Level: level, Key: key, Label: label, Score: score, Percent: int(score*100 + 0.5), Measured: measured, Activities: t}
	}
	rows := []ChartRow{row("programme", p.Programme, "Programme "+p.Programme, p.Score, p.Measured, p.Activities)}
	for _, o := range p.Objectives {
		rows = append(rows, row("objective", o.Code, o.Title, o.Score, o.Measured, o.Activities))
		for _, g := range o.Goals {
			rows = append(rows, row("goal", g.Code, g.Title, g.Score, g.Measured, g.Activities))
		}
	}
	if p.Unassigned.Total > 0 {
		rows = append(rows, row("unassigned", "", "Activities serving no goal", p.UnassignedScore, p.UnassignedMeasured, p.Unassigned))
	}
	return rows
}

// ProgressSVG draws the roll-up as a horizontal bar chart: one bar per
// programme, objective and goal, labelled with its percentage. The SVG
// carries a title and a description for screen readers (role="img",
// aria-labelledby); the same figures belong in a data table beside it.
func ProgressSVG(p entente.ProgrammeProgress) string {
	rows := ChartRows(p)
	const (
		labelW = 300
		barW   = 300
		rowH   = 24
		top    = 8
	)
	h := top*2 + rowH*len(rows)
	esc := html.EscapeString
	var b strings.Builder
	id := "chart-" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, p.Programme)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%s-title %s-desc" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="13">`+"\n",
		id, id, labelW+barW+100, h, labelW+barW+100, h)
	fmt.Fprintf(&b, `<title id="%s-title">Progress of programme %s as of %s</title>`+"\n", id, esc(p.Programme), p.AsOf)
	var desc []string
	for _, r := range rows {
		desc = append(desc, fmt.Sprintf("%s %s: %s", r.Level, r.Label, r.Figure()))
	}
	fmt.Fprintf(&b, `<desc id="%s-desc">Horizontal bars, 0 to 100%%, one per programme, objective and goal: %s.</desc>`+"\n", id, esc(strings.Join(desc, "; ")))
	for i, r := range rows {
		y := top + i*rowH
		indent := map[string]int{"programme": 0, "objective": 12, "goal": 24, "unassigned": 12}[r.Level]
		label := shorten(r.Label, 41)
		weight := "normal"
		if r.Level != "goal" {
			weight = "bold"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-weight="%s" fill="#111">%s</text>`+"\n", indent, y+16, weight, esc(label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="16" fill="#e5e7eb"/>`+"\n", labelW, y+4, barW)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="16" fill="#1d4ed8"/>`+"\n", labelW, y+4, int(r.Score*barW+0.5))
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#111">%s</text>`+"\n", labelW+barW+6, y+16, esc(r.Figure()))
	}
	b.WriteString("</svg>\n")
	return b.String()
}
