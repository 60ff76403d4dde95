package dataset

import (
	"bytes"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/entente/entente"
)

// fuzzSeed is a small dataset in the text format that parses cleanly.
const fuzzSeed = `# a source and a country citing it
[source s1]
title: A source
url: https://example.org/s1
kind: reference

[country NZL]
name: New Zealand
region: Oceania
subregion: Australia and New Zealand
european: no
european-note: outside Europe
european-sources: s1
sources: s1
`

// FuzzParse feeds the text reader arbitrary files: it must never panic,
// must refuse with a *ParseError naming FILE:LINE, and what it accepts must
// survive a JSON round trip.
func FuzzParse(f *testing.F) {
	f.Add(fuzzSeed)
	f.Add("[country NZL]\nname: New Zealand\n  continued\nregion: Oceania\nregion: twice\n")
	f.Add("[membership NATO BEL]\nacceded: 1949-4-4\napplied: +949\n")
	f.Add("field before header: x\n\t continuation\n[]\n[x\n[kind]\n")
	f.Add(fuzzSeed + "\n[alliance NATO]\nsigned: 1949-04-04\n[article NATO 5]\ntitle: t\n[article ANZUS 1]\n")
	f.Fuzz(func(t *testing.T, text string) {
		ds, err := Parse(fstest.MapFS{"a.txt": {Data: []byte(text)}})
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				if errors.Is(err, fs.ErrInvalid) || strings.Contains(err.Error(), "token too long") {
					return // a line over 1 MiB
				}
				t.Fatalf("error %v (%T) is not a ParseError", err, err)
			}
			for _, p := range pe.Problems {
				if !strings.HasPrefix(p, "a.txt:") && !strings.HasPrefix(p, "[") {
					t.Fatalf("problem %q names neither file and line nor record", p)
				}
			}
			return
		}
		roundTrip(t, ds)
	})
}

// FuzzReadJSON feeds the JSON import arbitrary documents: it must never
// panic, must refuse with a *ParseError whose problems each name FILE:LINE,
// never Go names, and what it accepts must export and read back the same.
func FuzzReadJSON(f *testing.F) {
	ds, err := Parse(fstest.MapFS{"a.txt": {Data: []byte(fuzzSeed)}})
	if err != nil {
		f.Fatal(err)
	}
	var seed bytes.Buffer
	if err := WriteJSON(&seed, ds); err != nil {
		f.Fatal(err)
	}
	f.Add(seed.Bytes())
	f.Add([]byte(`{"memberships": [{"alliance": "NATO", "country": "BEL", "acceded": "1949-4-4", "consents": [{"country": 7}]}]}`))
	f.Add([]byte(`{"countries": [{"code": 7, "name": ["x"], "colour": 1}], "nope": [], "sources": {}}`))
	f.Add([]byte(`{"sources": [{"id": "s",,}]}`))
	f.Add([]byte(`[] {}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := ReadJSON("in.json", bytes.NewReader(data))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || len(pe.Problems) == 0 {
				t.Fatalf("error %v (%T) is not a ParseError with problems", err, err)
			}
			for _, p := range pe.Problems {
				if !strings.HasPrefix(p, "in.json:") && !strings.HasPrefix(p, "[") {
					t.Fatalf("problem %q names neither file and line nor record", p)
				}
				if strings.Contains(p, "Go struct") || strings.Contains(p, "entente.") {
					t.Fatalf("problem %q shows Go names", p)
				}
			}
			return
		}
		roundTrip(t, ds)
	})
}

// roundTrip checks that a dataset the readers accepted exports to JSON that
// reads back into the same export.
func roundTrip(t *testing.T, ds *entente.Dataset) {
	t.Helper()
	var a, b bytes.Buffer
	if err := WriteJSON(&a, ds); err != nil {
		t.Fatal(err)
	}
	again, err := ReadJSON("export.json", bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatalf("an accepted dataset's export does not read back: %v\n%s", err, a.String())
	}
	if err := WriteJSON(&b, again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("export, import, export differ:\n%s\n---\n%s", a.String(), b.String())
	}
}
