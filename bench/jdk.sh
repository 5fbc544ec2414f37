# Sourced by bench scripts: exports JAVA_HOME for a JDK >= 21 (the same search as ./kanal) and defines
# bench_build.
kanal_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval "$("$kanal_root/kanal" --print-java-env)"

# bench_build OUT GOAL [SCOPE]: builds with Maven into OUT (mvn GOAL, e.g. compile, test-compile or package)
# and writes the dependency class path of SCOPE (default: runtime) to OUT/cp.txt; with SKIP_BUILD=1 and
# an earlier build in OUT (its cp.txt), reuses it. Extra Maven flags: MVN_FLAGS (e.g. -o).
bench_build() {
  local out="$1" goal="$2" scope="${3:-runtime}"
  if [ "${SKIP_BUILD:-0}" = 1 ] && [ -f "$out/cp.txt" ]; then
    echo "reusing the build in $out (SKIP_BUILD=1)" >&2
    return
  fi
  echo "building ($goal) into $out ..." >&2
  # shellcheck disable=SC2086
  mvn -q ${MVN_FLAGS:-} -Dkanal.buildDir="$kanal_root/$out" -DskipTests "$goal" dependency:build-classpath \
    -Dmdep.includeScope="$scope" -Dmdep.outputFile="$kanal_root/$out/cp.txt" >&2
}
