#!/usr/bin/env python3
"""Synthesize the example intro and outro stings (examples/stings/*.wav).

The project makes its own stings so that the example episode needs no
third-party audio. Standard library only: a few bell-like notes (a sine with
two inharmonic partials and an exponential decay), written as 48 kHz stereo
16-bit WAV, which also exercises podgen's resampling and downmix.

    python3 scripts/make_stings.py            # writes examples/stings/
"""
import math
import os
import struct
import wave

RATE = 48_000


def bell(freq, start, dur, total, left, right):
    """Add one decaying bell note into the left/right float buffers."""
    n0 = int(start * RATE)
    n = int(dur * RATE)
    for i in range(n):
        if n0 + i >= total:
            break
        t = i / RATE
        env = math.exp(-t * 3.2) * min(1.0, t / 0.005)
        s = (math.sin(2 * math.pi * freq * t)
             + 0.35 * math.sin(2 * math.pi * freq * 2.76 * t) * math.exp(-t * 6)
             + 0.15 * math.sin(2 * math.pi * freq * 5.4 * t) * math.exp(-t * 9))
        left[n0 + i] += 0.22 * env * s
        right[n0 + i] += 0.22 * env * s


def sting(path, notes, seconds, pan_step):
    total = int(seconds * RATE)
    left = [0.0] * total
    right = [0.0] * total
    for k, (freq, start) in enumerate(notes):
        # Spread the notes a little across the stereo field.
        pan = 0.5 + pan_step * (k - (len(notes) - 1) / 2)
        l_buf = [0.0] * total
        r_buf = [0.0] * total
        bell(freq, start, seconds - start, total, l_buf, r_buf)
        for i in range(total):
            left[i] += l_buf[i] * (1 - pan) * 2 * 0.5
            right[i] += r_buf[i] * pan * 2 * 0.5
    # Fade the last 150 ms so the sting ends in silence.
    fade = int(0.15 * RATE)
    for i in range(fade):
        g = 1 - i / fade
        left[total - fade + i] *= g
        right[total - fade + i] *= g
    frames = bytearray()
    for l, r in zip(left, right):
        frames += struct.pack("<hh", int(max(-1, min(1, l)) * 32767), int(max(-1, min(1, r)) * 32767))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with wave.open(path, "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(frames))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "..", "examples", "stings")
    c5, e5, g5, c6 = 523.25, 659.25, 783.99, 1046.5
    sting(os.path.join(out, "intro.wav"), [(c5, 0.0), (e5, 0.18), (g5, 0.36), (c6, 0.54)], 2.4, 0.2)
    sting(os.path.join(out, "outro.wav"), [(c6, 0.0), (g5, 0.2), (e5, 0.4), (c5, 0.6)], 2.2, -0.2)


if __name__ == "__main__":
    main()
