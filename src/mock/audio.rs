//! The mock's audio: deterministic speech-like samples whose length
//! follows the text, and the containers servers send it in.

use base64::Engine as _;
use serde_json::json;

use super::{Answer, WavHeader};

/// The sample rate of the mock's default voice (OpenAI's and Kokoro's).
pub const MOCK_RATE: u32 = 24_000;

/// How long the mock speaks `text`: 0.2 s, plus 200 ms per Chinese
/// character (5 a second, as Mandarin newsreaders speak) and 60 ms per other
/// non-space character.
pub fn speech_seconds(text: &str) -> f64 {
    0.2 + text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| {
            if crate::text::lang::is_han(c) {
                0.2
            } else {
                0.06
            }
        })
        .sum::<f64>()
}

/// Frames of speech for `text` at `rate`.
pub fn speech_frames(text: &str, rate: u32) -> usize {
    (speech_seconds(text) * f64::from(rate)).round() as usize
}

/// Deterministic speech-like audio for `text`: a voiced tone whose pitch
/// comes from the text's hash, eight harmonics, loudness rising and falling
/// at a syllable rate. It never falls silent, so trimming keeps all of it.
pub fn speech(text: &str, rate: u32) -> Vec<f32> {
    let n = speech_frames(text, rate);
    let h = crate::hash::hex(text.as_bytes());
    let f0 = 100.0 + (u64::from_str_radix(&h[..4], 16).unwrap_or(0) % 80) as f64;
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            let syllable = 0.65 + 0.35 * (2.0 * std::f64::consts::PI * 4.0 * t).cos();
            let wobble = 1.0 + 0.03 * (2.0 * std::f64::consts::PI * 0.7 * t).sin();
            let voiced: f64 = (1..=8)
                .map(|k| (2.0 * std::f64::consts::PI * f0 * wobble * k as f64 * t).sin() / k as f64)
                .sum();
            (0.18 * syllable * voiced) as f32
        })
        .collect()
}

pub(super) fn to_i16(s: &[f32]) -> Vec<i16> {
    s.iter()
        .map(|x| (x * 32767.0).round().clamp(-32768.0, 32767.0) as i16)
        .collect()
}

/// A 16-bit mono WAV with the header style asked for.
pub fn wav_bytes(samples: &[f32], rate: u32, style: WavHeader) -> Vec<u8> {
    let pcm: Vec<u8> = to_i16(samples)
        .iter()
        .flat_map(|s| s.to_le_bytes())
        .collect();
    let list: &[u8] = b"LIST\x1a\0\0\0INFOISFT\x0e\0\0\0Lavf61.7.100\0\0";
    let data_len = pcm.len() as u32;
    let extra = if style == WavHeader::List {
        list.len() as u32
    } else {
        0
    };
    let (riff, data) = match style {
        WavHeader::Valid | WavHeader::List => (36 + extra + data_len, data_len),
        WavHeader::Zero => (36, 0),
        WavHeader::Ffff => (u32::MAX, u32::MAX),
        WavHeader::SevenFff => (0x7FFF_FFFF, 0x7FFF_FFFF),
    };
    let mut b = Vec::with_capacity(pcm.len() + 80);
    b.extend(b"RIFF");
    b.extend(riff.to_le_bytes());
    b.extend(b"WAVEfmt ");
    b.extend(16u32.to_le_bytes());
    b.extend(1u16.to_le_bytes());
    b.extend(1u16.to_le_bytes());
    b.extend(rate.to_le_bytes());
    b.extend((rate * 2).to_le_bytes());
    b.extend(2u16.to_le_bytes());
    b.extend(16u16.to_le_bytes());
    if style == WavHeader::List {
        b.extend(list);
    }
    b.extend(b"data");
    b.extend(data.to_le_bytes());
    b.extend(pcm);
    b
}

/// `samples` as a 64 kbps mono MP3 (LAME, no gapless tag: as servers send).
pub fn mp3_bytes(samples: &[f32], rate: u32) -> Result<Vec<u8>, String> {
    use mp3lame_encoder::{Bitrate, Builder, FlushNoGap, MonoPcm, Quality};
    let mut b = Builder::new().ok_or("LAME did not start")?;
    b.set_num_channels(1).map_err(|e| e.to_string())?;
    b.set_sample_rate(rate).map_err(|e| e.to_string())?;
    b.set_brate(Bitrate::Kbps64).map_err(|e| e.to_string())?;
    b.set_quality(Quality::Good).map_err(|e| e.to_string())?;
    let mut enc = b.build().map_err(|e| e.to_string())?;
    let mut out =
        Vec::with_capacity(mp3lame_encoder::max_required_buffer_size(samples.len()) + 7200);
    let pcm = to_i16(samples);
    enc.encode_to_vec(MonoPcm(&pcm[..]), &mut out)
        .map_err(|e| e.to_string())?;
    enc.flush_to_vec::<FlushNoGap>(&mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// `samples` as a 16-bit FLAC stream.
pub fn flac_bytes(samples: &[f32], rate: u32) -> Result<Vec<u8>, String> {
    use flacenc::component::BitRepr;
    use flacenc::error::Verify;
    let pcm: Vec<i32> = to_i16(samples).into_iter().map(i32::from).collect();
    let config = flacenc::config::Encoder::default()
        .into_verified()
        .map_err(|e| format!("{e:?}"))?;
    let source = flacenc::source::MemSource::from_samples(&pcm, 1, 16, rate as usize);
    let stream = flacenc::encode_with_fixed_block_size(&config, source, config.block_size)
        .map_err(|e| format!("{e:?}"))?;
    let mut sink = flacenc::bitsink::ByteSink::new();
    stream.write(&mut sink).map_err(|e| format!("{e:?}"))?;
    let mut bytes = sink.as_slice().to_vec();
    // flacenc writes the short last block's size as STREAMINFO's minimum block
    // size; the FLAC format excludes the last block from it (a fixed-size
    // stream has min == max), and symphonia rejects the stream otherwise.
    if bytes.len() > 12 && &bytes[..4] == b"fLaC" {
        let (max_hi, max_lo) = (bytes[10], bytes[11]);
        bytes[8] = max_hi;
        bytes[9] = max_lo;
    }
    Ok(bytes)
}

/// Audio in a format named by the generic API's `format` field.
pub(super) fn formatted(text: &str, format: &str, style: WavHeader) -> Result<Answer, String> {
    formatted_at(text, format, style, 1.0)
}

/// [`formatted`], with the speech scaled by `gain` (a backend that speaks
/// louder or softer than another).
pub(super) fn formatted_at(
    text: &str,
    format: &str,
    style: WavHeader,
    gain: f32,
) -> Result<Answer, String> {
    let speech = |text: &str, rate: u32| -> Vec<f32> {
        speech(text, rate).into_iter().map(|s| s * gain).collect()
    };
    let text_owned = text.to_string();
    if let Some(rate) = format.strip_prefix("pcm_") {
        let rate: u32 = rate
            .parse()
            .map_err(|_| format!("bad pcm rate in {format:?}"))?;
        let pcm: Vec<u8> = to_i16(&speech(text, rate))
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        return Ok(Answer::audio(pcm, "audio/pcm", text_owned, false));
    }
    let s = speech(text, MOCK_RATE);
    let wav_header = match format {
        "wav" | "wav_html" => Some(style),
        "wav_zero" => Some(WavHeader::Zero),
        "wav_ffff" => Some(WavHeader::Ffff),
        "wav_7fff" => Some(WavHeader::SevenFff),
        "wav_list" => Some(WavHeader::List),
        _ => None,
    };
    if let Some(header) = wav_header {
        // piper-style servers label WAV as HTML.
        let content_type = if format == "wav_html" {
            "text/html; charset=utf-8"
        } else {
            "audio/wav"
        };
        return Ok(Answer::audio(
            wav_bytes(&s, MOCK_RATE, header),
            content_type,
            text_owned,
            true,
        ));
    }
    Ok(match format {
        "mp3" => Answer::audio(mp3_bytes(&s, MOCK_RATE)?, "audio/mpeg", text_owned, false),
        "flac" => Answer::audio(flac_bytes(&s, MOCK_RATE)?, "audio/flac", text_owned, false),
        "json" => {
            let b64 =
                base64::engine::general_purpose::STANDARD.encode(wav_bytes(&s, MOCK_RATE, style));
            let mut a = Answer::audio(
                json!({"audio": b64}).to_string().into_bytes(),
                "application/json",
                text_owned,
                false,
            );
            a.wav = false;
            a
        }
        other => return Err(format!("unknown format {other:?}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speech_is_deterministic_loud_and_as_long_as_promised() {
        let a = speech("你好 world", 24_000);
        assert_eq!(a, speech("你好 world", 24_000));
        assert_eq!(a.len(), speech_frames("你好 world", 24_000));
        // 0.2 s + two Chinese characters at 0.2 s + five Latin at 0.06 s.
        assert_eq!(a.len(), 21_600);
        let edge = &a[..240];
        assert!(
            edge.iter().any(|s| s.abs() > 0.01),
            "the start is not silent"
        );
        assert!(
            a[a.len() - 240..].iter().any(|s| s.abs() > 0.01),
            "the end is not silent"
        );
    }

    #[test]
    fn flac_and_mp3_decode_back_to_the_same_length() {
        let s = speech("The flac format carries this sentence", 24_000);
        let flac = crate::audio::decode::decode_bytes(flac_bytes(&s, 24_000).unwrap()).unwrap();
        assert_eq!(flac.frames(), s.len());
        let mp3 = crate::audio::decode::decode_bytes(mp3_bytes(&s, 24_000).unwrap()).unwrap();
        // MP3 moves the edges by up to a frame (encoder delay, padding).
        assert!(
            mp3.frames().abs_diff(s.len()) < 1_152 * 2,
            "{} vs {}",
            mp3.frames(),
            s.len()
        );
    }
}
