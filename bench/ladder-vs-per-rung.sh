#!/usr/bin/env bash
# Full packaging (issue #8): Kanal's ladder job versus one ffmpeg per rung, on the same source, same run.
# Source: 120 s of 1080p25 H.264 (x264 veryfast, ~5 Mbit/s, a key frame every 2 s) + AAC, made once.
# Ladder job: `kanal library package <id>` in its own JVM (JVM start, key-frame scan, one ffmpeg that decodes
# once, copies the 1080p rung and encodes 720p and 480p through split+scale, measuring and the master playlist).
# Per rung: three ffmpeg processes one after the other, each decoding the source and encoding one rung
# (1080p 6000k, 720p 3000k, 480p 1500k, x264 veryfast, 6 s HLS segments), as a naive packager would.
# REPEATS runs of each, alternating the order; prints every run, the medians and the ratio (target >= 1.8x).
# Usage: bench/ladder-vs-per-rung.sh [REPEATS=3]
# Env: SKIP_BUILD=1 (reuse an earlier build) KANAL_BENCH_DIR=target-bench-pkg KANAL_BENCH_DATA=/tmp/kanal-bench-pkg
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/jdk.sh

repeats="${1:-3}"
out="${KANAL_BENCH_DIR:-target-bench-pkg}"
data="${KANAL_BENCH_DATA:-/tmp/kanal-bench-pkg}"
die() { echo "ladder-vs-per-rung: $*" >&2; exit 1; }
command -v ffmpeg >/dev/null || die "ffmpeg is not installed: apt-get install -y ffmpeg"

bench_build "$out" compile

mkdir -p "$data/media"
src="$data/media/Bench.1080p.mp4"
if [ ! -f "$src" ]; then
  echo "generating the 120 s 1080p source ..." >&2
  ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi -i testsrc2=size=1920x1080:rate=25:duration=120 \
    -f lavfi -i sine=frequency=440:sample_rate=48000:duration=120 -c:v libx264 -preset veryfast \
    -b:v 5000k -maxrate 5500k -bufsize 10000k -g 50 -keyint_min 50 -sc_threshold 0 -pix_fmt yuv420p \
    -c:a aac -b:a 128k -ac 2 -shortest -movflags +faststart "$data/partial.mp4"
  mv "$data/partial.mp4" "$src"
fi

java_cmd=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$out/classes:$(cat "$out/cp.txt")" dev.kanal.Main)
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
printf 'server:\n  port: %s\n' "$port" > "$data/kanal.yaml"   # nothing listens there: the CLI packages in-process

now() { date +%s.%N; }

ladder() { # one timed `kanal library package` into a fresh data dir (the scan is not timed)
  local d="$data/run-ladder"
  rm -rf "$d"
  "${java_cmd[@]}" library scan --config "$data/kanal.yaml" --media "$data/media" --data "$d" > /dev/null 2>&1
  local id
  id="$("${java_cmd[@]}" library list --json --config "$data/kanal.yaml" --media "$data/media" --data "$d" 2>/dev/null \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')"
  local t0; t0=$(now)
  "${java_cmd[@]}" library package "$id" --config "$data/kanal.yaml" --media "$data/media" --data "$d" \
    > "$data/ladder.out" 2> "$data/ladder.err" || die "kanal library package failed: $(tail -5 "$data/ladder.err")"
  local t1; t1=$(now)
  grep -q '"videoCopied" : true' "$d/packages/$id/package.json" || die "the 1080p rung was not copied"
  echo "$t1 - $t0" | bc
}

per_rung() { # three ffmpeg processes, one rung each
  local d="$data/run-per-rung"
  rm -rf "$d"; mkdir -p "$d"
  local t0; t0=$(now)
  for spec in "1080:6000:128" "720:3000:128" "480:1500:96"; do
    IFS=: read -r h v a <<< "$spec"
    mkdir -p "$d/${h}p"
    ffmpeg -hide_banner -loglevel error -nostdin -y -i "$src" -vf "scale=-2:$h" -c:v libx264 -preset veryfast \
      -b:v "${v}k" -maxrate "$((v * 11 / 10))k" -bufsize "$((v * 2))k" -force_key_frames 'expr:gte(t,n_forced*2)' \
      -sc_threshold 0 -c:a aac -b:a "${a}k" -ac 2 -f hls -hls_time 6 -hls_playlist_type vod \
      -hls_segment_filename "$d/${h}p/seg_%05d.ts" "$d/${h}p/index.m3u8"
  done
  local t1; t1=$(now)
  echo "$t1 - $t0" | bc
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
ladder_times=(); per_rung_times=()
for i in $(seq "$repeats"); do
  if [ $((i % 2)) = 1 ]; then
    l=$(ladder); p=$(per_rung)
  else
    p=$(per_rung); l=$(ladder)
  fi
  ladder_times+=("$l"); per_rung_times+=("$p")
  printf 'run %d: ladder job %.1f s, one ffmpeg per rung %.1f s (load %s)\n' "$i" "$l" "$p" "$(cut -d' ' -f1 /proc/loadavg)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ml=$(median "${ladder_times[@]}"); mp=$(median "${per_rung_times[@]}")
printf 'median: ladder job %.1f s, one ffmpeg per rung %.1f s, speed-up %.2fx (target >= 1.8x)\n' "$ml" "$mp" \
  "$(echo "$mp / $ml" | bc -l)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
