package web_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/browsertest"
	"github.com/entente/entente/service"
	"github.com/entente/entente/web"
)

// liveServer starts the real server (web.New over the service and an
// SQLite store holding the default dataset) on a random port, as `entente
// serve` does, and returns its base URL, service and server.
func liveServer(t *testing.T) (string, *service.Service, *web.Server) {
	t.Helper()
	svc := openService(t, filepath.Join(t.TempDir(), "entente.db"))
	srv, err := web.New(svc, web.Config{Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(ctx, "127.0.0.1:0", func(a net.Addr) { addr <- a }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	select {
	case a := <-addr:
		return "http://" + a.String(), svc, srv
	case err := <-done:
		t.Fatal(err)
	}
	return "", nil, nil
}

// waitPath waits until the tab shows path (after a click that navigates).
func waitPath(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	// Generous: on a machine busy with other tests a page can take
	// seconds to load, and an answer that never comes fails all the same.
	deadline := time.Now().Add(45 * time.Second)
	for {
		p, err := browsertest.Eval[string](ctx, `document.readyState === "complete" ? location.pathname + location.search : ""`)
		if err == nil && p == path {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the tab shows %q, want %q (%v)", p, path, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// waitNoBanner waits until the page shown has no consent banner (after a
// choice, the form's redirect loads the page again without it).
func waitNoBanner(t *testing.T, ctx context.Context) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := browsertest.Eval[int](ctx, `document.readyState === "complete" ? document.querySelectorAll(".consent").length : -1`)
		if err == nil && n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the consent banner is still shown (%v)", err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if err := browsertest.Click(ctx, sel); err != nil {
		t.Fatal(err)
	}
}

func TestBrowser(t *testing.T) {
	b := browsertest.New(t)
	base, svc, srv := liveServer(t)

	// home → a member → the partners → the partner page → an "On this
	// page" link lands on its section.
	t.Run("Journey", func(t *testing.T) {
		ctx := b.NewContext(t)
		if err := browsertest.Navigate(ctx, base+"/"); err != nil {
			t.Fatal(err)
		}
		click(t, ctx, `ul.cards a[href="/members"]`)
		waitPath(t, ctx, "/members")
		click(t, ctx, `a[href="/countries/BEL"]`)
		waitPath(t, ctx, "/countries/BEL")
		if h1, _ := browsertest.Text(ctx, "h1"); !strings.Contains(h1, "Belgium") {
			t.Errorf("member page h1 %q", h1)
		}
		click(t, ctx, `header nav a[href="/partners"]`)
		waitPath(t, ctx, "/partners")
		click(t, ctx, `a[href="/partners/NZL"]`)
		waitPath(t, ctx, "/partners/NZL")
		if h1, _ := browsertest.Text(ctx, "h1"); h1 != "NATO and New Zealand" {
			t.Errorf("partner page h1 %q", h1)
		}
		click(t, ctx, `nav.toc a[href="#deployments"]`)
		time.Sleep(200 * time.Millisecond)
		hash, _ := browsertest.Eval[string](ctx, `location.hash`)
		top, err := browsertest.Eval[float64](ctx, `document.getElementById("deployments").getBoundingClientRect().top`)
		if err != nil || hash != "#deployments" || top < -2 || top > 40 {
			t.Errorf("after the index link: hash %q, section top %.0fpx (%v); want #deployments at the top", hash, top, err)
		}
		if h2, _ := browsertest.Text(ctx, "#deployments h2"); !strings.Contains(h2, "Deployments") {
			t.Errorf("section heading %q", h2)
		}
	})

	// The date bar is a plain form: pick a day, press Show, and the page
	// (with its country kept) answers for that day; a link followed from
	// there keeps the day.
	t.Run("DateForm", func(t *testing.T) {
		ctx := b.NewContext(t)
		if err := browsertest.Navigate(ctx, base+"/timeline?country=NZL"); err != nil {
			t.Fatal(err)
		}
		if _, err := browsertest.Eval[bool](ctx, `(document.getElementById("as_of").value = "2013-05-01", true)`); err != nil {
			t.Fatal(err)
		}
		click(t, ctx, `form.asof button[type="submit"]`)
		waitPath(t, ctx, "/timeline?as_of=2013-05-01&country=NZL")
		if bar, _ := browsertest.Text(ctx, "form.asof p"); !strings.Contains(bar, "1 May 2013") {
			t.Errorf("after choosing 1 May 2013 the date bar says %q", bar)
		}
		click(t, ctx, `header nav a[href^="/members"]`)
		waitPath(t, ctx, "/members?as_of=2013-05-01")
		if h2, _ := browsertest.Eval[string](ctx, `[...document.querySelectorAll("main h2")].pop().textContent`); !strings.Contains(h2, "2009") {
			t.Errorf("the members as of 2013 end with %q, want the 2009 wave", h2)
		}
	})

	visits := func(t *testing.T) int64 {
		if err := srv.Flush(t.Context()); err != nil {
			t.Fatal(err)
		}
		st, err := svc.Stats(t.Context(), svc.Today())
		if err != nil {
			t.Fatal(err)
		}
		return st.Total
	}
	cookieNames := func(t *testing.T, ctx context.Context) map[string]string {
		cs, err := browsertest.Cookies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, c := range cs {
			m[c.Name] = c.Value
		}
		return m
	}
	storage := func(t *testing.T, ctx context.Context) int {
		n, err := browsertest.Eval[int](ctx, `localStorage.length + sessionStorage.length`)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Reject: no analytics cookie, no storage, no count; the choice holds.
	t.Run("Reject", func(t *testing.T) {
		ctx := b.NewContext(t)
		before := visits(t)
		if err := browsertest.Navigate(ctx, base+"/members"); err != nil {
			t.Fatal(err)
		}
		if c := cookieNames(t, ctx); len(c) != 0 {
			t.Errorf("cookies before any choice: %v", c)
		}
		click(t, ctx, `.consent button[value="reject"]`)
		waitNoBanner(t, ctx)
		waitPath(t, ctx, "/members")
		if err := browsertest.Navigate(ctx, base+"/partners/NZL"); err != nil {
			t.Fatal(err)
		}
		c := cookieNames(t, ctx)
		if len(c) != 1 || c["consent"] != "no" {
			t.Errorf("cookies after Reject: %v, want only consent=no", c)
		}
		if n := storage(t, ctx); n != 0 {
			t.Errorf("%d items in web storage", n)
		}
		if n := visits(t); n != before {
			t.Errorf("visits counted after Reject: %d, want %d", n, before)
		}
	})

	// Accept: remembered across pages; visits counted, still no other cookie.
	t.Run("Accept", func(t *testing.T) {
		ctx := b.NewContext(t)
		before := visits(t)
		if err := browsertest.Navigate(ctx, base+"/"); err != nil {
			t.Fatal(err)
		}
		click(t, ctx, `.consent button[value="accept"]`)
		waitNoBanner(t, ctx)
		waitPath(t, ctx, "/")
		if err := browsertest.Navigate(ctx, base+"/timeline"); err != nil {
			t.Fatal(err)
		}
		if n, _ := browsertest.Eval[int](ctx, `document.querySelectorAll(".consent").length`); n != 0 {
			t.Error("the banner came back: the choice was not remembered")
		}
		c := cookieNames(t, ctx)
		if len(c) != 1 || c["consent"] != "yes" {
			t.Errorf("cookies after Accept: %v, want only consent=yes", c)
		}
		if n := visits(t); n < before+2 {
			t.Errorf("visits after Accept: %d, want at least %d", n, before+2)
		}
	})

	// axe-core on every page type: no WCAG 2.2 A/AA violation.
	t.Run("Axe", func(t *testing.T) {
		// A synthetic alliance beside the real records, so the programme
		// and activity pages are checked with goals, indicators, progress
		// charts and activities on them.
		if _, err := svc.Generate(operator(t), service.GenerateRequest{Partners: 2, Activities: 30, Seed: 1, Force: true}); err != nil {
			t.Fatal(err)
		}
		acts, err := svc.Activities(t.Context(), entente.ActivityFilter{})
		if err != nil || len(acts) == 0 {
			t.Fatalf("synthetic activities: %d, %v", len(acts), err)
		}
		synthetic := []string{"/programmes/" + acts[0].Programme, "/activities/" + acts[0].ID}
		pages := append(sitePages(), synthetic...)
		for _, p := range pages {
			// A tab per page: the tab's deadline bounds one page's
			// check, however many pages there are.
			ctx := b.NewContext(t)
			vs, err := browsertest.Axe(ctx, base+p)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if len(vs) > 0 {
				t.Errorf("%s: %s", p, browsertest.FormatViolations(vs))
			}
		}
	})

	// Screenshots: into docs/ with ENTENTE_UPDATE_SCREENSHOTS=1, else a
	// scratch directory (they are still taken, so a page that cannot be
	// drawn fails).
	t.Run("Screenshots", func(t *testing.T) {
		dir := t.TempDir()
		if os.Getenv("ENTENTE_UPDATE_SCREENSHOTS") != "" {
			dir = "../docs/screenshots"
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		ctx := b.NewContext(t)
		shots := map[string]string{"home.png": "/", "partner-nzl.png": "/partners/NZL", "timeline-nzl.png": "/timeline?country=NZL",
			"members.png": "/members", "privacy.png": "/privacy"}
		for name, p := range shots {
			if err := browsertest.Screenshot(ctx, base+p, filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
		}
		if os.Getenv("ENTENTE_UPDATE_SCREENSHOTS") != "" {
			b, err := os.ReadFile(filepath.Join(dir, "home.png"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile("../docs/screenshot.png", b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestLayout loads every page at a phone's width (390 px) and a laptop's
// (1280 px) and fails when anything reaches past the edge of the viewport,
// when citations overlap or run out of their line's box, or when a text of
// a chart is clipped by the chart's viewBox (issue 7, defect 10).
func TestLayout(t *testing.T) {
	b := browsertest.New(t)
	base, svc, _ := liveServer(t)
	if _, err := svc.Generate(operator(t), service.GenerateRequest{Partners: 2, Activities: 30, Seed: 1, Force: true}); err != nil {
		t.Fatal(err)
	}
	acts, err := svc.Activities(t.Context(), entente.ActivityFilter{})
	if err != nil || len(acts) == 0 {
		t.Fatalf("synthetic activities: %d, %v", len(acts), err)
	}
	pages := append(sitePages(), "/programmes/"+acts[0].Programme, "/activities/"+acts[0].ID)
	for _, width := range []int64{390, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx := b.NewContext(t)
			if err := browsertest.SetViewport(ctx, width, 800); err != nil {
				t.Fatal(err)
			}
			for _, p := range pages {
				if err := browsertest.Navigate(ctx, base+p); err != nil {
					t.Fatal(err)
				}
				ps, err := browsertest.Layout(ctx)
				if err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				if len(ps) > 0 {
					t.Errorf("%s at %d px:%s", p, width, browsertest.FormatLayout(ps))
				}
			}
		})
	}
}

// sitePages are the pages of the default dataset that the browser tests
// visit: one of each kind, and the long ones.
func sitePages() []string {
	return []string{"/", "/members", "/countries", "/countries/NZL", "/countries/BEL", "/countries/USA",
		"/countries/SRB/accession", "/countries/FIN/accession", "/calendar", "/calendar/list", "/partners", "/partners/NZL", "/partners/EGY",
		"/programmes", "/operations", "/meetings", "/collective-defence", "/sources", "/sources?kind=news", "/coverage", "/coverage?as_of=1995-01-01", "/timeline", "/timeline?country=NZL",
		"/timeline?country=BEL", "/privacy", "/stats", "/no-such-page", "/programmes/NZL-ITPP-2024", "/programmes/NZL-IPCP-2012",
		"/programmes/NZL-IPCP-2012/diff/NZL-ITPP-2024", "/menu", "/members?as_of=1990-01-01",
		"/search?q=bamyan", "/search?q=partner*&kind=partnership", "/search?q=%22unclosed", "/history/programme/NZL-ITPP-2024", "/history/membership/NATO/FIN?as_of=2024-01-01", "/api/docs"}
}
