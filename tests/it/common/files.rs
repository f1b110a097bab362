//! Files the tests read and write: WAV and JSON read back, files below a
//! folder, and WAV and PNG files made to measure (absurd ones included).

use std::path::{Path, PathBuf};

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

/// A JSON file, parsed.
pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
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

/// A second of a 220 Hz tone as 16-bit PCM at 24 kHz.
pub fn tone_s16() -> Vec<u8> {
    (0..24_000)
        .flat_map(|i| {
            let x = (i as f32 * 220.0 * std::f32::consts::TAU / 24_000.0).sin() * 8000.0;
            (x as i16).to_le_bytes()
        })
        .collect()
}

/// Float samples with a NaN and an Inf among them.
pub fn tone_f32_with_nan() -> Vec<u8> {
    (0..24_000)
        .flat_map(|i| {
            let x = match i {
                1000 => f32::NAN,
                2000 => f32::INFINITY,
                _ => (i as f32 * 0.05).sin() * 0.3,
            };
            x.to_le_bytes()
        })
        .collect()
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
