#!/usr/bin/env bash
# The full-size chaos run of issue 14 (TestChaosOverReplicas in cmd/warroom/chaos_test.go):
# 3 warroom processes on one throwaway PostgreSQL 15, 1,000 alert groups x 10 notifications,
# each notification to two replicas at once, then acks and closes until every incident is
# archived; 30 kill -9 of a random replica and one PostgreSQL restart along the way. First
# the same run calm (-chaos.calm: no kills, no restart) as its floor, then the chaos run.
# Run as root (PostgreSQL runs as the postgres user): bash docs/bench/chaos.sh
# SEED=n repeats a chaos run's kill points (the seed is in its first line).
set -u
cd "$(dirname "$0")/../../cmd/warroom" || exit 1
go test -c -o /tmp/warroom-chaos.test . || exit 1
run() {
  /tmp/warroom-chaos.test -test.run '^TestChaosOverReplicas$' -test.v -test.timeout 60m \
    -chaos.groups=1000 -chaos.repeats=10 -chaos.kills=30 -chaos.wait=15m "$@" 2>&1 |
    grep -E 'from seed|chaos plan|chaos: [0-9]+ groups|^--- |^(ok|FAIL|PASS)|want'
}
echo "== calm  load: $(cut -d' ' -f1-3 /proc/loadavg)"; run -chaos.calm
echo "== chaos load: $(cut -d' ' -f1-3 /proc/loadavg)"; run ${SEED:+-crash.seed=$SEED}
