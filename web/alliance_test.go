package web_test

import (
	"html"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/pgtest"
	"github.com/entente/entente/service"
	"github.com/entente/entente/store"
	"github.com/entente/entente/web"
)

// generatedStack serves a store filled by entente generate's service and
// nothing else: an alliance that is not the default dataset's.
func generatedStack(t *testing.T, dsn string, cfg web.Config) (*stack, *service.GenerateResult) {
	t.Helper()
	st, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := service.New(st)
	res, err := svc.Generate(operator(t), service.GenerateRequest{Partners: 6, Activities: 40, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	return &stack{srv: serveWith(t, svc, cfg), svc: svc, token: staffToken(t, svc)}, res
}

// serveWith serves svc with cfg until t ends.
func serveWith(t *testing.T, svc *service.Service, cfg web.Config) *httptest.Server {
	t.Helper()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := web.New(svc, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, h)
	return srv
}

// TestGeneratedSite checks that a store holding only a generated alliance
// serves a complete site about that alliance, on both engines.
func TestGeneratedSite(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testGeneratedSite(t, filepath.Join(t.TempDir(), "synth.db")) })
	t.Run("PostgreSQL", func(t *testing.T) { testGeneratedSite(t, pgtest.New(t)) })
}

func testGeneratedSite(t *testing.T, dsn string) {
	s, res := generatedStack(t, dsn, web.Config{})
	ctx := t.Context()
	a, err := s.svc.Store.FindAlliance(ctx, res.Alliance)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := s.svc.Members(ctx, a.Code, entente.Date{})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := s.svc.Partners(ctx, a.Code, entente.Date{})
	if err != nil {
		t.Fatal(err)
	}
	progs, err := s.svc.Store.FindProgrammes(ctx, entente.Filter{Alliance: a.Code})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || len(ps) == 0 || len(progs) != res.Programmes || len(progs) == 0 {
		t.Fatalf("generated %d members, %d partners, %d programmes (result says %d)", len(ms), len(ps), len(progs), res.Programmes)
	}
	var memberNames, partnerNames, progIDs []string
	for _, m := range ms {
		memberNames = append(memberNames, html.EscapeString(m.Name))
	}
	for _, p := range ps {
		partnerNames = append(partnerNames, html.EscapeString(p.Name))
	}
	for _, p := range progs {
		progIDs = append(progIDs, "/programmes/"+p.ID)
	}
	name := html.EscapeString(a.Name)
	pages := map[string][]string{
		"/":                        {name + " at a glance", "12 members", "6 partners"},
		"/members":                 memberNames,
		"/partners":                partnerNames,
		"/programmes":              progIDs,
		"/timeline":                {"<svg", memberNames[0]},
		"/collective-defence":      {name, "Article 3, synthetic collective defence", "Consultation requests (Article 2) and invocations of Article 3"},
		"/countries/" + ms[0].Code: {memberNames[0], a.Code},
		"/partners/" + ps[0].Code:  {a.Code + " and " + partnerNames[0], progs[0].Title[:9]},
		"/operations":              {"Operations"},
		"/meetings":                {"Meetings"},
		"/sources":                 {html.EscapeString(service.SyntheticSource.Title)},
	}
	for path, want := range pages {
		r, body := get(t, nil, s.srv.URL+path)
		if r.StatusCode != 200 {
			t.Errorf("%s: status %d: %s", path, r.StatusCode, pageText(body))
			continue
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", path, w)
			}
		}
		for _, bad := range []string{"NATO", "No programmes."} {
			if strings.Contains(body, bad) {
				t.Errorf("%s shows %q on a store without that alliance", path, bad)
			}
		}
	}
}

// TestAllianceChoice checks which alliance a store with two serves: the
// first by code by default, the one Config.Alliance names, the one a page
// names with ?alliance= (and its links keep it), and a 404 naming an
// unknown one.
func TestAllianceChoice(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testAllianceChoice(t, filepath.Join(t.TempDir(), "two.db")) })
	t.Run("PostgreSQL", func(t *testing.T) { testAllianceChoice(t, pgtest.New(t)) })
}

func testAllianceChoice(t *testing.T, dsn string) {
	svc := openService(t, dsn) // the default dataset
	if _, err := svc.Generate(operator(t), service.GenerateRequest{Partners: 3, Seed: 1, Force: true}); err != nil {
		t.Fatal(err)
	}
	as, err := svc.Store.FindAlliances(t.Context())
	if err != nil || len(as) != 2 {
		t.Fatalf("alliances %v, %v: want two", as, err)
	}
	first, synth := as[0], as[1]
	if first.Code > synth.Code {
		first, synth = synth, first
	}
	serve := func(cfg web.Config) string { return serveWith(t, svc, cfg).URL }
	byDefault, named := serve(web.Config{}), serve(web.Config{Alliance: synth.Code})
	glance := func(a entente.Alliance) string { return "<h1>" + html.EscapeString(a.Name) + " at a glance</h1>" }
	for _, c := range []struct{ base, path, want string }{
		{byDefault, "/", glance(first)},
		{named, "/", glance(synth)},
		{byDefault, "/?alliance=" + synth.Code, glance(synth)},
		{byDefault, "/?alliance=" + strings.ToLower(synth.Code), glance(synth)},
		{named, "/?alliance=" + first.Code, glance(first)},
	} {
		res, body := get(t, nil, c.base+c.path)
		if res.StatusCode != 200 || !strings.Contains(body, c.want) {
			t.Errorf("%s (server default named: %t): status %d, want %q", c.path, c.base == named, res.StatusCode, c.want)
		}
	}
	// Links from a page that names an alliance keep it; the others do not
	// add one.
	_, body := get(t, nil, byDefault+"/partners?alliance="+synth.Code)
	if want := `href="/members?alliance=` + synth.Code + `"`; !strings.Contains(body, want) {
		t.Errorf("/partners?alliance=%s lacks the link %s", synth.Code, want)
	}
	if !strings.Contains(body, `/partners/QMM?alliance=`+synth.Code+`"`) {
		t.Errorf("/partners?alliance=%s: partner links lose the alliance", synth.Code)
	}
	_, body = get(t, nil, byDefault+"/partners")
	if strings.Contains(body, "alliance=") {
		t.Errorf("/partners without ?alliance= links with one")
	}
	for _, path := range []string{"/?alliance=NOPE", "/members?alliance=NOPE", "/partners/QMM?alliance=NOPE", "/api/v1/timeline?alliance=NOPE"} {
		res, body := get(t, nil, byDefault+path)
		if res.StatusCode != 404 || !strings.Contains(body, "NOPE") {
			t.Errorf("%s: status %d, want 404 naming the alliance", path, res.StatusCode)
		}
	}
	if _, err := web.New(svc, web.Config{Alliance: "NOPE"}); err != nil {
		t.Fatalf("web.New does not read the store: %v", err)
	}
	res, body := get(t, nil, serve(web.Config{Alliance: "NOPE"})+"/")
	if res.StatusCode != 404 || !strings.Contains(body, "NOPE") {
		t.Errorf("a server whose default alliance the store lacks: status %d, want 404 naming it", res.StatusCode)
	}
}

// TestBeforeTheFounding: the home page answered 500 for a day before the
// alliance's first member (its chart's caption read the first point of an
// empty series). Every page about the alliance answers for such a day.
func TestBeforeTheFounding(t *testing.T) {
	s, _ := generatedStack(t, filepath.Join(t.TempDir(), "synth.db"), web.Config{})
	for _, path := range []string{"/", "/members", "/partners", "/programmes", "/timeline", "/collective-defence", "/operations", "/meetings"} {
		res, body := get(t, nil, s.srv.URL+path+"?as_of=1990-06-01")
		if res.StatusCode != 200 {
			t.Errorf("%s on 1990-06-01: status %d", path, res.StatusCode)
		}
		if path == "/" && !strings.Contains(body, "No state had joined by 1 June 1990: the Synthetic Treaty (not real) was signed on 1 January 2000.") {
			t.Errorf("/ on 1990-06-01 does not say the alliance had no members yet:\n%s", pageText(body))
		}
	}
}
