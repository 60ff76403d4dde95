package web

import (
	"net/http"
	"net/textproto"
	"testing"
)

// TestSecurityHeaderKeys: the headers set by assignment have canonical keys
// (else Get would not find them and a client would get them twice), and
// values with no room to grow (else an Add would write into the value every
// answer shares).
func TestSecurityHeaderKeys(t *testing.T) {
	for _, kv := range securityHeaderValues {
		if c := textproto.CanonicalMIMEHeaderKey(kv.key); c != kv.key {
			t.Errorf("%q is not canonical: %q", kv.key, c)
		}
		if len(kv.value) != 1 || cap(kv.value) != 1 {
			t.Errorf("%s: value of length %d and capacity %d, want 1 and 1", kv.key, len(kv.value), cap(kv.value))
		}
	}
	h := http.Header{}
	securityHeaders(h)
	h.Add("Referrer-Policy", "no-referrer")
	if got := securityHeaderValues[2].value; got[0] != "strict-origin-when-cross-origin" || len(got) != 1 {
		t.Errorf("an Add changed the shared value: %q", got)
	}
	if h.Get("X-Frame-Options") != "DENY" {
		t.Errorf("X-Frame-Options: %q", h.Get("X-Frame-Options"))
	}
}
