package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

func init() {
	extraFuncs["marked"] = marked
	extraFuncs["hitURL"] = hitURL
	extraFuncs["kindName"] = kindName
	extraFuncs["facetLink"] = searchLink
	queryParams["GET /api/v1/search"] = []queryParam{{Name: "q", Required: true}, {Name: "kind", Values: entente.SearchKinds},
		{Name: "country"}, {Name: "decade"}, {Name: "limit"}, {Name: "offset"}}
	pageParams["GET /search"] = []string{"q", "kind", "country", "decade", "limit", "offset"}
}

func (s *Server) searchRoutes() {
	s.mux.HandleFunc("GET /api/v1/search", s.apiSearch)
	s.mux.HandleFunc("GET /search", s.pageSearch)
}

// searchRequest reads a search from the query string: q, kind, country,
// decade, limit and offset. A number that is not one is EINVALID naming
// its parameter.
func searchRequest(r *http.Request) (service.SearchRequest, error) {
	v := r.URL.Query()
	req := service.SearchRequest{Q: v.Get("q"), Kind: v.Get("kind"), Country: v.Get("country")}
	for _, n := range []struct {
		name string
		to   *int
	}{{"decade", &req.Decade}, {"limit", &req.Limit}, {"offset", &req.Offset}} {
		if s := v.Get(n.name); s != "" {
			i, err := strconv.Atoi(s)
			if err != nil {
				return req, entente.Errorf(entente.EINVALID, "%s: %q is not a whole number", n.name, s)
			}
			*n.to = i
		}
	}
	// 0 is the service's "the default"; asked for, it is no page size.
	if v.Get("limit") != "" && req.Limit < 1 {
		return req, entente.Errorf(entente.EINVALID, "limit: %d; give 1 to %d (default %d)", req.Limit, entente.MaxHits, entente.DefaultHits)
	}
	return req, nil
}

// apiSearch answers GET /api/v1/search?q=: the hits the caller may read,
// with their pages' paths, the total and the facets.
func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(entente.Date) (any, error) {
		req, err := searchRequest(r)
		if err != nil {
			return nil, err
		}
		res, err := s.svc.Search(r.Context(), req)
		if err != nil {
			return nil, err
		}
		hits := make([]searchHit, len(res.Hits))
		for i, h := range res.Hits {
			hits[i] = searchHit{h, hitURL(h)}
		}
		return searchAnswer{res, hits}, nil
	})
}

// searchAnswer is the API's answer to a search: each hit with the path of
// its page.
type searchAnswer struct {
	*entente.SearchResult
	Hits []searchHit `json:"hits"`
}

type searchHit struct {
	entente.SearchHit
	Path string `json:"path"`
}

// searchPage is what the search page shows.
type searchPage struct {
	Req    service.SearchRequest
	Result *entente.SearchResult
	// Errors are the problems with the query, by field, for the error
	// summary.
	Errors formErrors
	Kinds  []string
	// Prev and Next are the links to the pages of hits around this one.
	Prev, Next string
	// First is the number of the first hit shown.
	First int
}

// pageSearch shows the search form and, once asked, the hits: their
// titles linked, snippets with the matched words marked, and facets to
// narrow by kind, country and decade. A query that cannot be read is shown
// again with the problem beside it, answered 400.
func (s *Server) pageSearch(w http.ResponseWriter, r *http.Request) {
	p := page{Title: "Search", Timeless: true, url: r.URL, Today: s.svc.Today()}
	data := &searchPage{Kinds: entente.SearchKinds}
	p.Data = data
	req, err := searchRequest(r)
	data.Req = req
	status := http.StatusOK
	if err == nil && strings.TrimSpace(req.Q) != "" {
		data.Result, err = s.svc.Search(r.Context(), req)
	}
	if err != nil {
		if entente.ErrorCode(err) != entente.EINVALID {
			s.fail(w, r, err)
			return
		}
		field, text, ok := strings.Cut(entente.ErrorMessage(err), ": ")
		if !ok || field == "decade" || field == "limit" || field == "offset" {
			field, text = "q", entente.ErrorMessage(err)
		}
		data.Errors = formErrors{{Field: field, Text: text}}
		status = http.StatusBadRequest
		data.Result = nil
	}
	if res := data.Result; res != nil {
		p.Title = "Search: " + req.Q
		limit := req.Limit
		if limit <= 0 {
			limit = entente.DefaultHits
		}
		data.First = req.Offset + 1
		if req.Offset > 0 {
			data.Prev = searchLink(req, "offset", strconv.Itoa(max(req.Offset-limit, 0)))
		}
		if next := req.Offset + len(res.Hits); next < res.Total && next <= service.MaxSearchOffset {
			data.Next = searchLink(req, "offset", strconv.Itoa(next))
		}
	}
	s.render(w, r, status, "search.html", p)
}

// searchLink is the link to req's search with one parameter changed (and
// the page reset, unless that parameter is the offset).
func searchLink(req service.SearchRequest, name, value string) string {
	v := url.Values{"q": {req.Q}}
	set := func(k, x string) {
		if x != "" && x != "0" {
			v.Set(k, x)
		}
	}
	set("kind", req.Kind)
	set("country", req.Country)
	set("decade", strconv.Itoa(req.Decade))
	set("limit", strconv.Itoa(req.Limit))
	v.Del(name)
	set(name, value)
	return "/search?" + v.Encode()
}

// marked escapes s for HTML and turns the search's highlight markers into
// <mark> elements.
func marked(s string) template.HTML {
	esc := template.HTMLEscapeString(s)
	esc = strings.ReplaceAll(esc, entente.HighlightStart, "<mark>")
	esc = strings.ReplaceAll(esc, entente.HighlightEnd, "</mark>")
	// A snippet cut between its markers would leave a <mark> open.
	if opened, closed := strings.Count(esc, "<mark>"), strings.Count(esc, "</mark>"); opened > closed {
		esc += strings.Repeat("</mark>", opened-closed)
	}
	return template.HTML(esc)
}

// hitURL is the path of the page that shows a hit's record.
func hitURL(h entente.SearchHit) string {
	parts := strings.Split(h.Key, "/")
	esc := url.PathEscape
	switch h.Kind {
	case "country":
		return "/countries/" + esc(h.Key)
	case "membership":
		return "/countries/" + esc(parts[len(parts)-1])
	case "partnership":
		if len(parts) == 3 {
			return "/partners/" + esc(parts[1])
		}
		return "/partners"
	case "programme":
		return "/programmes/" + esc(h.Key)
	case "objective", "goal":
		return "/programmes/" + esc(parts[0])
	case "activity":
		return "/activities/" + esc(h.Key)
	case "offer":
		return "/menu"
	case "operation":
		return "/operations#" + h.Key
	case "contribution":
		if h.Country != "" {
			return "/countries/" + esc(h.Country)
		}
		return "/operations"
	case "meeting", "invitation":
		return "/meetings#" + parts[0]
	case "defence-event":
		return "/collective-defence#" + h.Key
	case "source":
		return "/sources#" + h.Key
	case "framework", "group":
		return "/partners"
	default:
		return "/members"
	}
}

// kindName is how a page names a kind of record.
func kindName(kind string) string {
	switch kind {
	case "defence-event":
		return "collective-defence event"
	case "offer":
		return "menu offer"
	}
	return kind
}
