package entente

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// SourceKind says what kind of document a source is, so a reader can weigh
// it: the text of an agreement or communiqué itself, the alliance's own
// site, a government's, a news report, a reference work or anything else.
type SourceKind string

const (
	// SourceOfficialText is the official text of a treaty, declaration,
	// communiqué or agreement, as its authors published it.
	SourceOfficialText SourceKind = "official-text"
	// SourceOfficialSite is a page of the alliance's own site that
	// describes, rather than is, an official act.
	SourceOfficialSite SourceKind = "official-site"
	// SourceGovernment is a page or document of a national government or
	// parliament.
	SourceGovernment SourceKind = "government"
	// SourceNews is a news report.
	SourceNews SourceKind = "news"
	// SourceReference is a reference work: an encyclopedia, a gazetteer, a
	// standard's code list.
	SourceReference SourceKind = "reference"
	// SourceSecondary is anything else: scholarship, think tanks, data
	// files of other projects.
	SourceSecondary SourceKind = "secondary"
)

// SourceKinds are the kinds in the order pages list them, the primary ones
// first.
var SourceKinds = []SourceKind{SourceOfficialText, SourceOfficialSite, SourceGovernment, SourceNews, SourceReference, SourceSecondary}

// ValidSourceKind reports whether k is one of SourceKinds.
func ValidSourceKind(k SourceKind) bool { return slices.Contains(SourceKinds, k) }

// Primary reports whether a source of kind k speaks for the alliance or a
// government itself: an official text, the alliance's site or a
// government's.
func (k SourceKind) Primary() bool {
	return k == SourceOfficialText || k == SourceOfficialSite || k == SourceGovernment
}

// Label is the kind in words, for pages and tables.
func (k SourceKind) Label() string {
	switch k {
	case SourceOfficialText:
		return "Official text"
	case SourceOfficialSite:
		return "Official site"
	case SourceGovernment:
		return "Government"
	case SourceNews:
		return "News"
	case SourceReference:
		return "Reference work"
	case SourceSecondary:
		return "Secondary"
	case "":
		return "Unclassified"
	}
	return string(k)
}

func sourceKindNames() string {
	names := make([]string, len(SourceKinds))
	for i, k := range SourceKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// CheckSourceKind returns an EINVALID error naming the field kind when k is
// given and not one of SourceKinds. An empty kind is a source not yet
// classified (stores and exports from before kinds), which is allowed.
func CheckSourceKind(k SourceKind) error {
	if k == "" || ValidSourceKind(k) {
		return nil
	}
	return Errorf(EINVALID, "kind: %q is not a source kind (want one of %s)", string(k), sourceKindNames())
}

// MaxQuoteLen is the longest quotation a citation may carry, in characters.
const MaxQuoteLen = 300

// Quote is the sentence of one of a record's sources that states the fact,
// copied exactly, so a reader can check the claim without leaving the page.
type Quote struct {
	// Source is the id of the source quoted; the record must cite it.
	Source string `json:"source"`
	Text   string `json:"text"`
}

// QuoteFor returns the quotation of the source with the given id, or "".
func (p Provenance) QuoteFor(source string) string {
	for _, q := range p.Quotes {
		if q.Source == source {
			return q.Text
		}
	}
	return ""
}

// quotes checks a record's quotations: each of a source the record cites,
// at most one per source, not empty and at most MaxQuoteLen characters.
func (v *validator) quotes(ref Ref, p Provenance) {
	seen := map[string]bool{}
	for _, q := range p.Quotes {
		switch {
		case !slices.Contains(p.Sources, q.Source):
			v.addf(ref, "quote", "source %q is not among the record's sources: quote only a source the record cites", q.Source)
		case seen[q.Source]:
			v.addf(ref, "quote", "source %q is quoted more than once: give one quotation per source", q.Source)
		}
		seen[q.Source] = true
		switch n := utf8.RuneCountInString(q.Text); {
		case strings.TrimSpace(q.Text) == "":
			v.addf(ref, "quote", "the quotation of %q is empty", q.Source)
		case n > MaxQuoteLen:
			v.addf(ref, "quote", "the quotation of %q is %d characters long; at most %d are allowed", q.Source, n, MaxQuoteLen)
		}
	}
}

// sourceKind checks a source's kind.
func (v *validator) sourceKind(ref Ref, k SourceKind) {
	if !ValidSourceKind(k) && k != "" {
		v.addf(ref, "kind", "%s", fmt.Sprintf("%q is not a source kind (want one of %s)", string(k), sourceKindNames()))
	}
}
