#!/usr/bin/env bash
# Builds the JMH benchmarks under bench/java into target-bench/ and runs the ones matching $1.
# Usage: [KANAL_BENCH_DIR=target-bench-me] bench/run-jmh.sh REGEX [JMH options...]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/jdk.sh
out="${KANAL_BENCH_DIR:-target-bench}"  # a folder of your own when others build at the same time
mvn -q -Pbench -Dkanal.buildDir="$PWD/$out" -DskipTests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$out/cp.txt" >&2
exec "$JAVA_HOME/bin/java" -Xmx2g -cp "$out/test-classes:$out/classes:$(cat "$out/cp.txt")" \
  -Dkanal.corpus="$PWD/../shared/corpus" org.openjdk.jmh.Main "$@"
