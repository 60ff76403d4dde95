package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/entente/entente"
)

// The site shows one alliance at a time. A request names it with
// ?alliance=CODE; without one it is the server's default (Config.Alliance,
// else the store's only alliance, or the first in code order). Links from a
// page that named an alliance carry the parameter, so a permalink keeps it.
const allianceParam = "alliance"

// allianceOf is the alliance r asks for; an unknown code is ENOTFOUND naming
// it.
func (s *Server) allianceOf(r *http.Request) (*entente.Alliance, error) {
	code := r.URL.Query().Get(allianceParam)
	if code == "" {
		code = s.alliance
	}
	return s.svc.DefaultAlliance(r.Context(), code)
}

// allianceCode is the code of the alliance r asks for.
func (s *Server) allianceCode(r *http.Request) (string, error) {
	a, err := s.allianceOf(r)
	if err != nil {
		return "", err
	}
	return a.Code, nil
}

// carried is the query a page passes on to the pages it links to: the
// alliance, when the request named one.
func carried(r *http.Request) string {
	code := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get(allianceParam)))
	if code == "" {
		return ""
	}
	return url.Values{allianceParam: {code}}.Encode()
}

// href is a link to path from the page whose data is v: path with the
// query v carries (see carried), if any.
func href(v any, path string) string {
	c, ok := v.(interface{ Carried() string })
	if !ok || c.Carried() == "" {
		return path
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + c.Carried()
}
