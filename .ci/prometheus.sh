#!/usr/bin/env bash
# Installs a real Prometheus (Debian bookworm's package, 2.42) for the graph tests.
#
# Idempotent: does nothing when a prometheus binary is already on PATH (or at
# /usr/bin/prometheus). Runs `apt-get update` first only when apt's lists do not offer the
# package yet, or once more when the install fails on stale lists. Debian never starts the daemon here (no systemd):
# promtest starts its own instance on a free loopback port. Safe to run concurrently (a lock
# serialises runs). The last line of stdout is the path of the binary.
# See /work/shared/notes/real-peers.md (Prometheus).
set -euo pipefail

say() { echo "==> prometheus.sh: $*"; }
die() { echo "prometheus.sh: error: $*" >&2; exit 1; }

find_binary() {
	if command -v prometheus 2>/dev/null; then
		return 0
	fi
	if [[ -x /usr/bin/prometheus ]]; then
		echo /usr/bin/prometheus
		return 0
	fi
	return 1
}

# known_to_apt reports whether apt's package lists offer a prometheus package.
known_to_apt() {
	apt-cache policy prometheus 2>/dev/null | grep -q 'Candidate: [0-9]'
}

install() {
	[[ $(id -u) -eq 0 ]] || die "prometheus is missing and installing it needs root (apt-get install -y prometheus)"
	command -v apt-get >/dev/null || die "prometheus is missing and apt-get is not available"
	export DEBIAN_FRONTEND=noninteractive
	local start=$SECONDS
	if ! known_to_apt; then
		say "apt does not know the prometheus package yet: apt-get update"
		apt-get update
	fi
	say "apt-get install -y prometheus"
	if ! apt-get install -y prometheus; then
		say "install failed; refreshing package lists (apt-get update) and trying once more"
		apt-get update
		apt-get install -y prometheus
	fi
	say "installed in $((SECONDS - start)) s"
}

main() {
	local bin
	if bin=$(find_binary); then
		say "prometheus present ($bin)"
		echo "$bin"
		return
	fi
	# flock lives in util-linux, which every Debian has; without it, run unlocked.
	if command -v flock >/dev/null; then
		exec 9>/tmp/warroom-prometheus-install.lock
		say "waiting for the install lock"
		flock 9
	fi
	if bin=$(find_binary); then
		say "prometheus was installed by another run ($bin)"
	else
		install
		bin=$(find_binary) || die "apt-get install prometheus did not put a prometheus binary on PATH"
	fi
	say "$("$bin" --version 2>&1 | head -n1)"
	echo "$bin"
}

main "$@"
