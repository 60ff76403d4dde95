package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// entry is a complete response ready to serve many times: its body, the
// body gzipped (when that is smaller), and an ETag derived from the body.
type entry struct {
	status int
	header http.Header
	body   []byte
	gz     []byte
	etag   string
	gen    uint64
}

func newEntry(status int, h http.Header, body []byte) *entry {
	sum := sha256.Sum256(body)
	e := &entry{status: status, header: h, body: body, etag: `"` + hex.EncodeToString(sum[:10]) + `"`}
	if len(body) >= 512 && compressible(h.Get("Content-Type")) {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		if buf.Len() < len(body) {
			e.gz = buf.Bytes()
		}
	}
	return e
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "json") || strings.Contains(ct, "javascript") ||
		strings.Contains(ct, "svg") || strings.Contains(ct, "xml")
}

// serve writes the entry, answering a conditional GET whose If-None-Match
// names its ETag with 304 Not Modified, and sending the gzipped body to
// clients that accept it.
func (e *entry) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	maps.Copy(h, e.header)
	h.Set("ETag", e.etag)
	h.Add("Vary", "Accept-Encoding")
	if e.status == http.StatusOK && etagMatch(r.Header.Get("If-None-Match"), e.etag) {
		h.Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := e.body
	if e.gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = e.gz
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func etagMatch(inm, etag string) bool {
	if inm == "" {
		return false
	}
	for _, t := range strings.Split(inm, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" {
			q = strings.ReplaceAll(q, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// pageCache holds rendered responses by request key until the store
// reports a change. A change bumps the generation; an entry rendered under
// an older generation is never served, so a page rendered while a write
// committed is not kept past it.
type pageCache struct {
	gen     atomic.Uint64
	mu      sync.RWMutex
	entries map[string]*entry
}

// maxEntries bounds the cache: query strings are the client's to choose.
const maxEntries = 4096

func newPageCache() *pageCache { return &pageCache{entries: map[string]*entry{}} }

func (c *pageCache) invalidate() {
	c.gen.Add(1)
	c.mu.Lock()
	clear(c.entries)
	c.mu.Unlock()
}

func (c *pageCache) get(key string) *entry {
	c.mu.RLock()
	e := c.entries[key]
	c.mu.RUnlock()
	if e == nil || e.gen != c.gen.Load() {
		return nil
	}
	return e
}

func (c *pageCache) put(key string, e *entry) {
	c.mu.Lock()
	if len(c.entries) >= maxEntries {
		clear(c.entries)
	}
	if e.gen == c.gen.Load() {
		c.entries[key] = e
	}
	c.mu.Unlock()
}

// recorder buffers a handler's response so that it can be cached.
type recorder struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.buf.Write(b)
}
