package jsondec_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/jsondec"
	"github.com/entente/entente/service"
)

// FuzzRequest feeds the API's request decoder (web's write handlers decode
// every body through jsondec.Request) arbitrary bodies for every write
// request type: it must never panic, and every refusal is an
// *entente.Error with code EINVALID that shows no Go names.
func FuzzRequest(f *testing.F) {
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `{"countries": "NZL"}`, `{"countries": ["NZL", 7]}`,
		`{"date": "2024-+1", "colour": "red", "participants": "three"}`,
		`{"id": "NZL-ITPP-2028", "partner": "NZL", "type": "ITPP", "title": "t", "agreed": "2028-01-15", "areas": ["a"], "carry_over": true}`,
		`{"programme": "NZL-ITPP-2024", "from": "2027-06-01", "to": "2027-06-03", "capacity": 1e99}`,
		`{"indicators": [{"name": "n", "target": "x"}]}`, `{"a": 1} {"b": 2}`, `{"actor": `, "\xff",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, v := range []any{new(service.AgreeRequest), new(service.ReviewRequest), new(service.ObjectiveRequest),
			new(service.GoalRequest), new(service.ProposeRequest), new(service.ActivityRequest)} {
			err := jsondec.Request(body, v)
			if err == nil {
				continue
			}
			var e *entente.Error
			if !errors.As(err, &e) || e.Code != entente.EINVALID {
				t.Fatalf("decoding %q into %T: %v (%T) is not an EINVALID *entente.Error", body, v, err, err)
			}
			if msg := e.Error(); strings.Contains(msg, "Go struct") || strings.Contains(msg, "service.") || strings.Contains(msg, "entente.") {
				t.Fatalf("decoding %q into %T: message shows Go names: %s", body, v, msg)
			}
		}
	})
}
