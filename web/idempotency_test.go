package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/entente/entente"
)

// TestIdempotencyKey sends API creates with an Idempotency-Key through the
// real handler: concurrent retries make one record and get one answer; a
// used key with another body is 422, a malformed key 400, another
// principal's key its own; a replayed workflow step is not run twice.
func TestIdempotencyKey(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testIdempotencyKey(t, newStack(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testIdempotencyKey(t, progStackPG(t)) })
}

type idemAnswer struct {
	status                   int
	location, etag, replayed string
	body                     string
}

func idemPost(t *testing.T, st *stack, token, path, key, body string, header ...string) idemAnswer {
	t.Helper()
	req, err := http.NewRequest("POST", st.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return idemAnswer{}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return idemAnswer{res.StatusCode, res.Header.Get("Location"), res.Header.Get("ETag"), res.Header.Get("Idempotent-Replayed"), string(b)}
}

func testIdempotencyKey(t *testing.T, st *stack) {
	const body = `{"programme":"NZL-ITPP-2024","title":"Retried staff talks","date":"2025-01-10"}`
	count := func(title string) int {
		as, err := st.svc.Activities(operator(t), entente.ActivityFilter{Programme: "NZL-ITPP-2024", Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, a := range as {
			if a.Title == title {
				n++
			}
		}
		return n
	}
	const n = 16
	answers := make([]idemAnswer, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			answers[i] = idemPost(t, st, st.token, "/api/v1/activities", "retry-a", body)
		})
	}
	close(start)
	wg.Wait()
	fresh := 0
	for i, a := range answers {
		if a.replayed == "" {
			fresh++
		}
		if a.status != 201 || a.location == "" || a.location != answers[0].location || a.body != answers[0].body || a.etag != answers[0].etag {
			t.Errorf("answer %d: %d %q %q %s; want answer 0's 201 %q %q", i, a.status, a.location, a.etag, a.body, answers[0].location, answers[0].etag)
		}
	}
	if fresh != 1 {
		t.Errorf("%d answers not replayed, want 1", fresh)
	}
	if got := count("Retried staff talks"); got != 1 {
		t.Errorf("%d activities stored, want 1", got)
	}
	// The same key with another body: 422 naming the key.
	if a := idemPost(t, st, st.token, "/api/v1/activities", "retry-a", strings.Replace(body, "Retried", "Other", 1)); a.status != 422 || !strings.Contains(a.body, "retry-a") {
		t.Errorf("reused key: %d %s; want 422 naming the key", a.status, a.body)
	}
	// Malformed keys: 400 naming the header.
	for _, k := range []string{strings.Repeat("k", 256), "caf\u00e9"} {
		if a := idemPost(t, st, st.token, "/api/v1/activities", k, body); a.status != 400 || !strings.Contains(a.body, "Idempotency-Key") {
			t.Errorf("key %.10q: %d %s; want 400 naming Idempotency-Key", k, a.status, a.body)
		}
	}
	// Another principal's same key is its own.
	other := staffToken(t, st.svc)
	if a := idemPost(t, st, other, "/api/v1/activities", "retry-a", body); a.status != 201 || a.replayed != "" || a.location == answers[0].location {
		t.Errorf("other principal: %d %q replayed %q; want a record of its own", a.status, a.location, a.replayed)
	}
	if got := count("Retried staff talks"); got != 2 {
		t.Errorf("%d activities stored, want 2", got)
	}
	// A workflow step replayed is not run again (run twice, approve is
	// refused the second time).
	// (A step names the version it was taken from: the retry sends the
	// same If-Match as the first try.)
	id := strings.TrimPrefix(answers[0].location, "/api/v1/activities/")
	version := versionOf(t, st, "/api/v1/activities/"+id)
	first := idemPost(t, st, st.token, "/api/v1/activities/"+id+"/approve", "approve-1", `{"date":"2025-01-12"}`, "If-Match", version)
	again := idemPost(t, st, st.token, "/api/v1/activities/"+id+"/approve", "approve-1", `{"date":"2025-01-12"}`, "If-Match", version)
	if first.status != 200 || again.status != 200 || again.body != first.body || again.replayed != "true" {
		t.Errorf("approve, retried: %d then %d (replayed %q); want 200 twice, the second replayed", first.status, again.status, again.replayed)
	}
	if a := idemPost(t, st, st.token, "/api/v1/activities/"+id+"/approve", "", `{"date":"2025-01-12"}`, "If-Match", versionOf(t, st, "/api/v1/activities/"+id)); a.status != 422 {
		t.Errorf("approve without a key: %d, want 422 (already approved)", a.status)
	}
	// A refusal is kept as the answer too.
	bad := `{"programme":"NZL-IPCP-2012","title":"Old","date":"2025-01-10"}`
	r1, r2 := idemPost(t, st, st.token, "/api/v1/activities", "refused", bad), idemPost(t, st, st.token, "/api/v1/activities", "refused", bad)
	if r1.status != 422 || r2.status != 422 || r2.body != r1.body || r2.replayed != "true" {
		t.Errorf("refused, retried: %d then %d replayed %q", r1.status, r2.status, r2.replayed)
	}
	// The keys are in the store, for the principal.
	p, err := st.svc.AuthenticateToken(t.Context(), st.token)
	if err != nil {
		t.Fatal(err)
	}
	if k, err := st.svc.Store.FindIdempotencyKey(t.Context(), p.ID, "retry-a"); err != nil || !k.Done || k.Answer.Status != 201 {
		t.Errorf("stored key: %+v, %v", k, err)
	}
}

// TestOpenAPIDeclaresIdempotencyKey: every POST the router has under
// /api/v1/ takes the Idempotency-Key header, in the API's description.
func TestOpenAPIDeclaresIdempotencyKey(t *testing.T) {
	st := newStack(t)
	_, body := progDo(t, st, "GET", "/api/v1/openapi.json", "", "")
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string }
		}
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	posts := 0
	for _, pattern := range st.h.Routes() {
		method, path, _ := strings.Cut(pattern, " ")
		if method != "POST" || !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		posts++
		found := false
		for _, p := range doc.Paths[path]["post"].Parameters {
			found = found || (p.Name == "Idempotency-Key" && p.In == "header")
		}
		if !found {
			t.Errorf("%s: no Idempotency-Key header in the OpenAPI document", pattern)
		}
	}
	if posts == 0 {
		t.Error("no POST routes under /api/v1/")
	}
}
