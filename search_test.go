package entente_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/entente/entente"
)

func TestParseSearch(t *testing.T) {
	for _, tt := range []struct {
		q, want, err string
	}{
		{q: "Bamyan", want: "bamyan"},
		{q: "  New   Zealand ", want: "new zealand"},
		{q: `"provincial reconstruction" team`, want: `"provincial reconstruction" team`},
		{q: "interop*", want: "interop*"},
		{q: `"partnership for"*`, want: `"partnership for"*`},
		{q: "Ålesund Kraków Zürich", want: "ålesund kraków zürich"},
		{q: "x:y AND (z)", want: "x y and z"},
		{q: `-"" * ""`, err: "q: give a word"},
		{q: "", err: "q: give a word"},
		{q: `"open`, err: "q: a quote is not closed"},
		{q: strings.Repeat("a ", 101), err: "q: the query is 202 bytes long"},
		{q: strings.Repeat("a ", 13), err: "q: 13 words and phrases; at most 12"},
		{q: "a\x00b", err: "q: contains a NUL"},
		{q: "caf\xe9", err: "q: not valid UTF-8"},
	} {
		terms, err := entente.ParseSearch(tt.q)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || entente.ErrorCode(err) != entente.EINVALID {
				t.Errorf("ParseSearch(%q): %v, want EINVALID %q", tt.q, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseSearch(%q): %v", tt.q, err)
			continue
		}
		var parts []string
		for _, term := range terms {
			parts = append(parts, fmt.Sprint(term))
		}
		if got := strings.Join(parts, " "); got != tt.want {
			t.Errorf("ParseSearch(%q) = %s, want %s", tt.q, got, tt.want)
		}
	}
}
