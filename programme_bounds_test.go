package entente

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// TestIndicatorOverflow: an indicator of baseline -1e308, target 1e308 and
// current 1e308 made progress NaN, which broke the programme's API answer
// and showed -9223372036854775808% (issue 8). CheckIndicator refuses such
// values, and progress stays between 0 and 1 for whatever is stored.
func TestIndicatorOverflow(t *testing.T) {
	for _, tt := range []struct {
		in   Indicator
		want float64
	}{
		{Indicator{Name: "x", Baseline: -1e308, Target: 1e308, Current: 1e308}, 1},
		{Indicator{Name: "x", Baseline: -1e308, Target: 1e308, Current: 0}, 0.5},
		{Indicator{Name: "x", Baseline: 1e308, Target: -1e308, Current: -1e308}, 1},
		{Indicator{Name: "x", Baseline: 0, Target: 1, Current: math.NaN()}, 0},
		{Indicator{Name: "x", Baseline: 0, Target: math.Inf(1), Current: 1}, 0},
	} {
		if got := tt.in.Progress(); got != tt.want {
			t.Errorf("%+v: progress %v, want %v", tt.in, got, tt.want)
		}
		if err := CheckIndicator(1, tt.in); err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("%+v: CheckIndicator = %v, want invalid", tt.in, err)
		}
	}
	if err := CheckIndicator(2, Indicator{Name: "x", Baseline: -1e307, Target: 1e307, Current: 5}); err != nil {
		t.Errorf("a wide but finite range: %v", err)
	}
	if err := CheckIndicator(2, Indicator{Name: " "}); err == nil || !strings.Contains(err.Error(), "indicator 2 needs a name") {
		t.Errorf("no name: %v", err)
	}
	p, objs, goals := planFixture()
	goals[0].Indicators = append(goals[0].Indicators, Indicator{Name: "huge", Baseline: -1e308, Target: 1e308, Current: 1e308})
	got := Progress(Snapshot(p, objs, goals), nil, nil, MustParseDate("2013-07-01"))
	scores := []float64{got.Score}
	for _, o := range got.Objectives {
		scores = append(scores, o.Score)
		for _, g := range o.Goals {
			scores = append(scores, g.Score)
		}
	}
	for _, s := range scores {
		if math.IsNaN(s) || s < 0 || s > 1 {
			t.Errorf("a score of %v in %+v", s, got)
		}
	}
}

// TestDatasetText: a NUL or bytes that are not UTF-8 in any text field of
// an imported dataset were stored raw on SQLite and answered 500 on
// PostgreSQL (issue 8). Validate names the record and the field.
func TestDatasetText(t *testing.T) {
	ds := Dataset{
		Sources:    []Source{{ID: "s1", Title: "A source", URL: "https://example.org/"}},
		Activities: []Activity{{ID: "A1", Title: "ok"}, {ID: "A2", Title: "Cyber\x00course"}},
		Offers:     []Offer{{Code: "O1", Title: "Caf\xe9"}},
	}
	var got []string
	for _, p := range ds.Validate() {
		if strings.Contains(p.Message, "UTF-8") || strings.Contains(p.Message, "NUL") {
			got = append(got, p.String())
		}
	}
	for _, want := range []string{`[activities 2]: title: contains a NUL character (\u0000)`, "[offer O1]: title: not valid UTF-8"} {
		if !slices.Contains(got, want) {
			t.Errorf("Validate does not say %q; it says %q", want, got)
		}
	}
	if len(got) != 2 {
		t.Errorf("text problems %q, want each once", got)
	}
}
