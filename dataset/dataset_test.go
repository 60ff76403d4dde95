package dataset

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/entente/entente"
)

func TestDefault(t *testing.T) {
	ds, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	members := entente.MembersOn(ds.Memberships, entente.MustParseDate("2025-01-01"))
	if got := len(members); got != 32 {
		t.Errorf("members in 2025: got %d, want 32", got)
	}
	if got := len(entente.MembersOn(ds.Memberships, entente.MustParseDate("1990-01-01"))); got != 16 {
		t.Errorf("members in 1990: got %d, want 16", got)
	}
	if got := len(entente.MembersOn(ds.Memberships, entente.MustParseDate("1999-03-12"))); got != 19 {
		t.Errorf("members on 1999-03-12: got %d, want 19", got)
	}
}

func TestParseErrors(t *testing.T) {
	good := "[source s1]\ntitle: A source\nurl: https://example.org/\nkind: news\n[country NZL]\nname: New Zealand\nregion: Oceania\nsubregion: Australia and New Zealand\neuropean: no\neuropean-sources: s1\nsources: s1\n"
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"BadDate", good + "[alliance X]\nname: X\ntreaty: T\nsigned: 1949-13-01\neligible-regions: Europe\nsources: s1\n",
			[]string{`a.txt:15: signed: "1949-13-01" is not a date`}},
		{"UnknownSource", strings.Replace(good, "\nsources: s1", "\nsources: s2", 1),
			[]string{`a.txt:11: [country NZL]: sources: unknown source "s2"`}},
		{"UnknownField", good + "[source s3]\ntitle: x\nurl: y\ncolour: red\nkind: news\n",
			[]string{`a.txt:15: colour: unknown field for [source ...]`}},
		{"UnknownKind", good + "[planet Mars]\nname: Mars\n", []string{`a.txt:12: unknown kind "planet"`}},
		{"BadEuropean", strings.Replace(good, "european: no", "european: maybe", 1), []string{`a.txt:9: [country NZL]: european: "maybe" is not yes, no or debated`}},
		{"DebatedWithoutReasons", strings.Replace(good, "european: no", "european: debated", 1), []string{`[country NZL]: european-note: is required for a debated reading`}},
		{"EuropeanWithoutSources", strings.Replace(good, "european-sources: s1\n", "", 1), []string{`a.txt:5: [country NZL]: european-sources: is required`}},
		{"BadEligibility", good + "[alliance X]\nname: X\ntreaty: T\nsigned: 1949\neligibility: continent\nunanimity: yes\nsources: s1\n", []string{`eligibility: "continent" is not region or european`}},
		{"MissingName", strings.Replace(good, "name: New Zealand\n", "", 1), []string{`a.txt:5: [country NZL]: name: is required`}},
		{"BadCode", strings.Replace(good, "[country NZL]", "[country nz]", 1), []string{`a.txt:5: [country nz]: "nz" is not an ISO 3166-1 alpha-3 code`}},
		{"Orphan", "title: x\n", []string{`a.txt:1: a field must follow a [kind key] header`}},
		{"Duplicate", good + "[country NZL]\nname: NZ\nregion: Asia-Pacific\nsources: s1\n", []string{`[country NZL]: defined more than once`}},
		// Every problem, not the first (issue 7, defect 9).
		{"EveryBadDate", good + "[alliance X]\nname: X\ntreaty: T\nsigned: 1949-13-01\nin-force: +949\nsources: s1\n" +
			"[alliance Y]\nname: Y\ntreaty: T\nsigned: 1951-02-30\nsources: s1\n",
			[]string{"3 problems", `a.txt:15: signed: "1949-13-01" is not a date`, `a.txt:16: in-force: "+949" is not a date`, `a.txt:21: signed: "1951-02-30" is not a date`}},
		{"NotUTF8", good + "[source s3]\ntitle: caf\xe9\nurl: y\nkind: news\n", []string{`a.txt:13: not valid UTF-8`}},
		// Suspensions (issue 14): a status inside the partnership, in order.
		{"SuspendedBeforeStart", good + "[alliance X]\nname: X\ntreaty: T\nsigned: 1949\nin-force: 1949\nunanimity: yes\neligibility: european\nsources: s1\n[framework X F]\nname: F\nstarted: 1994\nsources: s1\n[partnership X NZL F]\nsince: 1995\nsuspended: 1990\nsources: s1\n",
			[]string{`[partnership X NZL F]: suspended: 1990 is outside the partnership's period 1995–`}},
		{"ResumedWithoutSuspension", good + "[alliance X]\nname: X\ntreaty: T\nsigned: 1949\nin-force: 1949\nunanimity: yes\neligibility: european\nsources: s1\n[framework X F]\nname: F\nstarted: 1994\nsources: s1\n[partnership X NZL F]\nsince: 1995\nresumed: 2000\nsources: s1\n",
			[]string{`[partnership X NZL F]: resumed: a resumption needs a suspended: date`}},
		{"ResumedBeforeSuspended", good + "[alliance X]\nname: X\ntreaty: T\nsigned: 1949\nin-force: 1949\nunanimity: yes\neligibility: european\nsources: s1\n[framework X F]\nname: F\nstarted: 1994\nsources: s1\n[partnership X NZL F]\nsince: 1995\nsuspended: 2000\nresumed: 1999\nsources: s1\n",
			[]string{`[partnership X NZL F]: resumed:`}},
		{"PartnershipBeforeFramework", strings.Replace(good+"[alliance X]\nname: X\ntreaty: T\nsigned: 1949\nin-force: 1949\nunanimity: yes\neligibility: european\nsources: s1\n[framework X F]\nname: F\nstarted: 1994\nsources: s1\n[partnership X NZL F]\nsince: 1995\nsources: s1\n", "since: 1995", "since: 1993", 1),
			[]string{`[partnership X NZL F]: since: the period 1993– is not within the F framework's period 1994–`}},
		// Source kinds and quotations (issue 14, item 6).
		{"SourceWithoutKind", strings.Replace(good, "kind: news\n", "", 1),
			[]string{`a.txt:1: kind: is required: say what kind of source it is`}},
		{"UnknownSourceKind", strings.Replace(good, "kind: news", "kind: blog", 1),
			[]string{`a.txt:4: kind: "blog" is not a source kind (want one of official-text, official-site, government, news, reference, secondary)`}},
		{"QuoteTooLong", good + "quote: s1 \"" + strings.Repeat("é", 301) + "\"\n",
			[]string{`a.txt:12: quote: the quotation of "s1" is 301 characters long; at most 300 are allowed`}},
		{"QuoteUncitedSource", good + "quote: s2 \"A sentence.\"\n",
			[]string{`a.txt:12: [country NZL]: quote: source "s2" is not among the record's sources`}},
		{"QuoteTwice", good + "quote: s1 \"One.\"\nquote: s1\n  \"Two.\"\n",
			[]string{`a.txt:12: [country NZL]: quote: source "s1" is quoted more than once`}},
		{"QuoteWithoutMarks", good + "quote: s1 A sentence.\n",
			[]string{`a.txt:12: quote: want a source id and the sentence in double quotes`}},
		{"QuoteOnSource", strings.Replace(good, "kind: news\n", "kind: news\nquote: s1 \"x\"\n", 1),
			[]string{`a.txt:5: quote: a source is quoted by the records that cite it`}},
		// Linked identifiers (issue 12, item 4): a Wikidata item id, with a
		// source that states it, never sources without an id.
		{"BadWikidata", strings.Replace(good, "european-sources: s1\n", "european-sources: s1\nwikidata: Q0664\nwikidata-sources: s1\n", 1),
			[]string{`a.txt:11: [country NZL]: wikidata: "Q0664" is not a Wikidata item id`}},
		{"WikidataURL", strings.Replace(good, "european-sources: s1\n", "european-sources: s1\nwikidata: https://www.wikidata.org/wiki/Q664\nwikidata-sources: s1\n", 1),
			[]string{`a.txt:11: [country NZL]: wikidata: "https://www.wikidata.org/wiki/Q664" is not a Wikidata item id`}},
		{"WikidataWithoutSources", strings.Replace(good, "european-sources: s1\n", "european-sources: s1\nwikidata: Q664\n", 1),
			[]string{`a.txt:5: [country NZL]: wikidata-sources: is required: a Wikidata id needs a source`}},
		{"WikidataUnknownSource", strings.Replace(good, "european-sources: s1\n", "european-sources: s1\nwikidata: Q664\nwikidata-sources: s9\n", 1),
			[]string{`a.txt:12: [country NZL]: wikidata-sources: unknown source "s9"`}},
		{"WikidataSourcesWithoutID", strings.Replace(good, "european-sources: s1\n", "european-sources: s1\nwikidata-sources: s1\n", 1),
			[]string{`a.txt:11: [country NZL]: wikidata-sources: given without a wikidata id`}},
		{"OperationWikidata", good + "[alliance X]\nname: X\ntreaty: T\nsigned: 1949\nin-force: 1949\nunanimity: yes\neligibility: european\nsources: s1\n" +
			"[operation OP]\nalliance: X\nname: Op\nkind: k\ntheatre: t\nfrom: 1995\nwikidata: q1\nwikidata-sources: s1\nsources: s1\n",
			[]string{`a.txt:26: [operation OP]: wikidata: "q1" is not a Wikidata item id`}},
		{"MeetingWikidata", good + "[alliance X]\nname: X\ntreaty: T\nsigned: 1949\nin-force: 1949\nunanimity: yes\neligibility: european\nsources: s1\n" +
			"[meeting M]\nalliance: X\nkind: summit\nname: M\ncity: C\nfrom: 1995\nwikidata: Q\nwikidata-sources: s1\nsources: s1\n",
			[]string{`a.txt:26: [meeting M]: wikidata: "Q" is not a Wikidata item id`}},
		{"AllianceWikidata", good + strings.Replace("[alliance X]\nname: X\ntreaty: T\nsigned: 1949\nin-force: 1949\nunanimity: yes\neligibility: european\nsources: s1\n", "sources: s1", "wikidata: Q-1\nwikidata-sources: s1\nsources: s1", 1),
			[]string{`a.txt:19: [alliance X]: wikidata: "Q-1" is not a Wikidata item id`}},
		{"FrameworkWikidata", good + "[alliance X]\nname: X\ntreaty: T\nsigned: 1949\nin-force: 1949\nunanimity: yes\neligibility: european\nsources: s1\n" + "[framework X F]\nname: F\nstarted: 1994\nwikidata: Q12x\nwikidata-sources: s1\nsources: s1\n",
			[]string{`a.txt:23: [framework X F]: wikidata: "Q12x" is not a Wikidata item id`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := Parse(fstest.MapFS{"a.txt": {Data: []byte(tt.text)}})
			if err == nil {
				t.Fatalf("got no error and %d countries, want %q", len(ds.Countries), tt.want)
			}
			if ds != nil {
				t.Errorf("got a dataset with an error; want nothing loaded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
	if _, err := Parse(fstest.MapFS{"a.txt": {Data: []byte(good)}}); err != nil {
		t.Fatalf("good input: %v", err)
	}
	// A quotation may run over continuation lines and hold quote marks.
	quoted := good + "quote: s1 \"It said \"yes\"\n  at once.\"\n"
	ds, err := Parse(fstest.MapFS{"a.txt": {Data: []byte(quoted)}})
	if err != nil {
		t.Fatalf("quoted input: %v", err)
	}
	want := []entente.Quote{{Source: "s1", Text: `It said "yes" at once.`}}
	if got := ds.Countries[0].Quotes; !reflect.DeepEqual(got, want) {
		t.Errorf("quotes = %#v, want %#v", got, want)
	}
	if got := ds.Sources[0].Kind; got != entente.SourceNews {
		t.Errorf("kind = %q, want news", got)
	}
}
