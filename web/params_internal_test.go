package web

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestOpenAPIQueryParams keeps the OpenAPI description true to what the API
// accepts: each operation documents exactly the query parameters its route
// reads (queryParams, and as_of on every GET), since any other is refused.
func TestOpenAPIQueryParams(t *testing.T) {
	paths := openAPIDoc()["paths"].(map[string]any)
	for _, p := range slices.Sorted(maps.Keys(paths)) {
		item := paths[p].(map[string]any)
		for _, method := range slices.Sorted(maps.Keys(item)) {
			op := item[method].(map[string]any)
			var documented []string
			params, _ := op["parameters"].([]any)
			for _, prm := range params {
				if m := prm.(map[string]any); m["in"] == "query" {
					documented = append(documented, m["name"].(string))
				}
			}
			pattern := strings.ToUpper(method) + " " + p
			var reads []string
			if method == "get" {
				reads = append(reads, "as_of")
			}
			for _, q := range queryParams[pattern] {
				reads = append(reads, q.Name)
			}
			slices.Sort(documented)
			slices.Sort(reads)
			if !slices.Equal(documented, reads) {
				t.Errorf("%s: OpenAPI documents query parameters %v, the route reads %v", pattern, documented, reads)
			}
		}
	}
	for pattern := range queryParams {
		method, p, _ := strings.Cut(pattern, " ")
		if item, ok := paths[p].(map[string]any); !ok || item[strings.ToLower(method)] == nil {
			t.Errorf("%s reads query parameters but OpenAPI does not describe it", pattern)
		}
	}
}
