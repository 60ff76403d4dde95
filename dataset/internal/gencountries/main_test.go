package main

import (
	"bytes"
	"os"
	"testing"
)

// TestCommittedFileIsGenerated: the embedded countries file is exactly what
// the generator makes from its committed inputs, so neither drifts from the
// other (run go generate ./dataset after editing curated.json).
func TestCommittedFileIsGenerated(t *testing.T) {
	cs, err := build(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 249 {
		t.Errorf("%d countries, want the 249 of ISO 3166-1", len(cs))
	}
	var b bytes.Buffer
	write(&b, cs)
	committed, err := os.ReadFile("../../nato/countries.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), committed) {
		t.Errorf("dataset/nato/countries.txt differs from the generator's output: run go generate ./dataset")
	}
}
