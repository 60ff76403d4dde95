package web

import (
	"net/netip"
	"sync"
	"time"
)

// limiter is a set of token buckets in memory, one per key (an account's
// name, a client's network). A bucket holds up to burst tokens and gains
// one every per; an attempt takes one, and an empty bucket refuses it.
//
// The map is bounded: once it holds max keys, full buckets (keys that have
// not been used for burst×per) are dropped; if none is full, a new key is
// refused rather than an old one forgotten, so flooding the limiter with
// new names cannot wipe out the count of the name being guessed.
type limiter struct {
	burst float64
	per   time.Duration
	max   int

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was last worked out
}

func newLimiter(burst int, per time.Duration, max int) *limiter {
	return &limiter{burst: float64(burst), per: per, max: max, buckets: map[string]*bucket{}}
}

// level brings b's tokens up to now.
func (l *limiter) level(b *bucket, now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(l.burst, b.tokens+float64(d)/float64(l.per))
		b.at = now
	}
}

// take takes a token from key's bucket. If there is none it returns false
// and how long until there is one.
func (l *limiter) take(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.max {
			l.sweep(now)
		}
		if len(l.buckets) >= l.max {
			return false, l.per
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	l.level(b, now)
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) * float64(l.per))
	}
	b.tokens--
	return true, 0
}

// give returns a token to key's bucket (a sign-in that succeeded does not
// count against anyone).
func (l *limiter) give(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.buckets[key]; b != nil {
		l.level(b, now)
		b.tokens = min(l.burst, b.tokens+1)
	}
}

// sweep drops the buckets that have filled up again: forgetting them
// changes nothing.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		l.level(b, now)
		if b.tokens >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// Sign-in limits: per account, 5 attempts at once and one more a minute
// (about 60 an hour for someone guessing one password); per client
// network, 20 at once and one more every 15 seconds, so one client cannot
// guess many accounts' passwords either. A successful sign-in gives its
// tokens back.
const (
	accountBurst, accountPer = 5, time.Minute
	addressBurst, addressPer = 20, 15 * time.Second
	limiterKeys              = 10000
)

// signInLimits are the two limiters of sign-in attempts.
type signInLimits struct{ account, address *limiter }

func newSignInLimits() *signInLimits {
	return &signInLimits{account: newLimiter(accountBurst, accountPer, limiterKeys), address: newLimiter(addressBurst, addressPer, limiterKeys)}
}

// network is the key of a client's address: the address itself for IPv4,
// its /64 for IPv6, where one client commonly holds a whole /64.
func network(a netip.Addr) string {
	if a.Is6() && !a.Is4In6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// take takes one attempt for account from addr; if either limit is
// reached, nothing is taken and it returns how long to wait.
func (l *signInLimits) take(account string, addr netip.Addr, now time.Time) (bool, time.Duration) {
	net := network(addr)
	ok, wait := l.address.take(net, now)
	if !ok {
		return false, wait
	}
	if ok, wait := l.account.take(account, now); !ok {
		l.address.give(net, now)
		return false, wait
	}
	return true, 0
}

// give returns an attempt that succeeded.
func (l *signInLimits) give(account string, addr netip.Addr, now time.Time) {
	l.address.give(network(addr), now)
	l.account.give(account, now)
}
