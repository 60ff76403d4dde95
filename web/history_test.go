package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// TestHistoryPage: an activity's page links to its history, which lists
// each step as a version with what changed; staff see who made it, the
// public does not; a day marks the version in force; the API answers the
// same versions; an unknown kind or record is 404.
func TestHistoryPage(t *testing.T) {
	engines(t, func(t *testing.T, st *stack) {
		acct, err := st.svc.AddUser(operator(t), service.UserRequest{Name: "hana", Role: entente.RoleStaff, Password: "a test password of some length"})
		if err != nil {
			t.Fatal(err)
		}
		actor := fmt.Sprintf("user:%d", acct.ID)
		ctx := entente.WithPrincipal(t.Context(), &entente.Principal{Kind: entente.PrincipalUser, ID: actor, Name: "hana", Role: entente.RoleStaff})
		a, err := st.svc.ProposeActivity(ctx, service.ProposeRequest{Programme: "NZL-ITPP-2024", Title: "Maritime exercise planning", Capacity: 8})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.svc.StepActivity(ctx, entente.StepCancel, service.ActivityRequest{ID: a.ID, Reason: "the ship was needed elsewhere"}); err != nil {
			t.Fatal(err)
		}
		_, page := get(t, nil, st.srv.URL+"/activities/"+a.ID)
		href := "/history/activity/" + a.ID
		if !strings.Contains(page, `href="`+href+`"`) {
			t.Fatalf("the activity page does not link to %s", href)
		}

		res, body := get(t, nil, st.srv.URL+href, "Authorization", "Bearer "+st.token)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("staff GET %s: %d", href, res.StatusCode)
		}
		text := pageText(body)
		for _, want := range []string{"Version 1: activity.propose", "Version 2: activity.cancel", "hana (" + actor + ")", "the ship was needed elsewhere", "Maritime exercise planning"} {
			if !strings.Contains(text, want) {
				t.Errorf("staff's history lacks %q", want)
			}
		}
		if !strings.Contains(body, `<del>proposed</del>`) || !strings.Contains(body, `<ins>cancelled</ins>`) {
			t.Error("the history does not show the status before and after the cancellation")
		}

		_, public := get(t, nil, st.srv.URL+href)
		if strings.Contains(public, actor) || strings.Contains(public, "hana") || !strings.Contains(pageText(public), "Version 2: activity.cancel") {
			t.Error("the public's history names who made the change, or lacks the versions")
		}

		// A day before the activity: no version yet; today: the last.
		_, before := get(t, nil, st.srv.URL+href+"?as_of=2001-01-01")
		if !strings.Contains(pageText(before), "had not been written yet") {
			t.Error("as of 2001 the history does not say the record was not yet written")
		}
		_, today := get(t, nil, st.srv.URL+href+"?as_of="+st.svc.Today().String())
		if !strings.Contains(today, `href="#v2"`) || !strings.Contains(today, `class="version in-force"`) {
			t.Error("as of today the history does not mark version 2 as in force")
		}

		res, body = get(t, nil, st.srv.URL+"/api/v1"+href)
		var h service.RecordHistory
		if err := json.Unmarshal([]byte(body), &h); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("API: %d %v", res.StatusCode, err)
		}
		if len(h.Versions) != 2 || h.Versions[1].Action != "activity.cancel" || h.Versions[1].Actor != "" {
			t.Errorf("API history for the public: %+v", h.Versions)
		}

		// An imported record starts with the import.
		_, prog := get(t, nil, st.srv.URL+"/history/programme/NZL-ITPP-2024")
		if !strings.Contains(pageText(prog), "Version 1: import") {
			t.Error("the imported programme's history does not start with the import")
		}
		for _, u := range []string{"/history/account/hana", "/history/activity/NOPE-1", "/history/goal/NZL-ITPP-2024/NOPE", "/api/v1/history/membership/XXX"} {
			if res, _ := get(t, nil, st.srv.URL+u); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", u, res.StatusCode)
			}
		}
	})
}
