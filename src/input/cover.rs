//! Pictures: what a JPEG or PNG is ([`ImageKind`], by its first bytes), the
//! one size cap for every picture podgen reads ([`MAX_IMAGE_BYTES`],
//! [`read_image`]), and what podcast hosts ask of cover art, checked before
//! rendering: Apple Podcasts takes square artwork of 1400×1400 to 3000×3000
//! pixels in RGB, as a JPEG or PNG (the format is already an error in
//! `script::validate`; the rest are warnings, since the episode itself
//! renders fine).
//!
//! Size and colour are read from the image's header by hand: a PNG's IHDR
//! chunk and a JPEG's start-of-frame segment are a few fixed fields, and
//! an image crate would decode (or at least pull in decoders for) pictures
//! of up to 20 MB to learn three numbers.

use std::io::Read as _;
use std::path::{Path, PathBuf};

/// The largest picture podgen reads, embeds or copies (hosts ask for at
/// most 512 KB; a cover straight from a camera is a few MB).
pub const MAX_IMAGE_BYTES: u64 = 20_000_000;

/// The picture formats podcast apps show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// JPEG: starts with a start-of-image marker and a segment marker.
    Jpeg,
    /// PNG: starts with its eight-byte signature.
    Png,
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG_START: &[u8] = &[0xFF, 0xD8, 0xFF];

impl ImageKind {
    /// The kind of the picture whose first bytes are `head`, if it is one.
    pub fn of(head: &[u8]) -> Option<Self> {
        if head.starts_with(JPEG_START) {
            Some(ImageKind::Jpeg)
        } else if head.starts_with(PNG_SIGNATURE) {
            Some(ImageKind::Png)
        } else {
            None
        }
    }

    /// The kind of the picture in the file at `path`, if it is one that can
    /// be read.
    pub fn of_file(path: &Path) -> Option<Self> {
        let mut head = Vec::with_capacity(PNG_SIGNATURE.len());
        std::fs::File::open(path)
            .and_then(|f| f.take(PNG_SIGNATURE.len() as u64).read_to_end(&mut head))
            .ok()?;
        ImageKind::of(&head)
    }

    /// Its MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Png => "image/png",
        }
    }

    /// The file extension podgen gives a copy of it.
    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "jpg",
            ImageKind::Png => "png",
        }
    }
}

/// A picture read whole.
#[derive(Debug, Clone)]
pub struct Image {
    /// What it is.
    pub kind: ImageKind,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Why a picture cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ImageProblem {
    /// Not a regular file of at most [`MAX_IMAGE_BYTES`] (not found, a
    /// folder, too large), in the user's words.
    #[error("{0}")]
    NotAFile(String),
    /// Reading it failed.
    #[error("it cannot be read: {}", crate::error::unreadable(.0))]
    Read(#[source] std::io::Error),
    /// It grew past the cap while being read.
    #[error("it grew past {} MB while being read", MAX_IMAGE_BYTES / 1_000_000)]
    TooLarge,
    /// Neither a JPEG nor a PNG.
    #[error("it is not a JPEG or PNG image")]
    NotAnImage,
}

/// A picture that cannot be used, and where it is.
#[derive(Debug, thiserror::Error)]
#[error("{}: {problem}", path.display())]
pub struct ImageError {
    /// The picture's path.
    pub path: PathBuf,
    /// What is wrong with it.
    #[source]
    pub problem: ImageProblem,
}

/// The picture at `path`: a regular file of at most [`MAX_IMAGE_BYTES`],
/// a JPEG or PNG by its bytes. Whatever a path points at is never used
/// blindly.
pub fn read_image(path: &Path) -> Result<Image, ImageError> {
    let fail = |problem| ImageError {
        path: path.to_path_buf(),
        problem,
    };
    if let Some(why) = crate::error::regular_file_problem(path, MAX_IMAGE_BYTES) {
        return Err(fail(ImageProblem::NotAFile(why)));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_IMAGE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| fail(ImageProblem::Read(e)))?;
    if bytes.len() as u64 > MAX_IMAGE_BYTES {
        return Err(fail(ImageProblem::TooLarge));
    }
    match ImageKind::of(&bytes) {
        Some(kind) => Ok(Image { kind, bytes }),
        None => Err(fail(ImageProblem::NotAnImage)),
    }
}

/// The smallest and largest side Apple Podcasts accepts, in pixels.
pub const SIDES: std::ops::RangeInclusive<u32> = 1400..=3000;

/// How a picture stores colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    /// RGB, with or without alpha, or a palette of RGB colours.
    Rgb,
    /// Shades of grey (with or without alpha).
    Grey,
    /// Four-channel CMYK (or YCCK) JPEG.
    Cmyk,
    /// Anything else a header may declare.
    Other,
}

/// A picture's size and colour, as its header declares them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Pixels across.
    pub width: u32,
    /// Pixels down.
    pub height: u32,
    /// How it stores colour.
    pub colour: Colour,
}

/// The header of a PNG or JPEG, or None when `bytes` hold neither, or one
/// cut short before its size.
pub fn header(bytes: &[u8]) -> Option<Header> {
    match ImageKind::of(bytes)? {
        ImageKind::Png => png(bytes),
        ImageKind::Jpeg => jpeg(bytes),
    }
}

fn be16(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 2)?;
    Some(u32::from(s[0]) << 8 | u32::from(s[1]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The IHDR chunk, which the PNG format puts first: width, height, bit
/// depth, colour type.
fn png(b: &[u8]) -> Option<Header> {
    if b.get(12..16)? != b"IHDR" {
        return None;
    }
    let colour = match *b.get(25)? {
        2 | 3 | 6 => Colour::Rgb,
        0 | 4 => Colour::Grey,
        _ => Colour::Other,
    };
    Some(Header {
        width: be32(b, 16)?,
        height: be32(b, 20)?,
        colour,
    })
}

/// Walk the JPEG's segments to its start-of-frame: precision, height,
/// width, number of components.
fn jpeg(b: &[u8]) -> Option<Header> {
    let mut at = 2;
    loop {
        // Markers may be padded with any number of 0xFF bytes.
        while *b.get(at)? == 0xFF && *b.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *b.get(at)? != 0xFF {
            return None;
        }
        let marker = *b.get(at + 1)?;
        match marker {
            // Standalone markers carry no length.
            0x01 | 0xD0..=0xD7 => {
                at += 2;
                continue;
            }
            // End of image, or start of scan before any frame: no size.
            0xD9 | 0xDA => return None,
            // Start of frame, any coding (C4, C8 and CC are tables).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let colour = match *b.get(at + 9)? {
                    3 => Colour::Rgb,
                    1 => Colour::Grey,
                    4 => Colour::Cmyk,
                    _ => Colour::Other,
                };
                return Some(Header {
                    height: be16(b, at + 5)?,
                    width: be16(b, at + 7)?,
                    colour,
                });
            }
            _ => at += 2 + be16(b, at + 2)? as usize,
        }
    }
}

/// What is wrong with `h` for Apple Podcasts, in words (empty: nothing).
pub fn problems(h: &Header) -> Vec<String> {
    let mut out = Vec::new();
    if h.width != h.height {
        out.push(format!("{}×{} pixels is not square", h.width, h.height));
    }
    if !SIDES.contains(&h.width) || !SIDES.contains(&h.height) {
        out.push(format!(
            "{}×{} pixels is outside {}×{} to {}×{}",
            h.width,
            h.height,
            SIDES.start(),
            SIDES.start(),
            SIDES.end(),
            SIDES.end()
        ));
    }
    match h.colour {
        Colour::Rgb => {}
        Colour::Grey => out.push("it is greyscale, not RGB".into()),
        Colour::Cmyk => out.push("it is CMYK, not RGB".into()),
        Colour::Other => out.push("its colour type is not RGB".into()),
    }
    out
}

/// Warnings about a script's cover at `path` (`shown` is how the script
/// names it), for `Prepared::warnings`: none when it suits the hosts.
pub fn warnings(path: &Path, shown: &str) -> Vec<String> {
    let found = match read_image(path).ok().and_then(|image| header(&image.bytes)) {
        Some(h) => problems(&h),
        None => vec!["its size and colours cannot be read from its header".into()],
    };
    if found.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "cover image {shown}: {}; Apple Podcasts requires square artwork of {}×{} to {}×{} pixels in RGB (JPEG or PNG), and other directories follow it",
        found.join("; "),
        SIDES.start(),
        SIDES.start(),
        SIDES.end(),
        SIDES.end()
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_head(width: u32, height: u32, colour_type: u8) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend(width.to_be_bytes());
        b.extend(height.to_be_bytes());
        b.extend([8, colour_type, 0, 0, 0]);
        b
    }

    /// A JPEG's first bytes: SOI, an APP0 segment, then a baseline frame.
    fn jpeg_head(width: u16, height: u16, components: u8) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        b.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        b.extend([0xFF, 0xFF, 0xC0, 0, 17, 8]);
        b.extend(height.to_be_bytes());
        b.extend(width.to_be_bytes());
        b.push(components);
        b
    }

    #[test]
    fn png_and_jpeg_headers_are_read() {
        let h = header(&png_head(1400, 1500, 6)).unwrap();
        assert_eq!((h.width, h.height, h.colour), (1400, 1500, Colour::Rgb));
        assert_eq!(header(&png_head(9, 9, 0)).unwrap().colour, Colour::Grey);
        let h = header(&jpeg_head(3000, 2000, 4)).unwrap();
        assert_eq!((h.width, h.height, h.colour), (3000, 2000, Colour::Cmyk));
        assert_eq!(header(&jpeg_head(5, 5, 3)).unwrap().colour, Colour::Rgb);
    }

    #[test]
    fn cut_or_odd_headers_give_none_not_a_panic() {
        let png = png_head(1400, 1400, 2);
        let jpeg = jpeg_head(1400, 1400, 3);
        // The colour type, the last field read, is byte 25.
        for n in 0..26 {
            assert_eq!(header(&png[..n]), None, "png cut at {n}");
        }
        for n in 0..jpeg.len() {
            assert_eq!(header(&jpeg[..n]), None, "jpeg cut at {n}");
        }
        // A segment length pointing past the end, and one of zero.
        assert_eq!(header(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0]), None);
        assert_eq!(header(&[0xFF, 0xD8, 0xFF, 0xE1, 0, 0, 0xFF, 0xD9]), None);
    }

    #[test]
    fn kinds_are_told_by_their_first_bytes() {
        assert_eq!(ImageKind::of(&png_head(1, 1, 2)), Some(ImageKind::Png));
        assert_eq!(ImageKind::of(&jpeg_head(1, 1, 3)), Some(ImageKind::Jpeg));
        // A start-of-image marker alone is not yet a JPEG.
        assert_eq!(ImageKind::of(&[0xFF, 0xD8]), None);
        assert_eq!(ImageKind::of(b"GIF89a"), None);
        assert_eq!(ImageKind::Png.mime(), "image/png");
        assert_eq!(ImageKind::Jpeg.extension(), "jpg");
    }

    #[test]
    fn read_image_caps_and_sniffs() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("a.png");
        std::fs::write(&png, png_head(1400, 1400, 2)).unwrap();
        assert_eq!(read_image(&png).unwrap().kind, ImageKind::Png);
        let gif = dir.path().join("a.gif");
        std::fs::write(&gif, b"GIF89a....").unwrap();
        let e = read_image(&gif).unwrap_err();
        assert!(matches!(e.problem, ImageProblem::NotAnImage), "{e}");
        assert!(
            e.to_string()
                .ends_with("a.gif: it is not a JPEG or PNG image"),
            "{e}"
        );
        let e = read_image(&dir.path().join("none.png")).unwrap_err();
        assert!(matches!(e.problem, ImageProblem::NotAFile(_)), "{e}");
        assert!(e.to_string().ends_with("none.png: not found"), "{e}");
    }

    #[test]
    fn problems_name_what_hosts_require() {
        let ok = Header {
            width: 1400,
            height: 1400,
            colour: Colour::Rgb,
        };
        assert!(problems(&ok).is_empty());
        let small = Header {
            width: 600,
            height: 400,
            colour: Colour::Grey,
        };
        let p = problems(&small).join("; ");
        assert!(
            p.contains("not square") && p.contains("outside 1400×1400"),
            "{p}"
        );
        assert!(p.contains("greyscale"), "{p}");
        let big = Header {
            width: 3001,
            height: 3001,
            ..ok
        };
        assert_eq!(problems(&big).len(), 1);
    }
}
