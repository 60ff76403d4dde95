package web

import (
	"bytes"
	"net/http"
	"net/url"
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

var dateBarStart = []byte(`<form class="asof"`)

// carryAsOf makes a page's links to other pages of the site, and its GET
// forms, carry the day (an as_of parameter). Links that do not depend on
// the day are left alone: static files, the API, privacy and statistics,
// signing in and the account (the sign-in link's back keeps the day).
// It works on the rendered page, so that every template's links, whoever
// wrote them, keep the day.
//
// It rewrites every href="/PATH[#FRAGMENT]" and adds a hidden as_of input
// after every <form ...> tag whose attributes hold method="get" (in any
// case). It scans the page once for each, without regular expressions:
// those cost a tenth of a partner page's time.
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
	return carryForms(carryLinks(page, day), day)
}

// carryLinks adds as_of=day to every local link of page that carries the
// day and has none.
func carryLinks(page []byte, day string) []byte {
	const open = `href="/`
	out := make([]byte, 0, len(page)+len(page)/8)
	for {
		i := bytes.Index(page, []byte(open))
		if i < 0 {
			break
		}
		start := i + len(`href="`)
		end := bytes.IndexByte(page[start:], '"') // the closing quote
		if end < 0 {
			break
		}
		end += start
		target := page[start:end]
		path, frag := target, []byte(nil)
		if h := bytes.IndexByte(target, '#'); h >= 0 {
			path, frag = target[:h], target[h:]
		}
		out = append(out, page[:start]...)
		out = append(out, path...)
		if carriesDay(string(path)) && !bytes.Contains(path, []byte("as_of=")) {
			if bytes.IndexByte(path, '?') >= 0 {
				out = append(out, "&amp;"...)
			} else {
				out = append(out, '?')
			}
			out = append(out, "as_of="...)
			out = append(out, day...)
		}
		out = append(out, frag...)
		out = append(out, '"')
		page = page[end+1:]
	}
	return append(out, page...)
}

// carryForms adds a hidden as_of input after every GET form's opening tag.
func carryForms(page []byte, day string) []byte {
	input := `<input type="hidden" name="as_of" value="` + day + `">`
	var out []byte
	rest := page
	for {
		i := indexFold(rest, "<form")
		if i < 0 {
			break
		}
		after := i + len("<form")
		if after < len(rest) && isWordByte(rest[after]) {
			out = append(out, rest[:after]...) // <formation>, say
			rest = rest[after:]
			continue
		}
		end := bytes.IndexByte(rest[after:], '>')
		if end < 0 {
			break
		}
		end += after + 1
		out = append(out, rest[:end]...)
		if isGet(rest[after : end-1]) {
			out = append(out, input...)
		}
		rest = rest[end:]
	}
	if out == nil {
		return page
	}
	return append(out, rest...)
}

// isGet reports whether a tag's attributes hold method="get", in any case,
// as a word of its own.
func isGet(attrs []byte) bool {
	for off := 0; ; {
		i := indexFold(attrs[off:], `method="get"`)
		if i < 0 {
			return false
		}
		i += off
		if i == 0 || !isWordByte(attrs[i-1]) {
			return true
		}
		off = i + 1
	}
}

// indexFold is the index of the first match of lower (ASCII, lower case)
// in b, ignoring ASCII case; -1 if none.
func indexFold(b []byte, lower string) int {
	for i := 0; i+len(lower) <= len(b); i++ {
		j := 0
		for j < len(lower) && isFoldable(lower[j], b[i+j]) {
			j++
		}
		if j == len(lower) {
			return i
		}
	}
	return -1
}

// isFoldable reports whether c matches want ignoring ASCII case: letters
// fold, and any other byte only matches itself.
func isFoldable(want, c byte) bool {
	if 'a' <= want && want <= 'z' {
		return c|0x20 == want
	}
	return c == want
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
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
