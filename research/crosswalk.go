package research

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// iso3COW is the crosswalk, with its sources and licence in its opening
// comment lines.
//
//go:embed iso3-cow.csv
var iso3COW string

// State is a state of the Correlates of War State System Membership list
// with its ISO 3166-1 alpha-3 code.
type State struct {
	ISO3     string // ISO 3166-1 alpha-3
	CCode    int    // COW numeric state code (ccode)
	StateAbb string // COW state abbreviation (stateabb)
	Name     string // COW state name (statenme)
}

// Codes is the ISO 3166-1 alpha-3 ↔ COW state code crosswalk.
type Codes struct {
	byISO3  map[string]State
	byCCode map[int]State
}

// COW returns the COW state of the country with ISO 3166-1 alpha-3 code
// iso3, and false when the crosswalk has none: the country has no COW code
// (it is absent, never 0).
func (c *Codes) COW(iso3 string) (State, bool) {
	s, ok := c.byISO3[iso3]
	return s, ok
}

// ISO3 returns the state with COW code ccode, and false when the crosswalk
// has no ISO 3166-1 country for it (Yugoslavia, Czechoslovakia, ...).
func (c *Codes) ISO3(ccode int) (State, bool) {
	s, ok := c.byCCode[ccode]
	return s, ok
}

// Len is the number of pairs in the crosswalk.
func (c *Codes) Len() int { return len(c.byISO3) }

// Crosswalk returns the crosswalk embedded in the binary (research/iso3-cow.csv).
func Crosswalk() *Codes { return crosswalk() }

var crosswalk = sync.OnceValue(func() *Codes {
	c, err := parseCrosswalk(iso3COW)
	if err != nil {
		panic("research: embedded iso3-cow.csv: " + err.Error())
	}
	return c
})

func parseCrosswalk(text string) (*Codes, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comment = '#'
	r.FieldsPerRecord = 4
	rows, err := r.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != "iso3,ccode,stateabb,cow_name" {
		return nil, fmt.Errorf("want the header iso3,ccode,stateabb,cow_name")
	}
	c := &Codes{byISO3: map[string]State{}, byCCode: map[int]State{}}
	for i, row := range rows[1:] {
		n, err := strconv.Atoi(row[1])
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("row %d: ccode %q is not a COW code", i+2, row[1])
		}
		s := State{ISO3: row[0], CCode: n, StateAbb: row[2], Name: row[3]}
		if _, dup := c.byISO3[s.ISO3]; dup {
			return nil, fmt.Errorf("row %d: %s twice", i+2, s.ISO3)
		}
		if _, dup := c.byCCode[n]; dup {
			return nil, fmt.Errorf("row %d: ccode %d twice", i+2, n)
		}
		c.byISO3[s.ISO3] = s
		c.byCCode[n] = s
	}
	return c, nil
}
