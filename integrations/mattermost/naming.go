package mattermost

import (
	"regexp"
	"strconv"
	"strings"
)

// Mattermost's rules for a channel's name (its URL handle), from the server
// model and checked on a real 9.9 server: lower-case a-z, 0-9, '-' and '_';
// it must start with a letter or digit; at most 64 bytes; 26 bytes looks like
// an ID to the web app, 40 hex digits like a group message, and
// "<26>__<26>" like a direct message, so those shapes are avoided.
const maxChannelName = 64

var (
	hex40  = regexp.MustCompile(`^[0-9a-f]{40}$`)
	dmLike = regexp.MustCompile(`^[a-z0-9]{26}__[a-z0-9]{26}$`)
)

// ChannelName turns a wished-for name into one Mattermost accepts.
func ChannelName(wish string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(wish) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
			dash = false
		case !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	name := strings.TrimLeft(b.String(), "-_")
	if len(name) > maxChannelName {
		name = name[:maxChannelName]
	}
	name = strings.TrimRight(name, "-_")
	if name == "" {
		name = "incident"
	}
	return avoidShapes(name)
}

// avoidShapes lengthens or shortens a valid name out of the shapes that
// Mattermost or its web app treat specially.
func avoidShapes(name string) string {
	if len(name) == 26 || hex40.MatchString(name) || dmLike.MatchString(name) {
		if len(name) < maxChannelName-1 {
			return name + "-i"
		}
		return name[:len(name)-2]
	}
	return name
}

// candidate is the n-th name to try for a channel: the name itself, then
// name-2, name-3, ... always within the limits.
func candidate(name string, n int) string {
	if n <= 1 {
		return name
	}
	suffix := "-" + strconv.Itoa(n)
	base := name
	if len(base)+len(suffix) > maxChannelName {
		base = strings.TrimRight(base[:maxChannelName-len(suffix)], "-_")
	}
	return avoidShapes(base + suffix)
}

// truncateRunes cuts s to at most n runes.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
