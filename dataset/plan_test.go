package dataset_test

import (
	"bytes"
	"testing"

	"github.com/entente/entente/dataset"
	"github.com/entente/entente/store/storetest"
)

// TestPlanJSONRoundTrip checks that programme structure, the menu,
// activities and reviews survive export to JSON and import back.
func TestPlanJSONRoundTrip(t *testing.T) {
	var first bytes.Buffer
	if err := dataset.WriteJSON(&first, storetest.PlanFixture()); err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.ReadJSON("plan.json", bytes.NewReader(first.Bytes()))
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
	for _, section := range []string{`"objectives"`, `"goals"`, `"menu"`, `"activities"`, `"reviews"`} {
		if !bytes.Contains(first.Bytes(), []byte(section)) {
			t.Errorf("export lacks %s", section)
		}
	}
	// The default dataset's export has no empty plan sections.
	def, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	dataset.WriteJSON(&b, def)
	if bytes.Contains(b.Bytes(), []byte(`"menu"`)) || !bytes.Contains(b.Bytes(), []byte(`"objectives"`)) {
		t.Errorf("default export: menu present or objectives missing")
	}
}
