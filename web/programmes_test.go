package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/dataset"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/service"
)

// progExport is the whole store as JSON, to check a refused step wrote
// nothing.
func progExport(t *testing.T, st *stack) string {
	t.Helper()
	ds, err := st.svc.Export(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := dataset.WriteJSON(&b, ds); err != nil {
		t.Fatal(err)
	}
	evs, err := st.svc.Store.FindAuditEvents(t.Context(), entente.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	b.WriteString(strings.Repeat("e", len(evs)))
	return b.String()
}

// progDo sends a request with a JSON (or other) body and returns the status
// and body. header is pairs of names and values.
func progDo(t *testing.T, st *stack, method, path, ctype, body string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, st.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if st.token != "" {
		req.Header.Set("Authorization", "Bearer "+st.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// versionOf is the ETag of a GET of path ("" if it answers none, as for
// a record that does not exist).
func versionOf(t *testing.T, st *stack, path string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", st.srv.URL+path, nil)
	if st.token != "" {
		req.Header.Set("Authorization", "Bearer "+st.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return ""
	}
	return res.Header.Get("ETag")
}

// TestActivityWorkflowAPI walks one activity of New Zealand's ITPP from
// proposed to reported through the JSON API, trying a refused step at each
// stage and checking that it left the store as it was.
func TestActivityWorkflowAPI(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testActivityWorkflowAPI(t, newStack(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testActivityWorkflowAPI(t, progStackPG(t)) })
}

// progStackPG is newStack over a PostgreSQL schema of its own.
func progStackPG(t *testing.T) *stack {
	t.Helper()
	return stackOn(t, pgtest.New(t))
}

func testActivityWorkflowAPI(t *testing.T, st *stack) {
	const id = "NZL-ITPP-2024-A001"
	steps := []struct {
		name, path, body string
		status           int
		want             string // fragment of the body
	}{
		{"ProposeUnderSuperseded", "/api/v1/activities", `{"programme":"NZL-IPCP-2012","title":"Old","date":"2025-01-10"}`, 422, "activity: propose refused"},
		{"Propose", "/api/v1/activities", `{"programme":"NZL-ITPP-2024","title":"Cyber defence staff talks","kind":"staff-talks","capacity":5,"from":"2025-02-01","date":"2025-01-10"}`, 201, `"status": "proposed"`},
		{"HoldBeforeApproval", "/api/v1/activities/" + id + "/hold", `{"date":"2025-01-11"}`, 422, "activity: hold refused"},
		{"InviteBeforeApproval", "/api/v1/activities/" + id + "/invite", `{"date":"2025-01-11","countries":["NZL"]}`, 422, "activity: invite refused"},
		{"Approve", "/api/v1/activities/" + id + "/approve", `{"date":"2025-01-12"}`, 200, `"status": "approved"`},
		{"ApproveTwice", "/api/v1/activities/" + id + "/approve", `{"date":"2025-01-12"}`, 422, "activity: approve refused"},
		{"InviteNonPartner", "/api/v1/activities/" + id + "/invite", `{"date":"2025-01-13","countries":["CHN"]}`, 422, "only members and partners of NATO may be invited"},
		{"InviteBadBody", "/api/v1/activities/" + id + "/invite", `{"date":"2025-01-13","country_list":["NZL"]}`, 400, "unknown field"},
		{"Invite", "/api/v1/activities/" + id + "/invite", `{"date":"2025-01-13","countries":["NZL","AUS","BEL"]}`, 200, `"status": "invitations-sent"`},
		{"RegisterNotInvited", "/api/v1/activities/" + id + "/register", `{"date":"2025-01-14","country":"JPN"}`, 422, "JPN was not invited"},
		{"Register", "/api/v1/activities/" + id + "/register", `{"date":"2025-01-14","country":"NZL","participants":3}`, 200, `"status": "registration-open"`},
		{"RegisterOverCapacity", "/api/v1/activities/" + id + "/register", `{"date":"2025-01-15","country":"AUS","participants":3}`, 422, "registration stops at capacity: 3 of 5"},
		{"RegisterToCapacity", "/api/v1/activities/" + id + "/register", `{"date":"2025-01-15","country":"AUS","participants":2}`, 200, `"participants": 2`},
		{"ReportBeforeHeld", "/api/v1/activities/" + id + "/report", `{"date":"2025-02-01","outcome":"x"}`, 422, "activity: report refused"},
		{"HoldBackdated", "/api/v1/activities/" + id + "/hold", `{"date":"2025-01-01"}`, 422, "before the registration of AUS (2025-01-15)"},
		{"HoldBeforeSchedule", "/api/v1/activities/" + id + "/hold", `{"date":"2025-01-20"}`, 422, "2025-01-20 is before the activity's scheduled start (2025-02-01)"},
		{"Hold", "/api/v1/activities/" + id + "/hold", `{"date":"2025-02-01"}`, 200, `"status": "held"`},
		{"ReportBeforeHeld", "/api/v1/activities/" + id + "/report", `{"date":"2025-01-31","outcome":"x"}`, 422, "before the activity (2025-02-01)"},
		{"CancelHeld", "/api/v1/activities/" + id + "/cancel", `{"date":"2025-02-02","reason":"too late"}`, 422, "only before it is held"},
		{"ReportWithoutOutcome", "/api/v1/activities/" + id + "/report", `{"date":"2025-02-03"}`, 400, "needs an outcome"},
		{"Report", "/api/v1/activities/" + id + "/report", `{"date":"2025-02-03","outcome":"Agreed a cyber exercise plan","participants":5,"feedback":"useful"}`, 200, `"status": "reported"`},
		{"ReportTwice", "/api/v1/activities/" + id + "/report", `{"date":"2025-02-04","outcome":"again"}`, 422, "activity: report refused"},
		{"UnknownStep", "/api/v1/activities/" + id + "/launch", `{}`, 404, "no activity step"},
		{"UnknownActivity", "/api/v1/activities/nope/approve", `{}`, 404, "unknown activity"},
	}
	for _, s := range steps {
		before := progExport(t, st)
		// A step is taken from the activity as read: its ETag, sent
		// back as If-Match.
		var header []string
		if rest, ok := strings.CutPrefix(s.path, "/api/v1/activities/"); ok {
			aid, _, _ := strings.Cut(rest, "/")
			header = []string{"If-Match", versionOf(t, st, "/api/v1/activities/"+aid)}
		}
		status, body := progDo(t, st, "POST", s.path, "application/json", s.body, header...)
		if status != s.status || !strings.Contains(body, s.want) {
			t.Fatalf("%s: status %d, want %d with %q:\n%s", s.name, status, s.status, s.want, body)
		}
		after := progExport(t, st)
		if status >= 400 && after != before {
			t.Fatalf("%s: the refused step changed the store", s.name)
		}
		if status < 400 && after == before {
			t.Fatalf("%s: the step changed nothing", s.name)
		}
	}
	status, body := progDo(t, st, "GET", "/api/v1/activities/"+id, "", "")
	var a entente.Activity
	if err := json.Unmarshal([]byte(body), &a); status != 200 || err != nil {
		t.Fatalf("GET activity: %d %v", status, err)
	}
	if a.Status != entente.ActivityReported || a.Registered() != 5 || a.Participants != 5 || strings.Join(a.Invited, ",") != "NZL,AUS,BEL" {
		t.Errorf("activity after the walk: %+v", a)
	}
	if strings.Join(a.Sources, ",") != service.WorkflowSource.ID {
		t.Errorf("activity sources: %v, want the audit log (%s)", a.Sources, service.WorkflowSource.ID)
	}
	// The store, workflow records included, still exports and imports whole.
	ds, err := st.svc.Export(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if probs := ds.Validate(); len(probs) > 0 {
		t.Errorf("the export after the walk does not validate: %v", probs)
	}
	evs, _ := st.svc.Store.FindAuditEvents(t.Context(), entente.AuditFilter{Limit: 1})
	if len(evs) != 1 || evs[0].Action != "activity.report" || evs[0].Key != id {
		t.Errorf("newest audit event %+v, want the report", evs)
	}
	for _, page := range []struct{ path, want string }{
		{"/activities/" + id, "Agreed a cyber exercise plan"},
		{"/programmes/NZL-ITPP-2024", "<svg"},
		{"/programmes/NZL-ITPP-2024", "Cyber defence staff talks"},
		{"/programmes/NZL-IPCP-2012/diff/NZL-ITPP-2024", "<del>Disaster relief</del>"},
		{"/api/v1/programmes/NZL-ITPP-2024/progress.svg", "<desc"},
		{"/api/v1/programmes/NZL-IPCP-2012/diff/NZL-ITPP-2024", `"op": "removed"`},
		{"/api/v1/programmes?partner=NZL", `"status": "superseded"`},
		{"/menu", "The menu is empty"},
	} {
		status, body := progDo(t, st, "GET", page.path, "", "")
		if status != 200 || !strings.Contains(body, page.want) {
			t.Errorf("GET %s: %d, want 200 with %q", page.path, status, page.want)
		}
	}
	checkProgressAddsUp(t, st)
	res, err := post(st.srv.URL+"/api/v1/activities", st.token, "application/json",
		`{"programme":"NZL-ITPP-2024","title":"Second","date":"2025-03-01"}`)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode != 201 || loc != "/api/v1/activities/NZL-ITPP-2024-A002" {
		t.Errorf("propose: status %d, Location %q; want 201 and the new activity's address", res.StatusCode, loc)
	}
}

// TestMenuAPI imports a menu as CSV through the API: a file with a bad line
// imports nothing and names the line and column; a good one imports all.
func TestMenuAPI(t *testing.T) {
	st := newStack(t)
	bad := "code,title,kind,provider,capacity,area\nPCM-1,Cyber course,course,NATO School,20,cyber-defence\nPCM-2,Party,party,NATO HQ,x,nowhere\n"
	before := progExport(t, st)
	status, body := progDo(t, st, "POST", "/api/v1/menu?name=menu.csv", "text/csv", bad)
	if status != 400 || !strings.Contains(body, `menu.csv:3: kind: \"party\" is not a kind`) || !strings.Contains(body, "menu.csv:3: capacity:") {
		t.Fatalf("bad menu: %d\n%s", status, body)
	}
	if progExport(t, st) != before {
		t.Fatal("a refused import changed the store")
	}
	unknownArea := "code,title,kind,provider,area\nPCM-1,Cyber course,course,NATO School,nowhere\n"
	status, body = progDo(t, st, "POST", "/api/v1/menu?name=menu.csv", "text/csv", unknownArea)
	if status != 400 || !strings.Contains(body, `menu.csv:2: area: unknown area`) {
		t.Fatalf("unknown area: %d\n%s", status, body)
	}
	good := "code,title,kind,provider,capacity,area,recurrence\nPCM-1,Cyber course,course,NATO School,20,cyber-defence,annual\nPCM-2,Partners' day,event,NATO HQ,,,\n"
	status, body = progDo(t, st, "POST", "/api/v1/menu?name=menu.csv", "text/csv", good)
	if status != 200 || !strings.Contains(body, `"imported": 2`) {
		t.Fatalf("good menu: %d\n%s", status, body)
	}
	status, body = progDo(t, st, "GET", "/api/v1/menu?format=csv", "", "")
	if status != 200 || !strings.Contains(body, "PCM-1,Cyber course,cyber-defence,course,NATO School,20,,,,annual,,") {
		t.Fatalf("menu CSV: %d\n%s", status, body)
	}
	// An activity from the menu takes the offer's title and capacity.
	status, body = progDo(t, st, "POST", "/api/v1/activities", "application/json", `{"programme":"NZL-ITPP-2024","offer":"PCM-1","date":"2025-03-01"}`)
	if status != 201 || !strings.Contains(body, `"title": "Cyber course"`) || !strings.Contains(body, `"capacity": 20`) {
		t.Fatalf("activity from the menu: %d\n%s", status, body)
	}
	status, body = progDo(t, st, "GET", "/menu", "", "")
	if status != 200 || !strings.Contains(body, "Partners&#39; day") {
		t.Errorf("menu page: %d", status)
	}
}

// checkProgressAddsUp: after the walk New Zealand's ITPP has three
// objectives, no goals and one reported activity serving no goal. The
// activity counts (progress was 0% when it was ignored); objectives with
// nothing to measure say so (they showed 0%); with a goal at 5 of 8 the
// programme is the mean of the parts shown (it showed 63%, the goal alone).
func checkProgressAddsUp(t *testing.T, st *stack) {
	t.Helper()
	progress := func() entente.ProgrammeProgress {
		t.Helper()
		status, body := progDo(t, st, "GET", "/api/v1/programmes/NZL-ITPP-2024/progress?as_of=2025-03-01", "", "")
		var p entente.ProgrammeProgress
		if err := json.Unmarshal([]byte(body), &p); status != 200 || err != nil {
			t.Fatalf("progress: %d %v", status, err)
		}
		return p
	}
	p := progress()
	if p.Activities.Total != 1 || p.Unassigned.Reported != 1 || !p.UnassignedMeasured || !p.Measured || p.Score != 1 {
		t.Errorf("progress with one reported activity serving no goal: %+v", p)
	}
	for _, o := range p.Objectives {
		if o.Measured {
			t.Errorf("objective %s is measured, with no goals", o.Code)
		}
	}
	status, body := progDo(t, st, "POST", "/api/v1/programmes/NZL-ITPP-2024/goals", "application/json",
		`{"code":"G1","objective":"climate-security","title":"Joint studies","indicators":[{"name":"studies","unit":"studies","baseline":0,"target":8,"current":5}]}`)
	if status != 200 {
		t.Fatalf("add goal: %d %s", status, body)
	}
	p = progress()
	var shown []float64
	for _, o := range p.Objectives {
		if o.Measured != (o.Code == "climate-security") {
			t.Errorf("objective %s measured %v", o.Code, o.Measured)
		}
		if o.Measured {
			shown = append(shown, o.Score)
		}
	}
	shown = append(shown, p.UnassignedScore)
	if len(shown) != 2 || shown[0] != 0.625 || p.Score != (shown[0]+shown[1])/2 {
		t.Errorf("programme %g from parts %v, want their mean, (0.625+1)/2", p.Score, shown)
	}
	// Activities count and show as they stood on the day.
	_, page := progDo(t, st, "GET", "/programmes/NZL-ITPP-2024?as_of=2025-01-05", "", "")
	if !strings.Contains(page, "No activities recorded.") {
		t.Errorf("programme page on 2025-01-05 shows activities proposed later")
	}
	_, body = progDo(t, st, "GET", "/api/v1/programmes/NZL-ITPP-2024?as_of=2025-01-05", "", "")
	if !strings.Contains(body, `"activity_count": 0`) {
		t.Errorf("API on 2025-01-05 counts activities proposed later")
	}
	_, page = progDo(t, st, "GET", "/programmes/NZL-ITPP-2024?as_of=2025-01-20", "", "")
	if text := pageText(page); !strings.Contains(text, "Cyber defence staff talks staff-talks registration-open") {
		t.Errorf("programme page on 2025-01-20 does not show the activity at its status then (registration-open)")
	}
	_, page = progDo(t, st, "GET", "/programmes/NZL-ITPP-2024?as_of=2025-03-01", "", "")
	text := pageText(page)
	for _, want := range []string{"How progress is computed", "Programme NZL-ITPP-2024 81% 1 1 0", "Climate change and security 63%",
		"not measured", "Activities serving no goal 100% 1 1 0"} {
		if !strings.Contains(text, want) {
			t.Errorf("programme page lacks %q", want)
		}
	}
}
