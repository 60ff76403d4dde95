package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/entente/entente"
)

// Consent is real here: until visitors choose, nothing but the strictly
// necessary is stored on their device (nothing at all, in fact), and their
// visits are not counted. The banner offers Accept and Reject with equal
// weight, as two buttons of one form that POSTs to /consent, so it works
// without JavaScript. The choice is remembered in one first-party cookie,
// "consent" (yes or no), which is itself strictly necessary to remember a
// refusal. A browser sending Global Privacy Control (Sec-GPC: 1) or Do Not
// Track (DNT: 1) has refused already: it sees no banner and is not counted.
//
// With consent, visits are counted in aggregate only (page, day, referring
// host): no cookie identifies the visitor, and no address or user agent is
// stored. The /consent form is protected from cross-site forgery by
// http.CrossOriginProtection (Sec-Fetch-Site and Origin checks), and the
// cookie is SameSite=Lax.

// consent is a visitor's state.
type consent string

const (
	consentAsk    consent = "ask"    // not chosen yet: show the banner
	consentYes    consent = "yes"    // accepted counting
	consentNo     consent = "no"     // rejected counting
	consentSignal consent = "signal" // the browser sent GPC or DNT: a refusal
)

// ConsentCookie is the name of the one cookie entente sets.
const ConsentCookie = "consent"

// consentMaxAge is how long a choice is remembered.
const consentMaxAge = 180 * 24 * time.Hour

func consentOf(r *http.Request) consent {
	if r.Header.Get("Sec-GPC") == "1" || r.Header.Get("DNT") == "1" {
		return consentSignal
	}
	if c, err := r.Cookie(ConsentCookie); err == nil {
		switch c.Value {
		case "yes":
			return consentYes
		case "no":
			return consentNo
		}
	}
	return consentAsk
}

type consentKey struct{}

func withConsent(ctx context.Context, c consent) context.Context {
	return context.WithValue(ctx, consentKey{}, c)
}

func consentFrom(ctx context.Context) consent {
	if c, ok := ctx.Value(consentKey{}).(consent); ok {
		return c
	}
	return consentAsk
}

// localPath returns p if it is a path on this site, else "/": the form's
// return address must not send the visitor elsewhere. A local path starts
// with one "/" and, once decoded, holds no "//" (before its query), no
// backslash and no control character: a browser drops a tab in /%09/host
// and reads //host, another site.
func localPath(p string) string {
	dec, err := url.PathUnescape(p)
	if err != nil || !strings.HasPrefix(p, "/") {
		return "/"
	}
	path, _, _ := strings.Cut(dec, "?")
	if strings.Contains(path, "//") || strings.ContainsRune(dec, '\\') || strings.ContainsFunc(dec, unicode.IsControl) {
		return "/"
	}
	return p
}

// postConsent records the visitor's choice and sends them back where they
// were.
func (s *Server) postConsent(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, entente.Errorf(entente.EINVALID, "the consent form could not be read: %v", err))
		return
	}
	var v string
	switch r.PostForm.Get("choice") {
	case "accept":
		v = "yes"
	case "reject":
		v = "no"
	default:
		s.fail(w, r, entente.Errorf(entente.EINVALID, `the consent form's choice must be "accept" or "reject"`))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: ConsentCookie, Value: v, Path: "/", MaxAge: int(consentMaxAge.Seconds()),
		HttpOnly: true, Secure: s.clientOf(r).secure, SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, localPath(r.PostForm.Get("back")), http.StatusSeeOther)
}
