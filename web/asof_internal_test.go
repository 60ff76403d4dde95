package web

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// carryAsOfRegexp is carryAsOf as it was first written, with regular
// expressions: the specification the scanner must keep to.
func carryAsOfRegexp(page []byte, day string) []byte {
	localHref := regexp.MustCompile(`href="(/[^"#]*)(#[^"]*)?"`)
	getForm := regexp.MustCompile(`(?i)<form\b[^>]*\bmethod="get"[^>]*>`)
	if day == "" {
		return page
	}
	if i := bytes.Index(page, dateBarStart); i >= 0 {
		if j := bytes.Index(page[i:], []byte("</form>")); j >= 0 {
			j += i + len("</form>")
			return slices.Concat(carryAsOfRegexp(page[:i], day), page[i:j], carryAsOfRegexp(page[j:], day))
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

var carrySeeds = []string{
	`<a href="/partners/NZL">NZ</a> <a href="/api/v1/x">api</a> <a href="/programmes?x=1#top">p</a>`,
	`<a href="/x?as_of=2020-01-01">kept</a><a href="https://example.org/">out</a><a href="#frag">in</a>`,
	`<form method="get" action="/search"><input name="q"></form><FORM METHOD="GET">` + `<form method="post">`,
	`<form class="asof" method="get"><a href="/x">bar</a></form><a href="/y#z#w">after</a>`,
	`<formation method="get"> <form xmethod="get"> <form data-x="1" method="get" id="f"> <form method="get"`,
	`<a data-href="/x">d</a> <a href="/unclosed`,
	`<a href="/a"href="/b"><form	method="get">`,
}

// TestCarryAsOf checks the scanner against the regular expressions on
// pages like the site's.
func TestCarryAsOf(t *testing.T) {
	for _, page := range carrySeeds {
		got, want := carryAsOf([]byte(page), "2019-05-01"), carryAsOfRegexp([]byte(page), "2019-05-01")
		if !bytes.Equal(got, want) {
			t.Errorf("carryAsOf(%q)\n got %q\nwant %q", page, got, want)
		}
	}
}

// FuzzCarryAsOf checks the scanner against the regular expressions on any
// page.
func FuzzCarryAsOf(f *testing.F) {
	for _, s := range carrySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, page string) {
		got, want := carryAsOf([]byte(page), "2019-05-01"), carryAsOfRegexp([]byte(page), "2019-05-01")
		if !bytes.Equal(got, want) {
			t.Errorf("carryAsOf(%q)\n got %q\nwant %q", page, got, want)
		}
	})
}
