#!/usr/bin/env bash
# Benchmark: render a 20-item digest (40 segments) against the mock TTS server
# with a fixed latency per request, and compare the wall time with the ideal
# schedule: ceil(segments / concurrency) x latency, plus the render's own work
# measured from a fully cached re-render (assembly, mastering, publishing).
#
#   scripts/bench_concurrency.sh [latency_ms=300] [concurrency=4]
#
# A benchmark, not a test: one run, numbers printed, nothing asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
LATENCY=${1:-300}
CONC=${2:-4}
PORT=${PORT:-18099}
cargo build --release --quiet
BIN=target/release/podgen
WORK=$(mktemp -d)
trap 'kill $MOCK 2>/dev/null || true; rm -rf "$WORK"' EXIT

$BIN mock-tts --port "$PORT" --latency-ms "$LATENCY" > "$WORK/mock.log" &
MOCK=$!
for _ in $(seq 50); do grep -q listening "$WORK/mock.log" 2>/dev/null && break; sleep 0.1; done

{
  echo "show: Bench"; echo "title: Bench"; echo "episode: bench"; echo "voice: host"; echo "items:"
  for i in $(seq 20); do
    echo "  - title: Item $i"
    echo "    text: Item $i opens with its first sentence. Then item $i closes with a second one."
  done
} > "$WORK/bench.yaml"
cat > "$WORK/podgen.yaml" <<YAML
backends:
  mock: {preset: openai, base_url: "http://127.0.0.1:$PORT/v1", concurrency: $CONC}
voices:
  host: {backend: mock, voice: alloy}
YAML

now() { date +%s.%N; }
t0=$(now)
PODGEN_CACHE_DIR="$WORK/cache" $BIN render "$WORK/bench.yaml" -c "$WORK/podgen.yaml" -o "$WORK/out" --quiet
t1=$(now)
PODGEN_CACHE_DIR="$WORK/cache" $BIN render "$WORK/bench.yaml" -c "$WORK/podgen.yaml" -o "$WORK/out2" --quiet
t2=$(now)
SEGMENTS=$(python3 -c "import json;print(json.load(open('$WORK/out/bench/render.json'))['totals']['segments'])")
python3 - "$t0" "$t1" "$t2" "$SEGMENTS" "$CONC" "$LATENCY" <<'PY'
import math, sys
t0, t1, t2 = map(float, sys.argv[1:4]); n, c, lat = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]) / 1000
wall, assembly = t1 - t0, t2 - t1
ideal_synth = math.ceil(n / c) * lat
ideal = ideal_synth + assembly
print(f"segments {n}, concurrency {c}, latency {lat*1000:.0f} ms")
print(f"ideal synthesis ceil({n}/{c}) x {lat*1000:.0f} ms = {ideal_synth:.2f} s; assembly (cached re-render) {assembly:.2f} s")
print(f"wall {wall:.2f} s; ideal {ideal:.2f} s; ratio {wall/ideal:.3f}")
PY
