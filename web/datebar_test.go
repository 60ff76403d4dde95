package web_test

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var (
	hrefAttr = regexp.MustCompile(`href="(/[^"]*)"`)
	getForms = regexp.MustCompile(`(?s)<form[^>]*method="get"[^>]*>.*?</form>`)
)

// TestDateAlwaysVisible checks that every page that answers for a day says
// which, offers a plain GET form to change it that keeps the page's other
// parameters, and a permalink; and that once a day is asked for, the
// page's links to other pages and its GET forms keep it (issue 7).
func TestDateAlwaysVisible(t *testing.T) {
	engines(t, func(t *testing.T, st *stack) {
		today := human(t, st)
		for _, p := range sitePages() {
			// Search is not of a day: it finds records by their text.
			if slices.Contains([]string{"/privacy", "/stats", "/no-such-page", "/api/docs"}, p) || strings.Contains(p, "as_of=") || strings.HasPrefix(p, "/search") {
				continue
			}
			res, body := get(t, nil, st.srv.URL+p)
			if res.StatusCode != 200 {
				t.Errorf("%s: status %d", p, res.StatusCode)
				continue
			}
			bar := between(body, `<form class="asof" method="get"`, `</form>`)
			if bar == "" || !strings.Contains(bar, `name="as_of"`) || !strings.Contains(pageText(bar), "As of "+today+" (today)") {
				t.Errorf("%s: no date bar for today (%s): %q", p, today, bar)
			}
			if !strings.Contains(bar, "Permalink") || !strings.Contains(bar, "as_of=") {
				t.Errorf("%s: the date bar has no permalink with the day: %q", p, bar)
			}
			// Today's page links to today's pages: no day in its links.
			for _, m := range hrefAttr.FindAllStringSubmatch(strings.Replace(body, bar, "", 1), -1) {
				if strings.Contains(m[1], "as_of=") {
					t.Errorf("%s: today's page links to %s", p, m[1])
					break
				}
			}
		}

		_, body := get(t, nil, st.srv.URL+"/timeline?country=NZL&as_of=2013-05-01")
		bar := between(body, `<form class="asof" method="get"`, `</form>`)
		for _, want := range []string{`action="/timeline"`, `<input type="hidden" name="country" value="NZL">`, `value="2013-05-01"`,
			`href="/timeline?country=NZL">Back to today`, `href="/timeline?as_of=2013-05-01&amp;country=NZL"`} {
			if !strings.Contains(bar, want) {
				t.Errorf("the date bar of a past day lacks %q: %s", want, bar)
			}
		}
		if !strings.Contains(pageText(bar), "As of 1 May 2013") || strings.Contains(bar, "(today)") {
			t.Errorf("the date bar does not say the day asked for: %q", pageText(bar))
		}
		rest := strings.Replace(body, bar, "", 1)
		links := 0
		for _, m := range hrefAttr.FindAllStringSubmatch(rest, -1) {
			link := m[1]
			if strings.HasPrefix(link, "/static/") || strings.HasPrefix(link, "/api/") || link == "/privacy" || link == "/stats" ||
				strings.HasPrefix(link, "/login?back=") && strings.Contains(link, "as_of%3d2013-05-01") {
				continue
			}
			links++
			if !strings.Contains(link, "as_of=2013-05-01") {
				t.Errorf("a page as of 2013-05-01 links to %s without the day", link)
			}
		}
		if links < 10 {
			t.Errorf("only %d links checked", links)
		}
		for _, f := range getForms.FindAllString(rest, -1) {
			if !strings.Contains(f, `name="as_of" value="2013-05-01"`) {
				t.Errorf("a GET form loses the day: %.200s", f)
			}
		}
		// The day carried is the day shown: a programme page reached from
		// the timeline of 2013 shows 2013.
		_, prog := get(t, nil, st.srv.URL+"/programmes/NZL-IPCP-2012?as_of=2013-05-01")
		if !strings.Contains(pageText(between(prog, `<form class="asof"`, `</form>`)), "As of 1 May 2013") {
			t.Error("the programme page as of 2013 does not say so")
		}
	})
}

// human is today's date as the pages write it.
func human(t *testing.T, st *stack) string {
	t.Helper()
	d := st.svc.Today()
	return strings.TrimSpace(strings.Join([]string{itoa(d.Day), d.Month.String(), itoa(d.Year)}, " "))
}

func itoa(n int) string { return strconv.Itoa(n) }
