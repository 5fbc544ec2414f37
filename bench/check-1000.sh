#!/usr/bin/env bash
# The stream health checker on 1,000 channels served by a loopback upstream
# (dev.kanal.testing.FakeIptvUpstream, in the same JVM): 10% hang (accept, never answer), the rest
# are good HLS (multivariant playlist, media playlist, first segment). Defaults: concurrency 32,
# timeout 10 s. Prints the time, checks/s, counts per status, and the floor the hangs would impose if they held their slots
# (hangs x timeout / concurrency).
# Usage: bench/check-1000.sh [CHANNELS=1000] [HANG_PERCENT=10] [CONCURRENCY=32] [TIMEOUT=10s]
# Env: SKIP_BUILD=1 (reuse an earlier build) KANAL_BENCH_DIR=target-bench-check (build folder)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/jdk.sh

out="${KANAL_BENCH_DIR:-target-bench-check}"
bench_build "$out" test-compile test
exec "$JAVA_HOME/bin/java" -cp "$out/test-classes:$out/classes:$(cat "$out/cp.txt")" \
  dev.kanal.iptv.CheckBenchMain "$@"
