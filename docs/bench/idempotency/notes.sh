#!/usr/bin/env bash
# 300 notes POSTed to INC-1 of a warroom on 127.0.0.1:18590 by one curl (one connection);
# notes.sh 1 gives every request a fresh Idempotency-Key, notes.sh 0 none (N=count).
set -u
keyed=$1; n=${N:-300}; f=$(mktemp)
for i in $(seq $n); do
  echo "url = \"http://127.0.0.1:18590/api/v1/incidents/INC-1/notes\""
  echo "request = POST"
  echo "header = \"Content-Type: application/json\""
  [ "$keyed" = 1 ] && echo "header = \"Idempotency-Key: k-$RANDOM-$RANDOM-$i-$$\""
  echo "data = \"{\\\"actor\\\":\\\"bob\\\",\\\"text\\\":\\\"note $i\\\"}\""
  echo "output = /dev/null"
  [ $i -lt $n ] && echo "next"
done > $f
curl -s -K $f; rm -f $f
