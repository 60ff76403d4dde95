package web

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/entente/entente"
)

// Lists that scale (issue 11, item 2). Every list of the API answers a page
// at a time: ?limit= items (100 by default, at most 1,000) in a stable
// order, and, when more follow, a Link header (RFC 8288) with rel="next"
// whose address carries an opaque ?cursor= for the next page. The body stays
// the JSON array it always was, so a client that reads one page reads the
// first hundred items as before. ?sort= orders a list by one of the fields
// it declares (a leading "-" reverses it), ties broken by the list's own
// order; an unknown sort, limit or cursor is a 400 naming it. CSV answers
// (Accept: text/csv) come in the same pages, with the same Link.

const (
	defaultPageSize = 100
	maxPageSize     = 1000
)

// listSorts are the API's lists, by route pattern, with the JSON fields
// each may be sorted by.
var listSorts = map[string][]string{
	"GET /api/v1/alliances":                       {"code", "name"},
	"GET /api/v1/alliances/{code}/members":        {"code", "name", "region", "joined"},
	"GET /api/v1/alliances/{code}/partners":       {"code", "name", "region"},
	"GET /api/v1/programmes":                      {"id", "agreed", "status"},
	"GET /api/v1/programmes/{id}/activities":      nil, // by id: storePaged
	"GET /api/v1/menu":                            {"code", "title", "area", "kind"},
	"GET /api/v1/sources":                         {"id", "title", "publisher"},
	"GET /api/v1/countries":                       {"code", "name", "region", "subregion"},
	"GET /api/v1/alliances/{code}/frameworks":     {"code", "name", "from"},
	"GET /api/v1/alliances/{code}/groups":         {"code", "name", "since"},
	"GET /api/v1/alliances/{code}/operations":     {"code", "name", "from", "kind", "theatre"},
	"GET /api/v1/alliances/{code}/meetings":       {"id", "name", "from", "kind", "city"},
	"GET /api/v1/alliances/{code}/defence-events": {"id", "date", "article"},
}

// storePaged are the lists read from the store a page at a time, in key
// order, rather than paged by pageList: their cursor is the last key.
var storePaged = map[string]bool{"GET /api/v1/programmes/{id}/activities": true}

func init() {
	for p, fields := range listSorts {
		params := []queryParam{{Name: "limit"}, {Name: "cursor"}}
		if len(fields) > 0 {
			var values []string
			for _, f := range fields {
				values = append(values, f, "-"+f)
			}
			params = append(params, queryParam{Name: "sort", Values: values})
		}
		queryParams[p] = append(queryParams[p], params...)
	}
}

// pageRequest is a list request's page: how many items, and where the
// page starts (an offset into the list, or for a list read from the store
// a page at a time, the key after which it starts).
type pageRequest struct {
	limit  int
	offset int
	after  string
}

// pageOf reads ?limit= and ?cursor=.
func pageOf(r *http.Request) (pageRequest, error) {
	q := r.URL.Query()
	p := pageRequest{limit: defaultPageSize}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPageSize {
			return p, entente.Errorf(entente.EINVALID, "limit %q: want a whole number from 1 to %d", s, maxPageSize)
		}
		p.limit = n
	}
	if c := q.Get("cursor"); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		bad := entente.Errorf(entente.EINVALID, "cursor %q: not a cursor this list gave; start again without one", c)
		if err != nil || len(b) < 2 {
			return p, bad
		}
		switch kind, v := b[0], string(b[1:]); kind {
		case 'o':
			if p.offset, err = strconv.Atoi(v); err != nil || p.offset < 0 {
				return p, bad
			}
		case 'k':
			p.after = v
		default:
			return p, bad
		}
	}
	return p, nil
}

// setNext sets the Link header to the next page, which starts at the
// cursor made of kind ('o' offset, 'k' key) and value.
func setNext(w http.ResponseWriter, r *http.Request, kind byte, value string) {
	q := r.URL.Query()
	q.Set("cursor", base64.RawURLEncoding.EncodeToString(append([]byte{kind}, value...)))
	u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
	w.Header().Set("Link", "<"+u.String()+`>; rel="next"`)
}

// pageList sorts the list v (a slice) as ?sort= asks and answers the page
// ?limit= and ?cursor= ask for, setting Link to the next one.
func pageList(w http.ResponseWriter, r *http.Request, v any) (any, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Slice {
		return v, nil
	}
	p, err := pageOf(r)
	if err != nil {
		return nil, err
	}
	if p.after != "" {
		return nil, entente.Errorf(entente.EINVALID, "cursor: not a cursor this list gave; start again without one")
	}
	if s := r.URL.Query().Get("sort"); s != "" {
		rv = sortByField(rv, s)
	}
	n := rv.Len()
	start := min(p.offset, n)
	end := min(start+p.limit, n)
	if end < n {
		setNext(w, r, 'o', strconv.Itoa(end))
	}
	return rv.Slice(start, end).Interface(), nil
}

// sortByField returns a sorted copy of the slice rv, by the struct field
// whose JSON name is field ("-field": descending), stably.
func sortByField(rv reflect.Value, field string) reflect.Value {
	desc := strings.HasPrefix(field, "-")
	field = strings.TrimPrefix(field, "-")
	out := reflect.MakeSlice(rv.Type(), rv.Len(), rv.Len())
	reflect.Copy(out, rv)
	items := make([]reflect.Value, out.Len())
	for i := range items {
		items[i] = reflect.ValueOf(out.Index(i).Interface())
	}
	slices.SortStableFunc(items, func(a, b reflect.Value) int {
		c := cmpValues(jsonField(a, field), jsonField(b, field))
		if desc {
			return -c
		}
		return c
	})
	sorted := reflect.MakeSlice(rv.Type(), len(items), len(items))
	for i, it := range items {
		sorted.Index(i).Set(it)
	}
	return sorted
}

// jsonField is the field of struct v (or of a struct it embeds) that
// encodes as name; the zero Value when there is none.
func jsonField(v reflect.Value, name string) reflect.Value {
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return reflect.Value{}
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == name || (tag == "" && strings.EqualFold(f.Name, name)) {
			return v.Field(i)
		}
		if f.Anonymous && tag == "" {
			if fv := jsonField(v.Field(i), name); fv.IsValid() {
				return fv
			}
		}
	}
	return reflect.Value{}
}

// cmpValues orders two field values: numbers by value, everything else by
// its text (dates as YYYY-MM-DD sort as text).
func cmpValues(a, b reflect.Value) int {
	if !a.IsValid() || !b.IsValid() {
		return cmp.Compare(boolInt(a.IsValid()), boolInt(b.IsValid()))
	}
	switch a.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(a.Int(), b.Int())
	case reflect.Float32, reflect.Float64:
		return cmp.Compare(a.Float(), b.Float())
	}
	return strings.Compare(text(a), text(b))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func text(v reflect.Value) string {
	if s, ok := v.Interface().(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprint(v.Interface())
}

// pagingOpenAPI documents limit, cursor and sort, and the Link header, on
// the lists.
func pagingOpenAPI(doc map[string]any) {
	paths := doc["paths"].(map[string]any)
	for pattern, fields := range listSorts {
		path := strings.TrimPrefix(pattern, "GET ")
		item, _ := paths[path].(map[string]any)
		get, _ := item["get"].(map[string]any)
		if get == nil {
			continue
		}
		params, _ := get["parameters"].([]any)
		params = append(slices.Clone(params),
			map[string]any{"name": "limit", "in": "query", "required": false,
				"description": fmt.Sprintf("items in the page, 1 to %d (default %d)", maxPageSize, defaultPageSize),
				"schema":      map[string]any{"type": "integer", "minimum": 1, "maximum": maxPageSize, "default": defaultPageSize}},
			map[string]any{"name": "cursor", "in": "query", "required": false,
				"description": "where the page starts: the cursor in the previous page's Link (rel=\"next\"); the first page when absent",
				"schema":      map[string]any{"type": "string"}})
		if len(fields) > 0 {
			var values []any
			for _, f := range fields {
				values = append(values, f, "-"+f)
			}
			params = append(params, map[string]any{"name": "sort", "in": "query", "required": false,
				"description": "order by this field (a leading - reverses it); the list's own order when absent, and for ties",
				"schema":      map[string]any{"type": "string", "enum": values}})
		}
		get["parameters"] = params
		rs, _ := get["responses"].(map[string]any)
		if ok, _ := rs["200"].(map[string]any); ok != nil {
			ok = maps.Clone(ok)
			headers, _ := ok["headers"].(map[string]any)
			headers = maps.Clone(headers)
			if headers == nil {
				headers = map[string]any{}
			}
			headers["Link"] = map[string]any{"description": "when more items follow: <address of the next page>; rel=\"next\" (RFC 8288)", "schema": map[string]any{"type": "string"}}
			ok["headers"] = headers
			rs = maps.Clone(rs)
			rs["200"] = ok
			get["responses"] = rs
		}
	}
}
