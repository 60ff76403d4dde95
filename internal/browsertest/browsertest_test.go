package browsertest

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
)

// csp is the strict policy of every page of the test server: no inline
// scripts, no eval, scripts only from the same origin.
const csp = "default-src 'self'; script-src 'self'"

const okPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Accessible page</title></head>
<body>
<main>
<h1>Accessible page</h1>
<img src="/pixel.png" alt="A red square" width="40" height="40">
<form action="/" method="get">
  <label for="name">Name</label>
  <input id="name" name="name" type="text">
  <button type="submit">Send</button>
</form>
<p><button id="btn" type="button">Count</button></p>
<p id="out">clicked 0</p>
</main>
<script src="/app.js"></script>
</body>
</html>`

const badPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Bad page</title></head>
<body>
<main>
<h1>Bad page</h1>
<img id="noalt" src="/pixel.png" width="40" height="40">
<form action="/" method="get">
  <input id="unlabelled" name="q" type="text">
</form>
</main>
<script>document.title = 'inline script ran';</script>
</body>
</html>`

const appJS = `let n = 0;
document.getElementById('btn').addEventListener('click', () => {
	n++;
	document.getElementById('out').textContent = 'clicked ' + n;
});
`

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	var pixel bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 40, 40))
	for y := range 40 {
		for x := range 40 {
			img.Set(x, y, color.RGBA{R: 200, A: 255})
		}
	}
	if err := png.Encode(&pixel, img); err != nil {
		t.Fatal(err)
	}

	mux := http.NewServeMux()
	html := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		}
	}
	mux.HandleFunc("GET /{$}", html(okPage))
	mux.HandleFunc("GET /bad", html(badPage))
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s3cret", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		html(okPage)(w, r)
	})
	mux.HandleFunc("GET /app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, appJS)
	})
	mux.HandleFunc("GET /pixel.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(pixel.Bytes())
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestBrowser shares one browser between parallel subtests; each subtest
// has its own tab.
func TestBrowser(t *testing.T) {
	b := New(t)
	srv := newServer(t)

	t.Run("AxeAccessiblePage", func(t *testing.T) {
		t.Parallel()
		ctx := b.NewContext(t)
		vs, err := Axe(ctx, srv.URL+"/")
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 0 {
			t.Error(FormatViolations(vs))
		}
	})

	t.Run("AxeViolationsUnderStrictCSP", func(t *testing.T) {
		t.Parallel()
		ctx := b.NewContext(t)
		if err := Navigate(ctx, srv.URL+"/bad"); err != nil {
			t.Fatal(err)
		}
		// Record CSP violations from here on, to show that axe causes none
		// (it needs neither inline scripts nor eval).
		if _, err := Eval[bool](ctx, `window.__csp = [];
			document.addEventListener('securitypolicyviolation',
				(e) => window.__csp.push(e.effectiveDirective + ' ' + e.blockedURI));
			true`); err != nil {
			t.Fatal(err)
		}
		vs, err := AxeCurrent(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := Eval[[]string](ctx, `window.__csp`); err != nil || len(got) != 0 {
			t.Errorf("CSP violations during axe: %q, err %v", got, err)
		}
		t.Logf("report:\n%s", FormatViolations(vs))
		byID := map[string]Violation{}
		for _, v := range vs {
			byID[v.ID] = v
		}
		for id, target := range map[string]string{"image-alt": "#noalt", "label": "#unlabelled"} {
			v, ok := byID[id]
			if !ok {
				t.Errorf("axe did not report %q", id)
				continue
			}
			if !slices.ContainsFunc(v.Nodes, func(n ViolationNode) bool { return slices.Contains(n.Target, target) }) {
				t.Errorf("%s: no node with target %s in %+v", id, target, v.Nodes)
			}
			if v.Impact == "" || v.Help == "" || v.HelpURL == "" {
				t.Errorf("%s: missing impact/help/helpUrl: %+v", id, v)
			}
		}

		// The policy is in force: the page's inline script did not run, and
		// a <script> element added from the page is blocked too. Only the
		// DevTools evaluation got axe in.
		title, err := Eval[string](ctx, `document.title`)
		if err != nil {
			t.Fatal(err)
		}
		if title != "Bad page" {
			t.Errorf("title = %q: the inline script ran, so the CSP was not enforced", title)
		}
		ran, err := Eval[bool](ctx, `(() => {
			const s = document.createElement('script');
			s.textContent = 'window.__inlineRan = true';
			document.head.append(s);
			return window.__inlineRan === true;
		})()`)
		if err != nil {
			t.Fatal(err)
		}
		if ran {
			t.Error("an inline <script> element ran despite script-src 'self'")
		}
		// The event fires asynchronously; wait for the one that the blocked
		// element caused, which shows that the recorder above works.
		got, err := Eval[[]string](ctx, `new Promise((resolve) => {
			const poll = () => window.__csp.length ? resolve(window.__csp) : setTimeout(poll, 10);
			poll();
		})`)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || !strings.HasPrefix(got[0], "script-src-elem inline") {
			t.Errorf("CSP violations after adding an inline <script>: %q", got)
		}
		version, err := Eval[string](ctx, `axe.version`)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("axe-core %s ran under CSP %q", version, csp)
	})

	t.Run("AxeAfterInteraction", func(t *testing.T) {
		t.Parallel()
		ctx := b.NewContext(t)
		if err := Navigate(ctx, srv.URL+"/"); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := Click(ctx, "#btn"); err != nil {
				t.Fatal(err)
			}
		}
		got, err := Text(ctx, "#out")
		if err != nil {
			t.Fatal(err)
		}
		if got != "clicked 2" {
			t.Errorf("Text(#out) = %q, want %q (same-origin /app.js must run under the CSP)", got, "clicked 2")
		}
		// Twice on one document: the second run reuses the injected axe.
		for range 2 {
			vs, err := AxeCurrent(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != 0 {
				t.Error(FormatViolations(vs))
			}
		}
	})

	t.Run("Screenshot", func(t *testing.T) {
		t.Parallel()
		ctx := b.NewContext(t)
		path := filepath.Join(t.TempDir(), "page.png")
		if err := Screenshot(ctx, srv.URL+"/", path); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
			t.Fatalf("not a PNG: starts with % x", data[:min(8, len(data))])
		}
		if len(data) < 2000 {
			t.Errorf("PNG is only %d bytes", len(data))
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Width != 1280 || cfg.Height < 100 {
			t.Errorf("PNG is %dx%d, want width 1280", cfg.Width, cfg.Height)
		}
		t.Logf("%dx%d PNG, %d bytes", cfg.Width, cfg.Height, len(data))
	})

	t.Run("Cookies", func(t *testing.T) {
		t.Parallel()
		// A context gets the cookie that the server sets.
		a := b.NewContext(t)
		if err := Navigate(a, srv.URL+"/login"); err != nil {
			t.Fatal(err)
		}
		cs, err := Cookies(a)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(cs, func(c *network.Cookie) bool { return c.Name == "session" })
		if i < 0 {
			t.Fatalf("no session cookie after /login: %+v", cs)
		}
		if c := cs[i]; c.Value != "s3cret" || !c.HTTPOnly || c.Path != "/" {
			t.Errorf("session cookie = %+v", c)
		}

		// Another context on the same browser does not see it.
		other := b.NewContext(t)
		if err := Navigate(other, srv.URL+"/"); err != nil {
			t.Fatal(err)
		}
		cs, err = Cookies(other)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 0 {
			t.Errorf("a new context sees cookies of another: %+v", cs)
		}

		// Nor does a plain tab. Two plain tabs share the default context.
		tab1 := b.NewTab(t)
		if err := Navigate(tab1, srv.URL+"/"); err != nil {
			t.Fatal(err)
		}
		if cs, err = Cookies(tab1); err != nil || len(cs) != 0 {
			t.Errorf("plain tab: cookies %+v, err %v; want none", cs, err)
		}
		if err := Navigate(tab1, srv.URL+"/login"); err != nil {
			t.Fatal(err)
		}
		tab2 := b.NewTab(t)
		if err := Navigate(tab2, srv.URL+"/"); err != nil {
			t.Fatal(err)
		}
		if cs, err = Cookies(tab2); err != nil || len(cs) != 1 {
			t.Errorf("second plain tab: cookies %+v, err %v; want the shared session cookie", cs, err)
		}
	})
}

func TestSkipsWithoutChromium(t *testing.T) {
	t.Setenv("ENTENTE_CHROMIUM", "/nonexistent")
	t.Setenv("ENTENTE_REQUIRE_BROWSER", "")
	rec := &skipRecorder{TB: t}
	func() {
		defer func() {
			if r := recover(); r != nil && r != errStopped {
				panic(r)
			}
		}()
		New(rec)
		t.Error("New returned without skipping")
	}()
	if rec.skipped != SkipMessage {
		t.Errorf("skip message = %q, want %q", rec.skipped, SkipMessage)
	}
}

func TestFailsWithoutChromiumWhenRequired(t *testing.T) {
	t.Setenv("ENTENTE_CHROMIUM", "/nonexistent")
	t.Setenv("ENTENTE_REQUIRE_BROWSER", "1")
	rec := &skipRecorder{TB: t}
	func() {
		defer func() {
			if r := recover(); r != nil && r != errStopped {
				panic(r)
			}
		}()
		New(rec)
	}()
	if rec.skipped != "" || !strings.HasPrefix(rec.fatal, SkipMessage) {
		t.Errorf("skipped %q, fatal %q; want a fatal error", rec.skipped, rec.fatal)
	}
}

var errStopped = errors.New("stopped")

// skipRecorder records Skip and Fatal instead of ending the test.
type skipRecorder struct {
	testing.TB
	skipped, fatal string
}

func (r *skipRecorder) Skip(args ...any) {
	r.skipped = fmt.Sprint(args...)
	panic(errStopped)
}

func (r *skipRecorder) Fatal(args ...any) {
	r.fatal = fmt.Sprint(args...)
	panic(errStopped)
}

func TestFormatViolations(t *testing.T) {
	if got := FormatViolations(nil); got != "no accessibility violations" {
		t.Errorf("FormatViolations(nil) = %q", got)
	}
	got := FormatViolations([]Violation{{
		ID:      "image-alt",
		Impact:  "critical",
		Help:    "Images must have alternative text",
		HelpURL: "https://example.invalid/image-alt",
		Nodes: []ViolationNode{{
			Target:         []string{"#noalt"},
			HTML:           "<img id=\"noalt\"\n   src=\"/pixel.png\">",
			FailureSummary: "Fix any of the following:\n  Element does not have an alt attribute",
		}},
	}})
	for _, want := range []string{
		"1 accessibility violation(s) on 1 element(s)",
		"[critical] image-alt: Images must have alternative text",
		"https://example.invalid/image-alt",
		"- #noalt",
		`<img id="noalt" src="/pixel.png">`,
		"    Element does not have an alt attribute",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
