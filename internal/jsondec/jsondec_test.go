package jsondec_test

import (
	"slices"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/jsondec"
)

type inner struct {
	Date  entente.Date `json:"date"`
	Count int          `json:"count"`
}

type outer struct {
	Countries []string       `json:"countries"`
	Scores    []float64      `json:"scores"`
	Flag      bool           `json:"flag"`
	Items     []inner        `json:"items"`
	Tags      map[string]int `json:"tags"`
	From      entente.Date   `json:"from"`
}

// TestStrictWords checks the words each problem is told in, and that every
// field's problem is found, with its offset in the input.
func TestStrictWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`{"countries": "NZL"}`, []string{"countries: want a list of country codes (ISO 3166-1 alpha-3, e.g. NZL), got a string"}},
		{`{"countries": [7]}`, []string{"countries: want a country code (ISO 3166-1 alpha-3, e.g. NZL), got a number"}},
		{`{"scores": {"a": 1}}`, []string{"scores: want a list of numbers, got an object"}},
		{`{"flag": "yes"}`, []string{"flag: want true or false, got a string"}},
		{`{"items": [{"count": 1.5}]}`, []string{"items.count: want a whole number, got 1.5"}},
		{`{"items": [{"date": "2024-13"}]}`, []string{`items.date: "2024-13" is not a date (want YYYY, YYYY-MM or YYYY-MM-DD)`}},
		{`{"tags": []}`, []string{"tags: want an object, got a list"}},
		{`{"from": 2024}`, []string{"from: want a date (YYYY, YYYY-MM or YYYY-MM-DD), got a number"}},
		{`{"flag": 1, "colour": "red", "from": "x"}`, []string{"flag: want true or false, got a number", "colour: unknown field", `from: "x" is not a date (want YYYY, YYYY-MM or YYYY-MM-DD)`}},
		{`{"flag": true} 1`, []string{"more after the JSON value"}},
		{`{"flag": tru}`, []string{"malformed JSON: invalid character '}' in literal true (expecting 'e')"}},
		{`{"flag": `, []string{"the JSON ends before the value is complete"}},
		{`{"flag": true}`, nil},
	}
	for _, tt := range tests {
		var v outer
		var got []string
		for _, p := range jsondec.Strict([]byte(tt.in), &v) {
			got = append(got, p.String())
			if p.Offset < 0 || p.Offset > int64(len(tt.in)) {
				t.Errorf("%s: offset %d outside the input", tt.in, p.Offset)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
	// The offset points at the field at fault: its line can be named.
	in := "{\n \"flag\": true,\n \"from\": \"x\"\n}"
	probs := jsondec.Strict([]byte(in), new(outer))
	if len(probs) != 1 || in[probs[0].Offset:probs[0].Offset+3] != `"x"` {
		t.Errorf("problems %+v: want one pointing at \"x\"", probs)
	}
}

// TestText: text that is not UTF-8, holds a NUL or an escaped lone
// surrogate, is refused naming the field, before decoding would replace the
// bad bytes (issue 8: PostgreSQL answered 500, SQLite stored them raw; a
// lone "\ud800" was stored as U+FFFD).
func TestText(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`{"countries": ["NZ\u0000L"]}`, []string{`countries: contains a NUL character (\u0000)`}},
		{"{\"items\": [{\"date\": \"20\xff24\"}]}", []string{"items.date: not valid UTF-8"}},
		{"{\"fl\xc3ag\": true}", []string{"fl\uFFFDag: the field's name is not valid UTF-8"}},
		{`{"countries": ["NZL", "é"], "flag": true}`, nil},
		// A lone surrogate escape: encoding/json decodes it to U+FFFD.
		{`{"countries": ["a\ud800b"]}`, []string{`countries: holds a lone surrogate (\ud800), half of a UTF-16 pair and not a character`}},
		{`{"items": [{"date": "\uDC00"}]}`, []string{`items.date: holds a lone surrogate (\udc00), half of a UTF-16 pair and not a character`}},
		{`{"countries": ["\ud83d x"]}`, []string{`countries: holds a lone surrogate (\ud83d), half of a UTF-16 pair and not a character`}},
		{`{"countries": ["\ud83d\u0041"]}`, []string{`countries: holds a lone surrogate (\ud83d), half of a UTF-16 pair and not a character`}},
		{`{"fl\udfffag": true}`, []string{"fl\uFFFDag: the field's name holds a lone surrogate (" + `\udfff` + "), half of a UTF-16 pair and not a character"}},
		// A pair is one character; other escapes are text.
		{`{"countries": ["\ud83d\ude00", "\u00e9\n\"\\\/"]}`, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range jsondec.Strict([]byte(tt.in), new(outer)) {
			got = append(got, p.String())
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q:\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}
