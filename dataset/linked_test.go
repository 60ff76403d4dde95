package dataset_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/dataset"
	"github.com/entente/entente/store/storetest"
)

// TestLinkedJSON: the Wikidata ids and their sources survive the dataset
// JSON both ways, and a bad id in a JSON document is refused naming the
// file, the line and the field (issue 12, item 4).
func TestLinkedJSON(t *testing.T) {
	var first bytes.Buffer
	if err := dataset.WriteJSON(&first, storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	doc := first.String()
	if n := strings.Count(doc, `"wikidata": "Q`); n != 5 {
		t.Fatalf("export has %d Wikidata ids, want 5 (a country, the alliance, a framework, an operation, a meeting)", n)
	}
	ds, err := dataset.ReadJSON("linked.json", strings.NewReader(doc))
	if err != nil {
		t.Fatalf("ReadJSON: %v", err)
	}
	var second bytes.Buffer
	if err := dataset.WriteJSON(&second, ds); err != nil {
		t.Fatal(err)
	}
	if second.String() != doc {
		t.Errorf("JSON round trip differs")
	}
	if c := ds.Countries[3]; c.Code != "NZL" || c.Wikidata != "Q664" || strings.Join(c.WikidataSources, " ") != "src-partners" {
		t.Errorf("NZL read back as %s %q %q", c.Code, c.Wikidata, c.WikidataSources)
	}
	if m := ds.Meetings[0]; m.Wikidata != "Q4" || strings.Join(m.WikidataSources, " ") != "src-partners src-ops" {
		t.Errorf("%s read back with %q %q", m.ID, m.Wikidata, m.WikidataSources)
	}

	// A JSON problem is placed on the line of its record's opening brace,
	// the line before its key.
	line := strings.Count(doc[:strings.Index(doc, `"code": "OPA"`)], "\n")
	bad := strings.Replace(doc, `"wikidata": "Q3"`, `"wikidata": "Q03"`, 1)
	_, err = dataset.ReadJSON("bad.json", strings.NewReader(bad))
	if err == nil {
		t.Fatal("a bad Wikidata id was read without an error")
	}
	want := fmt.Sprintf(`bad.json:%d: [operation OPA]: wikidata: "Q03" is not a Wikidata item id`, line)
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q\ndoes not contain %q", err, want)
	}
}

// TestDefaultLinked: the default dataset carries the alliance's Wikidata id
// and nearly every country's, each with a source that states it; an id is
// never given without one (Validate refuses that).
func TestDefaultLinked(t *testing.T) {
	ds, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	if a := ds.Alliances[0]; a.Wikidata != "Q7184" || len(a.WikidataSources) == 0 {
		t.Errorf("the alliance's Wikidata id: %q from %q", a.Wikidata, a.WikidataSources)
	}
	byCode := map[string]entente.Country{}
	n := 0
	for _, c := range ds.Countries {
		byCode[c.Code] = c
		if c.Wikidata != "" {
			n++
		}
	}
	if n != 249 {
		t.Errorf("%d countries have a Wikidata id, want all 249 of ISO 3166-1", n)
	}
	// Namibia's comes from its own source: the crosswalk gives none.
	if nam := byCode["NAM"]; strings.Join(nam.WikidataSources, " ") != "t2wml-country-entities" {
		t.Errorf("NAM's Wikidata id cites %q", nam.WikidataSources)
	}
	for code, want := range map[string]string{"NZL": "Q664", "USA": "Q30", "AUS": "Q408", "JPN": "Q17", "NAM": "Q1030"} {
		if got := byCode[code].Wikidata; got != want {
			t.Errorf("%s: Wikidata id %q, want %q", code, got, want)
		}
	}
}
