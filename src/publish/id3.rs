//! The episode's ID3v2.3 tag: its metadata, cover and chapters (CHAP
//! frames in time order under a top-level, ordered CTOC, times in
//! milliseconds from sample counts, byte offsets 0xFFFFFFFF as the ID3
//! chapter addendum says to when times are given).

use std::path::Path;

use id3::frame::{Chapter, Content, ExtendedLink, Picture, PictureType, TableOfContents};
use id3::{Frame, Tag, TagLike, Version};

use crate::input::cover::read_image;

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

/// An attached picture from an image file, which must be a JPEG or PNG by
/// its bytes, within the one cap on pictures (validation says so earlier,
/// in words).
fn picture(path: &Path, kind: PictureType) -> std::io::Result<Picture> {
    let image = read_image(path).map_err(std::io::Error::other)?;
    Ok(Picture {
        mime_type: image.kind.mime().into(),
        picture_type: kind,
        description: String::new(),
        data: image.bytes,
    })
}

/// The id3 crate could not write the tag (its error is the cause).
#[derive(Debug, thiserror::Error)]
#[error("ID3 tag")]
struct TagError(#[source] id3::Error);

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
        .map_err(|e| std::io::Error::other(TagError(e)))?;
    Ok(bytes)
}
