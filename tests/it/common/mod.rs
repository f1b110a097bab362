//! Helpers shared by the integration tests: run the real `podgen` binary,
//! read back the real files it writes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod alloc;
mod rng;

pub const RATE: u32 = 44_100;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The podgen binary under test: this build's, or `PODGEN_TEST_BIN` (to run
/// a suite against an older build and see its tests fail there).
pub fn bin() -> PathBuf {
    std::env::var_os("PODGEN_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_podgen")))
}

/// A scratch space: a cache folder and an output folder of its own.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Scratch {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn output(&self) -> PathBuf {
        self.path("out")
    }

    pub fn cache(&self) -> PathBuf {
        self.path("cache")
    }

    /// Write `text` to `rel` in the scratch folder and return its path.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    /// Run podgen with the scratch cache; the output folder is up to `args`.
    pub fn podgen(&self, args: &[&str]) -> Output {
        self.podgen_env(args, &[])
    }

    /// Run podgen with extra environment variables.
    pub fn podgen_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        Command::new(bin())
            .args(args)
            .envs(env.iter().copied())
            .env("PODGEN_CACHE_DIR", self.cache())
            .env("NO_COLOR", "1")
            .current_dir(self.dir.path())
            .output()
            .unwrap()
    }

    /// `podgen render SCRIPT -o <scratch>/out --quiet`, asserting success.
    pub fn render(&self, script: &Path) -> Output {
        let out = self.podgen(&[
            "render",
            script.to_str().unwrap(),
            "-o",
            self.output().to_str().unwrap(),
            "--quiet",
        ]);
        assert!(
            out.status.success(),
            "render failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

impl Scratch {
    /// `podgen render SCRIPT -c CONFIG -o OUT --quiet` (OUT relative to the scratch folder).
    pub fn render_config(&self, script: &Path, config: &Path, out: &str) -> Output {
        self.podgen(&[
            "render",
            script.to_str().unwrap(),
            "-c",
            config.to_str().unwrap(),
            "-o",
            out,
            "--quiet",
        ])
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Samples of a 16-bit mono WAV, as floats, with its rate.
pub fn read_wav(path: &Path) -> (Vec<f32>, hound::WavSpec) {
    let mut r = hound::WavReader::open(path).unwrap();
    let spec = r.spec();
    let s = r
        .samples::<i16>()
        .map(|s| f32::from(s.unwrap()) / 32768.0)
        .collect();
    (s, spec)
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn rms(s: &[f32]) -> f32 {
    if s.is_empty() {
        return 0.0;
    }
    (s.iter().map(|x| x * x).sum::<f32>() / s.len() as f32).sqrt()
}

pub fn dbfs(x: f32) -> f32 {
    20.0 * x.max(1e-10).log10()
}

/// Every file below `dir`.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Clips in a clip store (finished `.wav` files, not temporary ones).
pub fn clip_count(cache: &Path) -> usize {
    walk(&cache.join("clips"))
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .count()
}

/// A WAV file: a 16-byte `fmt ` chunk (`tag` 1 = PCM, 3 = float) and `data`,
/// with whatever rate and sizes the test wants, absurd ones included.
pub fn wav_file(rate: u32, channels: u16, tag: u16, bits: u16, data: &[u8]) -> Vec<u8> {
    let block = channels * bits / 8;
    let mut b = b"RIFF".to_vec();
    b.extend((36 + data.len() as u32).to_le_bytes());
    b.extend(b"WAVEfmt ");
    b.extend(16u32.to_le_bytes());
    b.extend(tag.to_le_bytes());
    b.extend(channels.to_le_bytes());
    b.extend(rate.to_le_bytes());
    b.extend(rate.wrapping_mul(u32::from(block)).to_le_bytes());
    b.extend(block.to_le_bytes());
    b.extend(bits.to_le_bytes());
    b.extend(b"data");
    b.extend((data.len() as u32).to_le_bytes());
    b.extend(data);
    b
}

pub use rng::Rng;

/// RMS in dBFS of the 10 ms windows above −45 dBFS: the level measure
/// podgen's levelling works by, computed here independently.
pub fn active_dbfs(samples: &[f32], rate: u32) -> f32 {
    let gate = 10f32.powf(-45.0 / 20.0);
    let loud: Vec<f32> = samples
        .chunks((rate as usize / 100).max(1))
        .filter(|w| rms(w) > gate)
        .flat_map(|w| w.iter().copied())
        .collect();
    dbfs(rms(&loud))
}

// A BS.1770 loudness meter written here, independent of the ebur128 crate
// podgen measures with (tests/loudness.rs checks it on the calibration tone).

/// One biquad section, direct form I.
struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
    x: [f64; 2],
    y: [f64; 2],
}

impl Biquad {
    fn run(&mut self, x0: f64) -> f64 {
        let y0 = self.b[0] * x0 + self.b[1] * self.x[0] + self.b[2] * self.x[1]
            - self.a[0] * self.y[0]
            - self.a[1] * self.y[1];
        self.x = [x0, self.x[0]];
        self.y = [y0, self.y[0]];
        y0
    }
}

/// The K-weighting filters of ITU-R BS.1770 for any rate (the analogue
/// prototype libebur128 and pyloudnorm use).
fn k_weighting(rate: f64) -> [Biquad; 2] {
    let (f0, g, q) = (1681.974450955533, 3.999843853973347, 0.7071752369554196);
    let k = (std::f64::consts::PI * f0 / rate).tan();
    let vh = 10f64.powf(g / 20.0);
    let vb = vh.powf(0.4996667741545416);
    let a0 = 1.0 + k / q + k * k;
    let shelf = Biquad {
        b: [
            (vh + vb * k / q + k * k) / a0,
            2.0 * (k * k - vh) / a0,
            (vh - vb * k / q + k * k) / a0,
        ],
        a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
        x: [0.0; 2],
        y: [0.0; 2],
    };
    let (f0, q) = (38.13547087602444, 0.5003270373238773);
    let k = (std::f64::consts::PI * f0 / rate).tan();
    let a0 = 1.0 + k / q + k * k;
    let highpass = Biquad {
        b: [1.0, -2.0, 1.0],
        a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
        x: [0.0; 2],
        y: [0.0; 2],
    };
    [shelf, highpass]
}

/// Integrated loudness (LUFS) of a mono signal: 400 ms blocks with 75%
/// overlap, absolute gate -70 LUFS, relative gate -10 LU.
pub fn integrated_lufs(samples: &[f32], rate: u32) -> f64 {
    integrated_lufs_interleaved(samples, 1, rate)
}

/// Integrated loudness (LUFS) of interleaved `channels` (each weighted 1,
/// as BS.1770 weights left and right).
pub fn integrated_lufs_interleaved(samples: &[f32], channels: usize, rate: u32) -> f64 {
    let frames = samples.len() / channels;
    // Per frame, the K-weighted power summed over the channels.
    let mut power = vec![0f64; frames];
    for c in 0..channels {
        let [mut s1, mut s2] = k_weighting(f64::from(rate));
        for (i, p) in power.iter_mut().enumerate() {
            let v = s2.run(s1.run(f64::from(samples[i * channels + c])));
            *p += v * v;
        }
    }
    let block = (rate as usize * 4) / 10;
    let step = block / 4;
    let mut powers = Vec::new();
    let mut start = 0;
    while start + block <= power.len() {
        powers.push(power[start..start + block].iter().sum::<f64>() / block as f64);
        start += step;
    }
    let lufs = |p: f64| -0.691 + 10.0 * p.log10();
    let above: Vec<f64> = powers
        .iter()
        .copied()
        .filter(|p| lufs(*p) > -70.0)
        .collect();
    let relative = lufs(above.iter().sum::<f64>() / above.len() as f64) - 10.0;
    let gated: Vec<f64> = above.into_iter().filter(|p| lufs(*p) > relative).collect();
    lufs(gated.iter().sum::<f64>() / gated.len() as f64)
}

/// CRC-32 as PNG chunks carry it (ISO 3309, reflected, 0xEDB88320).
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A valid PNG of `width`×`height` grey pixels, 8 bits per channel, PNG
/// colour type `colour` (0 grey, 2 RGB, 4 grey with alpha, 6 RGBA): IHDR,
/// one IDAT holding the scanlines in zlib stored blocks, IEND.
pub fn png(width: u32, height: u32, colour: u8) -> Vec<u8> {
    let channels = match colour {
        2 => 3,
        4 => 2,
        6 => 4,
        _ => 1,
    };
    let row = 1 + width as usize * channels;
    let mut raw = Vec::with_capacity(row * height as usize);
    for _ in 0..height {
        raw.push(0); // filter: none
        raw.resize(raw.len() + row - 1, 0x80);
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = if raw.is_empty() {
        vec![&[]]
    } else {
        raw.chunks(65_535).collect()
    };
    for (i, block) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len())); // BFINAL, BTYPE 00: stored
        let len = block.len() as u16;
        z.extend(len.to_le_bytes());
        z.extend((!len).to_le_bytes());
        z.extend(*block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend((b << 16 | a).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend((data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend(kind);
        out.extend(data);
        let crc = crc32(&out[start..]);
        out.extend(crc.to_be_bytes());
    };
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, colour, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &z);
    chunk(b"IEND", &[]);
    out
}
