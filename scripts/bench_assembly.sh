#!/usr/bin/env bash
# How fast podgen assembles an episode, against the plain-ffmpeg way a
# producer does the same work, in one run on one machine:
#
#   1. the example episode, cold (empty cache, built-in voice): real-time factor;
#   2. a 60-minute episode (the example's items repeated, each round's text
#      marked so no clip repeats), cold and then from the cache: real-time
#      factors and peak RSS;
#   3. ffmpeg on the same audio: the cached clips and pauses concatenated,
#      two-pass loudnorm to -16 LUFS / -1 dBTP, LAME at podgen's bitrate and
#      quality (5): its real-time factor, and podgen's cached render as a
#      fraction of it;
#   4. the floor: LAME alone (ffmpeg's libmp3lame, the same LAME 3.100 at
#      the same quality) encoding podgen's WAV once, with nothing else to
#      do: podgen's cached render as a multiple of it.
#
# Numbers are ratios from one run, so a loaded machine slows both sides.
#
# usage: scripts/bench_assembly.sh [WORKDIR] [MINUTES]   (default: a temporary folder, 60)
# needs: a release build (cargo build --release), /usr/bin/time, python3;
# ffmpeg for step 3 (skipped without it). About 2 GB of disk.
set -euo pipefail
. "$(dirname "$0")/lib.sh" "$@"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian: apt install time)" >&2; exit 1; }
MINUTES="${2:-60}"
EXAMPLE=examples/ai-weekly-2024-06-2.yaml
cp -r examples/stings "$WORK/"

# The long script: the example's header and intro, its items repeated in
# rounds (titles and every text line marked with the round) until about
# MINUTES of audio (the example's 19 items are about 11 minutes), its outro.
python3 - "$EXAMPLE" "$MINUTES" >"$WORK/long.yaml" <<'EOF'
import sys
src, minutes = open(sys.argv[1], encoding="utf-8").read().splitlines(), float(sys.argv[2])
start = src.index("items:")
end = next(i for i, l in enumerate(src) if l.startswith("outro:"))
head, body, tail = src[: start + 1], src[start + 1 : end], src[end:]
items, current = [], None
for line in body:
    if line.startswith("  - "):
        current = [line]
        items.append(current)
    elif current is not None:
        current.append(line)
wanted = round(minutes / 11.04 * len(items))
out = [l.replace("episode: 2024-06-2", "episode: bench-long") for l in head]
for n in range(wanted):
    rnd, item = n // len(items) + 1, items[n % len(items)]
    for line in item:
        if line.startswith("  - title: "):
            line = f"{line}（第{rnd}轮）"
        elif line.startswith("      ") and rnd > 1:
            line = f"      第{rnd}轮，{line.strip()}"
        out.append(line)
print("\n".join(out + tail))
EOF

# render SCRIPT CACHE: the render's wall-clock seconds and peak RSS (KiB).
render() {
  local out="$WORK/time.txt"
  /usr/bin/time -v -o "$out" "$BIN" render "$1" -o "$WORK/out" --quiet --cache-dir "$2" >/dev/null
  python3 - "$out" <<'EOF'
import sys
t = open(sys.argv[1]).read()
wall = next(l for l in t.splitlines() if "Elapsed (wall clock)" in l).split()[-1]
secs = sum(float(p) * 60**i for i, p in enumerate(reversed(wall.split(":"))))
rss = next(l for l in t.splitlines() if "Maximum resident" in l).split()[-1]
print(f"{secs:.2f} {rss}")
EOF
}

seconds_of() {
  python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['totals']['seconds'])" "$1"
}

rt() { python3 -c "import sys;print(f'{float(sys.argv[1])/float(sys.argv[2]):.0f}')" "$1" "$2"; }

# 1. The example, cold.
rm -rf "$WORK/cache-example"
read -r ex_secs ex_rss < <(render "$EXAMPLE" "$WORK/cache-example")
ex_audio=$(seconds_of "$WORK/out/2024-06-2/render.json")

# 2. The long episode, cold, then from the cache.
rm -rf "$WORK/cache-long"
read -r cold_secs cold_rss < <(render "$WORK/long.yaml" "$WORK/cache-long")
read -r warm_secs warm_rss < <(render "$WORK/long.yaml" "$WORK/cache-long")
long_json="$WORK/out/bench-long/render.json"
long_audio=$(seconds_of "$long_json")

printf 'example episode (%.0f s of audio), cold:  %6.2f s  %4s× real time  peak RSS %6s KiB\n' \
  "$ex_audio" "$ex_secs" "$(rt "$ex_audio" "$ex_secs")" "$ex_rss"
printf '%.0f-minute episode, cold:               %6.2f s  %4s× real time  peak RSS %6s KiB\n' \
  "$(echo "$long_audio / 60" | bc -l)" "$cold_secs" "$(rt "$long_audio" "$cold_secs")" "$cold_rss"
printf '%.0f-minute episode, from the cache:     %6.2f s  %4s× real time  peak RSS %6s KiB\n' \
  "$(echo "$long_audio / 60" | bc -l)" "$warm_secs" "$(rt "$long_audio" "$warm_secs")" "$warm_rss"
python3 - "$long_json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
m, p = d["master"], d.get("mp3") or {}
print(f"  master: {m['passes']} pass(es), {m['output_lufs']:.2f} LUFS, {m['output_true_peak_dbtp']:.2f} dBTP;"
      f" mp3: {p.get('passes')} pass(es), {p.get('lufs', 0):.2f} LUFS, {p.get('true_peak_dbtp', 0):.2f} dBTP")
EOF

# 3. ffmpeg on the same audio.
if ! command -v ffmpeg >/dev/null; then
  echo "ffmpeg is not installed: no comparison (bash scripts/setup-validators.sh installs it)"
  exit 0
fi
# The concat list: every cached clip in timeline order, with the pauses
# between them as silence files, as a producer would cut it.
python3 - "$long_json" "$WORK/cache-long" "$WORK/ff" <<'EOF'
import json, os, struct, sys
d, cache, ff = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
os.makedirs(ff, exist_ok=True)
rate = d["settings"]["sample_rate"] if "sample_rate" in d.get("settings", {}) else 44100
def silence(frames):
    path = os.path.join(ff, f"silence-{frames}.wav")
    if not os.path.exists(path):
        data = b"\0\0" * frames
        with open(path, "wb") as f:
            f.write(b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt "
                    + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
                    + b"data" + struct.pack("<I", len(data)) + data)
    return path
lines, at = [], 0
for s in d["segments"]:
    if s["start_sample"] > at:
        lines.append(silence(s["start_sample"] - at))
    key = s["cache_key"]
    lines.append(os.path.join(cache, "clips", key[:2], key + ".wav"))
    at = s["end_sample"]
if d["totals"]["samples"] > at:
    lines.append(silence(d["totals"]["samples"] - at))
with open(os.path.join(ff, "list.txt"), "w") as f:
    f.writelines(f"file '{os.path.abspath(p)}'\n" for p in lines)
EOF
kbps=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['mp3']['kbps'])" "$long_json")
ff_start=$(date +%s.%N)
ffmpeg -hide_banner -nostats -f concat -safe 0 -i "$WORK/ff/list.txt" \
  -af loudnorm=I=-16:TP=-1:LRA=11:print_format=json -f null - 2>"$WORK/ff/pass1.txt"
measured=$(python3 - "$WORK/ff/pass1.txt" <<'EOF'
import json, sys
t = open(sys.argv[1]).read()
m = json.loads(t[t.rindex("{"): t.rindex("}") + 1])
print(f"measured_I={m['input_i']}:measured_TP={m['input_tp']}:measured_LRA={m['input_lra']}"
      f":measured_thresh={m['input_thresh']}:offset={m['target_offset']}")
EOF
)
ffmpeg -hide_banner -nostats -y -f concat -safe 0 -i "$WORK/ff/list.txt" \
  -af "loudnorm=I=-16:TP=-1:LRA=11:$measured:linear=true" -ar 44100 \
  -c:a libmp3lame -b:a "${kbps}k" -compression_level 5 "$WORK/ff/episode.mp3" 2>"$WORK/ff/pass2.txt"
ff_secs=$(echo "$(date +%s.%N) - $ff_start" | bc -l)
lame_start=$(date +%s.%N)
ffmpeg -hide_banner -nostats -y -i "$WORK/out/bench-long/bench-long.wav" \
  -c:a libmp3lame -b:a "${kbps}k" -compression_level 5 "$WORK/ff/lame-alone.mp3" 2>/dev/null
lame_secs=$(echo "$(date +%s.%N) - $lame_start" | bc -l)
printf 'ffmpeg (concat, two-pass loudnorm, LAME %s kbps q5): %6.2f s  %4s× real time\n' \
  "$kbps" "$ff_secs" "$(rt "$long_audio" "$ff_secs")"
printf 'LAME alone on the WAV (%s kbps q5, one core):         %6.2f s  %4s× real time\n' \
  "$kbps" "$lame_secs" "$(rt "$long_audio" "$lame_secs")"
printf 'podgen from the cache / ffmpeg pipeline: %.3f (issue 13 asks at most 0.065)\n' \
  "$(echo "$warm_secs / $ff_secs" | bc -l)"
printf 'podgen from the cache / LAME alone:      %.2f (1 would be the encoder'"'"'s own time)\n' \
  "$(echo "$warm_secs / $lame_secs" | bc -l)"
