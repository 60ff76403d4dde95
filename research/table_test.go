package research_test

import (
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/entente/entente/research"
)

// TestTableGuard: a guarded table defuses cells a spreadsheet would run as
// a formula, and still parses to the same columns; an unguarded one (the
// research files, whose -9 means missing) writes cells as they are.
func TestTableGuard(t *testing.T) {
	in := []string{"=1+1", "+1", "-9", "@SUM(A1)", "\tx", "\rx", "a=b", "1990-01-01", "say \"hi\", then"}
	want := []string{"'=1+1", "'+1", "'-9", "'@SUM(A1)", "'\tx", "'\rx", "a=b", "1990-01-01", "say \"hi\", then"}
	for _, guard := range []bool{true, false} {
		var b strings.Builder
		tb := research.NewTable(&b, []string{"h"}, guard)
		for _, c := range in {
			tb.Row([]string{c})
		}
		if err := tb.Close(); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
		if err != nil {
			t.Fatalf("guard %v: %v\n%s", guard, err, b.String())
		}
		var got []string
		for _, r := range recs[1:] {
			got = append(got, r[0])
		}
		exp := in
		if guard {
			exp = want
		}
		if !slices.Equal(got, exp) {
			t.Errorf("guard %v: cells %q, want %q", guard, got, exp)
		}
	}
}
