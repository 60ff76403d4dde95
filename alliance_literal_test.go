package entente_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/entente/entente/dataset"
)

// TestNoAllianceInCode fails when non-test Go code or a page template names
// the default dataset's alliance, by code or by name, even in a comment or a
// help text:
// which alliance entente works on is data (the dataset's text files and the
// store), never code.
func TestNoAllianceInCode(t *testing.T) {
	ds, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for _, a := range ds.Alliances {
		words = append(words, regexp.QuoteMeta(a.Code), regexp.QuoteMeta(a.Name))
	}
	if len(words) == 0 {
		t.Fatal("the default dataset has no alliance")
	}
	named := regexp.MustCompile(`\b(` + strings.Join(words, "|") + `)\b`)
	var found []string
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		template := filepath.Dir(path) == filepath.Join("web", "templates")
		if d.IsDir() || !(template || strings.HasSuffix(path, ".go")) || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if m := named.FindString(line); m != "" {
				found = append(found, fmt.Sprintf("%s:%d: %q in %s", path, i+1, m, strings.TrimSpace(line)))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) > 0 {
		t.Errorf("Go code names an alliance; read it from the store or the dataset instead:\n%s", strings.Join(found, "\n"))
	}
}
