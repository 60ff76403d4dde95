package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/entente/entente"
)

// TestFactsAPI: each kind of fact reads with its version as ETag (304 to
// If-None-Match); a POST creates one (201, Location, replayed for the same
// Idempotency-Key); a PUT corrects one, needing If-Match (428, 412),
// a reason and a source; refusals write nothing.
func TestFactsAPI(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testFactsAPI(t, newStack(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testFactsAPI(t, progStackPG(t)) })
}

func testFactsAPI(t *testing.T, st *stack) {
	for _, path := range []string{"/api/v1/partnerships/NATO/UKR/NACC", "/api/v1/contributions/NZL-SFOR", "/api/v1/meetings/SUMMIT-2022-MADRID",
		"/api/v1/invitations/SUMMIT-2022-MADRID/NZL", "/api/v1/defence-events/NATO-A5-2001", "/api/v1/sources/mfat-nato",
		"/api/v1/partnerships/nato/ukr/NACC"} {
		tag := versionOf(t, st, path)
		if len(tag) != 34 {
			t.Errorf("GET %s: ETag %q, want a strong entity tag", path, tag)
			continue
		}
		if status, body := progDo(t, st, "GET", path, "", "", "If-None-Match", tag); status != http.StatusNotModified || body != "" {
			t.Errorf("GET %s with If-None-Match its ETag: %d %q, want 304", path, status, body)
		}
	}
	for _, path := range []string{"/api/v1/contributions/NOPE", "/api/v1/invitations/SUMMIT-2022-MADRID/FRA", "/api/v1/sources/nope"} {
		if status, _ := progDo(t, st, "GET", path, "", ""); status != 404 {
			t.Errorf("GET %s: %d, want 404", path, status)
		}
	}

	const contribution = `{"id":"NZL-KFOR-TEST","country":"NZL","operation":"KFOR","theatre":"Kosovo","from":"2000","to":"2001-06","what":"two staff officers","sources":["mfat-nato"]}`
	liaison := tokenFor(t, st.svc, "facts-liaison", entente.RoleLiaison, "NZL", "write")
	before := progExport(t, st)
	for _, tc := range []struct {
		name, token string
		status      int
	}{{"liaison", liaison, 403}, {"nobody", "", 401}} {
		req, _ := http.NewRequest("POST", st.srv.URL+"/api/v1/contributions", strings.NewReader(contribution))
		req.Header.Set("Content-Type", "application/json")
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.status {
			t.Errorf("a %s adds a contribution: %d, want %d", tc.name, res.StatusCode, tc.status)
		}
	}
	bad := strings.Replace(contribution, `"to":"2001-06"`, `"to":"1999"`, 1)
	if status, body := progDo(t, st, "POST", "/api/v1/contributions", "application/json", bad); status != 400 ||
		!strings.Contains(body, "application/problem+json") && !strings.Contains(body, `"code": "invalid"`) || !strings.Contains(body, "to: ") {
		t.Errorf("a contribution ending before it starts: %d, want 400 naming the field to\n%s", status, body)
	}
	if progExport(t, st) != before {
		t.Fatal("refused creates wrote")
	}

	status, body := progDo(t, st, "POST", "/api/v1/contributions", "application/json", contribution, "Idempotency-Key", "facts-1")
	if status != 201 || !strings.Contains(body, `"what": "two staff officers"`) {
		t.Fatalf("add a contribution: %d %s", status, body)
	}
	req, _ := http.NewRequest("POST", st.srv.URL+"/api/v1/contributions", strings.NewReader(contribution))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+st.token)
	req.Header.Set("Idempotency-Key", "facts-1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != 201 || res.Header.Get("Idempotent-Replayed") != "true" || loc != "/api/v1/contributions/NZL-KFOR-TEST" {
		t.Errorf("the same create again with its key: %d replayed=%q Location %q, want the first answer replayed", res.StatusCode, res.Header.Get("Idempotent-Replayed"), loc)
	}
	if status, _ := progDo(t, st, "POST", "/api/v1/contributions", "application/json", contribution); status != 409 {
		t.Errorf("the same create without a key: %d, want 409", status)
	}
	version := versionOf(t, st, loc)

	correction := `{"record":` + strings.Replace(contribution, "two staff officers", "three staff officers", 1) + `,"reason":"the ministry's figure","source":"nzdf-afghanistan"}`
	before = progExport(t, st)
	for _, tc := range []struct {
		name, body, ifMatch string
		status              int
		want                string
	}{
		{"no If-Match", correction, "", 428, `"code": "precondition"`},
		{"stale", correction, `"0123456789abcdef0123456789abcdef"`, 412, `"current_version": ` + jsonString(version)},
		{"no reason", strings.Replace(correction, "the ministry's figure", "", 1), version, 400, "reason: is required"},
		{"no source", strings.Replace(correction, `"nzdf-afghanistan"`, `""`, 1), version, 400, "source: is required"},
		{"unknown source", strings.Replace(correction, `"nzdf-afghanistan"`, `"nope"`, 1), version, 400, `unknown source \"nope\"`},
		{"no record", `{"reason":"x","source":"mfat-nato"}`, version, 400, "record: is required"},
		{"another key", strings.Replace(correction, "NZL-KFOR-TEST", "NZL-OTHER", 1), version, 400, "cannot change the record's key"},
	} {
		hdr := []string{}
		if tc.ifMatch != "" {
			hdr = []string{"If-Match", tc.ifMatch}
		}
		status, body := progDo(t, st, "PUT", loc, "application/json", tc.body, hdr...)
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("correction with %s: %d, want %d with %s\n%s", tc.name, status, tc.status, tc.want, body)
		}
	}
	if progExport(t, st) != before {
		t.Fatal("refused corrections wrote")
	}
	status, body = progDo(t, st, "PUT", loc, "application/json", correction, "If-Match", version)
	if status != 200 || !strings.Contains(body, "three staff officers") || !strings.Contains(body, `"nzdf-afghanistan"`) {
		t.Fatalf("correct the contribution: %d %s", status, body)
	}
	if status, _ := progDo(t, st, "PUT", loc, "application/json", correction, "If-Match", version); status != 412 {
		t.Errorf("the same correction from the old version: %d, want 412", status)
	}
	// Correctors racing from one version through the API: one 200, the
	// rest 412, and the stored record and the audit are the winner's.
	version = versionOf(t, st, loc)
	const racers = 8
	statuses := make([]int, racers)
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			body := strings.Replace(correction, "three staff officers", fmt.Sprintf("racer %d", i), 1)
			body = strings.Replace(body, "the ministry's figure", fmt.Sprintf("racer %d's figure", i), 1)
			req, _ := http.NewRequest("PUT", st.srv.URL+loc, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+st.token)
			req.Header.Set("If-Match", version)
			if res, err := http.DefaultClient.Do(req); err == nil {
				res.Body.Close()
				statuses[i] = res.StatusCode
			}
		})
	}
	wg.Wait()
	winner, stale := -1, 0
	for i, s := range statuses {
		switch s {
		case 200:
			if winner >= 0 {
				t.Errorf("racers %d and %d both acknowledged", winner, i)
			}
			winner = i
		case 412:
			stale++
		default:
			t.Errorf("racer %d: %d, want 200 or 412", i, s)
		}
	}
	if winner < 0 || stale != racers-1 {
		t.Fatalf("racing correctors: %v, want one 200 and the rest 412", statuses)
	}
	evs, err := st.svc.Store.FindAuditEvents(t.Context(), entente.AuditFilter{Entity: "contribution", Key: "NZL-KFOR-TEST", Limit: 1})
	if err != nil || len(evs) != 1 || !strings.Contains(string(evs[0].After), fmt.Sprintf("racer %d's figure", winner)) {
		t.Errorf("the newest audit event of the contribution: %v %v, want the winner's", evs, err)
	}
	if _, body := progDo(t, st, "GET", loc, "", ""); !strings.Contains(body, fmt.Sprintf(`"racer %d`, winner)) {
		t.Errorf("stored after the race: %s, want the winner's", body)
	}
	status, body = progDo(t, st, "GET", "/api/v1/history/contribution/NZL-KFOR-TEST", "", "")
	if status != 200 || !strings.Contains(body, `"why": "the ministry's figure"`) || !strings.Contains(body, "'s figure\"") {
		t.Errorf("history of the corrected contribution: %d, want the reason as why\n%s", status, body)
	}
}
