package web

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

func day(t *testing.T, s string) entente.Date {
	t.Helper()
	d, err := entente.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestTimelineRows checks how the web labels and links the service's
// timeline items, which name records and carry no URL or English of their
// own; accessions on one day become one row.
func TestTimelineRows(t *testing.T) {
	items := []service.TimelineItem{
		{Kind: "membership", Ref: "CZE", Name: "Czechia", From: day(t, "1999-03-12")},
		{Kind: "membership", Ref: "HUN", Name: "Hungary", From: day(t, "1999-03-12")},
		{Kind: "membership", Ref: "POL", Name: "Poland", From: day(t, "1999-03-12")},
		{Kind: "membership", Ref: "FIN", Name: "Finland", From: day(t, "2023-04-04")},
		{Kind: "programme", Ref: "NZL-ITPP-2024", Name: "New Zealand", Type: "ITPP", From: day(t, "2024"), Span: true},
		{Kind: "deployment", Ref: "ISAF", Name: "Afghanistan", From: day(t, "2003-08-11"), To: day(t, "2014-12-31"), Span: true},
		{Kind: "summit", Ref: "madrid-2022", Name: "Madrid", From: day(t, "2022-06-28")},
	}
	want := []struct{ label, href, period string }{
		{"Czechia, Hungary, Poland join", "", "12 March 1999"},
		{"Finland joins", "/countries/FIN", "4 April 2023"},
		{"New Zealand ITPP", "/programmes/NZL-ITPP-2024", "from 2024"},
		{"Afghanistan", "/operations#ISAF", "11 August 2003 to 31 December 2014"},
		{"Madrid 2022", "/meetings#madrid-2022", "28 June 2022"},
	}
	rows := timelineRows(items)
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i, w := range want {
		if r := rows[i]; r.Label != w.label || r.Href != w.href || r.Period != w.period {
			t.Errorf("row %d: %q %q %q, want %q %q %q", i, r.Label, r.Href, r.Period, w.label, w.href, w.period)
		}
	}
	svg := string(timelineChart("t", "Timeline", rows, day(t, "2026-12-01")))
	if !strings.Contains(svg, "2 accession rows, 1 programme row, 1 deployment row, 1 meeting row.") {
		t.Errorf("the chart's description counts rows badly: %.300s", svg)
	}
}

// TestProgressSVG checks the progress chart the web draws from the
// service's roll-up: a bar per programme, objective and goal, as wide as its
// score, labelled, with a title and description for screen readers.
func TestProgressSVG(t *testing.T) {
	p := entente.ProgrammeProgress{Programme: "NZL-ITPP-2024", AsOf: day(t, "2026-01-01"), Score: 0.5, Measured: true,
		Objectives: []entente.ObjectiveProgress{{Code: "O1", Title: "Cyber defence", Score: 0.25, Measured: true,
			Goals: []entente.GoalProgress{{Code: "G1", Title: strings.Repeat("A very long goal title ", 4), Score: 1, Measured: true}}}}}
	rows := ChartRows(p)
	if len(rows) != 3 || rows[0].Level != "programme" || rows[1].Percent != 25 || rows[2].Level != "goal" || rows[2].Percent != 100 {
		t.Fatalf("rows: %+v", rows)
	}
	svg := ProgressSVG(p)
	for _, want := range []string{`role="img"`, `<title id="chart-NZL-ITPP-2024-title">Progress of programme NZL-ITPP-2024 as of 2026-01-01</title>`,
		"objective Cyber defence: 25%", ">50%<", ">25%<", ">100%<", "…"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the chart lacks %q:\n%s", want, svg)
		}
	}
	// The bars: the grey track 300 wide, the blue bar as wide as the score.
	bars := regexp.MustCompile(`fill="#1d4ed8"`).FindAllStringIndex(svg, -1)
	if len(bars) != 3 {
		t.Errorf("%d bars, want 3", len(bars))
	}
	for _, w := range []string{`width="150" height="16" fill="#1d4ed8"`, `width="75" height="16" fill="#1d4ed8"`, `width="300" height="16" fill="#1d4ed8"`} {
		if !strings.Contains(svg, w) {
			t.Errorf("no bar %s", w)
		}
	}
}

// TestChartLabelsCutOnRunes: a progress chart label was cut at byte 40,
// leaving half a UTF-8 character in the SVG (issue 8). Labels are cut on
// rune boundaries, and the chart stays valid UTF-8.
func TestChartLabelsCutOnRunes(t *testing.T) {
	long := strings.Repeat("é", 60) // two bytes each: byte 40 is a boundary, 41 is not
	for _, title := range []string{"x" + long, long} {
		p := entente.ProgrammeProgress{Programme: "P", AsOf: day(t, "2026-01-01"), Measured: true,
			Objectives: []entente.ObjectiveProgress{{Code: "O1", Title: title, Measured: true}}}
		svg := ProgressSVG(p)
		if !utf8.ValidString(svg) {
			t.Errorf("label %.10q…: the chart is not valid UTF-8", title)
		}
		if !strings.Contains(svg, "…</text>") {
			t.Errorf("label %.10q…: not shortened", title)
		}
	}
	if got := shorten("abcdef", 4); got != "abc…" {
		t.Errorf("shorten(abcdef, 4) = %q, want abc…", got)
	}
	if got := shorten("abcd", 4); got != "abcd" {
		t.Errorf("shorten(abcd, 4) = %q, want abcd", got)
	}
}
