#!/usr/bin/env bash
# The storm (10,000 notifications over 1,000 groups) on machines of equal size: as
# storm-replicas.sh, but every server runs in a CPU cgroup of its own capped at MACHINE_CPU
# cores (default 0.4): each of the 3 warroom replicas, PostgreSQL (all its processes), and,
# in the other half of the round, the one SQLite node. That is the deployment issue 14
# compares, PostgreSQL and every replica on a machine of its own, each machine the size of
# the one that runs SQLite, scaled down so that the four of them fit this machine's cores
# beside the load generator (which is not capped). Rounds alternate, ratios are taken pair
# by pair; quote the median. It also prints, per cgroup, the CPU seconds used and the share
# of the storm's 100 ms periods in which the cap held it back (throttled): the tier that is
# throttled most is the one that sets the rate.
# Run as root (cgroup v1 cpu controller at /sys/fs/cgroup/cpu; PostgreSQL runs as postgres):
#   bash docs/bench/storm-machines.sh
#   WARROOM_BIN=path  a binary built elsewhere (another commit, for a before/after)
#   ROUNDS=n          rounds of the pair (default 3)
#   MACHINE_CPU=c     cores per machine (default 0.4; 4 machines must fit beside the load)
#   N=n               notifications (default 10000)
#   EXTRA_ENV='K=V …' environment for every warroom of the run
set -u
bin=${WARROOM_BIN:-/tmp/warroom-storm}
rounds=${ROUNDS:-3}
n=${N:-10000}
quota=$(awk -v c=${MACHINE_CPU:-0.4} 'BEGIN {printf "%d", c * 100000}')
cd "$(dirname "$0")/../.." && { [ -n "${WARROOM_BIN:-}" ] || go build -o $bin ./cmd/warroom || exit 1; }
root=/sys/fs/cgroup/cpu/warroom-bench
[ -w /sys/fs/cgroup/cpu ] || { echo "storm-machines: needs root and the cgroup v1 cpu controller at /sys/fs/cgroup/cpu" >&2; exit 1; }
mkdir -p $root
# machine NAME: a fresh cgroup capped at the machine's cores; prints its directory.
machine() {
  local g=$root/$1
  [ -d $g ] && { cat $g/cgroup.procs | while read -r p; do echo $p > $root/../cgroup.procs; done; rmdir $g; }
  mkdir $g && echo 100000 > $g/cpu.cfs_period_us && echo $quota > $g/cpu.cfs_quota_us && echo $g
}
# throttled DIR: throttled periods / periods, and the CPU seconds the cgroup used, since it was made.
throttled() { awk '/^nr_periods/ {p=$2} /^nr_throttled/ {t=$2} END {printf "%d of %d periods throttled", t, p}' $1/cpu.stat; }
tok=$($bin secret)
cpu() { for p in "$@"; do echo $p; ps -o pid= --ppid $p; done | while read -r q; do sed 's/.*) //' /proc/$q/stat 2>/dev/null; done |
  awk -v hz=$(getconf CLK_TCK) '{t += $12 + $13 + $14 + $15} END {printf "%.1f", t / hz}'; }
# serve DIR PORT CGROUP ENV...: starts one warroom in DIR on PORT inside CGROUP, waits for /readyz, prints its pid.
serve() {
  local d=$1 port=$2 g=$3; shift 3
  ( echo $BASHPID > $g/cgroup.procs; cd $d && exec env ${EXTRA_ENV:-} "$@" WARROOM_LISTEN=127.0.0.1:$port WARROOM_SOURCES_ALERTMANAGER_TOKEN=$tok $bin serve > $d/serve.log 2>&1 ) &
  echo $!
  for k in $(seq 150); do curl -sf 127.0.0.1:$port/readyz >/dev/null && return; sleep 0.2; done
}
load() {
  local out; out=$(WARROOM_SOURCES_ALERTMANAGER_TOKEN=$tok $bin load -url "$1" -n $n -groups 1000 -c 50 2>&1 | grep "accepted,\|incidents:\|channels:")
  echo "$out"; rate=$(echo "$out" | sed -n 's/.*s: \([0-9.]*\) accepted\/s.*/\1/p')
}
B=/usr/lib/postgresql/15/bin
pg_round() {
  local D pg gs=() pids=() urls=() logs=() i d
  D=$(mktemp -d); chown postgres "$D"; pg=$(machine postgres)
  runuser -u postgres -- $B/initdb -D $D/data -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
  ( echo $BASHPID > $pg/cgroup.procs; exec runuser -u postgres -- $B/pg_ctl -D $D/data -l $D/log -w -o "-p 18555 -k $D -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null )
  local dsn="postgres://postgres@127.0.0.1:18555/postgres?sslmode=disable"
  for i in 1 2 3; do
    gs+=($(machine replica$i)); d=$(mktemp -d)
    pids+=($(serve $d $((18560+i)) ${gs[-1]} WARROOM_STORE_DRIVER=postgres WARROOM_STORE_DSN=$dsn))
    urls+=(http://127.0.0.1:$((18560+i))); logs+=($d/serve.log)
  done
  echo "== round $1: postgres and 3 replicas, a machine of ${MACHINE_CPU:-0.4} cores each  load: $(cut -d' ' -f1-3 /proc/loadavg)"
  load "$(IFS=,; echo "${urls[*]}")"; pg_rate=$rate
  echo "serve logs: errors=$(cat "${logs[@]}" | grep -c 'level=ERROR')"
  echo "cpu seconds: replicas $(cpu "${pids[@]}"), postgres $(cpu $(head -1 $D/data/postmaster.pid))"
  echo "postgres: $(throttled $pg); replicas: $(for g in "${gs[@]}"; do throttled $g; echo -n '; '; done)"
  echo "jobs by state right after the channels were ready: $(psql "$dsn" -Atc "select state || '=' || count(*) from jobs group by state" | tr '\n' ' ')"
  kill "${pids[@]}"; for p in "${pids[@]}"; do while kill -0 $p 2>/dev/null; do sleep 0.1; done; done
  runuser -u postgres -- $B/pg_ctl -D $D/data -m fast stop >/dev/null
}
sqlite_round() {
  local d pid g; d=$(mktemp -d); g=$(machine sqlite); pid=$(serve $d 18570 $g WARROOM_STORE_DSN=$d/w.db)
  echo "== round $1: sqlite, 1 node on a machine of ${MACHINE_CPU:-0.4} cores  load: $(cut -d' ' -f1-3 /proc/loadavg)"
  load http://127.0.0.1:18570; sqlite_rate=$rate
  echo "serve log: errors=$(grep -c 'level=ERROR' $d/serve.log)"
  echo "cpu seconds: node $(cpu $pid); $(throttled $g)"
  kill $pid; while kill -0 $pid 2>/dev/null; do sleep 0.1; done
}
ratios=()
for r in $(seq $rounds); do
  pg_round $r; sqlite_round $r
  ratios+=($(awk -v a=$pg_rate -v b=$sqlite_rate 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'))
  echo "round $r: postgres $pg_rate/s, sqlite $sqlite_rate/s, ratio ${ratios[-1]}x"
done
echo "ratios postgres/sqlite by round: ${ratios[*]}; median $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')x"
