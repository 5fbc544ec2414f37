#!/usr/bin/env bash
# Kanal vs nginx byte serving on loopback, same machine, same run, with wrk:
#   ranges: random 1 MiB ranges of a 2 GiB file;  whole: a whole 8 MiB file;
# each REPEATS x DURATION per server, alternating which server goes first, after a warm-up.
# Prints every run, the medians and Kanal/nginx ratios (targets: ranges >= 0.9, whole >= 0.85).
# Usage: bench/range-vs-nginx.sh [REPEATS=3] [DURATION=10s]
# Env: CONNECTIONS=32 THREADS=2 NGINX_WORKERS=2 KANAL_HEAP=512m
#      KANAL_BENCH_DIR=target-bench-range (build folder) KANAL_BENCH_DATA=/tmp/kanal-bench-range (files)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/jdk.sh

repeats="${1:-3}"
duration="${2:-10s}"
conns="${CONNECTIONS:-32}"
threads="${THREADS:-2}"
workers="${NGINX_WORKERS:-2}"
heap="${KANAL_HEAP:-512m}"
out="${KANAL_BENCH_DIR:-target-bench-range}"
data="${KANAL_BENCH_DATA:-/tmp/kanal-bench-range}"
big_size=$((2 * 1024 * 1024 * 1024))
whole_size=$((8 * 1024 * 1024))
chunk=$((1024 * 1024))

die() { echo "range-vs-nginx: $*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk is not installed: apt-get install -y wrk"
command -v curl >/dev/null || die "curl is not installed: apt-get install -y curl"
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$nginx_bin" ] || die "nginx is not installed: apt-get install -y nginx"

echo "building Kanal into $out ..." >&2
mvn -q -Dkanal.buildDir="$PWD/$out" -DskipTests compile dependency:build-classpath \
  -Dmdep.includeScope=runtime -Dmdep.outputFile="$PWD/$out/cp.txt" >&2

mkdir -p "$data/files" "$data/nginx/logs" "$data/nginx/tmp"
# Named .mp4 so that Kanal's library catalogues them (random bytes: "broken", but served as they are).
for f in big whole8m; do [ -f "$data/files/$f.bin" ] && mv "$data/files/$f.bin" "$data/files/$f.mp4"; done
if [ "$(stat -c %s "$data/files/big.mp4" 2>/dev/null || echo 0)" != "$big_size" ]; then
  echo "writing a 2 GiB file of random bytes ..." >&2
  head -c "$big_size" /dev/urandom > "$data/files/big.mp4"
fi
if [ "$(stat -c %s "$data/files/whole8m.mp4" 2>/dev/null || echo 0)" != "$whole_size" ]; then
  head -c "$whole_size" /dev/urandom > "$data/files/whole8m.mp4"
fi
cat "$data/files/big.mp4" "$data/files/whole8m.mp4" > /dev/null  # into the page cache: measure serving, not the disk

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
nginx_port="$(free_port)"
kanal_port="$(free_port)"

cat > "$data/nginx/nginx.conf" <<CONF
daemon off;
worker_processes $workers;
error_log $data/nginx/logs/error.log warn;
pid $data/nginx/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $data/nginx/tmp/body;
  proxy_temp_path $data/nginx/tmp/proxy;
  fastcgi_temp_path $data/nginx/tmp/fastcgi;
  uwsgi_temp_path $data/nginx/tmp/uwsgi;
  scgi_temp_path $data/nginx/tmp/scgi;
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$nginx_port; root $data/files; }
}
CONF

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

"$nginx_bin" -p "$data/nginx" -c "$data/nginx/nginx.conf" -e "$data/nginx/logs/error.log" &
pids+=($!)
# Kanal as users run it: 'kanal serve --media', files found by id through the library catalogue.
rm -rf "$data/kanal-data"
"$JAVA_HOME/bin/java" -Xmx"$heap" --enable-native-access=ALL-UNNAMED -cp "$out/classes:$(cat "$out/cp.txt")" \
  dev.kanal.Main serve --media "$data/files" --data "$data/kanal-data" --port "$kanal_port" --log-level warn \
  > "$data/kanal.out" 2> "$data/kanal.err" &
pids+=($!)

video_id() { # video_id FILE-NAME: the catalogue id of a file, from the API
  curl -sf "http://127.0.0.1:$kanal_port/api/videos?q=$1" \
    | python3 -c 'import json,sys; n=sys.argv[1]; print(next(v["id"] for v in json.load(sys.stdin)["items"] if v["fileName"]==n))' "$1"
}
big_id="" whole_id=""
for _ in $(seq 300); do
  if curl -sf -o /dev/null "http://127.0.0.1:$nginx_port/whole8m.mp4"; then
    big_id="$(video_id big.mp4 2>/dev/null || true)"
    whole_id="$(video_id whole8m.mp4 2>/dev/null || true)"
    [ -n "$big_id" ] && [ -n "$whole_id" ] && break
  fi
  sleep 0.2
done
[ -n "$big_id" ] && [ -n "$whole_id" ] || die "Kanal did not catalogue the files (see $data/kanal.err)"

# Both must answer the same 206 before anything is measured.
for url in "http://127.0.0.1:$nginx_port/big.mp4" "http://127.0.0.1:$kanal_port/media/$big_id/file"; do
  got="$(curl -s -o /dev/null -w '%{http_code} %{size_download}' -H 'Range: bytes=1073741824-1074790399' "$url")"
  [ "$got" = "206 1048576" ] || die "$url answered '$got' to a 1 MiB range, not '206 1048576'"
done
cmp <(curl -s -H 'Range: bytes=5-1048580' "http://127.0.0.1:$nginx_port/big.mp4") \
    <(curl -s -H 'Range: bytes=5-1048580' "http://127.0.0.1:$kanal_port/media/$big_id/file") \
  || die "Kanal and nginx sent different bytes for the same range"

# run DURATION URL [SCRIPT-ARGS...]: one wrk run; with script args, random ranges via bench/range.lua.
# Prints "requests/s status", status being "ok" or wrk's error lines.
run() {
  local d="$1" url="$2"; shift 2
  local outp
  if [ $# -gt 0 ]; then
    outp="$(wrk -t"$threads" -c"$conns" -d"$d" -s bench/range.lua "$url" -- "$@")"
  else
    outp="$(wrk -t"$threads" -c"$conns" -d"$d" "$url")"
  fi
  local rps errors
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$outp")"
  errors="$(awk '/Non-2xx|Socket errors/ {printf "%s; ", $0}' <<<"$outp")"
  echo "$rps ${errors:-ok}"
}

nginx_ranges=("http://127.0.0.1:$nginx_port" /big.mp4 "$big_size" "$chunk")
kanal_ranges=("http://127.0.0.1:$kanal_port" "/media/$big_id/file" "$big_size" "$chunk")
nginx_whole="http://127.0.0.1:$nginx_port/whole8m.mp4"
kanal_whole="http://127.0.0.1:$kanal_port/media/$whole_id/file"

echo "warming up (10 s each: the JIT compiles Kanal's request path, both fill their caches) ..." >&2
run 10s "${nginx_ranges[@]}" > /dev/null
run 10s "${kanal_ranges[@]}" > /dev/null
run 10s "$nginx_whole" > /dev/null
run 10s "$kanal_whole" > /dev/null

declare -A results
measure() { # measure KEY URL [SCRIPT-ARGS...]
  local key="$1"; shift
  local r
  r="$(run "$duration" "$@")"
  results[$key]="${results[$key]:-} ${r%% *}"
  printf '  %-14s %10s req/s  %s\n' "$key" "${r%% *}" "${r#* }" >&2
}

echo "machine: $(nproc) cores, $(uname -r); wrk -t$threads -c$conns, ${repeats} x $duration; nginx $("$nginx_bin" -v 2>&1 | sed 's/.*\///') ($workers workers); Kanal on $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), -Xmx$heap" >&2
for i in $(seq "$repeats"); do
  echo "run $i:" >&2
  if [ $((i % 2)) -eq 1 ]; then
    measure nginx-ranges "${nginx_ranges[@]}"
    measure kanal-ranges "${kanal_ranges[@]}"
    measure nginx-whole "$nginx_whole"
    measure kanal-whole "$kanal_whole"
  else
    measure kanal-ranges "${kanal_ranges[@]}"
    measure nginx-ranges "${nginx_ranges[@]}"
    measure kanal-whole "$kanal_whole"
    measure nginx-whole "$nginx_whole"
  fi
done

median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# ratios of the runs measured back to back (same load on the shared machine), then their median
paired() { paste -d' ' <(tr ' ' '\n' <<<"$1" | grep .) <(tr ' ' '\n' <<<"$2" | grep .) | awk '{printf "%.3f ", $2/$1}'; }
echo
printf '%-8s %12s %12s %12s %12s %7s %14s %7s\n' test "nginx req/s" "kanal req/s" "nginx MiB/s" "kanal MiB/s" ratio "paired ratio" target
for t in ranges whole; do
  n="$(median "${results[nginx-$t]}")"; k="$(median "${results[kanal-$t]}")"
  p="$(median "$(paired "${results[nginx-$t]}" "${results[kanal-$t]}")")"
  mib=$([ "$t" = ranges ] && echo 1 || echo 8)
  target=$([ "$t" = ranges ] && echo 0.90 || echo 0.85)
  awk -v t="$t" -v n="$n" -v k="$k" -v m="$mib" -v p="$p" -v g="$target" \
    'BEGIN {printf "%-8s %12.1f %12.1f %12.0f %12.0f %7.3f %14.3f %7s\n", t, n, k, n*m, k*m, k/n, p, g}'
done
echo "(medians over the runs; 'paired ratio' is the median of each run's kanal/nginx, measured back to back)"
