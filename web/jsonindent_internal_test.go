package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/entente/entente"
)

// encodeIndented is what writeJSON wrote before indentJSON: the reference.
func encodeIndented(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	err := enc.Encode(v)
	return buf.Bytes(), err
}

func checkIndent(t *testing.T, doc []byte) {
	t.Helper()
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return
	}
	want, err := encodeIndented(v)
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.NewEncoder(&compact).Encode(v); err != nil {
		t.Fatal(err)
	}
	if got := indentJSON(nil, compact.Bytes()); !bytes.Equal(got, want) {
		t.Errorf("indentJSON(%q)\n got %q\nwant %q", compact.Bytes(), got, want)
	}
}

var indentSeeds = []string{
	`{}`, `[]`, `null`, `"x"`, `1.5e3`, `true`,
	`{"a":[],"b":{},"c":[1,{"d":"e,f:g{h}[i]"}],"j":"q\"u\\o\"te","k":null}`,
	`[[[]],[{}],[[1,2],[3]],"<&>\u2028"]`,
	`{"members":[{"code":"NZL","name":"New Zealand","since":"2012-06-04","sources":["a","b"]}]}`,
}

// TestIndentJSON checks indentJSON against encoding/json's own indent.
func TestIndentJSON(t *testing.T) {
	for _, s := range indentSeeds {
		checkIndent(t, []byte(s))
	}
}

// FuzzIndentJSON checks indentJSON against encoding/json's own indent on any
// value encoding/json can read.
func FuzzIndentJSON(f *testing.F) {
	for _, s := range indentSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) { checkIndent(t, []byte(doc)) })
}

func BenchmarkIndentJSON(b *testing.B) {
	var v any
	json.Unmarshal([]byte(`[`+indentSeeds[6]+`,`+indentSeeds[8]+`,`+indentSeeds[7]+`]`), &v)
	compact, _ := json.Marshal(v)
	b.Run("encoding/json", func(b *testing.B) {
		var dst bytes.Buffer
		for b.Loop() {
			dst.Reset()
			json.Indent(&dst, compact, "", "  ")
		}
	})
	b.Run("indentJSON", func(b *testing.B) {
		var dst []byte
		for b.Loop() {
			dst = indentJSON(dst[:0], compact)
		}
	})
}

// TestWriteJSONVersioned: the ETag taken from the one encoding is the
// record's version, for records whose JSON escapes HTML and holds
// nested lists.
func TestWriteJSONVersioned(t *testing.T) {
	recs := []any{
		entente.Activity{ID: "A<1>&", Title: "Talks \u2028 <b>", Provenance: entente.Provenance{Sources: []string{"x", "y"}}},
		entente.Goal{Programme: "P", Code: "G1", Indicators: []entente.Indicator{{Name: "n", Target: 3}}},
		[]string{},
	}
	for _, v := range recs {
		w := httptest.NewRecorder()
		(&Server{}).writeJSONVersioned(w, http.StatusOK, v)
		if got, want := w.Header().Get("ETag"), entente.Version(v); got != want {
			t.Errorf("%T: ETag %s, want its version %s", v, got, want)
		}
		if want, _ := encodeIndented(v); !bytes.Equal(w.Body.Bytes(), want) {
			t.Errorf("%T: body %q, want %q", v, w.Body.Bytes(), want)
		}
	}
}
