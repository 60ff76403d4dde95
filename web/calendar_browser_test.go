package web_test

import (
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/browsertest"
	"github.com/entente/entente/service"
)

// TestBrowserCalendar: the month view (a grid of weeks at 1280 px, a
// list of the days with activities at 390 px) and the list view, with
// activities and long titles, pass axe and the layout check at both
// widths, with no JavaScript of ours.
func TestBrowserCalendar(t *testing.T) {
	b := browsertest.New(t)
	b.TabTimeout = 3 * time.Minute
	base, svc, _ := liveServer(t)
	for i, day := range []string{"2025-03-03", "2025-03-03", "2025-03-12", "2025-03-31", "2025-03"} {
		title := "Maritime security course number " + itoa(i) + " with a rather long title to wrap in its day"
		if _, err := svc.ProposeActivity(operator(t), service.ProposeRequest{Programme: "NZL-ITPP-2024", Title: title,
			From: entente.MustParseDate(day)}); err != nil {
			t.Fatal(err)
		}
	}
	ctx := b.NewContext(t)
	for _, p := range []string{"/calendar?month=2025-03", "/calendar?month=2025-03&partner=NZL&status=proposed", "/calendar/list", "/calendar?month=1999-01"} {
		navigate(t, ctx, base+p)
		checkPage(t, ctx, p)
	}
}
