package web

import (
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/warroom/warroom/incident"
)

// crossOrigin refuses state-changing requests that a browser sends from
// another site (Sec-Fetch-Site, else Origin against Host), as
// net/http.CrossOriginProtection decides; public_url's origin counts as
// this site behind a proxy that rewrites Host. Machines (webhooks, curl)
// send neither header and pass.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	if u, err := url.Parse(s.cfg.PublicURL); err == nil && u.Scheme != "" && u.Host != "" {
		if err := cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			s.log.Warn("public_url is not an origin", "public_url", s.cfg.PublicURL, "err", err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, incident.Errorf(incident.KindForbidden,
			"cross-site request refused: %s %s came from another site (Origin %q, Sec-Fetch-Site %q); use warroom's own pages, or call the API without a browser",
			r.Method, r.URL.Path, r.Header.Get("Origin"), r.Header.Get("Sec-Fetch-Site")))
	}))
	return cop.Handler(next)
}

// hostCheck answers only to the host names warroom knows when Config.Hosts
// is set (cmd sets it on a loopback listener): a page on a name that a
// hostile DNS server points at 127.0.0.1 (DNS rebinding) reaches warroom
// with its own name in Host, and is refused.
func (s *Server) hostCheck(next http.Handler) http.Handler {
	if len(s.cfg.Hosts) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.knownHost(r.Host) {
			s.writeError(w, r, incident.Errorf(incident.KindForbidden,
				"Host %q is not this warroom: it listens on loopback and answers to %s and loopback addresses; open it by one of those, or set public_url",
				r.Host, strings.Join(s.cfg.Hosts, ", ")))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) knownHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	for _, h := range s.cfg.Hosts {
		if strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}

// requireJSON refuses a state-changing API call that is not JSON unless it
// came with the bearer api.token: without a token, a form or text/plain
// body is what a hostile page can make a browser send (no preflight), a
// JSON body is not.
func (s *Server) requireJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if s.cfg.APIToken == "" && mt != "application/json" {
				s.writeError(w, r, incident.Errorf(incident.KindInvalid,
					"%s %s: send the body as JSON with Content-Type: application/json (got %q)", r.Method, r.URL.Path, r.Header.Get("Content-Type")))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
