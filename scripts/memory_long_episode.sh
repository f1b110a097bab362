#!/usr/bin/env bash
# Peak memory of a render against the episode's length: a 10-minute and a
# 3-hour stereo episode with a looped music bed under everything, both
# rendered from cached clips (a first render fills the cache), measured by
# /usr/bin/time's maximum resident set size. The mix and the master stream,
# so the two should differ by little (issue 11 asks within 10 MiB).
#
# usage: scripts/memory_long_episode.sh [WORKDIR]   (default: a temporary folder)
# needs: a release build (cargo build --release), /usr/bin/time; about 2.5 GB
# of disk for the 3-hour WAV and MP3.
set -euo pipefail
. "$(dirname "$0")/lib.sh" "$@"
cp examples/stings/intro.wav "$WORK/bed.wav"

cat >"$WORK/podgen.yaml" <<'EOF'
audio:
  channels: 2
  formats: [mp3, wav]
EOF

# An episode of about `minutes`: items of two sentences 50 s apart
# (built-in voice, no server), the bed looped under all of it.
script() {
  local minutes=$1 items
  items=$(( minutes * 60 / 57 ))
  printf 'show: Memory\ntitle: Long episode\nepisode: long-%s\nbed: {file: bed.wav, gain_db: -14}\nitems:\n' "$minutes"
  for i in $(seq 1 "$items"); do
    printf '  - title: Item %s\n    lines:\n      - {text: "This is item number %s of the long episode."}\n      - {pause: 50s}\n      - {text: "And this closes item %s."}\n' "$i" "$i" "$i"
  done
}

peak_kib() {
  /usr/bin/time -v "$BIN" render "$1" -c "$WORK/podgen.yaml" -o "$WORK/out" --quiet \
    --cache-dir "$WORK/cache" 2>&1 >/dev/null | awk '/Maximum resident set size/ {print $6}'
}

for minutes in 10 180; do
  script "$minutes" >"$WORK/long-$minutes.yaml"
  "$BIN" render "$WORK/long-$minutes.yaml" -c "$WORK/podgen.yaml" -o "$WORK/out" --quiet --cache-dir "$WORK/cache"
  start=$(date +%s.%N)
  kib=$(peak_kib "$WORK/long-$minutes.yaml")
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  eval "kib_$minutes=$kib"
  seconds=$(python3 -c "import json;print(json.load(open('$WORK/out/long-$minutes/render.json'))['totals']['seconds'])")
  printf '%4s min episode (%s s of stereo audio): peak RSS %s KiB, render from cache %.1f s\n' \
    "$minutes" "$seconds" "$kib" "$secs"
  rm -rf "$WORK/out/long-$minutes"
done
printf 'difference: %s KiB (%.2f MiB)\n' "$(( kib_180 - kib_10 ))" "$(echo "($kib_180 - $kib_10) / 1024" | bc -l)"
