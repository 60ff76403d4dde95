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

// TestKindsAndQuotesJSON: sources' kinds and records' quotations survive the
// dataset JSON both ways, and a bad kind or an overlong quotation in a JSON
// document is refused naming the file, the line and the field (issue 14,
// item 6).
func TestKindsAndQuotesJSON(t *testing.T) {
	var first bytes.Buffer
	if err := dataset.WriteJSON(&first, storetest.Fixture()); err != nil {
		t.Fatal(err)
	}
	doc := first.String()
	for _, s := range []string{`"kind": "official-text"`, `"kind": "secondary"`, `"source": "src-treaty"`, `"text": "It was superseded in July 2024."`} {
		if !strings.Contains(doc, s) {
			t.Fatalf("export has no %s", s)
		}
	}
	ds, err := dataset.ReadJSON("kinds.json", strings.NewReader(doc))
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
	if k := ds.Sources[3].Kind; ds.Sources[3].ID != "src-treaty" || k != entente.SourceOfficialText {
		t.Errorf("%s read back as kind %q", ds.Sources[3].ID, k)
	}
	if q := ds.Partnerships[0].QuoteFor("src-partners"); q != `New Zealand became a "global partner" in 2012.` {
		t.Errorf("partnership quote read back as %q", q)
	}

	line := strings.Count(doc[:strings.Index(doc, `"id": "src-ops"`)], "\n")
	bad := strings.Replace(doc, `"kind": "news"`, `"kind": "rumour"`, 1)
	_, err = dataset.ReadJSON("bad.json", strings.NewReader(bad))
	want := fmt.Sprintf(`bad.json:%d: [source src-ops]: kind: "rumour" is not a source kind`, line)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v\ndoes not contain %q", err, want)
	}
	long := strings.Repeat("x", entente.MaxQuoteLen+1)
	bad = strings.Replace(doc, `"text": "It was superseded in July 2024."`, `"text": "`+long+`"`, 1)
	_, err = dataset.ReadJSON("long.json", strings.NewReader(bad))
	want = `[programme NZL-IPCP-2012]: quote: the quotation of "src-partners" is 301 characters long; at most 300 are allowed`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v\ndoes not contain %q", err, want)
	}
}

// TestDefaultKinds: every source of the default dataset says what kind it
// is, and every quotation is one of its record's sources.
func TestDefaultKinds(t *testing.T) {
	ds, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ds.Sources {
		if !entente.ValidSourceKind(s.Kind) {
			t.Errorf("source %s has kind %q", s.ID, s.Kind)
		}
	}
	var n int
	for _, p := range ds.Programmes {
		n += len(p.Quotes)
	}
	if n < 2 {
		t.Errorf("the default dataset's programmes carry %d quotations, want New Zealand's two", n)
	}
}
