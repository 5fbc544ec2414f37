#!/usr/bin/env bash
# On-demand VOD HLS (issue #8): time to the first segment and to a segment at 80 %, remux and transcode,
# and the master playlist's latency, against a plain cold ffmpeg making the same 6 s, same run.
# Sources: ten minutes of 1080p25 (10 s encoded, key frame every 2 s, looped with -c copy), made once:
#   remux     H.264 (x264 ultrafast, 2.5 Mbit/s) + AAC in MP4      -> segments copied (-c copy)
#   transcode MPEG-2 (2.5 Mbit/s) + AAC in Matroska                -> H.264 (libx264 ultrafast) + AAC
# Each run starts `kanal serve` on a fresh data dir (scan and probe not timed), then times with curl:
#   master.m3u8; index.m3u8 + segment 0 (what a player needs to start); segment 80 (480 s, a seek).
# Peers: `ffmpeg -ss T -i src -t 6 -c copy -f mpegts` and `... -c:v libx264 -preset ultrafast -c:a aac`, cold.
# REPEATS runs; prints every run, the medians and the ratios Kanal/ffmpeg.
# Usage: bench/vod-first-segment.sh [REPEATS=5]
# Env: SKIP_BUILD=1 (reuse an earlier build) KANAL_BENCH_DIR=target-bench-vod KANAL_BENCH_DATA=/tmp/kanal-bench-vod
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/jdk.sh

repeats="${1:-5}"
out="${KANAL_BENCH_DIR:-target-bench-vod}"
data="${KANAL_BENCH_DATA:-/tmp/kanal-bench-vod}"
die() { echo "vod-first-segment: $*" >&2; exit 1; }
command -v ffmpeg >/dev/null || die "ffmpeg is not installed: apt-get install -y ffmpeg"
command -v curl >/dev/null || die "curl is not installed: apt-get install -y curl"

bench_build "$out" compile

mkdir -p "$data/media"
make_source() { # name, codec args...: 10 s of 1080p25, looped to 10 minutes
  local name="$1"; shift
  [ -f "$data/media/$name" ] && return
  echo "generating $name ..." >&2
  local ext="${name##*.}"
  ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi -i testsrc2=size=1920x1080:rate=25:duration=10 \
    -f lavfi -i sine=frequency=440:sample_rate=48000:duration=10 "$@" -shortest "$data/base.$ext"
  ffmpeg -hide_banner -loglevel error -nostdin -y -stream_loop 59 -i "$data/base.$ext" -map 0 -c copy "$data/partial.$ext"
  mv "$data/partial.$ext" "$data/media/$name"
}
make_source Remux.mp4 -c:v libx264 -preset ultrafast -g 50 -b:v 2500k -c:a aac -b:a 96k
make_source Transcode.mkv -c:v mpeg2video -g 50 -b:v 2500k -maxrate 4000k -bufsize 4000k -c:a aac -b:a 96k

java_cmd=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$out/classes:$(cat "$out/cp.txt")" dev.kanal.Main)
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=
}
trap stop_server EXIT

start_server() { # a fresh data dir: no cached segments, no key-frame index
  rm -rf "$data/run"
  "${java_cmd[@]}" serve --port "$port" --media "$data/media" --data "$data/run" > "$data/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 300); do
    if curl -sf "$base/api/videos?status=ok" 2>/dev/null | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["total"] == 2 else 1)' 2>/dev/null; then
      return
    fi
    sleep 0.1
  done
  die "the server did not catalogue both sources: $(tail -5 "$data/server.log")"
}

id_of() {
  curl -sf "$base/api/videos?q=$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])'
}

t() { # seconds for a GET that must answer 200
  local r; r=$(curl -s -o "$data/body" -w '%{http_code} %{time_total}' "$1")
  [ "${r% *}" = 200 ] || die "GET $1 answered ${r% *}: $(head -c 200 "$data/body")"
  echo "${r#* }"
}

kanal_run() { # name -> "master start seek" in seconds
  local id; id=$(id_of "$1")
  local master; master=$(t "$base/vod/$id/master.m3u8")
  local variant; variant=$(curl -sf "$base/vod/$id/master.m3u8" | grep '^od-')
  local dir="$base/vod/$id/${variant%index.m3u8}"
  local t0; t0=$(date +%s.%N)
  t "${dir}index.m3u8" > /dev/null
  t "${dir}0.ts" > /dev/null
  local t1; t1=$(date +%s.%N)
  local seek; seek=$(t "${dir}80.ts")
  echo "$master $(echo "$t1 - $t0" | bc) $seek"
}

ffmpeg_run() { # source, at, codec args -> seconds for a cold 6 s
  local src="$1" at="$2"; shift 2
  local t0; t0=$(date +%s.%N)
  ffmpeg -hide_banner -loglevel error -nostdin -y -ss "$at" -i "$src" -t 6 -map 0:v:0 -map 0:a:0 "$@" -f mpegts "$data/peer.ts"
  local t1; t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
declare -a rm_master rm_start rm_seek tc_master tc_start tc_seek pr_start pr_seek pt_start pt_seek
for i in $(seq "$repeats"); do
  start_server
  read -r a b c <<< "$(kanal_run Remux)"; rm_master+=("$a"); rm_start+=("$b"); rm_seek+=("$c")
  read -r a b c <<< "$(kanal_run Transcode)"; tc_master+=("$a"); tc_start+=("$b"); tc_seek+=("$c")
  stop_server
  pr_start+=("$(ffmpeg_run "$data/media/Remux.mp4" 0 -c copy)")
  pr_seek+=("$(ffmpeg_run "$data/media/Remux.mp4" 480 -c copy)")
  pt_start+=("$(ffmpeg_run "$data/media/Transcode.mkv" 0 -c:v libx264 -preset ultrafast -c:a aac)")
  pt_seek+=("$(ffmpeg_run "$data/media/Transcode.mkv" 480 -c:v libx264 -preset ultrafast -c:a aac)")
  printf 'run %d: remux master %.3f first %.3f seek %.3f | transcode master %.3f first %.3f seek %.3f | ffmpeg copy %.3f/%.3f x264 %.3f/%.3f (load %s)\n' \
    "$i" "${rm_master[-1]}" "${rm_start[-1]}" "${rm_seek[-1]}" "${tc_master[-1]}" "${tc_start[-1]}" "${tc_seek[-1]}" \
    "${pr_start[-1]}" "${pr_seek[-1]}" "${pt_start[-1]}" "${pt_seek[-1]}" "$(cut -d' ' -f1 /proc/loadavg)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
m() { median "$@"; }
printf '\nmedians of %d runs (seconds):\n' "$repeats"
printf '  master playlist      remux %.3f   transcode %.3f   (bound 1 s)\n' "$(m "${rm_master[@]}")" "$(m "${tc_master[@]}")"
printf '  remux first segment  %.3f (playlist + segment 0; bound 1 s)   plain ffmpeg -c copy %.3f   ratio %.2fx\n' \
  "$(m "${rm_start[@]}")" "$(m "${pr_start[@]}")" "$(echo "$(m "${rm_start[@]}") / $(m "${pr_start[@]}")" | bc -l)"
printf '  remux at 80%%         %.3f (bound 1 s)   plain ffmpeg -ss 480 -c copy %.3f   ratio %.2fx\n' \
  "$(m "${rm_seek[@]}")" "$(m "${pr_seek[@]}")" "$(echo "$(m "${rm_seek[@]}") / $(m "${pr_seek[@]}")" | bc -l)"
printf '  transcode first      %.3f (playlist + segment 0; bound 3 s)   plain ffmpeg x264 %.3f   ratio %.2fx\n' \
  "$(m "${tc_start[@]}")" "$(m "${pt_start[@]}")" "$(echo "$(m "${tc_start[@]}") / $(m "${pt_start[@]}")" | bc -l)"
printf '  transcode at 80%%     %.3f (bound 3 s)   plain ffmpeg -ss 480 x264 %.3f   ratio %.2fx\n' \
  "$(m "${tc_seek[@]}")" "$(m "${pt_seek[@]}")" "$(echo "$(m "${tc_seek[@]}") / $(m "${pt_seek[@]}")" | bc -l)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
