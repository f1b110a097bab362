#!/usr/bin/env bash
# Installs the independent loudness meters tests/independent_meters.rs reads
# the example episode with: ffmpeg (its ebur128 filter, and the MP3 decoder
# that turns the MP3 into a WAV for pyloudnorm) from apt, and pyloudnorm
# with soundfile and numpy in a Python venv at
# ${PODGEN_METERS:-$HOME/.cache/podgen-meters}. Idempotent: what is there
# already is kept. .ci/run runs it before the tests.
set -euo pipefail
METERS="${PODGEN_METERS:-$HOME/.cache/podgen-meters}"

missing=""
command -v ffmpeg >/dev/null || missing="$missing ffmpeg"
command -v python3 >/dev/null || missing="$missing python3"
# Debian's python3 makes venvs only with python3-venv (ensurepip) installed.
python3 -c 'import ensurepip' 2>/dev/null || missing="$missing python3-venv"
if [ -n "$missing" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
fi

if [ ! -x "$METERS/bin/python" ]; then
  python3 -m venv "$METERS"
fi
if ! "$METERS/bin/python" -c 'import pyloudnorm, soundfile, numpy' 2>/dev/null; then
  "$METERS/bin/python" -m pip install -q pyloudnorm soundfile numpy
fi
echo "loudness meters ready: $(command -v ffmpeg), $METERS/bin/python (pyloudnorm)"
