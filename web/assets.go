package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
)

// assets are the static files, served at content-hashed URLs
// (/static/style.1a2b3c4d5e.css) with a year-long, immutable cache lifetime:
// a changed file gets a new URL, so no browser keeps a stale copy.
type assets struct {
	files fs.FS
	dev   bool
	mu    sync.RWMutex
	byURL map[string]*asset
	byKey map[string]*asset // by plain name: "style.css"
}

type asset struct {
	name  string
	url   string
	body  []byte
	entry *entry
}

func loadAssets(files fs.FS, dev bool) (*assets, error) {
	a := &assets{files: files, dev: dev}
	return a, a.load()
}

func (a *assets) load() error {
	byURL, byKey := map[string]*asset{}, map[string]*asset{}
	err := fs.WalkDir(a.files, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(a.files, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		url := "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		h := http.Header{}
		h.Set("Content-Type", ct)
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		as := &asset{name: name, url: url, body: body, entry: newEntry(http.StatusOK, h, body)}
		as.entry.compress(staticLevel) // once, served for the life of the process
		byURL[url], byKey[name] = as, as
		return nil
	})
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.byURL, a.byKey = byURL, byKey
	a.mu.Unlock()
	return nil
}

// URL returns the hashed URL of the static file name ("style.css").
func (a *assets) URL(name string) string {
	if a.dev {
		a.load()
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	if as := a.byKey[name]; as != nil {
		return as.url
	}
	return "/static/" + name
}

// Content returns the body of the static file name.
func (a *assets) Content(name string) []byte {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if as := a.byKey[name]; as != nil {
		return as.body
	}
	return nil
}

// ServeHTTP serves a static file by its hashed URL. An unhashed or stale
// URL is not found: pages always link the current one.
func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if a.dev {
		a.load()
	}
	a.mu.RLock()
	as := a.byURL[r.URL.Path]
	a.mu.RUnlock()
	if as == nil {
		http.NotFound(w, r)
		return
	}
	as.entry.serve(w, r)
}
