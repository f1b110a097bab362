//! The MP3 of the episode: LAME (vendored, via mp3lame-encoder) from the
//! mastered WAV, behind an ID3v2.3 tag with the episode's metadata, cover and
//! chapters (CHAP frames in time order under a top-level, ordered CTOC, times
//! in milliseconds from sample counts, byte offsets 0xFFFFFFFF as the ID3
//! chapter addendum says to when times are given).
//!
//! The first MP3 frame is LAME's Info/LAME tag (encoder delay and padding),
//! so players that honour it play exactly the mastered samples.

use std::fs::File;
use std::io::{BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use id3::frame::{Chapter, Content, ExtendedLink, Picture, PictureType, TableOfContents};
use id3::{Frame, Tag, TagLike, Version};
use mp3lame_encoder::{Bitrate, Builder, FlushGap, MonoPcm, Quality};

use super::hound_to_io as to_io;

/// One chapter for the tag: times in milliseconds.
pub struct TagChapter {
    /// The chapter's title (TIT2).
    pub title: String,
    /// Where it starts.
    pub start_ms: u32,
    /// Where it ends.
    pub end_ms: u32,
    /// Its link (WXXX).
    pub url: Option<String>,
    /// Its picture (APIC), checked by validation.
    pub image: Option<std::path::PathBuf>,
}

/// What the ID3 tag says about the episode.
pub struct TagInfo<'a> {
    /// The episode title (TIT2).
    pub title: &'a str,
    /// The show, as artist and album (TPE1, TALB).
    pub show: &'a str,
    /// The year (TYER).
    pub year: Option<i32>,
    /// The cover picture (APIC, front cover).
    pub cover: Option<&'a Path>,
    /// In time order.
    pub chapters: Vec<TagChapter>,
}

/// The MIME type of a JPEG or PNG image, by its first bytes.
pub fn image_type(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

/// The largest picture embedded (validation says so earlier, in words).
const MAX_PICTURE_BYTES: u64 = 20_000_000;

/// An attached picture from an image file, which must be a JPEG or PNG by
/// its bytes: whatever a path points at is never embedded blindly.
fn picture(path: &Path, kind: PictureType) -> std::io::Result<Picture> {
    use std::io::Read as _;
    let mut data = Vec::new();
    File::open(path)?
        .take(MAX_PICTURE_BYTES + 1)
        .read_to_end(&mut data)?;
    if data.len() as u64 > MAX_PICTURE_BYTES {
        return Err(std::io::Error::other(format!(
            "{} is larger than {} MB",
            path.display(),
            MAX_PICTURE_BYTES / 1_000_000
        )));
    }
    let mime = image_type(&data).ok_or_else(|| {
        std::io::Error::other(format!("{} is not a JPEG or PNG image", path.display()))
    })?;
    Ok(Picture {
        mime_type: mime.into(),
        picture_type: kind,
        description: String::new(),
        data,
    })
}

/// The ID3v2.3 tag, as bytes.
pub fn id3_tag(info: &TagInfo) -> std::io::Result<Vec<u8>> {
    let mut tag = Tag::new();
    tag.set_title(info.title);
    tag.set_artist(info.show);
    tag.set_album(info.show);
    tag.set_genre("Podcast");
    if let Some(y) = info.year {
        tag.set_year(y);
    }
    if let Some(cover) = info.cover {
        tag.add_frame(picture(cover, PictureType::CoverFront)?);
    }
    let ids: Vec<String> = (0..info.chapters.len()).map(|i| format!("ch{i}")).collect();
    tag.add_frame(TableOfContents {
        element_id: "toc".into(),
        top_level: true,
        ordered: true,
        elements: ids.clone(),
        frames: vec![Frame::text("TIT2", info.title)],
    });
    for (c, id) in info.chapters.iter().zip(ids) {
        let mut frames = vec![Frame::text("TIT2", c.title.clone())];
        if let Some(image) = &c.image {
            frames.push(picture(image, PictureType::Other)?.into());
        }
        if let Some(url) = &c.url {
            frames.push(Frame::with_content(
                "WXXX",
                Content::ExtendedLink(ExtendedLink {
                    description: String::new(),
                    link: url.clone(),
                }),
            ));
        }
        tag.add_frame(Chapter {
            element_id: id,
            start_time: c.start_ms,
            end_time: c.end_ms,
            start_offset: 0xFFFF_FFFF,
            end_offset: 0xFFFF_FFFF,
            frames,
        });
    }
    let mut bytes = Vec::new();
    tag.write_to(&mut bytes, Version::Id3v23)
        .map_err(|e| std::io::Error::other(format!("ID3 tag: {e}")))?;
    Ok(bytes)
}

/// Encode the 16-bit mono WAV at `wav` into `dest` at `kbps`, with `tag` in front.
pub fn encode(wav: &Path, dest: &Path, tag: &[u8], kbps: Bitrate) -> std::io::Result<()> {
    let lame = |e: &dyn std::fmt::Display| std::io::Error::other(format!("MP3 encoder: {e}"));
    let mut reader = hound::WavReader::new(BufReader::new(File::open(wav)?)).map_err(to_io)?;
    let spec = reader.spec();
    let mut b = Builder::new().ok_or_else(|| lame(&"LAME did not start"))?;
    b.set_num_channels(1).map_err(|e| lame(&e))?;
    b.set_sample_rate(spec.sample_rate).map_err(|e| lame(&e))?;
    b.set_brate(kbps).map_err(|e| lame(&e))?;
    b.set_quality(Quality::Good).map_err(|e| lame(&e))?;
    b.set_to_write_vbr_tag(true).map_err(|e| lame(&e))?;
    let mut encoder = b.build().map_err(|e| lame(&e))?;

    let mut out = BufWriter::new(File::create(dest)?);
    out.write_all(tag)?;
    let audio_start = tag.len() as u64;
    let mut pcm: Vec<i16> = Vec::with_capacity(8192);
    let mut mp3 = Vec::with_capacity(mp3lame_encoder::max_required_buffer_size(8192));
    let mut samples = reader.samples::<i16>();
    loop {
        pcm.clear();
        for s in samples.by_ref().take(8192) {
            pcm.push(s.map_err(to_io)?);
        }
        if pcm.is_empty() {
            break;
        }
        mp3.clear();
        encoder
            .encode_to_vec(MonoPcm(&pcm[..]), &mut mp3)
            .map_err(|e| lame(&e))?;
        out.write_all(&mp3)?;
    }
    mp3.clear();
    mp3.reserve(7200);
    encoder
        .flush_to_vec::<FlushGap>(&mut mp3)
        .map_err(|e| lame(&e))?;
    out.write_all(&mp3)?;
    // LAME left room for its Info/LAME tag in the first frame: fill it in now
    // that the frame count, delay and padding are known.
    let mut info = Vec::with_capacity(encoder.lame_tag_size().max(1));
    if encoder.lame_tag_encode_to_vec(&mut info).is_some() {
        out.seek(SeekFrom::Start(audio_start))?;
        out.write_all(&info)?;
    }
    out.flush()?;
    out.into_inner().map_err(|e| e.into_error())?.sync_data()
}
