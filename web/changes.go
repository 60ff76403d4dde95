package web

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// The change feed (issue 11, item 5). GET /api/v1/changes?since=CURSOR
// returns the changes the principal may see, in commit order, each with
// the record as it left it, and next, the address of the page after it:
// a mirror reads it from since=0 until more is false, then polls from its
// cursor. /feeds/changes.atom and /feeds/partners/{iso3}.atom are Atom
// feeds (RFC 4287) of the newest changes, for feed readers. The service
// decides what the principal sees (service.Changes).

// atomEntries is how many changes an Atom feed shows.
const atomEntries = 50

func (s *Server) changeRoutes() {
	s.mux.HandleFunc("GET /api/v1/changes", s.apiChanges)
	s.mux.HandleFunc("GET /feeds/changes.atom", s.atomChanges)
	s.mux.HandleFunc("GET /feeds/partners/{feed}", s.atomPartner)
}

// changesAnswer is a page of the change feed with the address of the next.
type changesAnswer struct {
	*service.ChangePage
	Next string `json:"next"`
}

func (s *Server) apiChanges(w http.ResponseWriter, r *http.Request) {
	s.api(w, r, func(entente.Date) (any, error) {
		q := r.URL.Query()
		since, limit := int64(0), 0
		var err error
		if v := q.Get("since"); v != "" {
			if since, err = strconv.ParseInt(v, 10, 64); err != nil || since < 0 {
				return nil, entente.Errorf(entente.EINVALID, "since: want a cursor from a change feed page (a whole number, 0 or more), not %q", v)
			}
		}
		if v := q.Get("limit"); v != "" {
			if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
				return nil, entente.Errorf(entente.EINVALID, "limit: want 1 to %d, not %q", service.MaxChanges, v)
			}
		}
		page, err := s.svc.Changes(r.Context(), since, limit)
		if err != nil {
			return nil, err
		}
		next := url.Values{"since": {strconv.FormatInt(page.Cursor, 10)}}
		if limit != 0 {
			next.Set("limit", strconv.Itoa(limit))
		}
		return changesAnswer{ChangePage: page, Next: "/api/v1/changes?" + next.Encode()}, nil
	})
}

// atomFeed is an Atom feed document (RFC 4287).
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Summary string     `xml:"summary"`
}

func (s *Server) atomChanges(w http.ResponseWriter, r *http.Request) {
	s.atom(w, r, "", "/feeds/changes.atom")
}

// atomPartner serves /feeds/partners/ISO3.atom.
func (s *Server) atomPartner(w http.ResponseWriter, r *http.Request) {
	iso3, ok := strings.CutSuffix(r.PathValue("feed"), ".atom")
	if !ok || len(iso3) != 3 || strings.ToUpper(iso3) != iso3 {
		s.fail(w, r, entente.Errorf(entente.ENOTFOUND, "no feed at %s: a partner's feed is /feeds/partners/ISO3.atom, e.g. /feeds/partners/NZL.atom", r.URL.Path))
		return
	}
	if _, err := s.svc.Country(r.Context(), iso3, entente.Date{}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.atom(w, r, iso3, r.URL.Path)
}

// atom writes the feed of the newest changes (about partner, if not "").
// Its ids are URNs and its links relative to the site, so the document
// does not depend on the name the server was reached by.
func (s *Server) atom(w http.ResponseWriter, r *http.Request, partner, self string) {
	changes, err := s.svc.RecentChanges(r.Context(), partner, atomEntries)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	title, id := "Changes to the record", "urn:entente:feed:changes"
	if partner != "" {
		title, id = "Changes concerning "+partner, "urn:entente:feed:partner:"+partner
	}
	f := atomFeed{ID: id, Title: title, Author: atomPerson{Name: "entente"},
		// A feed with no entry is dated at the epoch: no change it shows
		// has a time, and the date must not tell when hidden ones were made.
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339),
		Links:   []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self}, {Rel: "alternate", Type: "text/html", Href: "/"}}}
	if len(changes) > 0 {
		f.Updated = changes[0].At.UTC().Format(time.RFC3339)
	}
	for _, c := range changes {
		e := atomEntry{ID: "urn:entente:change:" + strconv.FormatInt(c.ID, 10), Title: changeTitle(c),
			Updated: c.At.UTC().Format(time.RFC3339), Summary: changeSummary(c)}
		if href := changeHref(c); href != "" {
			e.Links = append(e.Links, atomLink{Rel: "alternate", Type: "text/html", Href: href})
		}
		if h := historyOf(c); h != "" {
			e.Links = append(e.Links, atomLink{Rel: "related", Type: "text/html", Href: h})
		}
		f.Entries = append(f.Entries, e)
	}
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	w.Write(out)
	w.Write([]byte("\n"))
}

// changeFields are the fields of a change's record its entry shows.
type changeFields struct {
	Title     string `json:"title"`
	Programme string `json:"programme"`
	Status    string `json:"status"`
}

func fieldsOf(c service.Change) changeFields {
	var f changeFields
	if len(c.Record) > 0 {
		json.Unmarshal(c.Record, &f)
	}
	return f
}

// changeTitle names the change: the action, the record and its title.
func changeTitle(c service.Change) string {
	t := c.Action + ": " + c.Entity + " " + c.Key
	if f := fieldsOf(c); f.Title != "" {
		t += " (" + f.Title + ")"
	}
	return t
}

func changeSummary(c service.Change) string {
	f := fieldsOf(c)
	s := fmt.Sprintf("%s %s: %s", c.Entity, c.Key, c.Action)
	if f.Status != "" {
		s += "; status " + f.Status
	}
	return s
}

// changeHref is the page of the record a change changed.
func changeHref(c service.Change) string {
	switch c.Entity {
	case "review":
		if p := fieldsOf(c).Programme; p != "" {
			return "/programmes/" + url.PathEscape(p)
		}
		return ""
	case "membership":
		key, _, _ := strings.Cut(c.Key, " by ")
		return recordHref(c.Entity, key)
	}
	return recordHref(c.Entity, c.Key)
}

// historyOf is the history page of a change's record, if it has one.
func historyOf(c service.Change) string {
	key := c.Key
	if c.Entity == "membership" {
		key, _, _ = strings.Cut(key, " by ")
	}
	for _, k := range service.HistoryKinds {
		if k == c.Entity {
			return historyHref(c.Entity, key)
		}
	}
	return ""
}
