//! What the builders share: settings filled key by key ([`Fields`]), and
//! the file a script or a config is written to ([`Document`]): JSON, which
//! is YAML, and which serde_json escapes as it must be.

use std::path::PathBuf;

use serde_json::{Map, Value};

use super::{Backend, Config, Item, Scratch, Script, Voice};

/// A builder of a map of settings.
pub trait Fields: Sized {
    /// The settings so far.
    fn map(&self) -> &Map<String, Value>;

    /// The settings so far, to change.
    fn fields(&mut self) -> &mut Map<String, Value>;

    /// Any setting.
    fn set(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.fields().insert(key.into(), value.into());
        self
    }
}

macro_rules! fields {
    ($($builder:ty),*) => {
        $(impl Fields for $builder {
            fn map(&self) -> &Map<String, Value> {
                &self.0
            }
            fn fields(&mut self) -> &mut Map<String, Value> {
                &mut self.0
            }
        })*
    };
}

fields!(Script, Item, Config, Backend, Voice);

/// What a script and each of its items may say: who reads it, in which
/// language.
pub trait Spoken: Fields {
    /// `voice:`.
    fn voice(self, name: &str) -> Self {
        self.set("voice", name)
    }

    /// `language:`, a language tag.
    fn language(self, tag: &str) -> Self {
        self.set("language", tag)
    }
}

impl Spoken for Script {}
impl Spoken for Item {}

/// A file a builder writes: a script or a config.
pub trait Document: Fields {
    /// The file's text.
    fn text(&self) -> String {
        serde_json::to_string_pretty(self.map()).unwrap()
    }

    /// Write it to `rel` in the scratch folder.
    fn write(&self, s: &Scratch, rel: &str) -> PathBuf {
        s.write(rel, &self.text())
    }
}

impl Document for Script {}
impl Document for Config {}
