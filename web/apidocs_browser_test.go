package web_test

import (
	"testing"

	"github.com/entente/entente/internal/browsertest"
)

// TestBrowserAPIDocs: /api/docs, reached from the footer's API link, has
// no axe-core violation and fits the screen at 390 and 1280 px, and its
// contents link to an operation and a schema on the page.
func TestBrowserAPIDocs(t *testing.T) {
	b := browsertest.New(t)
	base, _, _ := liveServer(t)
	ctx := b.NewContext(t)
	navigate(t, ctx, base+"/")
	click(t, ctx, `footer.site a[href="/api/docs"]`)
	waitPath(t, ctx, "/api/docs")
	checkPage(t, ctx, "the API reference")
	for _, sel := range []string{`#get_activities_id`, `#schema-Activity`, `#schema-Problem`} {
		if n, _ := browsertest.Eval[int](ctx, `document.querySelectorAll('a[href="`+sel+`"]').length`); n == 0 {
			t.Errorf("nothing links to %s", sel)
		}
	}
}
