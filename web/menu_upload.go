package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/secret"
	"github.com/entente/entente/service"
)

// The cooperation menu's upload (issue 10): on /menu, those who may import
// menus (service.MayImportMenu: staff and admins) upload a CSV or JSON
// file to /menu/preview, which shows what it would change (offers added,
// replaced with the fields changed, unchanged; or the file's problems by
// file, line and field) and writes nothing; /menu/import, confirmed from
// that page, imports it. The file stays on the server between the two,
// keyed by a random token bound to the account that uploaded it, for
// uploadTTL at most: the confirmation carries the token and the file's
// SHA-256, never the file, so what is imported is exactly the file
// previewed; and the preview's basis (service.MenuPreview.Basis), so an
// offer changed meanwhile by someone else makes the import stale (412)
// rather than different from its preview.

// uploadRoutes are the routes that take a file upload (see parseForm).
var uploadRoutes = map[string]bool{"POST /menu/preview": true}

func (s *Server) menuUploadRoutes() {
	s.mux.HandleFunc("POST /menu/preview", s.postMenuPreview)
	s.mux.HandleFunc("POST /menu/import", s.postMenuImport)
}

const (
	// uploadTTL is how long a previewed file waits for its confirmation.
	uploadTTL = 30 * time.Minute
	// maxUploads bounds how many previewed files wait at once; the
	// oldest goes first.
	maxUploads = 16
)

// upload is a previewed file awaiting its confirmation.
type upload struct {
	owner, name, format string
	data                []byte
	sum, basis          string
	expires             time.Time
}

// uploads holds the previewed files, bounded in number and in bytes (the
// import's body limit, all files together).
type uploads struct {
	mu    sync.Mutex
	byTok map[string]*upload
	order []string
	bytes int64
}

// put keeps u under a new token, dropping expired files and then the
// oldest until the bounds hold.
func (us *uploads) put(u *upload, now time.Time, maxBytes int64) string {
	us.mu.Lock()
	defer us.mu.Unlock()
	if us.byTok == nil {
		us.byTok = map[string]*upload{}
	}
	tok := secret.Random("")
	us.byTok[tok] = u
	us.order = append(us.order, tok)
	us.bytes += int64(len(u.data))
	for len(us.order) > 0 {
		old := us.byTok[us.order[0]]
		if old != nil && old.expires.After(now) && len(us.order) <= maxUploads && us.bytes <= maxBytes {
			break
		}
		if old != nil && us.order[0] == tok && len(us.order) == 1 {
			break // the new file alone, within the body limit
		}
		us.drop(us.order[0])
	}
	return tok
}

func (us *uploads) drop(tok string) {
	if u := us.byTok[tok]; u != nil {
		us.bytes -= int64(len(u.data))
		delete(us.byTok, tok)
	}
	for i, t := range us.order {
		if t == tok {
			us.order = append(us.order[:i], us.order[i+1:]...)
			break
		}
	}
}

// take removes and returns the file under tok if owner uploaded it and it
// has not expired.
func (us *uploads) take(tok, owner string, now time.Time) *upload {
	us.mu.Lock()
	defer us.mu.Unlock()
	u := us.byTok[tok]
	if u == nil || u.owner != owner {
		return nil
	}
	us.drop(tok)
	if !u.expires.After(now) {
		return nil
	}
	return u
}

// menuForm is the upload form's state on /menu.
type menuForm struct {
	Errors formErrors
	// Problems are the file's, one a line: "menu.csv:3: area: ...".
	Problems []string
	MaxBytes int64
	// Done says what an import did.
	Done string
}

// menuPreviewData is the preview page's.
type menuPreviewData struct {
	*service.MenuPreview
	Name, Token, Sum string
	Expires          time.Time
}

// menuExtra is the /menu page's upload form for those who may import.
func (s *Server) menuExtra(r *http.Request) any {
	if service.MayImportMenu(r.Context()) != nil {
		return nil
	}
	f := &menuForm{MaxBytes: s.maxImport}
	q := r.URL.Query()
	if n, err := strconv.Atoi(q.Get("imported")); err == nil {
		f.Done = "Imported " + plural(n, "offer") + " from " + q.Get("file") + ": " + q.Get("added") + " added, " + q.Get("replaced") + " replaced, " +
			q.Get("unchanged") + " unchanged."
	}
	return f
}

// renderMenuForm renders /menu with the upload form's errors.
func (s *Server) renderMenuForm(w http.ResponseWriter, r *http.Request, status int, f *menuForm) {
	offers, err := s.svc.Menu(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.allianceOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.MaxBytes = s.maxImport
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "menu.html", page{Title: "Error: Cooperation menu", Alliance: a, Data: offers, Extra: f, Timeless: true, url: &url.URL{Path: "/menu"}})
}

// readUpload reads the form's file: its name, format (by its extension)
// and bytes.
func readUpload(r *http.Request) (name, format string, data []byte, err error) {
	if r.MultipartForm == nil {
		return "", "", nil, entente.Errorf(entente.EINVALID, "Choose a CSV or JSON file to upload")
	}
	f, h, ferr := r.FormFile("file")
	if ferr != nil {
		return "", "", nil, entente.Errorf(entente.EINVALID, "Choose a CSV or JSON file to upload")
	}
	defer f.Close()
	name = path.Base(strings.ReplaceAll(h.Filename, `\`, "/"))
	switch strings.ToLower(path.Ext(name)) {
	case ".csv":
		format = "csv"
	case ".json":
		format = "json"
	default:
		return name, "", nil, entente.Errorf(entente.EINVALID, "%s is not a .csv or .json file: choose the menu as CSV or JSON", name)
	}
	data, err = io.ReadAll(f)
	if err == nil && len(data) == 0 {
		err = entente.Errorf(entente.EINVALID, "%s is empty: choose the menu's file", name)
	}
	return name, format, data, err
}

// menuProblems splits an import's refusal into the file's problems.
func menuProblems(err error) []string {
	var out []string
	for _, l := range strings.Split(entente.ErrorMessage(err), "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	if len(out) > 1 { // the first line counts them
		out = out[1:]
	}
	if len(out) == 1 {
		out[0] = strings.TrimSuffix(out[0], "; nothing imported")
	}
	return out
}

func (s *Server) postMenuPreview(w http.ResponseWriter, r *http.Request) {
	si := s.signedInOr(w, r)
	if si == nil {
		return
	}
	if err := service.MayImportMenu(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	name, format, data, err := readUpload(r)
	if err != nil {
		if entente.ErrorCode(err) != entente.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.renderMenuForm(w, r, http.StatusBadRequest, &menuForm{Errors: formErrors{{"file", entente.ErrorMessage(err)}}})
		return
	}
	p, err := s.svc.ImportMenuFile(r.Context(), service.MenuRequest{Name: name, Format: format, Body: bytes.NewReader(data), DryRun: true})
	if entente.ErrorCode(err) == entente.EINVALID {
		probs := menuProblems(err)
		s.renderMenuForm(w, r, http.StatusUnprocessableEntity, &menuForm{Problems: probs,
			Errors: formErrors{{"file", name + " has " + plural(len(probs), "problem") + ", listed below; nothing was imported: correct the file and upload it again"}}})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sum := sha256.Sum256(data)
	u := &upload{owner: si.account.Name, name: name, format: format, data: data, sum: hex.EncodeToString(sum[:]), basis: p.Basis,
		expires: s.svc.Now().Add(uploadTTL)}
	tok := s.uploads.put(u, s.svc.Now(), s.maxImport)
	a, err := s.allianceOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "menu-preview.html", page{Title: "Check the import: " + name, Alliance: a, Timeless: true, url: r.URL,
		Data: menuPreviewData{MenuPreview: p, Name: name, Token: tok, Sum: u.sum, Expires: u.expires}})
}

func (s *Server) postMenuImport(w http.ResponseWriter, r *http.Request) {
	si := s.signedInOr(w, r)
	if si == nil {
		return
	}
	if err := service.MayImportMenu(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	u := s.uploads.take(r.PostForm.Get("token"), si.account.Name, s.svc.Now())
	if u == nil || u.sum != r.PostForm.Get("sha256") {
		s.renderMenuForm(w, r, http.StatusBadRequest, &menuForm{Errors: formErrors{{"file",
			"This preview has expired, was imported already, or is not yours: upload the file again to preview it"}}})
		return
	}
	p, err := s.svc.ImportMenuFile(r.Context(), service.MenuRequest{Name: u.name, Format: u.format, Body: bytes.NewReader(u.data), Basis: u.basis})
	switch code := entente.ErrorCode(err); {
	case err == nil:
		q := url.Values{"imported": {strconv.Itoa(p.Offers)}, "file": {u.name}, "added": {strconv.Itoa(len(p.Added))},
			"replaced": {strconv.Itoa(len(p.Replaced))}, "unchanged": {strconv.Itoa(len(p.Unchanged))}}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, "/menu?"+q.Encode(), http.StatusSeeOther)
	case code == entente.ESTALE:
		s.renderMenuForm(w, r, http.StatusPreconditionFailed, &menuForm{Errors: formErrors{{"file",
			"The menu has changed since your preview (an offer in " + u.name + " was written by someone else meanwhile), so nothing was imported: upload the file again to see what it changes now"}}})
	case code == entente.EINVALID:
		probs := menuProblems(err)
		s.renderMenuForm(w, r, http.StatusUnprocessableEntity, &menuForm{Problems: probs, Errors: formErrors{{"file", u.name + " can no longer be imported; nothing was imported"}}})
	default:
		s.fail(w, r, err)
	}
}
