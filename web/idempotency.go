package web

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/service"
)

// idempotencyHeader is the request header naming a write, so that a retry
// gets the first answer again (see service.Idempotent).
const idempotencyHeader = "Idempotency-Key"

// replayedHeader marks an answer replayed for an Idempotency-Key.
const replayedHeader = "Idempotent-Replayed"

// keptHeaders are the headers of an answer kept with its key and replayed.
var keptHeaders = []string{"Content-Type", "Location", "ETag", "Last-Modified", "Retry-After"}

// idempotent runs a POST under /api/v1/ that carries an Idempotency-Key
// once per key of its principal: a retry with the same key and request
// gets the first answer (status, the kept headers, body) with
// Idempotent-Replayed: true; a key that is not 1 to 255 printable ASCII
// characters is 400; a used key with another request 422; a key whose
// first request is still running after service.IdempotencyWait 409.
// Requests without the header run as they are.
func (s *Server) idempotent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		keys, has := r.Header[idempotencyHeader]
		if !has || r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/api/v1/") || !s.routed(r) {
			next.ServeHTTP(w, r)
			return
		}
		if len(keys) != 1 || !entente.ValidIdempotencyKey(keys[0]) {
			s.fail(w, r, entente.Errorf(entente.EINVALID, "%s: want one value of 1 to %d printable ASCII characters",
				idempotencyHeader, entente.MaxIdempotencyKey))
			return
		}
		limit := s.maxJSON
		if r.URL.Path == "/api/v1/menu" {
			limit = s.maxImport
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
		if err != nil {
			s.fail(w, r, bodyError(err))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(body)
		s.purgeIdempotencyKeys(r)
		var rec *recorder
		ans, replayed, err := s.svc.Idempotent(r.Context(), service.IdempotentRequest{Key: keys[0], Method: r.Method,
			Path: r.URL.RequestURI(), BodyHash: hex.EncodeToString(sum[:])},
			func(ctx context.Context) (*entente.IdempotentAnswer, error) {
				rec = &recorder{header: w.Header().Clone()}
				next.ServeHTTP(rec, r.WithContext(ctx))
				return rec.answer(), nil
			})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if replayed || rec == nil {
			for _, h := range keptHeaders {
				if v, ok := ans.Header[h]; ok {
					w.Header().Set(h, v)
				}
			}
			w.Header().Set(replayedHeader, "true")
		} else {
			maps.Copy(w.Header(), rec.header)
		}
		w.WriteHeader(ans.Status)
		w.Write(ans.Body)
	})
}

// purgeIdempotencyKeys removes the expired keys, at most once a minute.
func (s *Server) purgeIdempotencyKeys(r *http.Request) {
	now := time.Now().Unix()
	last := s.purgedKeys.Load()
	if now-last < 60 || !s.purgedKeys.CompareAndSwap(last, now) {
		return
	}
	if _, err := s.svc.PurgeIdempotencyKeys(r.Context()); err != nil {
		s.log.Warn("purge idempotency keys", "err", err)
	}
}

// answer is what rec kept, with the headers a replay sends.
func (rec *recorder) answer() *entente.IdempotentAnswer {
	a := &entente.IdempotentAnswer{Status: cmp.Or(rec.status, http.StatusOK), Header: map[string]string{}, Body: rec.buf.Bytes()}
	for _, h := range keptHeaders {
		if v := rec.header.Get(h); v != "" {
			a.Header[h] = v
		}
	}
	return a
}

// declareIdempotency adds the Idempotency-Key header to every POST under
// /api/v1/ in the OpenAPI document, with its answers: 409 (a request with
// the key still in progress) and 422 (the key used for another request).
func declareIdempotency(doc map[string]any) {
	header := map[string]any{"name": idempotencyHeader, "in": "header", "required": false,
		"description": "1 to 255 printable ASCII characters naming this request, so that a retry (after a timeout, say) gets the first answer again, status, Location, ETag and body, with Idempotent-Replayed: true, rather than making a second record. Keys are the authenticated principal's own, bound to the method, path and body of the request they came with, and kept 24 hours",
		"schema":      map[string]any{"type": "string", "minLength": 1, "maxLength": entente.MaxIdempotencyKey}}
	for p, item := range doc["paths"].(map[string]any) {
		o, ok := item.(map[string]any)["post"].(map[string]any)
		if !ok || !strings.HasPrefix(p, "/api/v1/") {
			continue
		}
		switch params := o["parameters"].(type) {
		case []any:
			o["parameters"] = append(params, header)
		case []map[string]any:
			o["parameters"] = append(params, header)
		case nil:
			o["parameters"] = []any{header}
		}
		if rs, ok := o["responses"].(map[string]any); ok {
			rs["409"] = problemResponse("Conflict: the record exists already, or a request with this Idempotency-Key is still in progress")
			rs["422"] = problemResponse("Unprocessable: a rule refused the request (its reasons say which), or its Idempotency-Key was used for another request")
			ok, _ := rs["200"].(map[string]any)
			if ok == nil {
				ok, _ = rs["201"].(map[string]any)
			}
			if ok != nil {
				hs, _ := ok["headers"].(map[string]any)
				if hs == nil {
					hs = map[string]any{}
					ok["headers"] = hs
				}
				hs[replayedHeader] = map[string]any{"description": "true when this is the first answer to the request's Idempotency-Key, replayed",
					"schema": map[string]any{"type": "string", "enum": []any{"true"}}}
			}
		}
	}
}
