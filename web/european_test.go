package web_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestDebatedReading: the API and the pages show a debated European
// reading as debated, with its sources: the accession verdict, the country
// page and the partner profile.
func TestDebatedReading(t *testing.T) {
	st := newStack(t)
	_, body := get(t, nil, st.srv.URL+"/api/v1/alliances/NATO/accession/CYP")
	var v struct {
		Eligible, Debated bool
		Reasons           []struct {
			Text    string
			Sources []string
		}
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	if v.Eligible || !v.Debated || len(v.Reasons) == 0 || !strings.Contains(v.Reasons[0].Text, "debated") || len(v.Reasons[0].Sources) == 0 {
		t.Errorf("API verdict for CYP: %s", body)
	}
	_, body = get(t, nil, st.srv.URL+"/countries/CYP")
	if text := pageText(body); !strings.Contains(text, "European state: debated.") || !strings.Contains(body, `href="/sources#eurlex-joining-eu"`) {
		t.Errorf("/countries/CYP does not show the debated reading with its sources:\n%s", text)
	}
	_, body = get(t, nil, st.srv.URL+"/partners/GEO")
	if text := pageText(body); !strings.Contains(text, "Whether Georgia can join is debated") || !strings.Contains(text, "Bucharest summit on 2008-04-03") {
		t.Errorf("/partners/GEO does not say the reading is debated:\n%s", text)
	}
}
