package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestAPIAccession: accession steps through the API (issue 11, item 1),
// on both engines. An application is 201 with the membership's address;
// a step on it needs its version (428 without, 412 with an old one); a
// dry run writes nothing; a step the treaty forbids is 422 naming the
// article.
func TestAPIAccession(t *testing.T) {
	onEngines(t, func(t *testing.T, dsn string) {
		st := stackOn(t, dsn)
		const base = "/api/v1/alliances/NATO/accession/SRB/"
		const record = "/api/v1/alliances/NATO/memberships/SRB"
		do := func(step, body string, hdr ...string) (int, string) {
			t.Helper()
			return progDo(t, st, "POST", base+step, "application/json", body, hdr...)
		}
		if status, body := do("apply", `{"date":"2026-03-02","dry_run":true}`); status != 200 || !strings.Contains(body, `"applied": "2026-03-02"`) || versionOf(t, st, record) != "" {
			t.Fatalf("a dry run of the application: %d %s (or it wrote)", status, body)
		}
		status, body := do("apply", `{"date":"2026-03-02"}`)
		if status != http.StatusCreated || !strings.Contains(body, `"applied": "2026-03-02"`) {
			t.Fatalf("the application: %d %s", status, body)
		}
		v := versionOf(t, st, record)
		if v == "" {
			t.Fatal("no version for the membership after the application")
		}
		if status, body := do("consent", `{"by":"CAN","date":"2026-03-03"}`); status != http.StatusPreconditionRequired {
			t.Errorf("a consent naming no version: %d %s, want 428", status, body)
		}
		if status, body := do("consent", `{"by":"CAN","date":"2026-03-03"}`, "If-Match", v); status != 200 || !strings.Contains(body, `"CAN"`) {
			t.Fatalf("CAN's consent: %d %s", status, body)
		}
		if status, body := do("consent", `{"by":"BEL","date":"2026-03-03"}`, "If-Match", v); status != http.StatusPreconditionFailed || !strings.Contains(body, "current_version") {
			t.Errorf("BEL's consent from the version before CAN's: %d %s, want 412", status, body)
		}
		if status, body := do("invite", `{"date":"2026-03-04"}`, "If-Match", versionOf(t, st, record)); status != http.StatusUnprocessableEntity || !strings.Contains(body, `"article"`) {
			t.Errorf("an invitation before every member consents: %d %s, want 422 with the article", status, body)
		}
		if status, body := do("join", `{}`, "If-Match", versionOf(t, st, record)); status != http.StatusNotFound || !strings.Contains(body, "the steps are apply") {
			t.Errorf("an unknown step: %d %s", status, body)
		}
		if status, body := do("consent", `{"by":"CAN","when":"today"}`, "If-Match", versionOf(t, st, record)); status != http.StatusBadRequest || !strings.Contains(body, "when") {
			t.Errorf("an unknown field: %d %s", status, body)
		}
	})
}
