package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/words"
	"github.com/entente/entente/service"
)

// searchOptions are the search command's own flags.
type searchOptions struct {
	kind, country string
	decade, limit int
}

func init() {
	commands = append(commands, &command{
		name:    "search",
		uses:    []string{flagServer, flagAs, flagJSON},
		summary: "find records by their text: names, titles, notes, places, sources",
		usage:   "QUERY [--kind KIND] [--country ISO3] [--decade YEAR] [--limit N] [--json]",
		help: `
Every word must match (in any form: "deploy" finds "deployed"); "quoted
words" must match as a phrase; a word ending in * matches as a prefix.
Hits come best first, a match in a title before one in a note, with the
matched words in brackets, then the counts by kind, country and decade.
--as USER shows only what that user may read.

Examples:
  entente search Bamyan
  entente search '"provincial reconstruction"' --kind contribution
  entente search interop* --country NZL --decade 2010 --json`,
		flags: func(fs *flag.FlagSet, o *options) {
			fs.StringVar(&o.search.kind, "kind", "", "only records of this kind: "+strings.Join(entente.SearchKinds, ", "))
			fs.StringVar(&o.search.country, "country", "", "only records about this country (ISO3)")
			fs.IntVar(&o.search.decade, "decade", 0, "only records of this decade, given by its first year (1990)")
			fs.IntVar(&o.search.limit, "limit", entente.DefaultHits, fmt.Sprintf("how many hits to show, at most %d", entente.MaxHits))
		},
		run: runSearch,
	})
}

func runSearch(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("want a QUERY: the words to search for")
	}
	if err := e.open(ctx, true); err != nil {
		return err
	}
	o := e.opts.search
	res, err := e.be.Search(ctx, service.SearchRequest{Q: strings.Join(args, " "), Kind: o.kind, Country: o.country, Decade: o.decade, Limit: o.limit})
	if err != nil {
		return err
	}
	if e.opts.json {
		return writeJSON(e.stdout, res)
	}
	mark := strings.NewReplacer(entente.HighlightStart, "[", entente.HighlightEnd, "]")
	for i, h := range res.Hits {
		fmt.Fprintf(e.stdout, "%d. %s  (%s %s", i+1, mark.Replace(h.Title), h.Kind, h.Key)
		if h.Year != 0 {
			fmt.Fprintf(e.stdout, ", %d", h.Year)
		}
		fmt.Fprintln(e.stdout, ")")
		if h.Snippet != "" {
			fmt.Fprintf(e.stdout, "   %s\n", mark.Replace(strings.Join(strings.Fields(h.Snippet), " ")))
		}
	}
	fmt.Fprintf(e.stdout, "\n%s", words.Count(int64(res.Total), "hit"))
	if res.Total > len(res.Hits) {
		fmt.Fprintf(e.stdout, ", the best %d shown", len(res.Hits))
	}
	fmt.Fprintln(e.stdout)
	for _, f := range []struct {
		name string
		fs   []entente.Facet
	}{{"by kind", res.Kinds}, {"by country", res.Countries}, {"by decade", res.Decades}} {
		if len(f.fs) == 0 {
			continue
		}
		parts := make([]string, 0, len(f.fs))
		for _, x := range f.fs[:min(len(f.fs), 10)] {
			parts = append(parts, fmt.Sprintf("%s %d", x.Value, x.Count))
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", f.name, strings.Join(parts, ", "))
	}
	return nil
}
