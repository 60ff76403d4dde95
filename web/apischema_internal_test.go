package web

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/entente/entente"
)

type schemaInner struct {
	Shared string `json:"shared"`
	Deep   int    `json:"deep"`
}

type schemaOther struct {
	Shared string `json:"shared"`
}

type schemaSample struct {
	schemaInner
	*schemaOther
	Name    string                 `json:"name"`
	Note    string                 `json:"note,omitempty"`
	Day     entente.Date           `json:"day"`
	Since   entente.Date           `json:"since,omitzero"`
	Tags    []string               `json:"tags"`
	Opt     []string               `json:"opt,omitempty"`
	Ptr     *int                   `json:"ptr"`
	Status  entente.ActivityStatus `json:"status"`
	Mark    entente.Releasability  `json:"mark,omitzero"`
	Inner   schemaInner            `json:"inner,omitempty"`
	Counts  map[string]int         `json:"counts"`
	Raw     json.RawMessage        `json:"raw"`
	Skipped string                 `json:"-"`
	Plain   bool
}

// TestSchemaGen checks the generator's reading of encoding/json's rules
// on one type: names, what is required, null, embedded fields (a name two
// embedded structs share at one depth is dropped), enums and dates.
func TestSchemaGen(t *testing.T) {
	g := newSchemaGen()
	ref := g.ref(reflect.TypeFor[schemaSample]())
	if ref["$ref"] != "#/components/schemas/schemaSample" {
		t.Fatalf("ref %v", ref)
	}
	s := g.defs["schemaSample"].(map[string]any)
	props := s["properties"].(map[string]any)
	var names []string
	for n := range props {
		names = append(names, n)
	}
	want := []string{"Plain", "counts", "day", "deep", "inner", "mark", "name", "note", "opt", "ptr", "raw", "since", "status", "tags"}
	if got := slices.Sorted(slices.Values(names)); !reflect.DeepEqual(got, want) {
		t.Errorf("properties %v, want %v", got, want)
	}
	if got, want := s["required"], []string{"Plain", "counts", "day", "deep", "inner", "name", "ptr", "raw", "status", "tags"}; !reflect.DeepEqual(got, want) {
		t.Errorf("required %v, want %v", got, want)
	}
	if got := props["tags"].(map[string]any)["type"]; !reflect.DeepEqual(got, []any{"array", "null"}) {
		t.Errorf("tags: type %v, want array or null", got)
	}
	if got := props["opt"].(map[string]any)["type"]; got != "array" {
		t.Errorf("opt: type %v, want array", got)
	}
	if got := props["status"].(map[string]any)["$ref"]; got != "#/components/schemas/ActivityStatus" {
		t.Errorf("status: %v", got)
	}
	if got := g.defs["ActivityStatus"].(map[string]any)["enum"]; !reflect.DeepEqual(got, strs(entente.ActivityStatuses)) {
		t.Errorf("ActivityStatus enum %v", got)
	}
	if got := props["since"].(map[string]any)["$ref"]; got != "#/components/schemas/Date" {
		t.Errorf("since: %v", got)
	}
	if _, ok := props["day"].(map[string]any)["anyOf"]; !ok {
		t.Errorf("day (written as \"\" when zero): %v", props["day"])
	}
	if s["additionalProperties"] != false {
		t.Error("unknown properties allowed")
	}
	// A request body requires only what the route says, and names its
	// own components.
	b := g.body(reflect.TypeFor[schemaSample](), "name")
	if !reflect.DeepEqual(b["required"], []string{"name"}) {
		t.Errorf("body %v", b)
	}
	if in := g.defs["schemaSampleInput"].(map[string]any); in["required"] != nil {
		t.Errorf("input schema requires %v", in["required"])
	}
}
