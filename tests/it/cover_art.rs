//! Cover art as podcast hosts want it: a cover that is not square, not
//! 1400 to 3000 pixels a side, or not RGB is a warning at validate and at
//! render that says what Apple Podcasts requires; one that fits is silent.
//! A cover that is not a picture at all is an input error at validate.
//! The PNGs are written here, valid to the CRC and the zlib checksum.

use std::path::PathBuf;

use crate::common::*;

/// The script of the episode `art` with `cover` as its cover.
fn cover_script(s: &Scratch, cover: &str) -> PathBuf {
    Script::new("Art", "Cover check")
        .episode("art")
        .set("cover", cover)
        .item(Item::new("One", "A short sentence."))
        .write(s, "issue.yaml")
}

/// That script with the cover `name` holding `bytes`.
fn with_cover(s: &Scratch, name: &str, bytes: &[u8]) -> PathBuf {
    std::fs::write(s.path(name), bytes).unwrap();
    cover_script(s, name)
}

fn validate_stderr(s: &Scratch, script: &std::path::Path) -> String {
    stderr(&s.cmd("validate").arg(script).ok())
}

#[test]
fn the_png_helper_writes_what_a_png_reader_checks() {
    // The checksums a reader verifies: every chunk's CRC, and the zlib
    // stream's Adler-32 after its stored blocks.
    let p = png(300, 2, 2);
    let mut at = 8;
    let mut kinds = Vec::new();
    while at < p.len() {
        let len = u32::from_be_bytes(p[at..at + 4].try_into().unwrap()) as usize;
        let body = &p[at + 4..at + 8 + len];
        let crc = u32::from_be_bytes(p[at + 8 + len..at + 12 + len].try_into().unwrap());
        assert_eq!(crc32(body), crc);
        kinds.push(String::from_utf8_lossy(&body[..4]).into_owned());
        at += 12 + len;
    }
    assert_eq!(kinds, ["IHDR", "IDAT", "IEND"]);
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926, "the standard check value");
}

#[test]
fn a_small_cover_warns_with_what_hosts_require() {
    let s = Scratch::new();
    let sc = with_cover(&s, "cover.png", &png(600, 400, 2));
    let err = validate_stderr(&s, &sc);
    for needle in [
        "warning: cover image cover.png",
        "600×400 pixels is not square",
        "outside 1400×1400 to 3000×3000",
        "Apple Podcasts requires square artwork",
        "RGB",
    ] {
        assert!(err.contains(needle), "{needle:?} not in {err}");
    }
    assert!(!err.contains("greyscale"), "{err}");
    // Render says so too, and renders all the same.
    let out = s.cmd("render").arg(&sc).out("out").ok();
    assert!(
        stderr(&out).contains("600×400 pixels is not square"),
        "{}",
        stderr(&out)
    );
    assert!(s.path("out/art/art.mp3").is_file());
}

#[test]
fn a_square_rgb_cover_in_range_is_silent_and_grey_or_huge_is_not() {
    let s = Scratch::new();
    let sc = with_cover(&s, "cover.png", &png(1400, 1400, 2));
    let err = validate_stderr(&s, &sc);
    assert!(!err.contains("warning"), "{err}");
    // (The helper does not compress: sizes stay under the 20 MB a cover may be.)
    let sc = with_cover(&s, "rgba.png", &png(1500, 1500, 6));
    assert!(!validate_stderr(&s, &sc).contains("warning"));

    let sc = with_cover(&s, "grey.png", &png(1400, 1400, 0));
    let err = validate_stderr(&s, &sc);
    assert!(err.contains("greyscale, not RGB"), "{err}");
    assert!(!err.contains("not square"), "{err}");
    let sc = with_cover(&s, "big.png", &png(3001, 3001, 0));
    let err = validate_stderr(&s, &sc);
    assert!(err.contains("3001×3001 pixels is outside"), "{err}");
    assert!(err.contains("greyscale"), "{err}");
}

#[test]
fn a_jpeg_cover_is_read_from_its_frame_header() {
    // SOI, an APP1 segment before the frame (as cameras write EXIF), a
    // baseline frame of 2000×1500 with 4 components (CMYK), EOI.
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x01, 0x02];
    jpeg.resize(jpeg.len() + 0x0100, 0);
    jpeg.extend([0xFF, 0xC0, 0, 20, 8, 0x05, 0xDC, 0x07, 0xD0, 4]);
    jpeg.resize(jpeg.len() + 12, 0);
    jpeg.extend([0xFF, 0xD9]);
    let s = Scratch::new();
    let sc = with_cover(&s, "cover.jpg", &jpeg);
    let err = validate_stderr(&s, &sc);
    assert!(err.contains("2000×1500 pixels is not square"), "{err}");
    assert!(err.contains("CMYK, not RGB"), "{err}");
}

#[test]
fn a_cover_that_is_not_a_picture_is_refused_at_validate() {
    let s = Scratch::new();
    std::os::unix::fs::symlink("/etc/passwd", s.path("cover.jpg")).unwrap();
    for cover in ["/etc/passwd", "cover.jpg"] {
        let sc = cover_script(&s, cover);
        s.cmd("validate")
            .arg(sc)
            .fails(2, &[cover, "not a JPEG or PNG"]);
    }
    let sc = with_cover(&s, "fake.png", b"\x89PNG but not really");
    s.cmd("validate").arg(sc).fails(2, &["fake.png"]);
}
