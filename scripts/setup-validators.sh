#!/usr/bin/env bash
# Installs the third-party consumers the tests check podgen's output with:
# - the independent loudness meters of tests/it/independent_meters.rs: ffmpeg
#   (its ebur128 filter, and the MP3 decoder that turns the MP3 into a WAV
#   for pyloudnorm) from apt, and pyloudnorm with soundfile and numpy;
# - the feed parsers of tests/it/feed.rs: podcastparser (PyPI, gPodder's) and
#   podcast-partytime (npm, the Podcast Index's), with Debian's nodejs/npm.
# Python packages go in a venv at ${PODGEN_VALIDATORS:-$HOME/.cache/podgen-validators},
# npm packages in its npm/ folder. Idempotent: what is there already is
# kept. .ci/run runs it before the tests.
set -euo pipefail
METERS="${PODGEN_VALIDATORS:-$HOME/.cache/podgen-validators}"

missing=""
command -v ffmpeg >/dev/null || missing="$missing ffmpeg"
command -v python3 >/dev/null || missing="$missing python3"
command -v node >/dev/null || missing="$missing nodejs"
command -v npm >/dev/null || missing="$missing npm"
# Debian's python3 makes venvs only with python3-venv (ensurepip) installed.
python3 -c 'import ensurepip' 2>/dev/null || missing="$missing python3-venv"
if [ -n "$missing" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
fi

if [ ! -x "$METERS/bin/python" ]; then
  python3 -m venv "$METERS"
fi
if ! "$METERS/bin/python" -c 'import pyloudnorm, soundfile, numpy, podcastparser' 2>/dev/null; then
  "$METERS/bin/python" -m pip install -q pyloudnorm soundfile numpy podcastparser
fi
if [ ! -d "$METERS/npm/node_modules/podcast-partytime" ]; then
  mkdir -p "$METERS/npm"
  (cd "$METERS/npm" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install -s podcast-partytime >/dev/null)
fi
echo "validators ready: $(command -v ffmpeg), $METERS/bin/python (pyloudnorm, podcastparser), $METERS/npm (podcast-partytime)"
