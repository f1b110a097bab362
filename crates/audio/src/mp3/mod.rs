//! The MP3 of the episode: LAME (vendored, via mp3lame-encoder) from the
//! mastered samples, behind the ID3 tag the caller gives (publish writes it).
//!
//! The first MP3 frame is LAME's Info/LAME tag (encoder delay and padding),
//! so players that honour it play exactly the mastered samples.
//!
//! LAME is not transparent to loudness meters: its low-pass and its
//! quantization noise move the integrated loudness (a WAV at -16.0 LUFS
//! reads about -16.4 as MP3) and can raise the true peak over the ceiling.
//! So every encode here is decoded back, streaming, and measured as a
//! listener gets it. This module is the mechanics: a pass (a gain and a
//! limiter in front of LAME) encoded while the master is written
//! ([`Streaming`]) or from the WAV ([`encode_pass`]), the chain alone
//! ([`Rehearsal`], [`rehearse`]), and what LAME is known to take
//! ([`lame_loss_db`]). Which pass to make, and which to deliver, is the
//! caller's policy (podgen's publish stage).

mod pass;
mod stream;

use std::path::Path;

use tempfile::NamedTempFile;

use pass::Input;
pub use pass::{Fed, Loudness, Pass, measure};
pub use stream::{Job, Streaming};

use crate::{PassError, Progress};

/// The bitrates LAME writes for MPEG-1 Layer III at a constant rate, kbps.
pub const BITRATES: [u32; 14] = [
    32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
];

/// Whether LAME writes `kbps` as a constant MPEG-1 Layer III bitrate.
pub fn is_bitrate(kbps: u32) -> bool {
    BITRATES.contains(&kbps)
}

fn check_bitrate(kbps: u32) -> Result<(), PassError> {
    if is_bitrate(kbps) {
        Ok(())
    } else {
        Err(PassError::Bitrate(kbps))
    }
}

/// What LAME takes off the loudness at `kbps`, dB. Measured with LAME
/// 3.100 at quality 5 on speech, pink noise, a sine and music, mono and
/// joint stereo: a uniform gain in every band, 0.44 dB up to 160 kbps
/// (0.52 on bright synthetic noise at 64), less above, none from 256. The
/// MP3 is measured anyway, and a miss corrected.
pub fn lame_loss_db(kbps: u32) -> f64 {
    match kbps {
        ..=160 => 0.44,
        161..=192 => 0.26,
        193..=224 => 0.17,
        _ => 0.0,
    }
}

/// What one encode read: the MP3 decoded, and what LAME was fed.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    /// Integrated loudness of the MP3 as decoded, LUFS; none for silence.
    pub lufs: Option<f64>,
    /// Its true peak, dBTP; none for silence.
    pub true_peak_dbtp: Option<f64>,
    /// What the chain fed LAME.
    pub fed: Fed,
}

/// One encode, not yet delivered: its temporary file beside the MP3's
/// place (removed as it drops), its pass, and what it read decoded.
#[derive(Debug)]
pub struct Encoded {
    file: NamedTempFile,
    pass: Pass,
    reading: Reading,
}

impl Encoded {
    /// The pass it was encoded with.
    pub fn pass(&self) -> Pass {
        self.pass
    }

    /// What it read.
    pub fn reading(&self) -> Reading {
        self.reading
    }

    /// Put it at `dest`, with the permissions of `like` (the WAV: a
    /// temporary file is private to its owner), synced first.
    pub fn deliver(self, dest: &Path, like: &Path) -> Result<(), PassError> {
        let file = self.file;
        file.as_file()
            .set_permissions(std::fs::metadata(like)?.permissions())?;
        file.as_file().sync_data()?;
        file.persist(dest).map_err(|e| e.error)?;
        Ok(())
    }
}

/// One encode of the 16-bit mono or stereo WAV at `wav` for `job`, `pass`
/// in front of LAME, into a temporary file beside `job.dest`, measured.
/// `progress` hears the frame position as it goes, and may stop it.
pub fn encode_pass(
    job: &Job,
    wav: &Path,
    pass: Pass,
    progress: Progress,
) -> Result<Encoded, PassError> {
    check_bitrate(job.kbps)?;
    let input = Input {
        wav,
        dual_mono: job.dual_mono,
        progress,
    };
    let file = temporary_beside(&job.dest)?;
    let fed = pass::encode(input, file.as_file(), &job.tag, job.kbps, pass)?;
    let (lufs, true_peak_dbtp) =
        pass::measure(file.path(), job.tag.len() as u64, job.dual_mono, progress)?;
    Ok(Encoded {
        file,
        pass,
        reading: Reading {
            lufs,
            true_peak_dbtp,
            fed,
        },
    })
}

/// What the chain of `pass` would feed LAME from the WAV at `wav`, measured
/// as `job` measures (nothing encoded: a fraction of a pass's time).
pub fn rehearse(job: &Job, wav: &Path, pass: Pass, progress: Progress) -> Result<Fed, PassError> {
    let input = Input {
        wav,
        dual_mono: job.dual_mono,
        progress,
    };
    pass::run_chain(input, pass, &mut |_| Ok(()))
}

/// The chain in front of LAME at a pass, run on a rehearsal of the master
/// to see what it would feed the encoder (nothing encoded).
pub struct Rehearsal {
    chain: pass::Chain,
}

impl Rehearsal {
    /// The chain of `pass` for the master `job` is encoded from.
    pub fn new(job: &Job, pass: Pass) -> Result<Self, PassError> {
        Ok(Rehearsal {
            chain: pass::Chain::new(job.rate, job.channels, pass, job.dual_mono)?,
        })
    }

    /// Interleaved whole frames of the master.
    pub fn hear(&mut self, block: &[f32]) -> Result<(), PassError> {
        self.chain.push(block).map(|_| ())
    }

    /// The loudness the chain would feed LAME.
    pub fn finish(mut self) -> Result<Option<f64>, PassError> {
        self.chain.finish()?;
        Ok(self.chain.fed().lufs)
    }
}

/// A temporary file in `dest`'s folder (so the final rename stays on one
/// file system), removed unless it is persisted.
fn temporary_beside(dest: &Path) -> std::io::Result<NamedTempFile> {
    let dir = match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".part")
        .tempfile_in(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::no_progress;
    use std::sync::Arc;

    const RATE: u32 = 44_100;

    /// A 16-bit WAV at `path`: `frames` frames of `channels`, sample by `f(frame, channel)`.
    fn write_wav(path: &Path, channels: u16, frames: usize, f: impl Fn(usize, u16) -> f32) {
        let spec = hound::WavSpec {
            channels,
            sample_rate: RATE,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for i in 0..frames {
            for c in 0..channels {
                let x = (f(i, c) * 32768.0).round().clamp(-32768.0, 32767.0);
                w.write_sample(x as i16).unwrap();
            }
        }
        w.finalize().unwrap();
    }

    /// Something like speech for the encoder: noise with a 4 Hz syllable
    /// envelope and a bright top (which LAME's low-pass takes away).
    fn speechy(seed: u64) -> impl Fn(usize, u16) -> f32 {
        move |i, c| {
            let mut z = (i as u64 * 2 + u64::from(c)).wrapping_add(seed);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            let noise = ((z ^ (z >> 31)) >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0;
            let t = i as f32 / RATE as f32;
            let syllable = (std::f32::consts::TAU * 4.0 * t).sin().max(0.0);
            let voice = (std::f32::consts::TAU * 180.0 * t).sin();
            syllable * (0.5 * voice + 0.12 * noise)
        }
    }

    /// An MP3 of `channels` at `kbps`, delivered to `dest`, tagged `tag`.
    fn job(dest: &Path, tag: &[u8], kbps: u32, channels: u16) -> Job {
        Job {
            dest: dest.to_path_buf(),
            tag: Arc::from(tag),
            kbps,
            rate: RATE,
            channels,
            dual_mono: false,
        }
    }

    #[test]
    fn the_table_is_every_bitrate_lame_takes() {
        for kbps in BITRATES {
            let mut b = mp3lame_encoder::Builder::new().unwrap();
            assert!(pass::set_kbps(&mut b, kbps).is_ok(), "{kbps}");
        }
        for kbps in [0, 57, 300, 384] {
            assert!(!is_bitrate(kbps));
        }
    }

    #[test]
    fn silence_reads_nothing_and_odd_inputs_are_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let (wav, mp3) = (dir.path().join("z.wav"), dir.path().join("z.mp3"));
        write_wav(&wav, 1, 30_000, |_, _| 0.0);
        let silent = encode_pass(&job(&mp3, b"", 56, 1), &wav, Pass::AS_IS, &no_progress).unwrap();
        assert_eq!(
            (silent.reading.lufs, silent.reading.true_peak_dbtp),
            (None, None)
        );
        write_wav(&wav, 1, 0, |_, _| 0.0);
        let empty = encode_pass(&job(&mp3, b"", 96, 1), &wav, Pass::AS_IS, &no_progress).unwrap();
        assert_eq!(empty.reading.lufs, None);
        let e = encode_pass(&job(&mp3, b"", 57, 1), &wav, Pass::AS_IS, &no_progress).unwrap_err();
        assert_eq!(e.to_string(), "57 kbps is not an MP3 bitrate");
        // Three channels, and a file that is not a WAV at all.
        write_wav(&wav, 3, 100, |_, _| 0.1);
        let e = encode_pass(&job(&mp3, b"", 96, 1), &wav, Pass::AS_IS, &no_progress).unwrap_err();
        assert!(e.to_string().contains("mono or stereo WAV"), "{e}");
        std::fs::write(&wav, b"not a wav").unwrap();
        assert!(encode_pass(&job(&mp3, b"", 96, 1), &wav, Pass::AS_IS, &no_progress).is_err());
        drop((silent, empty));
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(
            left.len(),
            1,
            "only the WAV is left: no encode was delivered"
        );
    }

    #[test]
    fn an_interrupt_stops_an_encode_as_an_interrupt() {
        let dir = tempfile::tempdir().unwrap();
        let (wav, mp3) = (dir.path().join("i.wav"), dir.path().join("i.mp3"));
        write_wav(&wav, 1, RATE as usize, speechy(1));
        let stop = |frames: u64| {
            if frames > 0 {
                Err(crate::Interrupted)
            } else {
                Ok(())
            }
        };
        let e = encode_pass(&job(&mp3, b"", 96, 1), &wav, Pass::AS_IS, &stop).unwrap_err();
        assert!(matches!(e, PassError::Interrupted), "{e:?}");
    }

    /// A 16-bit WAV's samples as the master hands them on.
    fn read_i16(wav: &Path) -> Vec<f32> {
        let mut r = hound::WavReader::open(wav).unwrap();
        r.samples::<i16>()
            .map(|s| f32::from(s.unwrap()) / 32768.0)
            .collect()
    }

    /// Encode `wav` as the master's tap does: streamed, `pass` in front.
    fn stream(wav: &Path, dest: &Path, channels: u16, pass: Pass) -> Encoded {
        let job = job(dest, b"ID3-ish bytes the decoder never sees", 96, channels);
        let mut s = Streaming::start(&job, pass).unwrap();
        let samples = read_i16(wav);
        // Blocks of odd sizes, as the master's are not LAME's.
        for block in samples.chunks(usize::from(channels) * 3001) {
            s.push(block).unwrap();
        }
        s.finish(&no_progress).unwrap()
    }

    #[test]
    fn a_streamed_encode_reads_exactly_what_its_file_decodes_to() {
        let dir = tempfile::tempdir().unwrap();
        let (wav, mp3) = (dir.path().join("s.wav"), dir.path().join("s.mp3"));
        for channels in [1, 2] {
            write_wav(&wav, channels, RATE as usize * 9 + 77, speechy(11));
            let pass = Pass {
                gain_db: 0.6,
                ceiling_dbfs: Some(-1.3),
            };
            let encoded = stream(&wav, &mp3, channels, pass);
            let tag_len = b"ID3-ish bytes the decoder never sees".len() as u64;
            // The same file, decoded whole with its Info tag (gapless).
            let from_file =
                pass::measure(encoded.file.path(), tag_len, false, &no_progress).unwrap();
            let streamed = (encoded.reading.lufs, encoded.reading.true_peak_dbtp);
            assert_eq!(streamed, from_file, "{channels} channel(s)");
            assert!(streamed.0.is_some());
            // And the chain fed what a pass from the WAV feeds.
            let fed = rehearse(&job(&mp3, b"", 96, channels), &wav, pass, &no_progress).unwrap();
            assert_eq!(encoded.reading.fed.lufs, fed.lufs);
            assert_eq!(encoded.reading.fed.peak_dbfs, fed.peak_dbfs);
        }
    }

    #[test]
    fn an_abandoned_streamed_encode_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let (wav, mp3) = (dir.path().join("a.wav"), dir.path().join("a.mp3"));
        write_wav(&wav, 1, RATE as usize * 3, speechy(5));
        let mut s = Streaming::start(&job(&mp3, b"", 96, 1), Pass::AS_IS).unwrap();
        s.push(&read_i16(&wav)[..50_000]).unwrap();
        drop(s);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the WAV is left");
    }

    /// The loudness of the WAV as LAME is fed it with no gain.
    fn fed_lufs(wav: &Path) -> f64 {
        rehearse(&job(wav, b"", 96, 1), wav, Pass::AS_IS, &no_progress)
            .unwrap()
            .lufs
            .unwrap()
    }

    #[test]
    fn the_predicted_pass_makes_lames_first_encode_read_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let (wav, mp3) = (dir.path().join("p.wav"), dir.path().join("p.mp3"));
        // A master at -16 LUFS, not limited: only LAME's loss to give back.
        write_wav(&wav, 1, RATE as usize * 20, |i, c| 0.4 * speechy(2)(i, c));
        let first = encode_pass(&job(&mp3, b"", 96, 1), &wav, Pass::AS_IS, &no_progress).unwrap();
        let loss = first.reading.lufs.unwrap() - fed_lufs(&wav);
        assert!(
            (loss + lame_loss_db(96)).abs() < 0.05,
            "LAME took {loss:.3} dB, the table says {}",
            lame_loss_db(96)
        );
    }

    #[test]
    fn lames_loss_is_the_table_at_every_bitrate_the_readme_names() {
        let dir = tempfile::tempdir().unwrap();
        let (wav, mp3) = (dir.path().join("t.wav"), dir.path().join("t.mp3"));
        write_wav(&wav, 1, RATE as usize * 12, |i, c| 0.4 * speechy(4)(i, c));
        let fed = fed_lufs(&wav);
        for kbps in [64, 128, 160, 192, 224, 256, 320] {
            let first =
                encode_pass(&job(&mp3, b"", kbps, 1), &wav, Pass::AS_IS, &no_progress).unwrap();
            let loss = fed - first.reading.lufs.unwrap();
            eprintln!("{kbps} kbps: LAME took {loss:.3} dB");
            assert!(
                // Within the MP3's aim (0.1 LU), so a first encode lands.
                (loss - lame_loss_db(kbps)).abs() < 0.1,
                "{kbps} kbps: LAME took {loss:.3} dB, the table says {}",
                lame_loss_db(kbps)
            );
        }
    }

    #[test]
    fn the_front_limiter_is_linked_and_holds_its_ceiling() {
        let ceiling = crate::gain::db_to_linear(-3.0) as f32;
        let mut l = pass::FrontLimiter::new(RATE, -3.0, 2);
        let input: Vec<f32> = (0..20_000)
            .flat_map(|i| {
                let loud = if (i / 2000) % 2 == 0 { 1.6 } else { 0.2 };
                let s = (i as f32 * 0.07).sin();
                [loud * s, 0.25 * s]
            })
            .collect();
        let mut out = Vec::new();
        for block in input.chunks(2 * 777) {
            l.push(block, &mut out);
        }
        l.finish(&mut out);
        assert_eq!(out.len(), input.len());
        assert!(out.iter().all(|y| y.abs() <= ceiling));
        // One gain per frame: the quiet channel dips with the loud one.
        let mut ducked = 0;
        for (x, y) in input.chunks(2).zip(out.chunks(2)) {
            if x[0].abs() > 0.05 && x[1].abs() > 0.05 {
                let (g0, g1) = (y[0] / x[0], y[1] / x[1]);
                assert!((g0 - g1).abs() < 1e-4, "{g0} vs {g1}");
                ducked += usize::from(g1 < 0.9);
            }
        }
        assert!(ducked > 1000, "{ducked}");
    }
}
