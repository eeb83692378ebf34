#!/usr/bin/env bash
# What one create costs PostgreSQL by how many connections run it at once: pgbench runs
# create.sql (the statements of an alert's new incident: the dedup read, the incident with
# its search places, two events, five jobs in one statement) on a throwaway PostgreSQL 15
# migrated by warroom, at 1, 4, 16 and 60 clients in turn, twice, and prints the
# transactions per second and PostgreSQL's CPU milliseconds per transaction.
# Run as root: bash docs/bench/pg-create/run.sh   (WARROOM_BIN=path: a binary built elsewhere)
#   SCRIPTS='a.sql b.sql'  the scripts to run in turn (default create.sql); sequential.sql is
#                          create.sql with the ids by currval, and pipelined.sql (written here
#                          from it) the same statements in one pipeline:
#                          SCRIPTS='sequential.sql pipelined.sql'
#   CLIENTS='1 16 50'      the client counts (default 1 4 16 60)
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${WARROOM_BIN:-/tmp/warroom-pgcreate}
cd "$here/../../.." && { [ -n "${WARROOM_BIN:-}" ] || go build -o $bin ./cmd/warroom || exit 1; }
B=/usr/lib/postgresql/15/bin
D=$(mktemp -d); chown postgres "$D"
runuser -u postgres -- $B/initdb -D $D/data -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
runuser -u postgres -- $B/pg_ctl -D $D/data -l $D/log -w -o "-p 18600 -k $D -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
dsn="postgres://postgres@127.0.0.1:18600/postgres?sslmode=disable"
w=$(mktemp -d)
( cd $w && exec env WARROOM_LISTEN=127.0.0.1:18610 WARROOM_STORE_DRIVER=postgres WARROOM_STORE_DSN=$dsn WARROOM_SOURCES_ALERTMANAGER_TOKEN=$($bin secret) $bin serve > $w/log 2>&1 ) &
wpid=$!
for k in $(seq 100); do curl -sf 127.0.0.1:18610/readyz >/dev/null && break; sleep 0.2; done
kill $wpid; wait $wpid 2>/dev/null   # the schema is migrated; warroom is not needed any more
pcpu() { local pm; pm=$(head -1 $D/data/postmaster.pid)
  for p in $pm $(ps -o pid= --ppid $pm); do sed 's/.*) //' /proc/$p/stat 2>/dev/null; done | awk '{t += $12 + $13 + $14 + $15} END {print t}'; }
hz=$(getconf CLK_TCK)
# pipelined.sql: sequential.sql's transaction sent as one pipeline.
sed -e 's/^BEGIN;/\\startpipeline\nBEGIN;/' -e 's/^COMMIT;/COMMIT;\n\\endpipeline/' "$here/sequential.sql" > $w/pipelined.sql
for pass in 1 2; do for f in ${SCRIPTS:-create.sql}; do for c in ${CLIENTS:-1 4 16 60}; do
  n=$((3000 / c * c)); a=$(pcpu)
  pgbench -n -M prepared -c $c -j 1 -t $((n / c)) -f "$( [ -f $w/$f ] && echo $w/$f || echo $here/$f )" "$dsn" > $w/out 2>&1
  sleep 0.3; b=$(pcpu)
  echo "pass $pass, $f, clients $c: $(grep -o 'tps = [0-9.]*' $w/out), PostgreSQL CPU $(awk -v a=$a -v b=$b -v n=$n -v hz=$hz 'BEGIN {printf "%.2f", (b - a) * 1000 / hz / n}') ms per create"
done; done; done
runuser -u postgres -- $B/pg_ctl -D $D/data -m fast stop >/dev/null
