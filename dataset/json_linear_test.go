package dataset

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/entente/entente"
)

// withSources is the default dataset with n more sources, written as JSON.
func withSources(t *testing.T, n int) []byte {
	t.Helper()
	ds, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		ds.Sources = append(ds.Sources, entente.Source{ID: fmt.Sprintf("zz-bulk-%07d", i),
			Title: fmt.Sprintf("Bulk source %d", i), URL: "https://example.org/bulk"})
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, ds); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestReadJSONLinear checks that line numbers are counted in one pass: the
// bytes scanned for them never exceed the document's length, and four times
// the records cost four times the scanning. Counting each record's line
// from the start of the document, as the reader once did, scans the first
// record's bytes once per record after it: quadratic.
func TestReadJSONLinear(t *testing.T) {
	scanned := func(n int) (int64, int) {
		doc := withSources(t, n)
		ds, sc, err := readJSON("big.json", bytes.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if sc > int64(len(doc)) {
			t.Fatalf("%d sources: scanned %d bytes for line numbers in a %d-byte document", n, sc, len(doc))
		}
		if len(ds.Sources) < n {
			t.Fatalf("read %d sources, want at least %d", len(ds.Sources), n)
		}
		return sc, len(doc)
	}
	base, _ := scanned(0)
	one, _ := scanned(5000)
	four, _ := scanned(20000)
	ratio := float64(four-base) / float64(one-base)
	if ratio < 3.8 || ratio > 4.2 {
		t.Fatalf("scanning for 20000 more records cost %.2f times that for 5000, want about 4 (linear)", ratio)
	}
}

// TestReadJSONLineNearEnd checks that a bad record near the end of a large
// document, and a bad field inside it, are named at their own lines.
func TestReadJSONLineNearEnd(t *testing.T) {
	doc := withSources(t, 30000)
	const id = `"id": "zz-bulk-0029998"`
	at := bytes.Index(doc, []byte(id))
	if at < 0 {
		t.Fatal("the record to spoil is not in the document")
	}
	// The title, the next line of the record, becomes a number.
	titleAt := at + bytes.IndexByte(doc[at:], '\n') + 1
	end := titleAt + bytes.IndexByte(doc[titleAt:], '\n')
	spoilt := append(append(append([]byte{}, doc[:titleAt]...), `      "title": 5,`...), doc[end:]...)
	wantLine := 1 + bytes.Count(spoilt[:titleAt], []byte("\n"))

	_, err := ReadJSON("big.json", bytes.NewReader(spoilt))
	want := fmt.Sprintf("big.json:%d: sources: title: want a string, got a number", wantLine)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want %q", err, want)
	}

	// A duplicate id near the end is named at its record's line (the
	// whole-dataset check locates it through the positions kept).
	dup := bytes.Replace(doc, []byte(`"id": "zz-bulk-0029999"`), []byte(`"id": "zz-bulk-0029998"`), 1)
	recLine := 1 + bytes.Count(dup[:bytes.LastIndex(dup, []byte(id))], []byte("\n")) - 1
	_, err = ReadJSON("big.json", bytes.NewReader(dup))
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("big.json:%d:", recLine)) {
		t.Fatalf("error %v, want one at big.json:%d", err, recLine)
	}
}
