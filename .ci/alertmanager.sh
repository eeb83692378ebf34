#!/usr/bin/env bash
# Builds a real Prometheus Alertmanager 0.31.1 for the end-to-end tests.
#
# `go install github.com/prometheus/alertmanager/cmd/alertmanager@v0.31.1` from the Go module
# proxy (about 45 s on a cold module cache; v0.32+ do not build from the module zip) into
#   ${WARROOM_CACHE:-$HOME/.cache/warroom}/alertmanager-0.31.1/bin/alertmanager
# unless that binary is already cached. The build goes into a temporary GOBIN next to the
# cache directory and is moved into place only when complete, so a killed run never leaves a
# half-built cache. Idempotent and safe to run concurrently (a lock serialises builds).
#
# When go install fails, falls back to Debian's prometheus-alertmanager (0.25) and says so.
# The last line of stdout is the path of the alertmanager binary to run.
# See /work/shared/notes/real-peers.md (Alertmanager).
set -euo pipefail

AM_MODULE=github.com/prometheus/alertmanager/cmd/alertmanager
AM_VERSION=v0.31.1
APT_PACKAGE=prometheus-alertmanager
APT_BINARY=/usr/bin/prometheus-alertmanager

CACHE_ROOT=${WARROOM_CACHE:-$HOME/.cache/warroom}
DEST=$CACHE_ROOT/alertmanager-0.31.1
BIN=$DEST/bin/alertmanager

say() { echo "==> alertmanager.sh: $*"; }
die() { echo "alertmanager.sh: error: $*" >&2; exit 1; }

cached() { [[ -x $BIN ]]; }

build() {
	command -v go >/dev/null || { say "go is not on PATH"; return 1; }
	local start=$SECONDS tmp
	# One temporary directory next to DEST (same filesystem, so the final mv is atomic);
	# leftovers of killed runs are removed here, under the lock.
	rm -rf "$CACHE_ROOT"/.alertmanager-0.31.1.tmp.*
	tmp=$(mktemp -d "$CACHE_ROOT/.alertmanager-0.31.1.tmp.XXXXXX")
	# shellcheck disable=SC2064 # expand now: the path is fixed for this run
	trap "rm -rf '$tmp'" EXIT
	trap 'exit 130' INT TERM

	# Stamp the version as a release build does (go install alone leaves it empty, and the
	# webhook's User-Agent would read "Alertmanager/" instead of "Alertmanager/0.31.1").
	local v=github.com/prometheus/common/version ldflags
	ldflags="-X $v.Version=${AM_VERSION#v} -X $v.Branch=HEAD -X $v.BuildUser=warroom-alertmanager.sh"
	ldflags+=" -X $v.BuildDate=$(date -u +%Y%m%d-%H:%M:%S)"

	say "go install $AM_MODULE@$AM_VERSION (about 45 s on a cold module cache)"
	# Outside any module and workspace, so that the repository's go.mod plays no part.
	if ! (cd "$tmp" && GOWORK=off GOBIN="$tmp/out/bin" GOFLAGS=-buildvcs=false go install -ldflags="$ldflags" "$AM_MODULE@$AM_VERSION"); then
		rm -rf "$tmp"
		trap - EXIT INT TERM
		return 1
	fi
	[[ -x $tmp/out/bin/alertmanager ]] || { say "go install left no alertmanager binary"; rm -rf "$tmp"; trap - EXIT INT TERM; return 1; }
	printf '%s@%s (go install, %s)\n' "$AM_MODULE" "$AM_VERSION" "$(go version)" >"$tmp/out/VERSION"

	rm -rf "$DEST" # an incomplete directory without bin/alertmanager, if any
	mv -T "$tmp/out" "$DEST" # atomic: same filesystem, DEST does not exist now
	rm -rf "$tmp"
	trap - EXIT INT TERM
	say "built Alertmanager 0.31.1 in $((SECONDS - start)) s"
}

# apt_fallback installs Debian's prometheus-alertmanager (0.25) when the build failed.
apt_fallback() {
	if [[ -x $APT_BINARY ]]; then
		say "FALLBACK: using Debian's $APT_PACKAGE already installed at $APT_BINARY"
		return
	fi
	[[ $(id -u) -eq 0 ]] || die "the go install failed and installing $APT_PACKAGE needs root"
	command -v apt-get >/dev/null || die "the go install failed and apt-get is not available"
	export DEBIAN_FRONTEND=noninteractive
	local start=$SECONDS
	if ! apt-cache policy "$APT_PACKAGE" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
		say "apt does not know $APT_PACKAGE yet: apt-get update"
		apt-get update
	fi
	say "FALLBACK: apt-get install -y --no-install-recommends $APT_PACKAGE (Debian's 0.25, not 0.31.1)"
	if ! apt-get install -y --no-install-recommends "$APT_PACKAGE"; then
		say "install failed; refreshing package lists (apt-get update) and trying once more"
		apt-get update
		apt-get install -y --no-install-recommends "$APT_PACKAGE"
	fi
	[[ -x $APT_BINARY ]] || die "apt-get install $APT_PACKAGE did not provide $APT_BINARY"
	say "installed in $((SECONDS - start)) s; Debian never starts the daemon here, amtest starts its own"
}

main() {
	local bin=$BIN
	mkdir -p "$CACHE_ROOT"
	if cached; then
		say "Alertmanager 0.31.1 already cached"
	else
		# Serialise concurrent runs (for example two test packages starting at once).
		exec 9>"$CACHE_ROOT/.alertmanager-0.31.1.lock"
		say "waiting for the build lock"
		flock 9
		if cached; then
			say "Alertmanager 0.31.1 was built by another run"
		elif ! build; then
			say "FALLBACK: go install $AM_MODULE@$AM_VERSION failed; using Debian's $APT_PACKAGE instead"
			apt_fallback
			bin=$APT_BINARY
		fi
		exec 9>&-
	fi
	say "$("$bin" --version 2>&1 | head -n1)"
	echo "$bin"
}

main "$@"
