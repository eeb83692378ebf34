#!/usr/bin/env bash
# The storm (10,000 notifications over 1,000 groups) on 3 warroom replicas over one
# throwaway PostgreSQL 15, round-robin, then the same storm on one SQLite node, in turn
# for ROUNDS rounds (default 3): each round's ratio is taken pair by pair, so that a
# machine whose speed drifts between rounds still gives a fair ratio; quote the median.
# Run as root (PostgreSQL runs as the postgres user): bash docs/bench/storm-replicas.sh
#   WARROOM_BIN=path  runs a binary built elsewhere (another commit, for a before/after)
#   ROUNDS=n          rounds of the pair
#   EXTRA_ENV='K=V …' environment for every warroom of the run (e.g. WARROOM_JOBS_WORKERS=4)
set -u
bin=${WARROOM_BIN:-/tmp/warroom-storm}
rounds=${ROUNDS:-3}
cd "$(dirname "$0")/../.." && { [ -n "${WARROOM_BIN:-}" ] || go build -o $bin ./cmd/warroom || exit 1; }
tok=$($bin secret)
# cpu PID...: CPU seconds (user + system, reaped children included) of the processes and their children.
cpu() { for p in "$@"; do echo $p; ps -o pid= --ppid $p; done | while read -r q; do sed 's/.*) //' /proc/$q/stat 2>/dev/null; done |
  awk -v hz=$(getconf CLK_TCK) '{t += $12 + $13 + $14 + $15} END {printf "%.1f", t / hz}'; }
# serve DIR PORT ENV...: starts one warroom in DIR on PORT, waits for /readyz, prints its pid.
serve() {
  local d=$1 port=$2; shift 2
  ( cd $d && exec env ${EXTRA_ENV:-} "$@" WARROOM_LISTEN=127.0.0.1:$port WARROOM_SOURCES_ALERTMANAGER_TOKEN=$tok $bin serve > $d/serve.log 2>&1 ) &
  echo $!
  for k in $(seq 100); do curl -sf 127.0.0.1:$port/readyz >/dev/null && return; sleep 0.2; done
}
# load URLS: the storm; prints warroom load's lines and leaves the rate in $rate.
load() {
  local out; out=$(WARROOM_SOURCES_ALERTMANAGER_TOKEN=$tok $bin load -url "$1" -n 10000 -groups 1000 -c 50 2>&1 | grep "accepted,\|incidents:\|channels:")
  echo "$out"; rate=$(echo "$out" | sed -n 's/.*s: \([0-9.]*\) accepted\/s.*/\1/p')
}
B=/usr/lib/postgresql/15/bin
pg_round() {
  local D; D=$(mktemp -d); chown postgres "$D"
  runuser -u postgres -- $B/initdb -D $D/data -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
  runuser -u postgres -- $B/pg_ctl -D $D/data -l $D/log -w -o "-p 18555 -k $D -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  local dsn="postgres://postgres@127.0.0.1:18555/postgres?sslmode=disable" pids=() urls=() logs=() i d
  for i in 1 2 3; do
    d=$(mktemp -d); pids+=($(serve $d $((18560+i)) WARROOM_STORE_DRIVER=postgres WARROOM_STORE_DSN=$dsn))
    urls+=(http://127.0.0.1:$((18560+i))); logs+=($d/serve.log)
  done
  echo "== round $1: postgres, 3 replicas  load: $(cut -d' ' -f1-3 /proc/loadavg)"
  load "$(IFS=,; echo "${urls[*]}")"; pg_rate=$rate
  echo "serve logs: errors=$(cat "${logs[@]}" | grep -c 'level=ERROR')"
  echo "cpu seconds: replicas $(cpu "${pids[@]}"), postgres $(cpu $(head -1 $D/data/postmaster.pid))"
  echo "jobs by state right after the channels were ready: $(psql "$dsn" -Atc "select state || '=' || count(*) from jobs group by state" | tr '\n' ' ')"
  kill "${pids[@]}"; for p in "${pids[@]}"; do while kill -0 $p 2>/dev/null; do sleep 0.1; done; done
  runuser -u postgres -- $B/pg_ctl -D $D/data -m fast stop >/dev/null
}
sqlite_round() {
  local d pid; d=$(mktemp -d); pid=$(serve $d 18570 WARROOM_STORE_DSN=$d/w.db)
  echo "== round $1: sqlite, 1 node  load: $(cut -d' ' -f1-3 /proc/loadavg)"
  load http://127.0.0.1:18570; sqlite_rate=$rate
  echo "serve log: errors=$(grep -c 'level=ERROR' $d/serve.log)"
  echo "cpu seconds: node $(cpu $pid)"
  kill $pid; while kill -0 $pid 2>/dev/null; do sleep 0.1; done
}
ratios=()
for r in $(seq $rounds); do
  pg_round $r; sqlite_round $r
  ratios+=($(awk -v a=$pg_rate -v b=$sqlite_rate 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'))
  echo "round $r: postgres $pg_rate/s, sqlite $sqlite_rate/s, ratio ${ratios[-1]}x"
done
echo "ratios postgres/sqlite by round: ${ratios[*]}; median $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')x"
