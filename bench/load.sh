#!/usr/bin/env bash
# The load and soak scenarios of issue #13 at the issue's sizes, in one command:
#   1,000 HLS viewers of a packaged video for 60 s; 1,000 concurrent range downloads (5 rounds);
#   200 relay viewers of one live channel for 60 s; 50 concurrent packaging requests.
# Each runs Kanal in its own JVM (-Xmx512m) on loopback and prints one 'event=load.result' line
# (errors, p50/p99, peak RSS, heap before/after GC, fds and threads before/after); the lines are
# collected in RESULTS and printed at the end. The same tests run in CI (./test) with modest sizes.
# Usage: bench/load.sh [extra Maven/system properties, e.g. -Dkanal.load.hls.seconds=120 -Dtest=VodViewersLoadTest]
# Env: KANAL_LOAD_RESULTS=target/load-results.txt
set -euo pipefail
cd "$(dirname "$0")/.."
results="${KANAL_LOAD_RESULTS:-$PWD/target/load-results.txt}"
mkdir -p "$(dirname "$results")"
: >"$results"
echo "load: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), ulimit -n $(ulimit -n)"
status=0
./test -Dgroups=load -Dkanal.load.full=true -Dkanal.load.results="$results" "$@" || status=$?
echo "load: results ($results)"
cat "$results"
exit "$status"
