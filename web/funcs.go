package web

import (
	"fmt"
	"html/template"
	"reflect"
	"slices"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/words"
)

// funcs are the template functions. "head" takes a title: a string, or any
// value with a Title field or method, so {{template "head" "Members"}} and
// {{template "head" .}} both work.
func (s *Server) funcs() template.FuncMap {
	fm := template.FuncMap{
		"join":        strings.Join,
		"href":        href,
		"asset":       s.assets.URL,
		"title":       pageTitle,
		"human":       human,
		"factHref":    factHref,
		"since":       sinceText,
		"lower":       strings.ToLower,
		"year":        func(d entente.Date) int { return d.Year },
		"add":         func(a, b int) int { return a + b },
		"period":      humanPeriod,
		"list":        andList,
		"dict":        dict,
		"level":       Level,
		"when":        when,
		"place":       place,
		"places":      places,
		"plural":      plural,
		"day":         shownDay,
		"datebar":     dateBarOf,
		"wikidataURL": entente.WikidataURL,
		"jsonld":      jsonLDOf,
		"csrf":        func() string { return csrfMarker },
		"has":         slices.Contains[[]string],
	}
	for k, v := range extraFuncs {
		if _, taken := fm[k]; !taken {
			fm[k] = v
		}
	}
	return fm
}

// extraFuncs are more template functions, for pages defined in other files
// of this package (the programme pages add theirs from an init function).
// They cannot replace the ones above.
var extraFuncs = template.FuncMap{}

// pageTitle finds a page's title in the value given to "head".
func pageTitle(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case interface{ PageTitle() string }:
		return t.PageTitle()
	case nil:
		return "entente"
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() == reflect.Struct {
		if f := rv.FieldByName("Title"); f.IsValid() && f.Kind() == reflect.String {
			return f.String()
		}
	}
	return "entente"
}

// human writes a date as a reader would, to its precision: "9 July 2024",
// "July 2024", "2024".
func human(d entente.Date) string {
	switch d.Precision() {
	case entente.PrecisionDay:
		return fmt.Sprintf("%d %s %d", d.Day, d.Month, d.Year)
	case entente.PrecisionMonth:
		return fmt.Sprintf("%s %d", d.Month, d.Year)
	case entente.PrecisionYear:
		return fmt.Sprint(d.Year)
	}
	return ""
}

func humanPeriod(p entente.Period) string {
	switch {
	case p.From.IsZero() && p.To.IsZero():
		return ""
	case p.To.IsZero():
		return "from " + human(p.From)
	case p.From == p.To:
		return human(p.From)
	}
	return human(p.From) + " to " + human(p.To)
}

// andList joins names as prose: "A", "A and B", "A, B and C".
func andList(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m
}

// when is "on 4 June 2012" for a day, "in June 2012" or "in 2012" otherwise.
func when(d entente.Date) string {
	if d.Precision() == entente.PrecisionDay {
		return "on " + human(d)
	}
	return "in " + human(d)
}

// place puts "the" before a place name that takes it in English: seas,
// gulfs, oceans and regions named after them ("the Arabian Gulf", "the
// Mediterranean Sea"), but not countries ("Afghanistan").
func place(name string) string {
	for _, w := range []string{" Sea", " Gulf", " Ocean", "Gulf ", "Horn ", "Balkans", "Baltic", "Mediterranean"} {
		if strings.Contains(" "+name+" ", w) && !strings.HasPrefix(name, "the ") {
			return "the " + name
		}
	}
	return name
}

func places(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = place(n)
	}
	return out
}

// plural counts n things in English: "1 activity", "2 activities", "0
// offers". The plural form is the singular with an "s" unless given.
// n may be any integer type, as templates pass what the data holds.
func plural(n any, singular string, pluralForm ...string) string {
	var k int64
	switch v := n.(type) {
	case int:
		k = int64(v)
	case int64:
		k = v
	case int32:
		k = int64(v)
	case uint64:
		k = int64(v)
	case uint:
		k = int64(v)
	default:
		return fmt.Sprint(n) + " " + singular
	}
	return words.Count(k, singular, pluralForm...)
}

// sinceText says when a record began: "since 12 June 1995", or, when the
// sources give no start and it is bounded by its framework's or alliance's,
// "since 2006 at the earliest (the framework's start; the exact date is not
// recorded)". Empty when nothing is known.
func sinceText(st entente.Start) string {
	if st.Since.IsZero() {
		return ""
	}
	if st.Bound == "" {
		return "since " + human(st.Since)
	}
	what := "the framework's start"
	if st.Bound == entente.BoundAlliance {
		what = "the alliance's founding"
	}
	return "since " + human(st.Since) + " at the earliest (" + what + "; the exact date is not recorded)"
}

// shownDay is the day a page answers for: its as-of day, or today when
// none was asked for. v is the page, as given to the templates.
func shownDay(v any) entente.Date {
	p, ok := v.(page)
	if !ok {
		return entente.Date{}
	}
	if p.AsOf.IsZero() {
		return p.Today
	}
	return p.AsOf
}
