package dataset_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/dataset"
	"github.com/entente/entente/store/storetest"
)

// TestReleasabilityJSON checks that every record's marking survives export
// to JSON and import back, both whole (ReadJSON) and streamed
// (StreamJSON), that the default dataset is all PUBLIC, and that a bad
// marking is refused naming the record and the field.
func TestReleasabilityJSON(t *testing.T) {
	var first bytes.Buffer
	if err := dataset.WriteJSON(&first, storetest.ReleasabilityFixture()); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(first.Bytes(), []byte(`"releasability"`)); n != 20 {
		t.Fatalf("export has %d markings, want 20", n)
	}
	ds, err := dataset.ReadJSON("marked.json", bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatalf("ReadJSON: %v", err)
	}
	var second bytes.Buffer
	if err := dataset.WriteJSON(&second, ds); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Errorf("JSON round trip differs")
	}
	var streamed entente.Dataset
	err = dataset.StreamJSON(t.Context(), "marked.json", bytes.NewReader(first.Bytes()), func(part *entente.Dataset) error {
		streamed.Activities = append(streamed.Activities, part.Activities...)
		return nil
	})
	if err != nil {
		t.Fatalf("StreamJSON: %v", err)
	}
	if got := streamed.Activities[0].Releasability.String(); got != "RELEASABLE_TO NZL" {
		t.Errorf("streamed activity: releasability %s, want RELEASABLE_TO NZL", got)
	}

	def, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := dataset.WriteJSON(&b, def); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b.Bytes(), []byte(`"releasability"`)) {
		t.Error("the default dataset's export carries a marking; it must stay all PUBLIC")
	}

	bad := strings.Replace(first.String(), `"RELEASABLE_TO"`, `"SECRET"`, 1)
	_, err = dataset.ReadJSON("bad.json", strings.NewReader(bad))
	if err == nil || !strings.Contains(err.Error(), `releasability.level: "SECRET" is not PUBLIC, ALLIANCE or RELEASABLE_TO`) {
		t.Errorf("ReadJSON(bad marking) = %v, want the level named as the problem", err)
	}
}
