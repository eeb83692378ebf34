#!/usr/bin/env bash
# Prepares a real Mattermost 9.9 server for the end-to-end tests.
#
#   - installs PostgreSQL 15 from Debian when /usr/lib/postgresql/15/bin/initdb is missing;
#   - builds Mattermost 9.9.0 from the Go module proxy into
#     ${WARROOM_CACHE:-$HOME/.cache/warroom}/mattermost-9.9.0/ (bin/mattermost plus copies of
#     i18n, templates, fonts), unless that build is already cached.
#
# Idempotent and safe to run concurrently (a lock serialises runs). A build happens in a
# staging directory that is moved into place only when complete, so a killed run never
# leaves a half-built cache. The last line of stdout is the cache directory.
# See docs: /work/shared/notes/real-mattermost.md.
set -euo pipefail

MM_MODULE=github.com/mattermost/mattermost/server/v8
MM_VERSION=v8.0.0-20240520151130-4bdd8bb18e47 # Mattermost 9.9.0
MM_PUBLIC_VERSION=v0.1.3                      # the v0.1.0 its go.mod asks for does not compile
PG_INITDB=/usr/lib/postgresql/15/bin/initdb

CACHE_ROOT=${WARROOM_CACHE:-$HOME/.cache/warroom}
DEST=$CACHE_ROOT/mattermost-9.9.0

say() { echo "==> mattermost.sh: $*"; }
die() { echo "mattermost.sh: error: $*" >&2; exit 1; }

install_postgres() {
	if [[ -x $PG_INITDB ]]; then
		say "PostgreSQL 15 present ($PG_INITDB)"
		return
	fi
	[[ $(id -u) -eq 0 ]] || die "PostgreSQL 15 is missing and installing it needs root (apt-get install -y postgresql)"
	command -v apt-get >/dev/null || die "PostgreSQL 15 is missing and apt-get is not available"
	say "installing PostgreSQL 15 (apt-get update; apt-get install -y postgresql)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y postgresql
	[[ -x $PG_INITDB ]] || die "apt-get install postgresql did not provide $PG_INITDB"
	say "PostgreSQL 15 installed"
}

cached() { [[ -x $DEST/bin/mattermost ]]; }

build_mattermost() {
	command -v go >/dev/null || die "go is not on PATH"
	local start=$SECONDS tmp src
	# Everything goes into one temporary directory next to DEST (same filesystem, so the
	# final mv is atomic); leftovers of killed runs are removed here, under the lock.
	rm -rf "$CACHE_ROOT"/.mattermost-9.9.0.tmp.*
	tmp=$(mktemp -d "$CACHE_ROOT/.mattermost-9.9.0.tmp.XXXXXX")
	# shellcheck disable=SC2064 # expand now: the path is fixed for this run
	trap "rm -rf '$tmp'" EXIT
	trap 'exit 130' INT TERM

	say "downloading $MM_MODULE@$MM_VERSION from the module proxy"
	src=$(cd "$tmp" && GOWORK=off GOFLAGS=-mod=mod go mod download -json "$MM_MODULE@$MM_VERSION" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
	[[ -n $src && -d $src ]] || die "go mod download did not report the module directory"
	say "module source: $src"

	say "copying the source into a writable build directory"
	cp -r "$src" "$tmp/src"
	chmod -R u+w "$tmp/src"

	say "building bin/mattermost (takes a few minutes on a cold module cache)"
	(
		cd "$tmp/src"
		export GOWORK=off GOFLAGS="-mod=mod -buildvcs=false"
		go mod edit -require="github.com/mattermost/mattermost/server/public@$MM_PUBLIC_VERSION"
		# -checklinkname=0: Go >= 1.23 rejects the old golang.org/x/net in its graph otherwise.
		go build -ldflags=-checklinkname=0 -o "$tmp/out/bin/mattermost" ./cmd/mattermost
	)

	say "copying i18n, templates, fonts next to the binary"
	local d
	for d in i18n templates fonts; do
		[[ -d $src/$d ]] || die "module source has no $d/ directory"
		cp -r "$src/$d" "$tmp/out/$d"
		chmod -R u+w "$tmp/out/$d"
	done
	printf '%s@%s (public %s)\n' "$MM_MODULE" "$MM_VERSION" "$MM_PUBLIC_VERSION" >"$tmp/out/VERSION"

	mv -T "$tmp/out" "$DEST" # atomic: same filesystem, DEST does not exist yet
	rm -rf "$tmp"
	trap - EXIT INT TERM
	say "built Mattermost 9.9.0 in $((SECONDS - start)) s"
}

main() {
	install_postgres
	mkdir -p "$CACHE_ROOT"
	if cached; then
		say "Mattermost 9.9.0 already cached"
	else
		# Serialise concurrent runs (for example two test packages starting at once).
		exec 9>"$CACHE_ROOT/.mattermost-9.9.0.lock"
		say "waiting for the build lock"
		flock 9
		if cached; then
			say "Mattermost 9.9.0 was built by another run"
		else
			[[ ! -e $DEST ]] || { say "removing incomplete $DEST"; rm -rf "$DEST"; }
			build_mattermost
		fi
		exec 9>&-
	fi
	echo "$DEST"
}

main "$@"
