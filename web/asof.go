package web

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/entente/entente"
)

// The day a page answers for is always on the page (the date bar under the
// header), with a plain GET form to ask for another and a permalink to this
// one; and once a reader has asked for a day, every link they follow keeps
// it (carryAsOf), so the site reads as of that day until they go back to
// today.

// dateBar is what the layout shows of the day: the day, whether it is
// today, a form to change it that keeps the page's other parameters, and
// links to the same page today and on this day for good.
type dateBar struct {
	Day       entente.Date
	IsToday   bool
	Action    string
	Keep      []hiddenInput
	TodayHref string
	Permalink string
}

type hiddenInput struct{ Name, Value string }

// dateBarOf gives the layout's date bar for a page, or nil for a page that
// does not depend on the day (privacy, visit statistics) or for data that
// is not a page.
func dateBarOf(v any) *dateBar {
	p, ok := v.(page)
	if pv, isProfile := v.(*ProfileView); isProfile {
		p, ok = pv.day, true
	}
	if !ok || p.Timeless || p.url == nil {
		return nil
	}
	day := shownDay(p)
	b := &dateBar{Day: day, IsToday: day == p.Today, Action: p.url.Path}
	q := p.url.Query()
	q.Del("as_of")
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range q[name] {
			b.Keep = append(b.Keep, hiddenInput{name, v})
		}
	}
	b.TodayHref = withQuery(p.url.Path, q)
	q.Set("as_of", day.String())
	b.Permalink = withQuery(p.url.Path, q)
	return b
}

func withQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// carriedDay is the as-of day a request asked for, as written in its
// query, when it is a valid day other than today; "" otherwise.
func carriedDay(r *http.Request, today entente.Date) string {
	s := r.URL.Query().Get("as_of")
	d, err := entente.ParseDate(s)
	if s == "" || err != nil || d == today {
		return ""
	}
	return d.String()
}

var (
	dateBarStart = []byte(`<form class="asof"`)
	localHref    = regexp.MustCompile(`href="(/[^"#]*)(#[^"]*)?"`)
	getForm      = regexp.MustCompile(`(?i)<form\b[^>]*\bmethod="get"[^>]*>`)
)

// carryAsOf makes a page's links to other pages of the site, and its GET
// forms, carry the day (an as_of parameter). Links that do not depend on
// the day are left alone: static files, the API, privacy and statistics,
// signing in and the account (the sign-in link's back keeps the day).
// It works on the rendered page, so that every template's links, whoever
// wrote them, keep the day.
func carryAsOf(page []byte, day string) []byte {
	if day == "" {
		return page
	}
	// The date bar's links and form set the day themselves.
	if i := bytes.Index(page, dateBarStart); i >= 0 {
		if j := bytes.Index(page[i:], []byte("</form>")); j >= 0 {
			j += i + len("</form>")
			return slices.Concat(carryAsOf(page[:i], day), page[i:j], carryAsOf(page[j:], day))
		}
	}
	param := "as_of=" + day
	page = localHref.ReplaceAllFunc(page, func(m []byte) []byte {
		sub := localHref.FindSubmatch(m)
		path, frag := string(sub[1]), string(sub[2])
		if !carriesDay(path) || strings.Contains(path, "as_of=") {
			return m
		}
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&amp;"
		}
		return []byte(`href="` + path + sep + param + frag + `"`)
	})
	return getForm.ReplaceAllFunc(page, func(m []byte) []byte {
		return slices.Concat(m, []byte(`<input type="hidden" name="as_of" value="`+day+`">`))
	})
}

// carriesDay reports whether a link to path should keep the day.
func carriesDay(path string) bool {
	for _, p := range []string{"/static/", "/api/", "/privacy", "/stats", "/consent", "/metrics", "/healthz", "/readyz",
		"/login", "/logout", "/account", "/setup"} {
		if strings.HasPrefix(path, p) {
			return false
		}
	}
	return true
}
