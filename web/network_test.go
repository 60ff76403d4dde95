package web_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/entente/entente/service"
	"github.com/entente/entente/web"
)

// newHandler is the real handler over a fresh store with the default
// dataset, configured by cfg (its logger discarded).
func newHandler(t *testing.T, cfg web.Config) *web.Server {
	t.Helper()
	h, _ := newHandlerService(t, cfg)
	return h
}

// newHandlerService is newHandler, with the service behind it.
func newHandlerService(t *testing.T, cfg web.Config) (*web.Server, *service.Service) {
	t.Helper()
	svc := openService(t, filepath.Join(t.TempDir(), "entente.db"))
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := web.New(svc, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h, svc
}

// httptestServer serves h on a random port of 127.0.0.1.
func httptestServer(h http.Handler) *httptest.Server { return httptest.NewServer(h) }

// serveDirect answers one request built in the test (its RemoteAddr and
// Host as given) without a network between.
func serveDirect(h http.Handler, method, target, remote, host string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	req.RemoteAddr = remote
	req.Host = host
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestHostAllowList: a page on evil.example whose name the attacker
// rebinds to 127.0.0.1 makes the browser send Host: evil.example to the
// local server; that request is refused with 421 and a message saying
// why, while the names the server is known by, and literal addresses, are
// answered.
func TestHostAllowList(t *testing.T) {
	h := newHandler(t, web.Config{Hosts: []string{"localhost", "entente.example.org"}})
	for _, c := range []struct {
		host string
		want int
	}{
		{"evil.example", http.StatusMisdirectedRequest},
		{"evil.example:8080", http.StatusMisdirectedRequest},
		{"localhost.evil.example", http.StatusMisdirectedRequest},
		{"", http.StatusMisdirectedRequest},
		{"localhost:8080", http.StatusOK},
		{"LOCALHOST.", http.StatusOK},
		{"entente.example.org", http.StatusOK},
		{"127.0.0.1:8080", http.StatusOK},
		{"[::1]:8080", http.StatusOK},
	} {
		rec := serveDirect(h, "GET", "/members", "127.0.0.1:5555", c.host)
		if rec.Code != c.want {
			t.Errorf("Host %q: status %d, want %d", c.host, rec.Code, c.want)
		}
		if c.want == http.StatusMisdirectedRequest && !strings.Contains(rec.Body.String(), "DNS rebinding") {
			t.Errorf("Host %q: the refusal does not say why:\n%s", c.host, rec.Body.String())
		}
	}
	// A refused write does not reach the handler either.
	rec := serveDirect(h, "POST", "/api/v1/activities", "127.0.0.1:5555", "evil.example", "Content-Type", "application/json")
	if rec.Code != http.StatusMisdirectedRequest || !strings.Contains(rec.Header().Get("Content-Type"), "problem+json") {
		t.Errorf("POST with Host evil.example: %d %s, want 421 problem", rec.Code, rec.Header().Get("Content-Type"))
	}
}

// TestMetricsFrom: /metrics answers loopback by default and the listed
// networks, but not another address, nor one a client claims in
// X-Forwarded-For unless the peer is a trusted proxy.
func TestMetricsFrom(t *testing.T) {
	h := newHandler(t, web.Config{})
	for _, c := range []struct {
		remote string
		xff    string
		want   int
	}{
		{"127.0.0.1:4000", "", http.StatusOK},
		{"[::1]:4000", "", http.StatusOK},
		{"203.0.113.5:4000", "", http.StatusForbidden},
		{"203.0.113.5:4000", "127.0.0.1", http.StatusForbidden}, // not a trusted proxy: ignored
	} {
		rec := serveDirect(h, "GET", "/metrics", c.remote, "localhost", "X-Forwarded-For", c.xff)
		if rec.Code != c.want {
			t.Errorf("/metrics from %s (XFF %q): %d, want %d", c.remote, c.xff, rec.Code, c.want)
		}
	}
	rec := serveDirect(h, "GET", "/metrics", "203.0.113.5:4000", "localhost")
	if !strings.Contains(rec.Body.String(), "--metrics-from") {
		t.Errorf("the refusal does not say how to be let in:\n%s", rec.Body.String())
	}

	proxied := newHandler(t, web.Config{TrustProxy: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
		MetricsFrom: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}})
	for _, c := range []struct {
		remote string
		xff    string
		want   int
	}{
		{"127.0.0.1:4000", "", http.StatusForbidden},                         // loopback is not listed now
		{"10.0.0.7:4000", "192.0.2.9", http.StatusOK},                        // the proxy says who
		{"10.0.0.7:4000", "192.0.2.9, 203.0.113.5", http.StatusForbidden},    // the rightmost untrusted hop
		{"10.0.0.7:4000", "203.0.113.5, 192.0.2.9, 10.0.0.8", http.StatusOK}, // past our own proxies
		{"203.0.113.5:4000", "192.0.2.9", http.StatusForbidden},              // a client's own claim
		{"10.0.0.7:4000", "", http.StatusForbidden},                          // the proxy itself is not listed
		{"10.0.0.7:4000", "not-an-address, 192.0.2.9", http.StatusOK},        // left of the readable hops is ignored
		{"10.0.0.7:4000", "192.0.2.9, not-an-address", http.StatusForbidden}, // unreadable nearest hop: the proxy
		{"[::ffff:10.0.0.7]:4000", "192.0.2.9", http.StatusOK},               // an IPv4 peer on an IPv6 socket
	} {
		rec := serveDirect(proxied, "GET", "/metrics", c.remote, "localhost", "X-Forwarded-For", c.xff)
		if rec.Code != c.want {
			t.Errorf("proxied /metrics from %s (XFF %q): %d, want %d", c.remote, c.xff, rec.Code, c.want)
		}
	}
}

// TestForwardedProto: HSTS and Secure cookies follow X-Forwarded-Proto
// only from a trusted proxy.
func TestForwardedProto(t *testing.T) {
	h := newHandler(t, web.Config{TrustProxy: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	for _, c := range []struct {
		remote, proto string
		secure        bool
	}{
		{"10.0.0.7:4000", "https", true},
		{"10.0.0.7:4000", "http", false},
		{"203.0.113.5:4000", "https", false},
	} {
		tok := formTokenIn(t, serveDirect(h, "GET", "/privacy", c.remote, "localhost", "X-Forwarded-Proto", c.proto).Body.String())
		req := httptest.NewRequest("POST", "/consent", strings.NewReader(url.Values{"choice": {"reject"}, "csrf": {tok}}.Encode()))
		req.RemoteAddr, req.Host = c.remote, "localhost"
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-Proto", c.proto)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if got := rec.Header().Get("Strict-Transport-Security") != ""; got != c.secure {
			t.Errorf("from %s with X-Forwarded-Proto %s: HSTS %v, want %v", c.remote, c.proto, got, c.secure)
		}
		if rec.Code != http.StatusSeeOther || len(rec.Result().Cookies()) == 0 {
			t.Errorf("from %s with X-Forwarded-Proto %s: consent %d, cookies %v", c.remote, c.proto, rec.Code, rec.Result().Cookies())
		}
		for _, ck := range rec.Result().Cookies() {
			if ck.Secure != c.secure {
				t.Errorf("from %s with X-Forwarded-Proto %s: cookie %s Secure=%v, want %v", c.remote, c.proto, ck.Name, ck.Secure, c.secure)
			}
		}
	}
}

// selfSigned returns a TLS configuration with a new self-signed
// certificate for 127.0.0.1 and localhost, and a pool that trusts it.
func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "entente test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}}}, pool
}

// serveTLS starts the real server with cfg over TLS on a random port and
// returns its base URL and a client that trusts its certificate.
func serveTLS(t *testing.T, cfg web.Config) (string, *http.Client) {
	t.Helper()
	base, c, _ := serveTLSService(t, cfg)
	return base, c
}

// serveTLSService is serveTLS, with the service behind the server.
func serveTLSService(t *testing.T, cfg web.Config) (string, *http.Client, *service.Service) {
	t.Helper()
	tlsCfg, pool := selfSigned(t)
	cfg.TLS = tlsCfg
	h, svc := newHandlerService(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- h.ListenAndServe(ctx, "127.0.0.1:0", func(a net.Addr) { addr <- a }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	var base string
	select {
	case a := <-addr:
		base = "https://" + a.String()
	case err := <-done:
		t.Fatal(err)
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(c.CloseIdleConnections)
	return base, c, svc
}

// TestTLS: with a certificate the server speaks HTTPS only, sends HSTS,
// and its cookies are Secure.
func TestTLS(t *testing.T) {
	base, c := serveTLS(t, web.Config{})
	res, _ := get(t, c, base+"/members")
	if res.StatusCode != http.StatusOK || res.TLS == nil {
		t.Fatalf("GET over TLS: %d, TLS %v", res.StatusCode, res.TLS != nil)
	}
	if got := res.Header.Get("Strict-Transport-Security"); !strings.Contains(got, "max-age=") {
		t.Errorf("Strict-Transport-Security = %q", got)
	}
	plain, err := http.Get(strings.Replace(base, "https://", "http://", 1) + "/members")
	if err == nil {
		if plain.StatusCode == http.StatusOK {
			t.Errorf("plain HTTP to the TLS port answered 200")
		}
		plain.Body.Close()
	}
	req, _ := http.NewRequest("POST", base+"/consent", strings.NewReader("choice=reject&csrf="+formToken(t, c, base+"/privacy")))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if len(res.Cookies()) == 0 {
		t.Fatalf("POST /consent over TLS: %d, no cookie", res.StatusCode)
	}
	for _, ck := range res.Cookies() {
		if !ck.Secure || !ck.HttpOnly {
			t.Errorf("cookie %s over TLS: Secure=%v HttpOnly=%v", ck.Name, ck.Secure, ck.HttpOnly)
		}
	}
}
