package main

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/store"
)

// TestServeStoresCountsOnShutdown: `entente serve` counts consented views
// in memory and stores them when it shuts down (SIGINT, SIGTERM), before it
// closes the database: none is lost, though no flush interval passed.
func TestServeStoresCountsOnShutdown(t *testing.T) {
	db := filepath.Join(t.TempDir(), "e.db")
	base, stop := startServe(t, db)
	for _, p := range []string{"/", "/members", "/members"} {
		req, _ := http.NewRequest("GET", base+p, nil)
		req.Header.Set("Cookie", "consent=yes")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", p, res.StatusCode)
		}
	}
	stop()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	vs, err := st.(entente.Counter).Visits(context.Background(), entente.Date{})
	if err != nil {
		t.Fatal(err)
	}
	n := int64(0)
	for _, v := range vs {
		n += v.Count
	}
	if n != 3 {
		t.Errorf("%d views stored after the shutdown, want 3: %+v", n, vs)
	}
}
