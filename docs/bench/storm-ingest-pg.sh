#!/usr/bin/env bash
# Where PostgreSQL's time goes in the storm: N notifications (default 10,000 over 1,000
# groups) sent round-robin to 3 warroom replicas on one throwaway PostgreSQL 15 with
# pg_stat_statements, without waiting for the channels; prints the rate, the CPU seconds of
# the replicas and of PostgreSQL, how long the first search after the storm takes (it writes
# the search places still queued), the jobs by state, and the 25 most called statements.
# Run as root (PostgreSQL runs as the postgres user): bash docs/bench/storm-ingest-pg.sh
#   WARROOM_BIN=path  a binary built elsewhere (another commit, for a before/after)
#   N=n               notifications (N=1000 sends only the 1,000 creates)
#   PAUSED=1          pauses every job kind but the archive's: the ingest path alone
#   EXTRA_ENV='K=V …' environment for the replicas (e.g. WARROOM_STORE_MAX_CONNS=4)
set -u
bin=${WARROOM_BIN:-/tmp/warroom-storm}
cd "$(dirname "$0")/../.." && { [ -n "${WARROOM_BIN:-}" ] || go build -o $bin ./cmd/warroom || exit 1; }
tok=$($bin secret)
env=${EXTRA_ENV:-}
[ -n "${PAUSED:-}" ] && env="$env WARROOM_JOBS_PAUSED=channel.open,channel.sync,channel.invite,chat.post,chat.graphs,chat.graph,ticket.open,ticket.comment,page.notify,page.step,page.upstream,metrics.observe,grouping.post,chat.broadcast,upstream.ack"
cpu() { for p in "$@"; do echo $p; ps -o pid= --ppid $p; done | while read -r q; do sed 's/.*) //' /proc/$q/stat 2>/dev/null; done |
  awk -v hz=$(getconf CLK_TCK) '{t += $12 + $13 + $14 + $15} END {printf "%.1f", t / hz}'; }
B=/usr/lib/postgresql/15/bin
D=$(mktemp -d); chown postgres "$D"
runuser -u postgres -- $B/initdb -D $D/data -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
runuser -u postgres -- $B/pg_ctl -D $D/data -l $D/log -w -o "-p 18555 -k $D -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all" start >/dev/null
dsn="postgres://postgres@127.0.0.1:18555/postgres?sslmode=disable"
pids=(); urls=()
for i in 1 2 3; do
  port=$((18560+i)); d=$(mktemp -d)
  ( cd $d && exec env $env WARROOM_LISTEN=127.0.0.1:$port WARROOM_STORE_DRIVER=postgres WARROOM_STORE_DSN=$dsn WARROOM_SOURCES_ALERTMANAGER_TOKEN=$tok $bin serve > $d/serve.log 2>&1 ) &
  pids+=($!); urls+=(http://127.0.0.1:$port)
  for k in $(seq 100); do curl -sf 127.0.0.1:$port/readyz >/dev/null && break; sleep 0.2; done
done
echo "== postgres, 3 replicas, N=${N:-10000}${PAUSED:+, jobs paused}  load: $(cut -d' ' -f1-3 /proc/loadavg)"
WARROOM_SOURCES_ALERTMANAGER_TOKEN=$tok $bin load -url "$(IFS=,; echo "${urls[*]}")" -n ${N:-10000} -groups 1000 -c 50 -wait 0 2>&1 | grep "accepted,"
echo "cpu seconds: replicas $(cpu "${pids[@]}"), postgres $(cpu $(head -1 $D/data/postmaster.pid))"
# The first search after the storm writes the search places still queued (migration 0021).
q=$(psql "$dsn" -Atc "select count(*) from search_queue")
t=$(curl -s -o /dev/null -w '%{time_total}' "${urls[0]}/api/v1/search?q=WarroomLoad")
echo "first search after the storm: ${t}s, with $q search rows queued when it started; left after it: $(psql "$dsn" -Atc "select count(*) from search_queue where id <= (select coalesce(max(id), 0) from search_queue)")"
echo "jobs by state: $(psql "$dsn" -Atc "select state || '=' || count(*) from jobs group by state" | tr '\n' ' ')"
psql "$dsn" -qc "create extension if not exists pg_stat_statements"
echo "calls | ms | statement"
psql "$dsn" -Atc "select calls, round(total_exec_time::numeric), left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 140) from pg_stat_statements
  where query not like '%schema_migrations%' and query not like '%pg_stat_statements%' order by calls desc limit 25"
kill "${pids[@]}"; wait 2>/dev/null
runuser -u postgres -- $B/pg_ctl -D $D/data -m fast stop >/dev/null
