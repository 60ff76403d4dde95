package web_test

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/entente/entente"
)

// TestChangeFeed reads /api/v1/changes and the Atom feeds through the real
// handler on both engines: pages resume from their next link and together
// hold every change once, in order; the records hidden from the public
// (hide) are in staff's and Australia's liaison's feeds and nowhere in the
// public's, which names no actor; the Atom documents parse and carry what
// RFC 4287 requires.
func TestChangeFeed(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testChangeFeed(t, newStack(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { testChangeFeed(t, progStackPG(t)) })
}

type feedPage struct {
	Changes []struct {
		ID      int64           `json:"id"`
		Entity  string          `json:"entity"`
		Key     string          `json:"key"`
		Actor   string          `json:"actor"`
		Address string          `json:"address"`
		Record  json.RawMessage `json:"record"`
	} `json:"changes"`
	Cursor int64  `json:"cursor"`
	More   bool   `json:"more"`
	Next   string `json:"next"`
}

// readChanges follows the feed from u to its end as the holder of token,
// and returns the keys of the changes, in order, and the last page.
func readChanges(t *testing.T, st *stack, token, u string) ([]string, feedPage) {
	t.Helper()
	var keys []string
	var last int64
	for range 100 {
		hdr := []string{"Accept", "application/json"}
		if token != "" {
			hdr = append(hdr, "Authorization", "Bearer "+token)
		}
		res, body := get(t, nil, st.srv.URL+u, hdr...)
		if status := res.StatusCode; status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", u, status, body)
		}
		var p feedPage
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		for _, c := range p.Changes {
			if c.ID <= last {
				t.Fatalf("GET %s: change %d after %d", u, c.ID, last)
			}
			last = c.ID
			keys = append(keys, c.Entity+" "+c.Key)
			if token == "" && (c.Actor != "" || c.Address != "" || strings.Contains(string(c.Record), `"actor"`)) {
				t.Errorf("the public's change %d names who made it", c.ID)
			}
		}
		if !p.More {
			return keys, p
		}
		u = p.Next
	}
	t.Fatal("the feed did not end")
	return nil, feedPage{}
}

type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

// readAtom fetches and checks an Atom feed, and returns its entries'
// titles.
func readAtom(t *testing.T, st *stack, token, u string) []string {
	t.Helper()
	status, ctype, body := fetch(t, st, token, u, false)
	if status != http.StatusOK || !strings.HasPrefix(ctype, "application/atom+xml") {
		t.Fatalf("GET %s: %d %s", u, status, ctype)
	}
	var f atomDoc
	if err := xml.Unmarshal([]byte(body), &f); err != nil {
		t.Fatalf("GET %s: not Atom: %v", u, err)
	}
	if f.ID == "" || f.Title == "" || f.Author.Name == "" {
		t.Errorf("GET %s: feed id %q, title %q, author %q", u, f.ID, f.Title, f.Author.Name)
	}
	if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
		t.Errorf("GET %s: feed updated %q: %v", u, f.Updated, err)
	}
	var titles []string
	for _, e := range f.Entries {
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil || e.ID == "" || e.Title == "" {
			t.Errorf("GET %s: entry %q %q updated %q", u, e.ID, e.Title, e.Updated)
		}
		page := false
		for _, l := range e.Links {
			page = page || l.Rel == "alternate" && strings.HasPrefix(l.Href, "/")
		}
		if !page {
			t.Errorf("GET %s: entry %q links to no page", u, e.Title)
		}
		titles = append(titles, e.Title)
	}
	return titles
}

func testChangeFeed(t *testing.T, st *stack) {
	hide(t, st)
	// A public change, after the hidden ones.
	if status, body := progDo(t, st, "POST", "/api/v1/activities", "application/json",
		`{"programme":"NZL-ITPP-2024","title":"Open staff talks","date":"2025-01-10"}`); status != http.StatusCreated {
		t.Fatalf("propose: %d %s", status, body)
	}
	aus := tokenFor(t, st.svc, "feed-aus", entente.RoleLiaison, "AUS", "read")
	staffKeys, staffLast := readChanges(t, st, st.token, "/api/v1/changes?limit=2")
	allKeys, _ := readChanges(t, st, st.token, "/api/v1/changes?since=0&limit=1000")
	if strings.Join(staffKeys, ",") != strings.Join(allKeys, ",") {
		t.Errorf("paged feed %v, one page %v", staffKeys, allKeys)
	}
	has := func(keys []string, key string) bool {
		for _, k := range keys {
			if strings.HasSuffix(k, " "+key) {
				return true
			}
		}
		return false
	}
	publicKeys, publicLast := readChanges(t, st, "", "/api/v1/changes?limit=2")
	ausKeys, _ := readChanges(t, st, aus, "/api/v1/changes")
	for _, key := range []string{hiddenActivity, hiddenProgramme, hiddenReview} {
		if !has(staffKeys, key) || !has(ausKeys, key) {
			t.Errorf("%s: missing from staff's or AUS liaison's feed", key)
		}
		if has(publicKeys, key) {
			t.Errorf("%s: in the public's feed", key)
		}
	}
	if !has(publicKeys, "NZL-ITPP-2024-A001") && !strings.Contains(strings.Join(publicKeys, ","), "activity NZL-ITPP-2024") {
		t.Errorf("the public's feed %v lacks the public activity", publicKeys)
	}
	if publicLast.Cursor != staffLast.Cursor {
		t.Errorf("the public's cursor %d, staff's %d: it passes over hidden changes", publicLast.Cursor, staffLast.Cursor)
	}
	// Resumed from the end, the feed is empty until the next change.
	if keys, _ := readChanges(t, st, "", publicLast.Next); len(keys) != 0 {
		t.Errorf("from the last cursor: %v", keys)
	}
	for _, u := range []string{"/api/v1/changes?since=x", "/api/v1/changes?since=-1", "/api/v1/changes?limit=0", "/api/v1/changes?limit=1001"} {
		if status, _, body := fetch(t, st, "", u, true); status != http.StatusBadRequest {
			t.Errorf("GET %s: %d %s, want 400", u, status, body)
		}
	}
	// Atom.
	titled := func(titles []string, s string) bool { return strings.Contains(strings.Join(titles, "\n"), s) }
	for _, u := range []string{"/feeds/changes.atom", "/feeds/partners/AUS.atom"} {
		if titles := readAtom(t, st, "", u); titled(titles, hiddenTitle) || titled(titles, hiddenProgramme) {
			t.Errorf("public %s shows a hidden record: %v", u, titles)
		}
		if titles := readAtom(t, st, aus, u); !titled(titles, hiddenTitle) {
			t.Errorf("AUS liaison's %s lacks the activity released to AUS: %v", u, titles)
		}
	}
	// Pakistan's programme released to AUS is in Pakistan's feed and the
	// whole record's, for those it is released to.
	for _, u := range []string{"/feeds/changes.atom", "/feeds/partners/PAK.atom"} {
		if titles := readAtom(t, st, aus, u); !titled(titles, hiddenProgramme) {
			t.Errorf("AUS liaison's %s lacks the programme released to AUS: %v", u, titles)
		}
		if titles := readAtom(t, st, "", u); titled(titles, hiddenProgramme) {
			t.Errorf("public %s shows the programme released to AUS: %v", u, titles)
		}
	}
	if titles := readAtom(t, st, "", "/feeds/partners/NZL.atom"); !titled(titles, "Open staff talks") || titled(titles, "AUS-") {
		t.Errorf("public NZL feed: %v", titles)
	}
	for _, u := range []string{"/feeds/partners/XXX.atom", "/feeds/partners/NZL.rss", "/feeds/partners/nzl.atom"} {
		if status, _, _ := fetch(t, st, "", u, false); status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", u, status)
		}
	}
}
