#!/usr/bin/env bash
# How often the MP3's predicted pass (encoded while the master is written)
# reads the target at once, and how often a miss costs another encode:
# the example rendered from one cache under a spread of targets, bitrates
# and channel counts, with and without a music bed. Prints one line per
# render (master and MP3 passes, what the MP3 reads) and the count of
# renders that needed more than one encode.
#
# usage: scripts/mp3_prediction.sh [WORKDIR]   (default: a temporary folder)
# needs: a release build (cargo build --release), python3.
set -euo pipefail
. "$(dirname "$0")/lib.sh" "$@"
cp -r examples/stings "$WORK/"
sed 's/^episode: 2024-06-2$/episode: sweep/' examples/ai-weekly-2024-06-2.yaml >"$WORK/plain.yaml"
sed -e 's/^episode: 2024-06-2$/episode: sweep/' \
  -e 's/^voice: host$/voice: host\nbed: {file: stings\/intro.wav, gain_db: -14}/' \
  examples/ai-weekly-2024-06-2.yaml >"$WORK/bed.yaml"

misses=0
runs=0
for script in plain bed; do
  for audio in \
    "{}" \
    "{loudness_lufs: -14}" \
    "{loudness_lufs: -19}" \
    "{loudness_lufs: -23, true_peak_dbtp: -2}" \
    "{loudness_lufs: -16, true_peak_dbtp: -2}" \
    "{mp3_kbps: 64}" \
    "{mp3_kbps: 128}" \
    "{mp3_kbps: 192}" \
    "{channels: 2}" \
    "{channels: 2, mp3_kbps: 192, loudness_lufs: -14}"; do
    printf 'audio: %s\n' "$audio" >"$WORK/podgen.yaml"
    "$BIN" render "$WORK/$script.yaml" -c "$WORK/podgen.yaml" -o "$WORK/out" \
      --cache-dir "$WORK/cache" --quiet
    line=$(python3 - "$WORK/out/sweep/render.json" "$script" "$audio" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
m, p = d["master"], d["mp3"]
print(f"{p['passes']} {sys.argv[2]:5} {sys.argv[3]:52} master {m['passes']} pass(es) {m['output_lufs']:7.2f} LUFS"
      f" | mp3 {p['passes']} encode(s) {p['lufs']:7.2f} LUFS {p['true_peak_dbtp']:6.2f} dBTP"
      f" (first {p['first_pass_lufs']:7.2f} / {p['first_pass_true_peak_dbtp']:6.2f})")
EOF
)
    echo "${line#* }"
    runs=$((runs + 1))
    [ "${line%% *}" = 1 ] || misses=$((misses + 1))
  done
done
echo "renders whose MP3 needed more than one encode: $misses of $runs"
