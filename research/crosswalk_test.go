package research

import (
	"os"
	"strings"
	"testing"
)

// secondSource holds the COW codes of NATO's 32 members and the IP4
// (AUS, JPN, KOR, NZL) as COW's own State System Membership list v2016
// (states2016.csv, as redistributed in github.com/globalgov/manystates
// data-raw/states/COW/states2016.csv) gives them, matched there by COW's
// state name, not through countrycode's ISO match that the embedded
// crosswalk comes from.
var secondSource = map[string]struct {
	ccode int
	abb   string
	name  string
}{
	"ALB": {339, "ALB", "Albania"}, "BEL": {211, "BEL", "Belgium"}, "BGR": {355, "BUL", "Bulgaria"},
	"CAN": {20, "CAN", "Canada"}, "HRV": {344, "CRO", "Croatia"}, "CZE": {316, "CZR", "Czech Republic"},
	"DNK": {390, "DEN", "Denmark"}, "EST": {366, "EST", "Estonia"}, "FIN": {375, "FIN", "Finland"},
	"FRA": {220, "FRN", "France"}, "DEU": {255, "GMY", "Germany"}, "GRC": {350, "GRC", "Greece"},
	"HUN": {310, "HUN", "Hungary"}, "ISL": {395, "ICE", "Iceland"}, "ITA": {325, "ITA", "Italy"},
	"LVA": {367, "LAT", "Latvia"}, "LTU": {368, "LIT", "Lithuania"}, "LUX": {212, "LUX", "Luxembourg"},
	"MNE": {341, "MNG", "Montenegro"}, "NLD": {210, "NTH", "Netherlands"}, "MKD": {343, "MAC", "Macedonia"},
	"NOR": {385, "NOR", "Norway"}, "POL": {290, "POL", "Poland"}, "PRT": {235, "POR", "Portugal"},
	"ROU": {360, "ROM", "Romania"}, "SVK": {317, "SLO", "Slovakia"}, "SVN": {349, "SLV", "Slovenia"},
	"ESP": {230, "SPN", "Spain"}, "SWE": {380, "SWD", "Sweden"}, "TUR": {640, "TUR", "Turkey"},
	"GBR": {200, "UKG", "United Kingdom"}, "USA": {2, "USA", "United States of America"},
	"AUS": {900, "AUL", "Australia"}, "JPN": {740, "JPN", "Japan"}, "KOR": {732, "ROK", "South Korea"},
	"NZL": {920, "NEW", "New Zealand"},
}

// TestCrosswalkSecondSource checks the embedded crosswalk's codes for
// NATO's members and the IP4 against a second source.
func TestCrosswalkSecondSource(t *testing.T) {
	cw := Crosswalk()
	if len(secondSource) != 36 {
		t.Fatalf("the second source lists %d countries, want 32 members and the IP4", len(secondSource))
	}
	for iso, want := range secondSource {
		got, ok := cw.COW(iso)
		if !ok || got.CCode != want.ccode || got.StateAbb != want.abb || got.Name != want.name {
			t.Errorf("%s: crosswalk %+v (found %v), COW's list %+v", iso, got, ok, want)
		}
		back, ok := cw.ISO3(want.ccode)
		if !ok || back.ISO3 != iso {
			t.Errorf("ccode %d: back to %q (found %v), want %s", want.ccode, back.ISO3, ok, iso)
		}
	}
}

// TestCrosswalkSourcedAndComplete: the embedded file names its source and
// licence, holds no 0 code, and leaves out what has no COW code.
func TestCrosswalkSourcedAndComplete(t *testing.T) {
	raw, err := os.ReadFile("iso3-cow.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"State System Membership List", "countrycode", "GPL-3", "CC BY 4.0", "commit"} {
		if !strings.Contains(string(raw), s) {
			t.Errorf("iso3-cow.csv does not mention %q", s)
		}
	}
	cw := Crosswalk()
	if cw.Len() != 194 {
		t.Errorf("crosswalk has %d pairs, want the source's 194", cw.Len())
	}
	for _, iso := range []string{"SRB", "XKX", "ATA", "HKG"} {
		if s, ok := cw.COW(iso); ok {
			t.Errorf("%s has COW code %d; the source gives it none", iso, s.CCode)
		}
	}
	if _, ok := cw.ISO3(0); ok {
		t.Error("ccode 0 is in the crosswalk")
	}
	for _, bad := range []string{
		"iso3,ccode,stateabb,cow_name\nUSA,0,USA,x\n",
		"iso3,ccode,stateabb,cow_name\nUSA,2,USA,x\nUSA,3,USA,y\n",
		"iso3,ccode,stateabb,cow_name\nUSA,2,USA,x\nCAN,2,CAN,y\n",
		"iso,ccode,abb,name\n",
	} {
		if _, err := parseCrosswalk(bad); err == nil {
			t.Errorf("parseCrosswalk(%q) took it", bad)
		}
	}
}
