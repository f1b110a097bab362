//! The chunks of a RIFF WAVE file: its format, where its data starts and
//! the size its header gives the data. One walk for answers
//! ([`crate::response`], which decodes WAV itself) and for sound files
//! ([`crate::decode`], which checks that a file holds what it promises).

/// Whether `b` starts like a RIFF WAVE file.
pub fn is_wav(b: &[u8]) -> bool {
    b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WAVE"
}

/// WAV sizes that mean "until the end of the stream": what a writer puts
/// in a header it cannot go back to (a server streaming, `ffmpeg` to a pipe).
pub fn is_placeholder(size: u32) -> bool {
    matches!(size, 0 | 0xFFFF_FFFF | 0x7FFF_FFFF)
}

/// What the `fmt ` chunk says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fmt {
    /// The format tag (1 integer PCM, 3 float), the sub-format's for
    /// WAVE_FORMAT_EXTENSIBLE.
    pub tag: u16,
    /// Interleaved channels.
    pub channels: u16,
    /// Frames per second.
    pub rate: u32,
    /// Bits per sample.
    pub bits: u16,
    /// Bytes per frame, as the header states it.
    pub block_align: u16,
}

/// Where a WAV's audio is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Its format.
    pub fmt: Fmt,
    /// The offset of the first byte of audio.
    pub data_start: usize,
    /// The data chunk's size as the header gives it (maybe a placeholder).
    pub data_size: u32,
}

impl Layout {
    /// The bytes of audio in `b` (the file this layout was read from): the
    /// stated size, or to the end for a placeholder; `Err((promised,
    /// held))` when the file ends before the stated size.
    pub fn data_len(&self, b: &[u8]) -> Result<usize, (u64, u64)> {
        let held = b.len().saturating_sub(self.data_start);
        if is_placeholder(self.data_size) {
            Ok(held)
        } else if self.data_size as usize > held {
            Err((u64::from(self.data_size), held as u64))
        } else {
            Ok(self.data_size as usize)
        }
    }
}

/// The format and the data chunk of the WAV `b`, or why they are not there
/// (in words for "WAV: …").
pub fn layout(b: &[u8]) -> Result<Layout, &'static str> {
    let mut pos = 12;
    let mut fmt: Option<Fmt> = None;
    while pos + 8 <= b.len() {
        let id = &b[pos..pos + 4];
        let size = u32::from_le_bytes(b[pos + 4..pos + 8].try_into().expect("4 bytes"));
        let body = pos + 8;
        if id == b"fmt " {
            if size < 16 || body + 16 > b.len() {
                return Err("short fmt chunk");
            }
            let f = &b[body..];
            let mut tag = u16::from_le_bytes([f[0], f[1]]);
            if tag == 0xFFFE && size >= 40 && body + 26 <= b.len() {
                // WAVE_FORMAT_EXTENSIBLE: the real tag starts the sub-format GUID.
                tag = u16::from_le_bytes([f[24], f[25]]);
            }
            fmt = Some(Fmt {
                tag,
                channels: u16::from_le_bytes([f[2], f[3]]),
                rate: u32::from_le_bytes([f[4], f[5], f[6], f[7]]),
                block_align: u16::from_le_bytes([f[12], f[13]]),
                bits: u16::from_le_bytes([f[14], f[15]]),
            });
        } else if id == b"data" {
            return Ok(Layout {
                fmt: fmt.ok_or("data before fmt")?,
                data_start: body,
                data_size: size,
            });
        }
        // Chunks are padded to an even size.
        let next = body as u64 + u64::from(size) + u64::from(size & 1);
        if next > b.len() as u64 {
            break;
        }
        pos = next as usize;
    }
    Err("no data chunk")
}

/// `b` with the placeholder sizes of its header (RIFF and data) replaced by
/// the sizes it has, for decoders that take them literally (symphonia
/// refuses a data chunk "larger than its parent").
pub fn fill_placeholder_sizes(b: &mut [u8]) {
    let Some(layout) = is_wav(b).then(|| layout(b).ok()).flatten() else {
        return;
    };
    if !is_placeholder(layout.data_size) {
        return;
    }
    let size = |n: usize| u32::try_from(n).unwrap_or(u32::MAX - 1).to_le_bytes();
    let data = size(b.len() - layout.data_start);
    b[layout.data_start - 4..layout.data_start].copy_from_slice(&data);
    let riff = size(b.len() - 8);
    b[4..8].copy_from_slice(&riff);
}
