package dataset

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/entente/entente"
)

// TestDefaultArticleRoles checks that the default dataset's alliance names
// its consultation, collective-defence and defence-area articles by role,
// and the place its treaty was signed.
func TestDefaultArticleRoles(t *testing.T) {
	ds, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	a := &ds.Alliances[0]
	for _, role := range entente.ArticleRoles {
		art, ok := a.ArticleFor(role)
		if !ok {
			t.Errorf("%s: no article has the role %s", a.Code, role)
			continue
		}
		if len(art.Sources) == 0 {
			t.Errorf("article %s (%s) cites no source", art.Number, role)
		}
	}
	if a.SignedAt == "" {
		t.Errorf("%s: signed-at is empty", a.Code)
	}
	if strings.HasPrefix(a.Note, "Signed") {
		t.Errorf("%s: the note opens with %q; the place of signature is the signed-at field", a.Code, a.Note[:20])
	}
}

func TestArticleRoleErrors(t *testing.T) {
	head := "[source s1]\ntitle: A source\nurl: https://example.org/\nkind: news\n[country AAA]\nname: A\nregion: R\neuropean: no\neuropean-sources: s1\nsources: s1\n\n" +
		"[alliance X]\nname: X\ntreaty: T\nsigned: 2000\neligible-regions: R\nunanimity: yes\nsources: s1\n\n" +
		"[article X 1]\ntitle: One\nsummary: s\nrole: consultation\nsources: s1\n\n"
	tests := []struct{ name, text, want string }{
		{"UnknownRole", "[article X 2]\ntitle: Two\nsummary: s\nrole: mutual-aid\nsources: s1\n",
			`[article X 2]: role: "mutual-aid" is not one of consultation, collective-defence, defence-area`},
		{"RoleTwice", "[article X 2]\ntitle: Two\nsummary: s\nrole: consultation\nsources: s1\n",
			`[article X 2]: role: article 1 already has the role consultation`},
		{"EventCitesOtherArticle", "[article X 2]\ntitle: Two\nsummary: s\nsources: s1\n\n" +
			"[defence-event e1]\nalliance: X\narticle: 2\ndate: 2001\nrequesters: AAA\nsummary: s\nsources: s1\n",
			`[defence-event e1]: article: "2" is not X's consultation or collective-defence article`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(fstest.MapFS{"a.txt": {Data: []byte(head + tt.text)}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant one containing %q", err, tt.want)
			}
		})
	}
	// The same event citing the consultation article is accepted.
	ok := head + "[defence-event e1]\nalliance: X\narticle: 1\ndate: 2001\nrequesters: AAA\nsummary: s\nsources: s1\n"
	if _, err := Parse(fstest.MapFS{"a.txt": {Data: []byte(ok)}}); err != nil {
		t.Errorf("an event citing the consultation article: %v", err)
	}
}
