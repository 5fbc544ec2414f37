#!/usr/bin/env bash
# kanal record vs streamlink vs ffmpeg on one HLS VOD: 300 x 2 s TS segments (160x90) served by the
# test server (dev.kanal.testing.HlsTestServerMain) on 127.0.0.1 with 50 ms added to every request.
# Same server, same run, REPEATS runs per tool, alternating the order. Checks that Kanal's output is
# byte-identical to the concatenated segments and to streamlink's output. Prints every run, medians
# and ratios (targets: Kanal <= 0.5x streamlink, >= 6x faster than ffmpeg).
# Usage: bench/record-vs-streamlink.sh [REPEATS=3]
# Env: LATENCY_MS=50 STREAMLINK=streamlink (or a path, e.g. /tmp/sl/bin/streamlink)
#      SKIP_BUILD=1 (reuse an earlier build) KANAL_BENCH_DIR=target-bench-hls (build folder) KANAL_BENCH_DATA=/tmp/kanal-bench-hls (media, outputs)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/jdk.sh

repeats="${1:-3}"
latency="${LATENCY_MS:-50}"
out="${KANAL_BENCH_DIR:-target-bench-hls}"
data="${KANAL_BENCH_DATA:-/tmp/kanal-bench-hls}"
streamlink="${STREAMLINK:-streamlink}"

die() { echo "record-vs-streamlink: $*" >&2; exit 1; }
command -v ffmpeg >/dev/null || die "ffmpeg is not installed: apt-get install -y ffmpeg"
have_streamlink=1
if ! command -v "$streamlink" >/dev/null 2>&1; then
  have_streamlink=0
  echo "record-vs-streamlink: streamlink not found ($streamlink); install it (pip install streamlink) or set STREAMLINK=..." >&2
  echo "record-vs-streamlink: continuing without it" >&2
fi

bench_build "$out" package test

mkdir -p "$data/hls" "$data/out"
if [ ! -f "$data/hls/index.m3u8" ] || [ "$(grep -c '^s' "$data/hls/index.m3u8")" != 300 ]; then
  echo "generating 300 x 2 s segments ..." >&2
  rm -rf "$data/hls"; mkdir -p "$data/hls"
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=160x90:rate=25 \
    -f lavfi -i sine=frequency=440:sample_rate=44100 -t 600 -c:v libx264 -preset ultrafast -g 50 \
    -keyint_min 50 -sc_threshold 0 -c:a aac -b:a 32k -shortest "$data/src.mp4"
  ffmpeg -hide_banner -loglevel error -y -i "$data/src.mp4" -c copy -f hls -hls_time 2 -hls_list_size 0 \
    -hls_segment_filename "$data/hls/s%03d.ts" "$data/hls/index.m3u8"
fi
[ "$(grep -c '^s' "$data/hls/index.m3u8")" = 300 ] || die "expected 300 segments in $data/hls/index.m3u8"
(cd "$data/hls" && cat $(grep '^s' index.m3u8)) > "$data/expected.ts"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$JAVA_HOME/bin/java" -cp "$out/test-classes:$out/classes:$(cat "$out/cp.txt")" \
  dev.kanal.testing.HlsTestServerMain "$data/hls" "$port" "$latency" > "$data/server.out" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q ready "$data/server.out" 2>/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port/index.m3u8"
curl -sf "$url" > /dev/null || die "the test server did not start"

# The launcher's JVM flags for record (keep in step with ./kanal): the quick compiler, and its class
# cache after the runs that write it: on JDK 25+ an ahead-of-time cache (one run records a
# configuration, then the cache is assembled), else a class-data archive written by one run.
base_opts=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1
  -Xlog:aot=off -Xlog:cds=off -Xlog:cds+dynamic=off)
jdk_feature="$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
# The JVM ignores, and does not rewrite, a cache whose jars changed (the build above rewrote
# kanal.jar); ./kanal removes such caches the same way.
rm -f "$out/kanal-record.jsa" "$out/kanal-record.aot" "$out/kanal-record.aotconf"
if [ "$jdk_feature" -ge 25 ]; then
  "$JAVA_HOME/bin/java" "${base_opts[@]}" -XX:AOTMode=record "-XX:AOTConfiguration=$out/kanal-record.aotconf" \
    -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput -jar "$out/kanal.jar" record "$url" -o "$data/out/kanal.ts" > /dev/null
  "$JAVA_HOME/bin/java" "${base_opts[@]}" -XX:AOTMode=create "-XX:AOTConfiguration=$out/kanal-record.aotconf" \
    "-XX:AOTCache=$out/kanal-record.aot" -jar "$out/kanal.jar" > /dev/null
  java_opts=("${base_opts[@]}" "-XX:AOTCache=$out/kanal-record.aot")
  cache="ahead-of-time cache"
else
  java_opts=("${base_opts[@]}" -XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$out/kanal-record.jsa")
  cache="class-data archive"
fi
run_kanal() { "$JAVA_HOME/bin/java" "${java_opts[@]}" -jar "$out/kanal.jar" record "$url" -o "$data/out/kanal.ts" > /dev/null; }
run_streamlink() { "$streamlink" --stream-segment-threads 10 --force -o "$data/out/streamlink.ts" "$url" best > /dev/null 2>&1; }
run_ffmpeg() { ffmpeg -hide_banner -loglevel error -y -i "$url" -c copy -f mpegts "$data/out/ffmpeg.ts"; }

time_it() {  # prints seconds
  local start end
  start=$(date +%s.%N); "$@"; end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.3f}')"
}

run_kanal  # warm-up (writes the class-data archive when there is no ahead-of-time cache)
echo "kanal runs with: ${java_opts[*]}" >&2
tools=(kanal ffmpeg)
[ "$have_streamlink" = 1 ] && tools=(kanal streamlink ffmpeg)
declare -A times
for i in $(seq "$repeats"); do
  order=("${tools[@]}")
  if [ $((i % 2)) = 0 ]; then order=($(printf '%s\n' "${tools[@]}" | tac)); fi
  for t in "${order[@]}"; do
    s=$(time_it "run_$t")
    times[$t]="${times[$t]:-} $s"
    echo "run $i $t ${s}s"
  done
  cmp -s "$data/out/kanal.ts" "$data/expected.ts" || die "kanal's output differs from the concatenated segments"
  if [ "$have_streamlink" = 1 ]; then
    cmp -s "$data/out/kanal.ts" "$data/out/streamlink.ts" || die "kanal's output differs from streamlink's"
  fi
done

median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
echo
echo "300 x 2 s TS segments, ${latency} ms added per request, $repeats runs, $(nproc) cores"
k=$(median "${times[kanal]}")
f=$(median "${times[ffmpeg]}")
echo "median kanal record (defaults: 16 to 32 at once; $cache) ${k}s"
if [ "$have_streamlink" = 1 ]; then
  s=$(median "${times[streamlink]}")
  echo "median streamlink --stream-segment-threads 10  ${s}s"
fi
echo "median ffmpeg -c copy                          ${f}s"
if [ "$have_streamlink" = 1 ]; then
  python3 -c "print(f'kanal/streamlink time ratio {$k/$s:.2f} (target <= 0.5)')"
  echo "kanal output byte-identical to streamlink's: yes"
fi
python3 -c "print(f'ffmpeg/kanal speed-up {$f/$k:.1f}x (target >= 6x)')"
echo "kanal output byte-identical to the concatenated segments: yes"
