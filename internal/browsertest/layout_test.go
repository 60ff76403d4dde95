package browsertest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// layoutPages are pages with one layout fault each, and one without.
var layoutPages = map[string]string{
	"/ok": `<p>Text <span class="cite">[a, b]</span></p>
<svg viewBox="0 0 200 40"><text x="10" y="20">fits</text></svg>`,
	"/wide":    `<div style="width: 2000px">too wide</div>`,
	"/scroll":  `<div style="overflow-x: auto"><div style="width: 2000px">wide, in a scroller</div></div>`,
	"/nowrap":  `<ul style="columns: 2; width: 300px"><li>One <span class="cite" style="white-space: nowrap">[a-long-source-id, another-long-source-id]</span></li><li>Two</li></ul>`,
	"/overlap": `<p style="position: relative; height: 3em"><span class="cite" style="position: absolute; left: 0">[a]</span><span class="cite" style="position: absolute; left: 2px">[b]</span></p>`,
	"/svgclip": `<svg viewBox="0 0 200 40" width="200"><text x="5" y="20" text-anchor="end">cut at the left</text></svg>`,
}

func TestLayout(t *testing.T) {
	b := New(t)
	mux := http.NewServeMux()
	for path, body := range layoutPages {
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title></head><body>%s</body></html>`, body)
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ctx := b.NewContext(t)
	if err := SetViewport(ctx, 390, 800); err != nil {
		t.Fatal(err)
	}
	if w, err := Eval[int](ctx, `window.innerWidth`); err != nil || w != 390 {
		t.Fatalf("viewport width %d (%v), want 390", w, err)
	}
	want := map[string]string{"/ok": "", "/scroll": "", "/wide": "overflow", "/nowrap": "overlap", "/overlap": "overlap", "/svgclip": "svg-clip"}
	for path, kind := range want {
		if err := Navigate(ctx, srv.URL+path); err != nil {
			t.Fatal(err)
		}
		ps, err := Layout(ctx)
		if err != nil {
			t.Fatal(err)
		}
		kinds := []string{}
		for _, p := range ps {
			kinds = append(kinds, p.Kind)
		}
		switch {
		case kind == "" && len(ps) > 0:
			t.Errorf("%s: problems found in a sound page:%s", path, FormatLayout(ps))
		case kind != "" && !slices.Contains(kinds, kind):
			t.Errorf("%s: no %q problem found; got%s", path, kind, FormatLayout(ps))
		}
	}
}
