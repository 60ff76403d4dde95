package main

import (
	"bufio"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// seedFacts is the list of the original "NATO and New Zealand" page's facts
// that the web test (TestPartnerPageFacts in web/web_test.go) holds /partners/NZL against.
const seedFacts = "../../web/testdata/seed-page-facts.txt"

// checkSeedFacts reports every fact of seedFacts whose phrases text lacks.
func checkSeedFacts(t *testing.T, text string) {
	t.Helper()
	f, err := os.Open(seedFacts)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lower := strings.ToLower(strings.Join(strings.Fields(text), " "))
	n, facts := 0, 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		what, needles, _ := strings.Cut(line, "::")
		facts++
		for _, nd := range strings.Split(needles, "|") {
			if nd = strings.TrimSpace(nd); !strings.Contains(lower, strings.ToLower(nd)) {
				t.Errorf("%s:%d: %s: the profile lacks %q", seedFacts, n, strings.TrimSpace(what), nd)
			}
		}
	}
	if facts < 30 {
		t.Fatalf("only %d facts in %s", facts, seedFacts)
	}
}

func TestProfileMarkdownFacts(t *testing.T) {
	out, stderr, code := run(t, "profile", "NZL", "--format", "md", scratch(t))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(out, "# NATO and New Zealand\n") {
		t.Errorf("first line: %.40q", out)
	}
	// Markdown emphasis is not part of the words.
	checkSeedFacts(t, strings.ReplaceAll(out, "**", ""))
	for _, w := range []string{"## On this page", "- [What is NATO?](#about)", "## <a id=\"sources\"></a>Sources", "<a id=\"src-mfat-nato\"></a>", "| NATO Summit 2022, Madrid |"} {
		if !strings.Contains(out, w) {
			t.Errorf("Markdown lacks %q", w)
		}
	}
}

func TestProfileHTML(t *testing.T) {
	file := filepath.Join(t.TempDir(), "nzl.html")
	_, stderr, code := run(t, "profile", "NZL", "--format=html", "--out", file, scratch(t))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.HasPrefix(s, "<!doctype html>") || !strings.Contains(s, "<style>") || !strings.Contains(s, "@media print") {
		t.Errorf("not a standalone document with its stylesheet: %.200s", s)
	}
	text := html.UnescapeString(regexp.MustCompile(`(?s)<style>.*?</style>|<[^>]*>`).ReplaceAllString(s, " "))
	checkSeedFacts(t, text)
}

func TestProfileErrors(t *testing.T) {
	db := scratch(t)
	if _, stderr, code := run(t, "profile", "BEL", db); code != exitUsage || !strings.Contains(stderr, "member") {
		t.Errorf("member: exit %d: %s", code, stderr)
	}
	if _, stderr, code := run(t, "profile", "NZL", "--format", "pdf", db); code != exitUsage || !strings.Contains(stderr, "--format") {
		t.Errorf("pdf: exit %d: %s", code, stderr)
	}
	if _, _, code := run(t, "profile", "XYZ", db); code != exitUsage {
		t.Errorf("XYZ: exit %d", code)
	}
}

// TestProfileMarkdownAnchors: the Markdown profile carried "{#about}" after
// its headings, an attribute syntax CommonMark does not have, so it printed
// as text and the index's links led nowhere. Each heading now carries an
// inline HTML anchor, which CommonMark allows, and every link of the index
// finds its anchor.
func TestProfileMarkdownAnchors(t *testing.T) {
	out, stderr, code := run(t, "profile", "NZL", "--format", "md", scratch(t))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if i := strings.Index(out, "{#"); i >= 0 {
		t.Errorf("Markdown carries attribute syntax: %q", out[max(0, i-40):min(len(out), i+20)])
	}
	links := regexp.MustCompile(`\]\(#([^)]+)\)`).FindAllStringSubmatch(out, -1)
	if len(links) < 5 {
		t.Fatalf("only %d in-page links", len(links))
	}
	for _, l := range links {
		if !strings.Contains(out, `<a id="`+l[1]+`"></a>`) {
			t.Errorf("link to #%s has no anchor", l[1])
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "#") && strings.Contains(line, "<a id=") && !regexp.MustCompile(`^#+ <a id="[a-z0-9-]+"></a>\S`).MatchString(line) {
			t.Errorf("heading %q: want the anchor right after the hashes", line)
		}
	}
}

// TestProfileOpening: the profile's account of the alliance opened with the
// fragment "Signed in Washington.", the alliance's note printed as a
// paragraph. The opening is now written from the alliance's fields: name,
// treaty, place and day of signature, entry into force.
func TestProfileOpening(t *testing.T) {
	db := scratch(t)
	for _, format := range []string{"md", "html"} {
		out, stderr, code := run(t, "profile", "NZL", "--format", format, db)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		text := html.UnescapeString(regexp.MustCompile(`(?s)<style>.*?</style>|<[^>]*>`).ReplaceAllString(out, ""))
		if !strings.Contains(text, "founded by the North Atlantic Treaty, signed in Washington, D.C. on 4 April 1949 and in force from 24 August 1949") {
			t.Errorf("%s: the opening is not written from the alliance's fields", format)
		}
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "Signed ") {
				t.Errorf("%s: a paragraph opens with a fragment: %.60q", format, strings.TrimSpace(line))
			}
		}
	}
}
