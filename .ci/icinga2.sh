#!/usr/bin/env bash
# Installs a real Icinga 2 (Debian bookworm's package, 2.13) for the Icinga 2 tests.
#
# Idempotent: does nothing when an icinga2 binary is already there (/usr/sbin/icinga2, or
# icinga2 on PATH). Installs with --no-install-recommends (no monitoring-plugins, no
# IDO/Icinga Web); runs `apt-get update` first only when apt's lists do not offer the
# package yet, or once more when the install fails on stale lists. Debian never starts the
# daemon here (no systemd), and this script neither starts it nor runs `icinga2 api setup`:
# icingatest runs a private instance per test (its own config, state, CA and port under a
# temporary directory) and never touches /etc/icinga2. Safe to run concurrently (a lock
# serialises runs). The last line of stdout is the path of the binary.
# See /work/shared/notes/real-peers.md (Icinga 2).
set -euo pipefail

say() { echo "==> icinga2.sh: $*"; }
die() { echo "icinga2.sh: error: $*" >&2; exit 1; }

find_binary() {
	# Debian's /usr/sbin/icinga2 is a wrapper that execs /usr/lib/*/icinga2/sbin/icinga2.
	if [[ -x /usr/sbin/icinga2 ]]; then
		echo /usr/sbin/icinga2
		return 0
	fi
	command -v icinga2 2>/dev/null
}

# known_to_apt reports whether apt's package lists offer an icinga2 package.
known_to_apt() {
	apt-cache policy icinga2 2>/dev/null | grep -q 'Candidate: [0-9]'
}

install() {
	[[ $(id -u) -eq 0 ]] || die "icinga2 is missing and installing it needs root (apt-get install -y --no-install-recommends icinga2)"
	command -v apt-get >/dev/null || die "icinga2 is missing and apt-get is not available"
	export DEBIAN_FRONTEND=noninteractive
	local start=$SECONDS
	if ! known_to_apt; then
		say "apt does not know the icinga2 package yet: apt-get update"
		apt-get update
	fi
	say "apt-get install -y --no-install-recommends icinga2"
	if ! apt-get install -y --no-install-recommends icinga2; then
		say "install failed; refreshing package lists (apt-get update) and trying once more"
		apt-get update
		apt-get install -y --no-install-recommends icinga2
	fi
	say "installed in $((SECONDS - start)) s"
}

main() {
	local bin
	if bin=$(find_binary); then
		say "icinga2 present ($bin)"
		echo "$bin"
		return
	fi
	# flock lives in util-linux, which every Debian has; without it, run unlocked.
	if command -v flock >/dev/null; then
		exec 9>/tmp/warroom-icinga2-install.lock
		say "waiting for the install lock"
		flock 9
	fi
	if bin=$(find_binary); then
		say "icinga2 was installed by another run ($bin)"
	else
		install
		bin=$(find_binary) || die "apt-get install icinga2 did not put an icinga2 binary at /usr/sbin/icinga2 or on PATH"
	fi
	say "$("$bin" --version 2>&1 | head -n1)"
	echo "$bin"
}

main "$@"
