package storetest

import "testing"

// TestFixtureValid keeps the fixture a dataset entente itself would accept,
// so the suite exercises the store with data the rest of the program writes.
func TestFixtureValid(t *testing.T) {
	for _, p := range Fixture().Validate() {
		t.Errorf("fixture: %s", p)
	}
}
