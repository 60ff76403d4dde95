package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"

	"github.com/entente/entente"
)

// The network edge: which Host names the server answers to, who the client
// is (behind trusted proxies), whether the request came over TLS, and who
// may read /metrics. It runs before everything else, so no page, form or
// session sees a request this layer refused.

// hsts is the Strict-Transport-Security of a response over TLS: browsers
// that saw it use HTTPS only for a year.
const hsts = "max-age=31536000"

// DefaultHosts are the names a server answers to when Config.Hosts is
// empty (the listen address's host is added by serve). Addresses (127.0.0.1,
// [::1], any other literal IP) are always answered: see allowedHost.
var DefaultHosts = []string{"localhost"}

// Loopback are the networks of this machine: the default of
// Config.MetricsFrom.
var Loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// client is what the network edge learnt about a request.
type client struct {
	// addr is the client's address: the connection's peer, or, when the
	// peer is a trusted proxy, the last address in X-Forwarded-For that
	// is not a trusted proxy.
	addr netip.Addr
	// secure reports whether the client reached us over TLS: our own,
	// or a trusted proxy's that says so in X-Forwarded-Proto.
	secure bool
}

type clientKey struct{}

// clientOf returns what the network edge learnt about r. Outside the edge
// (handlers called directly in tests) it is read from r itself.
func (s *Server) clientOf(r *http.Request) client {
	if c, ok := r.Context().Value(clientKey{}).(client); ok {
		return c
	}
	return s.readClient(r)
}

// readClient works out the client's address and whether it used TLS.
//
// X-Forwarded-For is a list each proxy appends its peer to, so only its end
// is trustworthy: walking it from the right, the first address that is not
// one of our trusted proxies is the client (anything left of it was written
// by the client itself). From an untrusted peer both headers are ignored.
func (s *Server) readClient(r *http.Request) client {
	c := client{secure: r.TLS != nil}
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		c.addr = ap.Addr().Unmap()
	} else if a, err := netip.ParseAddr(r.RemoteAddr); err == nil {
		c.addr = a.Unmap()
	}
	if !s.trusted(c.addr) {
		return c
	}
	if proto := lastValue(r.Header.Values("X-Forwarded-Proto")); proto != "" {
		c.secure = strings.EqualFold(proto, "https")
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a hop we cannot read: stop at the last one we could
		}
		c.addr = a.Unmap()
		if !s.trusted(c.addr) {
			break
		}
	}
	return c
}

// lastValue returns the last comma-separated value of a header's values:
// the one the nearest proxy wrote.
func lastValue(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	v := vs[len(vs)-1]
	if i := strings.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	return strings.TrimSpace(v)
}

func (s *Server) trusted(a netip.Addr) bool { return inAny(s.trustProxy, a) }

func inAny(nets []netip.Prefix, a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	for _, p := range nets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// allowedHost reports whether the server answers to a request for host
// (the Host header, perhaps with a port). A literal address is always
// answered: DNS rebinding needs a name, since a page at http://evil.example
// that rebinds its name to 127.0.0.1 still sends Host: evil.example. A name
// must be listed (Config.Hosts), in any letter case, with or without a
// final dot.
func (s *Server) allowedHost(host string) bool {
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.TrimPrefix(strings.TrimSuffix(name, "]"), "[")
	if low := strings.TrimSuffix(strings.ToLower(name), "."); low != "" && slices.Contains(s.hosts, low) {
		return true // the usual case first: parsing a name as an address allocates its error
	}
	_, err := netip.ParseAddr(name)
	return err == nil
}

// edge is the network layer: it refuses a Host the server does not answer
// to (421), reads the client's address and transport, sets HSTS under TLS,
// and keeps /metrics to the listed networks and metrics tokens.
func (s *Server) edge(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.allowedHost(r.Host) {
			securityHeaders(w.Header())
			w.Header().Set("Cache-Control", "no-store")
			s.fail(w, r, &statusError{status: http.StatusMisdirectedRequest, err: entente.Errorf(entente.EINVALID,
				"this server does not answer to the host name %q: a page on another site may be trying to reach it through DNS rebinding; "+
					"if %q is this server's own name, start it with --host %s", r.Host, r.Host, hostName(r.Host))})
			return
		}
		c := s.readClient(r)
		if c.secure {
			w.Header().Set("Strict-Transport-Security", hsts)
		}
		if len(s.trustProxy) > 0 {
			// Only behind proxies is the client not the peer: then the
			// request carries what was worked out (withPrincipal reads
			// it); else clientOf reads the peer again, which costs less
			// than a copy of the request on every one.
			r = r.WithContext(context.WithValue(r.Context(), clientKey{}, c))
		}
		next.ServeHTTP(w, r)
	})
}

// hostName is host without its port.
func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return host
}

// metricsAllowed reports whether r may read /metrics: from one of the
// listed networks (loopback by default), or with a token that has the
// metrics scope.
func (s *Server) metricsAllowed(r *http.Request) bool {
	if inAny(s.metricsFrom, s.clientOf(r).addr) {
		return true
	}
	p := entente.PrincipalFrom(r.Context())
	return p.Kind == entente.PrincipalToken && p.HasScope(entente.ScopeMetrics)
}

// guardMetrics answers /metrics only to whom metricsAllowed lets in; the
// others get 403 (404 would hide it, but a scraper misconfigured should be
// told why it gets nothing).
func (s *Server) guardMetrics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" && !s.metricsAllowed(r) {
			securityHeaders(w.Header())
			w.Header().Set("Cache-Control", "no-store")
			s.fail(w, r, entente.Errorf(entente.EFORBIDDEN,
				"/metrics is served only to the networks listed with --metrics-from (loopback by default) and to API tokens with the metrics scope"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
