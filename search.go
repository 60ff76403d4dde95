package entente

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Search limits: what one query may ask for.
const (
	MaxSearchLength = 200 // bytes of query text
	MaxSearchTerms  = 12  // words and phrases
	DefaultHits     = 20
	MaxHits         = 100
	// SearchWindow is the most hits one search counts, facets and ranks:
	// past it, the total is a lower bound (SearchResult.More) and the hits
	// are the best of the first SearchWindow found. A search's cost is
	// bounded by it, not by how many records match ("synthetic" can match
	// a million activities).
	SearchWindow = 500
)

// SearchTerm is one part of a query that a record must match: a word, a
// phrase (its words in that order), or a prefix (the last word may be the
// start of a longer one, as in "interop*").
type SearchTerm struct {
	Words  []string
	Prefix bool
}

// ParseSearch reads what a user typed into the terms every hit must match:
// words, "quoted phrases", and words ending in * for a prefix. Anything
// that is not a letter or a digit separates words, so no input can reach the
// engines' own query syntax. An empty query, an unclosed quote, or one too
// long is EINVALID, naming the field q.
func ParseSearch(q string) ([]SearchTerm, error) {
	if len(q) > MaxSearchLength {
		return nil, Errorf(EINVALID, "q: the query is %d bytes long; at most %d", len(q), MaxSearchLength)
	}
	if err := TextProblem(q); err != "" {
		return nil, Errorf(EINVALID, "q: %s", err)
	}
	var terms []SearchTerm
	rest := q
	for rest != "" {
		r, size := utf8.DecodeRuneInString(rest)
		switch {
		case r == '"':
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				return nil, Errorf(EINVALID, "q: a quote is not closed: %s", rest)
			}
			phrase := rest[1 : 1+end]
			rest = rest[end+2:]
			prefix := strings.HasPrefix(rest, "*")
			if prefix {
				rest = rest[1:]
			}
			if words := searchWords(phrase); len(words) > 0 {
				terms = append(terms, SearchTerm{Words: words, Prefix: prefix})
			}
		case isWordRune(r):
			end := strings.IndexFunc(rest, func(r rune) bool { return !isWordRune(r) })
			if end < 0 {
				end = len(rest)
			}
			word := strings.ToLower(rest[:end])
			rest = rest[end:]
			prefix := strings.HasPrefix(rest, "*")
			if prefix {
				rest = rest[1:]
			}
			terms = append(terms, SearchTerm{Words: []string{word}, Prefix: prefix})
		default:
			rest = rest[size:]
		}
	}
	if len(terms) == 0 {
		return nil, Errorf(EINVALID, "q: give a word to search for")
	}
	if len(terms) > MaxSearchTerms {
		return nil, Errorf(EINVALID, "q: %d words and phrases; at most %d", len(terms), MaxSearchTerms)
	}
	return terms, nil
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// searchWords splits s into lower-case words.
func searchWords(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) })
	for i := range f {
		f[i] = strings.ToLower(f[i])
	}
	return f
}

// SearchQuery is a search: the terms every hit matches, optional facet
// filters, and the page of hits wanted. The store shows only the records
// Viewer may read (see Principal.MaySee), in the hits and in the counts.
type SearchQuery struct {
	Terms   []SearchTerm
	Kind    string // a record kind ("activity"), or "" for all
	Country string // ISO3, or "" for all
	Decade  int    // 1990 for 1990-1999, or 0 for all
	Limit   int
	Offset  int
	Viewer  *Principal
	// Window bounds the hits counted, faceted and ranked; 0 is
	// SearchWindow (tests set a small one).
	Window int
}

// SearchHit is one record found: its kind and key (which name it: a URL is
// built from them), its title, and a snippet of the text matched, in which
// the matched words are wrapped in HighlightStart and HighlightEnd.
type SearchHit struct {
	Kind    string  `json:"kind"`
	Key     string  `json:"key"`
	Title   string  `json:"title"`
	Snippet string  `json:"snippet"`
	Country string  `json:"country,omitempty"`
	Year    int     `json:"year,omitempty"`
	Rank    float64 `json:"rank"`
}

// Highlight markers around matched words in titles and snippets; pages
// escape the text and then turn them into <mark> elements.
const (
	HighlightStart = "\u27e6"
	HighlightEnd   = "\u27e7"
)

// Facet is how many hits share one value of a facet.
type Facet struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// SearchResult is a page of hits, best first, with the number of hits in
// all and the facets over all of them. When more records match than the
// search's window (SearchWindow), More is true: Total is then the window, a
// lower bound ("1,000 or more"), the facets count the hits in the window,
// and the hits are the best ranked of those, the window being the first
// hits the engine's index gives (about the order the records were
// written), not the best of all.
type SearchResult struct {
	Total     int         `json:"total"`
	More      bool        `json:"more"`
	Hits      []SearchHit `json:"hits"`
	Kinds     []Facet     `json:"kinds"`
	Countries []Facet     `json:"countries"`
	Decades   []Facet     `json:"decades"`
}

// Searcher is a store that can search its records' text: SQLite with FTS5,
// PostgreSQL with its full-text search, each index kept in step with every
// write in the same transaction.
type Searcher interface {
	Search(ctx context.Context, q SearchQuery) (*SearchResult, error)
}

// SearchKinds are the kinds of record a search finds, for a kind filter.
var SearchKinds = []string{"activity", "alliance", "contribution", "country", "defence-event", "framework",
	"goal", "group", "invitation", "meeting", "membership", "objective", "offer", "operation", "partnership",
	"programme", "source"}

// String writes the terms back as a query.
func (t SearchTerm) String() string {
	s := strings.Join(t.Words, " ")
	if len(t.Words) > 1 {
		s = fmt.Sprintf("%q", s)
	}
	if t.Prefix {
		s += "*"
	}
	return s
}
