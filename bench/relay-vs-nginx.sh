#!/usr/bin/env bash
# Coalescing: VIEWERS viewers ask for the same new segment at the same moment, the upstream takes
# DELAY_MS to answer it. Kanal's relay (waiters follow the one upstream download as its bytes arrive)
# vs nginx 1.22 as a caching reverse proxy with proxy_cache_lock on (waiters poll the cache every
# 500 ms). Per round one segment nobody asked for yet, Kanal and nginx alternating; prints viewer
# p50/p99 (request to last byte) and upstream requests per segment, every run and the medians.
# All on 127.0.0.1: upstream dev.kanal.testing.HlsTestServer (driver JVM), Kanal
# dev.kanal.relay.RelayServerMain (own JVM), nginx (one worker, as a child process).
# Usage: bench/relay-vs-nginx.sh [REPEATS=3] [ROUNDS=10] [VIEWERS=40] [DELAY_MS=200] [SEGMENT_KIB=512]
# Env: KANAL_BENCH_DIR=target-bench-relay (build folder) MVN_FLAGS (e.g. -o) SKIP_BUILD=1 (reuse a build)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/jdk.sh

repeats="${1:-3}"
rounds="${2:-10}"
viewers="${3:-40}"
delay="${4:-200}"
size="${5:-512}"
out="${KANAL_BENCH_DIR:-target-bench-relay}"

die() { echo "relay-vs-nginx: $*" >&2; exit 1; }
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || die "nginx is not installed: apt-get install -y nginx"

bench_build "$out" test-compile test
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
echo "machine: $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg); nginx $("$nginx_bin" -v 2>&1 | sed 's/.*\///'); $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)" >&2
exec "$JAVA_HOME/bin/java" -Xmx512m -cp "$PWD/$out/test-classes:$PWD/$out/classes:$(cat "$out/cp.txt")" \
  dev.kanal.relay.RelayBenchMain coalesce "$repeats" "$rounds" "$viewers" "$delay" "$size"
