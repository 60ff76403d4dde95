package entente

import "regexp"

// Linked is a record's identifier in Wikidata (https://www.wikidata.org),
// the item id "Q" and digits, with the sources that state it for this very
// record, so that others can link the record to theirs. Both are empty when
// no source gives the id: an id is never guessed.
type Linked struct {
	Wikidata        string   `json:"wikidata,omitempty"`
	WikidataSources []string `json:"wikidata_sources,omitempty"`
}

var wikidataID = regexp.MustCompile(`^Q[1-9][0-9]*$`)

// ValidWikidata reports whether s has the form of a Wikidata item id: Q
// followed by a number with no leading zero (Q664).
func ValidWikidata(s string) bool { return wikidataID.MatchString(s) }

// WikidataURL is the address of the item's page on Wikidata, or "" for an
// id that is empty or not of the item form.
func WikidataURL(id string) string {
	if !ValidWikidata(id) {
		return ""
	}
	return "https://www.wikidata.org/wiki/" + id
}

// linked checks a record's Wikidata id: of the item form, with sources that
// exist; sources without an id are refused too.
func (v *validator) linked(ref Ref, l Linked) {
	if l.Wikidata == "" {
		if len(l.WikidataSources) > 0 {
			v.addf(ref, "wikidata-sources", "given without a wikidata id")
		}
		return
	}
	if !ValidWikidata(l.Wikidata) {
		v.addf(ref, "wikidata", "%q is not a Wikidata item id (Q and a number, e.g. Q664)", l.Wikidata)
	}
	v.sourceList(ref, "wikidata-sources", l.WikidataSources, "a Wikidata id needs a source that states it for this record")
}
