package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
	"github.com/entente/entente/web"
)

// upload posts a file to u as the menu's form does.
func upload(t *testing.T, c *http.Client, u, tok, name, content string) (*http.Response, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf", tok)
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write([]byte(content))
	}
	mw.Close()
	req, _ := http.NewRequest("POST", u, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(res.Body)
	return res, out.String()
}

// TestMenuUpload: staff upload a menu file on /menu, see what it changes
// (added, replaced with the fields, unchanged) with nothing written, and
// import exactly that on confirming: the confirmation carries no file, so
// another file cannot be slipped in, and a token is good once, for its
// uploader only; a file's problems name the file, line and field; a
// change made meanwhile to an offer the file touches makes the import
// stale (412), nothing written; readers are refused (403), the public too
// (401).
func TestMenuUpload(t *testing.T) {
	engines(t, testMenuUpload)
}

func testMenuUpload(t *testing.T, st *stack) {
	addAccount(t, st.svc, "desk", password, entente.RoleStaff)
	addAccount(t, st.svc, "desk2", password, entente.RoleStaff)
	addAccount(t, st.svc, "reader", password, entente.RoleReader)
	staff, staff2, reader, public := browser(t), browser(t), browser(t), browser(t)
	for c, name := range map[*http.Client]string{staff: "desk", staff2: "desk2", reader: "reader"} {
		if res, _ := signIn(t, c, st.srv.URL, name, password, "/"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in %s: %d", name, res.StatusCode)
		}
	}
	first := "code,title,area,kind,provider,capacity\nUP-1,Maritime course,interoperability,course,NATO School,10\nUP-2,Cyber exercise,cyber-defence,exercise,NCIA,\n"
	if _, err := st.svc.ImportMenu(operator(t), "first.csv", "csv", strings.NewReader(first)); err != nil {
		t.Fatal(err)
	}
	next := "code,title,area,kind,provider,capacity\nUP-1,Maritime course,interoperability,course,NATO School,12\nUP-2,Cyber exercise,cyber-defence,exercise,NCIA,\nUP-3,Staff talks,,exchange,NATO HQ,\n"

	_, body := get(t, staff, st.srv.URL+"/menu")
	if !strings.Contains(body, `enctype="multipart/form-data"`) || !strings.Contains(body, `<label for="file">`) {
		t.Fatalf("staff's menu page has no upload form: %s", between(body, "<main", "</main>"))
	}
	tok := formTokenIn(t, body)
	if _, body := get(t, reader, st.srv.URL+"/menu"); strings.Contains(body, `action="/menu/preview"`) {
		t.Error("a reader is offered the upload form")
	}
	_, rbody := get(t, reader, st.srv.URL+"/account")
	if res, _ := upload(t, reader, st.srv.URL+"/menu/preview", formTokenIn(t, rbody), "next.csv", next); res.StatusCode != http.StatusForbidden {
		t.Errorf("a reader's upload: %d, want 403", res.StatusCode)
	}
	if res, _ := upload(t, public, st.srv.URL+"/menu/preview", formToken(t, public, st.srv.URL+"/login"), "next.csv", next); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the public's upload: %d, want 401", res.StatusCode)
	}
	if res, _ := upload(t, staff, st.srv.URL+"/menu/preview", "", "next.csv", next); res.StatusCode != http.StatusForbidden {
		t.Errorf("an upload without the CSRF token: %d, want 403", res.StatusCode)
	}

	// Empty, wrong kind, problems by file, line and field.
	res, body := upload(t, staff, st.srv.URL+"/menu/preview", tok, "", "")
	if res.StatusCode != 400 || !strings.Contains(body, `<a href="#file">Choose a CSV or JSON file`) || !strings.HasPrefix(pageTitle(body), "Error: ") {
		t.Errorf("no file: %d\n%s", res.StatusCode, between(body, "<main", "</h1>"))
	}
	if res, body := upload(t, staff, st.srv.URL+"/menu/preview", tok, "menu.txt", next); res.StatusCode != 400 || !strings.Contains(body, "menu.txt is not a .csv or .json file") {
		t.Errorf("a .txt file: %d", res.StatusCode)
	}
	res, body = upload(t, staff, st.srv.URL+"/menu/preview", tok, "bad.csv", "code,title,area,kind,provider,capacity\nX-1,Bad,space,course,NATO,ten\n")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "<code>bad.csv:2: capacity: &#34;ten&#34; is not a whole number</code>") {
		t.Errorf("a bad file: %d\n%s", res.StatusCode, between(body, "<main", "</form>"))
	}
	before := auditLen(t, st)

	// The preview: nothing written.
	res, body = upload(t, staff, st.srv.URL+"/menu/preview", tok, "next.csv", next)
	if res.StatusCode != 200 || !strings.Contains(body, "<h1>Check the import</h1>") || !strings.Contains(body, `<th scope="row">UP-3</th>`) ||
		!strings.Contains(body, "<td>capacity</td>") || !strings.Contains(body, "Unchanged: UP-2.") {
		t.Fatalf("the preview: %d\n%s", res.StatusCode, between(body, "<main", "</main>"))
	}
	if auditLen(t, st) != before {
		t.Fatal("the preview wrote")
	}
	form := url.Values{"csrf": {tok}, "token": {between(body, `name="token" value="`, `"`)}, "sha256": {between(body, `name="sha256" value="`, `"`)}}

	// Another's confirmation, or a different file's hash, imports nothing.
	_, body2 := get(t, staff2, st.srv.URL+"/menu")
	other := url.Values{"csrf": {formTokenIn(t, body2)}, "token": form["token"], "sha256": form["sha256"]}
	if res, _ := postForm(t, staff2, st.srv.URL+"/menu/import", other); res.StatusCode != 400 {
		t.Errorf("another's confirmation: %d, want 400", res.StatusCode)
	}
	// (the token was taken by that attempt only if it was the uploader's:
	// it was not, so it still waits)
	forged := url.Values{"csrf": {tok}, "token": form["token"], "sha256": {strings.Repeat("0", 64)}}
	if res, _ := postForm(t, staff, st.srv.URL+"/menu/import", forged); res.StatusCode != 400 {
		t.Errorf("a confirmation naming another file: %d, want 400", res.StatusCode)
	}
	if auditLen(t, st) != before {
		t.Fatal("a refused confirmation wrote")
	}

	// The forged attempt used the token up: preview again, then confirm.
	if res, body = upload(t, staff, st.srv.URL+"/menu/preview", tok, "next.csv", next); res.StatusCode != 200 {
		t.Fatalf("the second preview: %d", res.StatusCode)
	}
	form = url.Values{"csrf": {tok}, "token": {between(body, `name="token" value="`, `"`)}, "sha256": {between(body, `name="sha256" value="`, `"`)}}
	res, _ = postForm(t, staff, st.srv.URL+"/menu/import", form)
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/menu?") {
		t.Fatalf("the confirmation: %d %q", res.StatusCode, loc)
	}
	_, body = get(t, staff, st.srv.URL+res.Header.Get("Location"))
	if !strings.Contains(body, "Imported 3 offers from next.csv: 1 added, 1 replaced, 1 unchanged.") {
		t.Errorf("the import's confirmation: %s", between(body, "<main", "</h1>"))
	}
	if auditLen(t, st) != before+1 {
		t.Errorf("the import wrote %d audit events, want 1", auditLen(t, st)-before)
	}
	if res, _ := postForm(t, staff, st.srv.URL+"/menu/import", form); res.StatusCode != 400 || auditLen(t, st) != before+1 {
		t.Errorf("the same confirmation again: %d", res.StatusCode)
	}

	// Stale: an offer in the file changes between preview and confirmation.
	again := strings.Replace(next, "NATO HQ", "NATO HQ Brussels", 1)
	_, body = upload(t, staff, st.srv.URL+"/menu/preview", tok, "again.csv", again)
	form = url.Values{"csrf": {tok}, "token": {between(body, `name="token" value="`, `"`)}, "sha256": {between(body, `name="sha256" value="`, `"`)}}
	if _, err := st.svc.ImportMenuFile(operator(t), service.MenuRequest{Name: "meanwhile.csv", Format: "csv",
		Body: strings.NewReader("code,title,kind,provider\nUP-3,Staff talks,exchange,NATO IS\n")}); err != nil {
		t.Fatal(err)
	}
	mid := auditLen(t, st)
	if res, body := postForm(t, staff, st.srv.URL+"/menu/import", form); res.StatusCode != http.StatusPreconditionFailed || !strings.Contains(body, "The menu has changed since your preview") || auditLen(t, st) != mid {
		t.Errorf("a stale confirmation: %d", res.StatusCode)
	}
}

// TestMenuUploadLimit: an upload past the import's body limit is 413 and
// imports nothing; another form's route takes no more than a form's few
// fields, even as multipart.
func TestMenuUploadLimit(t *testing.T) {
	svc := openService(t, filepath.Join(t.TempDir(), "entente.db"))
	const limit = 64 << 10
	srv := serveWith(t, svc, web.Config{MaxImportBody: limit})
	addAccount(t, svc, "desk", password, entente.RoleStaff)
	c := browser(t)
	if res, _ := signIn(t, c, srv.URL, "desk", password, "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.StatusCode)
	}
	_, body := get(t, c, srv.URL+"/menu")
	tok := formTokenIn(t, body)
	var csv strings.Builder
	csv.WriteString("code,title,kind,provider\n")
	for i := 0; csv.Len() <= limit; i++ {
		fmt.Fprintf(&csv, "BIG-%05d,Offer number %d,course,NATO School\n", i, i)
	}
	before, _ := svc.Menu(t.Context())
	if res, body := upload(t, c, srv.URL+"/menu/preview", tok, "big.csv", csv.String()); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("an upload past the limit: %d\n%.300s", res.StatusCode, body)
	}
	if after, _ := svc.Menu(t.Context()); len(after) != len(before) {
		t.Error("the refused upload imported offers")
	}
	if res, _ := upload(t, c, srv.URL+"/admin/users", tok, "big.csv", csv.String()); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a large multipart body to another form: %d, want 413", res.StatusCode)
	}
}
