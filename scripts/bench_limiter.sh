#!/usr/bin/env bash
# Benchmark: the limiter against the frame-by-frame implementation it
# replaced (kept as a test-only reference), in ns per sample, on heavy
# limiting, dense spikes and speech at a mastered level, mono and stereo.
#
#   scripts/bench_limiter.sh
#
# A benchmark, not a test: numbers printed, nothing asserted (the
# bit-identity of the two is a test of its own).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --lib --quiet audio::limiter::tests::speed -- --ignored --nocapture 2>&1 |
    grep ' ch: '
