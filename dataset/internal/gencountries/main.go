// Command gencountries writes the default dataset's countries file: every
// ISO 3166-1 country and territory, with its UN M49 region and its reading
// as a "European state" (Article 10 of the North Atlantic Treaty).
//
// Run it from the dataset directory (go generate does):
//
//	go run ./internal/gencountries -in internal/gencountries -out nato/countries.txt
//
// Its inputs, in the -in directory (see NOTICE.md for where each comes from
// and its licence):
//
//   - iso_3166-1.json: codes and names, Debian's iso-codes table;
//   - m49.csv: UN M49 region, sub-region and intermediate region per code;
//   - independent.csv: whether ISO 3166-1 lists the code as independent;
//   - wikidata.csv: the Wikidata item of each code, where the crosswalk it
//     was taken from gives one;
//   - curated.json: what people decided: names the project keeps, extra
//     sources and notes, and the European readings that are not a plain
//     consequence of the M49 region (the debated ones, Türkiye).
package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Source ids of the inputs, defined in nato/sources.txt.
const (
	srcISO   = "iso-codes"
	srcM49   = "un-m49"
	srcM49DB = "m49-csv"
	srcIndep = "countries-independent"
	srcWD    = "country-codes-wikidata"
)

// country is one output record.
type country struct {
	code, name                      string
	region, subregion, intermediate string
	sources                         []string
	note                            string
	european, europeanNote          string
	europeanSources                 []string
	wikidata                        string
	wikidataSources                 []string
}

// curated is what curated.json holds for a code.
type curated struct {
	Name     string   `json:"name"`
	Sources  []string `json:"sources"`
	Note     string   `json:"note"`
	European *struct {
		Value   string   `json:"value"`
		Note    string   `json:"note"`
		Sources []string `json:"sources"`
	} `json:"european"`
	// Wikidata is an item id that wikidata.csv lacks, with the sources
	// that state it for this country.
	Wikidata *struct {
		ID      string   `json:"id"`
		Sources []string `json:"sources"`
	} `json:"wikidata"`
}

type m49 struct{ region, subregion, intermediate string }

func main() {
	in := flag.String("in", ".", "directory holding the inputs")
	out := flag.String("out", "", "file to write (default: standard output)")
	sql := flag.Bool("sql", false, "write a store migration from the embedded dataset instead (see writeSQL)")
	flag.Parse()
	var b bytes.Buffer
	var err error
	if *sql {
		err = writeSQL(&b)
	} else {
		var cs []country
		if cs, err = build(*in); err == nil {
			write(&b, cs)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencountries:", err)
		os.Exit(1)
	}
	if *out == "" {
		_, err = os.Stdout.Write(b.Bytes())
	} else {
		err = os.WriteFile(*out, b.Bytes(), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencountries:", err)
		os.Exit(1)
	}
}

// build reads the inputs and returns the countries in code order.
func build(dir string) ([]country, error) {
	var iso struct {
		Countries []struct {
			Alpha3     string `json:"alpha_3"`
			Name       string `json:"name"`
			CommonName string `json:"common_name"`
		} `json:"3166-1"`
	}
	if err := readJSON(filepath.Join(dir, "iso_3166-1.json"), &iso); err != nil {
		return nil, err
	}
	var cur map[string]curated
	if err := readJSON(filepath.Join(dir, "curated.json"), &cur); err != nil {
		return nil, err
	}
	regions, err := readCSV(filepath.Join(dir, "m49.csv"), func(r map[string]string) (string, m49) {
		return r["alpha-3"], m49{r["region"], r["sub-region"], r["intermediate-region"]}
	})
	if err != nil {
		return nil, err
	}
	indep, err := readCSV(filepath.Join(dir, "independent.csv"), func(r map[string]string) (string, bool) {
		return r["alpha-3"], r["independent"] == "yes"
	})
	if err != nil {
		return nil, err
	}
	wikidata, err := readCSV(filepath.Join(dir, "wikidata.csv"), func(r map[string]string) (string, string) {
		return r["alpha-3"], r["wikidata"]
	})
	if err != nil {
		return nil, err
	}
	var out []country
	for _, e := range iso.Countries {
		reg, ok := regions[e.Alpha3]
		if !ok {
			return nil, fmt.Errorf("%s: not in m49.csv", e.Alpha3)
		}
		if _, ok := indep[e.Alpha3]; !ok {
			return nil, fmt.Errorf("%s: not in independent.csv", e.Alpha3)
		}
		c := country{code: e.Alpha3, name: cmp(e.CommonName, e.Name), region: reg.region,
			subregion: reg.subregion, intermediate: reg.intermediate, sources: []string{srcISO, srcM49, srcM49DB}}
		if c.region == "" {
			c.region = "World"
			c.note = "UN M49 places it directly under World, in no region."
		}
		c.european, c.europeanNote, c.europeanSources = reading(&c, indep[e.Alpha3])
		if id := wikidata[e.Alpha3]; id != "" {
			c.wikidata, c.wikidataSources = id, []string{srcWD}
		}
		if k, ok := cur[e.Alpha3]; ok {
			apply(&c, k)
		}
		out = append(out, c)
	}
	for code := range wikidata {
		if !slices.ContainsFunc(out, func(c country) bool { return c.code == code }) {
			return nil, fmt.Errorf("wikidata.csv: %s is not an ISO 3166-1 code", code)
		}
	}
	for code := range cur {
		if !slices.ContainsFunc(out, func(c country) bool { return c.code == code }) {
			return nil, fmt.Errorf("curated.json: %s is not an ISO 3166-1 code", code)
		}
	}
	slices.SortFunc(out, func(a, b country) int { return strings.Compare(a.code, b.code) })
	return out, nil
}

// reading is the European reading that follows from the M49 region and
// ISO 3166-1's independence flag alone; its note says so.
func reading(c *country, independent bool) (string, string, []string) {
	place := c.subregion + ", " + c.region
	switch {
	case c.subregion == "":
		return "no", "UN M49 places it in no region; ISO 3166-1 does not list it as independent, so it is not a state.",
			[]string{srcM49, srcIndep}
	case c.region == "Europe" && independent:
		return "yes", "UN M49 places it in " + place + "; the reading rests on that region alone.", []string{srcM49, srcM49DB}
	case c.region == "Europe":
		return "no", "UN M49 places it in " + place + ", but ISO 3166-1 does not list it as independent: a territory, not a state.",
			[]string{srcM49, srcM49DB, srcIndep}
	}
	if c.intermediate != "" {
		place = c.intermediate + ", " + c.region
	}
	return "no", "UN M49 places it in " + place + ", outside Europe.", []string{srcM49, srcM49DB}
}

// apply lays what people decided over the generated record.
func apply(c *country, k curated) {
	c.name = cmp(k.Name, c.name)
	for _, s := range k.Sources {
		if !slices.Contains(c.sources, s) {
			c.sources = append(c.sources, s)
		}
	}
	if k.Note != "" {
		c.note = k.Note
	}
	if e := k.European; e != nil {
		c.european, c.europeanNote, c.europeanSources = e.Value, e.Note, e.Sources
	}
	if w := k.Wikidata; w != nil {
		c.wikidata, c.wikidataSources = w.ID, w.Sources
	}
}

func cmp(first, then string) string {
	if first != "" {
		return first
	}
	return then
}

func readJSON(name string, v any) error {
	b, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// readCSV reads a CSV file with a header line into a map keyed by what row
// returns.
func readCSV[T any](name string, row func(map[string]string) (string, T)) (map[string]T, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := map[string]T{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		m := map[string]string{}
		for i, h := range header {
			m[h] = rec[i]
		}
		k, v := row(m)
		out[k] = v
	}
}

const header = `# Every ISO 3166-1 country and territory, generated by
#   go generate ./dataset   (dataset/internal/gencountries; edit its curated.json, not this file)
# Codes and names: Debian's iso-codes table (LGPL-2.1-or-later), source iso-codes; a few names
# the project chose are kept (see curated.json). Regions: UN M49 (source un-m49), read from
# lukes/ISO-3166-Countries-with-Regional-Codes (CC BY-SA 4.0), source m49-csv.
# region, subregion and intermediate-region are M49's names; Antarctica, in no M49 region,
# has region World.
# european is the reading of Article 10's "European state": yes, no or debated, with its own
# sources. A plain yes rests on the M49 region Europe (and no on another region), as each note
# says; no source is claimed to call a state "European" unless a note names it. Territories
# ISO 3166-1 does not list as independent (source countries-independent, ODbL) read no.
# wikidata is the country's Wikidata item, from datasets/country-codes (PDDL; Wikidata is CC0),
# source country-codes-wikidata, or where that crosswalk gives none from curated.json with its
# own sources.
`

// write renders the countries in the dataset text format.
func write(w *bytes.Buffer, cs []country) {
	w.WriteString(header)
	for _, c := range cs {
		fmt.Fprintf(w, "\n[country %s]\n", c.code)
		field(w, "name", c.name)
		field(w, "region", c.region)
		field(w, "subregion", c.subregion)
		field(w, "intermediate-region", c.intermediate)
		field(w, "european", c.european)
		field(w, "european-note", c.europeanNote)
		field(w, "european-sources", strings.Join(c.europeanSources, ", "))
		field(w, "note", c.note)
		if c.wikidata != "" {
			field(w, "wikidata", c.wikidata)
			field(w, "wikidata-sources", strings.Join(c.wikidataSources, ", "))
		}
		field(w, "sources", strings.Join(c.sources, ", "))
	}
}

// field writes "name: value", wrapping long values onto indented
// continuation lines; empty values are left out.
func field(w *bytes.Buffer, name, value string) {
	if value == "" {
		return
	}
	line, words := name+":", 0
	for _, word := range strings.Fields(value) {
		if words > 0 && len(line)+1+len(word) > 100 {
			w.WriteString(line + "\n")
			line, words = " ", 0
		}
		line += " " + word
		words++
	}
	w.WriteString(line + "\n")
}
