package service_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/dataset"
	"github.com/entente/entente/service"
)

// withDefault returns a service over st with the default dataset loaded.
func withDefault(t *testing.T, st entente.Store) *service.Service {
	t.Helper()
	svc := service.New(st)
	if _, err := svc.LoadDefault(staff(t)); err != nil {
		t.Fatal(err)
	}
	return svc
}

// TestAccessionCheckEveryCountry: every ISO 3166-1 country of the default
// dataset gets a verdict with reasons from the store, on both engines, and
// the European reading survives the store: yes may be invited (unless a
// member), no is refused, debated says so with its sources. CYP, CHE, MLT
// and RUS were "unknown country" before every ISO code was in the dataset.
func TestAccessionCheckEveryCountry(t *testing.T) {
	ds, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Countries) != 249 {
		t.Fatalf("the default dataset has %d countries, want the 249 of ISO 3166-1", len(ds.Countries))
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			svc := withDefault(t, e.open(t))
			for _, c := range ds.Countries {
				v, err := svc.CheckAccession(staff(t), "NATO", c.Code, entente.Date{})
				if err != nil {
					t.Errorf("%s: %v", c.Code, err)
					continue
				}
				checkVerdict(t, &c, v)
			}
		})
	}
}

// checkVerdict checks v agrees with c's European reading and cites it.
func checkVerdict(t *testing.T, c *entente.Country, v entente.Verdict) {
	t.Helper()
	if len(v.Reasons) == 0 || v.Reasons[0].Article != "10" {
		t.Errorf("%s: verdict %+v has no reason citing Art. 10", c.Code, v)
		return
	}
	if strings.Contains(v.Reasons[0].Text, "already a member") {
		if c.European.Value == entente.EuropeanNo && c.Code != "CAN" && c.Code != "USA" {
			t.Errorf("%s: a member whose reading is no", c.Code)
		}
		return
	}
	r := v.Reasons[0]
	if !slices.Equal(r.Sources, c.European.Sources) || !strings.Contains(r.Text, c.European.Note) {
		t.Errorf("%s: reason %+v does not give the reading's note and sources %v", c.Code, r, c.European.Sources)
	}
	want := map[entente.European]struct{ eligible, debated bool }{
		entente.EuropeanYes: {true, false}, entente.EuropeanNo: {false, false}, entente.EuropeanDebated: {false, true}}[c.European.Value]
	if v.Eligible != want.eligible || v.Debated != want.debated {
		t.Errorf("%s (reading %s): eligible %v, debated %v; want %v, %v", c.Code, c.European.Value, v.Eligible, v.Debated, want.eligible, want.debated)
	}
}

// TestAccessionCheckCases: the countries a new user found unknown, and the
// contested readings, answer as the data says.
func TestAccessionCheckCases(t *testing.T) {
	svc := withDefault(t, engines[0].open(t))
	tests := []struct {
		code              string
		eligible, debated bool
		text              string
		source            string
	}{
		{"CYP", false, true, "whether Cyprus (CYP) is a European state is debated", "eurlex-joining-eu"},
		{"CHE", true, false, "Switzerland (CHE) reads as a European state. UN M49 places it in Western Europe", "un-m49"},
		{"MLT", true, false, "Malta (MLT) reads as a European state. UN M49 places it in Southern Europe", "un-m49"},
		{"RUS", true, false, "Russian Federation (RUS) reads as a European state. UN M49 places it in Eastern Europe", "un-m49"},
		{"GEO", false, true, "Bucharest summit on 2008-04-03", "nato-bucharest-2008"},
		{"ARM", false, true, "whether Armenia (ARM) is a European state is debated", "coe-pace-opinion-209"},
		{"AZE", false, true, "whether Azerbaijan (AZE) is a European state is debated", "rferl-coe-2001"},
		{"KAZ", false, true, "west of the Ural River", "wikipedia-european-kazakhstan"},
		{"NZL", false, false, "New Zealand (NZL) does not read as a European state", "un-m49"},
		{"GIB", false, false, "a territory, not a state", "countries-independent"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			v, err := svc.CheckAccession(staff(t), "NATO", tt.code, entente.Date{})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(v)
			if v.Eligible != tt.eligible || v.Debated != tt.debated {
				t.Fatalf("got %s; want eligible %v, debated %v", b, tt.eligible, tt.debated)
			}
			if r := v.Reasons[0]; !strings.Contains(r.Text, tt.text) || !slices.Contains(r.Sources, tt.source) {
				t.Errorf("first reason %+v: want %q citing %s", r, tt.text, tt.source)
			}
		})
	}
}
