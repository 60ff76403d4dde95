package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/entente/entente"
)

// entry is a complete response ready to serve many times: its body, the
// body gzipped (when that is smaller and a client asked for it), and an
// ETag: the one the handler set (a record's version, see record), else
// one derived from the body.
type entry struct {
	status int
	header http.Header
	body   []byte
	// gz is the body gzipped, if it was compressed and came out smaller;
	// zipped says compression was tried, so a nil gz with zipped set means
	// the body does not shrink.
	gz     []byte
	zipped bool
	etag   string
	gen    uint64
	// route is the pattern of the route that rendered the entry, for
	// metrics and the access log.
	route string
}

// newEntry returns the entry of a response, not compressed yet (see
// compress): most clients of a page rendered anew ask for it once, and
// many (scripts, load tests) do not take gzip at all.
func newEntry(status int, h http.Header, body []byte) *entry {
	e := &entry{status: status, header: h, body: body, etag: h.Get("ETag")}
	if e.etag == "" {
		sum := sha256.Sum256(body)
		e.etag = `"` + hex.EncodeToString(sum[:10]) + `"`
	}
	return e
}

// compress gzips the body at level, keeping the result if it is smaller.
// Call it before the entry is shared (cached or served).
func (e *entry) compress(level int) {
	if e.zipped {
		return
	}
	e.zipped = true
	if len(e.body) < 512 || !compressible(e.header.Get("Content-Type")) {
		return
	}
	if gz := gzipped(e.body, level); len(gz) < len(e.body) {
		e.gz = gz
	}
}

// Compression levels. A response rendered for a request is compressed at
// gzip.BestSpeed, which costs a few times less CPU than the best level for
// a body a few percent larger; only what is made once and served for the
// life of the process (static files) takes gzip.BestCompression.
const (
	dynamicLevel = gzip.BestSpeed
	staticLevel  = gzip.BestCompression
)

// gzipWriters pool gzip writers by level: a new writer allocates over a
// megabyte of compressor state, which cost more than compressing a page.
var gzipWriters = map[int]*sync.Pool{dynamicLevel: {}, staticLevel: {}}

// gzipped returns body compressed at level, one of dynamicLevel and
// staticLevel.
func gzipped(body []byte, level int) []byte {
	pool := gzipWriters[level]
	var buf bytes.Buffer
	buf.Grow(len(body)/3 + 64)
	zw, _ := pool.Get().(*gzip.Writer)
	if zw == nil {
		zw, _ = gzip.NewWriterLevel(&buf, level)
	} else {
		zw.Reset(&buf)
	}
	zw.Write(body)
	zw.Close()
	pool.Put(zw)
	return buf.Bytes()
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "json") || strings.Contains(ct, "javascript") ||
		strings.Contains(ct, "svg") || strings.Contains(ct, "xml")
}

// serve writes the entry, answering a conditional GET whose If-None-Match
// names its ETag with 304 Not Modified, and sending the gzipped body to
// clients that accept it. An entry not compressed yet (first rendered for
// a client that did not take gzip) is compressed for this answer only, as
// it may be shared by then.
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
	if acceptsGzip(r) {
		gz := e.gz
		if !e.zipped {
			tmp := entry{header: e.header, body: e.body}
			tmp.compress(dynamicLevel)
			gz = tmp.gz
		}
		if gz != nil {
			h.Set("Content-Encoding", "gzip")
			body = gz
		}
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
// committed is not kept past it. The cache is bounded in bytes: past
// maxBytes the least recently used entries go.
type pageCache struct {
	gen      atomic.Uint64
	maxBytes int64
	mu       sync.Mutex
	entries  map[string]*list.Element // of *cached
	lru      *list.List               // most recently used first
	bytes    int64
}

// cached is an entry under its key, and what it costs.
type cached struct {
	key  string
	e    *entry
	size int64
}

// DefaultCacheBytes bounds the page cache when Config.CacheBytes is zero.
const DefaultCacheBytes = 64 << 20

// entryOverhead is what an entry costs besides its key, bodies and header
// values: the map slot, the list element and the structs.
const entryOverhead = 512

func newPageCache(maxBytes int64) *pageCache {
	return &pageCache{maxBytes: maxBytes, entries: map[string]*list.Element{}, lru: list.New()}
}

func (c *pageCache) invalidate() {
	c.gen.Add(1)
	c.mu.Lock()
	clear(c.entries)
	c.lru.Init()
	c.bytes = 0
	c.mu.Unlock()
}

func (c *pageCache) get(key string) *entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	el := c.entries[key]
	if el == nil {
		return nil
	}
	e := el.Value.(*cached).e
	if e.gen != c.gen.Load() {
		return nil
	}
	c.lru.MoveToFront(el)
	return e
}

func (c *pageCache) put(key string, e *entry) {
	size := int64(len(key)+len(e.body)+len(e.gz)+len(e.etag)) + entryOverhead
	for k, vs := range e.header {
		size += int64(len(k))
		for _, v := range vs {
			size += int64(len(v))
		}
	}
	if size > c.maxBytes/4 {
		return // one response may not take the cache from the others
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.gen != c.gen.Load() {
		return
	}
	if el := c.entries[key]; el != nil {
		c.remove(el)
	}
	c.entries[key] = c.lru.PushFront(&cached{key: key, e: e, size: size})
	c.bytes += size
	for c.bytes > c.maxBytes {
		c.remove(c.lru.Back())
	}
}

func (c *pageCache) remove(el *list.Element) {
	ce := c.lru.Remove(el).(*cached)
	delete(c.entries, ce.key)
	c.bytes -= ce.size
}

// stats reports how many entries the cache holds and their cost in bytes.
func (c *pageCache) stats() (entries int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.bytes
}

// recorder buffers a handler's response so that it can be cached.
type recorder struct {
	header http.Header
	status int
	buf    bytes.Buffer
	// elsewhere says the response is kept in the cache another way (a
	// span of days, spans.go): not under its address too.
	elsewhere bool
	// span, when not nil, is the span of days around the one asked for on
	// which the answer is the same (spans.go).
	span *entente.Period
}

// holdsFor tells the cache's recorder, if w is it, that the answer is the
// same on every day of span.
func holdsFor(w http.ResponseWriter, span entente.Period) {
	if rec, ok := w.(*recorder); ok {
		rec.span = &span
	}
}

// keptElsewhere tells the cache's recorder, if w is it, that the response
// is kept in the cache another way, and needs no entry of its own.
func keptElsewhere(w http.ResponseWriter) {
	if rec, ok := w.(*recorder); ok {
		rec.elsewhere = true
	}
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
