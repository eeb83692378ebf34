#!/usr/bin/env bash
# The storm (10,000 notifications over 1,000 groups) on 3 warroom replicas over one
# throwaway PostgreSQL 15, round-robin, then the same storm on one SQLite node, back to
# back. Run as root (PostgreSQL runs as the postgres user): bash docs/bench/storm-replicas.sh
set -u
# WARROOM_BIN=path runs a binary built elsewhere (another commit, for a before/after).
bin=${WARROOM_BIN:-/tmp/warroom-storm}
cd "$(dirname "$0")/../.." && { [ -n "${WARROOM_BIN:-}" ] || go build -o $bin ./cmd/warroom || exit 1; }
tok=$($bin secret)
# cpu PID...: CPU seconds (user + system, reaped children included) of the processes and their children.
cpu() { for p in "$@"; do echo $p; ps -o pid= --ppid $p; done | while read -r q; do sed 's/.*) //' /proc/$q/stat 2>/dev/null; done |
  awk -v hz=$(getconf CLK_TCK) '{t += $12 + $13 + $14 + $15} END {printf "%.1f", t / hz}'; }
B=/usr/lib/postgresql/15/bin
D=$(mktemp -d); chown postgres "$D"
runuser -u postgres -- $B/initdb -D $D/data -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
runuser -u postgres -- $B/pg_ctl -D $D/data -l $D/log -w -o "-p 18555 -k $D -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
dsn="postgres://postgres@127.0.0.1:18555/postgres?sslmode=disable"
pids=(); urls=()
for i in 1 2 3; do
  port=$((18560+i)); d=$(mktemp -d)
  ( cd $d && exec env WARROOM_LISTEN=127.0.0.1:$port WARROOM_STORE_DRIVER=postgres WARROOM_STORE_DSN=$dsn WARROOM_SOURCES_ALERTMANAGER_TOKEN=$tok $bin serve > $d/serve.log 2>&1 ) &
  pids+=($!); urls+=(http://127.0.0.1:$port); logs+=($d/serve.log)
  for k in $(seq 100); do curl -sf 127.0.0.1:$port/readyz >/dev/null && break; sleep 0.2; done
done
echo "== postgres, 3 replicas  load: $(cut -d' ' -f1-3 /proc/loadavg)"
WARROOM_SOURCES_ALERTMANAGER_TOKEN=$tok $bin load -url "$(IFS=,; echo "${urls[*]}")" -n 10000 -groups 1000 -c 50 2>&1 | grep "accepted,\|incidents:\|channels:"
for l in "${logs[@]}"; do echo "serve log: errors=$(grep -c 'level=ERROR' $l)"; done
echo "cpu seconds: replicas $(cpu "${pids[@]}"), postgres $(cpu $(head -1 $D/data/postmaster.pid))"
echo "jobs by state right after the channels were ready:"; psql "$dsn" -Atc "select state, count(*) from jobs group by state"
kill "${pids[@]}"; wait 2>/dev/null
runuser -u postgres -- $B/pg_ctl -D $D/data -m fast stop >/dev/null
d=$(mktemp -d); port=18570
( cd $d && exec env WARROOM_LISTEN=127.0.0.1:$port WARROOM_STORE_DSN=$d/w.db WARROOM_SOURCES_ALERTMANAGER_TOKEN=$tok $bin serve > $d/serve.log 2>&1 ) &
spid=$!
for k in $(seq 100); do curl -sf 127.0.0.1:$port/readyz >/dev/null && break; sleep 0.2; done
echo "== sqlite, 1 node  load: $(cut -d' ' -f1-3 /proc/loadavg)"
WARROOM_SOURCES_ALERTMANAGER_TOKEN=$tok $bin load -url http://127.0.0.1:$port -n 10000 -groups 1000 -c 50 2>&1 | grep "accepted,\|incidents:\|channels:"
echo "serve log: errors=$(grep -c 'level=ERROR' $d/serve.log)"
echo "cpu seconds: node $(cpu $spid)"
kill $spid; wait 2>/dev/null
