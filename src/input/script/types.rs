//! The script's types, as the producer writes them: every value that can
//! be wrong keeps its span, so that an error can point at it.

use serde::Deserialize;
use serde_saphyr::Spanned;

/// One issue of a digest show, as the producer wrote it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    /// The show's name.
    pub show: Spanned<String>,
    /// The episode's title.
    pub title: Spanned<String>,
    /// The file-name id (default: date and the ASCII words of the title).
    pub episode: Option<Spanned<String>>,
    /// YYYY-MM-DD.
    pub date: Option<Spanned<String>>,
    /// The episode's number in the show (itunes:episode in the feed).
    pub number: Option<Spanned<u32>>,
    /// BCP-47 tag (default: guessed from the text).
    pub language: Option<Spanned<String>>,
    /// The default voice name (default `narrator`).
    pub voice: Option<Spanned<String>>,
    /// The cover image, relative to the script.
    pub cover: Option<Spanned<String>>,
    /// The intro chapter.
    pub intro: Option<Spanned<Bookend>>,
    /// The news items, each a chapter.
    pub items: Spanned<Vec<Spanned<Item>>>,
    /// The outro chapter.
    pub outro: Option<Spanned<Bookend>>,
    /// Music under the whole episode (a chapter's own bed replaces it there).
    pub bed: Option<Spanned<FileOr<Bed>>>,
}

/// The intro or the outro: an optional sting and optional spoken text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bookend {
    /// Chapter title; defaults to "Intro"/"Outro" (or 开场/结束 for Chinese shows).
    pub title: Option<Spanned<String>>,
    /// Audio played before (intro) or after (outro) the text: a file, or
    /// a file with fades and an overlap with the speech.
    pub sting: Option<Spanned<FileOr<Sting>>>,
    /// Music under the chapter.
    pub bed: Option<Spanned<FileOr<Bed>>>,
    /// What is read.
    pub text: Option<Spanned<String>>,
    /// Who reads it.
    pub voice: Option<Spanned<String>>,
    /// Its language.
    pub language: Option<Spanned<String>>,
}

/// One news item: a chapter of the episode.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// The chapter title.
    pub title: Spanned<String>,
    /// What is read, by one voice.
    pub text: Option<Spanned<String>>,
    /// Or a dialogue, a voice per line.
    pub lines: Option<Spanned<Vec<Spanned<Line>>>>,
    /// Who reads it.
    pub voice: Option<Spanned<String>>,
    /// Its language.
    pub language: Option<Spanned<String>>,
    /// Links; the first is the chapter URL.
    #[serde(default)]
    pub links: Vec<Spanned<String>>,
    /// The chapter's picture.
    pub image: Option<Spanned<String>>,
    /// Music under the chapter.
    pub bed: Option<Spanned<FileOr<Bed>>>,
}

/// A sting with its settings (`sting: file.wav` is the file alone).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sting {
    /// The audio file, relative to the script: WAV, FLAC, MP3 or Ogg
    /// Vorbis, decoded whole.
    pub file: String,
    /// Fade in over this long (default 5ms, against a click).
    pub fade_in: Option<String>,
    /// Fade out over this long (default 5ms).
    pub fade_out: Option<String>,
    /// Speech starts this long before the sting ends (an outro sting: the
    /// sting starts this long before speech ends); the sting ducks under it.
    pub overlap: Option<String>,
}

/// A music bed with its settings (`bed: music.mp3` is the file alone).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bed {
    /// The audio file, relative to the script; it plays under the speech.
    pub file: String,
    /// Start again from the top when the file ends (default true).
    #[serde(rename = "loop")]
    pub looped: Option<bool>,
    /// Its level between speech, in dB relative to the speech level (or to
    /// the file as it is, with levelling off); default -12.
    pub gain_db: Option<f32>,
    /// Fade in over this long (default 1s).
    pub fade_in: Option<String>,
    /// Fade out over this long (default 2s).
    pub fade_out: Option<String>,
}

/// A setting written either as a bare file name or as its full map.
#[derive(Debug)]
pub struct FileOr<T>(pub T);

impl<T> std::ops::Deref for FileOr<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// A bare string is read as the map `{file: <the string>}`, so that its
/// other settings take their defaults through the same derive.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for FileOr<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visit<T> {
            type Value = FileOr<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a file name, or a map with `file:` and its settings")
            }
            fn visit_str<E: serde::de::Error>(
                self,
                v: &str,
            ) -> std::result::Result<Self::Value, E> {
                let file = std::iter::once(("file", v.to_string()));
                T::deserialize(serde::de::value::MapDeserializer::new(file)).map(FileOr)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(FileOr)
            }
        }
        d.deserialize_any(Visit(std::marker::PhantomData))
    }
}

/// One line of a dialogue item.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// Who says it (default: the item's voice).
    pub voice: Option<Spanned<String>>,
    /// What is said.
    pub text: Option<Spanned<String>>,
    /// Or a pause instead of words: `800ms`, `1.5s` (at most 60 s).
    pub pause: Option<Spanned<String>>,
}
