package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAccessionCheckCountries: CYP, CHE, MLT and RUS were "unknown country"
// before every ISO 3166-1 code was in the dataset (issue 7, defect 7); now
// each gets a verdict, and a debated reading says so on its first line with
// the reasons' sources, in text and in JSON.
func TestAccessionCheckCountries(t *testing.T) {
	db := scratch(t)
	tests := []struct {
		code  string
		exit  int
		first string
		text  string
	}{
		{"CYP", 1, "Debated: whether CYP may be invited to join NATO is contested", "[sources: un-m49, euabc-cyprus, eurlex-joining-eu]"},
		{"GEO", 1, "Debated: whether GEO may be invited", "Bucharest summit on 2008-04-03"},
		{"CHE", 0, "CHE may be invited to join NATO.", "Switzerland (CHE) reads as a European state"},
		{"MLT", 0, "MLT may be invited to join NATO.", "UN M49 places it in Southern Europe, Europe"},
		{"RUS", 0, "RUS may be invited to join NATO.", "Russian Federation (RUS) reads as a European state"},
		{"NZL", 1, "NZL is not eligible to join NATO.", "does not read as a European state"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			out, stderr, code := run(t, "accession", "check", "NATO", tt.code, db)
			if code != tt.exit || !strings.HasPrefix(out, tt.first) || !strings.Contains(out, tt.text) {
				t.Errorf("exit %d (want %d), stderr %q\n%s\nwant first line %q and %q", code, tt.exit, stderr, out, tt.first, tt.text)
			}
		})
	}
	out, _, _ := run(t, "accession", "check", "NATO", "CYP", "--json", db)
	var v struct {
		Eligible, Debated bool
		Reasons           []struct{ Sources []string }
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if v.Eligible || !v.Debated || len(v.Reasons) == 0 || len(v.Reasons[0].Sources) == 0 {
		t.Errorf("CYP as JSON: %s; want eligible false, debated true, sources on the first reason", out)
	}
}
