package web_test

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// unfold undoes RFC 5545's line folding and splits the object into its
// content lines, failing t on a line not ended by CRLF or longer than 75
// octets.
func unfold(t *testing.T, ics string) []string {
	t.Helper()
	if !strings.HasSuffix(ics, "\r\n") {
		t.Fatalf("the feed does not end with CRLF: %q", ics[max(0, len(ics)-20):])
	}
	raw := strings.Split(strings.TrimSuffix(ics, "\r\n"), "\r\n")
	var lines []string
	for _, l := range raw {
		if strings.Contains(l, "\n") || strings.Contains(l, "\r") {
			t.Errorf("a bare line break in %q", l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("a fold inside a character: %q", l)
		}
		if len(l) > 75 {
			t.Errorf("a line of %d octets: %q", len(l), l)
		}
		if strings.HasPrefix(l, " ") && len(lines) > 0 {
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	return lines
}

// icalUnescape reads a TEXT value.
func icalUnescape(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\;`, ";", `\,`, ",", `\n`, "\n", `\N`, "\n").Replace(s)
}

// TestCalendarPages: the month and list views show the activities by date
// with their filters, a bad filter is a 400 naming it, and a programme's
// iCalendar feed parses back: CRLF, lines folded at 75 octets (never
// inside a character), text escaped, one event per activity known to the
// day with its UID, DTSTAMP, DTSTART and DTEND as DATE, and SUMMARY.
func TestCalendarPages(t *testing.T) {
	engines(t, testCalendarPages)
}

func testCalendarPages(t *testing.T, st *stack) {
	const prog = "NZL-ITPP-2024"
	title := `Cyber talks, part 1; "Wellington"` + "\n" + `day two \ three`
	long := "Ngā kōrero: a long course on maritime security in the Pacific, with exercises at sea and ashore"
	a, err := st.svc.ProposeActivity(operator(t), service.ProposeRequest{Programme: prog, Title: title, Location: "Wellington, NZ",
		From: entente.MustParseDate("2025-03-03"), To: entente.MustParseDate("2025-03-05")})
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.svc.ProposeActivity(operator(t), service.ProposeRequest{Programme: prog, Title: long, From: entente.MustParseDate("2025-03-20")})
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.svc.ProposeActivity(operator(t), service.ProposeRequest{Programme: prog, Title: "Staff talks sometime in April", From: entente.MustParseDate("2025-04")})
	if err != nil {
		t.Fatal(err)
	}

	res, body := get(t, nil, st.srv.URL+"/calendar?month=2025-03")
	if res.StatusCode != 200 || !strings.Contains(body, `href="/activities/`+a.ID+`"`) || !strings.Contains(body, `href="/activities/`+b.ID+`"`) ||
		strings.Contains(body, `href="/activities/`+c.ID+`"`) || !strings.Contains(pageTitle(body), "March 2025") {
		t.Fatalf("the month view: %d\n%s", res.StatusCode, between(body, "<main", "</main>"))
	}
	if !strings.Contains(body, `href="/calendar?month=2025-02"`) || !strings.Contains(body, `href="/calendar?month=2025-04"`) {
		t.Error("the month view does not link to the months before and after")
	}
	_, body = get(t, nil, st.srv.URL+"/calendar?month=2025-04&programme="+prog)
	if !strings.Contains(body, "Dated only to the month") || !strings.Contains(body, `href="/activities/`+c.ID+`"`) ||
		!strings.Contains(body, `href="/calendar?month=2025-05&amp;programme=`+prog+`"`) {
		t.Errorf("April, by programme: %s", between(body, "<main", "</main>"))
	}
	_, body = get(t, nil, st.srv.URL+"/calendar/list?partner=NZL&status=proposed")
	if ia, ib := strings.Index(body, "/activities/"+a.ID+`"`), strings.Index(body, "/activities/"+b.ID+`"`); ia < 0 || ib < ia {
		t.Errorf("the list view, by date: %s", between(body, "<main", "</main>"))
	}
	if _, body = get(t, nil, st.srv.URL+"/calendar/list?status=held"); strings.Contains(body, "/activities/"+a.ID+`"`) {
		t.Error("the list of held activities shows a proposed one")
	}
	for q, name := range map[string]string{"status=heldd": "status", "partner=XX": "partner", "partner=FRA": "partner", "programme=NOPE": "programme",
		"area=space": "area", "month=2025": "month", "month=2025-13": "month"} {
		res, body := get(t, nil, st.srv.URL+"/calendar?"+q)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(between(body, "<main", "</main>"), name) {
			t.Errorf("/calendar?%s: %d, want 400 naming %s\n%s", q, res.StatusCode, name, between(body, "<main", "</main>"))
		}
	}
	if _, body := get(t, nil, st.srv.URL+"/programmes/"+prog); !strings.Contains(body, `href="/programmes/`+prog+`/calendar.ics"`) {
		t.Error("the programme page does not link to its calendar feed")
	}

	res, ics := get(t, nil, st.srv.URL+"/programmes/"+prog+"/calendar.ics")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("the feed: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	lines := unfold(t, ics)
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" || !strings.Contains(ics, "VERSION:2.0\r\n") || !strings.Contains(ics, "PRODID:") {
		t.Fatalf("not an iCalendar object:\n%s", ics)
	}
	events := map[string]map[string]string{}
	var ev map[string]string
	for _, l := range lines {
		name, value, _ := strings.Cut(l, ":")
		switch {
		case l == "BEGIN:VEVENT":
			ev = map[string]string{}
		case l == "END:VEVENT":
			events[ev["UID"]] = ev
			ev = nil
		case ev != nil:
			ev[name] = value
		}
	}
	if len(events) != 2 || events[c.ID+"@entente"] != nil {
		t.Errorf("events %v: want %s's and %s's (%s is known only to the month)", len(events), a.ID, b.ID, c.ID)
	}
	ea := events[a.ID+"@entente"]
	if ea == nil || ea["DTSTART;VALUE=DATE"] != "20250303" || ea["DTEND;VALUE=DATE"] != "20250305" || icalUnescape(ea["SUMMARY"]) != title ||
		icalUnescape(ea["LOCATION"]) != "Wellington, NZ" || len(ea["DTSTAMP"]) != 16 || !strings.HasSuffix(ea["DTSTAMP"], "Z") ||
		!strings.HasSuffix(ea["URL"], "/activities/"+a.ID) || ea["STATUS"] != "TENTATIVE" {
		t.Errorf("%s's event: %q", a.ID, ea)
	}
	if !strings.Contains(ics, `SUMMARY:Cyber talks\, part 1\; "Wellington"\nday two \\ three`) {
		t.Errorf("the summary is not escaped:\n%s", ics)
	}
	if eb := events[b.ID+"@entente"]; eb == nil || icalUnescape(eb["SUMMARY"]) != long || eb["DTEND;VALUE=DATE"] != "20250321" {
		t.Errorf("%s's event, folded and unfolded: %q", b.ID, eb)
	}
	if res, _ := get(t, nil, st.srv.URL+"/programmes/NOPE/calendar.ics"); res.StatusCode != http.StatusNotFound {
		t.Errorf("the feed of no programme: %d, want 404", res.StatusCode)
	}
}
