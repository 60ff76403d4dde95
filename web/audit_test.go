package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/browsertest"
	"github.com/entente/entente/service"
	"github.com/entente/entente/web"
)

// auditStack serves the default dataset with a few audited changes. Each
// request acts as the principal as(r) names ("staff", "reader" or "" for
// the public), through an API token of that role, as a client would.
func auditStack(t *testing.T, as func(r *http.Request) string) (string, *service.Service) {
	t.Helper()
	svc := openService(t, filepath.Join(t.TempDir(), "entente.db"))
	ctx := t.Context()
	for i, e := range []entente.AuditEvent{
		{Actor: "user:7", Address: "192.0.2.9", Action: "activity.propose", Entity: "activity", Key: "NZL-ITPP-2024-A1",
			After: json.RawMessage(`{"id":"NZL-ITPP-2024-A1","title":"Cyber defence course","status":"proposed"}`)},
		{Actor: "user:9", Address: "2001:db8::5", Action: "activity.approve", Entity: "activity", Key: "NZL-ITPP-2024-A1",
			Before: json.RawMessage(`{"id":"NZL-ITPP-2024-A1","title":"Cyber defence course","status":"proposed"}`),
			After:  json.RawMessage(`{"id":"NZL-ITPP-2024-A1","title":"Cyber defence course","status":"approved","approved":"2026-11-30"}`)},
		{Actor: "user:7", Action: "goal.put", Entity: "goal", Key: "NZL-ITPP-2024 g1",
			Before: json.RawMessage(`{"indicators":[{"name":"courses","target":4}]}`), After: json.RawMessage(`{"indicators":[{"name":"courses","target":6}]}`)},
	} {
		err := svc.Store.Update(ctx, func(tx entente.Tx) error { return tx.AddAuditEvent(ctx, &e) })
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	tokens := map[string]string{
		"staff":  tokenFor(t, svc, "auditstaff", entente.RoleStaff, "", entente.ScopeRead),
		"reader": tokenFor(t, svc, "auditreader", entente.RoleReader, "", entente.ScopeRead),
	}
	h, err := web.New(svc, web.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ch := checked(t, h)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := tokens[as(r)]; tok != "" && r.Header.Get("X-Own-Token") == "" {
			r.Header.Set("Authorization", "Bearer "+tok)
		}
		ch.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, svc
}

// byHeader names the principal the request's X-Test-Principal asks for.
func byHeader(r *http.Request) string { return r.Header.Get("X-Test-Principal") }

// asStaff acts as staff on every request.
func asStaff(*http.Request) string { return "staff" }

// TestAuditAccess: the audit log's page and API answer staff only: 401 to
// the public, 403 to a reader, and never from the cache.
func TestAuditAccess(t *testing.T) {
	base, _ := auditStack(t, byHeader)
	for _, p := range []string{"/audit", "/api/v1/audit", "/api/v1/audit/verify", "/audit?actor=user:7", "/api/v1/audit?entity=activity"} {
		for _, c := range []struct {
			who  string
			want int
		}{{"", 401}, {"reader", 403}, {"staff", 200}, {"", 401}} {
			res, body := get(t, nil, base+p, "X-Test-Principal", c.who)
			if res.StatusCode != c.want {
				t.Errorf("%s as %q: %d, want %d: %.200s", p, c.who, res.StatusCode, c.want, body)
			}
			if c.want == 200 && res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: Cache-Control %q, want no-store", p, res.Header.Get("Cache-Control"))
			}
			if c.want != 200 && strings.Contains(body, "NZL-ITPP-2024-A1") {
				t.Errorf("%s as %q shows the log: %.200s", p, c.who, body)
			}
		}
	}
}

// TestAuditAPI: events newest first, filtered by record and by actor, a
// page at a time; before and after are JSON objects (null when none), with
// the fields that changed.
func TestAuditAPI(t *testing.T) {
	base, svc := auditStack(t, asStaff)
	var page struct {
		Events []map[string]json.RawMessage
		Next   string
	}
	fetch := func(path string) {
		t.Helper()
		res, body := get(t, nil, base+path)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, res.StatusCode, body)
		}
		page.Events, page.Next = nil, ""
		if err := json.Unmarshal([]byte(body), &page); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	ids := func() string {
		var out []string
		for _, e := range page.Events {
			out = append(out, string(e["id"]))
		}
		return strings.Join(out, " ")
	}
	fetch("/api/v1/audit?entity=activity&key=NZL-ITPP-2024-A1")
	if ids() != "3 2" {
		t.Fatalf("events of NZL-ITPP-2024-A1: %s, want 3 2", ids())
	}
	approve := page.Events[0]
	for _, f := range []string{"before", "after"} {
		var obj map[string]any
		if err := json.Unmarshal(approve[f], &obj); err != nil || obj["status"] == nil {
			t.Errorf("%s: %s, want a JSON object with the record's status (%v)", f, approve[f], err)
		}
	}
	if string(page.Events[1]["before"]) != "null" {
		t.Errorf("a proposal's before: %s, want null", page.Events[1]["before"])
	}
	var changes []entente.AuditChange
	json.Unmarshal(approve["changes"], &changes)
	if fmt.Sprint(changes) != "[{approved  2026-11-30 true false} {status proposed approved false false}]" {
		t.Errorf("changes: %+v", changes)
	}
	if string(approve["actor"]) != `"user:9"` || string(approve["address"]) != `"2001:db8::5"` || len(approve["hash"]) != 66 || len(approve["prev_hash"]) != 66 {
		t.Errorf("who, where and the chain: %s %s %s %s", approve["actor"], approve["address"], approve["hash"], approve["prev_hash"])
	}

	fetch("/api/v1/audit?actor=user:7&limit=1")
	if ids() != "4" || page.Next != "/api/v1/audit?actor=user%3A7&before=4&limit=1" {
		t.Errorf("user:7's first page: %s, next %q", ids(), page.Next)
	}
	fetch(page.Next)
	if ids() != "2" || page.Next != "" {
		t.Errorf("user:7's second page: %s, next %q; want event 2 and no next page", ids(), page.Next)
	}

	res, body := get(t, nil, base+"/api/v1/audit/verify")
	var c entente.AuditCheck
	all, err := svc.Store.FindAuditEvents(t.Context(), entente.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if json.Unmarshal([]byte(body), &c); res.StatusCode != 200 || !c.OK() || c.Events != int64(len(all)) || len(all) < 4 {
		t.Errorf("verify: %d %s, want all %d events verified", res.StatusCode, body, len(all))
	}
	for _, q := range []string{"before=x", "limit=0", "limit=501", "before=-1", "who=me"} {
		if res, body := get(t, nil, base+"/api/v1/audit?"+q); res.StatusCode != 400 {
			t.Errorf("?%s: %d, want 400: %s", q, res.StatusCode, body)
		}
	}
}

// TestAuditPage: the page lists the events with a readable diff, links to
// each record's and each actor's events, and pages on.
func TestAuditPage(t *testing.T) {
	base, _ := auditStack(t, asStaff)
	res, body := get(t, nil, base+"/audit")
	if res.StatusCode != 200 {
		t.Fatalf("/audit: %d", res.StatusCode)
	}
	for _, want := range []string{
		`<h1>Audit log</h1>`,
		`href="/audit?entity=activity&amp;key=NZL-ITPP-2024-A1"`,
		`href="/audit?actor=user%3A9"`,
		`from 2001:db8::5`,
		`<th scope="row"><code>status</code></th><td><del>proposed</del></td><td><ins>approved</ins></td>`,
		`<th scope="row"><code>indicators[0].target</code></th><td><del>4</del></td><td><ins>6</ins></td>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/audit lacks %s", want)
		}
	}
	_, body = get(t, nil, base+"/audit?entity=goal&key=NZL-ITPP-2024+g1")
	if n := strings.Count(body, `<article class="audit-event"`); n != 1 || !strings.Contains(body, "Show the whole log") {
		t.Errorf("/audit for one goal: %d events", n)
	}
	_, body = get(t, nil, base+"/audit?actor=nobody")
	if !strings.Contains(body, "No audit event matches these filters.") {
		t.Errorf("/audit for an actor with no events: %.300s", body)
	}
}

// TestAuditBrowser: axe-core finds no WCAG 2.2 A/AA violation on the audit
// page at a phone's width and a laptop's, nor anything past the viewport.
func TestAuditBrowser(t *testing.T) {
	b := browsertest.New(t)
	base, _ := auditStack(t, asStaff)
	for _, width := range []int64{390, 1280} {
		for _, p := range []string{"/audit", "/audit?entity=activity&key=NZL-ITPP-2024-A1", "/audit?actor=nobody"} {
			ctx := b.NewContext(t)
			if err := browsertest.SetViewport(ctx, width, 800); err != nil {
				t.Fatal(err)
			}
			vs, err := browsertest.Axe(ctx, base+p)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if len(vs) > 0 {
				t.Errorf("%s at %d px: %s", p, width, browsertest.FormatViolations(vs))
			}
			ps, err := browsertest.Layout(ctx)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if len(ps) > 0 {
				t.Errorf("%s at %d px:%s", p, width, browsertest.FormatLayout(ps))
			}
		}
	}
}

// TestAuditWho: a write through the API is audited as the token's
// principal, from the client's address.
func TestAuditWho(t *testing.T) {
	base, svc := auditStack(t, asStaff)
	tok := tokenFor(t, svc, "planner", entente.RoleStaff, "", entente.ScopeWrite)
	req, _ := http.NewRequest("POST", base+"/api/v1/programmes/NZL-ITPP-2024/reviews", strings.NewReader(`{"note":"a look"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	// The test's server puts the staff reader's token on every request:
	// this one goes to the handler underneath with its own.
	req.Header.Set("X-Own-Token", "1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 201 && res.StatusCode != 200 {
		t.Fatalf("review: %d", res.StatusCode)
	}
	evs, err := svc.Store.FindAuditEvents(t.Context(), entente.AuditFilter{Limit: 1})
	if err != nil || len(evs) != 1 {
		t.Fatal(evs, err)
	}
	e := evs[0]
	if e.Action != "programme.review" || !strings.HasPrefix(e.Actor, "token:") || !strings.HasPrefix(e.Address, "127.0.0.1") || e.Before != nil || len(e.After) == 0 || e.After[0] != '{' {
		t.Errorf("the review's event: %+v; want the token as actor, the client's address, no before and an object after", e)
	}
}
