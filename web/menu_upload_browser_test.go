package web_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/browsertest"
	"github.com/entente/entente/service"
)

// chooseFile puts a file named name holding content in the file input
// with id, as choosing it in the browser's dialog would.
func chooseFile(t *testing.T, ctx context.Context, id, name, content string) {
	t.Helper()
	js := `(() => { const dt = new DataTransfer(); dt.items.add(new File([` + strconv.Quote(content) + `], ` + strconv.Quote(name) +
		`)); document.getElementById(` + strconv.Quote(id) + `).files = dt.files; return true })()`
	if _, err := browsertest.Eval[bool](ctx, js); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserMenuUpload: staff upload a menu file in Chromium, first one
// with a problem, then a good one, check the preview and import it; axe
// finds nothing on the form empty, with the file's problems, on the
// preview and on the confirmation, at 390 and 1280 px.
func TestBrowserMenuUpload(t *testing.T) {
	b := browsertest.New(t)
	b.TabTimeout = 5 * time.Minute
	base, svc, _ := liveServer(t)
	const pw = "the desk officer's long password"
	if _, err := svc.AddUser(operator(t), service.UserRequest{Name: "desk", Role: entente.RoleStaff, Password: pw}); err != nil {
		t.Fatal(err)
	}
	ctx := b.NewContext(t)
	signInTab(t, ctx, base, "desk", pw)
	navigate(t, ctx, base+"/menu")
	checkPage(t, ctx, "/menu with the upload form")
	chooseFile(t, ctx, "file", "bad.csv", "code,title,kind,provider,capacity\nB-1,Bad offer,course,NATO School,ten\n")
	click(t, ctx, `form[action="/menu/preview"] button[type="submit"]`)
	waitFor(t, ctx, "#problems")
	checkPage(t, ctx, "/menu with a file's problems")
	chooseFile(t, ctx, "file", "menu.csv", "code,title,kind,provider,capacity,area\nB-1,Cyber defence course,course,NATO School,20,cyber-defence\n")
	click(t, ctx, `form[action="/menu/preview"] button[type="submit"]`)
	waitFor(t, ctx, `form[action="/menu/import"]`)
	checkPage(t, ctx, "the import's preview")
	click(t, ctx, `form[action="/menu/import"] button[type="submit"]`)
	waitFor(t, ctx, `.panel[role="status"]`)
	checkPage(t, ctx, "the import's confirmation")
	if offers, _ := svc.Menu(t.Context()); len(offers) == 0 || offers[0].Code != "B-1" {
		t.Errorf("the menu after the import: %+v", offers)
	}
}
