package web

import (
	"bytes"
	"log/slog"
	"math"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestWriteJSONFailure: a NaN in an answer was written as an empty 200,
// and nothing was logged (issue 8). An answer that cannot be encoded is
// logged and answered with a 500 and problem details.
func TestWriteJSONFailure(t *testing.T) {
	var log bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&log, nil))}
	w := httptest.NewRecorder()
	s.writeJSON(w, 200, map[string]float64{"score": math.NaN()})
	if w.Code != 500 || !strings.Contains(w.Body.String(), `"status":500`) || w.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("a NaN answered %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Body.String())
	}
	if !strings.Contains(log.String(), "encode JSON response") || !strings.Contains(log.String(), "NaN") {
		t.Errorf("nothing logged: %q", log.String())
	}
	w = httptest.NewRecorder()
	s.writeJSON(w, 201, map[string]float64{"score": 0.5})
	if w.Code != 201 || !strings.Contains(w.Body.String(), `"score": 0.5`) {
		t.Errorf("a good answer: %d %q", w.Code, w.Body.String())
	}
}
