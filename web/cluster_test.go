package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/service"
)

// TestTwoInstancesPostgres runs two servers on one PostgreSQL database, as
// two processes would: a write through one drops the other's cached pages
// (LISTEN/NOTIFY), so the other serves the change.
func TestTwoInstancesPostgres(t *testing.T) {
	u := pgtest.Schema(t, pgtest.URL(t))
	instance := func() (*service.Service, *httptest.Server) {
		st := stackOn(t, u)
		return st.svc, st.srv
	}
	a, _ := instance()
	bsvc, b := instance()

	page := b.URL + "/countries/UKR"
	res, body := get(t, nil, page)
	etag := res.Header.Get("ETag")
	if strings.Contains(pageText(body), "NATO: applied") {
		t.Fatal("UKR has applied already")
	}
	// Cached on b: the same bytes again.
	if res, _ := get(t, nil, page); res.Header.Get("ETag") != etag {
		t.Fatal("b did not serve its cached page")
	}
	if _, err := a.Accession(operator(t), service.StepApply, service.StepRequest{Alliance: "NATO", Country: "UKR"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, body := get(t, nil, page)
		if strings.Contains(pageText(body), "NATO: applied") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("b still serves the page from before the write through a")
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Visit counts are shared too, and counting one is not a change that
	// drops caches.
	for range 2 {
		if err := a.AddVisits(t.Context(), []entente.Visit{{Day: a.Today(), Page: "/partners/NZL", Referrer: "news.example.org", Count: 1}}); err != nil {
			t.Fatal(err)
		}
	}
	st, err := bsvc.Stats(t.Context(), bsvc.Today())
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 2 || len(st.Referrers) != 1 || st.Referrers[0].Count != 2 {
		t.Errorf("stats through b: %+v", st)
	}
}
