package main

import (
	"fmt"
	"net"
)

// derivePublicURL is the default public_url: http:// and the listen
// address, made reachable. An unspecified host (0.0.0.0, [::], none) is
// no address to link to, so this machine's host name stands in for it,
// or 127.0.0.1 when there is none. note says what was derived and why
// public_url should be set; a listen port of 0 derives nothing (serve
// derives it from the bound address).
func derivePublicURL(listen string, hostname func() (string, error)) (publicURL, note string) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil || port == "0" {
		return "", ""
	}
	ip := net.ParseIP(host)
	if host != "" && (ip == nil || !ip.IsUnspecified()) {
		return "http://" + net.JoinHostPort(host, port), "derived from listen"
	}
	if name, err := hostname(); err == nil && name != "" {
		return "http://" + net.JoinHostPort(name, port), fmt.Sprintf("derived from listen %s with this machine's host name %q, "+
			"because %q is no address to link to; set public_url to the URL people and chat servers reach warroom at", listen, name, host)
	}
	return "http://" + net.JoinHostPort("127.0.0.1", port), fmt.Sprintf("derived from listen %s with 127.0.0.1 (this machine has "+
		"no host name), which only this machine reaches; set public_url to the URL people and chat servers reach warroom at", listen)
}
