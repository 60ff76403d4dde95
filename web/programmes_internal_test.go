package web

import (
	"encoding/json"
	"testing"
)

// TestProgrammeOpenAPIPaths keeps the OpenAPI description of the programme
// API in step with the routes, and valid JSON.
func TestProgrammeOpenAPIPaths(t *testing.T) {
	paths := programmeOpenAPIPaths()
	for _, p := range []string{"/api/v1/programmes", "/api/v1/programmes/{id}", "/api/v1/programmes/{id}/progress",
		"/api/v1/programmes/{id}/progress.svg", "/api/v1/programmes/{id}/diff/{other}", "/api/v1/programmes/{id}/activities",
		"/api/v1/programmes/{id}/reviews", "/api/v1/programmes/{id}/objectives", "/api/v1/programmes/{id}/goals",
		"/api/v1/activities", "/api/v1/activities/{id}", "/api/v1/activities/{id}/{step}", "/api/v1/menu"} {
		if paths[p] == nil {
			t.Errorf("OpenAPI paths lack %s", p)
		}
	}
	if _, err := json.Marshal(paths); err != nil {
		t.Fatal(err)
	}
}
