#!/usr/bin/env bash
# Added latency of the HLS relay for a cached segment: the same segment fetched from the upstream
# directly and through Kanal's relay (a cache hit), one keep-alive connection each, requests
# alternating, same run, all on 127.0.0.1 (upstream: dev.kanal.testing.HlsTestServer in the driver's
# JVM; Kanal: dev.kanal.relay.RelayServerMain in its own JVM). Prints every run and the medians of
# p50/p99 over the runs.
# Usage: bench/relay-latency.sh [REPEATS=3] [ITERATIONS=3000] [SEGMENT_KIB=1024]
# Env: KANAL_BENCH_DIR=target-bench-relay (build folder) MVN_FLAGS (e.g. -o) SKIP_BUILD=1 (reuse a build)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/jdk.sh

repeats="${1:-3}"
iterations="${2:-3000}"
size="${3:-1024}"
out="${KANAL_BENCH_DIR:-target-bench-relay}"

bench_build "$out" test-compile test
echo "machine: $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg); $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)" >&2
exec "$JAVA_HOME/bin/java" -Xmx512m -cp "$PWD/$out/test-classes:$PWD/$out/classes:$(cat "$out/cp.txt")" \
  dev.kanal.relay.RelayBenchMain latency "$repeats" "$iterations" "$size"
